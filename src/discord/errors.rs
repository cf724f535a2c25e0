//! The one place where command failures become messages and log lines.
//!
//! The reader gets a short private notice that says what to do; the detail goes to the log.

use super::{BotError, Data};
use crate::answers::{limits, Reply};
use poise::FrameworkError;
use serenity::all::{CreateAutocompleteResponse, CreateInteractionResponse};

pub async fn on_error(error: FrameworkError<'_, Data, BotError>) {
    if let Some(poise::Context::Application(ctx)) = error.ctx() {
        if ctx.interaction_type == poise::CommandInteractionType::Autocomplete {
            tracing::debug!(error = %error, "autocomplete not answered with choices");
            return offer_no_choices(ctx).await;
        }
    }
    let Some(notice) = notice_for(&error) else {
        // Anything not listed: poise's own handling, which logs it and, where it can, tells
        // the user.
        if let Err(send_error) = poise::builtins::on_error(error).await {
            tracing::warn!(%send_error, "could not handle a framework error");
        }
        return;
    };
    if let Some(ctx) = error.ctx() {
        let body = super::render::command_reply(&limits::enforce(notice));
        if let Err(send_error) = ctx.send(body).await {
            tracing::warn!(%send_error, "could not tell the user about an error");
        }
    }
}

/// The notice for the failures the bot words itself, after logging them.
fn notice_for(error: &FrameworkError<'_, Data, BotError>) -> Option<Reply> {
    match error {
        FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, %error, "command failed");
            Some(Reply::notice(
                "Something went wrong on our side",
                "Please try again in a minute; if it keeps happening, tell the server's admins.",
            ))
        }
        FrameworkError::ArgumentParse {
            ctx, input, error, ..
        } => {
            tracing::warn!(command = %ctx.command().qualified_name, ?input, %error, "bad arguments");
            Some(incomplete(&ctx.command().qualified_name))
        }
        FrameworkError::CommandStructureMismatch {
            ctx, description, ..
        } => {
            // A required option missing, or a registration older than the running bot.
            tracing::warn!(command = %ctx.command().qualified_name, description, "options do not match");
            Some(incomplete(&ctx.command().qualified_name))
        }
        FrameworkError::GuildOnly { .. } => Some(Reply::notice(
            "Servers only",
            "This command works in a server, not in direct messages.",
        )),
        FrameworkError::MissingUserPermissions { .. } => Some(Reply::notice(
            "Missing permission",
            "This command is for members with the Manage Server permission.",
        )),
        FrameworkError::CommandPanic { ctx, payload, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, ?payload, "command panicked");
            Some(Reply::notice(
                "Something went wrong on our side",
                "Please try again in a minute.",
            ))
        }
        _ => None,
    }
}

/// An autocomplete the bot will not fill (from a member who may not use the command, say)
/// still gets an answer, an empty list: without one Discord shows "Loading options failed".
async fn offer_no_choices(ctx: poise::ApplicationContext<'_, Data, BotError>) {
    let nothing = CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new());
    if let Err(send_error) = ctx
        .interaction
        .create_response(ctx.serenity_context(), nothing)
        .await
    {
        tracing::warn!(%send_error, "could not answer an autocomplete");
    }
}

fn incomplete(command: &str) -> Reply {
    Reply::notice(
        "That command was incomplete",
        format!(
            "Some options were missing or not understood. Fill in each option of `/{command}` and try again; \
             if the bot was just updated, Discord may need a minute to show the new version."
        ),
    )
}
