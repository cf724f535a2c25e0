//! A fetched feed is parsed off the async workers: a large or hostile feed must not stall
//! the serving process while it is read.

mod follow_support;

use std::sync::Arc;
use std::time::Duration;

use follow_support::{feed, Answer, Logs, NewsletterSite, ITEM_911};
use importai_bot::clock::SystemClock;
use importai_bot::follow::{Poller, PollerConfig};
use importai_bot::store::Store;

/// An issue cut off after its first section: it cannot be read, and the parser says so in
/// a warning, from wherever it runs.
const TWICE_914: &str = "<item>\n<title><![CDATA[Import AI 914: Twice]]></title>\n\
    <link>https://importai.substack.com/p/import-ai-914</link>\n\
    <pubDate>Mon, 20 Mar 2023 12:00:00 GMT</pubDate>\n\
    <content:encoded><![CDATA[<p>Import AI 914: Twice</p><p>A story about robots.</p>\
    <p>Import AI 914: Twice again</p><p>More.</p>]]></content:encoded>\n</item>\n";

#[tokio::test]
async fn the_feed_is_parsed_on_a_blocking_thread_not_on_the_runtime() {
    let (logs, _guard) = Logs::capture();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.unwrap();
    let site = NewsletterSite::start(Answer::Feed(feed(&[TWICE_914, ITEM_911]))).await;
    let config = PollerConfig::new(site.feed_url(), Duration::from_secs(3600));
    let poller = Poller::new(store.clone(), Arc::new(SystemClock), config).unwrap();

    poller.poll().await;

    assert!(
        store.issue(911).await.unwrap().is_some(),
        "the readable item is stored"
    );
    let text = logs.text();
    let warning = text
        .lines()
        .find(|line| line.contains("WARN") && line.contains("Import AI 914"))
        .unwrap_or_else(|| panic!("the unreadable item is warned about: {text}"));
    // This test's runtime has one thread, the test's own: the parser ran elsewhere.
    let runtime_thread = std::thread::current()
        .name()
        .expect("a named test thread")
        .to_owned();
    assert!(!warning.contains(&runtime_thread), "{warning}");
    assert!(
        warning.contains(" WARN tokio-"),
        "one of tokio's blocking threads: {warning}"
    );
}
