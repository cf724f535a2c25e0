//! One issue written three ways (plain text, a Substack post page, RSS and Atom feeds):
//! the HTML and feed readers must give the very issue the text gives, plus the URLs that
//! only HTML carries.

use importai_bot::archive::{self, Format, Issue};

const FIXTURES: &str = "tests/fixtures/archive";

fn parse_fixture(name: &str) -> Vec<Issue> {
    let path = format!("{FIXTURES}/{name}");
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    archive::parse(&path, &bytes).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn only(mut issues: Vec<Issue>) -> Issue {
    assert_eq!(issues.len(), 1, "one issue expected");
    issues.remove(0)
}

/// The issue without what plain text cannot carry: link URLs, links in the text (which
/// only a URL makes) and the page URL.
fn without_urls(mut issue: Issue) -> Issue {
    issue.url = None;
    for section in &mut issue.sections {
        section.links.retain(|link| !link.is_inline());
        for link in &mut section.links {
            link.url = None;
        }
    }
    issue
}

fn link_urls(issue: &Issue) -> Vec<Vec<Option<&str>>> {
    issue
        .sections
        .iter()
        .map(|s| s.links.iter().map(|l| l.url.as_deref()).collect())
        .collect()
}

const EXPECTED_LINK_URLS: [&[Option<&str>]; 3] = [
    &[Some("https://www.jasonwei.net/blog/emergence")],
    &[
        Some("https://blog.arxiv.org/2022/11/17/discover-state-of-the-art-machine-learning-demos-on-arxiv/"),
        Some("https://github.com/huggingface/demos"),
    ],
    // The mention of issue 300 is linked in the body, before the "Read more" line.
    &[
        Some("https://jack-clark.net/import-ai-300"),
        Some("https://www.pnas.org/doi/10.1073/pnas.2206625119"),
    ],
];

#[test]
fn the_plain_text_version_reads_as_expected() {
    let issue = only(parse_fixture("import-ai-310-excerpt.txt"));
    assert_eq!(issue.number, 310);
    assert_eq!(
        issue.published,
        chrono::NaiveDate::from_ymd_opt(2022, 11, 28)
    );
    let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "How much capability emergence is in a language model? Aka, how long is a piece of string",
            "Demoscene AI: arXiv adds interactive demo support",
            "AlphaZero learns in a surprisingly human way",
        ]
    );
    let second = &issue.sections[1];
    assert_eq!(
        second.teaser.as_deref(),
        Some("HuggingFace + arXiv partnership shows the future")
    );
    assert_eq!(second.links[1].label, "Get the code");
    assert_eq!(second.links[1].title, "Get the code here");
    assert_eq!(
        second.links[1].source.as_deref(),
        Some("HuggingFace, GitHub")
    );
    assert_eq!(
        issue.sections[2].links[0].title,
        "Acquisition of chess knowledge in AlphaZero"
    );
    assert_eq!(issue.mentions, [300]);
    let tale = issue.tale.as_ref().unwrap();
    assert_eq!(tale.title, "God Complex");
    assert_eq!(tale.setting.as_deref(), Some("Earth, 2028"));
    assert_eq!(
        tale.inspired_by.as_deref(),
        Some("When religion meets gamification and social media incentives.")
    );
}

#[test]
fn a_substack_post_page_gives_the_same_issue_plus_urls() {
    let text = only(parse_fixture("import-ai-310-excerpt.txt"));
    let html = only(parse_fixture("import-ai-310-excerpt.html"));
    assert_eq!(
        html.url.as_deref(),
        Some("https://jack-clark.net/2022/11/28/import-ai-310-alphazero-learned-chess-like-humans-learn-chess-capability-emergence-in-language-models-demoscene-ai/")
    );
    assert_eq!(link_urls(&html), EXPECTED_LINK_URLS);
    assert_eq!(without_urls(html), text);
}

#[test]
fn an_rss_item_gives_the_same_issue_plus_urls_and_other_posts_are_skipped() {
    let text = only(parse_fixture("import-ai-310-excerpt.txt"));
    let rss = only(parse_fixture("import-ai-feed.rss.xml"));
    assert_eq!(
        rss.url.as_deref(),
        Some("https://importai.substack.com/p/import-ai-310-alphazero-learned")
    );
    assert_eq!(rss.published, chrono::NaiveDate::from_ymd_opt(2022, 11, 28));
    // The item's short description is the issue's subtitle; the plain text has none.
    assert_eq!(
        rss.subtitle.as_deref(),
        Some("The capabilities overhang just gets more and more significant everywhere you look")
    );
    assert_eq!(link_urls(&rss), EXPECTED_LINK_URLS);
    let rss = Issue {
        subtitle: None,
        ..rss
    };
    assert_eq!(without_urls(rss), text);
}

#[test]
fn an_atom_entry_with_escaped_html_and_entities_gives_the_same_issue() {
    let text = only(parse_fixture("import-ai-feed.atom.xml"));
    let expected = only(parse_fixture("import-ai-310-excerpt.txt"));
    assert_eq!(
        text.url.as_deref(),
        Some("https://jack-clark.net/2022/11/28/import-ai-310/")
    );
    assert!(text.sections[0].body.starts_with("Here’s a lovely blog"));
    assert_eq!(link_urls(&text), EXPECTED_LINK_URLS);
    assert_eq!(without_urls(text), expected);
}

#[test]
fn formats_are_detected_from_names_and_content() {
    let read = |name: &str| std::fs::read(format!("{FIXTURES}/{name}")).unwrap();
    let html = read("import-ai-310-excerpt.html");
    let rss = read("import-ai-feed.rss.xml");
    let atom = read("import-ai-feed.atom.xml");
    let markdown = std::fs::read("tests/fixtures/import-ai-320.substack.md").unwrap();
    let text = read("import-ai-310-excerpt.txt");
    // By content alone (e.g. a URL without an extension).
    let url = "https://importai.substack.com/p/import-ai-310";
    assert_eq!(archive::detect_format(url, &html), Format::Html);
    assert_eq!(archive::detect_format(url, &rss), Format::Feed);
    assert_eq!(archive::detect_format(url, &atom), Format::Feed);
    assert_eq!(archive::detect_format(url, &markdown), Format::Markdown);
    assert_eq!(archive::detect_format(url, &text), Format::Text);
    // And the parse through detection agrees with the explicit format.
    assert_eq!(
        archive::parse(url, &rss),
        archive::parse_as(Format::Feed, &rss)
    );
}
