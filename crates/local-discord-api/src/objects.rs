//! Discord objects as the API serialises them (snowflakes as strings, every field serenity
//! 0.12 requires present), shared by the REST answers, the gateway events and the fixtures.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// First millisecond of 2015, the epoch of Discord snowflakes.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Permission bits the harness needs by name (Discord's values).
pub mod permissions {
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    /// What a freshly invited member can do in a text channel.
    pub const EVERYONE: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | READ_MESSAGE_HISTORY
        | USE_APPLICATION_COMMANDS;
}

/// Hands out snowflakes that increase, carry the current time and never repeat in a process.
pub fn next_snowflake() -> u64 {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) & 0x3F_FFFF;
    (now_ms().saturating_sub(DISCORD_EPOCH_MS) << 22) | sequence
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// The current time as Discord writes timestamps (ISO 8601 with an offset).
pub fn timestamp_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": if bot { Value::Null } else { json!(name) },
        "discriminator": "0",
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "accent_color": null,
        "banner": null,
    })
}

pub fn application(id: u64, bot: &Value, owner: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "name": bot["username"],
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "flags": 0,
        "hook": true,
        "is_monetized": false,
        "owner": owner,
        "team": null,
        "bot": bot,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
        "tags": [],
        "integration_types_config": {"0": {}},
    })
}

pub fn role(id: u64, name: &str, permissions: u64, position: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "description": null,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// A guild text channel; `denied` are permission bits withheld from @everyone (the role whose
/// id is the guild id), which is how Discord expresses a channel the bot may not use.
pub fn text_channel(id: u64, guild_id: u64, name: &str, position: u64, denied: u64) -> Value {
    let overwrites = if denied == 0 {
        json!([])
    } else {
        json!([{"id": guild_id.to_string(), "type": 0, "allow": "0", "deny": denied.to_string()}])
    };
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": position,
        "permission_overwrites": overwrites,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

pub fn member(user: &Value, roles: &[u64]) -> Value {
    json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
    })
}

/// Fields common to the REST guild object and the GUILD_CREATE event.
pub fn guild(id: u64, name: &str, owner_id: u64, roles: &[Value]) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "nsfw": false,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    })
}

/// A message as Discord returns it, built from the (validated) request body.
pub fn message(id: u64, channel_id: u64, author: &Value, body: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": body.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": timestamp_now(),
        "edited_timestamp": null,
        "tts": body.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": rich_embeds(body.get("embeds")),
        "components": body.get("components").filter(|c| c.is_array()).cloned().unwrap_or(json!([])),
        "pinned": false,
        "type": 0,
        "flags": body.get("flags").and_then(Value::as_u64).unwrap_or(0),
        "nonce": body.get("nonce").cloned().unwrap_or(Value::Null),
    })
}

/// Applies an edit (PATCH body) to a stored message: present fields replace old ones.
pub fn apply_edit(message: &mut Value, edit: &Value) {
    for key in ["content", "components", "flags"] {
        if let Some(value) = edit.get(key).filter(|v| !v.is_null()) {
            message[key] = value.clone();
        }
    }
    if let Some(embeds) = edit.get("embeds").filter(|v| !v.is_null()) {
        message["embeds"] = rich_embeds(Some(embeds));
    }
    message["edited_timestamp"] = json!(timestamp_now());
}

/// Embeds come back with `type: "rich"`, as Discord stores them.
fn rich_embeds(embeds: Option<&Value>) -> Value {
    let Some(Value::Array(embeds)) = embeds else {
        return json!([]);
    };
    let embeds = embeds.iter().map(|embed| {
        let mut embed = embed.clone();
        if let Some(object) = embed.as_object_mut() {
            object.entry("type").or_insert(json!("rich"));
        }
        embed
    });
    Value::Array(embeds.collect())
}

/// A full command object for a registration request entry, as Discord answers a PUT.
pub fn command(request: &Value, id: u64, application_id: u64, guild_id: Option<u64>) -> Value {
    let mut command = json!({
        "id": id.to_string(),
        "application_id": application_id.to_string(),
        "version": next_snowflake().to_string(),
        "type": request.get("type").and_then(Value::as_u64).unwrap_or(1),
        "name": request["name"],
        "description": request.get("description").and_then(Value::as_str).unwrap_or(""),
        "default_member_permissions": request
            .get("default_member_permissions")
            .filter(|v| !v.is_null())
            .map(|v| json!(v.as_str().map_or_else(|| v.to_string(), str::to_string))),
        "dm_permission": request.get("dm_permission").and_then(Value::as_bool).unwrap_or(true),
        "nsfw": request.get("nsfw").and_then(Value::as_bool).unwrap_or(false),
        "contexts": request.get("contexts").cloned().unwrap_or(Value::Null),
        "integration_types": request.get("integration_types").cloned().unwrap_or(json!([0])),
    });
    for key in ["options", "name_localizations", "description_localizations"] {
        if let Some(value) = request.get(key).filter(|v| !v.is_null()) {
            command[key] = value.clone();
        }
    }
    if let Some(guild_id) = guild_id {
        command["guild_id"] = json!(guild_id.to_string());
    }
    command
}
