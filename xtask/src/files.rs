//! Writing generated files safely, and telling what differs.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Marker that every generated file's first line carries; only such files are ever deleted.
pub const GENERATED_MARKER: &str = "@generated";

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Written where there was no file.
    Added(PathBuf),
    /// Contents replaced.
    Updated(PathBuf),
    /// A generated file that is no longer produced.
    Removed(PathBuf),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(p) => write!(f, "added   {}", p.display()),
            Change::Updated(p) => write!(f, "updated {}", p.display()),
            Change::Removed(p) => write!(f, "removed {}", p.display()),
        }
    }
}

/// Writes `contents` to `path` through a temporary file in the same folder and a rename, so
/// that a reader (or a crash) never sees half a file.
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Generated files currently under `dir` (recursively), by path relative to `dir`.
pub fn existing_generated(dir: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            if text
                .lines()
                .next()
                .is_some_and(|l| l.contains(GENERATED_MARKER))
            {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, text);
            }
        }
    }
    Ok(out)
}

/// Makes `dir` hold exactly `files` among its generated files; returns what changed.
pub fn sync(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<Change>> {
    let existing = existing_generated(dir)?;
    let mut changes = Vec::new();
    for (rel, contents) in files {
        let path = dir.join(rel);
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() == Some(contents.as_str()) {
            continue;
        }
        write_atomic(&path, contents)?;
        changes.push(if current.is_some() {
            Change::Updated(path)
        } else {
            Change::Added(path)
        });
    }
    for rel in existing.keys() {
        if !files.contains_key(rel) {
            let path = dir.join(rel);
            fs::remove_file(&path)?;
            changes.push(Change::Removed(path));
        }
    }
    Ok(changes)
}

/// Unified diffs between what is in `dir` and `files` (empty when they agree).
pub fn diff(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<String>> {
    let existing = existing_generated(dir)?;
    let mut diffs = Vec::new();
    for (rel, expected) in files {
        let current = fs::read_to_string(dir.join(rel)).unwrap_or_default();
        if &current != expected {
            diffs.push(unified(rel, &current, expected));
        }
    }
    for (rel, current) in &existing {
        if !files.contains_key(rel) {
            diffs.push(unified(rel, current, ""));
        }
    }
    Ok(diffs)
}

fn unified(rel: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{rel} (checked in)"),
            &format!("b/{rel} (generated now)"),
        )
        .to_string()
}
