//! A database written by the schema before the outbox (migrations 0001–0003), with daily
//! posts and announcements in it, opened by today's bot: schedules, settings, claims and
//! sent messages all carry over, and what was under way goes on from where it stood.

mod store_support;

use chrono::{NaiveTime, TimeZone, Utc};
use importai_bot::outbox::daily::next_tale;
use importai_bot::store::{DeliveryState, Kind, Store};
use sqlx::Connection;

const GUILD: u64 = 1_180_000_000_000_000_010;
const OTHER_GUILD: u64 = 1_180_000_000_000_000_020;
const CHANNEL: u64 = 1_180_000_000_000_000_011;
const MESSAGE: u64 = 1_180_000_000_000_000_099;

/// Applies the migrations up to `last` only, as an older bot did.
async fn migrate_until(url: &str, last: i64) {
    let mut connection = store_support::migrated_until(url, last).await;
    // Yesterday's tale went out; today's was attempted once and waits to be retried. One
    // announcement went out; another was claimed and may have gone out.
    let rows = format!(
        "INSERT INTO issues (number, title, title_folded, content_hash)
             VALUES (305, 't', 't', 'h'), (306, 't', 't', 'h');
         INSERT INTO tales (issue, title, body) VALUES (305, 'A', 'a'), (306, 'B', 'b');
         INSERT INTO daily_schedules (guild, channel, local_time, time_zone, since_ms, changed_ms)
             VALUES ({GUILD}, {CHANNEL}, '09:00', 'Europe/Berlin', 1780000000000, 1780000000000);
         INSERT INTO daily_posts (guild, local_date, issue, channel, nonce, state, attempts,
                                  claimed_ms, message_id, posted_ms)
             VALUES ({GUILD}, '2026-06-01', 305, {CHANNEL}, 'd20260601x', 'posted', 1,
                     1780290000000, {MESSAGE}, 1780290001000);
         INSERT INTO daily_posts (guild, local_date, issue, channel, nonce, attempts, retry_ms,
                                  claimed_ms, error)
             VALUES ({GUILD}, '2026-06-02', 306, {CHANNEL}, 'd20260602x', 1, 1780376430000,
                     1780376400000, 'Discord said 500');
         INSERT INTO feed_arrivals (issue, arrived_at) VALUES (911, '2026-06-01T08:00:00Z'),
                                                             (912, '2026-06-02T08:00:00Z');
         INSERT INTO announce_settings (guild_id, channel_id, since_seq, enabled_at)
             VALUES ({OTHER_GUILD}, {CHANNEL}, 0, '2026-05-01T00:00:00Z');
         INSERT INTO announcements (issue, guild_id, channel_id, nonce, claimed_at, message_id,
                                    sent_at)
             VALUES (911, {OTHER_GUILD}, {CHANNEL}, 'ia0011', '2026-06-01T08:00:01Z',
                     {MESSAGE}, '2026-06-01T08:00:02Z');
         INSERT INTO announcements (issue, guild_id, channel_id, nonce, claimed_at)
             VALUES (912, {OTHER_GUILD}, {CHANNEL}, 'ia0012', '2026-06-02T08:00:01Z');"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(rows))
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
}

#[tokio::test]
async fn a_database_from_before_the_outbox_keeps_its_schedules_claims_and_announcements() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    migrate_until(&url, 3).await;

    let store = Store::open_empty(&url).await.unwrap();

    let schedule = store.daily_schedule(GUILD).await.unwrap().unwrap();
    assert_eq!(schedule.channel, CHANNEL);
    assert_eq!(schedule.time, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    assert!(schedule.enabled);

    let posted = store
        .delivery(Kind::Daily, GUILD, "2026-06-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(posted.state, DeliveryState::Posted);
    assert_eq!((posted.issue, posted.message_id), (305, Some(MESSAGE)));
    assert_eq!(posted.nonce, "d20260601x", "the nonce it was sent with");

    let waiting = store
        .latest_delivery(Kind::Daily, GUILD, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(waiting.key, "2026-06-02");
    assert_eq!(waiting.state, DeliveryState::Claimed);
    assert_eq!((waiting.issue, waiting.attempts), (306, 1));
    assert_eq!(
        waiting.next_try,
        Utc.timestamp_millis_opt(1_780_376_430_000).single()
    );
    assert_eq!(waiting.error.as_deref(), Some("Discord said 500"));
    // The claimed tale is still the one to post: the rotation goes on where it stood.
    assert_eq!(next_tale(&store, GUILD).await.unwrap(), Some(306));

    let settings = store.announce_settings(OTHER_GUILD).await.unwrap().unwrap();
    assert_eq!(settings.channel_id, Some(CHANNEL));
    let sent = store
        .delivery(Kind::Announce, OTHER_GUILD, "911")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sent.state, DeliveryState::Posted);
    assert_eq!(sent.message_id, Some(MESSAGE));
    assert_eq!(
        sent.posted_at,
        Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 2).single()
    );
    // The claim that may have gone out is still owed, and is looked for before a resend.
    let pending = store.pending_announcements().await.unwrap();
    assert_eq!(
        pending.iter().map(|p| p.issue).collect::<Vec<_>>(),
        vec![912]
    );
    let claimed = store
        .delivery(Kind::Announce, OTHER_GUILD, "912")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.state, DeliveryState::Claimed);
    assert_eq!((claimed.attempts, claimed.nonce.as_str()), (1, "ia0012"));
    assert_eq!(
        claimed.claimed_at,
        Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 1).unwrap()
    );

    let old_tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE name IN ('daily_posts', 'announcements')",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(old_tables.is_empty(), "{old_tables:?}");
}
