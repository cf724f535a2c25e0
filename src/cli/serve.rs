//! `serve`: run the bot until SIGINT or SIGTERM, then close shards and the database.

use std::sync::Arc;

use anyhow::Context as _;

use crate::clock::SystemClock;
use crate::config::{self, ServeArgs};
use crate::discord;
use crate::store::{self, Store};

pub async fn run(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    // Settings first: a missing token should not wait on the database.
    let settings = args.check()?;
    if args.check_config {
        store::check_url(database_url)?;
        print!(
            "{}",
            config::describe(&settings, database_url, args.backfill)
        );
        println!("The settings are valid.");
        return Ok(());
    }
    let store = Store::open(database_url).await?;
    let stats = store.stats().await?;
    let api = settings
        .api_base
        .clone()
        .unwrap_or_else(|| "https://discord.com".into());
    tracing::info!(
        database = database_url,
        issues = stats.issues,
        api = api.as_str(),
        "starting importai-bot {}",
        env!("CARGO_PKG_VERSION")
    );
    let stop_backfill = tokio_util::sync::CancellationToken::new();
    let backfill = args
        .backfill
        .then(|| super::backfill::spawn_quietly(store.clone(), stop_backfill.clone()));
    let served = discord::run(
        settings,
        store.clone(),
        Arc::new(SystemClock),
        shutdown_signal(),
    )
    .await
    .with_context(|| format!("the bot stopped: could not keep a connection to Discord at {api}"));
    stop_backfill.cancel();
    if let Some(backfill) = backfill {
        // It stops after the request in flight; the next start resumes it.
        let _ = backfill.await;
    }
    store.close().await;
    tracing::info!("stopped");
    served
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM (systemd, docker stop).
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the bot");
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutdown requested");
}
