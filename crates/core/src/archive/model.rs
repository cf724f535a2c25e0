//! The parsed form of an issue. Its serde shape is the export JSON contract (DESIGN.md §3).

use serde::{Deserialize, Serialize};

/// Import AI numbers its issues from 1: the one rule for a valid issue number, kept at
/// ingest and used by every answer.
pub const FIRST_ISSUE_NUMBER: u32 = 1;

/// One newsletter issue, as segmented from any source format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub number: u32,
    pub title: String,
    /// Publication date as `YYYY-MM-DD`, when the source carries one.
    pub published: Option<chrono::NaiveDate>,
    pub url: Option<String>,
    /// The line under the title (a post's subtitle, front-matter `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The editor's note before the first story ("A shorter issue than usual as…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sections: Vec<Section>,
    pub tale: Option<Tale>,
    /// Other issues this one cites ("Import AI #304"), ascending, without itself.
    pub mentions: Vec<u32>,
}

/// A research or news item of an issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// 1-based position within the issue.
    pub position: u32,
    /// Heading without markup and without a trailing ':'.
    pub title: String,
    /// The `…teaser…` line without its ellipses.
    pub teaser: Option<String>,
    /// The body's opening sentences, at most about 300 characters.
    pub summary: String,
    /// The text of the `Why this matters…:` paragraph, after its label.
    pub why_it_matters: Option<String>,
    /// Body paragraphs separated by blank lines; link lines are kept in `links`.
    pub body: String,
    /// Every link of the section in the order they fall: link items and links in the text.
    pub links: Vec<Link>,
}

/// A `Read more: <title> (<source>).` style link item, or a link in the section's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The label before the colon: "Read more", "Get the dataset here", "Bonus", ...; empty
    /// for a link in the text, whose title is its linked words.
    pub label: String,
    pub title: String,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Where the link falls in the section's text; absent in readings made before places
    /// were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<LinkPlace>,
}

/// Where a link falls in its section. Paragraphs are those of the section's `body` or of
/// its `why_it_matters`, split at blank lines, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkPlace {
    /// Linked words in a paragraph: characters (Unicode scalar values) `start..end` of it.
    Inline {
        part: TextPart,
        paragraph: u32,
        start: u32,
        end: u32,
    },
    /// A line of its own (a link item) after the first `after` paragraphs of `part`.
    Line { part: TextPart, after: u32 },
}

/// The part of a section's text a link falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextPart {
    Body,
    WhyItMatters,
}

impl Link {
    /// Whether the link is one of the section's words rather than a link item.
    pub fn is_inline(&self) -> bool {
        matches!(self.at, Some(LinkPlace::Inline { .. }))
    }
}

/// The short story that closes an issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tale {
    pub title: String,
    /// The bracketed setting, without brackets or trailing '.': "Earth, 2028".
    pub setting: Option<String>,
    /// The story, paragraphs separated by blank lines.
    pub body: String,
    pub inspired_by: Option<String>,
    /// This copy of the tale is cut off before its end (a feed excerpt, a capped capture).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

impl Issue {
    /// The section at a 1-based position.
    pub fn section(&self, position: u32) -> Option<&Section> {
        self.sections.iter().find(|s| s.position == position)
    }

    /// Number of link items across all sections.
    pub fn link_count(&self) -> usize {
        self.sections.iter().map(|s| s.links.len()).sum()
    }
}
