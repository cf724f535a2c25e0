//! Autocomplete for options that name an issue.

use super::Context;
use crate::answers::autocomplete::issue_choices;
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse};

/// "310 — AlphaZero learned Chess…", newest first, matching number or title.
pub async fn issue_number(ctx: Context<'_>, typed: &str) -> CreateAutocompleteResponse {
    let choices = match issue_choices(&ctx.data().store, typed).await {
        Ok(choices) => choices,
        Err(error) => {
            tracing::error!(%error, typed, "issue autocomplete failed");
            Vec::new()
        }
    };
    CreateAutocompleteResponse::new().set_choices(
        choices
            .into_iter()
            .map(|c| AutocompleteChoice::new(c.name, c.value))
            .collect(),
    )
}
