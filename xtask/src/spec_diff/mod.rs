//! `cargo xtask spec-diff`: what changed between two versions of the spec, and whom it
//! breaks: clients on the wire, and code written against the generated Rust crate.
//!
//! The pipeline: [`load`] reads both sides (files or `git show`), the generator parses them
//! and builds its IR (`generator::build_api`: a spec it refuses is refused here too, with
//! its located error), [`view`] resolves every `$ref` and collects the generated Rust names,
//! [`compare`] finds the changes, [`classify`] judges each one twice, [`codediff`]
//! summarizes the generated-code diff, and [`report`] renders text, Markdown or JSON.
//!
//! Exit status (see [`EXIT_CODES`]): 0 the report was produced; 1 `--fail-on-breaking` and
//! some change is breaking; 2 no report: bad arguments, unknown git revision, unreadable
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
  0  the report was produced (and, with --fail-on-breaking, no change is breaking)
  1  --fail-on-breaking was given and a change is breaking on the wire or for Rust
     (warnings do not count)
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

/// Runs the command: the rendered report and the exit status, or why there is none.
/// `root` is the workspace root: git runs there, and the default new side is read there.
pub fn run(options: &Options, root: &Path) -> Result<(String, u8), Failure> {
    let (old, new) = sources(options)?;
    let read = |source: &Source| -> Result<Input, Failure> {
        Ok(Input {
            label: source.label(),
            text: load::read(source, root)?,
        })
    };
    let (old, new) = (read(&old)?, read(&new)?);
    let report = diff(&old, &new, true)?;
    Ok((
        render(&report, options.format),
        exit_code(&report, options.fail_on_breaking),
    ))
}

/// Compares two spec texts. With `code`, the generated modules of both are compared too.
pub fn diff(old: &Input, new: &Input, code: bool) -> Result<Report, Failure> {
    let parse = |input: &Input| {
        let located = |error| Failure::Spec {
            label: input.label.clone(),
            error,
        };
        let spec = generator::parse_spec(&input.text).map_err(located)?;
        let api = generator::build_api(&spec).map_err(located)?;
        Ok::<_, Failure>((spec, api))
    };
    let (old_spec, old_api) = parse(old)?;
    let (new_spec, new_api) = parse(new)?;
    let old_side = view::Side::new(&old_spec.raw, &old_api);
    let new_side = view::Side::new(&new_spec.raw, &new_api);
    let (operations, schemas) = compare::compare(&old_side, &new_side);
    let mut report = Report::new(old.label.clone(), new.label.clone(), operations, schemas);
    if code {
        let config = crate::codegen::config();
        let generate = |input: &Input, spec: &generator::Spec| {
            generator::generate(spec, &config).map_err(|error| Failure::Spec {
                label: input.label.clone(),
                error,
            })
        };
        let before = generate(old, &old_spec)?;
        let after = generate(new, &new_spec)?;
        let mut code = codediff::summarize(&before.files, &after.files);
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
