//! Start, serve and stop the bot: the one entry point `serve` and the end-to-end tests share.

use super::daily::{DailyWake, Scheduler};
use super::{commands, components, errors, BotError, Data};
use crate::clock::SharedClock;
use crate::config::{self, ConfigError, Secret};
use crate::store::Store;
use serenity::all::{
    ClientBuilder, Context as SerenityContext, FullEvent, GatewayIntents, GuildId, HttpBuilder,
    Interaction,
};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// What the bot needs from the settings.
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub token: Secret,
    /// Register commands in this server only (instant), instead of globally.
    pub guild_id: Option<GuildId>,
    /// Send REST calls here instead of discord.com; the in-process rate limiter is then off.
    pub api_base: Option<String>,
}

impl BotSettings {
    /// The settings from the environment (and `.env`, read by the caller), each checked.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            token: config::token(config::var("DISCORD_TOKEN"))?,
            guild_id: config::guild_id(config::var("DISCORD_GUILD_ID"))?,
            api_base: config::api_base(config::var("DISCORD_API_BASE"))?,
        })
    }
}

/// Serve until `shutdown` completes (or Discord closes the connection for good); then close
/// every shard. Shards are as many as Discord recommends for the bot's servers.
pub async fn run(
    settings: BotSettings,
    store: Store,
    clock: SharedClock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BotError> {
    let mut http = HttpBuilder::new(settings.token.expose());
    if let Some(base) = &settings.api_base {
        // With the rate limiter on, serenity ignores the proxy; the proxy limits instead.
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let guild_id = settings.guild_id;
    // The daily scheduler starts once the bot is ready and stops with it.
    let (stop_daily, stop_daily_rx) = watch::channel(false);
    let daily_task: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>> = Arc::default();
    let daily_slot = Arc::clone(&daily_task);
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(errors::on_error(error)),
            event_handler: |framework, event| {
                Box::pin(on_event(
                    framework.serenity_context,
                    framework.user_data,
                    event,
                ))
            },
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match guild_id {
                    Some(guild) => poise::builtins::register_in_guild(ctx, commands, guild).await?,
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                tracing::info!(
                    bot = %ready.user.name,
                    servers = ready.guilds.len(),
                    commands = commands.len(),
                    scope = guild_id.map_or("global".to_owned(), |g| format!("server {g}")),
                    "ready; commands registered"
                );
                let wake = DailyWake::default();
                let scheduler = Scheduler::new(
                    store.clone(),
                    clock.clone(),
                    Arc::clone(&ctx.http),
                    ready.user.id,
                )
                .with_wake(wake.clone());
                let task = tokio::spawn(scheduler.run(stop_daily_rx));
                *daily_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
                Ok(Data {
                    store,
                    clock,
                    daily: wake,
                })
            })
        })
        .build();
    let mut client = ClientBuilder::new_with_http(http.build(), GatewayIntents::GUILDS)
        .framework(framework)
        .await?;
    let shards = client.shard_manager.clone();
    let stop_daily_on_shutdown = stop_daily.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: stopping the daily scheduler, closing shards");
        stop_daily_on_shutdown.send_replace(true);
        shards.shutdown_all().await;
    });
    let served = client.start_autosharded().await;
    stop_daily.send_replace(true);
    let task = daily_task.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(mut task) = task {
        // A post being sent finishes and is recorded; a stuck request does not hold us.
        if tokio::time::timeout(Duration::from_secs(10), &mut task)
            .await
            .is_err()
        {
            tracing::warn!("the daily scheduler did not stop within 10 s; aborting it");
            task.abort();
        }
    }
    served?;
    Ok(())
}

async fn on_event(ctx: &SerenityContext, data: &Data, event: &FullEvent) -> Result<(), BotError> {
    if let FullEvent::InteractionCreate {
        interaction: Interaction::Component(component),
    } = event
    {
        components::handle(ctx, data, component).await?;
    }
    Ok(())
}
