//! One engine that posts a message exactly once per (kind, server, key): the daily tale and
//! the announcements of new issues only say what to post ([`Reply`]) and under which key.
//!
//! Exactly once, whenever the process stops:
//! 1. the delivery is *claimed* in the database (primary key) before anything is sent;
//! 2. the attempt is counted, then the message is sent with the delivery's nonce and
//!    `enforce_nonce`, so Discord drops a repeat of the same send;
//! 3. the message id is recorded.
//!
//! A claim with a counted attempt and no message id may or may not have reached Discord: it
//! is *reconciled* (the channel's recent messages searched for the bot's message) before any
//! retry. Discord's answers are sorted once, for every kind: a channel that is gone (404) or
//! forbids the bot (403) cannot be posted to until an admin acts; another refusal (400 and
//! the like) fails this message for good; rate limits, server errors and timeouts are tried
//! again after a back-off.
//!
//! The two producers: [`daily`] (each server's tale at its local time) and [`announce`]
//! (each new issue, once per server that chose a channel).

pub mod announce;
pub mod daily;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};

use crate::answers::Reply;
use crate::clock::SharedClock;
use crate::store::{Claim, Delivery, DeliveryState, Kind, Store, StoreError};

/// Recent messages searched when reconciling an unconfirmed delivery (Discord's maximum).
pub const RECONCILE_WINDOW: u8 = 100;

/// What the engine needs from Discord. serenity's `Http` implements it; tests may fake it.
#[async_trait::async_trait]
pub trait Channels: Send + Sync {
    /// Posts `reply` in `channel` with `nonce` enforced; the new message's id.
    async fn send(&self, channel: u64, reply: &Reply, nonce: &str) -> Result<u64, SendError>;
    /// The channel's latest messages, newest first.
    async fn recent(&self, channel: u64, limit: u8) -> Result<Vec<Recent>, SendError>;
}

/// A message as a channel lists it: enough to recognise one of the bot's deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recent {
    pub id: u64,
    pub author: u64,
    /// A regular message (not an interaction's reply).
    pub regular: bool,
    pub nonce: Option<String>,
    pub created: DateTime<Utc>,
    pub content: String,
    pub title: Option<String>,
    pub footer: Option<String>,
}

/// A request Discord did not carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Discord answered with an error status.
    #[error("Discord said {status} {message} (code {code})")]
    Refused {
        status: u16,
        code: i64,
        message: String,
    },
    /// The message could not be built or Discord's answer not read: sending again won't help.
    #[error("{0}")]
    Invalid(String),
    /// No answer (network, timeout): worth trying again.
    #[error("{0}")]
    Unreachable(String),
}

/// How a failed request is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The channel cannot be posted to until an admin acts.
    ChannelUnusable(String),
    /// Discord refused this message for good.
    Rejected(String),
    /// Worth trying again later.
    Temporary(String),
}

impl SendError {
    /// 404: the channel is gone. 403: the bot may not see or post there. Other 4xx but 429:
    /// this message is refused. 429, 5xx, no answer: try again later.
    pub fn verdict(&self, channel: u64) -> Verdict {
        let discord = self.to_string();
        match self {
            SendError::Refused { status: 404, .. } => Verdict::ChannelUnusable(format!(
                "the channel <#{channel}> no longer exists ({discord})"
            )),
            SendError::Refused { status: 403, .. } => Verdict::ChannelUnusable(format!(
                "the bot may not post in <#{channel}>: it needs View Channel, Send Messages and \
                 Embed Links there ({discord})"
            )),
            SendError::Refused { status, .. } if *status == 429 || *status >= 500 => {
                Verdict::Temporary(discord)
            }
            SendError::Refused { .. } => {
                Verdict::Rejected(format!("Discord refused the message ({discord})"))
            }
            SendError::Invalid(_) => Verdict::Rejected(discord),
            SendError::Unreachable(_) => Verdict::Temporary(discord),
        }
    }
}

/// The nonce of a delivery: the same on every attempt, so that a send repeated after a crash
/// is dropped by Discord. At most 25 characters, as Discord requires: the kind's initial, the
/// key's letters and digits (≤ 10), `-`, and the server id in base 36 (≤ 13).
pub fn nonce(kind: Kind, guild: u64, key: &str) -> String {
    let initial = &kind.as_str()[..1];
    let key: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    format!("{initial}{key}-{}", base36(guild))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The wait before trying a delivery again after `failures` temporary failures in a row:
/// 30 s, doubling, at most 30 minutes.
pub fn retry_delay(failures: u32) -> Duration {
    let seconds = 30u64.saturating_mul(1 << failures.saturating_sub(1).min(6));
    Duration::from_secs(seconds.min(30 * 60))
}

/// The points between the steps of a delivery, where a test can stop the engine as if the
/// process were killed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// The delivery is claimed; no attempt counted.
    Claimed,
    /// The attempt is counted; the message is about to be sent.
    BeforeSend,
    /// Discord created the message; its id is not recorded.
    AfterSend,
    /// The message id is recorded.
    AfterRecord,
}

/// Decides, at each checkpoint for a server, whether the engine stops dead there.
pub type Faults = Arc<dyn Fn(Checkpoint, u64) -> bool + Send + Sync>;

/// The engine was stopped at a checkpoint: nothing after it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stopped at the checkpoint {0:?}")]
pub struct Stopped(pub Checkpoint);

/// Why a step of a delivery did not finish.
#[derive(Debug, thiserror::Error)]
pub enum Halt {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Stopped(#[from] Stopped),
}

/// What delivering did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Sent now; the message id.
    Sent(u64),
    /// Found in the channel, sent by an earlier attempt, and recorded.
    Found(u64),
    /// Settled already (by another process, or before).
    Closed,
    /// Failed for a reason that may pass; tried again from then on.
    Deferred(DateTime<Utc>),
    /// Discord refused this message for good; the delivery is closed as failed.
    Rejected(String),
    /// The channel is gone or forbidden; the delivery is closed as failed. The caller turns
    /// the server's kind off with this reason.
    ChannelUnusable(String),
    /// Its time passed before it was sent; closed as missed.
    Missed,
}

/// The delivery engine. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    clock: SharedClock,
    channels: Arc<dyn Channels>,
    /// The bot's own user, to recognise its messages when reconciling.
    bot: u64,
    faults: Option<Faults>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("bot", &self.bot)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    pub fn new(store: Store, clock: SharedClock, channels: Arc<dyn Channels>, bot: u64) -> Self {
        Self {
            store,
            clock,
            channels,
            bot,
            faults: None,
        }
    }

    /// The same engine, stopping dead at the checkpoints `faults` picks (tests).
    pub fn with_faults(mut self, faults: Option<Faults>) -> Self {
        self.faults = faults;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Claims the delivery of `key` (or returns the claim made before), then stops if a
    /// test asked to at [`Checkpoint::Claimed`].
    pub async fn claim(
        &self,
        kind: Kind,
        guild: u64,
        key: &str,
        issue: u32,
        channel: u64,
    ) -> Result<Delivery, Halt> {
        let nonce = nonce(kind, guild, key);
        let claim = Claim {
            kind,
            guild,
            key,
            issue,
            channel,
            nonce: &nonce,
        };
        let claimed = self.store.claim_delivery(claim, self.now()).await?;
        self.checkpoint(Checkpoint::Claimed, guild)?;
        Ok(claimed)
    }

    /// Sends a claimed delivery, after looking for an earlier attempt's message.
    pub async fn deliver(&self, delivery: &Delivery, reply: &Reply) -> Result<Delivered, Halt> {
        let guild = delivery.guild;
        if !delivery.is_open() {
            return Ok(Delivered::Closed);
        }
        if delivery.attempts > 0 {
            match self.find_sent(delivery, reply).await {
                Ok(Some(message)) => {
                    tracing::info!(kind = delivery.kind.as_str(), guild, key = %delivery.key, message, "an earlier attempt had posted; recorded");
                    return Ok(self
                        .record(delivery, message, Delivered::Found(message))
                        .await?);
                }
                Ok(None) => {}
                Err(error) => return Ok(self.failed(delivery, &error).await?),
            }
        }
        self.store.start_attempt(delivery).await?;
        self.checkpoint(Checkpoint::BeforeSend, guild)?;
        match self
            .channels
            .send(delivery.channel, reply, &delivery.nonce)
            .await
        {
            Ok(message) => {
                self.checkpoint(Checkpoint::AfterSend, guild)?;
                let sent = self
                    .record(delivery, message, Delivered::Sent(message))
                    .await?;
                self.checkpoint(Checkpoint::AfterRecord, guild)?;
                Ok(sent)
            }
            Err(error) => Ok(self.failed(delivery, &error).await?),
        }
    }

    /// A claim whose time has passed: record its message if an attempt did post it, else
    /// close it as missed. Nothing is sent.
    pub async fn settle(
        &self,
        delivery: &Delivery,
        reply: Option<&Reply>,
        why: &str,
    ) -> Result<Delivered, StoreError> {
        if let (true, Some(reply)) = (delivery.attempts > 0, reply) {
            if let Ok(Some(message)) = self.find_sent(delivery, reply).await {
                return self
                    .record(delivery, message, Delivered::Found(message))
                    .await;
            }
        }
        tracing::warn!(kind = delivery.kind.as_str(), guild = delivery.guild, key = %delivery.key, "not posted: {why}");
        self.store
            .close_delivery(delivery, DeliveryState::Missed, why)
            .await?;
        Ok(Delivered::Missed)
    }

    /// Closes a delivery that cannot be made (its content is gone), saying why.
    pub async fn give_up(&self, delivery: &Delivery, why: &str) -> Result<Delivered, StoreError> {
        tracing::error!(kind = delivery.kind.as_str(), guild = delivery.guild, key = %delivery.key, "not posted: {why}");
        self.store
            .close_delivery(delivery, DeliveryState::Failed, why)
            .await?;
        Ok(Delivered::Rejected(why.to_owned()))
    }

    async fn record(
        &self,
        delivery: &Delivery,
        message: u64,
        done: Delivered,
    ) -> Result<Delivered, StoreError> {
        self.store
            .record_posted(delivery, message, self.now())
            .await?;
        Ok(done)
    }

    fn checkpoint(&self, at: Checkpoint, guild: u64) -> Result<(), Stopped> {
        match &self.faults {
            Some(stop_here) if stop_here(at, guild) => Err(Stopped(at)),
            _ => Ok(()),
        }
    }

    /// The bot's message for this delivery among the channel's recent messages.
    async fn find_sent(
        &self,
        delivery: &Delivery,
        reply: &Reply,
    ) -> Result<Option<u64>, SendError> {
        let recent = self
            .channels
            .recent(delivery.channel, RECONCILE_WINDOW)
            .await?;
        Ok(recent
            .iter()
            .find(|m| is_delivered_by(m, self.bot, delivery, reply))
            .map(|m| m.id))
    }

    /// Sorts a failed request and records what follows.
    async fn failed(
        &self,
        delivery: &Delivery,
        error: &SendError,
    ) -> Result<Delivered, StoreError> {
        let (kind, guild, key) = (delivery.kind.as_str(), delivery.guild, &delivery.key);
        match error.verdict(delivery.channel) {
            Verdict::ChannelUnusable(why) => {
                tracing::warn!(kind, guild, channel = delivery.channel, %key, "channel unusable: {why}");
                self.store
                    .close_delivery(delivery, DeliveryState::Failed, &why)
                    .await?;
                Ok(Delivered::ChannelUnusable(why))
            }
            Verdict::Rejected(why) => {
                tracing::error!(kind, guild, %key, "{why}");
                self.store
                    .close_delivery(delivery, DeliveryState::Failed, &why)
                    .await?;
                Ok(Delivered::Rejected(why))
            }
            Verdict::Temporary(why) => {
                let delay = retry_delay(delivery.attempts + 1);
                let next_try = self.now() + Span::from_std(delay).unwrap_or_default();
                tracing::warn!(kind, guild, %key, retry_in_s = delay.as_secs(), "not posted; will retry: {why}");
                self.store.defer_delivery(delivery, next_try, &why).await?;
                Ok(Delivered::Deferred(next_try))
            }
        }
    }
}

/// Whether `message` is the one an attempt sent for `delivery`: the bot's, with its nonce;
/// or, as Discord does not echo nonces when listing messages, the bot's regular message with
/// the reply's content, title and footer, created since the claim (the same tale may have
/// been posted in an earlier round of the rotation; the message id tells when it was made).
fn is_delivered_by(message: &Recent, bot: u64, delivery: &Delivery, reply: &Reply) -> bool {
    if message.author != bot || !message.regular {
        return false;
    }
    if let Some(nonce) = &message.nonce {
        return *nonce == delivery.nonce;
    }
    if message.created < delivery.claimed_at - Span::minutes(10) {
        return false;
    }
    let card = reply.cards.first();
    message.content == reply.content.as_deref().unwrap_or_default()
        && message.title.as_deref() == card.map(|c| c.title.as_str())
        && message.footer.as_deref() == card.and_then(|c| c.footer.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Card;
    use chrono::TimeZone;

    const BOT: u64 = 1_180_000_000_000_000_001;

    fn refused(status: u16) -> Verdict {
        SendError::Refused {
            status,
            code: 0,
            message: "oops".into(),
        }
        .verdict(42)
    }

    #[test]
    fn nonce_is_short_stable_and_distinct_per_kind_server_and_key() {
        let a = nonce(Kind::Daily, u64::MAX, "2026-03-29");
        assert!(a.len() <= 25, "{a}");
        assert_eq!(a, nonce(Kind::Daily, u64::MAX, "2026-03-29"));
        assert_ne!(a, nonce(Kind::Daily, u64::MAX - 1, "2026-03-29"));
        assert_ne!(a, nonce(Kind::Daily, u64::MAX, "2026-03-30"));
        assert_ne!(a, nonce(Kind::Announce, u64::MAX, "2026-03-29"));
        assert_eq!(nonce(Kind::Daily, 35, "2026-03-29"), "d20260329-z");
        assert_eq!(nonce(Kind::Announce, 0, "311"), "a311-0");
        assert!(nonce(Kind::Announce, u64::MAX, &u32::MAX.to_string()).len() <= 25);
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_half_an_hour() {
        assert_eq!(retry_delay(1).as_secs(), 30);
        assert_eq!(retry_delay(2).as_secs(), 60);
        assert_eq!(retry_delay(3).as_secs(), 120);
        assert_eq!(retry_delay(50).as_secs(), 30 * 60);
    }

    #[test]
    fn gone_and_forbidden_channels_are_unusable_with_a_reason() {
        assert!(
            matches!(refused(404), Verdict::ChannelUnusable(why) if why.contains("no longer exists") && why.contains("<#42>") && why.contains("404"))
        );
        assert!(
            matches!(refused(403), Verdict::ChannelUnusable(why) if why.contains("may not post") && why.contains("403"))
        );
    }

    #[test]
    fn server_errors_rate_limits_and_silence_are_retried_bad_requests_are_not() {
        for status in [429, 500, 502, 503] {
            assert!(matches!(refused(status), Verdict::Temporary(_)));
        }
        assert!(matches!(
            SendError::Unreachable("timed out".into()).verdict(42),
            Verdict::Temporary(_)
        ));
        assert!(matches!(refused(400), Verdict::Rejected(why) if why.contains("400")));
    }

    #[test]
    fn an_earlier_attempt_is_recognised_by_nonce_or_by_content_since_the_claim() {
        let claimed_at = Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap();
        let delivery = Delivery {
            kind: Kind::Daily,
            guild: 7,
            key: "2026-06-01".into(),
            issue: 305,
            channel: 42,
            nonce: nonce(Kind::Daily, 7, "2026-06-01"),
            state: DeliveryState::Claimed,
            attempts: 1,
            next_try: None,
            claimed_at,
            message_id: None,
            posted_at: None,
            error: None,
        };
        let reply = Reply {
            cards: vec![Card {
                title: "The lighthouse".into(),
                footer: Some("Tech Tales · Import AI 305".into()),
                ..Card::default()
            }],
            ..Reply::default()
        };
        let listed =
            |author: u64, created: DateTime<Utc>, nonce: Option<&str>, title: &str| Recent {
                id: 1,
                author,
                regular: true,
                nonce: nonce.map(str::to_owned),
                created,
                content: String::new(),
                title: Some(title.to_owned()),
                footer: Some("Tech Tales · Import AI 305".into()),
            };
        let mine = |m: &Recent| is_delivered_by(m, BOT, &delivery, &reply);
        let just_after = claimed_at + Span::seconds(2);
        assert!(mine(&listed(BOT, just_after, Some(&delivery.nonce), "x")));
        assert!(!mine(&listed(
            BOT,
            just_after,
            Some("d20260531-7"),
            "The lighthouse"
        )));
        // Listed without a nonce: the tale, sent since the claim, by the bot.
        assert!(mine(&listed(BOT, just_after, None, "The lighthouse")));
        assert!(!mine(&listed(BOT, just_after, None, "Another tale")));
        assert!(!mine(&listed(BOT + 1, just_after, None, "The lighthouse")));
        // An interaction's reply with the same card is not a delivery.
        let reply_to_command = Recent {
            regular: false,
            ..listed(BOT, just_after, None, "The lighthouse")
        };
        assert!(!mine(&reply_to_command));
        // The same tale from an earlier round of the rotation is not this delivery.
        assert!(!mine(&listed(
            BOT,
            claimed_at - Span::days(10),
            None,
            "The lighthouse"
        )));
    }
}
