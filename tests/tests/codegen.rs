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

/// `prolinksqr`'s `Cargo.toml` and `lib.rs` hold the crate frame between marker lines, as
/// `codegen` writes it: an edit by hand there is undone by the next run (and reported by
/// `--check` until then), and a standalone crate gets the very same text.
#[test]
fn crate_frame_is_one_text_in_every_crate() {
    let parts = xtask::codegen::frame_parts().unwrap_or_else(|e| panic!("{e}"));
    let edits = [
        (
            "generated-client/Cargo.toml",
            "cli = [\"dep:clap\", \"dep:csv\", \"dep:serde-transcode\", \"dep:serde_yaml\"]\n",
        ),
        ("generated-client/src/lib.rs", "mod runtime;\n"),
    ];
    assert_eq!(parts.len(), edits.len());
    for ((path, line), (part_path, part)) in edits.iter().zip(xtask::codegen::FRAME_PARTS) {
        let checked_in = parts
            .iter()
            .find(|p| p.path == *path)
            .expect("a frame part");
        assert_eq!(part_path, path);
        assert_eq!(checked_in.current, checked_in.expected, "{path} is stale");
        assert!(checked_in.current.contains(&part()), "{path}");
        let edited = checked_in.current.replacen(line, "", 1);
        assert_ne!(edited, checked_in.current, "{path} has no line {line:?}");
        let restored = generator::frame::splice(&edited, &part()).expect("the markers");
        assert_eq!(restored, checked_in.current, "{path}");
    }
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml"),
    )
    .expect("the spec");
    let spec = generator::parse_spec(&text).expect("the spec parses");
    let config = generator::Config::new("frame-check", "spec.yaml", "cargo test");
    let files = generator::generate_crate(&spec, &config)
        .expect("a crate")
        .files;
    assert!(files["Cargo.toml"].contains(&generator::frame::manifest_tables()));
    assert!(files["src/lib.rs"].contains(&generator::frame::lib_items()));
}
