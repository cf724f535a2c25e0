//! The HTML and feed readers kept honest against real issues. The corpus holds no HTML or
//! feed XML, so some of its Markdown issues are rendered here with a Markdown renderer, as
//! a post page (with `og:url`, `article:published_time`) and as an RSS 2.0 item (with
//! `pubDate`), and every carrier of one issue must read the same: sections (title and
//! teaser), links (title, URL and where each falls, in the text or as a line), tale (title
//! and setting), date and URL.

mod corpus_support;

use chrono::NaiveDate;
use importai_bot::archive::model::LinkPlace;
use importai_bot::archive::{self, Format, Issue};

/// Corpus issues rendered to HTML; their tales are not compared. Each is
/// well formed enough to render as a site would serve it, but for one thing: the GTCode
/// exports open a bold run before "Tech Tales:" that spans blank lines, which a Markdown
/// renderer leaves as asterisks, so their rendered tale heading is not what a site serves
/// (Substack's own shape, `<strong>Tech Tales:<br><br>Title</strong>`, is checked below).
const RENDERED: &[&str] = &["importai-433.md", "importai-435.md", "importai-437.md"];

const PUBLISHED: &str = "2025-11-03";

/// A link's title, URL and where it falls in its section.
type LinkReading = (String, Option<String>, Option<LinkPlace>);
/// A section's title, teaser and links.
type SectionReading = (String, Option<String>, Vec<LinkReading>);

/// What every carrier must agree on.
#[derive(Debug, PartialEq)]
struct Reading {
    sections: Vec<SectionReading>,
}

fn reading(issue: &Issue) -> Reading {
    Reading {
        sections: issue
            .sections
            .iter()
            .map(|section| {
                let links = section
                    .links
                    .iter()
                    .map(|link| (link.title.clone(), link.url.clone(), link.at))
                    .collect();
                (section.title.clone(), section.teaser.clone(), links)
            })
            .collect(),
    }
}

/// The Markdown body (front matter left out) as HTML.
fn render(markdown: &str) -> String {
    let body = markdown
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(markdown, |(_, body)| body);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A Substack-like post page: title, canonical URL and date in the head, the body in
/// `div.available-content`, chrome around it.
fn post_page(title: &str, url: &str, body_html: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><title>{title} - by Jack Clark</title>
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{PUBLISHED}T12:05:00.000Z">
</head><body><nav><a href="/">Import AI</a> <button>Subscribe</button></nav>
<article><h1 class="post-title">{title}</h1><h3 class="subtitle">A subtitle</h3>
<div class="available-content"><div class="body markup">{body_html}</div></div></article>
<footer>© Jack Clark</footer></body></html>"#,
        title = escape(title),
        url = escape(url),
    )
}

/// An RSS 2.0 feed with the issue as its one item.
fn feed(title: &str, url: &str, body_html: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Import AI</title><link>https://importai.substack.com</link>
<description>AI research</description>
<item><title>{title}</title><link>{url}</link><guid>{url}</guid>
<pubDate>Mon, 03 Nov 2025 12:05:00 GMT</pubDate><description>A subtitle</description>
<content:encoded><![CDATA[{body_html}]]></content:encoded></item></channel></rss>"#,
        title = escape(title),
        url = escape(url),
    )
}

#[test]
fn markdown_html_page_and_feed_item_read_the_same() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let published = NaiveDate::parse_from_str(PUBLISHED, "%Y-%m-%d").ok();
    for file in RENDERED {
        let markdown = corpus_support::text(file);
        let from_markdown = archive::parse(file, markdown.as_bytes())
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .remove(0);
        let url = from_markdown.url.clone().expect("the export has a URL");
        let html = render(&markdown);
        // A page's and a feed item's title is the whole header, as the newsletter writes it.
        let header = format!(
            "Import AI {}: {}",
            from_markdown.number, from_markdown.title
        );

        let page = post_page(&header, &url, &html);
        let from_page = archive::parse_as(Format::Html, page.as_bytes())
            .unwrap_or_else(|e| panic!("{file} as a page: {e}"))
            .remove(0);
        let item = feed(&header, &url, &html);
        let from_feed = archive::parse_as(Format::Feed, item.as_bytes())
            .unwrap_or_else(|e| panic!("{file} as a feed item: {e}"))
            .remove(0);

        let expected = reading(&from_markdown);
        assert!(!expected.sections.is_empty(), "{file}: no sections");
        for (carrier, issue) in [("page", &from_page), ("feed item", &from_feed)] {
            assert_eq!(issue.number, from_markdown.number, "{file} as a {carrier}");
            assert_eq!(issue.title, from_markdown.title, "{file} as a {carrier}");
            assert_eq!(reading(issue), expected, "{file} as a {carrier}");
            assert_eq!(issue.published, published, "{file} as a {carrier}: date");
            assert_eq!(
                issue.url.as_deref(),
                Some(url.as_str()),
                "{file} as a {carrier}"
            );
        }
    }
}

#[test]
fn a_br_separates_lines_as_a_newline_does_in_substack_tales() {
    let page = post_page(
        "Import AI 901: Breaks",
        "https://importai.substack.com/p/import-ai-901",
        "<p><strong>Robots learn to fold laundry:</strong><br><em>…Slowly…</em><br>A lab \
         taught a robot to fold shirts.</p>\
         <p><strong>Read more:</strong> <a href=\"https://arxiv.org/abs/1\">Folding (arXiv)</a>.</p>\
         <p>***</p>\
         <p><strong>Tech Tales:<br><br>The Last Shirt<br></strong><em>[A laundromat, 2031]<br><br>\
         </em>The machine held the shirt up to the light.</p>\
         <p>It folded it once more.</p>\
         <p><strong>Things that inspired this story:</strong> Laundry robots.</p>",
    );
    let issue = archive::parse_as(Format::Html, page.as_bytes())
        .unwrap()
        .remove(0);
    assert_eq!(issue.sections.len(), 1);
    assert_eq!(issue.sections[0].title, "Robots learn to fold laundry");
    assert_eq!(issue.sections[0].teaser.as_deref(), Some("Slowly"));
    let tale = issue.tale.expect("a tale");
    assert_eq!(tale.title, "The Last Shirt");
    assert_eq!(tale.setting.as_deref(), Some("A laundromat, 2031"));
    assert!(
        tale.body
            .starts_with("The machine held the shirt up to the light."),
        "{}",
        tale.body
    );
    assert_eq!(tale.inspired_by.as_deref(), Some("Laundry robots."));
}

#[test]
fn the_same_tale_as_text_reads_as_it_does_in_html() {
    let text = "Import AI 901: Breaks\n\nRobots learn to fold laundry:\n…Slowly…\nA lab taught a \
                robot to fold shirts.\n\nRead more: Folding (arXiv).\n\n***\n\nTech Tales:\n\n\
                The Last Shirt\n[A laundromat, 2031]\n\nThe machine held the shirt up to the \
                light.\n\nIt folded it once more.\n\nThings that inspired this story: Laundry \
                robots.\n";
    let html = "<h1>Import AI 901: Breaks</h1><p><strong>Robots learn to fold laundry:</strong>\
                <br><em>…Slowly…</em><br>A lab taught a robot to fold shirts.</p><p>Read more: \
                Folding (arXiv).</p><p>***</p><p><strong>Tech Tales:<br><br>The Last Shirt<br>\
                </strong><em>[A laundromat, 2031]<br><br></em>The machine held the shirt up to \
                the light.</p><p>It folded it once more.</p><p>Things that inspired this story: \
                Laundry robots.</p>";
    let from_text = archive::parse_as(Format::Text, text.as_bytes()).unwrap();
    let from_html = archive::parse_as(Format::Html, html.as_bytes()).unwrap();
    assert_eq!(from_html, from_text);
}

/// Issue 385's video item, `**Watch the video**[here (VaigueMan, twitter)](url)`, and 331's
/// `**Find out[more](url)**`, as Markdown and as the HTML a post page serves for them.
#[test]
fn a_bold_label_glued_to_a_link_reads_the_same_in_markdown_and_html() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let file = "importai-385.md";
    let markdown = corpus_support::text(file);
    let issue = archive::parse(file, markdown.as_bytes()).unwrap().remove(0);
    let video = issue
        .sections
        .iter()
        .flat_map(|section| &section.links)
        .find(|link| link.label == "Watch the video")
        .expect("385's video link");
    assert_eq!(video.title, "Watch the video here");
    assert_eq!(video.source.as_deref(), Some("VaigueMan, twitter"));

    let url = video.url.clone().unwrap();
    let page = format!(
        "<h1>Import AI 902: Labels</h1><p><strong>A heading:</strong><br><em>…A teaser…</em><br>\
         Body.</p><p><strong>Watch the video</strong><a href=\"{url}\">here (VaigueMan, \
         twitter)</a></p><p><strong>Find out<a href=\"https://x.test/m\">more</a></strong>\
         <a href=\"https://x.test/m\"> about it here (X, GitHub)</a>.</p>"
    );
    let text = format!(
        "# Import AI 902: Labels\n\n**A heading:**  \n_…A teaser…_  \nBody.\n\n\
         **Watch the video**[here (VaigueMan, twitter)]({url})\n\n\
         **Find out[more](https://x.test/m)**[ about it here (X, GitHub)](https://x.test/m).\n"
    );
    let from_html = archive::parse_as(Format::Html, page.as_bytes()).unwrap();
    let from_markdown = archive::parse_as(Format::Markdown, text.as_bytes()).unwrap();
    assert_eq!(from_html, from_markdown);
    let links = &from_html[0].sections[0].links;
    let titles: Vec<&str> = links.iter().map(|link| link.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Watch the video here", "Find out more about it here"]
    );
}

/// Substack's 331 and 336 open a heading with a bold run that starts on the line before it
/// (`**  \nHeading:  \n**_…teaser…`); a post page writes it `<strong><br>Heading:<br></strong>`.
#[test]
fn a_bold_heading_opened_on_the_line_before_reads_right() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    for (file, heading, teaser) in [
        (
            "importai-331.md",
            "Love open source AI and don't want to get hacked? Use safetensors",
            "A sensible security update - now signed off via a security audit",
        ),
        (
            "importai-336.md",
            "The financialization of AI - raising money on the basis of GPU allocations and forward customer contracts",
            "Perhaps a smarter way to pay for GPUs, rather than selling equity",
        ),
    ] {
        let markdown = corpus_support::text(file);
        let issue = archive::parse(file, markdown.as_bytes()).unwrap().remove(0);
        assert_eq!(issue.sections[0].title, heading, "{file}");
        assert_eq!(issue.sections[0].teaser.as_deref(), Some(teaser), "{file}");
        let page = format!(
            "<h1>Import AI {}: {}</h1><p>Welcome to Import AI, a newsletter. Please \
             subscribe.</p><p><strong><br>{}:<br></strong><em>…{}…<br></em>Body of it.</p>",
            issue.number,
            escape(&issue.title),
            escape(heading),
            escape(teaser)
        );
        let from_page = archive::parse_as(Format::Html, page.as_bytes())
            .unwrap()
            .remove(0);
        assert_eq!(from_page.sections[0].title, heading, "{file} as a page");
        assert_eq!(
            from_page.sections[0].teaser.as_deref(),
            Some(teaser),
            "{file} as a page"
        );
        assert_eq!(from_page.sections[0].body, "Body of it.", "{file} as a page");
    }
}
