//! A Substack Markdown export (issue 320): front matter, bold headings broken across hard
//! breaks, italic teasers, `\*\*\*`-free `####` separators, and link items whose titles are
//! Markdown links with real URLs.

use importai_bot::archive::{self, Issue, Link};

fn issue_320() -> Issue {
    let path = "tests/fixtures/import-ai-320.substack.md";
    let bytes = std::fs::read(path).expect("the fixture");
    let mut issues = archive::parse(path, &bytes).expect("320 parses");
    assert_eq!(issues.len(), 1);
    issues.remove(0)
}

fn link(label: &str, title: &str, source: Option<&str>, url: &str) -> Link {
    Link {
        label: label.into(),
        title: title.into(),
        source: source.map(Into::into),
        url: Some(url.into()),
        at: None,
    }
}

#[test]
fn header_facts_come_from_the_front_matter() {
    let issue = issue_320();
    assert_eq!(issue.number, 320);
    assert_eq!(
        issue.title,
        "Facebook's AI Lab Leak; open source ChatGPT clone; Google makes a universal translator."
    );
    assert_eq!(
        issue.url.as_deref(),
        Some("https://importai.substack.com/p/import-ai-320-facebooks-ai-lab-leak")
    );
    assert_eq!(issue.published, None, "the export's date is empty");
    assert_eq!(issue.mentions, [311]);
}

#[test]
fn every_section_heading_and_teaser() {
    let issue = issue_320();
    let actual: Vec<(&str, Option<&str>)> = issue
        .sections
        .iter()
        .map(|s| (s.title.as_str(), s.teaser.as_deref()))
        .collect();
    assert_eq!(
        actual,
        [
            (
                "Google makes progress on the self-teaching universal translator",
                Some("Universal Speech Models scale beyond 100 languages")
            ),
            (
                "US regulator: Hey, maybe don't lie about your AI products",
                Some("Sometimes it's worth stating the simple and obvious thing")
            ),
            (
                "ROBOLLM: Google shows how if you mush together more sensory inputs into an LLM, you get a lot of transfer learning",
                Some("Maybe everything really is a sequence prediction task")
            ),
            (
                "You can run a powerful LM on an M2 MacBook now",
                Some("Facebook's AI lab leak brings about the dawn of demoscene AI")
            ),
            (
                "Chinese scientists release a 360-degree self-driving perception dataset",
                Some("OpenOccupancy is all about giving cars greater 'surrounding occupancy' skills")
            ),
            (
                "AI timelines are a foolish endeavor",
                Some("Blog lays out why predictions about this kind of stuff are extremely fraught")
            ),
            (
                "An open source ChatGPT replication appears (though it's a few years behind state-of-the-art)",
                Some("OpenChatKit gives a taste of what the open source landscape is capable of")
            ),
        ]
    );
}

#[test]
fn bodies_lose_the_markup_and_keep_the_text() {
    let issue = issue_320();
    for s in &issue.sections {
        for field in [&s.title, &s.body, &s.summary] {
            assert!(
                !field.contains("**"),
                "markup left in {}: {field}",
                s.position
            );
            assert!(
                !field.starts_with('_'),
                "markup left in {}: {field}",
                s.position
            );
            assert!(
                !field.contains("](http"),
                "link markup left in {}",
                s.position
            );
        }
    }
    let first = &issue.sections[0];
    assert!(first.body.starts_with(
        "Google has built a family of AI systems called Universal Speech Models (USMs)."
    ));
    // The teaser's line ran on into the body (section 5): the body starts after it.
    assert!(issue.sections[4]
        .body
        .starts_with("Researchers with the Chinese Academy of Sciences"));
    // A sentence broken by a blank line ("all the spoken\n\nlanguages") is joined.
    assert!(first
        .body
        .contains("covers all the spoken languages in the world,"));
    // List items keep their lines.
    assert!(first.body.contains("• Unpaired Audio:"));
}

#[test]
fn why_it_matters_including_a_second_one() {
    let issue = issue_320();
    let why = |position: usize| issue.sections[position - 1].why_it_matters.as_deref();
    assert!(why(1)
        .unwrap()
        .starts_with("\"We believe diverse unlabeled data is more practical"));
    assert!(why(3).unwrap().starts_with(
        "I am going to tap the 'these things are getting smarter' sign and stare at you:"
    ));
    assert_eq!(why(6), None);
    let both = why(7).unwrap();
    assert!(both.starts_with("Decentralization vs Centralization: Together and Laion"));
    assert!(both.contains("\n\nCounting down to LLaMA: Earlier this month"));
}

#[test]
fn every_link_item_with_its_url() {
    let issue = issue_320();
    // What each link item says (links in the text and places are checked in corpus_links).
    let links: Vec<Vec<Link>> = issue
        .sections
        .iter()
        .map(|s| {
            let items = s.links.iter().filter(|link| !link.is_inline()).cloned();
            items.map(|link| Link { at: None, ..link }).collect()
        })
        .collect();
    assert_eq!(
        links,
        [
            vec![
                link(
                    "Read more",
                    "Google USM: Scaling Automatic Speech Recognition Beyond 100 Languages",
                    Some("arXiv"),
                    "https://arxiv.org/abs/2303.01037"
                ),
                // Split into two links by the export: "Request[API access here](u)[.](u)".
                link(
                    "Request",
                    "Request API access here",
                    None,
                    "https://sites.research.google/usm/"
                ),
            ],
            vec![link(
                "Read more",
                "Keep your AI claims in check",
                Some("Federal Trade Commission"),
                "https://www.ftc.gov/business-guidance/blog/2023/02/keep-your-ai-claims-check"
            )],
            vec![link(
                "Read more",
                "PaLM-E: An Embodied Multimodal Language Model",
                Some("PDF"),
                "https://palm-e.github.io/assets/palm-e.pdf"
            )],
            vec![
                link(
                    "Read more",
                    "Running LLaMA 7B and 13B on a 64GB M2 MacBook Pro with llama.cpp",
                    Some("Simon Willison blog"),
                    "https://til.simonwillison.net/llms/llama-7b-m2"
                ),
                // The parenthesis is an aside, not a source.
                link(
                    "Bonus",
                    "Here's some absolute mad lad running the LLaMa 7B model on a 4GB RAM Raspberry Pi 4 (at a latency of 10 seconds per token, lol.)",
                    None,
                    "https://twitter.com/miolini/status/1634982361757790209"
                ),
            ],
            vec![
                link(
                    "Read more",
                    "OpenOccupancy: A Large Scale Benchmark for Surrounding Semantic Occupancy Perception",
                    Some("arXiv"),
                    "https://arxiv.org/abs/2303.03991"
                ),
                link(
                    "Get the dataset here",
                    "OpenOccupancy",
                    Some("GitHub"),
                    "https://github.com/JeffWang987/OpenOccupancy"
                ),
            ],
            vec![link(
                "Read more",
                "Against AGI Timelines",
                Some("Ben Landau-Taylor"),
                "https://benlandautaylor.com/2023/03/12/against-agi-timelines/"
            )],
            vec![
                link(
                    "Read more",
                    "Announcing OpenChatKit",
                    Some("Together.xyz blog"),
                    "https://www.together.xyz/blog/openchatkit"
                ),
                link(
                    "Try out the model yourself",
                    "OpenChatKit feedback app",
                    Some("HuggingFace spaces"),
                    "https://huggingface.co/spaces/togethercomputer/OpenChatKit"
                ),
                // The link covers only part of the line: "about the [OIG dataset here (…)](u)".
                link(
                    "Find out more",
                    "Find out more about the OIG dataset here",
                    Some("Laion blog"),
                    "https://laion.ai/blog/oig-dataset/"
                ),
            ],
        ]
    );
}

#[test]
fn the_tale() {
    let issue = issue_320();
    let tale = issue.tale.expect("a tale");
    assert_eq!(tale.title, "The Sentience Lineup");
    assert_eq!(
        tale.setting.as_deref(),
        Some("After the war; date unknown; years of subjective life - 200")
    );
    assert!(tale
        .body
        .starts_with("'Please be like me please be like me' I thought."));
    assert!(tale
        .body
        .ends_with("The robots' only revenge was that they did not permit us the ability to cry."));
    assert!(tale
        .inspired_by
        .as_deref()
        .unwrap()
        .starts_with("Thinking that a lot of people who are critical of AI"));
    assert!(tale
        .inspired_by
        .as_deref()
        .unwrap()
        .ends_with("love, like revenge, is perhaps a dish best served cold."));
}
