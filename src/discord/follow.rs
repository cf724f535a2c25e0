//! Following the newsletter while serving: the core's poller fetches and stores what the
//! feed brings, and each poll's new issues are handed to the announcer, which posts them
//! through the outbox. Announcements an earlier run left pending go first.

use tokio_util::sync::CancellationToken;

use crate::follow::{finish_unless_stopped, PollOutcome, Poller};
use crate::outbox::announce::{Announcer, DeliveryReport};

/// The feed's poller and the announcer of what it brings.
#[derive(Debug)]
pub struct Follower {
    poller: Poller,
    announcer: Announcer,
}

/// One cycle: the poll, and the announcements made after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub outcome: PollOutcome,
    pub delivered: DeliveryReport,
}

impl Follower {
    pub fn new(poller: Poller, announcer: Announcer) -> Self {
        Self { poller, announcer }
    }

    pub fn poller(&self) -> &Poller {
        &self.poller
    }

    /// Polls the feed once, then announces what is pending (the new issues among it).
    pub async fn cycle(&self) -> Cycle {
        let outcome = self.poller.poll().await;
        let delivered = self.announcer.deliver_pending().await;
        Cycle { outcome, delivered }
    }

    /// Announces what an earlier run left pending, then polls whenever a poll is due and
    /// announces after each, until `stop` is cancelled.
    pub async fn run(self, stop: CancellationToken) {
        let Self { poller, announcer } = self;
        if !finish_unless_stopped(announcer.deliver_pending(), &stop).await {
            return;
        }
        poller
            .run(stop, |_new| async {
                announcer.deliver_pending().await;
            })
            .await;
    }
}
