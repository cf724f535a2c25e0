//! Small text helpers shared by the answers: Markdown escaping, plurals, link lines.

use crate::archive::Link;

/// `text` with Discord Markdown's special characters escaped, for text we wrap in styling.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '_' | '~' | '`' | '|' | '[' | ']' | '\\' | '>' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// "1 link", "3 links".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A link as one line: masked where its URL is known, "title (source)" otherwise; after
/// its label ("Read more: "), which a link in the text has not.
pub fn link_line(link: &Link) -> String {
    let text = match &link.source {
        Some(source) => format!("{} ({source})", link.title),
        None => link.title.clone(),
    };
    let text = escape_markdown(&text);
    let label = if link.label.is_empty() {
        String::new()
    } else {
        format!("{}: ", link.label)
    };
    match &link.url {
        Some(url) if crate::answers::limits::is_acceptable_url(url, 512) => {
            format!("• {label}[{text}]({url})")
        }
        _ => format!("• {label}{text}"),
    }
}

/// "#304, #307", or None for no issues.
pub fn issue_list(numbers: &[u32]) -> Option<String> {
    (!numbers.is_empty()).then(|| {
        numbers
            .iter()
            .map(|n| format!("#{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(escape_markdown("a*b_[c]"), "a\\*b\\_\\[c\\]");
    }

    #[test]
    fn links_are_masked_only_with_a_usable_url() {
        let mut link = Link {
            label: "Read more".into(),
            title: "CICERO".into(),
            source: Some("Meta".into()),
            url: Some("https://ai.facebook.com/cicero".into()),
            at: None,
        };
        assert_eq!(
            link_line(&link),
            "• Read more: [CICERO (Meta)](https://ai.facebook.com/cicero)"
        );
        link.url = Some("javascript:alert(1)".into());
        assert_eq!(link_line(&link), "• Read more: CICERO (Meta)");
    }
}
