//! The limits the documentation gives (and the spec declares) are checked before anything
//! is sent, over HTTP against a wiremock server on 127.0.0.1: a call that breaks one fails
//! with `Error::InvalidInput` naming the field and the limit, and the server receives no
//! request at all (a refused call would still count against the plan's quota). Values on
//! the boundary are sent exactly, and `ClientBuilder::validate_inputs(false)` sends what
//! the checks would refuse.

use futures::StreamExt;
use prolinksqr::types::{
    BulkProductRequest, BulkSmsRequest, BulkVcardRequest, BulkWebsiteRequest, CreateCafeRequest,
    FolderRequest, ImageOptions, PatchLinkQrOptionsRequest, ProductRecord, QrEncodingOptions,
    QrOptions, SmsRecord, TemplateRequest, UpdateCafeRequest, VcardRecord, WebsiteRecord,
};
use prolinksqr::{Client, Error, InvalidInput, Limit, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// A server that answers every request with `200 {"data": []}`-ish JSON, and a client.
async fn serve(validate: bool) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let body = json!({ "data": [], "meta": { "currentPage": 1, "totalPages": 1 } });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .validate_inputs(validate)
        .build()
        .expect("valid configuration");
    (server, client)
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// The call failed with `InvalidInput` and the server saw nothing.
async fn refused<T: std::fmt::Debug>(
    server: &MockServer,
    result: prolinksqr::Result<T>,
) -> InvalidInput {
    let err = result.expect_err("the call must be refused");
    assert!(err.is_invalid_input(), "{err:?}");
    assert_eq!(err.status(), None);
    let requests = received(server).await;
    assert!(requests.is_empty(), "nothing may be sent: {requests:#?}");
    let Error::InvalidInput(invalid) = &err else {
        unreachable!("is_invalid_input")
    };
    assert_eq!(err.invalid_input(), Some(invalid.as_ref()));
    (**invalid).clone()
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.remove(0)
}

fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn websites(n: usize) -> Vec<WebsiteRecord> {
    (0..n)
        .map(|i| WebsiteRecord::new(format!("Link {i}"), format!("https://example.com/{i}")))
        .collect()
}

// ------------------------------------------------------------------- query parameters

#[tokio::test]
async fn list_size_below_one_is_refused_without_a_request() {
    let (server, client) = serve(true).await;
    let invalid = refused(&server, client.links().list().size(0).send().await).await;
    assert_eq!(invalid.operation, "listLinks");
    assert_eq!(invalid.field, "size");
    assert_eq!(
        invalid.limit,
        Limit::Minimum {
            value: 1.0,
            exclusive: false
        }
    );
    assert_eq!(invalid.actual, "0");
    assert_eq!(
        invalid.to_string(),
        "listLinks: `size` must be at least 1, but is 0; the request was not sent"
    );
}

#[tokio::test]
async fn list_size_above_1000_is_refused_without_a_request() {
    let (server, client) = serve(true).await;
    let invalid = refused(&server, client.links().list().size(1001).send().await).await;
    assert_eq!(invalid.field, "size");
    assert_eq!(
        invalid.limit,
        Limit::Maximum {
            value: 1000.0,
            exclusive: false
        }
    );
    assert_eq!(invalid.actual, "1001");
}

#[tokio::test]
async fn list_page_below_one_is_refused_without_a_request() {
    let (server, client) = serve(true).await;
    let invalid = refused(&server, client.links().list().page(0).send().await).await;
    assert_eq!(invalid.field, "page");
    assert_eq!(
        invalid.limit,
        Limit::Minimum {
            value: 1.0,
            exclusive: false
        }
    );
}

#[tokio::test]
async fn list_stream_with_an_invalid_size_yields_the_error_and_sends_nothing() {
    let (server, client) = serve(true).await;
    let mut stream = client.links().list().size(5000).stream();
    let first = stream.next().await.expect("one item: the error");
    let err = first.expect_err("refused");
    assert!(err.is_invalid_input(), "{err:?}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_boundary_values_are_sent_exactly() {
    for (page, size) in [(1, 1), (1, 1000), (7, 20)] {
        let (server, client) = serve(true).await;
        client
            .links()
            .list()
            .page(page)
            .size(size)
            .send()
            .await
            .expect("within the documented limits");
        let request = only_request(&server).await;
        assert_eq!(request.url.path(), "/links");
        let query = format!("page={page}&size={size}");
        assert_eq!(request.url.query(), Some(query.as_str()));
    }
}

// ---------------------------------------------------------------------- bulk generate

#[tokio::test]
async fn bulk_without_records_is_refused() {
    let (server, client) = serve(true).await;
    let call = client.bulk().generate(BulkWebsiteRequest::new(Vec::new()));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.operation, "bulkGenerate");
    assert_eq!(invalid.field, "data");
    assert_eq!(invalid.limit, Limit::MinItems(1));
    assert_eq!(invalid.actual, "0");
    assert_eq!(
        invalid.to_string(),
        "bulkGenerate: `data` must have at least 1 item, but has 0; the request was not sent"
    );
}

#[tokio::test]
async fn bulk_with_1201_records_is_refused() {
    let (server, client) = serve(true).await;
    let call = client
        .bulk()
        .generate(BulkWebsiteRequest::new(websites(1201)));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.field, "data");
    assert_eq!(invalid.limit, Limit::MaxItems(1200));
    assert_eq!(invalid.actual, "1201");
}

#[tokio::test]
async fn bulk_limits_apply_to_every_record_type() {
    let (server, client) = serve(true).await;
    let calls = [
        client.bulk().generate(BulkProductRequest::new(Vec::new())),
        client.bulk().generate(BulkSmsRequest::new(Vec::new())),
        client.bulk().generate(BulkVcardRequest::new(Vec::new())),
    ];
    for call in calls {
        let invalid = refused(&server, call.send().await).await;
        assert_eq!(
            (invalid.field.as_str(), invalid.limit),
            ("data", Limit::MinItems(1))
        );
    }
}

#[tokio::test]
async fn bulk_with_1200_records_is_sent_whole() {
    let (server, client) = serve(true).await;
    let records = websites(1200);
    client
        .bulk()
        .generate(BulkWebsiteRequest::new(records).with_folder_id("0c8f...e21"))
        .send()
        .await
        .expect("1200 records are allowed");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/bulk-generate");
    let body = body_of(&request);
    assert_eq!(body["type"], "website");
    assert_eq!(body["folderId"], "0c8f...e21");
    let data = body["data"].as_array().expect("an array");
    assert_eq!(data.len(), 1200);
    assert_eq!(
        data[1199],
        json!({ "name": "Link 1199", "url": "https://example.com/1199" })
    );
}

#[tokio::test]
async fn bulk_one_record_is_sent() {
    let (server, client) = serve(true).await;
    client
        .bulk()
        .generate(BulkSmsRequest::new(vec![SmsRecord::new(
            "Call us",
            "+15551234",
        )]))
        .send()
        .await
        .expect("one record is allowed");
    let body = body_of(&only_request(&server).await);
    assert_eq!(
        body,
        json!({ "type": "sms", "data": [{ "name": "Call us", "phone": "+15551234" }] })
    );
}

#[tokio::test]
async fn an_empty_required_field_of_a_record_is_named_by_its_path() {
    let (server, client) = serve(true).await;
    let mut records = websites(5);
    records[3] = WebsiteRecord::new("Fourth", "");
    let call = client.bulk().generate(BulkWebsiteRequest::new(records));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.field, "data[3].url");
    assert_eq!(invalid.limit, Limit::MinLength(1));
    assert_eq!(invalid.actual, "0");
    assert_eq!(
        invalid.to_string(),
        "bulkGenerate: `data[3].url` must be at least 1 character long, but is 0; \
         the request was not sent"
    );

    let vcard = VcardRecord::new("Card", "Ada", "Lovelace", "", "ada@example.com");
    let call = client.bulk().generate(BulkVcardRequest::new(vec![vcard]));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.field, "data[0].contact");

    let product = ProductRecord::new("Mug", "");
    let call = client
        .bulk()
        .generate(BulkProductRequest::new(vec![product]));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.field, "data[0].productName");
}

// ------------------------------------------------------------------------ cafes, groups

#[tokio::test]
async fn cafe_name_over_255_characters_is_refused() {
    let (server, client) = serve(true).await;
    let call = client
        .cafes()
        .create(CreateCafeRequest::new("x".repeat(256)));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.operation, "createCafe");
    assert_eq!(invalid.field, "name");
    assert_eq!(invalid.limit, Limit::MaxLength(255));
    assert_eq!(invalid.actual, "256");
    assert_eq!(
        invalid.to_string(),
        "createCafe: `name` must be at most 255 characters long, but is 256; \
         the request was not sent"
    );

    let call = client.cafes().create(CreateCafeRequest::new(""));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(
        (invalid.field.as_str(), invalid.limit),
        ("name", Limit::MinLength(1))
    );
}

#[tokio::test]
async fn cafe_description_over_2000_characters_is_refused() {
    let (server, client) = serve(true).await;
    let cafe = CreateCafeRequest::new("Corner Cafe").with_description("d".repeat(2001));
    let invalid = refused(&server, client.cafes().create(cafe).send().await).await;
    assert_eq!(invalid.field, "description");
    assert_eq!(invalid.limit, Limit::MaxLength(2000));

    // The update body has the same limits, on optional fields.
    let update = UpdateCafeRequest::new().with_description("d".repeat(2001));
    let invalid = refused(&server, client.cafes().update("c1", update).send().await).await;
    assert_eq!(invalid.operation, "updateCafe");
    assert_eq!(invalid.field, "description");
}

#[tokio::test]
async fn cafe_lengths_on_the_boundary_are_sent_and_count_characters_not_bytes() {
    let (server, client) = serve(true).await;
    // 255 two-byte characters: 510 bytes, within the limit of 255 characters.
    let name = "é".repeat(255);
    let description = "d".repeat(2000);
    client
        .cafes()
        .create(CreateCafeRequest::new(name.clone()).with_description(description.clone()))
        .send()
        .await
        .expect("on the boundary");
    let body = body_of(&only_request(&server).await);
    assert_eq!(body, json!({ "name": name, "description": description }));
}

#[tokio::test]
async fn group_name_part_over_255_characters_is_refused() {
    let (server, client) = serve(true).await;
    let call = client.groups().create("c1", "g".repeat(256));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.operation, "createGroup");
    assert_eq!(invalid.field, "name");
    assert_eq!(invalid.limit, Limit::MaxLength(255));

    let call = client.groups().update("c1", "g1").name("");
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(
        (invalid.field.as_str(), invalid.limit),
        ("name", Limit::MinLength(1))
    );
}

#[tokio::test]
async fn an_empty_folder_name_is_refused() {
    let (server, client) = serve(true).await;
    let call = client.folders().create(FolderRequest::new(""));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.operation, "createFolder");
    assert_eq!(invalid.field, "name");
}

// ---------------------------------------------------------------- nested QR options

#[tokio::test]
async fn qr_option_ranges_are_checked_through_nested_objects() {
    let (server, client) = serve(true).await;
    let qr = QrOptions::new().with_qr_options(QrEncodingOptions::new().with_type_number(41));
    let call = client
        .templates()
        .create(TemplateRequest::new().with_qr_options(qr));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.field, "qrOptions.qrOptions.typeNumber");
    assert_eq!(
        invalid.limit,
        Limit::Maximum {
            value: 40.0,
            exclusive: false
        }
    );

    let qr = QrOptions::new().with_image_options(ImageOptions::new().with_image_size(1.5));
    let call = client
        .links()
        .patch_qr_options("summer-sale", PatchLinkQrOptionsRequest::new(qr));
    let invalid = refused(&server, call.send().await).await;
    assert_eq!(invalid.operation, "patchLinkQrOptions");
    assert_eq!(invalid.field, "qrOptions.imageOptions.imageSize");
    assert_eq!(invalid.actual, "1.5");
}

#[tokio::test]
async fn qr_option_boundaries_are_sent() {
    let (server, client) = serve(true).await;
    let qr = QrOptions::new()
        .with_margin(0)
        .with_qr_options(QrEncodingOptions::new().with_type_number(40))
        .with_image_options(ImageOptions::new().with_image_size(1.0));
    client
        .links()
        .patch_qr_options("summer-sale", PatchLinkQrOptionsRequest::new(qr))
        .send()
        .await
        .expect("on the boundary");
    let body = body_of(&only_request(&server).await);
    assert_eq!(
        body,
        json!({ "qrOptions": {
            "margin": 0,
            "qrOptions": { "typeNumber": 40 },
            "imageOptions": { "imageSize": 1.0 }
        } })
    );
}

// --------------------------------------------------------------- checks turned off

#[tokio::test]
async fn validate_inputs_false_sends_what_the_checks_would_refuse() {
    let (server, client) = serve(false).await;
    client
        .links()
        .list()
        .size(5000)
        .page(0)
        .send()
        .await
        .expect("not checked");
    client
        .bulk()
        .generate(BulkWebsiteRequest::new(Vec::new()))
        .send()
        .await
        .expect("not checked");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(requests[0].url.query(), Some("page=0&size=5000"));
    assert_eq!(
        body_of(&requests[1]),
        json!({ "type": "website", "data": [] })
    );
}
