//! Bad sources fail with a specific, actionable error, and never panic; a source too large is
//! refused before it is read.

use importai_bot::archive::{self, ArchiveError, Format, MAX_SOURCE_BYTES};

fn seeds() -> String {
    std::fs::read_to_string("data/import-ai-301-310.txt").unwrap()
}

/// The seed text up to (not including) the first occurrence of `marker`.
fn seeds_cut_before(marker: &str) -> String {
    let text = seeds();
    let at = text.find(marker).expect("marker in the seeds");
    text[..at].to_string()
}

#[test]
fn empty_sources() {
    assert_eq!(archive::parse("a.txt", b""), Err(ArchiveError::Empty));
    assert_eq!(
        archive::parse("a.md", b"  \n\n\t "),
        Err(ArchiveError::Empty)
    );
    assert!(ArchiveError::Empty.to_string().contains("empty"));
}

#[test]
fn no_issue_header() {
    let text = b"Some notes about AI.\n\nImport AI\n\nMore notes, citing Import AI #300.\n";
    assert_eq!(
        archive::parse("notes.txt", text),
        Err(ArchiveError::NoIssueHeader)
    );
    let message = ArchiveError::NoIssueHeader.to_string();
    assert!(message.contains("Import AI 310: <title>"), "{message}");
    // A page or feed without an issue title says the same.
    let page = b"<html><head><title>About</title></head><body><p>Hello.</p></body></html>";
    assert_eq!(
        archive::parse("about.html", page),
        Err(ArchiveError::NoIssueHeader)
    );
}

#[test]
fn binary_data() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    assert_eq!(
        archive::parse("issue.txt", png),
        Err(ArchiveError::Binary { offset: 8 })
    );
    let utf16 = "Import AI 1: x"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect::<Vec<u8>>();
    assert!(matches!(
        archive::parse("issue.txt", &utf16),
        Err(ArchiveError::Binary { .. })
    ));
}

#[test]
fn invalid_utf8_names_the_offset() {
    let latin1 = b"Import AI 1: caf\xe9 au lait\n\nHeading:\n\nBody.\n";
    let error = archive::parse("issue.txt", latin1).unwrap_err();
    assert_eq!(error, ArchiveError::NotUtf8 { offset: 16 });
    let message = error.to_string();
    assert!(
        message.contains("UTF-8") && message.contains("16"),
        "{message}"
    );
}

#[test]
fn a_50_mb_source_is_refused_before_it_is_read() {
    // Not UTF-8 from its first byte: a reader that looked at the text before the size would
    // report that instead.
    let mut huge = vec![b'a'; 50 * 1024 * 1024];
    huge[0] = 0xFF;
    let result = archive::parse("huge.txt", &huge);
    assert_eq!(
        result,
        Err(ArchiveError::TooLarge {
            size: huge.len() as u64,
            max: MAX_SOURCE_BYTES as u64
        })
    );
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("52428800") && message.contains("split"),
        "{message}"
    );
    // Just at the limit is accepted for reading (and fails later, for lack of a header).
    let at_limit = vec![b'a'; MAX_SOURCE_BYTES];
    assert_eq!(
        archive::parse("big.txt", &at_limit),
        Err(ArchiveError::NoIssueHeader)
    );
}

#[test]
fn an_issue_cut_off_mid_section() {
    // The seeds stop inside the body of 310's third section, mid-sentence.
    let text = seeds_cut_before("preprint repository.");
    let error = archive::parse("cut.txt", text.as_bytes()).unwrap_err();
    assert_eq!(
        error,
        ArchiveError::Truncated {
            number: 310,
            position: 3,
            section: "Demoscene AI: arXiv adds interactive demo support".into()
        }
    );
    let message = error.to_string();
    assert!(message.contains("Import AI 310"), "{message}");
    assert!(message.contains("Demoscene AI"), "{message}");
}

#[test]
fn an_issue_cut_off_after_a_heading_or_after_its_header() {
    let text = seeds_cut_before("…HuggingFace + arXiv partnership");
    assert!(matches!(
        archive::parse("cut.txt", text.as_bytes()),
        Err(ArchiveError::Truncated {
            number: 310,
            position: 3,
            ..
        })
    ));
    let header_only = "Import AI 310: AlphaZero learned Chess\n\n";
    assert_eq!(
        archive::parse("cut.txt", header_only.as_bytes()),
        Err(ArchiveError::EmptyIssue { number: 310 })
    );
}

#[test]
fn an_issue_cut_off_after_its_tale_heading() {
    let text = seeds_cut_before("[Earth, 2028].");
    assert_eq!(
        archive::parse("cut.txt", text.as_bytes()),
        Err(ArchiveError::TruncatedTale {
            number: 310,
            title: "God Complex".into()
        })
    );
}

#[test]
fn a_complete_issue_without_a_tale_is_fine() {
    // Cut at a section boundary: every section ends properly, so nothing is missing.
    let text = seeds_cut_before("Demoscene AI: arXiv adds");
    let issues = archive::parse("cut.txt", text.as_bytes()).unwrap();
    assert_eq!(issues[0].sections.len(), 2);
    assert_eq!(issues[0].tale, None);
}

#[test]
fn a_cut_off_markdown_export() {
    let markdown = std::fs::read_to_string("tests/fixtures/import-ai-320.substack.md").unwrap();
    let at = markdown.find("fit them onto consumer").unwrap();
    let error = archive::parse("320.md", &markdown.as_bytes()[..at]).unwrap_err();
    assert!(
        matches!(
            error,
            ArchiveError::Truncated {
                number: 320,
                position: 4,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn duplicate_issues_in_one_source() {
    let once = seeds_cut_before("Import AI 309:");
    let twice = format!("{once}\n{once}");
    assert_eq!(
        archive::parse("twice.txt", twice.as_bytes()),
        Err(ArchiveError::DuplicateIssue { number: 310 })
    );
}

#[test]
fn malformed_feeds_and_pages() {
    let broken_feed = b"<?xml version=\"1.0\"?><rss><channel><item><title>Import AI 1: x</ti";
    let error = archive::parse("feed.xml", broken_feed).unwrap_err();
    assert!(matches!(error, ArchiveError::Feed(_)), "{error:?}");
    assert!(error.to_string().contains("RSS or Atom"), "{error}");

    let not_a_feed = b"<?xml version=\"1.0\"?><note><to>Tove</to></note>";
    assert!(matches!(
        archive::parse_as(Format::Feed, not_a_feed),
        Err(ArchiveError::Feed(_))
    ));

    let empty_page = b"<html><head><title>Import AI 1: x</title></head><body></body></html>";
    let error = archive::parse("page.html", empty_page).unwrap_err();
    assert!(matches!(error, ArchiveError::Html(_)), "{error:?}");

    let deep = format!("<html><body>{}<p>Import AI 1: x</p>", "<div>".repeat(5000));
    assert!(matches!(
        archive::parse("page.html", deep.as_bytes()),
        Err(ArchiveError::Html(_))
    ));
}

#[test]
fn every_error_message_says_what_to_do() {
    let errors = [
        ArchiveError::Empty,
        ArchiveError::TooLarge { size: 2, max: 1 },
        ArchiveError::Binary { offset: 0 },
        ArchiveError::NotUtf8 { offset: 0 },
        ArchiveError::NoIssueHeader,
        ArchiveError::DuplicateIssue { number: 7 },
        ArchiveError::EmptyIssue { number: 7 },
        ArchiveError::Truncated {
            number: 7,
            position: 2,
            section: "S".into(),
        },
        ArchiveError::TruncatedTale {
            number: 7,
            title: "T".into(),
        },
        ArchiveError::Feed("x".into()),
    ];
    for error in errors {
        let message = error.to_string();
        assert!(message.contains(':'), "no advice in {message}");
        assert!(message.len() > 30, "terse: {message}");
    }
}

#[test]
fn deeply_nested_markdown_and_feeds_do_not_crash() {
    let quotes = format!("Import AI 1: x\n\n{}text\n", "> ".repeat(50_000));
    let _ = archive::parse("deep.md", quotes.as_bytes());
    let lists: String = (0..1000)
        .map(|depth| format!("{}- item\n", "  ".repeat(depth)))
        .collect();
    let _ = archive::parse("deep.md", format!("Import AI 1: x\n\n{lists}").as_bytes());
    let elements = format!("{}{}", "<x>".repeat(50_000), "</x>".repeat(50_000));
    let feed = format!(
        "<rss><channel><item><title>Import AI 1: x</title>{elements}</item></channel></rss>"
    );
    let _ = archive::parse("feed.xml", feed.as_bytes());
    let content = format!(
        "<rss><channel><item><title>Import AI 1: x</title><description><![CDATA[{}]]></description></item></channel></rss>",
        "<div>".repeat(50_000)
    );
    assert!(archive::parse("feed.xml", content.as_bytes()).is_err());
}
