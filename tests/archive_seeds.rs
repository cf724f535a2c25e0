//! The bundled archive (ten real issues as plain text) segments exactly as a reader
//! would: every heading, tale and notable detail below was transcribed from the text.

use importai_bot::archive::{self, Issue, Link, Section};

fn seeds() -> Vec<Issue> {
    let bytes = std::fs::read("data/import-ai-301-310.txt").expect("the bundled archive");
    archive::parse("data/import-ai-301-310.txt", &bytes).expect("the seeds parse")
}

fn issue(issues: &[Issue], number: u32) -> &Issue {
    issues
        .iter()
        .find(|issue| issue.number == number)
        .unwrap_or_else(|| panic!("issue {number} is missing"))
}

fn section(issues: &[Issue], number: u32, position: u32) -> &Section {
    issue(issues, number)
        .section(position)
        .unwrap_or_else(|| panic!("issue {number} has no section {position}"))
}

fn link(label: &str, title: &str, source: Option<&str>) -> Link {
    Link {
        label: label.into(),
        title: title.into(),
        source: source.map(Into::into),
        url: None,
        at: None,
    }
}

#[test]
fn ten_issues_in_source_order_with_51_sections_and_10_tales() {
    let issues = seeds();
    let numbers: Vec<u32> = issues.iter().map(|issue| issue.number).collect();
    assert_eq!(numbers, [310, 309, 308, 307, 306, 305, 304, 303, 302, 301]);
    let sections: usize = issues.iter().map(|issue| issue.sections.len()).sum();
    assert_eq!(sections, 51);
    assert_eq!(
        issues.iter().filter(|issue| issue.tale.is_some()).count(),
        10
    );
    for issue in &issues {
        let positions: Vec<u32> = issue.sections.iter().map(|s| s.position).collect();
        let expected: Vec<u32> = (1..=issue.sections.len() as u32).collect();
        assert_eq!(positions, expected, "positions of {}", issue.number);
        assert_eq!(issue.published, None);
        assert_eq!(issue.url, None);
    }
}

#[test]
fn issue_titles() {
    let issues = seeds();
    let titles: Vec<(u32, &str)> = issues
        .iter()
        .map(|issue| (issue.number, issue.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (310, "AlphaZero learned Chess like humans learn Chess; capability emergence in language models; demoscene AI."),
            (309, "Generative bias; BLOOM isn’t great; how China and Russia use AI"),
            (308, "Recursively self-improving LMs (!!!), 3.1TB of code data; DALL-E2 makes alien errors."),
            (307, "Copilot lawsuit; Stability raises $101m; US v China CHIPLOMACY"),
            (306, "Language models learn about the world via MuJoCo; Amazon releases a big Q&A dataset; and DeepMind tests out multimodal systems"),
            (305, "GPT3 can simulate real people; AI discovers better matrix multiplication; Microsoft worries about next-gen deepfakes"),
            (304, "Reality collapse thanks to Facebook; open source speech rec; AI culture wars."),
            (303, "Adversarial examples for language models; Censorship vs ‘Safety’; free image classification from the StableDiffusion people"),
            (302, "Fictional AI labs and AI theft; Google makes an audio model by training like a language model."),
            (301, "StableDiffusion; CHIPXODUS; Microsoft makes a big bet on pre-training"),
        ]
    );
}

#[test]
fn every_section_heading() {
    let issues = seeds();
    let expected: [(u32, &[&str]); 10] = [
        (
            310,
            &[
                "How much capability emergence is in a language model? Aka, how long is a piece of string",
                "DeviantArt adds generative art to its website, but tries to respect human artists while doing so",
                "Demoscene AI: arXiv adds interactive demo support",
                "Real world reinforcement learning: DeepMind use RL to more efficiently cool buildings.",
                "AlphaZero learns in a surprisingly human way",
                "What is smart, strategic, and able to persuade you to work against your own best interests?",
            ],
        ),
        (
            309,
            &[
                "Those cool image generators are perpetuating biases – just as they were designed to",
                "BLOOM: Hundreds of researchers make an open source GPT3 using a French supercomputer",
                "The State of AI Report says we’re in the era of AI scaling, AI diffusion, and AI uptake",
                "HuggingFace makes it easier to test LLMs for biases",
                "China and Russia are using AI for propaganda and censorship",
            ],
        ),
        (
            308,
            &[
                "DALL-E 2 makes alien errors",
                "Recursive AI! Google figures out how to improve language models with… themselves?!",
                "No more fake ASR scores – ESB benchmark does for audio what GLUE did for text",
                "Want to train a big code model AND not annoy developers? ‘The Stack’ might be the dataset for you",
            ],
        ),
        (
            307,
            &[
                "The single best thing to read about the China chip controls",
                "Gray area code models: Lawyer-programmer mulls anti-Copilot lawsuit",
                "Common Sense Machines wants to make a 3D, temporal DALL-E",
                "Open access image generation raises $101 million",
                "First, image models, now language models get commoditized",
            ],
        ),
        (
            306,
            &[
                "Amazon releases a Q&A dataset called Mintaka… and baselines show it is difficult!",
                "Your LLM barely understands the physical world; supercharge it by attaching it to MuJoCo",
                "Is your multimodal system clever? Try out the ‘Perception Test’ to find out",
                "AIs are now as good at ‘Diplomacy’ as expert humans",
            ],
        ),
        (
            305,
            &[
                "GPT-3 can simulate people very, very well – social science might change",
                "We might have figured out some ‘scaling laws’ for reinforcement learning",
                "Want to train an LM with RL? Now there’s some free software to help you",
                "Microsoft warns about smart deepfakes, and deepfake-realworld influence campaigns",
                "DeepMind trains an RL agent which figures out a more efficient form of matrix multiplication",
                "The US government comes up with an AI “Bill of Rights” (minus the broad enforcement)",
            ],
        ),
        (
            304,
            &[
                "Facebook shows the future of AI-generated videos – and it is delightful and terrifying",
                "OpenAI releases a decent speech recognition and transcription system",
                "US politician says Stable Diffusion is an unsafe AI model",
                "Tsinghua releases a really good, multi-language open source programming model",
                "GPT3 only costs $500k to train now",
            ],
        ),
        (
            303,
            &[
                "Adversarial examples come for language models via ‘prompt injection attacks’",
                "AI startup Adept wants Transformers to replace the Mouse and Keyboard",
                "China’s new text-image model won’t respond to Tiananmen",
                "NVIDIA, ARM, and Intel try to make a good FP8 format",
                "Want a massive image classification model for free? Get it here!",
            ],
        ),
        (
            302,
            &[
                "Google makes a better audio model by training it like a language model",
                "Jack Clark goes to Washington DC! (temporarily)",
                "Code models might make programmers 2X as productive",
                "Video detection just got even better with YOLOv6",
                "Data to help robots and humans work together",
                "DeepMind releases a bunch of high-definition 3D robot models",
            ],
        ),
        (
            301,
            &[
                "Facebook’s AI chief – here’s why you’re not gonna get AGI out of an LLM",
                "You can now get the weights of a really great image generator… FOR FREE",
                "US bans NVIDIA from selling advanced AI chips to China",
                "Microsoft bets on massive pre-training for image analysis, with BEiT-3",
                "NLP mega-survey portrays a community split by progress",
            ],
        ),
    ];
    let mut total = 0;
    for (number, headings) in expected {
        let actual: Vec<&str> = issue(&issues, number)
            .sections
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(actual, headings, "headings of {number}");
        total += headings.len();
    }
    assert_eq!(total, 51);
}

#[test]
fn every_tale_title_and_setting() {
    let issues = seeds();
    let expected: [(u32, &str, Option<&str>); 10] = [
        (310, "God Complex", Some("Earth, 2028")),
        (
            309,
            "Goodharting Ourselves To Death",
            Some("Memoir hidden inside the drawer of an antique typewriter, discovered during an HLA quarantine sweep after the revolution. 2060AD"),
        ),
        (308, "Sentience and Takeoff", None),
        (307, "So, do I have your attention", Some("Meta’s wasteland, 2030")),
        (306, "Everything is a Copy of Something Else", None),
        (305, "Maybe it is Crazy, Maybe it is Magic", None),
        (
            304,
            "Treacherous Turn – A Thriller Brought To You By The Publishers of ‘AGI Endgame’",
            Some("Bay Area, 2029"),
        ),
        (303, "When Memory Becomes Just Another Party", Some("New York City, 2025")),
        (302, "We All Must Live", Some("San Francisco, 2027")),
        (
            301,
            "There is something imprecise about being conscious",
            Some("2050: Internal narrative of a transformative AI model, capable of independent actions of great consequence"),
        ),
    ];
    for (number, title, setting) in expected {
        let tale = issue(&issues, number).tale.as_ref().expect("a tale");
        assert_eq!(tale.title, title, "tale title of {number}");
        assert_eq!(tale.setting.as_deref(), setting, "tale setting of {number}");
        assert!(!tale.body.is_empty(), "tale body of {number}");
        assert!(
            tale.inspired_by.is_some(),
            "every seed tale says what inspired it ({number})"
        );
        assert!(!tale.body.contains("Things that inspired"));
        assert!(
            !tale.body.starts_with('['),
            "setting left in the body of {number}"
        );
    }
}

#[test]
fn tale_bodies_and_inspirations() {
    let issues = seeds();
    let tale = issue(&issues, 310).tale.as_ref().unwrap();
    assert!(tale
        .body
        .starts_with("The Catholic Church was at first skeptical"));
    assert!(tale
        .body
        .ends_with("eager for something even more entrancing."));
    assert_eq!(
        tale.inspired_by.as_deref(),
        Some("When religion meets gamification and social media incentives; Theistic Attention Harvesting; the role of religion in a world in a secular-wired world;")
    );

    // 308's tale is a poem: one line per paragraph, kept as written.
    let poem = issue(&issues, 308).tale.as_ref().unwrap();
    assert!(poem
        .body
        .starts_with("I’m worried I’m hurting it\n\nIt’s software, you can’t hurt it\n\n"));
    assert!(poem
        .body
        .ends_with("So what’s the difference?\n\nIt’s a machine!"));

    // 304: the setting comes before the title; the story starts with dialogue.
    let thriller = issue(&issues, 304).tale.as_ref().unwrap();
    assert!(thriller
        .body
        .starts_with("“I will kill each and every one of you"));
    assert_eq!(
        thriller.inspired_by.as_deref(),
        Some("Superintelligence and deception; game design; reinforcement learning and planning and human feedback; the gullibility of even the most intelligent among us; hubris and arrogance; theft.")
    );

    // 305 has no "Tech Tales" heading: the tale is found anyway, after the last section.
    let magic = issue(&issues, 305).tale.as_ref().unwrap();
    assert!(magic
        .body
        .starts_with("I didn’t think the route to intelligence was through insanity"));
    assert_eq!(
        issue(&issues, 305).sections.last().unwrap().title,
        "The US government comes up with an AI “Bill of Rights” (minus the broad enforcement)"
    );

    // 302's dialogue lines within one paragraph stay on their own lines.
    let live = issue(&issues, 302).tale.as_ref().unwrap();
    assert!(live
        .body
        .contains("“How?”\n“We’re working it out”, he said."));
}

#[test]
fn teasers() {
    let issues = seeds();
    let teaser = |number, position| section(&issues, number, position).teaser.as_deref();
    assert_eq!(
        teaser(310, 1),
        Some("The capabilities overhang just gets more and more significant everywhere you look")
    );
    assert_eq!(teaser(310, 6), Some("CICERO, and it’s made by Facebook!"));
    assert_eq!(
        teaser(308, 2),
        Some("Maybe this is a case where ‘garbage in, garbage out’ doesn’t apply?")
    );
    // A teaser with an ellipsis inside it.
    assert_eq!(teaser(302, 5), Some("Your trajectories… give them to me!"));
    // A stray '?' after the closing ellipsis: "…a new dataset…?".
    assert_eq!(
        teaser(306, 3),
        Some("Deepmind wants to make it easier to evaluate models, so it has built a new dataset")
    );
    // Only a trailing ellipsis (the DESIGN's "sometimes only a trailing …").
    assert_eq!(
        teaser(302, 3),
        Some("GitHub’s Copilot study says big language models might be pretty useful")
    );
    // No teaser at all; the body follows the heading on the next line.
    assert_eq!(teaser(302, 2), None);
    assert!(section(&issues, 302, 2)
        .body
        .starts_with("I’m going to be in DC September 14 to 26."));
    // Every other section of the archive has a teaser.
    let without: Vec<(u32, u32)> = issues
        .iter()
        .flat_map(|issue| {
            issue
                .sections
                .iter()
                .filter(|s| s.teaser.is_none())
                .map(move |s| (issue.number, s.position))
        })
        .collect();
    assert_eq!(without, [(302, 2)]);
}

#[test]
fn why_it_matters() {
    let issues = seeds();
    let why = |number, position| section(&issues, number, position).why_it_matters.as_deref();
    assert_eq!(
        why(309, 5),
        Some("You know what would get states really interested in AI? Fear of other states using AI to gain some geopolitical advantage. This report is a symptom of that interest.")
    );
    // A subtitle after a dash is kept as the opening of the text.
    assert!(why(310, 1)
        .unwrap()
        .starts_with("Houston, we have a Capability Overhang problem: Because language models"));
    // "Why this matters?" (301) is the same label.
    assert!(why(301, 4)
        .unwrap()
        .starts_with("The fact that what’s special about this is kind of… nothing?"));
    // Indented, as in 302.
    assert!(why(302, 5)
        .unwrap()
        .starts_with("Datasets like this are going to be the input fuel"));
    // Sections without one.
    assert_eq!(why(310, 4), None);
    assert_eq!(why(302, 2), None);
    // The paragraph is not repeated in the body.
    for issue in &issues {
        for s in &issue.sections {
            assert!(
                !s.body.contains("Why this matters"),
                "{} {}",
                issue.number,
                s.position
            );
        }
    }
}

#[test]
fn link_items() {
    let issues = seeds();
    // What each link item says; where it falls is checked in corpus_links.
    let links = |number, position| -> Vec<Link> {
        let links = section(&issues, number, position).links.iter().cloned();
        links.map(|link| Link { at: None, ..link }).collect()
    };
    assert_eq!(
        links(310, 1),
        [link(
            "Read more",
            "137 emergent abilities of large language models",
            Some("Jason Wei blog")
        )]
    );
    // 302: "Read more:" alone on its line, the title on the next (a title with a colon).
    assert_eq!(
        links(302, 3),
        [link(
            "Read more",
            "Research: quantifying GitHub Copilot’s impact on developer productivity and happiness",
            Some("GitHub")
        )]
    );
    // 307: a title wrapped over two paragraphs.
    assert_eq!(
        links(307, 2),
        [link(
            "Read more",
            "Maybe you don’t mind if GitHub Copilot used your open-source code without asking. But how will you feel if Copilot erases your open-source community?",
            Some("GitHub Copilot investigation")
        )]
    );
    // 305: another wrapped title, variant labels, and a colon-less "Get the code … here".
    assert_eq!(
        links(305, 5),
        [
            link(
                "Read more",
                "Discovering novel algorithms with AlphaTensor",
                Some("DeepMind blog")
            ),
            link(
                "Get the code",
                "Get the code (including the better matrix multiplication) here",
                Some("DeepMind GitHub")
            ),
            link(
                "Read more",
                "Discovering faster matrix multiplication algorithms with reinforcement learning",
                Some("Nature")
            ),
        ]
    );
    assert_eq!(
        links(305, 6)[2],
        link(
            "Read the Bill of Rights",
            "BLUEPRINT FOR AN AI BILL OF RIGHTS MAKING AUTOMATED SYSTEMS WORK FOR THE AMERICAN PEOPLE",
            Some("White House, PDF")
        )
    );
    assert_eq!(
        links(308, 4),
        [
            link(
                "Find out more about the project here",
                "The Stack",
                Some("BigCode Project site")
            ),
            link(
                "Get the dataset (after sharing your contact information) here",
                "The Stack",
                Some("HuggingFace / BigCode")
            ),
        ]
    );
    assert_eq!(
        links(306, 3),
        [
            link(
                "Read more",
                "Measuring perception in AI models",
                Some("DeepMind blog")
            ),
            link(
                "Check out the research paper",
                "Perception Test: A Diagnostic Benchmark for Multimodal Models",
                Some("Deepmind PDF")
            ),
            link(
                "Check out the benchmark and dataset here",
                "Perception Test",
                Some("DeepMind, GitHub")
            ),
        ]
    );
    assert_eq!(
        links(304, 1)[2],
        link(
            "Find out more",
            "Find out more at the main site, and also apply to potentially get access to future systems",
            Some("Facebook site")
        )
    );
    // "Read more:Out of One" (no space) and a source-less-looking "(trlX) (GitHub)".
    assert_eq!(
        links(305, 1),
        [link(
            "Read more",
            "Out of One, Many: Using Language Models to Simulate Human Samples",
            Some("arXiv")
        )]
    );
    assert_eq!(
        links(305, 3),
        [link(
            "Read more",
            "Welcome to Transformer Reinforcement Learning X (trlX)",
            Some("GitHub")
        )]
    );
    assert_eq!(
        links(303, 5),
        [
            link(
                "Get the model",
                "Laion / CLIP-ViT-L-14-laion2B-s32B-b82K",
                Some("HuggingFace")
            ),
            link(
                "Find out more",
                "Find out more in this tweet thread",
                Some("Ross Wightman, Twitter")
            ),
            link(
                "Read about how they trained it here",
                "LARGE SCALE OPENCLIP: L/14, H/14 AND G/14 TRAINED ON LAION-2B",
                Some("Laion.ai blogpost")
            ),
        ]
    );
    // Link lines are not part of the body; the section with none has none.
    assert!(links(302, 2).is_empty());
    for issue in &issues {
        for s in &issue.sections {
            assert!(
                !s.body.contains("Read more"),
                "{} {}",
                issue.number,
                s.position
            );
        }
    }
    // The source has 69 lines that open a link item (`grep -cE "^\s*(Read |Get |Check
    // out|Find out|Bonus)"` after replacing non-breaking spaces).
    let total: usize = issues.iter().map(Issue::link_count).sum();
    assert_eq!(total, 69);
}

#[test]
fn mentions_of_other_issues() {
    let issues = seeds();
    let mentions = |number| issue(&issues, number).mentions.clone();
    assert_eq!(mentions(308), [304, 307]);
    assert_eq!(mentions(307), [304, 305]);
    assert_eq!(mentions(301), [181, 300]);
    assert_eq!(mentions(306), [291]);
    assert_eq!(mentions(310), Vec::<u32>::new());
}

#[test]
fn bodies_and_summaries() {
    let issues = seeds();
    for issue in &issues {
        for s in &issue.sections {
            assert!(!s.body.is_empty(), "{} {}", issue.number, s.position);
            assert!(s.summary.chars().count() <= archive::MAX_SUMMARY_CHARS);
            assert!(!s.summary.is_empty());
            assert!(!s.body.contains('\u{a0}'), "NBSP left in {}", issue.number);
            assert!(!s.body.starts_with('…'), "teaser left in the body");
        }
    }
    let first = section(&issues, 310, 1);
    assert_eq!(
        first.summary,
        "Here’s a lovely blog by Jason Wei that pulls together 137 examples of ’emergent abilities of large language models’."
    );
    // A paragraph broken mid-sentence by a blank line is one paragraph again.
    assert!(section(&issues, 309, 1)
        .body
        .contains("reinforce occupational stereotypes”."));
    assert!(section(&issues, 308, 2).body.contains(
        "how the question should be solved, and then learn from or memorize its own solution,”"
    ));
    // Bullets keep their lines.
    assert!(section(&issues, 306, 3).body.contains(
        "• Object tracking: Follow this birdie throughout the video.\n• Point tracking:"
    ));
    // A summary whose first sentence is longer than the limit ends in an ellipsis.
    let long = section(&issues, 305, 4);
    assert!(long.summary.ends_with('…'), "{}", long.summary);
}
