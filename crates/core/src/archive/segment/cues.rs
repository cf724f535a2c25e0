//! Recognisers for the textual cues that structure an issue: headers, separators,
//! footers, the tale heading, settings and the labels of special paragraphs. Each takes
//! a trimmed line of text and works on chars or on `str` positions, never raw offsets.

/// `Import AI 310: <title>` (also `Import AI #310 – <title>`): the number and the title.
pub fn issue_header(line: &str) -> Option<(u32, String)> {
    let rest = strip_prefix_ignore_case(line.trim(), "import ai")?;
    let rest = rest.trim_start().trim_start_matches('#');
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    let number = digits.parse().ok()?;
    let rest = rest[digits.len()..].trim_start();
    let title = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix('–'))
        .or_else(|| rest.strip_prefix('—'))
        .or_else(|| rest.strip_prefix('-'))?
        .trim();
    if title.is_empty() || title.chars().count() > 400 {
        return None;
    }
    Some((number, title.to_string()))
}

/// A line of only `#` (five or more) or `***` (also `* * *` and the escaped `\*\*\*`).
pub fn is_separator(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !c.is_whitespace() && *c != '\\');
    let Some(mark @ ('#' | '*')) = marks.next() else {
        return false;
    };
    let mut count = 1;
    for c in marks {
        if c != mark {
            return false;
        }
        count += 1;
    }
    count >= if mark == '#' { 5 } else { 3 }
}

/// Newsletter and page furniture that is never content: "Thanks for reading!", "Subscribe
/// now", a site's name and menu, WordPress's "Like this:" widget…
pub fn is_footer(line: &str) -> bool {
    const LONGEST_FOOTER_BYTES: usize = 160;
    if line.len() > LONGEST_FOOTER_BYTES {
        return false;
    }
    let lower = line
        .trim()
        .trim_end_matches(['!', '.', ':', '…'])
        .to_lowercase();
    matches!(
        lower.as_str(),
        "subscribe"
            | "subscribe now"
            | "subscribe sign in"
            | "sign in"
            | "leave a comment"
            | "share"
            | "share import ai"
            | "upgrade to paid"
            | "give a gift subscription"
            | "import ai"
            | "about work"
            | "like this"
            | "like"
            | "loading"
            | "related"
            | "« older"
            | "newer »"
    ) || (lower.starts_with("thanks for reading") && lower.chars().count() <= 120)
}

/// Byte offset of the "Welcome to Import AI, …" blurb that opens most issues, when `line`
/// holds it (a page's chrome may come before it on the line).
pub fn welcome_blurb_at(line: &str) -> Option<usize> {
    const WELCOME: &str = "welcome to import ai";
    if strip_prefix_ignore_case(line.trim_start(), WELCOME).is_some() {
        return Some(line.len() - line.trim_start().len());
    }
    line.char_indices()
        .filter(|&(_, c)| c == 'W')
        .map(|(at, _)| at)
        .find(|&at| strip_prefix_ignore_case(&line[at..], WELCOME).is_some())
}

/// Byte offset just past the welcome blurb that starts at `at`: the end of its sentence
/// asking readers to subscribe ("…please subscribe."), else the end of the line.
pub fn welcome_blurb_end(line: &str, at: usize) -> usize {
    let Some(blurb) = line.get(at..) else {
        return line.len();
    };
    let lower = blurb.to_lowercase();
    // Lowercasing may change byte lengths outside ASCII: only trust an ASCII prefix.
    let Some(found) = lower
        .find("subscribe")
        .filter(|&found| blurb.is_char_boundary(found) && lower.len() == blurb.len())
    else {
        return line.len();
    };
    let after = at + found + "subscribe".len();
    let tail = &line[after..];
    let closing = tail
        .char_indices()
        .take_while(|&(_, c)| matches!(c, '.' | '!' | '?' | ')' | '_' | '*'))
        .last()
        .map_or(0, |(index, c)| index + c.len_utf8());
    after + closing
}

/// Length of page chrome glued to the start of a line ("Subscribe now Want to…").
pub fn chrome_prefix_len(line: &str) -> usize {
    for prefix in ["Subscribe now ", "Subscribe "] {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            if rest.starts_with(|c: char| c.is_uppercase()) {
                return line.len() - rest.len();
            }
        }
    }
    0
}

/// "by Jack Clark": an author line.
pub fn is_byline(line: &str) -> bool {
    strip_prefix_ignore_case(line.trim(), "by ").is_some_and(|name| {
        let words = name.split_whitespace().count();
        (1..=4).contains(&words) && !ends_sentence(name)
    })
}

/// A `Label: value` line of a capture or export's metadata (`Source: https://…`,
/// `Published At: 2026-02-09…`, `• URL: …`): a short label and no sentence before the
/// colon.
pub fn is_metadata_line(line: &str) -> bool {
    const MAX_LABEL_WORDS: usize = 3;
    let line = line.trim().trim_start_matches(['•', '-', ' ']);
    let Some((label, value)) = line.split_once(':') else {
        return false;
    };
    let words = label.split_whitespace().count();
    (1..=MAX_LABEL_WORDS).contains(&words)
        && !label.contains(['.', '!', '?', '“', '"', '(', '…'])
        && !value.trim().is_empty()
        && line.chars().count() <= 400
        && (value.trim_start().starts_with("http")
            || super::super::dates::parse(value).is_some()
            || value.trim().starts_with('{'))
}

/// Whether text opens with an ellipsis, `…` or `...`.
pub fn starts_with_ellipsis(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with('…') || text.starts_with("...")
}

/// Whether the text ends where a tool cut it and said so: a trailing `…` or `[…]`.
pub fn ends_with_cut_mark(text: &str) -> bool {
    let text = text.trim_end();
    text.ends_with('…') || text.ends_with("[…]") || text.ends_with("[...]")
}

/// Where a feed's excerpt mark starts at the end of `text`, if it ends with one: `[…]` or
/// `[...]`, "Continue reading" (with an arrow or the post's name after it, as WordPress
/// writes it), or an ellipsis set apart by a space (" …"), which ends a cut, not a word.
pub fn excerpt_cut(text: &str) -> Option<usize> {
    let trimmed = text.trim_end();
    for mark in ["[…]", "[...]", " …", " ..."] {
        if let Some(before) = trimmed.strip_suffix(mark) {
            return Some(before.len());
        }
    }
    // "Continue reading" ends the text, followed at most by the post's name or an arrow.
    const MAX_AFTER_CHARS: usize = 100;
    let at = ["Continue reading", "CONTINUE READING"]
        .iter()
        .filter_map(|mark| trimmed.rfind(mark).map(|at| (at, at + mark.len())))
        .max()?;
    let after = &trimmed[at.1..];
    let ends_there = after.chars().count() <= MAX_AFTER_CHARS
        && !after.trim_end_matches(['…', '.']).contains(['.', '!', '?']);
    ends_there.then_some(at.0)
}

/// `Tech Tales:` / `Tech tales` (any case, colon optional). Returns whatever follows on
/// the same line (a title, when the heading runs on), possibly empty.
pub fn tale_heading(line: &str) -> Option<&str> {
    let rest = strip_prefix_ignore_case(line.trim(), "tech tale")?;
    let rest = rest.strip_prefix(['s', 'S']).unwrap_or(rest);
    let rest = rest.trim_start();
    match rest.strip_prefix(':') {
        Some(after) => Some(after.trim()),
        None if rest.is_empty() => Some(""),
        None => None,
    }
}

/// A bracketed setting such as `[Earth, 2028].`, without brackets or trailing '.'. The
/// closing bracket is sometimes missing in the archive; the line then runs to its end.
/// A glossary entry's term (`[Term]: definition…`) is not a setting.
pub fn setting(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix('[')?;
    let inner = match rest.rfind(']') {
        Some(end) if rest[end + 1..].trim_start().starts_with(':') => return None,
        Some(end) => &rest[..end],
        None => rest,
    };
    let inner = inner.trim().trim_end_matches('.').trim();
    (!inner.is_empty()).then(|| inner.to_string())
}

/// `Why this matters[ – subtitle]: text` → the text after the label. A subtitle is kept as
/// the opening of the text ("Houston, we have a problem: Because…"), as it reads well and
/// carries meaning; a bare label's colon (or '?') and a "#2" counter are dropped.
pub fn why_it_matters(line: &str) -> Option<&str> {
    let rest = strip_prefix_ignore_case(line.trim(), "why this matters")?;
    let rest = rest.trim_start();
    let rest = match rest.strip_prefix('#') {
        Some(counted) => counted.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let rest = rest.trim_start();
    let text = if let Some(after) = rest.strip_prefix([':', '?']) {
        after
    } else if let Some(after) = rest.strip_prefix(['–', '—', '-']) {
        after
    } else if rest.is_empty() {
        rest
    } else {
        return None; // "Why this matters so much is…": an ordinary sentence.
    };
    Some(text.trim())
}

/// `Things that inspired this story: …` → the text after the label.
pub fn inspired_by(line: &str) -> Option<&str> {
    let rest = strip_prefix_ignore_case(line.trim(), "things that inspired this story")?;
    Some(rest.trim_start().trim_start_matches(':').trim())
}

/// Whether text ends a sentence: '.', '!', '?', '…', possibly inside closing quotes or
/// brackets.
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_'])
        .ends_with(['.', '!', '?', '…'])
}

/// `text` without `prefix`, compared ignoring ASCII case.
pub fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_number_and_title() {
        assert_eq!(
            issue_header("Import AI 310: AlphaZero; demoscene AI."),
            Some((310, "AlphaZero; demoscene AI.".to_string()))
        );
        assert_eq!(issue_header("Import AI #5 – Hi"), Some((5, "Hi".into())));
        assert_eq!(issue_header("Import AI"), None);
        assert_eq!(issue_header("Import AI 310"), None);
        assert_eq!(issue_header("Import AIs are great: 3"), None);
        assert_eq!(issue_header("Importé"), None);
    }

    #[test]
    fn separators_of_hashes_and_stars() {
        for line in ["#####", &"#".repeat(52), "***", " * * * ", "\\*\\*\\*"] {
            assert!(is_separator(line), "{line}");
        }
        for line in ["##", "#1", "**bold**", "", "* item"] {
            assert!(!is_separator(line), "{line}");
        }
    }

    #[test]
    fn tale_headings_in_any_case() {
        assert_eq!(tale_heading("Tech Tales:"), Some(""));
        assert_eq!(tale_heading("Tech tales"), Some(""));
        assert_eq!(tale_heading("TECH TALES: The Title"), Some("The Title"));
        assert_eq!(tale_heading("Tech talent is scarce"), None);
    }

    #[test]
    fn settings_with_and_without_closing_bracket() {
        assert_eq!(setting("[Earth, 2028]."), Some("Earth, 2028".into()));
        assert_eq!(setting("[Bay Area, 2029] "), Some("Bay Area, 2029".into()));
        assert_eq!(
            setting("[2050: Narrative. "),
            Some("2050: Narrative".into())
        );
        assert_eq!(setting("Earth"), None);
    }

    #[test]
    fn why_it_matters_labels() {
        assert_eq!(why_it_matters("Why this matters: X."), Some("X."));
        assert_eq!(why_it_matters("Why this matters : X."), Some("X."));
        assert_eq!(why_it_matters("Why this matters? X."), Some("X."));
        assert_eq!(
            why_it_matters("Why this matters – sub title: X."),
            Some("sub title: X.")
        );
        assert_eq!(
            why_it_matters("Why this matters #2: Sub: X."),
            Some("Sub: X.")
        );
        assert_eq!(why_it_matters("Why this matters so much"), None);
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("It works."));
        assert!(ends_sentence("“It works!”"));
        assert!(ends_sentence("(Nature)."));
        assert!(!ends_sentence("and then"));
        assert!(!ends_sentence("(arXiv)"));
    }
}
