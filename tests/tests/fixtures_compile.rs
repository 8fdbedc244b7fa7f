//! Every feature fixture in `tests/fixtures/generator/`, and `spec/openapi.yaml`, becomes a
//! standalone crate (`generator::generate_crate`) that must build and pass
//! `cargo clippy --all-targets --all-features -- -D warnings` (the `mock` feature included). The crates are checked together in one
//! throwaway workspace under `target/` so their dependencies build once. A crate with a
//! feature per group is also linted with each group alone, and with none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::crates::{Lint, Outcome, check, check_each_feature_set, group_feature_sets, scratch};

const FIXTURE_DIR: &str = "tests/fixtures/generator";

/// Fixtures (file stems) left out of the compile check because their crate does not build
/// or lint cleanly yet, each with a `// generator bug: ...` comment. None at the moment.
const KNOWN_FAILURES: &[&str] = &[];

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `fixture-<stem>`, with every character outside `[a-z0-9]` turned into `-`.
fn crate_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    format!("fixture-{name}")
}

/// `(crate name, spec path relative to the root)` of every spec to compile.
fn specs() -> Vec<(String, String)> {
    let dir = root().join(FIXTURE_DIR);
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .filter(|stem| !KNOWN_FAILURES.contains(&stem.as_str()))
        .collect();
    stems.sort();
    let mut specs = vec![(crate_name("openapi"), xtask::codegen::SPEC.to_owned())];
    specs.extend(
        stems
            .into_iter()
            .map(|stem| (crate_name(&stem), format!("{FIXTURE_DIR}/{stem}.yaml"))),
    );
    specs
}

#[test]
fn generated_crates_are_clippy_clean() {
    let mut crates = BTreeMap::new();
    let mut group_features = BTreeMap::new();
    for (name, rel) in specs() {
        let bytes = std::fs::read(root().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let spec = generator::parse_spec_bytes(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let config = generator::Config::new(&name, &rel, "cargo test --test fixtures_compile");
        let files =
            generator::generate_crate(&spec, &config).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if !files.group_features.is_empty() {
            group_features.insert(name.clone(), files.group_features);
        }
        crates.insert(name, files.files);
    }
    let (dir, target) = (scratch("fixture-crates"), scratch("fixture-target"));
    let outcomes = check(&dir, &target, &crates, Lint::Clippy).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcomes.len(), crates.len(), "an outcome per crate");
    let mut failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, outcome)| match outcome {
            Outcome::Clean => None,
            Outcome::Failed(why) => Some(format!("{name}:\n{why}")),
        })
        .collect();
    // A crate with a feature per group builds with any one group, and with none.
    assert!(
        group_features.contains_key("fixture-group-features"),
        "the group_features fixture has a feature per group"
    );
    for (name, groups) in &group_features {
        let sets = group_feature_sets(groups);
        let outcomes =
            check_each_feature_set(&dir, &target, name, &sets).unwrap_or_else(|e| panic!("{e}"));
        failures.extend(
            outcomes
                .into_iter()
                .filter_map(|(set, outcome)| match outcome {
                    Outcome::Clean => None,
                    Outcome::Failed(why) => Some(format!("{name} with features [{set}]:\n{why}")),
                }),
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} generated crates fail `cargo clippy -D warnings`:\n\n{}",
        failures.len(),
        crates.len(),
        failures.join("\n\n")
    );
}
