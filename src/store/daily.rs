//! The daily tale's tables: schedules, and one claimed post per (server, local date).
//!
//! The scheduler claims a post here before it sends it; the primary key (guild, local_date)
//! makes a second claim for the same day impossible, whichever process asks. The claim
//! then records each attempt, the message id once Discord has the message, or why it failed.

use super::{Result, Store, StoreError};
use crate::daily::{self, DailyRule, LastPost, TaleHistory};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

macro_rules! post_columns {
    () => {
        "guild, local_date, issue, channel, nonce, state, attempts, retry_ms, claimed_ms, \
         message_id, posted_ms, error"
    };
}

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

impl DailySchedule {
    pub fn rule(&self) -> DailyRule {
        DailyRule {
            time: self.time,
            zone: self.zone,
        }
    }
}

/// Where a claimed post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostState {
    /// Owned by the scheduler, not known to be sent.
    Claimed,
    /// Discord has it.
    Posted,
    /// Discord refused it for good.
    Failed,
    /// Its local day ended before it was sent.
    Missed,
}

impl PostState {
    fn as_str(self) -> &'static str {
        match self {
            PostState::Claimed => "claimed",
            PostState::Posted => "posted",
            PostState::Failed => "failed",
            PostState::Missed => "missed",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "claimed" => PostState::Claimed,
            "posted" => PostState::Posted,
            "failed" => PostState::Failed,
            "missed" => PostState::Missed,
            other => return Err(decode_error(format!("unknown daily post state {other:?}"))),
        })
    }
}

/// One server's post for one local date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyPost {
    pub guild: u64,
    pub date: NaiveDate,
    /// The issue whose tale it is.
    pub issue: u32,
    pub channel: u64,
    pub nonce: String,
    pub state: PostState,
    /// Sends started.
    pub attempts: u32,
    pub retry_at: Option<DateTime<Utc>>,
    pub claimed_at: DateTime<Utc>,
    pub message_id: Option<u64>,
    pub posted_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl DailyPost {
    /// Claimed and not known to be sent: the scheduler still owes it an outcome.
    pub fn is_open(&self) -> bool {
        self.state == PostState::Claimed
    }

    pub fn as_last(&self) -> LastPost {
        LastPost {
            date: self.date,
            open: self.is_open(),
            retry_at: self.retry_at,
        }
    }
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
        sqlx::query(
            "INSERT INTO daily_schedules
                 (guild, channel, local_time, time_zone, since_ms, enabled, problem, changed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, NULL, ?5)
             ON CONFLICT (guild) DO UPDATE SET
                 channel = excluded.channel, local_time = excluded.local_time,
                 time_zone = excluded.time_zone, since_ms = excluded.since_ms,
                 enabled = 1, problem = NULL, changed_ms = excluded.changed_ms",
        )
        .bind(snowflake(guild))
        .bind(snowflake(channel))
        .bind(time.format("%H:%M").to_string())
        .bind(zone.name())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM daily_posts
             WHERE guild = ?1 AND state = 'failed' AND message_id IS NULL",
        )
        .bind(snowflake(guild))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE daily_posts SET channel = ?2
             WHERE guild = ?1 AND state = 'claimed' AND attempts = 0",
        )
        .bind(snowflake(guild))
        .bind(snowflake(channel))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.daily_schedule(guild)
            .await?
            .ok_or_else(|| decode_error("the schedule just written is missing".into()))
    }

    /// Turns the daily tale off for a server. The history stays, so the rotation goes on
    /// where it stopped if it is turned on again. Whether there was a schedule.
    pub async fn daily_off(&self, guild: u64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM daily_schedules WHERE guild = ?")
            .bind(snowflake(guild))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Turns a server's schedule off because posting cannot work, saying why.
    pub async fn disable_daily(&self, guild: u64, problem: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE daily_schedules SET enabled = 0, problem = ?2, changed_ms = ?3 WHERE guild = ?1",
        )
        .bind(snowflake(guild))
        .bind(problem)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn daily_schedule(&self, guild: u64) -> Result<Option<DailySchedule>> {
        let row: Option<ScheduleRow> = sqlx::query_as(
            "SELECT guild, channel, local_time, time_zone, since_ms, enabled, problem
             FROM daily_schedules WHERE guild = ?",
        )
        .bind(snowflake(guild))
        .fetch_optional(&self.pool)
        .await?;
        row.map(ScheduleRow::into_schedule).transpose()
    }

    /// Every schedule that is on.
    pub async fn enabled_daily_schedules(&self) -> Result<Vec<DailySchedule>> {
        let rows: Vec<ScheduleRow> = sqlx::query_as(
            "SELECT guild, channel, local_time, time_zone, since_ms, enabled, problem
             FROM daily_schedules WHERE enabled = 1 ORDER BY guild",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ScheduleRow::into_schedule).collect()
    }

    /// The server's post for a local date, if one was claimed.
    pub async fn daily_post(&self, guild: u64, date: NaiveDate) -> Result<Option<DailyPost>> {
        let row: Option<PostRow> = sqlx::query_as(concat!(
            "SELECT ",
            post_columns!(),
            " FROM daily_posts WHERE guild = ?1 AND local_date = ?2"
        ))
        .bind(snowflake(guild))
        .bind(date_text(date))
        .fetch_optional(&self.pool)
        .await?;
        row.map(PostRow::into_post).transpose()
    }

    /// The server's latest claimed post (the one with the latest local date), whatever its
    /// state: the date the next post must come after.
    pub async fn latest_daily_post(&self, guild: u64) -> Result<Option<DailyPost>> {
        let row: Option<PostRow> = sqlx::query_as(concat!(
            "SELECT ",
            post_columns!(),
            " FROM daily_posts WHERE guild = ?1
             ORDER BY local_date DESC LIMIT 1"
        ))
        .bind(snowflake(guild))
        .fetch_optional(&self.pool)
        .await?;
        row.map(PostRow::into_post).transpose()
    }

    /// The server's latest post that Discord has, for `/daily status`.
    pub async fn last_posted_daily(&self, guild: u64) -> Result<Option<DailyPost>> {
        let row: Option<PostRow> = sqlx::query_as(concat!(
            "SELECT ",
            post_columns!(),
            " FROM daily_posts WHERE guild = ?1 AND state = 'posted'
             ORDER BY local_date DESC LIMIT 1"
        ))
        .bind(snowflake(guild))
        .fetch_optional(&self.pool)
        .await?;
        row.map(PostRow::into_post).transpose()
    }

    /// Every post the server had (or has on its way): the rotation's history.
    pub async fn daily_history(&self, guild: u64) -> Result<Vec<(u32, NaiveDate)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT issue, local_date FROM daily_posts
             WHERE guild = ?1 AND state IN ('claimed', 'posted') ORDER BY local_date",
        )
        .bind(snowflake(guild))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(issue, date)| Ok((issue as u32, parse_date(&date)?)))
            .collect()
    }

    /// The issue whose tale the server gets next: the one claimed and still on its way, or
    /// else the next in the rotation. What `/daily preview` shows and the scheduler claims.
    pub async fn next_daily_tale(&self, guild: u64) -> Result<Option<u32>> {
        if let Some(open) = self
            .latest_daily_post(guild)
            .await?
            .filter(DailyPost::is_open)
        {
            return Ok(Some(open.issue));
        }
        let tales = self.tale_numbers().await?;
        let history: Vec<(u32, NaiveDate)> = self.daily_history(guild).await?;
        Ok(daily::pick_tale(&tales, history.as_slice() as &TaleHistory))
    }

    /// Claims the server's post for `date` with the tale of `issue`, unless a post for that
    /// date was claimed before (by this process or an earlier one): then that claim is
    /// returned unchanged. The caller sends only what the returned claim says.
    pub async fn claim_daily_post(
        &self,
        guild: u64,
        date: NaiveDate,
        issue: u32,
        channel: u64,
        now: DateTime<Utc>,
    ) -> Result<DailyPost> {
        sqlx::query(
            "INSERT INTO daily_posts (guild, local_date, issue, channel, nonce, claimed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (guild, local_date) DO NOTHING",
        )
        .bind(snowflake(guild))
        .bind(date_text(date))
        .bind(issue)
        .bind(snowflake(channel))
        .bind(daily::nonce(guild, date))
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        self.daily_post(guild, date)
            .await?
            .ok_or_else(|| decode_error("the post just claimed is missing".into()))
    }

    /// Notes that a send is starting, before it starts: a later process then knows to
    /// look for the message before sending again.
    pub async fn start_daily_attempt(&self, guild: u64, date: NaiveDate) -> Result<()> {
        sqlx::query(
            "UPDATE daily_posts SET attempts = attempts + 1
             WHERE guild = ?1 AND local_date = ?2",
        )
        .bind(snowflake(guild))
        .bind(date_text(date))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the message Discord created for the post.
    pub async fn record_daily_posted(
        &self,
        guild: u64,
        date: NaiveDate,
        message_id: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE daily_posts
             SET state = 'posted', message_id = ?3, posted_ms = ?4, retry_ms = NULL
             WHERE guild = ?1 AND local_date = ?2",
        )
        .bind(snowflake(guild))
        .bind(date_text(date))
        .bind(snowflake(message_id))
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a failure worth retrying: not before `retry_at`.
    pub async fn defer_daily_post(
        &self,
        guild: u64,
        date: NaiveDate,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE daily_posts SET retry_ms = ?3, error = ?4
             WHERE guild = ?1 AND local_date = ?2 AND state = 'claimed'",
        )
        .bind(snowflake(guild))
        .bind(date_text(date))
        .bind(millis(retry_at))
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Closes a post that will not be sent: `Failed` (Discord refused it) or `Missed`.
    pub async fn close_daily_post(
        &self,
        guild: u64,
        date: NaiveDate,
        state: PostState,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE daily_posts SET state = ?3, error = ?4, retry_ms = NULL
             WHERE guild = ?1 AND local_date = ?2 AND state = 'claimed'",
        )
        .bind(snowflake(guild))
        .bind(date_text(date))
        .bind(state.as_str())
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
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
            time: daily::parse_local_time(&self.local_time)
                .map_err(|e| decode_error(e.to_string()))?,
            zone: daily::parse_time_zone(&self.time_zone)
                .map_err(|e| decode_error(e.to_string()))?,
            since: instant(self.since_ms)?,
            enabled: self.enabled != 0,
            problem: self.problem,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PostRow {
    guild: i64,
    local_date: String,
    issue: i64,
    channel: i64,
    nonce: String,
    state: String,
    attempts: i64,
    retry_ms: Option<i64>,
    claimed_ms: i64,
    message_id: Option<i64>,
    posted_ms: Option<i64>,
    error: Option<String>,
}

impl PostRow {
    fn into_post(self) -> Result<DailyPost> {
        Ok(DailyPost {
            guild: self.guild as u64,
            date: parse_date(&self.local_date)?,
            issue: self.issue as u32,
            channel: self.channel as u64,
            nonce: self.nonce,
            state: PostState::parse(&self.state)?,
            attempts: self.attempts as u32,
            retry_at: self.retry_ms.map(instant).transpose()?,
            claimed_at: instant(self.claimed_ms)?,
            message_id: self.message_id.map(|id| id as u64),
            posted_at: self.posted_ms.map(instant).transpose()?,
            error: self.error,
        })
    }
}

/// Discord snowflakes fit in 63 bits; SQLite integers are signed.
fn snowflake(id: u64) -> i64 {
    id as i64
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn instant(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| decode_error(format!("bad instant {ms}")))
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| decode_error(format!("bad local date {text:?}: {e}")))
}

fn decode_error(message: String) -> StoreError {
    StoreError::Sql(sqlx::Error::Decode(message.into()))
}
