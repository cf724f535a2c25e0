//! Ingesting into a real SQLite file: what goes in comes back out, unchanged content writes
//! nothing, changed content replaces only its own rows, and a failing source changes nothing.

mod store_support;

use importai_bot::archive::Link;
use importai_bot::store::{IngestOutcome, StoreError};
use store_support::{assert_same_rows, dump, empty_store, issue, section, ChangeWatch};

use IngestOutcome::{Added, Unchanged, Updated};

#[tokio::test]
async fn what_is_ingested_reads_back_equal() {
    let (store, _url, _dir) = empty_store().await;
    let (a, b) = (issue(301), issue(310));

    let outcomes = store.ingest_source(&[b.clone(), a.clone()]).await.unwrap();

    assert_eq!(outcomes, [(310, Added), (301, Added)]);
    assert_eq!(store.issue(310).await.unwrap().as_deref(), Some(&b));
    assert_eq!(store.issue(301).await.unwrap().as_deref(), Some(&a));
    assert_eq!(store.issue(305).await.unwrap(), None);
    assert_eq!(store.all_issues().await.unwrap(), [a.clone(), b.clone()]);
    assert_eq!(
        store.issues(&[310, 999, 301, 310]).await.unwrap(),
        [a, b],
        "ascending, each once, unknown numbers left out"
    );
}

#[tokio::test]
async fn an_issue_without_date_url_tale_or_mentions_reads_back_equal() {
    let (store, _url, _dir) = empty_store().await;
    let mut bare = issue(42);
    bare.published = None;
    bare.url = None;
    bare.tale = None;
    bare.mentions.clear();
    bare.sections.truncate(1);
    bare.sections[0].teaser = None;
    bare.sections[0].why_it_matters = None;

    assert_eq!(store.ingest(&bare).await.unwrap(), Added);
    assert_eq!(store.issue(42).await.unwrap().as_deref(), Some(&bare));
}

#[tokio::test]
async fn an_editors_note_is_stored_read_back_and_shown_with_the_issue() {
    let (store, _url, _dir) = empty_store().await;
    let mut noted = issue(42);
    noted.note = Some("A shorter issue than usual this week.".into());

    store.ingest_source(&[noted.clone()]).await.unwrap();

    assert_eq!(store.issue(42).await.unwrap().as_deref(), Some(&noted));
    let overview = importai_bot::answers::issue::overview(&noted, &Default::default());
    let fields = &overview.cards[0].fields;
    assert_eq!(
        fields
            .first()
            .map(|field| (field.name.as_str(), field.value.as_str())),
        Some(("Note", "A shorter issue than usual this week."))
    );
}

#[tokio::test]
async fn the_same_issue_twice_is_unchanged_and_writes_nothing() {
    let (store, url, _dir) = empty_store().await;
    let issues = [issue(301), issue(302)];
    store.ingest_source(&issues).await.unwrap();
    let before = dump(&url).await;
    let mut watch = ChangeWatch::new(&url).await;
    let version = watch.version().await;

    let outcomes = store.ingest_source(&issues).await.unwrap();

    assert_eq!(outcomes, [(301, Unchanged), (302, Unchanged)]);
    assert_same_rows(&before, &dump(&url).await, "every row as it was");
    assert_eq!(watch.version().await, version, "no commit changed the file");
}

#[tokio::test]
async fn a_changed_issue_is_updated_and_only_its_rows_change() {
    let (store, url, _dir) = empty_store().await;
    store
        .ingest_source(&[issue(301), issue(302), issue(303)])
        .await
        .unwrap();
    let before = dump(&url).await;

    let mut changed = issue(302);
    changed.title = "A new title".to_owned();
    changed.sections[0].body = "Rewritten body about submarines.".to_owned();
    changed.sections[0].links.pop();
    changed
        .sections
        .push(section(3, "A third section", "Added later."));
    changed.sections[2].links.push(Link {
        label: "Bonus".to_owned(),
        title: "extra".to_owned(),
        source: None,
        url: None,
        at: None,
    });
    changed.tale = None;
    changed.mentions = vec![1];
    let outcome = store.ingest(&changed).await.unwrap();

    assert_eq!(outcome, Updated);
    assert_eq!(store.issue(302).await.unwrap().as_deref(), Some(&changed));
    assert_eq!(
        store.issue(301).await.unwrap().as_deref(),
        Some(&issue(301))
    );
    assert_eq!(
        store.issue(303).await.unwrap().as_deref(),
        Some(&issue(303))
    );
    let after = dump(&url).await;
    for (table, rows) in archive_tables(&before) {
        let rows_after = &archive_tables(&after)
            .find(|(t, _)| t == table)
            .expect("same tables")
            .1;
        // Rows are [rowid, issue number, ...]: only issue 302's may differ.
        let gone = rows.iter().filter(|row| !rows_after.contains(row));
        let new = rows_after.iter().filter(|row| !rows.contains(row));
        for row in gone.chain(new) {
            assert_eq!(
                row[1], "302",
                "{table}: a row of another issue changed: {row:?}"
            );
        }
    }
    assert!(store.search("submarines", 5).await.unwrap()[0].number == 302);
    assert!(
        store
            .search("Quiet Archive", 10)
            .await
            .unwrap()
            .iter()
            .all(|h| h.number != 302),
        "the removed tale is gone from the index"
    );
}

fn archive_tables(
    dump: &[store_support::TableDump],
) -> impl Iterator<Item = &store_support::TableDump> {
    let archive = ["issues", "sections", "links", "tales", "mentions"];
    dump.iter()
        .filter(move |(table, _)| archive.contains(&table.as_str()))
}

#[tokio::test]
async fn a_source_that_fails_midway_changes_nothing() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    // Make the database itself refuse one issue, so the failure comes after other
    // writes of the same source have been made.
    sqlx::query(
        "CREATE TRIGGER refuse_999 BEFORE INSERT ON issues WHEN NEW.number = 999
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let before = dump(&url).await;

    let mut changed = issue(301);
    changed.title = "Changed".to_owned();
    let result = store
        .ingest_source(&[issue(302), changed, issue(999)])
        .await;

    assert!(matches!(result, Err(StoreError::Sql(_))), "{result:?}");
    assert_same_rows(&before, &dump(&url).await, "nothing of the source remains");
    assert_eq!(
        store.issue(301).await.unwrap().as_deref(),
        Some(&issue(301))
    );
    assert_eq!(store.issue(302).await.unwrap(), None);
}

#[tokio::test]
async fn an_issue_the_schema_cannot_hold_is_refused_with_its_reason() {
    let (store, url, _dir) = empty_store().await;
    let before = dump(&url).await;
    let mut twice = issue(303);
    twice.sections[1].position = 1;

    let error = store.ingest_source(&[issue(302), twice]).await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "issue 303 cannot be stored: two sections share position 1"
    );
    assert_same_rows(&before, &dump(&url).await, "nothing stored");
}

#[tokio::test]
async fn a_store_reopened_keeps_its_issues() {
    let (store, url, _dir) = empty_store().await;
    store.ingest(&issue(301)).await.unwrap();
    store.close().await;

    let reopened = importai_bot::store::Store::open(&url).await.unwrap();
    assert_eq!(reopened.all_issues().await.unwrap(), [issue(301)]);
}

/// The sentence of `/about` that tells when the archive last changed, if it has one.
async fn about_changed(store: &importai_bot::store::Store) -> Option<String> {
    use importai_bot::answers::{self, Question};
    let reply = answers::answer(store, &Question::About).await.unwrap();
    let description = &reply.cards[0].description;
    description
        .find("The archive last changed")
        .map(|at| description[at..].to_owned())
}

#[tokio::test]
async fn about_tells_when_the_archive_last_changed_and_only_a_change_moves_it() {
    use chrono::{TimeZone, Utc};
    use importai_bot::clock::{Clock, ManualClock};
    use importai_bot::store::Validators;
    use std::sync::Arc;

    let (store, _url, _dir) = empty_store().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 2, 8, 30, 0).unwrap());
    let store = store.with_clock(Arc::new(clock.clone()));
    assert_eq!(about_changed(&store).await, None, "nothing stored yet");

    store.ingest_source(&[issue(301)]).await.unwrap();
    let first = clock.now();
    assert_eq!(store.stats().await.unwrap().changed_at, Some(first));
    assert_eq!(
        about_changed(&store).await.as_deref(),
        Some("The archive last changed on 2 December 2026 at 08:30 UTC.")
    );

    // The same issue again, from the same or another source, changes nothing.
    clock.advance(chrono::Duration::hours(1));
    store.ingest_source(&[issue(301)]).await.unwrap();
    store
        .ingest_copies("again.txt", &[issue(301)])
        .await
        .unwrap();
    let feed = "https://importai.substack.com/feed";
    let at = clock.now();
    let fed = store
        .ingest_feed(feed, &[issue(301)], &Validators::default(), at, 1)
        .await
        .unwrap();
    assert_eq!(fed.outcomes, [(301, Unchanged)]);
    assert_eq!(store.stats().await.unwrap().changed_at, Some(first));

    // A changed reading from the feed moves it, to the poll's time.
    let mut changed = issue(301);
    changed.title.push_str(" (corrected)");
    let polled = at + chrono::Duration::minutes(5);
    store
        .ingest_feed(feed, &[changed], &Validators::default(), polled, 1)
        .await
        .unwrap();
    assert_eq!(store.stats().await.unwrap().changed_at, Some(polled));
    assert_eq!(
        about_changed(&store).await.as_deref(),
        Some("The archive last changed on 2 December 2026 at 09:35 UTC.")
    );
}

#[tokio::test]
async fn a_database_from_before_change_times_opens_with_its_issues_and_learns_the_next_change() {
    use chrono::{TimeZone, Utc};
    use importai_bot::clock::{Clock, ManualClock};
    use importai_bot::store::Store;
    use sqlx::Executor;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    // The schema up to migration 0009, holding one issue, as an older bot left it.
    let mut connection = store_support::migrated_until(&url, 9).await;
    connection
        .execute(
            "INSERT INTO issues (number, title, title_folded, content_hash)
                 VALUES (305, 'Robots', 'robots', 'h');",
        )
        .await
        .unwrap();
    drop(connection);

    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 2, 7, 0, 0).unwrap());
    let store = Store::open(&url)
        .await
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
    assert_eq!(
        store.latest_number().await.unwrap(),
        Some(305),
        "kept, not refilled"
    );
    assert_eq!(store.stats().await.unwrap().changed_at, None);
    assert_eq!(about_changed(&store).await, None, "unknown, so not said");

    store.ingest_source(&[issue(306)]).await.unwrap();
    assert_eq!(store.stats().await.unwrap().changed_at, Some(clock.now()));
}
