//! Test support shared by the integration tests (`mod support;`).
// Each test crate uses a different part of this module.
#![allow(dead_code, unused_imports)]

pub mod archive;
pub mod bot;
pub mod chart;
pub mod limits;
/// The local Discord API, a crate of its own; tests reach it as `support::discord_api`.
pub use local_discord_api as discord_api;
