//! Announcements of new issues, at most once per issue and server: each is a delivery of
//! the [`Outbox`], keyed by the issue number, which claims, sends, records and reconciles
//! it. A channel that is gone (404) or forbidden (403) turns the server's announcements off,
//! with the reason logged and kept for `/announce status`; a message Discord refuses for
//! good (400) is not tried again, and `/announce status` says why.

use std::collections::HashSet;

use crate::answers::issue::{overview, Surroundings};
use crate::answers::{limits, Reply};
use crate::archive::Issue;
use crate::outbox::{self, Delivered, Halt, Outbox};
use crate::store::{Kind, PendingAnnouncement};

/// What one round of deliveries did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// (issue, guild) announcements sent now.
    pub sent: Vec<(u32, u64)>,
    /// Announcements found already in their channel (sent before a restart) and recorded.
    pub reconciled: Vec<(u32, u64)>,
    /// Servers whose announcements were turned off (channel gone or forbidden).
    pub disabled: Vec<u64>,
    /// Announcements that failed for a reason that may pass; retried after a back-off.
    pub failed: Vec<(u32, u64)>,
    /// Announcements Discord refused for good; not tried again.
    pub refused: Vec<(u32, u64)>,
}

/// Sends announcements through the outbox.
#[derive(Debug, Clone)]
pub struct Announcer {
    outbox: Outbox,
}

impl Announcer {
    pub fn new(outbox: Outbox) -> Self {
        Self { outbox }
    }

    /// Sends every pending announcement that is due; failures are logged and reported,
    /// never raised.
    pub async fn deliver_pending(&self) -> DeliveryReport {
        let mut report = DeliveryReport::default();
        let pending = match self.outbox.store().pending_announcements().await {
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
                Ok(Delivered::Sent(message)) => {
                    tracing::info!(
                        guild = item.guild_id,
                        issue = item.issue,
                        message,
                        "new issue announced"
                    );
                    report.sent.push(key);
                }
                Ok(Delivered::Found(_)) => report.reconciled.push(key),
                Ok(Delivered::Deferred(_)) => report.failed.push(key),
                Ok(Delivered::Rejected(_)) => report.refused.push(key),
                Ok(Delivered::ChannelUnusable(reason)) => {
                    given_up.insert(item.guild_id);
                    tracing::warn!(guild = item.guild_id, issue = item.issue, %reason, "announcements turned off for this server");
                    let store = self.outbox.store();
                    let now = self.outbox.now();
                    match store
                        .disable_announcements(item.guild_id, Some(&reason), now)
                        .await
                    {
                        Ok(()) => report.disabled.push(item.guild_id),
                        Err(error) => {
                            tracing::error!(guild = item.guild_id, %error, "cannot turn announcements off")
                        }
                    }
                }
                Ok(Delivered::Closed | Delivered::Missed) => {}
                Err(error) => {
                    tracing::error!(guild = item.guild_id, issue = item.issue, %error, "announcement not sent");
                    report.failed.push(key);
                }
            }
        }
        report
    }

    async fn deliver(&self, item: &PendingAnnouncement) -> Result<Delivered, Halt> {
        let store = self.outbox.store();
        let key = item.issue.to_string();
        if let Some(open) = store.delivery(Kind::Announce, item.guild_id, &key).await? {
            if let Some(at) = open.next_try.filter(|at| *at > self.outbox.now()) {
                return Ok(Delivered::Deferred(at));
            }
        }
        let Some(issue) = store.issue(item.issue).await? else {
            tracing::warn!(
                issue = item.issue,
                "an issue to announce is no longer stored"
            );
            return Ok(Delivered::Closed);
        };
        let reply = announcement(&issue, &Surroundings::of(store, &issue).await?);
        let (guild, channel) = (item.guild_id, item.channel_id);
        let claimed = self
            .outbox
            .claim(Kind::Announce, guild, &key, item.issue, channel)
            .await?;
        self.outbox.deliver(&claimed, &reply).await
    }
}

/// The nonce of the announcement of `issue` in a server (the outbox's, for that key).
pub fn nonce(issue: u32, guild_id: u64) -> String {
    outbox::nonce(Kind::Announce, guild_id, &issue.to_string())
}

/// How an announcement's content begins: enough to recognise it among a channel's messages.
pub fn announcement_prefix(issue: u32) -> String {
    format!("📬 New issue: **Import AI {issue}**")
}

/// The announcement of an issue: a line saying it is new and where to read it, and its
/// overview (with its link).
pub fn announcement(issue: &Issue, around: &Surroundings) -> Reply {
    let prefix = announcement_prefix(issue.number);
    let content = match &issue.url {
        // In angle brackets: the overview below already shows the issue; no link preview.
        Some(url) if url.len() <= 1500 => format!("{prefix} · <{url}>"),
        _ => prefix,
    };
    let reply = Reply {
        content: Some(content),
        private: false,
        ..overview(issue, around)
    };
    limits::enforce(reply)
}
