//! The `xtask` binary with an overlay whose target matches nothing: a located error naming
//! the overlay file and the action, a non-zero exit, and nothing written. Here rather than
//! in `tests/tests/` because only this package's tests have the binary
//! (`CARGO_BIN_EXE_xtask`); the library side is in `tests/tests/overlays.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/overlays/{name}")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

/// The error `xtask` prints for `stale.yaml`'s second action.
fn assert_names_the_action(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "tests/fixtures/overlays/stale.yaml#/actions/1/target (line 9): action 1 (target \
             `$.components.schemas.Palette.properties`, \"palettes have a colour\") matches nothing"
        ),
        "{stderr}"
    );
}

/// `xtask generate` of the fixture spec with `overlays` into `out`.
fn generate(overlays: &[&str], out: &Path) -> Output {
    let spec = fixture("api.yaml");
    let out = out.display().to_string();
    let mut args = vec!["generate", "--spec", &spec, "--out", &out];
    let overlays: Vec<String> = overlays.iter().map(|o| fixture(o)).collect();
    for overlay in &overlays {
        args.extend(["--overlay", overlay]);
    }
    xtask(&args)
}

#[test]
fn generate_with_a_stale_overlay_fails_and_writes_nothing() {
    let out = std::env::temp_dir().join(format!("overlay-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    assert_names_the_action(&generate(&["add-clicks.yaml", "stale.yaml"], &out));
    assert!(!out.exists(), "nothing written");

    // The same spec with only the good overlay generates the field.
    let output = generate(&["add-clicks.yaml"], &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let all = walk(&out.join("src"));
    let _ = std::fs::remove_dir_all(&out);
    assert!(
        all.contains("pub clicks: Option<i64>"),
        "the overlay's field is generated"
    );
}

#[test]
fn codegen_with_a_stale_overlay_fails_and_writes_nothing() {
    let generated = root().join("generated-client/src/generated");
    let before = snapshot(&generated);
    assert_names_the_action(&xtask(&[
        "codegen",
        "--check",
        "--overlay",
        &fixture("stale.yaml"),
    ]));
    assert_names_the_action(&xtask(&["codegen", "--overlay", &fixture("stale.yaml")]));
    assert_eq!(snapshot(&generated), before, "nothing written");
}

#[test]
fn spec_diff_with_a_stale_overlay_fails() {
    let output = xtask(&[
        "spec-diff",
        "--old",
        &fixture("api.yaml"),
        "--new",
        &fixture("api.yaml"),
        "--overlay",
        &fixture("stale.yaml"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_names_the_action(&output);
}

/// Every file under `dir` with its modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the generated folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            let modified = path.metadata().and_then(|m| m.modified()).expect("mtime");
            files.push((path, modified));
        }
    }
    files.sort();
    files
}

/// Every file's text under `dir`, concatenated.
fn walk(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&walk(&path));
        } else {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    text
}
