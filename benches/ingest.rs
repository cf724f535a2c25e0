//! Ingesting the bundled archive, beside what merely reading its bytes costs:
//! read → read + parse → read + parse + ingest into a fresh store → re-ingest unchanged.
//!
//! `cargo bench --bench ingest` (add `-- --quick` for a short run).

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use importai_bot::archive::{self, Issue, BUNDLED_ARCHIVE_NAME};
use importai_bot::store::Store;

const ARCHIVE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/import-ai-301-310.txt");

fn read() -> Vec<u8> {
    std::fs::read(ARCHIVE_PATH).expect("the bundled archive is readable")
}

fn read_and_parse() -> Vec<Issue> {
    archive::parse(BUNDLED_ARCHIVE_NAME, &read()).expect("the bundled archive parses")
}

/// A store in its own temporary folder, kept alive with it.
async fn fresh_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    (Store::open_empty(&url).await.expect("store opens"), dir)
}

fn bundled_archive(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("bundled archive");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));

    group.bench_function("read bytes", |b| b.iter(read));
    group.bench_function("read + parse", |b| b.iter(read_and_parse));

    // Opening the store and creating its schema are set-up, not ingest: time only the rest.
    group.bench_function("read + parse + ingest into a fresh store", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let (store, _dir) = fresh_store().await;
                    let start = Instant::now();
                    store
                        .ingest_source(&read_and_parse())
                        .await
                        .expect("ingest");
                    spent += start.elapsed();
                    store.close().await;
                }
                spent
            })
        })
    });

    group.bench_function("read + parse + re-ingest unchanged", |b| {
        let (store, _dir) = runtime.block_on(fresh_store());
        runtime
            .block_on(store.ingest_source(&read_and_parse()))
            .expect("first ingest");
        b.to_async(&runtime).iter(|| async {
            store
                .ingest_source(&read_and_parse())
                .await
                .expect("ingest")
        });
    });

    group.finish();
}

criterion_group!(benches, bundled_archive);
criterion_main!(benches);
