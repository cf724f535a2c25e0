//! Every command's reply for every issue of the bundled archive, of the Substack export and
//! of the corpus of real issues, and every reply reachable from their buttons and menus,
//! rendered as the bot sends it (and as `ask --json` prints it) and validated against
//! Discord's OpenAPI description and documented limits.

mod corpus_support;
mod support;

use importai_bot::answers::{self, Control, Question, Reply, Target};
use importai_bot::archive::model::{LinkPlace, TextPart};
use importai_bot::discord::render;
use importai_bot::store::Store;
use serde_json::{json, Value};
use std::collections::{BTreeSet, VecDeque};
use support::discord_api::{validate_interaction_callback, validate_message_create};

async fn archive(dir: &tempfile::TempDir) -> Store {
    support::archive::with_substack_320(dir).await
}

/// The reply as every kind of body the bot sends it in, each checked.
fn assert_valid(what: &str, reply: &Reply) {
    let body = render::message_json(reply);
    let as_response = json!({ "type": 4, "data": body });
    if let Err(problems) = validate_interaction_callback(&as_response) {
        panic!("{what}: response rejected: {problems:#?}\n{body:#}");
    }
    let mut update = body.clone();
    update.as_object_mut().map(|o| o.remove("flags"));
    if let Err(problems) = validate_interaction_callback(&json!({ "type": 7, "data": update })) {
        panic!("{what}: update rejected: {problems:#?}");
    }
    let message = serde_json::to_value(render::channel_message(reply)).expect("serialize");
    if let Err(problems) = validate_message_create(&message) {
        panic!("{what}: channel message rejected: {problems:#?}");
    }
}

fn targets(reply: &Reply) -> Vec<Target> {
    reply
        .controls
        .iter()
        .flat_map(|control| match control {
            Control::Button { target, .. } => vec![*target],
            Control::Menu { options, .. } => options.iter().map(|o| o.target).collect(),
            // Trend buttons redraw a chart; the trend tests follow them.
            Control::Trend { .. } => Vec::new(),
        })
        .collect()
}

fn text_of(body: &Value) -> String {
    body.to_string()
}

/// No reply may leak internals: database names, Rust error text, panics.
fn assert_no_internals(what: &str, reply: &Reply) {
    let text = text_of(&render::message_json(reply)).to_lowercase();
    for leak in [
        "sqlx",
        "sqlite",
        "database error",
        "panicked at",
        "unwrap()",
        "error returned",
    ] {
        assert!(!text.contains(leak), "{what} leaks {leak:?}: {text}");
    }
}

#[tokio::test]
async fn every_reply_and_every_control_gives_a_valid_discord_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = archive(&dir).await;
    let issues = store.issue_titles().await.expect("titles");
    assert_eq!(issues.len(), 11, "ten bundled issues and 320");

    let mut questions: Vec<Question> = vec![Question::Latest, Question::About];
    for issue in &issues {
        let n = i64::from(issue.number);
        questions.push(Question::Issue(n));
        questions.push(Question::Tale {
            issue: Some(n),
            page: 1,
        });
        questions.push(Question::Links { issue: n, page: 1 });
        questions.push(Question::Section {
            issue: n,
            position: 1,
        });
    }
    for query in [
        "chess",
        "language models",
        "AlphaZero",
        "emergence scaling",
        "Tech Tales",
        "robot",
    ] {
        questions.push(Question::Search(query.into()));
    }

    // Walk the replies and everything their controls open, each target once.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<Question> = questions.into();
    let mut walked = 0;
    while let Some(question) = queue.pop_front() {
        let reply = answers::answer(&store, &question)
            .await
            .unwrap_or_else(|e| panic!("{question:?} failed: {e}"));
        let what = format!("{question:?}");
        assert_valid(&what, &reply);
        assert_no_internals(&what, &reply);
        walked += 1;
        for target in targets(&reply) {
            if seen.insert(target.to_string()) {
                queue.push_back(Question::from(target));
            }
        }
    }
    // Every section of every issue was reached through the controls.
    let mut sections = 0;
    for issue in &issues {
        let full = store.issue(issue.number).await.unwrap().unwrap();
        for section in &full.sections {
            sections += 1;
            let target = Target::Section {
                issue: issue.number,
                position: section.position,
            };
            assert!(seen.contains(&target.to_string()), "{target} unreachable");
        }
    }
    assert!(sections >= 51 + 7, "{sections} sections walked");
    assert!(walked > sections, "{walked} replies walked");
}

/// The issue a target belongs to, for a walk that stays within one issue.
fn issue_of(target: &Target) -> Option<u32> {
    match *target {
        Target::Issue(issue)
        | Target::Section { issue, .. }
        | Target::SectionText { issue, .. }
        | Target::Tale { issue, .. }
        | Target::Links { issue, .. } => Some(issue),
        Target::Search(_) => None,
    }
}

#[tokio::test]
async fn every_answer_about_every_corpus_issue_is_valid_and_within_the_limits() {
    if corpus_support::corpus_dir().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let store = corpus_support::store(&dir).await;
    let issues = store.all_issues().await.expect("issues");
    let (mut replies, mut sections, mut pages) = (0, 0, 0);
    let mut ask = async |question: Question| {
        let what = format!("{question:?}");
        let reply = answers::answer(&store, &question)
            .await
            .unwrap_or_else(|e| panic!("{what} failed: {e}"));
        assert_valid(&what, &reply);
        assert_no_internals(&what, &reply);
        let broken = support::limits::broken(&reply);
        assert!(broken.is_empty(), "{what} breaks {broken:?}");
        replies += 1;
        reply
    };
    for issue in &issues {
        let number = issue.number;
        // The issue, and everything of this issue its controls open, each once: every
        // section, every page of each whole section, of the tale and of the links.
        let mut seen = BTreeSet::from([Target::Issue(number).to_string()]);
        let mut queue = VecDeque::from([Question::Issue(number.into())]);
        while let Some(question) = queue.pop_front() {
            let reply = ask(question).await;
            for target in targets(&reply) {
                if issue_of(&target) == Some(number) && seen.insert(target.to_string()) {
                    sections += usize::from(matches!(target, Target::Section { .. }));
                    pages += usize::from(matches!(
                        target,
                        Target::SectionText { page: 2.., .. }
                            | Target::Tale { page: 2.., .. }
                            | Target::Links { page: 2.., .. }
                    ));
                    queue.push_back(Question::from(target));
                }
            }
        }
        for section in &issue.sections {
            let target = Target::Section {
                issue: number,
                position: section.position,
            };
            assert!(seen.contains(&target.to_string()), "{target} unreachable");
        }
        if issue.tale.is_some() {
            let tale = Target::Tale {
                issue: number,
                page: 1,
            };
            assert!(seen.contains(&tale.to_string()), "{tale} unreachable");
        }
        // A search of the words of its title, as a reader would look for it.
        let words: Vec<&str> = issue
            .title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let words = words.join(" ");
        let query: String = words
            .chars()
            .take(answers::search::QUERY_MAX_CHARS)
            .collect();
        ask(Question::Search(query.trim_end().into())).await;
    }
    ask(Question::About).await;
    eprintln!(
        "{} issues: {replies} replies valid, {sections} sections, {pages} further pages",
        issues.len()
    );
    // Every issue of every corpus file was walked.
    let walked: BTreeSet<u32> = issues.iter().map(|issue| issue.number).collect();
    for (name, bytes) in corpus_support::files().unwrap_or_default() {
        for issue in importai_bot::archive::parse(&name, &bytes).expect("parse") {
            assert!(
                walked.contains(&issue.number),
                "{name}: {} not walked",
                issue.number
            );
        }
    }
}

#[tokio::test]
async fn bad_questions_get_a_clear_valid_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = archive(&dir).await;
    let long_query = "scaling ".repeat(1250);
    let cases: Vec<(Question, &str)> = vec![
        (Question::Issue(0), "no issue 0"),
        (Question::Issue(-1), "no issue -1"),
        (Question::Issue(999_999), "no issue 999999"),
        (
            Question::Section {
                issue: 310,
                position: 99,
            },
            "no section 99",
        ),
        (
            Question::Section {
                issue: 310,
                position: 0,
            },
            "no section 0",
        ),
        (
            Question::Section {
                issue: 999_999,
                position: 1,
            },
            "no issue 999999",
        ),
        (Question::Links { issue: -5, page: 1 }, "no issue -5"),
        (
            Question::Tale {
                issue: Some(0),
                page: 1,
            },
            "no issue 0",
        ),
        (Question::Search(String::new().into()), "word or two"),
        (Question::Search("   ".into()), "word or two"),
        // Quoted back with its Markdown escaped (here as the JSON body spells it).
        (
            Question::Search("🦀 *".into()),
            r#"“🦀 \\*” has no letters or digits"#,
        ),
        (
            Question::Search("#".repeat(290).into()),
            "has no letters or digits",
        ),
        (Question::Search(long_query.into()), "up to 300 characters"),
    ];
    for (question, expected) in cases {
        let Err(error) = answers::answer(&store, &question).await else {
            panic!("{question:?} was answered as if it were fine");
        };
        assert!(!error.is_internal(), "{question:?}: {error}");
        let reply = answers::limits::enforce(error.to_reply());
        assert!(reply.private, "{question:?}: explanations are private");
        let text = text_of(&render::message_json(&reply));
        assert!(text.contains(expected), "{question:?}: {text}");
        assert_valid(&format!("{question:?}"), &reply);
        assert_no_internals(&format!("{question:?}"), &reply);
    }
}

#[tokio::test]
async fn searches_of_symbols_and_operators_are_words_not_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = archive(&dir).await;
    for query in [
        "AND (",
        "\"",
        "*",
        "NEAR",
        "-",
        "NEAR(chess language)",
        "chess OR",
        "col:chess",
        "^chess",
        "\"unbalanced",
        "(((",
        "🦀🦀",
        "漢字",
        "a\u{0}b",
    ] {
        let reply = answers::respond(&store, &Question::Search(query.into())).await;
        assert_valid(query, &reply);
        assert_no_internals(query, &reply);
    }
    // An operator word is searched as a word: "NEAR" finds text containing "near".
    let reply = answers::answer(&store, &Question::Search("NEAR".into()))
        .await
        .unwrap();
    assert!(
        !targets(&reply).is_empty(),
        "the word 'near' occurs in the archive"
    );
}

#[tokio::test]
async fn long_tales_are_paged_without_losing_a_word() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = archive(&dir).await;
    for issue in store.tale_numbers().await.unwrap() {
        let full = store.issue(issue).await.unwrap().unwrap();
        let tale = full.tale.as_ref().unwrap();
        let mut words = Vec::new();
        let mut page = 1;
        loop {
            let reply = answers::answer(
                &store,
                &Question::Tale {
                    issue: Some(issue.into()),
                    page,
                },
            )
            .await
            .unwrap();
            let description = &reply.cards[0].description;
            let story = if page == 1 && tale.setting.is_some() {
                description.split_once("\n\n").map_or("", |(_, rest)| rest)
            } else {
                description.as_str()
            };
            words.extend(
                story
                    .replace('\\', "")
                    .split_whitespace()
                    .map(str::to_owned),
            );
            let next = Target::Tale {
                issue,
                page: page + 1,
            };
            if !targets(&reply).contains(&next) {
                break;
            }
            page += 1;
        }
        let expected: Vec<_> = tale.body.split_whitespace().map(str::to_owned).collect();
        assert_eq!(words, expected, "tale of {issue} over {page} page(s)");
    }
}

/// An issue built to break limits: long multibyte headings, many long links, a huge tale
/// with emoji and words longer than a page.
fn extreme_issue() -> importai_bot::archive::Issue {
    use importai_bot::archive::{Issue, Link, Section, Tale};
    let words = |n: usize, word: &str| vec![word; n].join(" ");
    let sections = (1..=30)
        .map(|position| Section {
            position,
            title: format!("{position} {}", words(80, "naïve-漢字")),
            teaser: Some(words(120, "“teaser”…")),
            summary: words(60, "sümmary"),
            why_it_matters: Some(words(400, "matters🦀")),
            body: words(2000, "body"),
            links: (0..40)
                .map(|i| Link {
                    label: "Read more".into(),
                    title: format!("{i} {}", words(60, "tïtle👩‍🔬")),
                    source: Some(words(10, "sourcé")),
                    url: Some(format!(
                        "https://example.com/{position}/{i}?q={}",
                        "x".repeat(200)
                    )),
                    // Half of them linked on words of the body, to page around.
                    at: (i % 2 == 0).then_some(LinkPlace::Inline {
                        part: TextPart::Body,
                        paragraph: 0,
                        start: i * 40,
                        end: i * 40 + 25,
                    }),
                })
                .collect(),
        })
        .collect();
    Issue {
        number: 4_000_000,
        title: words(100, "Tïtle🦀"),
        published: None,
        url: Some("https://importai.substack.com/p/extreme".into()),
        subtitle: Some(words(200, "sübtitle🦀")),
        note: Some(words(400, "nöte🦀")),
        sections,
        tale: Some(Tale {
            title: words(100, "tale🦀"),
            setting: Some(words(50, "Earth")),
            body: format!(
                "{}\n\n{}\n\n{}",
                words(8000, "story…"),
                "🦀".repeat(9000),
                words(3000, "é")
            ),
            inspired_by: Some(words(900, "inspired")),
            partial: true,
        }),
        mentions: (1..300).collect(),
    }
}

#[tokio::test]
async fn the_largest_issue_and_longest_tale_stay_within_every_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = archive(&dir).await;
    let issue = extreme_issue();
    let number = i64::from(issue.number);
    store
        .ingest_source(&[issue])
        .await
        .expect("ingest the extreme issue");
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<Question> = vec![
        Question::Issue(number),
        Question::Links {
            issue: number,
            page: 1,
        },
        Question::Tale {
            issue: Some(number),
            page: 1,
        },
        Question::Search("naïve".into()),
    ]
    .into();
    let mut pages = 0;
    while let Some(question) = queue.pop_front() {
        let reply = answers::answer(&store, &question).await.expect("answer");
        assert_valid(&format!("{question:?}"), &reply);
        pages += 1;
        for target in targets(&reply) {
            if seen.insert(target.to_string()) {
                queue.push_back(Question::from(target));
            }
        }
    }
    assert!(pages > 60, "walked {pages} replies");
}
