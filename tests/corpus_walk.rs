//! Every file of the corpus of real issues (`../shared/corpus`, see its README) is read:
//! each yields its issues, each issue its number, title, sections and, where the text has
//! one, its Tech Tale. Files the README marks partial or stories-only have no tale.

mod corpus_support;

use corpus_support::corpus_dir;
use importai_bot::archive;

/// Each corpus file, the issues it holds, and whether their text ends with a Tech Tale.
const FILES: &[(&str, &[u32], bool)] = &[
    ("importai-219.md", &[219], false),
    ("importai-331.md", &[331], true),
    ("importai-336.md", &[336], true),
    ("importai-337.md", &[337], true),
    ("importai-340.md", &[340], true),
    ("importai-350.md", &[350], true),
    ("importai-362.md", &[362], true),
    ("importai-373.md", &[373], true),
    ("importai-377.md", &[377], true),
    ("importai-385.md", &[385], true),
    ("importai-386.md", &[386], true),
    ("importai-386.wp-autoingest.md", &[386], true),
    ("importai-387.md", &[387], true),
    ("importai-408.wp-autoingest.md", &[408], true),
    ("importai-421.txt", &[421], true),
    ("importai-422.txt", &[422], true),
    ("importai-423.txt", &[423], true),
    ("importai-424.txt", &[424], true),
    ("importai-425.txt", &[425], true),
    ("importai-433.md", &[433], true),
    ("importai-435.md", &[435], true),
    ("importai-437.md", &[437], true),
    ("importai-439.rss-capture.partial.md", &[439], false),
    ("importai-444.md", &[444], false),
    ("importai-446.feed-digest-excerpt.partial.md", &[446], false),
    ("importai-448.md", &[448], false),
    ("importai-448.wp-autoingest.md", &[448], true),
    ("importai-453.substack-web-autoingest.md", &[453], true),
    ("importai-470.substack-innertext.partial.md", &[470], false),
    (
        "jack-clark-net-homepage-scrape.425-421.txt",
        &[425, 424, 423, 422, 421],
        true,
    ),
];

#[test]
fn every_corpus_file_is_listed() {
    let Some(dir) = corpus_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the corpus folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "README.md" && name != "NOTES.md")
        .collect();
    names.sort();
    let mut listed: Vec<&str> = FILES.iter().map(|(name, ..)| *name).collect();
    listed.sort();
    assert_eq!(names, listed);
}

#[test]
fn every_corpus_file_yields_its_issues_with_sections_and_tale() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for &(file, numbers, has_tale) in FILES {
        let bytes = std::fs::read(dir.join(file)).expect("a corpus file");
        let issues = match archive::parse(file, &bytes) {
            Ok(issues) => issues,
            Err(error) => {
                failures.push(format!("{file}: {error}"));
                continue;
            }
        };
        let found: Vec<u32> = issues.iter().map(|issue| issue.number).collect();
        if found != numbers {
            failures.push(format!("{file}: issues {found:?}, expected {numbers:?}"));
            continue;
        }
        for issue in &issues {
            let name = format!("{file} #{}", issue.number);
            if issue.title.trim().is_empty() {
                failures.push(format!("{name}: title {:?}", issue.title));
            }
            if issue.sections.is_empty() {
                failures.push(format!("{name}: no section"));
            }
            for section in &issue.sections {
                let title = &section.title;
                let heading_like = !title.is_empty()
                    && title.chars().count() <= 250
                    && !title.starts_with(['…', '*', '_', '['])
                    && !title.to_lowercase().contains("welcome to import ai");
                if !heading_like {
                    failures.push(format!(
                        "{name}: section {} titled {title:?}",
                        section.position
                    ));
                }
                if section.body.is_empty() && section.links.is_empty() {
                    failures.push(format!("{name}: section {title:?} is empty"));
                }
            }
            match (&issue.tale, has_tale) {
                (Some(tale), true) if tale.title.is_empty() || tale.body.is_empty() => {
                    failures.push(format!("{name}: tale without title or story: {tale:?}"))
                }
                (None, true) => failures.push(format!("{name}: no tale")),
                (Some(tale), false) => failures.push(format!(
                    "{name}: a tale where the text has none: {:?}",
                    tale.title
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
