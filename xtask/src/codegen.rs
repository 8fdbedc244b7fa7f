//! `cargo xtask codegen`: spec/openapi.yaml -> generated-client/src/generated/.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::workspace_root;

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/openapi.yaml";
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
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Failure::Spec(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

/// What the generator produces now for the checked-in spec.
pub fn expected() -> Result<BTreeMap<String, String>, Failure> {
    let path = workspace_root().join(SPEC);
    let spec = crate::spec_files::read_spec(&path).map_err(|e| match e {
        crate::spec_files::ReadError::Io(io) => Failure::Io(path.clone(), io),
        crate::spec_files::ReadError::Spec(e) => Failure::Spec(path.clone(), e),
    })?;
    let files = generator::generate(&spec, &config()).map_err(|e| Failure::Spec(path, e))?;
    Ok(files.files)
}

/// Unified diffs of stale generated files (empty when the checked-in code is current).
pub fn stale() -> Result<Vec<String>, Failure> {
    let files = expected()?;
    let out = workspace_root().join(OUT);
    crate::files::diff(&out, &files, &crate::files::marker(COMMAND))
        .map_err(|e| Failure::Io(out, e))
}
