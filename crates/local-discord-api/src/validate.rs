//! What each endpoint the bot uses accepts: the spec's request schema plus Discord's
//! documented limits. Usable without a server, to check a body a test built itself.

use serde_json::Value;

use super::errors::{to_strings, Problem};
use super::{limits, schema};

pub const CALLBACK_PATH: &str = "/interactions/{interaction_id}/{interaction_token}/callback";
pub const MESSAGES_PATH: &str = "/channels/{channel_id}/messages";
pub const MESSAGE_PATH: &str = "/channels/{channel_id}/messages/{message_id}";
pub const FOLLOWUP_PATH: &str = "/webhooks/{webhook_id}/{webhook_token}";
pub const ORIGINAL_PATH: &str = "/webhooks/{webhook_id}/{webhook_token}/messages/@original";
pub const GLOBAL_COMMANDS_PATH: &str = "/applications/{application_id}/commands";

/// The body of `POST /interactions/{id}/{token}/callback`.
pub fn validate_interaction_callback(body: &Value) -> Result<(), Vec<String>> {
    into_result(interaction_callback_problems(body))
}

/// The body of `POST /channels/{id}/messages`.
pub fn validate_message_create(body: &Value) -> Result<(), Vec<String>> {
    into_result(message_create_problems(body))
}

/// The body of an interaction follow-up, `POST /webhooks/{application}/{token}`.
pub fn validate_followup_message(body: &Value) -> Result<(), Vec<String>> {
    into_result(followup_problems(body))
}

/// The body of `PATCH /webhooks/{application}/{token}/messages/@original` (or `/{id}`).
pub fn validate_webhook_edit(body: &Value) -> Result<(), Vec<String>> {
    into_result(webhook_edit_problems(body))
}

/// The body of `PUT /applications/{application}/commands` (global or guild).
pub fn validate_command_overwrite(body: &Value) -> Result<(), Vec<String>> {
    into_result(command_overwrite_problems(body))
}

/// Schema problems plus the limit problems the schema did not already report for the same
/// field (the spec states some limits too).
fn combined(mut problems: Vec<Problem>, limit_problems: Vec<Problem>) -> Vec<Problem> {
    for problem in limit_problems {
        if !problems.iter().any(|known| known.path == problem.path) {
            problems.push(problem);
        }
    }
    problems
}

fn into_result(problems: Vec<Problem>) -> Result<(), Vec<String>> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(to_strings(&problems))
    }
}

pub fn interaction_callback_problems(body: &Value) -> Vec<Problem> {
    let data = body.get("data").unwrap_or(&Value::Null);
    let at = ["data".to_string()];
    let limit_problems = match body.get("type").and_then(Value::as_u64) {
        // CHANNEL_MESSAGE_WITH_SOURCE must carry a message; UPDATE_MESSAGE may change a part.
        Some(4) => limits::message(data, &at, true),
        Some(7) => limits::message(data, &at, false),
        Some(8) => limits::autocomplete(data, &at),
        _ => Vec::new(),
    };
    combined(
        schema::check_request("POST", CALLBACK_PATH, body),
        limit_problems,
    )
}

pub fn message_create_problems(body: &Value) -> Vec<Problem> {
    combined(
        schema::check_request("POST", MESSAGES_PATH, body),
        limits::message(body, &[], true),
    )
}

pub fn message_edit_problems(body: &Value) -> Vec<Problem> {
    combined(
        schema::check_request("PATCH", MESSAGE_PATH, body),
        limits::message(body, &[], false),
    )
}

pub fn followup_problems(body: &Value) -> Vec<Problem> {
    combined(
        schema::check_request("POST", FOLLOWUP_PATH, body),
        limits::message(body, &[], true),
    )
}

pub fn webhook_edit_problems(body: &Value) -> Vec<Problem> {
    combined(
        schema::check_request("PATCH", ORIGINAL_PATH, body),
        limits::message(body, &[], false),
    )
}

pub fn command_overwrite_problems(body: &Value) -> Vec<Problem> {
    combined(
        schema::check_request("PUT", GLOBAL_COMMANDS_PATH, body),
        limits::commands(body),
    )
}
