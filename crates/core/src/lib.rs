//! importai-core: the Import AI newsletter archive, without Discord's client libraries.
//!
//! One pipeline, one direction: source text -> [`archive`] -> [`store`] -> [`answers`]; the
//! [`daily`] tale's rules and the feed that [`follow`]s the newsletter say what to post, and
//! the [`outbox`] posts it exactly once through a small trait that the bot crate implements
//! with Discord's client. The compiler keeps Discord out: this crate does not depend on
//! serenity or poise. `tests/layers.rs` keeps the arrows between its modules pointing down.

pub mod answers;
pub mod archive;
pub mod backfill;
pub mod clock;
pub mod daily;
pub mod follow;
pub mod outbox;
pub mod store;
