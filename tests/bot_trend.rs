//! `/trend` end to end: the real bot uploads its chart to the local Discord API as
//! `multipart/form-data`, which checks the upload as Discord would; the test decodes the
//! PNG the API received.

mod corpus_support;
mod support;

use importai_bot::archive;
use importai_bot::store::Store;

use support::bot::{as_message, click, controls, RunningBot};
use support::discord_api::{Recorded, RecordedRequest, GENERAL_CHANNEL_ID};

/// The request that carried the interaction's first response. It is recorded just after
/// the response, so it may take a moment to appear.
async fn callback_request(bot: &RunningBot, recorded: &Recorded) -> RecordedRequest {
    let prefix = format!("/interactions/{}/", recorded.interaction_id);
    for _ in 0..100 {
        let found = bot
            .discord
            .requests()
            .into_iter()
            .find(|r| r.path.starts_with(&prefix));
        if let Some(request) = found {
            return request;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no request recorded for {prefix}");
}

async fn assert_chart_reply(bot: &RunningBot, recorded: &Recorded, terms: usize) {
    assert!(
        recorded.is_accepted(),
        "rejected ({}) {:#?}",
        recorded.status,
        recorded.violations
    );
    let data = recorded.data();
    assert_eq!(data["embeds"][0]["image"]["url"], "attachment://trend.png");
    let attachment = &data["attachments"][0];
    assert_eq!(attachment["filename"], "trend.png");
    let alt = attachment["description"].as_str().unwrap();
    assert!(
        alt.starts_with("Line chart.") && alt.chars().count() <= 1024,
        "{alt}"
    );
    let request = callback_request(bot, recorded).await;
    let [file] = request.files.as_slice() else {
        panic!("one file expected, got {:?}", request.files.len());
    };
    assert_eq!(
        (file.field.as_str(), file.filename.as_str()),
        ("files[0]", "trend.png")
    );
    support::chart::assert_chart(&file.bytes, terms);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trend_uploads_a_chart_or_explains_a_word_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(support::archive::with_substack_320(&dir).await).await;
    let d = &bot.discord;

    let asked = bot
        .ask(d.command("trend").option_str("terms", "compute, China"))
        .await;
    assert_chart_reply(&bot, &asked, 2).await;
    let alt = asked.data()["attachments"][0]["description"].to_string();
    assert!(alt.contains("compute:") && alt.contains("china:"), "{alt}");

    // No issue of this archive has a date: one point per issue, and no other periods.
    assert!(controls(asked.data()).is_empty());

    let never = bot
        .ask(d.command("trend").option_str("terms", "agnets"))
        .await;
    assert!(never.is_accepted());
    let text = never.data().to_string();
    assert!(
        text.contains("Never mentioned") && text.contains("agent"),
        "{text}"
    );
    assert!(callback_request(&bot, &never).await.files.is_empty());

    d.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_dated_archive_the_period_buttons_redraw_the_chart() {
    let Some(files) = corpus_support::files() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("corpus.db").display());
    let store = Store::open_empty(&url).await.unwrap();
    for (name, bytes) in files.iter().filter(|(name, _)| name.ends_with(".md")) {
        let issues = archive::parse(name, bytes).unwrap();
        store.ingest_copies(name, &issues).await.unwrap();
    }
    let bot = RunningBot::start(store).await;
    let asked = bot
        .ask(
            bot.discord
                .command("trend")
                .option_str("terms", "compute, China"),
        )
        .await;
    assert_chart_reply(&bot, &asked, 2).await;
    let message = as_message(asked.data(), GENERAL_CHANNEL_ID);
    let buttons = controls(asked.data());
    let ids: Vec<&str> = buttons.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ia1:trend:issue:::compute,china",
            "ia1:trend:quarter:::compute,china"
        ]
    );
    for button in &buttons {
        let clicked = bot.ask(click(button, &message)).await;
        assert_chart_reply(&bot, &clicked, 2).await;
    }
    bot.discord.assert_no_violations();
    bot.stop().await;
}
