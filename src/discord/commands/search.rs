use super::{reply, BotError, Context};
use crate::answers::search::SearchAsk;
use crate::answers::Question;
use crate::store::Years;

/// Search the archive's sections and tales.
#[poise::command(slash_command)]
pub async fn search(
    ctx: Context<'_>,
    #[description = "Words to look for, e.g. chess or language models"]
    #[max_length = 300]
    query: String,
    #[description = "Only issues published in this year or later"]
    #[min = 2016]
    #[max = 2100]
    from: Option<i32>,
    #[description = "Only issues published in this year or earlier"]
    #[min = 2016]
    #[max = 2100]
    to: Option<i32>,
) -> Result<(), BotError> {
    let asked = SearchAsk {
        text: query,
        years: Years { from, to },
    };
    reply(ctx, Question::Search(asked)).await
}
