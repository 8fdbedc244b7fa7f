//! Spec text never runs as a doctest of the generated crate.
//!
//! `tests/fixtures/hostile/doctests.yaml` puts code blocks that rustdoc would compile and run
//! (unlabelled, `should_panic`, `edition2021`, `standalone_crate`, tildes, four backticks,
//! indented, inside a list item) and code-block openers smuggled in enum values, property
//! names, discriminator values, scopes and defaults (through newlines) everywhere the
//! generator copies text into rustdoc. Each block, if run, writes a file named after it into
//! `$HOSTILE_MARKERS`; a `no_run` block does not compile and a `compile_fail` block does, so
//! that compiling either fails the run. The spec path given to the generator holds a newline
//! and code, which must stay inside the header comment.
//!
//! The crate is built and its doctests run with `cargo test --doc`, offline, in the target
//! folder of `fixtures_compile` (the same dependencies, pinned by the copied lock file).

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::crates::{fetch, scratch};
use xtask::files::mirror;

const FIXTURE: &str = "tests/fixtures/hostile/doctests.yaml";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

#[test]
fn hostile_spec_text_never_runs_as_a_doctest() {
    let bytes = std::fs::read(root().join(FIXTURE)).unwrap_or_else(|e| panic!("{FIXTURE}: {e}"));
    let spec = generator::parse_spec_bytes(&bytes).unwrap_or_else(|e| panic!("{FIXTURE}: {e}"));
    let source =
        format!("{FIXTURE}\ncompile_error!(\"the spec path left the header comment\");\n//");
    let config = generator::Config::new("hostile-docs", source, "cargo test --test hostile_docs");
    let files = generator::generate_crate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));

    let dir = scratch("hostile-docs-crate");
    let markers = scratch("hostile-docs-markers");
    if markers.exists() {
        std::fs::remove_dir_all(&markers).unwrap_or_else(|e| panic!("{}: {e}", markers.display()));
    }
    std::fs::create_dir_all(&markers).unwrap_or_else(|e| panic!("{e}"));
    let mut files = files.files;
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("Cargo.lock: {e}"));
    files.insert("Cargo.lock".to_owned(), lock);
    // Unchanged files keep their modification time: a re-run rebuilds only the doctests.
    mirror(&dir, &files).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    // The `--offline` test below finds every package the crate may need.
    fetch(&dir).unwrap_or_else(|e| panic!("{e}"));

    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--doc", "--offline"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", scratch("fixture-target"))
        // As `xtask::crates` builds the fixture crates in this target folder: the same
        // profile, so the dependencies are built once for all of them.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("HOSTILE_MARKERS", &markers)
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    let ran: Vec<String> = std::fs::read_dir(&markers)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        ran.is_empty(),
        "spec text ran as doctests: {ran:?}\n{stdout}"
    );
    assert!(
        output.status.success(),
        "cargo test --doc failed on the hostile crate:\n{stdout}\n{stderr}"
    );
    // The only doctests of generated files are the operation examples, compiled, not run.
    let generated: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("test src/generated/") || l.starts_with("test src/lib.rs"))
        .collect();
    assert!(
        !generated.is_empty(),
        "no operation example was compiled:\n{stdout}"
    );
    for line in &generated {
        assert!(
            line.contains(" - compile ... ok"),
            "a doctest of a generated file other than a compiled example: {line}\n{stdout}"
        );
    }
}
