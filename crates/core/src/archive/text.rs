//! Plain text: paragraphs are separated by blank lines; lines within a paragraph stay
//! separate lines (a heading, its teaser and a first body line often share a paragraph)
//! unless a line is plainly a soft wrap of the one before.

use std::borrow::Cow;

use super::paragraph::{Document, Line, Paragraph};

/// Reads plain text into paragraphs. Never fails: any text is some paragraphs.
pub fn read(text: &str) -> Document {
    let mut paragraphs = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    for raw in text.lines() {
        let line = normalize_spaces(raw);
        let line = line.trim();
        if line.is_empty() {
            flush(&mut lines, &mut paragraphs);
            continue;
        }
        match lines.last_mut() {
            Some(previous) if is_soft_wrap(&previous.text, line) => {
                previous.text.push(' ');
                previous.text.push_str(line);
            }
            _ => lines.push(Line::plain(line)),
        }
    }
    flush(&mut lines, &mut paragraphs);
    Document {
        meta: Default::default(),
        paragraphs,
    }
}

fn flush(lines: &mut Vec<Line>, paragraphs: &mut Vec<Paragraph>) {
    if !lines.is_empty() {
        paragraphs.push(Paragraph::from_lines(std::mem::take(lines)));
    }
}

/// Non-breaking and other fixed-width spaces (used for indentation in the archive) become
/// plain spaces; tabs too; a byte-order mark disappears.
pub(crate) fn normalize_spaces(text: &str) -> Cow<'_, str> {
    const ODD_SPACES: [char; 5] = ['\u{a0}', '\u{2007}', '\u{202f}', '\t', '\u{feff}'];
    if !text.contains(ODD_SPACES) {
        return Cow::Borrowed(text);
    }
    text.chars()
        .filter(|&c| c != '\u{feff}')
        .map(|c| if ODD_SPACES.contains(&c) { ' ' } else { c })
        .collect()
}

/// A line continues the previous one when the previous stops mid-sentence and this one
/// starts with a lowercase letter (hard-wrapped prose), never for list items.
fn is_soft_wrap(previous: &str, line: &str) -> bool {
    if is_byline(line) {
        return false;
    }
    let ends_open = previous
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == ',');
    let starts_lower = line.chars().next().is_some_and(char::is_lowercase);
    ends_open && starts_lower
}

/// "by Jack Clark" under a title: a line of its own, never the title's end.
fn is_byline(line: &str) -> bool {
    line.strip_prefix("by ").is_some_and(|name| {
        (1..=4).contains(&name.split_whitespace().count()) && !name.ends_with('.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(document: &Document) -> Vec<String> {
        document.paragraphs.iter().map(Paragraph::text).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_indentation_goes() {
        let document =
            read("Heading:\n\u{a0}\u{a0} …teaser…\n\n\n\u{a0}\u{a0}\u{a0} Body.\u{a0}\r\n");
        assert_eq!(texts(&document), ["Heading:\n…teaser…", "Body."]);
    }

    #[test]
    fn soft_wrapped_lines_join_but_lists_do_not() {
        let document = read("A sentence that wraps\nover two lines.\n• one\n• two");
        assert_eq!(
            texts(&document),
            ["A sentence that wraps over two lines.\n• one\n• two"]
        );
    }
}
