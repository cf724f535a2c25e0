//! Shared by the store tests: hand-built issues, stores in temporary folders, and full
//! dumps of the database to compare before and after.
#![allow(dead_code)]

use chrono::NaiveDate;
use importai_bot::archive::model::{LinkPlace, TextPart};
use importai_bot::archive::{Issue, Link, Section, Tale};
use importai_bot::store::Store;
use sqlx::{Connection, Row, SqliteConnection};
use tempfile::TempDir;

/// A database at `url` with only the migrations up to `last` applied, as an older bot left
/// it: the connection, to fill it as that bot would have.
pub async fn migrated_until(url: &str, last: i64) -> SqliteConnection {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let mut migrator = sqlx::migrate!("crates/core/migrations");
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= last)
        .cloned()
        .collect();
    assert_eq!(older.len(), last as usize, "migrations 1 to {last}");
    migrator.migrations = older.into();
    let mut connection = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .unwrap()
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    migrator.run(&mut connection).await.unwrap();
    connection
}

/// A store in a fresh temporary folder; the folder lives as long as the returned guard.
pub async fn empty_store() -> (Store, String, TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open_empty(&url).await.expect("open store");
    (store, url, dir)
}

/// A realistic issue: curly quotes, ellipses, non-breaking spaces, links with and without
/// URLs, a tale, mentions.
pub fn issue(number: u32) -> Issue {
    Issue {
        number,
        title: format!("Robots learn to fold laundry; Émile’s benchmark; issue {number}"),
        published: NaiveDate::from_ymd_opt(2022, 11, 1 + number % 28),
        url: Some(format!(
            "https://importai.substack.com/p/import-ai-{number}"
        )),
        subtitle: Some("Robots, benchmarks and chips, as the week had them".to_owned()),
        note: None,
        sections: vec![
            section(
                1,
                "Laundry-folding robots arrive",
                "Researchers train a robot\u{a0}arm to fold towels, shirts and socks.",
            ),
            Section {
                links: vec![],
                why_it_matters: None,
                ..section(
                    2,
                    "A benchmark for “hard” reasoning",
                    "A new benchmark tests models on puzzles… and they mostly fail.",
                )
            },
        ],
        tale: Some(Tale {
            title: "The Quiet Archive".to_owned(),
            setting: Some("Earth, 2028".to_owned()),
            body: "The archivist spoke to the machine.\n\n“Do you remember?” she asked.".to_owned(),
            inspired_by: Some("libraries; memory; the long now.".to_owned()),
            partial: false,
        }),
        mentions: vec![number.saturating_sub(5), number.saturating_sub(1)],
    }
}

pub fn section(position: u32, title: &str, body: &str) -> Section {
    Section {
        position,
        title: title.to_owned(),
        teaser: Some(format!("the teaser of “{title}”")),
        summary: body.chars().take(60).collect(),
        why_it_matters: Some("It shows where things are going.".to_owned()),
        body: body.to_owned(),
        links: vec![
            Link {
                label: "Read more".to_owned(),
                title: format!("{title}: the paper"),
                source: Some("arXiv".to_owned()),
                url: Some("https://arxiv.org/abs/2211.00001".to_owned()),
                at: Some(LinkPlace::Line {
                    part: TextPart::Body,
                    after: 1,
                }),
            },
            Link {
                label: "Get the code here".to_owned(),
                title: "code".to_owned(),
                source: None,
                url: None,
                at: None,
            },
        ],
    }
}

/// One table's rows: each row its values as SQL literals, the rowid first where there is one.
pub type TableDump = (String, Vec<Vec<String>>);

/// Every row of every table (FTS5's own tables included, the migrations log excluded), in
/// a stable order.
pub async fn dump(url: &str) -> Vec<TableDump> {
    let mut conn = SqliteConnection::connect(url).await.expect("connect");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name != '_sqlx_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut dumps = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .expect("columns");
        let values: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let with_rowid = format!(
            "SELECT quote(rowid), {} FROM \"{table}\" ORDER BY rowid",
            values.join(", ")
        );
        let rows = match sqlx::query(sqlx::AssertSqlSafe(with_rowid))
            .fetch_all(&mut conn)
            .await
        {
            Ok(rows) => rows,
            Err(_) => {
                // A WITHOUT ROWID table: order by every column instead.
                let order: Vec<String> = (1..=values.len()).map(|i| i.to_string()).collect();
                let sql = format!(
                    "SELECT {} FROM \"{table}\" ORDER BY {}",
                    values.join(", "),
                    order.join(", ")
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut conn)
                    .await
                    .expect("rows")
            }
        };
        let rows = rows
            .iter()
            .map(|row| (0..row.len()).map(|i| row.get::<String, _>(i)).collect())
            .collect();
        dumps.push((table, rows));
    }
    conn.close().await.expect("close");
    dumps
}

/// Asserts two dumps are equal, naming the tables that differ rather than printing them.
pub fn assert_same_rows(before: &[TableDump], after: &[TableDump], what: &str) {
    let differing: Vec<&str> = before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.as_str())
        .collect();
    assert!(
        differing.is_empty() && before.len() == after.len(),
        "{what}: rows differ in tables {differing:?}"
    );
}

/// SQLite's data_version as seen from a connection of our own: it changes exactly when
/// another connection commits a change to the file.
pub struct ChangeWatch(SqliteConnection);

impl ChangeWatch {
    pub async fn new(url: &str) -> ChangeWatch {
        ChangeWatch(SqliteConnection::connect(url).await.expect("connect"))
    }

    pub async fn version(&mut self) -> i64 {
        sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(&mut self.0)
            .await
            .expect("data_version")
    }
}
