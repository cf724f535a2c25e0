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
    task: BotTask,
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

/// The bot as `serve` runs it, in a task, until [`BotTask::stop`].
pub struct BotTask {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<Result<(), BotError>>,
}

impl BotTask {
    pub fn spawn(settings: BotSettings, store: Store, clock: SharedClock) -> Self {
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(discord::run(settings, store, clock, async move {
            let _ = signal.await;
        }));
        Self { shutdown, task }
    }

    /// Asks the graceful shutdown `serve` performs on a signal, and waits for it.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let result = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the bot stops within 10 s of shutdown")
            .expect("the bot task does not panic");
        result.expect("the bot stops cleanly");
    }
}

impl RunningBot {
    /// Starts the bot on `store`, registering commands in the test guild, and waits until it
    /// is connected and its commands are registered.
    pub async fn start(store: Store) -> Self {
        Self::start_on(FakeDiscord::start().await, store, Some(GUILD_ID)).await
    }

    /// Like [`Self::start`], on `discord`, registering commands in `guild` (None: globally).
    pub async fn start_on(discord: FakeDiscord, store: Store, guild: Option<u64>) -> Self {
        let settings = settings(&discord, guild);
        let task = BotTask::spawn(settings, store.clone(), Arc::new(SystemClock));
        discord.wait_for_ready(STARTUP).await;
        discord.await_registered_commands(STARTUP).await;
        Self {
            discord,
            store,
            task,
        }
    }

    /// Sends an interaction and waits for its first response.
    pub async fn ask(&self, interaction: InteractionBuilder) -> Recorded {
        let id = self.discord.send_interaction(interaction).await;
        self.discord.await_response(id, FIRST_RESPONSE * 2).await
    }

    pub async fn stop(self) {
        self.task.stop().await;
    }
}

/// Sends an interaction and returns the message it ended with: the first response or, after
/// a deferral, the follow-up (or edited original) that replaced "thinking…". Discord must
/// have accepted the first response, in time.
pub async fn final_answer(
    discord: &FakeDiscord,
    interaction: InteractionBuilder,
    timeout: Duration,
) -> Value {
    let id = discord.send_interaction(interaction).await;
    let first = discord.await_response(id, timeout).await;
    assert!(first.is_accepted(), "{:?}", first.violations);
    assert!(first.latency() < FIRST_RESPONSE);
    if first.callback_type != Some(5) {
        return first.data().clone();
    }
    let answered = || {
        let followup = discord.followups(id).into_iter().next();
        followup.or_else(|| {
            discord
                .original_response(id)
                .filter(|m| m["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        })
    };
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(message) = answered() {
            return message;
        }
        assert!(tokio::time::Instant::now() < deadline, "no answer to {id}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Whether a message is shown only to the member who asked (the ephemeral flag).
pub fn is_private(message: &Value) -> bool {
    message["flags"].as_u64().unwrap_or(0) & 64 != 0
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
