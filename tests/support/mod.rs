//! Test support shared by the integration tests (`mod support;`).
// Each test crate uses a different part of this module.
#![allow(dead_code, unused_imports)]

pub mod archive;
pub mod bot;
pub mod discord_api;
