//! Responses the docs do not show, over HTTP against wiremock on 127.0.0.1: the spec infers
//! their shape (`x-inferred`: `{ "data": resource }`, the resource typed from what the docs
//! say about it, every field optional), and the client decodes them leniently.
//!
//! A 2xx means the server did the work: a body that does not match the inferred shape
//! (empty, `null`, no `data`, fields of another type, extra fields, not even JSON) must give
//! a value, never an error that would invite a retry repeating the work, and the JSON as
//! received stays reachable (`raw()`). Documented responses keep strict decoding.
//!
//! The "Prism" bodies are what `prism mock spec/openapi.yaml` (the contract test's mock,
//! `.ci/contract`) answers for each operation, copied verbatim.

use prolinksqr::types::{
    BulkGenerateRequest, BulkWebsiteRequest, Cafe, CreateCafeRequest, Group, LinkResult, QrOptions,
    Template, TemplateRequest, UpdateLinkRequest, WebsiteRecord,
};
use prolinksqr::{Client, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every request with `response`, a client for it (no retries: each test
/// expects exactly one request), and the server, to count what it received.
async fn serve(response: ResponseTemplate) -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential("key-0123456789abcdef0123456789abcdef")
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("valid configuration");
    (client, server)
}

fn json_200(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A 200 whose body is `text` as is (not necessarily JSON).
fn raw_200(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text.as_bytes().to_vec(), "application/json")
}

async fn get_group(response: ResponseTemplate) -> Group {
    let (client, server) = serve(response).await;
    let group = client.groups().get("cafe-1", "g1").send().await;
    server.verify().await;
    group.expect("an inferred response never fails to decode")
}

// ------------------------------------------------------------------- Prism and docs bodies

#[tokio::test]
async fn templates_decode_what_prism_generates() {
    let body = json!({"data":{"id":"string","name":"Brand colors","qrOptions":{"data":"https://qr-lb.co/summer-sale","width":300,"height":300}}});
    let (client, _server) = serve(json_200(body.clone())).await;
    let template = client.templates().get("t1").send().await.unwrap();
    let expected = Template::new()
        .with_id("string")
        .with_name("Brand colors")
        .with_qr_options(
            QrOptions::new()
                .with_data("https://qr-lb.co/summer-sale")
                .with_width(300)
                .with_height(300),
        );
    assert_eq!(template, expected);
    assert_eq!(template.raw(), &body["data"]);

    let list = json!({"data":[body["data"].clone()]});
    let (client, _server) = serve(json_200(list)).await;
    let templates = client.templates().list().send().await.unwrap();
    assert_eq!(templates, vec![expected.clone()]);

    let (client, _server) = serve(json_200(body.clone())).await;
    let created = client
        .templates()
        .create(TemplateRequest::new().with_name("Brand colors"))
        .send()
        .await
        .unwrap();
    assert_eq!(created, expected);
}

#[tokio::test]
async fn cafes_decode_what_prism_generates() {
    let body = json!({"data":{"id":"string","name":"Downtown Cafe","description":"Specialty coffee & brunch","type":"string","themeImage":"modern","primaryColor":"string","secondaryColor":"string","showDietarySection":true}});
    let (client, _server) = serve(json_200(body.clone())).await;
    let cafe = client
        .cafes()
        .create(CreateCafeRequest::new("Downtown Cafe"))
        .send()
        .await
        .unwrap();
    let expected = Cafe::new()
        .with_id("string")
        .with_name("Downtown Cafe")
        .with_description("Specialty coffee & brunch")
        .with_type("string")
        .with_theme_image("modern")
        .with_primary_color("string")
        .with_secondary_color("string")
        .with_show_dietary_section(true);
    assert_eq!(cafe, expected);
    assert!(cafe.additional_properties.is_empty());

    let (client, _server) = serve(json_200(json!({ "data": [body["data"].clone()] }))).await;
    assert_eq!(client.cafes().list().send().await.unwrap(), vec![expected]);
}

#[tokio::test]
async fn groups_decode_what_prism_generates() {
    let group = get_group(json_200(
        json!({"data":{"id":"string","name":"Breakfast","visible":true}}),
    ))
    .await;
    assert_eq!(
        group,
        Group::new()
            .with_id("string")
            .with_name("Breakfast")
            .with_visible(true)
    );
}

#[tokio::test]
async fn link_writes_and_bulk_decode_what_prism_generates() {
    let link = json!({"id":"summer-sale","dynamic_link_id":"summer-sale","full_dynamic_url":"https://qr-lb.co/summer-sale","name":"Summer Sale","type":"website","meta_data":{},"qr_options":{"data":"https://qr-lb.co/summer-sale","width":300,"height":300},"folder_id":"string","created_at":"Jun 24, 2026","updated_at":"Jun 24, 2026"});
    let (client, _server) = serve(json_200(json!({ "data": link }))).await;
    let copy = client
        .links()
        .duplicate("summer-sale")
        .send()
        .await
        .unwrap();
    assert_eq!(copy.id.as_deref(), Some("summer-sale"));
    assert_eq!(copy.dynamic_link_id.as_deref(), Some("summer-sale"));
    assert_eq!(copy.name.as_deref(), Some("Summer Sale"));
    assert_eq!(copy.type_.as_ref().map(|t| t.as_str()), Some("website"));
    assert_eq!(copy.folder_id.as_deref(), Some("string"));
    assert_eq!(copy.updated_at.as_deref(), Some("Jun 24, 2026"));
    assert_eq!(copy.qr_options.and_then(|q| q.width), Some(300));

    let (client, _server) = serve(json_200(json!({ "data": [link] }))).await;
    let body = BulkGenerateRequest::from(BulkWebsiteRequest::new(vec![WebsiteRecord::new(
        "Landing A",
        "https://example.com/a",
    )]));
    let result = client.bulk().generate(body).send().await.unwrap();
    let links = result.data.expect("the links Prism lists");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].full_dynamic_url.as_deref(),
        Some("https://qr-lb.co/summer-sale")
    );
}

/// The Introduction's two examples of a successful body: the generic envelope (a resource
/// in `data`, pagination in `meta`) and the short confirmation `{ "id": ... }`.
#[tokio::test]
async fn the_introductions_examples_decode() {
    let envelope = json!({
        "data": { "name": "My link", "type": "website" },
        "meta": { "currentPage": 1, "totalPages": 5 }
    });
    let (client, _server) = serve(json_200(envelope.clone())).await;
    let link = client
        .links()
        .update("summer-sale", UpdateLinkRequest::new().with_name("My link"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        link,
        LinkResult::new().with_name("My link").with_type("website")
    );
    assert_eq!(link.raw(), &envelope["data"]);

    let confirmation = json!({ "id": "summer-sale" });
    let (client, _server) = serve(json_200(confirmation.clone())).await;
    let copy = client
        .links()
        .duplicate("summer-sale")
        .send()
        .await
        .unwrap();
    assert_eq!(copy, LinkResult::new().with_id("summer-sale"));
    assert_eq!(copy.raw(), &confirmation);
}

// ------------------------------------------------------------------ unexpected shapes

#[tokio::test]
async fn an_empty_or_null_body_is_a_value_with_nothing_set() {
    for response in [
        ResponseTemplate::new(200),
        ResponseTemplate::new(204),
        raw_200("  \n"),
        raw_200("null"),
        json_200(json!({ "data": null })),
    ] {
        let group = get_group(response).await;
        assert_eq!(group, Group::new());
        assert_eq!(group.id, None);
        assert!(group.additional_properties.is_empty());
    }
}

#[tokio::test]
async fn a_body_without_data_is_read_as_the_resource_itself() {
    let body = json!({ "id": "g1", "name": "Breakfast", "position": 3 });
    let group = get_group(json_200(body.clone())).await;
    assert_eq!(group.id.as_deref(), Some("g1"));
    assert_eq!(group.name.as_deref(), Some("Breakfast"));
    assert_eq!(group.additional_properties.get("position"), Some(&json!(3)));
    assert_eq!(group.raw(), &body);
}

#[tokio::test]
async fn fields_of_another_type_are_none_and_kept() {
    let body = json!({
        "data": { "id": 42, "name": "Breakfast", "visible": "yes", "image": { "url": "u" } }
    });
    let group = get_group(json_200(body.clone())).await;
    assert_eq!(group.id, None, "a number where a string was inferred");
    assert_eq!(group.name.as_deref(), Some("Breakfast"));
    assert_eq!(group.visible, None, "a string where a boolean was inferred");
    // What did not fit is kept twice over: with the extra properties, and in `raw()`.
    assert_eq!(group.additional_properties.get("id"), Some(&json!(42)));
    assert_eq!(
        group.additional_properties.get("visible"),
        Some(&json!("yes"))
    );
    assert_eq!(
        group.additional_properties.get("image"),
        Some(&json!({ "url": "u" }))
    );
    assert_eq!(group.raw(), &body["data"]);
}

#[tokio::test]
async fn a_nested_documented_object_that_does_not_fit_is_none_not_an_error() {
    // `QrOptions` is documented (strict); inside an inferred template it is taken if it fits.
    let body = json!({ "data": { "id": "t1", "qrOptions": { "width": "wide" } } });
    let (client, _server) = serve(json_200(body.clone())).await;
    let template = client.templates().get("t1").send().await.unwrap();
    assert_eq!(template.id.as_deref(), Some("t1"));
    assert_eq!(template.qr_options, None);
    assert_eq!(template.raw()["qrOptions"]["width"], "wide");
}

#[tokio::test]
async fn data_or_the_body_of_another_kind_is_kept_raw() {
    for (text, raw) in [
        (r#"{ "data": "created" }"#, json!("created")),
        (r#"[1, 2]"#, json!([1, 2])),
        (r#""ok""#, json!("ok")),
        // Not JSON at all: kept as a JSON string.
        ("OK", json!("OK")),
    ] {
        let group = get_group(raw_200(text)).await;
        assert_eq!(group, Group::new(), "{text}");
        assert_eq!(group.raw(), &raw, "{text}");
    }
}

#[tokio::test]
async fn lists_take_what_they_can() {
    // Items that are not objects still give an item (with nothing set), keeping their JSON.
    let body = json!({
        "data": [ { "id": "c1", "name": 7 }, null, "c3" ],
        "meta": { "currentPage": 1, "totalPages": 1 }
    });
    let (client, _server) = serve(json_200(body)).await;
    let cafes = client.cafes().list().send().await.unwrap();
    assert_eq!(cafes.len(), 3);
    assert_eq!(cafes[0].id.as_deref(), Some("c1"));
    assert_eq!(cafes[0].name, None);
    assert_eq!(cafes[0].additional_properties.get("name"), Some(&json!(7)));
    assert_eq!(cafes[1].raw(), &Value::Null);
    assert_eq!(cafes[2].raw(), &json!("c3"));

    // A bare array (no envelope) is the list itself.
    let (client, _server) = serve(json_200(json!([{ "id": "c1" }]))).await;
    let cafes = client.cafes().list().send().await.unwrap();
    assert_eq!(cafes, vec![Cafe::new().with_id("c1")]);

    // No list anywhere: an empty one, not an error.
    for response in [
        ResponseTemplate::new(204),
        json_200(json!({ "data": { "items": [] } })),
        json_200(json!({ "meta": { "currentPage": 1 } })),
    ] {
        let (client, _server) = serve(response).await;
        assert_eq!(client.cafes().list().send().await.unwrap(), vec![]);
    }
}

#[tokio::test]
async fn deletes_and_actions_ignore_whatever_confirms_them() {
    for response in [
        ResponseTemplate::new(204),
        raw_200("OK"),
        json_200(json!({ "message": "Link paused" })),
        json_200(json!({ "data": { "archived": true } })),
    ] {
        let (client, server) = serve(response).await;
        let () = client.links().pause("summer-sale").send().await.unwrap();
        server.verify().await;
    }
}

// ------------------------------------------------------------------- strict stays strict

#[tokio::test]
async fn a_documented_response_that_does_not_match_is_still_a_decode_error() {
    let body = json!({ "data": { "id": 7, "name": "Campaigns" } });
    let (client, _server) = serve(json_200(body)).await;
    let err = client.folders().get("0c8f...e21").send().await.unwrap_err();
    // `Error` is the crate's error (`types::ErrorBody` is the API's error body).
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}
