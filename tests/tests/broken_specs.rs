//! Every file in `tests/fixtures/broken/` must be refused: `parse_spec_bytes` then `generate`
//! return an error (never a panic, never generated code) that points into the document
//! (`#...`), and whose message is snapshotted (one snapshot per fixture).

use std::any::Any;
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};

const BROKEN_DIR: &str = "tests/fixtures/broken";

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// The error the generator gives for `file`; fails the test on a panic or an acceptance.
fn refusal(file: &str) -> generator::Error {
    let rel = format!("{BROKEN_DIR}/{file}");
    let bytes = std::fs::read(root().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let config = generator::Config::new("broken", &rel, "cargo test --test broken_specs");
    let outcome = catch_unwind(|| {
        let spec = generator::parse_spec_bytes(&bytes)?;
        generator::generate(&spec, &config)
    });
    let error = match outcome {
        Err(panic) => panic!("{rel}: the generator panicked: {}", panic_message(&*panic)),
        Ok(Ok(files)) => panic!(
            "{rel}: accepted (generated {:?}), expected an error",
            files.files.keys().collect::<Vec<_>>()
        ),
        Ok(Err(error)) => error,
    };
    assert!(
        error.pointer.starts_with('#'),
        "{rel}: the pointer of `{error}` is not a `#...` JSON pointer"
    );
    error
}

/// One test per fixture (named after it), plus the list of all of them.
macro_rules! broken {
    ($($(#[$attr:meta])* $name:ident => $file:literal,)*) => {
        const FILES: &[&str] = &[$($file),*];
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                let message = refusal($file).to_string();
                insta::assert_snapshot!(stringify!($name), message);
            }
        )*
    };
}

broken! {
    binary => "binary.bin",
    circular_alias_refs => "circular_alias_refs.yaml",
    dangling_error_response_ref => "dangling_error_response_ref.yaml",
    dangling_parameter_ref => "dangling_parameter_ref.yaml",
    dangling_property_ref => "dangling_property_ref.yaml",
    deep_arrays => "deep_arrays.yaml",
    deep_nesting => "deep_nesting.yaml",
    discriminator_mapping_missing => "discriminator_mapping_missing.yaml",
    duplicate_operation_id => "duplicate_operation_id.yaml",
    empty => "empty.yaml",
    external_ref => "external_ref.yaml",
    group_features_not_a_boolean => "group_features_not_a_boolean.yaml",
    info_title_list => "info_title_list.yaml",
    invalid_json => "invalid_json.json",
    invalid_yaml => "invalid_yaml.yaml",
    missing_info => "missing_info.yaml",
    missing_openapi => "missing_openapi.yaml",
    not_utf8 => "not_utf8.yaml",
    openapi4 => "openapi4.yaml",
    openapi_version_number => "openapi_version_number.yaml",
    pagination_missing_field => "pagination_missing_field.yaml",
    parameter_ref_to_schema => "parameter_ref_to_schema.yaml",
    path_item_ref => "path_item_ref.yaml",
    path_without_slash => "path_without_slash.yaml",
    paths_not_object => "paths_not_object.yaml",
    ref_percent_non_ascii => "ref_percent_non_ascii.yaml",
    ref_to_non_schema => "ref_to_non_schema.yaml",
    request_body_no_content => "request_body_no_content.yaml",
    schema_nullable_string => "schema_nullable_string.yaml",
    schema_properties_list => "schema_properties_list.yaml",
    schema_required_not_list => "schema_required_not_list.yaml",
    schema_type_list_deep => "schema_type_list_deep.yaml",
    security_undefined_scheme => "security_undefined_scheme.yaml",
    self_alias_ref => "self_alias_ref.yaml",
    server_variable_undeclared => "server_variable_undeclared.yaml",
    swagger2 => "swagger2.yaml",
    too_many_requests_meaning => "too_many_requests_meaning.yaml",
    too_many_requests_quota_message => "too_many_requests_quota_message.yaml",
    top_level_list => "top_level_list.yaml",
    undeclared_path_param => "undeclared_path_param.yaml",
    union_includes_itself => "union_includes_itself.yaml",
    union_includes_itself_any_of => "union_includes_itself_any_of.yaml",
    union_includes_itself_inline => "union_includes_itself_inline.yaml",
    union_includes_itself_mutually => "union_includes_itself_mutually.yaml",
    unknown_schema_type => "unknown_schema_type.yaml",
    unwrap_non_object => "unwrap_non_object.yaml",
    yaml_alias_bomb => "yaml_alias_bomb.yaml",
    yaml_complex_key => "yaml_complex_key.yaml",
    yaml_duplicate_key => "yaml_duplicate_key.yaml",
    yaml_nan => "yaml_nan.yaml",
}

/// Every fixture file has its test above, listed in sorted order.
#[test]
fn every_broken_spec_is_tested() {
    let dir = root().join(BROKEN_DIR);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).file_name())
        .filter_map(|name| name.to_str().map(str::to_owned))
        .collect();
    files.sort();
    assert_eq!(FILES, files, "add new fixtures to `broken!`, in order");
}
