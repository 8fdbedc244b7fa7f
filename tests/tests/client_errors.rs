//! How the generated `prolinksqr` client fails, retries, paginates and guards the API key,
//! over HTTP against a wiremock server on 127.0.0.1 (and, for connection failures, a port
//! nothing listens on).
//!
//! * every documented error status (400, 401, 403, 404, 429) maps to its `Error::is_*()`
//!   with the message from `message` or `error`; 403 names the required scope, 429 the
//!   billing-cycle quota;
//! * bodies that are not the documented shape: HTML and empty error pages, truncated or
//!   wrong-shaped 200s (decode errors with status, body and path), unknown enum values and
//!   unknown fields (kept);
//! * retries (idempotent methods only, `RetryPolicy::none()`), timeouts, refused connections;
//! * `ListLinks::stream()` over several pages, lazily (on the typed mock, `prolinksqr::mock`:
//!   the other tests pin the wire format with raw wiremock responses);
//! * the key never shows up in `Debug` / `Display` output.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use prolinksqr::mock::{MockServer as ApiMock, Reply};
use prolinksqr::types::{DotType, FolderRequest, Link, LinkType, QrOptions};
use prolinksqr::{Client, Error, FilePart, Page, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A well-formed key (`key-` + 32 characters).
const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// The error body the docs show (index.md).
const DOCS_403: &str = r#"{ "message": "You do not have permission to perform this action." }"#;

/// Retries quick enough for a test suite, still exercising the backoff path.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn client_for(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(retry)
        .build()
        .expect("valid configuration")
}

/// A server answering everything with `response`, and a client for it that retries fast.
async fn serve(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = client_for(&server, fast_retry());
    (server, client)
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording").len()
}

/// An `Error::is_*` predicate and its name.
type Check = (&'static str, fn(&Error) -> bool);

/// The names of the `Error::is_*` predicates that hold, so each test can assert that
/// exactly the right one does.
fn kinds(err: &Error) -> Vec<&'static str> {
    let checks: [Check; 9] = [
        ("bad_request", Error::is_bad_request),
        ("unauthorized", Error::is_unauthorized),
        ("forbidden", Error::is_forbidden),
        ("not_found", Error::is_not_found),
        ("quota_exhausted", Error::is_quota_exhausted),
        ("server_error", Error::is_server_error),
        ("timeout", Error::is_timeout),
        ("connect", Error::is_connect),
        ("invalid_input", Error::is_invalid_input),
    ];
    checks
        .into_iter()
        .filter(|(_, check)| check(err))
        .map(|(name, _)| name)
        .collect()
}

/// A client for the typed mock.
fn client_for_mock(mock: &ApiMock, retry: RetryPolicy) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(mock.uri())
        .retry(retry)
        .build()
        .expect("valid configuration")
}

/// The link of [`link_json`], typed.
fn link(id: &str) -> Link {
    Link::new(id, format!("https://qr-lb.co/{id}"), id, LinkType::Website)
}

/// A `200` JSON link as the docs show it, with `name` customised.
fn link_json(id: &str) -> Value {
    json!({
        "dynamic_link_id": id,
        "full_dynamic_url": format!("https://qr-lb.co/{id}"),
        "name": id,
        "type": "website"
    })
}

// --------------------------------------------------------------- documented API errors

#[tokio::test]
async fn bad_request_takes_the_message_field() {
    let body = r#"{ "message": "name is required" }"#;
    let (server, client) = serve(ResponseTemplate::new(400).set_body_string(body)).await;
    let err = client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .send()
        .await
        .unwrap_err();

    assert_eq!(kinds(&err), ["bad_request"]);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let api = err.api_error().expect("an API error");
    assert_eq!(api.message.as_deref(), Some("name is required"));
    assert_eq!(api.body, body, "the raw body is kept");
    assert_eq!(api.operation, "createFolder");
    assert_eq!(
        err.to_string(),
        "createFolder: 400 Bad Request: name is required"
    );
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn unauthorized_takes_the_error_field_when_there_is_no_message() {
    let (_server, client) =
        serve(ResponseTemplate::new(401).set_body_json(json!({ "error": "API key is inactive" })))
            .await;
    let err = client.links().list().send().await.unwrap_err();
    assert_eq!(kinds(&err), ["unauthorized"]);
    assert_eq!(
        err.api_error().unwrap().message.as_deref(),
        Some("API key is inactive")
    );
    assert_eq!(
        err.to_string(),
        "listLinks: 401 Unauthorized: API key is inactive"
    );
}

#[tokio::test]
async fn forbidden_names_the_scope_of_the_operation_that_failed() {
    let (_server, client) = serve(ResponseTemplate::new(403).set_body_string(DOCS_403)).await;

    let err = client.links().get("summer-sale").send().await.unwrap_err();
    assert_eq!(kinds(&err), ["forbidden"]);
    assert_eq!(err.api_error().unwrap().required_scopes, ["links.read"]);
    assert_eq!(
        err.to_string(),
        "getLink: 403 Forbidden: You do not have permission to perform this action. \
         (requires scope `links.read`)"
    );

    // A link action that needs a templates scope: the hint must follow the operation,
    // not the resource path.
    let err = client
        .links()
        .save_as_template("summer-sale")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("(requires scope `templates.create`)"),
        "{err}"
    );

    // Spec gap 17: deleting a group is documented with `cafe.delete`.
    let err = client
        .groups()
        .delete("cafe-1", "g1")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().ends_with("(requires scope `cafe.delete`)"),
        "{err}"
    );
}

#[tokio::test]
async fn not_found_is_recognised() {
    let (_server, client) =
        serve(ResponseTemplate::new(404).set_body_json(json!({ "message": "Link not found" })))
            .await;
    let err = client.links().get("nope").send().await.unwrap_err();
    assert_eq!(kinds(&err), ["not_found"]);
    assert_eq!(err.to_string(), "getLink: 404 Not Found: Link not found");
}

#[tokio::test]
async fn quota_exhausted_explains_the_billing_cycle_and_is_never_retried() {
    let (server, client) = serve(
        ResponseTemplate::new(429).set_body_json(json!({ "message": "API usage limit reached" })),
    )
    .await;
    // A GET with retries enabled: if 429 were retryable, this would send 3 requests.
    let err = client.folders().list().send().await.unwrap_err();
    assert_eq!(kinds(&err), ["quota_exhausted"]);
    assert_eq!(
        err.to_string(),
        "listFolders: 429 Too Many Requests: API quota for the current billing cycle is \
         exhausted: API usage limit reached"
    );
    assert_eq!(request_count(&server).await, 1, "429 is not retried");
}

// ------------------------------------------------------------ bodies that do not fit

#[tokio::test]
async fn html_502_page_is_an_api_error_with_the_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let (_server, client) = serve(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    let err = client.folders().get("f1").send().await.unwrap_err();
    assert_eq!(kinds(&err), ["server_error"]);
    let api = err.api_error().expect("an API error, not a decode error");
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.body, html);
    assert_eq!(api.message, None, "HTML has no message field");
    assert_eq!(err.to_string(), "getFolder: 502 Bad Gateway");
}

#[tokio::test]
async fn empty_401_is_an_api_error_without_a_message() {
    let (_server, client) = serve(ResponseTemplate::new(401)).await;
    let err = client.templates().list().send().await.unwrap_err();
    assert_eq!(kinds(&err), ["unauthorized"]);
    let api = err.api_error().unwrap();
    assert_eq!(api.body, "");
    assert_eq!(api.message, None);
    assert_eq!(err.to_string(), "listTemplates: 401 Unauthorized");
}

#[tokio::test]
async fn truncated_200_is_a_decode_error_with_status_body_and_path() {
    let body =
        r#"{"data":{"dynamic_link_id":"summer-sale","full_dynamic_url":"https://qr-lb.co/su"#;
    let (_server, client) =
        serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let err = client.links().get("summer-sale").send().await.unwrap_err();
    match &err {
        Error::Decode {
            operation,
            status,
            body: text,
            path,
            source,
            ..
        } => {
            assert_eq!(*operation, "getLink");
            assert_eq!(status.as_u16(), 200);
            assert_eq!(text, body, "the raw body is kept");
            // The path of the field being read when the input ran out.
            assert_eq!(path, "data.full_dynamic_url");
            assert!(source.is_eof(), "{source}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(kinds(&err).is_empty(), "{:?}", kinds(&err));
}

#[tokio::test]
async fn wrong_shaped_200_reports_the_path_of_the_bad_field() {
    // `data` must be an array of links.
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "data": "summer-sale",
        "meta": { "currentPage": 1, "totalPages": 1 }
    })))
    .await;
    let err = client.links().list().send().await.unwrap_err();
    let Error::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(path, "data");
    assert!(err.to_string().contains("at `data`"), "{err}");

    // Deeper: a wrong type inside the second link.
    let mut second = link_json("b");
    second["name"] = json!(7);
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "data": [link_json("a"), second],
        "meta": { "currentPage": 1, "totalPages": 1 }
    })))
    .await;
    let err = client.links().list().send().await.unwrap_err();
    let Error::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(path, "data[1].name");
}

#[tokio::test]
async fn missing_required_field_is_a_decode_error() {
    // `full_dynamic_url` is required on a link.
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "data": { "dynamic_link_id": "a", "name": "a", "type": "website" }
    })))
    .await;
    let err = client.links().get("a").send().await.unwrap_err();
    let Error::Decode { source, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(source.to_string().contains("full_dynamic_url"), "{source}");
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_decode_and_are_kept() {
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "data": {
            "dynamic_link_id": "guest-wifi",
            "full_dynamic_url": "https://qr-lb.co/guest-wifi",
            "name": "Guest WiFi",
            // A link type the docs mention only in prose.
            "type": "wifi",
            "meta_data": { "ssid": "Guests", "encryption": "WPA" },
            "qr_options": {
                "dotsOptions": { "type": "hexagons" },
                "shape": "circle"
            },
            // Fields the docs do not list.
            "scans": 3,
            "favorite": true
        }
    })))
    .await;
    let link: Link = client.links().get("guest-wifi").send().await.unwrap();

    assert_eq!(link.type_, LinkType::Other("wifi".to_owned()));
    assert_eq!(link.meta_data.as_ref().unwrap()["ssid"], json!("Guests"));
    assert_eq!(link.additional_properties["scans"], json!(3));
    assert_eq!(link.additional_properties["favorite"], json!(true));
    assert_eq!(link.additional_properties.len(), 2);
    let qr: &QrOptions = link.qr_options.as_ref().unwrap();
    assert_eq!(
        qr.dots_options.as_ref().unwrap().type_,
        Some(DotType::Other("hexagons".to_owned()))
    );
    assert_eq!(qr.additional_properties["shape"], json!("circle"));

    // Nothing is lost: the link serialises back to what the server sent.
    let round_trip = serde_json::to_value(&link).unwrap();
    assert_eq!(round_trip["scans"], json!(3));
    assert_eq!(round_trip["qr_options"]["dotsOptions"]["type"], "hexagons");
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_anything_is_sent() {
    // `..` would otherwise address `/links` or `/` instead of one link.
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    for id in ["..", "."] {
        let err = client.links().delete(id).send().await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{id}: {err:?}");
    }
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn empty_ids_are_refused_before_anything_is_sent() {
    // `links().delete("")` used to send `DELETE /links/` and return `Ok`.
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    let err = client.links().delete("").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("is empty")),
        "{err:?}"
    );
    let err = client.links().get("").send().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(request_count(&server).await, 0);
    client.links().delete(" ").send().await.unwrap();
    assert_eq!(request_count(&server).await, 1);
}

// ---------------------------------------------------------------------------- retries

#[tokio::test]
async fn get_is_retried_through_two_503s_and_then_succeeds() {
    let mock = ApiMock::start().await;
    mock.links()
        .get("a")
        .respond_with_sequence([
            Reply::Status(503),
            Reply::Status(503),
            Reply::Value(link("a")),
        ])
        .expect(3) // 2 failures + 1 success
        .mount()
        .await;
    let client = client_for_mock(&mock, fast_retry());

    assert_eq!(client.links().get("a").send().await.unwrap(), link("a"));
    mock.verify().await;
}

#[tokio::test]
async fn get_gives_up_after_the_retry_budget() {
    let (server, client) = serve(ResponseTemplate::new(503)).await;
    let err = client.cafes().list().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(request_count(&server).await, 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn post_is_not_retried_after_a_503() {
    // The first attempt may have created the folder: repeating it could duplicate it.
    let (server, client) = serve(ResponseTemplate::new(503)).await;
    let err = client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(kinds(&err), ["server_error"]);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn patch_is_not_retried_after_a_503() {
    let (server, client) = serve(ResponseTemplate::new(503)).await;
    let body = serde_json::Map::new();
    client
        .groups()
        .reorder("cafe-1", body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn retry_none_disables_retries() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server, RetryPolicy::none());
    let err = client.links().get("a").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn multipart_put_is_retried_with_the_whole_body_each_time() {
    // A multipart body is a stream that cannot be replayed: the client must rebuild it.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server, fast_retry());
    let logo = b"\x89PNG\r\n\x1a\nlogo-bytes";

    client
        .cafes()
        .update_profile("cafe-1")
        .logo(FilePart::new(&logo[..]).file_name("logo.png"))
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let found = request.body.windows(logo.len()).any(|w| w == logo);
        assert!(found, "attempt without the logo bytes");
        let length: usize = request.headers["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, request.body.len());
    }
}

#[tokio::test]
async fn slow_response_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let started = std::time::Instant::now();
    let err = client.links().list().send().await.unwrap_err();

    assert_eq!(kinds(&err), ["timeout"]);
    assert_eq!(err.status(), None, "no response was received");
    assert!(
        err.to_string().starts_with("listLinks: request timed out"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout applied"
    );
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn get_timeouts_are_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = client.links().get("a").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let client = Client::builder()
        .credential(KEY)
        .base_url(format!("http://{}", unused_local_address()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.folders().list().send().await.unwrap_err();
    assert_eq!(kinds(&err), ["connect"]);
    assert_eq!(err.status(), None);
    assert!(
        err.to_string()
            .starts_with("listFolders: connection failed"),
        "{err}"
    );
}

/// A 127.0.0.1 address nothing listens on (bound, then released).
fn unused_local_address() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

// ------------------------------------------------------------------------- pagination

/// Mounts `total` pages of `per_page` links each, named `p{page}-{n}`, answering only
/// requests for that exact page with `size` and `sort_by` carried over.
async fn paged_server(total: i64, per_page: usize) -> ApiMock {
    let mock = ApiMock::start().await;
    for page in 1..=total {
        let items = (0..per_page)
            .map(|n| link(&format!("p{page}-{n}")))
            .collect();
        mock.links()
            .list()
            .page(page)
            .size(per_page as i64)
            .sort_by("name")
            .respond_with(Page::new(items, page, total))
            .mount()
            .await;
    }
    mock
}

/// The `page` parameter of every request received, in order.
async fn pages_requested(mock: &ApiMock) -> Vec<String> {
    let received = mock.received().await;
    received
        .iter()
        .map(|r| r.query_values("page").concat())
        .collect()
}

#[tokio::test]
async fn stream_yields_every_item_of_every_page_in_order() {
    let server = paged_server(3, 2).await;
    let client = client_for_mock(&server, RetryPolicy::none());

    let names: Vec<String> = client
        .links()
        .list()
        .size(2)
        .sort_by("name")
        .stream()
        .map_ok(|link| link.name)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(names, ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]);
    // Filters are kept on every page; only `page` changes.
    assert_eq!(pages_requested(&server).await, ["1", "2", "3"]);
}

#[tokio::test]
async fn stream_fetches_pages_only_when_needed() {
    let server = paged_server(3, 2).await;
    let client = client_for_mock(&server, RetryPolicy::none());
    let list = client.links().list().size(2).sort_by("name");

    let first_two: Vec<Link> = list.clone().stream().take(2).try_collect().await.unwrap();
    assert_eq!(first_two.len(), 2);
    assert_eq!(
        pages_requested(&server).await,
        ["1"],
        "both items are on page 1"
    );

    // Nothing is fetched before the stream is polled.
    let stream = list.clone().stream();
    assert_eq!(pages_requested(&server).await.len(), 1);
    let third: Vec<Link> = stream.take(3).try_collect().await.unwrap();
    assert_eq!(third[2].name, "p2-0");
    assert_eq!(pages_requested(&server).await, ["1", "1", "2"]);
}

#[tokio::test]
async fn stream_starts_at_the_page_set_on_the_builder() {
    let server = paged_server(3, 2).await;
    let client = client_for_mock(&server, RetryPolicy::none());
    let names: Vec<String> = client
        .links()
        .list()
        .size(2)
        .sort_by("name")
        .page(2)
        .stream()
        .map_ok(|link| link.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["p2-0", "p2-1", "p3-0", "p3-1"]);
    assert_eq!(pages_requested(&server).await, ["2", "3"]);
}

#[tokio::test]
async fn stream_ends_after_the_first_error() {
    // Page 2 is not mounted: the mock answers 404.
    let server = ApiMock::start().await;
    server
        .links()
        .list()
        .page(1)
        .respond_with(Page::new(vec![link("a")], 1, 3))
        .mount()
        .await;
    let client = client_for_mock(&server, RetryPolicy::none());

    let results: Vec<prolinksqr::Result<Link>> = client.links().list().stream().collect().await;

    assert_eq!(results.len(), 2, "one item, then the error, then nothing");
    assert_eq!(results[0].as_ref().unwrap().name, "a");
    assert!(results[1].as_ref().unwrap_err().is_not_found());
    assert_eq!(pages_requested(&server).await, ["1", "2"]);
}

#[tokio::test]
async fn stream_of_an_empty_list_makes_one_request() {
    let mock = ApiMock::start().await;
    mock.links()
        .list()
        .respond_with(Page::new(vec![], 1, 0))
        .expect(1)
        .mount()
        .await;
    let client = client_for_mock(&mock, RetryPolicy::none());
    let count = client.links().list().stream().count().await;
    assert_eq!(count, 0);
    mock.verify().await;
}

// ---------------------------------------------------------------------------- secrets

/// Fails if `text` contains the key or a recognisable part of it.
fn assert_no_key(what: &str, text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains("0123456789abcdef"),
        "{what} reveals the API key: {text}"
    );
}

/// Both renderings of an error.
fn assert_error_hides_key(what: &str, err: &Error) {
    assert_no_key(what, &format!("{err:?}"));
    assert_no_key(what, &format!("{err}"));
    assert_no_key(what, &format!("{err:#?}"));
}

#[tokio::test]
async fn the_api_key_never_appears_in_debug_or_display_output() {
    let server = MockServer::start().await;
    Mock::given(path("/links/unauthorized"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "error": "bad key" })))
        .mount(&server)
        .await;
    Mock::given(path("/links/garbled"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    Mock::given(path("/links/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let builder = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none());
    assert_no_key("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_no_key("Client", &format!("{client:?}"));
    assert_no_key("Client", &format!("{client:#?}"));
    assert!(
        format!("{client:?}").contains("***"),
        "the key is shown masked"
    );
    // Request builders hold a client too.
    assert_no_key("Links", &format!("{:?}", client.links()));
    assert_no_key(
        "ListLinks",
        &format!("{:?}", client.links().list().search("x")),
    );

    let api = client.links().get("unauthorized").send().await.unwrap_err();
    assert!(api.is_unauthorized());
    assert_error_hides_key("API error", &api);

    let decode = client.links().get("garbled").send().await.unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
    assert_error_hides_key("decode error", &decode);

    let timeout = client.links().get("slow").send().await.unwrap_err();
    assert!(timeout.is_timeout(), "{timeout:?}");
    assert_error_hides_key("timeout error", &timeout);

    let refused = Client::builder()
        .credential(KEY)
        .base_url(format!("http://{}", unused_local_address()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let connect = refused.links().list().send().await.unwrap_err();
    assert!(connect.is_connect(), "{connect:?}");
    assert_error_hides_key("connect error", &connect);

    // A key that cannot be sent in a header: the configuration error must not quote it.
    let bad_key = format!("{KEY}\n");
    let config = Client::builder()
        .credential(bad_key.clone())
        .base_url(server.uri())
        .build()
        .unwrap_err();
    assert!(matches!(config, Error::Config(_)), "{config:?}");
    assert_error_hides_key("config error from build()", &config);
}

/// A documented error body decodes as the type the operation's docs name (`types::ErrorBody`),
/// with what the spec does not describe kept; an RFC 7807 body gives its `detail`.
#[tokio::test]
async fn documented_error_bodies_decode_as_their_type() {
    let (server, client) = serve(ResponseTemplate::new(403).set_body_raw(
        r#"{"message":"You do not have permission to perform this action.","code":"E403"}"#,
        "application/json",
    ))
    .await;
    let err = client.folders().list().send().await.unwrap_err();
    let api = err.api_error().expect("an API error");
    let body: prolinksqr::types::ErrorBody = api.body_as().expect("the documented shape");
    assert_eq!(
        body.message.as_deref(),
        Some("You do not have permission to perform this action.")
    );
    assert_eq!(body.additional_properties["code"], json!("E403"));
    assert_eq!(request_count(&server).await, 1);

    let (_server, client) = serve(ResponseTemplate::new(404).set_body_raw(
        r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"no folder f1"}"#,
        "application/problem+json",
    ))
    .await;
    let err = client.folders().get("f1").send().await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(
        err.api_error().and_then(|a| a.message.as_deref()),
        Some("no folder f1")
    );
}
