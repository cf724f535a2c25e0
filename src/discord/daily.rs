//! The daily tale scheduler: one task that posts each server's tale at its local time.
//!
//! The database is the one truth for what is due. The task asks it, does what is due, then
//! sleeps until the next due instant, a schedule change ([`DailyWake`]), a move of a
//! test's [`ManualClock`], or a maximum tick (against wall-clock jumps), whichever is first.
//!
//! Exactly once per server and local day, whenever the process stops:
//! 1. the post for (server, local date) is *claimed* in the database (primary key), with the
//!    tale picked by the rotation, before anything is sent;
//! 2. the attempt is counted, then the message is sent with a nonce derived from server and
//!    date and `enforce_nonce`, so Discord drops a repeat of the same send;
//! 3. the message id is recorded.
//!
//! A claim with a counted attempt and no message id may or may not have reached Discord: it
//! is *reconciled* (the channel's recent messages searched for the bot's message with that
//! nonce or that tale) before any retry. A claim left from an earlier local day is only
//! reconciled, never sent. A channel that is gone (404) or forbids the bot (403) turns the
//! schedule off with the reason; other failures retry with back-off within the same day.
//!
//! [`ManualClock`]: crate::clock::ManualClock

use crate::answers::{Card, Reply};
use crate::clock::SharedClock;
use crate::daily::{self, Step};
use crate::discord::render;
use crate::store::{DailyPost, DailySchedule, PostState, Store, StoreError};
use chrono::{DateTime, Duration as Span, Utc};
use serenity::all::{ChannelId, GetMessages, Http, HttpError, Message, Nonce, UserId};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;

/// Tells the scheduler that a schedule changed, so it re-reads the database at once.
#[derive(Debug, Clone, Default)]
pub struct DailyWake(Arc<Notify>);

impl DailyWake {
    pub fn schedule_changed(&self) {
        // One stored permit: a change made while the scheduler is busy is not lost.
        self.0.notify_one();
    }
}

/// The points between the steps of a post, where a test can stop the scheduler as if the
/// process were killed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// The post is claimed; no attempt counted.
    Claimed,
    /// The attempt is counted; the message is about to be sent.
    BeforeSend,
    /// Discord created the message; its id is not recorded.
    AfterSend,
    /// The message id is recorded.
    AfterRecord,
}

/// Decides, at each checkpoint for a server, whether the scheduler stops dead there.
pub type Faults = Arc<dyn Fn(Checkpoint, u64) -> bool + Send + Sync>;

/// The scheduler was stopped at a checkpoint: nothing after it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped(pub Checkpoint);

#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The longest sleep between looks at the clock and the database.
    pub max_tick: Duration,
    /// Servers posted to at the same time.
    pub concurrency: usize,
    /// Recent messages searched when reconciling an unconfirmed post (Discord's maximum).
    pub reconcile_window: u8,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        Self {
            max_tick: Duration::from_secs(30),
            concurrency: 8,
            reconcile_window: 100,
        }
    }
}

/// The daily tale scheduler. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: SharedClock,
    http: Arc<Http>,
    bot: UserId,
    wake: DailyWake,
    options: SchedulerOptions,
    faults: Option<Faults>,
}

/// How a failed request is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// The channel cannot be posted to until an admin acts: turn the schedule off.
    Unusable(String),
    /// Discord refused this message for good: give up on today's post.
    Rejected(String),
    /// Worth trying again later today.
    Transient(String),
}

/// What handling a step left behind.
enum Handled {
    Continue,
    Disabled,
}

impl Scheduler {
    pub fn new(store: Store, clock: SharedClock, http: Arc<Http>, bot: UserId) -> Self {
        Self::build(
            store,
            clock,
            http,
            bot,
            DailyWake::default(),
            SchedulerOptions::default(),
            None,
        )
    }

    /// The same scheduler with other options and, for tests, checkpoints that stop it.
    pub fn configured(self, options: SchedulerOptions, faults: Option<Faults>) -> Self {
        let inner = &self.inner;
        Self::build(
            inner.store.clone(),
            Arc::clone(&inner.clock),
            Arc::clone(&inner.http),
            inner.bot,
            inner.wake.clone(),
            options,
            faults,
        )
    }

    /// The same scheduler, woken by `wake` (the one the commands hold).
    pub fn with_wake(self, wake: DailyWake) -> Self {
        let inner = &self.inner;
        Self::build(
            inner.store.clone(),
            Arc::clone(&inner.clock),
            Arc::clone(&inner.http),
            inner.bot,
            wake,
            inner.options.clone(),
            inner.faults.clone(),
        )
    }

    fn build(
        store: Store,
        clock: SharedClock,
        http: Arc<Http>,
        bot: UserId,
        wake: DailyWake,
        options: SchedulerOptions,
        faults: Option<Faults>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                http,
                bot,
                wake,
                options,
                faults,
            }),
        }
    }

    pub fn wake(&self) -> DailyWake {
        self.inner.wake.clone()
    }

    /// Posts until `stop` turns true (or its sender is dropped). A stop requested during a
    /// send lets that send and its record finish.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("daily scheduler started");
        let inner = &self.inner;
        // A clock moved by hand (tests) wakes the task; the real one is slept on.
        let mut moves = inner.clock.moves();
        loop {
            if *stop.borrow() {
                break;
            }
            let next = match self.tick().await {
                Ok(next) => next,
                Err(Stopped(at)) => {
                    tracing::warn!(?at, "daily scheduler stopped at a checkpoint");
                    return;
                }
            };
            let now = inner.clock.now();
            let wait = next
                .map(|at| (at - now).to_std().unwrap_or_default())
                .unwrap_or(inner.options.max_tick)
                .clamp(Duration::from_millis(5), inner.options.max_tick);
            let moved = async {
                match moves.as_mut() {
                    Some(moves) => moves.changed().await.is_ok(),
                    None => std::future::pending().await,
                }
            };
            let clock_gone = tokio::select! {
                changed = stop.changed() => if changed.is_err() { break } else { false },
                () = inner.wake.0.notified() => false,
                still = moved => !still,
                () = tokio::time::sleep(wait) => false,
            };
            if clock_gone {
                moves = None;
            }
        }
        tracing::info!("daily scheduler stopped");
    }

    /// Does everything due now, for every server; returns when the next thing is due (None
    /// if no schedule is on). Servers are served concurrently, a few at a time.
    pub async fn tick(&self) -> Result<Option<DateTime<Utc>>, Stopped> {
        let inner = &self.inner;
        let schedules = match inner.store.enabled_daily_schedules().await {
            Ok(schedules) => schedules,
            Err(error) => {
                tracing::error!(%error, "daily: cannot read the schedules");
                return Ok(Some(inner.clock.now() + Span::minutes(1)));
            }
        };
        let permits = Arc::new(Semaphore::new(inner.options.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for schedule in schedules {
            let this = self.clone();
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                this.serve(&schedule).await
            });
        }
        let mut next: Option<DateTime<Utc>> = None;
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok(Some(at))) => next = Some(next.map_or(at, |n| n.min(at))),
                Ok(Ok(None)) => {}
                Ok(Err(stopped)) => {
                    tasks.abort_all();
                    return Err(stopped);
                }
                Err(panic) => tracing::error!(%panic, "daily: a server's task failed"),
            }
        }
        Ok(next)
    }

    /// Applies the server's steps until it has to wait; returns until when.
    async fn serve(&self, schedule: &DailySchedule) -> Result<Option<DateTime<Utc>>, Stopped> {
        let inner = &self.inner;
        let guild = schedule.guild;
        // A few steps at most: settle yesterday's claim, claim today's, send it, wait.
        for _ in 0..6 {
            let now = inner.clock.now();
            let outcome = async {
                let latest = inner.store.latest_daily_post(guild).await?;
                let step = daily::plan(
                    schedule.rule(),
                    schedule.since,
                    latest.as_ref().map(DailyPost::as_last),
                    now,
                );
                Ok::<_, StoreError>((step, latest))
            }
            .await;
            let (step, latest) = match outcome {
                Ok(found) => found,
                Err(error) => return Ok(Some(self.store_failed(guild, &error))),
            };
            let handled = match (step, latest) {
                (Step::WaitUntil(at), _) => return Ok(Some(at)),
                (Step::Idle, _) => return Ok(None),
                (Step::Settle(_), Some(post)) => self.settle(&post).await,
                (Step::Resume(_), Some(post)) => self.deliver(schedule, &post).await?,
                (Step::Claim(due), _) => {
                    let claimed = async {
                        let Some(issue) = inner.store.next_daily_tale(guild).await? else {
                            return Ok(None);
                        };
                        let post = inner
                            .store
                            .claim_daily_post(guild, due.date, issue, schedule.channel, now)
                            .await?;
                        Ok::<_, StoreError>(Some(post))
                    }
                    .await;
                    match claimed {
                        Ok(Some(post)) => {
                            tracing::info!(guild, date = %post.date, issue = post.issue, "daily: claimed");
                            self.checkpoint(Checkpoint::Claimed, guild)?;
                            self.deliver(schedule, &post).await?
                        }
                        Ok(None) => {
                            tracing::warn!(guild, "daily: the archive holds no tale to post");
                            return Ok(Some(now + Span::hours(1)));
                        }
                        Err(error) => return Ok(Some(self.store_failed(guild, &error))),
                    }
                }
                (Step::Settle(_) | Step::Resume(_), None) => Ok(Handled::Continue),
            };
            match handled {
                Ok(Handled::Continue) => {}
                Ok(Handled::Disabled) => return Ok(None),
                Err(error) => return Ok(Some(self.store_failed(guild, &error))),
            }
        }
        Ok(Some(
            inner.clock.now() + Span::from_std(inner.options.max_tick).unwrap_or_default(),
        ))
    }

    fn store_failed(&self, guild: u64, error: &StoreError) -> DateTime<Utc> {
        tracing::error!(guild, %error, "daily: database error; trying again in a minute");
        self.inner.clock.now() + Span::minutes(1)
    }

    fn checkpoint(&self, at: Checkpoint, guild: u64) -> Result<(), Stopped> {
        match &self.inner.faults {
            Some(stop_here) if stop_here(at, guild) => Err(Stopped(at)),
            _ => Ok(()),
        }
    }

    /// Sends a claimed post (today's), after looking for an earlier attempt's message.
    async fn deliver(
        &self,
        schedule: &DailySchedule,
        post: &DailyPost,
    ) -> Result<Result<Handled, StoreError>, Stopped> {
        let inner = &self.inner;
        let store = &inner.store;
        let guild = post.guild;
        if !post.is_open() {
            // Another process claimed this day first and has settled it.
            return Ok(Ok(Handled::Continue));
        }
        let reply = match self.reply_for(post).await {
            Ok(Some(reply)) => reply,
            Ok(None) => {
                let why = format!("issue {}'s tale is no longer in the archive", post.issue);
                tracing::error!(guild, date = %post.date, "daily: {why}");
                return Ok(store
                    .close_daily_post(guild, post.date, PostState::Failed, &why)
                    .await
                    .map(|()| Handled::Continue));
            }
            Err(error) => return Ok(Err(error)),
        };
        if post.attempts > 0 {
            match self.find_sent(post, &reply).await {
                Ok(Some(message)) => {
                    tracing::info!(guild, date = %post.date, message = %message, "daily: an earlier attempt had posted; recorded");
                    return Ok(self.record(post, message).await);
                }
                Ok(None) => {}
                Err(error) => return Ok(self.failed(schedule, post, &error).await),
            }
        }
        if let Err(error) = store.start_daily_attempt(guild, post.date).await {
            return Ok(Err(error));
        }
        self.checkpoint(Checkpoint::BeforeSend, guild)?;
        let message = render::channel_message(&reply)
            .nonce(Nonce::String(post.nonce.clone()))
            .enforce_nonce(true);
        let sent = ChannelId::new(post.channel)
            .send_message(&inner.http, message)
            .await;
        match sent {
            Ok(message) => {
                self.checkpoint(Checkpoint::AfterSend, guild)?;
                let recorded = self.record(post, message.id.get()).await;
                self.checkpoint(Checkpoint::AfterRecord, guild)?;
                if recorded.is_ok() {
                    tracing::info!(
                        guild,
                        channel = post.channel,
                        date = %post.date,
                        issue = post.issue,
                        message = %message.id,
                        "daily: posted"
                    );
                }
                Ok(recorded)
            }
            Err(error) => Ok(self.failed(schedule, post, &error).await),
        }
    }

    async fn record(&self, post: &DailyPost, message: u64) -> Result<Handled, StoreError> {
        let now = self.inner.clock.now();
        self.inner
            .store
            .record_daily_posted(post.guild, post.date, message, now)
            .await?;
        Ok(Handled::Continue)
    }

    /// A claim from an earlier local day: record its message if an attempt did post it,
    /// else mark it missed. Nothing is sent for a day that is over.
    async fn settle(&self, post: &DailyPost) -> Result<Handled, StoreError> {
        if post.attempts > 0 {
            if let Ok(Some(reply)) = self.reply_for(post).await {
                if let Ok(Some(message)) = self.find_sent(post, &reply).await {
                    tracing::info!(guild = post.guild, date = %post.date, "daily: an earlier attempt had posted; recorded");
                    return self.record(post, message).await;
                }
            }
        }
        tracing::warn!(guild = post.guild, date = %post.date, "daily: that day ended before its tale was posted");
        self.inner
            .store
            .close_daily_post(
                post.guild,
                post.date,
                PostState::Missed,
                "the day ended before the tale could be posted",
            )
            .await?;
        Ok(Handled::Continue)
    }

    async fn reply_for(&self, post: &DailyPost) -> Result<Option<Reply>, StoreError> {
        let Some(issue) = self.inner.store.issue(post.issue).await? else {
            return Ok(None);
        };
        Ok(daily::post_reply(&issue).ok())
    }

    /// The bot's message for this post among the channel's recent messages.
    async fn find_sent(&self, post: &DailyPost, reply: &Reply) -> serenity::Result<Option<u64>> {
        let recent = ChannelId::new(post.channel)
            .messages(
                &self.inner.http,
                GetMessages::new().limit(self.inner.options.reconcile_window),
            )
            .await?;
        let found = recent
            .iter()
            .find(|m| is_post_message(m, self.inner.bot, post, reply.cards.first()));
        Ok(found.map(|m| m.id.get()))
    }

    /// Handles a failed request for a post: turn the schedule off, give up on today, or
    /// retry later today.
    async fn failed(
        &self,
        schedule: &DailySchedule,
        post: &DailyPost,
        error: &serenity::Error,
    ) -> Result<Handled, StoreError> {
        let store = &self.inner.store;
        let now = self.inner.clock.now();
        let (guild, date) = (post.guild, post.date);
        match classify(error, post.channel) {
            Failure::Unusable(why) => {
                tracing::warn!(guild, channel = post.channel, %error, "daily: turned off: {why}");
                store
                    .close_daily_post(guild, date, PostState::Failed, &why)
                    .await?;
                store.disable_daily(schedule.guild, &why, now).await?;
                Ok(Handled::Disabled)
            }
            Failure::Rejected(why) => {
                tracing::error!(guild, date = %date, %error, "daily: Discord refused the post: {why}");
                store
                    .close_daily_post(guild, date, PostState::Failed, &why)
                    .await?;
                Ok(Handled::Continue)
            }
            Failure::Transient(why) => {
                let delay = daily::retry_delay(post.attempts + 1);
                let retry_at = now + Span::from_std(delay).unwrap_or_default();
                tracing::warn!(guild, date = %date, %error, retry_in_s = delay.as_secs(), "daily: post failed; will retry: {why}");
                store.defer_daily_post(guild, date, retry_at, &why).await?;
                Ok(Handled::Continue)
            }
        }
    }
}

/// Whether `message` is the one an attempt sent for `post`: the bot's, with the post's nonce;
/// or, as Discord does not echo nonces when listing messages, the bot's message with the
/// tale's title and footer created since the claim (the same tale may have been posted in an
/// earlier round of the rotation; the message id tells when it was created).
fn is_post_message(message: &Message, bot: UserId, post: &DailyPost, card: Option<&Card>) -> bool {
    if message.author.id != bot {
        return false;
    }
    if let Some(Nonce::String(nonce)) = &message.nonce {
        return *nonce == post.nonce;
    }
    let created = DateTime::from_timestamp(message.id.created_at().unix_timestamp(), 0);
    if created.is_none_or(|at| at < post.claimed_at - Span::minutes(10)) {
        return false;
    }
    let Some((embed, card)) = message.embeds.first().zip(card) else {
        return false;
    };
    embed.title.as_deref() == Some(card.title.as_str())
        && embed.footer.as_ref().map(|f| f.text.as_str()) == card.footer.as_deref()
}

/// 404 on the channel: gone. 403: the bot may not see or post there. Other 4xx but 429:
/// this message is refused. Everything else (429, 5xx, network): try again later.
fn classify(error: &serenity::Error, channel: u64) -> Failure {
    let serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) = error else {
        return match error {
            serenity::Error::Model(_) | serenity::Error::Json(_) => {
                Failure::Rejected(error.to_string())
            }
            other => Failure::Transient(other.to_string()),
        };
    };
    let status = response.status_code.as_u16();
    let discord = format!(
        "Discord said {} {} (code {})",
        status, response.error.message, response.error.code
    );
    classify_status(status, discord, channel)
}

fn classify_status(status: u16, discord: String, channel: u64) -> Failure {
    match status {
        404 => Failure::Unusable(format!(
            "the channel <#{channel}> no longer exists ({discord})"
        )),
        403 => Failure::Unusable(format!(
            "the bot may not post in <#{channel}>: it needs View Channel, Send Messages and Embed Links there ({discord})"
        )),
        429 | 500..=599 => Failure::Transient(discord),
        _ => Failure::Rejected(discord),
    }
}

/// The next post's instant for `/daily status`, from the schedule and the latest post.
pub fn next_post_at(
    schedule: &DailySchedule,
    latest: Option<&DailyPost>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if !schedule.enabled {
        return None;
    }
    let last = latest.map(DailyPost::as_last);
    match daily::plan(schedule.rule(), schedule.since, last, now) {
        Step::WaitUntil(at) => Some(at),
        Step::Claim(_) | Step::Resume(_) => Some(now),
        Step::Settle(_) => {
            daily::next_due(schedule.rule(), now, schedule.since, last.map(|l| l.date))
                .map(|due| due.at.max(now))
        }
        Step::Idle => None,
    }
}

/// Starts the scheduler as a task that stops when `stop` turns true.
pub fn spawn(scheduler: Scheduler) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let handle = tokio::spawn(scheduler.run(stop_rx));
    (stop_tx, handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn http_error(status: u16, code: isize, message: &str) -> Failure {
        let discord = format!("Discord said {status} {message} (code {code})");
        classify_status(status, discord, 42)
    }

    const BOT: u64 = 1_180_000_000_000_000_001;

    /// A message as Discord lists it, created at `created` (its id says when).
    fn listed(author: u64, created: DateTime<Utc>, nonce: Option<&str>, title: &str) -> Message {
        let id = ((created.timestamp_millis() - 1_420_070_400_000) as u64) << 22;
        let mut json = serde_json::json!({
            "id": id.to_string(), "channel_id": "42",
            "author": {"id": author.to_string(), "username": "bot", "discriminator": "0",
                       "avatar": null, "bot": true},
            "content": "", "timestamp": created.to_rfc3339(), "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "pinned": false, "type": 0,
            "embeds": [{"type": "rich", "title": title,
                        "footer": {"text": "Tech Tales · Import AI 305"}}],
        });
        if let Some(nonce) = nonce {
            json["nonce"] = nonce.into();
        }
        serde_json::from_value(json).unwrap()
    }

    fn post(claimed_at: DateTime<Utc>) -> DailyPost {
        let date = claimed_at.date_naive();
        DailyPost {
            guild: 7,
            date,
            issue: 305,
            channel: 42,
            nonce: daily::nonce(7, date),
            state: PostState::Claimed,
            attempts: 1,
            retry_at: None,
            claimed_at,
            message_id: None,
            posted_at: None,
            error: None,
        }
    }

    #[test]
    fn an_earlier_attempt_is_recognised_by_nonce_or_by_tale_since_the_claim() {
        use chrono::TimeZone;
        let claimed = Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap();
        let post = post(claimed);
        let card = Card {
            title: "The lighthouse".into(),
            footer: Some("Tech Tales · Import AI 305".into()),
            ..Card::default()
        };
        let bot = UserId::new(BOT);
        let just_after = claimed + Span::seconds(2);
        let mine = |m: &Message| is_post_message(m, bot, &post, Some(&card));
        assert!(mine(&listed(BOT, just_after, Some(&post.nonce), "x")));
        assert!(!mine(&listed(
            BOT,
            just_after,
            Some("d20260531x"),
            "The lighthouse"
        )));
        // Listed without a nonce: the tale, sent since the claim, by the bot.
        assert!(mine(&listed(BOT, just_after, None, "The lighthouse")));
        assert!(!mine(&listed(BOT, just_after, None, "Another tale")));
        assert!(!mine(&listed(BOT + 1, just_after, None, "The lighthouse")));
        // The same tale from an earlier round of the rotation is not this post.
        let ten_days_ago = claimed - Span::days(10);
        assert!(!mine(&listed(BOT, ten_days_ago, None, "The lighthouse")));
    }

    #[test]
    fn gone_and_forbidden_turn_the_schedule_off_with_a_reason() {
        let gone = http_error(404, 10003, "Unknown Channel");
        assert!(
            matches!(&gone, Failure::Unusable(why) if why.contains("no longer exists") && why.contains("<#42>"))
        );
        let forbidden = http_error(403, 50013, "Missing Permissions");
        assert!(matches!(&forbidden, Failure::Unusable(why) if why.contains("may not post")));
    }

    #[test]
    fn server_errors_and_rate_limits_are_retried_bad_requests_are_not() {
        for status in [429, 500, 502, 503] {
            assert!(matches!(
                http_error(status, 0, "oops"),
                Failure::Transient(_)
            ));
        }
        assert!(matches!(
            http_error(400, 50035, "Invalid Form Body"),
            Failure::Rejected(_)
        ));
    }
}
