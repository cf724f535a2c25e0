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
    // What the bot itself does with DISCORD_API_BASE.
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

    discord.assert_no_violations();
    shards.shutdown_all().await;
}

/// How Discord refused a serenity call.
struct Refusal {
    status: u16,
    code: isize,
    errors: Value,
}

fn discord_error<T: std::fmt::Debug>(result: serenity::Result<T>) -> Refusal {
    match result {
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))) => Refusal {
            status: response.status_code.as_u16(),
            code: response.error.code,
            errors: serde_json::to_value(&response.error.errors).unwrap_or_default(),
        },
        other => panic!("expected Discord to refuse, got {other:?}"),
    }
}

fn text(length: usize) -> String {
    // Multi-byte characters: limits count characters, not bytes.
    "é".repeat(length)
}

fn message_callback(data: Value) -> Value {
    json!({"type": 4, "data": data})
}

#[tokio::test]
async fn callbacks_over_a_limit_are_refused_like_discord_and_recorded() {
    let discord = FakeDiscord::start().await;
    let http = discord.http_builder().build();
    let cases = [
        (
            "4097-character description",
            message_callback(json!({"embeds": [{"description": text(4097)}]})),
            "data.embeds.0.description",
        ),
        (
            "6001 characters across embeds",
            message_callback(json!({"embeds": [
                {"title": text(1), "description": text(3000)},
                {"description": text(3000)},
            ]})),
            "data.embeds",
        ),
        (
            "101-character custom_id",
            message_callback(
                json!({"content": "x", "components": [{"type": 1, "components": [
                    {"type": 2, "style": 1, "label": "Next", "custom_id": "c".repeat(101)}
                ]}]}),
            ),
            "data.components.0.components.0.custom_id",
        ),
        (
            "2001-character content",
            message_callback(json!({"content": text(2001)})),
            "data.content",
        ),
        (
            "26 fields",
            message_callback(json!({"embeds": [{"fields": (0..26)
                .map(|i| json!({"name": format!("f{i}"), "value": "v"}))
                .collect::<Vec<_>>()}]})),
            "data.embeds.0.fields",
        ),
        (
            "a callback type that does not exist",
            json!({"type": 42, "data": {"content": "x"}}),
            "type",
        ),
        (
            "a title that is not a string",
            message_callback(json!({"embeds": [{"title": 5}]})),
            "data.embeds.0.title",
        ),
    ];
    for (what, body, path) in cases {
        let (id, token) = discord.begin_interaction(InteractionBuilder::command("issue"));
        let result = http
            .create_interaction_response(serenity::InteractionId::new(id), &token, &body, vec![])
            .await;
        let refusal = discord_error(result);
        assert_eq!((refusal.status, refusal.code), (400, 50035), "{what}");
        let recorded = discord.callbacks(id);
        assert_eq!(recorded.len(), 1, "{what}");
        assert!(
            recorded[0].violations.iter().any(|v| v.starts_with(path)),
            "{what}: {:?}",
            recorded[0].violations
        );
    }
    assert_eq!(discord.violations().len(), cases_len());

    // 26 autocomplete choices, and a choice value over 100 characters.
    for choices in [
        (0..26)
            .map(|i| json!({"name": format!("{i}"), "value": i}))
            .collect::<Vec<_>>(),
        vec![json!({"name": "long", "value": "v".repeat(101)})],
    ] {
        let (id, token) =
            discord.begin_interaction(InteractionBuilder::command("issue").autocomplete());
        let body = json!({"type": 8, "data": {"choices": choices}});
        let result = http
            .create_interaction_response(serenity::InteractionId::new(id), &token, &body, vec![])
            .await;
        assert_eq!(discord_error(result).code, 50035);
    }
}

fn cases_len() -> usize {
    7
}

#[tokio::test]
async fn discord_error_bodies_nest_problems_by_path() {
    let discord = FakeDiscord::start().await;
    let http = discord.http_builder().build();
    let (id, token) = discord.begin_interaction(InteractionBuilder::command("issue"));
    let body = message_callback(json!({"embeds": [{"description": text(4097)}]}));
    let result = http
        .create_interaction_response(serenity::InteractionId::new(id), &token, &body, vec![])
        .await;
    let errors = discord_error(result).errors;
    let recorded = &discord.requests()[0];
    assert_eq!(recorded.status, 400);
    assert_eq!(
        recorded.path,
        format!("/interactions/{id}/{token}/callback")
    );
    assert!(!errors.is_null());
    let (id, token) = discord.begin_interaction(InteractionBuilder::command("issue"));
    let result = http
        .create_interaction_response(
            serenity::InteractionId::new(id),
            &token,
            &json!({"type": 4, "data": {}}),
            vec![],
        )
        .await;
    assert_eq!(discord_error(result).code, 50006, "an empty message");
}

#[tokio::test]
async fn valid_answers_pass_and_interaction_rules_hold() {
    let discord = FakeDiscord::start().await;
    let http = discord.http_builder().build();
    let interaction = |id| serenity::InteractionId::new(id);

    // Deferred, then edited, then a follow-up.
    let (id, token) = discord.begin_interaction(InteractionBuilder::command("search"));
    let before_answer = http
        .create_followup_message(&token, &json!({"content": "too early"}), vec![])
        .await;
    assert_eq!(discord_error(before_answer).code, 10015);
    http.create_interaction_response(interaction(id), &token, &json!({"type": 5}), vec![])
        .await
        .expect("deferral accepted");
    let again = http
        .create_interaction_response(interaction(id), &token, &json!({"type": 5}), vec![])
        .await;
    assert_eq!(discord_error(again).code, 40060, "acknowledged twice");
    let edited = http
        .edit_original_interaction_response(&token, &json!({"content": "found 3"}), vec![])
        .await
        .expect("edit accepted");
    assert_eq!(edited.content, "found 3");
    let settled = discord.await_original_response(id, WAIT).await;
    assert_eq!(settled["content"], "found 3");
    let followup = http
        .create_followup_message(&token, &json!({"content": "more"}), vec![])
        .await
        .expect("follow-up accepted");
    assert_eq!(discord.followups(id)[0]["id"], followup.id.to_string());
    http.delete_followup_message(&token, followup.id)
        .await
        .expect("follow-up deleted");
    assert!(discord.followups(id).is_empty());

    // The token stops working after its lifetime.
    discord.set_interaction_token_lifetime(Duration::ZERO);
    let expired = http
        .edit_original_interaction_response(&token, &json!({"content": "late"}), vec![])
        .await;
    assert_eq!(discord_error(expired).code, 50027);
    discord.set_interaction_token_lifetime(Duration::from_secs(15 * 60));

    // Late first answers are refused like Discord refuses them.
    discord.set_interaction_deadline(Duration::ZERO);
    let (id, token) = discord.begin_interaction(InteractionBuilder::command("issue"));
    let late = http
        .create_interaction_response(interaction(id), &token, &json!({"type": 5}), vec![])
        .await;
    assert_eq!(discord_error(late).code, 10062);
    assert!(discord.callbacks(id)[0].violations[0].contains("Discord allows"));

    // Autocomplete answers only autocomplete interactions.
    discord.set_interaction_deadline(Duration::from_secs(3));
    let (id, token) = discord.begin_interaction(InteractionBuilder::command("issue"));
    let wrong = json!({"type": 8, "data": {"choices": []}});
    let result = http
        .create_interaction_response(interaction(id), &token, &wrong, vec![])
        .await;
    assert_eq!(discord_error(result).code, 50035);

    // A component press updated in place.
    let (id, token) = discord.begin_interaction(InteractionBuilder::button("issue:310:next"));
    let update = json!({"type": 7, "data": {"content": "Import AI 311"}});
    http.create_interaction_response(interaction(id), &token, &update, vec![])
        .await
        .expect("update accepted");
    assert_eq!(
        discord.original_response(id).expect("updated")["content"],
        "Import AI 311"
    );
}

#[tokio::test]
async fn channel_messages_honour_nonces_and_channel_access() {
    let discord = FakeDiscord::start().await;
    let http = discord.http_builder().build();
    let general = serenity::ChannelId::new(GENERAL_CHANNEL_ID);

    let tale = json!({"content": "Tech Tales", "nonce": "daily-2026-11-26", "enforce_nonce": true});
    let first = http
        .send_message(general, vec![], &tale)
        .await
        .expect("sent");
    let second = http
        .send_message(general, vec![], &tale)
        .await
        .expect("sent again");
    assert_eq!(first.id, second.id, "same nonce, same message");
    let without_enforcement = json!({"content": "Tech Tales", "nonce": "daily-2026-11-26"});
    http.send_message(general, vec![], &without_enforcement)
        .await
        .expect("sent");
    assert_eq!(discord.messages_in(GENERAL_CHANNEL_ID).len(), 2);
    let recent = http
        .get_messages(general, None, Some(1))
        .await
        .expect("listed");
    assert_eq!(recent.len(), 1);

    let edited = http
        .edit_message(
            general,
            first.id,
            &json!({"content": "Tech Tales (edited)"}),
            vec![],
        )
        .await
        .expect("edited");
    assert_eq!(edited.content, "Tech Tales (edited)");
    http.broadcast_typing(general).await.expect("typing");

    let too_long = http
        .send_message(general, vec![], &json!({"content": text(2001)}))
        .await;
    assert_eq!(discord_error(too_long).code, 50035);

    let upload = serenity::CreateAttachment::bytes(b"tale".as_slice(), "tale.txt");
    http.send_message(general, vec![upload], &json!({"content": "with a file"}))
        .await
        .expect("multipart accepted");
    let last = discord.requests().pop().expect("recorded");
    assert_eq!(
        last.body["content"], "with a file",
        "payload_json is what gets validated"
    );
    assert_eq!(last.files[0].bytes, b"tale");
    let fake_png = serenity::CreateAttachment::bytes(b"not a picture".as_slice(), "chart.png");
    let refused = http
        .send_message(general, vec![fake_png], &json!({"content": "a chart"}))
        .await;
    assert_eq!(discord_error(refused).code, 50035);
    let violations = discord.requests().pop().expect("recorded").violations;
    assert!(
        violations[0].contains("is not a PNG file"),
        "{violations:?}"
    );

    let gone = discord.add_channel(GUILD_ID, "gone");
    let read_only = discord.add_channel(GUILD_ID, "read-only");
    let hidden = discord.add_channel(GUILD_ID, "hidden");
    discord.set_channel_access(gone, ChannelAccess::Deleted);
    discord.set_channel_access(read_only, ChannelAccess::MissingPermissions);
    discord.set_channel_access(hidden, ChannelAccess::MissingAccess);
    let post = |channel| {
        let http = &http;
        async move {
            let channel = serenity::ChannelId::new(channel);
            http.send_message(channel, vec![], &json!({"content": "tale"}))
                .await
        }
    };
    let refusal = discord_error(post(gone).await);
    assert_eq!((refusal.status, refusal.code), (404, 10003));
    let refusal = discord_error(post(read_only).await);
    assert_eq!((refusal.status, refusal.code), (403, 50013));
    let refusal = discord_error(post(hidden).await);
    assert_eq!((refusal.status, refusal.code), (403, 50001));
    let channel = http.get_channel(serenity::ChannelId::new(read_only)).await;
    let channel = channel.expect("visible").guild().expect("a guild channel");
    assert_eq!(channel.permission_overwrites.len(), 1);
    assert!(discord
        .violations()
        .iter()
        .all(|r| r.path.contains(&GENERAL_CHANNEL_ID.to_string())));
}

#[tokio::test]
async fn rest_answers_deserialize_into_serenity_models() {
    let discord = FakeDiscord::start().await;
    let http = discord.http_builder().build();
    let guild = serenity::GuildId::new(GUILD_ID);
    let bot = http.get_current_user().await.expect("current user");
    assert!(bot.bot);
    let application = http
        .get_current_application_info()
        .await
        .expect("application");
    assert_eq!(application.id.get(), APPLICATION_ID);
    assert!(application.owner.is_some());
    http.get_guild(guild).await.expect("guild");
    http.get_guild_roles(guild).await.expect("roles");
    http.get_member(guild, bot.id).await.expect("bot member");
    http.get_channels(guild).await.expect("channels");
    http.get_gateway().await.expect("gateway");
    let gateway = http.get_bot_gateway().await.expect("bot gateway");
    assert_eq!(gateway.shards, 1);

    let commands = vec![serenity::CreateCommand::new("daily")
        .description("Settings for the daily tale")
        .default_member_permissions(serenity::Permissions::MANAGE_GUILD)
        .add_option(
            serenity::CreateCommandOption::new(
                serenity::CommandOptionType::SubCommand,
                "set",
                "Post a tale every day",
            )
            .add_sub_option(
                serenity::CreateCommandOption::new(
                    serenity::CommandOptionType::Channel,
                    "channel",
                    "Where",
                )
                .required(true),
            ),
        )];
    let registered = guild
        .set_commands(&http, commands)
        .await
        .expect("registered");
    assert_eq!(registered[0].name, "daily");
    assert_eq!(discord.command_id("daily"), Some(registered[0].id.get()));

    let unknown = http.get_guild(serenity::GuildId::new(1)).await;
    assert_eq!(discord_error(unknown).code, 10004);
    let response = reqwest_free_get(&discord, "/api/v10/no/such/route").await;
    assert!(response.contains("404"));
    assert_eq!(discord.unexpected_requests().len(), 1);
}

/// A GET without serenity, over a raw TCP connection (to reach routes serenity lacks).
async fn reqwest_free_get(discord: &FakeDiscord, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = discord
        .rest_base()
        .trim_start_matches("http://")
        .to_string();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bot {BOT_TOKEN}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

#[tokio::test]
async fn command_registrations_are_checked() {
    let too_long_name = json!([{"name": "a".repeat(33), "description": "d"}]);
    let upper_case = json!([{"name": "Issue", "description": "d"}]);
    let long_description = json!([{"name": "issue", "description": "d".repeat(101)}]);
    let optional_first = json!([{"name": "section", "description": "d", "options": [
        {"type": 4, "name": "issue", "description": "d"},
        {"type": 4, "name": "position", "description": "d", "required": true},
    ]}]);
    let too_many_choices = json!([{"name": "tale", "description": "d", "options": [
        {"type": 3, "name": "which", "description": "d",
         "choices": (0..26).map(|i| json!({"name": format!("{i}"), "value": format!("{i}")})).collect::<Vec<_>>()},
    ]}]);
    for body in [
        too_long_name,
        upper_case,
        long_description,
        optional_first,
        too_many_choices,
    ] {
        assert!(validate_command_overwrite(&body).is_err(), "{body}");
    }
    let good = json!([{"name": "issue", "description": "Show an issue", "options": [
        {"type": 4, "name": "number", "description": "Issue number", "required": true, "autocomplete": true},
    ], "default_member_permissions": "32"}]);
    assert_eq!(validate_command_overwrite(&good), Ok(()));
}

#[tokio::test]
async fn serenity_builders_produce_bodies_discord_accepts() {
    let embed = serenity::CreateEmbed::new()
        .title("Import AI 310")
        .description("AlphaZero")
        .field("Why this matters", "It generalises.", false)
        .footer(serenity::CreateEmbedFooter::new("importai-bot"))
        .author(serenity::CreateEmbedAuthor::new("Jack Clark"));
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new("issue:310:prev").label("Previous"),
        serenity::CreateButton::new_link("https://jack-clark.net").label("Read"),
    ]);
    let select = serenity::CreateActionRow::SelectMenu(serenity::CreateSelectMenu::new(
        "section:310",
        serenity::CreateSelectMenuKind::String {
            options: vec![serenity::CreateSelectMenuOption::new("Section 1", "1")],
        },
    ));
    let message = serenity::CreateInteractionResponseMessage::new()
        .embed(embed.clone())
        .components(vec![buttons, select]);
    let response = serenity::CreateInteractionResponse::Message(message);
    let body = serde_json::to_value(&response).expect("serialises");
    assert_eq!(validate_interaction_callback(&body), Ok(()));

    let deferred = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    let body = serde_json::to_value(&deferred).expect("serialises");
    assert_eq!(validate_interaction_callback(&body), Ok(()));

    let choices = serenity::CreateAutocompleteResponse::new()
        .add_int_choice("310 — AlphaZero learned Chess…", 310);
    let body = serde_json::to_value(serenity::CreateInteractionResponse::Autocomplete(choices))
        .expect("serialises");
    assert_eq!(validate_interaction_callback(&body), Ok(()));

    let create = serenity::CreateMessage::new()
        .embed(embed.clone())
        .enforce_nonce(true)
        .nonce(serenity::Nonce::String("daily-1".into()));
    let body = serde_json::to_value(&create).expect("serialises");
    assert_eq!(validate_message_create(&body), Ok(()));

    let edit = serenity::EditInteractionResponse::new()
        .content("done")
        .embed(embed.clone());
    let body = serde_json::to_value(&edit).expect("serialises");
    assert_eq!(validate_webhook_edit(&body), Ok(()));

    let followup = serenity::CreateInteractionResponseFollowup::new().embed(embed);
    let body = serde_json::to_value(&followup).expect("serialises");
    assert_eq!(validate_followup_message(&body), Ok(()));
}

#[tokio::test]
async fn interaction_fixtures_deserialize_into_serenity_interactions() {
    let command = InteractionBuilder::command("daily")
        .command_id(1)
        .subcommand("set")
        .option_channel("channel", GENERAL_CHANNEL_ID, "general")
        .option_str("time", "08:00")
        .option_str("timezone", "Europe/London")
        .with_manage_guild();
    let interaction: serenity::Interaction =
        serde_json::from_value(command.build(10, "t")).expect("a command interaction");
    let command = interaction.command().expect("type 2");
    let member = command.member.as_ref().expect("member");
    assert!(member.permissions.expect("permissions").manage_guild());
    assert_eq!(command.data.options()[0].name, "set");

    let grouped = InteractionBuilder::command("config")
        .subcommand_group("daily")
        .subcommand("off");
    let interaction: serenity::Interaction =
        serde_json::from_value(grouped.build(11, "t")).expect("a grouped command");
    assert!(interaction.command().is_some());

    let autocomplete = InteractionBuilder::command("issue").autocomplete().focused(
        "number",
        "31",
        OptionKind::Integer,
    );
    let interaction: serenity::Interaction =
        serde_json::from_value(autocomplete.build(12, "t")).expect("an autocomplete");
    let autocomplete = interaction.autocomplete().expect("type 4");
    assert_eq!(
        autocomplete.data.autocomplete().expect("focused").value,
        "31"
    );

    let member_only =
        InteractionBuilder::button("issue:310:next").member_permissions(permissions::VIEW_CHANNEL);
    let interaction: serenity::Interaction =
        serde_json::from_value(member_only.build(13, "t")).expect("a button press");
    let press = interaction.message_component().expect("type 3");
    assert_eq!(press.data.custom_id, "issue:310:next");

    let in_dm = InteractionBuilder::command("about").in_dm();
    let interaction: serenity::Interaction =
        serde_json::from_value(in_dm.build(15, "t")).expect("a DM command");
    let in_dm = interaction.command().expect("type 2");
    assert!(in_dm.guild_id.is_none() && in_dm.member.is_none());
    assert_eq!(in_dm.user.id.get(), support::discord_api::MEMBER_ID);

    let select = InteractionBuilder::select("section:310", &["2"]);
    let interaction: serenity::Interaction =
        serde_json::from_value(select.build(14, "t")).expect("a select");
    let choice = interaction.message_component().expect("type 3");
    assert!(matches!(
        &choice.data.kind,
        serenity::ComponentInteractionDataKind::StringSelect { values } if values == &["2"]
    ));
}
#[test]
fn plain_validators_name_the_offending_field() {
    let first_problem = |result: Result<(), Vec<String>>| -> String {
        let problems = result.expect_err("refused");
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems[0].clone()
    };
    let long_id = json!({"type": 4, "data": {"content": "x", "components": [{"type": 1,
        "components": [{"type": 2, "style": 1, "label": "Next", "custom_id": "c".repeat(101)}]}]}});
    let problem = first_problem(validate_interaction_callback(&long_id));
    assert!(
        problem.starts_with("data.components.0.components.0.custom_id: Must be 100"),
        "{problem}"
    );

    let unknown_type = json!({"type": 42});
    let problem = first_problem(validate_interaction_callback(&unknown_type));
    assert!(
        problem.starts_with("type: Value must be one of"),
        "{problem}"
    );

    let blank_field =
        json!({"type": 4, "data": {"embeds": [{"fields": [{"name": " ", "value": "v"}]}]}});
    let problem = first_problem(validate_interaction_callback(&blank_field));
    assert!(
        problem.starts_with("data.embeds.0.fields.0.name: This field is required"),
        "{problem}"
    );

    let long_nonce = json!({"content": "x", "nonce": "n".repeat(26)});
    let problem = first_problem(validate_message_create(&long_nonce));
    assert!(
        problem.starts_with("nonce: Must be 25 or fewer"),
        "{problem}"
    );

    let two_selects_in_a_row = json!({"content": "x", "components": [{"type": 1, "components": [
        {"type": 3, "custom_id": "a", "options": [{"label": "1", "value": "1"}]},
        {"type": 3, "custom_id": "b", "options": [{"label": "1", "value": "1"}]},
    ]}]});
    assert!(validate_message_create(&two_selects_in_a_row).is_err());

    let six_rows = json!({"content": "x", "components": (0..6).map(|i| json!({"type": 1,
        "components": [{"type": 2, "style": 1, "label": "b", "custom_id": format!("b{i}")}]}))
        .collect::<Vec<_>>()});
    assert!(validate_followup_message(&six_rows).is_err());

    let long_label_edit = json!({"components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "l".repeat(81), "custom_id": "x"}]}]});
    assert!(validate_webhook_edit(&long_label_edit).is_err());
}

mod gateway {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    use super::*;

    type Socket = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    async fn next_payload(socket: &mut Socket) -> Value {
        loop {
            let message = tokio::time::timeout(WAIT, socket.next())
                .await
                .expect("the gateway answers in time")
                .expect("the connection stays open")
                .expect("a frame");
            if let Message::Text(text) = message {
                return serde_json::from_str(&text).expect("JSON payloads");
            }
        }
    }

    async fn send(socket: &mut Socket, payload: Value) {
        socket
            .send(Message::Text(payload.to_string()))
            .await
            .expect("send");
    }

    #[tokio::test]
    async fn speaks_the_gateway_protocol() {
        let discord = FakeDiscord::start().await;
        let url = format!("{}/?v=10&encoding=json", discord.gateway_url());
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connects");

        let hello = next_payload(&mut socket).await;
        assert_eq!(hello["op"], 10);
        assert!(hello["d"]["heartbeat_interval"].as_u64().is_some());
        send(&mut socket, json!({"op": 1, "d": null})).await;
        assert_eq!(next_payload(&mut socket).await["op"], 11);

        send(
            &mut socket,
            json!({"op": 2, "d": {"token": BOT_TOKEN, "intents": 1, "shard": [0, 1],
                "properties": {"os": "linux", "browser": "test", "device": "test"}}}),
        )
        .await;
        let ready = next_payload(&mut socket).await;
        assert_eq!(
            (ready["op"].clone(), ready["t"].clone(), ready["s"].clone()),
            (json!(0), json!("READY"), json!(1))
        );
        let ready: serenity::Ready =
            serde_json::from_value(ready["d"].clone()).expect("serenity reads READY");
        assert_eq!(ready.application.id.get(), APPLICATION_ID);
        let guild_create = next_payload(&mut socket).await;
        assert_eq!(
            (guild_create["t"].clone(), guild_create["s"].clone()),
            (json!("GUILD_CREATE"), json!(2))
        );
        let guild: serenity::Guild =
            serde_json::from_value(guild_create["d"].clone()).expect("serenity reads GUILD_CREATE");
        assert!(guild
            .channels
            .contains_key(&serenity::ChannelId::new(GENERAL_CHANNEL_ID)));
        assert_eq!(discord.wait_for_ready(WAIT).await.intents, 1);

        discord
            .dispatch("TYPING_START", json!({"channel_id": "1"}))
            .await;
        let typing = next_payload(&mut socket).await;
        assert_eq!(
            (typing["t"].clone(), typing["s"].clone()),
            (json!("TYPING_START"), json!(3))
        );

        send(
            &mut socket,
            json!({"op": 6, "d": {"token": BOT_TOKEN, "session_id": "x", "seq": 3}}),
        )
        .await;
        let invalid_session = next_payload(&mut socket).await;
        assert_eq!(
            (invalid_session["op"].clone(), invalid_session["d"].clone()),
            (json!(9), json!(false))
        );
    }

    #[tokio::test]
    async fn closes_a_connection_that_identifies_twice() {
        let discord = FakeDiscord::start().await;
        let (mut socket, _) =
            tokio_tungstenite::connect_async(format!("{}/?v=10", discord.gateway_url()))
                .await
                .expect("connects");
        next_payload(&mut socket).await;
        let identify = json!({"op": 2, "d": {"token": BOT_TOKEN, "intents": 1}});
        send(&mut socket, identify.clone()).await;
        assert_eq!(next_payload(&mut socket).await["t"], "READY");
        assert_eq!(next_payload(&mut socket).await["t"], "GUILD_CREATE");
        send(&mut socket, identify).await;
        let closing = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("in time");
        match closing {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4005),
            other => panic!("expected a 4005 close, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn closes_on_undecodable_payloads() {
        let discord = FakeDiscord::start().await;
        let (mut socket, _) = tokio_tungstenite::connect_async(discord.gateway_url())
            .await
            .expect("connects");
        next_payload(&mut socket).await;
        socket
            .send(Message::Text("not json".into()))
            .await
            .expect("send");
        let closing = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("in time");
        match closing {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4002),
            other => panic!("expected a 4002 close, got {other:?}"),
        }
    }
}

mod cache {
    use poise::serenity_prelude::async_trait;
    use tokio::sync::mpsc;

    use super::*;

    /// Forwards what serenity's cache makes of the gateway events.
    struct Observer(mpsc::UnboundedSender<String>);

    #[async_trait]
    impl serenity::EventHandler for Observer {
        async fn guild_create(
            &self,
            ctx: serenity::Context,
            guild: serenity::Guild,
            _: Option<bool>,
        ) {
            let general = guild
                .channels
                .get(&serenity::ChannelId::new(GENERAL_CHANNEL_ID));
            let bot = guild.members.get(&ctx.cache.current_user().id);
            let can_post = match (general, bot) {
                (Some(channel), Some(member)) => {
                    guild.user_permissions_in(channel, member).send_messages()
                }
                _ => false,
            };
            let _ = self.0.send(format!("guild_create can_post={can_post}"));
        }

        async fn channel_update(
            &self,
            ctx: serenity::Context,
            _: Option<serenity::GuildChannel>,
            new: serenity::GuildChannel,
        ) {
            let guild = ctx
                .cache
                .guild(new.guild_id)
                .map(|g| g.clone())
                .expect("cached guild");
            let bot = guild
                .members
                .get(&ctx.cache.current_user().id)
                .expect("bot member")
                .clone();
            let can_post = guild.user_permissions_in(&new, &bot).send_messages();
            let _ = self.0.send(format!("channel_update can_post={can_post}"));
        }

        async fn channel_delete(
            &self,
            _: serenity::Context,
            channel: serenity::GuildChannel,
            _: Option<Vec<serenity::Message>>,
        ) {
            let _ = self.0.send(format!("channel_delete {}", channel.name));
        }

        async fn interaction_create(
            &self,
            ctx: serenity::Context,
            interaction: serenity::Interaction,
        ) {
            let Some(command) = interaction.command() else {
                return;
            };
            let reply = serenity::CreateInteractionResponseMessage::new()
                .content(format!("shard {}", ctx.shard_id));
            let response = serenity::CreateInteractionResponse::Message(reply);
            let _ = command.create_response(&ctx.http, response).await;
        }
    }

    async fn next_event(events: &mut mpsc::UnboundedReceiver<String>) -> String {
        tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("an event in time")
            .expect("the client runs")
    }

    async fn start_client(
        discord: &FakeDiscord,
        autosharded: bool,
    ) -> (
        mpsc::UnboundedReceiver<String>,
        std::sync::Arc<serenity::ShardManager>,
    ) {
        let (sender, events) = mpsc::unbounded_channel();
        let mut client = serenity::ClientBuilder::new_with_http(
            discord.http_builder().build(),
            serenity::GatewayIntents::GUILDS,
        )
        .event_handler(Observer(sender))
        .await
        .expect("client builds");
        let shards = client.shard_manager.clone();
        tokio::spawn(async move {
            if autosharded {
                client.start_autosharded().await
            } else {
                client.start().await
            }
        });
        (events, shards)
    }

    #[tokio::test]
    async fn serenity_caches_guilds_and_sees_channel_changes() {
        let discord = FakeDiscord::start().await;
        let (mut events, shards) = start_client(&discord, false).await;
        assert_eq!(next_event(&mut events).await, "guild_create can_post=true");

        let announcements = discord.add_channel(GUILD_ID, "announcements");
        discord.set_channel_access(announcements, ChannelAccess::MissingPermissions);
        assert_eq!(
            next_event(&mut events).await,
            "channel_update can_post=false"
        );
        discord.set_channel_access(announcements, ChannelAccess::Deleted);
        assert_eq!(
            next_event(&mut events).await,
            "channel_delete announcements"
        );
        shards.shutdown_all().await;
    }

    #[tokio::test]
    async fn interactions_reach_the_shard_that_owns_the_guild() {
        let discord = FakeDiscord::start().await;
        discord.set_recommended_shards(2);
        let second = discord.add_guild("Second server");
        let (mut events, shards) = start_client(&discord, true).await;
        // serenity waits about 5 s between two shards' IDENTIFYs.
        let identified = discord.wait_for_shards(2, Duration::from_secs(20)).await;
        assert!(identified.iter().all(|shard| shard.shard_total == 2));
        for guild in [GUILD_ID, second] {
            assert!(next_event(&mut events).await.starts_with("guild_create"));
            let _ = guild;
        }
        for guild in [GUILD_ID, second] {
            let channel = discord.add_channel(guild, "talk");
            let interaction = InteractionBuilder::command("latest")
                .in_guild(guild)
                .in_channel(channel);
            let id = discord.send_interaction(interaction).await;
            let reply = discord.await_response(id, WAIT).await;
            let expected_shard = (guild >> 22) % 2;
            assert_eq!(reply.data()["content"], format!("shard {expected_shard}"));
        }
        shards.shutdown_all().await;
    }
}
