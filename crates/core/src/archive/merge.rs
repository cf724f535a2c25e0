//! One issue read from several carriers (a Substack export and a WordPress page, a single
//! post and a homepage holding it): the fullest reading is kept, and what only another copy
//! has is added to it.
//!
//! **Fullness** is a score: 3 points per section, 1 per link item and 2 more per link with
//! a URL, 10 for a tale (plus 1 for its setting and 1 for what inspired it), 2 for a date
//! and 2 for a URL. The copy with the highest score is kept; on a tie, the one that changed
//! last (the copies come in the order they last changed), so that a correction read again
//! from the same carrier, such as an issue edited in the feed, is shown.
//!
//! **Merging** fills, from the other copies in order of fullness, only what the kept one
//! lacks: the tale (or the whole of a tale it has cut off), the date, the URL, the editor's note, a link's URL (matched by the link's title), a
//! section's teaser or "why this matters" (matched by the section's title). Mentions are
//! the union of all copies'. Sections, their bodies and the title are the kept copy's.

use std::fmt;

use super::model::{Issue, Link};

/// One carrier's reading of an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// The source it was read from (a path or URL); empty when the source had no name.
    pub source: String,
    pub issue: Issue,
}

/// How full a reading is: what the score counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fullness {
    pub sections: usize,
    pub links: usize,
    pub link_urls: usize,
    pub tale: bool,
    pub setting: bool,
    pub inspired_by: bool,
    pub date: bool,
    pub url: bool,
}

impl Fullness {
    pub fn of(issue: &Issue) -> Fullness {
        let links = issue.sections.iter().flat_map(|section| &section.links);
        Fullness {
            sections: issue.sections.len(),
            links: links.clone().count(),
            link_urls: links.filter(|link| link.url.is_some()).count(),
            tale: issue.tale.is_some(),
            setting: issue.tale.as_ref().is_some_and(|t| t.setting.is_some()),
            inspired_by: issue.tale.as_ref().is_some_and(|t| t.inspired_by.is_some()),
            date: issue.published.is_some(),
            url: issue.url.is_some(),
        }
    }

    pub fn score(&self) -> usize {
        3 * self.sections
            + self.links
            + 2 * self.link_urls
            + 10 * usize::from(self.tale)
            + usize::from(self.setting)
            + usize::from(self.inspired_by)
            + 2 * usize::from(self.date)
            + 2 * usize::from(self.url)
    }
}

impl fmt::Display for Fullness {
    /// `7 sections, 31 link URLs, a tale, a date, a URL`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut parts = vec![
            plural(self.sections, "section"),
            plural(self.link_urls, "link URL"),
        ];
        for (has, what) in [
            (self.tale, "a tale"),
            (self.date, "a date"),
            (self.url, "a URL"),
        ] {
            if has {
                parts.push(what.to_owned());
            }
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// The merged issue and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub issue: Issue,
    /// The source of the copy kept as the base.
    pub kept: String,
    pub kept_fullness: Fullness,
    /// What other copies added: `("tale", source)`, `("3 link URLs", source)`, …
    pub added: Vec<(String, String)>,
}

/// Merges the copies of one issue (at least one; all with the same number), given in the
/// order they last changed, oldest first.
pub fn merge(copies: &[Copy]) -> Option<Merged> {
    let mut ranked: Vec<(usize, &Copy)> = copies.iter().enumerate().collect();
    ranked.sort_by(|(age_a, a), (age_b, b)| {
        let (fa, fb) = (Fullness::of(&a.issue), Fullness::of(&b.issue));
        fb.score().cmp(&fa.score()).then_with(|| age_b.cmp(age_a))
    });
    let ranked: Vec<&Copy> = ranked.into_iter().map(|(_, copy)| copy).collect();
    let (base, others) = ranked.split_first()?;
    let mut issue = base.issue.clone();
    let mut added = Vec::new();
    for other in others {
        for what in fill_from(&mut issue, &other.issue) {
            added.push((what, other.source.clone()));
        }
    }
    Some(Merged {
        kept_fullness: Fullness::of(&base.issue),
        kept: base.source.clone(),
        issue,
        added,
    })
}

/// Fills what `issue` lacks from `other`; returns what was added, for the report.
fn fill_from(issue: &mut Issue, other: &Issue) -> Vec<String> {
    let mut added = Vec::new();
    if issue.tale.is_none() && other.tale.is_some() {
        issue.tale = other.tale.clone();
        added.push("tale".to_owned());
    }
    // A copy that holds the whole tale beats one that cut it off.
    let cut = |issue: &Issue| issue.tale.as_ref().is_some_and(|tale| tale.partial);
    if cut(issue) && other.tale.is_some() && !cut(other) {
        issue.tale = other.tale.clone();
        added.push("whole tale".to_owned());
    }
    if issue.published.is_none() && other.published.is_some() {
        issue.published = other.published;
        added.push("date".to_owned());
    }
    if issue.url.is_none() && other.url.is_some() {
        issue.url = other.url.clone();
        added.push("URL".to_owned());
    }
    if issue.subtitle.is_none() && other.subtitle.is_some() {
        issue.subtitle = other.subtitle.clone();
        added.push("subtitle".to_owned());
    }
    if issue.note.is_none() && other.note.is_some() {
        issue.note = other.note.clone();
        added.push("note".to_owned());
    }
    let mut urls = 0;
    let mut details = 0;
    for section in &mut issue.sections {
        let same = other
            .sections
            .iter()
            .find(|theirs| same_words(&theirs.title, &section.title));
        if let Some(theirs) = same {
            if section.teaser.is_none() && theirs.teaser.is_some() {
                section.teaser = theirs.teaser.clone();
                details += 1;
            }
            if section.why_it_matters.is_none() && theirs.why_it_matters.is_some() {
                section.why_it_matters = theirs.why_it_matters.clone();
                details += 1;
            }
        }
        for link in section.links.iter_mut().filter(|link| link.url.is_none()) {
            if let Some(url) = url_for(link, other) {
                link.url = Some(url);
                urls += 1;
            }
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if urls > 0 {
        added.push(plural(urls, "link URL"));
    }
    if details > 0 {
        added.push(plural(details, "teaser or why-it-matters"));
    }
    let mut mentions = issue.mentions.clone();
    mentions.extend(&other.mentions);
    mentions.sort_unstable();
    mentions.dedup();
    issue.mentions = mentions;
    added
}

/// The URL another copy gives a link with the same title.
fn url_for(link: &Link, other: &Issue) -> Option<String> {
    other
        .sections
        .iter()
        .flat_map(|section| &section.links)
        .find(|theirs| theirs.url.is_some() && same_words(&theirs.title, &link.title))
        .and_then(|theirs| theirs.url.clone())
}

/// Whether two texts have the same words, whatever their quotes, dashes, case and spacing
/// (carriers differ in `'` and `’`, `-` and `–`).
fn same_words(a: &str, b: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::model::{Section, Tale};

    fn link(title: &str, url: Option<&str>) -> Link {
        Link {
            label: "Read more".into(),
            title: title.into(),
            source: None,
            url: url.map(Into::into),
            at: None,
        }
    }

    fn issue(links: Vec<Link>, tale: bool) -> Issue {
        Issue {
            number: 7,
            title: "Seven".into(),
            published: None,
            url: None,
            subtitle: None,
            note: None,
            sections: vec![Section {
                position: 1,
                title: "Heading".into(),
                teaser: None,
                summary: "Body.".into(),
                why_it_matters: None,
                body: "Body.".into(),
                links,
            }],
            tale: tale.then(|| Tale {
                title: "T".into(),
                setting: None,
                body: "Story.".into(),
                inspired_by: None,
                partial: false,
            }),
            mentions: vec![],
        }
    }

    fn copy(source: &str, issue: Issue) -> Copy {
        Copy {
            source: source.into(),
            issue,
        }
    }

    #[test]
    fn the_fuller_copy_is_kept_and_the_other_fills_its_gaps() {
        let with_urls = issue(vec![link("A paper (arXiv)", Some("https://a"))], false);
        let mut with_tale = issue(vec![link("A paper (arXiv)", None)], true);
        with_tale.published = chrono::NaiveDate::from_ymd_opt(2026, 3, 9);
        let copies = [copy("b.md", with_tale.clone()), copy("a.md", with_urls)];
        let merged = merge(&copies).unwrap();
        // 3 + 1 + 10 + 2 = 16 for the tale's copy against 3 + 1 + 2 = 6.
        assert_eq!(merged.kept, "b.md");
        assert_eq!(
            merged.issue.sections[0].links[0].url.as_deref(),
            Some("https://a")
        );
        assert_eq!(merged.added, [("1 link URL".to_owned(), "a.md".to_owned())]);
        let reversed = [copies[1].clone(), copies[0].clone()];
        assert_eq!(merge(&reversed), Some(merged));
    }

    #[test]
    fn equal_copies_keep_the_first_source_name() {
        let one = issue(vec![], true);
        let merged = merge(&[copy("z.txt", one.clone()), copy("a.txt", one.clone())]).unwrap();
        assert_eq!(merged.kept, "a.txt");
        assert!(merged.added.is_empty());
        assert_eq!(merged.issue, one);
    }

    #[test]
    fn titles_match_across_quote_and_dash_styles() {
        assert!(same_words("Google’s chip – AI", "google's chip - AI"));
        assert!(!same_words("", ""));
    }
}
