use super::{reply, BotError, Context};
use crate::answers::Question;

/// The newest issue in the archive.
#[poise::command(slash_command)]
pub async fn latest(ctx: Context<'_>) -> Result<(), BotError> {
    reply(ctx, Question::Latest).await
}
