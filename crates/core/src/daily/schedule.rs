//! When a server's tale is due: a local time in an IANA zone, turned into instants.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::{Tz, TZ_VARIANTS};

use crate::store::DailySchedule;

/// A server's daily time: a wall-clock time (whole minutes) in an IANA time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyRule {
    pub time: NaiveTime,
    pub zone: Tz,
}

impl DailyRule {
    /// The rule a stored schedule keeps.
    pub fn of(schedule: &DailySchedule) -> Self {
        Self {
            time: schedule.time,
            zone: schedule.zone,
        }
    }
}

/// The next post: the local date it belongs to and the instant it is due. `at` may lie
/// before `now`: the post was missed earlier this local day and is due at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Why a time or zone a person typed was not accepted; the message says what to type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("“{0}” is not a time of day: use 24-hour HH:MM, for example 09:00 or 18:30")]
    Time(String),
    #[error("“{0}” is not an IANA time zone: pick one from the list, for example Europe/Berlin or America/New_York")]
    Zone(String),
}

/// `HH:MM` (or `H:MM`), 24-hour.
pub fn parse_local_time(text: &str) -> Result<NaiveTime, RuleError> {
    let bad = || RuleError::Time(text.trim().to_owned());
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let hours = number(hours, 1..=2).ok_or_else(bad)?;
    let minutes = number(minutes, 2..=2).ok_or_else(bad)?;
    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or_else(bad)
}

/// An IANA zone name, in any letter case.
pub fn parse_time_zone(name: &str) -> Result<Tz, RuleError> {
    let name = name.trim();
    name.parse::<Tz>()
        .ok()
        .or_else(|| {
            TZ_VARIANTS
                .iter()
                .copied()
                .find(|zone| zone.name().eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| RuleError::Zone(name.to_owned()))
}

/// Zone names for autocomplete: names starting with what was typed first, then names
/// containing it (case-insensitive; `new york` finds `America/New_York`), at most `limit`.
pub fn zone_suggestions(typed: &str, limit: usize) -> Vec<&'static str> {
    let wanted = typed.trim().to_lowercase().replace(' ', "_");
    let names = || TZ_VARIANTS.iter().map(|zone| zone.name());
    let folded = |name: &str| name.to_lowercase();
    let starts = names().filter(|name| folded(name).starts_with(&wanted));
    let inside = names().filter(|name| {
        let name = folded(name);
        !name.starts_with(&wanted)
            && (name.contains(&wanted) || name.rsplit('/').next() == Some(wanted.as_str()))
    });
    starts.chain(inside).take(limit).collect()
}

/// The instant a post for local `date` is due: `time` on that date in `zone`. A time that
/// falls in a gap (spring forward) moves to the next whole minute that exists; a time that
/// exists twice (fall back) is its first occurrence. None when no minute from `time` to the
/// end of that date exists (a day the zone skipped).
pub fn due_at(date: NaiveDate, time: NaiveTime, zone: Tz) -> Option<DateTime<Utc>> {
    let mut local = date.and_time(time);
    while local.date() == date {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(at) => return Some(at.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, _) => return Some(first.with_timezone(&Utc)),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    None
}

/// The next post owed under `rule`, given the local date of the last post claimed (if any)
/// and `since`, the moment the schedule took effect (a day whose time fell before it is not
/// owed). Never a local date before today's (in `rule.zone`, at `now`), never a date already
/// claimed. None only if the zone skips every day for a week, which no zone does.
pub fn next_due(
    rule: DailyRule,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    last_claimed: Option<NaiveDate>,
) -> Option<Due> {
    let today = now.with_timezone(&rule.zone).date_naive();
    let mut date = match last_claimed {
        Some(last) if last >= today => last.succ_opt()?,
        _ => today,
    };
    for _ in 0..7 {
        if let Some(at) = due_at(date, rule.time, rule.zone).filter(|at| *at >= since) {
            return Some(Due { date, at });
        }
        date = date.succ_opt()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};
    use chrono_tz::{America, Australia, Europe, Pacific};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn local(at: DateTime<Utc>, zone: Tz) -> (NaiveDate, NaiveTime) {
        let at = at.with_timezone(&zone);
        (at.date_naive(), at.time())
    }

    #[test]
    fn times_parse_as_24_hour_hh_mm() {
        assert_eq!(parse_local_time("09:00"), Ok(hm(9, 0)));
        assert_eq!(parse_local_time(" 9:05 "), Ok(hm(9, 5)));
        assert_eq!(parse_local_time("23:59"), Ok(hm(23, 59)));
        assert_eq!(parse_local_time("00:00"), Ok(hm(0, 0)));
        for bad in [
            "24:00", "12:60", "9", "9:5", "09:00:00", "ab:cd", "", "-1:00", "+9:00",
        ] {
            assert!(parse_local_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_parse_by_iana_name_in_any_case() {
        assert_eq!(parse_time_zone("Europe/Berlin"), Ok(Europe::Berlin));
        assert_eq!(parse_time_zone("america/new_york"), Ok(America::New_York));
        assert_eq!(parse_time_zone("UTC"), Ok(Tz::UTC));
        assert!(parse_time_zone("Mars/Olympus_Mons").is_err());
        assert!(parse_time_zone("CEST").is_err());
    }

    #[test]
    fn zone_suggestions_find_cities_by_prefix_and_by_part() {
        assert_eq!(zone_suggestions("europe/ber", 25), vec!["Europe/Berlin"]);
        assert!(zone_suggestions("new york", 25).contains(&"America/New_York"));
        assert_eq!(zone_suggestions("", 25).len(), 25);
        assert!(zone_suggestions("berlin", 25).contains(&"Europe/Berlin"));
    }

    #[test]
    fn an_ordinary_day_posts_at_the_local_time() {
        let at = due_at(date(2026, 6, 1), hm(9, 0), Europe::Berlin).unwrap();
        assert_eq!(at, utc(2026, 6, 1, 7, 0)); // CEST = UTC+2
        let at = due_at(date(2026, 1, 15), hm(9, 0), Europe::Berlin).unwrap();
        assert_eq!(at, utc(2026, 1, 15, 8, 0)); // CET = UTC+1
        let at = due_at(date(2026, 1, 15), hm(9, 0), America::New_York).unwrap();
        assert_eq!(at, utc(2026, 1, 15, 14, 0));
    }

    #[test]
    fn berlin_spring_forward_0230_posts_at_0300() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST.
        let at = due_at(date(2026, 3, 29), hm(2, 30), Europe::Berlin).unwrap();
        assert_eq!(local(at, Europe::Berlin), (date(2026, 3, 29), hm(3, 0)));
        assert_eq!(at, utc(2026, 3, 29, 1, 0));
        // 02:00 does not exist either; 03:00 does, unchanged.
        let at = due_at(date(2026, 3, 29), hm(2, 0), Europe::Berlin).unwrap();
        assert_eq!(at, utc(2026, 3, 29, 1, 0));
        let at = due_at(date(2026, 3, 29), hm(3, 0), Europe::Berlin).unwrap();
        assert_eq!(at, utc(2026, 3, 29, 1, 0));
        // The day after, 02:30 exists again.
        let at = due_at(date(2026, 3, 30), hm(2, 30), Europe::Berlin).unwrap();
        assert_eq!(at, utc(2026, 3, 30, 0, 30));
    }

    #[test]
    fn berlin_fall_back_0230_posts_at_the_first_0230_only() {
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        let rule = DailyRule {
            time: hm(2, 30),
            zone: Europe::Berlin,
        };
        let first = utc(2026, 10, 25, 0, 30); // 02:30 CEST
        let second = utc(2026, 10, 25, 1, 30); // 02:30 CET
        assert_eq!(
            due_at(date(2026, 10, 25), rule.time, rule.zone),
            Some(first)
        );
        let since = utc(2026, 10, 1, 0, 0);
        let due = next_due(rule, utc(2026, 10, 25, 0, 0), since, None).unwrap();
        assert_eq!(
            due,
            Due {
                date: date(2026, 10, 25),
                at: first
            }
        );
        // Once that day is claimed, the second 02:30 owes nothing: the next is the 26th.
        let after = next_due(rule, second, since, Some(date(2026, 10, 25))).unwrap();
        assert_eq!(after.date, date(2026, 10, 26));
        assert_eq!(after.at, utc(2026, 10, 26, 1, 30));
    }

    #[test]
    fn new_york_across_both_changes() {
        let zone = America::New_York;
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        let at = due_at(date(2026, 3, 8), hm(2, 30), zone).unwrap();
        assert_eq!(local(at, zone), (date(2026, 3, 8), hm(3, 0)));
        assert_eq!(at, utc(2026, 3, 8, 7, 0));
        let at = due_at(date(2026, 3, 8), hm(9, 0), zone).unwrap();
        assert_eq!(at, utc(2026, 3, 8, 13, 0));
        let at = due_at(date(2026, 3, 7), hm(9, 0), zone).unwrap();
        assert_eq!(at, utc(2026, 3, 7, 14, 0));
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        let at = due_at(date(2026, 11, 1), hm(1, 30), zone).unwrap();
        assert_eq!(at, utc(2026, 11, 1, 5, 30)); // 01:30 EDT, the first
        let at = due_at(date(2026, 11, 1), hm(9, 0), zone).unwrap();
        assert_eq!(at, utc(2026, 11, 1, 14, 0));
    }

    #[test]
    fn a_missed_time_is_caught_up_the_same_day_and_never_a_past_day() {
        let rule = DailyRule {
            time: hm(9, 0),
            zone: Europe::Berlin,
        };
        let since = utc(2026, 1, 1, 0, 0);
        // Down at 09:00, back at 15:00 local: due at once, for today.
        let now = utc(2026, 6, 1, 13, 0);
        let due = next_due(rule, now, since, Some(date(2026, 5, 31))).unwrap();
        assert_eq!(due.date, date(2026, 6, 1));
        assert!(due.at < now);
        // Down all of June 1st, back on the 2nd before 09:00: the 1st is not owed.
        let now = utc(2026, 6, 2, 5, 0);
        let due = next_due(rule, now, since, Some(date(2026, 5, 31))).unwrap();
        assert_eq!(due.date, date(2026, 6, 2));
        assert_eq!(due.at, utc(2026, 6, 2, 7, 0));
        // Just before local midnight, not yet posted: still today, at once.
        let now = utc(2026, 6, 2, 21, 59);
        let due = next_due(rule, now, since, Some(date(2026, 6, 1))).unwrap();
        assert_eq!(due.date, date(2026, 6, 2));
    }

    #[test]
    fn a_schedule_set_after_todays_time_starts_tomorrow() {
        let rule = DailyRule {
            time: hm(9, 0),
            zone: Europe::Berlin,
        };
        let set_at = utc(2026, 6, 1, 10, 0); // 12:00 local
        let due = next_due(rule, set_at, set_at, None).unwrap();
        assert_eq!(due.date, date(2026, 6, 2));
        let set_early = utc(2026, 6, 1, 6, 0); // 08:00 local
        let due = next_due(rule, set_early, set_early, None).unwrap();
        assert_eq!(
            due,
            Due {
                date: date(2026, 6, 1),
                at: utc(2026, 6, 1, 7, 0)
            }
        );
    }

    #[test]
    fn a_day_the_zone_skipped_is_not_owed() {
        // Samoa skipped 2011-12-30 entirely when it crossed the date line.
        assert_eq!(due_at(date(2011, 12, 30), hm(9, 0), Pacific::Apia), None);
        let rule = DailyRule {
            time: hm(9, 0),
            zone: Pacific::Apia,
        };
        let since = utc(2011, 1, 1, 0, 0);
        let due = next_due(
            rule,
            utc(2011, 12, 29, 20, 0),
            since,
            Some(date(2011, 12, 29)),
        );
        assert_eq!(due.unwrap().date, date(2011, 12, 31));
    }

    /// Run a year of days as the scheduler does: wait for the next due instant, claim that
    /// date, repeat. Each local date gets exactly one post, in order, at its time or the
    /// first minute after a gap.
    fn simulate_year(zone: Tz, time: NaiveTime, year: i32) -> Vec<Due> {
        let rule = DailyRule { time, zone };
        let start = zone
            .from_local_datetime(&date(year, 1, 1).and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&Utc);
        let mut now = start;
        let mut last = None;
        let mut posts = Vec::new();
        while let Some(due) = next_due(rule, now, start, last) {
            if due.date.year() != year {
                break;
            }
            now = now.max(due.at);
            last = Some(due.date);
            posts.push(due);
        }
        posts
    }

    #[test]
    fn a_year_in_berlin_and_new_york_posts_once_every_local_day() {
        for zone in [Europe::Berlin, America::New_York, Australia::Lord_Howe] {
            for time in [hm(0, 0), hm(1, 30), hm(2, 30), hm(9, 0), hm(23, 59)] {
                let posts = simulate_year(zone, time, 2026);
                assert_eq!(posts.len(), 365, "{zone} {time}");
                for (i, pair) in posts.windows(2).enumerate() {
                    assert_eq!(pair[1].date, pair[0].date.succ_opt().unwrap(), "{zone} {i}");
                    assert!(pair[1].at > pair[0].at);
                }
                for post in &posts {
                    let (day, at) = local(post.at, zone);
                    assert_eq!(day, post.date, "{zone} {time}");
                    assert!(at >= time, "{zone} {time} {post:?}");
                }
            }
        }
    }

    fn any_zone() -> impl Strategy<Value = Tz> {
        (0..TZ_VARIANTS.len()).prop_map(|i| TZ_VARIANTS[i])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// For any zone, date and time: the post lies on that local date, at the time asked
        /// or (only when that time does not exist) at the first minute after it that does;
        /// and when the time exists twice, the earlier one.
        #[test]
        fn due_at_is_the_first_existing_minute_from_the_time(
            zone in any_zone(),
            days in 0i64..(365 * 40),
            minute in 0u32..1440,
        ) {
            let day = date(2000, 1, 1) + Duration::days(days);
            let time = hm(minute / 60, minute % 60);
            if let Some(at) = due_at(day, time, zone) {
                let (local_day, local_time) = local(at, zone);
                prop_assert_eq!(local_day, day);
                prop_assert!(local_time >= time);
                prop_assert_eq!(local_time.second(), 0);
                // Every whole minute from `time` up to the post does not exist locally.
                let mut probe = day.and_time(time);
                while probe < day.and_time(local_time) {
                    prop_assert!(zone.from_local_datetime(&probe).single().is_none()
                        && zone.from_local_datetime(&probe).earliest().is_none());
                    probe += Duration::minutes(1);
                }
                // The earliest instant showing that local time.
                prop_assert_eq!(
                    zone.from_local_datetime(&day.and_time(local_time)).earliest()
                        .map(|t| t.with_timezone(&Utc)),
                    Some(at)
                );
            }
        }

        /// For any zone, moment and history: the next post is never for a local day before
        /// today, never for a day already claimed, and lies on its own local date.
        #[test]
        fn next_due_never_owes_a_past_or_claimed_day(
            zone in any_zone(),
            seconds in 946_684_800i64..2_208_988_800,
            minute in 0u32..1440,
            claimed_back in proptest::option::of(-3i64..3),
            since_back in 0i64..(3 * 86_400),
        ) {
            let now = DateTime::from_timestamp(seconds, 0).unwrap();
            let since = now - Duration::seconds(since_back);
            let rule = DailyRule { time: hm(minute / 60, minute % 60), zone };
            let today = now.with_timezone(&zone).date_naive();
            let last = claimed_back.map(|back| today + Duration::days(back));
            let due = next_due(rule, now, since, last).unwrap();
            prop_assert!(due.date >= today);
            if let Some(last) = last {
                prop_assert!(due.date > last);
            }
            prop_assert!(due.at >= since);
            prop_assert_eq!(due.at.with_timezone(&zone).date_naive(), due.date);
            // A due instant in the past is only ever today's (a catch-up).
            if due.at <= now {
                prop_assert_eq!(due.date, today);
            }
        }
    }
}
