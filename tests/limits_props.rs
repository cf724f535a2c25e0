//! Arbitrary long, multibyte and emoji text through the limits: every limit holds, no
//! character is split, and paging loses no word.

mod support;

use importai_bot::answers::limits::{self, discord_len};
use importai_bot::answers::{Card, Control, Field, LinkButton, MenuId, MenuOption, Reply, Target};
use proptest::prelude::*;

/// Text mixing ASCII, accented letters, CJK, emoji (incl. ZWJ sequences), curly quotes and
/// whitespace of every kind, in long runs.
fn wild_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("word ".to_owned()),
        Just("naïve ".to_owned()),
        Just("漢字かな ".to_owned()),
        Just("🦀".to_owned()),
        Just("👩‍🔬 ".to_owned()),
        Just("“quoted” — ‘dash’… ".to_owned()),
        Just("\u{a0}\n\n".to_owned()),
        Just("e\u{301}".to_owned()),
        "[a-zA-Z]{1,40}",
        "\\PC{0,30}",
    ];
    prop::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

fn card(title: String, body: String, fields: Vec<(String, String)>) -> Card {
    Card {
        title,
        author: Some(body.chars().rev().collect()),
        description: body.clone(),
        fields: fields.into_iter().map(|(n, v)| Field::new(n, v)).collect(),
        footer: Some(body),
        url: Some("https://importai.substack.com/p/x".into()),
        ..Card::default()
    }
}

fn reply_strategy() -> impl Strategy<Value = Reply> {
    let field = (wild_text(30), wild_text(150));
    let a_card = (
        wild_text(40),
        wild_text(500),
        prop::collection::vec(field, 0..30),
    )
        .prop_map(|(t, b, f)| card(t, b, f));
    (
        prop::option::of(wild_text(900)),
        prop::collection::vec(a_card, 0..12),
        prop::collection::vec((wild_text(30), 0u32..40), 0..40),
    )
        .prop_map(|(content, cards, buttons)| Reply {
            content,
            cards,
            links: buttons
                .iter()
                .map(|(label, n)| LinkButton {
                    label: label.clone(),
                    url: format!("https://example.com/{n}"),
                })
                .collect(),
            controls: std::iter::once(Control::Menu {
                id: MenuId::Contents,
                placeholder: "Open".into(),
                options: buttons
                    .iter()
                    .map(|(label, n)| MenuOption {
                        label: label.clone(),
                        description: Some(label.repeat(9)),
                        target: Target::Section {
                            issue: 1,
                            position: *n,
                        },
                    })
                    .collect(),
            })
            .chain(
                buttons
                    .iter()
                    .map(|(label, n)| Control::button(label.clone(), Target::Issue(*n))),
            )
            .collect(),
            private: false,
            attachment: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shorten_keeps_a_prefix_within_the_limit(text in wild_text(300), max in 0usize..3000) {
        let cut = limits::shorten(&text, max);
        prop_assert!(discord_len(&cut) <= max);
        let kept = cut.strip_suffix('…').unwrap_or(&cut);
        prop_assert!(text.starts_with(kept.trim_end()), "{kept:?} is not a prefix");
        if discord_len(&text) <= max {
            prop_assert_eq!(cut, text);
        }
    }

    #[test]
    fn pages_fit_and_lose_no_word(text in wild_text(600), max in 2usize..5000) {
        let pages = limits::split_pages(&text, max);
        prop_assert!(!pages.is_empty());
        for page in &pages {
            prop_assert!(discord_len(page) <= max, "page of {} > {max}", discord_len(page));
        }
        let words: String = text.split_whitespace().collect();
        let rejoined: String = pages.iter().flat_map(|p| p.split_whitespace()).collect();
        prop_assert_eq!(rejoined, words);
    }

    #[test]
    fn any_reply_fits_every_message_limit(reply in reply_strategy()) {
        let broken = support::limits::broken(&limits::enforce(reply));
        prop_assert!(broken.is_empty(), "broken limits: {broken:?}");
    }
}
