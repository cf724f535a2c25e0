//! The intermediate form every reader produces: a document of paragraphs, each a list of
//! lines with inline links and style runs. The segmenter only ever sees this form, so an
//! improvement to it serves plain text, Markdown, HTML and feeds alike.
//!
//! Spans are byte ranges into a line's text. They are only ever produced from `str`
//! positions (lengths of pushed text, `find`, `char_indices`), so they always fall on char
//! boundaries; every slice through them still goes through `str::get`, so a bad span can
//! never panic.

use std::ops::Range;

/// What a source says about the issue outside its body text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// A title such as "Import AI 320: …" (front matter, `<h1>`, feed item title).
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<chrono::NaiveDate>,
    /// The line under the title (front-matter `description`, a page's subtitle).
    pub subtitle: Option<String>,
}

/// One source document (a file, a page, a feed item) reduced to paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub meta: Meta,
    pub paragraphs: Vec<Paragraph>,
}

/// A block of text; its lines are hard line breaks within the block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    pub lines: Vec<Line>,
}

/// A link inside a line: the linked text's span and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineLink {
    pub span: Range<usize>,
    pub url: String,
}

/// One line of text with its links and emphasis runs (spans into `text`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub links: Vec<InlineLink>,
    pub bold: Vec<Range<usize>>,
    pub italic: Vec<Range<usize>>,
}

impl Line {
    pub fn plain(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            ..Line::default()
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The part of the line in `range` (byte offsets on char boundaries), spans clipped
    /// and shifted. An out-of-range or misaligned range yields an empty line.
    pub fn slice(&self, range: Range<usize>) -> Line {
        let Some(text) = self.text.get(range.clone()) else {
            return Line::default();
        };
        let clip = |span: &Range<usize>| -> Option<Range<usize>> {
            let start = span.start.max(range.start);
            let end = span.end.min(range.end);
            (start < end).then(|| start - range.start..end - range.start)
        };
        Line {
            text: text.to_string(),
            links: self
                .links
                .iter()
                .filter_map(|link| {
                    clip(&link.span).map(|span| InlineLink {
                        span,
                        url: link.url.clone(),
                    })
                })
                .collect(),
            bold: self.bold.iter().filter_map(clip).collect(),
            italic: self.italic.iter().filter_map(clip).collect(),
        }
    }

    /// The line without surrounding whitespace.
    pub fn trimmed(&self) -> Line {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// The line from byte `start` to its end, trimmed.
    pub fn tail(&self, start: usize) -> Line {
        self.slice(start.min(self.text.len())..self.text.len())
            .trimmed()
    }

    /// This line followed by `separator` and `other`, spans of `other` shifted.
    pub fn joined(&self, separator: &str, other: &Line) -> Line {
        let offset = self.text.len() + separator.len();
        let shift = |span: &Range<usize>| span.start + offset..span.end + offset;
        let mut line = self.clone();
        line.text.push_str(separator);
        line.text.push_str(&other.text);
        line.links.extend(other.links.iter().map(|link| InlineLink {
            span: shift(&link.span),
            url: link.url.clone(),
        }));
        line.bold.extend(other.bold.iter().map(shift));
        line.italic.extend(other.italic.iter().map(shift));
        line
    }

    /// Byte offset where a leading italic run ends, if the line starts with one.
    pub fn leading_italic_end(&self) -> Option<usize> {
        let lead = self.text.len() - self.text.trim_start().len();
        self.italic
            .iter()
            .find(|span| span.start <= lead && span.end > lead)
            .map(|span| span.end)
    }
}

impl Paragraph {
    pub fn from_lines(lines: Vec<Line>) -> Paragraph {
        Paragraph { lines }
    }

    /// A paragraph of plain text, one line per `\n`.
    pub fn plain(text: &str) -> Paragraph {
        Paragraph {
            lines: text.split('\n').map(Line::plain).collect(),
        }
    }

    /// All lines joined by `\n`.
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(|line| line.text.as_str()).collect();
        lines.join("\n")
    }

    pub fn is_blank(&self) -> bool {
        self.lines.iter().all(Line::is_blank)
    }
}

/// Builds lines and paragraphs from a stream of text and style events, the way the
/// Markdown and HTML readers walk their trees.
#[derive(Debug, Default)]
pub struct ParagraphBuilder {
    paragraphs: Vec<Paragraph>,
    lines: Vec<Line>,
    line: Line,
    open_bold: Vec<usize>,
    open_italic: Vec<usize>,
    open_links: Vec<(usize, String)>,
}

impl ParagraphBuilder {
    pub fn new() -> ParagraphBuilder {
        ParagraphBuilder::default()
    }

    /// Appends text, collapsing runs of whitespace into one space as browsers do.
    pub fn push_collapsed(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 && !self.line.text.ends_with(' ') && !self.line.text.is_empty() {
                self.line.text.push(' ');
            }
            self.line.text.push_str(word);
        }
    }

    /// Appends text as it is.
    pub fn push(&mut self, text: &str) {
        self.line.text.push_str(text);
    }

    /// The text of the current line so far.
    pub fn current(&self) -> &str {
        &self.line.text
    }

    /// Whether a bold run is open at the current position.
    pub fn in_bold(&self) -> bool {
        !self.open_bold.is_empty()
    }

    pub fn start_bold(&mut self) {
        self.open_bold.push(self.line.text.len());
    }

    pub fn end_bold(&mut self) {
        if let Some(start) = self.open_bold.pop() {
            push_span(&mut self.line.bold, start, self.line.text.len());
        }
    }

    pub fn start_italic(&mut self) {
        self.open_italic.push(self.line.text.len());
    }

    pub fn end_italic(&mut self) {
        if let Some(start) = self.open_italic.pop() {
            push_span(&mut self.line.italic, start, self.line.text.len());
        }
    }

    pub fn start_link(&mut self, url: &str) {
        self.open_links
            .push((self.line.text.len(), url.to_string()));
    }

    pub fn end_link(&mut self) {
        if let Some((start, url)) = self.open_links.pop() {
            let end = self.line.text.len();
            if start < end && !url.is_empty() {
                self.line.links.push(InlineLink {
                    span: start..end,
                    url,
                });
            }
        }
    }

    /// A hard line break: open runs close here and reopen on the next line.
    pub fn break_line(&mut self) {
        let end = self.line.text.len();
        for &start in &self.open_bold {
            push_span(&mut self.line.bold, start, end);
        }
        for &start in &self.open_italic {
            push_span(&mut self.line.italic, start, end);
        }
        for (start, url) in &self.open_links {
            if *start < end {
                self.line.links.push(InlineLink {
                    span: *start..end,
                    url: url.clone(),
                });
            }
        }
        self.lines.push(std::mem::take(&mut self.line));
        self.open_bold.iter_mut().for_each(|start| *start = 0);
        self.open_italic.iter_mut().for_each(|start| *start = 0);
        self.open_links.iter_mut().for_each(|(start, _)| *start = 0);
    }

    /// Ends the current paragraph (if it has any text).
    pub fn end_paragraph(&mut self) {
        self.break_paragraph();
        self.open_bold.clear();
        self.open_italic.clear();
        self.open_links.clear();
    }

    /// A blank line inside a block (`<br><br>`): ends the paragraph as a blank line does in
    /// text, while bold, italic and link runs open here go on into the next one.
    pub fn break_paragraph(&mut self) {
        self.break_line();
        let lines: Vec<Line> = std::mem::take(&mut self.lines)
            .into_iter()
            .map(|line| line.trimmed())
            .collect();
        let paragraph = Paragraph::from_lines(lines);
        if !paragraph.is_blank() {
            self.paragraphs.push(paragraph);
        }
    }

    /// Adds a finished paragraph (e.g. a separator) after ending the current one.
    pub fn push_paragraph(&mut self, paragraph: Paragraph) {
        self.end_paragraph();
        self.paragraphs.push(paragraph);
    }

    pub fn finish(mut self) -> Vec<Paragraph> {
        self.end_paragraph();
        self.paragraphs
    }
}

fn push_span(spans: &mut Vec<Range<usize>>, start: usize, end: usize) {
    if start < end {
        spans.push(start..end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_with_link() -> Line {
        Line {
            text: "  Read more: Café (Blog).  ".to_string(),
            links: vec![InlineLink {
                span: 13..26,
                url: "https://x".into(),
            }],
            bold: std::iter::once(2..12).collect(),
            italic: vec![],
        }
    }

    #[test]
    fn trimming_shifts_spans() {
        let line = line_with_link().trimmed();
        assert_eq!(line.text, "Read more: Café (Blog).");
        assert_eq!(line.bold, vec![0..10]);
        assert_eq!(&line.text[line.links[0].span.clone()], "Café (Blog).");
    }

    #[test]
    fn misaligned_slice_is_empty_not_a_panic() {
        let line = line_with_link();
        // Byte 17 is inside 'é'.
        assert_eq!(line.slice(17..20), Line::default());
        assert_eq!(line.slice(5..500), Line::default());
    }

    #[test]
    fn joined_shifts_the_second_lines_spans() {
        let first = Line::plain("See");
        let joined = first.joined(" ", &line_with_link().trimmed());
        assert_eq!(&joined.text[joined.links[0].span.clone()], "Café (Blog).");
    }

    #[test]
    fn builder_keeps_runs_across_hard_breaks() {
        let mut builder = ParagraphBuilder::new();
        builder.start_bold();
        builder.push("Heading:");
        builder.break_line();
        builder.end_bold();
        builder.start_italic();
        builder.push("…teaser…");
        builder.end_italic();
        builder.push(" Body");
        let paragraphs = builder.finish();
        let lines = &paragraphs[0].lines;
        assert_eq!(lines[0].bold, vec![0..8]);
        assert_eq!(lines[1].leading_italic_end(), Some("…teaser…".len()));
    }
}
