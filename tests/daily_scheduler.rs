//! The daily tale scheduler against a local Discord API, with a hand-moved clock and a
//! SQLite file that survives "restarts" (a new Store and Scheduler on the same file).

mod daily_support;
mod support;

use chrono::{DateTime, Duration as Span, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::{Europe, Tz};
use daily_support::{daily_post, eventually, tale_of, Harness, TALES};
use importai_bot::answers::tale;
use importai_bot::clock::Clock;
use importai_bot::discord::render;
use importai_bot::outbox::daily::{next_tale, nonce, spawn};
use importai_bot::outbox::{Checkpoint, Faults, Stopped};
use importai_bot::store::{Delivery, DeliveryState as PostState, Store};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use support::discord_api::{ChannelAccess, GENERAL_CHANNEL_ID, GUILD_ID};

const BERLIN: Tz = Europe::Berlin;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 1 June 2026, 09:00 in Berlin (CEST, UTC+2) is 07:00 UTC.
fn june(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    utc(2026, 6, day, h, m)
}

/// A harness from `start` on, the default guild's general channel scheduled at `time` in
/// `zone` from then on.
async fn scheduled(start: DateTime<Utc>, time: NaiveTime, zone: Tz) -> (Harness, Store) {
    let h = Harness::new(start).await;
    let store = h.open_store().await;
    store
        .set_daily(GUILD_ID, GENERAL_CHANNEL_ID, time, zone, start)
        .await
        .unwrap();
    (h, store)
}

/// From 08:00 in Berlin on 1 June, scheduled at 09:00 Berlin.
async fn nine_berlin() -> (Harness, Store) {
    scheduled(june(1, 6, 0), hm(9, 0), BERLIN).await
}

fn stop_at(checkpoint: Checkpoint) -> Faults {
    Arc::new(move |at, _guild| at == checkpoint)
}

/// The default guild's post for a day of June 2026, if one was claimed.
async fn june_post(store: &Store, day: u32) -> Option<Delivery> {
    daily_post(store, GUILD_ID, date(2026, 6, day)).await
}

/// The embeds of the reply a preview shows now, as Discord would store them.
async fn preview_embeds(store: &Store, guild: u64) -> serde_json::Value {
    let number = next_tale(store, guild).await.unwrap().unwrap();
    let issue = store.issue(number).await.unwrap().unwrap();
    let reply = tale::daily_post(&issue).unwrap();
    let body = serde_json::to_value(render::channel_message(&reply)).unwrap();
    body["embeds"].clone()
}

fn same_embeds(posted: &serde_json::Value, previewed: &serde_json::Value) -> bool {
    let key = |e: &serde_json::Value| {
        (
            e["title"].clone(),
            e["description"].clone(),
            e["footer"]["text"].clone(),
            e["author"]["name"].clone(),
        )
    };
    let posted: Vec<_> = posted.as_array().unwrap().iter().map(key).collect();
    let previewed: Vec<_> = previewed.as_array().unwrap().iter().map(key).collect();
    posted == previewed
}

#[tokio::test]
async fn a_week_posts_seven_different_tales_one_each_local_day_as_previewed() {
    let (h, store) = nine_berlin().await;
    let scheduler = h.scheduler(&store, None);
    for day in 1..=7 {
        // Before 09:00: nothing.
        h.clock.set(june(day, 6, 59));
        scheduler.tick().await.unwrap();
        assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), day as usize - 1);
        let previewed = preview_embeds(&store, GUILD_ID).await;
        // At 09:00 and during the rest of the day: one post, the one previewed.
        for (hour, minute) in [(7, 0), (7, 1), (12, 0), (21, 59)] {
            h.clock.set(june(day, hour, minute));
            let next = scheduler.tick().await.unwrap();
            assert_eq!(next, Some(june(day + 1, 7, 0)), "next due tomorrow 09:00");
        }
        let posts = h.posts_in(GENERAL_CHANNEL_ID);
        assert_eq!(posts.len(), day as usize, "day {day}");
        let last = posts.last().unwrap();
        assert!(
            same_embeds(&last["embeds"], &previewed),
            "posted {} but previewed {previewed}",
            last["embeds"]
        );
        let row = june_post(&store, day).await.unwrap();
        assert_eq!(row.state, PostState::Posted);
        assert_eq!(
            row.message_id.map(|id| id.to_string()),
            last["id"].as_str().map(str::to_owned)
        );
    }
    let tales = h.tales_in(GENERAL_CHANNEL_ID);
    assert_eq!(tales.iter().collect::<HashSet<_>>().len(), 7, "{tales:?}");
    h.discord.assert_no_violations();
}

#[tokio::test]
async fn no_tale_repeats_until_every_tale_was_posted() {
    let (h, store) = nine_berlin().await;
    let scheduler = h.scheduler(&store, None);
    let count = TALES.count() as u32;
    for day in 1..=(count + 3) {
        h.clock.set(june(1, 7, 0) + Span::days(i64::from(day - 1)));
        scheduler.tick().await.unwrap();
    }
    let tales = h.tales_in(GENERAL_CHANNEL_ID);
    assert_eq!(tales.len(), count as usize + 3);
    let first_round: HashSet<_> = tales[..count as usize].iter().collect();
    assert_eq!(first_round.len(), count as usize, "{tales:?}");
    assert_eq!(
        &tales[count as usize..],
        &tales[..3],
        "the second round keeps the order"
    );
}

/// Stops the scheduler at `checkpoint` during the first post, then starts a new process on
/// the same database later the same day: exactly one post that day, recorded.
async fn restart_after_stop_at(checkpoint: Checkpoint) -> Harness {
    let (h, store) = nine_berlin().await;
    h.clock.set(june(1, 7, 0));
    let dying = h.scheduler(&store, Some(stop_at(checkpoint)));
    assert_eq!(dying.tick().await, Err(Stopped(checkpoint)));
    let sent_before_restart = h.posts_in(GENERAL_CHANNEL_ID).len();
    let expected_before = match checkpoint {
        Checkpoint::Claimed | Checkpoint::BeforeSend => 0,
        Checkpoint::AfterSend | Checkpoint::AfterRecord => 1,
    };
    assert_eq!(sent_before_restart, expected_before, "{checkpoint:?}");
    drop(dying);
    store.close().await;

    h.clock.set(june(1, 7, 5));
    let store = h.open_store().await;
    let scheduler = h.scheduler(&store, None);
    scheduler.tick().await.unwrap();
    h.clock.set(june(1, 15, 0));
    scheduler.tick().await.unwrap();

    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1, "{checkpoint:?}: exactly one post that day");
    let row = june_post(&store, 1).await.unwrap();
    assert_eq!(row.state, PostState::Posted, "{checkpoint:?}");
    assert_eq!(
        row.message_id.map(|id| id.to_string()).as_deref(),
        posts[0]["id"].as_str(),
        "{checkpoint:?}: the message recorded is the one posted"
    );
    assert_eq!(posts[0]["nonce"], nonce(GUILD_ID, date(2026, 6, 1)));
    h
}

#[tokio::test]
async fn stopped_after_claiming_a_restart_posts_once() {
    let h = restart_after_stop_at(Checkpoint::Claimed).await;
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "POST").len(), 1);
}

#[tokio::test]
async fn stopped_just_before_the_send_a_restart_looks_then_posts_once() {
    let h = restart_after_stop_at(Checkpoint::BeforeSend).await;
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "POST").len(), 1);
    // The attempt was counted: the restart looked for its message before sending.
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "GET").len(), 1);
}

#[tokio::test]
async fn stopped_just_after_the_send_a_restart_finds_the_message_and_sends_nothing() {
    let h = restart_after_stop_at(Checkpoint::AfterSend).await;
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "POST").len(), 1);
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "GET").len(), 1);
}

#[tokio::test]
async fn stopped_just_after_recording_a_restart_does_nothing() {
    let h = restart_after_stop_at(Checkpoint::AfterRecord).await;
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "POST").len(), 1);
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "GET").len(), 0);
}

#[tokio::test]
async fn a_send_repeated_with_the_same_nonce_is_dropped_by_discord() {
    // Two processes racing the same day never both post: the claim is the database's, and
    // even a repeated send of the same claim carries the same nonce.
    let (h, store) = nine_berlin().await;
    h.clock.set(june(1, 7, 0));
    let first = h.scheduler(&store, None);
    let other_store = h.open_store().await;
    let second = h.scheduler(&other_store, None);
    let (a, b) = tokio::join!(first.tick(), second.tick());
    a.unwrap();
    b.unwrap();
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 1);
}

#[tokio::test]
async fn stopped_before_the_send_and_restarted_the_next_day_posts_only_that_day() {
    let (h, store) = nine_berlin().await;
    h.clock.set(june(1, 7, 0));
    let dying = h.scheduler(&store, Some(stop_at(Checkpoint::BeforeSend)));
    assert!(dying.tick().await.is_err());
    store.close().await;

    h.clock.set(june(2, 10, 0)); // 12:00 in Berlin, the next day
    let store = h.open_store().await;
    h.scheduler(&store, None).tick().await.unwrap();
    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1, "only June 2nd's tale");
    assert_eq!(posts[0]["nonce"], nonce(GUILD_ID, date(2026, 6, 2)));
    let missed = june_post(&store, 1).await.unwrap();
    assert_eq!(missed.state, PostState::Missed);
    // The tale that missed its day is not skipped: it is the one posted on the 2nd.
    assert_eq!(tale_of(&posts[0]), missed.issue);
}

#[tokio::test]
async fn down_at_the_scheduled_time_catches_up_once_the_same_day() {
    let (h, store) = nine_berlin().await;
    // The bot was down from before 09:00 until 17:00 Berlin.
    h.clock.set(june(1, 15, 0));
    let scheduler = h.scheduler(&store, None);
    scheduler.tick().await.unwrap();
    h.clock.set(june(1, 21, 30));
    scheduler.tick().await.unwrap();
    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["nonce"], nonce(GUILD_ID, date(2026, 6, 1)));
}

#[tokio::test]
async fn down_all_day_posts_nothing_for_the_missed_day() {
    let (h, store) = nine_berlin().await;
    // Back on June 2nd at 08:00 Berlin: June 1st is over, and it is not yet 09:00.
    h.clock.set(june(2, 6, 0));
    let scheduler = h.scheduler(&store, None);
    assert_eq!(scheduler.tick().await.unwrap(), Some(june(2, 7, 0)));
    assert!(h.posts_in(GENERAL_CHANNEL_ID).is_empty());
    assert!(h.discord.requests().iter().all(|r| r.method != "POST"));
    h.clock.set(june(2, 7, 0));
    scheduler.tick().await.unwrap();
    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["nonce"], nonce(GUILD_ID, date(2026, 6, 2)));
    assert!(june_post(&store, 1).await.is_none());
}

#[tokio::test]
async fn fifty_servers_due_in_the_same_minute_each_get_one_post() {
    let h = Harness::new(june(1, 6, 0)).await;
    let store = h.open_store().await;
    let mut channels = Vec::new();
    for i in 0..50 {
        let guild = h.discord.add_guild(&format!("server {i}"));
        let channel = h.discord.add_channel(guild, "tales");
        store
            .set_daily(guild, channel, hm(9, 0), BERLIN, june(1, 6, 0))
            .await
            .unwrap();
        channels.push(channel);
    }
    h.clock.set(june(1, 7, 0));
    let scheduler = h.scheduler(&store, None);
    scheduler.tick().await.unwrap();
    h.clock.set(june(1, 7, 1));
    scheduler.tick().await.unwrap();
    for channel in &channels {
        assert_eq!(h.posts_in(*channel).len(), 1, "channel {channel}");
        assert_eq!(h.channel_requests(*channel, "POST").len(), 1);
    }
    h.discord.assert_no_violations();
}

/// The channel becomes unusable; the scheduler tries once, turns the schedule off with the
/// reason, and never asks again, however often it looks.
async fn unusable_channel(access: ChannelAccess) -> String {
    let (h, store) = nine_berlin().await;
    h.discord.set_channel_access(GENERAL_CHANNEL_ID, access);
    let scheduler = h.scheduler(&store, None);
    for minutes in [60, 61, 62, 120, 600, 24 * 60 + 60, 48 * 60 + 60] {
        h.clock.set(june(1, 6, 0) + Span::minutes(minutes));
        assert_eq!(scheduler.tick().await.unwrap(), None, "nothing left to do");
    }
    let schedule = store.daily_schedule(GUILD_ID).await.unwrap().unwrap();
    assert!(!schedule.enabled);
    let requests = h.discord.requests();
    let to_channel: Vec<_> = requests
        .iter()
        .filter(|r| r.path.contains(&GENERAL_CHANNEL_ID.to_string()))
        .collect();
    assert_eq!(
        to_channel.len(),
        1,
        "one request, no retry storm: {to_channel:?}"
    );
    let post = june_post(&store, 1).await.unwrap();
    assert_eq!(post.state, PostState::Failed);
    schedule.problem.expect("a reason for /daily status")
}

#[tokio::test]
async fn a_deleted_channel_turns_the_schedule_off_and_says_why() {
    let problem = unusable_channel(ChannelAccess::Deleted).await;
    assert!(problem.contains("no longer exists"), "{problem}");
    assert!(problem.contains("404"), "{problem}");
}

#[tokio::test]
async fn a_missing_permission_turns_the_schedule_off_and_says_why() {
    let problem = unusable_channel(ChannelAccess::MissingPermissions).await;
    assert!(problem.contains("may not post"), "{problem}");
    assert!(problem.contains("403"), "{problem}");
}

#[tokio::test]
async fn setting_the_schedule_again_after_a_problem_resumes_posting() {
    let (h, store) = nine_berlin().await;
    h.discord
        .set_channel_access(GENERAL_CHANNEL_ID, ChannelAccess::MissingPermissions);
    h.clock.set(june(1, 7, 0));
    let scheduler = h.scheduler(&store, None);
    scheduler.tick().await.unwrap();
    let other = h.discord.add_channel(GUILD_ID, "tales");
    h.clock.set(june(1, 8, 0));
    store
        .set_daily(GUILD_ID, other, hm(18, 0), BERLIN, h.clock.now())
        .await
        .unwrap();
    let schedule = store.daily_schedule(GUILD_ID).await.unwrap().unwrap();
    assert!(schedule.enabled && schedule.problem.is_none());
    h.clock.set(june(1, 16, 0));
    scheduler.tick().await.unwrap();
    assert_eq!(
        h.posts_in(other).len(),
        1,
        "posted the same day at the new time"
    );
}

#[tokio::test]
async fn spring_forward_0230_in_berlin_posts_at_0300() {
    let (h, store) = scheduled(utc(2026, 3, 28, 12, 0), hm(2, 30), BERLIN).await;
    let scheduler = h.scheduler(&store, None);
    // 03:00 CEST on the 29th is 01:00 UTC.
    assert_eq!(
        scheduler.tick().await.unwrap(),
        Some(utc(2026, 3, 29, 1, 0))
    );
    h.clock.set(utc(2026, 3, 29, 0, 59));
    scheduler.tick().await.unwrap();
    assert!(h.posts_in(GENERAL_CHANNEL_ID).is_empty());
    h.clock.set(utc(2026, 3, 29, 1, 0));
    scheduler.tick().await.unwrap();
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 1);
    // The next day, 02:30 exists again: 00:30 UTC.
    assert_eq!(
        scheduler.tick().await.unwrap(),
        Some(utc(2026, 3, 30, 0, 30))
    );
}

#[tokio::test]
async fn fall_back_0230_in_berlin_posts_once_at_the_first_0230() {
    let (h, store) = scheduled(utc(2026, 10, 24, 12, 0), hm(2, 30), BERLIN).await;
    let scheduler = h.scheduler(&store, None);
    assert_eq!(
        scheduler.tick().await.unwrap(),
        Some(utc(2026, 10, 25, 0, 30))
    );
    for at in [
        utc(2026, 10, 25, 0, 30), // 02:30 CEST
        utc(2026, 10, 25, 1, 30), // 02:30 CET, again
        utc(2026, 10, 25, 12, 0),
    ] {
        h.clock.set(at);
        scheduler.tick().await.unwrap();
    }
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 1);
}

#[tokio::test]
async fn new_york_posts_at_its_local_time_across_spring_forward() {
    let zone: Tz = chrono_tz::America::New_York;
    let (h, store) = scheduled(utc(2026, 3, 6, 12, 0), hm(9, 0), zone).await;
    let scheduler = h.scheduler(&store, None);
    // 09:00 EST = 14:00 UTC on the 7th; 09:00 EDT = 13:00 UTC on the 8th.
    for (due, tomorrow) in [
        (utc(2026, 3, 7, 14, 0), utc(2026, 3, 8, 13, 0)),
        (utc(2026, 3, 8, 13, 0), utc(2026, 3, 9, 13, 0)),
    ] {
        h.clock.set(due - Span::minutes(1));
        assert_eq!(scheduler.tick().await.unwrap(), Some(due));
        h.clock.set(due);
        assert_eq!(scheduler.tick().await.unwrap(), Some(tomorrow));
    }
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 2);
}

#[tokio::test]
async fn the_running_task_posts_when_the_clock_reaches_the_time_and_stops_cleanly() {
    let (h, store) = nine_berlin().await;
    let (stop, task) = spawn(h.scheduler(&store, None));
    // Nothing before the time, however long it runs.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(h.posts_in(GENERAL_CHANNEL_ID).is_empty());
    h.clock.set(june(1, 7, 0));
    assert!(
        eventually(Duration::from_secs(5), async || h
            .posts_in(GENERAL_CHANNEL_ID)
            .len()
            == 1)
        .await,
        "the scheduler woke when the clock moved"
    );
    h.clock.set(june(2, 7, 0));
    assert!(
        eventually(Duration::from_secs(5), async || h
            .posts_in(GENERAL_CHANNEL_ID)
            .len()
            == 2)
        .await
    );
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops promptly")
        .unwrap();
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 2);
}

#[tokio::test]
async fn a_schedule_change_wakes_the_task_at_once() {
    let h = Harness::new(june(1, 12, 0)).await;
    let store = h.open_store().await;
    // A long tick: only the wake can make it post in time.
    let scheduler = h.scheduler(&store, None).configured(
        importai_bot::outbox::daily::SchedulerOptions {
            max_tick: Duration::from_secs(3600),
            ..Default::default()
        },
        None,
    );
    let wake = scheduler.wake();
    let (stop, task) = spawn(scheduler);
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Set at 14:00 Berlin for 14:00: due at once.
    store
        .set_daily(
            GUILD_ID,
            GENERAL_CHANNEL_ID,
            hm(14, 0),
            BERLIN,
            june(1, 12, 0),
        )
        .await
        .unwrap();
    wake.schedule_changed();
    assert!(
        eventually(Duration::from_secs(5), async || h
            .posts_in(GENERAL_CHANNEL_ID)
            .len()
            == 1)
        .await
    );
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn server_errors_back_off_and_retry_within_the_same_day() {
    let (h, store) = nine_berlin().await;
    h.fail_sends(Some(3));
    let scheduler = h.scheduler(&store, None);
    let mut at = june(1, 7, 0);
    h.clock.set(at);
    for (failed, back_off) in [(1, 30), (2, 60), (3, 120)] {
        let retry_at = at + Span::seconds(back_off);
        assert_eq!(scheduler.tick().await.unwrap(), Some(retry_at));
        assert_eq!(h.refused_sends(), failed);
        // Before the back-off ends, nothing is asked.
        h.clock.set(retry_at - Span::seconds(1));
        let requests = h.discord.requests().len();
        scheduler.tick().await.unwrap();
        assert_eq!(
            h.discord.requests().len(),
            requests,
            "no request before the back-off ends"
        );
        at = retry_at;
        h.clock.set(at);
    }
    scheduler.tick().await.unwrap();
    assert_eq!(h.posts_in(GENERAL_CHANNEL_ID).len(), 1);
    let row = june_post(&store, 1).await.unwrap();
    assert_eq!((row.state, row.attempts), (PostState::Posted, 4));
    // Each retry first looked for a message the failed attempt might have left.
    assert_eq!(h.channel_requests(GENERAL_CHANNEL_ID, "GET").len(), 3);
    let sends: Vec<u16> = h
        .channel_requests(GENERAL_CHANNEL_ID, "POST")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(sends, [500, 500, 500, 200]);
}

#[tokio::test]
async fn a_day_of_server_errors_retries_boundedly_and_never_posts_that_day_late() {
    let (h, store) = nine_berlin().await;
    h.fail_sends(None);
    let scheduler = h.scheduler(&store, None);
    // Every five minutes from 09:00 to 23:55 in Berlin.
    let mut at = june(1, 7, 0);
    while at < june(1, 22, 0) {
        h.clock.set(at);
        scheduler.tick().await.unwrap();
        at += Span::minutes(5);
    }
    let refused = h.refused_sends();
    assert!((10..=40).contains(&refused), "{refused} attempts in a day");
    assert!(h.posts_in(GENERAL_CHANNEL_ID).is_empty());

    // Discord recovers overnight: June 1st's tale is not posted on the 2nd; the 2nd's is.
    h.discord.clear_faults();
    h.clock.set(june(2, 6, 0));
    scheduler.tick().await.unwrap();
    assert!(h.posts_in(GENERAL_CHANNEL_ID).is_empty());
    let missed = june_post(&store, 1).await.unwrap();
    assert_eq!(missed.state, PostState::Missed);
    h.clock.set(june(2, 7, 0));
    scheduler.tick().await.unwrap();
    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["nonce"], nonce(GUILD_ID, date(2026, 6, 2)));
}

#[tokio::test]
async fn while_a_post_waits_to_be_retried_the_preview_shows_that_post() {
    let (h, store) = nine_berlin().await;
    h.fail_sends(Some(1));
    let scheduler = h.scheduler(&store, None);
    h.clock.set(june(1, 7, 0));
    let retry_at = scheduler.tick().await.unwrap().unwrap();
    assert_eq!(h.refused_sends(), 1);
    let claimed = june_post(&store, 1).await.unwrap();
    assert_eq!(
        next_tale(&store, GUILD_ID).await.unwrap(),
        Some(claimed.issue)
    );
    let previewed = preview_embeds(&store, GUILD_ID).await;
    h.clock.set(retry_at);
    scheduler.tick().await.unwrap();
    let posts = h.posts_in(GENERAL_CHANNEL_ID);
    assert_eq!(posts.len(), 1);
    assert!(same_embeds(&posts[0]["embeds"], &previewed));
    assert_eq!(tale_of(&posts[0]), claimed.issue);
}
