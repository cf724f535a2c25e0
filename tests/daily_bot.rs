//! `/daily` end to end: the real bot (poise, serenity, the scheduler it starts) connected to
//! the local Discord API over REST and the gateway, with a hand-moved clock.

mod daily_support;
mod support;

use chrono::{DateTime, TimeZone, Utc};
use daily_support::{await_recorded, daily_post, eventually, Harness};
use serde_json::Value;
use std::time::Duration;
use support::bot::{final_answer, is_private, settings, BotTask};
use support::discord_api::{
    ChannelAccess, InteractionBuilder, OptionKind, GENERAL_CHANNEL_ID, GUILD_ID,
};

const WAIT: Duration = Duration::from_secs(10);

fn june(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, h, m, 0).unwrap()
}

/// The bot on the harness's database and its local Discord; ready once this process has
/// registered its commands (poise's set-up does that before it starts the scheduler).
async fn start_bot(h: &Harness) -> BotTask {
    let registrations = || {
        h.discord
            .requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/commands") && r.status == 200)
            .count()
    };
    let registered_before = registrations();
    let settings = settings(&h.discord, Some(GUILD_ID));
    let bot = BotTask::spawn(settings, h.open_store().await, h.shared_clock());
    assert!(
        eventually(WAIT, async || registrations() > registered_before).await,
        "the bot registered its commands"
    );
    bot
}

async fn ask(h: &Harness, interaction: InteractionBuilder) -> Value {
    final_answer(&h.discord, interaction, WAIT).await
}

fn daily(h: &Harness, sub: &str) -> InteractionBuilder {
    h.discord
        .command("daily")
        .subcommand(sub)
        .with_manage_guild()
}

fn set(h: &Harness, channel: u64, time: &str, zone: &str) -> InteractionBuilder {
    daily(h, "set")
        .option_channel("channel", channel, "tales")
        .option_str("time", time)
        .option_str("timezone", zone)
}

fn card(message: &Value) -> String {
    serde_json::to_string(&message["embeds"][0]).unwrap()
}

#[tokio::test]
async fn daily_is_registered_for_manage_server_only() {
    let h = Harness::new(june(1, 6, 0)).await;
    let bot = start_bot(&h).await;
    let commands = h.discord.registered_commands();
    let daily = commands
        .iter()
        .find(|c| c["name"] == "daily")
        .expect("/daily registered");
    assert_eq!(daily["default_member_permissions"], "32", "Manage Server");
    assert_eq!(daily["contexts"], serde_json::json!([0]), "servers only");
    let subs: Vec<_> = daily["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(subs, ["set", "off", "status", "preview"]);

    // A member without Manage Server is told so, privately; nothing is saved.
    let denied = h
        .discord
        .command("daily")
        .subcommand("set")
        .option_channel("channel", GENERAL_CHANNEL_ID, "general")
        .option_str("time", "09:00")
        .option_str("timezone", "Europe/Berlin");
    let reply = ask(&h, denied).await;
    assert!(card(&reply).contains("Manage Server"), "{reply}");
    assert!(is_private(&reply));
    let store = h.open_store().await;
    assert!(store.daily_schedule(GUILD_ID).await.unwrap().is_none());
    bot.stop().await;
}

#[tokio::test]
async fn time_zones_autocomplete_from_iana_names() {
    let h = Harness::new(june(1, 6, 0)).await;
    let bot = start_bot(&h).await;
    let id = h
        .discord
        .send_interaction(
            h.discord
                .autocomplete("daily")
                .subcommand("set")
                .with_manage_guild()
                .focused("timezone", "new york", OptionKind::String),
        )
        .await;
    let reply = h.discord.await_response(id, WAIT).await;
    assert!(reply.is_accepted(), "{:?}", reply.violations);
    let choices = reply.data()["choices"].as_array().unwrap().clone();
    assert!(
        choices.iter().any(|c| c["value"] == "America/New_York"),
        "{choices:?}"
    );
    assert!(choices.len() <= 25);
    bot.stop().await;
}

#[tokio::test]
async fn bad_times_zones_and_channels_are_refused_with_a_reason() {
    let h = Harness::new(june(1, 6, 0)).await;
    // A channel the bot may see but not post in, known before the bot connects.
    let closed = h.discord.add_channel(GUILD_ID, "closed");
    h.discord
        .set_channel_access(closed, ChannelAccess::MissingPermissions);
    let bot = start_bot(&h).await;
    let reply = ask(&h, set(&h, GENERAL_CHANNEL_ID, "25:00", "Europe/Berlin")).await;
    assert!(card(&reply).contains("HH:MM"), "{reply}");
    let reply = ask(&h, set(&h, GENERAL_CHANNEL_ID, "09:00", "Mars/Olympus")).await;
    assert!(card(&reply).contains("IANA"), "{reply}");
    let reply = ask(&h, set(&h, closed, "09:00", "Europe/Berlin")).await;
    assert!(card(&reply).contains("cannot post"), "{reply}");
    assert!(card(&reply).contains("Send Messages"), "{reply}");
    let store = h.open_store().await;
    assert!(store.daily_schedule(GUILD_ID).await.unwrap().is_none());
    h.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn set_preview_post_status_problem_and_off_end_to_end() {
    let h = Harness::new(june(1, 6, 0)).await; // 08:00 in Berlin
    let bot = start_bot(&h).await;

    let reply = ask(&h, set(&h, GENERAL_CHANNEL_ID, "09:00", "Europe/Berlin")).await;
    assert!(is_private(&reply));
    let text = card(&reply);
    assert!(text.contains("Daily tale on"), "{text}");
    assert!(text.contains(&format!("<#{GENERAL_CHANNEL_ID}>")), "{text}");
    let nine = june(1, 7, 0).timestamp();
    assert!(text.contains(&format!("<t:{nine}:F>")), "{text}");

    let status = ask(&h, daily(&h, "status")).await;
    let text = card(&status);
    assert!(text.contains("Daily tale: on"), "{text}");
    assert!(text.contains("09:00 (Europe/Berlin)"), "{text}");
    assert!(text.contains(&format!("<t:{nine}:F>")) && text.contains(&format!("<t:{nine}:R>")));
    assert!(text.contains("Mon 1 Jun 2026, 09:00 CEST"), "{text}");
    assert!(text.contains("none yet"), "{text}");

    let preview = ask(&h, daily(&h, "preview")).await;
    assert!(is_private(&preview));
    assert!(
        h.posts_in(GENERAL_CHANNEL_ID).is_empty(),
        "a preview posts nothing"
    );

    // 09:00 in Berlin: the scheduler the bot started posts the previewed tale.
    h.clock.set(june(1, 7, 0));
    assert!(eventually(WAIT, async || h.posts_in(GENERAL_CHANNEL_ID).len() == 1).await);
    let posted = &h.posts_in(GENERAL_CHANNEL_ID)[0];
    assert_eq!(posted["embeds"], preview["embeds"], "preview == post");
    assert_eq!(
        posted["author"]["id"],
        support::discord_api::BOT_USER_ID.to_string()
    );

    let store = h.open_store().await;
    await_recorded(&store, GUILD_ID, june(1, 7, 0).date_naive()).await;
    let status = ask(&h, daily(&h, "status")).await;
    let text = card(&status);
    assert!(text.contains("2026-06-01: the tale of Import AI"), "{text}");
    let tomorrow = june(2, 7, 0).timestamp();
    assert!(text.contains(&format!("<t:{tomorrow}:F>")), "{text}");

    // The channel is deleted: the next post turns the schedule off, visibly.
    h.discord
        .set_channel_access(GENERAL_CHANNEL_ID, ChannelAccess::Deleted);
    h.clock.set(june(2, 7, 0));
    let off = async || {
        let schedule = store.daily_schedule(GUILD_ID).await.unwrap();
        schedule.is_some_and(|s| !s.enabled)
    };
    let stopped = eventually(Duration::from_secs(5), off).await;
    assert!(stopped, "the schedule was turned off");
    h.clock.set(june(2, 9, 0));
    h.clock.set(june(3, 7, 0));
    let status = ask(&h, daily(&h, "status")).await;
    let text = card(&status);
    assert!(text.contains("Daily tale: stopped"), "{text}");
    assert!(text.contains("no longer exists"), "{text}");
    let posts_to_channel = h
        .discord
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST" && r.path == format!("/channels/{GENERAL_CHANNEL_ID}/messages")
        })
        .count();
    assert_eq!(
        posts_to_channel, 2,
        "one post, then one refused attempt; no retries"
    );

    let reply = ask(&h, daily(&h, "off")).await;
    assert!(card(&reply).contains("Daily tale off"));
    let status = ask(&h, daily(&h, "status")).await;
    assert!(card(&status).contains("Daily tale: off"));
    h.discord.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_bot_posts_after_a_restart_without_posting_twice() {
    let h = Harness::new(june(1, 6, 0)).await;
    let bot = start_bot(&h).await;
    ask(&h, set(&h, GENERAL_CHANNEL_ID, "09:00", "Europe/Berlin")).await;
    h.clock.set(june(1, 7, 0));
    assert!(eventually(WAIT, async || h.posts_in(GENERAL_CHANNEL_ID).len() == 1).await);
    bot.stop().await;

    // The same database, a new process, later the same day: nothing more that day.
    h.clock.set(june(1, 12, 0));
    let bot = start_bot(&h).await;
    let status = ask(&h, daily(&h, "status")).await;
    assert!(card(&status).contains("2026-06-01"), "{status}");
    h.clock.set(june(1, 21, 0));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 1);
    h.clock.set(june(2, 7, 0));
    assert!(eventually(WAIT, async || h.posts_in(GENERAL_CHANNEL_ID).len() == 2).await);
    bot.stop().await;
}

#[tokio::test]
async fn status_tells_when_todays_post_failed_and_will_be_retried() {
    let h = Harness::new(june(1, 6, 0)).await;
    h.fail_sends(Some(1));
    let bot = start_bot(&h).await;
    ask(&h, set(&h, GENERAL_CHANNEL_ID, "09:00", "Europe/Berlin")).await;
    h.clock.set(june(1, 7, 0));
    assert!(eventually(WAIT, async || h.refused_sends() == 1).await);
    let store = h.open_store().await;
    let waiting = async || {
        let post = daily_post(&store, GUILD_ID, june(1, 7, 0).date_naive()).await;
        post.is_some_and(|p| p.next_try.is_some())
    };
    let deferred = eventually(Duration::from_secs(5), waiting).await;
    assert!(deferred, "the failed post waits for its retry");
    let status = ask(&h, daily(&h, "status")).await;
    let text = card(&status);
    assert!(text.contains("Trying again"), "{text}");
    assert!(text.contains("500"), "{text}");
    // 30 s later the retry posts it.
    h.clock.set(june(1, 7, 0) + chrono::Duration::seconds(30));
    assert!(eventually(WAIT, async || h.posts_in(GENERAL_CHANNEL_ID).len() == 1).await);
    bot.stop().await;
}
