//! Shared by the daily tale tests: a local Discord, a SQLite file that outlives "processes",
//! a hand-moved clock, and an archive of ten tales.
#![allow(dead_code)]

use crate::support::discord_api::{
    FakeDiscord, Fault, RecordedRequest, BOT_USER_ID, GENERAL_CHANNEL_ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use importai_bot::archive::{Issue, Tale};
use importai_bot::clock::{ManualClock, SharedClock};
use importai_bot::discord::DiscordChannels;
use importai_bot::outbox::daily::{key, Scheduler, SchedulerOptions};
use importai_bot::outbox::{Faults, Outbox};
use importai_bot::store::{Delivery, DeliveryState, Kind, Store};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// The archive's tales are those of these issues.
pub const TALES: std::ops::RangeInclusive<u32> = 301..=310;

pub struct Harness {
    pub discord: FakeDiscord,
    pub clock: ManualClock,
    pub url: String,
    _dir: TempDir,
}

impl Harness {
    /// A local Discord and an archive of ten tales in a fresh SQLite file; the clock at `start`.
    pub async fn new(start: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Store::open_empty(&url).await.expect("open store");
        for number in TALES {
            store.ingest(&issue(number)).await.expect("ingest");
        }
        store.close().await;
        Self {
            discord: FakeDiscord::start().await,
            clock: ManualClock::new(start),
            url,
            _dir: dir,
        }
    }

    /// The database as a new process opens it.
    pub async fn open_store(&self) -> Store {
        Store::open_empty(&self.url).await.expect("reopen store")
    }

    pub fn shared_clock(&self) -> SharedClock {
        Arc::new(self.clock.clone())
    }

    /// A scheduler as a new process starts it, optionally stopping dead at checkpoints.
    pub fn scheduler(&self, store: &Store, faults: Option<Faults>) -> Scheduler {
        let http = Arc::new(self.discord.http_builder().build());
        let channels = Arc::new(DiscordChannels::new(http));
        Scheduler::new(Outbox::new(
            store.clone(),
            self.shared_clock(),
            channels,
            BOT_USER_ID,
        ))
        .configured(
            SchedulerOptions {
                max_tick: Duration::from_millis(20),
                ..SchedulerOptions::default()
            },
            faults,
        )
    }

    /// Has the local Discord answer `500` to message sends in the general channel: the next
    /// `times` of them, or every one until [`FakeDiscord::clear_faults`] when None.
    pub fn fail_sends(&self, times: Option<usize>) {
        let fault = Fault {
            method: Some("POST".into()),
            path: format!("/channels/{GENERAL_CHANNEL_ID}/messages"),
            status: 500,
            body: serde_json::json!({"message": "Internal Server Error", "code": 0}),
            retry_after: None,
        };
        match times {
            Some(times) => (0..times).for_each(|_| self.discord.fail_next(fault.clone())),
            None => self.discord.fail_every(fault),
        }
    }

    /// Message sends in the general channel that the local Discord answered with a `500`.
    pub fn refused_sends(&self) -> usize {
        self.channel_requests(GENERAL_CHANNEL_ID, "POST")
            .iter()
            .filter(|r| r.status == 500)
            .count()
    }

    /// The messages in a channel, oldest first.
    pub fn posts_in(&self, channel: u64) -> Vec<Value> {
        self.discord.messages_in(channel)
    }

    /// The issue numbers of the tales posted in a channel, oldest first.
    pub fn tales_in(&self, channel: u64) -> Vec<u32> {
        self.posts_in(channel).iter().map(tale_of).collect()
    }

    /// Requests the bot made to a channel's message endpoints, by method.
    pub fn channel_requests(&self, channel: u64, method: &str) -> Vec<RecordedRequest> {
        let path = format!("/channels/{channel}/messages");
        self.discord
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.starts_with(&path))
            .collect()
    }
}

/// The issue number in a posted tale's footer ("Tech Tales · Import AI 305").
pub fn tale_of(message: &Value) -> u32 {
    let footer = message["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("a tale embed with a footer: {message}"));
    footer
        .split("Import AI ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an issue number in {footer:?}"))
}

pub fn issue(number: u32) -> Issue {
    Issue {
        number,
        title: format!("Issue {number}: robots, benchmarks and chips"),
        published: NaiveDate::from_ymd_opt(2022, 11, 1 + number % 28),
        url: Some(format!("https://importai.substack.com/p/import-ai-{number}")),
        subtitle: None,
        note: None,
        sections: vec![],
        tale: Some(Tale {
            title: format!("The lighthouse keeper’s model, part {number}"),
            setting: Some(format!("Earth, {}", 2020 + number % 50)),
            body: format!(
                "It woke at dawn and counted the ships… {number} of them, each a question.\n\n“Why do you count?” asked the keeper."
            ),
            inspired_by: Some("lighthouses; counting; small models".to_owned()),
            partial: false,
        }),
        mentions: vec![],
    }
}

/// Polls `check` until it holds or `timeout` passes; for state another task changes.
pub async fn eventually(timeout: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until the server's post for `date` is recorded as posted (the scheduler records
/// it just after Discord answers the send).
pub async fn await_recorded(store: &Store, guild: u64, date: NaiveDate) {
    let posted = async || {
        let post = daily_post(store, guild, date).await;
        post.is_some_and(|p| p.state == DeliveryState::Posted)
    };
    let recorded = eventually(Duration::from_secs(10), posted).await;
    assert!(recorded, "the post for {date} was not recorded");
}

/// The server's daily post for a local date, if one was claimed.
pub async fn daily_post(store: &Store, guild: u64, date: NaiveDate) -> Option<Delivery> {
    store
        .delivery(Kind::Daily, guild, &key(date))
        .await
        .expect("read the post")
}
