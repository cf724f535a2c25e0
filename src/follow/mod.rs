//! Following the newsletter: poll its feed, store new and changed issues through the same
//! parser and ingest as the command line, and announce each new issue once in every server
//! that chose a channel for it (`/announce set`).
//!
//! - [`fetch`]: HTTP with conditional GET, timeouts and a size limit;
//! - [`redirects`]: which redirects any fetch follows;
//! - [`poller`]: one cycle ([`Poller::poll_once`]) and the loop `serve` runs
//!   ([`Poller::run`]); the announcements themselves are sent by
//!   [`discord::announce`](crate::discord::announce).

pub mod fetch;
pub mod poller;
pub mod redirects;

pub use fetch::{FetchError, FetchLimits, Fetched, Fetcher};
pub use poller::{Cycle, PollOutcome, Poller, PollerConfig, Schedule};

use std::time::Duration;

use crate::config::{self, ConfigError};

/// The settings for following the feed: FEED_URL and FEED_POLL_MINUTES.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowSettings {
    pub url: String,
    /// Time between polls (more after failures, never less).
    pub interval: Duration,
}

impl FollowSettings {
    /// From the environment: None when FEED_URL is not set. Both settings are checked either
    /// way, so a malformed one stops the start-up with a clear line.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let interval = config::feed_poll_interval(config::var("FEED_POLL_MINUTES"))?;
        let url = config::feed_url(config::var("FEED_URL"))?;
        Ok(url.map(|url| Self { url, interval }))
    }
}
