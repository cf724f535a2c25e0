//! The one segmenter: a [`Document`] of paragraphs, from any reader, becomes issues.
//!
//! The document is flattened to lines ("units") that remember whether they open a
//! paragraph. Issues start at `Import AI N:` header lines (or at the document's own title);
//! an issue splits at separator lines into chunks; the first chunk loses its date line and
//! welcome blurb; the tale is the chunk headed "Tech Tales" or, failing that, a last chunk
//! that reads like one (a setting, or "Things that inspired this story" without link items);
//! every other chunk is a section.

mod cues;
mod link_item;
mod section;
mod tale;

use std::collections::HashSet;

use super::mentions::find_mentions;
use super::paragraph::{Document, Line, Meta, Paragraph};
use super::{ArchiveError, Issue};
use link_item::LinkItem;

/// One line of the document and whether it opens a paragraph.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub line: Line,
    pub para_start: bool,
}

/// Units of plain paragraphs, one per line, for the section and tale parsers' tests.
#[cfg(test)]
pub(crate) fn units_of(paragraphs: &[&str]) -> Vec<Unit> {
    paragraphs
        .iter()
        .flat_map(|paragraph| {
            paragraph.split('\n').enumerate().map(|(i, line)| Unit {
                line: Line::plain(line),
                para_start: i == 0,
            })
        })
        .collect()
}

impl Unit {
    fn text(&self) -> &str {
        &self.line.text
    }
}

/// Lines of a prose paragraph this long that stop mid-sentence are continued by the next
/// paragraph even when it starts with a capital (a name, say).
const LONG_PROSE_CHARS: usize = 200;

/// How many leading lines of a chunk may hold a tale's heading, title and setting.
const TALE_OPENING_LINES: usize = 3;

/// Whether `text` is an `Import AI N: <title>` header.
pub fn is_issue_header(text: &str) -> bool {
    cues::issue_header(text).is_some()
}

/// Segments a document into its issues, in source order.
pub fn segment(document: &Document) -> Result<Vec<Issue>, ArchiveError> {
    let units = join_broken_paragraphs(flatten(&document.paragraphs));
    let drafts = split_issues(&document.meta, units);
    if drafts.is_empty() {
        return Err(ArchiveError::NoIssueHeader);
    }
    let mut seen = HashSet::new();
    drafts
        .into_iter()
        .map(|draft| {
            if !seen.insert(draft.number) {
                return Err(ArchiveError::DuplicateIssue {
                    number: draft.number,
                });
            }
            build_issue(draft)
        })
        .collect()
}

/// Paragraphs to units: blank lines and footers go; a separator or header line always
/// stands as its own paragraph, and so does the line after it.
fn flatten(paragraphs: &[Paragraph]) -> Vec<Unit> {
    let mut units = Vec::new();
    for paragraph in paragraphs {
        let mut para_start = true;
        for line in &paragraph.lines {
            let line = line.trimmed();
            if line.is_blank() || cues::is_footer(&line.text) {
                continue;
            }
            let standalone =
                cues::is_separator(&line.text) || cues::issue_header(&line.text).is_some();
            units.push(Unit {
                line,
                para_start: para_start || standalone,
            });
            para_start = standalone;
        }
    }
    units
}

/// Joins a paragraph to the one before when a blank line broke a sentence in two.
fn join_broken_paragraphs(units: Vec<Unit>) -> Vec<Unit> {
    let mut joined: Vec<Unit> = Vec::with_capacity(units.len());
    for unit in units {
        if unit.para_start {
            if let Some(previous) = joined.last_mut() {
                if continues_sentence(previous.text(), unit.text()) {
                    previous.line = previous.line.joined(" ", &unit.line);
                    continue;
                }
            }
        }
        joined.push(unit);
    }
    joined
}

fn continues_sentence(previous: &str, next: &str) -> bool {
    if is_structural(previous) || is_structural(next) {
        return false;
    }
    let open_end = previous
        .chars()
        .last()
        .is_some_and(|c| c.is_lowercase() || c == ',');
    let next_lower = next.chars().next().is_some_and(char::is_lowercase);
    open_end && (next_lower || previous.chars().count() >= LONG_PROSE_CHARS)
}

/// Lines that have a role of their own and never continue or get continued as prose.
fn is_structural(text: &str) -> bool {
    cues::is_separator(text)
        || cues::issue_header(text).is_some()
        || cues::why_it_matters(text).is_some()
        || cues::tale_heading(text).is_some()
        || cues::setting(text).is_some()
        || cues::inspired_by(text).is_some()
        || text.starts_with(['…', '•', '-', '*'])
        || LinkItem::start(&Line::plain(text)).is_some()
}

/// An issue's header facts and its units, before segmentation.
struct Draft {
    number: u32,
    title: String,
    url: Option<String>,
    published: Option<chrono::NaiveDate>,
    units: Vec<Unit>,
}

/// Splits units at issue headers. The document's own title, when it is a header, opens the
/// first issue (and a repeat of it in the body is skipped); text before any header is not
/// part of an issue.
fn split_issues(meta: &Meta, units: Vec<Unit>) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = Vec::new();
    let meta_header = meta.title.as_deref().and_then(cues::issue_header);
    if let Some((number, title)) = meta_header.clone() {
        drafts.push(Draft {
            number,
            title,
            url: meta.url.clone(),
            published: meta.published,
            units: Vec::new(),
        });
    }
    // A date line right before a header (a homepage's "August 11, 2025") dates that issue.
    let mut date_before = None;
    for unit in units {
        let header = unit
            .para_start
            .then(|| cues::issue_header(unit.text()))
            .flatten();
        let date_line = super::dates::parse(unit.text());
        if header.is_some() && date_before.is_some() {
            if let Some(current) = drafts.last_mut() {
                current.units.pop();
            }
        }
        match (header, drafts.last_mut()) {
            (Some((number, _)), Some(current))
                if current.number == number && current.units.is_empty() =>
            {
                current.published = current.published.or(date_before.take());
                continue;
            }
            (Some((number, title)), _) => drafts.push(Draft {
                number,
                title,
                url: None,
                published: date_before.take(),
                units: Vec::new(),
            }),
            (None, Some(current)) => current.units.push(unit),
            (None, None) => {}
        }
        date_before = date_line;
    }
    if meta_header.is_none() && drafts.len() == 1 {
        drafts[0].url = meta.url.clone().or(drafts[0].url.take());
        drafts[0].published = meta.published.or(drafts[0].published);
    }
    drafts
}

fn build_issue(mut draft: Draft) -> Result<Issue, ArchiveError> {
    let mentions = find_mentions(draft.units.iter().map(Unit::text), draft.number);
    let mut chunks: Vec<Vec<Unit>> = draft
        .units
        .split(|unit| cues::is_separator(unit.text()))
        .map(<[Unit]>::to_vec)
        .collect();
    if let Some(first) = chunks.first_mut() {
        strip_preamble(first, &mut draft.published);
    }
    chunks.retain(|chunk| !chunk.is_empty());

    let (section_chunks, tale_units) = split_off_tale(chunks);
    let mut sections = Vec::new();
    let mut last_ends_cleanly = true;
    for chunk in &section_chunks {
        let position = sections.len() as u32 + 1;
        if let Some(parsed) = section::parse(chunk, position) {
            last_ends_cleanly = parsed.ends_cleanly;
            sections.push(parsed.section);
        }
    }
    let parsed_tale = tale_units.as_deref().and_then(tale::parse);

    match (&parsed_tale, sections.last()) {
        (None, None) => {
            return Err(ArchiveError::EmptyIssue {
                number: draft.number,
            })
        }
        (None, Some(last)) if !last_ends_cleanly => {
            return Err(ArchiveError::Truncated {
                number: draft.number,
                position: last.position,
                section: last.title.clone(),
            })
        }
        (Some(parsed), _) if !parsed.has_story && parsed.tale.inspired_by.is_none() => {
            return Err(ArchiveError::TruncatedTale {
                number: draft.number,
                title: parsed.tale.title.clone(),
            })
        }
        _ => {}
    }

    Ok(Issue {
        number: draft.number,
        title: draft.title,
        published: draft.published,
        url: draft.url,
        sections,
        tale: parsed_tale.map(|parsed| parsed.tale),
        mentions,
    })
}

/// Drops the date line (keeping the date when none is known yet) and the welcome blurb
/// that may open an issue.
fn strip_preamble(chunk: &mut Vec<Unit>, published: &mut Option<chrono::NaiveDate>) {
    let mut skip = 0;
    let mut in_blurb = false;
    for unit in chunk.iter() {
        if in_blurb && !unit.para_start {
            skip += 1;
            continue;
        }
        in_blurb = false;
        if cues::is_welcome_blurb(unit.text()) {
            in_blurb = true;
        } else if let Some(date) = super::dates::parse(unit.text()) {
            published.get_or_insert(date);
        } else {
            break;
        }
        skip += 1;
    }
    chunk.drain(..skip);
}

/// Separates the tale (all units from its start to the end of the issue) from the
/// section chunks.
fn split_off_tale(mut chunks: Vec<Vec<Unit>>) -> (Vec<Vec<Unit>>, Option<Vec<Unit>>) {
    let headed = chunks.iter().position(|chunk| {
        chunk
            .first()
            .is_some_and(|unit| cues::tale_heading(unit.text()).is_some())
    });
    let start = headed.or_else(|| {
        let last = chunks.len().checked_sub(1)?;
        reads_like_tale(&chunks[last]).then_some(last)
    });
    if let Some(start) = start {
        // A tale may contain scene breaks: later chunks are more of the story.
        let tale_chunks = chunks.split_off(start);
        let separator = Unit {
            line: Line::plain("***"),
            para_start: true,
        };
        let mut tale = Vec::new();
        for (i, chunk) in tale_chunks.into_iter().enumerate() {
            if i > 0 {
                tale.push(separator.clone());
            }
            tale.extend(chunk);
        }
        return (chunks, Some(tale));
    }
    // No separator before the tale: it may still close the last section.
    if let Some(last) = chunks.last_mut() {
        if let Some(at) = embedded_tale_start(last) {
            let tale = last.split_off(at);
            if last.is_empty() {
                chunks.pop();
            }
            return (chunks, Some(tale));
        }
    }
    (chunks, None)
}

/// A chunk without a heading is a tale when a setting opens it, or when it ends with what
/// inspired it and holds no link items or "why this matters" (which sections have).
fn reads_like_tale(chunk: &[Unit]) -> bool {
    let opens_with_setting = chunk
        .iter()
        .take(TALE_OPENING_LINES)
        .any(|unit| cues::setting(unit.text()).is_some());
    let has_inspiration = chunk
        .iter()
        .any(|unit| cues::inspired_by(unit.text()).is_some());
    let has_section_parts = chunk.iter().any(|unit| {
        cues::why_it_matters(unit.text()).is_some() || LinkItem::start(&unit.line).is_some()
    });
    opens_with_setting || (has_inspiration && !has_section_parts)
}

/// Where a tale starts inside the last section's chunk, if the chunk ends with one: at a
/// "Tech Tales" heading; else at a setting (with the title line before it); else at the
/// first paragraph after the section's last link item.
fn embedded_tale_start(chunk: &[Unit]) -> Option<usize> {
    let heading = chunk
        .iter()
        .position(|unit| unit.para_start && cues::tale_heading(unit.text()).is_some());
    if heading.is_some() {
        return heading;
    }
    let inspired = chunk
        .iter()
        .position(|unit| cues::inspired_by(unit.text()).is_some())?;
    let before = &chunk[..inspired];
    if let Some(setting) = before
        .iter()
        .rposition(|unit| unit.para_start && cues::setting(unit.text()).is_some())
    {
        let title_before = setting
            .checked_sub(1)
            .filter(|&title| chunk[title].para_start && looks_like_title(&chunk[title].line));
        return Some(title_before.unwrap_or(setting));
    }
    let last_link = before
        .iter()
        .rposition(|unit| LinkItem::start(&unit.line).is_some())?;
    let after_link = link_item::end_of_item(before, last_link);
    (after_link..inspired)
        .find(|&at| chunk[at].para_start)
        .filter(|&at| at > 0)
}

fn looks_like_title(line: &Line) -> bool {
    line.text.chars().count() <= 200
        && !cues::ends_sentence(&line.text)
        && LinkItem::start(line).is_none()
}

#[cfg(test)]
fn tale_of(document: &Document) -> Option<crate::archive::Tale> {
    segment(document).ok()?.pop()?.tale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::text;

    fn issues(text: &str) -> Result<Vec<Issue>, ArchiveError> {
        segment(&text::read(text))
    }

    #[test]
    fn a_stray_title_line_is_not_an_issue() {
        let found = issues("Import AI\n\nImport AI 7: Seven\n\nHeading:\n\nBody.\n").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].number, 7);
        assert_eq!(found[0].sections[0].title, "Heading");
    }

    #[test]
    fn date_line_and_blurb_are_not_sections() {
        let found = issues(
            "Import AI 7: Seven\n\nNov 28, 2022\n\nWelcome to Import AI, a newsletter.\n\
             Thanks for reading!\n\nHeading:\n\nBody.\n\nSubscribe now\n",
        )
        .unwrap();
        assert_eq!(
            found[0].published,
            chrono::NaiveDate::from_ymd_opt(2022, 11, 28)
        );
        assert_eq!(found[0].sections.len(), 1);
        assert_eq!(found[0].sections[0].body, "Body.");
    }

    #[test]
    fn a_sentence_broken_by_a_blank_line_is_joined() {
        let found =
            issues("Import AI 7: Seven\n\nHeading:\n\nA sentence that\n\ncontinues here.\n")
                .unwrap();
        assert_eq!(found[0].sections[0].body, "A sentence that continues here.");
    }

    #[test]
    fn a_tale_without_heading_or_separator_after_the_last_section() {
        let text = "Import AI 7: Seven\n\nHeading:\n\nBody.\n\nRead more: Paper (arXiv).\n\n\
                    The Title\n\nStory line.\n\nThings that inspired this story: Stuff.\n";
        let tale = tale_of(&text::read(text)).unwrap();
        assert_eq!(tale.title, "The Title");
        assert_eq!(tale.body, "Story line.");
        let found = issues(text).unwrap();
        assert_eq!(found[0].sections[0].links.len(), 1);
        assert_eq!(found[0].sections[0].body, "Body.");
    }

    #[test]
    fn a_tale_heading_without_a_separator_before_it() {
        let text =
            "Import AI 7: Seven\n\nHeading:\n\nBody.\n\nTech Tales:\n\nThe Title\n\nStory.\n";
        let found = issues(text).unwrap();
        assert_eq!(found[0].sections[0].body, "Body.");
        assert_eq!(found[0].tale.as_ref().unwrap().title, "The Title");
    }

    #[test]
    fn a_tale_with_a_scene_break_stays_one_tale() {
        let text = "Import AI 7: Seven\n\nHeading:\n\nBody.\n\n#####\n\nTech Tales:\n\nT\n\n\
                    Part one.\n\n***\n\nPart two.\n\nThings that inspired this story: X.\n";
        let tale = issues(text).unwrap().remove(0).tale.unwrap();
        assert_eq!(tale.body, "Part one.\n\n***\n\nPart two.");
        assert_eq!(tale.inspired_by.as_deref(), Some("X."));
    }

    #[test]
    fn duplicate_issues_are_an_error() {
        let text = "Import AI 7: A\n\nH:\n\nBody.\n\nImport AI 7: B\n\nH:\n\nBody.\n";
        assert_eq!(
            issues(text),
            Err(ArchiveError::DuplicateIssue { number: 7 })
        );
    }
}
