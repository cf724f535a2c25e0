use super::{reply, BotError, Context};
use crate::answers::Question;
use crate::discord::autocomplete;

/// One section of an issue: summary, why it matters, and its links.
#[poise::command(slash_command)]
pub async fn section(
    ctx: Context<'_>,
    #[description = "Issue number, e.g. 310"]
    #[autocomplete = "autocomplete::issue_number"]
    #[min = 1]
    issue: i64,
    #[description = "Section position in the issue: 1 is the first"]
    #[min = 1]
    position: i64,
) -> Result<(), BotError> {
    reply(ctx, Question::Section { issue, position }).await
}
