//! Every link of a section kept with its URL where it falls: links in paragraphs and lists
//! (placed on their own words), link items (placed after the paragraph they follow). The
//! URLs expected are read from the files themselves with a Markdown parser; the whole-section
//! answer shows each link in its place.

mod corpus_support;

use importai_bot::answers::{self, Question};
use importai_bot::archive::model::{LinkPlace, TextPart};
use importai_bot::archive::{self, Issue, Link, Section, BUNDLED_ARCHIVE};
use importai_bot::store::Store;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Substack exports and GTCode exports with links in their text.
const WITH_INLINE_LINKS: &[&str] = &[
    "importai-331.md",
    "importai-337.md",
    "importai-377.md",
    "importai-387.md",
    "importai-433.md",
    "importai-435.md",
    "importai-437.md",
];

fn issue(file: &str) -> Option<Issue> {
    corpus_support::corpus_dir()?;
    let text = corpus_support::text(file);
    let mut issues =
        archive::parse(file, text.as_bytes()).unwrap_or_else(|e| panic!("{file}: {e}"));
    Some(issues.remove(0))
}

/// The `[words](url)` links of a Markdown file's body (front matter left out).
fn markdown_links(file: &str) -> Vec<(String, String)> {
    let text = corpus_support::text(file);
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(text.as_str(), |(_, body)| body);
    let mut links = Vec::new();
    let mut open: Option<(String, String)> = None;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((String::new(), dest_url.to_string()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((words, _)) = open.as_mut() {
                    words.push_str(&text);
                }
            }
            Event::End(TagEnd::Link) => {
                links.extend(open.take());
            }
            _ => {}
        }
    }
    links
}

fn all_links(issue: &Issue) -> impl Iterator<Item = (&Section, &Link)> {
    issue
        .sections
        .iter()
        .flat_map(|section| section.links.iter().map(move |link| (section, link)))
}

#[test]
fn every_url_of_the_markdown_exports_is_kept() {
    for file in WITH_INLINE_LINKS {
        let Some(issue) = issue(file) else { return };
        let kept: Vec<&str> = all_links(&issue)
            .filter_map(|(_, link)| link.url.as_deref())
            .collect();
        let note = issue.note.clone().unwrap_or_default();
        for (words, url) in markdown_links(file) {
            if !url.starts_with("http") {
                continue;
            }
            // The editor's note is text of the issue, not of a section.
            if note.contains(words.trim()) {
                continue;
            }
            assert!(
                kept.contains(&url.as_str()),
                "{file}: [{words}]({url}) lost"
            );
        }
    }
}

#[test]
fn links_in_the_text_fall_on_their_own_words() {
    for file in WITH_INLINE_LINKS {
        let Some(issue) = issue(file) else { return };
        let in_file = markdown_links(file);
        let mut inline = 0;
        for (section, link) in all_links(&issue) {
            let Some(words) = corpus_support::placed_words(section, link) else {
                continue;
            };
            inline += 1;
            let url = link.url.clone().expect("a link in the text has a URL");
            assert!(
                in_file
                    .iter()
                    .any(|(linked, at)| *at == url && linked.trim() == words.trim()),
                "{file} section {}: {words:?} is not linked to {url} in the file",
                section.position
            );
            assert!(link.label.is_empty(), "{file}: {link:?}");
        }
        assert!(inline >= 1, "{file}: no link in the text");
    }
}

/// (section, part, paragraph, words, url) of a link in the text.
type Expected<'a> = (u32, TextPart, u32, &'a str, &'a str);

fn assert_inline(file: &str, expected: &[Expected]) {
    let Some(issue) = issue(file) else { return };
    for &(position, part, paragraph, words, url) in expected {
        let section = issue.section(position).expect("the section");
        let found = section.links.iter().find(|link| {
            matches!(link.at, Some(LinkPlace::Inline { part: p, paragraph: n, .. })
                if p == part && n == paragraph)
                && link.url.as_deref() == Some(url)
        });
        let link = found.unwrap_or_else(|| panic!("{file} section {position}: no link to {url}"));
        assert_eq!(
            corpus_support::placed_words(section, link).as_deref(),
            Some(words),
            "{file}"
        );
    }
}

#[test]
fn substack_links_in_paragraphs_and_why_it_matters() {
    assert_inline(
        "importai-331.md",
        &[(
            2,
            TextPart::Body,
            0,
            "Import AI #2",
            "https://jack-clark.net/2016/08/08/import-ai-issue-2-microsofts-ai-chips-george-hotzs-bandwidth-bill-and-spy-vs-spy/",
        )],
    );
    assert_inline(
        "importai-377.md",
        &[
            (
                1,
                TextPart::Body,
                0,
                "Import AI 314",
                "https://jack-clark.net/2023/01/09/import-ai-314-language-models-text-to-speech-emergent-cooperation-in-wargames-icml-bans-llm-written-papers/",
            ),
            (
                1,
                TextPart::WhyItMatters,
                0,
                "Import AI 304",
                "https://jack-clark.net/2022/10/03/import-ai-304-reality-collapse-thanks-to-facebook-open-source-speech-rec-ai-culture-wars/",
            ),
            (
                2,
                TextPart::WhyItMatters,
                0,
                "#375",
                "https://importai.substack.com/p/import-ai-375-gpt-2-five-years-later",
            ),
        ],
    );
    assert_inline(
        "importai-387.md",
        &[(
            2,
            TextPart::Body,
            1,
            "Import AI #381",
            "https://importai.substack.com/p/import-ai-381-chips-for-peace-facebook",
        )],
    );
}

#[test]
fn gtcode_links_in_paragraphs_and_why_it_matters() {
    assert_inline(
        "importai-433.md",
        &[(
            1,
            TextPart::Body,
            2,
            "Import AI #426",
            "https://jack-clark.net/2025/08/25/",
        )],
    );
    assert_inline(
        "importai-435.md",
        &[(
            3,
            TextPart::WhyItMatters,
            0,
            "El Capitan",
            "https://asc.llnl.gov/exascale/el-capitan",
        )],
    );
    assert_inline(
        "importai-437.md",
        &[(
            3,
            TextPart::Body,
            9,
            "Hunyuan3D from Tencent",
            "https://github.com/Tencent-Hunyuan/Hunyuan3D-2",
        )],
    );
}

#[test]
fn a_link_item_follows_the_paragraph_before_it() {
    let Some(issue) = issue("importai-331.md") else {
        return;
    };
    let section = issue.section(2).unwrap();
    let item = section
        .links
        .iter()
        .find(|link| link.title == "the tiny corp raised $5.1M")
        .unwrap();
    assert_eq!(
        item.at,
        Some(LinkPlace::Line {
            part: TextPart::Body,
            after: 2
        })
    );
    let paragraphs: Vec<&str> = section.body.split("\n\n").collect();
    assert!(
        paragraphs[1].starts_with("Libertarian AI:"),
        "{paragraphs:?}"
    );
    assert_eq!(
        paragraphs.len(),
        2,
        "the item follows the last body paragraph"
    );
}

#[test]
fn in_the_seeds_a_read_more_before_why_it_matters_stays_before_it() {
    let issues = archive::parse("bundled", BUNDLED_ARCHIVE.as_bytes()).unwrap();
    let issue_301 = issues.iter().find(|issue| issue.number == 301).unwrap();
    let section = issue_301.section(3).unwrap();
    assert_eq!(
        section.title,
        "US bans NVIDIA from selling advanced AI chips to China"
    );
    assert_eq!(
        section.links[0].at,
        Some(LinkPlace::Line {
            part: TextPart::Body,
            after: 2
        })
    );
    // Every link item of the seeds has a place, after a paragraph the section has.
    for section in issues.iter().flat_map(|issue| &issue.sections) {
        for link in &section.links {
            let Some(LinkPlace::Line { part, after }) = link.at else {
                panic!("{}: {link:?} has no line place", section.title);
            };
            let paragraphs = match part {
                TextPart::Body => section.body.split("\n\n").count(),
                TextPart::WhyItMatters => section
                    .why_it_matters
                    .as_deref()
                    .map_or(0, |why| why.split("\n\n").count()),
            };
            assert!(after as usize <= paragraphs, "{}: {link:?}", section.title);
        }
    }
}

#[tokio::test]
async fn the_whole_section_shows_each_link_where_it_falls() {
    let store_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", store_dir.path().join("a.db").display());
    let store = Store::open(&url).await.unwrap();
    let whole = |issue: i64, position: i64| {
        let store = &store;
        async move {
            let question = Question::SectionText {
                issue,
                position,
                page: 1,
            };
            let reply = answers::answer(store, &question).await.unwrap();
            reply.cards[0].description.clone()
        }
    };
    // The bundled 301: the "Read more" line comes before "Why this matters", as written.
    let text = whole(301, 3).await;
    let read_more = text.find("• Read more: U.S. officials").expect(&text);
    let why = text.find("**Why this matters:**").expect(&text);
    assert!(read_more < why, "{text}");

    let Some(issue) = issue("importai-331.md") else {
        return;
    };
    store
        .ingest_copies("importai-331.md", &[issue])
        .await
        .unwrap();
    let text = whole(331, 2).await;
    let inline = "Comma.ai ([Import AI \\#2](<https://jack-clark.net/2016/08/08/import-ai-issue-2-microsofts-ai-chips-george-hotzs-bandwidth-bill-and-spy-vs-spy/>) - !!!)";
    assert!(text.contains(inline), "{text}");
    let item = text
        .find("• Read more: [the tiny corp raised $5.1M (George Hotz blog)](https://geohot")
        .expect(&text);
    let libertarian = text.find("Libertarian AI:").unwrap();
    let why = text.find("**Why this matters:**").unwrap();
    assert!(libertarian < item && item < why, "{text}");
}
