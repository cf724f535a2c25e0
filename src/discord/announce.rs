//! Posting announcements of new issues, at most once per issue and server.
//!
//! Each announcement is claimed in the database before its message is sent, with a nonce
//! derived from the issue and the server and `enforce_nonce`, so Discord itself refuses a
//! second copy for a few minutes; the message id is recorded after. A claim left without a
//! message id (the process stopped mid-send) is reconciled first: the channel's recent
//! messages are searched for the announcement, and only if it is not there is it sent.
//! A channel that is gone (404) or forbidden (403) turns the server's announcements off,
//! with the reason logged and kept for `/announce status`.

use std::collections::HashSet;
use std::sync::Arc;

use serenity::all::{ChannelId, GetMessages, Http, HttpError, Message, MessageType, Nonce, UserId};
use sha2::{Digest, Sha256};

use super::render;
use crate::answers::{issue::overview, limits, Reply};
use crate::archive::Issue;
use crate::clock::SharedClock;
use crate::store::{PendingAnnouncement, Store};

/// How many of a channel's latest messages are searched for an announcement that may have
/// gone out before a restart.
const RECONCILE_MESSAGES: u8 = 50;

/// What one round of deliveries did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// (issue, guild) announcements sent now.
    pub sent: Vec<(u32, u64)>,
    /// Announcements found already in their channel (sent before a restart) and recorded.
    pub reconciled: Vec<(u32, u64)>,
    /// Servers whose announcements were turned off (channel gone or forbidden).
    pub disabled: Vec<u64>,
    /// Announcements that failed for a reason that may pass; retried at the next cycle.
    pub failed: Vec<(u32, u64)>,
}

/// Sends announcements through a Discord HTTP client.
#[derive(Clone)]
pub struct Announcer {
    http: Arc<Http>,
    store: Store,
    clock: SharedClock,
    /// The bot's own user, to recognise its messages when reconciling.
    bot_user: UserId,
}

impl std::fmt::Debug for Announcer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcer")
            .field("bot_user", &self.bot_user)
            .finish_non_exhaustive()
    }
}

/// Why an announcement could not go out.
enum Refusal {
    /// The channel is gone or the bot may not post there: give up on the server.
    Channel(String),
    /// Anything else: try again at the next cycle.
    Transient(String),
}

impl Announcer {
    pub fn new(http: Arc<Http>, store: Store, clock: SharedClock, bot_user: UserId) -> Self {
        Self {
            http,
            store,
            clock,
            bot_user,
        }
    }

    /// Sends every pending announcement; failures are logged and reported, never raised.
    pub async fn deliver_pending(&self) -> DeliveryReport {
        let mut report = DeliveryReport::default();
        let pending = match self.store.pending_announcements().await {
            Ok(pending) => pending,
            Err(error) => {
                tracing::error!(%error, "cannot read pending announcements");
                return report;
            }
        };
        let mut given_up = HashSet::new();
        for item in pending {
            if given_up.contains(&item.guild_id) {
                continue;
            }
            let key = (item.issue, item.guild_id);
            match self.deliver(&item).await {
                Ok(Delivered::Sent) => report.sent.push(key),
                Ok(Delivered::Reconciled) => report.reconciled.push(key),
                Ok(Delivered::Skipped) => {}
                Err(Refusal::Channel(reason)) => {
                    given_up.insert(item.guild_id);
                    tracing::warn!(
                        guild = item.guild_id,
                        channel = item.channel_id,
                        issue = item.issue,
                        %reason,
                        "announcements turned off for this server"
                    );
                    let now = self.clock.now();
                    match self
                        .store
                        .disable_announcements(item.guild_id, Some(&reason), now)
                        .await
                    {
                        Ok(()) => report.disabled.push(item.guild_id),
                        Err(error) => {
                            tracing::error!(guild = item.guild_id, %error, "cannot turn announcements off")
                        }
                    }
                }
                Err(Refusal::Transient(reason)) => {
                    tracing::warn!(
                        guild = item.guild_id,
                        channel = item.channel_id,
                        issue = item.issue,
                        %reason,
                        "announcement not sent; will retry at the next poll"
                    );
                    report.failed.push(key);
                }
            }
        }
        report
    }

    async fn deliver(&self, item: &PendingAnnouncement) -> Result<Delivered, Refusal> {
        let nonce = nonce(item.issue, item.guild_id);
        if let Some(claim) = &item.claim {
            // An earlier attempt may have sent it: look before sending again.
            match self
                .find_sent(claim.channel_id, item.issue, &claim.nonce)
                .await
            {
                Ok(Some(message)) => {
                    self.record(item, claim.channel_id, message).await?;
                    tracing::info!(
                        guild = item.guild_id,
                        issue = item.issue,
                        "announcement found already sent; recorded"
                    );
                    return Ok(Delivered::Reconciled);
                }
                Ok(None) => {}
                Err(Refusal::Channel(_)) if claim.channel_id != item.channel_id => {}
                Err(refusal) => return Err(refusal),
            }
        }
        let issue = match self.store.issue(item.issue).await {
            Ok(Some(issue)) => issue,
            Ok(None) => {
                tracing::warn!(
                    issue = item.issue,
                    "an issue to announce is no longer stored"
                );
                return Ok(Delivered::Skipped);
            }
            Err(error) => return Err(Refusal::Transient(error.to_string())),
        };
        let mentioned_by = self
            .store
            .mentioned_by(item.issue)
            .await
            .map_err(|e| Refusal::Transient(e.to_string()))?;
        let reply = announcement(&issue, &mentioned_by);
        let now = self.clock.now();
        self.store
            .claim_announcement(item.issue, item.guild_id, item.channel_id, &nonce, now)
            .await
            .map_err(|e| Refusal::Transient(e.to_string()))?;
        let message = render::channel_message(&reply)
            .nonce(Nonce::String(nonce))
            .enforce_nonce(true);
        let sent = ChannelId::new(item.channel_id)
            .send_message(&*self.http, message)
            .await
            .map_err(|e| refusal(e, item.channel_id))?;
        self.record(item, item.channel_id, sent.id.get()).await?;
        tracing::info!(
            guild = item.guild_id,
            channel = item.channel_id,
            issue = item.issue,
            message = sent.id.get(),
            "new issue announced"
        );
        Ok(Delivered::Sent)
    }

    async fn record(
        &self,
        item: &PendingAnnouncement,
        channel_id: u64,
        message_id: u64,
    ) -> Result<(), Refusal> {
        let now = self.clock.now();
        self.store
            .record_announcement(item.issue, item.guild_id, channel_id, message_id, now)
            .await
            .map_err(|e| Refusal::Transient(format!("sent, but cannot record it: {e}")))
    }

    /// The id of the announcement of `issue` among the channel's latest messages, if the
    /// bot posted it: by its nonce, or by its content (Discord does not return nonces of
    /// older messages).
    async fn find_sent(
        &self,
        channel_id: u64,
        issue: u32,
        nonce: &str,
    ) -> Result<Option<u64>, Refusal> {
        let messages = ChannelId::new(channel_id)
            .messages(&*self.http, GetMessages::new().limit(RECONCILE_MESSAGES))
            .await
            .map_err(|e| refusal(e, channel_id))?;
        let prefix = announcement_prefix(issue);
        Ok(messages
            .iter()
            .find(|m| is_announcement(m, self.bot_user, nonce, &prefix))
            .map(|m| m.id.get()))
    }
}

enum Delivered {
    Sent,
    Reconciled,
    Skipped,
}

fn is_announcement(message: &Message, bot: UserId, nonce: &str, prefix: &str) -> bool {
    if message.author.id != bot {
        return false;
    }
    let same_nonce = match &message.nonce {
        Some(Nonce::String(n)) => n == nonce,
        Some(Nonce::Number(n)) => n.to_string() == nonce,
        None => false,
    };
    // A reply to `/issue N` carries the same card, but is not a regular message.
    same_nonce || (message.kind == MessageType::Regular && message.content.starts_with(prefix))
}

/// The nonce of the announcement of `issue` in a server: the same on every attempt, at most
/// 25 characters as Discord requires.
pub fn nonce(issue: u32, guild_id: u64) -> String {
    let digest = Sha256::new()
        .chain_update(b"importai-bot announce\n")
        .chain_update(issue.to_be_bytes())
        .chain_update(guild_id.to_be_bytes())
        .finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("ia{hex}")
}

/// How an announcement's content begins: enough to recognise it among a channel's messages.
pub fn announcement_prefix(issue: u32) -> String {
    format!("📬 New issue: **Import AI {issue}**")
}

/// The line above the overview: which issue is new, and where to read it.
pub fn announcement_content(issue: &Issue) -> String {
    let prefix = announcement_prefix(issue.number);
    match &issue.url {
        // In angle brackets: the overview below already shows the issue; no link preview.
        Some(url) if url.len() <= 1500 => format!("{prefix} · <{url}>"),
        _ => prefix,
    }
}

/// The announcement of an issue: a line saying it is new, and its overview (with its link).
pub fn announcement(issue: &Issue, mentioned_by: &[u32]) -> Reply {
    let mut reply = overview(issue, mentioned_by);
    reply.content = Some(announcement_content(issue));
    reply.private = false;
    limits::enforce(reply)
}

/// Sorts a failed Discord request: a missing or forbidden channel ends the server's
/// announcements; anything else may pass.
fn refusal(error: serenity::Error, channel_id: u64) -> Refusal {
    if let serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) = &error {
        let code = response.error.code;
        let message = &response.error.message;
        match response.status_code.as_u16() {
            404 => {
                return Refusal::Channel(format!(
                    "the channel <#{channel_id}> no longer exists (Discord: {message}, code {code})"
                ))
            }
            403 => {
                return Refusal::Channel(format!(
                    "the bot may not post in <#{channel_id}> any more (Discord: {message}, code {code}); \
                     it needs View Channel, Send Messages and Embed Links there"
                ))
            }
            _ => {}
        }
    }
    Refusal::Transient(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_stable_short_and_distinct() {
        let a = nonce(311, 1_180_000_000_000_000_010);
        assert_eq!(a, nonce(311, 1_180_000_000_000_000_010));
        assert!(a.len() <= 25, "{a}");
        assert_ne!(a, nonce(312, 1_180_000_000_000_000_010));
        assert_ne!(a, nonce(311, 1_180_000_000_000_000_011));
    }
}
