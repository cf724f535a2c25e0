//! Clicks on buttons and menus. Their whole state is in the custom_id (or the chosen
//! option's value), so controls on old messages keep working after a restart.
//!
//! A click on a public message answers the clicker privately, so nobody turns the page of a
//! tale under someone else's eyes; a click on such a private answer updates it in place.

use super::{render, respond, BotError, Data};
use crate::answers::trend::TrendQuery;
use crate::answers::{self, AnswerError, MenuId, Question, Target};
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context as SerenityContext,
    CreateInteractionResponse, EditInteractionResponse, MessageFlags,
};
use std::time::Instant;

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
        let question = match TrendQuery::from_custom_id(&interaction.data.custom_id) {
            Some(query) => Question::Trend(query.to_ask()),
            None => Question::from(target_of(interaction)?),
        };
        answers::answer(&data.store, &question).await
    };
    let defer = || async {
        let defer = if in_place {
            CreateInteractionResponse::Acknowledge
        } else {
            CreateInteractionResponse::Defer(
                serenity::all::CreateInteractionResponseMessage::new().ephemeral(true),
            )
        };
        Ok(interaction.create_response(&ctx.http, defer).await?)
    };
    let custom_id = &interaction.data.custom_id;
    let (reply, outcome, deferred) = respond::in_time(work, custom_id, defer).await?;
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
    respond::log(
        &format!("control:{custom_id}"),
        started,
        &outcome,
        sent.is_ok(),
    );
    sent?;
    Ok(())
}
