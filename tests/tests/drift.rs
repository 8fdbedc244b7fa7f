//! Drift recording over HTTP against wiremock on 127.0.0.1: responses that differ from
//! `spec/openapi.yaml` are recorded (`ClientBuilder::record_drift`, `on_drift`) with the
//! operation, the path template, the status, a pointer and what was expected and seen, never
//! a value from the response, the concrete path or the key; and the call's result is what it
//! would be without recording.

use std::sync::{Arc, Mutex};

use prolinksqr::drift::{Drift, DriftKind, DriftLog};
use prolinksqr::{Client, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// A server answering `GET {route}` (with the key) once with `response`, and a client that
/// records into the returned log and tells the returned list of every drift it sees.
async fn serve(
    route: &str,
    response: ResponseTemplate,
) -> (Client, MockServer, DriftLog, Arc<Mutex<Vec<Drift>>>) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let log = DriftLog::new();
    let told = Arc::new(Mutex::new(Vec::new()));
    let sink = told.clone();
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .record_drift(log.clone())
        .on_drift(move |drift| sink.lock().unwrap().push(drift.clone()))
        .build()
        .expect("valid configuration");
    (client, server, log, told)
}

/// The record as JSON, without the times (checked apart).
fn record(drift: &Drift) -> Value {
    let mut value = serde_json::to_value(drift).unwrap();
    let object = value.as_object_mut().unwrap();
    for time in ["first_seen", "last_seen"] {
        let at = object.remove(time).unwrap();
        let at = at.as_str().unwrap();
        assert!(
            at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
            "{at}"
        );
    }
    value
}

fn assert_no_values(log: &DriftLog, values: &[&str]) {
    let text = log.to_json();
    for value in values.iter().chain([&KEY]) {
        assert!(!text.contains(value), "{value:?} is in the log: {text}");
    }
}

#[tokio::test]
async fn fields_the_spec_does_not_have_are_recorded_and_the_call_succeeds() {
    let body =
        json!({"data": [{"id": "f-1", "name": "Spring sale", "color": "2026-06-24"}], "total": 1});
    let (client, server, log, told) =
        serve("/folders", ResponseTemplate::new(200).set_body_json(body)).await;
    let folders = client
        .folders()
        .list()
        .send()
        .await
        .expect("decodes as before");
    server.verify().await;
    assert_eq!(folders.len(), 1);
    assert_eq!(folders[0].name, "Spring sale");
    let records: Vec<Value> = log.records().iter().map(record).collect();
    let common = json!({"operation": "listFolders", "method": "GET", "path": "/folders", "status": 200, "count": 1});
    let with = |extra: Value| {
        let mut value = common.clone();
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        value
    };
    assert_eq!(
        records,
        [
            with(json!({
                "pointer": "/data/*/color", "kind": "unknown_field",
                "expected": {"schema": "#/components/schemas/Folder"},
                "seen": {"type": "string", "format": "date"},
            })),
            with(json!({
                "pointer": "/total", "kind": "unknown_field",
                "expected": {"schema": "#/components/schemas/FolderList"},
                "seen": {"type": "integer"},
            })),
        ]
    );
    assert_eq!(told.lock().unwrap().len(), 2);
    assert_no_values(&log, &["f-1", "Spring", "2026-06-24"]);
}

#[tokio::test]
async fn a_value_of_another_type_is_recorded_when_strict_decoding_fails() {
    let body = json!({"data": [{"id": 7, "name": null}, {"id": 8, "name": null}]});
    let (client, server, log, _) =
        serve("/folders", ResponseTemplate::new(200).set_body_json(body)).await;
    let err = client.folders().list().send().await.unwrap_err();
    server.verify().await;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let records: Vec<Value> = log.records().iter().map(record).collect();
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(records[0]["pointer"], "/data/*/id");
    assert_eq!(records[0]["kind"], "wrong_type");
    assert_eq!(records[0]["expected"], json!({"type": "string"}));
    assert_eq!(records[0]["seen"], json!({"type": "integer"}));
    // Two items, one response: seen once.
    assert_eq!(records[0]["count"], 1);
    assert_eq!(records[1]["pointer"], "/data/*/name");
    assert_eq!(records[1]["kind"], "unexpected_null");
    assert_eq!(records[1]["seen"], json!({"type": "null"}));
}

#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_and_absent_fields_are_recorded_by_path_template() {
    let body = json!({"data": {
        "dynamic_link_id": "secret-link-id",
        "full_dynamic_url": "https://qr-lb.co/abc",
        "name": "Summer",
        "type": "qr_code",
    }});
    let (client, server, log, _) = serve(
        "/links/secret-link-id",
        ResponseTemplate::new(200).set_body_json(body),
    )
    .await;
    let link = client.links().get("secret-link-id").send().await.unwrap();
    server.verify().await;
    assert_eq!(link.name, "Summer");
    let records = log.records();
    let found: Vec<(&str, DriftKind)> = records
        .iter()
        .map(|d| (d.pointer.as_str(), d.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("/data/created_at", DriftKind::MissingField),
            ("/data/folder_id", DriftKind::MissingField),
            ("/data/meta_data", DriftKind::MissingField),
            ("/data/qr_options", DriftKind::MissingField),
            ("/data/type", DriftKind::UnknownEnumValue),
            ("/data/updated_at", DriftKind::MissingField),
        ]
    );
    let enum_value = record(&records[4]);
    assert_eq!(enum_value["path"], "/links/{id}");
    assert_eq!(enum_value["operation"], "getLink");
    assert_eq!(
        enum_value["expected"],
        json!({"type": "string", "schema": "#/components/schemas/LinkType", "values": ["website", "vcard", "product", "sms"]})
    );
    assert_eq!(
        enum_value["seen"],
        json!({"type": "string", "values": ["qr_code"]})
    );
    assert_eq!(
        record(&records[0])["expected"],
        json!({"type": "string", "required": false})
    );
    assert_no_values(&log, &["secret-link-id", "qr-lb.co", "Summer"]);
}

#[tokio::test]
async fn an_undocumented_status_and_content_type_are_recorded_and_the_error_is_unchanged() {
    let teapot = ResponseTemplate::new(418).set_body_json(json!({"message": "short and stout"}));
    let (client, server, log, _) = serve("/links/abc", teapot).await;
    let err = client.links().get("abc").send().await.unwrap_err();
    server.verify().await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    let records: Vec<Value> = log.records().iter().map(record).collect();
    assert_eq!(
        records,
        [json!({
            "operation": "getLink", "method": "GET", "path": "/links/{id}", "status": 418,
            "pointer": "", "kind": "undocumented_status",
            "expected": {"values": ["200", "401", "403", "404", "429"]},
            "seen": {"type": "object", "values": ["application/json"]}, "count": 1,
        })]
    );

    let html = ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html");
    let (client, server, log, _) = serve("/folders", html).await;
    let err = client.folders().list().send().await.unwrap_err();
    server.verify().await;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let records: Vec<Value> = log.records().iter().map(record).collect();
    assert_eq!(records.len(), 2, "{records:#?}");
    // Ordered by operation, status, pointer, then kind.
    assert_eq!(records[0]["kind"], "wrong_type");
    assert_eq!(records[0]["seen"], json!({"type": "invalid"}));
    assert_eq!(records[1]["kind"], "undocumented_content_type");
    assert_eq!(
        records[1]["expected"],
        json!({"values": ["application/json"]})
    );
    assert_eq!(records[1]["seen"], json!({"values": ["text/html"]}));
    assert_no_values(&log, &["maintenance"]);
}

#[tokio::test]
async fn records_merge_across_responses_and_a_documented_response_adds_none() {
    let server = MockServer::start().await;
    let drifted = json!({"data": [{"id": "a", "name": "A", "extra": true}]});
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(drifted))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let log = DriftLog::new();
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .record_drift(log.clone())
        .build()
        .unwrap();
    for _ in 0..4 {
        client.folders().list().send().await.unwrap();
    }
    let records = log.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].pointer, "/data/*/extra");
    assert_eq!(records[0].count, 3);
    assert!(records[0].first_seen <= records[0].last_seen);
}
