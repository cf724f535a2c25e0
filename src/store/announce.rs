//! Announcements of new issues, per server: where they go, and which have gone out.
//!
//! An announcement is claimed (a row without a message id) before its message is sent and
//! the message id recorded after; a claim found without an id after a restart is an
//! announcement that may have gone out, to be checked in the channel before sending again.

use chrono::{DateTime, Utc};

use super::feed_state::{parse_timestamp, timestamp};
use super::{Result, Store};

/// A server's announcement settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnounceSettings {
    pub guild_id: u64,
    /// Where new issues go; None when announcements are off.
    pub channel_id: Option<u64>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why the bot turned announcements off by itself (channel deleted, access lost).
    pub disabled_reason: Option<String>,
}

/// An issue still to be announced in a server, and any claim already made for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAnnouncement {
    pub issue: u32,
    pub guild_id: u64,
    /// The server's announcement channel now.
    pub channel_id: u64,
    /// Set when an earlier attempt claimed the announcement and may have sent it.
    pub claim: Option<Claim>,
}

/// A claimed announcement: the channel and nonce its message was (or is being) sent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub channel_id: u64,
    pub nonce: String,
}

/// An announcement that went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentAnnouncement {
    pub issue: u32,
    pub channel_id: u64,
    pub message_id: u64,
    pub sent_at: Option<DateTime<Utc>>,
}

fn id(value: u64) -> i64 {
    value as i64
}

fn unid(value: i64) -> u64 {
    value as u64
}

impl Store {
    /// Announces new issues in `channel_id` from now on. Issues already in the store are
    /// never announced to this server; changing the channel of a server whose announcements
    /// are on keeps its place (nothing already announced is repeated, nothing pending lost).
    pub async fn enable_announcements(
        &self,
        guild_id: u64,
        channel_id: u64,
        by_user: u64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO announce_settings (guild_id, channel_id, since_seq, enabled_at, enabled_by)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) FROM feed_arrivals), ?3, ?4)
             ON CONFLICT (guild_id) DO UPDATE SET
                 since_seq = CASE WHEN channel_id IS NULL THEN excluded.since_seq ELSE since_seq END,
                 enabled_at = CASE WHEN channel_id IS NULL THEN excluded.enabled_at ELSE enabled_at END,
                 channel_id = excluded.channel_id, enabled_by = excluded.enabled_by,
                 disabled_at = NULL, disabled_reason = NULL",
        )
        .bind(id(guild_id))
        .bind(id(channel_id))
        .bind(timestamp(at))
        .bind(id(by_user))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Turns a server's announcements off: by an admin (`reason` None) or by the bot, which
    /// says why. Claims for messages that never went out are dropped with them.
    pub async fn disable_announcements(
        &self,
        guild_id: u64,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO announce_settings (guild_id, channel_id, disabled_at, disabled_reason)
             VALUES (?1, NULL, ?2, ?3)
             ON CONFLICT (guild_id) DO UPDATE SET channel_id = NULL,
                 disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason",
        )
        .bind(id(guild_id))
        .bind(timestamp(at))
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM announcements WHERE guild_id = ? AND message_id IS NULL")
            .bind(id(guild_id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A server's settings; None if it never turned announcements on.
    pub async fn announce_settings(&self, guild_id: u64) -> Result<Option<AnnounceSettings>> {
        type Row = (
            i64,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT guild_id, channel_id, enabled_at, disabled_at, disabled_reason
             FROM announce_settings WHERE guild_id = ?",
        )
        .bind(id(guild_id))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(guild_id, channel_id, enabled_at, disabled_at, disabled_reason)| AnnounceSettings {
                guild_id: unid(guild_id),
                channel_id: channel_id.map(unid),
                enabled_at: parse_timestamp(enabled_at),
                disabled_at: parse_timestamp(disabled_at),
                disabled_reason,
            },
        ))
    }

    /// Every (issue, server) announcement still to make, oldest issue first: issues that
    /// arrived through the poller after the server turned announcements on, with no message
    /// recorded for them in that server.
    pub async fn pending_announcements(&self) -> Result<Vec<PendingAnnouncement>> {
        type Row = (i64, i64, i64, Option<i64>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.issue, s.guild_id, s.channel_id, n.channel_id, n.nonce
             FROM feed_arrivals a
             JOIN announce_settings s ON s.channel_id IS NOT NULL AND a.seq > s.since_seq
             LEFT JOIN announcements n ON n.issue = a.issue AND n.guild_id = s.guild_id
             WHERE a.announce = 1 AND (n.issue IS NULL OR n.message_id IS NULL)
             ORDER BY a.seq, s.guild_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(issue, guild_id, channel_id, claim_channel, nonce)| PendingAnnouncement {
                    issue: issue as u32,
                    guild_id: unid(guild_id),
                    channel_id: unid(channel_id),
                    claim: claim_channel.zip(nonce).map(|(channel, nonce)| Claim {
                        channel_id: unid(channel),
                        nonce,
                    }),
                },
            )
            .collect())
    }

    /// Claims the announcement of `issue` in a server, before its message is sent. A claim
    /// already there (from an attempt that may have sent it) is moved to `channel_id`.
    pub async fn claim_announcement(
        &self,
        issue: u32,
        guild_id: u64,
        channel_id: u64,
        nonce: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO announcements (issue, guild_id, channel_id, nonce, claimed_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (issue, guild_id) DO UPDATE SET channel_id = excluded.channel_id,
                 nonce = excluded.nonce, claimed_at = excluded.claimed_at
             WHERE message_id IS NULL",
        )
        .bind(issue)
        .bind(id(guild_id))
        .bind(id(channel_id))
        .bind(nonce)
        .bind(timestamp(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the message that announced `issue` in a server (in `channel_id`).
    pub async fn record_announcement(
        &self,
        issue: u32,
        guild_id: u64,
        channel_id: u64,
        message_id: u64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE announcements SET channel_id = ?, message_id = ?, sent_at = ?
             WHERE issue = ? AND guild_id = ?",
        )
        .bind(id(channel_id))
        .bind(id(message_id))
        .bind(timestamp(at))
        .bind(issue)
        .bind(id(guild_id))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The announcements sent in a server, newest first.
    pub async fn sent_announcements(&self, guild_id: u64) -> Result<Vec<SentAnnouncement>> {
        type Row = (i64, i64, i64, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT issue, channel_id, message_id, sent_at FROM announcements
             WHERE guild_id = ? AND message_id IS NOT NULL
             ORDER BY sent_at DESC, issue DESC",
        )
        .bind(id(guild_id))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(issue, channel_id, message_id, sent_at)| SentAnnouncement {
                    issue: issue as u32,
                    channel_id: unid(channel_id),
                    message_id: unid(message_id),
                    sent_at: parse_timestamp(sent_at),
                },
            )
            .collect())
    }
}
