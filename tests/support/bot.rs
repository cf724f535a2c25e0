//! The real bot (the entry point `serve` uses) running against the local Discord API.

use super::discord_api::{objects, FakeDiscord, InteractionBuilder, Recorded, APPLICATION_ID};
use super::discord_api::{BOT_TOKEN, GUILD_ID};
use importai_bot::clock::{SharedClock, SystemClock};
use importai_bot::config::Secret;
use importai_bot::discord::{self, BotError, BotSettings};
use importai_bot::store::Store;
use serde_json::{json, Value};
use serenity::all::GuildId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a test waits for the bot to connect and register.
pub const STARTUP: Duration = Duration::from_secs(20);
/// Discord's deadline for an interaction's first response.
pub const FIRST_RESPONSE: Duration = Duration::from_secs(3);

/// A running bot and the Discord it talks to. Stop it with [`RunningBot::stop`].
pub struct RunningBot {
    pub discord: FakeDiscord,
    pub store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), BotError>>>,
}

/// The settings `serve` would read, aimed at the local Discord.
pub fn settings(discord: &FakeDiscord, guild: Option<u64>) -> BotSettings {
    BotSettings {
        token: Secret::new(BOT_TOKEN),
        guild_id: guild.map(GuildId::new),
        api_base: Some(discord.rest_base()),
        feed: None,
    }
}

impl RunningBot {
    /// Starts the bot on `store`, registering commands in the test guild, and waits until it
    /// is connected and its commands are registered.
    pub async fn start(store: Store) -> Self {
        Self::start_with(FakeDiscord::start().await, store, Arc::new(SystemClock)).await
    }

    pub async fn start_with(discord: FakeDiscord, store: Store, clock: SharedClock) -> Self {
        Self::start_registering(discord, store, clock, Some(GUILD_ID)).await
    }

    /// Like [`Self::start_with`], registering commands in `guild`, or globally for None.
    pub async fn start_registering(
        discord: FakeDiscord,
        store: Store,
        clock: SharedClock,
        guild: Option<u64>,
    ) -> Self {
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(discord::run(
            settings(&discord, guild),
            store.clone(),
            clock,
            async move {
                let _ = rx.await;
            },
        ));
        discord.wait_for_ready(STARTUP).await;
        discord.await_registered_commands(STARTUP).await;
        Self {
            discord,
            store,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Sends an interaction and waits for its first response.
    pub async fn ask(&self, interaction: InteractionBuilder) -> Recorded {
        let id = self.discord.send_interaction(interaction).await;
        self.discord.await_response(id, FIRST_RESPONSE * 2).await
    }

    /// Asks the graceful shutdown `serve` performs on a signal, and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let result = tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("the bot stops within 20 s of shutdown")
                .expect("the bot task does not panic");
            result.expect("the bot stops cleanly");
        }
    }
}

/// The message a reply became, as Discord would store it: for clicking its controls.
pub fn as_message(data: &Value, channel_id: u64) -> Value {
    let bot = objects::user(APPLICATION_ID, "importai-bot", true);
    let mut message = objects::message(objects::next_snowflake(), channel_id, &bot, data);
    message["guild_id"] = json!(GUILD_ID.to_string());
    message
}

/// Every control on a message body: (custom_id, chosen value for menus).
pub fn controls(data: &Value) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    for row in data["components"].as_array().into_iter().flatten() {
        for component in row["components"].as_array().into_iter().flatten() {
            let Some(id) = component["custom_id"].as_str() else {
                continue; // link buttons have a url, not an id
            };
            match component["type"].as_u64() {
                Some(3) => {
                    for option in component["options"].as_array().into_iter().flatten() {
                        let value = option["value"].as_str().unwrap_or_default();
                        found.push((id.to_owned(), Some(value.to_owned())));
                    }
                }
                _ => found.push((id.to_owned(), None)),
            }
        }
    }
    found
}

/// The interaction a click on `control` of `message` sends.
pub fn click(control: &(String, Option<String>), message: &Value) -> InteractionBuilder {
    let builder = match &control.1 {
        Some(value) => InteractionBuilder::select(&control.0, &[value]),
        None => InteractionBuilder::button(&control.0),
    };
    builder.on_message(message.clone())
}

/// All text of a response body, for assertions on what the reader sees.
pub fn text(recorded: &Recorded) -> String {
    recorded.data().to_string()
}
