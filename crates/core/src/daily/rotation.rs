//! Which tale a server gets next: every tale once before any repeats.
//!
//! The order is "never posted here first, lowest issue number first; then least recently
//! posted". It depends only on the archive's tales and the server's own history, so what
//! `/daily preview` shows is what the scheduler posts next, and a tale added to the archive
//! joins the rotation at once.

use chrono::NaiveDate;
use std::collections::HashMap;

/// The next tale for a server, from the archive's tale numbers and the server's history (each
/// tale posted, with its local date). None when the archive has no tale.
pub fn pick_tale(tales: &[u32], history: &[(u32, NaiveDate)]) -> Option<u32> {
    let mut last_posted: HashMap<u32, NaiveDate> = HashMap::new();
    for &(tale, date) in history {
        let last = last_posted.entry(tale).or_insert(date);
        *last = (*last).max(date);
    }
    tales
        .iter()
        .copied()
        .min_by_key(|tale| (last_posted.get(tale).copied(), *tale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(n)
    }

    /// Post `days` tales in a row, each picked from the history so far.
    fn run(tales: &[u32], days: usize) -> Vec<u32> {
        let mut history = Vec::new();
        for d in 0..days {
            let tale = pick_tale(tales, &history).unwrap();
            history.push((tale, day(d as i64)));
        }
        history.into_iter().map(|(tale, _)| tale).collect()
    }

    #[test]
    fn no_archive_no_tale() {
        assert_eq!(pick_tale(&[], &[]), None);
    }

    #[test]
    fn first_the_unposted_from_the_lowest_number_then_the_least_recent() {
        assert_eq!(
            run(&[305, 301, 310], 7),
            vec![301, 305, 310, 301, 305, 310, 301]
        );
    }

    #[test]
    fn a_tale_added_later_comes_before_any_repeat() {
        let history = vec![(301, day(0)), (302, day(1))];
        assert_eq!(pick_tale(&[301, 302, 399], &history), Some(399));
    }

    proptest! {
        /// Any window of as many days as there are tales shows every tale exactly once.
        #[test]
        fn no_repeat_until_every_tale_was_posted(
            tales in proptest::collection::hash_set(1u32..1000, 1..40),
            extra in 0usize..80,
        ) {
            let tales: Vec<u32> = tales.into_iter().collect();
            let posted = run(&tales, tales.len() + extra);
            for window in posted.windows(tales.len()) {
                let distinct: HashSet<_> = window.iter().collect();
                prop_assert_eq!(distinct.len(), tales.len());
            }
        }
    }
}
