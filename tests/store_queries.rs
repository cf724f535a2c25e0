//! The lookups the answers layer relies on, on a real SQLite file.

mod store_support;

use importai_bot::store::{ArchiveStats, IssueTitle};
use store_support::{empty_store, issue};

fn titled(number: u32, title: &str) -> importai_bot::archive::Issue {
    importai_bot::archive::Issue {
        title: title.to_owned(),
        ..issue(number)
    }
}

#[tokio::test]
async fn an_empty_store_answers_with_nothing() {
    let (store, _url, _dir) = empty_store().await;
    assert_eq!(store.latest_number().await.unwrap(), None);
    assert_eq!(store.issue_titles().await.unwrap(), []);
    assert_eq!(store.all_issues().await.unwrap(), []);
    assert_eq!(store.tale_numbers().await.unwrap(), Vec::<u32>::new());
    assert_eq!(store.stats().await.unwrap(), ArchiveStats::default());
    assert_eq!(store.autocomplete("", 25).await.unwrap(), []);
}

#[tokio::test]
async fn titles_latest_tales_and_stats() {
    use chrono::TimeZone;
    let (store, _url, _dir) = empty_store().await;
    let stored_at = chrono::Utc.with_ymd_and_hms(2026, 12, 2, 7, 30, 0).unwrap();
    let clock = importai_bot::clock::ManualClock::new(stored_at);
    let store = store.with_clock(std::sync::Arc::new(clock));
    let mut no_tale = issue(305);
    no_tale.tale = None;
    store
        .ingest_source(&[issue(310), no_tale, issue(301)])
        .await
        .unwrap();

    let numbers: Vec<u32> = store
        .issue_titles()
        .await
        .unwrap()
        .iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(numbers, [301, 305, 310]);
    assert_eq!(store.latest_number().await.unwrap(), Some(310));
    assert_eq!(store.tale_numbers().await.unwrap(), [301, 310]);
    assert_eq!(
        store.stats().await.unwrap(),
        ArchiveStats {
            issues: 3,
            sections: 6,
            tales: 2,
            links: 6,
            // One link of each issue has an address.
            links_with_url: 3,
            first: Some(301),
            last: Some(310),
            // Issue 310's date in the fixture: 1 November 2022 plus 310 % 28 days.
            newest_published: chrono::NaiveDate::from_ymd_opt(2022, 11, 3),
            changed_at: Some(stored_at),
        }
    );
}

#[tokio::test]
async fn mentioned_by_lists_the_citing_issues_ascending() {
    let (store, _url, _dir) = empty_store().await;
    // issue(n) cites n-5 and n-1.
    store
        .ingest_source(&[issue(310), issue(306), issue(305)])
        .await
        .unwrap();
    assert_eq!(store.mentioned_by(305).await.unwrap(), [306, 310]);
    assert_eq!(store.mentioned_by(309).await.unwrap(), [310]);
    assert_eq!(store.mentioned_by(1).await.unwrap(), Vec::<u32>::new());
}

#[tokio::test]
async fn autocomplete_matches_number_prefixes_and_title_words_newest_first() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&[
            titled(31, "Early days"),
            titled(301, "Chess engines; ÉLAN robots"),
            titled(310, "AlphaZero learned Chess like humans"),
            titled(299, "Nothing about boards"),
        ])
        .await
        .unwrap();
    let numbers = |titles: Vec<IssueTitle>| titles.iter().map(|t| t.number).collect::<Vec<_>>();

    assert_eq!(
        numbers(store.autocomplete("31", 25).await.unwrap()),
        [310, 31]
    );
    assert_eq!(
        numbers(store.autocomplete("3", 25).await.unwrap()),
        [310, 301, 31]
    );
    assert_eq!(
        numbers(store.autocomplete("CHESS", 25).await.unwrap()),
        [310, 301]
    );
    assert_eq!(
        numbers(store.autocomplete("élan", 25).await.unwrap()),
        [301]
    );
    assert_eq!(
        numbers(store.autocomplete("chess alpha", 25).await.unwrap()),
        [310]
    );
    assert_eq!(
        numbers(
            store
                .autocomplete("310 — AlphaZero learned…", 25)
                .await
                .unwrap()
        ),
        [310],
        "a choice echoed back still finds its issue"
    );
    assert_eq!(
        numbers(store.autocomplete("", 2).await.unwrap()),
        [310, 301]
    );
    assert_eq!(
        numbers(store.autocomplete("  ", 25).await.unwrap()).len(),
        4
    );
    assert_eq!(
        numbers(store.autocomplete("%_'\"", 25).await.unwrap()).len(),
        4
    );
    assert_eq!(
        numbers(store.autocomplete("zebra", 25).await.unwrap()),
        Vec::<u32>::new()
    );
    assert_eq!(
        store.autocomplete("alphazero", 1).await.unwrap(),
        [IssueTitle {
            number: 310,
            title: "AlphaZero learned Chess like humans".to_owned()
        }]
    );
}
