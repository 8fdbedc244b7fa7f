//! `xtask drift report` and `drift propose` as a maintainer runs them: output, exit codes,
//! and nothing written on an error. What they compute is tested in `src/drift/tests.rs` and
//! `tests/tests/drift_fixpoint.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-drift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A log of one unknown property of a folder, as a client of this crate writes it.
fn log(dir: &Path) -> String {
    let path = dir.join("drift.json");
    let record = json!({
        "operation": "listFolders", "method": "GET", "path": "/folders", "status": 200,
        "pointer": "/data/*/colour", "kind": "unknown_field",
        "expected": {"schema": "#/components/schemas/Folder"},
        "seen": {"type": "string"}, "count": 4,
        "first_seen": "2026-06-01T10:00:00Z", "last_seen": "2026-06-02T10:00:00Z",
    });
    let text = json!({"version": 1, "dropped": 0, "records": [record]}).to_string();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn report_prints_the_findings_and_propose_writes_an_overlay_for_the_project_spec() {
    let dir = scratch("ok");
    let log = log(&dir);
    let output = xtask(&["drift", "report", &log, "--format", "markdown"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains(
            "| 200 | `/data/*/colour` | unknown field | string | in #/components/schemas/Folder | \
             4 responses, 2026-06-01 to 2026-06-02 |"
        ),
        "{stdout}"
    );
    let out = dir.join("0001-drift.yaml").display().to_string();
    let output = xtask(&["drift", "propose", &log, "--out", &out]);
    assert!(output.status.success(), "{output:?}");
    let overlay = std::fs::read_to_string(&out).unwrap();
    assert!(overlay.contains("colour:"), "{overlay}");
    // The project's spec with it applied: what `codegen --check --overlay` would compare.
    let check = xtask(&["codegen", "--check", "--overlay", &out]);
    assert!(
        !check.status.success(),
        "the overlay changes the generated code"
    );
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("pub colour: Option<String>"),
        "{check:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_log_or_a_filter_leaving_nothing_writes_no_overlay() {
    let dir = scratch("err");
    let out = dir.join("0001-drift.yaml");
    let missing = dir.join("none.json").display().to_string();
    let output = xtask(&[
        "drift",
        "propose",
        &missing,
        "--out",
        &out.display().to_string(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("none.json"),
        "{stderr}"
    );
    assert!(!out.exists());
    let log = log(&dir);
    let output = xtask(&[
        "drift",
        "propose",
        &log,
        "--min-count",
        "5",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("nothing to propose"),
        "{output:?}"
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
