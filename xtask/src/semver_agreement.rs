//! `cargo xtask semver-agreement`: spec-diff's Rust verdicts checked against
//! `cargo-semver-checks`, a tool that knows Rust's semver rules from the compiled API.
//!
//! For every fixture pair of `tests/fixtures/spec-diff/` (`old.yaml`, `new.yaml`), both specs
//! are generated into crates of the same name, the old ones in one workspace and the new ones
//! in another, so that one `cargo doc` per side writes the rustdoc JSON of all of them (the
//! dependencies are checked once, in one target folder). `cargo semver-checks` then compares
//! each pair's two JSON files as a minor release: if it fails, the change needs a major
//! version, which must be exactly when spec-diff calls some change `breaking` for Rust.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::crates::write_workspace;
use crate::spec_diff::{self, Input};

/// Where spec-diff's fixture pairs live, relative to the workspace root.
pub const FIXTURES: &str = "tests/fixtures/spec-diff";

/// The pairs CI checks (the whole set takes a while): a removal, an addition, a change of
/// type that is breaking for Rust only through an `Option`, and one that is not breaking.
pub const CI_SAMPLE: &[&str] = &[
    "component_became_nullable",
    "operation_removed",
    "param_optional_added",
    "response_field_added",
];

/// One fixture pair, judged by both tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdicts {
    /// The fixture's folder name.
    pub pair: String,
    /// spec-diff calls some change `breaking` for Rust.
    pub spec_diff_major: bool,
    /// The Rust changes spec-diff calls breaking, as `location: reason`.
    pub spec_diff_reasons: Vec<String>,
    /// cargo-semver-checks says the new crate needs a major version.
    pub semver_checks_major: bool,
    /// The lints cargo-semver-checks failed (major and minor), by name.
    pub lints: Vec<String>,
}

impl Verdicts {
    /// Both tools give the same answer to "is this semver-major?".
    pub fn agree(&self) -> bool {
        self.spec_diff_major == self.semver_checks_major
    }
}

/// The fixture pairs under `fixtures` whose name contains one of `filter` (all if it is
/// empty), sorted.
pub fn pairs(fixtures: &Path, filter: &[String]) -> io::Result<Vec<String>> {
    let mut pairs = Vec::new();
    for entry in fs::read_dir(fixtures)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let dir = entry.path();
        if !dir.join("old.yaml").is_file() || !dir.join("new.yaml").is_file() {
            continue;
        }
        if filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())) {
            pairs.push(name);
        }
    }
    pairs.sort();
    Ok(pairs)
}

/// Judges every pair in `pairs` (folders of `fixtures`), writing the crates under `work`
/// and documenting them with `cargo doc` in `target`; needs `cargo semver-checks`.
pub fn run(
    fixtures: &Path,
    pairs: &[String],
    work: &Path,
    target: &Path,
) -> io::Result<Vec<Verdicts>> {
    let mut old_crates = BTreeMap::new();
    let mut new_crates = BTreeMap::new();
    let mut spec_diffs = BTreeMap::new();
    for pair in pairs {
        let dir = fixtures.join(pair);
        let read = |side: &str| -> io::Result<Input> {
            Ok(Input {
                label: format!("{pair}/{side}.yaml"),
                text: fs::read_to_string(dir.join(format!("{side}.yaml")))?,
            })
        };
        let (old, new) = (read("old")?, read("new")?);
        let report = spec_diff::diff(&old, &new, false)
            .map_err(|e| io::Error::other(format!("{pair}: spec-diff failed: {e}")))?;
        spec_diffs.insert(pair.clone(), rust_breaking(&report));
        let name = crate_name(pair);
        old_crates.insert(name.clone(), generate(&name, &old)?);
        new_crates.insert(name.clone(), generate(&name, &new)?);
    }
    let json_old = rustdoc_json(&work.join("old"), target, &old_crates)?;
    let json_new = rustdoc_json(&work.join("new"), target, &new_crates)?;
    let mut verdicts = Vec::new();
    for pair in pairs {
        let file = format!("{}.json", crate_name(pair).replace('-', "_"));
        let (major, lints) = semver_checks(&json_old.join(&file), &json_new.join(&file))
            .map_err(|e| io::Error::other(format!("{pair}: {e}")))?;
        let reasons = spec_diffs.remove(pair).unwrap_or_default();
        verdicts.push(Verdicts {
            pair: pair.clone(),
            spec_diff_major: !reasons.is_empty(),
            spec_diff_reasons: reasons,
            semver_checks_major: major,
            lints,
        });
    }
    Ok(verdicts)
}

/// The crate both sides of `pair` are generated as: the same name on both sides, since
/// cargo-semver-checks compares items by their path, which starts with the crate's name.
fn crate_name(pair: &str) -> String {
    format!("sd-{}", pair.replace('_', "-"))
}

fn generate(name: &str, input: &Input) -> io::Result<BTreeMap<String, String>> {
    let fail = |e: generator::Error| io::Error::other(format!("{}: {e}", input.label));
    let spec = generator::parse_spec(&input.text).map_err(fail)?;
    let config = generator::Config::new(name, &input.label, "cargo xtask semver-agreement");
    Ok(generator::generate_crate(&spec, &config)
        .map_err(fail)?
        .files)
}

/// The Rust changes of `report` that spec-diff calls breaking.
fn rust_breaking(report: &spec_diff::Report) -> Vec<String> {
    let value = serde_json::to_value(report).unwrap_or_default();
    let mut found = Vec::new();
    collect_breaking(&value, &mut found);
    found
}

/// Every change object (one with a `rust` verdict) whose Rust level is `breaking`.
fn collect_breaking(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(rust) = map.get("rust")
                && rust.get("level").and_then(|l| l.as_str()) == Some("breaking")
            {
                let location = map.get("location").and_then(|l| l.as_str()).unwrap_or("?");
                let reason = rust.get("reason").and_then(|r| r.as_str()).unwrap_or("");
                found.push(format!("{location}: {reason}"));
            }
            map.values().for_each(|v| collect_breaking(v, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_breaking(v, found)),
        _ => {}
    }
}

/// Writes `crates` as one workspace under `dir` and documents them all as rustdoc JSON,
/// returning the folder that holds one `<lib>.json` per crate (copied out of `target`, which
/// the other side reuses).
fn rustdoc_json(
    dir: &Path,
    target: &Path,
    crates: &BTreeMap<String, BTreeMap<String, String>>,
) -> io::Result<PathBuf> {
    write_workspace(dir, crates)?;
    let doc = target.join("doc");
    if doc.exists() {
        fs::remove_dir_all(&doc)?;
    }
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["doc", "--workspace", "--no-deps", "--all-features"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        // rustdoc's JSON output is unstable; this is how cargo-semver-checks builds it too,
        // with the same flags, so that both sides are read the way it reads them.
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            "RUSTDOCFLAGS",
            "-Z unstable-options --document-private-items --document-hidden-items \
             --output-format=json --cap-lints=allow",
        )
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "cargo doc failed in {}:\n{}",
            dir.display(),
            tail(&String::from_utf8_lossy(&output.stderr), 30)
        )));
    }
    let out = dir.join("rustdoc-json");
    fs::create_dir_all(&out)?;
    for entry in fs::read_dir(&doc)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(name) = path.file_name()
        {
            fs::copy(&path, out.join(name))?;
        }
    }
    Ok(out)
}

/// Runs `cargo semver-checks` on two rustdoc JSON files as a minor release: whether it says
/// a major version is needed, and the lints that failed.
fn semver_checks(old: &Path, new: &Path) -> Result<(bool, Vec<String>), String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "semver-checks",
            "check-release",
            "--color",
            "never",
            "--release-type",
            "minor",
        ])
        .arg("--baseline-rustdoc")
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    parse_semver_checks(output.status.success(), &text)
}

/// Reads cargo-semver-checks' verdict from its exit status and output: a failed run must
/// say which lints failed, or it is an error of the tool (not a verdict).
pub fn parse_semver_checks(success: bool, text: &str) -> Result<(bool, Vec<String>), String> {
    // A failed lint is reported as `--- failure <lint_name>: <description> ---`.
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .filter_map(|rest| rest.split(':').next())
        .map(str::to_owned)
        .collect();
    let major = text.contains("requires new major version");
    if success {
        return Ok((false, lints));
    }
    if major || !lints.is_empty() {
        return Ok((major, lints));
    }
    Err(format!(
        "cargo semver-checks failed without a verdict:\n{}",
        tail(text, 30)
    ))
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The agreement table, as Markdown.
pub fn table(verdicts: &[Verdicts]) -> String {
    let mut out = String::from(
        "| pair | spec-diff (Rust) | cargo-semver-checks | agree | failed lints |\n|---|---|---|---|---|\n",
    );
    let word = |major: bool| if major { "major" } else { "not major" };
    for v in verdicts {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            v.pair,
            word(v.spec_diff_major),
            word(v.semver_checks_major),
            if v.agree() { "yes" } else { "**NO**" },
            if v.lints.is_empty() {
                "-".to_owned()
            } else {
                v.lints.join(", ")
            }
        ));
    }
    let agree = verdicts.iter().filter(|v| v.agree()).count();
    out.push_str(&format!("\n{agree}/{} pairs agree.\n", verdicts.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_major_failure_is_read_with_its_lints() {
        let text = "     Checking sd-x v1.0.0 -> v1.0.0 (minor change)\n\
            --- failure function_missing: pub fn removed or renamed ---\n\
            --- failure enum_variant_added: enum variant added on exhaustive enum ---\n\
            Summary semver requires new major version: 2 major and 0 minor checks failed";
        assert_eq!(
            parse_semver_checks(false, text),
            Ok((
                true,
                vec![
                    "function_missing".to_owned(),
                    "enum_variant_added".to_owned()
                ]
            ))
        );
    }

    #[test]
    fn a_pass_is_not_major() {
        let text = "Summary no semver update required";
        assert_eq!(parse_semver_checks(true, text), Ok((false, vec![])));
    }

    #[test]
    fn a_failure_without_lints_is_an_error_not_a_verdict() {
        let err = parse_semver_checks(false, "error: rustdoc JSON format version 99")
            .expect_err("no verdict");
        assert!(err.contains("format version 99"), "{err}");
    }
}
