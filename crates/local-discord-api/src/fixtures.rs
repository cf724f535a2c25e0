//! Builders for the interactions Discord sends (INTERACTION_CREATE payloads), with every
//! field serenity 0.12 requires, in a guild, from a member whose permissions tests choose.

use serde_json::{json, Map, Value};

use super::objects::{self, permissions};
use super::{APPLICATION_ID, GENERAL_CHANNEL_ID, GUILD_ID, MEMBER_ID, MODERATOR_ROLE_ID};

/// Application command option types (Discord's numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    String = 3,
    Integer = 4,
    Boolean = 5,
    User = 6,
    Channel = 7,
    Role = 8,
    Number = 10,
}

const SUBCOMMAND: u64 = 1;
const SUBCOMMAND_GROUP: u64 = 2;

/// An interaction to send with `FakeDiscord::send_interaction`.
#[derive(Clone, Debug)]
pub struct InteractionBuilder {
    kind: u64,
    name: String,
    command_id: u64,
    custom_id: String,
    component_type: u64,
    values: Vec<String>,
    group: Option<String>,
    subcommand: Option<String>,
    options: Vec<Value>,
    resolved_channels: Map<String, Value>,
    guild_id: u64,
    in_dm: bool,
    channel_id: u64,
    channel: Option<Value>,
    user_id: u64,
    member_permissions: u64,
    roles: Vec<u64>,
    app_permissions: Option<u64>,
    locale: String,
    message: Option<Value>,
}

impl InteractionBuilder {
    fn new(kind: u64) -> Self {
        Self {
            kind,
            name: String::new(),
            command_id: 0,
            custom_id: String::new(),
            component_type: 0,
            values: Vec::new(),
            group: None,
            subcommand: None,
            options: Vec::new(),
            resolved_channels: Map::new(),
            guild_id: GUILD_ID,
            in_dm: false,
            channel_id: GENERAL_CHANNEL_ID,
            channel: None,
            user_id: MEMBER_ID,
            member_permissions: permissions::EVERYONE,
            roles: Vec::new(),
            app_permissions: None,
            locale: "en-US".to_string(),
            message: None,
        }
    }

    /// A slash command (APPLICATION_COMMAND, type 2). Prefer `FakeDiscord::command`, which
    /// fills in the id the bot's registration received.
    pub fn command(name: &str) -> Self {
        Self {
            name: name.to_string(),
            command_id: objects::next_snowflake(),
            ..Self::new(2)
        }
    }

    /// A button press (MESSAGE_COMPONENT, type 3).
    pub fn button(custom_id: &str) -> Self {
        Self {
            custom_id: custom_id.to_string(),
            component_type: 2,
            ..Self::new(3)
        }
    }

    /// A choice in a string select menu (MESSAGE_COMPONENT, type 3).
    pub fn select(custom_id: &str, values: &[&str]) -> Self {
        Self {
            custom_id: custom_id.to_string(),
            component_type: 3,
            values: values.iter().map(|v| v.to_string()).collect(),
            ..Self::new(3)
        }
    }

    /// Turns a command into its autocomplete request (type 4); add a `focused` option.
    pub fn autocomplete(mut self) -> Self {
        self.kind = 4;
        self
    }

    pub fn command_id(mut self, id: u64) -> Self {
        self.command_id = id;
        self
    }

    /// Puts the options that follow inside a subcommand group (`/daily <group> ...`).
    pub fn subcommand_group(mut self, name: &str) -> Self {
        self.group = Some(name.to_string());
        self
    }

    /// Puts the options that follow inside a subcommand (`/daily set ...`).
    pub fn subcommand(mut self, name: &str) -> Self {
        self.subcommand = Some(name.to_string());
        self
    }

    fn option(mut self, name: &str, kind: OptionKind, value: Value) -> Self {
        self.options
            .push(json!({"name": name, "type": kind as u64, "value": value}));
        self
    }

    pub fn option_str(self, name: &str, value: &str) -> Self {
        self.option(name, OptionKind::String, json!(value))
    }

    pub fn option_int(self, name: &str, value: i64) -> Self {
        self.option(name, OptionKind::Integer, json!(value))
    }

    pub fn option_number(self, name: &str, value: f64) -> Self {
        self.option(name, OptionKind::Number, json!(value))
    }

    pub fn option_bool(self, name: &str, value: bool) -> Self {
        self.option(name, OptionKind::Boolean, json!(value))
    }

    /// A channel option; Discord also sends the channel in `data.resolved.channels`.
    pub fn option_channel(mut self, name: &str, channel_id: u64, channel_name: &str) -> Self {
        let resolved = json!({
            "id": channel_id.to_string(),
            "name": channel_name,
            "type": 0,
            "guild_id": self.guild_id.to_string(),
            "permissions": permissions::EVERYONE.to_string(),
            "parent_id": null,
            "position": 0,
            "flags": 0,
            "nsfw": false,
            "topic": null,
            "last_message_id": null,
            "rate_limit_per_user": 0,
        });
        self.resolved_channels
            .insert(channel_id.to_string(), resolved);
        self.option(name, OptionKind::Channel, json!(channel_id.to_string()))
    }

    /// The option being typed in an autocomplete request: Discord sends what the user has
    /// typed so far as a string, whatever the option's type.
    pub fn focused(mut self, name: &str, typed: &str, kind: OptionKind) -> Self {
        self.options.push(json!({
            "name": name, "type": kind as u64, "value": typed, "focused": true
        }));
        self
    }

    pub fn in_guild(mut self, guild_id: u64) -> Self {
        self.guild_id = guild_id;
        self
    }

    /// Sent from a direct message with the bot instead of a guild: `user` instead of
    /// `member`, no `guild_id`, a DM channel.
    pub fn in_dm(mut self) -> Self {
        self.in_dm = true;
        self.channel_id = objects::next_snowflake();
        self
    }

    pub fn in_channel(mut self, channel_id: u64) -> Self {
        self.channel_id = channel_id;
        self
    }

    pub fn by_user(mut self, user_id: u64) -> Self {
        self.user_id = user_id;
        self
    }

    /// The invoking member's permissions in the channel (default: an ordinary member's).
    pub fn member_permissions(mut self, bits: u64) -> Self {
        self.member_permissions = bits;
        self
    }

    /// The invoker holds the Moderator role, which grants Manage Server.
    pub fn with_manage_guild(mut self) -> Self {
        self.member_permissions |= permissions::MANAGE_GUILD;
        self.roles.push(MODERATOR_ROLE_ID);
        self
    }

    /// The bot's permissions in the channel (default: from the channel's access).
    pub fn app_permissions(mut self, bits: u64) -> Self {
        self.app_permissions = Some(bits);
        self
    }

    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = locale.to_string();
        self
    }

    /// The message a component sits on (default: a bot message carrying the component).
    pub fn on_message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }

    pub(super) fn channel_id(&self) -> u64 {
        self.channel_id
    }

    pub(super) fn has_app_permissions(&self) -> bool {
        self.app_permissions.is_some()
    }

    /// The channel object the interaction carries (default: a plain text channel).
    pub(super) fn channel_object(mut self, channel: Value) -> Self {
        self.channel = Some(channel);
        self
    }

    /// The INTERACTION_CREATE payload.
    pub fn build(&self, id: u64, token: &str) -> Value {
        let permissions_text = self.member_permissions.to_string();
        let user = objects::user(self.user_id, "reader", false);
        let mut member = objects::member(&user, &self.roles);
        member["permissions"] = json!(permissions_text);
        let mut channel = self.channel.clone().unwrap_or_else(|| {
            objects::text_channel(self.channel_id, self.guild_id, "general", 0, 0)
        });
        channel["permissions"] = json!(permissions_text);
        let mut interaction = json!({
            "id": id.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "type": self.kind,
            "data": self.data(),
            "guild_id": self.guild_id.to_string(),
            "guild": {"id": self.guild_id.to_string(), "locale": "en-US", "features": []},
            "channel_id": self.channel_id.to_string(),
            "channel": channel,
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": self.app_permissions.unwrap_or(permissions::EVERYONE).to_string(),
            "locale": self.locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": self.guild_id.to_string()},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        });
        if self.in_dm {
            self.move_to_dm(&mut interaction, &user);
        }
        if self.kind == 3 {
            interaction["message"] = self
                .message
                .clone()
                .unwrap_or_else(|| self.source_message());
        }
        interaction
    }

    /// Rewrites a guild interaction as Discord sends it from a DM.
    fn move_to_dm(&self, interaction: &mut Value, user: &Value) {
        if let Some(fields) = interaction.as_object_mut() {
            for key in ["guild_id", "guild", "member", "guild_locale"] {
                fields.remove(key);
            }
        }
        if let Some(data) = interaction["data"].as_object_mut() {
            data.remove("guild_id");
        }
        interaction["user"] = user.clone();
        interaction["context"] = json!(1);
        interaction["authorizing_integration_owners"] = json!({"0": self.user_id.to_string()});
        interaction["channel"] = json!({
            "id": self.channel_id.to_string(),
            "type": 1,
            "flags": 0,
            "last_message_id": null,
            "recipients": [user],
        });
    }

    fn data(&self) -> Value {
        if self.kind == 3 {
            let mut data =
                json!({"custom_id": self.custom_id, "component_type": self.component_type});
            if self.component_type == 3 {
                data["values"] = json!(self.values);
            }
            return data;
        }
        let mut data = json!({
            "id": self.command_id.to_string(),
            "name": self.name,
            "type": 1,
            "guild_id": self.guild_id.to_string(),
            "options": self.nested_options(),
        });
        if !self.resolved_channels.is_empty() {
            data["resolved"] = json!({"channels": self.resolved_channels});
        }
        data
    }

    /// Leaf options wrapped in the subcommand and group, as Discord nests them.
    fn nested_options(&self) -> Vec<Value> {
        let mut options = self.options.clone();
        if let Some(subcommand) = &self.subcommand {
            options = vec![json!({"name": subcommand, "type": SUBCOMMAND, "options": options})];
        }
        if let Some(group) = &self.group {
            options = vec![json!({"name": group, "type": SUBCOMMAND_GROUP, "options": options})];
        }
        options
    }

    /// A bot message carrying the pressed component, for component interactions.
    fn source_message(&self) -> Value {
        let component = if self.component_type == 2 {
            json!({"type": 2, "style": 1, "label": "More", "custom_id": self.custom_id})
        } else {
            let options: Vec<Value> = self
                .values
                .iter()
                .map(|value| json!({"label": value, "value": value}))
                .collect();
            json!({"type": 3, "custom_id": self.custom_id, "options": options})
        };
        let body = json!({"content": "", "components": [{"type": 1, "components": [component]}]});
        let bot = objects::user(APPLICATION_ID, "importai-bot", true);
        let mut message = objects::message(objects::next_snowflake(), self.channel_id, &bot, &body);
        message["guild_id"] = json!(self.guild_id.to_string());
        message
    }
}
