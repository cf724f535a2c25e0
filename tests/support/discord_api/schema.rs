//! Checks request bodies against the `requestBody` schemas of Discord's OpenAPI description
//! (tests/fixtures/discord-api/openapi.json). Each schema is compiled once, on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::primitive_type::PrimitiveType;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::{json, Value};

use super::errors::Problem;

const SPEC_TEXT: &str = include_str!("../../fixtures/discord-api/openapi.json");

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(SPEC_TEXT).expect("openapi.json is valid JSON"))
}

/// Validates `body` against the JSON request schema of `method` on the spec path
/// `path_template` (e.g. `/channels/{channel_id}/messages`).
///
/// Unions discriminated by `type` (interaction callbacks) are narrowed to the member whose
/// `type` enum admits the body's type, so problems name the real field instead of "no member
/// of the union matched".
pub fn check_request(method: &str, path_template: &str, body: &Value) -> Vec<Problem> {
    let Some(schema) = request_schema(method, path_template) else {
        return vec![Problem::new(
            &[],
            "SPEC",
            format!("no JSON request body in the spec for {method} {path_template}"),
        )];
    };
    let members = union_members(schema);
    if members.is_empty() {
        return run(&schema_pointer(method, path_template), schema, body);
    }
    match narrow_by_type(&members, body) {
        Narrowed::One(reference) => run(reference, &json!({"$ref": reference}), body),
        Narrowed::NoneAdmits(allowed) => vec![Problem::new(
            &["type".to_string()],
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {allowed:?}."),
        )],
        Narrowed::NotDiscriminated => closest_member(&members, body),
    }
}

fn request_schema(method: &str, path_template: &str) -> Option<&'static Value> {
    spec()["paths"]
        .get(path_template)?
        .get(method.to_ascii_lowercase())?
        .get("requestBody")?
        .pointer("/content/application~1json/schema")
}

fn schema_pointer(method: &str, path_template: &str) -> String {
    format!("{method} {path_template}")
}

/// The `$ref`s of a top-level `anyOf`/`oneOf` union, or nothing for a plain schema.
fn union_members(schema: &Value) -> Vec<&str> {
    let union = schema.get("anyOf").or_else(|| schema.get("oneOf"));
    let Some(Value::Array(members)) = union else {
        return Vec::new();
    };
    let references: Vec<&str> = members
        .iter()
        .filter_map(|member| member.get("$ref").and_then(Value::as_str))
        .collect();
    if references.len() == members.len() {
        references
    } else {
        Vec::new()
    }
}

enum Narrowed<'a> {
    One(&'a str),
    NoneAdmits(Vec<i64>),
    NotDiscriminated,
}

fn narrow_by_type<'a>(members: &[&'a str], body: &Value) -> Narrowed<'a> {
    let allowed_types = |reference: &str| -> Option<Vec<i64>> {
        let target = spec().pointer(reference.trim_start_matches('#'))?;
        let values = target.pointer("/properties/type/enum")?.as_array()?;
        Some(values.iter().filter_map(Value::as_i64).collect())
    };
    let discriminated: Vec<(&str, Vec<i64>)> = members
        .iter()
        .filter_map(|reference| allowed_types(reference).map(|types| (*reference, types)))
        .collect();
    if discriminated.len() != members.len() {
        return Narrowed::NotDiscriminated;
    }
    let Some(kind) = body.get("type").and_then(Value::as_i64) else {
        return Narrowed::NotDiscriminated;
    };
    match discriminated
        .iter()
        .find(|(_, types)| types.contains(&kind))
    {
        Some((reference, _)) => Narrowed::One(reference),
        None => Narrowed::NoneAdmits(discriminated.into_iter().flat_map(|(_, t)| t).collect()),
    }
}

/// For an undiscriminated union: valid if any member accepts the body, otherwise the
/// problems of the member that came closest.
fn closest_member(members: &[&str], body: &Value) -> Vec<Problem> {
    let mut best: Option<Vec<Problem>> = None;
    for reference in members {
        let problems = run(reference, &json!({"$ref": reference}), body);
        if problems.is_empty() {
            return problems;
        }
        if best.as_ref().is_none_or(|best| problems.len() < best.len()) {
            best = Some(problems);
        }
    }
    best.unwrap_or_default()
}

fn run(key: &str, schema: &Value, body: &Value) -> Vec<Problem> {
    let validator = compiled(key, schema);
    validator
        .iter_errors(body)
        .filter(|error| !is_tolerated(error))
        .map(|error| to_problem(&error))
        .collect()
}

/// Compiles `schema` inside a document that also holds the spec's `components`, so its
/// `#/components/schemas/...` references resolve locally.
fn compiled(key: &str, schema: &Value) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(validator) = cache.lock().expect("schema cache").get(key) {
        return Arc::clone(validator);
    }
    let mut document = schema.clone();
    document["components"] = spec()["components"].clone();
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&document)
        .unwrap_or_else(|error| panic!("schema {key} does not compile: {error}"));
    let validator = Arc::new(validator);
    cache
        .lock()
        .expect("schema cache")
        .insert(key.to_string(), Arc::clone(&validator));
    validator
}

/// Discord parses integers sent as decimal strings (serenity sends permission bit sets that
/// way, e.g. `default_member_permissions: "32"`), though the spec types them as integers.
fn is_tolerated(error: &ValidationError) -> bool {
    let ValidationErrorKind::Type { kind } = &error.kind else {
        return false;
    };
    let admits_integer = match kind {
        TypeKind::Single(single) => *single == PrimitiveType::Integer,
        TypeKind::Multiple(many) => many.into_iter().any(|t| t == PrimitiveType::Integer),
    };
    let is_decimal = error
        .instance
        .as_str()
        .is_some_and(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()));
    admits_integer && is_decimal
}

fn to_problem(error: &ValidationError) -> Problem {
    let mut path: Vec<String> = error
        .instance_path
        .as_str()
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (code, message) = match &error.kind {
        ValidationErrorKind::MaxLength { limit } => (
            "BASE_TYPE_MAX_LENGTH",
            format!(
                "Must be {limit} or fewer in length. (got {})",
                length(&error.instance)
            ),
        ),
        ValidationErrorKind::MinLength { limit } => (
            "BASE_TYPE_MIN_LENGTH",
            format!("Must be {limit} or more in length."),
        ),
        ValidationErrorKind::MaxItems { limit } => (
            "BASE_TYPE_MAX_LENGTH",
            format!(
                "Must be {limit} or fewer in length. (got {})",
                length(&error.instance)
            ),
        ),
        ValidationErrorKind::MinItems { limit } => (
            "BASE_TYPE_MIN_LENGTH",
            format!("Must be {limit} or more in length."),
        ),
        ValidationErrorKind::Required { property } => {
            path.push(property.as_str().unwrap_or_default().to_string());
            ("BASE_TYPE_REQUIRED", "This field is required".to_string())
        }
        ValidationErrorKind::Enum { options } => (
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {options}."),
        ),
        _ => ("SCHEMA", shortened(&error.to_string())),
    };
    Problem {
        path,
        code,
        message,
    }
}

fn length(instance: &Value) -> usize {
    match instance {
        Value::String(text) => text.chars().count(),
        Value::Array(items) => items.len(),
        _ => 0,
    }
}

/// jsonschema's messages quote the whole instance, which may be kilobytes long.
fn shortened(message: &str) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        message.to_string()
    } else {
        let head: String = message.chars().take(MAX).collect();
        format!("{head}…")
    }
}
