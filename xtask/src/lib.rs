//! Maintainer tasks behind `cargo xtask`, as a library so tests can run the same checks.

#![warn(missing_docs)]

pub mod build_cost;
pub mod codegen;
pub mod corpus;
pub mod crates;
pub mod drift;
pub mod files;
pub mod semver_agreement;
pub mod spec_diff;
pub mod spec_files;

use std::path::PathBuf;

/// The workspace root (this crate lives in `<root>/xtask`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
