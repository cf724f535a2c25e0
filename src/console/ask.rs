//! `importai-bot ask …`: the bot's answers in a terminal.

use std::path::PathBuf;

use crate::answers::search::SearchAsk;
use crate::answers::trend::{Per, TrendAsk};
use crate::answers::{self, Question};
use crate::discord::render;
use crate::store::{Store, Years};
use clap::{Args, Subcommand};

/// Ask what the bot would answer.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// Print the Discord message body the bot would send, as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: AskCommand,
}

#[derive(Debug, Subcommand)]
pub enum AskCommand {
    /// What an issue covered.
    Issue {
        #[arg(allow_negative_numbers = true)]
        number: i64,
    },
    /// One section's summary, why it matters, and its links; with --full, its whole text.
    Section {
        #[arg(allow_negative_numbers = true)]
        issue: i64,
        #[arg(allow_negative_numbers = true)]
        position: i64,
        /// The whole section, paged, instead of its summary.
        #[arg(long)]
        full: bool,
        /// Page of the whole section (with --full).
        #[arg(long, default_value_t = 1, requires = "full")]
        page: u32,
    },
    /// A Tech Tale: a random one, or an issue's.
    Tale {
        #[arg(long, allow_negative_numbers = true)]
        issue: Option<i64>,
        /// Page of a long tale.
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Every link of an issue, grouped by section.
    Links {
        #[arg(allow_negative_numbers = true)]
        issue: i64,
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Search sections and tales.
    Search {
        /// Words to look for (put `--` before words that start with '-').
        #[arg(num_args = 1..)]
        query: Vec<String>,
        /// Only issues published in this year or later.
        #[arg(long)]
        from: Option<i32>,
        /// Only issues published in this year or earlier.
        #[arg(long)]
        to: Option<i32>,
    },
    /// A chart of how often sections mention up to four terms, per issue, quarter or year.
    Trend {
        /// Comma-separated words or phrases, e.g. "agents, China".
        terms: String,
        /// First year to show.
        #[arg(long, allow_negative_numbers = true)]
        from: Option<i64>,
        /// Last year to show.
        #[arg(long, allow_negative_numbers = true)]
        to: Option<i64>,
        /// Length of a period: issue, quarter or year.
        #[arg(long, default_value = "year")]
        per: Per,
        /// Write the chart (PNG) to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The newest issue.
    Latest,
    /// What the archive holds.
    About,
}

impl From<AskCommand> for Question {
    fn from(command: AskCommand) -> Self {
        match command {
            AskCommand::Issue { number } => Question::Issue(number),
            AskCommand::Section {
                issue,
                position,
                full: false,
                ..
            } => Question::Section { issue, position },
            AskCommand::Section {
                issue,
                position,
                page,
                ..
            } => Question::SectionText {
                issue,
                position,
                page,
            },
            AskCommand::Tale { issue, page } => Question::Tale { issue, page },
            AskCommand::Links { issue, page } => Question::Links { issue, page },
            AskCommand::Search { query, from, to } => Question::Search(SearchAsk {
                text: query.join(" "),
                years: Years { from, to },
            }),
            AskCommand::Trend {
                terms,
                from,
                to,
                per,
                out: _,
            } => Question::Trend(TrendAsk {
                terms,
                from,
                to,
                per,
            }),
            AskCommand::Latest => Question::Latest,
            AskCommand::About => Question::About,
        }
    }
}

/// What `ask` prints, and whether the answer was a failure (for the exit status).
pub struct AskOutput {
    pub text: String,
    pub failed: bool,
}

/// Answer the question as text or as the Discord message body.
pub async fn ask(store: &Store, args: AskArgs) -> AskOutput {
    let out = match &args.command {
        AskCommand::Trend { out, .. } => out.clone(),
        _ => None,
    };
    let question = Question::from(args.command);
    let (reply, outcome) = answers::settle(answers::answer(store, &question).await, &question);
    let mut failed = outcome != answers::Outcome::Answered;
    let mut text = if args.json {
        format!("{}\n", render::message_json(&reply))
    } else {
        super::render(&reply)
    };
    if let Some(attachment) = &reply.attachment {
        let saved = match &out {
            Some(path) => match std::fs::write(path, &attachment.bytes) {
                Ok(()) => format!("Chart written to {}", path.display()),
                Err(e) => {
                    failed = true;
                    format!("The chart could not be written to {}: {e}", path.display())
                }
            },
            None => "Chart not written: add --out FILE.png to save it".to_owned(),
        };
        if !args.json {
            text.push_str(&format!("\n{saved} ({} bytes).\n", attachment.bytes.len()));
        } else if failed {
            eprintln!("{saved}");
        }
    }
    AskOutput { text, failed }
}
