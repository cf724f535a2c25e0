//! RSS and Atom feeds, read with feed-rs. Each item is one document: its title is the
//! issue header, its link the URL, its publication date the date, and its HTML content
//! (`content:encoded`, Atom `content`, or else the description) is read by the HTML
//! reader. Beside content, the description is the subtitle.

use super::paragraph::{Document, Meta};
use super::{html, meta, ArchiveError};

/// A description longer than this is an excerpt of the body, not a subtitle.
const MAX_SUBTITLE_CHARS: usize = 300;

/// Reads every item of the feed into a document.
pub fn read(bytes: &[u8]) -> Result<Vec<Document>, ArchiveError> {
    let feed =
        feed_rs::parser::parse(bytes).map_err(|error| ArchiveError::Feed(error.to_string()))?;
    feed.entries
        .into_iter()
        .map(|entry| {
            let subtitle = entry
                .summary
                .as_ref()
                .map(|summary| plain_text(&summary.content))
                .filter(|summary| {
                    !summary.is_empty() && summary.chars().count() <= MAX_SUBTITLE_CHARS
                });
            let (content, subtitle) = match entry.content.and_then(|content| content.body) {
                Some(content) => (content, subtitle),
                // Without content, the description is the issue itself.
                None => (
                    entry
                        .summary
                        .map(|summary| summary.content)
                        .unwrap_or_default(),
                    None,
                ),
            };
            Ok(Document {
                meta: Meta {
                    title: entry
                        .title
                        .map(|title| meta::title_without_site(&plain_text(&title.content))),
                    url: entry
                        .links
                        .iter()
                        .find_map(|link| meta::canonical_url(&link.href)),
                    published: entry.published.or(entry.updated).map(|at| at.date_naive()),
                    subtitle,
                    captured: false,
                },
                paragraphs: html::read_fragment(&content)?,
            })
        })
        .collect()
}

/// A title with any markup or leftover entities (`&#8217;`) reduced to text.
pub fn plain_text(title: &str) -> String {
    let paragraphs = html::read_fragment(title).unwrap_or_default();
    let text: Vec<String> = paragraphs.iter().map(|p| p.text()).collect();
    let text = text.join(" ");
    if text.is_empty() {
        title.trim().to_string()
    } else {
        text
    }
}
