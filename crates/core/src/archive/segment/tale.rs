//! The tale that closes an issue: optional "Tech Tales" heading, a title, a bracketed
//! setting before or after the title (or none), the story, and what inspired it.

use super::cues;
use super::Unit;
use crate::archive::Tale;

/// Longest line still read as a tale title rather than as the story's first line.
const MAX_TITLE_CHARS: usize = 200;

/// A tale whose heading or title came but whose story did not is cut off.
#[derive(Debug)]
pub struct ParsedTale {
    pub tale: Tale,
    pub has_story: bool,
}

/// Reads the tale in `units`. `None` if there is nothing but (at most) a heading.
pub fn parse(units: &[Unit]) -> Option<ParsedTale> {
    let mut lines: Vec<(bool, String)> = units
        .iter()
        .map(|unit| (unit.para_start, unit.line.text.trim().to_string()))
        .collect();
    if let Some(after_heading) = lines.first().and_then(|(_, text)| cues::tale_heading(text)) {
        let after_heading = after_heading.to_string();
        if after_heading.is_empty() {
            lines.remove(0);
        } else {
            lines[0] = (true, after_heading);
        }
    }

    let mut rest = lines.into_iter().peekable();
    let mut title = None;
    let mut setting = None;
    // A setting and a title lead, in either order; a title may be absent.
    for _ in 0..2 {
        let Some((_, text)) = rest.peek() else { break };
        if setting.is_none() {
            if let Some(found) = cues::setting(text) {
                setting = Some(found);
                rest.next();
                continue;
            }
        }
        let is_title = title.is_none()
            && text.chars().count() <= MAX_TITLE_CHARS
            && cues::inspired_by(text).is_none();
        if !is_title {
            break;
        }
        // Title and setting on one line: "The Title [Earth, 2028]".
        let (title_text, inline_setting) = match text.find(" [") {
            Some(at) if setting.is_none() => (&text[..at], cues::setting(&text[at..])),
            _ => (text.as_str(), None),
        };
        let title_text = match inline_setting {
            Some(_) => title_text,
            None => text.as_str(),
        };
        title = Some(clean_title(title_text));
        if inline_setting.is_some() {
            setting = inline_setting;
        }
        rest.next();
    }

    let mut paragraphs: Vec<String> = Vec::new();
    let mut inspired_by: Option<String> = None;
    for (para_start, text) in rest {
        if let Some(inspired) = &mut inspired_by {
            // A label alone on its paragraph is followed by the inspirations; anything
            // after them is not the story.
            if para_start && !inspired.is_empty() {
                break;
            }
            if !inspired.is_empty() {
                inspired.push(' ');
            }
            inspired.push_str(&text);
            continue;
        }
        if let Some(found) = cues::inspired_by(&text) {
            inspired_by = Some(found.to_string());
            continue;
        }
        match paragraphs.last_mut() {
            Some(paragraph) if !para_start => {
                paragraph.push('\n');
                paragraph.push_str(&text);
            }
            _ => paragraphs.push(text),
        }
    }

    if title.is_none() && paragraphs.is_empty() && inspired_by.is_none() {
        return None;
    }
    let cut_marked = strip_cut_mark(&mut paragraphs);
    let has_story = !paragraphs.is_empty();
    // A story that stops mid-sentence with nothing after it was cut off; one followed by
    // what inspired it ran to its end.
    let stops_short = inspired_by.is_none()
        && !paragraphs
            .last()
            .is_some_and(|paragraph| cues::ends_sentence(paragraph));
    Some(ParsedTale {
        tale: Tale {
            title: title.unwrap_or_default(),
            setting,
            body: paragraphs.join("\n\n"),
            inspired_by: inspired_by.filter(|text| !text.is_empty()),
            partial: cut_marked || stops_short,
        },
        has_story,
    })
}

/// Removes the mark a feed puts where it cut an excerpt ("[…]", "Continue reading", a
/// spaced " …") from the end of the story; whether there was one.
fn strip_cut_mark(paragraphs: &mut Vec<String>) -> bool {
    let Some(last) = paragraphs.last_mut() else {
        return false;
    };
    let Some(at) = cues::excerpt_cut(last) else {
        return false;
    };
    last.truncate(at);
    let kept = last.trim_end().len();
    last.truncate(kept);
    if last.is_empty() {
        paragraphs.pop();
    }
    true
}

/// A title without markup left over or a trailing colon.
fn clean_title(text: &str) -> String {
    text.trim()
        .trim_matches(['*', '_'])
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(paragraphs: &[&str]) -> Vec<Unit> {
        super::super::units_of(paragraphs)
    }

    fn tale(paragraphs: &[&str]) -> Tale {
        parse(&units(paragraphs)).unwrap().tale
    }

    #[test]
    fn heading_title_setting_story_inspiration() {
        let t = tale(&[
            "Tech Tales:",
            "God Complex",
            "[Earth, 2028].",
            "Once.",
            "“Hi.”\n“Bye.”",
            "Things that inspired this story: Faith; apps.",
        ]);
        assert_eq!(t.title, "God Complex");
        assert_eq!(t.setting.as_deref(), Some("Earth, 2028"));
        assert_eq!(t.body, "Once.\n\n“Hi.”\n“Bye.”");
        assert_eq!(t.inspired_by.as_deref(), Some("Faith; apps."));
    }

    #[test]
    fn setting_before_title_and_no_heading() {
        let t = tale(&["[Bay Area, 2029]", "Treacherous Turn", "Story."]);
        assert_eq!(t.title, "Treacherous Turn");
        assert_eq!(t.setting.as_deref(), Some("Bay Area, 2029"));
        assert_eq!(t.body, "Story.");
        assert_eq!(t.inspired_by, None);
    }

    #[test]
    fn title_and_setting_on_one_line_and_a_glossary_that_is_no_setting() {
        let t = tale(&["Tech Tales:", "The Title [Earth, 2028]", "Story."]);
        assert_eq!(t.title, "The Title");
        assert_eq!(t.setting.as_deref(), Some("Earth, 2028"));
        let t = tale(&[
            "Glossary",
            "[Uplift]: the time after.",
            "[Accords]: a treaty.",
        ]);
        assert_eq!(t.setting, None);
        assert_eq!(t.body, "[Uplift]: the time after.\n\n[Accords]: a treaty.");
    }

    #[test]
    fn an_inspirations_label_alone_takes_the_next_paragraph() {
        let t = tale(&[
            "T",
            "Story.",
            "Things that inspired this story:",
            "Faith; apps.",
            "Thanks",
        ]);
        assert_eq!(t.inspired_by.as_deref(), Some("Faith; apps."));
    }

    #[test]
    fn no_setting_and_a_poem() {
        let t = tale(&["Tech tales", "Sentience", "Line one", "Line two"]);
        assert_eq!(t.title, "Sentience");
        assert_eq!(t.setting, None);
        assert_eq!(t.body, "Line one\n\nLine two");
    }
}
