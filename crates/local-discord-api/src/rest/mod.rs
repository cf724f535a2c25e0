//! The REST API under `/api/v10`: routes the bot uses, answered as Discord answers them.
//! Every request is recorded; bodies are validated before anything else happens.

mod channels;
mod commands;
mod interactions;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State as AxumState};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use channels::{channel_message, create_message, get_channel, recent_messages, trigger_typing};
use commands::overwrite_commands;
use interactions::{followup, followup_message, interaction_callback, original_response};

use super::errors::{error_body, rejection_body, to_strings, Problem};
use super::recording::RecordedRequest;
use super::state::Shared;
use super::uploads::{self, UploadedFile};

const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // Uploads up to Discord's own request limit, not axum's default of 2 MB.
    let app = Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared);
    // The server ends only when the harness aborts it.
    let _ = axum::serve(listener, app).await;
}

/// What a route decided: the answer and anything Discord would have objected to.
pub(super) struct Reply {
    status: StatusCode,
    body: Option<Value>,
    violations: Vec<String>,
    unexpected: bool,
    retry_after: Option<String>,
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
            retry_after: None,
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
    let (body, files, unreadable) = match read_body(request).await {
        Ok((body, files)) => (body, files, None),
        Err(why) => (Value::Null, Vec::new(), Some(why)),
    };
    let upload_problems = uploads::problems(&body, &files);
    let route_path = path.strip_prefix("/api/v10").unwrap_or(&path).to_string();
    let reply = if !path.starts_with("/api/v10/") {
        let mut reply = Reply::error(StatusCode::NOT_FOUND, 0, "404: Not Found");
        reply.unexpected = true;
        reply
    } else if let Some(why) = unreadable {
        Reply::refused(
            StatusCode::BAD_REQUEST,
            50109,
            "The request body contains invalid JSON.",
            format!("body is not JSON: {why}"),
        )
    } else if !upload_problems.is_empty() {
        Reply::refused(
            StatusCode::BAD_REQUEST,
            50035,
            "Invalid Form Body",
            upload_problems.join("; "),
        )
    } else if let Some(refusal) = unauthorized(&headers, &route_path) {
        refusal
    } else if let Some(fault) = shared.with(|state| state.take_fault(method.as_str(), &route_path))
    {
        let status = StatusCode::from_u16(fault.status).expect("a valid status");
        let mut reply = Reply::status(status, Some(fault.body));
        reply.retry_after = fault.retry_after;
        reply
    } else {
        route(&shared, &method, &route_path, query.as_deref(), &body)
    };
    shared.with(|state| {
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: route_path,
            query,
            body,
            files,
            status: reply.status.as_u16(),
            violations: reply.violations.clone(),
            unexpected: reply.unexpected,
            at: Instant::now(),
        });
    });
    let mut response = match reply.body {
        Some(body) => (reply.status, axum::Json(body)).into_response(),
        None => reply.status.into_response(),
    };
    if let Some(seconds) = reply.retry_after.and_then(|s| s.parse().ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, seconds);
    }
    response
}

/// The JSON body (plain, or the `payload_json` part of a multipart upload) and the uploaded
/// files. `Err` carries a description of a body that is not JSON.
async fn read_body(request: Request) -> Result<(Value, Vec<UploadedFile>), String> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| e.to_string())?;
        let (mut payload, mut files) = (None, Vec::new());
        while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "payload_json" {
                let text = field.text().await.map_err(|e| e.to_string())?;
                payload = Some(serde_json::from_str(&text).map_err(|e| e.to_string())?);
            } else {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| e.to_string())?;
                files.push(UploadedFile::new(name, filename, bytes.to_vec()));
            }
        }
        return Ok((payload.unwrap_or(Value::Null), files));
    }
    let bytes: Bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|e| e.to_string())?;
    if bytes.is_empty() {
        return Ok((Value::Null, Vec::new()));
    }
    let body = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok((body, Vec::new()))
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
    (!authorization.starts_with("Bot ")).then(|| {
        Reply::refused(
            StatusCode::UNAUTHORIZED,
            0,
            "401: Unauthorized",
            format!("no `Authorization: Bot <token>` header (got {authorization:?})"),
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
        (_, ["channels", channel, "messages", message]) => channel_message(
            state,
            method,
            id(channel).unwrap_or(0),
            id(message).unwrap_or(0),
            body,
        ),
        ("POST", ["channels", channel, "typing"]) => {
            trigger_typing(state, id(channel).unwrap_or(0))
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
