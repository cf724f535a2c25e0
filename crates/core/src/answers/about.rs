//! `/about`: what the archive holds and how to use the bot.

use super::reply::{Card, Field, Reply};
use super::text::count;
use super::AnswerError;
use crate::store::{ArchiveStats, Store};

pub async fn about(store: &Store) -> Result<Reply, AnswerError> {
    let stats = store.stats().await?;
    let description = format!(
        "An archive of Jack Clark's Import AI newsletter: {}, with {}, {} ({} with a web \
         address) and {}.{}{}",
        holdings(&stats),
        count(stats.sections as usize, "section"),
        count(stats.links as usize, "link"),
        stats.links_with_url,
        count(stats.tales as usize, "Tech Tale"),
        stats
            .newest_published
            .map(|date| format!(" The newest was published on {}.", date.format("%-d %B %Y")))
            .unwrap_or_default(),
        stats
            .changed_at
            .map(|at| format!(
                " The archive last changed on {}.",
                at.format("%-d %B %Y at %H:%M UTC")
            ))
            .unwrap_or_default(),
    );
    let commands = [
        ("/issue", "what an issue covered"),
        ("/section", "one section's summary and links"),
        ("/tale", "a Tech Tale, random or from an issue"),
        ("/links", "every link of an issue"),
        ("/search", "find sections and tales by words"),
        ("/latest", "the newest issue"),
        ("/daily", "a tale every day in a channel (admins)"),
        ("/announce", "new issues posted in a channel (admins)"),
    ]
    .iter()
    .map(|(name, what)| format!("`{name}` {what}"))
    .collect::<Vec<_>>()
    .join("\n");
    Ok(Reply::card(Card {
        title: "About importai-bot".into(),
        description,
        fields: vec![Field::new("Commands", commands)],
        footer: Some(format!("importai-bot {}", env!("CARGO_PKG_VERSION"))),
        ..Card::default()
    }))
}

/// "21 issues between #229 and #430 (181 of that range missing)".
fn holdings(stats: &ArchiveStats) -> String {
    match (stats.first, stats.last) {
        (Some(first), Some(last)) if first != last => {
            let missing = (last - first + 1).saturating_sub(stats.issues);
            let gaps = match missing {
                0 => "none missing".to_owned(),
                n => format!("{n} of that range missing"),
            };
            format!(
                "{} between #{first} and #{last} ({gaps})",
                count(stats.issues as usize, "issue")
            )
        }
        (Some(only), _) => format!("1 issue, #{only}"),
        _ => "no issues yet".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdings_say_how_many_of_the_range_are_missing() {
        let stats = |issues, first, last| ArchiveStats {
            issues,
            first: Some(first),
            last: Some(last),
            ..ArchiveStats::default()
        };
        assert_eq!(
            holdings(&stats(21, 229, 430)),
            "21 issues between #229 and #430 (181 of that range missing)"
        );
        assert_eq!(
            holdings(&stats(10, 301, 310)),
            "10 issues between #301 and #310 (none missing)"
        );
        assert_eq!(holdings(&stats(1, 7, 7)), "1 issue, #7");
        assert_eq!(holdings(&ArchiveStats::default()), "no issues yet");
    }
}
