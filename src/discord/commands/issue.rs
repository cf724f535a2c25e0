use super::{reply, BotError, Context};
use crate::answers::Question;
use crate::discord::autocomplete;

/// What an Import AI issue covered: its sections, tale and links.
#[poise::command(slash_command)]
pub async fn issue(
    ctx: Context<'_>,
    #[description = "Issue number, e.g. 310"]
    #[autocomplete = "autocomplete::issue_number"]
    #[min = 1]
    number: i64,
) -> Result<(), BotError> {
    reply(ctx, Question::Issue(number)).await
}
