//! The REST API under `/api/v10`: routes the bot uses, answered as Discord answers them.
//! Every request is recorded; bodies are validated before anything else happens.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State as AxumState};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::errors::{error_body, rejection_body, to_strings, Problem};
use super::recording::{Recorded, RecordedRequest};
use super::state::{ChannelAccess, InteractionRecord, Shared, State};
use super::{objects, validate, APPLICATION_ID, BOT_TOKEN};

/// How long Discord remembers a message nonce ("a few minutes").
const NONCE_MEMORY: Duration = Duration::from_secs(5 * 60);
const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let app = Router::new().fallback(handle).with_state(shared);
    // The server ends only when the harness aborts it.
    let _ = axum::serve(listener, app).await;
}

/// What a route decided: the answer and anything Discord would have objected to.
struct Reply {
    status: StatusCode,
    body: Option<Value>,
    violations: Vec<String>,
    unexpected: bool,
}

impl Reply {
    fn ok(body: Value) -> Self {
        Self::status(StatusCode::OK, Some(body))
    }

    fn no_content() -> Self {
        Self::status(StatusCode::NO_CONTENT, None)
    }

    fn status(status: StatusCode, body: Option<Value>) -> Self {
        Self {
            status,
            body,
            violations: Vec::new(),
            unexpected: false,
        }
    }

    fn error(status: StatusCode, code: u32, message: &str) -> Self {
        Self::status(status, Some(error_body(code, message)))
    }

    /// A refusal that the bot should never provoke, so it counts as a violation.
    fn refused(status: StatusCode, code: u32, message: &str, why: impl Into<String>) -> Self {
        let mut reply = Self::error(status, code, message);
        reply.violations.push(why.into());
        reply
    }

    fn invalid(problems: &[Problem]) -> Self {
        let mut reply = Self::status(StatusCode::BAD_REQUEST, Some(rejection_body(problems)));
        reply.violations = to_strings(problems);
        reply
    }

    fn unknown_channel() -> Self {
        Self::error(StatusCode::NOT_FOUND, 10003, "Unknown Channel")
    }
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let headers = request.headers().clone();
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(problem) => Value::String(problem),
    };
    let route_path = path.strip_prefix("/api/v10").unwrap_or(&path).to_string();
    let reply = if !path.starts_with("/api/v10/") {
        let mut reply = Reply::error(StatusCode::NOT_FOUND, 0, "404: Not Found");
        reply.unexpected = true;
        reply
    } else if body.is_string() {
        let why = format!("body is not JSON: {}", body.as_str().unwrap_or_default());
        Reply::refused(
            StatusCode::BAD_REQUEST,
            50109,
            "The request body contains invalid JSON.",
            why,
        )
    } else if let Some(refusal) = unauthorized(&headers, &route_path) {
        refusal
    } else {
        route(&shared, &method, &route_path, query.as_deref(), &body)
    };
    shared.with(|state| {
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: route_path,
            query,
            body,
            status: reply.status.as_u16(),
            violations: reply.violations.clone(),
            unexpected: reply.unexpected,
            at: Instant::now(),
        });
    });
    match reply.body {
        Some(body) => (reply.status, axum::Json(body)).into_response(),
        None => reply.status.into_response(),
    }
}

/// The JSON body: plain, or the `payload_json` part of a multipart upload. `Err` carries a
/// description of a body that is not JSON.
async fn read_body(request: Request) -> Result<Value, String> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| e.to_string())?;
        while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
            if field.name() == Some("payload_json") {
                let text = field.text().await.map_err(|e| e.to_string())?;
                return serde_json::from_str(&text).map_err(|e| e.to_string());
            }
        }
        return Ok(Value::Null);
    }
    let bytes: Bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|e| e.to_string())?;
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// Bot routes need `Authorization: Bot <token>`; interaction and webhook routes are
/// authorised by their token in the path instead.
fn unauthorized(headers: &HeaderMap, path: &str) -> Option<Reply> {
    if path.starts_with("/interactions/") || path.starts_with("/webhooks/") {
        return None;
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let expected = format!("Bot {BOT_TOKEN}");
    let accepted = authorization.starts_with("Bot ");
    (!accepted).then(|| {
        Reply::refused(
            StatusCode::UNAUTHORIZED,
            0,
            "401: Unauthorized",
            format!("Authorization header {authorization:?} is not of the form {expected:?}"),
        )
    })
}

fn route(shared: &Shared, method: &Method, path: &str, query: Option<&str>, body: &Value) -> Reply {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |text: &str| text.parse::<u64>().ok();
    shared.with(|state| match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::ok(json!({"url": state.gateway_url})),
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": state.gateway_url,
            "shards": state.recommended_shards,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
            },
        })),
        ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(state.application()),
        ("GET", ["applications", "@me"]) => Reply::ok(state.application()),
        ("GET", ["users", "@me"]) => Reply::ok(state.bot_user()),
        ("PUT", ["applications", app, "commands"]) => overwrite_commands(state, app, None, body),
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            overwrite_commands(state, app, id(guild).or(Some(0)), body)
        }
        ("GET", ["applications", _, "commands"]) => Reply::ok(json!(state.global_commands)),
        ("GET", ["applications", _, "guilds", guild, "commands"]) => {
            let commands = id(guild).and_then(|g| state.guild_commands.get(&g).cloned());
            Reply::ok(json!(commands.unwrap_or_default()))
        }
        ("POST", ["interactions", interaction, token, "callback"]) => {
            interaction_callback(state, id(interaction), token, body)
        }
        (_, ["webhooks", app, token, "messages", "@original"]) => {
            original_response(state, method, app, token, body)
        }
        ("POST", ["webhooks", app, token]) => followup(state, app, token, body),
        (_, ["webhooks", app, token, "messages", message]) => {
            followup_message(state, method, app, token, id(message), body)
        }
        ("POST", ["channels", channel, "messages"]) => {
            create_message(state, id(channel).unwrap_or(0), body)
        }
        ("GET", ["channels", channel, "messages"]) => {
            recent_messages(state, id(channel).unwrap_or(0), query)
        }
        ("GET", ["channels", channel]) => get_channel(state, id(channel).unwrap_or(0)),
        ("GET", ["guilds", guild]) => match id(guild).and_then(|g| state.guild(g)) {
            Some(guild) => Reply::ok(guild),
            None => Reply::error(StatusCode::NOT_FOUND, 10004, "Unknown Guild"),
        },
        ("GET", ["guilds", guild, "roles"]) => {
            match id(guild).filter(|g| state.guilds.contains_key(g)) {
                Some(guild) => Reply::ok(json!(state.roles(guild))),
                None => Reply::error(StatusCode::NOT_FOUND, 10004, "Unknown Guild"),
            }
        }
        ("GET", ["guilds", guild, "channels"]) => {
            let guild = id(guild).unwrap_or(0);
            let channels: Vec<Value> = state
                .channels
                .iter()
                .filter(|(_, setup)| setup.guild_id == guild)
                .filter_map(|(channel, _)| state.channel(*channel))
                .collect();
            Reply::ok(json!(channels))
        }
        ("GET", ["guilds", guild, "members", user]) => {
            if !id(guild).is_some_and(|g| state.guilds.contains_key(&g)) {
                return Reply::error(StatusCode::NOT_FOUND, 10004, "Unknown Guild");
            }
            let member = state
                .members()
                .into_iter()
                .find(|m| m["user"]["id"] == *user);
            match member {
                Some(member) => Reply::ok(member),
                None => Reply::error(StatusCode::NOT_FOUND, 10007, "Unknown Member"),
            }
        }
        _ => {
            let mut reply = Reply::error(StatusCode::NOT_FOUND, 0, "404: Not Found");
            reply.unexpected = true;
            reply
        }
    })
}

/// `PUT .../commands`: replaces the set, keeping the id of a command whose name survives, and
/// answers with the full command objects.
fn overwrite_commands(state: &mut State, app: &str, guild: Option<u64>, body: &Value) -> Reply {
    if app != APPLICATION_ID.to_string() {
        return Reply::refused(
            StatusCode::FORBIDDEN,
            50001,
            "Missing Access",
            format!("commands registered for application {app}, not {APPLICATION_ID}"),
        );
    }
    if guild.is_some_and(|g| !state.guilds.contains_key(&g)) {
        return Reply::refused(
            StatusCode::FORBIDDEN,
            50001,
            "Missing Access",
            "commands registered for a guild the bot is not in",
        );
    }
    let problems = validate::command_overwrite_problems(body);
    if !problems.is_empty() {
        return Reply::invalid(&problems);
    }
    let previous = match guild {
        Some(guild) => state
            .guild_commands
            .get(&guild)
            .cloned()
            .unwrap_or_default(),
        None => state.global_commands.clone(),
    };
    let requested = body.as_array().cloned().unwrap_or_default();
    let commands: Vec<Value> = requested
        .iter()
        .map(|request| {
            let kept = previous.iter().find(|c| c["name"] == request["name"]);
            let id = kept
                .and_then(|c| c["id"].as_str()?.parse().ok())
                .unwrap_or_else(objects::next_snowflake);
            objects::command(request, id, APPLICATION_ID, guild)
        })
        .collect();
    match guild {
        Some(guild) => {
            state.guild_commands.insert(guild, commands.clone());
        }
        None => state.global_commands = commands.clone(),
    }
    Reply::ok(json!(commands))
}

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

fn interaction_callback(state: &mut State, id: Option<u64>, token: &str, body: &Value) -> Reply {
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
    state.interaction_by_token(token).ok_or_else(unknown)
}

/// `GET|PATCH|DELETE /webhooks/{app}/{token}/messages/@original`.
fn original_response(
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
fn followup(state: &mut State, app: &str, token: &str, body: &Value) -> Reply {
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
fn followup_message(
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
    }
}

/// `POST /channels/{id}/messages`, with `nonce` + `enforce_nonce` deduplication.
fn create_message(state: &mut State, channel_id: u64, body: &Value) -> Reply {
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
fn recent_messages(state: &State, channel_id: u64, query: Option<&str>) -> Reply {
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
fn get_channel(state: &State, channel_id: u64) -> Reply {
    if let Some(refusal) = channel_refusal(state, channel_id, false) {
        return refusal;
    }
    state
        .channel(channel_id)
        .map_or_else(Reply::unknown_channel, Reply::ok)
}
