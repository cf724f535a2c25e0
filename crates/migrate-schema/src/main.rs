//! `migrate-schema DATABASE_URL`: creates the database and applies the store's migrations,
//! so that the query macros can describe the store's SQL against it.

use std::process::ExitCode;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: migrate-schema sqlite://PATH");
        return ExitCode::FAILURE;
    };
    match migrate(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot migrate {url}: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(url: &str) -> Result<(), sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
    let mut connection = SqliteConnection::connect_with(&options).await?;
    sqlx::migrate!("../core/migrations")
        .run(&mut connection)
        .await?;
    connection.close().await
}
