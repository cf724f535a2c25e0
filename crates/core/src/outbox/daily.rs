//! The daily tale scheduler: one task that has the outbox post each server's tale at its
//! local time.
//!
//! The database is the one truth for what is due. The task asks it, does what is due, then
//! sleeps until the next due instant, a schedule change ([`DailyWake`]), a move of a
//! test's [`ManualClock`], or a maximum tick (against wall-clock jumps), whichever is first.
//!
//! Each server's post for a local date is one delivery of the [`Outbox`], keyed by the date
//! and claimed with the tale the rotation picks; the outbox sends, records and reconciles it.
//! A claim left from an earlier local day is only settled, never sent. A channel that is gone
//! or forbids the bot turns the schedule off with the reason; a message Discord refuses gives
//! up that day; other failures retry with back-off within the same day.
//!
//! [`ManualClock`]: crate::clock::ManualClock

use crate::answers::{tale, Reply};
use crate::daily::{self, DailyRule, LastPost, Step};
use crate::outbox::{Delivered, Faults, Halt, Outbox, Stopped};
use crate::store::{DailySchedule, Delivery, DeliveryState, Kind, Store, StoreError};
use chrono::{DateTime, Duration as Span, NaiveDate, Utc};
use std::ops::ControlFlow::{self, Break, Continue};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Tells the scheduler that a schedule changed, so it re-reads the database at once.
#[derive(Debug, Clone, Default)]
pub struct DailyWake(Arc<Notify>);

impl DailyWake {
    pub fn schedule_changed(&self) {
        // One stored permit: a change made while the scheduler is busy is not lost.
        self.0.notify_one();
    }
}

#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The longest sleep between looks at the clock and the database.
    pub max_tick: Duration,
    /// Servers posted to at the same time.
    pub concurrency: usize,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        Self {
            max_tick: Duration::from_secs(30),
            concurrency: 8,
        }
    }
}

/// The daily tale scheduler. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    outbox: Outbox,
    wake: DailyWake,
    options: Arc<SchedulerOptions>,
}

impl Scheduler {
    pub fn new(outbox: Outbox) -> Self {
        Self {
            outbox,
            wake: DailyWake::default(),
            options: Arc::default(),
        }
    }

    /// The same scheduler with other options and, for tests, checkpoints that stop it.
    pub fn configured(mut self, options: SchedulerOptions, faults: Option<Faults>) -> Self {
        self.options = Arc::new(options);
        self.outbox = self.outbox.with_faults(faults);
        self
    }

    /// The same scheduler, woken by `wake` (the one the commands hold).
    pub fn with_wake(mut self, wake: DailyWake) -> Self {
        self.wake = wake;
        self
    }

    pub fn wake(&self) -> DailyWake {
        self.wake.clone()
    }

    /// Posts until `stop` is cancelled. A stop requested during a
    /// send lets that send and its record finish.
    pub async fn run(self, stop: CancellationToken) {
        tracing::info!("daily scheduler started");
        // A clock moved by hand (tests) wakes the task; the real one is slept on.
        let mut moves = self.outbox.clock().moves();
        loop {
            if stop.is_cancelled() {
                break;
            }
            let next = match self.tick().await {
                Ok(next) => next,
                Err(Stopped(at)) => {
                    tracing::warn!(?at, "daily scheduler stopped at a checkpoint");
                    return;
                }
            };
            let now = self.outbox.now();
            let wait = next
                .map(|at| (at - now).to_std().unwrap_or_default())
                .unwrap_or(self.options.max_tick)
                .clamp(Duration::from_millis(5), self.options.max_tick);
            let moved = async {
                match moves.as_mut() {
                    Some(moves) => moves.changed().await.is_ok(),
                    None => std::future::pending().await,
                }
            };
            let clock_gone = tokio::select! {
                () = stop.cancelled() => break,
                () = self.wake.0.notified() => false,
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
        let schedules = match self.store().enabled_daily_schedules().await {
            Ok(schedules) => schedules,
            Err(error) => {
                tracing::error!(%error, "daily: cannot read the schedules");
                return Ok(Some(self.outbox.now() + Span::minutes(1)));
            }
        };
        let permits = Arc::new(Semaphore::new(self.options.concurrency.max(1)));
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

    fn store(&self) -> &Store {
        self.outbox.store()
    }

    /// Applies the server's steps until it has to wait; returns until when.
    async fn serve(&self, schedule: &DailySchedule) -> Result<Option<DateTime<Utc>>, Stopped> {
        // A few steps at most: settle yesterday's claim, claim today's, send it, wait.
        for _ in 0..6 {
            match self.step(schedule).await {
                Ok(Continue(())) => {}
                Ok(Break(until)) => return Ok(until),
                Err(Halt::Stopped(stopped)) => return Err(stopped),
                Err(Halt::Store(error)) => {
                    tracing::error!(guild = schedule.guild, %error, "daily: database error; trying again in a minute");
                    return Ok(Some(self.outbox.now() + Span::minutes(1)));
                }
            }
        }
        Ok(Some(
            self.outbox.now() + Span::from_std(self.options.max_tick).unwrap_or_default(),
        ))
    }

    /// Does the server's next step; breaks with until when it has to wait (None: for ever).
    async fn step(
        &self,
        schedule: &DailySchedule,
    ) -> Result<ControlFlow<Option<DateTime<Utc>>>, Halt> {
        let (guild, now) = (schedule.guild, self.outbox.now());
        let latest = self
            .store()
            .latest_delivery(Kind::Daily, guild, None)
            .await?;
        let last = latest.as_ref().and_then(last_post);
        let plan = daily::plan(DailyRule::of(schedule), schedule.since, last, now);
        let delivered = match (plan, latest) {
            (Step::WaitUntil(at), _) => return Ok(Break(Some(at))),
            (Step::Idle, _) => return Ok(Break(None)),
            (Step::Settle(_), Some(post)) => {
                let reply = self.reply_for(&post).await.ok().flatten();
                let why = "the day ended before the tale could be posted";
                self.outbox.settle(&post, reply.as_ref(), why).await?
            }
            (Step::Resume(_), Some(post)) => self.deliver(&post).await?,
            (Step::Claim(due), _) => {
                let Some(issue) = next_tale(self.store(), guild).await? else {
                    tracing::warn!(guild, "daily: the archive holds no tale to post");
                    return Ok(Break(Some(now + Span::hours(1))));
                };
                let key = key(due.date);
                let post = self
                    .outbox
                    .claim(Kind::Daily, guild, &key, issue, schedule.channel)
                    .await?;
                tracing::info!(guild, date = %post.key, issue = post.issue, "daily: claimed");
                self.deliver(&post).await?
            }
            (Step::Settle(_) | Step::Resume(_), None) => Delivered::Closed,
        };
        if let Delivered::ChannelUnusable(why) = delivered {
            self.store().disable_daily(guild, &why, now).await?;
            return Ok(Break(None));
        }
        Ok(Continue(()))
    }

    /// Has the outbox send today's claimed post.
    async fn deliver(&self, post: &Delivery) -> Result<Delivered, Halt> {
        match self.reply_for(post).await? {
            Some(reply) => self.outbox.deliver(post, &reply).await,
            None => {
                let why = format!("issue {}'s tale is no longer in the archive", post.issue);
                Ok(self.outbox.give_up(post, &why).await?)
            }
        }
    }

    async fn reply_for(&self, post: &Delivery) -> Result<Option<Reply>, StoreError> {
        let issue = self.store().issue(post.issue).await?;
        Ok(issue.and_then(|issue| tale::daily_post(&issue).ok()))
    }
}

/// How a daily post's key spells its local date.
const KEY_DATE: &str = "%Y-%m-%d";

/// The outbox key of a server's post for a local date.
pub fn key(date: NaiveDate) -> String {
    date.format(KEY_DATE).to_string()
}

/// The nonce of a server's post for a local date (the outbox's, for that key).
pub fn nonce(guild: u64, date: NaiveDate) -> String {
    super::nonce(Kind::Daily, guild, &key(date))
}

/// A daily delivery as planning sees it; None for a key that is no date.
fn last_post(delivery: &Delivery) -> Option<LastPost> {
    Some(LastPost {
        date: NaiveDate::parse_from_str(&delivery.key, KEY_DATE).ok()?,
        open: delivery.is_open(),
        retry_at: delivery.next_try,
    })
}

/// The issue whose tale the server gets next: the one claimed and still on its way, or else
/// the next in the rotation. What `/daily preview` shows and the scheduler claims.
pub async fn next_tale(store: &Store, guild: u64) -> Result<Option<u32>, StoreError> {
    let history = store.deliveries(Kind::Daily, guild, None, None).await?;
    if let Some(open) = history.first().filter(|post| post.is_open()) {
        return Ok(Some(open.issue));
    }
    let posted: Vec<(u32, NaiveDate)> = history
        .iter()
        .filter(|post| matches!(post.state, DeliveryState::Claimed | DeliveryState::Posted))
        .filter_map(|post| Some((post.issue, last_post(post)?.date)))
        .collect();
    Ok(daily::pick_tale(&store.tale_numbers().await?, &posted))
}

/// The next post's instant for `/daily status`, from the schedule and the latest post.
pub fn next_post_at(
    schedule: &DailySchedule,
    latest: Option<&Delivery>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if !schedule.enabled {
        return None;
    }
    let last = latest.and_then(last_post);
    match daily::plan(DailyRule::of(schedule), schedule.since, last, now) {
        Step::WaitUntil(at) => Some(at),
        Step::Claim(_) | Step::Resume(_) => Some(now),
        Step::Settle(_) => daily::next_due(
            DailyRule::of(schedule),
            now,
            schedule.since,
            last.map(|l| l.date),
        )
        .map(|due| due.at.max(now)),
        Step::Idle => None,
    }
}

/// Starts the scheduler as a task that stops when the returned token is cancelled.
pub fn spawn(scheduler: Scheduler) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let stop = CancellationToken::new();
    let handle = tokio::spawn(scheduler.run(stop.clone()));
    (stop, handle)
}
