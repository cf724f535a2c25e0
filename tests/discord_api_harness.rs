//! The local Discord API harness (tests/support/discord_api) checked against the real
//! serenity/poise client and against Discord's documented answers.

mod support;

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde_json::{json, Value};
use support::discord_api::{
    permissions, validate_command_overwrite, validate_followup_message,
    validate_interaction_callback, validate_message_create, validate_webhook_edit, ChannelAccess,
    FakeDiscord, InteractionBuilder, OptionKind, APPLICATION_ID, BOT_TOKEN, GENERAL_CHANNEL_ID,
    GUILD_ID,
};

const WAIT: Duration = Duration::from_secs(10);

type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, (), Error>;

/// Show an issue of the newsletter.
#[poise::command(slash_command)]
async fn issue(
    ctx: Context<'_>,
    #[description = "Issue number"]
    #[autocomplete = "complete_issue"]
    number: u32,
) -> Result<(), Error> {
    let embed = serenity::CreateEmbed::new()
        .title(format!("Import AI {number}"))
        .description("A section summary.")
        .field("Tech Tales", "A story.", false)
        .footer(serenity::CreateEmbedFooter::new("importai-bot"));
    let button = serenity::CreateButton::new(format!("issue:{number}:next")).label("Next");
    let reply = poise::CreateReply::default()
        .embed(embed)
        .components(vec![serenity::CreateActionRow::Buttons(vec![button])]);
    ctx.send(reply).await?;
    Ok(())
}

async fn complete_issue(_ctx: Context<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    let choices = (300..=310)
        .filter(|n: &u32| n.to_string().starts_with(typed))
        .map(|n| serenity::AutocompleteChoice::new(format!("{n} — An issue"), n))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Settings for the daily tale.
#[poise::command(
    slash_command,
    subcommands("set"),
    required_permissions = "MANAGE_GUILD"
)]
async fn daily(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post a tale every day.
#[poise::command(slash_command, required_permissions = "MANAGE_GUILD")]
async fn set(
    ctx: Context<'_>,
    #[description = "Channel"] channel: serenity::ChannelId,
    #[description = "Local time, HH:MM"] time: String,
) -> Result<(), Error> {
    ctx.say(format!("Daily tale in <#{channel}> at {time}."))
        .await?;
    Ok(())
}

/// A poise bot on the harness; returns once the client is running (not necessarily ready).
async fn start_bot(discord: &FakeDiscord) -> std::sync::Arc<serenity::ShardManager> {
    let http = serenity::HttpBuilder::new(BOT_TOKEN)
        .proxy(discord.rest_base())
        .ratelimiter_disabled(true)
        .build();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![issue(), daily()],
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                let guild = serenity::GuildId::new(GUILD_ID);
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild)
                    .await?;
                Ok(())
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .expect("client builds");
    let shards = client.shard_manager.clone();
    tokio::spawn(async move { client.start().await });
    shards
}

#[tokio::test]
async fn a_poise_bot_connects_registers_and_answers_interactions() {
    let discord = FakeDiscord::start().await;
    let shards = start_bot(&discord).await;

    let identified = discord.wait_for_ready(WAIT).await;
    assert_eq!(identified.intents, serenity::GatewayIntents::GUILDS.bits());
    let commands = discord.await_registered_commands(WAIT).await;
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["issue", "daily"]);

    // A slash command answered with an embed and a button.
    let id = discord
        .send_interaction(discord.command("issue").option_int("number", 310))
        .await;
    let reply = discord.await_response(id, WAIT).await;
    assert_eq!(reply.status, 204, "{:?}", reply.violations);
    assert_eq!(reply.callback_type, Some(4));
    assert_eq!(reply.data()["embeds"][0]["title"], "Import AI 310");
    assert!(reply.latency() < Duration::from_secs(3));
    let original = discord.original_response(id).expect("original message");
    assert_eq!(
        original["components"][0]["components"][0]["custom_id"],
        "issue:310:next"
    );

    // Autocomplete.
    let id = discord
        .send_interaction(discord.autocomplete("issue").focused(
            "number",
            "30",
            OptionKind::Integer,
        ))
        .await;
    let reply = discord.await_response(id, WAIT).await;
    assert_eq!(reply.status, 204, "{:?}", reply.violations);
    assert_eq!(reply.callback_type, Some(8));
    assert_eq!(reply.data()["choices"].as_array().map(Vec::len), Some(10));

    // A subcommand that needs Manage Server, with and without it.
    let set = |discord: &FakeDiscord| {
        discord
            .command("daily")
            .subcommand("set")
            .option_channel("channel", GENERAL_CHANNEL_ID, "general")
            .option_str("time", "08:00")
    };
    let id = discord
        .send_interaction(set(&discord).with_manage_guild())
        .await;
    let reply = discord.await_response(id, WAIT).await;
    assert_eq!(reply.status, 204, "{:?}", reply.violations);
    let content = reply.data()["content"].as_str().unwrap_or_default();
    assert!(
        content.contains(&GENERAL_CHANNEL_ID.to_string()),
        "{content}"
    );
    let id = discord.send_interaction(set(&discord)).await;
    let reply = discord.await_response(id, WAIT).await;
    assert_eq!(reply.status, 204, "{:?}", reply.violations);
    assert_eq!(
        reply.data()["flags"],
        64,
        "poise refuses ephemerally: {:?}",
        reply.body
    );

    assert!(
        discord.violations().is_empty(),
        "{:#?}",
        discord.violations()
    );
    assert!(
        discord.unexpected_requests().is_empty(),
        "{:#?}",
        discord.unexpected_requests()
    );
    shards.shutdown_all().await;
}
