//! `/about`: what the archive holds and how to use the bot.

use super::reply::{Card, Field, Reply};
use super::text::count;
use super::AnswerError;
use crate::store::Store;

pub async fn about(store: &Store) -> Result<Reply, AnswerError> {
    let stats = store.stats().await?;
    let span = match (stats.first, stats.last) {
        (Some(first), Some(last)) if first != last => format!(", from issue {first} to {last}"),
        (Some(only), _) => format!(", issue {only}"),
        _ => String::new(),
    };
    let description = format!(
        "An archive of Jack Clark's Import AI newsletter: {}{span}, with {}, {} and {}.",
        count(stats.issues as usize, "issue"),
        count(stats.sections as usize, "section"),
        count(stats.links as usize, "link"),
        count(stats.tales as usize, "Tech Tale"),
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
