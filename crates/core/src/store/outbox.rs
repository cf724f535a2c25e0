//! The outbox: one claimed delivery per (kind, server, key), for every message the bot posts
//! on its own. The store only keeps what the engine ([`crate::outbox`]) decides.

use super::{Result, Store, StoreError};
use chrono::{DateTime, Utc};

/// What a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The daily tale; keyed by the server's local date.
    Daily,
    /// The announcement of a new issue; keyed by the issue number.
    Announce,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Daily => "daily",
            Kind::Announce => "announce",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        match text {
            "daily" => Ok(Kind::Daily),
            "announce" => Ok(Kind::Announce),
            other => Err(decode_error(format!("unknown delivery kind {other:?}"))),
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Owned by the engine, not known to be sent.
    Claimed,
    /// Discord has it.
    Posted,
    /// Discord refused it for good.
    Failed,
    /// Its time passed before it was sent.
    Missed,
}

impl DeliveryState {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Claimed => "claimed",
            DeliveryState::Posted => "posted",
            DeliveryState::Failed => "failed",
            DeliveryState::Missed => "missed",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "claimed" => DeliveryState::Claimed,
            "posted" => DeliveryState::Posted,
            "failed" => DeliveryState::Failed,
            "missed" => DeliveryState::Missed,
            other => return Err(decode_error(format!("unknown delivery state {other:?}"))),
        })
    }
}

/// One message owed to one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub kind: Kind,
    pub guild: u64,
    pub key: String,
    /// The issue whose tale or overview it carries.
    pub issue: u32,
    pub channel: u64,
    pub nonce: String,
    pub state: DeliveryState,
    /// Sends started.
    pub attempts: u32,
    /// Not tried again before this.
    pub next_try: Option<DateTime<Utc>>,
    pub claimed_at: DateTime<Utc>,
    pub message_id: Option<u64>,
    pub posted_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl Delivery {
    /// Claimed and not known to be sent: the engine still owes it an outcome.
    pub fn is_open(&self) -> bool {
        self.state == DeliveryState::Claimed
    }
}

/// A delivery to claim.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub kind: Kind,
    pub guild: u64,
    pub key: &'a str,
    pub issue: u32,
    pub channel: u64,
    pub nonce: &'a str,
}

impl Store {
    /// Claims a delivery, unless it was claimed before (by this process or an earlier one):
    /// then that claim is returned unchanged. The caller sends only what the claim says.
    pub async fn claim_delivery(&self, claim: Claim<'_>, now: DateTime<Utc>) -> Result<Delivery> {
        let (kind, guild, channel) = (claim.kind.as_str(), id(claim.guild), id(claim.channel));
        let claimed = now.timestamp_millis();
        sqlx::query!(
            "INSERT INTO deliveries (kind, guild, key, issue, channel, nonce, claimed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (kind, guild, key) DO NOTHING",
            kind,
            guild,
            claim.key,
            claim.issue,
            channel,
            claim.nonce,
            claimed,
        )
        .execute(&self.pool)
        .await?;
        self.delivery(claim.kind, claim.guild, claim.key)
            .await?
            .ok_or_else(|| decode_error("the delivery just claimed is missing".into()))
    }

    pub async fn delivery(&self, kind: Kind, guild: u64, key: &str) -> Result<Option<Delivery>> {
        let (kind, guild) = (kind.as_str(), id(guild));
        let row = sqlx::query_as!(
            Row,
            "SELECT kind, guild, key, issue, channel, nonce, state, attempts, next_try_ms,
                    claimed_ms, message_id, posted_ms, error
             FROM deliveries WHERE kind = ?1 AND guild = ?2 AND key = ?3",
            kind,
            guild,
            key,
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(Row::into_delivery).transpose()
    }

    /// A server's deliveries of a kind, the greatest key first (the latest date, the
    /// highest issue), in `state` if given, at most `limit` if given.
    pub async fn deliveries(
        &self,
        kind: Kind,
        guild: u64,
        state: Option<DeliveryState>,
        limit: Option<u32>,
    ) -> Result<Vec<Delivery>> {
        let (kind, guild) = (kind.as_str(), id(guild));
        let (state, limit) = (
            state.map(DeliveryState::as_str),
            limit.map_or(-1, i64::from),
        );
        let rows = sqlx::query_as!(
            Row,
            "SELECT kind, guild, key, issue, channel, nonce, state, attempts, next_try_ms,
                    claimed_ms, message_id, posted_ms, error
             FROM deliveries
             WHERE kind = ?1 AND guild = ?2 AND (?3 IS NULL OR state = ?3)
             ORDER BY length(key) DESC, key DESC LIMIT ?4",
            kind,
            guild,
            state,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Row::into_delivery).collect()
    }

    /// A server's latest delivery of a kind (see [`Store::deliveries`]).
    pub async fn latest_delivery(
        &self,
        kind: Kind,
        guild: u64,
        state: Option<DeliveryState>,
    ) -> Result<Option<Delivery>> {
        Ok(self
            .deliveries(kind, guild, state, Some(1))
            .await?
            .into_iter()
            .next())
    }

    /// Notes that a send is starting, before it starts: a later process then knows to look
    /// for the message before sending again.
    pub async fn start_attempt(&self, delivery: &Delivery) -> Result<()> {
        let (kind, guild) = (delivery.kind.as_str(), id(delivery.guild));
        sqlx::query!(
            "UPDATE deliveries SET attempts = attempts + 1
             WHERE kind = ?1 AND guild = ?2 AND key = ?3 AND state = 'claimed'",
            kind,
            guild,
            delivery.key,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the message Discord created.
    pub async fn record_posted(
        &self,
        delivery: &Delivery,
        message_id: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (kind, guild) = (delivery.kind.as_str(), id(delivery.guild));
        let (message, posted) = (id(message_id), now.timestamp_millis());
        sqlx::query!(
            "UPDATE deliveries SET state = 'posted', message_id = ?4, posted_ms = ?5,
                 next_try_ms = NULL
             WHERE kind = ?1 AND guild = ?2 AND key = ?3 AND state = 'claimed'",
            kind,
            guild,
            delivery.key,
            message,
            posted,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a temporary failure: not before `next_try`.
    pub async fn defer_delivery(
        &self,
        delivery: &Delivery,
        next_try: DateTime<Utc>,
        error: &str,
    ) -> Result<()> {
        let (kind, guild) = (delivery.kind.as_str(), id(delivery.guild));
        let next_try = next_try.timestamp_millis();
        sqlx::query!(
            "UPDATE deliveries SET next_try_ms = ?4, error = ?5
             WHERE kind = ?1 AND guild = ?2 AND key = ?3 AND state = 'claimed'",
            kind,
            guild,
            delivery.key,
            next_try,
            error,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Closes a delivery that will not be sent: `Failed` (Discord refused it) or `Missed`.
    pub async fn close_delivery(
        &self,
        delivery: &Delivery,
        state: DeliveryState,
        error: &str,
    ) -> Result<()> {
        let (kind, guild) = (delivery.kind.as_str(), id(delivery.guild));
        let state = match state {
            DeliveryState::Missed => DeliveryState::Missed,
            _ => DeliveryState::Failed,
        }
        .as_str();
        sqlx::query!(
            "UPDATE deliveries SET state = ?4, error = ?5, next_try_ms = NULL
             WHERE kind = ?1 AND guild = ?2 AND key = ?3 AND state = 'claimed'",
            kind,
            guild,
            delivery.key,
            state,
            error,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Discord snowflakes fit in 63 bits; SQLite integers are signed.
pub(super) fn id(value: u64) -> i64 {
    value as i64
}

/// Moves a server's claims of `kind` not yet attempted to `channel` (a new setting); one that
/// may have been sent stays where it may be found.
pub(super) async fn move_unattempted(
    connection: &mut sqlx::SqliteConnection,
    kind: Kind,
    guild: u64,
    channel: u64,
) -> Result<()> {
    let (kind, guild, channel) = (kind.as_str(), id(guild), id(channel));
    sqlx::query!(
        "UPDATE deliveries SET channel = ?3
         WHERE kind = ?1 AND guild = ?2 AND state = 'claimed' AND attempts = 0",
        kind,
        guild,
        channel,
    )
    .execute(connection)
    .await?;
    Ok(())
}

struct Row {
    kind: String,
    guild: i64,
    key: String,
    issue: i64,
    channel: i64,
    nonce: String,
    state: String,
    attempts: i64,
    next_try_ms: Option<i64>,
    claimed_ms: i64,
    message_id: Option<i64>,
    posted_ms: Option<i64>,
    error: Option<String>,
}

impl Row {
    fn into_delivery(self) -> Result<Delivery> {
        Ok(Delivery {
            kind: Kind::parse(&self.kind)?,
            guild: self.guild as u64,
            key: self.key,
            issue: self.issue as u32,
            channel: self.channel as u64,
            nonce: self.nonce,
            state: DeliveryState::parse(&self.state)?,
            attempts: self.attempts as u32,
            next_try: self.next_try_ms.map(instant).transpose()?,
            claimed_at: instant(self.claimed_ms)?,
            message_id: self.message_id.map(|id| id as u64),
            posted_at: self.posted_ms.map(instant).transpose()?,
            error: self.error,
        })
    }
}

pub(super) fn instant(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| decode_error(format!("bad instant {ms}")))
}

pub(super) fn decode_error(message: String) -> StoreError {
    StoreError::Sql(sqlx::Error::Decode(message.into()))
}
