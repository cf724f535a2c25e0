//! A post's body read into its issue by the same HTML reader and segmenter as `ingest`, with
//! the title, date and URL the site's API gave rather than guesses from the page.

use chrono::NaiveDate;

use super::titles;
use crate::archive::paragraph::{Document, Meta};
use crate::archive::{html, segment, ArchiveError, Issue};
use crate::store::CrawlPost;

/// A post's body as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The post's content alone (an API's `body_html`, `content.rendered`, a feed item).
    Fragment(String),
    /// The post's whole web page.
    Page(String),
}

/// Why a body did not give its issue.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Archive(#[from] ArchiveError),
    #[error("its title is not an issue's")]
    NotAnIssue,
    #[error("the body holds no Import AI {0}")]
    Missing(u32),
}

/// Reads the issue `post` announces from its body.
pub fn read_issue(post: &CrawlPost, body: &Body) -> Result<Issue, ReadError> {
    let (number, rest) = titles::issue_of(&post.title).ok_or(ReadError::NotAnIssue)?;
    let meta = Meta {
        title: Some(titles::issue_title(number, &rest)),
        url: Some(post.url.clone()),
        published: post.published.as_deref().and_then(date),
        subtitle: None,
        captured: false,
    };
    let document = match body {
        Body::Fragment(html) => Document {
            meta,
            paragraphs: html::read_fragment(html)?,
        },
        Body::Page(html) => {
            let page = html::read(html)?;
            Document {
                meta: Meta {
                    subtitle: page.meta.subtitle,
                    ..meta
                },
                paragraphs: page.paragraphs,
            }
        }
    };
    if document.paragraphs.is_empty() {
        return Err(ArchiveError::Html("the post's body holds no text".into()).into());
    }
    segment(&document)?
        .into_iter()
        .find(|issue| issue.number == number)
        .ok_or(ReadError::Missing(number))
}

/// The day of an API's timestamp: `2023-03-20T10:00:00.000Z`, `2016-05-01T12:00:00`.
pub fn date(timestamp: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(timestamp.get(..10)?, "%Y-%m-%d").ok()
}
