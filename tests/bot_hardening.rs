//! The bot when Discord misbehaves at start-up, and when members reach commands that a
//! server's admins opened to them: the real bot on the local Discord API.

mod support;

use std::sync::Arc;
use std::time::Duration;

use importai_bot::clock::SystemClock;
use importai_bot::discord;
use serde_json::json;
use support::bot::{settings, text, RunningBot, STARTUP};
use support::discord_api::{FakeDiscord, Fault, OptionKind, GENERAL_CHANNEL_ID, GUILD_ID};

fn gateway_fault(status: u16, body: serde_json::Value, retry_after: Option<&str>) -> Fault {
    Fault {
        method: None,
        path: "/gateway/bot".into(),
        status,
        body,
        retry_after: retry_after.map(str::to_owned),
    }
}

async fn store(dir: &tempfile::TempDir) -> importai_bot::store::Store {
    support::archive::with_substack_320(dir).await
}

#[tokio::test]
async fn start_up_waits_out_a_rate_limit_and_a_server_error() {
    let dir = tempfile::tempdir().unwrap();
    let discord = FakeDiscord::start().await;
    // Discord's 429 body has no `code`; the wait is in Retry-After and in the body.
    discord.fail_next(gateway_fault(
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": false}),
        Some("0.2"),
    ));
    discord.fail_next(gateway_fault(
        500,
        json!({"message": "500: Internal Server Error"}),
        None,
    ));
    let bot = RunningBot::start_on(discord, store(&dir).await, Some(GUILD_ID)).await;
    let asked: Vec<u16> = bot
        .discord
        .requests()
        .iter()
        .filter(|r| r.path == "/gateway/bot")
        .map(|r| r.status)
        .collect();
    assert_eq!(asked, [429, 500, 200]);
    let reply = bot
        .ask(bot.discord.command("issue").option_int("number", 310))
        .await;
    assert!(reply.is_accepted(), "{:?}", reply.violations);
    bot.stop().await;
}

#[tokio::test]
async fn a_refused_token_stops_start_up_with_a_line_about_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let discord = FakeDiscord::start().await;
    discord.fail_next(gateway_fault(
        401,
        json!({"message": "401: Unauthorized", "code": 0}),
        None,
    ));
    let served = tokio::time::timeout(
        STARTUP,
        discord::run(
            settings(&discord, Some(GUILD_ID)),
            store(&dir).await,
            Arc::new(SystemClock),
            std::future::pending(),
        ),
    )
    .await
    .expect("start-up gives up at once on a refused token");
    let error = served.expect_err("the bot does not start").to_string();
    assert!(
        error.contains("DISCORD_TOKEN") && error.contains("401"),
        "{error}"
    );
    assert!(discord.identified().is_empty(), "no shard connected");
}

#[tokio::test]
async fn announce_is_refused_to_members_without_manage_server_whatever_discord_shows() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(store(&dir).await).await;
    // A server's admins may open the command to everyone; the bot still checks.
    let set = bot
        .discord
        .command("announce")
        .subcommand("set")
        .option_channel("channel", GENERAL_CHANNEL_ID, "general");
    let reply = bot.ask(set).await;
    assert!(reply.is_accepted(), "{:?}", reply.violations);
    assert!(text(&reply).contains("Manage Server"), "{}", text(&reply));
    assert_eq!(reply.data()["flags"], 64, "private");
    let settings = bot.store.announce_settings(GUILD_ID).await.unwrap();
    assert!(settings.is_none(), "nothing saved: {settings:?}");

    for sub in ["off", "status"] {
        let reply = bot
            .ask(bot.discord.command("announce").subcommand(sub))
            .await;
        assert!(
            text(&reply).contains("Manage Server"),
            "{sub}: {}",
            text(&reply)
        );
    }
    bot.stop().await;
}

#[tokio::test]
async fn an_autocomplete_a_member_may_not_use_gets_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let bot = RunningBot::start(store(&dir).await).await;
    let id = bot
        .discord
        .send_interaction(bot.discord.autocomplete("daily").subcommand("set").focused(
            "timezone",
            "new york",
            OptionKind::String,
        ))
        .await;
    let reply = bot
        .discord
        .await_response(id, Duration::from_secs(10))
        .await;
    assert!(reply.is_accepted(), "{:?}", reply.violations);
    assert_eq!(reply.callback_type, Some(8), "an autocomplete answer");
    assert_eq!(reply.data()["choices"], json!([]));
    bot.stop().await;
}
