//! No input makes a reader or the segmenter panic: arbitrary strings and bytes, text built
//! from the archive's own cues, and the real seed text truncated or with lines deleted.

use importai_bot::archive::{self, Format};
use proptest::prelude::*;

const FORMATS: [Format; 4] = [Format::Text, Format::Markdown, Format::Html, Format::Feed];

fn seeds() -> &'static str {
    archive::BUNDLED_ARCHIVE
}

/// Runs every reader (and the format detection) over the input. Errors are fine; the
/// point is that each call returns.
fn parse_every_way(bytes: &[u8]) {
    for name in ["x.txt", "x.md", "x.html", "x.xml", "x"] {
        let _ = archive::parse(name, bytes);
    }
    for format in FORMATS {
        let _ = archive::parse_as(format, bytes);
    }
}

/// Lines made of the cues the segmenter reacts to, mixed with filler.
fn cue_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..400, "[a-zA-Z ’…]{0,20}").prop_map(|(n, t)| format!("Import AI {n}: {t}")),
        Just("Import AI".to_string()),
        Just("#".repeat(52)),
        Just("***".to_string()),
        Just("\\*\\*\\*".to_string()),
        "[A-Za-z ’]{0,30}[:?!.]?".prop_map(|heading| heading),
        "…[a-z …]{0,30}…?[?]?".prop_map(|teaser| teaser),
        "[a-z ]{0,20}…".prop_map(|tail| tail),
        "Why this matters( – [a-z]{0,8})?[:?]? [a-z .]{0,20}".prop_map(|why| why),
        "(Read more|Get the code here|Find out more|Bonus|Check out the paper|Read the paper):? ?[A-Za-z :]{0,20}( \\([A-Za-z, ]{0,10}\\))?\\.?"
            .prop_map(|item| item),
        "\\([A-Za-z ]{0,10}\\)\\.?".prop_map(|source| source),
        Just("Tech Tales:".to_string()),
        Just("tech tales".to_string()),
        "\\[[A-Za-z, 0-9]{0,12}\\]?\\.?".prop_map(|setting| setting),
        "Things that inspired this story:? ?[a-z; ]{0,20}".prop_map(|inspired| inspired),
        "(Import AI ?#?[0-9]{0,4} ?){1,3}".prop_map(|mention| mention),
        "  [•\u{a0}] ?[a-z ]{0,10}".prop_map(|bullet| bullet),
        "\\*\\*[A-Za-z:]{0,10}\\*\\*|_[a-z…]{0,10}_|\\[[a-z]{0,5}\\]\\(https?://[a-z.]{0,8}\\)"
            .prop_map(|markup| markup),
        Just("Nov 28, 2022".to_string()),
        Just("Welcome to Import AI, a newsletter.".to_string()),
        Just("Thanks for reading!".to_string()),
        ".{0,40}".prop_map(|any| any),
        Just(String::new()),
    ]
}

fn cue_document() -> impl Strategy<Value = String> {
    prop::collection::vec((cue_line(), prop::bool::ANY), 0..60).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(line, blank_after)| {
                if blank_after {
                    line + "\n\n"
                } else {
                    line + "\n"
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(text in ".{0,400}") {
        parse_every_way(text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        parse_every_way(&bytes);
    }

    #[test]
    fn documents_built_from_cues_never_panic(text in cue_document()) {
        parse_every_way(text.as_bytes());
        let html: String = text
            .split("\n\n")
            .map(|paragraph| format!("<p>{}</p>", paragraph.replace('\n', "<br>")))
            .collect();
        parse_every_way(html.as_bytes());
    }

    #[test]
    fn a_valid_issue_keeps_its_invariants(text in cue_document()) {
        if let Ok(issues) = archive::parse_text(&text) {
            for issue in issues {
                for (index, section) in issue.sections.iter().enumerate() {
                    prop_assert_eq!(section.position as usize, index + 1);
                    prop_assert!(section.summary.chars().count() <= archive::MAX_SUMMARY_CHARS);
                }
                prop_assert!(!issue.mentions.contains(&issue.number));
                prop_assert!(issue.mentions.windows(2).all(|pair| pair[0] < pair[1]));
            }
        }
    }
}

proptest! {
    // Each case parses a 150 KB text; fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn seeds_truncated_at_any_char_never_panic(fraction in 0.0f64..1.0) {
        let chars = seeds().chars().count();
        let cut = (chars as f64 * fraction) as usize;
        let truncated: String = seeds().chars().take(cut).collect();
        let _ = archive::parse("seeds.txt", truncated.as_bytes());
        let _ = archive::parse_as(Format::Markdown, truncated.as_bytes());
    }

    #[test]
    fn seeds_with_lines_deleted_never_panic(
        deletions in prop::collection::vec(0usize..1300, 1..40)
    ) {
        let lines: Vec<&str> = seeds().lines().collect();
        let kept: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(index, _)| !deletions.contains(index))
            .map(|(_, line)| *line)
            .collect();
        let text = kept.join("\n");
        let _ = archive::parse("seeds.txt", text.as_bytes());
    }

    #[test]
    fn the_substack_export_truncated_never_panics(fraction in 0.0f64..1.0) {
        let markdown = include_str!("fixtures/import-ai-320.substack.md");
        let cut = (markdown.chars().count() as f64 * fraction) as usize;
        let truncated: String = markdown.chars().take(cut).collect();
        let _ = archive::parse("320.md", truncated.as_bytes());
        let _ = archive::parse_as(Format::Text, truncated.as_bytes());
    }

    #[test]
    fn the_post_page_truncated_never_panics(fraction in 0.0f64..1.0) {
        let page = include_str!("fixtures/archive/import-ai-310-excerpt.html");
        let cut = (page.chars().count() as f64 * fraction) as usize;
        let truncated: String = page.chars().take(cut).collect();
        let _ = archive::parse("page.html", truncated.as_bytes());
        let feed = include_str!("fixtures/archive/import-ai-feed.rss.xml");
        let cut = (feed.chars().count() as f64 * fraction) as usize;
        let truncated: String = feed.chars().take(cut).collect();
        let _ = archive::parse("feed.xml", truncated.as_bytes());
    }
}
