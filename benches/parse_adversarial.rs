//! Parsing hostile sources beside an ordinary one, in MB/s, in one run: each of these once
//! took time quadratic in its size (53 s for the comma paragraphs, 34 s for the markup, and
//! the glued link items ran ten times slower than the bundled archive).
//! Parsing must stay linear: each within a few times the bundled archive's rate. The nested
//! markup is refused once it nests past the limit, which is part of what is measured.
//!
//! Run: `cargo bench --bench parse_adversarial`

#[path = "support/hostile.rs"]
mod hostile;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use importai_bot::archive;

fn parse_adversarial(c: &mut Criterion) {
    let inputs: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "ordinary: bundled archive",
            archive::BUNDLED_ARCHIVE_NAME,
            archive::BUNDLED_ARCHIVE.as_bytes().to_vec(),
        ),
        (
            "2 MB of comma-ended paragraphs",
            "commas.txt",
            hostile::comma_paragraphs().into_bytes(),
        ),
        (
            "600 KB of <div/>",
            "divs.html",
            hostile::nested_markup("<div/>").into_bytes(),
        ),
        (
            "600 KB of <div></x>",
            "mismatched.html",
            hostile::nested_markup("<div></x>").into_bytes(),
        ),
        (
            "1 MB of link items glued on one line",
            "glued.html",
            hostile::glued_link_items().into_bytes(),
        ),
        (
            "a page of 100,000 links",
            "links.html",
            hostile::hundred_thousand_links().into_bytes(),
        ),
    ];
    let mut group = c.benchmark_group("parse_adversarial");
    for (label, name, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*label, |b| {
            b.iter(|| black_box(archive::parse(name, black_box(bytes))))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = parse_adversarial
}
criterion_main!(benches);
