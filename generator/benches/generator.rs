//! Generator speed: parse and generate, in-process, on the ProLinksQR spec, on the large
//! real-world specs of `../shared/specs/`, and on synthetic specs of N operations and N
//! schemas (N = 500 / 2,000 / 5,000) to show how the pipeline scales.
//!
//! ```sh
//! cargo bench -p generator --bench generator              # everything
//! cargo bench -p generator --bench generator -- prolinksqr  # one group (divan filter)
//! ```
//!
//! The real-world specs are read from `$BENCH_SPECS_DIR`, else `<workspace>/../shared/specs`.
//! Results and how they were taken: `BENCHMARKS.md`.

use std::path::PathBuf;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use generator::{Config, Spec, generate, generate_crate, parse_spec};
use serde_json::{Value, json};

fn main() {
    divan::main();
}

const PROLINKSQR: &str = include_str!("../../spec/openapi.yaml");

fn config() -> Config {
    Config::new("bench-client", "bench.yaml", "cargo bench")
}

fn parsed(text: &str) -> Spec {
    parse_spec(text).expect("the generator accepts this spec")
}

/// A real-world spec from `../shared/specs/`, read once per benchmark (outside timing).
fn shared_spec(name: &str) -> String {
    let dir = std::env::var_os("BENCH_SPECS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"));
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read {} ({err}); set BENCH_SPECS_DIR to the folder of shared/specs",
            path.display()
        )
    })
}

/// `spec/openapi.yaml` (the ProLinksQR client's own spec). Target: parse + generate < 20 ms.
mod prolinksqr {
    use super::*;

    #[divan::bench]
    fn parse(b: Bencher) {
        b.bench(|| parse_spec(black_box(PROLINKSQR)).unwrap());
    }

    #[divan::bench]
    fn generate_modules(b: Bencher) {
        let spec = parsed(PROLINKSQR);
        let config = config();
        b.bench(|| generate(black_box(&spec), &config).unwrap());
    }

    #[divan::bench]
    fn parse_and_generate(b: Bencher) {
        let config = config();
        b.bench(|| {
            let spec = parse_spec(black_box(PROLINKSQR)).unwrap();
            generate(&spec, &config).unwrap()
        });
    }

    /// What `cargo xtask generate` computes: the modules plus runtime, `Cargo.toml`, `lib.rs`.
    #[divan::bench]
    fn parse_and_generate_crate(b: Bencher) {
        let config = config();
        b.bench(|| {
            let spec = parse_spec(black_box(PROLINKSQR)).unwrap();
            generate_crate(&spec, &config).unwrap()
        });
    }
}

/// The largest specs of `../shared/specs/` (all accepted by the generator).
mod real_world {
    use super::*;

    const SPECS: &[&str] = &[
        "pagerduty.json",
        "box.json",
        "twilio-api_v2010.json",
        "oxide-nexus.json",
    ];

    #[divan::bench(args = SPECS, sample_count = 10, sample_size = 1)]
    fn parse(b: Bencher, name: &str) {
        let text = shared_spec(name);
        b.bench(|| parse_spec(black_box(&text)).unwrap());
    }

    #[divan::bench(args = SPECS, sample_count = 10, sample_size = 1)]
    fn generate_modules(b: Bencher, name: &str) {
        let spec = parsed(&shared_spec(name));
        let config = config();
        b.bench(|| generate(black_box(&spec), &config).unwrap());
    }

    #[divan::bench(args = SPECS, sample_count = 10, sample_size = 1)]
    fn parse_and_generate(b: Bencher, name: &str) {
        let text = shared_spec(name);
        let config = config();
        b.bench(|| {
            let spec = parse_spec(black_box(&text)).unwrap();
            generate(&spec, &config).unwrap()
        });
    }
}

/// Synthetic specs of N operations and N schemas: does time grow linearly with N?
mod scaling {
    use super::*;

    const SIZES: &[usize] = &[500, 2_000, 5_000];

    #[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
    fn parse(b: Bencher, n: usize) {
        let text = synthetic_spec(n);
        b.counter(ItemsCount::new(n))
            .bench(|| parse_spec(black_box(&text)).unwrap());
    }

    #[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
    fn generate_modules(b: Bencher, n: usize) {
        let spec = parsed(&synthetic_spec(n));
        let config = config();
        b.counter(ItemsCount::new(n))
            .bench(|| generate(black_box(&spec), &config).unwrap());
    }

    #[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
    fn parse_and_generate(b: Bencher, n: usize) {
        let text = synthetic_spec(n);
        let config = config();
        b.counter(ItemsCount::new(n)).bench(|| {
            let spec = parse_spec(black_box(&text)).unwrap();
            generate(&spec, &config).unwrap()
        });
    }
}

/// Hostile documents (see `tests/tests/hostile_specs.rs`): work must stay proportional to
/// the text, or end in an error.
mod hostile {
    use super::*;

    const LEVELS: &[usize] = &[16, 24, 31];

    /// `S{i}: allOf: [S{i-1}, S{i-1}, {...}]`: exponential if each `allOf` is expanded
    /// where it is used, linear (quadratic in the fields of the last struct) when merged once.
    #[divan::bench(args = LEVELS, sample_count = 10, sample_size = 1)]
    fn all_of_chain(b: Bencher, levels: usize) {
        let text = all_of_chain_spec(levels);
        let config = config();
        b.bench(|| {
            let spec = parse_spec(black_box(&text)).unwrap();
            generate(&spec, &config).unwrap()
        });
    }

    /// 1 MB anchored once and aliased 500 times: refused once 64 MiB are expanded.
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn alias_fan_out_refused(b: Bencher) {
        let mut text = format!(
            "openapi: 3.0.3\ninfo: {{title: fan-out, version: '1'}}\npaths: {{}}\nx-big: &big {}\ncomponents:\n  schemas:\n",
            "x".repeat(1 << 20)
        );
        for i in 0..500 {
            text.push_str(&format!(
                "    S{i}:\n      type: object\n      description: *big\n"
            ));
        }
        b.bench(|| parse_spec(black_box(&text)).unwrap_err());
    }
}

/// The chain of `hostile::all_of_chain`, `levels` deep.
pub fn all_of_chain_spec(levels: usize) -> String {
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

/// Operations per tag (= per generated module), so the module count grows with N too.
const OPS_PER_TAG: usize = 50;

/// An OpenAPI 3.0 JSON document with `n` schemas and `n` operations.
///
/// Schema `Model{i}`: an object with a required string id, a string, an int64, a number, a
/// boolean, an inline string enum (a named enum type per schema), an array of strings, an
/// optional `$ref` to an earlier schema (`Model{i/2}`), an array of `$ref`s to another
/// earlier schema (`Model{i-1}`), and a nested inline object. References only point
/// backwards, so the schema graph is a DAG (no boxing questions) but every schema is reached.
///
/// Operation `i`: even `i` is `GET /r{i}` (list) with query parameters (an int, a string, an
/// enum, an array) returning `{ data: [Model{i}], meta }`; odd `i` is
/// `PUT /r{i}/{id}` with a path and a header parameter, a JSON body `Model{i}`, returning
/// `Model{i-1}`, plus a `404` with an error schema. Tags group `OPS_PER_TAG` operations.
pub fn synthetic_spec(n: usize) -> String {
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "required": ["message"],
            "properties": { "message": { "type": "string" }, "code": { "type": "integer" } }
        }),
    );
    schemas.insert(
        "PageMeta".to_owned(),
        json!({
            "type": "object",
            "required": ["currentPage", "totalPages"],
            "properties": {
                "currentPage": { "type": "integer", "format": "int64" },
                "totalPages": { "type": "integer", "format": "int64" }
            }
        }),
    );
    for i in 0..n {
        let mut properties = json!({
            "id": { "type": "string", "description": format!("Identifier of model {i}.") },
            "name": { "type": "string" },
            "count": { "type": "integer", "format": "int64", "minimum": 0 },
            "ratio": { "type": "number", "format": "double" },
            "enabled": { "type": "boolean" },
            "status": { "type": "string", "enum": ["active", "paused", "archived", format!("custom_{i}")] },
            "tags": { "type": "array", "items": { "type": "string" } },
            "settings": {
                "type": "object",
                "properties": {
                    "color": { "type": "string" },
                    "size": { "type": "integer" }
                }
            }
        });
        if i > 0 {
            let props = properties.as_object_mut().unwrap();
            props.insert(
                "parent".to_owned(),
                json!({ "$ref": format!("#/components/schemas/Model{}", i / 2) }),
            );
            props.insert(
                "children".to_owned(),
                json!({
                    "type": "array",
                    "items": { "$ref": format!("#/components/schemas/Model{}", i - 1) }
                }),
            );
        }
        schemas.insert(
            format!("Model{i}"),
            json!({
                "type": "object",
                "description": format!("Synthetic model number {i}."),
                "required": ["id", "name"],
                "properties": properties
            }),
        );
    }

    let mut paths = serde_json::Map::new();
    for i in 0..n {
        let tag = format!("group{}", i / OPS_PER_TAG);
        let model = json!({ "$ref": format!("#/components/schemas/Model{i}") });
        let not_found = json!({
            "description": "Not found.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
        });
        if i % 2 == 0 {
            paths.insert(
                format!("/r{i}"),
                json!({
                    "get": {
                        "operationId": format!("listModel{i}"),
                        "tags": [tag],
                        "summary": format!("List model {i}."),
                        "parameters": [
                            { "name": "page", "in": "query", "schema": { "type": "integer", "format": "int64" } },
                            { "name": "search", "in": "query", "schema": { "type": "string" } },
                            { "name": "sort", "in": "query",
                              "schema": { "type": "string", "enum": ["name", "created", "updated"] } },
                            { "name": "ids", "in": "query", "style": "form", "explode": false,
                              "schema": { "type": "array", "items": { "type": "string" } } }
                        ],
                        "responses": {
                            "200": {
                                "description": "A page.",
                                "content": { "application/json": { "schema": {
                                    "type": "object",
                                    "required": ["data", "meta"],
                                    "properties": {
                                        "data": { "type": "array", "items": model },
                                        "meta": { "$ref": "#/components/schemas/PageMeta" }
                                    }
                                } } }
                            },
                            "404": not_found
                        }
                    }
                }),
            );
        } else {
            paths.insert(
                format!("/r{i}/{{id}}"),
                json!({
                    "put": {
                        "operationId": format!("updateModel{i}"),
                        "tags": [tag],
                        "summary": format!("Update model {i}."),
                        "parameters": [
                            { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                            { "name": "X-Request-Id", "in": "header", "schema": { "type": "string" } }
                        ],
                        "requestBody": {
                            "required": true,
                            "content": { "application/json": { "schema": model } }
                        },
                        "responses": {
                            "200": {
                                "description": "The updated model.",
                                "content": { "application/json": { "schema":
                                    { "$ref": format!("#/components/schemas/Model{}", i - 1) } } }
                            },
                            "404": not_found
                        }
                    }
                }),
            );
        }
    }

    let tags: Vec<Value> = (0..n.div_ceil(OPS_PER_TAG))
        .map(|t| json!({ "name": format!("group{t}"), "description": format!("Group {t}.") }))
        .collect();
    let doc = json!({
        "openapi": "3.0.3",
        "info": { "title": format!("Synthetic {n}"), "version": "1.0.0" },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "key": { "type": "apiKey", "in": "header", "name": "X-Api-Key" } }
        },
        "security": [{ "key": [] }]
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

/// Not a benchmark: checks (under `cargo test --benches` / `cargo bench`) that the
/// synthetic spec is accepted and yields what it should, before anything is timed.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn synthetic_spec_is_accepted() {
    let spec = parsed(&synthetic_spec(50));
    let files = generate(&spec, &config()).unwrap();
    let types = &files.files["types.rs"];
    assert!(
        types.contains("pub struct Model49"),
        "synthetic schemas are generated"
    );
    assert!(
        files.files.len() >= 3,
        "mod.rs, types.rs and a module per tag"
    );
}
