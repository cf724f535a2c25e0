//! Each answer's time on the bundled archive (10 issues) and on a synthetic one of 10,000,
//! measured side by side in one run. Asking about the same issue again is answered from
//! memory; "issue, each time another" walks the archive, so at 10,000 issues every ask
//! reads the database (the bundled archive fits in memory whole).
//!
//! Run: `cargo bench --bench answers`

#[path = "support/synthetic.rs"]
mod synthetic;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use importai_bot::answers::{self, autocomplete, Question};
use importai_bot::store::Store;
use tokio::runtime::Runtime;

struct Archive {
    name: &'static str,
    store: Store,
    /// An issue in the middle of the archive, with a tale.
    issue: i64,
    /// The archive's issue numbers: `first..first + count`.
    first: i64,
    count: i64,
}

fn archives(rt: &Runtime, dir: &std::path::Path) -> Vec<Archive> {
    rt.block_on(async {
        let bundled = Store::open(&format!("sqlite://{}", dir.join("bundled.db").display()))
            .await
            .expect("open the bundled archive");
        let large = synthetic::store(&dir.join("synthetic-10000.db"), 10_000).await;
        vec![
            Archive {
                name: "10 issues",
                store: bundled,
                issue: 305,
                first: 301,
                count: 10,
            },
            Archive {
                name: "10000 issues",
                store: large,
                issue: 5_000,
                first: 1,
                count: 10_000,
            },
        ]
    })
}

fn answers(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("answers-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let archives = archives(&rt, &dir);
    let mut group = c.benchmark_group("answer");
    for archive in &archives {
        let n = archive.issue;
        let questions = [
            ("issue", Question::Issue(n)),
            (
                "section",
                Question::Section {
                    issue: n,
                    position: 2,
                },
            ),
            (
                "tale",
                Question::Tale {
                    issue: Some(n),
                    page: 1,
                },
            ),
            ("links", Question::Links { issue: n, page: 1 }),
            ("latest", Question::Latest),
            ("about", Question::About),
            ("search one word", Question::Search("chess".into())),
            (
                "search three words",
                Question::Search("large language models".into()),
            ),
            ("search no match", Question::Search("zyzzyva quokka".into())),
        ];
        for (name, question) in questions {
            group.bench_with_input(BenchmarkId::new(name, archive.name), &question, |b, q| {
                b.to_async(&rt)
                    .iter(|| async { answers::answer(&archive.store, q).await.expect("an answer") })
            });
        }
        let asked = std::cell::Cell::new(0i64);
        group.bench_function(
            BenchmarkId::new("issue, each time another", archive.name),
            |b| {
                b.to_async(&rt).iter(|| {
                    // A stride coprime with the count visits every issue before repeating.
                    asked.set(asked.get() + 1);
                    let n = archive.first + (asked.get() * 7_919) % archive.count;
                    async move {
                        answers::answer(&archive.store, &Question::Issue(n))
                            .await
                            .expect("an answer")
                    }
                })
            },
        );
        group.bench_function(BenchmarkId::new("autocomplete", archive.name), |b| {
            b.to_async(&rt).iter(|| async {
                autocomplete::issue_choices(&archive.store, "language")
                    .await
                    .expect("choices")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, answers);
criterion_main!(benches);
