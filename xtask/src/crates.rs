//! Compiling generated crates: many at once, in one throwaway workspace with one target
//! folder, so that their shared dependencies build once.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::mirror;

/// How one crate fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `cargo clippy -D warnings` (or `check`), with every feature, passed for it.
    Clean,
    /// It did not build, or clippy complained: the diagnostics that name its files.
    Failed(String),
}

/// What to run on the crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lint {
    /// `cargo check --all-features`.
    Check,
    /// `cargo clippy --all-targets --all-features -- -D warnings`.
    Clippy,
}

/// Writes `crates` (name -> files of `generator::generate_crate`) under `dir` as members of
/// one workspace, builds them, and reports each crate's outcome.
pub fn check(
    dir: &Path,
    target: &Path,
    crates: &BTreeMap<String, BTreeMap<String, String>>,
    lint: Lint,
) -> io::Result<BTreeMap<String, Outcome>> {
    write_workspace(dir, crates)?;
    fetch(dir)?;
    let mut cmd = cargo();
    // Everything was fetched above: the build itself never reaches for the network.
    cmd.arg("--offline");
    match lint {
        // Every feature (the mock, the blocking client, tracing, both TLS backends): each
        // must build clean.
        Lint::Check => cmd.args([
            "check",
            "--workspace",
            "--all-features",
            "--keep-going",
            "--message-format=short",
        ]),
        Lint::Clippy => cmd.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--keep-going",
            "--message-format=short",
            "--",
            "-D",
            "warnings",
        ]),
    };
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        // No debug info: nobody debugs these builds, and it is most of their size on disk
        // and of their link time. Set for clippy and test alike so build scripts are shared.
        .env("CARGO_PROFILE_DEV_DEBUG", "0");
    let output = cmd.output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut outcomes = BTreeMap::new();
    for name in crates.keys() {
        let prefix = format!("{name}/");
        let mine: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&prefix) && (l.contains("error") || l.contains("warning")))
            .collect();
        let failed_build = stderr.lines().any(|l| {
            l.contains(&format!("could not compile `{name}`"))
                || l.contains(&format!("could not compile `{}`", name.replace('-', "_")))
        });
        outcomes.insert(
            name.clone(),
            if mine.is_empty() && !failed_build {
                Outcome::Clean
            } else {
                Outcome::Failed(mine.iter().take(40).copied().collect::<Vec<_>>().join("\n"))
            },
        );
    }
    if !output.status.success() && outcomes.values().all(|o| *o == Outcome::Clean) {
        // A failure no crate owns (dependency resolution, a lock problem): say it plainly.
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        return Err(io::Error::other(format!(
            "cargo failed in {}:\n{}",
            dir.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )));
    }
    Ok(outcomes)
}

/// Lints the crate `name` of the workspace `check` wrote in `dir` once per feature set
/// (`cargo clippy -p name --all-targets --no-default-features --features <set> -- -D
/// warnings`), one after another: a crate with a feature per group must build, without a
/// warning, with any group alone and with none. An empty set is `--no-default-features`
/// alone.
pub fn check_each_feature_set(
    dir: &Path,
    target: &Path,
    name: &str,
    sets: &[String],
) -> io::Result<Vec<(String, Outcome)>> {
    let mut outcomes = Vec::new();
    for set in sets {
        let mut cmd = cargo();
        cmd.args([
            "clippy",
            "--offline",
            "-p",
            name,
            "--all-targets",
            "--no-default-features",
            "--message-format=short",
        ]);
        if !set.is_empty() {
            cmd.args(["--features", set]);
        }
        cmd.args(["--", "-D", "warnings"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .env("CARGO_PROFILE_DEV_DEBUG", "0");
        let output = cmd.output()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let prefix = format!("{name}/");
        let mine: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&prefix) && (l.contains("error") || l.contains("warning")))
            .take(40)
            .collect();
        let outcome = match (output.status.success(), mine.is_empty()) {
            (true, true) => Outcome::Clean,
            (_, false) => Outcome::Failed(mine.join("\n")),
            (false, true) => {
                let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
                Outcome::Failed(tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
            }
        };
        outcomes.push((set.clone(), outcome));
    }
    Ok(outcomes)
}

/// The feature sets that check a crate with a feature per group: none at all, and each
/// group alone, as a user picks it (`rustls` and the group) and with every module (the mock,
/// the blocking client, the command line, tracing), so that each module's share of the
/// group compiles without the other groups.
pub fn group_feature_sets(groups: &[String]) -> Vec<String> {
    let mut sets = vec![String::new()];
    for group in groups {
        sets.push(format!("rustls,{group}"));
        sets.push(format!("rustls,mock,blocking,cli,tracing,{group}"));
    }
    sets
}

/// Downloads every package the workspace (or package) in `dir` may need, with every feature
/// and for every target, into the Cargo home, so that the `--offline` commands run on it
/// afterwards find them. A machine whose Cargo home only ever built this project lacks
/// some of them (e.g. `native-tls`'s, which only `--all-features` builds reach).
///
/// It honours `CARGO_NET_OFFLINE` like any cargo command: offline, it succeeds when the
/// packages are already there.
pub fn fetch(dir: &Path) -> io::Result<()> {
    let output = cargo().arg("fetch").current_dir(dir).output()?;
    if output.status.success() {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "`cargo fetch` failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    )))
}

/// A `cargo` command: the one running this program when there is one (`$CARGO`).
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Makes `dir` hold `crates` (name -> files of `generator::generate_crate`) as the members of
/// one workspace, with the project's `Cargo.lock`, so that one cargo command builds them all
/// and the same dependency versions are used (and cached). Files already there with the
/// right contents are left alone, so a second run over the same crates rebuilds nothing;
/// anything else under `dir` is removed.
pub fn write_workspace(
    dir: &Path,
    crates: &BTreeMap<String, BTreeMap<String, String>>,
) -> io::Result<()> {
    let mut files = BTreeMap::new();
    for (name, crate_files) in crates {
        for (rel, contents) in crate_files {
            let contents = if rel == "Cargo.toml" {
                // A member must not declare its own workspace.
                contents.replace("\n[workspace]\n", "\n")
            } else {
                contents.clone()
            };
            files.insert(format!("{name}/{rel}"), contents);
        }
    }
    let members: Vec<String> = crates.keys().map(|n| format!("    {n:?},")).collect();
    files.insert(
        "Cargo.toml".to_owned(),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
            members.join("\n")
        ),
    );
    let lock = crate::workspace_root().join("Cargo.lock");
    if lock.exists() {
        files.insert("Cargo.lock".to_owned(), fs::read_to_string(&lock)?);
    }
    mirror(dir, &files)
}

/// Runs `cargo test` (unit tests and doctests) for each of `names`, members of the workspace
/// [`check`] wrote under `dir`, one at a time so that each outcome is its own.
///
/// A crate whose tests fail is run once more: a test that passes the second time is
/// reported on stderr as flaky (with the first run's output) rather than failing the corpus,
/// and one that fails twice is a failure with both runs' diagnostics.
pub fn test(dir: &Path, target: &Path, names: &[String]) -> io::Result<BTreeMap<String, Outcome>> {
    let mut outcomes = BTreeMap::new();
    for name in names {
        let first = test_once(dir, target, name)?;
        let outcome = match first {
            None => Outcome::Clean,
            Some(first) => match test_once(dir, target, name)? {
                None => {
                    eprintln!(
                        "warning: `cargo test -p {name}` failed once, then passed (flaky); \
                         the first run:\n{first}"
                    );
                    Outcome::Clean
                }
                Some(second) => Outcome::Failed(format!(
                    "cargo test failed twice; first run:\n{first}\nsecond run:\n{second}"
                )),
            },
        };
        outcomes.insert(name.clone(), outcome);
    }
    Ok(outcomes)
}

/// One `cargo test` run of `name`: `None` when it passed, else the lines that say why
/// (those naming an error, a failure or a panic, then the output's last lines, bounded).
fn test_once(dir: &Path, target: &Path, name: &str) -> io::Result<Option<String>> {
    let output = cargo()
        .args([
            "test",
            "--offline",
            "--package",
            name,
            "--message-format=short",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output()?;
    if output.status.success() {
        return Ok(None);
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    let failing: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains("FAILED") || l.contains("panicked") || l.contains("error"))
        .take(40)
        .copied()
        .collect();
    let tail = &lines[lines.len().saturating_sub(25)..];
    Ok(Some(format!(
        "exit status {}\n{}\n... last lines:\n{}",
        output.status,
        failing.join("\n"),
        tail.join("\n")
    )))
}

/// `<target>/<name>`: scratch space that `cargo clean` removes, in the target folder the
/// project builds in (`$CARGO_TARGET_DIR`, relative to the workspace root, else `target/`),
/// so that a clone sharing another clone's target folder shares the scratch builds too.
pub fn scratch(name: &str) -> PathBuf {
    let root = crate::workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    target.join(name)
}
