//! `importai-bot serve` as an admin runs it: settings checked with one clear line each, the
//! real binary serving the local Discord API, and a clean stop on SIGTERM.

mod support;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::discord_api::FakeDiscord;

/// Shaped like a real token (three dot-separated parts), so the settings accept it.
const TOKEN: &str = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.GfAkEt.c2VjcmV0LXRva2VuLW5ldmVyLWxvZ2dlZA";

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_importai-bot"))
}

/// `serve` in an empty directory (no `.env`), with only the given settings.
fn serve(dir: &Path, settings: &[(&str, &str)]) -> Command {
    let mut command = binary();
    command
        .arg("serve")
        .current_dir(dir)
        .env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_GUILD_ID")
        .env_remove("DISCORD_API_BASE")
        .env_remove("FEED_URL")
        .env_remove("FEED_POLL_MINUTES")
        .env_remove("BACKFILL")
        .env_remove("RUST_LOG")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("bot.db").display()),
        );
    for (name, value) in settings {
        command.env(name, value);
    }
    command
}

fn run_to_end(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start importai-bot");
    let started = Instant::now();
    while child.try_wait().expect("poll").is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("serve did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// The run failed with exactly one line on stderr that says `expected`, and no panic.
fn assert_one_clear_line(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "exit status {:?}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].contains(expected), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token was printed: {stderr}");
}

#[test]
fn a_missing_token_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_to_end(serve(dir.path(), &[]));
    assert_one_clear_line(&output, "DISCORD_TOKEN is not set");
}

#[test]
fn a_malformed_token_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_to_end(serve(dir.path(), &[("DISCORD_TOKEN", "hunter2")]));
    assert_one_clear_line(&output, "DISCORD_TOKEN does not look like a bot token");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn a_malformed_api_base_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_to_end(serve(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_API_BASE", "localhost:3000"),
        ],
    ));
    assert_one_clear_line(&output, "DISCORD_API_BASE must be an http(s) URL");
}

#[test]
fn a_malformed_guild_id_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_to_end(serve(
        dir.path(),
        &[("DISCORD_TOKEN", TOKEN), ("DISCORD_GUILD_ID", "my server")],
    ));
    assert_one_clear_line(&output, "DISCORD_GUILD_ID must be a server id");
}

#[test]
fn an_unreadable_database_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve(dir.path(), &[("DISCORD_TOKEN", TOKEN)]);
    command.env(
        "DATABASE_URL",
        format!("sqlite://{}/missing-folder/bot.db", dir.path().display()),
    );
    let output = run_to_end(command);
    assert_one_clear_line(&output, "cannot open the database");
}

#[test]
fn an_unreachable_discord_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 (discard) of loopback here.
    let output = run_to_end(serve(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_API_BASE", "http://127.0.0.1:9"),
            ("RUST_LOG", "off"),
        ],
    ));
    assert_one_clear_line(
        &output,
        "could not keep a connection to Discord at http://127.0.0.1:9",
    );
}

#[test]
fn check_config_prints_the_settings_with_the_token_hidden_and_connects_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            // Nothing listens here: a connection attempt would fail the run.
            ("DISCORD_API_BASE", "http://127.0.0.1:9"),
            ("FEED_URL", "https://importai.substack.com/feed"),
            ("BACKFILL", "true"),
        ],
    );
    command.args(["--check-config", "--feed-poll-minutes", "15"]);
    let output = run_to_end(command);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "{stdout}{stderr}"
    );
    for expected in [
        "DISCORD_TOKEN      set, 68 characters (hidden)",
        "DISCORD_API_BASE   http://127.0.0.1:9",
        "FEED_URL           https://importai.substack.com/feed",
        // The flag, over the environment's default.
        "FEED_POLL_MINUTES  15",
        "BACKFILL           on: one backfill of both homes in the background at start-up",
        "The settings are valid.",
    ] {
        assert!(
            stdout.lines().any(|l| l == expected),
            "{expected:?} in {stdout}"
        );
    }
    assert!(
        !dir.path().join("bot.db").exists(),
        "checking the settings created the database"
    );
}

#[test]
fn check_config_names_the_first_wrong_setting_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve(dir.path(), &[("DISCORD_TOKEN", TOKEN)]);
    command.args(["--check-config", "--feed-poll-minutes", "2"]);
    assert_one_clear_line(&run_to_end(command), "FEED_POLL_MINUTES must be");

    let mut command = serve(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("DATABASE_URL", "sqlite::memory:"),
        ],
    );
    command.arg("--check-config");
    assert_one_clear_line(&run_to_end(command), "in-memory database");
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_then_stops_cleanly_on_sigterm() {
    let discord = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = serve(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_API_BASE", &discord.rest_base()),
            (
                "DISCORD_GUILD_ID",
                &support::discord_api::GUILD_ID.to_string(),
            ),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start serve");

    discord.wait_for_ready(Duration::from_secs(30)).await;
    discord
        .await_registered_commands(Duration::from_secs(30))
        .await;
    let id = discord
        .send_interaction(discord.command("issue").option_int("number", 310))
        .await;
    let answer = discord.await_response(id, Duration::from_secs(5)).await;
    assert!(answer.is_accepted(), "{:#?}", answer.violations);
    assert!(answer.data().to_string().contains("AlphaZero"));

    terminate(&child);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve ignored SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let output = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(stderr.contains("shutdown requested"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    // One line for the interaction, with its latency and outcome.
    let line = stderr
        .lines()
        .find(|l| l.contains("interaction") && l.contains("command=issue"))
        .unwrap_or_else(|| panic!("no interaction line: {stderr}"));
    assert!(
        line.contains("latency_ms=") && line.contains("outcome=answered"),
        "{line}"
    );
    assert!(!stderr.contains(TOKEN), "the token was logged: {stderr}");
    discord.assert_no_violations();
}
