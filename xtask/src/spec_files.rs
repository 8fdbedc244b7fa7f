//! Reading a spec from disk: one file, or a root file and the files its `$ref`s reach; and
//! the Overlay documents applied to it (a folder's, in file-name order, and named files).

use std::fs;
use std::path::{Path, PathBuf};

/// The most bytes one file of a spec may have: larger ones are refused before reading.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The files of the folder that holds a spec's root file, and nothing outside it.
#[derive(Debug)]
pub struct FolderFiles {
    root: PathBuf,
}

impl FolderFiles {
    /// The files under `folder` (which must exist).
    pub fn new(folder: &Path) -> std::io::Result<Self> {
        Ok(FolderFiles {
            root: folder.canonicalize()?,
        })
    }
}

impl generator::Files for FolderFiles {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        let joined = self.root.join(path);
        let real = joined.canonicalize().map_err(|e| e.to_string())?;
        // The generator never names a path outside the folder; a symbolic link could.
        if !real.starts_with(&self.root) {
            return Err(
                "it resolves (through a symbolic link) outside the root file's folder".to_owned(),
            );
        }
        read_bounded(&real, MAX_FILE_BYTES).map_err(|e| e.to_string())
    }
}

/// The bytes of the file `path`, refused before reading when it is not a file or is
/// larger than `max` bytes: what the tasks read comes from anyone.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a file"));
    }
    if meta.len() > max {
        return Err(std::io::Error::other(format!("larger than {max} bytes")));
    }
    fs::read(path)
}

/// Why a spec could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The root file or its folder cannot be opened.
    Io(std::io::Error),
    /// The document (or an overlay) is refused, with the located error: an overlay's error
    /// names the overlay's file.
    Spec(generator::Error),
    /// An overlay file, or the folder of overlays, cannot be read.
    Overlay(PathBuf, std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::Spec(e) => e.fmt(f),
            ReadError::Overlay(path, e) => write!(f, "cannot read {}: {e}", path.display()),
        }
    }
}

/// Parses the spec whose root file is `path`, resolving references to files beside it.
pub fn read_spec(path: &Path) -> Result<generator::Spec, ReadError> {
    read_spec_with(path, &[])
}

/// The document at `spec` (default: the project's spec with its `spec/overlays/`), with
/// `overlays` applied after those, as a tree not yet read: what an overlay written now
/// applies to ([`generator::parse::document_files_with`]).
pub fn effective_document(
    spec: Option<&Path>,
    overlays: &[PathBuf],
) -> Result<serde_json::Value, String> {
    let root = crate::workspace_root();
    let project = root.join(crate::codegen::SPEC);
    let (path, mut applied) = match spec {
        Some(path) => (path.to_path_buf(), Vec::new()),
        None => (
            project,
            folder_overlays(&root, crate::codegen::OVERLAYS).map_err(|e| e.to_string())?,
        ),
    };
    applied.extend(file_overlays(overlays).map_err(|e| e.to_string())?);
    let (folder, name) = split_root(&path).map_err(|e| e.to_string())?;
    let mut files =
        FolderFiles::new(&folder).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    generator::parse::document_files_with(&name, &mut files, &applied)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The folder of a spec's root file and the file's name in it.
fn split_root(path: &Path) -> Result<(PathBuf, String), ReadError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ReadError::Io(std::io::Error::other("no file name")))?;
    // Reading the root first gives the plain "cannot read" error for a missing file.
    fs::metadata(path).map_err(ReadError::Io)?;
    Ok((folder, name))
}

/// [`read_spec`] with `overlays` applied to the document, in order, before it is read.
pub fn read_spec_with(
    path: &Path,
    overlays: &[generator::Overlay],
) -> Result<generator::Spec, ReadError> {
    let (folder, name) = split_root(path)?;
    let mut files = FolderFiles::new(&folder).map_err(ReadError::Io)?;
    generator::parse_spec_files_with(&name, &mut files, overlays).map_err(ReadError::Spec)
}

/// Whether the file `name` of an overlays folder is an overlay: `*.yaml`, `*.yml` or
/// `*.json`, not hidden (editors' swap and backup files are). Anything else there (a
/// README) is not applied.
pub fn is_overlay_file(name: &str) -> bool {
    !name.starts_with('.')
        && Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
}

/// The overlay files among the file names of a folder, in the order they apply: by name
/// (byte order, so `10-` sorts after `09-`, whatever the locale).
pub fn overlay_names(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().filter(|n| is_overlay_file(n)).collect();
    names.sort();
    names
}

/// The overlay in the file `path`, its errors naming it `name`.
pub fn read_overlay(path: &Path, name: &str) -> Result<generator::Overlay, ReadError> {
    let bytes = read_bounded(path, MAX_FILE_BYTES)
        .map_err(|e| ReadError::Overlay(path.to_path_buf(), e))?;
    generator::Overlay::parse_bytes(name, &bytes).map_err(ReadError::Spec)
}

/// The overlays of the folder `folder` (relative to `root`), in the order they apply (see
/// [`overlay_names`]), each named `folder/file` in errors; none when there is no folder.
pub fn folder_overlays(root: &Path, folder: &str) -> Result<Vec<generator::Overlay>, ReadError> {
    let dir = root.join(folder);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ReadError::Overlay(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| ReadError::Overlay(dir.clone(), e))?;
        // Through symbolic links: a linked overlay applies like any other.
        let is_file = fs::metadata(entry.path())
            .map_err(|e| ReadError::Overlay(entry.path(), e))?
            .is_file();
        if is_file && let Some(name) = entry.file_name().to_str() {
            names.push(name.to_owned());
        }
    }
    overlay_names(names)
        .into_iter()
        .map(|name| read_overlay(&dir.join(&name), &format!("{folder}/{name}")))
        .collect()
}

/// The overlays in `paths` (`--overlay FILE`), in that order, each named as given.
pub fn file_overlays(paths: &[PathBuf]) -> Result<Vec<generator::Overlay>, ReadError> {
    paths
        .iter()
        .map(|path| read_overlay(path, &path.display().to_string()))
        .collect()
}
