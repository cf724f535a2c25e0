//! The command line's subcommands, one module each; `main.rs` only parses and dispatches.
//! These are the program's edge: they print, and they report errors with `anyhow`.

pub mod ask;
pub mod backfill;
pub mod export;
pub mod ingest;
pub mod serve;
pub mod sources;
