//! Suggestions for options that name an issue: "310 — AlphaZero learned Chess…".

use super::limits::{shorten, AUTOCOMPLETE_CHOICES, CHOICE_NAME};
use crate::store::{Store, StoreError};

/// One suggestion: what the reader sees and the number the option receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: u32,
}

/// Issues whose number or title matches what was typed, newest first, at most 25.
pub async fn issue_choices(store: &Store, typed: &str) -> Result<Vec<Choice>, StoreError> {
    let typed: String = typed.chars().take(100).collect();
    let titles = store
        .autocomplete(typed.trim(), AUTOCOMPLETE_CHOICES as u32)
        .await?;
    Ok(titles
        .into_iter()
        .take(AUTOCOMPLETE_CHOICES)
        .map(|t| Choice {
            name: shorten(&format!("{} — {}", t.number, t.title), CHOICE_NAME),
            value: t.number,
        })
        .collect())
}
