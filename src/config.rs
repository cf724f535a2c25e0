//! Settings from the environment or `.env`, checked once at start-up.
