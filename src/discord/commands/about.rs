use super::{reply, BotError, Context};
use crate::answers::Question;

/// What the archive holds and how to use this bot.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), BotError> {
    reply(ctx, Question::About).await
}
