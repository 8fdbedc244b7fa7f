//! The `xtask` binary as a user runs it: exit codes, messages, and nothing written on error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xtask: {e}"))
}

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target").join("xtask-cli-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_broken_spec_fails_cleanly_and_writes_nothing() {
    let dir = root().join("tests/fixtures/broken");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 20,
        "expected the broken fixtures, found {}",
        specs.len()
    );
    for spec in specs {
        let name = spec
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let out_dir = scratch(&format!("broken-{name}"));
        let out = xtask(&["generate", "--spec", path(&spec), "--out", path(&out_dir)]);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: exit status; stderr: {err}"
        );
        assert!(err.starts_with("error: "), "{name}: {err}");
        assert!(err.contains(" at #"), "{name}: no JSON pointer in {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            !out_dir.exists(),
            "{name}: wrote into {}",
            out_dir.display()
        );
    }
}

#[test]
fn a_missing_spec_is_an_error_naming_it() {
    let out_dir = scratch("missing");
    let out = xtask(&[
        "generate",
        "--spec",
        "/nonexistent/openapi.yaml",
        "--out",
        path(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read /nonexistent/openapi.yaml"),
        "{}",
        stderr(&out)
    );
    assert!(!out_dir.exists());
}

#[test]
fn bad_arguments_exit_2() {
    let out = xtask(&["generate", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = xtask(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let spec = root().join("spec/openapi.yaml");
    let out = xtask(&[
        "generate",
        "--spec",
        path(&spec),
        "--out",
        "x",
        "--crate-name",
        "bad name!",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Names Cargo would refuse in the generated `Cargo.toml` (or that would make the crate
/// depend on itself) are bad arguments: exit 2, the reason, and nothing written.
#[test]
fn crate_names_cargo_refuses_exit_2_and_write_nothing() {
    let spec = root().join("spec/openapi.yaml");
    for name in ["123abc", "-", "_", "fn", "test", "std", "serde", "a.b", ""] {
        let out_dir = scratch("bad-crate-name");
        let out = xtask(&[
            "generate",
            "--spec",
            path(&spec),
            "--out",
            path(&out_dir),
            "--crate-name",
            name,
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {err}");
        assert!(
            err.contains(&format!("invalid crate name {name:?}")),
            "{name:?}: {err}"
        );
        assert!(!out_dir.exists(), "{name:?}: wrote {}", out_dir.display());
    }
}

/// Without `--crate-name`, a folder whose name is no package name still gives a crate Cargo
/// takes.
#[test]
fn the_default_crate_name_is_one_cargo_takes() {
    let spec = root().join("spec/openapi.yaml");
    for (folder, expected) in [("2fa", "api-client-2fa"), ("std", "api-client-std"), ("My Client", "my-client")] {
        let out_dir = scratch("default-names").join(folder);
        let out = xtask(&["generate", "--spec", path(&spec), "--out", path(&out_dir)]);
        assert!(out.status.success(), "{folder}: {}", stderr(&out));
        let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{folder}: {e}"));
        assert!(
            manifest.contains(&format!("\nname = \"{expected}\"\n")),
            "{folder}: {manifest}"
        );
    }
}

#[test]
fn generate_writes_a_crate_and_a_second_run_changes_nothing() {
    let out_dir = scratch("prolinksqr-standalone");
    let spec = root().join("spec/openapi.yaml");
    let args = [
        "generate",
        "--spec",
        path(&spec),
        "--out",
        path(&out_dir),
        "--crate-name",
        "standalone",
    ];
    let first = xtask(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/runtime/mod.rs",
        "src/generated/types.rs",
    ] {
        assert!(out_dir.join(file).is_file(), "missing {file}");
    }
    let second = xtask(&args);
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("(0 changed)"),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
}

#[test]
fn codegen_check_passes_on_the_checked_in_client() {
    let out = xtask(&["codegen", "--check"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

fn path(p: &Path) -> &str {
    p.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", p.display()))
}
