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
mod trend;

use super::{render, respond, BotError, Context, Data};
use crate::answers::{self, limits, Question, Reply};
use std::time::Instant;

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<Data, BotError>> {
    vec![
        issue::issue(),
        section::section(),
        tale::tale(),
        links::links(),
        search::search(),
        trend::trend(),
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
    let work = answers::answer(&ctx.data().store, &question);
    let defer = || async { Ok(ctx.defer().await?) };
    let (reply, outcome, _) = respond::in_time(work, &question, defer).await?;
    let sent = ctx.send(render::command_reply(&reply)).await;
    respond::log(
        &ctx.command().qualified_name,
        started,
        &outcome,
        sent.is_ok(),
    );
    sent?;
    Ok(())
}

/// Sends `reply` so that only the member who asked sees it (the admin commands' answers).
async fn say_privately(ctx: Context<'_>, reply: Reply) -> Result<(), BotError> {
    let reply = Reply {
        private: true,
        ..limits::enforce(reply)
    };
    ctx.send(render::command_reply(&reply)).await?;
    Ok(())
}
