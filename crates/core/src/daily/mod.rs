//! The daily tale, as pure logic: when a server's next tale is due, which tale it is, and the
//! key it is delivered under (one per local date).
//!
//! The rules (DESIGN §5): one tale per server per *local* day, at the server's local time in
//! its IANA zone. A day is identified by its local date; the database claims a post per
//! (server, local date) before sending it, so the date is the unit of "exactly once". A time
//! that does not exist on a day (spring forward) posts at the next minute that does; a time
//! that exists twice (fall back) posts at the first one. A post missed while the bot was down
//! is caught up later the same local day, never on a later day.
//!
//! Nothing here reads a clock or touches Discord: callers pass `now`.

mod plan;
mod post;
mod rotation;
mod schedule;

pub use plan::{plan, LastPost, Step};
pub use post::{post_reply, BANNER};
pub use rotation::{pick_tale, TaleHistory};
pub use schedule::{
    due_at, next_due, parse_local_time, parse_time_zone, zone_suggestions, DailyRule, Due,
    RuleError,
};

use chrono::NaiveDate;

use crate::outbox;
use crate::store::{Delivery, Kind};

/// The outbox key of a server's post for a local date.
pub fn key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The nonce of a server's post for a local date (the outbox's, for that key).
pub fn nonce(guild: u64, date: NaiveDate) -> String {
    outbox::nonce(Kind::Daily, guild, &key(date))
}

/// A daily delivery as planning sees it; None for a key that is no date.
pub fn last_post(delivery: &Delivery) -> Option<LastPost> {
    Some(LastPost {
        date: NaiveDate::parse_from_str(&delivery.key, "%Y-%m-%d").ok()?,
        open: delivery.is_open(),
        retry_at: delivery.next_try,
    })
}
