//! Discord's message limits, enforced in this one place.
//!
//! Every reply passes through [`enforce`] before anyone renders it. Answers page long
//! content themselves with [`split_pages`]; `enforce` is the last guard, so that no body ever
//! earns a 400 ("The application did not respond"). Lengths are counted in UTF-16 code
//! units, which is never less than Discord's count, so text that fits here fits there.
//! Cuts happen at char boundaries, at word boundaries where there is one, and end in '…'.

use super::reply::{Card, Control, Field, LinkButton, Reply};
use std::collections::HashSet;
use std::ops::Range;

pub const CONTENT: usize = 2000;
pub const EMBEDS: usize = 10;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const AUTHOR: usize = 256;
pub const EMBEDS_TOTAL: usize = 6000;
pub const URL: usize = 2048;
pub const ACTION_ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const BUTTON_LABEL: usize = 80;
pub const BUTTON_URL: usize = 512;
pub const CUSTOM_ID: usize = 100;
pub const MENU_OPTIONS: usize = 25;
pub const MENU_OPTION_LABEL: usize = 100;
pub const MENU_OPTION_DESCRIPTION: usize = 100;
pub const MENU_PLACEHOLDER: usize = 150;
pub const AUTOCOMPLETE_CHOICES: usize = 25;
pub const CHOICE_NAME: usize = 100;
/// An attachment's alt text.
pub const ATTACHMENT_DESCRIPTION: usize = 1024;
/// The largest file a bot may upload to any server (servers without boosts).
pub const ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Discord requires non-empty field names and values; this invisible character stands in.
const BLANK: &str = "\u{200b}";
const ELLIPSIS: char = '…';

/// Length as Discord may count it: UTF-16 code units (an emoji counts 2).
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` cut to at most `max` units, at a word boundary where one is near, ending in '…'.
pub fn shorten(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let room = max - ELLIPSIS.len_utf16();
    let head = prefix_within(text, room);
    let cut = word_cut(head).unwrap_or(head);
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-".contains(c));
    format!("{cut}{ELLIPSIS}")
}

/// The longest prefix of `text` within `max` UTF-16 units, ending on a char boundary.
fn prefix_within(text: &str, max: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &text[..at];
        }
    }
    text
}

/// `head` without its last, possibly cut, word; None when that would lose most of it.
fn word_cut(head: &str) -> Option<&str> {
    let at = head.rfind(char::is_whitespace)?;
    (at >= head.len() / 2).then(|| &head[..at])
}

/// `text` split into pages of at most `max` units each, at paragraph, then sentence, then
/// word boundaries; a single word longer than a page is split between chars. Nothing is
/// dropped but the whitespace at the cuts. Empty text gives one empty page.
pub fn split_pages(text: &str, max: usize) -> Vec<String> {
    split_pages_keeping(text, max, &[])
}

/// As [`split_pages`], but never cutting inside one of `whole` (ascending byte ranges of
/// `text`: masked links, link lines), unless one starts a page and is longer than it.
pub fn split_pages_keeping(text: &str, max: usize, whole: &[Range<usize>]) -> Vec<String> {
    assert!(max >= 2, "a page must hold at least one character");
    let mut pages = Vec::new();
    let mut rest = text.trim();
    loop {
        // Only a page's worth is measured each time, so paging is linear in the text.
        let head = prefix_within(rest, max);
        if head.len() == rest.len() {
            pages.push(rest.to_owned());
            return pages;
        }
        let base = rest.as_ptr() as usize - text.as_ptr() as usize;
        let mut cut = best_cut(head);
        // The first range that ends after the cut: the cut is inside it if it starts before.
        let inside = whole
            .get(whole.partition_point(|range| range.end <= base + cut))
            .filter(|range| range.start < base + cut && range.start > base);
        if let Some(range) = inside {
            cut = range.start - base;
        }
        pages.push(head[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
}

/// Where to end a page within `head`: after the last paragraph break in its second half, else
/// after the last sentence end there, else at the last space, else all of `head`.
fn best_cut(head: &str) -> usize {
    let half = head.len() / 2;
    if let Some(at) = head.rfind("\n\n").filter(|&at| at >= half) {
        return at;
    }
    let sentence_end = head
        .char_indices()
        .rev()
        .take_while(|&(at, _)| at >= half)
        .filter(|&(_, c)| matches!(c, '.' | '!' | '?' | '…' | '"' | '”' | '’'))
        .map(|(at, c)| at + c.len_utf8())
        .find(|&end| head[end..].starts_with(char::is_whitespace));
    if let Some(end) = sentence_end {
        return end;
    }
    match head.rfind(char::is_whitespace).filter(|&at| at > 0) {
        Some(at) => at,
        None => head.len(),
    }
}

/// A URL Discord accepts in an embed or a link button: http(s), no whitespace, not too long.
pub fn is_acceptable_url(url: &str, max: usize) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.len() <= max
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The reply made to fit every limit of one Discord message.
pub fn enforce(mut reply: Reply) -> Reply {
    reply.content = reply
        .content
        .map(|c| shorten(&c, CONTENT))
        .filter(|c| !c.trim().is_empty());
    reply.cards.truncate(EMBEDS);
    let mut budget = EMBEDS_TOTAL;
    for card in &mut reply.cards {
        fit_card(card, &mut budget);
    }
    reply.links = fit_links(reply.links);
    reply.controls = fit_controls(reply.controls);
    fit_rows(&mut reply);
    fit_attachment(&mut reply);
    if reply.content.is_none() && reply.cards.is_empty() {
        // Discord rejects an empty message; say so rather than send nothing.
        reply.content = Some("Nothing to show.".to_owned());
    }
    reply
}

/// Fit one card to its own limits and to what is left of the message's total `budget`.
fn fit_card(card: &mut Card, budget: &mut usize) {
    card.title = shorten(&card.title, EMBED_TITLE.min(*budget));
    take(budget, &card.title);
    card.author = card
        .author
        .take()
        .map(|a| shorten(&a, AUTHOR.min(*budget)))
        .filter(|a| !a.is_empty());
    if let Some(author) = &card.author {
        take(budget, author);
    }
    card.footer = card
        .footer
        .take()
        .map(|f| shorten(&f, FOOTER.min(*budget)))
        .filter(|f| !f.is_empty());
    if let Some(footer) = &card.footer {
        take(budget, footer);
    }
    card.url = card.url.take().filter(|u| is_acceptable_url(u, URL));
    card.description = shorten(&card.description, EMBED_DESCRIPTION.min(*budget));
    take(budget, &card.description);
    card.fields.truncate(EMBED_FIELDS);
    let mut kept = Vec::with_capacity(card.fields.len());
    for field in card.fields.drain(..) {
        match fit_field(field, *budget) {
            Some(field) => {
                take(budget, &field.name);
                take(budget, &field.value);
                kept.push(field);
            }
            None => break,
        }
    }
    card.fields = kept;
}

/// The field within its limits and `budget`, or None when not even a short one fits.
fn fit_field(field: Field, budget: usize) -> Option<Field> {
    const SMALLEST_USEFUL: usize = 16;
    let name = non_blank(shorten(&field.name, FIELD_NAME));
    let room = budget.checked_sub(discord_len(&name))?;
    let value = non_blank(shorten(&field.value, FIELD_VALUE.min(room)));
    if discord_len(&value) > room || (room < SMALLEST_USEFUL && value != field.value) {
        return None;
    }
    Some(Field {
        name,
        value,
        inline: field.inline,
    })
}

fn non_blank(text: String) -> String {
    if text.trim().is_empty() {
        BLANK.to_owned()
    } else {
        text
    }
}

fn take(budget: &mut usize, text: &str) {
    *budget = budget.saturating_sub(discord_len(text));
}

fn fit_links(links: Vec<LinkButton>) -> Vec<LinkButton> {
    let mut seen = HashSet::new();
    links
        .into_iter()
        .filter(|l| is_acceptable_url(&l.url, BUTTON_URL) && seen.insert(l.url.clone()))
        .map(|l| LinkButton {
            label: non_blank(shorten(&l.label, BUTTON_LABEL)),
            url: l.url,
        })
        .collect()
}

/// Controls within their limits, with every custom_id unique in the message (Discord
/// rejects duplicates) and every menu option value unique in its menu.
fn fit_controls(controls: Vec<Control>) -> Vec<Control> {
    let mut ids = HashSet::new();
    controls
        .into_iter()
        .filter_map(|control| match control {
            Control::Button { label, target } => {
                let id = target.to_string();
                (id.len() <= CUSTOM_ID && ids.insert(id)).then(|| Control::Button {
                    label: non_blank(shorten(&label, BUTTON_LABEL)),
                    target,
                })
            }
            Control::Trend { label, query } => {
                let id = query.custom_id();
                (discord_len(&id) <= CUSTOM_ID && ids.insert(id)).then(|| Control::Trend {
                    label: non_blank(shorten(&label, BUTTON_LABEL)),
                    query,
                })
            }
            Control::Menu {
                id,
                placeholder,
                options,
            } => {
                let mut values = HashSet::new();
                let options: Vec<_> = options
                    .into_iter()
                    .filter(|o| values.insert(o.target))
                    .take(MENU_OPTIONS)
                    .map(|mut o| {
                        o.label = non_blank(shorten(&o.label, MENU_OPTION_LABEL));
                        o.description = o
                            .description
                            .map(|d| shorten(&d, MENU_OPTION_DESCRIPTION))
                            .filter(|d| !d.trim().is_empty());
                        o
                    })
                    .collect();
                (!options.is_empty() && ids.insert(id.custom_id().to_owned())).then(|| {
                    Control::Menu {
                        id,
                        placeholder: shorten(&placeholder, MENU_PLACEHOLDER),
                        options,
                    }
                })
            }
        })
        .collect()
}

/// Alt text within its limit; a file too large to upload is dropped, and the card says so
/// rather than point at a missing image.
fn fit_attachment(reply: &mut Reply) {
    let Some(attachment) = &mut reply.attachment else {
        return;
    };
    attachment.description = shorten(&attachment.description, ATTACHMENT_DESCRIPTION);
    if attachment.bytes.len() > ATTACHMENT_BYTES {
        reply.attachment = None;
        reply.content = Some("The chart is too large to send; the figures are below.".to_owned());
    }
}

/// Keep what fits in five rows: each menu takes a row; buttons share rows five at a time.
fn fit_rows(reply: &mut Reply) {
    let menus = reply
        .controls
        .iter()
        .filter(|c| matches!(c, Control::Menu { .. }))
        .count()
        .min(ACTION_ROWS);
    let button_room = (ACTION_ROWS - menus) * BUTTONS_PER_ROW;
    let mut menus_left = menus;
    let mut buttons_left = button_room;
    reply.controls.retain(|c| {
        let left = match c {
            Control::Menu { .. } => &mut menus_left,
            Control::Button { .. } | Control::Trend { .. } => &mut buttons_left,
        };
        let keep = *left > 0;
        *left = left.saturating_sub(1);
        keep
    });
    reply.links.truncate(buttons_left);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::reply::{MenuId, MenuOption};
    use crate::answers::target::Target;

    #[test]
    fn short_text_is_left_alone() {
        assert_eq!(shorten("Import AI", 9), "Import AI");
    }

    #[test]
    fn shorten_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(
            shorten("AlphaZero learned chess like humans", 20),
            "AlphaZero learned…"
        );
    }

    #[test]
    fn shorten_counts_emoji_as_two_units_and_never_splits_one() {
        let text = "🦀".repeat(10);
        let cut = shorten(&text, 7);
        assert_eq!(cut, "🦀🦀🦀…");
        assert!(discord_len(&cut) <= 7);
    }

    #[test]
    fn shorten_to_nothing_is_empty() {
        assert_eq!(shorten("anything", 0), "");
    }

    #[test]
    fn pages_break_between_paragraphs_first() {
        let text = format!("{}\n\n{}", "a ".repeat(30).trim(), "b ".repeat(30).trim());
        let pages = split_pages(&text, 80);
        assert_eq!(pages.len(), 2);
        assert!(pages[0].chars().all(|c| c == 'a' || c == ' '));
        assert!(pages[1].starts_with('b'));
    }

    #[test]
    fn pages_never_cut_a_word() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(40);
        let words: Vec<_> = text.split_whitespace().collect();
        let pages = split_pages(&text, 100);
        let rejoined: Vec<_> = pages.iter().flat_map(|p| p.split_whitespace()).collect();
        assert_eq!(rejoined, words);
        assert!(pages.iter().all(|p| discord_len(p) <= 100));
    }

    #[test]
    fn a_word_longer_than_a_page_is_split_between_chars() {
        let pages = split_pages(&"é".repeat(25), 10);
        assert_eq!(pages, vec!["é".repeat(10), "é".repeat(10), "é".repeat(5)]);
    }

    #[test]
    fn empty_text_is_one_empty_page() {
        assert_eq!(split_pages("", 10), vec![String::new()]);
    }

    fn big_card(n: usize) -> Card {
        Card {
            title: format!("{n} ") + &"t".repeat(300),
            description: "d ".repeat(3000),
            fields: (0..30)
                .map(|i| Field::new(format!("field {i}"), "v ".repeat(700)))
                .collect(),
            footer: Some("f".repeat(3000)),
            author: Some("a".repeat(300)),
            url: Some("not a url".into()),
            ..Card::default()
        }
    }

    #[test]
    fn an_oversized_reply_fits_every_limit() {
        let reply = enforce(Reply {
            content: Some("c".repeat(2500)),
            cards: (0..12).map(big_card).collect(),
            ..Reply::default()
        });
        assert!(discord_len(reply.content.as_deref().unwrap()) <= CONTENT);
        assert!(reply.cards.len() <= EMBEDS);
        let mut total = 0;
        for card in &reply.cards {
            assert!(discord_len(&card.title) <= EMBED_TITLE);
            assert!(discord_len(&card.description) <= EMBED_DESCRIPTION);
            assert!(card.fields.len() <= EMBED_FIELDS);
            assert!(card.url.is_none());
            total += discord_len(&card.title)
                + discord_len(&card.description)
                + card.footer.as_deref().map_or(0, discord_len)
                + card.author.as_deref().map_or(0, discord_len);
            for field in &card.fields {
                assert!(discord_len(&field.name) <= FIELD_NAME);
                assert!((1..=FIELD_VALUE).contains(&discord_len(&field.value)));
                total += discord_len(&field.name) + discord_len(&field.value);
            }
        }
        assert!(total <= EMBEDS_TOTAL, "{total}");
    }

    #[test]
    fn duplicate_controls_are_dropped_and_rows_are_capped() {
        let buttons = (0..40).map(|i| Control::button("open", Target::Issue(i % 30)));
        let menu = Control::Menu {
            id: MenuId::Contents,
            placeholder: "Open…".into(),
            options: (0..40)
                .map(|i| MenuOption {
                    label: format!("section {i}"),
                    description: None,
                    target: Target::Section {
                        issue: 1,
                        position: i % 30,
                    },
                })
                .collect(),
        };
        let reply = enforce(Reply {
            content: Some("x".into()),
            controls: std::iter::once(menu).chain(buttons).collect(),
            ..Reply::default()
        });
        let Control::Menu { options, .. } = &reply.controls[0] else {
            panic!("the menu comes first")
        };
        assert_eq!(options.len(), MENU_OPTIONS);
        let buttons = reply.controls.len() - 1;
        assert_eq!(buttons, 4 * BUTTONS_PER_ROW);
    }

    #[test]
    fn an_empty_reply_still_says_something() {
        let reply = enforce(Reply::default());
        assert!(reply.content.is_some());
    }
}
