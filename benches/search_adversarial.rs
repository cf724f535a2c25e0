//! Search on the bundled archive beside search on a store that also holds one page of
//! 100,000 links, in one run: one huge issue once made every matching search take 55 s
//! (FTS5 builds snippets from the whole row). The two should be within 2× of each other.
//!
//! Run: `cargo bench --bench search_adversarial`

#[path = "support/hostile.rs"]
mod hostile;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use importai_bot::answers::{self, Question};
use importai_bot::archive;
use importai_bot::store::Store;
use tokio::runtime::Runtime;

fn search_adversarial(c: &mut Criterion) {
    let rt = Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (bundled, hostile) = rt.block_on(async {
        let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
        let bundled = Store::open(&url("bundled.db")).await.expect("open");
        let hostile = Store::open(&url("hostile.db")).await.expect("open");
        let page = hostile::hundred_thousand_links();
        let issues = archive::parse("links.html", page.as_bytes()).expect("the page parses");
        hostile
            .ingest_source(&issues)
            .await
            .expect("the page is stored");
        (bundled, hostile)
    });
    let mut group = c.benchmark_group("search_adversarial");
    for query in ["paper", "language models"] {
        for (name, store) in [
            ("bundled archive", &bundled),
            ("with the 100,000-link page", &hostile),
        ] {
            let question = Question::Search(query.into());
            group.bench_with_input(BenchmarkId::new(name, query), &question, |b, question| {
                b.to_async(&rt)
                    .iter(|| async { answers::respond(store, question).await })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = search_adversarial
}
criterion_main!(benches);
