//! Real issues from each carrier in `../shared/corpus` read right: headings, teasers, link
//! titles and URLs, notes, tale titles and settings, as the files themselves say them.

mod corpus_support;

use corpus_support::{issue, read};
use importai_bot::archive::{Issue, Link};

fn headings(issue: &Issue) -> Vec<&str> {
    issue.sections.iter().map(|s| s.title.as_str()).collect()
}

fn teaser(issue: &Issue, position: u32) -> Option<&str> {
    issue.section(position).and_then(|s| s.teaser.as_deref())
}

/// The tale's title and setting.
fn tale(issue: &Issue) -> (&str, Option<&str>) {
    let tale = issue.tale.as_ref().expect("a tale");
    (tale.title.as_str(), tale.setting.as_deref())
}

/// The first link item of a section (not a link in its text), as (title, source, url).
fn first_link(issue: &Issue, position: u32) -> (&str, Option<&str>, Option<&str>) {
    let link: &Link = issue
        .section(position)
        .and_then(|s| s.links.iter().find(|link| !link.is_inline()))
        .unwrap_or_else(|| panic!("section {position} has a link"));
    (
        link.title.as_str(),
        link.source.as_deref(),
        link.url.as_deref(),
    )
}

// Substack posts converted to Markdown.

#[test]
fn substack_markdown_340_bold_tale_title_without_heading() {
    let Some(issue) = issue("importai-340.md", 340) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "Adept releases a small, extremely high performing language model"
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("Paradigm punctured by Precocious Persimmon-8B")
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "Releasing Persimmon-8B",
            Some("Adept"),
            Some("https://www.adept.ai/blog/persimmon-8b")
        )
    );
    assert_eq!(tale(&issue), ("Compute Controls", Some("America, 2032")));
}

#[test]
fn substack_markdown_377_ascii_dots_and_an_unclosed_setting() {
    let Some(issue) = issue("importai-377.md", 377) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "Microsoft shows that human-level voice cloning is here"
    );
    assert_eq!(
        teaser(&issue, 1),
        Some(
            "VALL-E 2 portends the wild synthetic voice future - but it's not being released (yet)"
        )
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "VALL-E 2: Neural Codec Language Models are Human Parity Zero-Shot Text to Speech Synthesizers",
            Some("arXiv"),
            Some("https://arxiv.org/abs/2406.05370")
        )
    );
    assert_eq!(
        tale(&issue),
        (
            "Anecdotes of intelligence",
            Some("Responses heard in a focus group oriented around understanding dreams people")
        )
    );
}

#[test]
fn substack_markdown_387_note_inside_the_welcome() {
    let Some(issue) = issue("importai-387.md", 387) else {
        return;
    };
    assert_eq!(
        issue.note.as_deref(),
        Some("A somewhat shorter than usual issue this week - but I decided it’s better to keep the weekly cadence than to save up sections for a ‘full’ less frequent newsletter.")
    );
    assert_eq!(
        headings(&issue)[0],
        "Apple shows that most LLMs are overfitting"
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "GSM-Symbolic: Understanding the Limitations of Mathematical Reasoning in Large Language Models",
            Some("arXiv"),
            Some("https://arxiv.org/abs/2410.05229")
        )
    );
    assert_eq!(
        tale(&issue),
        (
            "Intelligence piled high",
            Some("Many years after uplift, fragment stored in offworld 'wikiasteroid'")
        )
    );
}

#[test]
fn substack_markdown_337_note_and_an_essay_first() {
    let Some(issue) = issue("importai-337.md", 337) else {
        return;
    };
    assert_eq!(
        issue.note.as_deref(),
        Some(
            "Also, this issue sees me trying something a bit unusual - let me know what you think!"
        )
    );
    assert_eq!(
        headings(&issue)[0],
        "Zooming out - why am I confused and uneasy about some parts of AI these days?"
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("Some disconnected thoughts about scaling, safety, societal impacts, and so on")
    );
    assert_eq!(tale(&issue).0, "Prediction Wars");
}

#[test]
fn substack_markdown_350_star_separators_and_an_unopened_bold_title() {
    let Some(issue) = issue("importai-350.md", 350) else {
        return;
    };
    assert_eq!(
        headings(&issue)[1],
        "Facebook makes neural architecture search work at Facebook’s vast scale"
    );
    assert_eq!(
        teaser(&issue, 2),
        Some("Maybe you really can use a computer to make a smarter computer?")
    );
    assert_eq!(
        first_link(&issue, 2),
        (
            "Rankitect: Ranking Architecture Search Battling World-class Engineers at Meta Scale",
            Some("arXiv"),
            Some("https://arxiv.org/abs/2311.08430")
        )
    );
}

#[test]
fn substack_markdown_385_heading_and_teaser_in_paragraphs_of_their_own() {
    let Some(issue) = issue("importai-385.md", 385) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "If we want AI to be more a partner than a servant, we need to do some research"
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("Collaboration is a nice idea in principle but it's hard to build in practice")
    );
    assert_eq!(tale(&issue), ("Sophon Game Theory", Some("This decade")));
}

#[test]
fn substack_markdown_362_a_tech_tale_section_before_the_tale() {
    let Some(issue) = issue("importai-362.md", 362) else {
        return;
    };
    assert!(
        headings(&issue).contains(&"A fun 'tech tale' by someone else"),
        "{:?}",
        headings(&issue)
    );
    assert_eq!(tale(&issue).0, "The Sand That Thinks Itself");
}

// GTCode-style exports: inline elements on paragraphs of their own.

#[test]
fn gtcode_437_links_and_tale() {
    let Some(issue) = issue("importai-437.md", 437) else {
        return;
    };
    assert_eq!(
        headings(&issue)[..2],
        [
            "Facebook: Let’s not build self-improving AI, let’s build co-improving AI",
            "How bad could policy for labeling AI systems be? Pretty bad, based on existing EU regulations",
        ]
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("A sensible goal which may be hard to achieve")
    );
    assert_eq!(
        first_link(&issue, 2),
        (
            "The EU single market’s elephant in the room",
            Some("Financial Times"),
            Some("https://www.ft.com/content/35bbe00a-75c6-4c9e-9f23-94f61ce87cdb?accessToken=zwAGRSdZ6wcAkc81u-AKdcZMntOfI5T2HOh82w.MEYCIQCrOq3xxIQ_c642cPaZ_qOZMJagi-XdpRuaYT50P1wM_wIhAP8OxoOZYMq1PKQoRoP7DnzQkTF9zpM9xI_lZYNg-1_1&sharetype=gift&token=13df7a5e-065b-4490-aa32-47ab9fd581bf")
        )
    );
    assert_eq!(
        first_link(&issue, 3),
        (
            "SimWorld: An Open-ended Realistic Simulator for Autonomous Agents in Physical and Social Worlds",
            Some("arXiv"),
            Some("https://arxiv.org/abs/2512.01078")
        )
    );
    assert_eq!(
        tale(&issue),
        ("A Walk During The Singularity", Some("2033"))
    );
}

#[test]
fn gtcode_433_read_more_split_over_paragraphs() {
    let Some(issue) = issue("importai-433.md", 433) else {
        return;
    };
    assert_eq!(
        headings(&issue)[1],
        "The era of the synthetic lab assistant approaches"
    );
    assert_eq!(
        teaser(&issue, 2),
        Some("LabOS is the kind of software a superintelligence would need to run its own experiments")
    );
    let lab_os = issue.section(2).expect("section 2");
    assert!(
        lab_os.links.iter().any(|link| link.title
            == "LabOS: The AI-XR Co-Scientist That Sees and Works With Humans"
            && link.url.as_deref()
                == Some("https://www.biorxiv.org/content/10.1101/2025.10.16.679418v1")),
        "{:?}",
        lab_os.links
    );
    assert_eq!(
        tale(&issue),
        (
            "Love is a Reflection in the Mind of Forever",
            Some("2026, Email from an employee of one AI lab to another")
        )
    );
}

#[test]
fn gtcode_435_note_with_a_link_split_over_lines() {
    let Some(issue) = issue("importai-435.md", 435) else {
        return;
    };
    let note = issue.note.as_deref().expect("a note");
    assert!(
        note.starts_with("A somewhat shorter issue than usual this week because my wife and I recently had a baby. I am taking some paternity leave"),
        "{note}"
    );
    assert_eq!(
        headings(&issue)[0],
        "AI systems will ultimately absorb power from humans rather than grant us power"
    );
    assert_eq!(
        tale(&issue),
        (
            "The Designation of the AI Safety Community as a Terrorist Organization",
            Some("From an internal memo at the FBI, written 2027")
        )
    );
}

// Knowledge-pipeline Markdown: `### [Story](url)` headings, no separators, no tale.

#[test]
fn pipeline_444_story_headings_carry_their_links() {
    let Some(issue) = issue("importai-444.md", 444) else {
        return;
    };
    assert_eq!(
        headings(&issue),
        [
            "Google paper suggests that LLMs simulate multiple personalities to answer questions",
            "AI-based chip design is harder than you think and benchmarks might be too easy",
            "Gemini solves some Erdős problems – and illustrates the challenges of automating math research with AI",
            "Huawei uses an LLM to automate the design of Huawei chip kernels",
        ]
    );
    assert_eq!(
        teaser(&issue, 2),
        Some("ChipBench shows that no frontier model is great at real world Verilog yet")
    );
    assert_eq!(
        first_link(&issue, 1).2,
        Some("https://arxiv.org/abs/2601.10825")
    );
    assert!(issue.tale.is_none());
}

#[test]
fn pipeline_448_stories_only() {
    let Some(issue) = issue("importai-448.md", 448) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "AI progress is moving faster than even well regarded forecasters can guess"
    );
    assert_eq!(teaser(&issue, 1), Some("Ajeya Cotra updates her timelines"));
    assert_eq!(
        first_link(&issue, 1).2,
        Some("https://www.planned-obsolescence.org/p/i-underestimated-ai-capabilities")
    );
    assert_eq!(
        headings(&issue)[1],
        "Want to measure AI R&D, here are 14 ways to do it"
    );
    assert!(issue.tale.is_none());
}

// WordPress pages saved one inline element per line.

#[test]
fn wordpress_386_elements_rejoined() {
    let Some(issue) = issue("importai-386.wp-autoingest.md", 386) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "Get a visceral feel for how powerful modern AI video tools are"
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("Pika 1.5 has a very fun and kind of dumb demo you should all try")
    );
    let pika = issue.section(1).expect("section 1");
    assert!(
        pika.why_it_matters.as_deref().is_some_and(
            |why| why.starts_with("CGI company in a box: Most powerful AI capabilities")
        ),
        "{:?}",
        pika.why_it_matters
    );
    assert!(
        pika.links.iter().any(|link| link.title
            == "Pika raises $80M, so anyone can make video on command"
            && link.source.as_deref() == Some("Pika")),
        "{:?}",
        pika.links
    );
    assert_eq!(
        first_link(&issue, 2),
        (
            "Emu3: Next-Token Prediction is All You Need",
            Some("arXiv"),
            None
        )
    );
    assert_eq!(
        tale(&issue),
        (
            "Humans Care About AI Safety, Machines Care About Human Safety",
            Some("Ten years post-uplift")
        )
    );
}

#[test]
fn wordpress_408_backdoor_and_tale() {
    let Some(issue) = issue("importai-408.wp-autoingest.md", 408) else {
        return;
    };
    assert!(
        headings(&issue)
            .contains(&"German researchers find undocumented backdoor in Unitree robots"),
        "{:?}",
        headings(&issue)
    );
    assert_eq!(
        tale(&issue),
        (
            "The Alignment Operation",
            Some("Five years after The Uplift: Remarks given to a human class at an alignment academy by supervisory AI system GNOSTIC-ALPHA")
        )
    );
    let inspired = issue.tale.as_ref().and_then(|t| t.inspired_by.as_deref());
    assert!(
        inspired.is_some_and(
            |text| text.starts_with("Thinking through the transition from AIs as tools")
        ),
        "{inspired:?}"
    );
}

#[test]
fn wordpress_448_keeps_the_tale_the_pipeline_dropped() {
    let Some(issue) = issue("importai-448.wp-autoingest.md", 448) else {
        return;
    };
    assert_eq!(
        headings(&issue)[0],
        "AI progress is moving faster than even well regarded forecasters can guess"
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "I underestimated AI capabilities (again)",
            Some("Ajeya Cotra"),
            None
        )
    );
    assert_eq!(
        tale(&issue),
        ("Dandelion Sky", Some("2031, Northern Europe"))
    );
    let inspired = issue.tale.as_ref().and_then(|t| t.inspired_by.as_deref());
    assert!(
        inspired
            .is_some_and(|text| text.starts_with("Gradual disempowerment and what it might mean")),
        "{inspired:?}"
    );
}

// A Substack web page saved one element per line.

#[test]
fn substack_web_453_note_glued_to_the_welcome() {
    let Some(issue) = issue("importai-453.substack-web-autoingest.md", 453) else {
        return;
    };
    assert_eq!(
        issue.note.as_deref(),
        Some("A shorter issue than usual as I was attending the 2026 Bilderberg conference this week.")
    );
    assert_eq!(
        headings(&issue),
        [
            "AI can reverse engineer software that contains thousands of lines of code",
            "What policies are needed to respond to transformative AI? Here’s an Atlas to help you navigate them",
            "How can people break AI agents? Here are six genres of attack",
            "AI forecaster doubles their probability of full AI R&D automation by end of 2028",
            "Ten different ways to think about gradual disempowerment",
        ]
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "MirrorCode: Evidence that AI can already do some weeks-long coding tasks",
            Some("Epoch AI"),
            None
        )
    );
    assert_eq!(
        tale(&issue),
        (
            "Raising beanstalks during the singularity",
            Some("Transcript from an interview with a former AI lab employee. Interview conducted in 2029 during the middle period of the uplift")
        )
    );
}

// The jack-clark.net homepage as plain text.

#[test]
fn homepage_421_byline_and_tale_without_setting() {
    let Some(issue) = issue("importai-421.txt", 421) else {
        return;
    };
    assert!(!issue.title.contains("Jack Clark"), "{}", issue.title);
    assert_eq!(
        headings(&issue)[0],
        "Want to stop or slow AI progress? Here’s what you need"
    );
    assert_eq!(teaser(&issue, 1), Some("MIRI enumerates the option space"));
    assert_eq!(
        first_link(&issue, 1),
        (
            "Technical Requirements for Halting Dangerous AI Activities",
            Some("arXiv"),
            None
        )
    );
    assert_eq!(tale(&issue), ("Reality Mining", None));
}

#[test]
fn homepage_424_several_link_lines() {
    let Some(issue) = issue("importai-424.txt", 424) else {
        return;
    };
    let position = headings(&issue)
        .iter()
        .position(|h| {
            *h == "Google reports 20 vulnerabilities discovered via its “BigSleep” system"
        })
        .expect("the BigSleep section") as u32
        + 1;
    let links: Vec<(&str, Option<&str>)> = issue
        .section(position)
        .expect("the section")
        .links
        .iter()
        .map(|link| (link.title.as_str(), link.source.as_deref()))
        .collect();
    assert_eq!(
        links,
        [
            ("Read the announcement here", Some("argvee, Twitter")),
            (
                "Check out the BigSleep-discovered bugs here",
                Some("IssueTracker, Google")
            )
        ]
    );
    assert_eq!(
        tale(&issue),
        (
            "Reconciliation after The Uplift",
            Some("From a batch of testimony given as part of The Sentience Accords")
        )
    );
}

#[test]
fn homepage_423_tale_without_a_separator() {
    let Some(issue) = issue("importai-423.txt", 423) else {
        return;
    };
    assert_eq!(
        tale(&issue),
        (
            "The Presumed Moral Patienthood of Demons",
            Some("Records from the RRI initiative, accessed eight years after uplift")
        )
    );
}

#[test]
fn homepage_scrape_holds_the_five_single_pages() {
    let Some(issues) = read("jack-clark-net-homepage-scrape.425-421.txt") else {
        return;
    };
    for scraped in &issues {
        let file = format!("importai-{}.txt", scraped.number);
        let single = issue(&file, scraped.number).expect("the single page");
        assert_eq!(headings(scraped), headings(&single), "{file}");
        assert_eq!(scraped.tale, single.tale, "{file}");
    }
}

// Copies cut off by the tool that saved them: kept as far as they go.

#[test]
fn partial_219_feed_item_with_entities_and_glued_links() {
    let Some(issue) = issue("importai-219.md", 219) else {
        return;
    };
    assert_eq!(headings(&issue)[0], "LSTMs: Smarter than they appear");
    assert_eq!(
        teaser(&issue, 1),
        Some("Turns out you don’t need to use a Transformer to develop rich, combinatorial representations")
    );
    assert_eq!(
        first_link(&issue, 1),
        ("LSTMs Compose (and Learn) Bottom-Up", Some("arXiv"), None)
    );
    assert_eq!(
        headings(&issue).last(),
        Some(&"Google X builds field-grokking robot to analyze plantlife")
    );
    assert!(issue.tale.is_none());
}

#[test]
fn partial_439_capture_note() {
    let Some(issue) = issue("importai-439.rss-capture.partial.md", 439) else {
        return;
    };
    assert_eq!(
        headings(&issue),
        ["Facebook uses GPT, Claude, and Llama to write its own kernels"]
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("LLM-driven infrastructure optimization at the hyperscale")
    );
}

#[test]
fn partial_446_whole_issue_on_one_line() {
    let Some(issue) = issue("importai-446.feed-digest-excerpt.partial.md", 446) else {
        return;
    };
    assert_eq!(
        headings(&issue),
        ["Want to make AI go better? Figure out how to measure it"]
    );
    assert_eq!(
        teaser(&issue, 1),
        Some("One simple policy intervention that works well")
    );
    assert!(issue
        .section(1)
        .is_some_and(|s| s.body.starts_with("Jacob Steinhardt, an AI researcher")));
}

#[test]
fn partial_470_inner_text_scrape() {
    let Some(issue) = issue("importai-470.substack-innertext.partial.md", 470) else {
        return;
    };
    assert_eq!(
        headings(&issue),
        [
            "AI is accelerating some types of progress but not others",
            "Automating environment generation with SPADE",
            "Building better GPU kernels with Hawkeye",
            "AI researcher gets scared of the implications of the success of AI research",
            "Should we give AI rights? This AI researcher thinks absolutely not",
        ]
    );
    assert_eq!(
        first_link(&issue, 1),
        (
            "Research note: Have We Seen an Acceleration in Discoveries?",
            Some("METR"),
            None
        )
    );
}
