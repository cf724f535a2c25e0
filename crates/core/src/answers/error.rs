//! Why an answer could not be given: the reader's mistake, or ours.

use super::limits::shorten;
use super::reply::Reply;
use super::text::escape_markdown;
use super::trend::TrendError;
use crate::store::StoreError;

/// At most this much of what a reader typed is quoted back.
const TYPED_SHOWN_MAX: usize = 60;

/// A failed answer. User errors explain what to do; internal ones are logged, not shown.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("there is no issue {asked} in the archive")]
    UnknownIssue {
        asked: i64,
        range: Option<(u32, u32)>,
    },
    #[error("issue {issue} has no section {asked}")]
    UnknownSection { issue: u32, asked: i64, count: u32 },
    #[error("issue {0} has no tale")]
    NoTale(u32),
    #[error("the archive holds no issues yet")]
    EmptyArchive,
    /// Nothing but spaces, symbols or emoji: what was typed, trimmed.
    #[error("the search had no words in it")]
    EmptySearch { typed: String },
    #[error("the search is too long")]
    SearchTooLong { max: usize },
    #[error("the search's years run backwards ({from} to {to})")]
    YearsReversed { from: i32, to: i32 },
    #[error("this button is from a message the bot no longer understands")]
    UnknownControl,
    #[error(transparent)]
    Trend(#[from] TrendError),
    #[error("the chart could not be drawn: {0}")]
    Chart(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AnswerError {
    /// Whether this is our fault (log it) rather than the reader's (explain it).
    pub fn is_internal(&self) -> bool {
        matches!(self, AnswerError::Store(_) | AnswerError::Chart(_))
    }

    /// What the reader sees: a short private message that says what to do.
    pub fn to_reply(&self) -> Reply {
        match self {
            AnswerError::UnknownIssue { asked, range } => {
                let hint = match range {
                    Some((first, last)) => format!(
                        "The archive holds issues {first} to {last}. Try `/issue {last}` for the newest, or `/search` to find one by topic."
                    ),
                    None => "The archive is empty; ask an admin to ingest some issues.".into(),
                };
                Reply::notice("No such issue", format!("There is no issue {asked} in the archive. {hint}"))
            }
            AnswerError::UnknownSection { issue, asked, count } => Reply::notice(
                "No such section",
                format!(
                    "Issue {issue} has {count} section{s}; there is no section {asked}. Pick a position from 1 to {count}, or open `/issue {issue}` to see them all.",
                    s = if *count == 1 { "" } else { "s" }
                ),
            ),
            AnswerError::NoTale(issue) => Reply::notice(
                "No tale in this issue",
                format!("Issue {issue} has no Tech Tale. Try `/tale` for a random one."),
            ),
            AnswerError::EmptyArchive => Reply::notice(
                "The archive is empty",
                "No issues have been ingested yet. An admin can add them with `importai-bot ingest`.",
            ),
            AnswerError::EmptySearch { typed } => {
                let example = "such as `/search chess` or `/search language models`";
                let text = if typed.is_empty() {
                    format!("Type a word or two to look for, {example}.")
                } else {
                    format!(
                        "Searches look for words, and “{}” has no letters or digits in it. \
                         Type a word or two, {example}.",
                        shorten(&escape_markdown(typed), TYPED_SHOWN_MAX)
                    )
                };
                Reply::notice("Nothing to search for", text)
            }
            AnswerError::SearchTooLong { max } => Reply::notice(
                "That search is too long",
                format!("Searches can be up to {max} characters. Try a few distinctive words."),
            ),
            AnswerError::YearsReversed { from, to } => Reply::notice(
                "Those years run backwards",
                format!("`from` ({from}) is after `to` ({to}). Swap them, e.g. `from: {to}` `to: {from}`."),
            ),
            AnswerError::UnknownControl => Reply::notice(
                "That button has expired",
                "This control is from a message the bot no longer understands. Run the command again, e.g. `/issue`.",
            ),
            AnswerError::Trend(problem) => problem.to_reply(),
            AnswerError::Chart(_) => Reply::notice(
                "The chart could not be drawn",
                "Something went wrong drawing the chart. Please try again in a minute; if it keeps happening, tell the server's admins.",
            ),
            AnswerError::Store(_) => Reply::notice(
                "Something went wrong on our side",
                "The archive could not be read just now. Please try again in a minute; if it keeps happening, tell the server's admins.",
            ),
        }
    }
}
