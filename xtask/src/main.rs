//! `cargo xtask <command>`: see `cargo xtask --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{codegen, files, workspace_root};

// Generation allocates and frees millions of small token and syntax-tree nodes: with the
// system allocator that was about a quarter of `xtask generate`'s time (BENCHMARKS.md §19).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer commands for prolinksqr-rs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated-client/src/generated/ from spec/openapi.yaml, with the Overlay
    /// documents of spec/overlays/ applied first (*.yaml, *.yml, *.json, in file-name order;
    /// an action whose target matches nothing is an error, and nothing is written).
    Codegen {
        /// Write nothing; exit 1 with a diff if the checked-in code is stale.
        #[arg(long)]
        check: bool,
        /// An OpenAPI Overlay (1.0 or 1.1) to apply after those of spec/overlays/
        /// (repeatable, applied in the order given): to try a correction before adding it
        /// to the folder.
        #[arg(long, value_name = "FILE")]
        overlay: Vec<PathBuf>,
    },
    /// Generate a standalone client crate for any OpenAPI 3.0 or 3.1 spec (one file, or a
    /// root file whose relative `$ref`s name files beside it).
    Generate {
        /// The OpenAPI 3.0 document (YAML or JSON).
        #[arg(long)]
        spec: PathBuf,
        /// An OpenAPI Overlay (1.0 or 1.1) to apply to the spec before generating
        /// (repeatable, applied in the order given); an action whose target matches nothing
        /// is an error.
        #[arg(long, value_name = "FILE")]
        overlay: Vec<PathBuf>,
        /// Folder to write the crate into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Package name of the crate (default: the output folder's name).
        #[arg(long)]
        crate_name: Option<String>,
        /// Write into a non-empty folder that `generate` did not write (it keeps a list of
        /// its files in `.generated-files`), replacing the crate's files there. Other files
        /// are never removed.
        #[arg(long)]
        force: bool,
        /// Refuse the spec if any schema, body or response would be generated as raw JSON or
        /// bytes (by default each such fallback is a warning).
        #[arg(long)]
        strict: bool,
        /// Give every group of operations (`client.<group>()`) its own Cargo feature, and
        /// `full` (on by default) for all of them, as the document's `x-group-features: true`
        /// does: for large APIs, whose users call a few groups.
        #[arg(long)]
        group_features: bool,
    },
    /// Generate and compile a crate for every real-world spec in ../shared/specs/.
    Corpus {
        /// Only specs whose file name contains this.
        #[arg(long)]
        filter: Option<String>,
        /// `cargo check` only, not clippy.
        #[arg(long)]
        no_clippy: bool,
        /// Also lint each crate that has a feature per group (documents of more than 150
        /// operations) with each group alone, and with none: slow, one build per group.
        #[arg(long)]
        each_group: bool,
    },
    /// Semantic diff of two versions of the spec, each change classified as breaking or
    /// not for clients on the wire and for code using the generated Rust crate.
    ///
    /// Old side: spec/openapi.yaml at HEAD (or --base REV, or --old FILE); new side: the
    /// working tree's spec/openapi.yaml (or --new FILE). A side that is the project spec
    /// gets the overlays of spec/overlays/ as of that side (the working tree's, or at the
    /// git revision), so the report is of the spec codegen generates from; --old and --new
    /// files get none.
    #[command(after_help = xtask::spec_diff::EXIT_CODES)]
    SpecDiff {
        /// Git revision of the old side (default HEAD), read with `git show REV:spec/openapi.yaml`.
        #[arg(long, value_name = "GIT-REV", conflicts_with = "old")]
        base: Option<String>,
        /// Spec file of the old side, instead of a git revision.
        #[arg(long, value_name = "FILE")]
        old: Option<PathBuf>,
        /// Spec file of the new side (default: the working tree's spec/openapi.yaml).
        #[arg(long, value_name = "FILE")]
        new: Option<PathBuf>,
        /// An OpenAPI Overlay (1.0 or 1.1) to apply to the new side, after the folder's
        /// (repeatable, applied in the order given): the report shows what it would change.
        #[arg(long, value_name = "FILE")]
        overlay: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = xtask::spec_diff::Format::Text)]
        format: xtask::spec_diff::Format,
        /// Exit 1 when a change is breaking, on the wire or for Rust (warnings do not count),
        /// unless (old side a git revision, new side the working tree) the version of
        /// generated-client/Cargo.toml was bumped semver-major (minor for 0.x) between them.
        #[arg(long)]
        fail_on_breaking: bool,
    },
    /// Measure what depending on prolinksqr costs at build time: cold `cargo build` of a
    /// small binary per feature choice and of a hand-written reqwest + serde_json
    /// equivalent (under target/build-cost/), with dependency counts; prints a table.
    BuildCost {
        /// Only variants whose name contains this.
        #[arg(long)]
        only: Option<String>,
    },
    /// Check spec-diff's Rust verdicts against cargo-semver-checks: generate both crates of
    /// each fixture pair in tests/fixtures/spec-diff, compare them with cargo-semver-checks
    /// (needs `cargo install cargo-semver-checks`), print the agreement table, and exit 1
    /// if the two tools disagree on any pair about needing a major version (other than
    /// the type changes the tool has no lint for: `semver_agreement::KNOWN_TOOL_GAPS`).
    SemverAgreement {
        /// Only pairs whose folder name contains this (repeatable).
        #[arg(long)]
        filter: Vec<String>,
        /// Only the pairs CI checks (`semver_agreement::CI_SAMPLE`).
        #[arg(long, conflicts_with = "filter")]
        sample: bool,
    },
    /// What clients saw differ from the spec (drift logs: `--drift-log`,
    /// `PROLINKSQR_DRIFT_LOG`, `ClientBuilder::record_drift_to`), reported, or proposed as
    /// an OpenAPI Overlay for spec/overlays/.
    Drift {
        #[command(subcommand)]
        command: DriftCommand,
    },
}

#[derive(Subcommand)]
enum DriftCommand {
    /// What differs, by operation and by schema, with counts.
    Report {
        /// Drift logs (merged).
        #[arg(required = true, value_name = "LOG")]
        logs: Vec<PathBuf>,
        /// Output format (markdown: for a pull request).
        #[arg(long, value_enum, default_value_t = xtask::spec_diff::Format::Text)]
        format: xtask::spec_diff::Format,
        /// Leave out findings seen in fewer than N responses.
        #[arg(long, value_name = "N", default_value_t = 1)]
        min_count: u64,
    },
    /// Write an OpenAPI Overlay 1.0 document with one action per finding (new properties,
    /// widened types, enum values, statuses, media types, `required` relaxed), each with
    /// `x-observed`; findings it cannot place are listed, never guessed.
    Propose {
        /// Drift logs (merged).
        #[arg(required = true, value_name = "LOG")]
        logs: Vec<PathBuf>,
        /// The overlay file to write (YAML, or JSON when it ends in `.json`), e.g.
        /// spec/overlays/0001-drift.yaml.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Leave out findings seen in fewer than N responses.
        #[arg(long, value_name = "N", default_value_t = 1)]
        min_count: u64,
        /// The spec the logs' clients were generated from (default: spec/openapi.yaml with
        /// spec/overlays/ applied; another spec gets no folder overlays).
        #[arg(long, value_name = "FILE")]
        spec: Option<PathBuf>,
        /// Overlays applied to the spec first, after the folder's (repeatable).
        #[arg(long, value_name = "FILE")]
        overlay: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { check, overlay } => run_codegen(check, &overlay),
        Command::Generate {
            spec,
            overlay,
            out,
            crate_name,
            force,
            strict,
            group_features,
        } => run_generate(
            &spec,
            &overlay,
            &out,
            crate_name,
            force,
            strict,
            group_features,
        ),
        Command::Corpus {
            filter,
            no_clippy,
            each_group,
        } => run_corpus(filter.as_deref(), no_clippy, each_group),
        Command::SpecDiff {
            base,
            old,
            new,
            overlay,
            format,
            fail_on_breaking,
        } => run_spec_diff(xtask::spec_diff::Options {
            base,
            old,
            new,
            overlays: overlay,
            format,
            fail_on_breaking,
        }),
        Command::SemverAgreement { filter, sample } => run_semver_agreement(filter, sample),
        Command::Drift { command } => run_drift(command),
        Command::BuildCost { only } => {
            let root = workspace_root();
            match xtask::build_cost::run(&root, &root.join("target/build-cost"), only.as_deref()) {
                Ok(costs) => {
                    print!("{}", xtask::build_cost::table(&costs));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn run_semver_agreement(filter: Vec<String>, sample: bool) -> ExitCode {
    use xtask::semver_agreement as agreement;
    let root = workspace_root();
    let fixtures = root.join(agreement::FIXTURES);
    let filter = if sample {
        agreement::CI_SAMPLE
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    } else {
        filter
    };
    let target = root.join("target/semver-agreement");
    let result = agreement::pairs(&fixtures, &filter).and_then(|pairs| {
        agreement::run(
            &fixtures,
            &pairs,
            &target.join("crates"),
            &target.join("build"),
        )
    });
    let verdicts = match result {
        Ok(verdicts) => verdicts,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", agreement::table(&verdicts));
    let disagree: Vec<_> = verdicts.iter().filter(|v| !v.passes()).collect();
    for v in &disagree {
        println!("\n--- {} ---", v.pair);
        println!("spec-diff breaking for Rust: {:?}", v.spec_diff_reasons);
        println!("cargo-semver-checks failed lints: {:?}", v.lints);
    }
    if disagree.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_spec_diff(options: xtask::spec_diff::Options) -> ExitCode {
    match xtask::spec_diff::run(&options, &workspace_root()) {
        Ok(outcome) => {
            print!("{}", outcome.report);
            if let Some(gate) = &outcome.gate {
                eprint!("{gate}");
            }
            ExitCode::from(outcome.status)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run_corpus(filter: Option<&str>, no_clippy: bool, each_group: bool) -> ExitCode {
    let lint = if no_clippy {
        xtask::crates::Lint::Check
    } else {
        xtask::crates::Lint::Clippy
    };
    let rows = match xtask::corpus::run(filter, lint, each_group) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", xtask::corpus::table(&rows));
    for r in rows.iter().filter(|r| r.feature_sets > 0) {
        println!(
            "{}: {} groups, linted with {} feature sets (each group alone, with and without \
             the mock, blocking and cli modules, and none)",
            r.spec,
            r.groups.len(),
            r.feature_sets
        );
    }
    // A failure's diagnostics are always printed: CI logs are all there is to go on.
    for r in &rows {
        if let Some(why) = r.result.details() {
            println!("\n--- {} ---\n{why}", r.spec);
        }
    }
    let failures = rows.iter().filter(|r| r.result.is_failure()).count();
    let compiles = rows
        .iter()
        .filter(|r| r.result == xtask::corpus::Status::Compiles)
        .count();
    println!(
        "{compiles} of {} specs generate a crate that compiles; {failures} failed",
        rows.len()
    );
    if failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_codegen(check: bool, overlays: &[PathBuf]) -> ExitCode {
    if check {
        return match codegen::stale_with(overlays) {
            Ok(diffs) if diffs.is_empty() => {
                println!(
                    "{} and the crate frame ({}) are up to date with {} (and its overlays)",
                    codegen::OUT,
                    frame_paths(),
                    codegen::SPEC
                );
                ExitCode::SUCCESS
            }
            Ok(diffs) => {
                for d in &diffs {
                    print!("{d}");
                }
                eprintln!(
                    "error: {} generated file(s) or part(s) are stale; run `cargo xtask codegen`",
                    diffs.len(),
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let expected = codegen::expected_with(overlays);
    let (expected, parts) = match expected.and_then(|f| Ok((f, codegen::frame_parts()?))) {
        Ok(both) => both,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = workspace_root().join(codegen::OUT);
    let mut changes = match files::sync(&out, &expected, &files::marker(codegen::COMMAND)) {
        Ok(changes) => changes,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    };
    for part in parts.iter().filter(|p| p.current != p.expected) {
        let path = workspace_root().join(part.path);
        if let Err(e) = files::write_atomic(&path, &part.expected) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        changes.push(files::Change::Updated(path));
    }
    if changes.is_empty() {
        println!(
            "{} is already up to date ({} files), and so is the crate frame ({})",
            codegen::OUT,
            expected.len(),
            frame_paths()
        );
    } else {
        for c in &changes {
            println!("{}", relative(c));
        }
        println!("{} file(s) changed", changes.len());
    }
    ExitCode::SUCCESS
}

/// The files with a part `codegen` writes, for its messages.
fn frame_paths() -> String {
    codegen::FRAME_PARTS
        .iter()
        .map(|(path, _)| *path)
        .collect::<Vec<_>>()
        .join(", ")
}

fn relative(change: &files::Change) -> String {
    let root = workspace_root();
    change
        .to_string()
        .replace(&format!("{}/", root.display()), "")
}

fn run_generate(
    spec_path: &Path,
    overlays: &[PathBuf],
    out: &Path,
    crate_name: Option<String>,
    force: bool,
    strict: bool,
    group_features: bool,
) -> ExitCode {
    let crate_name = match crate_name {
        Some(name) => name,
        None => default_crate_name(out),
    };
    if let Some(problem) = generator::runtime::crate_name_problem(&crate_name) {
        eprintln!("error: invalid crate name {crate_name:?}: {problem}");
        return ExitCode::from(2);
    }
    let config = generator::Config::new(
        crate_name,
        spec_path.display().to_string(),
        "cargo xtask generate",
    )
    .strict(strict)
    .group_features(group_features);
    let spec = match xtask::spec_files::file_overlays(overlays)
        .and_then(|overlays| xtask::spec_files::read_spec_with(spec_path, &overlays))
    {
        Ok(spec) => spec,
        Err(xtask::spec_files::ReadError::Io(e)) => {
            eprintln!("error: cannot read {}: {e}", spec_path.display());
            return ExitCode::FAILURE;
        }
        Err(e @ xtask::spec_files::ReadError::Overlay(..)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        Err(xtask::spec_files::ReadError::Spec(e)) => {
            eprintln!("error: {}: {e}", spec_path.display());
            return ExitCode::FAILURE;
        }
    };
    let generated = match generator::generate_crate(&spec, &config) {
        Ok(g) => g,
        Err(e) => {
            // Nothing has been written: generation is complete in memory before any write.
            eprintln!("error: {}: {e}", spec_path.display());
            return ExitCode::FAILURE;
        }
    };
    for warning in &generated.warnings {
        eprintln!("{}: {warning}", spec_path.display());
    }
    match files::sync_crate(out, &generated.files, force) {
        Ok(changes) => {
            println!(
                "generated {} files into {} ({} changed)",
                generated.files.len(),
                out.display(),
                changes.len()
            );
            ExitCode::SUCCESS
        }
        Err(files::Refusal::Unsafe(why)) => {
            eprintln!("error: nothing written: {why}");
            ExitCode::FAILURE
        }
        Err(files::Refusal::Io(e)) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// The output folder's name made into a package name; `api-client-<name>` when that is not
/// one Cargo takes (it starts with a digit, is a keyword or a built-in crate's name...).
fn default_crate_name(out: &Path) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('-').to_owned();
    if cleaned.is_empty() {
        "api-client".to_owned()
    } else if generator::runtime::crate_name_problem(&cleaned).is_some() {
        format!("api-client-{cleaned}")
    } else {
        cleaned
    }
}

fn run_drift(command: DriftCommand) -> ExitCode {
    let result = match command {
        DriftCommand::Report {
            logs,
            format,
            min_count,
        } => xtask::drift::Logs::read(&logs).map(|logs| {
            print!(
                "{}",
                xtask::drift::report::render(&logs.at_least(min_count), format)
            );
        }),
        DriftCommand::Propose {
            logs,
            out,
            min_count,
            spec,
            overlay,
        } => xtask::drift::Logs::read(&logs).and_then(|logs| {
            let summary = xtask::drift::propose_to_file(
                &logs.at_least(min_count),
                spec.as_deref(),
                &overlay,
                &out,
            )?;
            print!("{summary}");
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
