//! A lock file beside the database that serialises first opening (migrations, the bundled
//! archive) across processes. SQLite's own locks cannot: migrations run in transactions of
//! their own, and two processes that both find a new database would both create its tables.
//!
//! The lock is the operating system's advisory file lock, so a process that dies holding it
//! releases it. Where the lock file cannot be made (a read-only folder), opening goes on
//! without it: such a database cannot be migrated by anyone anyway.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Held until dropped.
pub(super) struct OpenLock {
    _file: File,
}

/// Waits until no other process holds the lock of the database at `database`, then holds it.
pub(super) async fn acquire(database: &Path) -> Option<OpenLock> {
    let path = lock_path(database);
    let locked = tokio::task::spawn_blocking(move || -> std::io::Result<File> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(file)
    })
    .await;
    match locked {
        Ok(Ok(file)) => Some(OpenLock { _file: file }),
        // Not worth a warning: opening itself will say what is wrong with the folder, or
        // the database cannot be migrated there by anyone.
        Ok(Err(error)) => {
            tracing::debug!(database = %database.display(), %error, "opening without the lock file");
            None
        }
        Err(error) => {
            tracing::debug!(%error, "opening without the lock file");
            None
        }
    }
}

/// `archive.db` → `archive.db-open.lock`, beside SQLite's own `-wal` and `-shm` files.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-open.lock");
    PathBuf::from(name)
}
