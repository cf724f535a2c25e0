//! Announcements of new issues, per server: where they go, and which are still owed. The
//! announcements themselves are deliveries of the outbox (kind `announce`, keyed by issue).

use chrono::{DateTime, Utc};

use super::feed_state::{parse_timestamp, timestamp};
use super::outbox::{id, move_unattempted, Kind};
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

/// An issue still to be announced in a server: none was claimed, or the claim is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAnnouncement {
    pub issue: u32,
    pub guild_id: u64,
    /// The server's announcement channel now.
    pub channel_id: u64,
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
        let mut tx = self.pool.begin().await?;
        let (guild, channel, enabled_at, by) =
            (id(guild_id), id(channel_id), timestamp(at), id(by_user));
        sqlx::query!(
            "INSERT INTO announce_settings (guild_id, channel_id, since_seq, enabled_at, enabled_by)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) FROM feed_arrivals), ?3, ?4)
             ON CONFLICT (guild_id) DO UPDATE SET
                 since_seq = CASE WHEN channel_id IS NULL THEN excluded.since_seq ELSE since_seq END,
                 enabled_at = CASE WHEN channel_id IS NULL THEN excluded.enabled_at ELSE enabled_at END,
                 channel_id = excluded.channel_id, enabled_by = excluded.enabled_by,
                 disabled_at = NULL, disabled_reason = NULL",
            guild,
            channel,
            enabled_at,
            by,
        )
        .execute(&mut *tx)
        .await?;
        move_unattempted(&mut tx, Kind::Announce, guild_id, channel_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns a server's announcements off: by an admin (`reason` None) or by the bot, which
    /// says why. Open claims are dropped with them.
    pub async fn disable_announcements(
        &self,
        guild_id: u64,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let (guild, disabled_at) = (id(guild_id), timestamp(at));
        sqlx::query!(
            "INSERT INTO announce_settings (guild_id, channel_id, disabled_at, disabled_reason)
             VALUES (?1, NULL, ?2, ?3)
             ON CONFLICT (guild_id) DO UPDATE SET channel_id = NULL,
                 disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason",
            guild,
            disabled_at,
            reason,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM deliveries WHERE kind = 'announce' AND guild = ? AND state = 'claimed'",
            guild,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A server's settings; None if it never turned announcements on.
    pub async fn announce_settings(&self, guild_id: u64) -> Result<Option<AnnounceSettings>> {
        let guild = id(guild_id);
        let row = sqlx::query!(
            r#"SELECT guild_id AS "guild_id!", channel_id, enabled_at, disabled_at, disabled_reason
             FROM announce_settings WHERE guild_id = ?"#,
            guild,
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| AnnounceSettings {
            guild_id: unid(row.guild_id),
            channel_id: row.channel_id.map(unid),
            enabled_at: parse_timestamp(row.enabled_at),
            disabled_at: parse_timestamp(row.disabled_at),
            disabled_reason: row.disabled_reason,
        }))
    }

    /// Every (issue, server) announcement still to make, oldest issue first: issues that
    /// arrived through the poller after the server turned announcements on, with no
    /// delivery for them in that server, or one still open.
    pub async fn pending_announcements(&self) -> Result<Vec<PendingAnnouncement>> {
        let rows = sqlx::query!(
            r#"SELECT a.issue AS "issue!", s.guild_id AS "guild_id!", s.channel_id AS "channel_id!"
             FROM feed_arrivals a
             JOIN announce_settings s ON s.channel_id IS NOT NULL AND a.seq > s.since_seq
             LEFT JOIN deliveries d ON d.kind = 'announce' AND d.guild = s.guild_id
                  AND d.key = CAST(a.issue AS TEXT)
             WHERE a.announce = 1 AND (d.key IS NULL OR d.state = 'claimed')
             ORDER BY a.seq, s.guild_id"#,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| PendingAnnouncement {
                issue: row.issue as u32,
                guild_id: unid(row.guild_id),
                channel_id: unid(row.channel_id),
            })
            .collect())
    }
}
