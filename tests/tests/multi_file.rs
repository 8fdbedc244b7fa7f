//! Documents split into files (`tests/fixtures/multi-file/`): read through
//! `xtask::spec_files::read_spec`, which resolves relative `$ref`s inside the root's folder.

use std::path::{Path, PathBuf};

const DIR: &str = "tests/fixtures/multi-file";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn config() -> generator::Config {
    // The same source name for both copies: the header names it.
    generator::Config::new("petstore", "petstore", "cargo test --test multi_file")
}

/// A split document and a bundled copy of it generate the same files, byte for byte.
#[test]
fn split_and_bundled_copies_generate_identical_files() {
    let split = xtask::spec_files::read_spec(&root().join(DIR).join("petstore/openapi.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(root().join(DIR).join("petstore-bundled.yaml")).unwrap();
    let bundled = generator::parse_spec(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        split.openapi.info.description.as_deref(),
        Some("A sample API, with its description in a Markdown file.\n")
    );
    let split = generator::generate(&split, &config()).unwrap_or_else(|e| panic!("{e}"));
    let bundled = generator::generate(&bundled, &config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        split.files.keys().collect::<Vec<_>>(),
        bundled.files.keys().collect::<Vec<_>>()
    );
    for (path, contents) in &split.files {
        assert_eq!(contents, &bundled.files[path], "{path} differs");
    }
    // The files hold what the parts held: types from every schema file, every operation.
    let types = &split.files["types.rs"];
    for name in [
        "pub struct Pet ",
        "pub struct Owner ",
        "pub struct NewPet ",
        "pub struct Error ",
    ] {
        assert!(types.contains(name), "{name} missing");
    }
    let all: String = split.files.values().cloned().collect();
    for needle in ["fn list_pets", "fn create_pet", "fn show_pet_by_id"] {
        assert!(all.contains(needle), "{needle} missing");
    }
}

fn refusal(case: &str) -> String {
    let path = root()
        .join(DIR)
        .join("broken")
        .join(case)
        .join("openapi.yaml");
    match xtask::spec_files::read_spec(&path) {
        Ok(spec) => match generator::generate(&spec, &config()) {
            Ok(_) => panic!("{case}: accepted"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_reference_out_of_the_folder_is_refused() {
    insta::assert_snapshot!("escape", refusal("escape"));
}

#[test]
fn a_remote_reference_is_refused_not_fetched() {
    insta::assert_snapshot!("remote", refusal("remote"));
}

#[test]
fn a_missing_file_is_named() {
    insta::assert_snapshot!("missing", refusal("missing"));
}

#[test]
fn a_cycle_of_non_schema_references_is_refused() {
    insta::assert_snapshot!("cycle", refusal("cycle"));
}

/// An error found after the files were joined points into the file the node came from.
#[test]
fn an_error_inside_another_file_names_that_file_and_line() {
    let message = refusal("error_in_file");
    assert!(
        message.contains("schemas/Thing.yaml#/properties/name"),
        "{message}"
    );
    assert!(message.contains("(line 4)"), "{message}");
    insta::assert_snapshot!("error_in_file", message);
}

/// A symbolic link inside the folder that leads out of it is not followed.
#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_not_followed() {
    let dir = std::env::temp_dir().join(format!("multi-file-symlink-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(dir.join("secret.yaml"), "get:\n  responses: {}\n").unwrap();
    std::fs::write(
        dir.join("api/openapi.yaml"),
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: link.yaml\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.join("secret.yaml"), dir.join("api/link.yaml")).unwrap();
    let outcome = xtask::spec_files::read_spec(&dir.join("api/openapi.yaml"));
    std::fs::remove_dir_all(&dir).unwrap();
    let message = outcome.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("symbolic link"), "{message}");
}
