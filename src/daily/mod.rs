//! The daily tale, as pure logic: when a server's next tale is due, which tale it is, and the
//! nonce that lets Discord drop a repeated send.
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
    due_at, next_due, parse_local_time, parse_time_zone, retry_delay, zone_suggestions, DailyRule,
    Due, RuleError,
};

use chrono::NaiveDate;

/// The nonce of a server's post for a local date: the same for every attempt, so that a
/// send repeated after a crash is dropped by Discord (`enforce_nonce`). At most 25
/// characters, as Discord requires: `d` + `YYYYMMDD` + the server id in base 36 (≤ 13).
pub fn nonce(guild: u64, date: NaiveDate) -> String {
    format!("d{}{}", date.format("%Y%m%d"), base36(guild))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_is_short_stable_and_distinct_per_server_and_day() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let a = nonce(u64::MAX, day);
        assert!(a.len() <= 25, "{a}");
        assert_eq!(a, nonce(u64::MAX, day));
        assert_ne!(a, nonce(u64::MAX - 1, day));
        assert_ne!(a, nonce(u64::MAX, day.succ_opt().unwrap()));
        assert_eq!(nonce(35, day), "d20260329z");
        assert_eq!(nonce(0, day), "d202603290");
    }
}
