//! `cargo xtask corpus`: every real-world spec in `../shared/specs/` -> a standalone crate,
//! all checked together; a table of what compiled, what was refused and why.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::crates::{self, Lint, Outcome};

/// The folder of public specs, beside the project.
pub fn specs_dir() -> PathBuf {
    crate::workspace_root().join("../shared/specs")
}

/// The specs whose generated crates also run `cargo test`: small ones (every doc example is
/// compiled), one of each kind (3.0, 3.1, split into files).
pub const TESTED: [&str; 3] = [
    "oai-petstore.yaml",
    "31-redocly-museum-openapi.yaml",
    "multi-file/redocly-openapi-starter/openapi.yaml",
];

/// The result for one spec.
#[derive(Debug)]
pub struct Row {
    /// File name.
    pub spec: String,
    /// Operations in the document.
    pub operations: usize,
    /// Component schemas in the document.
    pub schemas: usize,
    /// Time to parse and generate.
    pub generation: Duration,
    /// Lines of Rust generated.
    pub lines: usize,
    /// Warnings: webhooks not generated, schemas/bodies/responses generated raw.
    pub warnings: usize,
    /// Whether the crate's own `cargo test` ran and passed (for the [`TESTED`] sample).
    pub tested: bool,
    /// Its Cargo feature per group, for a document of more than [`GROUP_FEATURES_ABOVE`]
    /// operations; empty otherwise.
    pub groups: Vec<String>,
    /// How many feature sets `--each-group` linted the crate with, all clean unless
    /// [`Row::result`] says otherwise.
    pub feature_sets: usize,
    /// What happened.
    pub result: Status,
}

/// What happened to one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Generated and compiled (clippy-clean when linted).
    Compiles,
    /// Compiled, but the crate's own `cargo test` (the [`TESTED`] sample) failed: why.
    TestsFailed(String),
    /// Refused with a clear error.
    Refused(String),
    /// Generated, but the crate does not compile or lint cleanly.
    Failed(String),
    /// The generator panicked.
    Panicked(String),
}

impl Status {
    /// A run fails on panics, on refusals (every document in the corpus is valid, so the
    /// generator must take it) and on generated crates that do not build.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Status::Failed(_) | Status::TestsFailed(_) | Status::Panicked(_) | Status::Refused(_)
        )
    }

    /// The diagnostics behind a failure, if there are any beyond the table's cell.
    pub fn details(&self) -> Option<&str> {
        match self {
            Status::Failed(why) | Status::TestsFailed(why) => Some(why),
            _ => None,
        }
    }
}

/// Runs the corpus (specs whose file name contains `filter`, if any). With `each_group`,
/// a crate with a feature per group is also linted with each group alone, and with none
/// ([`crates::group_feature_sets`]).
pub fn run(filter: Option<&str>, lint: Lint, each_group: bool) -> std::io::Result<Vec<Row>> {
    let dir = specs_dir();
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot read the real-world specs in {}: {e}; `cargo xtask corpus` needs \
                 the `shared/specs/` folder beside this repository",
                dir.display()
            ),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .filter(|p| {
            filter.is_none_or(|f| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(f))
            })
        })
        .collect();
    paths.extend(multi_file_roots(&dir.join("multi-file"), filter));
    paths.sort();
    let mut rows = Vec::new();
    let mut crates = BTreeMap::new();
    for path in &paths {
        let (row, files) = generate_one(path);
        if let Some(files) = files {
            crates.insert(crate_name(&row.spec), files);
        }
        rows.push(row);
    }
    if !crates.is_empty() {
        let dir = crates::scratch("corpus-crates");
        let target = crates::scratch("corpus-target");
        let outcomes = crates::check(&dir, &target, &crates, lint)?;
        for row in &mut rows {
            if let Some(Outcome::Failed(why)) = outcomes.get(&crate_name(&row.spec)) {
                row.result = Status::Failed(why.clone());
            }
        }
        // The sample's own tests (the runtime's unit tests and every doc example) must pass
        // in a crate generated for another API, not only in `prolinksqr`.
        let sample: Vec<String> = rows
            .iter()
            .filter(|r| r.result == Status::Compiles && TESTED.contains(&r.spec.as_str()))
            .map(|r| crate_name(&r.spec))
            .collect();
        let tested = crates::test(&dir, &target, &sample)?;
        for row in &mut rows {
            match tested.get(&crate_name(&row.spec)) {
                Some(Outcome::Failed(why)) => row.result = Status::TestsFailed(why.clone()),
                Some(Outcome::Clean) => row.tested = true,
                None => {}
            }
        }
        if each_group {
            for row in &mut rows {
                if row.result != Status::Compiles || row.groups.is_empty() {
                    continue;
                }
                let sets = crates::group_feature_sets(&row.groups);
                let outcomes =
                    crates::check_each_feature_set(&dir, &target, &crate_name(&row.spec), &sets)?;
                row.feature_sets = outcomes.len();
                let failed: Vec<String> = outcomes
                    .into_iter()
                    .filter_map(|(set, outcome)| match outcome {
                        Outcome::Clean => None,
                        Outcome::Failed(why) => Some(format!("with features [{set}]:\n{why}")),
                    })
                    .collect();
                if !failed.is_empty() {
                    row.result = Status::Failed(failed.join("\n\n"));
                }
            }
        }
    }
    Ok(rows)
}

/// The root file of each folder under `multi-file/`: its one YAML or JSON file at the top.
fn multi_file_roots(dir: &Path, filter: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut roots = Vec::new();
    for folder in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if !folder.is_dir() {
            continue;
        }
        let Ok(files) = std::fs::read_dir(&folder) else {
            continue;
        };
        let candidates: Vec<PathBuf> = files
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("json" | "yaml" | "yml")
                    )
            })
            .collect();
        if let [root] = candidates.as_slice()
            && filter.is_none_or(|f| root.to_string_lossy().contains(f))
        {
            roots.push(root.clone());
        }
    }
    roots
}

/// How a spec is named in the table: its path under `../shared/specs/`.
fn spec_label(path: &Path) -> String {
    let dir = specs_dir();
    path.strip_prefix(&dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn crate_name(spec: &str) -> String {
    let stem = spec.rsplit_once('.').map_or(spec, |(s, _)| s);
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("corpus-{name}")
}

/// Documents with more operations than this are generated with a feature per group.
pub const GROUP_FEATURES_ABOVE: usize = 150;

fn generate_one(path: &Path) -> (Row, Option<BTreeMap<String, String>>) {
    let spec_name = spec_label(path);
    let mut row = Row {
        spec: spec_name.clone(),
        operations: 0,
        schemas: 0,
        generation: Duration::ZERO,
        lines: 0,
        warnings: 0,
        tested: false,
        groups: Vec::new(),
        feature_sets: 0,
        result: Status::Compiles,
    };
    let config = generator::Config::new(
        crate_name(&spec_name),
        format!("shared/specs/{spec_name}"),
        "cargo xtask corpus",
    );
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let spec = crate::spec_files::read_spec(path).map_err(|e| e.to_string())?;
        let counts = (
            spec.openapi.operations().count(),
            spec.openapi
                .components
                .as_ref()
                .map_or(0, |c| c.schemas.len()),
        );
        // Large documents are generated as their users would: a feature per group, so
        // that CI compiles that shape (all features on) for every one of them.
        let config = config.group_features(counts.0 > GROUP_FEATURES_ABOVE);
        generator::generate_crate(&spec, &config)
            .map(|files| (counts, files))
            .map_err(|e| e.to_string())
    }));
    row.generation = start.elapsed();
    match outcome {
        Ok(Ok(((ops, schemas), files))) => {
            row.operations = ops;
            row.schemas = schemas;
            row.warnings = files.warnings.len();
            row.groups = files.group_features.clone();
            row.lines = files
                .files
                .iter()
                .filter(|(p, _)| p.starts_with("src/generated"))
                .map(|(_, c)| c.lines().count())
                .sum();
            (row, Some(files.files))
        }
        Ok(Err(e)) => {
            row.result = Status::Refused(e);
            (row, None)
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            row.result = Status::Panicked(msg);
            (row, None)
        }
    }
}

/// The table, as Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | operations | schemas | generated lines | warnings | generation | result |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        let result = match &r.result {
            Status::Compiles if r.tested => {
                "compiles, clippy-clean, `cargo test` passes".to_owned()
            }
            Status::Compiles => "compiles, clippy-clean".to_owned(),
            Status::Refused(why) => format!("refused: {}", why.replace('|', "\\|")),
            Status::Failed(_) => "FAILED to compile".to_owned(),
            Status::TestsFailed(_) => "compiles, clippy-clean, `cargo test` FAILED".to_owned(),
            Status::Panicked(why) => format!("PANICKED: {why}"),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} ms | {} |\n",
            r.spec,
            r.operations,
            r.schemas,
            r.lines,
            r.warnings,
            r.generation.as_secs_f64() * 1000.0,
            result
        ));
    }
    out
}
