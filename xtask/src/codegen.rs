//! `cargo xtask codegen`: spec/openapi.yaml, with the overlays of spec/overlays/ applied
//! (then those of `--overlay`), -> generated-client/src/generated/.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::workspace_root;

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/openapi.yaml";
/// The Overlay documents applied to [`SPEC`] before generation (`*.yaml`, `*.yml`,
/// `*.json`, in file-name order), relative to the workspace root.
pub const OVERLAYS: &str = "spec/overlays";
/// The generated modules, relative to the workspace root.
pub const OUT: &str = "generated-client/src/generated";
/// The command named in generated file headers.
pub const COMMAND: &str = "cargo xtask codegen";

/// Generation settings for the `prolinksqr` crate.
pub fn config() -> generator::Config {
    generator::Config::new("prolinksqr", SPEC, COMMAND)
}

/// Why codegen could not run.
#[derive(Debug)]
pub enum Failure {
    /// The spec could not be read.
    Io(PathBuf, std::io::Error),
    /// The spec is broken.
    Spec(PathBuf, generator::Error),
    /// A file with a generated part has lost the marker lines around it.
    Markers(PathBuf, generator::frame::MissingMarkers),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Failure::Spec(path, e) => write!(f, "{}: {e}", path.display()),
            Failure::Markers(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

/// What the generator produces now for the checked-in spec and its overlays.
pub fn expected() -> Result<BTreeMap<String, String>, Failure> {
    expected_with(&[])
}

/// [`expected`], with the overlays in `extra` applied after those of [`OVERLAYS`].
pub fn expected_with(extra: &[PathBuf]) -> Result<BTreeMap<String, String>, Failure> {
    let root = workspace_root();
    let path = root.join(SPEC);
    let failure = |e| match e {
        crate::spec_files::ReadError::Io(io) => Failure::Io(path.clone(), io),
        crate::spec_files::ReadError::Overlay(file, io) => Failure::Io(file, io),
        crate::spec_files::ReadError::Spec(e) => Failure::Spec(path.clone(), e),
    };
    let mut overlays = crate::spec_files::folder_overlays(&root, OVERLAYS).map_err(failure)?;
    overlays.extend(crate::spec_files::file_overlays(extra).map_err(failure)?);
    let spec = crate::spec_files::read_spec_with(&path, &overlays).map_err(failure)?;
    let files = generator::generate(&spec, &config()).map_err(|e| Failure::Spec(path, e))?;
    Ok(files.files)
}

/// Hand-written files of `prolinksqr` (relative to the workspace root) with a part that
/// `codegen` writes between marker lines, and that part: the features, dependencies and
/// `lib.rs` items every generated crate has, from the generator's one table
/// (`generator::frame`).
pub const FRAME_PARTS: &[(&str, PartFn)] = &[
    (
        "generated-client/Cargo.toml",
        generator::frame::manifest_part,
    ),
    ("generated-client/src/lib.rs", generator::frame::lib_part),
];

/// What writes one generated part, with its marker lines.
pub type PartFn = fn() -> String;

/// One file of [`FRAME_PARTS`]: as checked in, and with its part as generated now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramePart {
    /// Relative to the workspace root.
    pub path: &'static str,
    /// The file as it is.
    pub current: String,
    /// The file with its generated part rewritten.
    pub expected: String,
}

/// Every file of [`FRAME_PARTS`], read and spliced.
pub fn frame_parts() -> Result<Vec<FramePart>, Failure> {
    FRAME_PARTS
        .iter()
        .map(|(path, part)| {
            let full = workspace_root().join(path);
            let current =
                std::fs::read_to_string(&full).map_err(|e| Failure::Io(full.clone(), e))?;
            let expected = generator::frame::splice(&current, &part())
                .map_err(|e| Failure::Markers(full, e))?;
            Ok(FramePart {
                path,
                current,
                expected,
            })
        })
        .collect()
}

/// Unified diffs of stale generated files and parts (empty when the checked-in code is
/// current).
pub fn stale() -> Result<Vec<String>, Failure> {
    stale_with(&[])
}

/// [`stale`], against the code [`expected_with`] `extra` overlays.
pub fn stale_with(extra: &[PathBuf]) -> Result<Vec<String>, Failure> {
    let files = expected_with(extra)?;
    let out = workspace_root().join(OUT);
    let mut diffs = crate::files::diff(&out, &files, &crate::files::marker(COMMAND))
        .map_err(|e| Failure::Io(out, e))?;
    for part in frame_parts()? {
        if part.current != part.expected {
            diffs.push(crate::files::unified(
                part.path,
                &part.current,
                &part.expected,
            ));
        }
    }
    Ok(diffs)
}
