//! Interaction callbacks and the interaction webhook (original response, follow-ups).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::super::errors::Problem;
use super::super::recording::Recorded;
use super::super::state::{InteractionRecord, State};
use super::super::{objects, validate, APPLICATION_ID};
use super::Reply;

/// Which callback types Discord accepts for an interaction type.
fn callback_fits(interaction_kind: u64, callback_kind: u64) -> bool {
    match interaction_kind {
        // PING
        1 => callback_kind == 1,
        // APPLICATION_COMMAND
        2 => matches!(callback_kind, 4 | 5 | 9),
        // MESSAGE_COMPONENT
        3 => matches!(callback_kind, 4..=7 | 9),
        // APPLICATION_COMMAND_AUTOCOMPLETE
        4 => callback_kind == 8,
        // MODAL_SUBMIT
        5 => matches!(callback_kind, 4..=7),
        _ => false,
    }
}

/// A callback as it arrived.
struct Callback<'a> {
    interaction_id: u64,
    token: &'a str,
    body: &'a Value,
    at: Instant,
    deadline: Duration,
}

pub(super) fn interaction_callback(
    state: &mut State,
    id: Option<u64>,
    token: &str,
    body: &Value,
) -> Reply {
    let bot = state.bot_user();
    let callback = Callback {
        interaction_id: id.unwrap_or_default(),
        token,
        body,
        at: Instant::now(),
        deadline: state.interaction_deadline,
    };
    let Some(record) = state.interactions.get_mut(&callback.interaction_id) else {
        return Reply::refused(
            StatusCode::NOT_FOUND,
            10062,
            "Unknown interaction",
            "callback for an interaction that was never dispatched",
        );
    };
    let reply = decide_callback(record, &callback, &bot).unwrap_or_else(Reply::no_content);
    record.callbacks.push(Recorded {
        interaction_id: callback.interaction_id,
        callback_type: body["type"].as_u64(),
        body: body.clone(),
        status: reply.status.as_u16(),
        violations: reply.violations.clone(),
        dispatched_at: record.dispatched_at,
        responded_at: callback.at,
    });
    reply
}

/// `None` if Discord accepts the callback (which is then applied), else its refusal.
fn decide_callback(
    record: &mut InteractionRecord,
    callback: &Callback,
    bot: &Value,
) -> Option<Reply> {
    if record.token != callback.token {
        return Some(Reply::refused(
            StatusCode::UNAUTHORIZED,
            50027,
            "Invalid Webhook Token",
            "callback with another interaction's token",
        ));
    }
    if record.acknowledged {
        return Some(Reply::refused(
            StatusCode::BAD_REQUEST,
            40060,
            "Interaction has already been acknowledged.",
            "second callback for one interaction",
        ));
    }
    let body = callback.body;
    let mut problems = validate::interaction_callback_problems(body);
    let callback_kind = body["type"].as_u64().unwrap_or(0);
    if !callback_fits(record.kind, callback_kind) {
        problems.push(Problem::new(
            &["type".to_string()],
            "INTERACTION_CALLBACK_TYPE_INVALID",
            format!(
                "Callback type {callback_kind} is not valid for interaction type {}",
                record.kind
            ),
        ));
    }
    if !problems.is_empty() {
        return Some(Reply::invalid(&problems));
    }
    let elapsed = callback.at.duration_since(record.dispatched_at);
    if elapsed > callback.deadline {
        return Some(Reply::refused(
            StatusCode::NOT_FOUND,
            10062,
            "Unknown interaction",
            format!(
                "first response after {elapsed:?}; Discord allows {:?}",
                callback.deadline
            ),
        ));
    }
    record.acknowledged = true;
    match callback_kind {
        4 => record.original = Some(interaction_message(record, callback, bot, &body["data"])),
        5 => {
            let flags = body["data"]["flags"].as_u64().unwrap_or(0) | LOADING;
            let placeholder = json!({"flags": flags});
            record.original = Some(interaction_message(record, callback, bot, &placeholder));
        }
        6 => record.original = record.source_message.clone(),
        7 => {
            if let Some(message) = record.source_message.as_mut() {
                objects::apply_edit(message, &body["data"]);
            }
            record.original = record.source_message.clone();
        }
        _ => {}
    }
    None
}

/// Message flag of a deferred response's "is thinking…" placeholder.
const LOADING: u64 = 1 << 7;

/// A message sent through the interaction's webhook, as Discord stores it.
fn interaction_message(
    record: &InteractionRecord,
    callback: &Callback,
    bot: &Value,
    body: &Value,
) -> Value {
    let channel_id = record.channel_id.unwrap_or_default();
    let mut message = objects::message(objects::next_snowflake(), channel_id, bot, body);
    message["webhook_id"] = json!(APPLICATION_ID.to_string());
    message["application_id"] = json!(APPLICATION_ID.to_string());
    message["type"] = json!(if record.kind == 2 { 20 } else { 0 });
    message["interaction_metadata"] = json!({
        "id": callback.interaction_id.to_string(),
        "type": record.kind,
        "user": record.user,
        "authorizing_integration_owners": match record.guild_id {
            Some(guild_id) => json!({"0": guild_id.to_string()}),
            None => json!({"1": record.user["id"]}),
        },
    });
    message
}

/// The interaction whose webhook `app`/`token` names, or Discord's 404 Unknown Webhook.
fn webhook<'a>(
    state: &'a mut State,
    app: &str,
    token: &str,
) -> Result<(u64, &'a mut InteractionRecord), Reply> {
    let unknown = || {
        Reply::refused(
            StatusCode::NOT_FOUND,
            10015,
            "Unknown Webhook",
            format!("no interaction webhook {app}/{token}"),
        )
    };
    if app != APPLICATION_ID.to_string() {
        return Err(unknown());
    }
    let lifetime = state.token_lifetime;
    let (id, record) = state.interaction_by_token(token).ok_or_else(unknown)?;
    let age = record.dispatched_at.elapsed();
    if age > lifetime {
        return Err(Reply::refused(
            StatusCode::UNAUTHORIZED,
            50027,
            "Invalid Webhook Token",
            format!("interaction token used {age:?} after dispatch; it lasts {lifetime:?}"),
        ));
    }
    Ok((id, record))
}

/// `GET|PATCH|DELETE /webhooks/{app}/{token}/messages/@original`.
pub(super) fn original_response(
    state: &mut State,
    method: &Method,
    app: &str,
    token: &str,
    body: &Value,
) -> Reply {
    let (_, record) = match webhook(state, app, token) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let unknown_message = Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    match method.as_str() {
        "GET" => record.original.clone().map_or(unknown_message, Reply::ok),
        "DELETE" => match record.original.take() {
            Some(_) => Reply::no_content(),
            None => unknown_message,
        },
        "PATCH" => {
            let problems = validate::webhook_edit_problems(body);
            if !problems.is_empty() {
                return Reply::invalid(&problems);
            }
            let Some(message) = record.original.as_mut() else {
                let mut reply = unknown_message;
                reply
                    .violations
                    .push("edit of @original before any response".to_string());
                return reply;
            };
            objects::apply_edit(message, body);
            if let Some(flags) = message["flags"].as_u64() {
                message["flags"] = json!(flags & !LOADING);
            }
            Reply::ok(message.clone())
        }
        _ => Reply::error(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed"),
    }
}

/// `POST /webhooks/{app}/{token}`: a follow-up message, allowed once the interaction has
/// been answered.
pub(super) fn followup(state: &mut State, app: &str, token: &str, body: &Value) -> Reply {
    let bot = state.bot_user();
    let (interaction_id, record) = match webhook(state, app, token) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let problems = validate::followup_problems(body);
    if !problems.is_empty() {
        return Reply::invalid(&problems);
    }
    if !record.acknowledged {
        return Reply::refused(
            StatusCode::NOT_FOUND,
            10015,
            "Unknown Webhook",
            "follow-up before the interaction was answered",
        );
    }
    let callback = Callback {
        interaction_id,
        token,
        body,
        at: Instant::now(),
        deadline: Duration::ZERO,
    };
    let message = interaction_message(record, &callback, &bot, body);
    record.followups.push(message.clone());
    Reply::ok(message)
}

/// `GET|PATCH|DELETE /webhooks/{app}/{token}/messages/{id}`: a follow-up (or the original).
pub(super) fn followup_message(
    state: &mut State,
    method: &Method,
    app: &str,
    token: &str,
    message_id: Option<u64>,
    body: &Value,
) -> Reply {
    let (_, record) = match webhook(state, app, token) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let wanted = json!(message_id.unwrap_or_default().to_string());
    if method == Method::DELETE {
        let before = record.followups.len();
        record.followups.retain(|message| message["id"] != wanted);
        let was_original = record.original.as_ref().is_some_and(|m| m["id"] == wanted);
        if was_original {
            record.original = None;
        }
        return if was_original || record.followups.len() < before {
            Reply::no_content()
        } else {
            Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message")
        };
    }
    let message = record
        .followups
        .iter_mut()
        .chain(record.original.as_mut())
        .find(|message| message["id"] == wanted);
    let Some(message) = message else {
        return Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    };
    match method.as_str() {
        "GET" => Reply::ok(message.clone()),
        "PATCH" => {
            let problems = validate::webhook_edit_problems(body);
            if !problems.is_empty() {
                return Reply::invalid(&problems);
            }
            objects::apply_edit(message, body);
            Reply::ok(message.clone())
        }
        _ => Reply::error(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed"),
    }
}
