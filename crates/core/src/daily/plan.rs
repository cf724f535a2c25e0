//! What the scheduler does next for one server, from its schedule, its latest post row and
//! the time. The scheduler applies steps until it gets [`Step::WaitUntil`] or [`Step::Idle`].

use super::schedule::{due_at, next_due, DailyRule, Due};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The server's latest post row, as far as planning needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastPost {
    pub date: NaiveDate,
    /// Claimed but not known to be sent (no message id, not failed or missed).
    pub open: bool,
    /// After a failed attempt: not before this.
    pub retry_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to do before this instant (unless the schedule changes).
    WaitUntil(DateTime<Utc>),
    /// The post claimed for today is not known to be sent: finish it, looking first for a
    /// message an earlier attempt may have created.
    Resume(NaiveDate),
    /// A post claimed for an earlier local day was never confirmed: record it if it was
    /// sent after all, else mark it missed. Never send it: that day is over.
    Settle(NaiveDate),
    /// Today's post is due: claim it, then send it.
    Claim(Due),
    /// No post will ever be due (a zone that skips every day; no real zone does).
    Idle,
}

pub fn plan(
    rule: DailyRule,
    since: DateTime<Utc>,
    last: Option<LastPost>,
    now: DateTime<Utc>,
) -> Step {
    let today = now.with_timezone(&rule.zone).date_naive();
    if let Some(last) = last.filter(|last| last.open) {
        if last.date < today {
            return Step::Settle(last.date);
        }
        if last.date > today {
            // Claimed for a date that has not begun here (the zone was changed westward):
            // finish it when its time comes.
            let at = due_at(last.date, rule.time, rule.zone).unwrap_or(now + Duration::days(1));
            return Step::WaitUntil(at);
        }
        return match last.retry_at {
            Some(at) if at > now => Step::WaitUntil(at),
            _ => Step::Resume(last.date),
        };
    }
    match next_due(rule, now, since, last.map(|last| last.date)) {
        Some(due) if due.at <= now => Step::Claim(due),
        Some(due) => Step::WaitUntil(due.at),
        None => Step::Idle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};
    use chrono_tz::Europe;

    const RULE: DailyRule = DailyRule {
        time: match NaiveTime::from_hms_opt(9, 0, 0) {
            Some(t) => t,
            None => panic!(),
        },
        zone: Europe::Berlin,
    };

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, d, h, m, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    fn since() -> DateTime<Utc> {
        utc(1, 0, 0)
    }

    #[test]
    fn before_the_time_it_waits_for_the_time() {
        let step = plan(RULE, since(), None, utc(2, 6, 0));
        assert_eq!(step, Step::WaitUntil(utc(2, 7, 0)));
    }

    #[test]
    fn at_the_time_it_claims_today() {
        let step = plan(RULE, since(), None, utc(2, 7, 0));
        assert_eq!(
            step,
            Step::Claim(Due {
                date: day(2),
                at: utc(2, 7, 0)
            })
        );
    }

    #[test]
    fn once_today_is_claimed_and_sent_it_waits_for_tomorrow() {
        let last = LastPost {
            date: day(2),
            open: false,
            retry_at: None,
        };
        let step = plan(RULE, since(), Some(last), utc(2, 7, 1));
        assert_eq!(step, Step::WaitUntil(utc(3, 7, 0)));
    }

    #[test]
    fn an_open_claim_for_today_is_resumed_after_its_back_off() {
        let mut last = LastPost {
            date: day(2),
            open: true,
            retry_at: Some(utc(2, 7, 5)),
        };
        assert_eq!(
            plan(RULE, since(), Some(last), utc(2, 7, 1)),
            Step::WaitUntil(utc(2, 7, 5))
        );
        assert_eq!(
            plan(RULE, since(), Some(last), utc(2, 7, 5)),
            Step::Resume(day(2))
        );
        last.retry_at = None;
        assert_eq!(
            plan(RULE, since(), Some(last), utc(2, 7, 1)),
            Step::Resume(day(2))
        );
    }

    #[test]
    fn an_open_claim_from_yesterday_is_settled_never_resumed() {
        let last = LastPost {
            date: day(2),
            open: true,
            retry_at: None,
        };
        let step = plan(RULE, since(), Some(last), utc(3, 12, 0));
        assert_eq!(step, Step::Settle(day(2)));
        // Once settled (no longer open), today's post is due at once: a catch-up.
        let settled = LastPost {
            open: false,
            ..last
        };
        let step = plan(RULE, since(), Some(settled), utc(3, 12, 0));
        assert!(matches!(step, Step::Claim(Due { date, .. }) if date == day(3)));
    }
}
