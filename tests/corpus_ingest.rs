//! The whole corpus of real issues ingested into a real SQLite file, twice: the second time
//! changes nothing, and copies of one issue from several carriers end as one merged issue.

mod corpus_support;

use importai_bot::archive;
use importai_bot::store::{IngestOutcome, Store};

async fn ingest_all(store: &Store, files: &[(String, Vec<u8>)]) -> Vec<(u32, IngestOutcome)> {
    let mut outcomes = Vec::new();
    for (name, bytes) in files {
        let issues = archive::parse(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ingested = store.ingest_copies(name, &issues).await.unwrap();
        outcomes.extend(ingested.into_iter().map(|i| (i.number, i.outcome)));
    }
    outcomes
}

#[tokio::test]
async fn ingesting_the_corpus_twice_changes_nothing_the_second_time() {
    let Some(files) = corpus_support::files() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("corpus.db").display());
    let store = Store::open_empty(&url).await.unwrap();

    let first = ingest_all(&store, &files).await;
    let archive_after_first = store.all_issues().await.unwrap();
    let second = ingest_all(&store, &files).await;

    assert!(first
        .iter()
        .any(|(_, outcome)| *outcome == IngestOutcome::Added));
    let changed: Vec<_> = second
        .iter()
        .filter(|(_, outcome)| *outcome != IngestOutcome::Unchanged)
        .collect();
    assert!(changed.is_empty(), "the second ingest changed {changed:?}");
    assert_eq!(store.all_issues().await.unwrap(), archive_after_first);

    // 386 and 448 come from two carriers each, 421–425 twice from one: one issue each.
    let numbers: Vec<u32> = archive_after_first.iter().map(|i| i.number).collect();
    let mut unique = numbers.clone();
    unique.dedup();
    assert_eq!(numbers, unique);
    // The WordPress copy of 448 has the tale, the pipeline copy the date and URL: the
    // archive's 448 has all three.
    let merged = archive_after_first
        .iter()
        .find(|i| i.number == 448)
        .unwrap();
    assert_eq!(
        merged.tale.as_ref().map(|t| t.title.as_str()),
        Some("Dandelion Sky")
    );
    assert_eq!(
        merged.published.map(|d| d.to_string()).as_deref(),
        Some("2026-03-09")
    );
    assert!(merged
        .url
        .as_deref()
        .is_some_and(|u| u.contains("import-ai-448")));
}
