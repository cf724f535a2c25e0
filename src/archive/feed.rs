//! RSS and Atom feeds, read with feed-rs. Each item is one document: its title is the
//! issue header, its link the URL, its publication date the date, and its HTML content
//! (`content:encoded`, Atom `content`, or else the description) is read by the HTML
//! reader.

use super::paragraph::{Document, Meta};
use super::{html, ArchiveError};

/// Reads every item of the feed into a document.
pub fn read(bytes: &[u8]) -> Result<Vec<Document>, ArchiveError> {
    let feed =
        feed_rs::parser::parse(bytes).map_err(|error| ArchiveError::Feed(error.to_string()))?;
    feed.entries
        .into_iter()
        .map(|entry| {
            let content = entry
                .content
                .and_then(|content| content.body)
                .or_else(|| entry.summary.map(|summary| summary.content))
                .unwrap_or_default();
            Ok(Document {
                meta: Meta {
                    title: entry.title.map(|title| plain_text(&title.content)),
                    url: entry.links.first().map(|link| link.href.clone()),
                    published: entry.published.or(entry.updated).map(|at| at.date_naive()),
                },
                paragraphs: html::read_fragment(&content)?,
            })
        })
        .collect()
}

/// A title with any markup or leftover entities (`&#8217;`) reduced to text.
fn plain_text(title: &str) -> String {
    let paragraphs = html::read_fragment(title).unwrap_or_default();
    let text: Vec<String> = paragraphs.iter().map(|p| p.text()).collect();
    let text = text.join(" ");
    if text.is_empty() {
        title.trim().to_string()
    } else {
        text
    }
}
