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
    for (folder, expected) in [
        ("2fa", "api-client-2fa"),
        ("std", "api-client-std"),
        ("My Client", "my-client"),
    ] {
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

fn generate(out_dir: &Path, spec: &str, extra: &[&str]) -> Output {
    let spec = root().join(spec);
    let mut args = vec![
        "generate",
        "--spec",
        path(&spec),
        "--out",
        path(out_dir),
        "--crate-name",
        "standalone",
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A hand-written crate is not overwritten: a non-empty folder without the manifest is
/// refused (exit 1, nothing written) unless `--force`.
#[test]
fn generate_refuses_a_folder_it_did_not_write() {
    let out_dir = scratch("hand-written");
    let manifest = "[package]\nname = \"mine\"\n";
    let lib = "// @generated by hand, first line looks generated\npub fn mine() {}\n";
    write(&out_dir.join("Cargo.toml"), manifest);
    write(&out_dir.join("src/lib.rs"), lib);
    let out = generate(&out_dir, "spec/openapi.yaml", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is not empty") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(read(&out_dir.join("Cargo.toml")), manifest);
    assert_eq!(read(&out_dir.join("src/lib.rs")), lib);
    assert!(!out_dir.join("src/generated").exists());
    assert!(!out_dir.join(".generated-files").exists());

    let forced = generate(&out_dir, "spec/openapi.yaml", &["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(read(&out_dir.join("Cargo.toml")).contains("name = \"standalone\""));
    assert!(read(&out_dir.join(".generated-files")).contains("\nsrc/lib.rs\n"));
}

/// Only what the manifest lists is removed: not `Cargo.lock`, not a file that merely starts
/// with `@generated`, not a file behind a symbolic link, not an entry that leads outside.
#[test]
fn generate_removes_only_files_it_wrote() {
    let base = scratch("manifest");
    let out_dir = base.join("crate");
    let elsewhere = base.join("elsewhere");
    let first = generate(&out_dir, "spec/openapi.yaml", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(out_dir.join("src/generated/links.rs").is_file());

    let lock = "# This file is automatically @generated by Cargo.\nversion = 4\n";
    write(&out_dir.join("Cargo.lock"), lock);
    let mine = "// @generated by `cargo xtask generate`, but written by hand\n";
    write(&out_dir.join("src/generated/notes.rs"), mine);
    let protoc = "// @generated by protoc\n";
    write(&elsewhere.join("proto.rs"), protoc);
    let outside = "outside\n";
    write(&base.join("outside.txt"), outside);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, out_dir.join("proto"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    // Hand-edited entries: a file outside, the lock file, the link.
    let listed = read(&out_dir.join(".generated-files"));
    write(
        &out_dir.join(".generated-files"),
        &format!("{listed}../outside.txt\nCargo.lock\nproto/proto.rs\n"),
    );

    // Fewer operation groups: the files of the others go.
    let second = generate(&out_dir, "tests/fixtures/generator/recursive.yaml", &[]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(!out_dir.join("src/generated/links.rs").exists(), "{stdout}");
    assert!(!out_dir.join("src/generated/cafes.rs").exists(), "{stdout}");
    assert!(out_dir.join("src/generated/types.rs").is_file());
    assert_eq!(read(&out_dir.join("Cargo.lock")), lock);
    assert_eq!(read(&out_dir.join("src/generated/notes.rs")), mine);
    assert_eq!(read(&elsewhere.join("proto.rs")), protoc);
    assert_eq!(read(&base.join("outside.txt")), outside);
    let listed = read(&out_dir.join(".generated-files"));
    assert!(
        !listed.contains("links.rs") && !listed.contains("outside"),
        "{listed}"
    );
}

/// A file the crate needs that exists but was not written by `generate` is not replaced.
#[test]
fn generate_does_not_replace_a_file_missing_from_the_manifest() {
    let out_dir = scratch("unlisted");
    let first = generate(&out_dir, "tests/fixtures/generator/recursive.yaml", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let mine = "// mine\n";
    write(&out_dir.join("src/generated/links.rs"), mine);
    let out = generate(&out_dir, "spec/openapi.yaml", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("links.rs exists and is not listed"), "{err}");
    assert_eq!(read(&out_dir.join("src/generated/links.rs")), mine);
    // Checked before anything is written: the other files of the new crate are not there.
    assert!(!out_dir.join("src/generated/cafes.rs").exists());
}

/// A symbolic link inside `--out` is never written through, even with `--force`.
#[cfg(unix)]
#[test]
fn generate_never_writes_through_a_symbolic_link() {
    let base = scratch("symlinked");
    let out_dir = base.join("crate");
    let elsewhere = base.join("elsewhere");
    let theirs = "// @generated by protoc\n";
    write(&elsewhere.join("lib.rs"), theirs);
    std::fs::create_dir_all(&out_dir).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&elsewhere, out_dir.join("src"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let out = generate(&out_dir, "spec/openapi.yaml", &["--force"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(read(&elsewhere.join("lib.rs")), theirs);
    assert_eq!(
        std::fs::read_dir(&elsewhere).map(Iterator::count).ok(),
        Some(1),
        "wrote into the linked folder"
    );
    assert!(!out_dir.join("Cargo.toml").exists());
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
