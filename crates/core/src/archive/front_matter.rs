//! YAML front matter (`---` … `---` at the top of a Markdown file), read with a YAML parser:
//! the title, publication date, canonical URL and subtitle of the issue it heads.
//!
//! Converters name these facts differently (`title` or `headline`, `date` or
//! `published_at`, `url` or `source_url` or `canonical_url`, nested under
//! `structured_data`), and some write an export or fetch time where a publication date
//! belongs: a `date` within a day of `exported_at` (or `fetched_at`, `ingested_at`,
//! `scanned`) in the same header is that export time, not the issue's date, and is ignored.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_yaml_ng::Value;

use super::meta;
use super::paragraph::Meta;

/// Keys holding the title, best first.
const TITLE_KEYS: &[&str] = &["title", "headline", "structured_data.headline"];

/// Keys holding a publication date, best first. `date` is last: it is often an export time.
const DATE_KEYS: &[&str] = &[
    "published_at",
    "published",
    "date_published",
    "datePublished",
    "pubDate",
    "post_date",
    "structured_data.datePublished",
    "date",
];

/// Keys holding when a tool saved the file, never when the issue was published.
const EXPORT_TIME_KEYS: &[&str] = &[
    "exported_at",
    "fetched_at",
    "ingested_at",
    "scanned",
    "updated_at",
];

/// Keys holding the issue's URL, best first; each is checked by [`meta::canonical_url`].
const URL_KEYS: &[&str] = &[
    "canonical_url",
    "url",
    "source_url",
    "original_source",
    "structured_data.original_source",
];

const SUBTITLE_KEYS: &[&str] = &["subtitle", "description", "structured_data.description"];

/// Splits a leading front-matter block off `text`: the YAML between the opening `---` line
/// and the closing `---` (or `...`) line, and the rest.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare == "---" || bare == "..." {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// The facts a front-matter block gives.
pub fn parse(yaml: &str) -> Meta {
    let fields = match serde_yaml_ng::from_str::<Value>(yaml) {
        Ok(value) => {
            let mut fields = HashMap::new();
            flatten("", &value, &mut fields);
            fields
        }
        // A header that is not valid YAML still gives its plain `key: value` lines.
        Err(_) => key_value_lines(yaml),
    };
    meta_from(&fields)
}

fn meta_from(fields: &HashMap<String, String>) -> Meta {
    let first = |keys: &[&str]| -> Option<&str> {
        keys.iter()
            .filter_map(|key| fields.get(*key))
            .map(|value| value.trim())
            .find(|value| !value.is_empty())
    };
    let export_times: Vec<NaiveDate> = EXPORT_TIME_KEYS
        .iter()
        .filter_map(|key| fields.get(*key))
        .filter_map(|value| super::dates::parse(value))
        .collect();
    let published = DATE_KEYS.iter().find_map(|&key| {
        let date = super::dates::parse(fields.get(key)?)?;
        let export_time = key == "date"
            && export_times
                .iter()
                .any(|saved| (*saved - date).num_days().abs() <= 1);
        (!export_time).then_some(date)
    });
    Meta {
        title: first(TITLE_KEYS).map(meta::title_without_site),
        url: URL_KEYS
            .iter()
            .filter_map(|key| fields.get(*key))
            .find_map(|value| meta::canonical_url(value)),
        published,
        subtitle: first(SUBTITLE_KEYS).map(str::to_owned),
        captured: false,
    }
}

/// Scalars of a YAML mapping by key; nested mappings as `outer.inner`.
fn flatten(prefix: &str, value: &Value, fields: &mut HashMap<String, String>) {
    let Value::Mapping(mapping) = value else {
        return;
    };
    for (key, value) in mapping {
        let Some(key) = scalar(key) else { continue };
        let key = match prefix {
            "" => key,
            _ => format!("{prefix}.{key}"),
        };
        match value {
            Value::Mapping(_) => flatten(&key, value, fields),
            _ => {
                if let Some(text) = scalar(value) {
                    fields.insert(key, text);
                }
            }
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Tagged(tagged) => scalar(&tagged.value),
        _ => None,
    }
}

/// `key: value` lines, for a header the YAML parser refuses.
fn key_value_lines(yaml: &str) -> HashMap<String, String> {
    yaml.lines()
        .filter(|line| !line.starts_with([' ', '\t', '-']))
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_owned(), unquote(value.trim())))
        .collect()
}

fn unquote(value: &str) -> String {
    let quoted = |q: char| value.len() >= 2 && value.starts_with(q) && value.ends_with(q);
    if quoted('"') {
        value[1..value.len() - 1].replace("\\\"", "\"")
    } else if quoted('\'') {
        value[1..value.len() - 1].replace("''", "'")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn splits_the_block_from_the_body() {
        assert_eq!(
            split("---\ntitle: x\n---\nBody\n"),
            Some(("title: x\n", "Body\n"))
        );
        assert_eq!(split("---\ntitle: x\n"), None);
        assert_eq!(split("Body\n---\n"), None);
    }

    #[test]
    fn folded_titles_escaped_quotes_and_site_suffixes() {
        let meta = parse("title: 'Import AI 433: AI auditors; robot dreams; and software for\n  helping an AI run a lab'\n");
        assert_eq!(
            meta.title.as_deref(),
            Some("Import AI 433: AI auditors; robot dreams; and software for helping an AI run a lab")
        );
        let meta = parse(r#"title: "Import AI 340: Drone; \"AI Succession\"""#);
        assert_eq!(
            meta.title.as_deref(),
            Some("Import AI 340: Drone; \"AI Succession\"")
        );
        let meta = parse("title: 'Import AI 444: LLM societies; ChipBench | Import AI'\n");
        assert_eq!(
            meta.title.as_deref(),
            Some("Import AI 444: LLM societies; ChipBench")
        );
        let meta = parse("structured_data:\n  headline: 'Import AI 1: One'\n  description: Sub\n");
        assert_eq!(meta.title.as_deref(), Some("Import AI 1: One"));
        assert_eq!(meta.subtitle.as_deref(), Some("Sub"));
    }

    #[test]
    fn an_export_time_is_not_a_publication_date() {
        let export =
            "date: '2025-12-15T00:03:28+00:00'\nexported_at: '2025-12-15T00:03:30+00:00'\n";
        assert_eq!(parse(export).published, None);
        let both = format!("{export}published_at: '2025-10-20T12:00:00Z'\n");
        assert_eq!(parse(&both).published, day(2025, 10, 20));
        let real = "date: 2020-10-19 05:16:27\nfetched_at: 2026-04-18T03:24:21+00:00\n";
        assert_eq!(parse(real).published, day(2020, 10, 19));
        assert_eq!(parse("date: \"\"\n").published, None);
    }

    #[test]
    fn redirects_are_not_the_issue_url() {
        let meta = parse(
            "url: \"https://substack.com/redirect/5e8f?j=ey\"\nsource_url: https://jack-clark.net/2026/03/09/import-ai-448\n",
        );
        assert_eq!(
            meta.url.as_deref(),
            Some("https://jack-clark.net/2026/03/09/import-ai-448")
        );
        assert_eq!(
            parse("url: \"https://substack.com/redirect/5e8f\"\n").url,
            None
        );
    }

    #[test]
    fn a_header_that_is_not_yaml_still_gives_its_lines() {
        let meta = parse("title: \"Import AI 2: Two\"\nexcerpt: \"a: b\" c: \"\n  - [\n");
        assert_eq!(meta.title.as_deref(), Some("Import AI 2: Two"));
    }
}
