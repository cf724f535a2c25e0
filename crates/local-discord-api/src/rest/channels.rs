//! Channels and their messages.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::super::state::{ChannelAccess, State};
use super::super::{objects, validate};
use super::Reply;

/// How long Discord remembers a message nonce ("a few minutes").
const NONCE_MEMORY: Duration = Duration::from_secs(5 * 60);

/// The refusal for a channel the bot cannot post in, if it cannot.
fn channel_refusal(state: &State, channel_id: u64, posting: bool) -> Option<Reply> {
    let Some(setup) = state.channels.get(&channel_id) else {
        return Some(Reply::unknown_channel());
    };
    match setup.access {
        ChannelAccess::Normal => None,
        ChannelAccess::Deleted => Some(Reply::unknown_channel()),
        ChannelAccess::MissingAccess => {
            Some(Reply::error(StatusCode::FORBIDDEN, 50001, "Missing Access"))
        }
        ChannelAccess::MissingPermissions if posting => Some(Reply::error(
            StatusCode::FORBIDDEN,
            50013,
            "Missing Permissions",
        )),
        ChannelAccess::MissingPermissions => None,
        ChannelAccess::RefusesMessages if posting => Some(Reply::error(
            StatusCode::BAD_REQUEST,
            50035,
            "Invalid Form Body",
        )),
        ChannelAccess::RefusesMessages => None,
    }
}

/// `POST /channels/{id}/messages`, with `nonce` + `enforce_nonce` deduplication.
pub(super) fn create_message(state: &mut State, channel_id: u64, body: &Value) -> Reply {
    if let Some(refusal) = channel_refusal(state, channel_id, true) {
        return refusal;
    }
    let problems = validate::message_create_problems(body);
    if !problems.is_empty() {
        return Reply::invalid(&problems);
    }
    let enforced_nonce = (body["enforce_nonce"] == json!(true))
        .then(|| match &body["nonce"] {
            Value::String(nonce) => Some(nonce.clone()),
            Value::Number(nonce) => Some(nonce.to_string()),
            _ => None,
        })
        .flatten();
    let now = Instant::now();
    if let Some(nonce) = &enforced_nonce {
        let key = (channel_id, nonce.clone());
        if let Some((message, at)) = state.nonces.get(&key) {
            if now.duration_since(*at) < NONCE_MEMORY {
                return Reply::ok(message.clone());
            }
        }
    }
    let bot = state.bot_user();
    let mut message = objects::message(objects::next_snowflake(), channel_id, &bot, body);
    if let Some(guild_id) = state.channels.get(&channel_id).map(|c| c.guild_id) {
        message["guild_id"] = json!(guild_id.to_string());
    }
    if let Some(nonce) = enforced_nonce {
        state
            .nonces
            .insert((channel_id, nonce), (message.clone(), now));
    }
    state
        .messages
        .entry(channel_id)
        .or_default()
        .push(message.clone());
    Reply::ok(message)
}

/// `GET /channels/{id}/messages?limit=N`: newest first, as Discord returns them.
pub(super) fn recent_messages(state: &State, channel_id: u64, query: Option<&str>) -> Reply {
    if let Some(refusal) = channel_refusal(state, channel_id, false) {
        return refusal;
    }
    let limit = query
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("limit="))
        .and_then(|limit| limit.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let messages = state.messages_in(channel_id);
    Reply::ok(json!(messages.iter().rev().take(limit).collect::<Vec<_>>()))
}

/// `GET /channels/{id}`.
pub(super) fn get_channel(state: &State, channel_id: u64) -> Reply {
    if let Some(refusal) = channel_refusal(state, channel_id, false) {
        return refusal;
    }
    state
        .channel(channel_id)
        .map_or_else(Reply::unknown_channel, Reply::ok)
}

/// `GET|PATCH|DELETE /channels/{id}/messages/{id}`: the bot's own messages.
pub(super) fn channel_message(
    state: &mut State,
    method: &Method,
    channel_id: u64,
    message_id: u64,
    body: &Value,
) -> Reply {
    if let Some(refusal) = channel_refusal(state, channel_id, method != Method::GET) {
        return refusal;
    }
    let wanted = json!(message_id.to_string());
    let messages = state.messages.entry(channel_id).or_default();
    let Some(index) = messages.iter().position(|m| m["id"] == wanted) else {
        return Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    };
    match method.as_str() {
        "GET" => Reply::ok(messages[index].clone()),
        "DELETE" => {
            messages.remove(index);
            Reply::no_content()
        }
        "PATCH" => {
            let problems = validate::message_edit_problems(body);
            if !problems.is_empty() {
                return Reply::invalid(&problems);
            }
            objects::apply_edit(&mut messages[index], body);
            Reply::ok(messages[index].clone())
        }
        _ => Reply::error(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed"),
    }
}

/// `POST /channels/{id}/typing`.
pub(super) fn trigger_typing(state: &State, channel_id: u64) -> Reply {
    channel_refusal(state, channel_id, true).unwrap_or_else(Reply::no_content)
}
