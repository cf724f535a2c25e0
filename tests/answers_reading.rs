//! What a reader gets from a section, over the bundled archive, the corpus of real issues and
//! generated text: its summary is made of whole sentences of its own body and fits; its whole text, page
//! after page, is all of it.

mod corpus_support;

use importai_bot::answers::digest::{self, MAX_CHARS};
use importai_bot::answers::limits::is_acceptable_url;
use importai_bot::answers::text::{escape_markdown, link_line};
use importai_bot::answers::{self, Control, MenuId, Question, Reply, Target};
use importai_bot::archive::{self, Issue, Section, BUNDLED_ARCHIVE};
use importai_bot::store::Store;

/// The bundled issues, and the corpus's when it is beside the checkout.
fn issues() -> Vec<(String, Issue)> {
    let mut issues: Vec<(String, Issue)> = archive::parse("bundled", BUNDLED_ARCHIVE.as_bytes())
        .unwrap()
        .into_iter()
        .map(|issue| ("bundled".to_owned(), issue))
        .collect();
    for (name, bytes) in corpus_support::files().unwrap_or_default() {
        let read = archive::parse(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        issues.extend(read.into_iter().map(|issue| (name.clone(), issue)));
    }
    issues
}

/// Sections the bundled archive holds, and more than 60 with the corpus beside it.
fn least_sections() -> usize {
    match corpus_support::corpus_dir() {
        Some(_) => 60,
        None => 51,
    }
}

/// Whether `summary` is a run of `sentences`, in their order, each whole (where one sentence
/// begins another, the longer is tried).
fn made_of(summary: &str, sentences: &[String]) -> bool {
    let mut rest = summary;
    let mut from = 0;
    while !rest.is_empty() {
        let Some(at) = (from..sentences.len())
            .filter(|&i| rest.starts_with(sentences[i].as_str()))
            .max_by_key(|&i| (sentences[i].len(), std::cmp::Reverse(i)))
        else {
            return false;
        };
        rest = rest[sentences[at].len()..].trim_start();
        from = at + 1;
    }
    true
}

proptest::proptest! {
    /// Any text, multibyte at every cut: the summary is whole sentences of it, and fits.
    #[test]
    fn summaries_are_whole_sentences_of_the_body_within_the_limit(
        words in proptest::collection::vec("[a-zé漢🙂]{1,12}[.?!,]?", 1..400)
    ) {
        let body = words.join(" ");
        let summary = digest::summarize(&body);
        proptest::prop_assert!(summary.chars().count() <= MAX_CHARS);
        let all = digest::sentences(&body);
        if all.iter().any(|s| s.chars().count() <= MAX_CHARS) {
            proptest::prop_assert!(made_of(&summary, &all), "{summary:?} is not made of {all:?}");
        }
    }
}

#[test]
fn every_summary_is_whole_sentences_of_its_own_section_and_fits() {
    let (mut sections, mut cut, mut several) = (0, 0, 0);
    for (file, issue) in issues() {
        for section in &issue.sections {
            let summary = digest::summarize(&section.body);
            let what = format!(
                "{file}: issue {} section {}",
                issue.number, section.position
            );
            assert!(summary.chars().count() <= MAX_CHARS, "{what}: {summary}");
            let sentences = digest::sentences(&section.body);
            sections += 1;
            if sentences.iter().all(|s| s.chars().count() > MAX_CHARS) {
                // Only a body with no sentence that fits is cut, at a word.
                cut += usize::from(!sentences.is_empty());
                continue;
            }
            assert!(
                made_of(&summary, &sentences),
                "{what}: {summary:?} is not made of the section's sentences"
            );
            assert!(!summary.is_empty(), "{what}: an empty summary");
            several += usize::from(digest::sentences(&summary).len() >= 2);
        }
    }
    eprintln!(
        "{sections} sections: {several} summaries of two sentences or more, {cut} cut because \
         no sentence of the body fits in {MAX_CHARS} characters"
    );
    assert!(
        sections >= least_sections(),
        "only {sections} sections read"
    );
    // Most sections are several sentences long; their summaries should say more than one.
    assert!(several * 10 >= sections * 7, "{several} of {sections}");
}

/// The section's text without its links, as the whole-section pages show it: the body, then
/// why it matters.
fn text_without_links(section: &Section) -> String {
    let mut text = escape_markdown(&section.body);
    if let Some(why) = &section.why_it_matters {
        text.push_str(&format!(" **Why this matters:** {}", escape_markdown(why)));
    }
    text
}

/// The shown text with the section's link lines dropped and masked links (`[words](<url>)`)
/// reduced to their words.
fn unlinked(shown: &str, section: &Section) -> String {
    let link_lines: Vec<String> = section.links.iter().map(link_line).collect();
    let kept: Vec<&str> = shown
        .lines()
        .filter(|line| !link_lines.iter().any(|link| link == line))
        .collect();
    let mut text = kept.join("\n");
    while let Some(open) = text.find("](<") {
        let start = text[..open].rfind('[').expect("a masked link opens with [");
        let end = open
            + text[open..]
                .find(">)")
                .expect("a masked link closes with >)")
            + 2;
        let words = text[start + 1..open].to_owned();
        text.replace_range(start..end, &words);
    }
    text
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn description(reply: &Reply) -> &str {
    &reply.cards[0].description
}

#[tokio::test]
async fn the_pages_of_a_whole_section_join_back_to_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let (mut sections, mut paged, mut inline) = (0, 0, 0);
    for issue in store.all_issues().await.unwrap() {
        let number = issue.number;
        for section in &issue.sections {
            let mut shown = String::new();
            let mut page = 1;
            loop {
                let question = Question::SectionText {
                    issue: number.into(),
                    position: section.position.into(),
                    page,
                };
                let reply = answers::answer(&store, &question).await.unwrap();
                shown.push_str(description(&reply));
                shown.push('\n');
                let footer = reply.cards[0].footer.clone().unwrap_or_default();
                if !footer.contains(&format!("page {page} of"))
                    || footer.ends_with(&format!("page {page} of {page}"))
                {
                    break;
                }
                page += 1;
            }
            sections += 1;
            paged += usize::from(page > 1);
            let what = format!("issue {number} section {}", section.position);
            assert_eq!(
                without_whitespace(&unlinked(&shown, section)),
                without_whitespace(&text_without_links(section)),
                "{what}"
            );
            for link in &section.links {
                match corpus_support::placed_words(section, link) {
                    // A link in the text is masked on its own words, where they fall.
                    Some(words) => {
                        let url = link.url.as_deref().expect("a link in the text has a URL");
                        if !is_acceptable_url(url, 512) {
                            continue;
                        }
                        let masked = format!("[{}](<{url}>)", escape_markdown(&words));
                        assert!(shown.contains(&masked), "{what}: {masked} not shown");
                        inline += 1;
                    }
                    None => {
                        let line = link_line(link);
                        assert!(
                            shown.lines().any(|shown| shown == line),
                            "{what}: {line} not shown on a line of its own"
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "{sections} sections read whole, {paged} of them over several pages, {inline} links \
         in their text"
    );
    assert!(sections >= least_sections(), "only {sections} sections");
    if corpus_support::corpus_dir().is_some() {
        assert!(inline >= 20, "only {inline} links in the text of sections");
    }
}

/// The numbers of the issues the store holds, ascending.
async fn numbers_held(store: &Store) -> Vec<u32> {
    let issues = store.all_issues().await.unwrap();
    issues.iter().map(|issue| issue.number).collect()
}

/// The issue a button labelled with `arrow` opens, if the reply has one.
fn arrow_target(reply: &Reply, arrow: &str) -> Option<u32> {
    reply.controls.iter().find_map(|control| match control {
        Control::Button {
            label,
            target: Target::Issue(n),
        } if label.contains(arrow) => Some(*n),
        _ => None,
    })
}

#[tokio::test]
async fn previous_and_next_walk_every_issue_in_order_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let held = numbers_held(&store).await;
    let (first, last) = (held[0], held[held.len() - 1]);

    let mut walked = vec![first];
    let mut reply = answers::answer(&store, &Question::Issue(first.into()))
        .await
        .unwrap();
    assert_eq!(
        arrow_target(&reply, "◀"),
        None,
        "a button before the first issue"
    );
    while let Some(next) = arrow_target(&reply, "▶") {
        walked.push(next);
        reply = answers::answer(&store, &Question::Issue(next.into()))
            .await
            .unwrap();
    }
    assert_eq!(walked, held);

    let mut back = vec![last];
    while let Some(previous) = arrow_target(&reply, "◀") {
        back.push(previous);
        reply = answers::answer(&store, &Question::Issue(previous.into()))
            .await
            .unwrap();
    }
    back.reverse();
    assert_eq!(back, held);
    eprintln!(
        "walked {} issues, #{first} to #{last}, both ways",
        held.len()
    );
}

#[tokio::test]
async fn an_issue_offers_the_issues_it_mentions_that_the_archive_holds() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.unwrap();
    let held = numbers_held(&store).await;
    let mut offered = 0;
    for issue in store.all_issues().await.unwrap() {
        let reply = answers::answer(&store, &Question::Issue(issue.number.into()))
            .await
            .unwrap();
        let menu = reply.controls.iter().find_map(|control| match control {
            Control::Menu {
                id: MenuId::Mentions,
                options,
                ..
            } => Some(options.iter().map(|o| o.target).collect::<Vec<_>>()),
            _ => None,
        });
        let expected: Vec<Target> = issue
            .mentions
            .iter()
            .filter(|n| held.contains(n))
            .map(|&n| Target::Issue(n))
            .collect();
        match menu {
            Some(targets) => {
                assert_eq!(targets, expected, "issue {}", issue.number);
                offered += 1;
            }
            None => assert!(expected.is_empty(), "issue {}: no menu", issue.number),
        }
    }
    assert!(
        offered > 0,
        "no bundled issue mentions another bundled issue"
    );
}

/// The issue of the tale a reply shows, from its footer ("Tech Tales · Import AI 305 · …").
fn tale_issue(reply: &Reply) -> u32 {
    let footer = reply.cards[0].footer.clone().unwrap();
    footer
        .split("Import AI ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no issue in {footer:?}"))
}

#[tokio::test]
async fn a_channel_sees_every_tale_before_a_random_one_comes_again() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.unwrap();
    let tales = store.tale_numbers().await.unwrap();
    assert_eq!(tales.len(), 10, "the bundled issues each end with a tale");
    let mut shown: Vec<u32> = Vec::new();
    for pick in 0..50 {
        let reply = answers::answer(&store, &Question::RandomTale { channel: 7 })
            .await
            .unwrap();
        let issue = tale_issue(&reply);
        let last_ten = &shown[shown.len().saturating_sub(10)..];
        if tales.iter().any(|t| !last_ten.contains(t)) {
            assert!(
                !last_ten.contains(&issue),
                "pick {pick}: {issue} was among the channel's last ten {last_ten:?}"
            );
        }
        shown.push(issue);
    }
    let mut first_ten = shown[..10].to_vec();
    first_ten.sort_unstable();
    assert_eq!(
        first_ten, tales,
        "the first ten random tales are all different"
    );
    // Another channel keeps its own list.
    let other = answers::answer(&store, &Question::RandomTale { channel: 8 })
        .await
        .unwrap();
    assert!(tales.contains(&tale_issue(&other)));
    assert_eq!(store.recent_random_tales(7, 100).await.unwrap().len(), 10);
}
