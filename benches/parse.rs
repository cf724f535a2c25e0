//! Parsing the bundled archive, next to merely reading its bytes, in one run: the ratio
//! says what segmentation costs over touching the text at all.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use importai_bot::archive;

fn bundled_archive(c: &mut Criterion) {
    let bytes = archive::BUNDLED_ARCHIVE.as_bytes();
    let mut group = c.benchmark_group("bundled_archive");
    group.throughput(Throughput::Bytes(bytes.len() as u64));

    group.bench_function("read_bytes", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(bytes)).expect("UTF-8");
            black_box(text.lines().count())
        })
    });

    group.bench_function("parse", |b| {
        b.iter(|| {
            let issues = archive::parse(archive::BUNDLED_ARCHIVE_NAME, black_box(bytes))
                .expect("the bundled archive parses");
            black_box(issues)
        })
    });

    group.finish();
}

criterion_group!(benches, bundled_archive);
criterion_main!(benches);
