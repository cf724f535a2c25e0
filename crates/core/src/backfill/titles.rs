//! Which posts are issues: the number that follows "Import AI" in a post's title.
//!
//! The titles have varied over the years: `Import AI 250: …`, `Import AI #250: …`,
//! `Import AI: #12: …`, `Import AI Issue 30: …`, `ImportAI 7 …`. Posts whose title does not
//! start that way (a podcast, an announcement, `Import AI Year in Review`) are not issues.

/// Words that may stand between "Import AI" and the number.
const BEFORE_NUMBER: &[&str] = &["issue", "newsletter", "no.", "no", "number"];

/// The largest issue number believed; anything longer is a year or an id, not an issue.
const MAX_DIGITS: usize = 5;

/// The issue a post title announces: its number and the rest of the title (empty when the
/// title is only the number).
pub fn issue_of(title: &str) -> Option<(u32, String)> {
    let rest = strip_import_ai(title.trim())?;
    let mut rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '#'));
    for word in BEFORE_NUMBER {
        if let Some(after) = strip_prefix_ignore_case(rest, word) {
            if after.starts_with(|c: char| c.is_whitespace() || c == '#') {
                rest = after.trim_start_matches(|c: char| c.is_whitespace() || c == '#');
                break;
            }
        }
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    // "Import AI 2018 in review" would read as 2018 without this: a number is followed by
    // punctuation, a space or nothing, never by more letters of the same word.
    let after = &rest[digits..];
    if after.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let number: u32 = rest[..digits].parse().ok().filter(|&n| n >= 1)?;
    let title = after
        .trim_start()
        .trim_start_matches([':', '–', '—', '-', '|', ',', '.'])
        .trim();
    Some((number, title.to_owned()))
}

/// The title as the issue readers expect it: `Import AI 12: Robots learn to walk`, whatever
/// the post called itself.
pub fn issue_title(number: u32, rest: &str) -> String {
    if rest.is_empty() {
        format!("Import AI {number}: Issue {number}")
    } else {
        format!("Import AI {number}: {rest}")
    }
}

fn strip_import_ai(title: &str) -> Option<&str> {
    let rest = strip_prefix_ignore_case(title, "import")?;
    let rest = rest.trim_start_matches([' ', '-', '_']);
    let rest = strip_prefix_ignore_case(rest, "ai")?;
    // "Import AIs" or "Import AIM" are other words.
    (!rest.starts_with(char::is_alphabetic)).then_some(rest)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(title: &str) -> Option<u32> {
        issue_of(title).map(|(n, _)| n)
    }

    #[test]
    fn the_titles_of_every_era() {
        assert_eq!(
            issue_of("Import AI 250: Robots, chips and tales"),
            Some((250, "Robots, chips and tales".into()))
        );
        assert_eq!(issue_of("Import AI #250"), Some((250, String::new())));
        assert_eq!(
            issue_of("Import AI: #12: Learning to walk"),
            Some((12, "Learning to walk".into()))
        );
        assert_eq!(
            issue_of("Import AI: #12 Learning to walk"),
            Some((12, "Learning to walk".into()))
        );
        assert_eq!(issue_of("ImportAI 7"), Some((7, String::new())));
        assert_eq!(
            issue_of("import ai 31 – GANs everywhere"),
            Some((31, "GANs everywhere".into()))
        );
        assert_eq!(
            issue_of("Import AI Issue 30: Deep learning on phones"),
            Some((30, "Deep learning on phones".into()))
        );
        assert_eq!(number("Import AI Newsletter #3"), Some(3));
        assert_eq!(number("Import-AI 44: x"), Some(44));
        assert_eq!(number("  Import AI 470:  spaced  "), Some(470));
    }

    #[test]
    fn posts_that_are_not_issues() {
        for title in [
            "Announcing the Import AI podcast",
            "Import AI: a year in review",
            "Import AI 2018in review",
            "Import AIs 12",
            "Import AI 0: nothing",
            "Import AI 123456: too long a number",
            "Why I write Import AI 5 times a month",
            "",
            "Import",
        ] {
            assert_eq!(number(title), None, "{title:?}");
        }
    }

    #[test]
    fn titles_readers_expect() {
        assert_eq!(issue_title(12, "Walk"), "Import AI 12: Walk");
        assert_eq!(issue_title(7, ""), "Import AI 7: Issue 7");
    }
}
