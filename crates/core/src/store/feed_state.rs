//! What the feed poller remembers between polls and restarts: the validators for a
//! conditional GET, when it last tried, how often in a row it failed; and which issues
//! entered the store through it (the only ones ever announced).

use chrono::{DateTime, SecondsFormat, Utc};

use super::ingest::{check_storable, upsert};
use super::{IngestOutcome, Result, Store};
use crate::archive::Issue;

/// The poller's memory of one feed URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedState {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Failed polls in a row; 0 after a good one.
    pub failures: u32,
    pub last_error: Option<String>,
}

/// The validators a server sent with a feed, to send back on the next request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What storing one fetched feed did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedIngest {
    /// Each issue of the feed with what storing it did, in feed order.
    pub outcomes: Vec<(u32, IngestOutcome)>,
    /// Issues that entered the store with this fetch and will be announced.
    pub arrived: Vec<u32>,
    /// Issues that entered the store with this fetch but are too old a part of a large
    /// backlog to be announced.
    pub arrived_quietly: Vec<u32>,
}

pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn parse_timestamp(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|at| at.with_timezone(&Utc))
}

impl Store {
    /// What the poller remembers of `url`; None before its first poll.
    pub async fn feed_state(&self, url: &str) -> Result<Option<FeedState>> {
        let row = sqlx::query!(
            r#"SELECT url AS "url!", etag, last_modified, last_attempt_at, last_success_at,
                 failures, last_error
             FROM feed_state WHERE url = ?"#,
            url,
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| FeedState {
            url: row.url,
            etag: row.etag,
            last_modified: row.last_modified,
            last_attempt_at: parse_timestamp(row.last_attempt_at),
            last_success_at: parse_timestamp(row.last_success_at),
            failures: u32::try_from(row.failures).unwrap_or(0),
            last_error: row.last_error,
        }))
    }

    /// The most recently polled feed, if any was ever polled: for `/announce status`.
    pub async fn latest_feed_state(&self) -> Result<Option<FeedState>> {
        let url = sqlx::query_scalar!(
            r#"SELECT url AS "url!" FROM feed_state ORDER BY last_attempt_at DESC, url LIMIT 1"#
        )
        .fetch_optional(&self.pool)
        .await?;
        match url {
            Some(url) => self.feed_state(&url).await,
            None => Ok(None),
        }
    }

    /// A poll that failed: counts it for the back-off and keeps the validators as they were.
    pub async fn record_feed_failure(
        &self,
        url: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        let at = timestamp(at);
        sqlx::query!(
            "INSERT INTO feed_state (url, last_attempt_at, failures, last_error) VALUES (?, ?, 1, ?)
             ON CONFLICT (url) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                 failures = failures + 1, last_error = excluded.last_error",
            url,
            at,
            reason,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A poll the server answered with 304 Not Modified.
    pub async fn record_feed_not_modified(&self, url: &str, at: DateTime<Utc>) -> Result<()> {
        let at = timestamp(at);
        sqlx::query!(
            "INSERT INTO feed_state (url, last_attempt_at, last_success_at, failures)
             VALUES (?1, ?2, ?2, 0)
             ON CONFLICT (url) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                 last_success_at = excluded.last_success_at, failures = 0, last_error = NULL",
            url,
            at,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores the issues of one fetched feed in one transaction, together with the feed's
    /// new validators and the arrival of each issue that was not in the store. Of a batch of
    /// more than `announce_at_most` new issues only the highest numbers are announced; the
    /// rest arrive quietly. If anything fails, nothing of this fetch is stored.
    pub async fn ingest_feed(
        &self,
        url: &str,
        issues: &[Issue],
        validators: &Validators,
        at: DateTime<Utc>,
        announce_at_most: usize,
    ) -> Result<FeedIngest> {
        for issue in issues {
            check_storable(issue)?;
        }
        let now = timestamp(at);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut result = FeedIngest::default();
        for issue in issues {
            let ingested = upsert(&mut tx, issue, url, at).await?;
            result.outcomes.push((issue.number, ingested.outcome));
        }
        let mut added: Vec<u32> = result
            .outcomes
            .iter()
            .filter(|(_, outcome)| *outcome == IngestOutcome::Added)
            .map(|(number, _)| *number)
            .collect();
        added.sort_unstable();
        added.dedup();
        let quiet = added.len().saturating_sub(announce_at_most);
        for (index, &number) in added.iter().enumerate() {
            let announce = index >= quiet;
            // An issue arrives once: if it left the store and came back, it is not news.
            let inserted = sqlx::query!(
                "INSERT INTO feed_arrivals (issue, arrived_at, announce) VALUES (?, ?, ?)
                 ON CONFLICT (issue) DO NOTHING",
                number,
                now,
                announce,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            match (inserted, announce) {
                (0, _) => {}
                (_, true) => result.arrived.push(number),
                (_, false) => result.arrived_quietly.push(number),
            }
        }
        sqlx::query!(
            "INSERT INTO feed_state (url, etag, last_modified, last_attempt_at, last_success_at, failures)
             VALUES (?1, ?2, ?3, ?4, ?4, 0)
             ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                 last_modified = excluded.last_modified,
                 last_attempt_at = excluded.last_attempt_at,
                 last_success_at = excluded.last_success_at, failures = 0, last_error = NULL",
            url,
            validators.etag,
            validators.last_modified,
            now,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_recent_if_changed(&result.outcomes).await;
        Ok(result)
    }

    /// Issues that arrived through the poller, in arrival order: for tests and diagnostics.
    pub async fn feed_arrivals(&self) -> Result<Vec<u32>> {
        let numbers = sqlx::query_scalar!("SELECT issue FROM feed_arrivals ORDER BY seq")
            .fetch_all(&self.pool)
            .await?;
        Ok(numbers.into_iter().map(|n| n as u32).collect())
    }
}
