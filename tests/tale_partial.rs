//! A tale that its copy cuts off (a feed excerpt, a capture capped part-way) is read as far
//! as it goes and marked partial, from how its text ends; the reader is told, on /tale and in
//! the terminal, where to read all of it.

mod corpus_support;

use importai_bot::answers::tale;
use importai_bot::archive::merge::{self, Copy};
use importai_bot::archive::{self, Format, Issue};
use importai_bot::console;

const URL: &str = "https://importai.substack.com/p/import-ai-901";

/// An RSS item holding an issue whose tale ends with `ending` (HTML).
fn feed_with_tale_ending(ending: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Import AI</title><link>https://importai.substack.com</link><description>AI</description>
<item><title>Import AI 901: Lighthouses</title><link>{URL}</link>
<pubDate>Mon, 03 Nov 2025 12:05:00 GMT</pubDate>
<content:encoded><![CDATA[<p><strong>Robots fold laundry:</strong><br><em>…Slowly…</em><br>A lab taught
a robot to fold shirts.</p><p>Read more: <a href="https://arxiv.org/abs/1">Folding (arXiv)</a>.</p>
<p>***</p><p><strong>Tech Tales:</strong></p><p><strong>The Keeper</strong></p>
<p><em>[A lighthouse, 2031]</em></p><p>The machine counted the ships all night.</p>
<p>{ending}</p>]]></content:encoded></item></channel></rss>"#
    )
}

fn read_feed(feed: &str) -> Issue {
    archive::parse_as(Format::Feed, feed.as_bytes())
        .unwrap()
        .remove(0)
}

#[test]
fn a_feed_excerpt_ending_in_a_cut_mark_is_partial_without_the_mark() {
    for ending in [
        "At dawn it asked the keeper why she stayed […]",
        "At dawn it asked the keeper why she stayed [&#8230;]",
        "At dawn it asked the keeper why she stayed. <a href=\"https://x.test\">Continue reading →</a>",
    ] {
        let issue = read_feed(&feed_with_tale_ending(ending));
        let tale = issue.tale.as_ref().expect("the tale is kept");
        assert!(tale.partial, "{ending}: {tale:?}");
        assert_eq!(tale.title, "The Keeper");
        let last = tale.body.rsplit("\n\n").next().unwrap();
        assert!(
            last.starts_with("At dawn it asked the keeper why she stayed")
                && !last.contains('[')
                && !last.contains("Continue"),
            "{ending}: {last:?}"
        );
    }
}

#[test]
fn a_tale_stopping_mid_sentence_is_partial_and_one_that_ends_is_not() {
    let cut = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she",
    ));
    assert!(cut.tale.unwrap().partial);
    let whole = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she stayed.",
    ));
    assert!(!whole.tale.unwrap().partial);
    // What inspired the story closes it: the story ran to its end, whatever its last line.
    let with_inspiration = read_feed(&feed_with_tale_ending(
        "and the ships kept coming</p><p>Things that inspired this story: lighthouses.",
    ));
    assert!(!with_inspiration.tale.unwrap().partial);
}

#[test]
fn the_reader_is_told_where_to_read_all_of_a_cut_tale() {
    let issue = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she",
    ));
    let reply = tale::render(&issue, 1).unwrap();
    let field = reply.cards[0]
        .fields
        .iter()
        .find(|field| field.name == "Cut off")
        .expect("a cut-off note");
    assert_eq!(
        field.value,
        format!("This copy of the tale is cut off; read it in full at {URL}")
    );
    let terminal = console::render(&reply);
    assert!(
        terminal.contains(&format!(
            "This copy of the tale is cut off; read it in full at {URL}"
        )),
        "{terminal}"
    );

    let whole = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she stayed.",
    ));
    let reply = tale::render(&whole, 1).unwrap();
    assert!(reply.cards[0].fields.iter().all(|f| f.name != "Cut off"));
}

#[test]
fn a_whole_copy_of_the_tale_replaces_a_cut_one() {
    let cut = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she",
    ));
    let whole = read_feed(&feed_with_tale_ending(
        "At dawn it asked the keeper why she stayed.",
    ));
    let copies = [
        Copy {
            source: "whole.xml".into(),
            issue: whole.clone(),
        },
        Copy {
            source: "cut.xml".into(),
            issue: cut,
        },
    ];
    let merged = merge::merge(&copies).unwrap();
    assert_eq!(merged.issue.tale, whole.tale);
}

#[test]
fn no_tale_of_the_corpus_is_read_as_cut() {
    // The corpus's cut copies stop before their tale; every tale it holds is whole.
    let mut tales = 0;
    for (name, bytes) in corpus_support::files().unwrap_or_default() {
        for issue in archive::parse(&name, &bytes).unwrap() {
            if let Some(tale) = issue.tale {
                tales += 1;
                assert!(!tale.partial, "{name}: {} read as cut off", tale.title);
            }
        }
    }
    eprintln!("{tales} whole tales");
}
