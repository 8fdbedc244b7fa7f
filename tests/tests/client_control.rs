//! Per-request control over HTTP against wiremock on 127.0.0.1: `.timeout()`, `.header()`
//! and `.retry()` of a request builder overriding the client's settings for one call only,
//! `.send_response()` (status and headers), `client.raw(..)` for paths the spec does not
//! name, iterating a `Page`, and `.pages()` (the stream of whole pages).

use std::time::Duration;

use futures::StreamExt;
use prolinksqr::reqwest::{Method, StatusCode};
use prolinksqr::types::CreateLinkRequest;
use prolinksqr::{Client, Error, Page, RetryPolicy};
use serde::Serialize;
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// A retry policy with the default budget (2 retries) but no real waiting.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1))
}

fn client_for(
    server: &MockServer,
    configure: impl FnOnce(prolinksqr::ClientBuilder) -> prolinksqr::ClientBuilder,
) -> Client {
    configure(Client::builder().credential(KEY).base_url(server.uri()))
        .build()
        .expect("valid configuration")
}

/// A server answering anything with `response`.
async fn serve(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// Every value of header `name`, in order.
fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ASCII header").to_owned())
        .collect()
}

fn assert_authenticated(request: &Request) {
    assert_eq!(
        header_values(request, "authorization"),
        [format!("Basic {KEY}")],
        "the credential, exactly once"
    );
}

fn empty_page() -> Value {
    json!({ "data": [], "meta": { "currentPage": 1, "totalPages": 1 } })
}

fn link(slug: &str) -> Value {
    json!({
        "dynamic_link_id": slug,
        "full_dynamic_url": format!("https://qr-lb.co/{slug}"),
        "name": slug,
        "type": "website",
        "meta_data": {},
        "qr_options": { "data": format!("https://qr-lb.co/{slug}") }
    })
}

// ------------------------------------------------------------------------------ timeout

#[tokio::test]
async fn a_shorter_timeout_applies_to_one_call_only() {
    let server = serve(
        ResponseTemplate::new(200)
            .set_body_json(empty_page())
            .set_delay(Duration::from_millis(500)),
    )
    .await;
    // The client's own timeout (30 s by default) lets the slow answer arrive.
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));

    let err = client
        .links()
        .list()
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    // The next call on the same client has the client's timeout again.
    let page = client.links().list().send().await.unwrap();
    assert!(page.is_empty());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_longer_timeout_lets_a_slow_call_finish() {
    let server = serve(
        ResponseTemplate::new(200)
            .set_body_json(empty_page())
            .set_delay(Duration::from_millis(400)),
    )
    .await;
    let client = client_for(&server, |b| {
        b.timeout(Duration::from_millis(100))
            .retry(RetryPolicy::none())
    });

    let err = client.links().list().send().await.unwrap_err();
    assert!(err.is_timeout(), "the client's timeout applies: {err:?}");
    client
        .links()
        .list()
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the per-call timeout replaces the client's");
}

// ------------------------------------------------------------------------------ headers

#[tokio::test]
async fn headers_are_sent_exactly_beside_the_credential() {
    let server = serve(ResponseTemplate::new(200).set_body_json(empty_page())).await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    client
        .links()
        .list()
        .size(5)
        .header("X-Request-Id", "req-1")
        .header("x-tag", "a")
        .header("x-tag", String::from("b"))
        .header(
            prolinksqr::reqwest::header::USER_AGENT,
            prolinksqr::reqwest::header::HeaderValue::from_static("my-app/2.0"),
        )
        .send()
        .await
        .unwrap();

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.url.path(), "/links");
    assert_eq!(request.url.query(), Some("size=5"));
    assert_eq!(header_values(request, "x-request-id"), ["req-1"]);
    assert_eq!(header_values(request, "x-tag"), ["a", "b"]);
    assert_eq!(
        header_values(request, "user-agent"),
        ["my-app/2.0"],
        "replaces the client's user agent, not added beside it"
    );
    assert_authenticated(request);
}

#[tokio::test]
async fn headers_are_sent_on_every_attempt() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = client_for(&server, |b| b.retry(fast_retries()));
    let err = client
        .links()
        .list()
        .header("x-request-id", "req-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(header_values(request, "x-request-id"), ["req-2"]);
        assert_authenticated(request);
    }
}

#[tokio::test]
async fn the_credential_header_and_invalid_headers_fail_before_sending() {
    let server = serve(ResponseTemplate::new(200).set_body_json(empty_page())).await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let attempts: [(&str, &str); 5] = [
        ("Authorization", "Basic key-someone-elses"),
        ("authorization", "Bearer x"),
        ("Host", "elsewhere.example"),
        ("bad name", "value"),
        ("x-ok", "line\nbreak"),
    ];
    for (name, value) in attempts {
        let err = client
            .links()
            .list()
            .header(name, value)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{name}: {err:?}");
        let text = err.to_string();
        assert!(!text.contains(value), "the value is not shown: {text}");
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

// ------------------------------------------------------------------------------ retries

#[tokio::test]
async fn a_retry_policy_applies_to_one_call_only() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = client_for(&server, |b| b.retry(fast_retries()));

    let err = client
        .links()
        .list()
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_server_error(), "{err:?}");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "one attempt under `none()`"
    );

    client.links().list().send().await.unwrap_err();
    assert_eq!(
        requests(&server).await.len(),
        4,
        "three attempts under the client's policy"
    );
}

#[tokio::test]
async fn a_retry_policy_can_allow_retrying_a_post() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = client_for(&server, |b| b.retry(fast_retries()));
    let body = || CreateLinkRequest::new("Summer Sale", "website");

    client.links().create(body()).send().await.unwrap_err();
    assert_eq!(
        requests(&server).await.len(),
        1,
        "POST is not retried by default"
    );

    client
        .links()
        .create(body())
        .retry(fast_retries().retry_non_idempotent(true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn a_per_call_deadline_ends_the_retries() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = client_for(&server, |b| b.retry(fast_retries().max_retries(50)));
    let policy = RetryPolicy::new()
        .max_retries(50)
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_millis(100))
        .deadline(Duration::from_millis(50));
    client
        .links()
        .list()
        .retry(policy)
        .send()
        .await
        .unwrap_err();
    // A 100 ms wait would pass the 50 ms deadline (the backoff is jittered, so only a
    // wait shorter than 50 ms lets a second attempt start).
    let attempts = requests(&server).await.len();
    assert!(attempts < 50, "{attempts} attempts");
}

// ------------------------------------------------------------------------ send_response

#[tokio::test]
async fn send_response_returns_status_headers_and_the_value() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("x-ratelimit-remaining", "99")
            .set_body_json(json!({
                "data": [link("a"), link("b")],
                "meta": { "currentPage": 1, "totalPages": 1 }
            })),
    )
    .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let response = client.links().list().send_response().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "99");
    // `Deref` to the page: its fields and methods directly.
    assert_eq!(response.len(), 2);
    assert_eq!(response.items[1].name, "b");
    assert!(!response.has_next());
    let page: Page<_> = response.into_inner();
    assert_eq!(page.current_page, 1);
}

#[tokio::test]
async fn send_response_of_a_created_resource_keeps_the_201() {
    let server = serve(
        ResponseTemplate::new(201)
            .insert_header("location", "/links/summer-sale")
            .set_body_json(json!({ "id": "summer-sale" })),
    )
    .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let response = client
        .links()
        .create(CreateLinkRequest::new("Summer Sale", "website"))
        .send_response()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["location"], "/links/summer-sale");
    assert_eq!(response.into_inner(), "summer-sale");
}

// -------------------------------------------------------------------------------- raw

#[derive(Serialize)]
struct ItemFilter {
    size: u32,
    search: Option<&'static str>,
    archived: Option<bool>,
}

#[tokio::test]
async fn raw_get_sends_query_and_credential_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/cafes/c1/categories"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total", "7")
                .set_body_json(json!({ "data": [{ "id": "cat-1" }] })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(format!("{}/v1/", server.uri()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let response = client
        .raw(Method::GET, "/cafes/c1/categories")
        .query(&[("page", "2")])
        .query(&ItemFilter {
            size: 5,
            search: Some("tea & cake"),
            archived: None,
        })
        .header("x-request-id", "raw-1")
        .send_json::<Value>()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-total"], "7");
    assert_eq!(*response, json!({ "data": [{ "id": "cat-1" }] }));

    let requests = requests(&server).await;
    let request = &requests[0];
    assert_eq!(
        request.url.query(),
        Some("page=2&size=5&search=tea+%26+cake"),
        "pairs in order, `None` left out"
    );
    assert_eq!(header_values(request, "x-request-id"), ["raw-1"]);
    assert_authenticated(request);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn raw_post_sends_json_and_returns_bytes() {
    let server = serve(
        ResponseTemplate::new(201)
            .insert_header("content-type", "application/octet-stream")
            .set_body_bytes(b"\x00ok".to_vec()),
    )
    .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let response = client
        .raw(Method::POST, "/cafes/c1/items")
        .json(&json!({ "name": "Flat white", "price": 3.5 }))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.as_ref(), b"\x00ok");

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/cafes/c1/items");
    assert_eq!(request.url.query(), None);
    assert_eq!(header_values(request, "content-type"), ["application/json"]);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, json!({ "name": "Flat white", "price": 3.5 }));
    assert_authenticated(request);
}

#[tokio::test]
async fn raw_delete_with_an_empty_204_decodes_as_unit() {
    let server = serve(ResponseTemplate::new(204)).await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let response = client
        .raw(Method::DELETE, "/cafes/c1/items/i9")
        .send_json::<()>()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(requests(&server).await[0].method.as_str(), "DELETE");
}

#[tokio::test]
async fn raw_errors_are_mapped_like_operations() {
    let server =
        serve(ResponseTemplate::new(404).set_body_json(json!({ "message": "Cafe not found" })))
            .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let err = client
        .raw(Method::GET, "/cafes/missing/items")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.operation, "raw");
    assert_eq!(api.message.as_deref(), Some("Cafe not found"));

    // A 2xx body that is not the asked-for type is a decode error naming `raw`.
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({ "id": 7 }))).await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "decoded, then the error is inspected")]
    struct Item {
        id: String,
    }
    let err = client
        .raw(Method::GET, "/x")
        .send_json::<Item>()
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            operation, path, ..
        } => assert_eq!((operation, path.as_str()), ("raw", "id")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn raw_requests_are_retried_only_when_idempotent() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = client_for(&server, |b| b.retry(fast_retries()));
    client.raw(Method::GET, "/status").send().await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 3);
    client
        .raw(Method::POST, "/status")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 4, "a POST is sent once");
    client
        .raw(Method::PUT, "/status")
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        requests(&server).await.len(),
        5,
        "the per-request policy applies"
    );
}

#[tokio::test]
async fn raw_paths_that_would_leave_the_base_url_are_refused_unsent() {
    let server = serve(ResponseTemplate::new(200)).await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    for path in [
        "",
        "admin",
        "http://127.0.0.1:1/steal",
        "//127.0.0.1:1/steal",
        "/../admin",
        "/a/./b",
        "/a/%2E%2e/admin",
        "/a\\..\\..\\admin",
        "/a/.\n./admin",
        "/items?page=2",
        "/items#top",
    ] {
        let err = client.raw(Method::GET, path).send().await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{path:?}: {err:?}");
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn raw_invalid_query_fails_before_sending() {
    let server = serve(ResponseTemplate::new(200)).await;
    let client = client_for(&server, |b| b);
    let err = client
        .raw(Method::GET, "/items")
        .query(&json!({ "nested": { "not": "a pair" } }))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(requests(&server).await.is_empty());
}

// -------------------------------------------------------------------------------- pages

async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    for page in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": [link(&format!("p{page}a")), link(&format!("p{page}b"))],
                "meta": { "currentPage": page, "totalPages": 3 }
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn a_page_iterates_by_value_and_by_reference() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "data": [link("p2a"), link("p2b")],
        "meta": { "currentPage": 2, "totalPages": 3 }
    })))
    .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let page = client.links().list().page(2).send().await.unwrap();
    let mut names = Vec::new();
    for link in &page {
        names.push(link.name.clone());
    }
    assert_eq!(names, ["p2a", "p2b"]);
    assert_eq!(page.next_page(), Some(3));
    let mut owned = Vec::new();
    for link in page {
        owned.push(link.name);
    }
    assert_eq!(owned, ["p2a", "p2b"]);
}

#[tokio::test]
async fn pages_streams_every_page_lazily() {
    let server = three_pages().await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let mut pages = client.links().list().size(2).pages();

    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(
        (first.current_page, first.total_pages, first.len()),
        (1, 3, 2)
    );
    assert_eq!(
        requests(&server).await.len(),
        1,
        "only the first page is fetched"
    );

    let rest: Vec<Page<_>> = pages.map(|page| page.unwrap()).collect().await;
    let numbers: Vec<i64> = rest.iter().map(|page| page.current_page).collect();
    assert_eq!(numbers, [2, 3]);
    assert_eq!(rest[1].items[1].name, "p3b");
    let requests = requests(&server).await;
    let queries: Vec<_> = requests
        .iter()
        .map(|r| r.url.query().unwrap().to_owned())
        .collect();
    assert_eq!(queries, ["page=1&size=2", "page=2&size=2", "page=3&size=2"]);
}

#[tokio::test]
async fn pages_carry_the_per_request_settings() {
    let server = three_pages().await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let pages: Vec<_> = client
        .links()
        .list()
        .header("x-export", "nightly")
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    for request in requests(&server).await {
        assert_eq!(header_values(&request, "x-export"), ["nightly"]);
    }
}
