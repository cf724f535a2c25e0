//! The core's modules point one way: source text -> archive -> store -> answers, with the
//! daily rules and the feed beside the answers and the outbox on top. The compiler keeps
//! Discord out of this crate; this test keeps the arrows inside it pointing down, by reading
//! every `crate::module` path in each top-level module's source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("clock", &[]),
    ("archive", &[]),
    ("store", &["archive", "clock"]),
    ("answers", &["archive", "store"]),
    ("daily", &["store"]),
    ("follow", &["archive", "clock", "store"]),
    ("backfill", &["archive", "follow", "store"]),
    ("outbox", &["answers", "archive", "clock", "daily", "store"]),
];

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The Rust files of a top-level module: `name.rs` or everything under `name/`.
fn files_of(module: &str) -> Vec<PathBuf> {
    let single = source_dir().join(format!("{module}.rs"));
    if single.is_file() {
        return vec![single];
    }
    let mut files = Vec::new();
    let mut folders = vec![source_dir().join(module)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a module folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The top-level modules a source text's code names through `crate::`, including in
/// grouped imports such as `use crate::{archive::Issue, store::{Kind, Store}};`. Comments
/// (doc links among them) are not code and are skipped.
fn modules_used(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => used.extend(group_heads(group)),
            None => used.extend(leading_name(rest)),
        }
    }
    used
}

/// The first name of each item of a `{…}` group (the text after its `{`), nested groups
/// skipped.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && !c.is_whitespace() => {
                heads.extend(leading_name(&group[at..]));
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

fn leading_name(text: &str) -> Option<String> {
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn every_top_level_module_is_listed() {
    let listed: BTreeSet<&str> = ALLOWED.iter().map(|(module, _)| *module).collect();
    let lib = std::fs::read_to_string(source_dir().join("lib.rs")).expect("lib.rs");
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    assert_eq!(declared, listed, "lib.rs's modules and this test's table");
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, may_use) in &allowed {
        for file in files_of(module) {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for used in modules_used(&text) {
                if used != *module && !may_use.contains(&used.as_str()) {
                    wrong.push(format!("{} uses crate::{used}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows pointing up or sideways:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn grouped_and_nested_paths_are_read() {
    let text = "use crate::{archive::Issue, store::{Store, Kind}};\n\
                // see [`crate::outbox`]\n\
                let now = crate::clock::now();";
    let used: Vec<String> = modules_used(text).into_iter().collect();
    assert_eq!(used, ["archive", "clock", "store"]);
}
