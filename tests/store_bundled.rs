//! A fresh store answers from the archive bundled with the program.

mod store_support;

use importai_bot::store::Store;

#[tokio::test]
async fn a_fresh_store_is_filled_from_the_bundled_archive() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());

    let store = Store::open(&url).await.unwrap();

    let stats = store.stats().await.unwrap();
    assert_eq!(
        (stats.issues, stats.sections, stats.tales),
        (10, 51, 10),
        "{stats:?}"
    );
    assert_eq!((stats.first, stats.last), (Some(301), Some(310)));
    let hits = store.search("emergent abilities", 5).await.unwrap();
    assert_eq!(hits[0].number, 310, "{hits:?}");
}

#[tokio::test]
async fn opening_again_does_not_refill() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    Store::open(&url).await.unwrap().close().await;
    let before = store_support::dump(&url).await;

    Store::open(&url).await.unwrap().close().await;

    store_support::assert_same_rows(&before, &store_support::dump(&url).await, "reopened");
}
