//! Checks request bodies against the `requestBody` schemas of Discord's OpenAPI description
//! (`discord-api/openapi.json` in this crate). Each schema is compiled once, on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::primitive_type::PrimitiveType;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::{json, Value};

use super::errors::Problem;

const SPEC_TEXT: &str = include_str!("../discord-api/openapi.json");

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(SPEC_TEXT).expect("openapi.json is valid JSON"))
}

/// Validates `body` against the JSON request schema of `method` on the spec path
/// `path_template` (e.g. `/channels/{channel_id}/messages`).
pub fn check_request(method: &str, path_template: &str, body: &Value) -> Vec<Problem> {
    match request_schema(method, path_template) {
        Some(schema) => run(&format!("{method} {path_template}"), schema, body),
        None => vec![Problem::new(
            &[],
            "SPEC",
            format!("no JSON request body in the spec for {method} {path_template}"),
        )],
    }
}

fn request_schema(method: &str, path_template: &str) -> Option<&'static Value> {
    spec()["paths"]
        .get(path_template)?
        .get(method.to_ascii_lowercase())?
        .get("requestBody")?
        .pointer("/content/application~1json/schema")
}

/// Validates `instance` against `schema` (compiled once under `key`).
fn run(key: &str, schema: &Value, instance: &Value) -> Vec<Problem> {
    let validator = compiled(key, schema);
    let mut problems = Vec::new();
    for error in validator.iter_errors(instance) {
        if is_tolerated(&error) {
            continue;
        }
        let is_union = matches!(
            error.kind,
            ValidationErrorKind::OneOfNotValid | ValidationErrorKind::AnyOf
        );
        let explained = is_union
            .then(|| explain_union(key, schema, &error))
            .flatten();
        match explained {
            Some(explained) => problems.extend(explained),
            None => problems.push(to_problem(&error)),
        }
    }
    problems
}

/// "Not valid under any schema of the union" says nothing useful; find the member the
/// instance was meant to be (by its `type` discriminator, else the one it comes closest to)
/// and report that member's problems instead.
fn explain_union(key: &str, schema: &Value, error: &ValidationError) -> Option<Vec<Problem>> {
    let schema_path = error.schema_path.as_str();
    let Value::Array(members) = subschema(schema, schema_path)? else {
        return None;
    };
    let instance = error.instance.as_ref();
    let candidates: Vec<(usize, &Value)> = members
        .iter()
        .enumerate()
        .filter(|(_, member)| instance.is_null() || member.get("type") != Some(&json!("null")))
        .collect();
    let discriminators: Vec<Option<Vec<i64>>> = candidates
        .iter()
        .map(|(_, member)| allowed_types(member))
        .collect();
    let kind = instance.get("type").and_then(Value::as_i64);
    let at = location(error.instance_path.as_str());
    if let (Some(kind), true) = (kind, discriminators.iter().all(Option::is_some)) {
        let allowed: Vec<i64> = discriminators.iter().flatten().flatten().copied().collect();
        let chosen = discriminators
            .iter()
            .position(|types| types.as_ref().is_some_and(|t| t.contains(&kind)));
        let Some(chosen) = chosen else {
            return Some(vec![Problem::new(
                &[at, vec!["type".to_string()]].concat(),
                "BASE_TYPE_CHOICES",
                format!("Value must be one of {allowed:?}."),
            )]);
        };
        let (index, member) = candidates[chosen];
        return Some(prefixed(
            &at,
            member_problems(key, schema_path, index, member, instance),
        ));
    }
    let closest = candidates
        .iter()
        .map(|(index, member)| {
            let problems = member_problems(key, schema_path, *index, member, instance);
            (
                !admits_json_type(member, instance),
                problems.len(),
                problems,
            )
        })
        .min_by_key(|(mismatched, count, _)| (*mismatched, *count))
        .map(|(_, _, problems)| problems)?;
    // No problems left: a member matches once tolerated differences are set aside.
    Some(prefixed(&at, closest))
}

fn member_problems(
    key: &str,
    schema_path: &str,
    index: usize,
    member: &Value,
    instance: &Value,
) -> Vec<Problem> {
    match member.get("$ref").and_then(Value::as_str) {
        Some(reference) => run(reference, &json!({"$ref": reference}), instance),
        None => run(&format!("{key}{schema_path}/{index}"), member, instance),
    }
}

/// Whether a union member's JSON `type` (following a `$ref`) admits the instance at all.
fn admits_json_type(member: &Value, instance: &Value) -> bool {
    let target = match member.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| spec().pointer(pointer)),
        None => Some(member),
    };
    let declared = match target.and_then(|t| t.get("type")) {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    let actual = match instance {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    declared
        .iter()
        .any(|t| *t == actual || (*t == "number" && actual == "integer"))
}

/// The values a union member's `type` property admits, following a `$ref`.
fn allowed_types(member: &Value) -> Option<Vec<i64>> {
    let target = match member.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec().pointer(reference.strip_prefix('#')?)?,
        None => member,
    };
    let values = target.pointer("/properties/type/enum")?.as_array()?;
    Some(values.iter().filter_map(Value::as_i64).collect())
}

/// The schema at a validator's `schema_path`, where a `$ref` segment follows the reference.
fn subschema<'a>(root: &'a Value, schema_path: &str) -> Option<&'a Value> {
    let mut node = root;
    for segment in location(schema_path) {
        node = if segment == "$ref" {
            let reference = node.get("$ref")?.as_str()?;
            spec().pointer(reference.strip_prefix('#')?)?
        } else {
            match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(node)
}

/// The segments of a JSON pointer.
fn location(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn prefixed(at: &[String], problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut problem| {
            problem.path = [at.to_vec(), problem.path].concat();
            problem
        })
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
/// way, e.g. `default_member_permissions: "32"`), though the spec types them as integers;
/// and an id sent as an integer, as libraries send the index of a new attachment
/// (`attachments: [{"id": 0, …}]` for `files[0]`), though the spec types ids as strings.
fn is_tolerated(error: &ValidationError) -> bool {
    let ValidationErrorKind::Type { kind } = &error.kind else {
        return false;
    };
    let id_as_integer = matches!(kind, TypeKind::Single(PrimitiveType::String))
        && error.instance.is_u64()
        && error.instance_path.as_str().ends_with("/id");
    if id_as_integer {
        return true;
    }
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
    let mut path = location(error.instance_path.as_str());
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
