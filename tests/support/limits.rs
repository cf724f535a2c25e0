//! Every limit of `answers::limits` checked on a finished reply: what the property tests
//! assert of any reply, and the corpus walk of every real one.

use importai_bot::answers::limits::{self, discord_len};
use importai_bot::answers::{Control, Reply};

/// Each limit the reply breaks, described; empty when it keeps every one.
pub fn broken(reply: &Reply) -> Vec<String> {
    let mut broken = Vec::new();
    let mut check = |holds: bool, what: String| {
        if !holds {
            broken.push(what);
        }
    };
    let within = |text: &str, max: usize| (1..=max).contains(&discord_len(text));
    check(
        reply.content.is_some() || !reply.cards.is_empty(),
        "neither content nor an embed".into(),
    );
    if let Some(content) = &reply.content {
        check(discord_len(content) <= limits::CONTENT, "content".into());
    }
    check(reply.cards.len() <= limits::EMBEDS, "embeds".into());
    let mut total = 0;
    for card in &reply.cards {
        let author = card.author.as_deref().map_or(0, discord_len);
        let footer = card.footer.as_deref().map_or(0, discord_len);
        check(
            discord_len(&card.title) <= limits::EMBED_TITLE,
            "title".into(),
        );
        check(
            discord_len(&card.description) <= limits::EMBED_DESCRIPTION,
            "description".into(),
        );
        check(card.fields.len() <= limits::EMBED_FIELDS, "fields".into());
        check(author <= limits::AUTHOR, "author".into());
        check(footer <= limits::FOOTER, "footer".into());
        total += discord_len(&card.title) + discord_len(&card.description) + author + footer;
        for field in &card.fields {
            check(
                within(&field.name, limits::FIELD_NAME),
                format!("field name {:?}", field.name),
            );
            check(
                within(&field.value, limits::FIELD_VALUE),
                format!("field value of {:?}", field.name),
            );
            total += discord_len(&field.name) + discord_len(&field.value);
        }
    }
    check(
        total <= limits::EMBEDS_TOTAL,
        format!("embeds total {total}"),
    );
    let menus = reply
        .controls
        .iter()
        .filter(|c| matches!(c, Control::Menu { .. }))
        .count();
    let buttons = reply.controls.len() - menus + reply.links.len();
    check(
        menus + buttons.div_ceil(limits::BUTTONS_PER_ROW) <= limits::ACTION_ROWS,
        "action rows".into(),
    );
    let mut ids = std::collections::HashSet::new();
    for control in &reply.controls {
        match control {
            Control::Button { label, target } => {
                check(
                    within(label, limits::BUTTON_LABEL),
                    format!("button {label:?}"),
                );
                let id = target.to_string();
                check(id.len() <= limits::CUSTOM_ID, format!("custom_id {id}"));
                check(ids.insert(id.clone()), format!("duplicate custom_id {id}"));
            }
            Control::Trend { label, query } => {
                check(
                    within(label, limits::BUTTON_LABEL),
                    format!("button {label:?}"),
                );
                let id = query.custom_id();
                check(id.len() <= limits::CUSTOM_ID, format!("custom_id {id}"));
                check(ids.insert(id.clone()), format!("duplicate custom_id {id}"));
            }
            Control::Menu {
                options,
                placeholder,
                ..
            } => {
                check(
                    (1..=limits::MENU_OPTIONS).contains(&options.len()),
                    "menu options".into(),
                );
                check(
                    discord_len(placeholder) <= limits::MENU_PLACEHOLDER,
                    "menu placeholder".into(),
                );
                for option in options {
                    let description = option.description.as_deref().map_or(0, discord_len);
                    check(
                        within(&option.label, limits::MENU_OPTION_LABEL),
                        format!("menu option {:?}", option.label),
                    );
                    check(
                        description <= limits::MENU_OPTION_DESCRIPTION,
                        format!("menu option description of {:?}", option.label),
                    );
                }
            }
        }
    }
    for link in &reply.links {
        check(
            within(&link.label, limits::BUTTON_LABEL),
            format!("link {:?}", link.label),
        );
        check(
            link.url.len() <= limits::BUTTON_URL,
            format!("link {:?}", link.label),
        );
    }
    broken
}
