//! The README's first screen: every crate its examples use is in its `[dependencies]`
//! snippet (with the features the examples need), the prelude import is called out before
//! the first example, and the two contracts are explained before the word "seed" is used.
//! The examples themselves compile as doc tests of this crate (`tests/src/lib.rs`).

use std::collections::BTreeMap;

const README: &str = include_str!("../../../README.md");

/// The fenced blocks of the README whose info string starts with `lang`.
fn blocks(lang: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = README;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let Some(line_end) = after.find('\n') else {
            break;
        };
        let info = &after[..line_end];
        let body = &after[line_end + 1..];
        let Some(end) = body.find("```") else {
            break;
        };
        if info.split(',').next() == Some(lang) {
            out.push(&body[..end]);
        }
        rest = &body[end + 3..];
    }
    out
}

/// The dependencies of the snippet, by crate name, with the rest of each line.
fn dependencies() -> BTreeMap<String, String> {
    let toml = blocks("toml");
    assert_eq!(toml.len(), 1, "one dependencies snippet");
    toml[0]
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once(" = "))
        .map(|(name, spec)| (name.trim().replace('-', "_"), spec.to_owned()))
        .collect()
}

/// The crates the Rust examples name: the first segment of every `name::` path.
fn crates_used() -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for block in blocks("rust") {
        let bytes = block.as_bytes();
        for (at, _) in block.match_indices("::") {
            let start = block[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            // Only the first segment of a path: not preceded by another `::`.
            if start >= 2 && &bytes[start - 2..start] == b"::" {
                continue;
            }
            let name = &block[start..at];
            let is_crate = name.starts_with(|c: char| c.is_ascii_lowercase());
            if is_crate && !["std", "core", "crate", "self", "super"].contains(&name) {
                used.push(name.to_owned());
            }
        }
    }
    used.sort();
    used.dedup();
    used
}

#[test]
fn the_dependencies_snippet_has_every_crate_the_examples_use() {
    let deps = dependencies();
    let used = crates_used();
    assert!(used.contains(&"alloy_api".to_owned()), "{used:?}");
    for name in &used {
        assert!(
            deps.contains_key(name),
            "the examples use `{name}`, the snippet lacks it: {deps:?}"
        );
    }
    let derives = blocks("rust")
        .iter()
        .any(|b| b.contains("serde::Deserialize") || b.contains("serde::Serialize"));
    assert!(derives, "an example derives serde's traits");
    assert!(
        deps["serde"].contains("\"derive\""),
        "serde needs its derive feature"
    );
    assert!(
        deps["tokio"].contains("\"macros\""),
        "#[tokio::main] needs tokio's macros"
    );
}

#[test]
fn the_prelude_import_is_called_out_before_the_operations_are_listed() {
    let callout = README
        .find("`use alloy_api::prelude::*;` is required")
        .expect("the README says the prelude import is required");
    let operations = README.find("## The operations").unwrap();
    assert!(callout < operations);
}

#[test]
fn the_two_contracts_are_explained_before_the_word_seed() {
    let first_seed = README
        .find("seed")
        .expect("the README names the seed document");
    let explained = README
        .find("two API contracts")
        .expect("the README explains the two contracts");
    assert!(
        explained < first_seed,
        "\"seed\" at {first_seed}, explained at {explained}"
    );
}
