//! Following the newsletter: poll its feed, store new and changed issues through the same
//! parser and ingest as the command line, and announce each new issue once in every server
//! that chose a channel for it (`/announce set`).
//!
//! - [`fetch`]: HTTP with conditional GET, timeouts and a size limit;
//! - [`redirects`]: which redirects any fetch follows;
//! - [`poller`]: one poll ([`Poller::poll`]) and the loop `serve` runs ([`Poller::run`]),
//!   which reports each poll's outcome; `serve` hands the new issues to
//!   [`outbox::announce`](crate::outbox::announce), which sends the announcements.

pub mod fetch;
pub mod poller;
pub mod redirects;

pub use fetch::{FetchError, FetchLimits, Fetched, Fetcher};
pub use poller::{finish_unless_stopped, PollOutcome, Poller, PollerConfig, Schedule};
