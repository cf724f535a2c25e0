//! HTML: a Substack or WordPress post page, or the HTML body of a feed item, read with
//! scraper (html5ever). Entities are decoded by the parser; whitespace collapses as a
//! browser would; `<br>` is a line break; `<strong>`, `<em>` and `<a href>` are kept.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::paragraph::{Document, Meta, Paragraph, ParagraphBuilder};
use super::ArchiveError;
use super::{html_depth, meta};

/// Where the post's body lives, most specific first (Substack, WordPress, generic).
const BODY_SELECTORS: &[&str] = &[
    "div.available-content",
    "div.body.markup",
    "div.entry-content",
    "div.post-content",
    "article",
    "main",
    "body",
];

/// Elements whose content is never part of the text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "form", "button",
    "svg", "iframe", "figure", "picture", "img", "video", "audio", "select",
];

/// Elements that end the paragraph before them and start a new one.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "dl",
    "dt",
    "dd",
    "address",
    "center",
];

/// Elements nested deeper than this make a source unreadable: html5ever's tree building
/// takes time quadratic in the depth, and real posts nest a few dozen levels at most.
pub const MAX_NESTING: usize = 1000;

/// Reads a post page: its title, URL and date from the head, its paragraphs from the
/// post body.
pub fn read(html: &str) -> Result<Document, ArchiveError> {
    let page = html_depth::parse_document(html, MAX_NESTING).map_err(too_deep)?;
    let meta = Meta {
        title: page_title(&page).map(|title| meta::title_without_site(&title)),
        url: [
            ("link[rel='canonical']", "href"),
            ("meta[property='og:url']", "content"),
        ]
        .iter()
        .filter_map(|(css, attr)| first_attr(&page, css, attr))
        .find_map(|url| meta::canonical_url(&url)),
        published: page_date(&page),
        subtitle: select_first(&page, "h3.subtitle")
            .map(element_text)
            .filter(|text| !text.is_empty())
            .or_else(|| first_attr(&page, "meta[property='og:description']", "content"))
            .or_else(|| first_attr(&page, "meta[name='description']", "content")),
        captured: false,
    };
    let body = BODY_SELECTORS
        .iter()
        .filter_map(|css| select_first(&page, css))
        .find(|element| has_paragraphs(element))
        .unwrap_or_else(|| page.root_element());
    let paragraphs = read_element(body);
    if paragraphs.is_empty() {
        return Err(ArchiveError::Html(
            "no paragraphs of text were found; is this the post's page?".into(),
        ));
    }
    Ok(Document { meta, paragraphs })
}

/// Reads an HTML fragment (a feed item's content) into paragraphs.
pub fn read_fragment(html: &str) -> Result<Vec<Paragraph>, ArchiveError> {
    let fragment = html_depth::parse_fragment(html, MAX_NESTING).map_err(too_deep)?;
    Ok(read_element(fragment.root_element()))
}

fn too_deep(_: html_depth::TooDeep) -> ArchiveError {
    ArchiveError::Html(format!(
        "elements are nested more than {MAX_NESTING} levels deep"
    ))
}

/// Walks the element's subtree in document order, without recursion, so that deeply
/// nested markup cannot exhaust the stack.
fn read_element(root: ElementRef<'_>) -> Vec<Paragraph> {
    let mut builder = ParagraphBuilder::new();
    let mut skipping = None;
    let mut list_depth = 0usize;
    let mut pre_depth = 0usize;
    // Whether the line being written began at a `<br>`: a second one in a row leaves a
    // blank line, which ends a paragraph as it does in text.
    let mut after_break = false;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) if pre_depth > 0 => builder.push(text),
                    Node::Text(text) => builder.push_collapsed(text),
                    Node::Element(element) => {
                        let name = element.name();
                        if SKIPPED.contains(&name) {
                            skipping = Some(node.id());
                            continue;
                        }
                        if name != "br" && !builder.current().trim().is_empty() {
                            after_break = false;
                        }
                        match name {
                            "br" if after_break && builder.current().trim().is_empty() => {
                                builder.break_paragraph()
                            }
                            "br" => {
                                after_break = true;
                                builder.break_line()
                            }
                            "hr" => builder.push_paragraph(Paragraph::plain("***")),
                            "strong" | "b" => builder.start_bold(),
                            "em" | "i" => builder.start_italic(),
                            "a" => {
                                let first_text = node
                                    .descendants()
                                    .find_map(|inner| match inner.value() {
                                        Node::Text(text) => Some(&**text),
                                        _ => None,
                                    })
                                    .unwrap_or("");
                                let href = element.attr("href").unwrap_or("");
                                builder.start_link_after_label(href, first_text)
                            }
                            "ul" | "ol" => {
                                if list_depth == 0 {
                                    builder.end_paragraph();
                                }
                                list_depth += 1;
                            }
                            "li" => {
                                if !builder.current().is_empty() {
                                    builder.break_line();
                                }
                                builder.push("• ");
                            }
                            "pre" => {
                                builder.end_paragraph();
                                pre_depth += 1;
                            }
                            _ if list_depth == 0 && BLOCKS.contains(&name) => {
                                builder.end_paragraph()
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                let Node::Element(element) = node.value() else {
                    continue;
                };
                match element.name() {
                    "strong" | "b" => builder.end_bold(),
                    "em" | "i" => builder.end_italic(),
                    "a" => builder.end_link(),
                    "ul" | "ol" => {
                        list_depth = list_depth.saturating_sub(1);
                        if list_depth == 0 {
                            builder.end_paragraph();
                        }
                    }
                    "pre" => {
                        pre_depth = pre_depth.saturating_sub(1);
                        builder.end_paragraph();
                    }
                    name if list_depth == 0 && BLOCKS.contains(&name) => builder.end_paragraph(),
                    _ => {}
                }
            }
        }
    }
    builder.finish()
}

/// The post title: the first candidate that is an `Import AI N:` header, else the first.
fn page_title(page: &Html) -> Option<String> {
    let candidates = [
        select_first(page, "h1.post-title").map(element_text),
        first_attr(page, "meta[property='og:title']", "content"),
        select_first(page, "h1").map(element_text),
        select_first(page, "title").map(element_text),
    ];
    let candidates: Vec<String> = candidates
        .into_iter()
        .flatten()
        .filter(|title| !title.is_empty())
        .collect();
    candidates
        .iter()
        .find(|title| super::segment::is_issue_header(title))
        .or(candidates.first())
        .cloned()
}

fn page_date(page: &Html) -> Option<chrono::NaiveDate> {
    [
        ("meta[property='article:published_time']", "content"),
        ("time[datetime]", "datetime"),
        ("meta[itemprop='datePublished']", "content"),
        ("meta[name='date']", "content"),
    ]
    .iter()
    .filter_map(|(css, attr)| first_attr(page, css, attr))
    .find_map(|value| super::dates::parse(&value))
}

fn select_first<'a>(page: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(css).ok()?;
    page.select(&selector).next()
}

fn first_attr(page: &Html, css: &str, attr: &str) -> Option<String> {
    let value = select_first(page, css)?.attr(attr)?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn has_paragraphs(element: &ElementRef<'_>) -> bool {
    Selector::parse("p")
        .ok()
        .is_some_and(|p| element.select(&p).next().is_some())
}

fn element_text(element: ElementRef<'_>) -> String {
    let text: String = element.text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_head_facts_and_body_paragraphs() {
        let document = read(
            r#"<html><head><title>Site</title>
            <meta property="og:title" content="Import AI 9: Nine">
            <link rel="canonical" href="https://x.test/p/9">
            <meta property="article:published_time" content="2023-03-20T10:00:00Z">
            </head><body><header><h1>Nine</h1></header>
            <div class="available-content"><p><strong>Heading:</strong><br><em>…teaser…</em><br>It&rsquo;s   here
            and <a href="https://a.test">linked</a>.</p><p>#####</p><hr><ul><li>one</li><li>two</li></ul>
            <script>ignored()</script></div></body></html>"#,
        )
        .unwrap();
        assert_eq!(document.meta.title.as_deref(), Some("Import AI 9: Nine"));
        assert_eq!(document.meta.url.as_deref(), Some("https://x.test/p/9"));
        assert_eq!(
            document.meta.published,
            chrono::NaiveDate::from_ymd_opt(2023, 3, 20)
        );
        let texts: Vec<String> = document.paragraphs.iter().map(Paragraph::text).collect();
        assert_eq!(
            texts,
            [
                "Heading:\n…teaser…\nIt’s here and linked.",
                "#####",
                "***",
                "• one\n• two"
            ]
        );
        let line = &document.paragraphs[0].lines[2];
        assert_eq!(&line.text[line.links[0].span.clone()], "linked");
        assert_eq!(document.paragraphs[0].lines[0].bold, vec![0..8]);
    }

    #[test]
    fn deep_nesting_is_refused_quickly_and_moderate_nesting_read() {
        let nested = |depth: usize| {
            format!(
                "{}<p>text</p>{}",
                "<div><span>".repeat(depth),
                "</span></div>".repeat(depth)
            )
        };
        assert!(matches!(read(&nested(100_000)), Err(ArchiveError::Html(_))));
        assert!(read_fragment(&nested(100_000)).is_err());
        let document = read(&nested(200)).unwrap();
        assert_eq!(document.paragraphs.len(), 1);
    }

    #[test]
    fn a_page_without_text_is_an_error() {
        assert!(matches!(
            read("<html><body></body></html>"),
            Err(ArchiveError::Html(_))
        ));
    }
}
