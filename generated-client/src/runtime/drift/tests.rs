use super::*;
use reqwest::header::HeaderValue;

/// What the generator writes into `drift.jsonl` for an API with one paginated list (and a
/// line that is not one, left out).
const DESCRIPTION: &str = r##"{"operation": "listThings", "responses": {"200": ["application/json"], "204": [], "4XX": ["application/json"]}, "body": {"ref": "Page"}}
{"type": "Color", "shape": {"enum": {"schema": "#/components/schemas/Color", "values": ["red", "green"]}}}
{"type": "Thing", "shape": {"object": {"schema": "#/components/schemas/Thing", "fields": [{"name": "id", "shape": "integer", "required": true}, {"name": "name", "shape": "string", "format": "hostname", "nullable": true}, {"name": "color", "shape": {"ref": "Color"}}, {"name": "tags", "shape": {"map": "string"}}]}}}

{"type": "Page", "shape": {"object": {"schema": "#/components/schemas/Page", "fields": [{"name": "data", "shape": {"array": {"ref": "Thing"}}, "required": true}]}}}
{"type": "Either", "shape": {"one_of": {"schema": "#/components/schemas/Either", "variants": ["integer", {"ref": "Thing"}]}}}
{"type": "Tagged", "shape": {"one_of": {"schema": "#/components/schemas/Tagged", "tag": "kind", "variants": [{"ref": "Thing"}]}}}
not a line of drift.jsonl
"##;

fn description() -> Description {
    let description = Description::parse(DESCRIPTION);
    assert_eq!(
        description.operations.len(),
        1,
        "the test's description parses"
    );
    description
}

fn check(status: u16, headers: &HeaderMap, body: &[u8]) -> Found {
    description().check(
        "listThings",
        StatusCode::from_u16(status).unwrap(),
        headers,
        body,
    )
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers
}

fn found(status: u16, body: &str) -> Vec<(String, DriftKind)> {
    found_with(status, &json_headers(), body)
}

fn found_with(status: u16, headers: &HeaderMap, body: &str) -> Vec<(String, DriftKind)> {
    check(status, headers, body.as_bytes())
        .into_iter()
        .map(|(pointer, kind, _, _)| (pointer, kind))
        .collect()
}

fn p(pointer: &str, kind: DriftKind) -> (String, DriftKind) {
    (pointer.to_owned(), kind)
}

#[test]
fn a_response_as_documented_has_no_drift() {
    let body = r#"{"data": [{"id": 1, "name": null, "color": "red", "tags": {"a": "b"}}]}"#;
    assert_eq!(found(200, body), []);
    assert_eq!(found_with(204, &HeaderMap::new(), ""), []);
    assert_eq!(
        description().check(
            "notDescribed",
            StatusCode::IM_A_TEAPOT,
            &HeaderMap::new(),
            b"x"
        ),
        []
    );
    assert_eq!(found(404, r#"{"message": "no"}"#), []);
}

#[test]
fn each_kind_of_difference_is_found_once_per_pointer() {
    let body = r#"{"data": [
        {"id": "7", "color": "blue", "extra": 1, "tags": {"k": 5}},
        {"id": 1.5, "name": "x", "color": null, "extra": "2026-06-24"}
    ], "more": true}"#;
    assert_eq!(
        found(200, body),
        [
            p("/data/*/color", DriftKind::UnexpectedNull),
            p("/data/*/color", DriftKind::UnknownEnumValue),
            p("/data/*/extra", DriftKind::UnknownField),
            p("/data/*/id", DriftKind::WrongType),
            p("/data/*/name", DriftKind::MissingField),
            p("/data/*/tags", DriftKind::MissingField),
            p("/data/*/tags/*", DriftKind::WrongType),
            p("/more", DriftKind::UnknownField),
        ]
    );
}

#[test]
fn what_is_expected_and_seen_names_types_and_formats_never_values() {
    let body = r#"{"data": [{"id": 1, "color": "blue", "when": "2026-06-24T10:00:00Z",
        "site": "https://example.com/secret?token=abc", "long": "this value is not a token!"}]}"#;
    let all = check(200, &json_headers(), body.as_bytes());
    let at = |pointer: &str| all.iter().find(|f| f.0 == pointer).unwrap();
    let (_, _, expected, seen) = at("/data/*/color");
    assert_eq!(
        expected.schema.as_deref(),
        Some("#/components/schemas/Color")
    );
    assert_eq!(expected.values, ["red", "green"]);
    assert_eq!(seen.values, ["blue"]);
    let (_, _, _, seen) = at("/data/*/when");
    assert_eq!(seen.json_type.as_deref(), Some("string"));
    assert_eq!(seen.format.as_deref(), Some("date-time"));
    let (_, _, expected, seen) = at("/data/*/site");
    assert_eq!(
        expected.schema.as_deref(),
        Some("#/components/schemas/Thing")
    );
    assert_eq!(seen.format.as_deref(), Some("uri"));
    assert!(seen.values.is_empty());
    let (_, _, expected, _) = at("/data/*/name");
    assert_eq!(expected.required, Some(false));
    assert_eq!(expected.json_type.as_deref(), Some("string"));
    assert_eq!(expected.format.as_deref(), Some("hostname"));
    // A value of another type is compared with the field's format too.
    let all = check(200, &json_headers(), br#"{"data": [{"id": 1, "name": 7}]}"#);
    let (_, kind, expected, _) = all.iter().find(|f| f.0 == "/data/*/name").unwrap();
    assert_eq!(*kind, DriftKind::WrongType);
    assert_eq!(expected.format.as_deref(), Some("hostname"));
    let text = format!("{all:?}");
    assert!(
        !text.contains("secret") && !text.contains("not a token"),
        "{text}"
    );
}

#[test]
fn statuses_content_types_and_bodies_are_checked_against_the_documented_responses() {
    assert_eq!(found(500, "{}"), [p("", DriftKind::UndocumentedStatus)]);
    let mut html = HeaderMap::new();
    html.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    let all = check(200, &html, br#"{"data": []}"#);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1, DriftKind::UndocumentedContentType);
    assert_eq!(all[0].3.values, ["text/html"]);
    assert_eq!(all[0].2.values, ["application/json"]);
    assert_eq!(
        found(204, r#"{"a": 1}"#),
        [p("", DriftKind::UndocumentedBody)]
    );
    assert_eq!(found(200, ""), [p("", DriftKind::MissingBody)]);
    assert_eq!(found(200, "not json"), [p("", DriftKind::WrongType)]);
}

fn walk(value: serde_json::Value, shape: &str) -> Vec<(String, DriftKind)> {
    let description = description();
    let mut found = Found::new();
    let mut walker = Walker::new(&description.types, &mut found);
    let shape = shape_of(&serde_json::from_str(shape).unwrap());
    walker.walk(
        value.to_string().as_bytes(),
        &shape,
        None,
        &mut String::new(),
    );
    found.into_iter().map(|f| (f.0, f.1)).collect()
}

#[test]
fn a_union_is_compared_with_its_closest_alternative() {
    let either = r#"{"ref": "Either"}"#;
    assert_eq!(
        walk(serde_json::json!({"id": 1, "new": true}), either),
        [
            p("/new", DriftKind::UnknownField),
            p("/name", DriftKind::MissingField),
            p("/color", DriftKind::MissingField),
            p("/tags", DriftKind::MissingField),
        ]
    );
    assert_eq!(walk(serde_json::json!(3), either), []);
    let thing =
        serde_json::json!({"id": 1, "name": "a", "color": "red", "tags": {}, "kind": "thing"});
    assert_eq!(walk(thing, r#"{"ref": "Tagged"}"#), []);
}

#[test]
fn a_check_ends_within_its_budget_and_a_missing_type_expects_anything() {
    let description = description();
    let mut found = Found::new();
    let mut walker = Walker::new(&description.types, &mut found);
    walker.budget = 3;
    let items = serde_json::json!([["a"], ["b"], ["c"], ["d"], ["e"]]);
    let shape = Shape::Array(Box::new(Shape::Array(Box::new(Shape::Integer))));
    walker.walk(
        items.to_string().as_bytes(),
        &shape,
        None,
        &mut String::new(),
    );
    assert_eq!(walker.budget, 0);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        walk(serde_json::json!({"x": 1}), r#"{"ref": "Nowhere"}"#),
        []
    );
    assert!(Description::parse("not json").operations.is_empty());
    assert!(Description::parse("").types.is_empty());
}

#[test]
fn names_that_may_be_data_are_not_kept_and_pointers_are_escaped() {
    let long = "k".repeat(65);
    let body = format!(r#"{{"data": [], "a/b~c": 1, "{long}": 2}}"#);
    let pointers: Vec<String> = found(200, &body).into_iter().map(|f| f.0).collect();
    assert_eq!(pointers, ["/*", "/a~1b~0c"]);
}

fn drift(pointer: &str, when: &str) -> Drift {
    Drift {
        operation: "listThings".to_owned(),
        method: "GET".to_owned(),
        path: "/things/{id}".to_owned(),
        status: 200,
        pointer: pointer.to_owned(),
        kind: DriftKind::UnknownField,
        expected: Expected::default(),
        seen: Seen::default(),
        count: 1,
        first_seen: when.to_owned(),
        last_seen: when.to_owned(),
    }
}

#[test]
fn merged_records_keep_every_type_and_value_and_a_format_only_all_strings_had() {
    let seen = |json_type: &str, format: Option<&str>, values: &[&str]| Seen {
        json_type: Some(json_type.to_owned()),
        format: format.map(str::to_owned),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        ..Seen::default()
    };
    let at = |seen: Seen, when: &str| Drift {
        seen,
        ..drift("/a", when)
    };
    let log = DriftLog::new();
    log.record(at(
        seen("string", Some("date"), &["b"]),
        "2026-01-02T00:00:00Z",
    ));
    log.record(at(seen("null", None, &[]), "2026-01-03T00:00:00Z"));
    // An earlier response, read from another log: it is not the latest.
    log.record(at(
        seen("string", Some("date"), &["a"]),
        "2026-01-01T00:00:00Z",
    ));
    let merged = &log.records()[0].seen;
    assert_eq!(merged.json_type.as_deref(), Some("null"));
    assert_eq!(merged.other_types, ["string"]);
    assert_eq!(merged.format.as_deref(), Some("date"));
    assert_eq!(merged.values, ["a", "b"]);
    // A string without the format: the strings no longer agree, for good.
    log.record(at(seen("string", None, &[]), "2026-01-04T00:00:00Z"));
    log.record(at(
        seen("string", Some("date"), &[]),
        "2026-01-05T00:00:00Z",
    ));
    let merged = &log.records()[0].seen;
    assert_eq!(merged.format, None);
    assert_eq!(merged.other_types, ["null"]);
    let many: Vec<String> = (0..40).map(|i| format!("v{i:02}")).collect();
    for value in &many {
        log.record(at(seen("string", None, &[value]), "2026-01-06T00:00:00Z"));
    }
    assert_eq!(log.records()[0].seen.values.len(), MAX_SEEN_VALUES);
}

#[test]
fn the_log_merges_records_and_bounds_their_number() {
    let log = DriftLog::with_max_records(2);
    assert!(log.record(drift("/a", "2026-01-02T00:00:00Z")));
    assert!(!log.record(drift("/a", "2026-01-01T00:00:00Z")));
    assert!(!log.record(drift("/a", "2026-01-03T00:00:00Z")));
    assert!(log.record(drift("/b", "2026-01-01T00:00:00Z")));
    assert!(!log.record(drift("/c", "2026-01-01T00:00:00Z")));
    let records = log.records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].count, 3);
    assert_eq!(records[0].first_seen, "2026-01-01T00:00:00Z");
    assert_eq!(records[0].last_seen, "2026-01-03T00:00:00Z");
    assert_eq!(log.dropped(), 1);
}

#[test]
fn the_log_is_saved_for_its_owner_only_and_loaded_back_merged() {
    let dir = std::env::temp_dir().join(format!("drift-log-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("drift.json");
    let log = DriftLog::new();
    log.record(drift("/a", "2026-01-01T00:00:00Z"));
    log.save(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = DriftLog::new();
    again.load(&file).unwrap();
    again.load(&file).unwrap();
    assert_eq!(again.records()[0].count, 2);
    DriftLog::new().load(dir.join("missing.json")).unwrap();
    std::fs::write(&file, "[1, 2]").unwrap();
    assert_eq!(
        DriftLog::new().load(&file).unwrap_err().kind(),
        io::ErrorKind::InvalidData
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn times_are_rfc3339_in_utc() {
    let at = |secs| rfc3339(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs));
    assert_eq!(at(0), "1970-01-01T00:00:00Z");
    assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(at(1_796_651_045), "2026-12-07T13:44:05Z");
}

#[test]
fn string_formats_are_guessed_from_their_text() {
    let cases = [
        ("2026-06-24", Some("date")),
        ("2026-06-24T10:00:00Z", Some("date-time")),
        ("Jun 24, 2026", None),
        ("12345", Some("integer")),
        ("0c8f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", Some("uuid")),
        ("https://example.com", Some("uri")),
        ("a@example.com", Some("email")),
        ("plain", None),
    ];
    for (text, format) in cases {
        assert_eq!(string_format(text), format, "{text}");
    }
}

#[test]
fn a_saved_log_reads_back_as_it_was() {
    for kind in DriftKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        assert_eq!(DriftKind::from_name(kind.name()), Some(kind));
    }
    let mut full = drift("/a/*/b~1c", "2026-01-01T00:00:00Z");
    full.kind = DriftKind::UnknownEnumValue;
    full.expected = Expected {
        json_type: Some("string".to_owned()),
        format: Some("uuid".to_owned()),
        schema: Some("#/components/schemas/Color".to_owned()),
        values: vec!["red".to_owned(), "green".to_owned()],
        required: Some(false),
    };
    full.seen = Seen {
        json_type: Some("string".to_owned()),
        other_types: vec!["null".to_owned()],
        format: Some("date".to_owned()),
        values: vec!["blue".to_owned()],
    };
    let log = DriftLog::new();
    log.record(full.clone());
    log.record(drift("/other", "2026-01-02T00:00:00Z"));
    let again = DriftLog::new();
    again.merge_json(&log.to_json()).unwrap();
    assert_eq!(again.records(), log.records());
    assert!(again.merge_json(r#"{"version": 1}"#).is_err());
}
