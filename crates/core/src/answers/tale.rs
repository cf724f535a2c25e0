//! `/tale [issue]`: a Tech Tale, paged when it is longer than one card.

use super::limits::{self, is_acceptable_url, split_pages, BUTTON_URL};
use super::pager;
use super::reply::{Card, Field, Reply, Tone};
use super::target::Target;
use super::text::escape_markdown;
use super::{find_issue, AnswerError};
use crate::archive::Issue;
use crate::store::Store;
use rand::seq::SliceRandom;

/// Story text per page: well inside a description (4096), leaving room in the message's
/// 6000 for the title, setting, the inspiration field and the footer.
pub const PAGE: usize = 3500;

/// The tale of `issue`, or of a random issue; `page` is 1-based and clamped to the story.
pub async fn tale(store: &Store, issue: Option<i64>, page: u32) -> Result<Reply, AnswerError> {
    let number = match issue {
        Some(asked) => asked,
        None => {
            let numbers = store.tale_numbers().await?;
            let pick = numbers.choose(&mut rand::thread_rng());
            i64::from(*pick.ok_or(AnswerError::EmptyArchive)?)
        }
    };
    let issue = find_issue(store, number).await?;
    render(&issue, page)
}

/// Random tales a channel sees before one may come again (while others remain).
pub const NOT_AGAIN_WITHIN: u32 = 10;

/// A random tale for `channel`: none of the channel's last [`NOT_AGAIN_WITHIN`] random
/// tales while the archive has others; recorded as shown.
pub async fn random_for(store: &Store, channel: u64) -> Result<Reply, AnswerError> {
    let tales = store.tale_numbers().await?;
    let recent = store.recent_random_tales(channel, NOT_AGAIN_WITHIN).await?;
    let fresh: Vec<u32> = tales
        .iter()
        .copied()
        .filter(|n| !recent.contains(n))
        .collect();
    let pool = if fresh.is_empty() { &tales } else { &fresh };
    let number = *pool
        .choose(&mut rand::thread_rng())
        .ok_or(AnswerError::EmptyArchive)?;
    store
        .record_random_tale(channel, number, NOT_AGAIN_WITHIN)
        .await?;
    let issue = find_issue(store, number.into()).await?;
    render(&issue, 1)
}

/// The line above the tale's title in the daily post.
pub const BANNER: &str = "Today’s Tech Tale";

/// The daily post for the tale of `issue`: its first page, as `/tale` shows it, marked as
/// the day's, within Discord's limits. `/daily preview` shows this same reply (privately), so
/// the preview is what will be posted.
pub fn daily_post(issue: &Issue) -> Result<Reply, AnswerError> {
    let mut reply = render(issue, 1)?;
    if let Some(card) = reply.cards.first_mut() {
        card.author.get_or_insert_with(|| BANNER.to_owned());
    }
    Ok(limits::enforce(reply))
}

/// What a reader of a tale that this copy cuts off is told: where to read all of it.
fn cut_note(issue: &Issue) -> Option<String> {
    if !issue.tale.as_ref()?.partial {
        return None;
    }
    Some(match &issue.url {
        Some(url) if is_acceptable_url(url, BUTTON_URL) => {
            format!("This copy of the tale is cut off; read it in full at {url}")
        }
        _ => "This copy of the tale is cut off before its end.".to_owned(),
    })
}

/// A page of an issue's tale.
pub fn render(issue: &Issue, page: u32) -> Result<Reply, AnswerError> {
    let tale = issue
        .tale
        .as_ref()
        .ok_or(AnswerError::NoTale(issue.number))?;
    let pages = split_pages(&escape_markdown(&tale.body), PAGE);
    let total = pages.len() as u32;
    let page = page.clamp(1, total);
    let mut description = String::new();
    if let (1, Some(setting)) = (page, &tale.setting) {
        description.push_str(&format!(
            "*{}*\n\n",
            escape_markdown(&format!("[{setting}]"))
        ));
    }
    description.push_str(&pages[page as usize - 1]);
    let mut fields = Vec::new();
    if let (true, Some(inspired)) = (page == total, &tale.inspired_by) {
        fields.push(Field::new(
            "Things that inspired this story",
            escape_markdown(inspired),
        ));
    }
    if let (true, Some(note)) = (page == total, cut_note(issue)) {
        fields.push(Field::new("Cut off", note));
    }
    let published = issue
        .published
        .map(|date| format!(" · {}", date.format("%-d %B %Y")))
        .unwrap_or_default();
    let footer = format!(
        "Tech Tales · Import AI {}{published}{}",
        issue.number,
        pager::page_note(page, total)
    );
    let card = Card {
        title: tale.title.clone(),
        url: issue.url.clone(),
        description,
        fields,
        footer: Some(footer),
        tone: Tone::Tale,
        ..Card::default()
    };
    let number = issue.number;
    let controls = pager::controls(number, page, total, |page| Target::Tale {
        issue: number,
        page,
    });
    Ok(Reply {
        cards: vec![card],
        controls,
        ..Reply::default()
    })
}
