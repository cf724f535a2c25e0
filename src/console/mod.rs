//! Replies as terminal text, for `ask`.
//!
//! Discord Markdown is reduced to plain text; each control is shown as the `ask` command
//! that does the same, so a terminal reader can follow it. Control characters are
//! dropped: a query or an archived text holding escape sequences must not move the
//! cursor, retitle the window or smuggle links into the reader's terminal.

pub mod ask;

use crate::answers::{Card, Control, Question, Reply};

/// The reply as plain text, ending in a newline.
pub fn render(reply: &Reply) -> String {
    let mut out = String::new();
    if let Some(content) = &reply.content {
        out.push_str(&plain(content));
        out.push_str("\n\n");
    }
    for card in &reply.cards {
        render_card(card, &mut out);
    }
    // (what, how): a menu option and a button may open the same thing; it is listed once.
    let mut next_steps: Vec<(String, String)> = Vec::new();
    let mut add = |label: &str, how: String| {
        if !next_steps.iter().any(|(_, known)| *known == how) {
            next_steps.push((plain(label), how));
        }
    };
    for control in &reply.controls {
        match control {
            Control::Button { label, target } => add(label, ask_command(&Question::from(*target))),
            Control::Trend { label, query } => {
                add(label, ask_command(&Question::Trend(query.to_ask())))
            }
            Control::Menu { options, .. } => {
                for option in options {
                    add(&option.label, ask_command(&Question::from(option.target)));
                }
            }
        }
    }
    for link in &reply.links {
        add(&link.label, link.url.clone());
    }
    if !next_steps.is_empty() {
        out.push_str("More:\n");
        for (what, how) in next_steps {
            out.push_str(&format!("  {what}: {how}\n"));
        }
    }
    let mut out = without_controls(&out);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// `text` without control characters (C0, DEL, C1) other than newline and tab.
fn without_controls(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

fn render_card(card: &Card, out: &mut String) {
    if let Some(author) = &card.author {
        out.push_str(&format!("{}\n", plain(author)));
    }
    if !card.title.is_empty() {
        let title = plain(&card.title);
        out.push_str(&format!(
            "{title}\n{}\n",
            "=".repeat(title.chars().count().min(78))
        ));
    }
    if let Some(url) = &card.url {
        out.push_str(&format!("{url}\n"));
    }
    if !card.description.is_empty() {
        out.push_str(&format!("\n{}\n", plain(&card.description)));
    }
    for field in &card.fields {
        out.push_str(&format!(
            "\n{}:\n{}\n",
            plain(&field.name),
            plain(&field.value)
        ));
    }
    if let Some(footer) = &card.footer {
        out.push_str(&format!("\n— {}\n", plain(footer)));
    }
    out.push('\n');
}

/// The `ask` command that answers what a control opens.
fn ask_command(question: &Question) -> String {
    match question.clone() {
        Question::Issue(n) => format!("ask issue {n}"),
        Question::Section { issue, position } => format!("ask section {issue} {position}"),
        Question::SectionText {
            issue,
            position,
            page: 1,
        } => format!("ask section {issue} {position} --full"),
        Question::SectionText {
            issue,
            position,
            page,
        } => format!("ask section {issue} {position} --full --page {page}"),
        Question::Tale { issue, page } => match (issue, page) {
            (Some(n), 1) => format!("ask tale --issue {n}"),
            (Some(n), page) => format!("ask tale --issue {n} --page {page}"),
            (None, _) => "ask tale".into(),
        },
        Question::RandomTale { .. } => "ask tale".into(),
        Question::Links { issue, page: 1 } => format!("ask links {issue}"),
        Question::Links { issue, page } => format!("ask links {issue} --page {page}"),
        Question::Search(asked) => {
            let mut command = format!("ask search {:?}", asked.text);
            if let Some(from) = asked.years.from {
                command.push_str(&format!(" --from {from}"));
            }
            if let Some(to) = asked.years.to {
                command.push_str(&format!(" --to {to}"));
            }
            command
        }
        Question::Trend(ask) => {
            let mut command = format!("ask trend {:?} --per {}", ask.terms, ask.per.as_str());
            for (flag, year) in [("from", ask.from), ("to", ask.to)] {
                if let Some(year) = year {
                    command.push_str(&format!(" --{flag} {year}"));
                }
            }
            command
        }
        Question::Latest => "ask latest".into(),
        Question::About => "ask about".into(),
    }
}

/// Discord Markdown as plain text: bold and italic markers and escapes removed, masked links
/// shown as "text <url>".
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Where an unescaped '[' was held back, in case it opens a masked link.
    let mut open_bracket: Option<usize> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '*' => {}
            '[' => open_bracket = Some(out.len()),
            ']' if open_bracket.is_some() && chars.peek() == Some(&'(') => {
                open_bracket = None;
                chars.next();
                out.push_str(" <");
                // `(<url>)`, Discord's form that shows no preview, and `(url)` alike.
                let angled = chars.peek() == Some(&'<');
                if angled {
                    chars.next();
                }
                for c in chars.by_ref() {
                    if c == ')' && !angled {
                        break;
                    }
                    if c == '>' && angled {
                        chars.next_if_eq(&')');
                        break;
                    }
                    out.push(c);
                }
                out.push('>');
            }
            ']' => {
                if let Some(at) = open_bracket.take() {
                    out.insert(at, '[');
                }
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    if let Some(at) = open_bracket {
        out.insert(at, '[');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Target;

    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        let hostile = "a\u{1b}]0;owned\u{7}b\u{1b}[31mc\u{9b}2Jd\u{7f}";
        let reply = Reply::notice(hostile, hostile);
        let text = render(&reply);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("a]0;ownedb[31mc2Jd"), "{text:?}");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            plain("**Bold** \\*star\\* [CICERO (Meta)](https://x.y/z) *it*"),
            "Bold *star* CICERO (Meta) <https://x.y/z> it"
        );
        assert_eq!(
            plain("read [a blog (Wei)](<https://x.y/(1)>) now"),
            "read a blog (Wei) <https://x.y/(1)> now"
        );
        assert_eq!(
            plain("*[Earth, 2028]* [unclosed"),
            "[Earth, 2028] [unclosed"
        );
    }

    #[test]
    fn controls_become_ask_commands() {
        assert_eq!(
            ask_command(&Question::from(Target::Section {
                issue: 310,
                position: 2
            })),
            "ask section 310 2"
        );
        assert_eq!(
            ask_command(&Question::from(Target::Tale {
                issue: 304,
                page: 2
            })),
            "ask tale --issue 304 --page 2"
        );
        assert_eq!(
            ask_command(&Question::from(Target::SectionText {
                issue: 310,
                position: 2,
                page: 3
            })),
            "ask section 310 2 --full --page 3"
        );
    }
}
