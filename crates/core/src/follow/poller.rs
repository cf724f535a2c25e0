//! The feed poller: one poll ([`Poller::poll`]) fetches the feed, stores new and changed
//! issues in one transaction and reports what arrived; the loop ([`Poller::run`]) polls
//! whenever a poll is due, never sooner than the interval, backing off after failures, and
//! hands each outcome to its caller (`serve` announces the new issues). When it last tried
//! and how often it failed are in the database, so a restart keeps both the validators and
//! the pace.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::fetch::{FetchError, FetchLimits, Fetched, Fetcher};
use crate::archive::{self, ArchiveError, Issue};
use crate::clock::SharedClock;
use crate::store::{FeedIngest, FeedState, Store, StoreError, Validators};

/// Of one batch of new issues, at most this many (the highest numbers) are announced: a
/// first poll of a feed that brings its whole history does not flood the channels.
pub const ANNOUNCE_AT_MOST: usize = 3;

/// When polls are due: every `interval` while they succeed; after failures, the interval
/// doubled for each one in a row, up to `max_backoff`. Never sooner than the interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Duration,
    pub max_backoff: Duration,
}

impl Schedule {
    /// The interval, with back-off up to six hours (or the interval, if that is longer).
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            max_backoff: interval.max(Duration::from_secs(6 * 60 * 60)),
        }
    }

    /// How long to wait after a poll that left `failures` failures in a row.
    pub fn delay_after(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.min(16);
        self.interval
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
            .max(self.interval)
    }

    /// When the next poll is due, given what the last ones left; now if none was made.
    pub fn next_due(&self, state: Option<&FeedState>, now: DateTime<Utc>) -> DateTime<Utc> {
        let Some((last, failures)) = state.and_then(|s| Some((s.last_attempt_at?, s.failures)))
        else {
            return now;
        };
        let delay =
            chrono::Duration::from_std(self.delay_after(failures)).unwrap_or(chrono::Duration::MAX);
        // A last attempt "in the future" (the clock was set back) still waits one delay.
        let last = last.min(now);
        last.checked_add_signed(delay)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// What the poller needs to know.
#[derive(Debug, Clone)]
pub struct PollerConfig {
    pub url: String,
    pub schedule: Schedule,
    pub limits: FetchLimits,
    pub announce_at_most: usize,
    /// The loop looks at the clock at least this often while it waits (so that a clock
    /// moved by hand, or a suspended machine, is noticed).
    pub tick: Duration,
}

impl PollerConfig {
    pub fn new(url: impl Into<String>, interval: Duration) -> Self {
        Self {
            url: url.into(),
            schedule: Schedule::new(interval),
            limits: FetchLimits::default(),
            announce_at_most: ANNOUNCE_AT_MOST,
            tick: Duration::from_secs(30),
        }
    }
}

/// What one poll of the feed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// 304 Not Modified: nothing to read.
    NotModified,
    /// The feed was read and stored.
    Stored(FeedIngest),
    /// The feed could not be fetched, read or stored; nothing changed.
    Failed { reason: String },
}

/// Follows one feed.
#[derive(Debug)]
pub struct Poller {
    store: Store,
    fetcher: Fetcher,
    clock: SharedClock,
    config: PollerConfig,
}

impl Poller {
    pub fn new(store: Store, clock: SharedClock, config: PollerConfig) -> reqwest::Result<Self> {
        Ok(Self {
            fetcher: Fetcher::new(config.limits)?,
            store,
            clock,
            config,
        })
    }

    /// One poll: fetch, read, store; the outcome says which issues arrived. Failures are
    /// logged (with the URL and the reason) and counted for the back-off; they change nothing
    /// else.
    pub async fn poll(&self) -> PollOutcome {
        let url = &self.config.url;
        let outcome = match self.fetch_and_store().await {
            Ok(outcome) => outcome,
            Err(error) => {
                let reason = error.to_string();
                let now = self.clock.now();
                let failures = match self.store.record_feed_failure(url, now, &reason).await {
                    Ok(()) => self.store.feed_state(url).await.ok().flatten(),
                    Err(error) => {
                        tracing::error!(%url, %error, "cannot record a failed feed poll");
                        None
                    }
                };
                let retry_in = self
                    .config
                    .schedule
                    .delay_after(failures.map_or(1, |s| s.failures));
                tracing::warn!(
                    %url,
                    %reason,
                    retry_in_minutes = retry_in.as_secs() / 60,
                    "feed poll failed; nothing changed"
                );
                return PollOutcome::Failed { reason };
            }
        };
        match &outcome {
            PollOutcome::NotModified => tracing::debug!(%url, "feed not modified"),
            PollOutcome::Stored(stored) => {
                let updated = stored
                    .outcomes
                    .iter()
                    .filter(|(_, o)| *o == crate::store::IngestOutcome::Updated)
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>();
                tracing::info!(
                    %url,
                    new = ?stored.arrived,
                    new_not_announced = ?stored.arrived_quietly,
                    ?updated,
                    items = stored.outcomes.len(),
                    "feed polled"
                );
            }
            PollOutcome::Failed { .. } => {}
        }
        outcome
    }

    async fn fetch_and_store(&self) -> Result<PollOutcome, PollError> {
        let url = &self.config.url;
        let state = self.store.feed_state(url).await.map_err(PollError::State)?;
        let last = state.map_or_else(Validators::default, |s| Validators {
            etag: s.etag,
            last_modified: s.last_modified,
        });
        let fetched = self.fetcher.get(url, &last).await?;
        let now = self.clock.now();
        match fetched {
            Fetched::NotModified => {
                self.store
                    .record_feed_not_modified(url, now)
                    .await
                    .map_err(PollError::Record)?;
                Ok(PollOutcome::NotModified)
            }
            Fetched::Body {
                bytes,
                validators,
                content_type,
            } => {
                // Parsing is CPU work on up to the size limit of hostile text: off the
                // async workers, so that serving goes on meanwhile. Its warnings go where
                // this poll's go.
                let feed_url = url.clone();
                let logs = tracing::dispatcher::get_default(Clone::clone);
                let issues = tokio::task::spawn_blocking(move || {
                    tracing::dispatcher::with_default(&logs, || {
                        read_feed(&feed_url, &bytes, content_type.as_deref())
                    })
                })
                .await
                .map_err(PollError::Reader)??;
                let stored = self
                    .store
                    .ingest_feed(url, &issues, &validators, now, self.config.announce_at_most)
                    .await
                    .map_err(PollError::Store)?;
                Ok(PollOutcome::Stored(stored))
            }
        }
    }

    /// When the next poll is due, from what the database remembers.
    pub async fn next_due(&self) -> DateTime<Utc> {
        let now = self.clock.now();
        match self.store.feed_state(&self.config.url).await {
            Ok(state) => self.config.schedule.next_due(state.as_ref(), now),
            Err(error) => {
                tracing::error!(url = %self.config.url, %error, "cannot read the feed's state");
                now + chrono::Duration::from_std(self.config.schedule.interval)
                    .unwrap_or(chrono::Duration::MAX)
            }
        }
    }

    /// Polls whenever a poll is due until `stop` is cancelled, and hands each outcome to
    /// `after_poll`. A poll (and what follows it) under way when the stop comes gets a few
    /// seconds to finish.
    pub async fn run<F, Fut>(self, stop: CancellationToken, mut after_poll: F)
    where
        F: FnMut(PollOutcome) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        tracing::info!(
            url = %self.config.url,
            interval_minutes = self.config.schedule.interval.as_secs() / 60,
            "following the feed"
        );
        loop {
            let due = self.next_due().await;
            loop {
                let now = self.clock.now();
                if now >= due {
                    break;
                }
                let wait = (due - now)
                    .to_std()
                    .unwrap_or_default()
                    .min(self.config.tick);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    () = stop.cancelled() => return,
                }
            }
            let cycle = async {
                let outcome = self.poll().await;
                after_poll(outcome).await;
            };
            if !finish_unless_stopped(cycle, &stop).await {
                return;
            }
        }
    }
}

/// Runs `work` to its end, unless `stop` comes first: then `work` gets a few seconds more to
/// finish what it is writing. False if stopped.
pub async fn finish_unless_stopped<F: std::future::Future>(
    work: F,
    stop: &CancellationToken,
) -> bool {
    const GRACE: Duration = Duration::from_secs(5);
    tokio::pin!(work);
    tokio::select! {
        _ = &mut work => true,
        () = stop.cancelled() => {
            let _ = tokio::time::timeout(GRACE, work).await;
            false
        }
    }
}

/// Why a poll changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("cannot read the feed's state: {0}")]
    State(#[source] StoreError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("cannot record the poll: {0}")]
    Record(#[source] StoreError),
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error("cannot store its issues: {0}")]
    Store(#[source] StoreError),
    #[error("reading the feed failed: {0}")]
    Reader(#[source] tokio::task::JoinError),
}

/// Why a fetched body yields no issue.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("it is an HTML page, not an RSS or Atom feed (Content-Type: {content_type}); check FEED_URL")]
    Html { content_type: String },
    #[error(transparent)]
    Unreadable(ArchiveError),
    #[error("the feed holds no Import AI issue that could be read")]
    NoIssue,
}

/// The issues in a fetched feed. An item that is not an issue is skipped; an item that is
/// an issue but cannot be read is skipped with a warning, so that one broken post does not
/// hold back the others. A body that is no feed at all is an error that says what it is.
pub fn read_feed(
    url: &str,
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<Vec<Issue>, FeedError> {
    let documents = archive::feed::read(bytes).map_err(|error| {
        let html = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"))
            || archive::detect_format("", bytes) == archive::Format::Html;
        if html {
            FeedError::Html {
                content_type: content_type.unwrap_or("not given").to_owned(),
            }
        } else {
            FeedError::Unreadable(error)
        }
    })?;
    let mut issues = Vec::new();
    let mut seen = HashSet::new();
    for document in &documents {
        match archive::segment(document) {
            Ok(found) => issues.extend(found.into_iter().filter(|i| seen.insert(i.number))),
            Err(ArchiveError::NoIssueHeader) => {}
            Err(error) => tracing::warn!(
                %url,
                item = document.meta.title.as_deref().unwrap_or("(untitled)"),
                %error,
                "skipping a feed item that could not be read"
            ),
        }
    }
    if issues.is_empty() && !documents.is_empty() {
        return Err(FeedError::NoIssue);
    }
    Ok(issues)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn back_off_doubles_per_failure_up_to_the_cap_and_never_undercuts_the_interval() {
        let schedule = Schedule::new(60 * MINUTE);
        assert_eq!(schedule.delay_after(0), 60 * MINUTE);
        assert_eq!(schedule.delay_after(1), 120 * MINUTE);
        assert_eq!(schedule.delay_after(2), 240 * MINUTE);
        assert_eq!(schedule.delay_after(3), 360 * MINUTE);
        assert_eq!(schedule.delay_after(40), 360 * MINUTE);
        let slow = Schedule::new(24 * 60 * MINUTE);
        assert_eq!(slow.delay_after(5), 24 * 60 * MINUTE);
        let fast = Schedule::new(5 * MINUTE);
        assert_eq!(fast.delay_after(3), 40 * MINUTE);
    }

    #[test]
    fn the_next_poll_waits_for_the_interval_or_the_back_off() {
        let schedule = Schedule::new(60 * MINUTE);
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(schedule.next_due(None, now), now);
        let mut state = FeedState {
            last_attempt_at: Some(now - chrono::Duration::minutes(10)),
            ..FeedState::default()
        };
        assert_eq!(
            schedule.next_due(Some(&state), now),
            now + chrono::Duration::minutes(50)
        );
        state.failures = 2;
        assert_eq!(
            schedule.next_due(Some(&state), now),
            now + chrono::Duration::minutes(230)
        );
        // A last attempt after "now" (clock set back) still waits a whole interval from now.
        state.failures = 0;
        state.last_attempt_at = Some(now + chrono::Duration::days(3));
        assert_eq!(
            schedule.next_due(Some(&state), now),
            now + chrono::Duration::minutes(60)
        );
    }
}
