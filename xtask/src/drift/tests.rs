use std::path::Path;

use serde_json::{Value, json};

use super::propose::propose;
use super::report::render;
use super::*;
use crate::spec_diff::Format;

fn record(op: &str, status: u16, pointer: &str, kind: &str, seen: Value) -> Record {
    let mut record: Record = serde_json::from_value(json!({
        "operation": op, "method": "GET", "path": "/things/{id}", "status": status,
        "pointer": pointer, "kind": kind, "seen": seen, "count": 3,
        "first_seen": "2026-06-01T10:00:00Z", "last_seen": "2026-06-24T10:00:00Z",
    }))
    .unwrap();
    if kind == "missing_field" {
        record.expected.required = Some(true);
    }
    record
}

fn log_text(records: &[Record], dropped: u64) -> String {
    json!({ "version": 1, "dropped": dropped, "records": records }).to_string()
}

fn doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Envelope" } } }
                        },
                        "404": { "$ref": "#/components/responses/NotFound" }
                    }
                }
            }
        },
        "components": {
            "responses": { "NotFound": { "description": "no" } },
            "schemas": {
                "Envelope": {
                    "type": "object",
                    "required": ["data"],
                    "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" } } }
                },
                "Base": { "type": "object", "required": ["id"], "properties": { "id": { "type": "integer" } } },
                "Thing": {
                    "allOf": [{ "$ref": "#/components/schemas/Base" }],
                    "properties": {
                        "color": { "$ref": "#/components/schemas/Color" },
                        "kind": { "$ref": "#/components/schemas/Kind" },
                        "size": { "type": "integer" },
                        "name": { "type": "string" }
                    }
                },
                "Color": { "type": "string", "enum": ["red", "green"] },
                "Kind": { "type": "string", "x-extensible-enum": ["a", "b"] }
            }
        }
    })
}

#[test]
fn logs_merge_by_operation_status_pointer_and_kind() {
    let a = record(
        "getThing",
        200,
        "/data/*/x",
        "unknown_field",
        json!({"type": "string", "format": "date"}),
    );
    let mut b = a.clone();
    b.seen = serde_json::from_value(json!({"type": "null"})).unwrap();
    b.last_seen = "2026-06-30T00:00:00Z".to_owned();
    let other = record(
        "getThing",
        200,
        "/data/*/y",
        "unknown_field",
        json!({"type": "integer"}),
    );
    let mut logs = Logs::default();
    logs.merge_text(Path::new("a.json"), &log_text(&[a.clone(), other], 2))
        .unwrap();
    logs.merge_text(Path::new("b.json"), &log_text(&[b], 1))
        .unwrap();
    assert_eq!(logs.records.len(), 2);
    assert_eq!(logs.dropped, 3);
    let x = &logs.records[0];
    assert_eq!(x.count, 6);
    assert_eq!(x.last_seen, "2026-06-30T00:00:00Z");
    assert_eq!(x.seen.types(), ["null", "string"]);
    assert_eq!(x.seen.format.as_deref(), Some("date"));
    let err = logs
        .merge_text(Path::new("c.json"), r#"{"version": 2, "records": []}"#)
        .unwrap_err();
    assert!(err.contains("c.json") && err.contains("version 2"), "{err}");
    assert!(logs.merge_text(Path::new("d.json"), "[]").is_err());
    assert_eq!(logs.clone().at_least(7).records.len(), 0);
}

#[test]
fn the_report_groups_by_operation_and_schema_in_each_format() {
    let mut color = record(
        "getThing",
        200,
        "/data/*/color",
        "unknown_enum_value",
        json!({"type": "string", "values": ["blue"]}),
    );
    color.expected.schema = Some("#/components/schemas/Color".to_owned());
    color.expected.values = vec!["red".to_owned(), "green".to_owned()];
    color.expected.json_type = Some("string".to_owned());
    let mut when = record(
        "getThing",
        200,
        "/data/*/when",
        "wrong_type",
        json!({"type": "integer"}),
    );
    when.expected.json_type = Some("string".to_owned());
    when.expected.format = Some("date-time".to_owned());
    let mut status = record("getThing", 418, "", "undocumented_status", json!({}));
    status.expected.values = vec!["200".to_owned(), "404".to_owned()];
    let mut logs = Logs::default();
    logs.merge_text(Path::new("a.json"), &log_text(&[color, when, status], 0))
        .unwrap();
    let text = render(&logs, Format::Text);
    assert!(text.contains("getThing (GET /things/{id})"), "{text}");
    assert!(
        text.contains(
            "200 /data/*/color: unknown enum value (3 responses, 2026-06-01 to 2026-06-24)"
        ),
        "{text}"
    );
    assert!(
        text.contains("expected: string, one of red, green, in #/components/schemas/Color"),
        "{text}"
    );
    assert!(text.contains("418 (body): undocumented status"), "{text}");
    assert!(
        text.contains("expected: string, format date-time\n      seen: integer"),
        "{text}"
    );
    assert!(
        text.contains("expected: statuses 200, 404\n      seen: nothing"),
        "{text}"
    );
    assert!(
        text.contains("#/components/schemas/Color: 1 finding(s), 3 response(s)"),
        "{text}"
    );
    let markdown = render(&logs, Format::Markdown);
    assert!(
        markdown.contains("| 200 | `/data/*/color` | unknown enum value | string, blue |"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&render(&logs, Format::Json)).unwrap();
    assert_eq!(json["findings"], 3);
    assert_eq!(json["operations"][0]["responses"], 9);
    assert_eq!(json["schemas"][0]["schema"], "#/components/schemas/Color");
}

#[test]
fn each_kind_of_finding_becomes_an_action_at_an_exact_path() {
    let records = [
        record(
            "getThing",
            200,
            "/data/*/when",
            "unknown_field",
            json!({"type": "string", "format": "date-time"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/size",
            "wrong_type",
            json!({"type": "number"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/name",
            "wrong_type",
            json!({"type": "integer"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/name",
            "unexpected_null",
            json!({"type": "null"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/color",
            "unknown_enum_value",
            json!({"type": "string", "values": ["blue"]}),
        ),
        record(
            "getThing",
            200,
            "/data/*/kind",
            "unknown_enum_value",
            json!({"type": "string", "values": ["c"]}),
        ),
        record("getThing", 200, "/data/*/id", "missing_field", json!({})),
        record(
            "getThing",
            503,
            "",
            "undocumented_status",
            json!({"type": "object", "values": ["application/problem+json"]}),
        ),
        record(
            "getThing",
            404,
            "",
            "undocumented_body",
            json!({"type": "object", "values": ["application/json"]}),
        ),
    ];
    let proposal = propose(&records, &doc());
    assert!(proposal.unplaced.is_empty(), "{:?}", proposal.unplaced);
    let actions = proposal.overlay["actions"].as_array().unwrap();
    let targets: Vec<&str> = actions
        .iter()
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "$['components']['schemas']['Thing']",
            "$['components']['schemas']['Thing']['properties']['name']",
            "$['components']['schemas']['Thing']['properties']",
            "$['components']['schemas']['Thing']['properties']['size']",
            "$['components']['schemas']['Color']",
            "$['components']['schemas']['Kind']",
            "$['components']['schemas']['Base']['required']",
            "$['paths']['/things/{id}']['get']['responses']",
            "$['components']['responses']['NotFound']",
        ]
    );
    let observed = json!({"count": 3, "first_seen": "2026-06-01T10:00:00Z", "last_seen": "2026-06-24T10:00:00Z"});
    assert_eq!(
        actions[0]["update"],
        json!({"properties": {"when": {"type": "string", "format": "date-time", "x-observed": observed}}})
    );
    assert_eq!(actions[1]["remove"], true);
    assert_eq!(
        actions[2]["update"],
        json!({"name": {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true, "x-observed": json!({"count": 6, "first_seen": "2026-06-01T10:00:00Z", "last_seen": "2026-06-24T10:00:00Z"})}})
    );
    assert_eq!(
        actions[3]["update"],
        json!({"type": "number", "x-observed": observed})
    );
    assert_eq!(
        actions[4]["update"],
        json!({"enum": ["blue"], "x-observed": observed})
    );
    assert_eq!(
        actions[5]["update"],
        json!({"x-extensible-enum": ["c"], "x-observed": observed})
    );
    assert_eq!(actions[6]["remove"], true);
    assert_eq!(
        actions[7]["update"]["503"]["content"],
        json!({"application/problem+json": {"schema": {"type": "object"}}})
    );
    assert_eq!(
        actions[8]["update"],
        json!({"content": {"application/json": {"schema": {"type": "object"}, "x-observed": observed}}})
    );
    let description = actions[0]["description"].as_str().unwrap();
    assert_eq!(
        description,
        "Adds the property `when`. Seen: getThing 200 /data/*/when: a property `when` the schema \
         does not have (3 responses, 2026-06-01 to 2026-06-24)."
    );
}

#[test]
fn a_finding_that_cannot_be_placed_is_listed_not_guessed() {
    let records = [
        record(
            "getThing",
            200,
            "/data/*/*",
            "unknown_field",
            json!({"type": "string"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/nope/deeper",
            "wrong_type",
            json!({"type": "string"}),
        ),
        record(
            "getThing",
            200,
            "/data/*/color",
            "unknown_enum_value",
            json!({"type": "string"}),
        ),
        record(
            "getThing",
            200,
            "",
            "wrong_type",
            json!({"type": "invalid"}),
        ),
        record("getThing", 200, "/data/*/name", "missing_field", json!({})),
        record("getThing", 200, "", "missing_body", json!({})),
    ];
    let proposal = propose(&records, &doc());
    assert_eq!(proposal.actions, 0);
    let why: Vec<&str> = proposal
        .unplaced
        .iter()
        .map(|(_, why)| why.as_str())
        .collect();
    assert_eq!(
        why,
        [
            "the property's name looked like data, so the log hid it",
            "the schema at #/components/schemas/Envelope/properties/data/items has no property `nope`",
            "the values were not short tokens, so the log left them out",
            "the body was not JSON",
            "no `required` list names `name`",
        ]
    );
    assert_eq!(proposal.unplaced.len(), 5);
    assert_eq!(proposal.unchanged.len(), 1);
    assert_eq!(proposal.overlay["x-unplaced"].as_array().unwrap().len(), 5);
}
