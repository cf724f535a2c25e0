//! Publication dates as sources write them: ISO dates and timestamps, RFC 2822 feed dates,
//! and the "Nov 28, 2022" style of newsletter date lines.

use chrono::{DateTime, NaiveDate};

const DAY_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%Y/%m/%d",
];

/// The calendar date in `text`, if it is a date (or timestamp) and nothing else.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim().trim_end_matches('.');
    if text.len() > 64 {
        return None;
    }
    if let Ok(stamp) = DateTime::parse_from_rfc3339(text) {
        return Some(stamp.date_naive());
    }
    if let Ok(stamp) = DateTime::parse_from_rfc2822(text) {
        return Some(stamp.date_naive());
    }
    // "2022-11-28T10:00:00" without a zone, or "2022-11-28 10:00".
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    if let Ok(date) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        return Some(date);
    }
    DAY_FORMATS
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_date_forms() {
        let day = NaiveDate::from_ymd_opt(2022, 11, 28);
        for text in [
            "2022-11-28",
            "2022-11-28T16:05:00+00:00",
            "2022-11-28T16:05:00",
            "Mon, 28 Nov 2022 16:05:00 GMT",
            "Nov 28, 2022",
            "November 28, 2022",
            "28 November 2022",
            "Monday, November 28, 2022",
        ] {
            assert_eq!(parse(text), day, "{text}");
        }
        assert_eq!(parse("Import AI 310: hello"), None);
        assert_eq!(parse(""), None);
    }
}
