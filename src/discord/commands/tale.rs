use super::{reply, BotError, Context};
use crate::answers::Question;
use crate::discord::autocomplete;

/// A Tech Tale, the short story that closes each issue: a random one, or an issue's.
#[poise::command(slash_command)]
pub async fn tale(
    ctx: Context<'_>,
    #[description = "Issue whose tale to show (leave empty for a random one)"]
    #[autocomplete = "autocomplete::issue_number"]
    #[min = 1]
    issue: Option<i64>,
) -> Result<(), BotError> {
    let question = match issue {
        Some(_) => Question::Tale { issue, page: 1 },
        None => Question::RandomTale {
            channel: ctx.channel_id().get(),
        },
    };
    reply(ctx, question).await
}
