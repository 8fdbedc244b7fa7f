//! The checked-in client must be exactly what the generator makes of the checked-in spec
//! (the same check as `cargo xtask codegen --check`), and generation must be deterministic.

#[test]
fn generated_client_is_up_to_date() {
    let diffs = xtask::codegen::stale().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        diffs.is_empty(),
        "generated-client/src/generated is stale: run `cargo xtask codegen`\n{}",
        diffs.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let first = xtask::codegen::expected().unwrap_or_else(|e| panic!("{e}"));
    let second = xtask::codegen::expected().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second);
}
