//! importai-bot: the Import AI newsletter archive, served on Discord and in a terminal.
//!
//! One pipeline, one direction: source text -> archive -> store -> answers (all in
//! [`importai_core`]) -> [`discord`] or [`console`]. The core's modules are re-exported here
//! under their own names.

pub use importai_core::{answers, archive, backfill, clock, daily, follow, outbox, store};

pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
