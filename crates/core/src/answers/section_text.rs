//! A section's whole text as Discord Markdown, each link where it falls: links in the text
//! masked on their words, link items as lines after the paragraph they follow. Links read
//! before places were kept, or whose place no longer fits the text, close it as a list.

use std::ops::Range;

use super::limits::is_acceptable_url;
use super::text::{escape_markdown, link_line};
use crate::archive::model::{LinkPlace, TextPart};
use crate::archive::{Link, Section};

/// The longest URL put in a masked link.
const MAX_URL_BYTES: usize = 512;

/// Discord Markdown and the byte ranges of its links, which a page must not cut.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SectionText {
    pub text: String,
    pub links: Vec<Range<usize>>,
}

impl SectionText {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn push_link(&mut self, markdown: &str) {
        let start = self.text.len();
        self.text.push_str(markdown);
        self.links.push(start..self.text.len());
    }

    /// Link lines as a paragraph of their own, one per line (nothing when there are none).
    fn push_link_lines(&mut self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        self.break_paragraph();
        for (n, line) in lines.iter().enumerate() {
            if n > 0 {
                self.push("\n");
            }
            self.push_link(line);
        }
    }

    fn break_paragraph(&mut self) {
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
    }
}

/// The section's body, why it matters and links, as the whole-section pages show them.
pub fn whole(section: &Section) -> SectionText {
    let body = paragraphs(&section.body);
    let why = section.why_it_matters.as_deref().map(paragraphs);
    let mut shown = vec![false; section.links.len()];
    let mut out = SectionText::default();
    for (part, texts) in [(TextPart::Body, Some(body)), (TextPart::WhyItMatters, why)] {
        let Some(texts) = texts else { continue };
        for index in 0..=texts.len() {
            out.push_link_lines(&link_lines(section, part, index, texts.len(), &mut shown));
            let Some(text) = texts.get(index) else { break };
            out.break_paragraph();
            if part == TextPart::WhyItMatters && index == 0 {
                out.push("**Why this matters:** ");
            }
            push_paragraph(&mut out, section, part, index, text, &mut shown);
        }
    }
    let rest: Vec<String> = section
        .links
        .iter()
        .zip(&shown)
        .filter(|(_, shown)| !**shown)
        .map(|(link, _)| link_line(link))
        .collect();
    out.push_link_lines(&rest);
    out
}

/// A part's paragraphs (none for empty text).
fn paragraphs(text: &str) -> Vec<&str> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split("\n\n").collect()
    }
}

/// The lines of the link items after the first `after` paragraphs of `part` (those placed
/// further than the part reaches come after its last), marked as shown.
fn link_lines(
    section: &Section,
    part: TextPart,
    after: usize,
    count: usize,
    shown: &mut [bool],
) -> Vec<String> {
    let mut lines = Vec::new();
    for (link, shown) in section.links.iter().zip(shown.iter_mut()) {
        let Some(LinkPlace::Line { part: at, after: n }) = link.at else {
            continue;
        };
        if at == part && (n as usize).min(count) == after {
            lines.push(link_line(link));
            *shown = true;
        }
    }
    lines
}

/// Paragraph `index` of `part`, escaped, with the links that fall in it masked on their
/// words (those whose characters are out of its range or overlap another are left for the
/// list at the end).
fn push_paragraph(
    out: &mut SectionText,
    section: &Section,
    part: TextPart,
    index: usize,
    text: &str,
    shown: &mut [bool],
) {
    let mut inline: Vec<(usize, usize, usize)> = section
        .links
        .iter()
        .enumerate()
        .filter_map(|(at, link)| match link.at {
            Some(LinkPlace::Inline {
                part: p,
                paragraph,
                start,
                end,
            }) if p == part && paragraph as usize == index && start < end => {
                Some((start as usize, end as usize, at))
            }
            _ => None,
        })
        .collect();
    inline.sort_unstable();
    // Byte offset of every char, and of the end.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut from = 0;
    for (start, end, at) in inline {
        let (Some(&start), Some(&end)) = (bounds.get(start), bounds.get(end)) else {
            continue;
        };
        if start < from {
            continue;
        }
        let link = &section.links[at];
        out.push(&escape_markdown(&text[from..start]));
        out.push_link(&masked(&text[start..end], link));
        shown[at] = true;
        from = end;
    }
    out.push(&escape_markdown(&text[from..]));
}

/// The linked words as a masked link, or as they are when the URL is unusable.
fn masked(words: &str, link: &Link) -> String {
    match &link.url {
        Some(url) if is_acceptable_url(url, MAX_URL_BYTES) && !url.contains(['<', '>']) => {
            format!("[{}](<{url}>)", escape_markdown(words))
        }
        _ => escape_markdown(words),
    }
}
