//! The runtime over real HTTP against a wiremock server on 127.0.0.1.

use std::time::Duration;

use futures::StreamExt;
use prolinksqr::__private::{Operation, decode_json, encode_path, paginate};
use prolinksqr::{Client, Error, FilePart, Page, RetryPolicy};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

static LIST_LINKS: Operation = Operation {
    id: "listLinks",
    method: Method::GET,
    path: "/links",
    scopes: &["links.read"],
    auth: true,
};

static CREATE_FOLDER: Operation = Operation {
    id: "createFolder",
    method: Method::POST,
    path: "/folders",
    scopes: &["folders.create"],
    auth: true,
};

static UPDATE_PROFILE: Operation = Operation {
    id: "updateCafeProfile",
    method: Method::PUT,
    path: "/cafes/{id}/profile",
    scopes: &["cafe.update"],
    auth: true,
};

#[derive(Debug, Deserialize, PartialEq)]
struct Link {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    current_page: i64,
    total_pages: i64,
}

#[derive(Debug, Deserialize)]
struct LinkList {
    data: Vec<Link>,
    meta: Meta,
}

/// Fast retries keep the suite quick while still exercising the backoff path.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(fast_retry())
        .build()
        .unwrap()
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

async fn call(client: &Client, op: &'static Operation) -> prolinksqr::Result<serde_json::Value> {
    let raw = client.execute(op, "/links", |rb| rb).await?;
    decode_json(op, raw)
}

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "credential leaked: {text}");
    assert!(
        !text.contains("0123456789abcdef"),
        "credential leaked: {text}"
    );
}

#[tokio::test]
async fn sends_raw_key_as_basic_authorization_and_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let value = call(&client(&server), &LIST_LINKS).await.unwrap();
    assert_eq!(value, json!({"data": []}));

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let headers = &reqs[0].headers;
    assert_eq!(headers["authorization"], format!("Basic {KEY}").as_str());
    assert_eq!(
        headers["user-agent"],
        concat!("prolinksqr/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn custom_user_agent_replaces_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .user_agent("my-app/2.0")
        .build()
        .unwrap();
    call(&client, &LIST_LINKS).await.unwrap();
    assert_eq!(
        requests(&server).await[0].headers["user-agent"],
        "my-app/2.0"
    );
}

#[tokio::test]
async fn get_is_retried_through_503s_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let value = call(&client(&server), &LIST_LINKS).await.unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert_eq!(requests(&server).await.len(), 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = call(&client(&server), &CREATE_FOLDER).await.unwrap_err();
    assert!(err.is_server_error(), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn post_is_retried_when_opted_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "f1"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(fast_retry().retry_non_idempotent(true))
        .build()
        .unwrap();
    let raw = client
        .execute(&CREATE_FOLDER, "/folders", |rb| {
            rb.json(&json!({"name": "Campaigns"}))
        })
        .await
        .unwrap();
    let value: serde_json::Value = decode_json(&CREATE_FOLDER, raw).unwrap();
    assert_eq!(value["id"], "f1");
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].body_json::<serde_json::Value>().unwrap()["name"],
        "Campaigns"
    );
}

#[tokio::test]
async fn quota_exhausted_and_500_are_not_retried() {
    for status in [429, 500] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(requests(&server).await.len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn documented_statuses_map_to_predicates_and_messages() {
    type Check = fn(&Error) -> bool;
    let cases: [(u16, serde_json::Value, Check, &str); 5] = [
        (
            400,
            json!({"message": "name is required"}),
            Error::is_bad_request,
            "name is required",
        ),
        (
            401,
            json!({"error": "Invalid API key"}),
            Error::is_unauthorized,
            "Invalid API key",
        ),
        (
            403,
            json!({"message": "You do not have permission to perform this action."}),
            Error::is_forbidden,
            "You do not have permission to perform this action.",
        ),
        (
            404,
            json!({"error": "Link not found"}),
            Error::is_not_found,
            "Link not found",
        ),
        (
            429,
            json!({"message": "Quota exceeded"}),
            Error::is_quota_exhausted,
            "Quota exceeded",
        ),
    ];
    for (status, body, predicate, message) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&body))
            .mount(&server)
            .await;
        let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
        assert!(predicate(&err), "{status}: {err:?}");
        let api = err.api_error().expect("an API error");
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.message.as_deref(), Some(message));
        assert_eq!(api.operation, "listLinks");
        assert_eq!(api.required_scopes, ["links.read"]);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&api.body).unwrap(),
            body
        );

        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.starts_with(&format!("listLinks: {status} ")), "{text}");
        assert!(text.contains(message), "{text}");
        match status {
            403 => assert!(text.ends_with("(requires scope `links.read`)"), "{text}"),
            429 => assert!(text.contains("billing cycle"), "{text}"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn html_502_page_becomes_api_error_with_raw_body() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert_eq!(api.body, html);
    assert_eq!(api.message, None);
    assert!(err.is_server_error());
}

#[tokio::test]
async fn empty_401_becomes_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
    assert!(err.is_unauthorized());
    let api = err.api_error().unwrap();
    assert_eq!(api.body, "");
    assert_eq!(api.message, None);
    assert_eq!(err.to_string(), "listLinks: 401 Unauthorized");
}

#[tokio::test]
async fn undecodable_200_is_a_decode_error_with_path() {
    let cases = [
        (
            r#"{"data":[{"name":7}],"meta":{"currentPage":1,"totalPages":1}}"#,
            "data[0].name",
        ),
        (r#"{"data":[{"name":"a"},{"name":"#, "data[1].name"),
        ("not json", "."),
    ];
    for (body, expected_path) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let raw = client(&server)
            .execute(&LIST_LINKS, "/links", |rb| rb)
            .await
            .unwrap();
        let err = decode_json::<LinkList>(&LIST_LINKS, raw).unwrap_err();
        match &err {
            Error::Decode {
                operation,
                status,
                body: received,
                path,
                ..
            } => {
                assert_eq!(*operation, "listLinks");
                assert_eq!(*status, StatusCode::OK);
                assert_eq!(received, body);
                assert_eq!(path, expected_path, "{err}");
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert_eq!(err.status(), Some(StatusCode::OK));
    }
}

#[tokio::test]
async fn slow_server_is_a_timeout_transport_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_timeout());
    assert!(!err.is_connect());
    assert_eq!(err.status(), None);
    assert!(
        err.to_string().starts_with("listLinks: request timed out"),
        "{err}"
    );
}

#[tokio::test]
async fn get_timeouts_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(1)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry())
        .build()
        .unwrap();
    assert_eq!(call(&client, &LIST_LINKS).await.unwrap(), json!(1));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .credential(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(
        err.to_string().starts_with("listLinks: connection failed"),
        "{err}"
    );
}

#[tokio::test]
async fn pagination_fetches_three_pages_lazily_in_order() {
    let server = MockServer::start().await;
    for page in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": [{"name": format!("p{page}a")}, {"name": format!("p{page}b")}],
                "meta": {"currentPage": page, "totalPages": 3}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let stream = paginate(1, move |page| {
        let client = client.clone();
        async move {
            let raw = client
                .execute(&LIST_LINKS, "/links", |rb| rb.query(&[("page", page)]))
                .await?;
            let list: LinkList = decode_json(&LIST_LINKS, raw)?;
            Ok(Page {
                items: list.data,
                current_page: list.meta.current_page,
                total_pages: list.meta.total_pages,
            })
        }
    });
    futures::pin_mut!(stream);

    assert_eq!(stream.next().await.unwrap().unwrap().name, "p1a");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "only the first page is fetched"
    );
    assert_eq!(stream.next().await.unwrap().unwrap().name, "p1b");
    assert_eq!(requests(&server).await.len(), 1);

    let rest: Vec<String> = stream.map(|link| link.unwrap().name).collect().await;
    assert_eq!(rest, ["p2a", "p2b", "p3a", "p3b"]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let path = format!("/links/{}", encode_path("a b/c?"));
    client.execute(&LIST_LINKS, &path, |rb| rb).await.unwrap();
    assert_eq!(requests(&server).await[0].url.path(), "/links/a%20b%2Fc%3F");

    // `..` cannot be encoded away (URL parsers normalise `%2E%2E` too), so it is refused
    // before anything is sent.
    let path = format!("/links/{}/archive", encode_path(".."));
    let err = client
        .execute(&LIST_LINKS, &path, |rb| rb)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn multipart_body_is_rebuilt_for_each_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&server)
        .await;
    let logo = FilePart::new(&b"\x89PNG fake image"[..]).file_name("logo.png");
    let client = client(&server);
    let path = format!("/cafes/{}/profile", encode_path("c1"));
    client
        .execute(&UPDATE_PROFILE, &path, |rb| {
            let form = reqwest::multipart::Form::new()
                .text("name", "Corner Cafe")
                .part("logo", logo.to_part());
            rb.multipart(form)
        })
        .await
        .unwrap();

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let body = String::from_utf8_lossy(&req.body);
        assert!(body.contains("fake image"), "{body}");
        assert!(body.contains("filename=\"logo.png\""), "{body}");
        assert!(body.contains("Content-Type: image/png"), "{body}");
        assert!(body.contains("Corner Cafe"), "{body}");
    }
}

#[tokio::test]
async fn no_error_kind_reveals_the_credential() {
    let server = MockServer::start().await;
    Mock::given(path("/api"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "no"})))
        .mount(&server)
        .await;
    Mock::given(path("/decode"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{"))
        .mount(&server)
        .await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let api = client
        .execute(&LIST_LINKS, "/api", |rb| rb)
        .await
        .unwrap_err();
    let raw = client
        .execute(&LIST_LINKS, "/decode", |rb| rb)
        .await
        .unwrap();
    let decode = decode_json::<LinkList>(&LIST_LINKS, raw).unwrap_err();
    let transport = client
        .execute(&LIST_LINKS, "/slow", |rb| rb)
        .await
        .unwrap_err();
    let config = Client::builder()
        .credential(format!("{KEY}\n"))
        .build()
        .unwrap_err();

    assert!(matches!(api, Error::Api(_)));
    assert!(matches!(decode, Error::Decode { .. }));
    assert!(matches!(transport, Error::Transport { .. }));
    assert!(matches!(config, Error::Config(_)));
    for err in [&api, &decode, &transport, &config] {
        assert_no_key(&format!("{err}"));
        assert_no_key(&format!("{err:?}"));
        assert_no_key(&format!("{err:#?}"));
    }
    assert_no_key(&format!("{client:?}"));
    assert_no_key(&format!("{:?}", Client::builder().credential(KEY)));
}

#[test]
fn new_client_targets_the_documented_server() {
    let client = Client::new(KEY);
    assert_eq!(client.base_url(), "https://api.prolinksqr.com");
}
