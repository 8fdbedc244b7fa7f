//! The drift loop reaches a fixpoint: random drift applied to the responses of a generated
//! crate -> recorded (the runtime's checker, with the crate's generated `drift.jsonl`) ->
//! proposed as an overlay (`xtask drift propose`) -> applied (the generator's overlays) ->
//! regenerated -> the same responses replayed against the new `drift.jsonl`: nothing is
//! recorded but the missing optional fields (a proposal never removes a field: the spec
//! already allows it to be absent), and every new field is in the regenerated types,
//! typed from what came.

use std::collections::BTreeMap;
use std::path::Path;

use prolinksqr::__private::Operation;
use prolinksqr::drift::{Checker, DriftLog};
use prolinksqr::reqwest::header::{CONTENT_TYPE, HeaderMap};
use prolinksqr::reqwest::{Method, StatusCode};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

static GET_THING: Operation = Operation {
    id: "getThing",
    method: Method::GET,
    path: "/things/{id}",
    scopes: &[],
    security: &[],
};

static LIST_THINGS: Operation = Operation {
    id: "listThings",
    method: Method::GET,
    path: "/things",
    scopes: &[],
    security: &[],
};

fn spec() -> Value {
    let ok = |schema: &str| {
        json!({
            "200": {
                "description": "ok",
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
            },
            "404": {
                "description": "not found",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
            }
        })
    };
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Things", "version": "1" },
        "paths": {
            "/things": { "get": { "operationId": "listThings", "responses": ok("ThingList") } },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": ok("ThingEnvelope")
                }
            }
        },
        "components": {
            "schemas": {
                "Problem": { "type": "object", "properties": { "message": { "type": "string" } } },
                "ThingList": {
                    "type": "object", "required": ["data"],
                    "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" } } }
                },
                "ThingEnvelope": {
                    "type": "object", "required": ["data"],
                    "properties": { "data": { "$ref": "#/components/schemas/Thing" } }
                },
                "Base": {
                    "type": "object", "required": ["id"],
                    "properties": { "id": { "type": "integer" } }
                },
                "Thing": {
                    "allOf": [{ "$ref": "#/components/schemas/Base" }],
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string" },
                        "size": { "type": "integer" },
                        "color": { "$ref": "#/components/schemas/Color" },
                        "tags": { "type": "array", "items": { "type": "string" } }
                    }
                },
                "Color": { "type": "string", "enum": ["red", "green"] }
            }
        }
    })
}

/// A JSON value of one kind, as a response could carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    DateTime,
    Uuid,
    Int,
    Num,
    Bool,
    Null,
    Array,
    Object,
}

impl Kind {
    fn value(self, n: usize) -> Value {
        match self {
            Kind::Text => json!(format!("text {n}")),
            Kind::DateTime => json!(format!("2026-06-{:02}T10:00:00Z", n % 28 + 1)),
            Kind::Uuid => json!(format!("123e4567-e89b-12d3-a456-4266141740{n:02}")),
            Kind::Int => json!(n),
            Kind::Num => json!(n as f64 + 0.5),
            Kind::Bool => json!(n.is_multiple_of(2)),
            Kind::Null => Value::Null,
            Kind::Array => json!([n, "x"]),
            Kind::Object => json!({ "n": n }),
        }
    }

    /// The Rust type a field that only ever held this kind is generated as.
    fn rust(self) -> Option<&'static str> {
        match self {
            Kind::Text | Kind::DateTime | Kind::Uuid => Some("String"),
            Kind::Int => Some("i64"),
            Kind::Num => Some("f64"),
            Kind::Bool => Some("bool"),
            _ => None,
        }
    }
}

const KINDS: [Kind; 9] = [
    Kind::Text,
    Kind::DateTime,
    Kind::Uuid,
    Kind::Int,
    Kind::Num,
    Kind::Bool,
    Kind::Null,
    Kind::Array,
    Kind::Object,
];

/// One way the API differs from the spec.
#[derive(Debug, Clone)]
enum Drift {
    /// A property the spec does not have, with the kinds its values take in turn.
    Extra(String, Vec<Kind>),
    /// A documented field holding another kind of value.
    Widen(&'static str, Kind),
    /// An enum value the spec does not list.
    EnumValue(String),
    /// A documented field left out.
    Missing(&'static str),
    /// An undocumented status, with a JSON body.
    Status(u16),
}

fn drift() -> impl Strategy<Value = Drift> {
    prop_oneof![
        (
            "[a-z]{3,8}",
            proptest::collection::vec(select(&KINDS[..]), 1..3)
        )
            .prop_map(|(name, kinds)| Drift::Extra(format!("x_{name}"), kinds)),
        // A string in the enum's place is an unknown enum value: one with characters a
        // token does not have is left out of the log, so it cannot be proposed (tested in
        // xtask's unit tests).
        (
            select(&["name", "size", "tags", "color", "id"][..]),
            select(&KINDS[..])
        )
            .prop_filter("an enum's string is a token", |(field, kind)| {
                *field != "color" || !matches!(kind, Kind::Text | Kind::DateTime)
            })
            .prop_map(|(field, kind)| Drift::Widen(field, kind)),
        "[a-z][a-z0-9_]{2,10}".prop_map(Drift::EnumValue),
        select(&["name", "size", "tags", "color", "id"][..]).prop_map(Drift::Missing),
        select(&[409u16, 418, 503][..]).prop_map(Drift::Status),
    ]
}

fn base_thing(n: usize) -> Value {
    json!({ "id": n, "name": format!("thing {n}"), "size": n, "color": "red", "tags": ["a"] })
}

/// Response `n` with every drift applied: (operation, status, body).
fn responses(drifts: &[Drift], count: usize) -> Vec<(&'static Operation, u16, Value)> {
    let mut out = Vec::new();
    for n in 0..count {
        let mut thing = base_thing(n);
        for drift in drifts {
            match drift {
                Drift::Extra(name, kinds) => thing[name] = kinds[n % kinds.len()].value(n),
                Drift::Widen(field, kind) => thing[*field] = kind.value(n),
                Drift::EnumValue(value) => thing["color"] = json!(value),
                Drift::Missing(field) => {
                    thing.as_object_mut().unwrap().remove(*field);
                }
                Drift::Status(status) => out.push((&GET_THING, *status, json!({ "message": "m" }))),
            }
        }
        out.push((&GET_THING, 200, json!({ "data": thing.clone() })));
        out.push((
            &LIST_THINGS,
            200,
            json!({ "data": [thing, base_thing(n + 100)] }),
        ));
    }
    out
}

fn replay(drift_jsonl: &str, responses: &[(&'static Operation, u16, Value)]) -> DriftLog {
    let log = DriftLog::new();
    let checker = Checker::new(drift_jsonl, log.clone());
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
    for (op, status, body) in responses {
        let status = StatusCode::from_u16(*status).unwrap();
        checker.observe(op, status, &headers, body.to_string().as_bytes());
    }
    log
}

/// The generated files of the spec `doc` with `overlays` applied.
fn generate(doc: &Value, overlays: &[generator::overlay::Overlay]) -> BTreeMap<String, String> {
    let spec = generator::parse_spec_with(&doc.to_string(), overlays).expect("the spec parses");
    let config = generator::Config::new("things", "things.json", "test");
    generator::generate(&spec, &config)
        .expect("the spec generates")
        .files
}

fn check(drifts: &[Drift], count: usize) -> Result<(), TestCaseError> {
    let doc = spec();
    let before = generate(&doc, &[]);
    let responses = responses(drifts, count);
    let log = replay(&before["drift.jsonl"], &responses);

    let mut logs = xtask::drift::Logs::default();
    logs.merge_text(Path::new("drift.json"), &log.to_json())
        .map_err(TestCaseError::fail)?;
    let proposal = xtask::drift::propose::propose(&logs.records, &doc);
    prop_assert!(
        proposal.unplaced.is_empty(),
        "unplaced: {:#?}",
        proposal.unplaced
    );
    let overlay_text = serde_json::to_string_pretty(&proposal.overlay).unwrap();
    // An overlay has at least one action: with nothing to propose there is none.
    let after = if proposal.actions == 0 {
        before
    } else {
        let overlay = generator::overlay::Overlay::parse("drift.json", &overlay_text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{overlay_text}")))?;
        generate(&doc, std::slice::from_ref(&overlay))
    };

    let again = replay(&after["drift.jsonl"], &responses);
    let left: Vec<_> = again
        .records()
        .into_iter()
        .filter(|r| !(r.kind.name() == "missing_field" && r.expected.required == Some(false)))
        .collect();
    prop_assert!(
        left.is_empty(),
        "drift left after applying the proposal:\n{left:#?}\n{overlay_text}"
    );

    // Every new field is a field of the regenerated `Thing`, of the type its values had.
    let types = &after["types.rs"];
    for drift in drifts {
        if let Drift::Extra(name, kinds) = drift {
            let line = types
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("pub {name}: ")))
                .ok_or_else(|| TestCaseError::fail(format!("no field {name}\n{overlay_text}")))?;
            let rust = kinds[0].rust();
            if let Some(rust) = rust.filter(|_| kinds.iter().all(|k| k.rust() == rust)) {
                prop_assert_eq!(line.trim(), format!("pub {name}: Option<{rust}>,"));
            }
        }
    }
    Ok(())
}

proptest! {
    // `PROPTEST_CASES` overrides the 256 cases (a few seconds in a debug build).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_proposal_applied_leaves_no_drift_and_types_the_new_fields(
        drifts in proptest::collection::vec(drift(), 1..6).prop_filter("new names differ", |d| {
            let names: Vec<_> = d.iter().filter_map(|d| match d {
                Drift::Extra(name, _) => Some(name),
                _ => None,
            }).collect();
            names.iter().collect::<std::collections::BTreeSet<_>>().len() == names.len()
        }),
        count in 1usize..4,
    ) {
        check(&drifts, count)?;
    }
}

#[test]
fn every_kind_of_drift_at_once_reaches_the_fixpoint() {
    let drifts = [
        Drift::Extra("x_when".to_owned(), vec![Kind::DateTime, Kind::Null]),
        Drift::Extra("x_count".to_owned(), vec![Kind::Int]),
        Drift::Widen("size", Kind::Num),
        Drift::Widen("name", Kind::Int),
        Drift::Widen("tags", Kind::Null),
        Drift::EnumValue("blue".to_owned()),
        Drift::Missing("id"),
        Drift::Status(418),
    ];
    check(&drifts, 3).unwrap();
}

#[test]
fn the_proposal_file_is_an_overlay_that_applies_and_lists_what_it_could_not_place() {
    let dir = std::env::temp_dir().join(format!("drift-propose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec_path = dir.join("things.json");
    std::fs::write(&spec_path, spec().to_string()).unwrap();
    let drifts = [
        Drift::Extra("x_when".to_owned(), vec![Kind::DateTime]),
        Drift::Widen("color", Kind::Text),
    ];
    let log = replay(
        &generate(&spec(), &[])["drift.jsonl"],
        &responses(&drifts, 2),
    );
    let log_path = dir.join("drift.json");
    log.save(&log_path).unwrap();
    let logs = xtask::drift::Logs::read(std::slice::from_ref(&log_path)).unwrap();
    let out = dir.join("0001-drift.yaml");
    let summary = xtask::drift::propose_to_file(&logs, Some(&spec_path), &[], &out).unwrap();
    assert_eq!(
        summary,
        format!(
            "wrote {} with 1 action(s) for 2 finding(s)\n\
             2 finding(s) not placed (also in the overlay's x-unplaced):\n  \
             getThing 200 /data/color: unknown enum value: the values were not short tokens, \
             so the log left them out\n  \
             listThings 200 /data/*/color: unknown enum value: the values were not short \
             tokens, so the log left them out\n",
            out.display()
        )
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("overlay: 1.0.0\ninfo:\n"),
        "keys in reading order:\n{text}"
    );
    assert!(
        text.contains("- target: $['components']['schemas']['Thing']\n"),
        "{text}"
    );
    let overlay = generator::overlay::Overlay::parse("0001-drift.yaml", &text).unwrap();
    let types = &generate(&spec(), &[overlay])["types.rs"];
    assert!(types.contains("pub x_when: Option<String>,"), "{types}");
    std::fs::remove_dir_all(&dir).unwrap();
}
