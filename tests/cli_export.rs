//! `importai-bot export`: JSON Lines in the shape DESIGN.md §3 promises, equal to what the
//! store holds.

mod cli_support;

use importai_bot::archive::Issue;
use importai_bot::store::Store;
use serde_json::{json, Value};

use cli_support::Workspace;

/// The export contract of DESIGN.md §3 as a JSON Schema: every key present, no other but
/// the optional ones added since (a link's place, a tale's `partial`, an issue's subtitle and
/// note).
fn export_schema() -> Value {
    let text = json!({"type": "string"});
    let text_or_null = json!({"type": ["string", "null"]});
    let count = json!({"type": "integer", "minimum": 0});
    let part = json!({"enum": ["body", "why_it_matters"]});
    let with_optional = |properties: Value, optional: Value| {
        let required: Vec<String> = properties.as_object().unwrap().keys().cloned().collect();
        let mut all = properties.as_object().unwrap().clone();
        all.extend(optional.as_object().unwrap().clone());
        json!({"type": "object", "properties": all, "required": required,
               "additionalProperties": false})
    };
    let object = |properties: Value| with_optional(properties, json!({}));
    let inline = object(json!({"kind": {"const": "inline"}, "part": part,
                               "paragraph": count, "start": count, "end": count}));
    let line = object(json!({"kind": {"const": "line"}, "part": part, "after": count}));
    let link = with_optional(
        json!({"label": text, "title": text, "source": text_or_null, "url": text_or_null}),
        json!({"at": {"oneOf": [inline, line]}}),
    );
    let section = object(json!({
        "position": {"type": "integer", "minimum": 1}, "title": text, "teaser": text_or_null,
        "summary": text, "why_it_matters": text_or_null, "body": text,
        "links": {"type": "array", "items": link}}));
    let tale = with_optional(
        json!({"title": text, "setting": text_or_null, "body": text,
               "inspired_by": text_or_null}),
        json!({"partial": {"type": "boolean"}}),
    );
    with_optional(
        json!({
            "number": {"type": "integer", "minimum": 0},
            "title": text,
            "published": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            "url": text_or_null,
            "sections": {"type": "array", "items": section},
            "tale": {"oneOf": [tale, {"type": "null"}]},
            "mentions": {"type": "array", "items": {"type": "integer"}}}),
        json!({"subtitle": text, "note": text}),
    )
}

#[tokio::test]
async fn export_all_round_trips_to_what_the_store_holds() {
    let ws = Workspace::new();

    let run = ws.run(&["export", "--all"]);

    run.assert_ok();
    let validator = jsonschema::validator_for(&export_schema()).unwrap();
    let stdout = run.stdout();
    let mut exported = Vec::new();
    for line in stdout.lines() {
        let value: Value = serde_json::from_str(line).expect("one JSON object per line");
        if let Err(error) = validator.validate(&value) {
            panic!("{error} at {}", error.instance_path);
        }
        exported.push(serde_json::from_value::<Issue>(value).unwrap());
    }
    let store = Store::open(&ws.url).await.unwrap();
    assert_eq!(exported, store.all_issues().await.unwrap());
    assert_eq!(exported.len(), 10);
}

#[tokio::test]
async fn export_prints_the_named_issues_in_the_order_given() {
    let ws = Workspace::new();
    let run = ws.run(&["export", "305", "301", "305"]);
    run.assert_ok();
    let numbers: Vec<u64> = run
        .stdout()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["number"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, [305, 301]);
}

#[test]
fn an_unknown_number_is_named_and_nothing_is_printed() {
    let ws = Workspace::new();
    let run = ws.run(&["export", "310", "999"]);
    run.assert_failed();
    assert_eq!(run.stdout(), "");
    assert!(
        run.stderr().contains("issue 999 is not in the archive"),
        "{}",
        run.stderr()
    );
}

#[test]
fn export_needs_numbers_or_all() {
    let ws = Workspace::new();
    ws.run(&["export"]).assert_failed();
    ws.run(&["export", "310", "--all"]).assert_failed();
    ws.run(&["export", "three-hundred"]).assert_failed();
}
