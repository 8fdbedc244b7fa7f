//! `cargo xtask spec-diff`: one fixture pair per rule in `tests/fixtures/spec-diff/<rule>/`
//! (`old.yaml`, `new.yaml`), each with a snapshot of its text report and the expected
//! `(rule, wire, Rust)` verdicts asserted outright, so that accepting a snapshot cannot
//! silently flip a classification. `realistic/` is `spec/openapi.yaml` with several changes
//! at once, snapshotted as Markdown and JSON with the generated-code summary.
//!
//! The rule snapshots leave the generated-code summary out: they pin the classification,
//! not the generator's output (which the generator snapshots cover).
//! `INSTA_UPDATE=always cargo test -p prolinksqr-tests --test spec_diff` accepts changes.

use std::path::{Path, PathBuf};

use xtask::spec_diff::{
    self, EXIT_BREAKING, EXIT_ERROR, EXIT_OK, Failure, Format, Input, Level, Options, Report,
};

const DIR: &str = "tests/fixtures/spec-diff";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn fixture_path(rule: &str, side: &str) -> PathBuf {
    root().join(DIR).join(rule).join(format!("{side}.yaml"))
}

fn input(rule: &str, side: &str) -> Input {
    let path = fixture_path(rule, side);
    Input {
        label: format!("{rule}/{side}.yaml"),
        text: std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

fn report(rule: &str, code: bool) -> Report {
    spec_diff::diff(&input(rule, "old"), &input(rule, "new"), code)
        .unwrap_or_else(|e| panic!("{rule}: {e}"))
}

/// `(rule id, wire level, Rust level)` of every change, in report order.
fn verdicts(r: &Report) -> Vec<(String, Level, Level)> {
    r.changes()
        .map(|c| {
            let json = serde_json::to_value(c).expect("a change serializes");
            let rule = json["rule"]
                .as_str()
                .expect("every change has a rule")
                .to_owned();
            (rule, c.wire.level, c.rust.level)
        })
        .collect()
}

use Level::{Breaking as B, Compatible as C, Warning as W};

/// One test per rule fixture: its text snapshot and its expected verdicts.
macro_rules! rules {
    ($($rule:ident => [$(($id:literal, $wire:ident, $rust:ident)),* $(,)?]),* $(,)?) => {
        const RULES: &[&str] = &[$(stringify!($rule)),*];
        $(
            #[test]
            fn $rule() {
                let r = report(stringify!($rule), false);
                insta::assert_snapshot!(stringify!($rule), spec_diff::render(&r, Format::Text));
                let expected: Vec<(String, Level, Level)> =
                    vec![$(($id.to_owned(), $wire, $rust)),*];
                assert_eq!(verdicts(&r), expected);
            }
        )*
    };
}

rules!(
    operation_added => [("operation-added", C, C)],
    operation_removed => [("operation-removed", B, B)],
    path_changed => [("path-changed", B, C)],
    method_changed => [("method-changed", B, C)],
    operation_id_changed => [
        ("operation-id-changed", C, B),
        ("rust-type-removed", C, B),
    ],
    tag_changed => [("tag-changed", C, B)],
    scope_changed => [("scopes-changed", W, C)],
    operation_deprecated => [("deprecated-changed", C, C)],
    param_optional_added => [("parameter-added", C, C)],
    param_required_added => [("parameter-added", B, B)],
    param_removed => [
        ("parameter-removed", W, B),
        ("rust-type-removed", C, B),
    ],
    param_renamed => [
        ("parameter-renamed", B, B),
        ("rust-type-removed", C, B),
    ],
    path_param_renamed => [
        ("parameter-renamed", C, C),
        ("parameter-renamed", C, C),
    ],
    param_became_required => [("parameter-required-changed", B, B)],
    param_became_optional => [("parameter-required-changed", C, B)],
    param_type_changed => [("type-changed", B, B)],
    param_enum_value_added => [("enum-value-added", C, C)],
    param_enum_value_removed => [("enum-value-removed", B, B)],
    param_default_changed => [("default-changed", W, C)],
    param_max_tightened => [("limit-changed", B, W)],
    request_field_optional_added => [("property-added", C, C)],
    request_field_required_added => [("property-added", B, B)],
    request_field_removed => [("property-removed", W, B)],
    request_body_became_optional => [("request-body-required-changed", C, B)],
    request_field_type_widened => [("type-changed", C, B)],
    response_field_added => [("property-added", C, C)],
    response_field_removed_required => [("property-removed", B, B)],
    response_field_removed_optional => [("property-removed", C, B)],
    response_field_became_optional => [("property-required-changed", B, B)],
    // Rust warning on purpose (issue #17): `Other("archived")` now decodes as a variant.
    response_enum_value_added => [("enum-value-added", C, W)],
    response_enum_value_removed => [("enum-value-removed", C, B)],
    // `x-extensible-enum` values are variants beside a catch-all, like an `enum`'s.
    response_extensible_enum_value_added => [("enum-value-added", C, W)],
    // A response-only model holds an optional field as `Option<T>` whether or not it is
    // nullable (`null` is `None`), so the Rust type does not change; the wire does.
    response_field_became_nullable => [("nullable-changed", B, C)],
    response_variant_added => [
        ("schema-added", C, C),
        // Both changed on purpose (issue #17). `Event` is untagged (no discriminator): an
        // `archived` event has no catch-all to fall into on the wire, and values that
        // decoded as `Event::Deleted` (tried after `Archived` now) may change variant.
        ("variant-added", W, W),
    ],
    tagged_variant_added => [
        ("schema-added", C, C),
        // A received tagged union: `archived` decoded as `Event::Unknown` before.
        ("variant-added", C, W),
    ],
    untagged_variant_inserted => [("variant-added", W, W)],
    untagged_variant_appended => [("variant-added", W, C)],
    enum_default_changed => [("default-changed", W, W)],
    // `Item::note: Note` becomes `Option<Note>`: was rated Rust-compatible before.
    component_became_nullable => [("nullable-changed", B, B)],
    schema_blast_radius => [
        ("enum-value-removed", B, B),
        ("property-added", B, B),
    ],
    field_type_changed => [("type-changed", B, B)],
    content_type_removed => [("content-type-removed", B, C)],
    success_status_changed => [("success-status-changed", B, C)],
    error_status_added => [("status-added", C, C)],
    schema_renamed => [
        ("rust-body-type-changed", C, B),
        ("schema-renamed", C, B),
    ],
    ref_refactor_no_change => [],
    shared_error_reach => [("enum-value-added", C, W)],
);

#[test]
fn every_fixture_folder_is_tested() {
    let mut folders: Vec<String> = std::fs::read_dir(root().join(DIR))
        .expect("fixture folder")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "realistic")
        .collect();
    folders.sort();
    let mut listed: Vec<String> = RULES.iter().map(|r| (*r).to_owned()).collect();
    listed.sort();
    assert_eq!(folders, listed);
}

#[test]
fn enum_value_added_in_a_response_as_markdown_and_json() {
    let r = report("response_enum_value_added", false);
    let reason = &r.schemas[0].changes[0].wire.reason;
    assert!(
        reason.contains("open"),
        "the reason must say enums are open: {reason}"
    );
    insta::assert_snapshot!(
        "response_enum_value_added_markdown",
        spec_diff::render(&r, Format::Markdown)
    );
    insta::assert_snapshot!(
        "response_enum_value_added_json",
        spec_diff::render(&r, Format::Json)
    );
}

/// Under each changed schema: the operations that reach it, with their generated call,
/// in the request, the response or both, directly or through other schemas.
#[test]
fn a_schema_change_lists_the_operations_it_reaches() {
    let r = report("schema_blast_radius", false);
    let reached = |schema: &str| -> Vec<(String, String, String)> {
        let section = r
            .schemas
            .iter()
            .find(|s| s.name == schema)
            .unwrap_or_else(|| panic!("no section {schema}"));
        section
            .operations
            .iter()
            .map(|a| {
                let via = |v: &Option<Vec<String>>| match v {
                    None => "-".to_owned(),
                    Some(v) if v.is_empty() => "direct".to_owned(),
                    Some(v) => v.join(">"),
                };
                (
                    a.call.clone().unwrap_or_default(),
                    via(&a.request_via),
                    via(&a.response_via),
                )
            })
            .collect()
    };
    let row = |call: &str, request: &str, response: &str| {
        (call.to_owned(), request.to_owned(), response.to_owned())
    };
    assert_eq!(
        reached("FolderRequest"),
        [
            row("client.folders().create(..)", "direct", "-"),
            row("client.folders().create_many(..)", "FolderBatch", "-"),
            row("client.folders().update(..)", "direct", "-"),
        ]
    );
    assert_eq!(
        reached("Color"),
        [
            row("client.folders().list_folders()", "-", "FolderList>Folder"),
            row("client.folders().create(..)", "FolderRequest", "Folder"),
            row(
                "client.folders().create_many(..)",
                "FolderBatch>FolderRequest",
                "-"
            ),
            row("client.folders().update(..)", "FolderRequest", "Folder"),
        ]
    );
    let color = r.schemas.iter().find(|s| s.name == "Color").expect("Color");
    let both: Vec<&str> = color
        .operations
        .iter()
        .filter(|a| a.reached == xtask::spec_diff::model::Direction::Both)
        .map(|a| a.operation_id.as_str())
        .collect();
    assert_eq!(both, ["createFolder", "updateFolder"]);
    insta::assert_snapshot!(
        "schema_blast_radius_markdown",
        spec_diff::render(&r, Format::Markdown)
    );
    insta::assert_snapshot!(
        "schema_blast_radius_json",
        spec_diff::render(&r, Format::Json)
    );
}

/// A schema behind the shared error response reaches every operation: the text and
/// Markdown reports count the operations per shared parent and name a handful, Markdown
/// folds the full list, and the JSON report keeps every operation with its chains.
#[test]
fn a_schema_behind_the_shared_error_response_is_summarised() {
    use xtask::spec_diff::model::Part;
    let r = report("shared_error_reach", false);
    let section = r
        .schemas
        .iter()
        .find(|s| s.name == "ErrorDetail")
        .expect("an ErrorDetail section");
    assert_eq!(section.operations.len(), 18);
    let groups: Vec<(Part, Option<&str>, usize, usize)> = section
        .reach
        .iter()
        .map(|g| (g.part, g.through.as_deref(), g.count, g.operations.len()))
        .collect();
    assert_eq!(
        groups,
        [
            (
                Part::ErrorResponse,
                Some("#/components/responses/Error"),
                18,
                18
            ),
            (Part::Request, Some("#/components/schemas/Problem"), 1, 1),
            (Part::SuccessResponse, None, 1, 1),
            (
                Part::SuccessResponse,
                Some("#/components/schemas/Audit"),
                1,
                1
            ),
            (
                Part::SuccessResponse,
                Some("#/components/schemas/Digest"),
                1,
                1
            ),
            (
                Part::SuccessResponse,
                Some("#/components/schemas/Export"),
                1,
                1
            ),
            (
                Part::SuccessResponse,
                Some("#/components/schemas/Report"),
                1,
                1
            ),
        ]
    );
    let get_error = section
        .operations
        .iter()
        .find(|a| a.operation_id == "get_error")
        .expect("get_error");
    assert_eq!(get_error.success_via.as_deref(), Some(&[][..]));
    assert_eq!(get_error.success_response, None);
    assert_eq!(
        get_error.error_via.as_deref(),
        Some(&["Error".to_owned()][..])
    );
    assert_eq!(get_error.error_response.as_deref(), Some("Error"));
    assert_eq!(get_error.request_via, None);

    // The operations named in a report: `GET /path` lines (text) or `- `GET /path``
    // items (Markdown).
    let op_lines = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim_start)
            .map(|l| l.trim_start_matches("- ").trim_start_matches('`'))
            .filter(|l| {
                ["GET /", "DELETE /", "POST /"]
                    .iter()
                    .any(|m| l.starts_with(m))
            })
            .map(str::to_owned)
            .collect()
    };

    let text = spec_diff::render(&r, Format::Text);
    assert!(text.contains("  used by 18 operations:\n"), "{text}");
    assert!(
        text.contains("    error responses, through the shared response Error: 18 operations\n"),
        "{text}"
    );
    assert!(text.contains("      and 13 more\n"), "{text}");
    // The first 5 groups: 5 examples of the error group, the one operation of each other;
    // the last 2 groups only counted.
    assert_eq!(op_lines(&text).len(), 9, "{text}");
    assert!(
        text.contains("    and 2 more groups (2 operations)\n"),
        "{text}"
    );
    assert!(!text.contains("/exports/latest"), "{text}");
    assert!(text.lines().count() <= 35, "{text}");

    let markdown = spec_diff::render(&r, Format::Markdown);
    let blocks: Vec<&str> = markdown.split("<details>").collect();
    assert_eq!(blocks.len(), 3, "two folded blocks: {markdown}");
    let (rest_of_group, between) = blocks[1].split_once("</details>").expect("closed");
    let (more_groups, after) = blocks[2].split_once("</details>").expect("closed");
    assert!(
        blocks[0].contains(
            "- error responses, through the shared response `Error`: **18 operations**\n"
        ),
        "{markdown}"
    );
    // Shown: the 5 examples of the error group; folded: its 13 others, each once; then the
    // one operation of each of the next 4 groups; then the last 2 groups, folded whole.
    assert_eq!(op_lines(blocks[0]).len(), 5, "{markdown}");
    assert!(
        rest_of_group.starts_with("<summary>and 13 more</summary>"),
        "{markdown}"
    );
    assert_eq!(op_lines(rest_of_group).len(), 13, "{markdown}");
    assert_eq!(op_lines(between).len(), 4, "{markdown}");
    assert!(
        more_groups.starts_with("<summary>and 2 more groups (2 operations)</summary>"),
        "{markdown}"
    );
    assert_eq!(op_lines(more_groups).len(), 2, "{markdown}");
    assert_eq!(op_lines(after).len(), 0, "{markdown}");
    insta::assert_snapshot!("shared_error_reach_markdown", markdown);

    let json: serde_json::Value =
        serde_json::from_str(&spec_diff::render(&r, Format::Json)).expect("valid JSON");
    let detail = json["schemas"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "ErrorDetail"))
        .expect("ErrorDetail in JSON");
    let operations = detail["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), 18);
    assert!(
        operations
            .iter()
            .all(|o| o["error_response"] == "Error"
                && o["error_via"] == serde_json::json!(["Error"])),
        "{operations:#?}"
    );
    assert_eq!(detail["reach"][0]["count"], 18);
    assert_eq!(
        detail["reach"][0]["operations"],
        serde_json::json!((0..18).collect::<Vec<usize>>())
    );
    assert_eq!(detail["reach"].as_array().map(Vec::len), Some(7));
}

#[test]
fn required_request_field_as_markdown() {
    let r = report("request_field_required_added", false);
    insta::assert_snapshot!(
        "request_field_required_added_markdown",
        spec_diff::render(&r, Format::Markdown)
    );
}

#[test]
fn realistic_spec_change() {
    let r = report("realistic", true);
    insta::assert_snapshot!(
        "realistic_markdown",
        spec_diff::render(&r, Format::Markdown)
    );
    insta::assert_snapshot!("realistic_json", spec_diff::render(&r, Format::Json));
    assert!(r.summary.breaking);
    let code = r.generated.as_ref().expect("generated-code summary");
    assert!(
        code.items_added
            .iter()
            .any(|i| i == "links.rs: fn ListLinks::tag")
    );
    assert!(
        code.items_removed
            .iter()
            .any(|i| i == "links.rs: fn Links::duplicate")
    );
}

#[test]
fn a_refactor_changes_no_generated_item() {
    let r = report("ref_refactor_no_change", true);
    assert_eq!(r.summary.changes, 0);
    let code = r.generated.expect("generated-code summary");
    // Reordering changes the text of the generated files, not what they declare.
    assert!(
        code.items_added.is_empty() && code.items_removed.is_empty(),
        "{code:?}"
    );
}

#[test]
fn reports_are_deterministic_and_json_parses() {
    let first = report("realistic", true);
    let second = report("realistic", true);
    assert_eq!(first, second);
    let json: serde_json::Value =
        serde_json::from_str(&spec_diff::render(&first, Format::Json)).expect("valid JSON");
    assert_eq!(json["summary"]["changes"], first.summary.changes);
    assert!(json["operations"][0]["changes"][0]["rule"].is_string());
}

#[test]
fn code_summary_counts_lines_and_compares_public_items() {
    use std::collections::BTreeMap;
    use xtask::spec_diff::codediff::{FileStatus, summarize};
    let files = |list: &[(&str, &str)]| -> BTreeMap<String, String> {
        list.iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect()
    };
    let old = files(&[(
        "types.rs",
        "/// A.\npub struct A { pub x: i64, hidden: u8 }\nimpl A { pub fn new() -> Self { todo!() } }\npub type T = String;\n",
    )]);
    let new = files(&[
        (
            "types.rs",
            "/// A, documented otherwise.\npub struct A { pub x: i64, pub y: i64, hidden: u16 }\nimpl A { pub fn new() -> Self { unimplemented!() } pub fn with_y(self) -> Self { self } }\n",
        ),
        ("extra.rs", "pub fn f() {}\n"),
    ]);
    let d = summarize(&old, &new);
    let files: Vec<(&str, FileStatus, usize, usize)> = d
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.status, f.added, f.removed))
        .collect();
    assert_eq!(
        files,
        [
            ("extra.rs", FileStatus::Added, 1, 0),
            ("types.rs", FileStatus::Changed, 3, 4)
        ]
    );
    assert_eq!(d.items_added, ["extra.rs: fn f", "types.rs: fn A::with_y"]);
    assert_eq!(d.items_removed, ["types.rs: type T"]);
    // Docs, bodies and private fields are not what callers see; the new public field is.
    assert_eq!(d.items_changed, ["types.rs: struct A"]);
    assert!(summarize(&old, &old).is_empty());
}

// ------------------------------------------------------------------ exit status

#[test]
fn fail_on_breaking_exit_status() {
    let breaking = report("operation_removed", false);
    let compatible = report("param_optional_added", false);
    let warning = report("param_default_changed", false);
    let nothing = report("ref_refactor_no_change", false);
    let rust_only = report("operation_id_changed", false);
    assert_eq!(spec_diff::exit_code(&breaking, true), EXIT_BREAKING);
    assert_eq!(spec_diff::exit_code(&breaking, false), EXIT_OK);
    assert_eq!(spec_diff::exit_code(&rust_only, true), EXIT_BREAKING);
    assert_eq!(spec_diff::exit_code(&compatible, true), EXIT_OK);
    assert_eq!(
        spec_diff::exit_code(&warning, true),
        EXIT_OK,
        "warnings never fail"
    );
    assert_eq!(spec_diff::exit_code(&nothing, true), EXIT_OK);
}

#[test]
fn run_with_files_returns_the_report_and_the_status() {
    let options = Options {
        old: Some(fixture_path("operation_removed", "old")),
        new: Some(fixture_path("operation_removed", "new")),
        format: Format::Json,
        fail_on_breaking: true,
        ..Options::default()
    };
    let outcome = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.status, EXIT_BREAKING);
    // Files have no crate version: nothing can acknowledge the break, and stderr says so.
    let gate = outcome.gate.expect("a message for stderr");
    assert!(
        gate.starts_with("error: 1 breaking change (--fail-on-breaking):\n  - DELETE /items/{id} (deleteItem): operation removed [breaking: wire, Rust]\n"),
        "{gate}"
    );
    assert!(
        gate.contains("No version bump can acknowledge them here"),
        "{gate}"
    );
    let output = outcome.report;
    let json: serde_json::Value = serde_json::from_str(&output).expect("valid JSON");
    assert_eq!(json["summary"]["breaking"], true);
    assert!(
        json["generated"]["files"].is_array(),
        "the CLI includes the code summary"
    );
}

#[test]
fn run_reads_the_old_side_from_git() {
    let options = Options {
        base: Some("HEAD".to_owned()),
        new: Some(fixture_path("realistic", "old")),
        ..Options::default()
    };
    let outcome = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.status, EXIT_OK);
    assert_eq!(outcome.gate, None);
    assert!(
        outcome
            .report
            .starts_with("spec-diff: HEAD:spec/openapi.yaml -> "),
        "{}",
        outcome.report
    );
}

// ------------------------------------------------------------------ the CI gate

#[test]
fn semver_major_bumps() {
    use spec_diff::{is_major_bump, next_major, package_version};
    for (old, new, major) in [
        ("0.1.0", "0.2.0", true),
        ("0.1.0", "1.0.0", true),
        ("0.1.0", "0.1.1", false),
        ("0.1.3", "0.1.3", false),
        ("1.2.3", "2.0.0", true),
        ("1.2.3", "1.3.0", false),
        ("2.0.0", "1.9.0", false),
        ("0.2.0", "0.1.0", false),
        ("0.1.0", "0.2.0-alpha.1", true),
        ("0.1.0", "not a version", false),
    ] {
        assert_eq!(is_major_bump(old, new), major, "{old} -> {new}");
    }
    assert_eq!(next_major("0.1.7").as_deref(), Some("0.2.0"));
    assert_eq!(next_major("3.1.7").as_deref(), Some("4.0.0"));
    let manifest = "[package]\nname = \"prolinksqr\"\nversion = \"0.3.1\" # bump on a break\n\n[dependencies]\nversion = \"9\"\n";
    assert_eq!(package_version(manifest).as_deref(), Some("0.3.1"));
    assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
    // The checked-in manifest has a version this reads.
    let ours = std::fs::read_to_string(root().join(spec_diff::MANIFEST)).expect("manifest");
    assert!(package_version(&ours).is_some());
}

/// A scratch git repository with `spec/openapi.yaml` and the crate manifest.
struct Repo(prolinksqr_tests::GitRepo);

impl std::ops::Deref for Repo {
    type Target = prolinksqr_tests::GitRepo;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Repo {
    fn new(name: &str) -> Repo {
        let repo = prolinksqr_tests::GitRepo::new(&format!("spec-diff-{name}"));
        std::fs::create_dir_all(repo.path().join("generated-client")).expect("scratch dir");
        Repo(repo)
    }

    fn write(&self, spec_fixture: &str, side: &str, version: &str) {
        std::fs::copy(
            fixture_path(spec_fixture, side),
            self.path().join("spec/openapi.yaml"),
        )
        .expect("copy the spec");
        std::fs::write(
            self.path().join(spec_diff::MANIFEST),
            format!("[package]\nname = \"prolinksqr\"\nversion = \"{version}\"\n"),
        )
        .expect("write the manifest");
    }

    fn gate(&self) -> spec_diff::Outcome {
        let options = Options {
            base: Some("HEAD".to_owned()),
            fail_on_breaking: true,
            ..Options::default()
        };
        spec_diff::run(&options, self.path()).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// `--base REV --fail-on-breaking` against the working tree: a breaking spec edit fails
/// unless the crate's version is bumped semver-major in the same change.
#[test]
fn fail_on_breaking_is_acknowledged_by_a_major_version_bump() {
    let repo = Repo::new("gate");
    repo.write("operation_removed", "old", "0.1.0");
    repo.commit();

    // The working tree removes an operation and keeps the version: exit 1, and why.
    repo.write("operation_removed", "new", "0.1.0");
    let outcome = repo.gate();
    assert_eq!(outcome.status, EXIT_BREAKING);
    let gate = outcome.gate.expect("a message");
    assert_eq!(
        gate,
        "error: 1 breaking change without a semver-major version bump:\n\
         \x20 - DELETE /items/{id} (deleteItem): operation removed [breaking: wire, Rust]\n\
         The crate version is 0.1.0 in HEAD:generated-client/Cargo.toml and 0.1.0 in \
         generated-client/Cargo.toml: a breaking change (on the wire or for the Rust API) needs \
         the major version bumped, or the minor one while it is 0.x.\n\
         To acknowledge: set `version = \"0.2.0\"` in generated-client/Cargo.toml in the same \
         change and say why in the pull request; otherwise fix the spec edit.\n"
    );

    // A patch bump is not enough.
    repo.write("operation_removed", "new", "0.1.1");
    assert_eq!(repo.gate().status, EXIT_BREAKING);

    // The minor bump of a 0.x crate acknowledges it: exit 0, and stderr says so.
    repo.write("operation_removed", "new", "0.2.0");
    let outcome = repo.gate();
    assert_eq!(outcome.status, EXIT_OK);
    let gate = outcome.gate.expect("a message");
    assert!(
        gate.starts_with("spec-diff: 1 breaking change acknowledged by the semver-major version bump 0.1.0 -> 0.2.0"),
        "{gate}"
    );

    // Once committed, the next change starts from 0.2.0: a compatible edit passes silently,
    // another break needs 0.3.0.
    repo.commit();
    repo.write("param_optional_added", "old", "0.2.0");
    repo.commit();
    repo.write("param_optional_added", "new", "0.2.0");
    let outcome = repo.gate();
    assert_eq!((outcome.status, outcome.gate), (EXIT_OK, None));
    repo.write("param_required_added", "new", "0.2.0");
    let outcome = repo.gate();
    assert_eq!(outcome.status, EXIT_BREAKING);
    assert!(
        outcome
            .gate
            .is_some_and(|g| g.contains("set `version = \"0.3.0\"`")),
    );
}

/// A base revision without the manifest (a spec older than the crate) acknowledges
/// nothing, and says why.
#[test]
fn fail_on_breaking_without_a_manifest_at_the_base() {
    let repo = Repo::new("no-manifest");
    repo.write("operation_removed", "old", "0.1.0");
    std::fs::remove_file(repo.path().join(spec_diff::MANIFEST)).expect("remove");
    repo.commit();
    repo.write("operation_removed", "new", "1.0.0");
    let outcome = repo.gate();
    assert_eq!(outcome.status, EXIT_BREAKING);
    let gate = outcome.gate.expect("a message");
    assert!(
        gate.contains("No version bump can acknowledge them here: cannot read `generated-client/Cargo.toml` at `HEAD`"),
        "{gate}"
    );
}

// ------------------------------------------------------------------ bad input

fn failure(options: Options) -> Failure {
    match spec_diff::run(&options, &root()) {
        Ok(outcome) => panic!("expected a failure, got:\n{}", outcome.report),
        Err(e) => e,
    }
}

#[test]
fn a_spec_that_does_not_parse_gets_the_generators_located_error() {
    let broken = root().join("tests/fixtures/broken/invalid_yaml.yaml");
    let e = failure(Options {
        old: Some(fixture_path("operation_added", "old")),
        new: Some(broken),
        ..Options::default()
    });
    assert_eq!(e.exit_code(), EXIT_ERROR);
    let Failure::Spec { error, .. } = &e else {
        panic!("expected a spec error, got {e:?}");
    };
    assert_eq!(error.kind, generator::ErrorKind::Syntax);
    assert!(error.line.is_some(), "located: {e}");
    let message = e.to_string();
    assert!(
        message.contains("invalid_yaml.yaml: syntax error"),
        "{message}"
    );
}

#[test]
fn a_spec_the_generator_refuses_is_refused() {
    let broken = Input {
        label: "dangling.yaml".to_owned(),
        text: std::fs::read_to_string(
            root().join("tests/fixtures/broken/dangling_property_ref.yaml"),
        )
        .expect("fixture"),
    };
    let e = spec_diff::diff(&input("operation_added", "old"), &broken, false)
        .expect_err("a dangling $ref is refused");
    assert_eq!(e.exit_code(), EXIT_ERROR);
    assert!(
        e.to_string()
            .starts_with("dangling.yaml: reference error at #/"),
        "{e}"
    );
}

#[test]
fn an_unknown_git_revision_is_refused() {
    let e = failure(Options {
        base: Some("no-such-revision-9f3c1b".to_owned()),
        new: Some(fixture_path("operation_added", "new")),
        ..Options::default()
    });
    assert_eq!(e.exit_code(), EXIT_ERROR);
    assert!(matches!(e, Failure::Git(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "unknown git revision `no-such-revision-9f3c1b`"
    );
}

#[test]
fn an_unreadable_file_is_refused() {
    let e = failure(Options {
        old: Some(root().join(DIR).join("no-such-file.yaml")),
        new: Some(fixture_path("operation_added", "new")),
        ..Options::default()
    });
    assert_eq!(e.exit_code(), EXIT_ERROR);
    assert!(matches!(e, Failure::Io(_)), "{e:?}");
    assert!(e.to_string().starts_with("cannot read "), "{e}");
}

#[test]
fn old_and_base_together_are_a_usage_error() {
    let e = failure(Options {
        base: Some("HEAD".to_owned()),
        old: Some(fixture_path("operation_added", "old")),
        ..Options::default()
    });
    assert_eq!(e.exit_code(), EXIT_ERROR);
    assert!(matches!(e, Failure::Usage(_)), "{e:?}");
}

// ------------------------------------------------------------------ JSON output

/// A JSON value parsed with duplicate-key detection: `serde_json::Value` keeps the last of
/// two equal keys without a word, which is how a duplicate went unnoticed.
struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(items.into())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if out.insert(key.clone(), value).is_some() {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
        }
        Ok(out.into())
    }
}

fn strict_json(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str::<Strict>(text).map(|s| s.0)
}

#[test]
fn the_strict_parser_refuses_duplicate_keys() {
    let e = strict_json(r#"{"a": {"rust": 1, "rust": 2}}"#).expect_err("a duplicate key");
    assert!(e.to_string().contains("duplicate key `rust`"), "{e}");
    assert_eq!(
        strict_json(r#"{"a": [{"rust": 1}, {"rust": 2}]}"#).expect("no duplicate")["a"][1]["rust"],
        2
    );
}

/// Every fixture's JSON report (and the realistic one with its code summary) has no
/// duplicate key and matches `tests/fixtures/spec-diff/report.schema.json`.
#[test]
fn json_output_has_unique_keys_and_matches_its_schema() {
    let schema_path = root().join(DIR).join("report.schema.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path).expect("the schema is checked in"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut cases: Vec<(&str, bool)> = RULES.iter().map(|r| (*r, false)).collect();
    cases.push(("realistic", true));
    let mut checked = 0;
    for (rule, code) in cases {
        let text = spec_diff::render(&report(rule, code), Format::Json);
        let json = strict_json(&text).unwrap_or_else(|e| panic!("{rule}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{rule}: {errors:#?}");
        checked += 1;
    }
    assert!(checked > RULES.len(), "every fixture was checked");
    // The schema is closed: an unknown field or a wrong level is refused.
    let mut json = strict_json(&spec_diff::render(
        &report("operation_removed", false),
        Format::Json,
    ))
    .expect("strict JSON");
    assert!(validator.is_valid(&json));
    json["operations"][0]["changes"][0]["rust"]["level"] = "fatal".into();
    assert!(!validator.is_valid(&json), "a level outside the three");
    json["operations"][0]["changes"][0]["rust"]["level"] = "breaking".into();
    json["operations"][0]["changes"][0]["rust_extra"] = 1.into();
    assert!(!validator.is_valid(&json), "an undeclared field");
}

// ------------------------------------------------------------------ item check

/// Every breaking Rust verdict of every fixture has a removed or changed public item in
/// the generated-code summary (else the report flags a classification bug).
#[test]
fn every_breaking_rust_verdict_has_a_changed_item() {
    let mut bugs = Vec::new();
    for rule in RULES.iter().copied().chain(["realistic"]) {
        let r = report(rule, true);
        let code = r.generated.as_ref().expect("generated-code summary");
        for u in &code.unexplained {
            bugs.push(format!("{rule}: {u:?}"));
        }
        let text = spec_diff::render(&r, Format::Text);
        assert_eq!(
            text.contains("every breaking Rust verdict has a removed or changed public item"),
            code.unexplained.is_empty() && r.summary.rust.breaking > 0,
            "{rule}: the report says whether the check passed (when there is something to check)"
        );
    }
    assert!(bugs.is_empty(), "{bugs:#?}");
}

/// A breaking Rust verdict that the generated code does not bear out is reported.
#[test]
fn an_unexplained_breaking_verdict_is_reported_as_a_classification_bug() {
    use xtask::spec_diff::codediff::check;
    let mut r = report("operation_removed", true);
    let mut code = r.generated.clone().expect("generated-code summary");
    assert!(code.unexplained.is_empty(), "{:?}", code.unexplained);
    // The same verdict against a summary in which nothing was removed or changed.
    code.items_removed.clear();
    code.items_changed.clear();
    code.unexplained = check(&r, &code);
    assert_eq!(code.unexplained.len(), 1, "{:?}", code.unexplained);
    let u = &code.unexplained[0];
    assert_eq!(u.section, "DELETE /items/{id}");
    assert_eq!(u.summary, "operation removed");
    assert!(u.expected.contains(&"DeleteItem".to_owned()), "{u:?}");
    r.generated = Some(code);
    let text = spec_diff::render(&r, Format::Text);
    assert!(
        text.contains(
            "CLASSIFICATION BUG: 1 breaking Rust verdict without a removed or changed public item"
        ),
        "{text}"
    );
    let markdown = spec_diff::render(&r, Format::Markdown);
    assert!(markdown.contains("❌ CLASSIFICATION BUG"), "{markdown}");
}
