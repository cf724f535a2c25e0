use super::{reply, BotError, Context};
use crate::answers::Question;
use crate::discord::autocomplete;

/// Every link an issue points to, grouped by section.
#[poise::command(slash_command)]
pub async fn links(
    ctx: Context<'_>,
    #[description = "Issue number, e.g. 310"]
    #[autocomplete = "autocomplete::issue_number"]
    #[min = 1]
    issue: i64,
) -> Result<(), BotError> {
    reply(ctx, Question::Links { issue, page: 1 }).await
}
