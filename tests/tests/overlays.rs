//! OpenAPI Overlay documents applied before generation: by the library entry points
//! `xtask` uses (`spec_files::read_spec_with`, `codegen::expected_with`,
//! `spec_diff::run`), for a folder of overlays and for a git revision's.
//! The exit status of the `xtask` binary is tested in `xtask/tests/overlay_cli.rs`.

use std::path::{Path, PathBuf};

use prolinksqr_tests::GitRepo;
use xtask::spec_diff::{self, Format, Options};
use xtask::spec_files::{self, ReadError};

const DIR: &str = "tests/fixtures/overlays";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    root().join(DIR).join(name)
}

/// Every generated file of the fixture spec with `overlays` applied, concatenated.
fn generated(overlays: &[PathBuf]) -> String {
    let overlays = spec_files::file_overlays(overlays).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec_files::read_spec_with(&fixture("api.yaml"), &overlays)
        .unwrap_or_else(|e| panic!("{e}"));
    let config = generator::Config::new("overlay-fixture", "api.yaml", "cargo test");
    let files = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    files.files.into_values().collect()
}

#[test]
fn an_overlay_adding_a_property_gives_the_struct_that_field() {
    let plain = generated(&[]);
    assert!(plain.contains("pub struct Link"), "the fixture has Link");
    assert!(
        !plain.contains("pub clicks:"),
        "the spec alone has no clicks"
    );
    let corrected = generated(&[fixture("add-clicks.yaml")]);
    assert!(
        corrected.contains("pub clicks: Option<i64>"),
        "the overlay's property is a field of Link"
    );
    assert!(corrected.contains("How often the link was opened."));
}

#[test]
fn a_target_that_matches_nothing_is_an_error_naming_the_action_and_the_file() {
    let stale = fixture("stale.yaml");
    let name = stale.display().to_string();
    let overlays = spec_files::file_overlays(&[stale]).expect("the overlay is valid");
    let error = match spec_files::read_spec_with(&fixture("api.yaml"), &overlays) {
        Err(ReadError::Spec(e)) => e,
        Err(e) => panic!("expected the located error, got {e}"),
        Ok(_) => panic!("a target that matches nothing must be refused"),
    };
    assert_eq!(error.kind, generator::ErrorKind::Invalid);
    assert_eq!(error.file.as_deref(), Some(name.as_str()));
    assert_eq!(error.pointer, "#/actions/1/target");
    assert_eq!(error.line, Some(9));
    assert!(
        error.message.starts_with(
            "action 1 (target `$.components.schemas.Palette.properties`, \"palettes have a colour\") matches nothing"
        ),
        "{error}"
    );
}

/// `codegen` fails on a stale `--overlay` the same way, before anything is compared or
/// written, and the error names the overlay file.
#[test]
fn codegen_refuses_a_stale_overlay() {
    let stale = fixture("stale.yaml");
    let error = match xtask::codegen::expected_with(std::slice::from_ref(&stale)) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a target that matches nothing must be refused"),
    };
    assert!(
        error.contains(&format!("{}#/actions/1/target (line 9)", stale.display())),
        "{error}"
    );
}

/// The real spec's overlays folder holds only its README: codegen applies nothing, and
/// `codegen --check` (tests/tests/codegen.rs) compares with the spec as it is.
#[test]
fn the_projects_overlays_folder_has_no_overlay_yet() {
    let overlays = spec_files::folder_overlays(&root(), xtask::codegen::OVERLAYS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(overlays.is_empty());
    assert!(
        root()
            .join(xtask::codegen::OVERLAYS)
            .join("README.md")
            .is_file()
    );
}

/// A scratch repository with an empty `spec/overlays/`.
fn scratch(name: &str) -> GitRepo {
    let repo = GitRepo::new(&format!("overlays-{name}"));
    std::fs::create_dir_all(repo.path().join("spec/overlays")).expect("scratch dir");
    repo
}

/// Copies the fixture `name` to `to` in `repo`.
fn copy(repo: &GitRepo, name: &str, to: &str) {
    std::fs::copy(fixture(name), repo.path().join(to)).expect("copy a fixture");
}

#[test]
fn a_folder_applies_its_yaml_and_json_files_in_name_order() {
    let dir = scratch("folder");
    let overlay = |title: &str| {
        format!(
            "{{\"overlay\": \"1.0.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \
             \"actions\": [{{\"target\": \"$.info\", \"update\": {{\"title\": \"{title}\"}}}}]}}"
        )
    };
    for (name, text) in [
        ("20-second.yml", overlay("second")),
        ("10-first.json", overlay("first")),
        ("30-third.yaml", overlay("third")),
        ("README.md", "not an overlay".to_owned()),
        (".30-third.yaml.swp", "an editor's".to_owned()),
        ("notes.txt", "not an overlay".to_owned()),
    ] {
        std::fs::write(dir.path().join("spec/overlays").join(name), text).expect("write");
    }
    let overlays =
        spec_files::folder_overlays(dir.path(), "spec/overlays").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = overlays.iter().map(generator::Overlay::name).collect();
    assert_eq!(
        names,
        [
            "spec/overlays/10-first.json",
            "spec/overlays/20-second.yml",
            "spec/overlays/30-third.yaml"
        ]
    );
    let spec = spec_files::read_spec_with(&fixture("api.yaml"), &overlays)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.openapi.info.title, "third", "the last one wins");
    // No folder: no overlays.
    assert!(
        spec_files::folder_overlays(dir.path(), "nowhere")
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
}

#[test]
fn spec_diff_reports_what_an_overlay_changes_on_the_new_side() {
    let options = Options {
        old: Some(fixture("api.yaml")),
        new: Some(fixture("api.yaml")),
        format: Format::Json,
        ..Options::default()
    };
    let unchanged = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!unchanged.report.contains("clicks"), "{}", unchanged.report);
    let options = Options {
        overlays: vec![fixture("add-clicks.yaml")],
        ..options
    };
    let outcome = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value = serde_json::from_str(&outcome.report).expect("JSON");
    let link = json["schemas"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "Link"))
        .unwrap_or_else(|| panic!("Link changed:\n{}", outcome.report));
    assert!(
        link["changes"].to_string().contains("clicks"),
        "{}",
        outcome.report
    );
}

/// A git side that is the project spec gets the overlays of `spec/overlays/` at its
/// revision; the working tree's side, the working tree's.
#[test]
fn a_git_side_applies_the_overlays_committed_at_its_revision() {
    let repo = scratch("git");
    copy(&repo, "api.yaml", "spec/openapi.yaml");
    copy(&repo, "add-clicks.yaml", "spec/overlays/10-add-clicks.yaml");
    copy(&repo, "README.md", "spec/overlays/README.md");
    repo.commit();

    let names = spec_diff::load::git_overlay_names(repo.path(), "HEAD", "spec/overlays")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names, ["10-add-clicks.yaml"]);
    let head = spec_diff::Source::Git {
        rev: "HEAD".to_owned(),
        path: xtask::codegen::SPEC.to_owned(),
    };
    let spec = spec_diff::load::read_spec(&head, repo.path()).unwrap_or_else(|e| panic!("{e}"));
    let link = &spec.raw["components"]["schemas"]["Link"]["properties"];
    assert!(link.get("clicks").is_some(), "HEAD's overlay applied");

    // The working tree drops the overlay: the diff from HEAD removes the field.
    std::fs::remove_file(repo.path().join("spec/overlays/10-add-clicks.yaml")).expect("remove");
    let options = Options {
        base: Some("HEAD".to_owned()),
        format: Format::Json,
        ..Options::default()
    };
    let outcome = spec_diff::run(&options, repo.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(outcome.report.contains("clicks"), "{}", outcome.report);

    // A revision without the folder has no overlays.
    repo.git(&["rm", "-rq", "spec/overlays"]);
    repo.commit();
    let names = spec_diff::load::git_overlay_names(repo.path(), "HEAD", "spec/overlays")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(names.is_empty());
    let outcome = spec_diff::run(&options, repo.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!outcome.report.contains("clicks"), "{}", outcome.report);
}

/// This repository's overlays at HEAD: its folder holds only the README (or does not exist
/// yet), so the listing is empty and spec-diff's old side is the spec as committed.
#[test]
fn this_repositorys_head_lists_no_overlay() {
    let names = spec_diff::load::git_overlay_names(&root(), "HEAD", xtask::codegen::OVERLAYS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(names.is_empty(), "{names:?}");
}
