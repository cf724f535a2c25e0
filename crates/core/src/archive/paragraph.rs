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
    /// The document is a tool's capture of a page (labelled `Source:`/`URL:`/date lines
    /// under its title): a copy cut off part-way is kept as far as it goes.
    pub captured: bool,
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

    /// The line cut at `cuts` (ascending byte offsets on char boundaries, inside the text):
    /// one line per stretch between them, spans clipped and shifted. Each span is placed by
    /// a binary search, so cutting a long line into many pieces stays linear in its size.
    pub fn split_at(&self, cuts: &[usize]) -> Vec<Line> {
        let mut edges = Vec::with_capacity(cuts.len() + 2);
        edges.push(0);
        edges.extend(cuts.iter().copied().filter(|&cut| cut < self.text.len()));
        edges.push(self.text.len());
        let mut pieces: Vec<Line> = edges
            .windows(2)
            .map(|pair| Line::plain(self.text.get(pair[0]..pair[1]).unwrap_or_default()))
            .collect();
        let spread = |span: &Range<usize>| spread_over(&edges, span);
        for link in &self.links {
            for (piece, span) in spread(&link.span) {
                pieces[piece].links.push(InlineLink {
                    span,
                    url: link.url.clone(),
                });
            }
        }
        for span in &self.bold {
            for (piece, span) in spread(span) {
                pieces[piece].bold.push(span);
            }
        }
        for span in &self.italic {
            for (piece, span) in spread(span) {
                pieces[piece].italic.push(span);
            }
        }
        pieces
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

    /// Appends `separator` and `other` in place, spans of `other` shifted: in time
    /// proportional to `other`, however long this line has grown.
    pub fn append(&mut self, separator: &str, other: &Line) {
        let end = self.text.len();
        let offset = end + separator.len();
        let shift = |span: &Range<usize>| span.start + offset..span.end + offset;
        self.text.push_str(separator);
        self.text.push_str(&other.text);
        for link in &other.links {
            let span = shift(&link.span);
            // A link cut at the join and its rest, pointing at the same place, are one link.
            match self.links.last_mut() {
                Some(last)
                    if last.span.end == end && span.start == offset && last.url == link.url =>
                {
                    last.span.end = span.end
                }
                _ => self.links.push(InlineLink {
                    span,
                    url: link.url.clone(),
                }),
            }
        }
        for (spans, more) in [
            (&mut self.bold, &other.bold),
            (&mut self.italic, &other.italic),
        ] {
            for span in more.iter().map(shift) {
                // A run that reaches the join and one that starts at it are one run.
                match spans.last_mut() {
                    Some(last) if last.end == end && span.start == offset => last.end = span.end,
                    _ => spans.push(span),
                }
            }
        }
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
    /// Where the last bold run on the current line ended.
    bold_end: Option<usize>,
    /// Indices (into `lines`) of lines that a soft line break ended.
    soft_ends: Vec<usize>,
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
        self.bold_end = Some(self.line.text.len());
    }

    pub fn start_italic(&mut self) {
        self.open_italic.push(self.line.text.len());
    }

    pub fn end_italic(&mut self) {
        if let Some(start) = self.open_italic.pop() {
            push_span(&mut self.line.italic, start, self.line.text.len());
        }
    }

    /// Starts a link whose text begins with `first_text`. Substack drops the space between a
    /// bold label and a link right after it (`**Watch the video**[here (…)](…)`,
    /// `<strong>Find out</strong><a>more</a>`); it is put back, so that the words stay apart
    /// whichever reader meets them.
    pub fn start_link_after_label(&mut self, url: &str, first_text: &str) {
        let after_bold = self.in_bold() || self.bold_end == Some(self.line.text.len());
        let glued = self.line.text.ends_with(char::is_alphanumeric)
            && first_text.starts_with(char::is_alphanumeric);
        if after_bold && glued {
            self.push(" ");
        }
        self.start_link(url);
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
        self.bold_end = None;
        self.open_bold.iter_mut().for_each(|start| *start = 0);
        self.open_italic.iter_mut().for_each(|start| *start = 0);
        self.open_links.iter_mut().for_each(|(start, _)| *start = 0);
    }

    /// A soft line break (a newline in the source that is not a hard break): a space in
    /// prose, but in text saved one inline element per line, where the source's lines are
    /// all there is of its structure, a line of its own (see [`regroup_element_lines`]).
    pub fn soft_break(&mut self) {
        self.soft_ends.push(self.lines.len());
        self.break_line();
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
        let lines = std::mem::take(&mut self.lines);
        let soft_ends = std::mem::take(&mut self.soft_ends);
        let paragraphs = if !soft_ends.is_empty() && is_element_per_line(&lines, soft_ends.len()) {
            regroup_element_lines(lines.iter().map(Line::trimmed).collect())
        } else {
            vec![Paragraph::from_lines(join_soft_breaks(lines, &soft_ends))]
        };
        self.paragraphs.extend(
            paragraphs
                .into_iter()
                .filter(|paragraph| !paragraph.is_blank()),
        );
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

/// Lines ended by a soft break joined to the next with a space, every line trimmed.
fn join_soft_breaks(lines: Vec<Line>, soft_ends: &[usize]) -> Vec<Line> {
    let mut joined: Vec<Line> = Vec::with_capacity(lines.len());
    let mut continues = false;
    for (index, line) in lines.into_iter().enumerate() {
        let line = line.trimmed();
        match joined.last_mut() {
            Some(previous) if continues => previous.append(" ", &line),
            _ => joined.push(line),
        }
        // `soft_ends` is ascending: a search keeps one long block linear-logarithmic.
        continues = soft_ends.binary_search(&index).is_ok();
    }
    joined.iter().map(Line::trimmed).collect()
}

/// Whether a block's lines are inline elements each on a line of its own (a page's text
/// saved with a newline after every element: `Read more\n:\nTitle (arXiv)\n.`) rather than
/// wrapped prose: several soft breaks, and some line only a punctuation mark; or many, and
/// some line longer than any wrapped line.
pub fn is_element_per_line(lines: &[Line], soft_breaks: usize) -> bool {
    const LONGEST_WRAPPED_LINE_CHARS: usize = 160;
    const MANY_SOFT_BREAKS: usize = 8;
    let lone_mark = lines.iter().any(|line| {
        let text = line.text.trim();
        !text.is_empty() && text.chars().all(|c| c.is_ascii_punctuation())
    });
    let long_line = lines
        .iter()
        .any(|line| line.text.chars().count() > LONGEST_WRAPPED_LINE_CHARS);
    (soft_breaks >= 3 && lone_mark) || (soft_breaks >= MANY_SOFT_BREAKS && long_line)
}

/// Rebuilds paragraphs from lines saved one inline element per line: a line continues the
/// one before when it starts with closing punctuation (`.`, `:`, `,`, `)`…: glued on),
/// with a lowercase letter, or when the line before stops on a lowercase word
/// (`…published in` + `Nature`), unless it opens something of its own (a teaser `…`, a
/// bracketed setting, a list item, a separator). Every other line is a paragraph.
pub fn regroup_element_lines(lines: Vec<Line>) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for line in lines.into_iter().filter(|line| !line.is_blank()) {
        let previous = paragraphs
            .last_mut()
            .and_then(|paragraph| paragraph.lines.last_mut());
        match previous.and_then(|previous| {
            element_join(&previous.text, &line.text).map(|glue| (previous, glue))
        }) {
            Some((previous, glue)) => previous.append(glue, &line),
            None => paragraphs.push(Paragraph::from_lines(vec![line])),
        }
    }
    paragraphs
}

/// How `next` continues `previous` on one line (`""` or `" "`), if it does.
fn element_join(previous: &str, next: &str) -> Option<&'static str> {
    let previous = previous.trim_end();
    let next = next.trim_start();
    let is_rule = |text: &str| {
        text.chars()
            .all(|c| matches!(c, '*' | '#' | '-' | '_' | ' '))
    };
    if is_rule(previous) || is_rule(next) {
        return None;
    }
    if starts_with_closing_punctuation(next) {
        return Some("");
    }
    if next.starts_with(['…', '[', '•', '*', '-', '"', '“']) || next.starts_with("...") {
        return None;
    }
    // A "(source)" continues its title; a bare link verb ("Read", "Check out the") its
    // anchor.
    if next.starts_with('(') || LINK_VERBS.contains(&previous) {
        return Some(" ");
    }
    let open_end = previous.ends_with([',', '(', '“']) || previous.ends_with(char::is_lowercase);
    let lowercase_word = previous
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|word| word.starts_with(char::is_lowercase));
    let next_lowercase = next.starts_with(char::is_lowercase);
    (open_end && (lowercase_word || previous.ends_with(',') || next_lowercase)).then_some(" ")
}

/// Link verbs that may stand alone on a line before their anchor.
const LINK_VERBS: &[&str] = &[
    "Read",
    "Get",
    "Watch",
    "Check out",
    "Download",
    "Find",
    "See",
];

/// `.`, `,`, `;`, `:`, `!`, `?`, `)`, closing quotes: marks that never open a line of
/// text and so continue the line before (an ellipsis opens a teaser and does not).
pub fn starts_with_closing_punctuation(text: &str) -> bool {
    text.starts_with(['.', ',', ';', ':', '!', '?', ')', '’', '”']) && !text.starts_with("..")
}

/// The pieces (between consecutive `edges`, ascending, first and last included) that
/// `span` overlaps, each with the span clipped to it and shifted to its start.
fn spread_over(edges: &[usize], span: &Range<usize>) -> Vec<(usize, Range<usize>)> {
    let pieces = edges.len().saturating_sub(1);
    let first = edges[1..].partition_point(|&end| end <= span.start);
    (first..pieces)
        .take_while(|&piece| edges[piece] < span.end)
        .filter_map(|piece| {
            let (start, end) = (edges[piece], edges[piece + 1]);
            let clipped = span.start.max(start)..span.end.min(end);
            (clipped.start < clipped.end)
                .then(|| (piece, clipped.start - start..clipped.end - start))
        })
        .collect()
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
    fn split_at_gives_each_piece_its_spans_as_slicing_would() {
        let line = line_with_link();
        let cuts = [7, 15, 20];
        let mut bounds = vec![0];
        bounds.extend(cuts);
        bounds.push(line.text.len());
        let sliced: Vec<Line> = bounds.windows(2).map(|w| line.slice(w[0]..w[1])).collect();
        assert_eq!(line.split_at(&cuts), sliced);
        let mut joined = Line::default();
        for piece in line.split_at(&cuts) {
            joined.append("", &piece);
        }
        assert_eq!(joined, line);
    }

    #[test]
    fn misaligned_slice_is_empty_not_a_panic() {
        let line = line_with_link();
        // Byte 17 is inside 'é'.
        assert_eq!(line.slice(17..20), Line::default());
        assert_eq!(line.slice(5..500), Line::default());
    }

    #[test]
    fn appending_shifts_the_second_lines_spans() {
        let mut joined = Line::plain("See");
        joined.append(" ", &line_with_link().trimmed());
        assert_eq!(&joined.text[joined.links[0].span.clone()], "Café (Blog).");
    }

    #[test]
    fn element_lines_are_regrouped_into_paragraphs() {
        let lines = [
            "Check out the",
            "Pika demo",
            "here (Pika website)",
            ".",
            "Read more",
            ":",
            "Title (arXiv)",
            ".",
            "In research published in",
            "Nature",
            ", Google writes.",
            "…A teaser…",
            "Title Case Tale",
            "[Earth, 2028]",
        ]
        .map(Line::plain);
        let texts: Vec<String> = regroup_element_lines(lines.to_vec())
            .iter()
            .map(Paragraph::text)
            .collect();
        assert_eq!(
            texts,
            [
                "Check out the Pika demo here (Pika website).",
                "Read more:",
                "Title (arXiv).",
                "In research published in Nature, Google writes.",
                "…A teaser…",
                "Title Case Tale",
                "[Earth, 2028]",
            ]
        );
    }

    #[test]
    fn soft_breaks_join_prose_but_split_element_lines() {
        let mut builder = ParagraphBuilder::new();
        for text in ["A sentence that", "wraps once."] {
            builder.push(text);
            builder.soft_break();
        }
        builder.end_paragraph();
        for text in ["Read more", ":", "Title (arXiv)", "."] {
            builder.push(text);
            builder.soft_break();
        }
        let texts: Vec<String> = builder.finish().iter().map(Paragraph::text).collect();
        assert_eq!(
            texts,
            [
                "A sentence that wraps once.",
                "Read more:",
                "Title (arXiv)."
            ]
        );
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
