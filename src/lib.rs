//! importai-bot: the Import AI newsletter archive, served on Discord and in a terminal.
//!
//! One pipeline, one direction: source text -> [`archive`] -> [`store`] -> [`answers`] ->
//! [`discord`] or [`console`].

pub mod answers;
pub mod archive;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod daily;
pub mod discord;
pub mod follow;
pub mod outbox;
pub mod store;
