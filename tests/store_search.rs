//! Full-text search: ranking, places, highlighting, and readers' text that looks like syntax.

mod store_support;

use importai_bot::archive::{Issue, Section};
use importai_bot::store::{HitPlace, HIGHLIGHT_END, HIGHLIGHT_START};
use store_support::{empty_store, issue, section};

/// Issue 1 names "quantum" once, in a heading; issue 2 four times, in a short body: only
/// the heading's weight puts issue 1 first.
fn heading_and_body_issues() -> [Issue; 2] {
    let mut in_heading = issue(1);
    in_heading.sections[0] = Section {
        teaser: None,
        links: vec![],
        ..section(1, "Quantum chips get better", "Short text on hardware.")
    };
    let mut in_body = issue(2);
    in_body.sections[1] = section(
        2,
        "Hardware news",
        "Quantum annealing, quantum error correction, quantum sensing, quantum networks.",
    );
    [in_heading, in_body]
}

#[tokio::test]
async fn headings_rank_above_bodies() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&heading_and_body_issues())
        .await
        .unwrap();

    let hits = store.search("quantum", 10).await.unwrap();

    let places: Vec<(u32, HitPlace)> = hits.iter().map(|h| (h.number, h.place.clone())).collect();
    assert_eq!(
        places,
        [
            (
                1,
                HitPlace::Section {
                    position: 1,
                    title: "Quantum chips get better".to_owned()
                }
            ),
            (
                2,
                HitPlace::Section {
                    position: 2,
                    title: "Hardware news".to_owned()
                }
            ),
        ]
    );
    assert!(hits[0].rank < hits[1].rank, "lower rank is better");
    assert_eq!(hits[0].issue_title, issue(1).title);
}

#[tokio::test]
async fn snippets_mark_the_matched_words() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&heading_and_body_issues())
        .await
        .unwrap();

    let hits = store.search("annealing", 10).await.unwrap();

    assert_eq!(hits.len(), 1);
    let marked = format!("{HIGHLIGHT_START}annealing{HIGHLIGHT_END}");
    assert!(hits[0].snippet.contains(&marked), "{:?}", hits[0].snippet);
}

#[tokio::test]
async fn tales_and_link_titles_are_found() {
    let (store, _url, _dir) = empty_store().await;
    store.ingest(&issue(7)).await.unwrap();

    let tale = store.search("archivist", 10).await.unwrap();
    assert_eq!(
        tale[0].place,
        HitPlace::Tale {
            title: "The Quiet Archive".to_owned()
        }
    );
    let link = store.search("paper arxiv", 10).await.unwrap();
    assert!(matches!(
        link[0].place,
        HitPlace::Section { position: 1, .. }
    ));
}

#[tokio::test]
async fn all_words_must_match_unless_none_match_together() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&heading_and_body_issues())
        .await
        .unwrap();

    let both = store.search("quantum annealing", 10).await.unwrap();
    let holding_both: Vec<_> = both.iter().filter(|hit| hit.every_term).collect();
    assert_eq!(holding_both.len(), 1, "only one body holds both words");
    assert!(both[0].every_term, "the place holding both comes first");
    let either = store.search("annealing towels", 10).await.unwrap();
    assert!(either.len() >= 2, "no place holds both: any word counts");
    assert!(either.iter().all(|hit| !hit.every_term));
}

#[tokio::test]
async fn readers_text_is_never_syntax() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&heading_and_body_issues())
        .await
        .unwrap();
    let long = "quantum ".repeat(1250);
    let queries = [
        "AND (",
        "\"",
        "\"quantum",
        "*",
        "quantum*",
        "NEAR",
        "NEAR(quantum chips)",
        "-",
        "-quantum",
        "quantum OR",
        "NOT quantum",
        "heading:quantum",
        "{heading}: quantum",
        "^quantum",
        "quantum + chips",
        "'; DROP TABLE issues; --",
        &long,
        &"x".repeat(10_000),
        &"(".repeat(10_000),
    ];
    for query in queries {
        let result = store.search(query, 10).await;
        assert!(result.is_ok(), "{query:.40}: {result:?}");
    }
    assert_eq!(
        store.search("NEAR(quantum chips)", 10).await.unwrap()[0].number,
        1
    );
    assert_eq!(store.search("-quantum", 10).await.unwrap().len(), 2);
    assert_eq!(store.search(&long, 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_query_without_words_finds_nothing() {
    let (store, _url, _dir) = empty_store().await;
    store
        .ingest_source(&heading_and_body_issues())
        .await
        .unwrap();
    for query in ["", "   ", "\"*-()", "… — “”", "\u{0}\u{1}"] {
        assert_eq!(store.search(query, 10).await.unwrap(), [], "{query:?}");
    }
    assert_eq!(store.search("quantum", 0).await.unwrap(), []);
}

#[tokio::test]
async fn word_forms_match() {
    let (store, _url, _dir) = empty_store().await;
    store.ingest(&issue(3)).await.unwrap();
    // The body says "fold"; the heading says "Laundry-folding robots".
    assert!(!store.search("folded robot", 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn limit_caps_the_hits() {
    let (store, _url, _dir) = empty_store().await;
    let issues: Vec<Issue> = (1..=20).map(issue).collect();
    store.ingest_source(&issues).await.unwrap();
    assert_eq!(store.search("benchmark", 5).await.unwrap().len(), 5);
}
