//! Snapshots of the modules the generator writes (`generator::generate`) for every feature
//! fixture in `tests/fixtures/generator/`: one snapshot per spec, the files concatenated in
//! path order. A change in the generator shows up here as a reviewable diff
//! (`INSTA_UPDATE=always cargo test --test generator_snapshots` accepts).
//!
//! `spec/openapi.yaml` has no snapshot: its output is `generated-client/src/generated/`,
//! checked in and compared with the generator's by `cargo xtask codegen --check` and by
//! `tests/tests/codegen.rs` (part of `cargo test --workspace`), so a change shows up once,
//! in that folder's diff.

use std::path::{Path, PathBuf};

const FIXTURE_DIR: &str = "tests/fixtures/generator";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The generated modules of the spec at `rel` (from the workspace root), as one text.
fn modules(rel: &str, config: &generator::Config) -> String {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let spec = generator::parse_spec(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let files = generator::generate(&spec, config).unwrap_or_else(|e| panic!("{rel}: {e}"));
    files
        .files
        .iter()
        .map(|(path, contents)| format!("// ---- {path} ----\n{contents}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(stem: &str) -> String {
    let rel = format!("{FIXTURE_DIR}/{stem}.yaml");
    let crate_name = format!("fixture-{}", stem.replace('_', "-"));
    let config = generator::Config::new(crate_name, &rel, "cargo test --test generator_snapshots");
    modules(&rel, &config)
}

/// One test per fixture (named after it), plus the list of all of them.
macro_rules! fixtures {
    ($($stem:ident),* $(,)?) => {
        const FIXTURES: &[&str] = &[$(stringify!($stem)),*];
        $(
            #[test]
            fn $stem() {
                let generated = fixture(stringify!($stem));
                insta::assert_snapshot!(stringify!($stem), generated);
            }
        )*
    };
}

fixtures!(
    additional_properties,
    all_of,
    arrays_nested,
    cli_names,
    cookie_parameters,
    cursor_pagination,
    defaults_access,
    enums,
    example_data_refs,
    extensions,
    fallbacks,
    formats,
    group_features,
    inferred_responses,
    json_bodies,
    json_in_yaml,
    limits,
    mock_names,
    multipart,
    multipart_shapes,
    naming_collisions,
    natural_forms,
    nullable,
    one_of_discriminator,
    openapi31_bounds_examples,
    openapi31_const,
    openapi31_content_encoding,
    openapi31_defs,
    openapi31_json_schema_keywords,
    openapi31_null_unions,
    openapi31_path_item_refs,
    openapi31_prefix_items,
    openapi31_ref_siblings,
    openapi31_type_lists,
    openapi31_webhooks,
    parameters,
    parser_edge_cases,
    recursive,
    recursive_all_of_maps,
    required_optional,
    responses,
    security_and_combined,
    security_and_requirements,
    security_api_key_header,
    security_api_key_query,
    security_basic,
    security_bearer,
    security_oauth2,
    security_public_operations,
    security_unsendable,
    tags_groups,
    untagged_paths,
    untagged_unions,
);

/// Every fixture file has its test above, listed in sorted order.
#[test]
fn every_fixture_is_snapshotted() {
    let dir = root().join(FIXTURE_DIR);
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    stems.sort();
    assert_eq!(FIXTURES, stems, "add new fixtures to `fixtures!`, in order");
}

/// The generated docs read as written by hand for this crate (issue 22): `from_env`'s docs
/// (generated, as the runtime names no generated item) name the crate's variables, a
/// builder with no optional input does not ask for them, an example prints a field rather
/// than `{value:?}`, a partial update example changes the name, and a typed undocumented
/// response says how it is read instead of only that it is not documented.
#[test]
fn docs_name_this_crates_things() {
    let generated = modules(xtask::codegen::SPEC, &xtask::codegen::config());
    assert!(generated.contains(
        "A client configured from the environment: `PROLINKSQR_API_KEY` (the API key, \
         required), `PROLINKSQR_BASE_URL` (the base URL, optional) and \
         `PROLINKSQR_DRIFT_LOG` (a file to record drift into, with the `drift` feature)."
    ));
    for (path, text) in generator::runtime::FILES {
        assert!(
            !text.contains("{PREFIX}"),
            "runtime/{path} has a placeholder name"
        );
    }
    assert!(
        generated.contains("/// Request builder for [`Folders::get`]: `.send().await` sends it.")
    );
    assert!(generated.contains(
        "/// Request builder for [`Links::list`]: set optional inputs, then `.send().await`."
    ));
    assert!(
        !generated.contains(":?}\");"),
        "an example prints Debug output"
    );
    assert!(generated.contains("let body = UpdateLinkRequest::new().with_name(\"Summer Sale\");"));
    assert!(generated.contains("/// if let Some(id) = &link_result.id {"));
    let cafes_list = generated
        .split("/// List cafes\n")
        .nth(1)
        .and_then(|rest| rest.split("pub fn list").next())
        .expect("the docs of `Cafes::list`");
    assert!(!cafes_list.contains("The response is not documented."));
    assert!(
        cafes_list.contains("The API does not document this response: it is decoded leniently")
    );
}
