//! Following the newsletter: poll its feed, store new and changed issues through the same
//! parser and ingest as the command line, and announce each new issue once in every server
//! that chose a channel for it (`/announce set`).
//!
//! - [`fetch`]: HTTP with conditional GET, timeouts and a size limit;
//! - [`redirects`]: which redirects any fetch follows;
//! - [`poller`]: one cycle ([`Poller::poll_once`]) and the loop `serve` runs
//!   ([`Poller::run`]); the announcements themselves are sent by
//!   [`outbox::announce`](crate::outbox::announce).

pub mod fetch;
pub mod poller;
pub mod redirects;

pub use fetch::{FetchError, FetchLimits, Fetched, Fetcher};
pub use poller::{Cycle, PollOutcome, Poller, PollerConfig, Schedule};
