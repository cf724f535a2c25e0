//! A large archive for benchmarks: the bundled issues' real sections and tales recombined
//! under new numbers, deterministically, so every run measures the same archive.

use importai_bot::archive::{Issue, Section};
use importai_bot::store::Store;

/// A small deterministic generator (SplitMix64): no dependency, same archive every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `count` issues numbered 1..=count, each made of 4–8 sections and a tale from `base`.
pub fn issues(base: &[Issue], count: u32) -> Vec<Issue> {
    let sections: Vec<&Section> = base.iter().flat_map(|i| &i.sections).collect();
    let tales: Vec<_> = base.iter().filter_map(|i| i.tale.as_ref()).collect();
    let mut mix = Mix(0x1a1_0310_5eed);
    (1..=count)
        .map(|number| {
            let picked: Vec<Section> = (0..4 + mix.below(5))
                .map(|i| Section {
                    position: i as u32 + 1,
                    ..sections[mix.below(sections.len())].clone()
                })
                .collect();
            let title = picked
                .iter()
                .take(3)
                .map(|s| s.title.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let mentions = if number > 1 {
                vec![1 + mix.below(number as usize - 1) as u32]
            } else {
                Vec::new()
            };
            Issue {
                number,
                title,
                published: None,
                url: Some(format!(
                    "https://importai.substack.com/p/import-ai-{number}"
                )),
                subtitle: None,
                note: None,
                sections: picked,
                tale: Some(tales[mix.below(tales.len())].clone()),
                mentions,
            }
        })
        .collect()
}

/// A store at `path` holding the synthetic archive of `count` issues, built once and reused
/// while it holds that many.
pub async fn store(path: &std::path::Path, count: u32) -> Store {
    filled(path, issues(&bundled(), count)).await
}

/// A store at `path` holding `archive`, built once and reused while it holds as many issues.
pub async fn filled(path: &std::path::Path, archive: Vec<Issue>) -> Store {
    let url = format!("sqlite://{}", path.display());
    let store = Store::open_empty(&url)
        .await
        .expect("open the benchmark store");
    if store.stats().await.expect("stats").issues as usize != archive.len() {
        for chunk in archive.chunks(500) {
            store
                .ingest_source(chunk)
                .await
                .expect("ingest synthetic issues");
        }
    }
    store
}

/// The bundled sample issues, parsed.
pub fn bundled() -> Vec<Issue> {
    let text = include_bytes!("../../data/import-ai-301-310.txt");
    importai_bot::archive::parse("data/import-ai-301-310.txt", text)
        .expect("parse the bundled archive")
}
