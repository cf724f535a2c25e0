//! `importai-bot ask`: the bot's answers in a terminal, and `--json` as the exact body.

mod support;

use std::process::{Command, Output};

use importai_bot::answers::{self, Question};
use importai_bot::discord::render;
use importai_bot::store::Store;

fn ask(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_importai-bot"))
        .args(["--database-url", db, "ask"])
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run importai-bot")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn a_fresh_database_answers_from_the_bundled_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ask.db").display());
    let output = ask(&db, &["issue", "310"]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("Import AI 310: AlphaZero learned Chess"),
        "{text}"
    );
    assert!(
        text.contains("5. AlphaZero learns in a surprisingly human way"),
        "{text}"
    );
    assert!(text.contains("Tech Tale: God Complex"), "{text}");
    assert!(
        text.contains("ask section 310 2"),
        "controls become commands: {text}"
    );
    assert!(!text.contains("**"), "Markdown is stripped: {text}");

    let section = stdout(&ask(&db, &["section", "310", "5"]));
    assert!(section.contains("Why this matters"), "{section}");
    assert!(
        section.contains("Acquisition of chess knowledge in AlphaZero (PNAS)"),
        "{section}"
    );

    let tale = stdout(&ask(&db, &["tale", "--issue", "304"]));
    assert!(tale.contains("Treacherous Turn"), "{tale}");
    assert!(tale.contains("[Bay Area, 2029]"), "{tale}");

    let search = stdout(&ask(&db, &["search", "chess"]));
    assert!(search.contains("Import AI 310"), "{search}");
}

#[tokio::test]
async fn json_is_the_body_the_bot_sends() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ask.db").display());
    let store = Store::open(&db).await.unwrap();
    let cases: Vec<(Vec<&str>, Question)> = vec![
        (vec!["issue", "310", "--json"], Question::Issue(310)),
        (
            vec!["--json", "section", "302", "1"],
            Question::Section {
                issue: 302,
                position: 1,
            },
        ),
        (
            vec!["links", "307", "--json"],
            Question::Links {
                issue: 307,
                page: 1,
            },
        ),
        (
            vec!["tale", "--issue", "305", "--json"],
            Question::Tale {
                issue: Some(305),
                page: 1,
            },
        ),
        (
            vec!["search", "language", "models", "--json"],
            Question::Search("language models".into()),
        ),
        (vec!["about", "--json"], Question::About),
        (vec!["latest", "--json"], Question::Latest),
    ];
    for (args, question) in cases {
        let output = ask(&db, &args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        let printed: serde_json::Value =
            serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
        let reply = answers::answer(&store, &question).await.unwrap();
        assert_eq!(printed, render::message_json(&reply), "{args:?}");
        assert!(printed["embeds"].is_array() && printed.get("components").is_some());
    }
}

#[test]
fn about_tells_when_the_archive_last_changed_in_the_terminal_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ask.db").display());
    // The first open fills the archive from the bundled issues: its first change.
    let text = stdout(&ask(&db, &["about"]));
    let changed = text
        .split("The archive last changed on ")
        .nth(1)
        .unwrap_or_else(|| panic!("no change time in {text}"));
    let (when, _) = changed.split_once(" UTC.").expect("a time in UTC");
    assert!(
        chrono::NaiveDateTime::parse_from_str(when, "%d %B %Y at %H:%M").is_ok(),
        "{when:?}"
    );
    let json = stdout(&ask(&db, &["about", "--json"]));
    assert!(
        json.contains(&format!("The archive last changed on {when} UTC.")),
        "{json}"
    );
}

#[test]
fn bad_questions_explain_themselves_and_fail_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ask.db").display());
    for (args, expected) in [
        (vec!["issue", "0"], "There is no issue 0"),
        (vec!["issue", "-1"], "There is no issue -1"),
        (vec!["issue", "999999"], "holds issues 301 to 310"),
        (
            vec!["section", "310", "99"],
            "Issue 310 has 6 sections; there is no section 99",
        ),
        (vec!["search", "--", "-"], "Type a word or two"),
        (vec!["search", "\"", "AND", "("], "Search:"),
    ] {
        let output = ask(&db, &args);
        let text = stdout(&output);
        assert!(text.contains(expected), "{args:?}: {text}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
        if expected != "Search:" {
            assert!(
                !output.status.success(),
                "{args:?} should fail the exit status"
            );
        }
    }
}

#[test]
fn trend_writes_the_chart_and_prints_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ask.db").display());
    let png = dir.path().join("trend.png");
    let output = ask(
        &db,
        &["trend", "agents, China", "--out", png.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("agents: no mentions before #305"), "{text}");
    assert!(text.contains("Chart written to"), "{text}");
    support::chart::assert_chart(&std::fs::read(&png).unwrap(), 2);

    let output = ask(&db, &["--json", "trend", "agents, China"]);
    assert!(output.status.success(), "{output:?}");
    let body: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(body["attachments"][0]["filename"], "trend.png");
    assert!(body["attachments"][0]["description"]
        .as_str()
        .unwrap()
        .contains("china:"));
    assert_eq!(body["embeds"][0]["image"]["url"], "attachment://trend.png");
    assert!(stdout(&output).len() < 4000, "metadata, not the bytes");

    let output = ask(&db, &["trend", "agnets"]);
    assert!(!output.status.success());
    assert!(stdout(&output).contains("try “agents”"));
}
