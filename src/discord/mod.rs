//! The Discord bot: poise commands, rendering, component handlers, schedulers.
//!
//! Commands turn options into an [`answers::Question`](crate::answers::Question) and send the
//! rendered reply; nothing here decides what an answer says.

pub mod autocomplete;
pub mod bot;
mod channels;
pub mod commands;
pub mod components;
pub mod errors;
pub mod follow;
mod postable;
pub mod render;
mod respond;
mod startup;

use crate::clock::SharedClock;
use crate::store::{Store, StoreError};

pub use bot::{run, BotSettings};
pub use channels::DiscordChannels;
pub use startup::StartupError;

/// What every command and handler can reach.
#[derive(Debug)]
pub struct Data {
    pub store: Store,
    pub clock: SharedClock,
    /// Wakes the daily tale scheduler when a schedule changes.
    pub daily: crate::outbox::daily::DailyWake,
}

/// Why a command or handler failed. The reader sees a short notice; the log, the detail.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("Discord request failed: {0}")]
    Discord(#[from] serenity::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Startup(#[from] startup::StartupError),
    #[error("cannot set up the feed poller's HTTP client ({0}): check the system's TLS set-up")]
    FeedClient(#[source] reqwest::Error),
}

pub type Context<'a> = poise::Context<'a, Data, BotError>;
