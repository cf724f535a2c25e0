//! Search as a reader types it, over the bundled archive and the corpus of real issues:
//! quoted phrases are phrases, misspelt words are answered with the word the archive uses,
//! and places holding every word come before those holding some.

mod corpus_support;
mod store_support;

use std::collections::{BTreeMap, BTreeSet};

use importai_bot::answers::{self, Control, Question, Target};
use importai_bot::archive::Issue;
use importai_bot::store::{HitPlace, Store};

/// The text of the place a hit points at, lower-cased, whitespace folded.
fn place_text(issue: &Issue, place: &HitPlace) -> String {
    let text = match place {
        HitPlace::Section { position, .. } => {
            let section = issue.section(*position).unwrap();
            let links: Vec<String> = section
                .links
                .iter()
                .map(|l| format!("{} {}", l.title, l.source.clone().unwrap_or_default()))
                .collect();
            format!(
                "{} {} {} {} {}",
                section.title,
                section.teaser.clone().unwrap_or_default(),
                section.body,
                section.why_it_matters.clone().unwrap_or_default(),
                links.join(" ")
            )
        }
        HitPlace::Tale { .. } => {
            let tale = issue.tale.as_ref().unwrap();
            format!(
                "{} {} {} {}",
                tale.title,
                tale.setting.clone().unwrap_or_default(),
                tale.body,
                tale.inspired_by.clone().unwrap_or_default()
            )
        }
    };
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn a_quoted_phrase_finds_only_places_that_hold_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let mut checked = 0;
    // Each phrase as the index stems it: "language model" also stands for "language models".
    for (phrase, stem) in [
        ("language models", "language model"),
        ("stable diffusion", "stable diffusion"),
        ("reinforcement learning", "reinforcement learn"),
        ("open source", "open source"),
    ] {
        let hits = store.search(&format!("\"{phrase}\""), 50).await.unwrap();
        let unquoted = store.search(&phrase.replace(' ', " x "), 50).await.unwrap();
        for hit in &hits {
            let issue = store.issue(hit.number).await.unwrap().unwrap();
            let text = place_text(&issue, &hit.place);
            assert!(
                text.contains(stem),
                "\"{phrase}\" found issue {} {:?}, which does not hold it",
                hit.number,
                hit.place
            );
            assert!(hit.every_term);
            checked += 1;
        }
        // The words apart are found in more places than the phrase.
        assert!(unquoted.len() >= hits.len(), "{phrase}");
    }
    assert!(checked >= 10, "only {checked} phrase hits checked");
}

/// Words of at least seven letters used in three issues or more, the most used first.
fn frequent_words(issues: &[Issue], how_many: usize) -> Vec<String> {
    let mut used_in: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for issue in issues {
        for section in &issue.sections {
            for word in section.body.split(|c: char| !c.is_alphabetic()) {
                if word.chars().count() >= 7 && word.chars().all(|c| c.is_ascii_lowercase()) {
                    used_in
                        .entry(word.to_owned())
                        .or_default()
                        .insert(issue.number);
                }
            }
        }
    }
    let mut words: Vec<(usize, String)> = used_in
        .into_iter()
        .filter(|(_, issues)| issues.len() >= 3)
        .map(|(word, issues)| (issues.len(), word))
        .collect();
    words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    words.into_iter().take(how_many).map(|(_, w)| w).collect()
}

/// The word with two letters in its middle swapped: the commonest typo.
fn typo(word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let middle = chars.len() / 2;
    chars.swap(middle, middle + 1);
    chars.into_iter().collect()
}

#[tokio::test]
async fn a_typo_of_each_of_twenty_frequent_words_is_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let issues = store.all_issues().await.unwrap();
    let mut corrected = Vec::new();
    let mut tried = 0;
    for word in frequent_words(&issues, 40) {
        let typed = typo(&word);
        if typed == word || store.uses_word(&typed).await.unwrap() {
            continue;
        }
        tried += 1;
        let reply = answers::answer(&store, &Question::Search(typed.clone().into()))
            .await
            .unwrap();
        let button = reply.controls.iter().find_map(|control| match control {
            Control::Button {
                target: Target::Search(text),
                ..
            } => Some(text.as_str().to_owned()),
            _ => None,
        });
        assert_eq!(button.as_deref(), Some(word.as_str()), "typed {typed:?}");
        let description = &reply.cards[0].description;
        assert!(
            description.contains(&format!("Did you mean **{word}**?")),
            "{description}"
        );
        corrected.push(word);
        if tried == 20 {
            break;
        }
    }
    assert_eq!(tried, 20, "fewer than 20 frequent words to misspell");
    eprintln!("corrected: {}", corrected.join(", "));
}

#[tokio::test]
async fn places_holding_every_word_come_first_and_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let hits = store.search("chess zebrafish", 10).await.unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|hit| !hit.every_term),
        "no place holds both"
    );
    let hits = store.search("language models robots", 10).await.unwrap();
    let every = hits.iter().take_while(|hit| hit.every_term).count();
    assert!(every > 0, "some place holds all three");
    assert!(hits[every..].iter().all(|hit| !hit.every_term));
    let reply = answers::answer(&store, &Question::Search("chess zebrafish".into()))
        .await
        .unwrap();
    let card = &reply.cards[0];
    assert!(
        card.description
            .starts_with("Nothing holds all of **chess zebrafish**"),
        "{}",
        card.description
    );
    assert_eq!(card.fields[0].name, "Matching only some of the words");
}

#[tokio::test]
async fn a_database_from_before_the_word_list_gets_its_words_at_opening() {
    use sqlx::Executor;

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    // The schema up to migration 0008, with one section indexed, as an older bot left it.
    let mut connection = store_support::migrated_until(&url, 8).await;
    connection
        .execute(
            "INSERT INTO issues (number, title, title_folded, content_hash)
                 VALUES (305, 'Robots', 'robots', 'h');
             INSERT INTO sections (issue, position, title, summary, body)
                 VALUES (305, 1, 'Quadrupeds', 's', 'Quadrupeds everywhere');
             INSERT INTO search_index (rowid, heading, body, issue, position)
                 VALUES (305 * 4096 + 1, 'Quadrupeds', 'Quadrupeds everywhere', 305, 1),
                        (305 * 4096 + 2, 'More quadrupeds', 'quadrupeds', 305, 2);",
        )
        .await
        .unwrap();
    drop(connection);

    let store = Store::open(&url).await.unwrap();
    assert!(!store.uses_word("quadrupdes").await.unwrap());
    assert_eq!(
        store.nearest_word("quadrupdes").await.unwrap().as_deref(),
        Some("quadrupeds")
    );
}

#[tokio::test]
async fn years_narrow_a_search_to_the_issues_published_in_them() {
    use chrono::Datelike;
    use importai_bot::answers::search::SearchAsk;
    use importai_bot::store::Years;

    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    let in_years = |from, to| Years {
        from: Some(from),
        to: Some(to),
    };
    let everywhere = store.search("models", 50).await.unwrap();
    let narrowed = store
        .search_years("models", 50, in_years(2025, 2026))
        .await
        .unwrap();
    for hit in &narrowed {
        let year = hit.published.map(|date| date.year());
        assert!(
            matches!(year, Some(2025..=2026)),
            "issue {} ({year:?}) is outside 2025–2026",
            hit.number
        );
    }
    if corpus_support::corpus_dir().is_some() {
        assert!(
            !narrowed.is_empty(),
            "the corpus has dated issues of 2025–2026"
        );
        assert!(narrowed.len() < everywhere.len());
    }

    let reversed = SearchAsk {
        text: "models".into(),
        years: in_years(2026, 2020),
    };
    let reply = answers::respond(&store, &Question::Search(reversed)).await;
    assert!(reply.cards[0].title.contains("backwards"), "{reply:?}");

    let later = SearchAsk {
        text: "models".into(),
        years: in_years(2090, 2091),
    };
    let reply = answers::answer(&store, &Question::Search(later))
        .await
        .unwrap();
    assert_eq!(
        reply.cards[0].title,
        "No results for “models” from 2090 to 2091"
    );
}

#[tokio::test]
async fn did_you_mean_knows_the_words_an_ingest_brings() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.unwrap();
    // Asked once, so the words beginning with its letter are read and kept.
    assert_eq!(store.nearest_word("quadrupdes").await.unwrap(), None);

    let walking = "Quadrupeds walk over rough ground.";
    store
        .ingest_source(&[
            one_section_issue(311, "Quadrupeds, part 1", walking),
            one_section_issue(312, "Quadrupeds, part 2", walking),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.nearest_word("quadrupdes").await.unwrap().as_deref(),
        Some("quadrupeds"),
        "the kept words were forgotten with the change"
    );
}

/// A section of its own issue, numbered past the bundled archive.
fn one_section_issue(number: u32, title: &str, body: &str) -> Issue {
    use importai_bot::archive::Section;
    Issue {
        number,
        title: format!("Issue {number}"),
        published: None,
        url: None,
        subtitle: None,
        note: None,
        sections: vec![Section {
            position: 1,
            title: title.into(),
            teaser: None,
            summary: body.into(),
            why_it_matters: None,
            body: body.into(),
            links: Vec::new(),
        }],
        tale: None,
        mentions: Vec::new(),
    }
}

/// The section titles of a /search reply's results, best first.
async fn ranked_titles(store: &Store, query: &str) -> Vec<String> {
    let reply = answers::answer(store, &Question::Search(query.into()))
        .await
        .unwrap();
    reply.cards[0]
        .fields
        .iter()
        .map(|field| {
            field
                .name
                .split_once(". ")
                .map_or("", |(_, title)| title)
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_section_whose_heading_matches_ranks_above_one_that_only_mentions_the_word() {
    let dir = tempfile::tempdir().unwrap();
    let store = corpus_support::store(&dir).await;
    // The second says "axolotl" three times in its body, the first only in its heading:
    // counted alike, the second would rank first.
    let named = one_section_issue(
        901,
        "Axolotl robots swim",
        "Engineers built a soft robot that swims through murky ponds using a learned gait. \
         It copes with currents and weeds.",
    );
    let mentions = one_section_issue(
        902,
        "Robots in the water",
        "An axolotl inspired one lab, an axolotl tank sat in another, and an axolotl video \
         went round the field.",
    );
    store.ingest_source(&[named, mentions]).await.unwrap();
    assert_eq!(
        ranked_titles(&store, "axolotl").await,
        ["Axolotl robots swim", "Robots in the water"]
    );

    // The order comes from the heading's weight: with every column weighed alike, it flips.
    sqlx::query("INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25()')")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(
        ranked_titles(&store, "axolotl").await,
        ["Robots in the water", "Axolotl robots swim"]
    );
}
