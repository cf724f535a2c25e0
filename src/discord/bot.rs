//! Start, serve and stop the bot: the one entry point `serve` and the end-to-end tests share.

use super::follow::Follower;
use super::{commands, components, errors, startup, BotError, Data, DiscordChannels};
use crate::clock::SharedClock;
use crate::config::{FollowSettings, Secret};
use crate::follow::{Poller, PollerConfig};
use crate::outbox::announce::Announcer;
use crate::outbox::daily::{DailyWake, Scheduler};
use crate::outbox::Outbox;
use crate::store::Store;
use serenity::all::{
    ClientBuilder, Context as SerenityContext, FullEvent, GatewayIntents, GuildId, HttpBuilder,
    Interaction,
};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// What the bot needs from the settings.
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub token: Secret,
    /// Register commands in this server only (instant), instead of globally.
    pub guild_id: Option<GuildId>,
    /// Send REST calls here instead of discord.com; the in-process rate limiter is then off.
    pub api_base: Option<String>,
    /// The newsletter's feed to follow and announce from (FEED_URL); None: not followed.
    pub feed: Option<FollowSettings>,
}

/// Serve until `shutdown` completes (or Discord closes the connection for good); then close
/// every shard. Shards are as many as Discord recommends for the bot's servers. With a feed
/// set, a poller follows it from the first READY on, and is stopped (its cycle under way
/// given a moment to finish) before this returns. The daily tale scheduler runs from the
/// first READY on too, and is stopped the same way (a post being sent is sent and recorded).
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
    let feed = settings.feed.clone();
    // The background tasks (feed poller, daily scheduler) start at the first READY.
    let stop = CancellationToken::new();
    let tasks = TaskTracker::new();
    let (stop_tasks, background) = (stop.clone(), tasks.clone());
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
                let outbox = Outbox::new(
                    store.clone(),
                    clock.clone(),
                    Arc::new(DiscordChannels::new(ctx.http.clone())),
                    ready.user.id.get(),
                );
                if let Some(feed) = feed {
                    let config = PollerConfig::new(feed.url, feed.interval);
                    let poller = Poller::new(store.clone(), clock.clone(), config)
                        .map_err(BotError::FeedClient)?;
                    let follower = Follower::new(poller, Announcer::new(outbox.clone()));
                    background.spawn(follower.run(stop_tasks.child_token()));
                }
                let wake = DailyWake::default();
                let scheduler = Scheduler::new(outbox).with_wake(wake.clone());
                background.spawn(scheduler.run(stop_tasks.child_token()));
                Ok(Data {
                    store,
                    clock,
                    daily: wake,
                })
            })
        })
        .build();
    // Discord may rate-limit or fail the first request: wait that out (or stop if asked).
    let mut shutdown = Box::pin(shutdown);
    let shard_count = tokio::select! {
        count = startup::recommended_shards(settings.api_base.as_deref(), &settings.token) => count?,
        () = &mut shutdown => return Ok(()),
    };
    let mut client = ClientBuilder::new_with_http(http.build(), GatewayIntents::GUILDS)
        .framework(framework)
        .await?;
    let shards = client.shard_manager.clone();
    let stop_on_signal = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!(
            "shutting down: stopping the feed poller and the daily scheduler, closing shards"
        );
        stop_on_signal.cancel();
        shards.shutdown_all().await;
    });
    let result = client.start_shards(shard_count).await;
    stop.cancel();
    tasks.close();
    // A post being sent finishes and is recorded; a stuck request does not hold us.
    if tokio::time::timeout(Duration::from_secs(10), tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("the background tasks did not stop within 10 s; leaving them");
    }
    result?;
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
