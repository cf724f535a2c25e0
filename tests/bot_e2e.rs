//! The bot end to end: the real serenity/poise client, started through the entry point
//! `serve` uses, against a local Discord API that validates every body.

mod support;

use importai_bot::store::Store;
use serde_json::Value;
use support::bot::{as_message, click, controls, text, RunningBot, FIRST_RESPONSE};
use support::discord_api::{InteractionBuilder, OptionKind, GENERAL_CHANNEL_ID};

async fn archive(dir: &tempfile::TempDir) -> Store {
    support::archive::with_substack_320(dir).await
}

/// The response was accepted by Discord, in time, as a message.
fn assert_answered(what: &str, recorded: &support::discord_api::Recorded) {
    assert!(
        recorded.is_accepted(),
        "{what}: rejected ({}) {:#?}\n{:#}",
        recorded.status,
        recorded.violations,
        recorded.body
    );
    assert!(
        recorded.latency() < FIRST_RESPONSE,
        "{what}: answered after {:?}",
        recorded.latency()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_is_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    let mut names: Vec<String> = bot
        .discord
        .registered_commands()
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    for expected in [
        "about", "issue", "latest", "links", "search", "section", "tale",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    let issue = bot
        .discord
        .registered_commands()
        .into_iter()
        .find(|c| c["name"] == "issue")
        .unwrap();
    assert_eq!(issue["options"][0]["name"], "number");
    assert_eq!(issue["options"][0]["autocomplete"], true);
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_and_every_control_answers_validly_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    let d = &bot.discord;
    let mut asked: Vec<(String, InteractionBuilder)> = Vec::new();
    for n in [301, 304, 305, 310, 320] {
        asked.push((
            format!("/issue {n}"),
            d.command("issue").option_int("number", n),
        ));
        asked.push((
            format!("/section {n} 2"),
            d.command("section")
                .option_int("issue", n)
                .option_int("position", 2),
        ));
        asked.push((
            format!("/tale {n}"),
            d.command("tale").option_int("issue", n),
        ));
        asked.push((
            format!("/links {n}"),
            d.command("links").option_int("issue", n),
        ));
    }
    asked.push(("/tale".into(), d.command("tale")));
    asked.push(("/latest".into(), d.command("latest")));
    asked.push(("/about".into(), d.command("about")));
    for query in ["chess", "language models", "AND (", "\""] {
        asked.push((
            format!("/search {query}"),
            d.command("search").option_str("query", query),
        ));
    }
    let mut clicked = 0;
    for (what, interaction) in asked {
        let recorded = bot.ask(interaction).await;
        assert_answered(&what, &recorded);
        assert_eq!(recorded.callback_type, Some(4), "{what}: a message");
        // Every control on the reply works, as a fresh click would send it.
        let message = as_message(recorded.data(), GENERAL_CHANNEL_ID);
        for control in controls(recorded.data()) {
            let answer = bot.ask(click(&control, &message)).await;
            let what = format!("{what} → {control:?}");
            assert_answered(&what, &answer);
            assert_eq!(answer.callback_type, Some(4), "{what}: a private reply");
            assert_eq!(answer.data()["flags"], 64, "{what}: private");
            clicked += 1;
        }
    }
    assert!(clicked > 60, "clicked {clicked} controls");
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_suggests_issues_by_number_and_title() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    for (command, option) in [
        ("issue", "number"),
        ("section", "issue"),
        ("tale", "issue"),
        ("links", "issue"),
    ] {
        for (typed, expected) in [
            ("31", "310 — "),
            ("chess", "310 — "),
            ("", "320 — "),
            ("%_*\"", ""),
        ] {
            let interaction =
                bot.discord
                    .autocomplete(command)
                    .focused(option, typed, OptionKind::Integer);
            let recorded = bot.ask(interaction).await;
            let what = format!("/{command} {option}={typed:?}");
            assert_answered(&what, &recorded);
            assert_eq!(recorded.callback_type, Some(8), "{what}");
            let choices = recorded.data()["choices"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(choices.len() <= 25, "{what}");
            if expected.is_empty() {
                continue;
            }
            let first = choices
                .first()
                .unwrap_or_else(|| panic!("{what}: no choices"));
            assert!(
                first["name"].as_str().unwrap().starts_with(expected),
                "{what}: {first}"
            );
        }
    }
    // Newest first when nothing is typed.
    let recorded = bot
        .ask(
            bot.discord
                .autocomplete("issue")
                .focused("number", "", OptionKind::Integer),
        )
        .await;
    let values: Vec<i64> = recorded.data()["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_i64().unwrap())
        .collect();
    let mut sorted = values.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(values, sorted);
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_on_a_private_answer_updates_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    let first = bot.ask(InteractionBuilder::button("ia1:sec:310:2")).await;
    assert_answered("open section 2", &first);
    let mut private = as_message(first.data(), GENERAL_CHANNEL_ID);
    private["flags"] = Value::from(64);
    let next = bot
        .ask(InteractionBuilder::button("ia1:sec:310:3").on_message(private))
        .await;
    assert_answered("next section", &next);
    assert_eq!(next.callback_type, Some(7), "updated in place");
    assert!(text(&next).contains("Section 3 of"), "{}", text(&next));
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_malformed_interactions_are_answered_politely() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    let d = &bot.discord;
    let cases: Vec<(&str, InteractionBuilder, &str)> = vec![
        ("missing option", d.command("issue"), "missing"),
        (
            "missing position",
            d.command("section").option_int("issue", 310),
            "missing",
        ),
        (
            "unknown issue",
            d.command("issue").option_int("number", 999_999),
            "no issue 999999",
        ),
        (
            "negative issue",
            d.command("issue").option_int("number", -1),
            "no issue -1",
        ),
        (
            "section past the end",
            d.command("section")
                .option_int("issue", 310)
                .option_int("position", 40),
            "no section 40",
        ),
        (
            "empty search",
            d.command("search").option_str("query", "   "),
            "word or two",
        ),
        (
            "huge search",
            d.command("search").option_str("query", &"x".repeat(10_000)),
            "up to 300",
        ),
        (
            "custom_id from nowhere",
            InteractionBuilder::button("totally-unknown"),
            "no longer understands",
        ),
        (
            "damaged custom_id",
            InteractionBuilder::button("ia1:sec:310"),
            "no longer understands",
        ),
        (
            "section that no longer exists",
            InteractionBuilder::button("ia1:sec:310:99"),
            "no section 99",
        ),
        (
            "issue that no longer exists",
            InteractionBuilder::button("ia1:issue:4000"),
            "no issue 4000",
        ),
        (
            "menu without a choice",
            InteractionBuilder::select("ia1:menu:contents", &[]),
            "no longer understands",
        ),
        (
            "menu choice from nowhere",
            InteractionBuilder::select("ia1:menu:results", &["nope"]),
            "no longer understands",
        ),
    ];
    for (what, interaction, expected) in cases {
        let recorded = bot.ask(interaction).await;
        assert_answered(what, &recorded);
        let shown = text(&recorded).to_lowercase();
        assert!(shown.contains(&expected.to_lowercase()), "{what}: {shown}");
        assert_eq!(recorded.data()["flags"], 64, "{what}: explained privately");
        for leak in [
            "sqlx",
            "sqlite",
            "serenity",
            "panicked at",
            "error returned",
        ] {
            assert!(!shown.contains(leak), "{what} leaks {leak}: {shown}");
        }
        // And the bot keeps serving.
        let about = bot.ask(bot.discord.command("about")).await;
        assert_answered(&format!("/about after {what}"), &about);
    }
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_200_interactions_is_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(archive(&dir).await).await;
    let d = &bot.discord;
    let interactions = (0..200i64).map(|i| {
        let interaction = match i % 5 {
            0 => d.command("issue").option_int("number", 301 + i % 10),
            1 => d
                .command("section")
                .option_int("issue", 310)
                .option_int("position", 1 + i % 6),
            2 => d.command("search").option_str("query", "language models"),
            3 => d.command("tale"),
            _ => d
                .autocomplete("issue")
                .focused("number", "30", OptionKind::Integer),
        };
        d.send_interaction(interaction)
    });
    // All dispatched at once, then all awaited.
    let ids = futures_util::future::join_all(interactions).await;
    for id in ids {
        let recorded = d.await_response(id, FIRST_RESPONSE * 3).await;
        assert!(recorded.is_accepted(), "{:#?}", recorded.violations);
    }
    bot.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_starts_as_many_shards_as_discord_recommends() {
    let dir = tempfile::tempdir().unwrap();
    let discord = support::discord_api::FakeDiscord::start().await;
    discord.set_recommended_shards(2);
    // Guilds on each shard: Discord routes a guild to shard (id >> 22) % shards.
    // Snowflakes carry the millisecond, so guilds made a moment apart land on both shards.
    let mut guilds: Vec<u64> = Vec::new();
    let shards_of = |guilds: &[u64]| -> std::collections::BTreeSet<u64> {
        guilds.iter().map(|g| (g >> 22) % 2).collect()
    };
    while shards_of(&guilds).len() < 2 {
        assert!(guilds.len() < 200, "no guild for the second shard");
        guilds.push(discord.add_guild(&format!("server {}", guilds.len())));
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let bot = RunningBot::start_on(discord, archive(&dir).await, None).await;
    let shards = bot.discord.wait_for_shards(2, support::bot::STARTUP).await;
    let mut ids: Vec<u32> = shards.iter().map(|s| s.shard_id).collect();
    ids.sort();
    assert_eq!(ids, vec![0, 1]);
    assert!(shards.iter().all(|s| s.shard_total == 2));
    let mut served_shards = std::collections::BTreeSet::new();
    for guild in guilds {
        served_shards.insert((guild >> 22) % 2);
        let recorded = bot.ask(bot.discord.command("latest").in_guild(guild)).await;
        assert_answered(&format!("/latest in server {guild}"), &recorded);
    }
    assert_eq!(served_shards.len(), 2, "both shards answered");
    bot.discord.assert_no_violations();
    bot.stop().await;
}
