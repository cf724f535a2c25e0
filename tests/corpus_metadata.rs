//! Title, publication date and canonical URL of every real issue in the corpus, as each
//! carrier writes them: YAML front matter (folded titles, escaped quotes, a site suffix, an
//! export time posing as `date`, an email redirect posing as `url`), the labelled lines of
//! capture tools (`Published At:`, `**Veröffentlicht:**`, `- 발행:`, `- **Date**:`), a date
//! line above a homepage's issue header. The expected values were read off the files.

mod corpus_support;

use chrono::NaiveDate;
use importai_bot::archive::{self, markdown};

fn day(text: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date"))
}

/// (file, title, date, URL) for each Markdown file, and why where it is `None`.
const MARKDOWN: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    // Jekyll post from the WordPress feed: `date:` is the post's; `link:` is a shortener.
    (
        "importai-219.md",
        "Import AI 219: Climate change and function approximation; Access Now leaves PAI; LSTMs are smarter than they seem",
        Some("2020-10-19"),
        None,
    ),
    // Substack exports: `date: ""`, and no date anywhere in the text.
    ("importai-331.md", "Import AI 331: 16X smaller language models; could AMD compete with NVIDIA?; and BERT for the dark web", None, Some("https://importai.substack.com/p/import-ai-331-16x-smaller-language")),
    ("importai-336.md", "Import AI 336: Financialized AI; public and elite AI opinion; one million insects.", None, Some("https://importai.substack.com/p/import-ai-336-financialized-ai-public")),
    ("importai-337.md", "Import AI 337: Why I am confused about AI; penguin dataset; and defending networks via RL with CYBERFORCE", None, Some("https://importai.substack.com/p/import-ai-337-why-i-am-confused-about")),
    ("importai-340.md", "Import AI 340: Drone VS human (Drone wins); Adept's small but good AI model; \"AI Succession\"", None, Some("https://importai.substack.com/p/import-ai-340-drone-vs-human-drone")),
    ("importai-350.md", "Import AI 350: Neural architecture search at Facebook scale; hunting cancer with PANDA; European VCs launch a science lab", None, Some("https://importai.substack.com/p/import-ai-350-neural-architecture")),
    ("importai-362.md", "Import AI 362: Amazon's big speech model; fractal hyperparameters; and Google's open models", None, Some("https://importai.substack.com/p/import-ai-362-amazons-big-speech")),
    ("importai-373.md", "Import AI 373: Guaranteed safety; West VS East AI attitudes; MMLU-Pro", None, Some("https://importai.substack.com/p/import-ai-373-guaranteed-safety-west")),
    ("importai-377.md", "Import AI 377: Voice cloning is here; MIRI's policy objective; and a new hard AGI benchmark", None, Some("https://importai.substack.com/p/import-ai-377-voice-cloning-is-here")),
    ("importai-385.md", "Import AI 385: False memories via AI; collaborating with machines; video game permutations", None, Some("https://importai.substack.com/p/import-ai-385-false-memories-via")),
    ("importai-386.md", "Import AI 386: Google's chip-designing AI keeps getting better; China does the simplest thing with Emu3; Huawei's 8-bit data format", None, Some("https://importai.substack.com/p/import-ai-386-googles-chip-designing")),
    ("importai-387.md", "Import AI 387: Overfitting vs reasoning; distributed training runs; and Facebook's new video models", None, Some("https://importai.substack.com/p/import-ai-387-overfitting-vs-reasoning")),
    // WordPress auto-ingest: `url:` and `Source:` are email redirects; `fetched_at` and
    // `source_date` are when the page was saved.
    ("importai-386.wp-autoingest.md", "Import AI 386: Google’s chip-designing AI keeps getting better; China does the simplest thing with Emu3; Huawei’s 8-bit data format", None, None),
    ("importai-408.wp-autoingest.md", "Import AI 408: Multi-code SWE Bench; backdoored Unitree robots; and what AI 2027 is telling us", None, None),
    ("importai-448.wp-autoingest.md", "Import AI 448: AI R&D; Bytedance’s CUDA-writing agent; on-device satellite AI", None, None),
    // GTCode exports: `date:` is the export batch time (within seconds of `exported_at`),
    // not the issue's; titles folded over two lines.
    ("importai-433.md", "Import AI 433: AI auditors; robot dreams; and software for helping an AI run a lab", None, Some("https://importai.substack.com/p/import-ai-433-ai-auditors-robot-dreams")),
    ("importai-435.md", "Import AI 435: 100k training runs; AI systems absorb human power; intelligence per watt", None, Some("https://importai.substack.com/p/import-ai-435-100k-training-runs")),
    ("importai-437.md", "Import AI 437: Co-improving AI; RL dreams; AI labels might be annoying", None, Some("https://importai.substack.com/p/import-ai-437-co-improving-ai-rl")),
    // Obsidian capture: front matter `published`, also `**Veröffentlicht:**` and `Jan 05, 2026`.
    ("importai-439.rss-capture.partial.md", "Import AI 439: AI kernels; decentralized training; and universal representations", Some("2026-01-05"), Some("https://importai.substack.com/p/import-ai-439-ai-kernels-decentralized")),
    // Knowledge pipeline: `published_at`, `canonical_url`; the title has ` | Import AI`.
    ("importai-444.md", "Import AI 444: LLM societies; Huawei makes kernels with AI; ChipBench", Some("2026-02-09"), Some("https://jack-clark.net/2026/02/09/import-ai-444-llm-societies-huawei-makes-kernels-with-ai-chipbench")),
    ("importai-448.md", "Import AI 448: AI R&D; Bytedance’s CUDA-writing agent; on-device satellite AI", Some("2026-03-09"), Some("https://jack-clark.net/2026/03/09/import-ai-448-ai-rd-bytedances-cuda-writing-agent-on-device-satellite-ai")),
    // Substack page auto-ingest: `url:` is an app link with a token, not the post's address.
    ("importai-453.substack-web-autoingest.md", "Import AI 453: Breaking AI agents; MirrorCode; and ten views on gradual disempowerment", None, None),
];

/// Files without front matter: the facts come from labelled lines under the heading.
const LABELLED: &[(&str, Option<&str>, Option<&str>)] = &[
    // `- **URL**:` and `- **Date**:` of a feed collector's digest.
    (
        "importai-446.feed-digest-excerpt.partial.md",
        Some("2026-02-23"),
        Some("https://importai.substack.com/p/import-ai-446-nuclear-llms-chinas"),
    ),
    // `- 원본 링크:` and `- 발행:` (also `Aug 24, 2026` in the page chrome).
    (
        "importai-470.substack-innertext.partial.md",
        Some("2026-08-24"),
        Some("https://importai.substack.com/p/import-ai-470-no-rights-for-machines"),
    ),
];

#[test]
fn front_matter_gives_each_markdown_issue_its_title_date_and_url() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    for &(file, title, date, url) in MARKDOWN {
        let meta = markdown::read(&corpus_support::text(file)).meta;
        assert_eq!(meta.title.as_deref(), Some(title), "{file}: title");
        assert_eq!(meta.published, date.and_then(day), "{file}: date");
        assert_eq!(meta.url.as_deref(), url, "{file}: URL");
    }
}

#[test]
fn labelled_lines_give_the_date_and_url_and_leave_the_text() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    for &(file, date, url) in LABELLED {
        let document = markdown::read(&corpus_support::text(file));
        assert_eq!(document.meta.published, date.and_then(day), "{file}: date");
        assert_eq!(document.meta.url.as_deref(), url, "{file}: URL");
        let text: Vec<String> = document.paragraphs.iter().map(|p| p.text()).collect();
        let text = text.join("\n");
        for label in [
            "발행:",
            "원본 링크:",
            "URL:",
            "Date:",
            "Metadata:",
            "접근상태",
        ] {
            assert!(!text.contains(label), "{file}: {label} left in the text");
        }
    }
    // The capture note's labels go too; its subtitle comes from nowhere but the text.
    let document = markdown::read(&corpus_support::text("importai-439.rss-capture.partial.md"));
    let text: Vec<String> = document.paragraphs.iter().map(|p| p.text()).collect();
    assert!(!text.join("\n").contains("Gescannt"));
}

#[test]
fn a_date_line_above_each_header_dates_that_issue() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let dates = [
        (425, "2025-08-18"),
        (424, "2025-08-11"),
        (423, "2025-08-04"),
        (422, "2025-07-28"),
        (421, "2025-07-21"),
    ];
    for (number, date) in dates {
        let file = format!("importai-{number}.txt");
        let issues = archive::parse(&file, corpus_support::text(&file).as_bytes())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(issues.len(), 1, "{file}");
        assert_eq!(issues[0].number, number, "{file}");
        assert_eq!(issues[0].published, day(date), "{file}");
        assert_eq!(issues[0].url, None, "{file}: the homepage text has no URL");
    }
    let file = "jack-clark-net-homepage-scrape.425-421.txt";
    let issues = archive::parse(file, corpus_support::text(file).as_bytes()).unwrap();
    let found: Vec<(u32, Option<NaiveDate>)> = issues
        .iter()
        .map(|issue| (issue.number, issue.published))
        .collect();
    let expected: Vec<(u32, Option<NaiveDate>)> =
        dates.iter().map(|&(n, date)| (n, day(date))).collect();
    assert_eq!(found, expected);
    for issue in &issues {
        let last = issue.sections.last().expect("sections");
        for date in dates.map(|(_, date)| date) {
            assert!(
                !last.body.contains(date),
                "{}: the next issue's date line stayed in the last section",
                issue.number
            );
        }
    }
}

#[test]
fn each_issue_of_the_homepage_is_the_same_as_its_single_copy() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let file = "jack-clark-net-homepage-scrape.425-421.txt";
    let issues = archive::parse(file, corpus_support::text(file).as_bytes()).unwrap();
    assert_eq!(issues.len(), 5);
    for issue in issues {
        let single = format!("importai-{}.txt", issue.number);
        let alone = archive::parse(&single, corpus_support::text(&single).as_bytes())
            .unwrap()
            .remove(0);
        assert_eq!(issue.title, alone.title, "{single}");
        let titles = |i: &archive::Issue| -> Vec<String> {
            i.sections.iter().map(|s| s.title.clone()).collect()
        };
        assert_eq!(titles(&issue), titles(&alone), "{single}: sections");
        assert_eq!(
            issue.tale.as_ref().map(|t| &t.title),
            alone.tale.as_ref().map(|t| &t.title),
            "{single}: tale"
        );
        assert_eq!(issue.link_count(), alone.link_count(), "{single}: links");
    }
}

/// The subtitle under the title (front-matter `description`) is kept and shown on /issue.
#[tokio::test]
async fn subtitles_are_kept_and_shown_on_the_issue() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let store = importai_bot::store::Store::open(&url).await.unwrap();
    for (file, number, subtitle) in [
        ("importai-433.md", 433, "Would Alan Turing be surprised?"),
        (
            "importai-435.md",
            435,
            "At what point will AI change your daily life?",
        ),
        (
            "importai-437.md",
            437,
            "Do you believe the singularity is nigh?",
        ),
    ] {
        let issues = archive::parse(file, corpus_support::text(file).as_bytes()).unwrap();
        assert_eq!(issues[0].subtitle.as_deref(), Some(subtitle), "{file}");
        store.ingest_copies(file, &issues).await.unwrap();
        let question = importai_bot::answers::Question::Issue(number);
        let reply = importai_bot::answers::answer(&store, &question)
            .await
            .unwrap();
        let description = &reply.cards[0].description;
        assert!(
            description.starts_with(&format!("*{subtitle}*\n\n")),
            "{file}: {description}"
        );
    }
    // A text carrier has no subtitle to give.
    let issues = archive::parse(
        "importai-421.txt",
        corpus_support::text("importai-421.txt").as_bytes(),
    )
    .unwrap();
    assert_eq!(issues[0].subtitle, None);
}
