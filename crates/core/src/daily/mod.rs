//! The daily tale, as pure logic: when a server's next tale is due, and which tale it is.
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
mod rotation;
mod schedule;

pub use plan::{plan, LastPost, Step};
pub use rotation::pick_tale;
pub use schedule::{
    due_at, next_due, parse_local_time, parse_time_zone, zone_suggestions, DailyRule, Due,
    RuleError,
};
