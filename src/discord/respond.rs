//! The one way interactions are answered in time and logged, for commands and components.

use std::future::Future;
use std::time::{Duration, Instant};

use super::BotError;
use crate::answers::{self, AnswerError, Outcome, Reply};

/// An answer not ready by then is deferred ("thinking…"), well inside Discord's 3 seconds.
const DEFER_AFTER: Duration = Duration::from_millis(1200);

/// Runs `work`; if it is not done after [`DEFER_AFTER`], runs `defer` and waits on. The reply
/// (a failure turned into one), what became of the question, and whether it was deferred.
pub async fn in_time<D>(
    work: impl Future<Output = Result<Reply, AnswerError>>,
    asked: &(dyn std::fmt::Debug + Sync),
    defer: impl FnOnce() -> D,
) -> Result<(Reply, Outcome, bool), BotError>
where
    D: Future<Output = Result<(), BotError>>,
{
    tokio::pin!(work);
    let (answered, deferred) = match tokio::time::timeout(DEFER_AFTER, &mut work).await {
        Ok(answered) => (answered, false),
        Err(_) => {
            defer().await?;
            (work.await, true)
        }
    };
    let (reply, outcome) = answers::settle(answered, asked);
    Ok((reply, outcome, deferred))
}

/// The one log line per interaction: the command (or `control:<custom_id>`), how long it
/// took, what became of it.
pub fn log(command: &str, started: Instant, outcome: &Outcome, sent: bool) {
    let outcome = if sent {
        outcome.to_string()
    } else {
        "send failed".to_owned()
    };
    tracing::info!(
        %command,
        latency_ms = started.elapsed().as_millis() as u64,
        %outcome,
        "interaction"
    );
}
