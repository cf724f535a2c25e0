//! Clicks on buttons and menus. Their whole state is in the custom_id (or the chosen
//! option's value), so controls on old messages keep working after a restart.
//!
//! A click on a public message answers the clicker privately, so nobody turns the page of a
//! tale under someone else's eyes; a click on such a private answer updates it in place.

use super::{render, BotError, Data};
use crate::answers::{self, AnswerError, MenuId, Question, Target};
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context as SerenityContext,
    CreateInteractionResponse, EditInteractionResponse, MessageFlags,
};
use std::time::{Duration, Instant};

const DEFER_AFTER: Duration = Duration::from_millis(1200);

/// What a control asks for, or why it cannot be understood.
pub fn target_of(interaction: &ComponentInteraction) -> Result<Target, AnswerError> {
    let data = &interaction.data;
    let id = match (&data.kind, MenuId::from_custom_id(&data.custom_id)) {
        (ComponentInteractionDataKind::StringSelect { values }, Some(_)) => {
            values.first().map(String::as_str).unwrap_or_default()
        }
        (ComponentInteractionDataKind::Button, None) => data.custom_id.as_str(),
        _ => "",
    };
    id.parse().map_err(|_| AnswerError::UnknownControl)
}

pub async fn handle(
    ctx: &SerenityContext,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), BotError> {
    let started = Instant::now();
    let in_place = interaction
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let work = async {
        let question = Question::from(target_of(interaction)?);
        answers::answer(&data.store, &question).await
    };
    tokio::pin!(work);
    let (result, deferred) = match tokio::time::timeout(DEFER_AFTER, &mut work).await {
        Ok(result) => (result, false),
        Err(_) => {
            let defer = if in_place {
                CreateInteractionResponse::Acknowledge
            } else {
                CreateInteractionResponse::Defer(
                    serenity::all::CreateInteractionResponseMessage::new().ephemeral(true),
                )
            };
            interaction.create_response(&ctx.http, defer).await?;
            (work.await, true)
        }
    };
    let outcome = match &result {
        Ok(_) => "answered".to_owned(),
        Err(error) if error.is_internal() => {
            tracing::error!(custom_id = %interaction.data.custom_id, %error, "answer failed");
            "internal error".to_owned()
        }
        Err(error) => format!("explained: {error}"),
    };
    let reply = result.unwrap_or_else(|error| answers::limits::enforce(error.to_reply()));
    let body = render::command_reply(&reply);
    let sent = if deferred {
        let edit = body.to_slash_initial_response_edit(EditInteractionResponse::new());
        interaction.edit_response(&ctx.http, edit).await.map(drop)
    } else if in_place {
        let message = body
            .ephemeral(false)
            .to_slash_initial_response(Default::default());
        let response = CreateInteractionResponse::UpdateMessage(message);
        interaction.create_response(&ctx.http, response).await
    } else {
        let message = body
            .ephemeral(true)
            .to_slash_initial_response(Default::default());
        let response = CreateInteractionResponse::Message(message);
        interaction.create_response(&ctx.http, response).await
    };
    tracing::info!(
        component = %interaction.data.custom_id,
        latency_ms = started.elapsed().as_millis() as u64,
        outcome = %if sent.is_ok() { outcome.as_str() } else { "send failed" },
        "interaction"
    );
    sent?;
    Ok(())
}
