//! Replies for each command, built from the store, free of Discord types.
//!
//! One file per command. Every reply leaves through [`answer`], which passes it through
//! [`limits::enforce`], so Discord's limits are kept in one place for every front end.

pub mod about;
pub mod autocomplete;
pub mod digest;
pub mod error;
pub mod issue;
pub mod latest;
pub mod limits;
pub mod links;
pub mod pager;
pub mod reply;
pub mod search;
pub mod section;
pub mod section_text;
pub mod tale;
pub mod target;
pub mod text;
pub mod trend;

pub use error::AnswerError;
pub use reply::{Attachment, Card, Control, Field, LinkButton, MenuId, MenuOption, Reply, Tone};
pub use target::{SearchText, Target, UnknownTarget};

use std::sync::Arc;

use crate::archive::{Issue, FIRST_ISSUE_NUMBER};
use crate::store::Store;

/// A question a reader can ask, from a command or a control. Numbers are as typed (an
/// `i64`), so that 0 or -1 get an explanation rather than a parse error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    Issue(i64),
    Section {
        issue: i64,
        position: i64,
    },
    /// A page (1-based) of a section's whole text.
    SectionText {
        issue: i64,
        position: i64,
        page: u32,
    },
    /// A random tale for a channel (any key for where it was asked): none of the
    /// channel's last random ones while others remain.
    RandomTale {
        channel: u64,
    },
    /// A tale: of an issue, or a random one; the page is 1-based.
    Tale {
        issue: Option<i64>,
        page: u32,
    },
    Links {
        issue: i64,
        page: u32,
    },
    Search(search::SearchAsk),
    Trend(trend::TrendAsk),
    Latest,
    About,
}

impl From<Target> for Question {
    fn from(target: Target) -> Self {
        match target {
            Target::Issue(n) => Question::Issue(n.into()),
            Target::Section { issue, position } => Question::Section {
                issue: issue.into(),
                position: position.into(),
            },
            Target::SectionText {
                issue,
                position,
                page,
            } => Question::SectionText {
                issue: issue.into(),
                position: position.into(),
                page,
            },
            Target::Tale { issue, page } => Question::Tale {
                issue: Some(issue.into()),
                page,
            },
            Target::Links { issue, page } => Question::Links {
                issue: issue.into(),
                page,
            },
            Target::Search(text) => Question::Search(text.as_str().into()),
        }
    }
}

/// The reply to a question, within Discord's limits; or why there is none.
pub async fn answer(store: &Store, question: &Question) -> Result<Reply, AnswerError> {
    let reply = match question {
        Question::Issue(n) => issue::issue(store, *n).await?,
        Question::Section { issue, position } => section::section(store, *issue, *position).await?,
        Question::SectionText {
            issue,
            position,
            page,
        } => section::whole(store, *issue, *position, *page).await?,
        Question::Tale { issue, page } => tale::tale(store, *issue, *page).await?,
        Question::RandomTale { channel } => tale::random_for(store, *channel).await?,
        Question::Links { issue, page } => links::links(store, *issue, *page).await?,
        Question::Search(query) => search::search(store, query).await?,
        Question::Trend(ask) => trend::trend(store, ask).await?,
        Question::Latest => latest::latest(store).await?,
        Question::About => about::about(store).await?,
    };
    Ok(limits::enforce(reply))
}

/// The reply to a question, with failures turned into a reply the reader can act on.
pub async fn respond(store: &Store, question: &Question) -> Reply {
    settle(answer(store, question).await, question).0
}

/// What became of a question, for the log line and the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    /// The reader was told what was wrong with the question.
    Explained(String),
    /// Something failed on our side; the detail is in the log.
    Internal,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Answered => f.write_str("answered"),
            Outcome::Explained(why) => write!(f, "explained: {why}"),
            Outcome::Internal => f.write_str("internal error"),
        }
    }
}

/// The one way an answer or its failure becomes a reply, for every front end: a failure the
/// reader can act on is explained; an internal one is logged with `asked` and its detail,
/// and the reader sees a short notice.
pub fn settle(
    answered: Result<Reply, AnswerError>,
    asked: &(dyn std::fmt::Debug + Sync),
) -> (Reply, Outcome) {
    match answered {
        Ok(reply) => (reply, Outcome::Answered),
        Err(error) => {
            let outcome = if error.is_internal() {
                tracing::error!(?asked, %error, "answer failed");
                Outcome::Internal
            } else {
                Outcome::Explained(error.to_string())
            };
            (limits::enforce(error.to_reply()), outcome)
        }
    }
}

/// The issue a reader asked for, or an error that names the archive's range.
async fn find_issue(store: &Store, asked: i64) -> Result<Arc<Issue>, AnswerError> {
    let found = match u32::try_from(asked) {
        Ok(number) if number >= FIRST_ISSUE_NUMBER => store.issue(number).await?,
        _ => None,
    };
    match found {
        Some(issue) => Ok(issue),
        None => Err(AnswerError::UnknownIssue {
            asked,
            range: store.issue_range().await?,
        }),
    }
}
