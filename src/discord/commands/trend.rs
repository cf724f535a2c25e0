use super::{reply, BotError, Context};
use crate::answers::trend::{Per, TrendAsk};
use crate::answers::Question;

/// How long a period of the chart is.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Period {
    #[name = "issue"]
    Issue,
    #[name = "quarter"]
    Quarter,
    #[name = "year"]
    Year,
}

impl From<Period> for Per {
    fn from(period: Period) -> Self {
        match period {
            Period::Issue => Per::Issue,
            Period::Quarter => Per::Quarter,
            Period::Year => Per::Year,
        }
    }
}

/// Chart how often the newsletter mentions up to four terms over the years.
#[poise::command(slash_command)]
pub async fn trend(
    ctx: Context<'_>,
    #[description = "Up to 4 words or phrases, separated by commas, e.g. agents, China"]
    #[max_length = 100]
    terms: String,
    #[description = "First year to show, e.g. 2018"]
    #[min = 1900]
    #[max = 2999]
    from: Option<i64>,
    #[description = "Last year to show, e.g. 2024"]
    #[min = 1900]
    #[max = 2999]
    to: Option<i64>,
    #[description = "One point per issue, quarter or year (the default)"] per: Option<Period>,
) -> Result<(), BotError> {
    let ask = TrendAsk {
        terms,
        from,
        to,
        per: per.map(Per::from).unwrap_or_default(),
    };
    reply(ctx, Question::Trend(ask)).await
}
