//! Reading a spec from disk: one file, or a root file and the files its `$ref`s reach.

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
        let meta = fs::metadata(&real).map_err(|e| e.to_string())?;
        if !meta.is_file() {
            return Err("not a file".to_owned());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
        }
        fs::read(&real).map_err(|e| e.to_string())
    }
}

/// Why a spec could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The root file or its folder cannot be opened.
    Io(std::io::Error),
    /// The document is refused, with the located error.
    Spec(generator::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::Spec(e) => e.fmt(f),
        }
    }
}

/// Parses the spec whose root file is `path`, resolving references to files beside it.
pub fn read_spec(path: &Path) -> Result<generator::Spec, ReadError> {
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
    let mut files = FolderFiles::new(&folder).map_err(ReadError::Io)?;
    generator::parse_spec_files(&name, &mut files).map_err(ReadError::Spec)
}
