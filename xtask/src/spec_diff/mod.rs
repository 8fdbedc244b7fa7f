//! `cargo xtask spec-diff`: what changed between two versions of the spec, and whom it
//! breaks: clients on the wire, and code written against the generated Rust crate.
//!
//! The pipeline: [`load`] reads both sides (files or `git show`; the project spec with its
//! `spec/overlays/` of the same side applied, `--overlay` files on the new side), the generator parses them
//! and builds its IR (`generator::build_api`: a spec it refuses is refused here too, with
//! its located error), [`view`] resolves every `$ref` and collects the generated Rust names,
//! [`compare`] finds the changes, [`classify`] judges each one twice, [`codediff`]
//! summarizes the generated-code diff, and [`report`] renders text, Markdown or JSON.
//!
//! Exit status (see [`EXIT_CODES`]): 0 the report was produced; 1 `--fail-on-breaking` and
//! some change is breaking without the crate version bumped for it (see [`gate`]); 2 no report: bad arguments, unknown git revision, unreadable
//! file, or a spec the generator refuses. The same convention as `diff(1)`.

pub mod classify;
pub mod codediff;
pub mod compare;
pub mod load;
pub mod model;
pub mod report;
pub mod view;

use std::fmt;
use std::path::{Path, PathBuf};

pub use load::Source;
pub use model::{Change, ChangeKind, Level, Report};

/// The report was produced (and nothing failed the `--fail-on-breaking` check).
pub const EXIT_OK: u8 = 0;
/// `--fail-on-breaking` was given and a change is breaking (wire or Rust).
pub const EXIT_BREAKING: u8 = 1;
/// No report: bad arguments, unknown git revision, unreadable file, or an invalid spec.
pub const EXIT_ERROR: u8 = 2;

/// The exit statuses, as printed by `--help`.
pub const EXIT_CODES: &str = "\
Exit status:
  0  the report was produced (and, with --fail-on-breaking, no change is breaking, or
     every breaking change is acknowledged by a semver-major bump of the version in
     generated-client/Cargo.toml between --base and the working tree)
  1  --fail-on-breaking was given and a change is breaking on the wire or for Rust
     (warnings do not count) without that bump; stderr lists the breaking changes and
     the version to set
  2  no report: bad arguments, unknown git revision, unreadable file, or a spec the
     generator refuses (its located error is printed)";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For a terminal.
    #[default]
    Text,
    /// For a pull-request description.
    Markdown,
    /// For tools (stable field names and rule ids).
    Json,
}

/// The command line, parsed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Git revision of the old side (default `HEAD`).
    pub base: Option<String>,
    /// File of the old side, instead of a git revision.
    pub old: Option<PathBuf>,
    /// File of the new side (default: the working tree's `spec/openapi.yaml`).
    pub new: Option<PathBuf>,
    /// Overlay files applied to the new side, in order, after its `spec/overlays/` (when
    /// it is the project spec: see [`load::read_spec_with`]).
    pub overlays: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Exit 1 when a change is breaking.
    pub fail_on_breaking: bool,
}

/// Why no report could be produced. Every variant exits with [`EXIT_ERROR`].
#[derive(Debug)]
pub enum Failure {
    /// Contradictory arguments.
    Usage(String),
    /// A file could not be read.
    Io(String),
    /// The git revision or the file at that revision could not be read.
    Git(String),
    /// A side is not a spec the generator accepts.
    Spec {
        /// Which side (`HEAD:spec/openapi.yaml`).
        label: String,
        /// The generator's error, located by JSON pointer and line.
        error: generator::Error,
    },
}

impl Failure {
    /// The process exit status for this failure.
    pub fn exit_code(&self) -> u8 {
        EXIT_ERROR
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Io(m) | Failure::Git(m) => f.write_str(m),
            Failure::Spec { label, error } => write!(f, "{label}: {error}"),
        }
    }
}

impl std::error::Error for Failure {}

/// One side of the comparison, read.
#[derive(Debug, Clone)]
pub struct Input {
    /// How the report names it.
    pub label: String,
    /// The spec text.
    pub text: String,
}

/// The two sources the options select: `--old` or `git show <--base|HEAD>:spec`, and
/// `--new` or the working tree's spec.
pub fn sources(options: &Options) -> Result<(Source, Source), Failure> {
    let spec = crate::codegen::SPEC.to_owned();
    let old = match (&options.old, &options.base) {
        (Some(_), Some(_)) => {
            return Err(Failure::Usage(
                "--old and --base both name the old side: give one of them".to_owned(),
            ));
        }
        (Some(path), None) => Source::File(path.clone()),
        (None, base) => Source::Git {
            rev: base.clone().unwrap_or_else(|| "HEAD".to_owned()),
            path: spec.clone(),
        },
    };
    let new = match &options.new {
        Some(path) => Source::File(path.clone()),
        None => Source::WorkTree(spec),
    };
    Ok((old, new))
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The rendered report (for stdout).
    pub report: String,
    /// The exit status.
    pub status: u8,
    /// With `--fail-on-breaking` and a breaking change: why the run fails, or how the
    /// breaking changes were acknowledged (for stderr).
    pub gate: Option<String>,
}

/// The crate whose version acknowledges a breaking change, relative to the workspace root.
pub const MANIFEST: &str = "generated-client/Cargo.toml";

/// Runs the command: the rendered report and the exit status, or why there is none.
/// `root` is the workspace root: git runs there, and the default new side is read there.
///
/// With `--fail-on-breaking`, when the old side is a git revision and the new side the
/// working tree, the version of [`MANIFEST`] on both sides is compared too: a breaking
/// change is acknowledged (exit 0) by a semver-major bump in the same change.
pub fn run(options: &Options, root: &Path) -> Result<Outcome, Failure> {
    let (old_source, new_source) = sources(options)?;
    // Read as documents, not texts: a spec split into files is read with the files beside
    // it (from the same revision, for a git side).
    let old = (old_source.label(), load::read_spec(&old_source, root)?);
    let report = diff_lazily(
        old,
        new_source.label(),
        || load::read_spec_with(&new_source, root, &options.overlays),
        true,
    )?;
    let (status, gate) = if options.fail_on_breaking && report.summary.breaking {
        let versions = match (&old_source, &new_source) {
            (Source::Git { rev, .. }, Source::WorkTree(_)) => Versions::read(rev, root),
            _ => Err(
                "the version is only compared when the old side is a git revision (--base) and the new side the working tree"
                    .to_owned(),
            ),
        };
        gate(&report, &versions)
    } else {
        (exit_code(&report, options.fail_on_breaking), None)
    };
    Ok(Outcome {
        report: render(&report, options.format),
        status,
        gate,
    })
}

/// The crate version at the base revision and in the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// Where the old version was read (`HEAD~1:generated-client/Cargo.toml`).
    pub old_label: String,
    /// The version there.
    pub old: String,
    /// Where the new one was read.
    pub new_label: String,
    /// The version there.
    pub new: String,
}

impl Versions {
    /// Reads [`MANIFEST`]'s version at `rev` and in the working tree of `root`.
    pub fn read(rev: &str, root: &Path) -> Result<Versions, String> {
        let version = |source: Source| -> Result<(String, String), String> {
            let label = source.label();
            let text = load::read(&source, root).map_err(|e| e.to_string())?;
            let version = package_version(&text)
                .ok_or_else(|| format!("{label}: no `version = \"..\"` in [package]"))?;
            Ok((label, version))
        };
        let (old_label, old) = version(Source::Git {
            rev: rev.to_owned(),
            path: MANIFEST.to_owned(),
        })?;
        let (new_label, new) = version(Source::WorkTree(MANIFEST.to_owned()))?;
        Ok(Versions {
            old_label,
            old,
            new_label,
            new,
        })
    }
}

/// `version` of the `[package]` table of a Cargo manifest (a literal string only).
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() == "version" {
            let value = value.trim();
            return value
                .strip_prefix('"')
                .and_then(|v| v.split_once('"'))
                .map(|(v, _)| v.to_owned());
        }
    }
    None
}

/// `major.minor.patch` of a version (pre-release and build parts ignored).
fn numbers(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().unwrap_or(Some(0))?,
    ))
}

/// The smallest semver-major bump of `version`: `1.4.2` -> `2.0.0`, `0.3.1` -> `0.4.0`.
pub fn next_major(version: &str) -> Option<String> {
    let (major, minor, _) = numbers(version)?;
    Some(if major == 0 {
        format!("0.{}.0", minor + 1)
    } else {
        format!("{}.0.0", major + 1)
    })
}

/// Whether `new` is a semver-major bump of `old` (for `0.x`, a minor bump is).
pub fn is_major_bump(old: &str, new: &str) -> bool {
    let (Some(o), Some(n)) = (numbers(old), numbers(new)) else {
        return false;
    };
    if o.0 == 0 {
        n.0 > 0 || n.1 > o.1
    } else {
        n.0 > o.0
    }
}

/// The `--fail-on-breaking` decision for a report with a breaking change: the exit status
/// and the message for stderr. `versions` is the crate version on both sides, or why it
/// could not be compared (then nothing acknowledges a breaking change).
pub fn gate(report: &Report, versions: &Result<Versions, String>) -> (u8, Option<String>) {
    if !report.summary.breaking {
        return (EXIT_OK, None);
    }
    let mut list = String::new();
    let sections = report
        .operations
        .iter()
        .map(|o| {
            (
                format!("{} {} ({})", o.method, o.path, o.operation_id),
                &o.changes,
            )
        })
        .chain(
            report
                .schemas
                .iter()
                .map(|s| (format!("schema {}", s.name), &s.changes)),
        );
    let mut count = 0;
    for (section, changes) in sections {
        for c in changes {
            let mut on = Vec::new();
            if c.wire.level == Level::Breaking {
                on.push("wire");
            }
            if c.rust.level == Level::Breaking {
                on.push("Rust");
            }
            if on.is_empty() {
                continue;
            }
            count += 1;
            let what = if c.location.is_empty() {
                c.summary.clone()
            } else {
                format!("{}: {}", c.location, c.summary)
            };
            list.push_str(&format!(
                "  - {section}: {what} [breaking: {}]\n",
                on.join(", ")
            ));
        }
    }
    let changes = if count == 1 {
        "1 breaking change".to_owned()
    } else {
        format!("{count} breaking changes")
    };
    match versions {
        Ok(v) if is_major_bump(&v.old, &v.new) => (
            EXIT_OK,
            Some(format!(
                "spec-diff: {changes} acknowledged by the semver-major version bump {} -> {} ({} -> {}):\n{list}",
                v.old, v.new, v.old_label, v.new_label
            )),
        ),
        Ok(v) => {
            let next = next_major(&v.old).unwrap_or_else(|| "the next major version".to_owned());
            (
                EXIT_BREAKING,
                Some(format!(
                    "error: {changes} without a semver-major version bump:\n{list}\
                     The crate version is {} in {} and {} in {}: a breaking change (on the wire or \
                     for the Rust API) needs the major version bumped, or the minor one while it is \
                     0.x.\nTo acknowledge: set `version = \"{next}\"` in {MANIFEST} in the same change \
                     and say why in the pull request; otherwise fix the spec edit.\n",
                    v.old, v.old_label, v.new, v.new_label
                )),
            )
        }
        Err(why) => (
            EXIT_BREAKING,
            Some(format!(
                "error: {changes} (--fail-on-breaking):\n{list}No version bump can acknowledge them here: {why}.\n"
            )),
        ),
    }
}

/// Compares two spec texts. With `code`, the generated modules of both are compared too.
pub fn diff(old: &Input, new: &Input, code: bool) -> Result<Report, Failure> {
    let parse = |input: &Input| {
        generator::parse_spec(&input.text)
            .map(|spec| (input.label.clone(), spec))
            .map_err(|error| Failure::Spec {
                label: input.label.clone(),
                error,
            })
    };
    diff_lazily(parse(old)?, new.label.clone(), || Ok(parse(new)?.1), code)
}

/// Compares two parsed specs, each with the label the report names it by.
pub fn diff_specs(
    old: (String, generator::Spec),
    (new_label, new_spec): (String, generator::Spec),
    code: bool,
) -> Result<Report, Failure> {
    diff_lazily(old, new_label, move || Ok(new_spec), code)
}

/// Compares a parsed old spec with a new one that `read_new` parses when it is needed.
///
/// On a large document the generator's peak memory (with `code`) is most of the run's, so
/// nothing else is held while it runs that can wait: the old side's code is generated
/// before the new side is parsed, and the old spec is gone before the new side's code is
/// generated (BENCHMARKS.md, "spec-diff of a large document"). A spec the generator
/// refuses is refused with its label, the old side's first.
pub fn diff_lazily(
    (old_label, old_spec): (String, generator::Spec),
    new_label: String,
    read_new: impl FnOnce() -> Result<generator::Spec, Failure>,
    code: bool,
) -> Result<Report, Failure> {
    let refused = |label: &str| {
        let label = label.to_owned();
        move |error| Failure::Spec { label, error }
    };
    let config = crate::codegen::config();
    let generate = |label: &str, spec: &generator::Spec| {
        generator::generate(spec, &config)
            .map(|generated| generated.files)
            .map_err(refused(label))
    };
    let old_api = generator::build_api(&old_spec).map_err(refused(&old_label))?;
    let before = if code {
        Some(generate(&old_label, &old_spec)?)
    } else {
        None
    };
    let new_spec = read_new()?;
    let new_api = generator::build_api(&new_spec).map_err(refused(&new_label))?;
    let (operations, schemas) = {
        let old_side = view::Side::new(&old_spec.raw, &old_api);
        let new_side = view::Side::new(&new_spec.raw, &new_api);
        compare::compare(&old_side, &new_side)
    };
    drop((old_api, new_api, old_spec));
    let mut report = Report::new(old_label, new_label.clone(), operations, schemas);
    if let Some(before) = before {
        let after = generate(&new_label, &new_spec)?;
        drop(new_spec);
        let mut code = codediff::summarize(&before, &after);
        drop((before, after));
        code.unexplained = codediff::check(&report, &code);
        report.generated = Some(code);
    }
    Ok(report)
}

/// The report in the chosen format.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => report::text(report),
        Format::Markdown => report::markdown(report),
        Format::Json => report::json(report),
    }
}

/// The exit status for a produced report: [`EXIT_BREAKING`] only when asked to fail on a
/// breaking change (wire or Rust) and there is one; warnings never fail.
pub fn exit_code(report: &Report, fail_on_breaking: bool) -> u8 {
    if fail_on_breaking && report.summary.breaking {
        EXIT_BREAKING
    } else {
        EXIT_OK
    }
}
