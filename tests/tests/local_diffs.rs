//! Adding one operation changes only lines about that operation, in every file of the
//! generated crate (issue 27, item 6): generated names come from the operation, never from
//! its position, so inserting one in the middle of a spec renames nothing after it.
//!
//! The rule, per file, on the line diff (`similar`) between the crate generated from a spec
//! and from the same spec with one operation inserted in the middle of its paths:
//!
//! 1. No line is removed: a removed line is a line that changed, and no line that existed
//!    before is about the new operation. (The emitters write every list one item a line, so
//!    the new operation's entry in a group's list, `match` or index is a line of its own.)
//! 2. Every run of inserted lines mentions the new operation on one of its lines: nothing
//!    is added that is not about it.
//!
//! A numbered name (`command_4()` for what was `command_3()`) breaks both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use similar::{ChangeTag, TextDiff};

/// What every generated item of the inserted operation mentions (case-insensitively): its
/// id `probeLink`, method `probe`, builder `ProbeLink`, command `probe`, static `PROBE_LINK`.
const MENTION: &str = "probe";

/// The operation inserted, at `/links/{id}/probe`, in the `links` group between others.
const PROBE: &str = r"
post:
  tags: [links]
  operationId: probeLink
  x-rust-method: probe
  x-scopes: [links.read]
  summary: Probe a link
  description: Checks that a link's target answers, without counting a scan.
  parameters:
    - $ref: '#/components/parameters/LinkId'
    - name: deep
      in: query
      description: Follow redirects of the probe's target.
      schema:
        type: boolean
  responses:
    '200':
      description: The probe's result.
      content:
        application/json:
          schema:
            type: object
            properties:
              reachable:
                type: boolean
              status:
                type: integer
    '404':
      $ref: '#/components/responses/NotFound'
";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The files of the standalone crate generated from the YAML `spec`.
fn crate_files(spec: &serde_yaml::Value) -> BTreeMap<String, String> {
    let text = serde_yaml::to_string(spec).expect("the spec serializes");
    let spec = generator::parse_spec(&text).expect("the spec parses");
    let config =
        generator::Config::new("local-diffs", "spec.yaml", "cargo test --test local_diffs");
    generator::generate_crate(&spec, &config)
        .expect("the crate generates")
        .files
}

/// `spec` with `item` inserted as path `at`, just after the path `after`.
fn with_path(
    spec: &serde_yaml::Value,
    after: &str,
    at: &str,
    item: serde_yaml::Value,
) -> serde_yaml::Value {
    let mut spec = spec.clone();
    let paths = spec
        .get_mut("paths")
        .and_then(serde_yaml::Value::as_mapping_mut)
        .expect("the spec has paths");
    let mut out = serde_yaml::Mapping::new();
    let mut inserted = false;
    for (key, value) in std::mem::take(paths) {
        let here = key.as_str() == Some(after);
        out.insert(key, value);
        if here {
            out.insert(at.into(), item.clone());
            inserted = true;
        }
    }
    assert!(inserted, "the spec has no path {after}");
    *paths = out;
    spec
}

fn mentions(line: &str) -> bool {
    line.to_ascii_lowercase().contains(MENTION)
}

/// Where the diff from `old` to `new` breaks the rule of this file, one message per change.
fn violations(path: &str, old: &str, new: &str) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for group in diff.grouped_ops(0) {
        let mut removed = Vec::new();
        let mut inserted = Vec::new();
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                match change.tag() {
                    ChangeTag::Delete => removed.push(line),
                    ChangeTag::Insert => inserted.push(line),
                    ChangeTag::Equal => {}
                }
            }
        }
        let about_it = inserted.iter().any(|l| mentions(l));
        if !removed.is_empty() || !about_it {
            let shown: Vec<String> = removed
                .iter()
                .map(|l| format!("-{l}"))
                .chain(inserted.iter().map(|l| format!("+{l}")))
                .take(12)
                .collect();
            out.push(format!("{path}:\n{}", shown.join("\n")));
        }
    }
    out
}

/// Every file's violations of the rule between two generated crates.
fn all_violations(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<String> {
    let paths: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .flat_map(|path| {
            let old = before.get(path).map_or("", String::as_str);
            let new = after.get(path).map_or("", String::as_str);
            violations(path, old, new)
        })
        .collect()
}

/// Checks the rule for ProLinksQR's spec with `operation` (YAML) inserted as path `at`
/// just after path `after`, and that it reaches each of `files`.
fn assert_local_change(after: &str, at: &str, operation: &str, files: &[&str]) {
    let text = std::fs::read_to_string(root().join(xtask::codegen::SPEC)).expect("the spec");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let operation: serde_yaml::Value = serde_yaml::from_str(operation).expect("YAML");
    let before = crate_files(&spec);
    let after = crate_files(&with_path(&spec, after, at, operation));
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, text)| before.get(*path) != Some(*text))
        .map(|(path, _)| path)
        .collect();
    for file in files {
        assert!(
            changed.iter().any(|p| p == file),
            "{file} does not have the new operation: {changed:?}"
        );
    }
    let violations = all_violations(&before, &after);
    assert!(
        violations.is_empty(),
        "lines not about the inserted operation changed:\n\n{}",
        violations.join("\n\n")
    );
}

/// `probeLink` inserted among the `links` operations (after `pause`, before `resume`):
/// every generated file changes only where the new operation is.
#[test]
fn inserting_an_operation_changes_only_its_lines() {
    assert_local_change(
        "/links/{id}/pause",
        "/links/{id}/probe",
        PROBE,
        &[
            "src/generated/links.rs",
            "src/generated/types.rs",
            "src/generated/blocking.rs",
            "src/generated/mock.rs",
            "src/generated/cli.rs",
        ],
    );
}

/// The same operation in a group of its own (`probes`, between `links` and `templates`):
/// the new group's module, accessor and commands are lines of their own too.
#[test]
fn inserting_a_group_changes_only_its_lines() {
    let own_group = PROBE.replace("tags: [links]", "tags: [probes]");
    assert_local_change(
        "/links/{id}/pause",
        "/links/{id}/probe",
        &own_group,
        &[
            "src/generated/probes.rs",
            "src/generated/mod.rs",
            "src/generated/blocking.rs",
            "src/generated/mock.rs",
            "src/generated/cli.rs",
        ],
    );
}

/// The rule catches a renumbering (the `command_N` names issue 27 reports), a change of a
/// line that was there before, and an insertion that is not about the new operation.
#[test]
fn the_rule_rejects_renumbered_names() {
    let old = "fn command_0() {}\nfn command_1() {}\n";
    let appended = "fn command_0() {}\nfn command_1() {}\nfn command_probe() {}\n";
    assert!(violations("cli.rs", old, appended).is_empty());
    let shifted = "fn command_0() {}\nfn command_1() {} // probe\nfn command_2() {}\n";
    assert_eq!(violations("cli.rs", old, shifted).len(), 1);
    let unrelated = "fn command_0() {}\nfn command_1() {}\nfn other() {}\n";
    assert_eq!(violations("cli.rs", old, unrelated).len(), 1);
    let counted = "/// 2 operations.\nfn a() {}\n";
    let recounted = "/// 3 operations.\nfn a() {}\nfn probe() {}\n";
    assert_eq!(violations("mod.rs", counted, recounted).len(), 1);
}
