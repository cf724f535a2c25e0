//! The newsletter as data: readers per source format reduce text, Markdown and HTML to
//! paragraphs with inline links; one segmenter turns paragraphs into an [`Issue`].
//!
//! ```text
//! bytes -> validate -> text | markdown | html | feed reader -> Document (paragraphs)
//!       -> segment -> Vec<Issue>
//! ```

mod dates;
mod error;
pub mod feed;
mod front_matter;
pub mod html;
mod html_depth;
pub mod markdown;
mod mentions;
pub mod merge;
mod meta;
pub mod model;
pub mod paragraph;
mod segment;
mod summary;
pub mod text;

pub use error::ArchiveError;
pub use model::{Issue, Link, Section, Tale, FIRST_ISSUE_NUMBER};
pub use paragraph::Document;
pub use segment::segment;
pub use summary::{summarize, MAX_SUMMARY_CHARS};

/// The largest source accepted (16 MiB); the whole Import AI archive is far smaller.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// The archive shipped with the product: ten issues as plain text.
pub const BUNDLED_ARCHIVE: &str = include_str!("../../../../data/import-ai-301-310.txt");

/// Name to give [`BUNDLED_ARCHIVE`] when parsing or reporting it.
pub const BUNDLED_ARCHIVE_NAME: &str = "import-ai-301-310.txt";

/// How long a stretch of text is checked for control characters when sniffing for binary.
const SNIFF_BYTES: usize = 8 * 1024;

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Feed,
}

/// The format of a source, from its name's extension when it has a known one, else from
/// its first bytes. `name` may be a path or a URL.
pub fn detect_format(name: &str, bytes: &[u8]) -> Format {
    by_extension(name).unwrap_or_else(|| sniff(bytes))
}

fn by_extension(name: &str) -> Option<Format> {
    let path = name.split(['?', '#']).next().unwrap_or(name);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (_, extension) = file.rsplit_once('.')?;
    match extension.to_ascii_lowercase().as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" | "mdown" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "xml" | "rss" | "atom" => Some(Format::Feed),
        _ => None,
    }
}

fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if start.starts_with("<rss") || start.starts_with("<feed") || start.starts_with("<rdf") {
        return Format::Feed;
    }
    if start.starts_with("<?xml") {
        let feed = head.contains("<rss") || head.contains("<feed") || head.contains("<rdf");
        return if feed { Format::Feed } else { Format::Html };
    }
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || head.contains("<body")
        || head.contains("<p>")
    {
        return Format::Html;
    }
    let front_matter = start.starts_with("---\n") || start.starts_with("---\r\n");
    let bold_line = head.lines().any(|line| {
        line.trim_start()
            .strip_prefix("**")
            .is_some_and(|rest| rest.starts_with(char::is_alphanumeric))
    });
    if front_matter || bold_line || head.contains("](http") || head.contains("\\*\\*\\*") {
        return Format::Markdown;
    }
    Format::Text
}

/// Parses a source: checks that it is reasonable text, detects its format from its name
/// and content, and segments it into issues.
pub fn parse(source_name: &str, bytes: &[u8]) -> Result<Vec<Issue>, ArchiveError> {
    let text = validate(bytes)?;
    parse_valid(detect_format(source_name, bytes), text)
}

/// Parses a source in a known format (after the same checks as [`parse`]).
pub fn parse_as(format: Format, bytes: &[u8]) -> Result<Vec<Issue>, ArchiveError> {
    parse_valid(format, validate(bytes)?)
}

fn parse_valid(format: Format, text: &str) -> Result<Vec<Issue>, ArchiveError> {
    match format {
        Format::Text => parse_text(text),
        Format::Markdown => parse_markdown(text),
        Format::Html => parse_html(text),
        Format::Feed => parse_feed(text),
    }
}

/// Issues in plain text.
pub fn parse_text(text: &str) -> Result<Vec<Issue>, ArchiveError> {
    segment(&text::read(text))
}

/// Issues in Markdown (a Substack export, say).
pub fn parse_markdown(markdown: &str) -> Result<Vec<Issue>, ArchiveError> {
    segment(&markdown::read(markdown))
}

/// The issue on an HTML post page.
pub fn parse_html(html: &str) -> Result<Vec<Issue>, ArchiveError> {
    segment(&html::read(html)?)
}

/// The issues in an RSS or Atom feed. Items that are not issues (no `Import AI N:`
/// title or header) are skipped; a feed with no issue at all is an error.
pub fn parse_feed(feed: &str) -> Result<Vec<Issue>, ArchiveError> {
    let mut issues = Vec::new();
    for document in feed::read(feed.as_bytes())? {
        match segment(&document) {
            Ok(found) => issues.extend(found),
            Err(ArchiveError::NoIssueHeader) => {}
            Err(error) => return Err(error),
        }
    }
    if issues.is_empty() {
        return Err(ArchiveError::NoIssueHeader);
    }
    let mut numbers: Vec<u32> = issues.iter().map(|issue| issue.number).collect();
    numbers.sort_unstable();
    if let Some(pair) = numbers.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(ArchiveError::DuplicateIssue { number: pair[0] });
    }
    Ok(issues)
}

/// The bundled archive, parsed.
pub fn bundled_issues() -> Result<Vec<Issue>, ArchiveError> {
    parse_text(BUNDLED_ARCHIVE)
}

/// Checks size, emptiness, binary content and encoding, cheapest first, and returns the
/// text without a byte-order mark.
fn validate(bytes: &[u8]) -> Result<&str, ArchiveError> {
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(ArchiveError::TooLarge {
            size: bytes.len() as u64,
            max: MAX_SOURCE_BYTES as u64,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ArchiveError::Empty);
    }
    if let Some(offset) = bytes.iter().position(|&byte| byte == 0) {
        return Err(ArchiveError::Binary { offset });
    }
    let text = std::str::from_utf8(bytes).map_err(|error| ArchiveError::NotUtf8 {
        offset: error.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ArchiveError::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension_then_by_content() {
        assert_eq!(detect_format("a/b.TXT", b"<html>"), Format::Text);
        assert_eq!(detect_format("x.md", b""), Format::Markdown);
        assert_eq!(
            detect_format("https://s.test/feed.xml?x=1", b""),
            Format::Feed
        );
        assert_eq!(
            detect_format("https://s.test/p/import-ai-320", b"<!DOCTYPE html><html>"),
            Format::Html
        );
        assert_eq!(
            detect_format("feed", b"<?xml version=\"1.0\"?><rss>"),
            Format::Feed
        );
        assert_eq!(
            detect_format("feed", b"  <feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Format::Feed
        );
        assert_eq!(
            detect_format("post", b"---\ntitle: x\n---\n"),
            Format::Markdown
        );
        assert_eq!(
            detect_format("post", b"Import AI 1: x\n\nHi."),
            Format::Text
        );
    }

    #[test]
    fn validation_errors_are_specific() {
        assert_eq!(validate(b""), Err(ArchiveError::Empty));
        assert_eq!(validate(b" \n\t"), Err(ArchiveError::Empty));
        assert_eq!(validate("\u{feff}".as_bytes()), Err(ArchiveError::Empty));
        assert_eq!(validate(b"ab\0cd"), Err(ArchiveError::Binary { offset: 2 }));
        assert_eq!(
            validate(b"ok \xff"),
            Err(ArchiveError::NotUtf8 { offset: 3 })
        );
        assert_eq!(validate("\u{feff}Hi".as_bytes()), Ok("Hi"));
    }

    #[test]
    fn the_bundled_archive_parses() {
        assert_eq!(bundled_issues().map(|issues| issues.len()), Ok(10));
    }
}
