//! Application command registration.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::super::state::State;
use super::super::{objects, validate, APPLICATION_ID};
use super::Reply;

/// `PUT .../commands`: replaces the set, keeping the id of a command whose name survives, and
/// answers with the full command objects.
pub(super) fn overwrite_commands(
    state: &mut State,
    app: &str,
    guild: Option<u64>,
    body: &Value,
) -> Reply {
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
