//! What a trend asks for: the reader's terms, years and period, checked; and the button
//! form of a checked query, whose whole state fits in a custom_id.

use std::fmt;
use std::str::FromStr;

use crate::answers::reply::Reply;
use crate::store::term_words;

/// Terms on one chart: more lines than this cannot be told apart.
pub const MAX_TERMS: usize = 4;
/// Characters of the terms once normalised ("agents,china"): keeps the buttons' custom_id,
/// which carries them, within Discord's 100.
pub const MAX_TERMS_CHARS: usize = 70;
const CUSTOM_ID_PREFIX: &str = "ia1:trend:";
/// Years a reader may name.
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2999;

/// How long a period of the chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Per {
    Issue,
    Quarter,
    #[default]
    Year,
}

impl Per {
    pub fn as_str(self) -> &'static str {
        match self {
            Per::Issue => "issue",
            Per::Quarter => "quarter",
            Per::Year => "year",
        }
    }
}

impl FromStr for Per {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Per::Issue, Per::Quarter, Per::Year]
            .into_iter()
            .find(|per| per.as_str() == text.trim().to_lowercase())
            .ok_or_else(|| format!("{text:?} is not a period: use issue, quarter or year"))
    }
}

/// A trend as the reader typed it: comma-separated terms, optional years (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrendAsk {
    pub terms: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub per: Per,
}

/// A checked trend: 1 to [`MAX_TERMS`] distinct terms, each its lower-cased words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendQuery {
    pub terms: Vec<String>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub per: Per,
}

/// Why a trend cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrendError {
    #[error("the trend had no terms in it")]
    NoTerms,
    #[error("a trend shows at most {MAX_TERMS} terms")]
    TooManyTerms,
    #[error("the terms are too long")]
    TermsTooLong,
    #[error("{0} is not a year the chart can show")]
    BadYear(i64),
    #[error("the years are the wrong way round ({from} after {to})")]
    YearsReversed { from: i64, to: i64 },
    #[error("no dated issue falls in {years}")]
    NoIssuesInYears { years: String },
    #[error("the archive never mentions {}", .terms.join(", "))]
    NeverMentioned {
        terms: Vec<String>,
        /// (term, a close word the archive does use).
        suggestions: Vec<(String, String)>,
    },
}

impl TrendError {
    /// What the reader sees: what was wrong and what to type instead.
    pub fn to_reply(&self) -> Reply {
        let example = "Try `/trend terms:agents, China`.";
        match self {
            TrendError::NoTerms => Reply::notice(
                "Nothing to chart",
                format!("Name one to {MAX_TERMS} words or phrases, separated by commas. {example}"),
            ),
            TrendError::TooManyTerms => Reply::notice(
                "Too many terms",
                format!("A chart shows at most {MAX_TERMS} terms, separated by commas. {example}"),
            ),
            TrendError::TermsTooLong => Reply::notice(
                "Those terms are too long",
                format!("The terms can be up to {MAX_TERMS_CHARS} characters in all. Try shorter words or phrases."),
            ),
            TrendError::BadYear(year) => Reply::notice(
                "Not a year",
                format!("{year} is not a year the chart can show. Give years such as `from:2018 to:2024`."),
            ),
            TrendError::YearsReversed { from, to } => Reply::notice(
                "Years the wrong way round",
                format!("`from` ({from}) comes after `to` ({to}). Swap them, e.g. `from:{to} to:{from}`."),
            ),
            TrendError::NoIssuesInYears { years } => Reply::notice(
                "No issues in those years",
                format!("No dated issue of the archive falls in {years}. Widen the years or leave them out."),
            ),
            TrendError::NeverMentioned { terms, suggestions } => {
                let mut text = format!(
                    "No section of the archive mentions {}, so there is nothing to draw.",
                    terms.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(" or ")
                );
                for (term, word) in suggestions {
                    text.push_str(&format!(" Instead of “{term}”, try “{word}”."));
                }
                text.push_str(" Check the spelling, or drop the term.");
                Reply::notice("Never mentioned", text)
            }
        }
    }
}

impl TrendQuery {
    /// The reader's trend, checked.
    pub fn parse(ask: &TrendAsk) -> Result<Self, TrendError> {
        let mut terms: Vec<String> = Vec::new();
        for term in ask.terms.split(',') {
            let term = term_words(term).join(" ");
            if !term.is_empty() && !terms.contains(&term) {
                terms.push(term);
            }
        }
        if terms.is_empty() {
            return Err(TrendError::NoTerms);
        }
        if terms.len() > MAX_TERMS {
            return Err(TrendError::TooManyTerms);
        }
        if terms.join(",").chars().count() > MAX_TERMS_CHARS {
            return Err(TrendError::TermsTooLong);
        }
        let year = |year: Option<i64>| match year {
            Some(y) if !YEARS.contains(&y) => Err(TrendError::BadYear(y)),
            Some(y) => Ok(Some(y as i32)),
            None => Ok(None),
        };
        if let (Some(from), Some(to)) = (ask.from, ask.to) {
            if from > to {
                return Err(TrendError::YearsReversed { from, to });
            }
        }
        Ok(Self {
            terms,
            from: year(ask.from)?,
            to: year(ask.to)?,
            per: ask.per,
        })
    }

    /// Whether `year` is within the query's years.
    pub fn covers(&self, year: i32) -> bool {
        self.from.is_none_or(|from| year >= from) && self.to.is_none_or(|to| year <= to)
    }

    /// The years asked for, in words.
    pub fn years_label(&self) -> String {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => format!("{from}"),
            (Some(from), Some(to)) => format!("{from}–{to}"),
            (Some(from), None) => format!("{from} or later"),
            (None, Some(to)) => format!("{to} or earlier"),
            (None, None) => "the archive".to_owned(),
        }
    }

    /// The button's custom_id: `ia1:trend:<per>:<from>:<to>:<terms>`, at most 100
    /// characters since the terms are at most [`MAX_TERMS_CHARS`].
    pub fn custom_id(&self) -> String {
        let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
        format!(
            "{CUSTOM_ID_PREFIX}{}:{}:{}:{}",
            self.per.as_str(),
            year(self.from),
            year(self.to),
            self.terms.join(",")
        )
    }

    /// A query from a button's custom_id; None if it is not a trend button or is damaged.
    pub fn from_custom_id(id: &str) -> Option<Self> {
        let rest = id.strip_prefix(CUSTOM_ID_PREFIX)?;
        let [per, from, to, terms] = rest.splitn(4, ':').collect::<Vec<_>>()[..] else {
            return None;
        };
        let year = |y: &str| match y {
            "" => Some(None),
            y => y.parse().ok().map(Some),
        };
        let ask = TrendAsk {
            terms: terms.to_owned(),
            from: year(from)?,
            to: year(to)?,
            per: per.parse().ok()?,
        };
        Self::parse(&ask).ok()
    }

    /// The query as the reader would type it again.
    pub fn to_ask(&self) -> TrendAsk {
        TrendAsk {
            terms: self.terms.join(", "),
            from: self.from.map(i64::from),
            to: self.to.map(i64::from),
            per: self.per,
        }
    }
}

impl fmt::Display for TrendQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.terms.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(terms: &str) -> TrendAsk {
        TrendAsk {
            terms: terms.to_owned(),
            ..TrendAsk::default()
        }
    }

    #[test]
    fn terms_are_normalised_and_checked() {
        let query =
            TrendQuery::parse(&ask(" Agents , CHINA,agents, large-language models ,")).unwrap();
        assert_eq!(query.terms, ["agents", "china", "large language models"]);
        assert_eq!(TrendQuery::parse(&ask(" , ;")), Err(TrendError::NoTerms));
        assert_eq!(
            TrendQuery::parse(&ask("a,b,c,d,e")),
            Err(TrendError::TooManyTerms)
        );
        assert_eq!(
            TrendQuery::parse(&ask(&"word ".repeat(20))),
            Err(TrendError::TermsTooLong)
        );
        let reversed = TrendAsk {
            from: Some(2024),
            to: Some(2018),
            ..ask("agents")
        };
        assert!(matches!(
            TrendQuery::parse(&reversed),
            Err(TrendError::YearsReversed { .. })
        ));
    }

    #[test]
    fn the_longest_query_fits_a_custom_id_and_comes_back() {
        // Four distinct terms, 16 + 3 × 17 characters and three commas.
        let longest = |letters: [char; MAX_TERMS]| -> Vec<String> {
            letters
                .iter()
                .enumerate()
                .map(|(at, c)| c.to_string().repeat(if at == 0 { 16 } else { 17 }))
                .collect()
        };
        let ascii = longest(['w', 'x', 'y', 'z']);
        assert_eq!(ascii.join(",").len(), MAX_TERMS_CHARS);
        assert_eq!(
            TrendQuery::parse(&TrendAsk {
                terms: ascii.join(",") + "z",
                ..TrendAsk::default()
            }),
            Err(TrendError::TermsTooLong)
        );
        let query = TrendQuery::parse(&TrendAsk {
            terms: ascii.join(","),
            from: Some(-5),
            ..TrendAsk::default()
        });
        assert_eq!(query, Err(TrendError::BadYear(-5)));
        let query = TrendQuery {
            terms: longest(['é', 'ü', 'ß', 'ø']),
            from: Some(2016),
            to: Some(2025),
            per: Per::Quarter,
        };
        let id = query.custom_id();
        assert!(id.chars().count() <= 100, "{id}");
        assert_eq!(TrendQuery::from_custom_id(&id), Some(query));
        assert_eq!(TrendQuery::from_custom_id("ia1:trend:week::::x"), None);
    }
}
