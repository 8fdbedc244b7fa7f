//! Small documents that expand into huge amounts of work or memory: each either generates
//! with work proportional to its text or is refused with a located `ErrorKind::Limit`
//! error. The documents are built here (one is 1 MB) rather than checked in.
//!
//! Nothing here is timed (speed is measured by `cargo bench -p generator`, see
//! `BENCHMARKS.md`); a regression to exponential work shows up as a test that never ends.

use generator::{Config, ErrorKind, generate, parse_spec};

fn config() -> Config {
    Config::new("hostile", "hostile.yaml", "cargo test --test hostile_specs")
}

/// `S{i}: allOf: [S{i-1}, S{i-1}, {p{i}}]` for i in 1..=levels, and one operation returning
/// the last: 4 kB of text at 31 levels, 2^31 schema visits if every `allOf` is expanded
/// where it is used.
fn all_of_chain(levels: usize) -> String {
    let mut text = format!(
        "openapi: 3.0.3\ninfo: {{title: chain, version: '1'}}\npaths:\n  /s:\n    get:\n      operationId: getS\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/S{levels}'}}\ncomponents:\n  schemas:\n    S0: {{type: object, properties: {{p0: {{type: string}}}}}}\n"
    );
    for i in 1..=levels {
        let prev = format!("{{$ref: '#/components/schemas/S{}'}}", i - 1);
        text.push_str(&format!(
            "    S{i}: {{allOf: [{prev}, {prev}, {{type: object, properties: {{p{i}: {{type: string}}}}}}]}}\n"
        ));
    }
    text
}

#[test]
fn all_of_chains_generate_at_16_24_and_31_levels() {
    for levels in [16, 24, 31] {
        let spec = parse_spec(&all_of_chain(levels)).unwrap();
        let files = generate(&spec, &config()).unwrap_or_else(|e| panic!("{levels}: {e}"));
        let types = &files.files["types.rs"];
        let last = format!("pub struct S{levels} {{");
        let start = types
            .find(&last)
            .unwrap_or_else(|| panic!("{levels}: no {last}"));
        let body = &types[start..start + types[start..].find("\n}").unwrap()];
        // Every level's property, once: the duplicate member adds nothing.
        for i in 0..=levels {
            assert_eq!(
                body.matches(&format!("pub p{i}:")).count(),
                1,
                "S{levels}.p{i}"
            );
        }
    }
}

/// One string of `size` bytes anchored once and aliased as the description of `copies`
/// schemas.
fn alias_fan_out(size: usize, copies: usize) -> String {
    let mut text = format!(
        "openapi: 3.0.3\ninfo: {{title: fan-out, version: '1'}}\npaths: {{}}\nx-big: &big {}\ncomponents:\n  schemas:\n",
        "x".repeat(size)
    );
    for i in 0..copies {
        text.push_str(&format!(
            "    S{i}:\n      type: object\n      description: *big\n      properties:\n        a: {{type: string}}\n"
        ));
    }
    text
}

#[test]
fn a_megabyte_aliased_500_times_is_refused_at_its_line() {
    // 1 MB of text that expands to 500 MB.
    let err = parse_spec(&alias_fan_out(1 << 20, 500)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    assert_eq!(err.line, Some(4), "the line of the anchored string: {err}");
    insta::assert_snapshot!(err.to_string(), @"limit error at # (line 4): the YAML aliases expand the document to more than 64 MiB (64 MiB, or twice the text's length); the count ran out at the node on this line, which aliases copy: write such a value once");
}

#[test]
fn aliases_that_stay_small_are_expanded() {
    let spec = parse_spec(&alias_fan_out(1_000, 500)).unwrap();
    let files = generate(&spec, &config()).unwrap();
    assert_eq!(
        files.files["types.rs"].matches(&"x".repeat(1_000)).count(),
        500
    );
}

#[test]
fn generated_code_past_the_output_limit_is_refused() {
    let spec = parse_spec(&alias_fan_out(1_000, 500)).unwrap();
    let size: usize = generate(&spec, &config())
        .unwrap()
        .files
        .values()
        .map(String::len)
        .sum();
    let mut small = config();
    small.max_output_bytes = size - 1;
    let err = generate(&spec, &small).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    assert_eq!(err.pointer, "#");
    assert!(
        err.message.contains(&format!("exceed {} bytes", size - 1)),
        "{err}"
    );
    small.max_output_bytes = size;
    assert!(generate(&spec, &small).is_ok());
    assert_eq!(config().max_output_bytes, 64 << 20);
}
