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
    param_max_tightened => [("limit-changed", B, C)],
    request_field_optional_added => [("property-added", C, C)],
    request_field_required_added => [("property-added", B, B)],
    request_field_removed => [("property-removed", W, B)],
    request_body_became_optional => [("request-body-required-changed", C, B)],
    request_field_type_widened => [("type-changed", C, B)],
    response_field_added => [("property-added", C, C)],
    response_field_removed_required => [("property-removed", B, B)],
    response_field_removed_optional => [("property-removed", C, B)],
    response_field_became_optional => [("property-required-changed", B, B)],
    response_enum_value_added => [("enum-value-added", C, C)],
    response_enum_value_removed => [("enum-value-removed", C, B)],
    response_field_became_nullable => [("nullable-changed", B, B)],
    response_variant_added => [
        ("schema-added", C, C),
        ("variant-added", C, C),
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
);

#[test]
fn every_fixture_folder_is_tested() {
    let mut folders: Vec<String> = std::fs::read_dir(root().join(DIR))
        .expect("fixture folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
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
    let (output, status) = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, EXIT_BREAKING);
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
    let (output, status) = spec_diff::run(&options, &root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, EXIT_OK);
    assert!(
        output.starts_with("spec-diff: HEAD:spec/openapi.yaml -> "),
        "{output}"
    );
}

// ------------------------------------------------------------------ bad input

fn failure(options: Options) -> Failure {
    match spec_diff::run(&options, &root()) {
        Ok((output, _)) => panic!("expected a failure, got:\n{output}"),
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
