//! The harness's world (guilds, channels, messages, commands, interactions, shards) and the
//! record of what happened, behind one lock with a notification for waiters.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};
use tokio::task::{AbortHandle, JoinHandle};

use super::objects::{self, permissions};
use super::recording::{Identified, Recorded, RecordedRequest};
use super::{APPLICATION_ID, BOT_USER_ID, GENERAL_CHANNEL_ID, GUILD_ID, MEMBER_ID};
use super::{MODERATOR_ROLE_ID, OWNER_ID};

/// How a channel answers the bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelAccess {
    Normal,
    /// Gone: 404, code 10003 Unknown Channel.
    Deleted,
    /// The bot may see it but not post: 403, code 50013 Missing Permissions.
    MissingPermissions,
    /// The bot may not see it: 403, code 50001 Missing Access.
    MissingAccess,
    /// Every message posted there is refused: 400, code 50035 Invalid Form Body.
    RefusesMessages,
}

impl ChannelAccess {
    /// Permissions an overwrite on the channel withholds from @everyone.
    fn denied(self) -> u64 {
        match self {
            Self::Normal | Self::Deleted | Self::RefusesMessages => 0,
            Self::MissingPermissions => permissions::SEND_MESSAGES | permissions::EMBED_LINKS,
            Self::MissingAccess => permissions::VIEW_CHANNEL,
        }
    }
}

pub struct ChannelSetup {
    pub guild_id: u64,
    pub name: String,
    pub position: u64,
    pub access: ChannelAccess,
}

/// An event for one gateway connection: (event name, payload).
pub type Event = (String, Value);

pub struct Session {
    pub connection: u64,
    pub shard_id: u32,
    pub shard_total: u32,
    pub events: mpsc::UnboundedSender<Event>,
}

pub struct InteractionRecord {
    pub token: String,
    /// Who invoked it (the member's user in a guild, `user` in a DM).
    pub user: Value,
    pub kind: u64,
    pub guild_id: Option<u64>,
    pub channel_id: Option<u64>,
    pub dispatched_at: Instant,
    pub callbacks: Vec<Recorded>,
    pub acknowledged: bool,
    /// The message `@original` refers to.
    pub original: Option<Value>,
    /// For component interactions: the message the component is on.
    pub source_message: Option<Value>,
    pub followups: Vec<Value>,
}

pub struct State {
    pub gateway_url: String,
    pub recommended_shards: u32,
    pub interaction_deadline: Duration,
    pub token_lifetime: Duration,
    pub guilds: BTreeMap<u64, String>,
    pub channels: BTreeMap<u64, ChannelSetup>,
    pub messages: HashMap<u64, Vec<Value>>,
    /// (channel, nonce) → the message created with it, and when.
    pub nonces: HashMap<(u64, String), (Value, Instant)>,
    pub global_commands: Vec<Value>,
    pub guild_commands: BTreeMap<u64, Vec<Value>>,
    pub requests: Vec<RecordedRequest>,
    pub interactions: HashMap<u64, InteractionRecord>,
    pub sessions: Vec<Session>,
    pub identified: Vec<Identified>,
    /// Answers to give instead of the route's, each once, in order.
    pub faults: Vec<Fault>,
    /// Answers to give instead of the route's to every matching request, until cleared.
    pub standing_faults: Vec<Fault>,
}

/// A failure a request to `path` (under `/api/v10`) gets instead of its answer.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The request's method (`"POST"`); any method when None.
    pub method: Option<String>,
    pub path: String,
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl State {
    fn new(gateway_url: String) -> Self {
        let mut state = Self {
            gateway_url,
            recommended_shards: 1,
            interaction_deadline: Duration::from_secs(3),
            token_lifetime: Duration::from_secs(15 * 60),
            guilds: BTreeMap::new(),
            channels: BTreeMap::new(),
            messages: HashMap::new(),
            nonces: HashMap::new(),
            global_commands: Vec::new(),
            guild_commands: BTreeMap::new(),
            requests: Vec::new(),
            interactions: HashMap::new(),
            sessions: Vec::new(),
            identified: Vec::new(),
            faults: Vec::new(),
            standing_faults: Vec::new(),
        };
        state
            .guilds
            .insert(GUILD_ID, "Import AI readers".to_string());
        state.add_channel(GENERAL_CHANNEL_ID, GUILD_ID, "general");
        state
    }

    /// The first fault waiting for a `method` request to `path`, taken from the queue; else
    /// a standing fault for it.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let matches =
            |f: &&Fault| f.path == path && f.method.as_deref().is_none_or(|m| m == method);
        if let Some(at) = self.faults.iter().position(|f| matches(&f)) {
            return Some(self.faults.remove(at));
        }
        self.standing_faults.iter().find(matches).cloned()
    }

    pub fn add_guild(&mut self, id: u64, name: &str) {
        self.guilds.insert(id, name.to_string());
    }

    pub fn add_channel(&mut self, id: u64, guild_id: u64, name: &str) {
        let position = self
            .channels
            .values()
            .filter(|c| c.guild_id == guild_id)
            .count();
        self.channels.insert(
            id,
            ChannelSetup {
                guild_id,
                name: name.to_string(),
                position: position as u64,
                access: ChannelAccess::Normal,
            },
        );
    }

    pub fn set_channel_access(&mut self, id: u64, access: ChannelAccess) {
        let channel = self.channels.get_mut(&id).expect("a configured channel");
        channel.access = access;
    }

    pub fn bot_user(&self) -> Value {
        objects::user(BOT_USER_ID, "importai-bot", true)
    }

    pub fn owner(&self) -> Value {
        objects::user(OWNER_ID, "owner", false)
    }

    pub fn application(&self) -> Value {
        objects::application(APPLICATION_ID, &self.bot_user(), &self.owner())
    }

    pub fn roles(&self, guild_id: u64) -> Vec<Value> {
        let everyone = objects::role(guild_id, "@everyone", permissions::EVERYONE, 0);
        let moderator = objects::role(MODERATOR_ROLE_ID, "Moderator", permissions::MANAGE_GUILD, 1);
        vec![everyone, moderator]
    }

    /// The people in every guild: the bot, the owner and an ordinary member.
    pub fn members(&self) -> Vec<Value> {
        vec![
            objects::member(&self.bot_user(), &[]),
            objects::member(&self.owner(), &[]),
            objects::member(&objects::user(MEMBER_ID, "reader", false), &[]),
        ]
    }

    /// The channel as Discord returns it, if it still exists.
    pub fn channel(&self, id: u64) -> Option<Value> {
        let setup = self.channels.get(&id)?;
        (setup.access != ChannelAccess::Deleted).then(|| self.channel_object(id, setup))
    }

    /// Permissions the channel withholds from the bot (nothing for unknown channels).
    pub fn denied_in(&self, channel_id: u64) -> u64 {
        self.channels
            .get(&channel_id)
            .map_or(0, |c| c.access.denied())
    }

    fn channel_object(&self, id: u64, setup: &ChannelSetup) -> Value {
        let denied = setup.access.denied();
        objects::text_channel(id, setup.guild_id, &setup.name, setup.position, denied)
    }

    pub fn guild(&self, id: u64) -> Option<Value> {
        let name = self.guilds.get(&id)?;
        Some(objects::guild(id, name, OWNER_ID, &self.roles(id)))
    }

    /// GUILD_CREATE: the guild with its channels, the bot as a member, and the extra fields
    /// the event carries.
    pub fn guild_create(&self, id: u64) -> Option<Value> {
        let mut guild = self.guild(id)?;
        let channels: Vec<Value> = self
            .channels
            .keys()
            .filter(|channel| self.channels[channel].guild_id == id)
            .filter_map(|channel| self.channel(*channel))
            .collect();
        let members = self.members();
        let extra = json!({
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "large": false,
            "unavailable": false,
            "member_count": members.len(),
            "voice_states": [],
            "members": members,
            "channels": channels,
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": true,
        });
        if let (Some(guild), Some(extra)) = (guild.as_object_mut(), extra.as_object()) {
            guild.extend(extra.clone());
        }
        Some(guild)
    }

    pub fn all_commands(&self) -> Vec<Value> {
        let guild = self.guild_commands.values().flatten();
        guild.chain(&self.global_commands).cloned().collect()
    }

    /// Registers an interaction about to be dispatched, so its callback can be matched.
    pub fn expect_interaction(&mut self, interaction: &Value) {
        let id_of = |key: &str| interaction[key].as_str().and_then(|id| id.parse().ok());
        let id = id_of("id").expect("interaction id");
        let record = InteractionRecord {
            token: interaction["token"]
                .as_str()
                .expect("interaction token")
                .to_string(),
            user: interaction
                .pointer("/member/user")
                .or_else(|| interaction.get("user"))
                .cloned()
                .unwrap_or(Value::Null),
            kind: interaction["type"].as_u64().expect("interaction type"),
            guild_id: id_of("guild_id"),
            channel_id: id_of("channel_id"),
            dispatched_at: Instant::now(),
            callbacks: Vec::new(),
            acknowledged: false,
            original: None,
            source_message: interaction.get("message").cloned(),
            followups: Vec::new(),
        };
        self.interactions.insert(id, record);
    }

    /// Sends an event to the shard that owns `guild_id`; `None` if that shard is not ready.
    pub fn send_event(
        &mut self,
        guild_id: Option<u64>,
        event: &str,
        payload: &Value,
    ) -> Option<()> {
        let session = self.session_for(guild_id)?;
        if event == "INTERACTION_CREATE" {
            let id = payload["id"].as_str().and_then(|id| id.parse::<u64>().ok());
            if let Some(record) = id.and_then(|id| self.interactions.get_mut(&id)) {
                record.dispatched_at = Instant::now();
            }
        }
        let session = &self.sessions[session];
        session
            .events
            .send((event.to_string(), payload.clone()))
            .ok()
    }

    fn session_for(&self, guild_id: Option<u64>) -> Option<usize> {
        self.sessions.iter().position(|session| {
            let shard = guild_id.map_or(0, |id| shard_of(id, session.shard_total));
            session.shard_id == shard
        })
    }

    pub fn callbacks(&self, interaction_id: u64) -> Vec<Recorded> {
        let record = self.interactions.get(&interaction_id);
        record.map(|r| r.callbacks.clone()).unwrap_or_default()
    }

    pub fn original(&self, interaction_id: u64) -> Option<Value> {
        self.interactions.get(&interaction_id)?.original.clone()
    }

    pub fn followups(&self, interaction_id: u64) -> Vec<Value> {
        let record = self.interactions.get(&interaction_id);
        record.map(|r| r.followups.clone()).unwrap_or_default()
    }

    pub fn messages_in(&self, channel_id: u64) -> Vec<Value> {
        self.messages.get(&channel_id).cloned().unwrap_or_default()
    }

    /// The interaction a webhook token belongs to.
    pub fn interaction_by_token(&mut self, token: &str) -> Option<(u64, &mut InteractionRecord)> {
        self.interactions
            .iter_mut()
            .find(|(_, record)| record.token == token)
            .map(|(id, record)| (*id, record))
    }
}

/// Discord's sharding formula.
pub fn shard_of(guild_id: u64, shard_total: u32) -> u32 {
    ((guild_id >> 22) % u64::from(shard_total.max(1))) as u32
}

pub struct Shared {
    state: Mutex<State>,
    changed: Notify,
    tasks: Mutex<Vec<AbortHandle>>,
}

impl Shared {
    pub fn new(gateway_url: String) -> Self {
        Self {
            state: Mutex::new(State::new(gateway_url)),
            changed: Notify::new(),
            tasks: Mutex::default(),
        }
    }

    /// The state, also after a panic in another test thread held the lock: the panic is the
    /// failure to report, not the poisoned lock.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the state and wakes everyone waiting for a change.
    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let result = f(&mut self.lock());
        self.changed.notify_waiters();
        result
    }

    /// Waits until `f` finds what it looks for, re-checking after every change.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut f: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, ()> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Register before looking, so a change between the look and the wait is not lost.
            changed.as_mut().enable();
            if let Some(found) = f(&mut self.lock()) {
                return Ok(found);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return Err(());
            }
        }
    }

    pub fn keep_task(&self, task: JoinHandle<()>) {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(task.abort_handle());
    }

    pub fn stop(&self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            task.abort();
        }
    }

    pub fn announce_guild(&self, guild_id: u64) {
        self.with(|state| {
            if let Some(guild) = state.guild_create(guild_id) {
                let _ = state.send_event(Some(guild_id), "GUILD_CREATE", &guild);
            }
        });
    }

    pub fn announce_channel(&self, channel_id: u64, event: &str) {
        self.with(|state| {
            let Some(setup) = state.channels.get(&channel_id) else {
                return;
            };
            let guild_id = setup.guild_id;
            let channel = state.channel_object(channel_id, setup);
            let _ = state.send_event(Some(guild_id), event, &channel);
        });
    }
}
