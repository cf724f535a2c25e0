//! The store at 10,000 issues: lookups within 1 ms, searches within 10 ms (medians).
//!
//! Slow to build, so ignored by default:
//! `cargo test --release --test store_scale -- --ignored --nocapture`.
//! The time limits are checked in release builds only; debug builds just print.

use std::time::{Duration, Instant};

use importai_bot::archive::{Issue, Link, Section, Tale};
use importai_bot::store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const ISSUES: u32 = 10_000;

/// Text with a long-tailed vocabulary, as prose has: a few words everywhere, most rare.
struct Prose {
    rng: StdRng,
    vocabulary: Vec<String>,
}

impl Prose {
    fn new() -> Prose {
        let mut rng = StdRng::seed_from_u64(310);
        let common = [
            "the",
            "model",
            "models",
            "language",
            "data",
            "ai",
            "training",
            "robot",
            "research",
            "systems",
            "compute",
            "benchmark",
            "safety",
            "policy",
            "chips",
        ];
        let mut vocabulary: Vec<String> = common.iter().map(|w| w.to_string()).collect();
        while vocabulary.len() < 20_000 {
            let len = rng.gen_range(3..10);
            vocabulary.push((0..len).map(|_| rng.gen_range('a'..='z')).collect());
        }
        Prose { rng, vocabulary }
    }

    fn words(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| {
                // Zipf-like: rank ~ 1 / uniform.
                let rank = (1.0 / self.rng.gen_range(0.00005..1.0f64)) as usize - 1;
                self.vocabulary[rank.min(self.vocabulary.len() - 1)].as_str()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn synthetic_issue(number: u32, prose: &mut Prose) -> Issue {
    let sections = (1..=5)
        .map(|position| Section {
            position,
            title: prose.words(6),
            teaser: Some(prose.words(12)),
            summary: prose.words(40),
            why_it_matters: Some(prose.words(50)),
            body: prose.words(350),
            links: vec![Link {
                label: "Read more".to_owned(),
                title: prose.words(8),
                source: Some("arXiv".to_owned()),
                url: Some(format!("https://arxiv.org/abs/{number}.{position}")),
            }],
        })
        .collect();
    Issue {
        number,
        title: prose.words(12),
        published: None,
        url: None,
        sections,
        tale: Some(Tale {
            title: prose.words(4),
            setting: Some("Earth, 2030".to_owned()),
            body: prose.words(600),
            inspired_by: Some(prose.words(20)),
        }),
        mentions: vec![number.saturating_sub(3)],
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn timed<F, Fut>(rounds: usize, mut f: F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let start = Instant::now();
        f(round).await;
        samples.push(start.elapsed());
    }
    median(samples)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "builds a 10,000-issue archive; run with --release -- --ignored"]
async fn lookups_and_search_stay_fast_at_ten_thousand_issues() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("scale.db").display());
    let store = Store::open_empty(&url).await.unwrap();
    let mut prose = Prose::new();
    let started = Instant::now();
    for chunk in (1..=ISSUES).collect::<Vec<_>>().chunks(500) {
        let issues: Vec<Issue> = chunk
            .iter()
            .map(|&n| synthetic_issue(n, &mut prose))
            .collect();
        store.ingest_source(&issues).await.unwrap();
    }
    println!("ingested {ISSUES} issues in {:?}", started.elapsed());

    let issue = timed(200, |i| {
        let store = &store;
        async move {
            let number = (i as u32 * 7919) % ISSUES + 1;
            assert!(store.issue(number).await.unwrap().is_some());
        }
    })
    .await;
    let small = timed(200, |i| {
        let store = &store;
        async move {
            store
                .mentioned_by((i as u32 * 31) % ISSUES + 1)
                .await
                .unwrap();
            store.latest_number().await.unwrap();
        }
    })
    .await;
    let autocomplete = timed(50, |i| {
        let store = &store;
        async move {
            let typed = ["31", "model", "9999", "robot chips"][i % 4];
            store.autocomplete(typed, 25).await.unwrap();
        }
    })
    .await;
    let queries = [
        "language models",
        "robot",
        "the",
        "safety policy compute",
        "benchmark chips",
        "AND (\"*",
    ];
    let mut search_samples = Vec::new();
    for query in queries {
        let median = timed(30, |_| {
            let store = &store;
            async move {
                store.search(query, 10).await.unwrap();
            }
        })
        .await;
        println!("search {query:?}: median {median:?}");
        search_samples.push(median);
    }
    let search = median(search_samples);
    println!(
        "medians: issue {issue:?}, mentioned_by+latest {small:?}, autocomplete {autocomplete:?}, \
         search {search:?}"
    );
    if !cfg!(debug_assertions) {
        assert!(issue <= Duration::from_millis(1), "issue lookup {issue:?}");
        assert!(small <= Duration::from_millis(1), "small lookups {small:?}");
        assert!(search <= Duration::from_millis(10), "search {search:?}");
    }
}
