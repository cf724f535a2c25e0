//! `/trend` charts drawn from real archives: the bundled one (no issue has a date, so issues
//! are placed by number) and the corpus of real issues (dated, placed by year).

mod corpus_support;
mod support;

use importai_bot::answers::trend::{Per, TrendAsk};
use importai_bot::answers::{self, AnswerError, Question, Reply};
use importai_bot::archive;
use importai_bot::store::Store;

async fn trend(store: &Store, terms: &str, per: Per) -> Result<Reply, AnswerError> {
    let ask = TrendAsk {
        terms: terms.to_owned(),
        per,
        ..TrendAsk::default()
    };
    answers::answer(store, &Question::Trend(ask)).await
}

#[tokio::test]
async fn the_bundled_archive_charts_by_issue_number() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bundled.db").display());
    let store = Store::open(&url).await.unwrap();
    let reply = trend(&store, "agents, China, compute", Per::Year)
        .await
        .unwrap();
    let chart = reply.attachment.as_ref().expect("a chart");
    support::chart::assert_chart(&chart.bytes, 3);
    assert_eq!(chart.file_name, "trend.png");
    assert!(
        chart
            .description
            .contains("agents: no mentions before #305"),
        "{}",
        chart.description
    );
    let card = &reply.cards[0];
    assert!(
        card.footer.as_deref().unwrap().contains("placed by number"),
        "{card:?}"
    );
    assert!(reply.controls.is_empty(), "no other periods without dates");
}

#[tokio::test]
async fn a_word_the_archive_never_uses_gets_a_close_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bundled.db").display());
    let store = Store::open(&url).await.unwrap();
    let error = trend(&store, "agnets", Per::Year).await.unwrap_err();
    let reply = error.to_reply();
    assert!(reply.attachment.is_none());
    let text = &reply.cards[0].description;
    assert!(
        text.contains("“agnets”") && text.contains("try “agents”"),
        "{text}"
    );
}

#[tokio::test]
async fn the_corpus_charts_by_year_and_counts_undated_issues_out() {
    let Some(files) = corpus_support::files() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", temp.path().join("corpus.db").display());
    let store = Store::open_empty(&url).await.unwrap();
    for (name, bytes) in &files {
        let issues = archive::parse(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        store.ingest_copies(name, &issues).await.unwrap();
    }
    let dated = store
        .all_issues()
        .await
        .unwrap()
        .iter()
        .filter(|i| i.published.is_some())
        .count();
    assert!(dated > 1, "the corpus has dated issues");
    for per in [Per::Year, Per::Quarter, Per::Issue] {
        let reply = trend(&store, "China, compute", per).await.unwrap();
        let chart = reply.attachment.as_ref().expect("a chart");
        support::chart::assert_chart(&chart.bytes, 2);
        assert!(chart.description.contains("per year") == (per == Per::Year));
        assert_eq!(reply.controls.len(), 2, "buttons for the other periods");
    }
    if let Some(out) = std::env::var_os("TREND_CHART_OUT") {
        let reply = trend(&store, "China, compute", Per::Year).await.unwrap();
        std::fs::write(out, &reply.attachment.unwrap().bytes).unwrap();
    }
}
