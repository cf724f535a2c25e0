//! One research/news section: heading, teaser, body, why-it-matters and link items.
//!
//! Each of those has its own field, so the body holds only the other paragraphs: the
//! "Why this matters" paragraphs (several are joined by a blank line) and link-item lines
//! are not repeated in it. Lines within a paragraph stay separate lines (lists, dialogue).

use std::ops::Range;

use super::cues;
use super::link_item::{self, LinkItem};
use super::Unit;
use crate::archive::model::{LinkPlace, TextPart};
use crate::archive::paragraph::Line;
use crate::archive::summary::summarize;
use crate::archive::{Link, Section};

/// Longest line still taken for a teaser that has only its trailing '…'.
const MAX_TRAILING_TEASER_CHARS: usize = 250;

/// A section and whether its last line ends the way complete text ends (a sentence end or
/// a whole link item): the segmenter's evidence for a source cut off mid-section.
#[derive(Debug)]
pub struct ParsedSection {
    pub section: Section,
    pub ends_cleanly: bool,
}

impl ParsedSection {
    /// A heading with nothing of a story under it: an export's "Stories" heading, a note
    /// app's footer ("Siehe auch" and its `[[wikilinks]]`).
    pub fn is_furniture(&self) -> bool {
        let section = &self.section;
        let nothing_else = section.teaser.is_none()
            && section.why_it_matters.is_none()
            && section.links.is_empty();
        let body_is_furniture = section.body.lines().all(|line| {
            let line = line.trim().trim_start_matches(['•', '-', ' ']);
            !line.chars().any(char::is_alphanumeric)
                || (line.starts_with("[[") && line.ends_with("]]"))
        });
        nothing_else && body_is_furniture
    }
}

/// Reads the section in `units` (its first unit is the heading). `None` if it is empty.
pub fn parse(units: &[Unit], position: u32) -> Option<ParsedSection> {
    let (first, rest) = units.split_first()?;
    let (heading, run_on) = split_heading(&first.line);
    let mut rest: Vec<Unit> = rest.to_vec();
    if let Some(line) = run_on {
        rest.insert(
            0,
            Unit {
                line,
                para_start: false,
            },
        );
    }

    let mut teaser = None;
    if let Some(next) = rest.first() {
        if let Some((text, remainder)) = split_teaser(&next.line) {
            teaser = Some(text);
            match remainder {
                Some(line) => rest[0].line = line,
                None => {
                    rest.remove(0);
                }
            }
        }
    }

    let mut reader = BodyReader::default();
    for unit in &rest {
        for (index, line) in link_item::split_glued(&unit.line).into_iter().enumerate() {
            reader.read(&Unit {
                line,
                para_start: unit.para_start && index == 0,
            });
        }
    }
    let ends_cleanly = reader.ends_cleanly();
    let (body, why, mut links) = reader.finish();
    if let Some(link) = heading_link(&first.line, &heading) {
        links.insert(0, link);
    }
    let body = body.join("\n\n");
    Some(ParsedSection {
        section: Section {
            position,
            title: clean_heading(&heading),
            teaser,
            summary: summarize(&body),
            why_it_matters: (!why.is_empty()).then(|| why.join("\n\n")),
            body,
            links,
        },
        ends_cleanly,
    })
}

/// A heading can run on into the teaser on the same line ("Heading: …teaser…"): split at
/// an ellipsis that follows the heading's closing punctuation, or its bold, or that opens
/// an italic run (a heading may end with no punctuation at all).
fn split_heading(line: &Line) -> (String, Option<Line>) {
    let text = &line.text;
    let styled_edge = |at: usize| {
        let before = text[..at].trim_end().len();
        line.italic.iter().any(|span| span.start == at)
            || line
                .bold
                .iter()
                .any(|span| span.end == before || span.end == at)
    };
    let run_on = ellipses(text)
        .into_iter()
        .map(|ellipsis| ellipsis.start)
        .find(|&at| {
            at > 0 && (text[..at].trim_end().ends_with([':', '?', '!', '.']) || styled_edge(at))
        });
    match run_on {
        Some(at) => (text[..at].trim().to_string(), Some(line.tail(at))),
        None => (text.trim().to_string(), None),
    }
}

/// The link a heading is, when the whole heading links to the story (`### [Title](url)`
/// in some exports).
fn heading_link(line: &Line, heading: &str) -> Option<Link> {
    let link = line.links.first()?;
    let linked = line.text.get(link.span.clone())?.trim();
    (linked == heading.trim()).then(|| Link {
        label: "Read more".into(),
        title: clean_heading(heading),
        source: None,
        url: Some(link.url.clone()),
        at: Some(LinkPlace::Line {
            part: TextPart::Body,
            after: 0,
        }),
    })
}

/// Whether `line` is a heading running on into its teaser ("Heading: …teaser… Body").
pub fn has_run_on_teaser(line: &Line) -> bool {
    let (heading, run_on) = split_heading(line);
    !heading.is_empty() && run_on.is_some_and(|rest| split_teaser(&rest).is_some())
}

fn clean_heading(heading: &str) -> String {
    heading
        .trim()
        .trim_matches(['*', '_'])
        .trim()
        .trim_end_matches(':')
        .trim_end()
        .to_string()
}

/// Byte ranges of the ellipses in `text`: `…`, three dots or more, and runs mixing them
/// (`….`, `&hellip;` once decoded).
fn ellipses(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let opens = c == '…' || (c == '.' && text[at..].starts_with("..."));
        if !opens {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if next != '…' && next != '.' {
                break;
            }
            end = next_at + next.len_utf8();
            chars.next();
        }
        found.push(at..end);
    }
    found
}

/// The teaser in `line`, if the line is one: `…like this…` (the text between the
/// ellipses; body text may follow on the same line) or a short line ending in '…'.
fn split_teaser(line: &Line) -> Option<(String, Option<Line>)> {
    let text = line.text.trim();
    let marks = ellipses(&line.text);
    let lead = line.text.len() - line.text.trim_start().len();
    if marks.first().is_some_and(|first| first.start == lead) {
        let end = line
            .leading_italic_end()
            .filter(|&end| {
                line.text
                    .get(..end)
                    .is_some_and(|run| !run.trim().chars().all(|c| c == '…' || c == '.'))
            })
            .unwrap_or_else(|| closing_ellipsis(&line.text, &marks));
        let teaser = clean_teaser(line.text.get(..end).unwrap_or(&line.text));
        let rest = line.tail(end);
        let rest = (!rest.is_blank()).then_some(rest);
        return (!teaser.is_empty()).then_some((teaser, rest));
    }
    let trailing_only = marks
        .last()
        .is_some_and(|last| last.end == line.text.trim_end().len())
        && text.chars().count() <= MAX_TRAILING_TEASER_CHARS;
    trailing_only.then(|| (clean_teaser(text), None))
}

/// Byte offset just past the ellipsis that closes a teaser opened at the line's start:
/// the first later one at the end of the line or followed by a new sentence (a capital or
/// an opening quote, after a space or not). "…Your trajectories… give them to me!…" closes
/// at the last one.
fn closing_ellipsis(text: &str, marks: &[Range<usize>]) -> usize {
    for mark in marks.iter().skip(1) {
        let after = &text[mark.end..];
        let only_punctuation = after.trim().chars().all(|c| c.is_ascii_punctuation());
        let new_sentence = after
            .trim_start()
            .starts_with(|c: char| c.is_uppercase() || matches!(c, '“' | '"' | '‘'));
        if only_punctuation {
            return text.len();
        }
        if new_sentence {
            return mark.end;
        }
    }
    text.len()
}

/// The teaser without its ellipses (and a stray mark after the closing one: "…dataset…?").
fn clean_teaser(text: &str) -> String {
    let text = text
        .trim()
        .trim_start_matches(['…', '.'])
        .trim_end_matches(['*', '_'])
        .trim_end();
    let marks = ellipses(text);
    let text = match marks.last() {
        Some(last) if text[last.end..].chars().all(|c| c.is_ascii_punctuation()) => {
            &text[..last.start]
        }
        _ => text,
    };
    text.trim().to_string()
}

/// What the lines after the heading and teaser are, read one at a time.
#[derive(Default)]
struct BodyReader {
    body: Blocks,
    why: Blocks,
    /// Every link read so far, in the order they fall.
    links: Vec<Link>,
    pending: Option<(LinkItem, LinkPlace)>,
    open: Open,
    /// The part whose paragraph was read last: a link item falls after it.
    last_part: Option<TextPart>,
    last_complete: bool,
}

/// Paragraphs of one part of the section, with their lengths in characters, kept as they
/// grow so that a link's place is found without counting a paragraph again.
#[derive(Default)]
struct Blocks {
    texts: Vec<String>,
    chars: Vec<usize>,
}

impl Blocks {
    fn len(&self) -> usize {
        self.texts.len()
    }

    fn last(&self) -> Option<&String> {
        self.texts.last()
    }

    /// Starts a paragraph with `text`; returns its index.
    fn open(&mut self, text: &str) -> usize {
        self.texts.push(text.to_string());
        self.chars.push(text.chars().count());
        self.texts.len() - 1
    }

    /// Appends `separator` and `text` to the last paragraph; returns its index and the
    /// character at which `text` starts. `None` when there is no paragraph yet.
    fn append(&mut self, separator: &str, text: &str) -> Option<(usize, usize)> {
        let index = self.texts.len().checked_sub(1)?;
        self.texts[index].push_str(separator);
        self.texts[index].push_str(text);
        let start = self.chars[index] + separator.chars().count();
        self.chars[index] = start + text.chars().count();
        Some((index, start))
    }
}

/// Which block a line without a paragraph break continues.
#[derive(Default, PartialEq)]
enum Open {
    #[default]
    Nothing,
    Body,
    Why,
}

impl BodyReader {
    fn read(&mut self, unit: &Unit) {
        if let Some((item, _)) = self.pending.as_mut() {
            if item.wants_more() && item.continue_with(&unit.line) {
                self.last_complete = item.is_complete();
                return;
            }
            self.flush_link();
        }
        if let Some(item) = LinkItem::start(&unit.line) {
            self.last_complete = item.is_complete();
            let place = match self.last_part {
                Some(TextPart::WhyItMatters) => LinkPlace::Line {
                    part: TextPart::WhyItMatters,
                    after: self.why.len() as u32,
                },
                _ => LinkPlace::Line {
                    part: TextPart::Body,
                    after: self.body.len() as u32,
                },
            };
            self.pending = Some((item, place));
            self.open = Open::Nothing;
            return;
        }
        let line = unit.line.trimmed();
        let text = line.text.as_str();
        self.last_complete = cues::ends_sentence(text);
        if let Some(why) = cues::why_it_matters(text) {
            let from = offset_in(text, why);
            let paragraph = self.why.open(why);
            self.place_inline(&line, from, TextPart::WhyItMatters, paragraph, 0);
            self.open = Open::Why;
            self.last_part = Some(TextPart::WhyItMatters);
            return;
        }
        // A label alone on its paragraph ("Why this matters - X:") is followed by its text.
        let label_open = self
            .why
            .last()
            .is_some_and(|why| why.is_empty() || why.ends_with(':'));
        if self.open == Open::Why && unit.para_start && label_open {
            let separator = if self.why.last().is_some_and(|why| !why.is_empty()) {
                " "
            } else {
                ""
            };
            if let Some((paragraph, start)) = self.why.append(separator, text) {
                self.place_inline(&line, 0, TextPart::WhyItMatters, paragraph, start);
            }
            return;
        }
        let continued = match self.open {
            Open::Why if !unit.para_start => self
                .why
                .append("\n", text)
                .map(|at| (TextPart::WhyItMatters, at)),
            Open::Body if !unit.para_start => {
                self.body.append("\n", text).map(|at| (TextPart::Body, at))
            }
            _ => None,
        };
        match continued {
            Some((part, (paragraph, start))) => {
                self.place_inline(&line, 0, part, paragraph, start);
                self.last_part = Some(part);
            }
            None => {
                let paragraph = self.body.open(text);
                self.place_inline(&line, 0, TextPart::Body, paragraph, 0);
                self.open = Open::Body;
                self.last_part = Some(TextPart::Body);
            }
        }
    }

    /// Keeps the links of `line` from byte `from` on, the line's text having been put at
    /// character `start` of paragraph `paragraph` of `part`.
    fn place_inline(
        &mut self,
        line: &Line,
        from: usize,
        part: TextPart,
        paragraph: usize,
        start: usize,
    ) {
        for link in &line.links {
            let Some(words) = line.text.get(link.span.clone()) else {
                continue;
            };
            let (Some(before), true) = (
                line.text.get(from..link.span.start),
                link.span.start >= from,
            ) else {
                continue;
            };
            if words.trim().is_empty() {
                continue;
            }
            let begin = start + before.chars().count();
            let (title, source) = link_item::split_source(words);
            self.links.push(Link {
                label: String::new(),
                title: if title.is_empty() {
                    words.trim().to_string()
                } else {
                    title
                },
                source,
                url: Some(link.url.clone()),
                at: Some(LinkPlace::Inline {
                    part,
                    paragraph: paragraph as u32,
                    start: begin as u32,
                    end: (begin + words.chars().count()) as u32,
                }),
            });
        }
    }

    fn flush_link(&mut self) {
        if let Some((item, place)) = self.pending.take() {
            if let Some(mut link) = item.finish() {
                link.at = Some(place);
                self.links.push(link);
            }
        }
    }

    fn ends_cleanly(&self) -> bool {
        self.last_complete
    }

    fn finish(mut self) -> (Vec<String>, Vec<String>, Vec<Link>) {
        self.flush_link();
        (self.body.texts, self.why.texts, self.links)
    }
}

/// Byte offset of `part` in `text`, when `part` is a slice of it; else 0.
fn offset_in(text: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    if offset <= text.len() && text.is_char_boundary(offset) {
        offset
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(paragraphs: &[&str]) -> Vec<Unit> {
        super::super::units_of(paragraphs)
    }

    fn section(paragraphs: &[&str]) -> ParsedSection {
        parse(&units(paragraphs), 1).unwrap()
    }

    #[test]
    fn heading_teaser_body_why_and_links() {
        let parsed = section(&[
            "Heading here:\n…A teaser… with inner dots…",
            "Body one.",
            "Why this matters – big: It does.",
            "Read more: A paper (arXiv).",
        ]);
        let s = parsed.section;
        assert_eq!(s.title, "Heading here");
        assert_eq!(s.teaser.as_deref(), Some("A teaser… with inner dots"));
        assert_eq!(s.body, "Body one.");
        assert_eq!(s.summary, "Body one.");
        assert_eq!(s.why_it_matters.as_deref(), Some("big: It does."));
        assert_eq!(s.links.len(), 1);
        assert!(parsed.ends_cleanly);
    }

    #[test]
    fn heading_running_on_into_teaser_and_body() {
        let s = section(&["Heading: …teaser… Body starts here."]).section;
        assert_eq!(s.title, "Heading");
        assert_eq!(s.teaser.as_deref(), Some("teaser"));
        assert_eq!(s.body, "Body starts here.");
    }

    #[test]
    fn trailing_only_teaser_and_stray_mark() {
        let s = section(&["Heading:\nA teaser with only a tail…\nBody."]).section;
        assert_eq!(s.teaser.as_deref(), Some("A teaser with only a tail"));
        assert_eq!(s.body, "Body.");
        let s = section(&["Heading:\n…a new dataset…?\nBody."]).section;
        assert_eq!(s.teaser.as_deref(), Some("a new dataset"));
    }

    #[test]
    fn teasers_with_any_mix_of_ellipses() {
        let s = section(&["Heading:\n….Four dots open it…\nBody."]).section;
        assert_eq!(s.teaser.as_deref(), Some("Four dots open it"));
        let s = section(&["Heading:\n…ASCII dots close it...\nBody."]).section;
        assert_eq!(s.teaser.as_deref(), Some("ASCII dots close it"));
        let s = section(&["Heading:…Glued teaser…Body starts here."]).section;
        assert_eq!(s.title, "Heading");
        assert_eq!(s.teaser.as_deref(), Some("Glued teaser"));
        assert_eq!(s.body, "Body starts here.");
    }

    #[test]
    fn a_why_label_alone_and_a_link_glued_to_a_sentence() {
        let s = section(&[
            "Heading:",
            "Body, as they write.Read more:A paper (arXiv).",
            "Why this matters - big:",
            "Because.",
        ])
        .section;
        assert_eq!(s.body, "Body, as they write.");
        assert_eq!(s.links[0].title, "A paper");
        assert_eq!(s.why_it_matters.as_deref(), Some("big: Because."));
    }

    #[test]
    fn no_teaser() {
        let s = section(&["Heading!", "Body text."]).section;
        assert_eq!(s.title, "Heading!");
        assert_eq!(s.teaser, None);
        assert_eq!(s.body, "Body text.");
    }

    #[test]
    fn a_section_stopping_mid_sentence_does_not_end_cleanly() {
        assert!(!section(&["Heading:", "Body that stops in the"]).ends_cleanly);
        assert!(!section(&["Heading:"]).ends_cleanly);
    }
}
