//! What is wrong with a request body, and how Discord says so.

use std::fmt;

use serde_json::{json, Map, Value};

/// One reason Discord would reject a body: where (path into the JSON body), Discord's error
/// code for it, and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<String>,
    pub code: &'static str,
    pub message: String,
}

/// Code Discord uses for a message with nothing in it; answered as 50006, not 50035.
pub const EMPTY_MESSAGE: &str = "EMPTY_MESSAGE";

impl Problem {
    pub fn new(path: &[String], code: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_vec(),
            code,
            message: message.into(),
        }
    }

    pub fn too_long(path: &[String], limit: usize, actual: usize) -> Self {
        Self::new(
            path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {limit} or fewer in length. (got {actual})"),
        )
    }

    pub fn required(path: &[String]) -> Self {
        Self::new(path, "BASE_TYPE_REQUIRED", "This field is required")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(body)".to_string()
        } else {
            self.path.join(".")
        };
        write!(f, "{path}: {} [{}]", self.message, self.code)
    }
}

/// Extends a body path by one key or index.
pub fn child(path: &[String], segment: impl ToString) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(segment.to_string());
    path
}

pub fn to_strings(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// `{"code": .., "message": ..}`, Discord's shape for every JSON error.
pub fn error_body(code: u32, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// Discord's 400 answer to a body it refuses: 50006 for an empty message, otherwise 50035
/// with the problems nested by path, each leaf holding `_errors`.
pub fn rejection_body(problems: &[Problem]) -> Value {
    if problems.iter().all(|problem| problem.code == EMPTY_MESSAGE) {
        return error_body(50006, "Cannot send an empty message");
    }
    let mut errors = Map::new();
    for problem in problems
        .iter()
        .filter(|problem| problem.code != EMPTY_MESSAGE)
    {
        let mut node = &mut errors;
        for segment in &problem.path {
            node = node
                .entry(segment.clone())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("error tree nodes are objects");
        }
        let leaf = node.entry("_errors").or_insert_with(|| json!([]));
        if let Some(list) = leaf.as_array_mut() {
            list.push(json!({"code": problem.code, "message": problem.message}));
        }
    }
    json!({"code": 50035, "message": "Invalid Form Body", "errors": errors})
}
