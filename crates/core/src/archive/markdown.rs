//! Markdown (as Substack exports it), read with pulldown-cmark. YAML front matter and the
//! labelled lines capture tools put under the title give the title, URL, date and
//! subtitle; bold and italic runs, links and hard breaks are kept on the lines.

use std::borrow::Cow;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::meta::{self, Label};
use super::paragraph::{Document, Meta, Paragraph, ParagraphBuilder};
use super::text::normalize_spaces;
use super::{dates, front_matter};

/// How many non-blank lines under the front matter may hold labelled facts and page chrome.
const HEAD_LINES: usize = 40;

/// A line this long is prose (or page chrome run into prose): the head ends there.
const HEAD_LINE_MAX_CHARS: usize = 300;

/// Reads Markdown into paragraphs. Never fails: CommonMark accepts any text.
pub fn read(markdown: &str) -> Document {
    let markdown = normalize_spaces(markdown);
    let (mut meta, body) = match front_matter::split(&markdown) {
        Some((yaml, body)) => (front_matter::parse(yaml), body),
        None => (Meta::default(), markdown.as_ref()),
    };
    let body = read_head(body, &mut meta);
    Document {
        meta,
        paragraphs: read_body(&body),
    }
}

/// Takes the facts of the labelled lines under the title (dropping those lines: they are
/// the capture tool's, not the issue's) and a date from the page chrome, where the front
/// matter did not give them.
fn read_head<'a>(body: &'a str, meta: &mut Meta) -> Cow<'a, str> {
    let mut labelled = Meta::default();
    let mut chrome_date = None;
    let mut dropped = Vec::new();
    let mut labels = 0;
    let mut next = 0;
    let lines = body.split_inclusive('\n').map(|line| {
        let start = next;
        next += line.len();
        (start..next, line)
    });
    for (range, line) in lines
        .filter(|(_, line)| !line.trim().is_empty())
        .take(HEAD_LINES)
    {
        let welcome = line.find("Welcome to ");
        if welcome.is_none() && line.chars().count() <= HEAD_LINE_MAX_CHARS {
            match meta::labelled(line) {
                Some(Label::Published(date)) => {
                    labelled.published.get_or_insert(date);
                }
                Some(Label::Url(url)) => {
                    labelled.url.get_or_insert(url);
                }
                Some(Label::Other) => {}
                None => {
                    chrome_date =
                        chrome_date.or_else(|| dates::parse(line).or(meta::date_in_line(line)));
                    continue;
                }
            }
            labels += 1;
            dropped.push(range);
            continue;
        }
        let before_welcome = &line[..welcome.unwrap_or(line.len())];
        chrome_date = chrome_date.or_else(|| meta::date_in_line(before_welcome));
        break;
    }
    meta.url = meta.url.take().or(labelled.url);
    meta.published = meta.published.or(labelled.published).or(chrome_date);
    meta.captured |= labels >= 2;
    if dropped.is_empty() {
        return Cow::Borrowed(body);
    }
    let mut kept = String::with_capacity(body.len());
    let mut at = 0;
    for range in dropped {
        kept.push_str(&body[at..range.start]);
        kept.push('\n');
        at = range.end;
    }
    kept.push_str(&body[at..]);
    Cow::Owned(kept)
}

fn read_body(markdown: &str) -> Vec<Paragraph> {
    let options = Options::ENABLE_STRIKETHROUGH;
    let mut builder = ParagraphBuilder::new();
    let mut list_depth = 0usize;

    let events: Vec<_> = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .collect();
    for (index, (event, range)) in events.iter().enumerate() {
        let source = markdown.get(range.clone()).unwrap_or("");
        let next_text = match events.get(index + 1) {
            Some((Event::Text(next), _)) => next.as_ref(),
            _ => "",
        };
        let escaped = markdown
            .get(..range.start)
            .is_some_and(|before| before.ends_with('\\'));
        match event {
            // A heading inside an issue opens a story (`### [Story title](url)` in some
            // exports, which have no separators): it parts stories as a separator does.
            Event::Start(Tag::Heading { .. }) if list_depth == 0 => {
                builder.push_paragraph(Paragraph::plain("***"))
            }
            Event::Start(Tag::Paragraph | Tag::CodeBlock(_))
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock)
                if list_depth == 0 =>
            {
                builder.end_paragraph()
            }
            Event::Start(Tag::List(_)) => {
                if list_depth == 0 {
                    builder.end_paragraph();
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    builder.end_paragraph();
                }
            }
            Event::Start(Tag::Item) => {
                if !builder.current().is_empty() {
                    builder.break_line();
                }
                builder.push("• ");
            }
            Event::Start(Tag::Strong) => builder.start_bold(),
            Event::End(TagEnd::Strong) => builder.end_bold(),
            Event::Start(Tag::Emphasis) => builder.start_italic(),
            Event::End(TagEnd::Emphasis) => builder.end_italic(),
            Event::Start(Tag::Link { dest_url, .. }) => {
                builder.start_link_after_label(dest_url, next_text)
            }
            Event::End(TagEnd::Link) => builder.end_link(),
            Event::Text(text) if escaped => builder.push(text),
            Event::Text(text) => {
                let text = strip_stray_delimiters(text, source, builder.current(), next_text);
                builder.push(text);
            }
            Event::Code(text) => builder.push(text),
            Event::SoftBreak => builder.soft_break(),
            Event::HardBreak => builder.break_line(),
            Event::InlineHtml(html) if html.trim_start().starts_with("<br") => builder.break_line(),
            Event::Rule => builder.push_paragraph(Paragraph::plain("***")),
            _ => {}
        }
    }

    builder.finish()
}

/// Substack exports put emphasis markers where CommonMark cannot match them
/// (`**Heading:  \n**_…teaser…  \n_ Body`), so they come through as literal `*` and `_`.
/// Such unescaped markers at the edge of a text run, next to a space, punctuation or a
/// line edge, are dropped; escaped ones (`\*`) and ones inside words (`2*3`) stay.
/// `before` is the line so far, `next` the text that follows this run.
fn strip_stray_delimiters<'a>(text: &'a str, source: &str, before: &str, next: &str) -> &'a str {
    const MARKS: [char; 2] = ['*', '_'];
    let mut text = text;
    if source.starts_with(MARKS) && text.starts_with(MARKS) {
        let rest = text.trim_start_matches(MARKS);
        let follows = if rest.is_empty() { next } else { rest };
        let inside_word =
            before.ends_with(char::is_alphanumeric) && follows.starts_with(char::is_alphanumeric);
        if !inside_word {
            text = rest;
        }
    }
    let escaped = source.trim_end_matches(MARKS).ends_with('\\');
    if source.ends_with(MARKS) && text.ends_with(MARKS) && !escaped {
        let rest = text.trim_end_matches(MARKS);
        if !rest.is_empty() && !rest.ends_with(char::is_alphanumeric) {
            text = rest;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_gives_title_url_and_date() {
        let document = read(
            "---\ntitle: \"Import AI 1: Hello\"\nurl: \"https://x.test/p/1\"\ndate: \"2023-03-20\"\n---\n\nBody.\n",
        );
        assert_eq!(document.meta.title.as_deref(), Some("Import AI 1: Hello"));
        assert_eq!(document.meta.url.as_deref(), Some("https://x.test/p/1"));
        assert_eq!(
            document.meta.published,
            chrono::NaiveDate::from_ymd_opt(2023, 3, 20)
        );
        assert_eq!(document.paragraphs.len(), 1);
    }

    #[test]
    fn escaped_stars_and_rules_become_separator_paragraphs() {
        let document = read("One.\n\n\\*\\*\\*\n\nTwo.\n\n***\n\nThree.");
        let texts: Vec<String> = document.paragraphs.iter().map(Paragraph::text).collect();
        assert_eq!(texts, ["One.", "***", "Two.", "***", "Three."]);
    }

    #[test]
    fn hard_breaks_split_lines_and_links_keep_urls() {
        let document = read("**Heading:  \n**_…teaser…_ Body [a (b)](https://u).");
        let lines = &document.paragraphs[0].lines;
        assert_eq!(lines[0].text, "Heading:");
        assert_eq!(lines[1].text, "…teaser… Body a (b).");
        let link = &lines[1].links[0];
        assert_eq!(&lines[1].text[link.span.clone()], "a (b)");
        assert_eq!(link.url, "https://u");
        assert_eq!(lines[1].leading_italic_end(), Some("…teaser…".len()));
    }

    #[test]
    fn stray_substack_emphasis_markers_are_dropped() {
        let document = read(
            "**Heading:  \n**_…teaser…  \n_ Body and 2*3 and snake_case. **  \n  \nWhy:** More",
        );
        let texts: Vec<String> = document.paragraphs.iter().map(Paragraph::text).collect();
        assert_eq!(
            texts,
            [
                "Heading:\n…teaser…\nBody and 2*3 and snake_case.",
                "Why: More"
            ]
        );
    }

    #[test]
    fn a_link_glued_to_a_bold_label_gets_a_space() {
        let document = read("**Request**[API access here](https://u).");
        assert_eq!(document.paragraphs[0].text(), "Request API access here.");
        let document = read("**Request[API access here](https://u)**[.](https://u)");
        assert_eq!(document.paragraphs[0].text(), "Request API access here.");
    }
}
