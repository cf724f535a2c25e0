//! Discord's documented limits that its OpenAPI description leaves out or states loosely.
//! Lengths are counted in characters (Unicode scalar values), as Discord counts them.

use std::collections::HashSet;

use serde_json::Value;

use super::errors::{child, Problem, EMPTY_MESSAGE};

pub const CONTENT: usize = 2000;
pub const EMBEDS: usize = 10;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER_TEXT: usize = 2048;
pub const AUTHOR_NAME: usize = 256;
pub const EMBEDS_TOTAL: usize = 6000;
pub const ACTION_ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const CUSTOM_ID: usize = 100;
pub const BUTTON_LABEL: usize = 80;
pub const SELECT_OPTIONS: usize = 25;
pub const SELECT_OPTION_TEXT: usize = 100;
pub const SELECT_PLACEHOLDER: usize = 150;
pub const CHOICES: usize = 25;
pub const CHOICE_NAME: usize = 100;
pub const CHOICE_STRING_VALUE: usize = 100;
pub const COMMAND_NAME: usize = 32;
pub const COMMAND_DESCRIPTION: usize = 100;
pub const COMMAND_OPTIONS: usize = 25;
pub const COMMAND_TOTAL: usize = 4000;
pub const CHAT_INPUT_COMMANDS: usize = 100;

/// Message flag that switches a message to the newer layout components (no row limits).
const IS_COMPONENTS_V2: u64 = 1 << 15;

const BUTTON: u64 = 2;
const ACTION_ROW: u64 = 1;
const LINK_STYLE: u64 = 5;
const PREMIUM_STYLE: u64 = 6;
const SUBCOMMAND: u64 = 1;
const SUBCOMMAND_GROUP: u64 = 2;
const STRING_OPTION: u64 = 3;

fn chars(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_str)
        .map_or(0, |text| text.chars().count())
}

fn max_chars(problems: &mut Vec<Problem>, parent: &Value, path: &[String], key: &str, max: usize) {
    let count = chars(parent.get(key));
    if count > max {
        problems.push(Problem::too_long(&child(path, key), max, count));
    }
}

fn between_chars(
    problems: &mut Vec<Problem>,
    parent: &Value,
    path: &[String],
    key: &str,
    range: (usize, usize),
) {
    let path = child(path, key);
    match parent.get(key).and_then(Value::as_str) {
        None => problems.push(Problem::required(&path)),
        Some(text) => {
            let count = text.chars().count();
            if count < range.0 || count > range.1 {
                problems.push(Problem::new(
                    &path,
                    "BASE_TYPE_BAD_LENGTH",
                    format!(
                        "Must be between {} and {} in length. (got {count})",
                        range.0, range.1
                    ),
                ));
            }
        }
    }
}

fn array<'a>(parent: &'a Value, key: &str) -> &'a [Value] {
    parent
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn max_items(problems: &mut Vec<Problem>, parent: &Value, path: &[String], key: &str, max: usize) {
    let count = array(parent, key).len();
    if count > max {
        problems.push(Problem::too_long(&child(path, key), max, count));
    }
}

/// A message body (create, edit, follow-up, interaction response data) at `path`.
/// `must_have_content` is false for edits, which may change only some fields.
pub fn message(body: &Value, path: &[String], must_have_content: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    max_chars(&mut problems, body, path, "content", CONTENT);
    embeds(&mut problems, body, path);
    components(&mut problems, body, path);
    if must_have_content && is_empty_message(body) {
        problems.push(Problem::new(
            path,
            EMPTY_MESSAGE,
            "Cannot send an empty message",
        ));
    }
    problems
}

fn is_empty_message(body: &Value) -> bool {
    let has_text = chars(body.get("content")) > 0;
    let has_any = |key: &str| !array(body, key).is_empty();
    let has_poll = body.get("poll").is_some_and(|poll| !poll.is_null());
    !(has_text
        || has_any("embeds")
        || has_any("components")
        || has_any("attachments")
        || has_any("sticker_ids")
        || has_poll)
}

fn embeds(problems: &mut Vec<Problem>, body: &Value, path: &[String]) {
    max_items(problems, body, path, "embeds", EMBEDS);
    let mut total = 0;
    for (index, embed) in array(body, "embeds").iter().enumerate() {
        let at = child(&child(path, "embeds"), index);
        max_chars(problems, embed, &at, "title", EMBED_TITLE);
        max_chars(problems, embed, &at, "description", EMBED_DESCRIPTION);
        max_items(problems, embed, &at, "fields", EMBED_FIELDS);
        total += chars(embed.get("title")) + chars(embed.get("description"));
        for (field_index, field) in array(embed, "fields").iter().enumerate() {
            let field_at = child(&child(&at, "fields"), field_index);
            max_chars(problems, field, &field_at, "name", FIELD_NAME);
            max_chars(problems, field, &field_at, "value", FIELD_VALUE);
            for key in ["name", "value"] {
                let blank = field
                    .get(key)
                    .and_then(Value::as_str)
                    .is_none_or(|text| text.trim().is_empty());
                if blank {
                    problems.push(Problem::required(&child(&field_at, key)));
                }
            }
            total += chars(field.get("name")) + chars(field.get("value"));
        }
        if let Some(footer) = embed.get("footer").filter(|f| f.is_object()) {
            max_chars(problems, footer, &child(&at, "footer"), "text", FOOTER_TEXT);
            total += chars(footer.get("text"));
        }
        if let Some(author) = embed.get("author").filter(|a| a.is_object()) {
            max_chars(problems, author, &child(&at, "author"), "name", AUTHOR_NAME);
            total += chars(author.get("name"));
        }
    }
    if total > EMBEDS_TOTAL {
        problems.push(Problem::new(
            &child(path, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {EMBEDS_TOTAL} (got {total})"),
        ));
    }
}

fn components(problems: &mut Vec<Problem>, body: &Value, path: &[String]) {
    let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0);
    if flags & IS_COMPONENTS_V2 != 0 {
        return;
    }
    max_items(problems, body, path, "components", ACTION_ROWS);
    let mut custom_ids = HashSet::new();
    for (row_index, row) in array(body, "components").iter().enumerate() {
        let row_at = child(&child(path, "components"), row_index);
        if row.get("type").and_then(Value::as_u64) != Some(ACTION_ROW) {
            problems.push(Problem::new(
                &child(&row_at, "type"),
                "COMPONENT_LAYOUT_INVALID",
                "Top-level components must be action rows (type 1)",
            ));
            continue;
        }
        let children = array(row, "components");
        let buttons = children
            .iter()
            .filter(|c| c.get("type").and_then(Value::as_u64) == Some(BUTTON))
            .count();
        if buttons > BUTTONS_PER_ROW {
            problems.push(Problem::too_long(
                &child(&row_at, "components"),
                BUTTONS_PER_ROW,
                buttons,
            ));
        }
        if buttons < children.len() && children.len() > 1 {
            problems.push(Problem::new(
                &child(&row_at, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "A select menu must be alone in its action row",
            ));
        }
        for (index, component) in children.iter().enumerate() {
            let at = child(&child(&row_at, "components"), index);
            component_limits(problems, component, &at, &mut custom_ids);
        }
    }
}

fn component_limits(
    problems: &mut Vec<Problem>,
    component: &Value,
    at: &[String],
    custom_ids: &mut HashSet<String>,
) {
    let is_button = component.get("type").and_then(Value::as_u64) == Some(BUTTON);
    let style = component.get("style").and_then(Value::as_u64);
    let is_link = is_button && style == Some(LINK_STYLE);
    let is_premium = is_button && style == Some(PREMIUM_STYLE);
    if is_link {
        if component.get("url").and_then(Value::as_str).is_none() {
            problems.push(Problem::required(&child(at, "url")));
        }
        if component.get("custom_id").is_some_and(|id| !id.is_null()) {
            problems.push(Problem::new(
                &child(at, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A link button cannot have a custom_id",
            ));
        }
    } else if !is_premium {
        between_chars(problems, component, at, "custom_id", (1, CUSTOM_ID));
        if let Some(id) = component.get("custom_id").and_then(Value::as_str) {
            if !custom_ids.insert(id.to_string()) {
                problems.push(Problem::new(
                    &child(at, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                ));
            }
        }
    }
    if is_button {
        max_chars(problems, component, at, "label", BUTTON_LABEL);
        let has_label = chars(component.get("label")) > 0;
        let has_emoji = component.get("emoji").is_some_and(|e| !e.is_null());
        if !has_label && !has_emoji && !is_premium {
            problems.push(Problem::new(
                &child(at, "label"),
                "BUTTON_COMPONENT_INVALID",
                "A button needs a label or an emoji",
            ));
        }
        return;
    }
    max_chars(problems, component, at, "placeholder", SELECT_PLACEHOLDER);
    max_items(problems, component, at, "options", SELECT_OPTIONS);
    for (index, option) in array(component, "options").iter().enumerate() {
        let option_at = child(&child(at, "options"), index);
        between_chars(
            problems,
            option,
            &option_at,
            "label",
            (1, SELECT_OPTION_TEXT),
        );
        between_chars(
            problems,
            option,
            &option_at,
            "value",
            (1, SELECT_OPTION_TEXT),
        );
        max_chars(
            problems,
            option,
            &option_at,
            "description",
            SELECT_OPTION_TEXT,
        );
    }
}

/// The data of an autocomplete answer (interaction callback type 8).
pub fn autocomplete(data: &Value, path: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    choices(&mut problems, data, path);
    problems
}

fn choices(problems: &mut Vec<Problem>, parent: &Value, path: &[String]) {
    max_items(problems, parent, path, "choices", CHOICES);
    for (index, choice) in array(parent, "choices").iter().enumerate() {
        let at = child(&child(path, "choices"), index);
        between_chars(problems, choice, &at, "name", (1, CHOICE_NAME));
        if choice.get("value").is_some_and(Value::is_string) {
            max_chars(problems, choice, &at, "value", CHOICE_STRING_VALUE);
        }
    }
}

/// A bulk overwrite of application commands (`PUT .../commands`).
pub fn commands(list: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let commands = list.as_array().map_or(&[][..], Vec::as_slice);
    let chat_input = commands.iter().filter(|c| command_type(c) == 1).count();
    if chat_input > CHAT_INPUT_COMMANDS {
        problems.push(Problem::too_long(&[], CHAT_INPUT_COMMANDS, chat_input));
    }
    let mut seen = HashSet::new();
    for (index, command) in commands.iter().enumerate() {
        let at = vec![index.to_string()];
        let name = command.get("name").and_then(Value::as_str).unwrap_or("");
        if !seen.insert((command_type(command), name.to_string())) {
            problems.push(Problem::new(
                &child(&at, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                format!("Application command names must be unique ({name})"),
            ));
        }
        one_command(&mut problems, command, &at);
    }
    problems
}

fn command_type(command: &Value) -> u64 {
    command.get("type").and_then(Value::as_u64).unwrap_or(1)
}

fn one_command(problems: &mut Vec<Problem>, command: &Value, at: &[String]) {
    if command_type(command) != 1 {
        between_chars(problems, command, at, "name", (1, COMMAND_NAME));
        return;
    }
    name(problems, command, at);
    between_chars(
        problems,
        command,
        at,
        "description",
        (1, COMMAND_DESCRIPTION),
    );
    options(problems, command, at, 0);
    let size = command_size(command);
    if size > COMMAND_TOTAL {
        problems.push(Problem::new(
            at,
            "APPLICATION_COMMAND_TOO_LARGE",
            format!("Command exceeds maximum size ({COMMAND_TOTAL}) (got {size})"),
        ));
    }
}

/// Names of chat-input commands and options: `^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`,
/// in lower case where the script has case.
fn name(problems: &mut Vec<Problem>, item: &Value, at: &[String]) {
    between_chars(problems, item, at, "name", (1, COMMAND_NAME));
    let Some(name) = item.get("name").and_then(Value::as_str) else {
        return;
    };
    let allowed = name
        .chars()
        .all(|c| c == '-' || c == '_' || c.is_alphanumeric());
    if !allowed {
        problems.push(Problem::new(
            &child(at, "name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name is invalid ({name:?})"),
        ));
    }
    if name.to_lowercase() != name {
        problems.push(Problem::new(
            &child(at, "name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name must be lower case ({name:?})"),
        ));
    }
}

fn options(problems: &mut Vec<Problem>, parent: &Value, at: &[String], depth: usize) {
    max_items(problems, parent, at, "options", COMMAND_OPTIONS);
    let list = array(parent, "options");
    let kind = |option: &Value| option.get("type").and_then(Value::as_u64).unwrap_or(0);
    let is_sub = |option: &Value| matches!(kind(option), SUBCOMMAND | SUBCOMMAND_GROUP);
    let subs = list.iter().filter(|o| is_sub(o)).count();
    if subs > 0 && subs < list.len() {
        problems.push(Problem::new(
            &child(at, "options"),
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Subcommands cannot be mixed with other options",
        ));
    }
    let mut names = HashSet::new();
    let mut optional_seen = false;
    for (index, option) in list.iter().enumerate() {
        let option_at = child(&child(at, "options"), index);
        name(problems, option, &option_at);
        between_chars(
            problems,
            option,
            &option_at,
            "description",
            (1, COMMAND_DESCRIPTION),
        );
        let option_name = option.get("name").and_then(Value::as_str).unwrap_or("");
        if !names.insert(option_name.to_string()) {
            problems.push(Problem::new(
                &child(&option_at, "name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                format!("Option names must be unique ({option_name})"),
            ));
        }
        let nesting_ok = match kind(option) {
            SUBCOMMAND_GROUP => depth == 0,
            SUBCOMMAND => depth == 0 || parent.get("type").and_then(Value::as_u64) == Some(2),
            _ => true,
        };
        if !nesting_ok {
            problems.push(Problem::new(
                &option_at,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Subcommands nest at most as command > group > subcommand",
            ));
        }
        if is_sub(option) {
            options(problems, option, &option_at, depth + 1);
            continue;
        }
        let required = option
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if required && optional_seen {
            problems.push(Problem::new(
                &child(&option_at, "required"),
                "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                "Required options must be placed before non-required options",
            ));
        }
        optional_seen |= !required;
        let autocompletes = option.get("autocomplete").and_then(Value::as_bool) == Some(true);
        if autocompletes && !array(option, "choices").is_empty() {
            problems.push(Problem::new(
                &child(&option_at, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices",
            ));
        }
        if kind(option) == STRING_OPTION || !array(option, "choices").is_empty() {
            choices(problems, option, &option_at);
        }
    }
}

/// Characters Discord counts towards a command's size: names, descriptions, choice names
/// and values, at every level.
fn command_size(item: &Value) -> usize {
    let own = chars(item.get("name")) + chars(item.get("description"));
    let choice_chars: usize = array(item, "choices")
        .iter()
        .map(|choice| {
            let value = choice.get("value");
            let value_chars = value.and_then(Value::as_str).map_or_else(
                || value.map_or(0, |v| v.to_string().len()),
                |s| s.chars().count(),
            );
            chars(choice.get("name")) + value_chars
        })
        .sum();
    let nested: usize = array(item, "options").iter().map(command_size).sum();
    own + choice_chars + nested
}
