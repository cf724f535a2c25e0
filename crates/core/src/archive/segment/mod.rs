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
use super::paragraph::{starts_with_closing_punctuation, Document, Line, Meta, Paragraph};
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
        for line in paragraph.lines.iter().flat_map(split_glued_separator) {
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

/// A run of five or more `#` glued to text ("…(Twitter).#####", "#####Tech Tales:") is a
/// separator of its own.
fn split_glued_separator(line: &Line) -> Vec<Line> {
    const MARK: &str = "#####";
    let text = &line.text;
    let Some(start) = text.find(MARK) else {
        return vec![line.clone()];
    };
    let end = start + text[start..].len() - text[start..].trim_start_matches('#').len();
    if start == 0 && end == text.len() {
        return vec![line.clone()];
    }
    [0..start, start..end, end..text.len()]
        .into_iter()
        .map(|range| line.slice(range))
        .filter(|piece| !piece.is_blank())
        .collect()
}

/// Joins a paragraph to the one before when a blank line broke a sentence in two.
///
/// A paragraph's role and length are worked out once, from its own line, and kept up to
/// date as lines join it: looking at the whole joined text at each step would make a long
/// run of broken paragraphs (thousands ending in a comma) take quadratic time.
fn join_broken_paragraphs(units: Vec<Unit>) -> Vec<Unit> {
    let mut joined: Vec<Unit> = Vec::with_capacity(units.len());
    let mut last: Option<ProseEnd> = None;
    for unit in units {
        let next = ProseEnd::of(unit.text());
        if unit.para_start {
            if let (Some(previous), Some(end)) = (joined.last_mut(), last.as_mut()) {
                if let Some(separator) = end.continuation(&next, unit.text()) {
                    previous.line.append(separator, &unit.line);
                    end.grow(separator, &next);
                    continue;
                }
            }
        }
        joined.push(unit);
        last = Some(next);
    }
    joined
}

/// What [`join_broken_paragraphs`] needs to know of the last paragraph.
struct ProseEnd {
    /// It has a role of its own (see [`is_structural`]), decided by its first line.
    structural: bool,
    /// It stands alone: a separator or an issue header.
    standalone: bool,
    /// It ends in a lowercase letter or a comma: mid-sentence.
    open_end: bool,
    chars: usize,
}

impl ProseEnd {
    fn of(text: &str) -> ProseEnd {
        ProseEnd {
            structural: is_structural(text),
            standalone: cues::is_separator(text) || cues::issue_header(text).is_some(),
            open_end: text
                .chars()
                .last()
                .is_some_and(|c| c.is_lowercase() || c == ','),
            chars: text.chars().count(),
        }
    }

    /// How the paragraph `next` (whose text is `text`) continues this one on its line, if
    /// it does: glued on when it opens with closing punctuation (a converter put a link on
    /// a paragraph of its own, and the `.` or `)` after it on the next), after a space when
    /// a sentence runs on.
    fn continuation(&self, next: &ProseEnd, text: &str) -> Option<&'static str> {
        if starts_with_closing_punctuation(text) && !self.standalone && !next.standalone {
            return Some("");
        }
        let next_lower = text.chars().next().is_some_and(char::is_lowercase);
        let runs_on = !self.structural
            && !next.structural
            && self.open_end
            && (next_lower || self.chars >= LONG_PROSE_CHARS);
        runs_on.then_some(" ")
    }

    /// This paragraph with `next` joined to it by `separator`.
    fn grow(&mut self, separator: &str, next: &ProseEnd) {
        self.open_end = next.open_end;
        self.chars += separator.chars().count() + next.chars;
    }
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
    subtitle: Option<String>,
    /// The document says it is a capture of a page (see [`Meta::captured`]).
    captured: bool,
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
            subtitle: meta.subtitle.clone(),
            captured: meta.captured,
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
            (Some((number, title)), Some(current))
                if current.number == number && repeats_header(current, &title) =>
            {
                current.published = current.published.or(date_before.take());
                continue;
            }
            (Some((number, title)), _) => drafts.push(Draft {
                number,
                title,
                url: None,
                published: date_before.take(),
                subtitle: None,
                captured: meta.captured,
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
        drafts[0].subtitle = meta.subtitle.clone();
    }
    drafts
}

/// How many lines may come between an issue's header and a repeat of it (a page's title,
/// then a capture's labels, then the title again).
const HEADER_REPEAT_UNITS: usize = 12;

/// Whether a header with `title` repeats that of the issue being read rather than opening
/// a second copy: nothing but separators came since, or only a few short lines (a
/// capture's labels) and the title is the same.
fn repeats_header(current: &Draft, title: &str) -> bool {
    let units = &current.units;
    let only_separators = units.iter().all(|unit| cues::is_separator(unit.text()));
    let before_story = units.len() <= HEADER_REPEAT_UNITS
        && units.iter().all(|unit| {
            unit.text().chars().count() <= LONG_PROSE_CHARS
                && !cues::starts_with_ellipsis(unit.text())
        });
    only_separators || (before_story && current.title.trim() == title.trim())
}

fn build_issue(mut draft: Draft) -> Result<Issue, ArchiveError> {
    let mentions = find_mentions(draft.units.iter().map(Unit::text), draft.number);
    let cut_marked = draft
        .units
        .last()
        .is_some_and(|unit| cues::ends_with_cut_mark(unit.text()));
    let preamble = strip_preamble(&mut draft.units, &mut draft.published);
    let mut chunks: Vec<Vec<Unit>> = draft
        .units
        .split(|unit| cues::is_separator(unit.text()))
        .map(<[Unit]>::to_vec)
        .collect();
    chunks.retain(|chunk| !chunk.is_empty());

    let (section_chunks, tale_units) = split_off_tale(chunks);
    let mut sections = Vec::new();
    // The last section read, kept or not, and whether it ends as complete text does.
    let mut last_read: Option<(u32, String, bool)> = None;
    for chunk in &section_chunks {
        let position = sections.len() as u32 + 1;
        let Some(parsed) = section::parse(chunk, position) else {
            continue;
        };
        // A heading with nothing under it is furniture ("Stories"), unless the issue
        // stops there: then the source was cut right after it.
        let ends_cleanly = parsed.ends_cleanly && !parsed.is_furniture();
        last_read = Some((position, parsed.section.title.clone(), ends_cleanly));
        if !parsed.is_furniture() {
            sections.push(parsed.section);
        }
    }
    let parsed_tale = tale_units.as_deref().and_then(tale::parse);
    // A copy that says it was captured, or marks where it was cut, is kept as far as it
    // goes; any other issue that stops mid-sentence is refused, for the complete one.
    let cut_marked = cut_marked
        || sections
            .last()
            .is_some_and(|section| cues::ends_with_cut_mark(&section.body));
    let partial_copy = preamble.captured || draft.captured || cut_marked;

    match (&parsed_tale, last_read) {
        (None, None) => {
            return Err(ArchiveError::EmptyIssue {
                number: draft.number,
            })
        }
        (None, Some((position, section, false))) if !partial_copy => {
            return Err(ArchiveError::Truncated {
                number: draft.number,
                position,
                section,
            })
        }
        (Some(parsed), _)
            if !parsed.has_story && parsed.tale.inspired_by.is_none() && !partial_copy =>
        {
            return Err(ArchiveError::TruncatedTale {
                number: draft.number,
                title: parsed.tale.title.clone(),
            })
        }
        _ if sections.is_empty() && parsed_tale.is_none() => {
            return Err(ArchiveError::EmptyIssue {
                number: draft.number,
            })
        }
        _ => {}
    }

    Ok(Issue {
        number: draft.number,
        title: draft.title,
        published: draft.published,
        url: draft.url,
        subtitle: draft
            .subtitle
            .filter(|subtitle| !subtitle.trim().is_empty()),
        note: preamble.note,
        sections,
        tale: parsed_tale.map(|parsed| parsed.tale),
        mentions,
    })
}

/// How far into an issue its welcome blurb may come: after a capture's labels, a page's
/// byline, date, like counts and other chrome.
const PREAMBLE_UNITS: usize = 40;

/// How many paragraphs an editor's note before the first story may have.
const NOTE_PARAGRAPHS: usize = 3;

/// What an issue's text says before its first story.
#[derive(Default)]
struct Preamble {
    /// The editor's note ("A shorter issue than usual as…").
    note: Option<String>,
    /// Whether the issue came inside a capture's metadata (`Source: …`, `URL: …` lines):
    /// such copies are often cut off by the tool that saved them.
    captured: bool,
}

/// Drops what opens an issue before its first story, keeping the date of a date line
/// when none is known yet: chrome (bylines, a page's navigation and counts, a capture's
/// labels), the welcome blurb, and the editor's note, which is returned.
fn strip_preamble(units: &mut Vec<Unit>, published: &mut Option<chrono::NaiveDate>) -> Preamble {
    let mut preamble = Preamble::default();
    let welcome = units
        .iter()
        .take(PREAMBLE_UNITS)
        .position(|unit| cues::welcome_blurb_at(unit.text()).is_some());
    let chrome_end = match welcome {
        Some(at) => at,
        None => units
            .iter()
            .take_while(|unit| is_preamble_chrome(unit.text()))
            .count(),
    };
    for unit in &units[..chrome_end] {
        if let Some(date) = super::dates::parse(unit.text()) {
            published.get_or_insert(date);
        }
    }
    preamble.captured = units[..chrome_end]
        .iter()
        .filter(|unit| cues::is_metadata_line(unit.text()))
        .count()
        >= 2;
    let mut start = chrome_end;
    let mut rest_of_welcome = None;
    if let Some(at) = welcome {
        let line = &units[at].line;
        let blurb = cues::welcome_blurb_at(&line.text).unwrap_or(0);
        let end = cues::welcome_blurb_end(&line.text, blurb);
        let rest = line.tail(end);
        start = at + 1;
        while units.get(start).is_some_and(|unit| !unit.para_start) {
            start += 1;
        }
        rest_of_welcome = (!rest.is_blank()).then_some(Unit {
            line: rest,
            para_start: true,
        });
    }
    let note_on_welcome_line = rest_of_welcome.is_some();
    let mut body: Vec<Unit> = rest_of_welcome.into_iter().collect();
    body.extend(units.drain(start..));
    *units = body;
    // Chrome a page glues to what follows the welcome ("Subscribe now Want to…").
    if let Some(first) = units.first_mut() {
        let skip = cues::chrome_prefix_len(first.text());
        if skip > 0 {
            first.line = first.line.tail(skip);
        }
    }
    units.retain(|unit| !unit.line.is_blank());
    preamble.note = take_note(units, note_on_welcome_line);
    preamble
}

/// Lines that may open an issue before its text and are never content: a date, a byline,
/// a `Label: value` line (`Source issue: https://…`, `Published At: 2026-…`).
fn is_preamble_chrome(text: &str) -> bool {
    super::dates::parse(text).is_some() || cues::is_byline(text) || cues::is_metadata_line(text)
}

/// Whether a story starts at `units[at]`: a heading followed by its `…teaser…`, or one
/// running on into it.
fn opens_story(units: &[Unit], at: usize) -> bool {
    let next_is_teaser = units
        .get(at + 1)
        .is_some_and(|next| cues::starts_with_ellipsis(next.text()));
    next_is_teaser
        || units
            .get(at)
            .is_some_and(|unit| section::has_run_on_teaser(&unit.line))
}

/// The editor's note: the paragraphs before the first story's heading, when that heading
/// is recognisable (it has a teaser) and they read as prose. `given` when the welcome line
/// itself went on into them.
fn take_note(units: &mut Vec<Unit>, given: bool) -> Option<String> {
    let limit = units.len().min(PREAMBLE_UNITS);
    let story = (0..limit).find(|&at| {
        cues::is_separator(units[at].text()) || (units[at].para_start && opens_story(units, at))
    });
    let end = match story {
        Some(at) if at > 0 && (given || !cues::is_separator(units[at].text())) => at,
        _ => return None,
    };
    let note_units = &units[..end];
    let paragraphs = note_units.iter().filter(|unit| unit.para_start).count();
    let prose = note_units.iter().all(|unit| {
        cues::ends_sentence(unit.text())
            && LinkItem::start(&unit.line).is_none()
            && cues::tale_heading(unit.text()).is_none()
    });
    if paragraphs > NOTE_PARAGRAPHS || !prose {
        return None;
    }
    let mut note = String::new();
    for unit in units.drain(..end) {
        if !note.is_empty() {
            note.push_str(if unit.para_start { "\n\n" } else { "\n" });
        }
        note.push_str(unit.text().trim_end_matches(['_', '*']).trim());
    }
    Some(note)
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
    fn chrome_before_the_welcome_goes_and_a_note_after_it_stays() {
        let text = "Import AI 7: Seven\n\nby Jack Clark\n\nJan 05, 2026\n\n45\n\nShare\n\n\
                    Welcome to Import AI, a newsletter. Please subscribe. A short issue this \
                    week.\n\nSubscribe now\n\nHeading:\n…teaser…\nBody.\n";
        let issue = issues(text).unwrap().remove(0);
        assert_eq!(issue.note.as_deref(), Some("A short issue this week."));
        assert_eq!(issue.published, chrono::NaiveDate::from_ymd_opt(2026, 1, 5));
        assert_eq!(issue.sections.len(), 1);
        assert_eq!(issue.sections[0].title, "Heading");
    }

    #[test]
    fn a_note_paragraph_before_the_first_heading_and_teaser() {
        let text = "Import AI 7: Seven\n\nWelcome to Import AI. Please subscribe.\n\n\
                    Also, something unusual this week!\n\nHeading:\n…teaser…\nBody.\n";
        let issue = issues(text).unwrap().remove(0);
        assert_eq!(
            issue.note.as_deref(),
            Some("Also, something unusual this week!")
        );
        assert_eq!(issue.sections[0].title, "Heading");
        // Without a teaser to show where the first story starts, nothing is a note.
        let text = "Import AI 7: Seven\n\nWelcome to Import AI. Please subscribe.\n\n\
                    Heading:\n\nBody.\n\n***\n\nOther:\n\nMore.\n";
        let issue = issues(text).unwrap().remove(0);
        assert_eq!(issue.note, None);
        assert_eq!(issue.sections[0].title, "Heading");
    }

    #[test]
    fn a_captured_copy_cut_off_is_kept_and_an_unmarked_cut_is_not() {
        let cut = "Heading:\n…teaser…\nBody that stops in the";
        let captured = format!(
            "Import AI 7: Seven\n\n• URL: https://x.test/p/7\n• Date: 2026-01-05\n\n\
             Welcome to Import AI. Please subscribe.\n\n{cut}"
        );
        assert_eq!(issues(&captured).unwrap()[0].sections.len(), 1);
        let marked = format!("Import AI 7: Seven\n\n{cut} ro…");
        assert_eq!(issues(&marked).unwrap()[0].sections.len(), 1);
        let bare = format!("Import AI 7: Seven\n\n{cut}");
        assert!(matches!(issues(&bare), Err(ArchiveError::Truncated { .. })));
    }

    #[test]
    fn a_separator_glued_to_text_still_parts_sections() {
        let text = "Import AI 7: Seven\n\nOne:\n\nBody (Twitter).#####\n\nTwo:\n\nMore.\n\n\
                    #####Tech Tales:\n\nThe Title\n\nStory.\n";
        let issue = issues(text).unwrap().remove(0);
        let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["One", "Two"]);
        assert_eq!(issue.sections[0].body, "Body (Twitter).");
        assert_eq!(issue.tale.unwrap().title, "The Title");
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
