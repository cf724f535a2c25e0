use super::{reply, BotError, Context};
use crate::answers::Question;

/// Search the archive's sections and tales.
#[poise::command(slash_command)]
pub async fn search(
    ctx: Context<'_>,
    #[description = "Words to look for, e.g. chess or language models"]
    #[max_length = 300]
    query: String,
) -> Result<(), BotError> {
    reply(ctx, Question::Search(query)).await
}
