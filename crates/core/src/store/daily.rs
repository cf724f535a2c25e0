//! The daily tale's schedules. Its posts are deliveries of the outbox (kind `daily`, keyed by
//! the server's local date).

use super::outbox::{decode_error, id, instant, move_unattempted, Kind};
use super::{Result, Store};
use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// How a local time is written in a schedule's row.
const TIME_FORMAT: &str = "%H:%M";

/// A server's daily tale settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailySchedule {
    pub guild: u64,
    pub channel: u64,
    pub time: NaiveTime,
    pub zone: Tz,
    /// When it took effect: a day whose time fell before this is not owed.
    pub since: DateTime<Utc>,
    pub enabled: bool,
    /// Why the bot turned it off.
    pub problem: Option<String>,
}

impl Store {
    /// Turns the daily tale on (or changes it) for a server, effective `now`: a time today
    /// that has already passed is not owed. Clears any problem. A post claimed for today and
    /// not yet attempted moves to the new channel; one that Discord refused is forgotten,
    /// so that the corrected schedule may still post today if its time is still ahead.
    pub async fn set_daily(
        &self,
        guild: u64,
        channel: u64,
        time: NaiveTime,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<DailySchedule> {
        let mut tx = self.pool.begin().await?;
        let (guild_id, local_time, since) = (
            id(guild),
            time.format(TIME_FORMAT).to_string(),
            now.timestamp_millis(),
        );
        sqlx::query!(
            "INSERT INTO daily_schedules
                 (guild, channel, local_time, time_zone, since_ms, enabled, problem, changed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, NULL, ?5)
             ON CONFLICT (guild) DO UPDATE SET
                 channel = excluded.channel, local_time = excluded.local_time,
                 time_zone = excluded.time_zone, since_ms = excluded.since_ms,
                 enabled = 1, problem = NULL, changed_ms = excluded.changed_ms",
            guild_id,
            id(channel),
            local_time,
            zone.name(),
            since,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM deliveries
             WHERE kind = 'daily' AND guild = ?1 AND state = 'failed' AND message_id IS NULL",
            guild_id,
        )
        .execute(&mut *tx)
        .await?;
        move_unattempted(&mut tx, Kind::Daily, guild, channel).await?;
        tx.commit().await?;
        self.daily_schedule(guild)
            .await?
            .ok_or_else(|| decode_error("the schedule just written is missing".into()))
    }

    /// Turns the daily tale off for a server. The history stays, so the rotation goes on
    /// where it stopped if it is turned on again. Whether there was a schedule.
    pub async fn daily_off(&self, guild: u64) -> Result<bool> {
        let guild = id(guild);
        let done = sqlx::query!("DELETE FROM daily_schedules WHERE guild = ?", guild)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Turns a server's schedule off because posting cannot work, saying why.
    pub async fn disable_daily(&self, guild: u64, problem: &str, now: DateTime<Utc>) -> Result<()> {
        let (guild, changed) = (id(guild), now.timestamp_millis());
        sqlx::query!(
            "UPDATE daily_schedules SET enabled = 0, problem = ?2, changed_ms = ?3 WHERE guild = ?1",
            guild,
            problem,
            changed,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn daily_schedule(&self, guild: u64) -> Result<Option<DailySchedule>> {
        let guild = id(guild);
        let row = sqlx::query_as!(
            ScheduleRow,
            r#"SELECT guild AS "guild!", channel, local_time, time_zone, since_ms, enabled, problem
             FROM daily_schedules WHERE guild = ?"#,
            guild,
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(ScheduleRow::into_schedule).transpose()
    }

    /// Every schedule that is on.
    pub async fn enabled_daily_schedules(&self) -> Result<Vec<DailySchedule>> {
        let rows = sqlx::query_as!(
            ScheduleRow,
            r#"SELECT guild AS "guild!", channel, local_time, time_zone, since_ms, enabled, problem
             FROM daily_schedules WHERE enabled = 1 ORDER BY guild"#,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ScheduleRow::into_schedule).collect()
    }
}

struct ScheduleRow {
    guild: i64,
    channel: i64,
    local_time: String,
    time_zone: String,
    since_ms: i64,
    enabled: i64,
    problem: Option<String>,
}

impl ScheduleRow {
    fn into_schedule(self) -> Result<DailySchedule> {
        Ok(DailySchedule {
            guild: self.guild as u64,
            channel: self.channel as u64,
            time: NaiveTime::parse_from_str(&self.local_time, TIME_FORMAT)
                .map_err(|_| decode_error(format!("bad local time {:?}", self.local_time)))?,
            zone: self
                .time_zone
                .parse()
                .map_err(|_| decode_error(format!("bad time zone {:?}", self.time_zone)))?,
            since: instant(self.since_ms)?,
            enabled: self.enabled != 0,
            problem: self.problem,
        })
    }
}
