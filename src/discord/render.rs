//! Replies rendered as Discord message bodies: embeds, buttons and menus.
//!
//! The reply has already passed through the limits (answers::limits), so rendering is a
//! plain translation with no decisions about length.

use crate::answers::{Card, Control, LinkButton, Reply, Tone};
use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateAttachment, CreateButton, CreateEmbed,
    CreateEmbedAuthor, CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};

/// The reply as poise sends it for a slash command.
pub fn command_reply(reply: &Reply) -> poise::CreateReply {
    let mut message = embeds(reply).into_iter().fold(
        poise::CreateReply::default()
            .components(rows(reply))
            .ephemeral(reply.private),
        poise::CreateReply::embed,
    );
    if let Some(content) = &reply.content {
        message = message.content(content);
    }
    if let Some(attachment) = &reply.attachment {
        message = message.attachment(
            CreateAttachment::bytes(attachment.bytes.clone(), &attachment.file_name)
                .description(&attachment.description),
        );
    }
    message
}

/// The body of an interaction response: exactly what a slash command's reply sends.
pub fn interaction_message(reply: &Reply) -> CreateInteractionResponseMessage {
    command_reply(reply).to_slash_initial_response(CreateInteractionResponseMessage::new())
}

/// A message posted to a channel (the daily tale, announcements).
pub fn channel_message(reply: &Reply) -> CreateMessage {
    let mut message = CreateMessage::new()
        .embeds(embeds(reply))
        .components(rows(reply));
    if let Some(content) = &reply.content {
        message = message.content(content);
    }
    message
}

/// The interaction response body as JSON: what `ask --json` prints.
pub fn message_json(reply: &Reply) -> serde_json::Value {
    serde_json::to_value(interaction_message(reply))
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

/// The cards as embeds; the first shows the attached picture, if there is one.
fn embeds(reply: &Reply) -> Vec<CreateEmbed> {
    let mut embeds: Vec<CreateEmbed> = reply.cards.iter().map(embed).collect();
    if let (Some(attachment), Some(first)) = (&reply.attachment, embeds.first_mut()) {
        *first = first.clone().image(attachment.url());
    }
    embeds
}

fn embed(card: &Card) -> CreateEmbed {
    let mut embed = CreateEmbed::new().colour(colour(card.tone));
    if !card.title.is_empty() {
        embed = embed.title(&card.title);
    }
    if !card.description.is_empty() {
        embed = embed.description(&card.description);
    }
    if let Some(url) = &card.url {
        embed = embed.url(url);
    }
    if let Some(author) = &card.author {
        embed = embed.author(CreateEmbedAuthor::new(author));
    }
    if let Some(footer) = &card.footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed.fields(
        card.fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone(), f.inline)),
    )
}

fn colour(tone: Tone) -> Colour {
    match tone {
        Tone::Archive => Colour::new(0x2b6cb0),
        Tone::Tale => Colour::new(0x805ad5),
        Tone::Notice => Colour::new(0xd69e2e),
        Tone::Problem => Colour::new(0xc53030),
    }
}

/// Menus first, each on its own row; then buttons, then link buttons, five to a row.
fn rows(reply: &Reply) -> Vec<CreateActionRow> {
    let mut rows = Vec::new();
    let mut buttons = Vec::new();
    for control in &reply.controls {
        match control {
            Control::Menu {
                id,
                placeholder,
                options,
            } => {
                let options = options
                    .iter()
                    .map(|o| {
                        let option = CreateSelectMenuOption::new(&o.label, o.target.to_string());
                        match &o.description {
                            Some(d) => option.description(d),
                            None => option,
                        }
                    })
                    .collect();
                let menu =
                    CreateSelectMenu::new(id.custom_id(), CreateSelectMenuKind::String { options })
                        .placeholder(placeholder);
                rows.push(CreateActionRow::SelectMenu(menu));
            }
            Control::Button { label, target } => buttons.push(
                CreateButton::new(target.to_string())
                    .label(label)
                    .style(ButtonStyle::Secondary),
            ),
            Control::Trend { label, query } => buttons.push(
                CreateButton::new(query.custom_id())
                    .label(label)
                    .style(ButtonStyle::Secondary),
            ),
        }
    }
    buttons.extend(
        reply
            .links
            .iter()
            .map(|LinkButton { label, url }| CreateButton::new_link(url).label(label)),
    );
    let mut buttons = buttons.into_iter().peekable();
    while buttons.peek().is_some() {
        rows.push(CreateActionRow::Buttons(buttons.by_ref().take(5).collect()));
    }
    rows
}
