//! A local Discord API for end-to-end tests: REST (axum) and gateway (tokio-tungstenite) on
//! 127.0.0.1. Every request body is checked against Discord's OpenAPI description
//! (`discord-api/openapi.json` in this crate) and its documented limits, answered the way
//! Discord answers (400 50035 "Invalid Form Body" with nested `errors`, 404 10003, 403 50013,
//! ...), and recorded.
//!
//! ```text
//! use local_discord_api::{FakeDiscord, ChannelAccess, GENERAL_CHANNEL_ID};
//!
//! let discord = FakeDiscord::start().await;
//! // What the bot does with DISCORD_API_BASE=discord.rest_base():
//! let http = HttpBuilder::new(token).proxy(discord.rest_base()).ratelimiter_disabled(true);
//! // ... start the bot with ClientBuilder::new_with_http(http.build(), intents) ...
//! discord.wait_for_ready(WAIT).await;              // IDENTIFY seen, READY + GUILD_CREATE sent
//! discord.await_registered_commands(WAIT).await;   // the bot's PUT .../commands succeeded
//! let id = discord.send_interaction(discord.command("issue").option_int("number", 310)).await;
//! let reply = discord.await_response(id, WAIT).await;  // the first callback, valid or not
//! assert!(reply.is_accepted(), "{:?}", reply.violations);
//! assert!(reply.latency() < Duration::from_secs(3));
//! // Deferred answers: the message after the bot's PATCH @original.
//! let message = discord.await_original_response(id, WAIT).await;
//! // Daily posts: channel messages, channel trouble.
//! discord.set_channel_access(GENERAL_CHANNEL_ID, ChannelAccess::MissingPermissions);
//! let posted = discord.await_messages_in(GENERAL_CHANNEL_ID, 1, WAIT).await;
//! assert!(discord.violations().is_empty(), "{:#?}", discord.violations());
//! ```
//!
//! The world: one guild [`GUILD_ID`] with `#general` ([`GENERAL_CHANNEL_ID`]), roles
//! @everyone and Moderator (Manage Server), members bot/owner/[`MEMBER_ID`]. Add guilds and
//! channels with [`FakeDiscord::add_guild`] and [`FakeDiscord::add_channel`].

mod errors;
mod fixtures;
mod gateway;
mod limits;
pub mod objects;
mod recording;
mod rest;
mod schema;
mod state;
mod uploads;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;

pub use fixtures::{InteractionBuilder, OptionKind};
pub use objects::permissions;
pub use recording::{Identified, Recorded, RecordedRequest};
pub use state::{ChannelAccess, Fault};
pub use uploads::{png_size, UploadedFile};
pub use validate::{
    validate_command_overwrite, validate_followup_message, validate_interaction_callback,
    validate_message_create, validate_webhook_edit,
};

use state::Shared;

/// The application the bot runs as; its bot user has the same id, as on Discord today.
pub const APPLICATION_ID: u64 = 1_180_000_000_000_000_001;
pub const BOT_USER_ID: u64 = APPLICATION_ID;
pub const OWNER_ID: u64 = 1_180_000_000_000_000_002;
/// The member who invokes interactions built by the fixtures.
pub const MEMBER_ID: u64 = 1_180_000_000_000_000_003;
pub const GUILD_ID: u64 = 1_180_000_000_000_000_010;
pub const GENERAL_CHANNEL_ID: u64 = 1_180_000_000_000_000_011;
/// A role granting Manage Server, given to members built `.with_manage_guild()`.
pub const MODERATOR_ROLE_ID: u64 = 1_180_000_000_000_000_012;
pub const BOT_TOKEN: &str = "fake-bot-token";

/// A running local Discord. Dropping it stops its servers and connections.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    rest_addr: SocketAddr,
    gateway_addr: SocketAddr,
}

impl FakeDiscord {
    /// Serves one guild ([`GUILD_ID`]) with one text channel ([`GENERAL_CHANNEL_ID`]).
    pub async fn start() -> Self {
        let rest_listener = bind().await;
        let gateway_listener = bind().await;
        let rest_addr = rest_listener.local_addr().expect("rest address");
        let gateway_addr = gateway_listener.local_addr().expect("gateway address");
        let shared = Arc::new(Shared::new(format!("ws://{gateway_addr}")));
        shared.keep_task(tokio::spawn(rest::serve(
            rest_listener,
            Arc::clone(&shared),
        )));
        shared.keep_task(tokio::spawn(gateway::serve(
            gateway_listener,
            Arc::clone(&shared),
        )));
        Self {
            shared,
            rest_addr,
            gateway_addr,
        }
    }

    /// Answers the next request to `path` (under `/api/v10`, e.g. `/gateway/bot`) with
    /// `fault` instead; faults queue, each used once.
    pub fn fail_next(&self, fault: Fault) {
        self.shared.with(|state| state.faults.push(fault));
    }

    /// Answers every request that `fault` matches with it, until [`FakeDiscord::clear_faults`].
    pub fn fail_every(&self, fault: Fault) {
        self.shared.with(|state| state.standing_faults.push(fault));
    }

    /// Forgets every fault not yet given, queued or standing: Discord has recovered.
    pub fn clear_faults(&self) {
        self.shared.with(|state| {
            state.faults.clear();
            state.standing_faults.clear();
        });
    }

    /// The base for `HttpBuilder::proxy`: serenity replaces `https://discord.com` with it, so
    /// requests arrive as `/api/v10/...`.
    pub fn rest_base(&self) -> String {
        format!("http://{}", self.rest_addr)
    }

    /// A serenity `HttpBuilder` aimed at this harness: proxy base, rate limiter off (with it
    /// on serenity ignores the proxy), the bot token and the application id.
    pub fn http_builder(&self) -> serenity::http::HttpBuilder {
        serenity::http::HttpBuilder::new(BOT_TOKEN)
            .proxy(self.rest_base())
            .ratelimiter_disabled(true)
            .application_id(serenity::model::id::ApplicationId::new(APPLICATION_ID))
    }

    /// What `GET /gateway` answers; serenity appends `?v=10`.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    /// The shard count `GET /gateway/bot` recommends (1 unless changed).
    pub fn set_recommended_shards(&self, shards: u32) {
        self.shared
            .with(|state| state.recommended_shards = shards.max(1));
    }

    /// How long after dispatch an interaction still accepts its first response (Discord: 3 s;
    /// later callbacks get 404 Unknown interaction, the user sees "did not respond").
    pub fn set_interaction_deadline(&self, deadline: Duration) {
        self.shared
            .with(|state| state.interaction_deadline = deadline);
    }

    /// How long an interaction's token works for the webhook (edits, follow-ups) after
    /// dispatch (Discord: 15 minutes; later calls get 401 Invalid Webhook Token).
    pub fn set_interaction_token_lifetime(&self, lifetime: Duration) {
        self.shared.with(|state| state.token_lifetime = lifetime);
    }

    /// Adds a guild (with an @everyone role and the bot as a member); announced with
    /// GUILD_CREATE if a shard is connected. Returns its id.
    pub fn add_guild(&self, name: &str) -> u64 {
        let id = objects::next_snowflake();
        self.shared.with(|state| state.add_guild(id, name));
        self.shared.announce_guild(id);
        id
    }

    /// Adds a text channel to a guild; announced with CHANNEL_CREATE if connected.
    pub fn add_channel(&self, guild_id: u64, name: &str) -> u64 {
        let id = objects::next_snowflake();
        self.shared
            .with(|state| state.add_channel(id, guild_id, name));
        self.shared.announce_channel(id, "CHANNEL_CREATE");
        id
    }

    /// Makes a channel unusable the way Discord does: deleted (404 Unknown Channel, with
    /// CHANNEL_DELETE) or forbidden (403, with CHANNEL_UPDATE carrying the overwrite).
    pub fn set_channel_access(&self, channel_id: u64, access: ChannelAccess) {
        self.shared
            .with(|state| state.set_channel_access(channel_id, access));
        let event = if access == ChannelAccess::Deleted {
            "CHANNEL_DELETE"
        } else {
            "CHANNEL_UPDATE"
        };
        self.shared.announce_channel(channel_id, event);
    }

    /// An application command interaction for a command the bot registered.
    /// Panics if no command of that name was registered.
    pub fn command(&self, name: &str) -> InteractionBuilder {
        let id = self.command_id(name).unwrap_or_else(|| {
            panic!(
                "no command {name:?} registered; registered: {:?}",
                self.command_names()
            )
        });
        InteractionBuilder::command(name).command_id(id)
    }

    /// An autocomplete interaction for a registered command.
    pub fn autocomplete(&self, name: &str) -> InteractionBuilder {
        let builder = self.command(name);
        builder.autocomplete()
    }

    /// The id Discord gave the registered command `name` (guild commands first).
    pub fn command_id(&self, name: &str) -> Option<u64> {
        self.registered_commands()
            .iter()
            .find(|command| command["name"] == name)
            .and_then(|command| command["id"].as_str()?.parse().ok())
    }

    fn command_names(&self) -> Vec<String> {
        let commands = self.registered_commands();
        let names = commands.iter().filter_map(|c| c["name"].as_str());
        names.map(str::to_string).collect()
    }

    /// All registered commands as Discord stores them: guild commands, then global ones.
    pub fn registered_commands(&self) -> Vec<Value> {
        self.shared.with(|state| state.all_commands())
    }

    /// Delivers an interaction over the gateway (INTERACTION_CREATE to the shard owning its
    /// guild) and starts its 3-second clock. Returns the interaction id.
    pub async fn send_interaction(&self, interaction: InteractionBuilder) -> u64 {
        let json = self.complete(interaction);
        self.send_raw_interaction(json).await
    }

    /// Registers an interaction as if dispatched (its clock starts now) without a gateway,
    /// for tests that answer it over REST themselves. Returns (id, token).
    pub fn begin_interaction(&self, interaction: InteractionBuilder) -> (u64, String) {
        let json = self.complete(interaction);
        self.shared.with(|state| state.expect_interaction(&json));
        let id = json["id"].as_str().and_then(|id| id.parse().ok());
        let token = json["token"].as_str().unwrap_or_default().to_string();
        (id.expect("built interactions have ids"), token)
    }

    /// Gives the interaction an id, a token, and the channel and bot permissions the
    /// harness's channel setup implies.
    fn complete(&self, mut interaction: InteractionBuilder) -> Value {
        let channel_id = interaction.channel_id();
        let (channel, denied) = self
            .shared
            .with(|state| (state.channel(channel_id), state.denied_in(channel_id)));
        if let Some(channel) = channel {
            interaction = interaction.channel_object(channel);
        }
        if !interaction.has_app_permissions() {
            interaction = interaction.app_permissions(permissions::EVERYONE & !denied);
        }
        let id = objects::next_snowflake();
        interaction.build(id, &format!("interaction-token-{id}"))
    }

    /// Like [`Self::send_interaction`] for a hand-made payload, which must carry `id`,
    /// `token` and `type`.
    pub async fn send_raw_interaction(&self, interaction: Value) -> u64 {
        let id = interaction["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .expect("interaction needs a string snowflake `id`");
        self.shared
            .with(|state| state.expect_interaction(&interaction));
        self.dispatch("INTERACTION_CREATE", interaction).await;
        id
    }

    /// Sends a dispatch event (op 0) to the shard that owns the payload's `guild_id` (shard 0
    /// without one), waiting up to 10 s for that shard to be ready.
    pub async fn dispatch(&self, event: &str, payload: Value) {
        let guild_id = payload["guild_id"].as_str().and_then(|id| id.parse().ok());
        let sent = self
            .shared
            .wait_until(Duration::from_secs(10), |state| {
                state.send_event(guild_id, event, &payload)
            })
            .await;
        if sent.is_err() {
            panic!("no ready shard to dispatch {event} to (did the bot connect?)");
        }
    }

    /// Waits until a shard has identified and received READY.
    pub async fn wait_for_ready(&self, timeout: Duration) -> Identified {
        self.shared
            .wait_until(timeout, |state| state.identified.first().cloned())
            .await
            .unwrap_or_else(|()| panic!("no shard identified within {timeout:?}"))
    }

    /// Waits until `count` shards have identified (for a bot started autosharded).
    pub async fn wait_for_shards(&self, count: usize, timeout: Duration) -> Vec<Identified> {
        self.shared
            .wait_until(timeout, |state| {
                (state.sessions.len() >= count).then(|| state.identified.clone())
            })
            .await
            .unwrap_or_else(|()| panic!("{count} shards not connected within {timeout:?}"))
    }

    /// Every IDENTIFY received (shard, intents), in order.
    pub fn identified(&self) -> Vec<Identified> {
        self.shared.with(|state| state.identified.clone())
    }

    /// Waits until a command registration (`PUT .../commands`) succeeded.
    pub async fn await_registered_commands(&self, timeout: Duration) -> Vec<Value> {
        self.shared
            .wait_until(timeout, |state| {
                let commands = state.all_commands();
                (!commands.is_empty()).then_some(commands)
            })
            .await
            .unwrap_or_else(|()| panic!("no commands registered within {timeout:?}"))
    }

    /// Waits for the first answer to the interaction (valid or not) and returns it.
    pub async fn await_response(&self, interaction_id: u64, timeout: Duration) -> Recorded {
        self.try_await_response(interaction_id, timeout)
            .await
            .unwrap_or_else(|| {
                panic!(
                    "interaction {interaction_id} got no callback within {timeout:?}; requests: {:#?}",
                    self.requests()
                )
            })
    }

    /// Like [`Self::await_response`], but `None` on timeout.
    pub async fn try_await_response(
        &self,
        interaction_id: u64,
        timeout: Duration,
    ) -> Option<Recorded> {
        let first = |state: &mut state::State| state.callbacks(interaction_id).first().cloned();
        self.shared.wait_until(timeout, first).await.ok()
    }

    /// Every callback attempt for an interaction, in order (a rejected one may be retried).
    pub fn callbacks(&self, interaction_id: u64) -> Vec<Recorded> {
        self.shared.with(|state| state.callbacks(interaction_id))
    }

    /// The interaction's original response message as it stands now (after edits), if any.
    pub fn original_response(&self, interaction_id: u64) -> Option<Value> {
        self.shared.with(|state| state.original(interaction_id))
    }

    /// Waits until the original response holds a message that is not the "thinking…"
    /// placeholder of a deferred response, and returns it.
    pub async fn await_original_response(&self, interaction_id: u64, timeout: Duration) -> Value {
        let settled = |state: &mut state::State| {
            state
                .original(interaction_id)
                .filter(|message| !is_loading(message))
        };
        self.shared
            .wait_until(timeout, settled)
            .await
            .unwrap_or_else(|()| {
                panic!(
                    "interaction {interaction_id} has no final response within {timeout:?}; requests: {:#?}",
                    self.requests()
                )
            })
    }

    /// Follow-up messages sent for an interaction.
    pub fn followups(&self, interaction_id: u64) -> Vec<Value> {
        self.shared.with(|state| state.followups(interaction_id))
    }

    /// Messages created in a channel, oldest first.
    pub fn messages_in(&self, channel_id: u64) -> Vec<Value> {
        self.shared.with(|state| state.messages_in(channel_id))
    }

    /// Waits until a channel holds at least `count` messages, and returns them.
    pub async fn await_messages_in(
        &self,
        channel_id: u64,
        count: usize,
        timeout: Duration,
    ) -> Vec<Value> {
        self.shared
            .wait_until(timeout, |state| {
                let messages = state.messages_in(channel_id);
                (messages.len() >= count).then_some(messages)
            })
            .await
            .unwrap_or_else(|()| {
                panic!(
                    "channel {channel_id} has {} of {count} messages after {timeout:?}",
                    self.messages_in(channel_id).len()
                )
            })
    }

    /// Every REST request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.with(|state| state.requests.clone())
    }

    /// Requests whose body Discord would have refused, or that broke a rule (late callback,
    /// double acknowledgement, missing authorization).
    pub fn violations(&self) -> Vec<RecordedRequest> {
        let requests = self.requests();
        requests
            .into_iter()
            .filter(|request| !request.violations.is_empty())
            .collect()
    }

    /// Panics, listing them, if any request broke a rule or hit an unimplemented route.
    pub fn assert_no_violations(&self) {
        let offending: Vec<String> = self
            .requests()
            .iter()
            .filter(|request| request.unexpected || !request.violations.is_empty())
            .map(|request| {
                let why = if request.unexpected {
                    "route not implemented by the harness".to_string()
                } else {
                    request.violations.join("; ")
                };
                format!(
                    "{} {} -> {}: {why}",
                    request.method, request.path, request.status
                )
            })
            .collect();
        assert!(
            offending.is_empty(),
            "Discord would object to:\n{}",
            offending.join("\n")
        );
    }

    /// Requests to routes this harness does not implement (answered 404).
    pub fn unexpected_requests(&self) -> Vec<RecordedRequest> {
        let requests = self.requests();
        requests.into_iter().filter(|r| r.unexpected).collect()
    }
}

fn is_loading(message: &Value) -> bool {
    const LOADING: u64 = 1 << 7;
    message["flags"].as_u64().unwrap_or(0) & LOADING != 0
}

async fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port")
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.shared.stop();
    }
}
