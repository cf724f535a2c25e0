//! Following the feed without Discord: fetching with conditional GET and limits, storing
//! new and changed issues, deciding which issues are news, the back-off and the loop; and
//! `ingest URL` for a feed and a post page. Everything talks to 127.0.0.1 only.

mod follow_support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use follow_support::*;
use importai_bot::clock::{Clock, ManualClock, SharedClock};
use importai_bot::follow::{FetchLimits, PollOutcome, Poller, PollerConfig};
use importai_bot::store::{Claim, IngestOutcome, Kind, Store};
use tempfile::TempDir;

const GUILD_A: u64 = 1_180_000_000_000_000_100;
const GUILD_B: u64 = 1_180_000_000_000_000_200;
const ADMIN: u64 = 1_180_000_000_000_000_003;

struct Setup {
    _dir: TempDir,
    url: String,
    store: Store,
    clock: ManualClock,
}

impl Setup {
    async fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let url = format!("sqlite://{}", dir.path().join("archive.db").display());
        let store = Store::open(&url).await.unwrap();
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap());
        Self {
            _dir: dir,
            url,
            store,
            clock,
        }
    }

    /// A setup in which server A has turned announcements on (in channel 11).
    async fn announcing_in_a() -> Self {
        let setup = Setup::new().await;
        setup
            .store
            .enable_announcements(GUILD_A, 11, ADMIN, setup.clock.now())
            .await
            .unwrap();
        setup
    }

    /// The same database opened again, as after a restart.
    async fn reopen(&self) -> Store {
        Store::open(&self.url).await.unwrap()
    }

    fn poller(&self, store: &Store, feed_url: &str) -> Poller {
        let mut config = PollerConfig::new(feed_url, Duration::from_secs(3600));
        config.limits = FetchLimits {
            connect_timeout: Duration::from_secs(1),
            total_timeout: Duration::from_millis(1500),
            max_bytes: 10 * 1024 * 1024,
        };
        let clock: SharedClock = Arc::new(self.clock.clone());
        Poller::new(store.clone(), clock, config).unwrap()
    }
}

fn stored(outcome: PollOutcome) -> importai_bot::store::FeedIngest {
    match outcome {
        PollOutcome::Stored(stored) => stored,
        other => panic!("expected the feed to be stored, got {other:?}"),
    }
}

fn outcome_of(stored: &importai_bot::store::FeedIngest, number: u32) -> IngestOutcome {
    stored
        .outcomes
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, o)| *o)
        .unwrap_or_else(|| panic!("issue {number} not in {stored:?}"))
}

/// Everything the archive holds, for "nothing changed" checks.
async fn snapshot(store: &Store) -> String {
    serde_json::to_string(&store.all_issues().await.unwrap()).unwrap()
}

/// (issue, guild) pairs still to announce.
async fn pending(store: &Store) -> Vec<(u32, u64)> {
    let mut pending: Vec<(u32, u64)> = store
        .pending_announcements()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.issue, p.guild_id))
        .collect();
    pending.sort_unstable();
    pending
}

/// Marks every pending announcement as sent, as the announcer would.
async fn mark_all_sent(store: &Store, at: chrono::DateTime<Utc>) {
    for (n, p) in store
        .pending_announcements()
        .await
        .unwrap()
        .iter()
        .enumerate()
    {
        let key = p.issue.to_string();
        let claim = Claim {
            kind: Kind::Announce,
            guild: p.guild_id,
            key: &key,
            issue: p.issue,
            channel: p.channel_id,
            nonce: "nonce",
        };
        let claimed = store.claim_delivery(claim, at).await.unwrap();
        store
            .record_posted(&claimed, 1000 + n as u64, at)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_new_issue_is_stored_and_becomes_news_for_servers_that_asked() {
    let setup = Setup::new().await;
    let store = &setup.store;
    let now = setup.clock.now();
    store
        .enable_announcements(GUILD_A, 11, ADMIN, now)
        .await
        .unwrap();
    store
        .enable_announcements(GUILD_B, 22, ADMIN, now)
        .await
        .unwrap();
    let site = NewsletterSite::start(Answer::Feed(feed(&[ITEM_911, ITEM_310]))).await;
    let poller = setup.poller(store, &site.feed_url());

    let first = stored(poller.poll().await);
    assert_eq!(outcome_of(&first, 911), IngestOutcome::Added);
    // 310 was bundled: the feed's copy (with link URLs) may update it; it is never news.
    assert_ne!(outcome_of(&first, 310), IngestOutcome::Added);
    assert_eq!(first.arrived, vec![911]);
    let issue = store.issue(911).await.unwrap().expect("911 stored");
    assert_eq!(
        issue.title,
        "Generative bias; BLOOM isn’t great; how China and Russia use AI"
    );
    assert_eq!(issue.sections.len(), 5);
    assert!(issue.tale.is_some());
    assert!(issue
        .url
        .as_deref()
        .unwrap()
        .starts_with("https://importai.substack.com/p/"));
    assert_eq!(
        issue.published,
        chrono::NaiveDate::from_ymd_opt(2023, 3, 6),
        "the item's pubDate"
    );
    assert_eq!(pending(store).await, vec![(911, GUILD_A), (911, GUILD_B)]);

    // A server that turns announcements on now never hears of 911: it was already stored.
    store
        .enable_announcements(1_180_000_000_000_000_300, 33, ADMIN, now)
        .await
        .unwrap();
    assert_eq!(pending(store).await, vec![(911, GUILD_A), (911, GUILD_B)]);
}

#[tokio::test]
async fn the_same_feed_again_changes_nothing_and_304_is_honoured() {
    let setup = Setup::announcing_in_a().await;
    let store = &setup.store;
    let body = feed(&[ITEM_911, ITEM_310]);
    let site = NewsletterSite::start(Answer::Feed(body.clone())).await;
    let poller = setup.poller(store, &site.feed_url());
    stored(poller.poll().await);
    mark_all_sent(store, setup.clock.now()).await;
    let before = snapshot(store).await;

    setup.clock.advance(chrono::Duration::hours(1));
    assert_eq!(poller.poll().await, PollOutcome::NotModified);
    let seen = site.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].if_none_match, None,
        "nothing to validate on the first poll"
    );
    assert_eq!(
        seen[1].if_none_match.as_deref(),
        Some(etag_of(&body).as_str())
    );
    assert_eq!(seen[1].if_modified_since.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(seen[1].status, 304);
    assert_eq!(snapshot(store).await, before);
    assert!(pending(store).await.is_empty());

    // After a restart the validators are still sent.
    let reopened = setup.reopen().await;
    let poller = setup.poller(&reopened, &site.feed_url());
    assert_eq!(poller.poll().await, PollOutcome::NotModified);
    assert_eq!(
        site.seen()[2].if_none_match.as_deref(),
        Some(etag_of(&body).as_str())
    );

    // A server without validators sends the whole feed: every issue is unchanged.
    site.answer(Answer::PlainFeed(body));
    let again = stored(poller.poll().await);
    assert!(again
        .outcomes
        .iter()
        .all(|(_, o)| *o == IngestOutcome::Unchanged));
    assert!(again.arrived.is_empty());
    assert_eq!(snapshot(store).await, before);
    assert!(pending(store).await.is_empty());
}

#[tokio::test]
async fn an_edited_or_redated_issue_is_updated_and_not_news_again() {
    let setup = Setup::announcing_in_a().await;
    let store = &setup.store;
    let site = NewsletterSite::start(Answer::Feed(feed(&[ITEM_911]))).await;
    let poller = setup.poller(store, &site.feed_url());
    stored(poller.poll().await);
    mark_all_sent(store, setup.clock.now()).await;

    // The feed rewrites the item's date and id, and fixes a word in its text.
    let edited = redated(
        ITEM_911,
        "Tue, 07 Mar 2023 08:00:00 GMT",
        "https://importai.substack.com/p/renamed-post",
    )
    .replace("Stanford University", "Stanford University (CA)");
    site.answer(Answer::Feed(feed(&[&edited])));
    let result = stored(poller.poll().await);
    assert_eq!(outcome_of(&result, 911), IngestOutcome::Updated);
    assert!(result.arrived.is_empty());
    let issue = store.issue(911).await.unwrap().unwrap();
    assert_eq!(issue.published, chrono::NaiveDate::from_ymd_opt(2023, 3, 7));
    assert!(issue.sections[0].body.contains("Stanford University (CA)"));
    assert!(
        pending(store).await.is_empty(),
        "an update is not announced"
    );
    assert_eq!(store.feed_arrivals().await.unwrap(), vec![911]);

    // A new issue next to it is news.
    site.answer(Answer::Feed(feed(&[ITEM_912, &edited])));
    let result = stored(poller.poll().await);
    assert_eq!(result.arrived, vec![912]);
    assert_eq!(pending(store).await, vec![(912, GUILD_A)]);
}

#[tokio::test]
async fn a_first_poll_that_brings_a_backlog_announces_only_the_newest() {
    let setup = Setup::announcing_in_a().await;
    let store = &setup.store;
    let renumbered: Vec<String> = (0..5)
        .map(|i| {
            ITEM_911
                .replace("Import AI 911", &format!("Import AI {}", 920 + i))
                .replace("import-ai-911", &format!("import-ai-{}", 920 + i))
        })
        .collect();
    let items: Vec<&str> = renumbered.iter().map(String::as_str).collect();
    let site = NewsletterSite::start(Answer::Feed(feed(&items))).await;
    let result = stored(setup.poller(store, &site.feed_url()).poll().await);
    assert_eq!(result.arrived, vec![922, 923, 924]);
    assert_eq!(result.arrived_quietly, vec![920, 921]);
    let pending: Vec<u32> = pending(store).await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(pending, vec![922, 923, 924]);
}

#[tokio::test]
async fn a_feed_that_fails_warns_changes_nothing_and_the_next_good_poll_works() {
    let setup = Setup::announcing_in_a().await;
    let store = &setup.store;
    let site = NewsletterSite::start(Answer::Status(500)).await;
    let feed_url = site.feed_url();
    let poller = setup.poller(store, &feed_url);
    let before = snapshot(store).await;
    let (logs, _guard) = Logs::capture();

    let good = feed(&[ITEM_911, ITEM_310]);
    let broken = good[..good.len() / 2].to_owned();
    let html_page = PAGE_913.to_owned();
    let cases: Vec<(&str, Answer, &str)> = vec![
        ("server error", Answer::Status(500), "500"),
        (
            "slow",
            Answer::Slow(Duration::from_secs(4), good.clone()),
            "timed out",
        ),
        (
            "huge, streamed",
            Answer::HugeStream(20),
            "larger than 10 MiB",
        ),
        ("huge, announced", Answer::Huge(20), "larger than 10 MiB"),
        (
            "broken XML",
            Answer::Raw("application/rss+xml", broken),
            "the feed could not be read",
        ),
        (
            "an HTML page",
            Answer::Raw("text/html; charset=utf-8", html_page),
            "HTML page, not an RSS or Atom feed",
        ),
    ];
    for (failures, (case, answer, reason)) in (1..).zip(cases) {
        logs.clear();
        site.answer(answer);
        let outcome = poller.poll().await;
        let PollOutcome::Failed { reason: got } = &outcome else {
            panic!("{case}: expected a failure, got {outcome:?}");
        };
        assert!(got.contains(reason), "{case}: {got}");
        let log = logs.text();
        let warning = log
            .lines()
            .find(|line| line.contains("WARN") && line.contains("feed poll failed"))
            .unwrap_or_else(|| panic!("{case}: no warning in {log}"));
        assert!(warning.contains(&feed_url), "{case}: {warning}");
        assert!(warning.contains(reason), "{case}: {warning}");
        assert_eq!(snapshot(store).await, before, "{case}: store changed");
        assert!(pending(store).await.is_empty(), "{case}");
        let state = store.feed_state(&feed_url).await.unwrap().unwrap();
        assert_eq!(state.failures, failures, "{case}");
        assert_eq!(state.etag, None, "{case}: no validators from a failed poll");
    }
    // The limit holds while the body streams: a 200 MiB answer is cut off long before its
    // end (what the sockets buffer aside), not read whole and then refused.
    let produced_before = site.chunks_produced();
    site.answer(Answer::HugeStream(200));
    assert!(matches!(poller.poll().await, PollOutcome::Failed { .. }));
    let produced = site.chunks_produced() - produced_before;
    assert!(produced < 100, "{produced} MiB of 200 were sent");

    // A feed nobody serves: connection refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/feed", listener.local_addr().unwrap())
    };
    logs.clear();
    let refused = setup.poller(store, &closed).poll().await;
    assert!(
        matches!(&refused, PollOutcome::Failed { reason } if reason.contains("cannot connect")),
        "{refused:?}"
    );
    assert!(logs.text().contains(&closed));
    assert_eq!(snapshot(store).await, before);

    // The poller goes on: the next good answer is stored and resets the back-off.
    site.answer(Answer::Feed(good));
    let result = stored(poller.poll().await);
    assert_eq!(result.arrived, vec![911]);
    assert_eq!(pending(store).await, vec![(911, GUILD_A)]);
    let state = store.feed_state(&feed_url).await.unwrap().unwrap();
    assert_eq!(state.failures, 0);
    assert!(state.etag.is_some());
}

#[tokio::test]
async fn back_off_and_the_interval_hold_across_restarts() {
    let setup = Setup::new().await;
    let site = NewsletterSite::start(Answer::Status(503)).await;
    let poller = setup.poller(&setup.store, &site.feed_url());
    let start = setup.clock.now();
    let hours = chrono::Duration::hours;

    assert_eq!(poller.next_due().await, start, "never polled: due now");
    poller.poll().await;
    assert_eq!(
        poller.next_due().await,
        start + hours(2),
        "one failure: twice the interval"
    );
    setup.clock.advance(hours(2));
    poller.poll().await;
    assert_eq!(poller.next_due().await, start + hours(2) + hours(4));

    // A restart remembers both the failures and when the last attempt was.
    let reopened = setup.reopen().await;
    let restarted = setup.poller(&reopened, &site.feed_url());
    assert_eq!(restarted.next_due().await, start + hours(6));

    setup.clock.advance(hours(4));
    site.answer(Answer::Feed(feed(&[ITEM_911])));
    stored(restarted.poll().await);
    assert_eq!(
        restarted.next_due().await,
        start + hours(6) + hours(1),
        "a good poll: the plain interval again"
    );
}

#[tokio::test]
async fn the_loop_polls_when_due_never_sooner_and_stops_when_asked() {
    let setup = Setup::new().await;
    let site = NewsletterSite::start(Answer::Feed(feed(&[ITEM_911]))).await;
    let mut config = PollerConfig::new(site.feed_url(), Duration::from_secs(3600));
    config.tick = Duration::from_millis(10);
    let clock: SharedClock = Arc::new(setup.clock.clone());
    let poller = Poller::new(setup.store.clone(), clock, config).unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(poller.run(stop.clone(), |_| async {}));

    let wait_for = |count: usize| {
        let site = site.clone();
        async move {
            for _ in 0..500 {
                if site.requests() >= count {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("{count} polls expected, saw {}", site.requests());
        }
    };
    wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(site.requests(), 1, "not again before the interval");
    setup.clock.advance(chrono::Duration::minutes(59));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(site.requests(), 1, "59 minutes are not an hour");
    setup.clock.advance(chrono::Duration::minutes(1));
    wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(site.requests(), 2);

    stop.cancel();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the loop stops promptly")
        .unwrap();
    assert_eq!(setup.store.feed_arrivals().await.unwrap(), vec![911]);
}

#[tokio::test]
async fn ingest_accepts_a_feed_url_and_a_page_url() {
    let site = NewsletterSite::start(Answer::Feed(feed(&[ITEM_912, ITEM_911]))).await;
    let dir = TempDir::new().unwrap();
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());
    let run = |urls: Vec<String>| {
        let database = database.clone();
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_importai-bot"))
                .arg("--database-url")
                .arg(&database)
                .arg("ingest")
                .args(urls)
                .env_remove("RUST_LOG")
                .output()
                .await
                .unwrap()
        }
    };
    let output = run(vec![site.feed_url(), site.page_url()]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("added 912 Recursively self-improving LMs"),
        "{stdout}"
    );
    assert!(stdout.contains("added 911 Generative bias"), "{stdout}");
    assert!(stdout.contains("added 913 Copilot lawsuit"), "{stdout}");

    let again = run(vec![site.feed_url(), site.page_url()]).await;
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success());
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("unchanged "))
            .count(),
        3,
        "{stdout}"
    );

    let store = Store::open(&database).await.unwrap();
    let page = store.issue(913).await.unwrap().expect("913 stored");
    assert_eq!(page.sections.len(), 5);
    assert!(page
        .sections
        .iter()
        .flat_map(|s| &s.links)
        .all(|l| l.url.is_some()));

    // A feed that is down: the URL and the reason, a failed exit, nothing stored.
    site.answer(Answer::Status(500));
    let failed = run(vec![site.feed_url()]).await;
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(
        stderr.contains(&site.feed_url()) && stderr.contains("500"),
        "{stderr}"
    );
}

#[tokio::test]
async fn one_unreadable_item_does_not_hold_back_the_others() {
    let setup = Setup::new().await;
    let (logs, _guard) = Logs::capture();
    // An item that is an issue by its title but stops right after its header.
    let cut = "<item>\n<title><![CDATA[Import AI 915: Cut off]]></title>\n\
               <link>https://importai.substack.com/p/import-ai-915</link>\n\
               <pubDate>Mon, 20 Mar 2023 12:00:00 GMT</pubDate>\n\
               <content:encoded><![CDATA[<p>Welcome to Import AI</p>]]></content:encoded>\n</item>\n";
    let site = NewsletterSite::start(Answer::Feed(feed(&[cut, ITEM_911]))).await;
    let result = stored(setup.poller(&setup.store, &site.feed_url()).poll().await);
    assert_eq!(result.arrived, vec![911]);
    assert_eq!(setup.store.issue(915).await.unwrap(), None);
    let log = logs.text();
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("Import AI 915")),
        "{log}"
    );
}

#[tokio::test]
async fn malformed_feed_settings_stop_serve_with_one_clear_line() {
    for (name, value, expected) in [
        (
            "FEED_POLL_MINUTES",
            "2",
            "FEED_POLL_MINUTES must be a whole number of minutes, at least 5",
        ),
        ("FEED_POLL_MINUTES", "an hour", "FEED_POLL_MINUTES must be"),
        (
            "FEED_URL",
            "importai.substack.com/feed",
            "FEED_URL must be the http(s) URL",
        ),
    ] {
        let dir = TempDir::new().unwrap();
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_importai-bot"))
            .current_dir(dir.path())
            .arg("--database-url")
            .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
            .arg("serve")
            .env("DISCORD_TOKEN", "MTAx.Gx2.abc_DEF")
            .env_remove("FEED_URL")
            .env_remove("FEED_POLL_MINUTES")
            .env(name, value)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}={value}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}={value}: {stderr}");
        assert!(stderr.contains(expected), "{name}={value}: {stderr}");
        assert!(
            !dir.path().join("x.db").exists(),
            "settings are checked before the database is touched"
        );
    }
}
