//! The slash commands, one file each, and the one way they all reply.

mod about;
mod announce;
mod daily;
mod issue;
mod latest;
mod links;
mod search;
mod section;
mod tale;

use super::{render, BotError, Context, Data};
use crate::answers::{self, Question};
use std::time::{Duration, Instant};

/// An answer not ready by then is deferred ("thinking…"), well inside Discord's 3 seconds.
const DEFER_AFTER: Duration = Duration::from_millis(1200);

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<Data, BotError>> {
    vec![
        issue::issue(),
        section::section(),
        tale::tale(),
        links::links(),
        search::search(),
        latest::latest(),
        about::about(),
        daily::daily(),
        announce::announce(),
    ]
}

/// Answer `question` in reply to the command, deferring first if the answer is slow, and log
/// one line with the command, its latency and its outcome.
async fn reply(ctx: Context<'_>, question: Question) -> Result<(), BotError> {
    let started = Instant::now();
    let store = &ctx.data().store;
    let work = answers::answer(store, &question);
    tokio::pin!(work);
    let result = match tokio::time::timeout(DEFER_AFTER, &mut work).await {
        Ok(result) => result,
        Err(_) => {
            ctx.defer().await?;
            work.await
        }
    };
    let (reply, outcome) = match result {
        Ok(reply) => (reply, "answered".to_owned()),
        Err(error) => {
            let outcome = if error.is_internal() {
                tracing::error!(?question, %error, "answer failed");
                "internal error".to_owned()
            } else {
                format!("explained: {error}")
            };
            (answers::limits::enforce(error.to_reply()), outcome)
        }
    };
    let sent = ctx.send(render::command_reply(&reply)).await;
    tracing::info!(
        command = %ctx.command().qualified_name,
        latency_ms = started.elapsed().as_millis() as u64,
        outcome = %if sent.is_ok() { outcome.as_str() } else { "send failed" },
        "interaction"
    );
    sent?;
    Ok(())
}
