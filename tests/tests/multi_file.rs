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
        "pub struct ErrorBody ",
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

/// `spec-diff` reads a split document with its files: against its bundled copy it finds
/// nothing, and a change inside one of the files is reported.
#[test]
fn spec_diff_reads_documents_split_into_files() {
    let dir = root().join(DIR);
    let options = |old: PathBuf, new: PathBuf| xtask::spec_diff::Options {
        base: None,
        old: Some(old),
        new: Some(new),
        overlays: Vec::new(),
        format: xtask::spec_diff::Format::Text,
        fail_on_breaking: true,
    };
    let same = xtask::spec_diff::run(
        &options(
            dir.join("petstore/openapi.yaml"),
            dir.join("petstore-bundled.yaml"),
        ),
        &root(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(same.status, 0, "{}", same.report);
    assert!(
        same.report.contains("no semantic changes"),
        "{}",
        same.report
    );

    // The same split document with one schema file changed.
    let copy = std::env::temp_dir().join(format!("multi-file-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&dir.join("petstore"), &copy);
    let pet = copy.join("schemas/NewPet.yaml");
    let text = std::fs::read_to_string(&pet).unwrap();
    std::fs::write(
        &pet,
        text.replace("required: [name]", "required: [name, tag]"),
    )
    .unwrap();
    let changed = xtask::spec_diff::run(
        &options(dir.join("petstore/openapi.yaml"), copy.join("openapi.yaml")),
        &root(),
    );
    std::fs::remove_dir_all(&copy).unwrap();
    let changed = changed.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.status, 1, "{}", changed.report);
    assert!(changed.report.contains("NewPet"), "{}", changed.report);
    assert!(changed.report.contains("tag"), "{}", changed.report);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
