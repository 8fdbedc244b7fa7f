//! Test-only crate: see `tests/`. What several test files share is here.

use std::path::{Path, PathBuf};

/// A scratch git repository in the temporary folder (fresh, with `spec/` made), removed on
/// drop: for the commands that read the spec at a git revision.
#[derive(Debug)]
pub struct GitRepo(PathBuf);

impl GitRepo {
    /// `git init` in `<temp>/<name>-<pid>`, emptied first.
    pub fn new(name: &str) -> GitRepo {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec")).expect("scratch dir");
        let repo = GitRepo(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    /// The repository's folder.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Runs git there; panics unless it succeeds.
    pub fn git(&self, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&self.0)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// Commits everything in the working tree, whatever the user's git configuration.
    pub fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "user.name=prolinksqr test",
            "-c",
            "user.email=test@localhost",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-qm",
            "change",
        ]);
    }
}

impl Drop for GitRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
