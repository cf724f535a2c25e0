//! `ask <command> [args] [--json]`: the bot's answers in a terminal.

use std::io::Write;
use std::process::ExitCode;

use crate::console::ask::{ask, AskArgs};
use crate::store::Store;

/// Prints the answer; the exit status is non-zero when the answer explains a failure
/// (an unknown issue, an empty search), so scripts can tell.
pub async fn run(database_url: &str, args: AskArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(database_url).await?;
    let output = ask(&store, args).await;
    store.close().await;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(output.text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(if output.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
