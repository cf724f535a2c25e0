//! The Discord bot: poise commands, rendering, component handlers, schedulers.
