//! Announcing new issues end to end: the real bot (the entry point `serve` uses) on the
//! local Discord API, `/announce` set through interactions, a local newsletter site serving
//! the feed, and the poller driven one cycle at a time (or by `serve`'s own loop).

mod follow_support;
mod support;

use std::sync::Arc;
use std::time::Duration;

use follow_support::*;
use importai_bot::clock::{SharedClock, SystemClock};
use importai_bot::config::FollowSettings;
use importai_bot::discord::follow::{Cycle, Follower};
use importai_bot::discord::{BotSettings, DiscordChannels};
use importai_bot::follow::{PollOutcome, Poller, PollerConfig};
use importai_bot::outbox::announce::{announcement_prefix, nonce, Announcer};
use importai_bot::outbox::Outbox;
use importai_bot::store::{Claim, DeliveryState, Kind, Store};
use serde_json::Value;
use support::bot::{final_answer, is_private, settings, BotTask};
use support::discord_api::{ChannelAccess, FakeDiscord, BOT_USER_ID, GENERAL_CHANNEL_ID, GUILD_ID};
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(20);

/// The bot, its database, its Discord and the newsletter's site.
struct World {
    discord: FakeDiscord,
    site: NewsletterSite,
    store: Store,
    database: String,
    _dir: TempDir,
    /// Three servers: (guild, channel).
    servers: Vec<(u64, u64)>,
    bot: BotTask,
}

impl World {
    /// A bot serving three servers, with the feed holding `items`; `follow`: let `serve`'s
    /// own poller follow the feed at this interval (else tests drive cycles themselves).
    async fn start(items: &[&str], follow: Option<Duration>) -> Self {
        let discord = FakeDiscord::start().await;
        let second = discord.add_guild("Second server");
        let second_channel = discord.add_channel(second, "announcements");
        let third = discord.add_guild("Third server");
        let third_channel = discord.add_channel(third, "general");
        let site = NewsletterSite::start(Answer::Feed(feed(items))).await;
        let dir = TempDir::new().unwrap();
        let database = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Store::open(&database).await.unwrap();
        let settings = BotSettings {
            feed: follow.map(|interval| FollowSettings {
                url: site.feed_url(),
                interval,
            }),
            ..settings(&discord, None)
        };
        let bot = BotTask::spawn(settings, store.clone(), Arc::new(SystemClock));
        discord.wait_for_ready(WAIT).await;
        discord.await_registered_commands(WAIT).await;
        Self {
            discord,
            site,
            store,
            database,
            _dir: dir,
            servers: vec![
                (GUILD_ID, GENERAL_CHANNEL_ID),
                (second, second_channel),
                (third, third_channel),
            ],
            bot,
        }
    }

    /// A poller with its announcer, as `serve` builds them, on a store of this database
    /// (a fresh handle models a restarted process).
    fn poller(&self, store: &Store) -> Follower {
        let clock: SharedClock = Arc::new(SystemClock);
        let http = Arc::new(DiscordChannels::new(Arc::new(
            self.discord.http_builder().build(),
        )));
        let outbox = Outbox::new(store.clone(), clock.clone(), http, BOT_USER_ID);
        let announcer = Announcer::new(outbox);
        let config = PollerConfig::new(self.site.feed_url(), Duration::from_secs(3600));
        Follower::new(
            Poller::new(store.clone(), clock, config).unwrap(),
            announcer,
        )
    }

    /// Runs `/announce <sub>` in a server as a member with Manage Server; returns the
    /// text of the (private) answer.
    async fn announce(&self, guild: u64, sub: &str, channel: Option<u64>) -> String {
        let mut command = self
            .discord
            .command("announce")
            .subcommand(sub)
            .in_guild(guild)
            .with_manage_guild();
        if let Some(channel) = channel {
            command = command
                .option_channel("channel", channel, "announcements")
                .in_channel(channel);
        } else {
            let (_, channel) = self.servers.iter().find(|(g, _)| *g == guild).unwrap();
            command = command.in_channel(*channel);
        }
        let message = final_answer(&self.discord, command, WAIT).await;
        assert!(
            is_private(&message),
            "/announce answers privately: {message}"
        );
        text_of(&message)
    }

    fn announcements_in(&self, channel: u64) -> Vec<Value> {
        self.discord.messages_in(channel)
    }

    /// The issues announced in a channel, in order.
    fn announced_in(&self, channel: u64) -> Vec<u32> {
        issues_announced(&self.announcements_in(channel))
    }

    fn posts_to(&self, channel: u64) -> usize {
        let path = format!("/channels/{channel}/messages");
        self.discord
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .count()
    }

    async fn stop(self) {
        self.bot.stop().await;
    }
}

/// All the text of a message: content, embed titles, descriptions and fields.
fn text_of(message: &Value) -> String {
    let mut text = message["content"].as_str().unwrap_or_default().to_owned();
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            text.push('\n');
            text.push_str(embed[key].as_str().unwrap_or_default());
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            text.push('\n');
            text.push_str(field["name"].as_str().unwrap_or_default());
            text.push_str(": ");
            text.push_str(field["value"].as_str().unwrap_or_default());
        }
    }
    text
}

fn issues_announced(messages: &[Value]) -> Vec<u32> {
    messages
        .iter()
        .filter_map(|m| {
            let content = m["content"].as_str()?;
            let rest = content.split("**Import AI ").nth(1)?;
            rest.split("**").next()?.parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn a_new_issue_is_announced_once_in_every_server_that_asked() {
    let world = World::start(&[ITEM_310], None).await;
    let [(guild_a, channel_a), (guild_b, channel_b), (_, channel_c)] = world.servers[..] else {
        unreachable!()
    };
    assert!(world
        .announce(guild_a, "set", Some(channel_a))
        .await
        .contains("Announcements on"));
    assert!(world
        .announce(guild_b, "set", Some(channel_b))
        .await
        .contains("Announcements on"));
    let poller = world.poller(&world.store);

    // A feed with only an issue the bundled archive already holds: nothing to announce.
    let cycle = poller.cycle().await;
    assert!(matches!(cycle.outcome, PollOutcome::Stored(_)), "{cycle:?}");
    assert!(world.announcements_in(channel_a).is_empty());

    // A new issue appears in the feed.
    world.site.answer(Answer::Feed(feed(&[ITEM_911, ITEM_310])));
    let cycle = poller.cycle().await;
    let delivered = cycle.delivered.clone();
    assert_eq!(delivered.sent.len(), 2, "{cycle:?}");
    for channel in [channel_a, channel_b] {
        let messages = world.announcements_in(channel);
        assert_eq!(issues_announced(&messages), vec![911], "{messages:#?}");
        let message = &messages[0];
        let content = message["content"].as_str().unwrap();
        assert!(content.starts_with(&announcement_prefix(911)), "{content}");
        assert!(content.contains("<https://importai.substack.com/p/import-ai-911-"));
        let embed = &message["embeds"][0];
        assert_eq!(
            embed["title"],
            "Import AI 911: Generative bias; BLOOM isn’t great; how China and Russia use AI"
        );
        assert!(embed["url"]
            .as_str()
            .unwrap()
            .starts_with("https://importai.substack.com/p/import-ai-911-"));
        assert!(embed["description"]
            .as_str()
            .unwrap()
            .contains("Those cool image generators are perpetuating biases"));
        let link_button = message["components"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row["components"].as_array().unwrap())
            .find(|c| c["style"] == 5)
            .expect("a Read online button");
        assert_eq!(link_button["url"], embed["url"]);
    }
    assert!(
        world.announcements_in(channel_c).is_empty(),
        "C never asked"
    );
    let sends: Vec<_> = world
        .discord
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    assert_eq!(sends.len(), 2);
    for send in &sends {
        assert_eq!(send.body["enforce_nonce"], true);
        let guild = if send.path.contains(&channel_a.to_string()) {
            guild_a
        } else {
            guild_b
        };
        assert_eq!(send.body["nonce"], nonce(911, guild));
    }

    // The same feed again: nothing.
    let cycle = poller.cycle().await;
    assert_eq!(cycle.outcome, PollOutcome::NotModified);
    assert_eq!(cycle.delivered.sent.len(), 0);

    // The feed rewrites 911's date and id and fixes its text, and adds 912: only 912 is
    // announced, once per server.
    let edited = redated(
        ITEM_911,
        "Wed, 08 Mar 2023 10:00:00 GMT",
        "https://importai.substack.com/p/new-guid",
    )
    .replace("Bocconi University", "Bocconi University (Milan)");
    world
        .site
        .answer(Answer::Feed(feed(&[ITEM_912, &edited, ITEM_310])));
    let cycle = poller.cycle().await;
    let PollOutcome::Stored(stored) = &cycle.outcome else {
        panic!("{cycle:?}")
    };
    assert_eq!(stored.arrived, vec![912]);
    assert!(stored
        .outcomes
        .contains(&(911, importai_bot::store::IngestOutcome::Updated)));
    for channel in [channel_a, channel_b] {
        assert_eq!(world.announced_in(channel), vec![911, 912]);
    }
    assert!(world.announcements_in(channel_c).is_empty());

    // Status tells where and what.
    let status = world.announce(guild_a, "status", None).await;
    assert!(status.contains(&format!("<#{channel_a}>")), "{status}");
    assert!(status.contains("Import AI 912"), "{status}");

    // Turned off: the next issue is not announced there.
    assert!(world
        .announce(guild_b, "off", None)
        .await
        .contains("no longer be announced"));
    let third = ITEM_911
        .replace("Import AI 911", "Import AI 914")
        .replace("import-ai-911", "import-ai-914");
    world
        .site
        .answer(Answer::Feed(feed(&[&third, ITEM_912, &edited])));
    poller.cycle().await;
    assert_eq!(world.announced_in(channel_a), vec![911, 912, 914]);
    assert_eq!(world.announced_in(channel_b), vec![911, 912]);
    world.discord.assert_no_violations();
    world.stop().await;
}

#[tokio::test]
async fn issues_stored_before_a_server_asked_are_never_announced_there() {
    let world = World::start(&[ITEM_911], None).await;
    let [(guild_a, channel_a), (guild_b, channel_b), _] = world.servers[..] else {
        unreachable!()
    };
    world.announce(guild_a, "set", Some(channel_a)).await;
    let poller = world.poller(&world.store);
    poller.cycle().await;
    assert_eq!(world.announced_in(channel_a), vec![911]);

    // B asks after 911 arrived: it hears of 912 only. A moving its channel keeps its place.
    world.announce(guild_b, "set", Some(channel_b)).await;
    let moved = world.discord.add_channel(guild_a, "news");
    world.announce(guild_a, "set", Some(moved)).await;
    world.site.answer(Answer::Feed(feed(&[ITEM_912, ITEM_911])));
    poller.cycle().await;
    assert_eq!(world.announced_in(channel_b), vec![912]);
    assert_eq!(world.announced_in(moved), vec![912]);
    assert_eq!(world.announced_in(channel_a), vec![911]);
    world.discord.assert_no_violations();
    world.stop().await;
}

#[tokio::test]
async fn set_refuses_a_channel_the_bot_cannot_post_in() {
    let world = World::start(&[ITEM_911], None).await;
    let (guild, _) = world.servers[1];
    let read_only = world.discord.add_channel(guild, "read-only");
    world
        .discord
        .set_channel_access(read_only, ChannelAccess::MissingPermissions);
    let answer = world.announce(guild, "set", Some(read_only)).await;
    assert!(answer.contains("Announcements not changed"), "{answer}");
    assert!(answer.contains("Send Messages"), "{answer}");
    let hidden = world.discord.add_channel(guild, "hidden");
    world
        .discord
        .set_channel_access(hidden, ChannelAccess::MissingAccess);
    let answer = world.announce(guild, "set", Some(hidden)).await;
    assert!(answer.contains("Announcements not changed"), "{answer}");
    assert_eq!(world.store.announce_settings(guild).await.unwrap(), None);
    let status = world.announce(guild, "status", None).await;
    assert!(status.contains("Announcements are off"), "{status}");
    world.stop().await;
}

#[tokio::test]
async fn a_deleted_or_forbidden_channel_turns_announcements_off_visibly() {
    let world = World::start(&[ITEM_310], None).await;
    let [(guild_a, channel_a), (guild_b, channel_b), (guild_c, channel_c)] = world.servers[..]
    else {
        unreachable!()
    };
    for (guild, channel) in &world.servers {
        world.announce(*guild, "set", Some(*channel)).await;
    }
    let poller = world.poller(&world.store);
    poller.cycle().await;
    world
        .discord
        .set_channel_access(channel_a, ChannelAccess::Deleted);
    world
        .discord
        .set_channel_access(channel_b, ChannelAccess::MissingPermissions);

    world.site.answer(Answer::Feed(feed(&[ITEM_911, ITEM_310])));
    let (logs, _guard) = Logs::capture();
    let cycle = poller.cycle().await;
    let delivered = cycle.delivered;
    let mut disabled = delivered.disabled.clone();
    disabled.sort_unstable();
    let mut expected = vec![guild_a, guild_b];
    expected.sort_unstable();
    assert_eq!(disabled, expected);
    assert_eq!(world.announced_in(channel_c), vec![911]);
    let log = logs.text();
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("announcements turned off")),
        "{log}"
    );

    let status = world.announce(guild_a, "status", None).await;
    assert!(status.contains("no longer exists"), "{status}");
    let status = world.announce(guild_b, "status", None).await;
    assert!(status.contains("may not post"), "{status}");
    assert!(world
        .announce(guild_c, "status", None)
        .await
        .contains("Import AI 911"));

    // Nothing is retried in the dead channels.
    let posts = (world.posts_to(channel_a), world.posts_to(channel_b));
    world.site.answer(Answer::Feed(feed(&[ITEM_912, ITEM_911])));
    poller.cycle().await;
    assert_eq!(
        (world.posts_to(channel_a), world.posts_to(channel_b)),
        posts
    );
    assert_eq!(world.announced_in(channel_c), vec![911, 912]);
    world.stop().await;
}

#[tokio::test]
async fn an_announcement_discord_refuses_is_not_retried_and_status_says_why() {
    let world = World::start(&[ITEM_310], None).await;
    let (guild, channel) = world.servers[2];
    world.announce(guild, "set", Some(channel)).await;
    let poller = world.poller(&world.store);
    poller.cycle().await;
    world
        .discord
        .set_channel_access(channel, ChannelAccess::RefusesMessages);
    let sends = || world.posts_to(channel);

    world.site.answer(Answer::Feed(feed(&[ITEM_911, ITEM_310])));
    let delivered = poller.cycle().await.delivered;
    assert_eq!(delivered.refused, vec![(911, guild)], "{delivered:?}");
    assert!(delivered.disabled.is_empty(), "{delivered:?}");
    assert_eq!(sends(), 1);
    for _ in 0..3 {
        let delivered = poller.cycle().await.delivered;
        assert_eq!(delivered, Default::default(), "nothing left to do");
    }
    assert_eq!(sends(), 1, "a refused announcement is not sent again");

    let status = world.announce(guild, "status", None).await;
    assert!(status.contains("Import AI 911"), "{status}");
    assert!(status.contains("400"), "{status}");
    assert!(status.contains("Invalid Form Body"), "{status}");
    assert!(
        status.contains(&format!("New issues are announced in <#{channel}>")),
        "the server's announcements stay on: {status}"
    );
    world.stop().await;
}

#[tokio::test]
async fn a_restart_in_the_middle_announces_nothing_twice() {
    let world = World::start(&[ITEM_310], None).await;
    let [(guild_a, channel_a), (guild_b, channel_b), _] = world.servers[..] else {
        unreachable!()
    };
    world.announce(guild_a, "set", Some(channel_a)).await;
    world.announce(guild_b, "set", Some(channel_b)).await;
    world.poller(&world.store).cycle().await;
    world.site.answer(Answer::Feed(feed(&[ITEM_911, ITEM_310])));

    // Stopped after storing 911 but before any announcement (the poll alone).
    let first = world.poller(&world.store);
    assert!(matches!(
        first.poller().poll().await,
        PollOutcome::Stored(_)
    ));
    drop(first);

    // Then, in "another process": A's announcement went out but was never recorded, and
    // B's was claimed but never sent.
    let restarted_store = Store::open(&world.database).await.unwrap();
    let pending = restarted_store.pending_announcements().await.unwrap();
    assert_eq!(pending.len(), 2);
    let http = world.discord.http_builder().build();
    let issue_911 = restarted_store.issue(911).await.unwrap().unwrap();
    let around_911 = importai_bot::answers::issue::Surroundings::of(&restarted_store, &issue_911)
        .await
        .unwrap();
    let sent = serenity::all::ChannelId::new(channel_a)
        .send_message(
            &http,
            importai_bot::discord::render::channel_message(
                &importai_bot::outbox::announce::announcement(&issue_911, &around_911),
            )
            .nonce(serenity::all::Nonce::String(nonce(911, guild_a)))
            .enforce_nonce(true),
        )
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let claim = |guild, channel| {
        let store = &restarted_store;
        async move {
            let nonce = nonce(911, guild);
            let claim = Claim {
                kind: Kind::Announce,
                guild,
                key: "911",
                issue: 911,
                channel,
                nonce: &nonce,
            };
            store.claim_delivery(claim, now).await.unwrap()
        }
    };
    let claimed_a = claim(guild_a, channel_a).await;
    restarted_store.start_attempt(&claimed_a).await.unwrap();
    claim(guild_b, channel_b).await;
    assert_eq!(world.posts_to(channel_a), 1);

    // The restarted poller reconciles A (finds the message, sends nothing) and sends B.
    let cycle: Cycle = world.poller(&restarted_store).cycle().await;
    let delivered = cycle.delivered;
    assert_eq!(delivered.reconciled, vec![(911, guild_a)]);
    assert_eq!(delivered.sent, vec![(911, guild_b)]);
    assert_eq!(world.posts_to(channel_a), 1, "nothing sent again in A");
    assert_eq!(world.announced_in(channel_a), vec![911]);
    assert_eq!(world.announced_in(channel_b), vec![911]);
    let recorded = restarted_store
        .deliveries(Kind::Announce, guild_a, Some(DeliveryState::Posted), None)
        .await
        .unwrap();
    assert_eq!(recorded[0].message_id, Some(sent.id.get()));
    let history_checked = world
        .discord
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path == format!("/channels/{channel_a}/messages"));
    assert!(history_checked, "the channel was checked before deciding");

    // A process killed at any point of a cycle: the next one completes the set, once each.
    world
        .site
        .answer(Answer::Feed(feed(&[ITEM_912, ITEM_911, ITEM_310])));
    for delay_ms in [0u64, 5, 20, 60] {
        let poller = world.poller(&restarted_store);
        let cycle = tokio::spawn(async move { poller.cycle().await });
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        cycle.abort();
        let _ = cycle.await;
    }
    world.poller(&restarted_store).cycle().await;
    assert_eq!(world.announced_in(channel_a), vec![911, 912]);
    assert_eq!(world.announced_in(channel_b), vec![911, 912]);
    assert!(restarted_store
        .pending_announcements()
        .await
        .unwrap()
        .is_empty());
    world.discord.assert_no_violations();
    world.stop().await;
}

#[tokio::test]
async fn serve_follows_the_feed_and_stops_cleanly() {
    // serve polls at start (911 arrives before any server asked: not news), then every
    // interval; here the interval is short so the test need not wait minutes.
    let world = World::start(&[ITEM_911], Some(Duration::from_millis(300))).await;
    let (guild, channel) = world.servers[2];
    for _ in 0..200 {
        if world.store.feed_arrivals().await.unwrap() == vec![911] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(world.store.feed_arrivals().await.unwrap(), vec![911]);
    world.announce(guild, "set", Some(channel)).await;
    world.site.answer(Answer::Feed(feed(&[ITEM_912, ITEM_911])));
    let messages = world.discord.await_messages_in(channel, 1, WAIT).await;
    assert_eq!(issues_announced(&messages), vec![912]);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(world.announcements_in(channel).len(), 1, "announced once");
    assert!(world.site.seen().iter().any(|s| s.status == 304));

    // The feed goes down: serve keeps going, and /announce status says so.
    world.site.answer(Answer::Status(500));
    let mut status = String::new();
    for _ in 0..100 {
        status = world.announce(guild, "status", None).await;
        if status.contains("failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(status.contains("500"), "{status}");
    assert!(status.contains(&format!("<#{channel}>")), "{status}");
    world.stop().await;
}
