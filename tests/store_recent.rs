//! Issues are kept in memory once read: what this process ingests shows at once, what
//! another process writes shows within a second (or at once when asked to notice), and the
//! memory they take stays within the budget.

mod store_support;

use std::time::Duration;

use importai_bot::store::{Store, Validators, RECENT_ISSUES_BUDGET_BYTES};
use store_support::{empty_store, issue};

#[tokio::test]
async fn an_ingest_in_this_process_shows_at_once() {
    let (store, _url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    assert_eq!(
        store.issue(301).await.unwrap().unwrap().title,
        issue(301).title
    );
    assert_eq!(store.mentioned_by(301).await.unwrap(), Vec::<u32>::new());

    let mut renamed = issue(301);
    renamed.title = "A new title".to_owned();
    store.ingest(&renamed).await.unwrap();
    assert_eq!(store.issue(301).await.unwrap().as_deref(), Some(&renamed));

    // A new issue changes what an old one is mentioned by.
    let mut later = issue(305);
    later.mentions = vec![301];
    store.ingest(&later).await.unwrap();
    assert_eq!(store.mentioned_by(301).await.unwrap(), [305]);
}

#[tokio::test]
async fn an_issue_the_feed_brings_shows_at_once() {
    let (store, _url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    store.issue(301).await.unwrap();

    let mut edited = issue(301);
    edited.title = "Edited in the feed".to_owned();
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    store
        .ingest_feed(
            "https://example.org/feed",
            &[edited.clone()],
            &Validators::default(),
            at,
            3,
        )
        .await
        .unwrap();

    assert_eq!(store.issue(301).await.unwrap().as_deref(), Some(&edited));
}

#[tokio::test]
async fn an_issue_first_asked_for_before_it_arrives_shows_once_it_does() {
    let (store, _url, _dir) = empty_store().await;
    assert_eq!(store.issue(320).await.unwrap(), None);
    store.ingest(&issue(320)).await.unwrap();
    assert_eq!(
        store.issue(320).await.unwrap().as_deref(),
        Some(&issue(320))
    );
}

/// A second store on the same file stands for another process (`importai-bot ingest` while
/// the bot serves): it has connections of its own.
#[tokio::test]
async fn readers_asking_at_once_share_one_read() {
    let (store, _url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    // Past the interval, so that the first reader checks for changes: it finds none.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let asked = (0..20).map(|_| store.issue(301));
    let read: Vec<_> = futures_util::future::join_all(asked).await;
    let first = read[0].as_ref().unwrap().as_ref().unwrap();
    for other in &read[1..] {
        let other = other.as_ref().unwrap().as_ref().unwrap();
        assert!(
            std::sync::Arc::ptr_eq(first, other),
            "a reader read the issue again"
        );
    }
}

#[tokio::test]
async fn writes_that_leave_the_archive_as_it_was_keep_what_is_kept() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    store.notice_outside_changes().await;
    store.issue(301).await.unwrap();
    let kept = store.recent_issue_bytes();
    assert!(kept > 0);

    // A random tale remembered here, and an issue given again unchanged by another process.
    store.record_random_tale(1, 301, 5).await.unwrap();
    change_from_outside(&url, 301, &issue(301).title).await;
    store.notice_outside_changes().await;
    assert_eq!(
        store.recent_issue_bytes(),
        kept,
        "kept issues were forgotten"
    );
}

async fn change_from_outside(url: &str, number: u32, title: &str) {
    let outside = Store::open_empty(url).await.unwrap();
    let mut changed = issue(number);
    changed.title = title.to_owned();
    outside.ingest(&changed).await.unwrap();
    outside.close().await;
}

#[tokio::test]
async fn another_process_writing_shows_when_noticed() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    let before = store.issue(301).await.unwrap().unwrap();

    change_from_outside(&url, 301, "Changed elsewhere").await;
    assert_eq!(
        store.issue(301).await.unwrap(),
        Some(before),
        "served from memory until the change is noticed"
    );

    store.notice_outside_changes().await;
    assert_eq!(
        store.issue(301).await.unwrap().unwrap().title,
        "Changed elsewhere"
    );
}

#[tokio::test]
async fn the_counts_follow_every_change() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    assert_eq!(store.stats().await.unwrap().issues, 1);

    store.ingest(&issue(302)).await.unwrap();
    assert_eq!(store.stats().await.unwrap().issues, 2);
    assert_eq!(store.stats().await.unwrap().last, Some(302));

    change_from_outside(&url, 303, "Added elsewhere").await;
    assert_eq!(
        store.stats().await.unwrap().issues,
        2,
        "counted before the change"
    );
    store.notice_outside_changes().await;
    let stats = store.stats().await.unwrap();
    assert_eq!(
        (stats.issues, stats.sections, stats.last),
        (3, 6, Some(303))
    );
}

#[tokio::test]
async fn another_process_writing_shows_within_a_second_unasked() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    store.issue(301).await.unwrap();

    change_from_outside(&url, 301, "Changed elsewhere").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    assert_eq!(
        store.issue(301).await.unwrap().unwrap().title,
        "Changed elsewhere"
    );
}

#[tokio::test]
async fn kept_issues_stay_within_the_budget() {
    let (store, _url, _dir) = empty_store().await;
    // About 40 KB each: 150 of them are nearly three times the budget.
    let big = |number| {
        let mut issue = issue(number);
        for section in &mut issue.sections {
            section.body = format!("{} ", section.body).repeat(300);
        }
        issue
    };
    let issues: Vec<_> = (101..=250).map(big).collect();
    store.ingest_source(&issues).await.unwrap();

    for issue in &issues {
        let number = issue.number;
        let read = store.issue(number).await.unwrap();
        assert!(
            read.as_deref() == Some(issue),
            "issue {number} reads back whole"
        );
        assert!(
            store.recent_issue_bytes() <= RECENT_ISSUES_BUDGET_BYTES,
            "{} bytes kept after reading issue {number}",
            store.recent_issue_bytes()
        );
    }
    assert!(
        store.recent_issue_bytes() > RECENT_ISSUES_BUDGET_BYTES / 2,
        "the budget is used, not left empty: {} bytes",
        store.recent_issue_bytes()
    );
    // Issues read long ago come back from the database, whole.
    let first = store.issue(101).await.unwrap();
    assert!(
        first.as_deref() == Some(&issues[0]),
        "issue 101 reads back whole"
    );
}
