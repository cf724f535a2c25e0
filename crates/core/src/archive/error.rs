//! Why a source could not be read. The CLI prefixes the source's name, so messages say
//! what is wrong and what to do, and name the issue where one is concerned.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ArchiveError {
    #[error("the source is empty: give a file or page with at least one Import AI issue")]
    Empty,

    #[error(
        "the source is {size} bytes, more than the {max} bytes one source may hold: \
         split it into smaller files (one issue per file is fine)"
    )]
    TooLarge { size: u64, max: u64 },

    #[error(
        "the source is binary data (a NUL byte at offset {offset}), not text, Markdown, \
         HTML or a feed: convert it to UTF-8 text first"
    )]
    Binary { offset: usize },

    #[error(
        "the source is not valid UTF-8 (the first bad byte is at offset {offset}): \
         save it as UTF-8 and try again"
    )]
    NotUtf8 { offset: usize },

    #[error(
        "no issue found: each issue must start with a line like \
         `Import AI 310: <title>` (or have it as its page, feed item or front-matter title)"
    )]
    NoIssueHeader,

    #[error("Import AI {number} appears twice in this source: keep one copy of each issue")]
    DuplicateIssue { number: u32 },

    #[error(
        "Import AI {number} has a header but no sections and no tale: the source seems \
         cut off after its header; use the complete issue"
    )]
    EmptyIssue { number: u32 },

    #[error(
        "Import AI {number} stops in the middle of section {position} (“{section}”) and \
         has no tale: the source seems cut off; use the complete issue"
    )]
    Truncated {
        number: u32,
        position: u32,
        section: String,
    },

    #[error(
        "Import AI {number} stops right after the heading of its tale (“{title}”): the \
         source seems cut off; use the complete issue"
    )]
    TruncatedTale { number: u32, title: String },

    #[error("the HTML could not be read: {0}")]
    Html(String),

    #[error("the feed could not be read: {0}; check that it is an RSS or Atom feed")]
    Feed(String),
}
