//! `/trend` at 10,000 issues: the bare counting query beside drawing the chart (plotters on
//! a bitmap, then PNG encoding) and the whole answer, in one run. The synthetic archive's
//! issues get weekly dates from 2016, so the chart has a time axis; per issue it draws
//! 10,000 points a line.
//!
//! Run: `cargo bench --bench trend`

#[path = "support/synthetic.rs"]
#[allow(dead_code)] // `store` builds the undated archive
mod synthetic;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use importai_bot::answers::trend::{self, Chart, Per, TrendAsk, TrendQuery};
use importai_bot::answers::{self, Question};
use importai_bot::store::Store;
use tokio::runtime::Runtime;

const ISSUES: u32 = 10_000;
const TERMS: &str = "agents, China, compute";

/// The synthetic archive with an issue a week from 2016.
async fn dated_store(path: &std::path::Path) -> Store {
    let first = NaiveDate::from_ymd_opt(2016, 1, 1).expect("a date");
    let mut issues = synthetic::issues(&synthetic::bundled(), ISSUES);
    for issue in &mut issues {
        issue.published = first.checked_add_days(Days::new(7 * u64::from(issue.number)));
    }
    synthetic::filled(path, issues).await
}

fn trend_bench(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("trend-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let store = rt.block_on(dated_store(&dir.join("dated-10000.db")));
    let mut group = c.benchmark_group("trend at 10000 issues");
    for per in [Per::Year, Per::Issue] {
        let ask = TrendAsk {
            terms: TERMS.to_owned(),
            per,
            ..TrendAsk::default()
        };
        let query = TrendQuery::parse(&ask).unwrap();
        let counts = rt.block_on(store.trend_counts(&query.terms)).unwrap();
        let chart = Chart::new(&query, &trend::figures(&query, &counts));
        let per = per.as_str();
        if per == "year" {
            group.bench_function("count (query only)", |b| {
                b.to_async(&rt)
                    .iter(|| async { store.trend_counts(&query.terms).await.unwrap() })
            });
        }
        group.bench_function(format!("render, per {per}"), |b| {
            b.iter(|| trend::render(&chart).unwrap())
        });
        let question = Question::Trend(ask);
        group.bench_function(format!("whole answer, per {per}"), |b| {
            b.to_async(&rt)
                .iter(|| async { answers::answer(&store, &question).await.unwrap() })
        });
    }
    group.finish();
    rt.block_on(store.close());
}

criterion_group!(benches, trend_bench);
criterion_main!(benches);
