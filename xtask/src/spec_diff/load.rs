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
/// same revision in git).
pub fn read_spec(source: &Source, root: &Path) -> Result<generator::Spec, Failure> {
    let located = |error| Failure::Spec {
        label: source.label(),
        error,
    };
    match source {
        Source::WorkTree(path) => read_spec(&Source::File(root.join(path)), root),
        Source::File(path) => crate::spec_files::read_spec(path).map_err(|e| match e {
            crate::spec_files::ReadError::Io(e) => {
                Failure::Io(format!("cannot read {}: {e}", path.display()))
            }
            crate::spec_files::ReadError::Spec(error) => located(error),
        }),
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
            generator::parse_spec_files(&name, &mut files).map_err(located)
        }
    }
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
