//! Reading the two sides of the comparison: a file, or the spec as committed at a git rev.
//!
//! Nothing here parses: the text is handed to the generator by the caller, so a spec that
//! does not parse gets the generator's own located error.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Failure;

/// Where one side of the comparison comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `git show <rev>:<path>`, run in the workspace root (`path` relative to it).
    Git {
        /// Any revision git understands (`HEAD`, `main`, a commit hash).
        rev: String,
        /// The file, relative to the workspace root.
        path: String,
    },
    /// A file on disk (relative paths are taken from the current directory).
    File(PathBuf),
    /// A file of the working tree, relative to the workspace root.
    WorkTree(String),
}

impl Source {
    /// How the report names this side: `HEAD:spec/openapi.yaml` or the path as given.
    pub fn label(&self) -> String {
        match self {
            Source::Git { rev, path } => format!("{rev}:{path}"),
            Source::File(path) => path.display().to_string(),
            Source::WorkTree(path) => path.clone(),
        }
    }
}

/// The text of `source`. `root` is where git runs (the workspace root).
pub fn read(source: &Source, root: &Path) -> Result<String, Failure> {
    match source {
        Source::WorkTree(path) => read(&Source::File(root.join(path)), root),
        Source::File(path) => std::fs::read(path)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))
            .and_then(|bytes| utf8(bytes, &source.label())),
        Source::Git { rev, path } => {
            // Check the revision on its own first: "unknown revision" is a clearer message
            // than git's "invalid object name rev:path", and a rev cannot smuggle options.
            if rev.starts_with('-') {
                return Err(Failure::Git(format!("invalid git revision `{rev}`")));
            }
            let commit = format!("{rev}^{{commit}}");
            git(root, &["rev-parse", "--verify", "--quiet", &commit])
                .map_err(|_| Failure::Git(format!("unknown git revision `{rev}`")))?;
            // `./` makes the path relative to the working directory (the workspace root),
            // which need not be the repository root.
            let object = format!("{rev}:./{path}");
            let bytes = git(root, &["show", &object]).map_err(|message| {
                Failure::Git(format!("cannot read `{path}` at `{rev}`: {message}"))
            })?;
            utf8(bytes, &source.label())
        }
    }
}

/// The document at `source`, with the files its `$ref`s name (beside it on disk, or at the
/// same revision in git), and the overlays of `spec/overlays/` when it is the project spec.
pub fn read_spec(source: &Source, root: &Path) -> Result<generator::Spec, Failure> {
    read_spec_with(source, root, &[])
}

/// [`read_spec`] with the overlay files `extra` applied after the folder's.
///
/// The project spec ([`crate::codegen::SPEC`], of the working tree or at a revision) gets
/// the overlays of [`crate::codegen::OVERLAYS`] of the same side, as `codegen` applies
/// them: the diff is of the specs the code is generated from. A file named by `--old` or
/// `--new` gets none of them.
pub fn read_spec_with(
    source: &Source,
    root: &Path,
    extra: &[PathBuf],
) -> Result<generator::Spec, Failure> {
    let located = |error| Failure::Spec {
        label: source.label(),
        error,
    };
    let read_error = |e| match e {
        crate::spec_files::ReadError::Io(e) => Failure::Io(format!("cannot read: {e}")),
        e @ crate::spec_files::ReadError::Overlay(..) => Failure::Io(e.to_string()),
        crate::spec_files::ReadError::Spec(error) => located(error),
    };
    let project = |path: &str| path == crate::codegen::SPEC;
    let mut overlays = match source {
        Source::WorkTree(path) if project(path) => {
            crate::spec_files::folder_overlays(root, crate::codegen::OVERLAYS)
                .map_err(read_error)?
        }
        Source::Git { rev, path } if project(path) => {
            // The revision first, for its checks and messages.
            read(source, root)?;
            git_overlays(root, rev, crate::codegen::OVERLAYS)?
                .into_iter()
                .map(|(name, bytes)| generator::Overlay::parse_bytes(&name, &bytes))
                .collect::<Result<_, _>>()
                .map_err(located)?
        }
        _ => Vec::new(),
    };
    overlays.extend(crate::spec_files::file_overlays(extra).map_err(read_error)?);
    match source {
        Source::WorkTree(path) => {
            crate::spec_files::read_spec_with(&root.join(path), &overlays).map_err(read_error)
        }
        Source::File(path) => {
            crate::spec_files::read_spec_with(path, &overlays).map_err(|e| match e {
                crate::spec_files::ReadError::Io(e) => {
                    Failure::Io(format!("cannot read {}: {e}", path.display()))
                }
                e => read_error(e),
            })
        }
        Source::Git { rev, path } => {
            // The root file through `read`, for its checks and messages.
            read(source, root)?;
            let (dir, name) = match path.rsplit_once('/') {
                Some((dir, name)) => (dir.to_owned(), name.to_owned()),
                None => (String::new(), path.clone()),
            };
            let mut files = GitFiles {
                root: root.to_path_buf(),
                rev: rev.clone(),
                dir,
            };
            generator::parse_spec_files_with(&name, &mut files, &overlays).map_err(located)
        }
    }
}

/// The overlay files of `folder` (relative to the workspace root) at the git revision
/// `rev`, in the order they apply ([`crate::spec_files::overlay_names`]): each one's name
/// for errors (`rev:path`) and contents.
pub fn git_overlays(
    root: &Path,
    rev: &str,
    folder: &str,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let names = git_overlay_names(root, rev, folder)
        .map_err(|message| Failure::Git(format!("cannot list `{folder}` at `{rev}`: {message}")))?;
    names
        .iter()
        .map(|name| {
            let object = format!("{rev}:./{folder}/{name}");
            let bytes = git(root, &["show", &object]).map_err(|message| {
                Failure::Git(format!(
                    "cannot read `{folder}/{name}` at `{rev}`: {message}"
                ))
            })?;
            Ok((format!("{rev}:{folder}/{name}"), bytes))
        })
        .collect()
}

/// The overlay files of `folder` at `rev`, by name (none when it has no such folder).
pub fn git_overlay_names(root: &Path, rev: &str, folder: &str) -> Result<Vec<String>, String> {
    if rev.starts_with('-') {
        return Err(format!("invalid git revision `{rev}`"));
    }
    // Not `--name-only`: the type column tells files from folders (a folder named
    // `x.yaml` is no overlay). `./` for paths relative to the workspace root, as `read`.
    let listing = git(root, &["ls-tree", rev, "--", &format!("./{folder}/")])?;
    let listing = String::from_utf8_lossy(&listing);
    let files = listing.lines().filter_map(|line| {
        let (meta, path) = line.split_once('\t')?;
        let name = path.rsplit('/').next()?;
        (meta.split(' ').nth(1) == Some("blob")).then(|| name.to_owned())
    });
    Ok(crate::spec_files::overlay_names(files))
}

/// The files of one folder at one git revision.
struct GitFiles {
    root: PathBuf,
    rev: String,
    dir: String,
}

impl generator::Files for GitFiles {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        let path = if self.dir.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.dir)
        };
        git(&self.root, &["show", &format!("{}:./{path}", self.rev)])
    }
}

fn utf8(bytes: Vec<u8>, label: &str) -> Result<String, Failure> {
    String::from_utf8(bytes).map_err(|_| Failure::Io(format!("{label} is not UTF-8 text")))
}

/// Runs git in `root`; the error is git's own message (or why git could not start).
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.trim();
        Err(if message.is_empty() {
            format!("git {} failed ({})", args.join(" "), output.status)
        } else {
            message.to_owned()
        })
    }
}
