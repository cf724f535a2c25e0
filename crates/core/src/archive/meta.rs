//! Facts about an issue written around its text rather than in it: the canonical URL
//! (never an email redirect), the title without a site suffix, and the labelled lines that
//! capture tools put under the title (`Published At: …`, `**Veröffentlicht:** …`,
//! `- 발행: …`, `- **URL**: …`, `Source issue: …`).

use chrono::NaiveDate;

use super::dates;

/// Hosts and paths of links that lead to the post through a tracker, never the post's own
/// address: Substack's email redirects and app links.
const TRACKING_LINKS: &[&str] = &["substack.com/redirect/", "substack.com/app-link/"];

/// What a labelled line under the title says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Published(NaiveDate),
    Url(String),
    /// A label of the capture tool's own (scan time, source name, access state): not
    /// part of the issue.
    Other,
}

/// Labels of a publication date, lower-case.
const DATE_LABELS: &[&str] = &[
    "published at",
    "published",
    "publication date",
    "date",
    "veröffentlicht",
    "발행",
    "발행일",
];

/// Labels of the URL, lower-case.
const URL_LABELS: &[&str] = &[
    "url",
    "source issue",
    "source",
    "canonical url",
    "link",
    "quelle",
    "원본 링크",
];

/// Labels capture tools add that say nothing about the issue, lower-case.
const TOOL_LABELS: &[&str] = &["gescannt", "scanned", "metadata", "접근상태", "출처"];

/// `url` when it is a web address that can stand for the issue: http(s), not a tracker.
pub fn canonical_url(url: &str) -> Option<String> {
    let url = url.trim();
    let web = url.starts_with("https://") || url.starts_with("http://");
    let tracked = TRACKING_LINKS.iter().any(|link| url.contains(link));
    let whole = !url.contains(char::is_whitespace);
    (web && whole && !tracked).then(|| url.to_owned())
}

/// A page title without the site name a page's `<title>` appends: `Import AI 444: … |
/// Import AI` becomes `Import AI 444: …`.
pub fn title_without_site(title: &str) -> String {
    let title = title.trim();
    match title.rsplit_once(" | ") {
        Some((head, site)) if site.to_lowercase().contains("import ai") && head.contains(':') => {
            head.trim_end().to_owned()
        }
        _ => title.to_owned(),
    }
}

/// The label and value of a `Label: value` line (list markers, bold and Markdown link
/// syntax allowed around them), when the label is one capture tools use.
pub fn labelled(line: &str) -> Option<Label> {
    let line = line.trim().trim_start_matches(['-', '*', '•']).trim_start();
    let (label, value) = line.split_once(':')?;
    let label = label.trim().trim_matches('*').trim().to_lowercase();
    let value = value.trim().trim_start_matches('*').trim();
    if DATE_LABELS.contains(&label.as_str()) {
        return dates::parse(value).map(Label::Published);
    }
    if URL_LABELS.contains(&label.as_str()) {
        return Some(
            first_url(value)
                .and_then(canonical_url)
                .map_or(Label::Other, Label::Url),
        );
    }
    TOOL_LABELS
        .contains(&label.as_str())
        .then_some(Label::Other)
}

/// The first http(s) address in `text`: bare, in `(…)` or as a Markdown link target.
fn first_url(text: &str) -> Option<&str> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '>' | '"'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// A date written inside a line, as Substack's page chrome has it
/// (`… Jack Clark Aug 24, 2026 58 3 Share …`): three words that read as a date.
pub fn date_in_line(line: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(3).find_map(|three| {
        let year_like = three[2].len() == 4 && three[2].chars().all(|c| c.is_ascii_digit());
        let day_like = three[1].ends_with(',');
        (year_like && day_like)
            .then(|| dates::parse(&three.join(" ")))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_lines_of_capture_tools() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 24).map(Label::Published);
        assert_eq!(labelled("- 발행: 2026-08-24T13:12:40+00:00"), day);
        assert_eq!(labelled("Published At: 2026-08-24T13:12:40+00:00"), day);
        assert_eq!(labelled("**Veröffentlicht:** 2026-08-24"), day);
        assert_eq!(labelled("- **Date**: 2026-08-24T05:31:18+00:00"), day);
        assert_eq!(
            labelled("**Quelle:** [Import AI](https://importai.substack.com/p/x)"),
            Some(Label::Url("https://importai.substack.com/p/x".into()))
        );
        assert_eq!(
            labelled("- 원본 링크: https://importai.substack.com/p/y"),
            Some(Label::Url("https://importai.substack.com/p/y".into()))
        );
        assert_eq!(
            labelled("Source: https://substack.com/redirect/5e8f?j=x"),
            Some(Label::Other)
        );
        assert_eq!(
            labelled("- **Source**: substack (substack_ai)"),
            Some(Label::Other)
        );
        assert_eq!(labelled("**Gescannt:** 2026-05-18"), Some(Label::Other));
        assert_eq!(labelled("Date: we met at noon"), None);
        assert_eq!(labelled("Why this matters: a lot"), None);
    }

    #[test]
    fn dates_inside_chrome_lines() {
        assert_eq!(
            date_in_line("Subscribe Sign in Import AI 470: X Jack Clark Aug 24, 2026 58 3 Share"),
            NaiveDate::from_ymd_opt(2026, 8, 24)
        );
        assert_eq!(date_in_line("In 2026, 58 people"), None);
    }

    #[test]
    fn urls_and_titles() {
        assert_eq!(
            canonical_url("https://substack.com/app-link/post?x=1"),
            None
        );
        assert_eq!(canonical_url("vrhk.co/3dE"), None);
        assert_eq!(
            title_without_site("Import AI 1: A | B"),
            "Import AI 1: A | B"
        );
        assert_eq!(
            title_without_site("Import AI 1: A | Import AI"),
            "Import AI 1: A"
        );
    }
}
