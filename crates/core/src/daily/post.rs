//! What the daily post says: the tale's first page, as `/tale` shows it, marked as the day's.

use crate::answers::{limits, tale, AnswerError, Reply};
use crate::archive::Issue;

/// The line above the tale's title in the daily post.
pub const BANNER: &str = "Today’s Tech Tale";

/// The daily post for the tale of `issue`, within Discord's limits. `/daily preview` shows
/// this same reply (privately), so the preview is what will be posted.
pub fn post_reply(issue: &Issue) -> Result<Reply, AnswerError> {
    let mut reply = tale::render(issue, 1)?;
    if let Some(card) = reply.cards.first_mut() {
        card.author.get_or_insert_with(|| BANNER.to_owned());
    }
    Ok(limits::enforce(reply))
}
