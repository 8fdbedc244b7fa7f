//! The runtime over real HTTP against a wiremock server on 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use prolinksqr::__private::{
    ByNumber, Endpoint, Operation, PageNumber, Paginated, RawResponse, cookie, decode_json,
    encode_path,
};
use prolinksqr::{Client, Error, FilePart, Page, RetryPolicy};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

static LIST_LINKS: Operation = Operation {
    id: "listLinks",
    method: Method::GET,
    path: "/links",
    scopes: &["links.read"],
    security: &[&[0]],
};

static CREATE_FOLDER: Operation = Operation {
    id: "createFolder",
    method: Method::POST,
    path: "/folders",
    scopes: &["folders.create"],
    security: &[&[0]],
};

static UPDATE_PROFILE: Operation = Operation {
    id: "updateCafeProfile",
    method: Method::PUT,
    path: "/cafes/{id}/profile",
    scopes: &["cafe.update"],
    security: &[&[0]],
};

// Serialize: a page stream compares pages by their items' JSON.
#[derive(Debug, Deserialize, serde::Serialize, PartialEq)]
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
    // A page-numbered list as the generated code describes one: the runtime's one request
    // type streams it.
    #[derive(Debug, Clone)]
    struct ListPages {
        page: Option<i64>,
    }
    impl Endpoint for ListPages {
        type Output = Page<Link>;
        const OPERATION: &'static Operation = &LIST_LINKS;
        fn path(&self) -> std::borrow::Cow<'static, str> {
            "/links".into()
        }
        fn build(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
            request.query(&[("page", self.page)])
        }
        fn decode(&self, raw: RawResponse) -> prolinksqr::Result<Page<Link>> {
            let list: LinkList = decode_json(&LIST_LINKS, raw)?;
            Ok(Page::new(
                list.data,
                list.meta.current_page,
                list.meta.total_pages,
            ))
        }
    }
    impl PageNumber for ListPages {
        const LAYOUT: [&'static [&'static str]; 3] =
            [&["data"], &["meta", "currentPage"], &["meta", "totalPages"]];
        fn page_number(&self) -> i64 {
            self.page.unwrap_or(1)
        }
        fn set_page_number(&mut self, page: i64) {
            self.page = Some(page);
        }
    }
    impl Paginated for ListPages {
        type Item = Link;
        type Paging = ByNumber;
        fn items(page: Page<Link>) -> Vec<Link> {
            page.into_iter().collect()
        }
    }
    let stream = prolinksqr::Request::new(&client(&server), ListPages { page: None }).stream();
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
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let builder = || {
        Client::builder()
            .credential(KEY)
            .base_url(server.uri())
            .retry(RetryPolicy::none())
    };
    let client = builder().build().unwrap();
    // Only the call that must time out has a short timeout: on a loaded machine even a
    // quick answer can take longer than that.
    let impatient = builder()
        .timeout(Duration::from_millis(50))
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
    let transport = impatient
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

// ---------------------------------------------------------------------------------------
// Hostile or broken servers: a raw HTTP/1.1 server on 127.0.0.1 that can send what
// wiremock cannot (endless bodies, connections closed mid-body).

static DELETE_LINK: Operation = Operation {
    id: "deleteLink",
    method: Method::DELETE,
    path: "/links/{id}",
    scopes: &["links.delete"],
    security: &[&[0]],
};

/// Starts a server that reads each request's head and hands connection number `n`
/// (0-based) to `respond`; returns its base URL and the number of connections so far.
async fn raw_server<F, Fut>(respond: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(usize, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buf[..read]),
                    }
                }
                respond(n, stream).await;
            });
        }
    });
    (url, connections)
}

/// Writes `head` (a status line and headers, without the blank line) with a chunked body
/// of `chunk` repeated until the client goes away.
async fn endless(mut stream: TcpStream, head: &str, chunk: &[u8]) {
    let head = format!("{head}\r\nTransfer-Encoding: chunked\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
    framed.extend_from_slice(chunk);
    framed.extend_from_slice(b"\r\n");
    while stream.write_all(&framed).await.is_ok() {}
}

async fn complete(mut stream: TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    // Wait for the client to close, so it reads everything first.
    let _ = stream.read(&mut [0u8; 1]).await;
}

fn raw_client(url: &str) -> prolinksqr::ClientBuilder {
    Client::builder()
        .credential(KEY)
        .base_url(url)
        .timeout(Duration::from_secs(10))
        .retry(fast_retry())
}

#[tokio::test]
async fn endless_success_body_stops_at_the_configured_limit() {
    let (url, _) =
        raw_server(|_, stream| endless(stream, "HTTP/1.1 200 OK", &[b'x'; 16 * 1024])).await;
    let client = raw_client(&url)
        .max_response_body(1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                operation: "listLinks",
                status: StatusCode::OK,
                limit: 1_048_576
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn endless_success_body_stops_at_the_default_limit_of_64_mib() {
    let (url, _) =
        raw_server(|_, stream| endless(stream, "HTTP/1.1 200 OK", &[b'x'; 256 * 1024])).await;
    let client = raw_client(&url).build().unwrap();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == 64 * 1024 * 1024),
        "{err:?}"
    );
}

#[tokio::test]
async fn declared_length_over_the_limit_fails_before_the_body_is_read() {
    // The server declares 1 GiB and then sends nothing: only the header can end the call.
    let (url, _) = raw_server(|_, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.read(&mut [0u8; 1]).await;
    })
    .await;
    let client = raw_client(&url).max_response_body(1000).build().unwrap();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    // A body exactly at the limit is fine.
    let (url, _) = raw_server(|_, stream| complete(stream, "200 OK", "[1,2]")).await;
    let client = raw_client(&url).max_response_body(5).build().unwrap();
    assert_eq!(call(&client, &LIST_LINKS).await.unwrap(), json!([1, 2]));
}

#[tokio::test]
async fn endless_error_body_keeps_a_bounded_prefix() {
    let (url, _) =
        raw_server(|_, stream| endless(stream, "HTTP/1.1 404 Not Found", "é<html>".as_bytes()))
            .await;
    let client = raw_client(&url).build().unwrap();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let api = err.api_error().unwrap();
    assert!(api.body_truncated);
    assert!(
        api.body.len() <= prolinksqr::ERROR_BODY_LIMIT,
        "{}",
        api.body.len()
    );
    assert!(
        api.body.len() > prolinksqr::ERROR_BODY_LIMIT - 8,
        "{}",
        api.body.len()
    );
    // Cut at a character boundary, not into a replacement character.
    assert!(!api.body.contains('\u{FFFD}'));
    assert!(format!("{err:?}").len() < prolinksqr::ERROR_BODY_LIMIT + 1024);

    // A complete short error body is kept whole.
    let (url, _) =
        raw_server(|_, stream| complete(stream, "400 Bad Request", r#"{"message":"no"}"#)).await;
    let err = call(&raw_client(&url).build().unwrap(), &LIST_LINKS)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert!(!api.body_truncated);
    assert_eq!(api.body, r#"{"message":"no"}"#);
}

#[tokio::test]
async fn body_of_a_retried_503_is_not_read() {
    // The first answer is a 503 whose body never ends; reading it would last until the
    // timeout (10 s here).
    let (url, connections) = raw_server(|n, stream| async move {
        match n {
            0 => endless(stream, "HTTP/1.1 503 Service Unavailable", &[b'x'; 4096]).await,
            _ => complete(stream, "200 OK", r#"{"ok":true}"#).await,
        }
    })
    .await;
    let client = raw_client(&url).build().unwrap();
    let started = Instant::now();
    assert_eq!(
        call(&client, &LIST_LINKS).await.unwrap(),
        json!({"ok": true})
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

/// Connection 0 sends headers and part of the body, then closes; the others answer fully.
async fn closes_mid_body_once(n: usize, mut stream: TcpStream) {
    if n == 0 {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"da";
        let _ = stream.write_all(head.as_bytes()).await;
    } else {
        complete(stream, "200 OK", r#"{"ok":true}"#).await;
    }
}

#[tokio::test]
async fn get_whose_connection_closed_mid_body_is_retried() {
    let (url, connections) = raw_server(closes_mid_body_once).await;
    let client = raw_client(&url).build().unwrap();
    assert_eq!(
        call(&client, &LIST_LINKS).await.unwrap(),
        json!({"ok": true})
    );
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn post_whose_connection_closed_mid_body_is_not_retried() {
    let (url, connections) = raw_server(closes_mid_body_once).await;
    let client = raw_client(&url).build().unwrap();
    let err = call(&client, &CREATE_FOLDER).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retry_after_seconds_is_waited_in_full() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(1)))
        .mount(&server)
        .await;
    // max_backoff is 20 ms: the server's second used to be cut to that.
    let started = Instant::now();
    assert_eq!(call(&client(&server), &LIST_LINKS).await.unwrap(), json!(1));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_ceiling_is_not_retried() {
    for value in ["120", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", value))
            .mount(&server)
            .await;
        let started = Instant::now();
        let err = call(&client(&server), &LIST_LINKS).await.unwrap_err();
        assert_eq!(
            err.status(),
            Some(StatusCode::SERVICE_UNAVAILABLE),
            "{value}"
        );
        assert!(started.elapsed() < Duration::from_secs(1), "{value}");
        assert_eq!(requests(&server).await.len(), 1, "{value}");
    }
}

#[tokio::test]
async fn retry_after_as_a_past_date_retries_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(1)))
        .mount(&server)
        .await;
    let client = raw_client(&server.uri())
        .retry(fast_retry().max_retry_after(Duration::ZERO))
        .build()
        .unwrap();
    assert_eq!(call(&client, &LIST_LINKS).await.unwrap(), json!(1));
}

#[tokio::test]
async fn deadline_bounds_all_attempts_together() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    let client = raw_client(&server.uri())
        .retry(
            fast_retry()
                .max_retries(20)
                .deadline(Duration::from_millis(500)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    let elapsed = started.elapsed();
    // Without a deadline: 21 attempts of 200 ms.
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    assert!(err.is_timeout() || err.is_server_error(), "{err:?}");
    assert!(requests(&server).await.len() <= 3);
}

#[tokio::test]
async fn deadline_cuts_the_timeout_of_an_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = raw_client(&server.uri())
        .retry(RetryPolicy::none().deadline(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn empty_path_parameter_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    for path in [
        "/links/",
        "/links/%2E",
        &format!("/links/{}", encode_path("")),
    ] {
        let err = client
            .execute(&DELETE_LINK, path, |rb| rb)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{path}: {err:?}");
    }
    assert!(requests(&server).await.is_empty());
    // A parameter that is not empty still goes through.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let path = format!("/cafes/{}/profile", encode_path(" "));
    static GET_PROFILE: Operation = Operation {
        id: "getCafeProfile",
        method: Method::GET,
        path: "/cafes/{id}/profile",
        scopes: &[],
        security: &[&[0]],
    };
    client.execute(&GET_PROFILE, &path, |rb| rb).await.unwrap();
}

#[tokio::test]
async fn cookie_values_reach_the_wire_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .execute(&LIST_LINKS, "/links", |rb| {
            rb.header("Cookie", cookie("theme", "v; admin=true"))
        })
        .await
        .unwrap();
    let reqs = requests(&server).await;
    let cookies: Vec<_> = reqs[0].headers.get_all("cookie").iter().collect();
    assert_eq!(cookies, ["theme=v%3B%20admin=true"]);
}

#[tokio::test]
async fn multipart_file_name_cannot_add_part_headers() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let logo = FilePart::new(&b"\x89PNG fake"[..])
        .file_name("logo.png\"\r\nContent-Type: text/html\r\nX-Evil: 1");
    client(&server)
        .execute(&UPDATE_PROFILE, "/cafes/c1/profile", |rb| {
            rb.multipart(reqwest::multipart::Form::new().part("logo", logo.to_part()))
        })
        .await
        .unwrap();
    let reqs = requests(&server).await;
    let body = String::from_utf8_lossy(&reqs[0].body);
    let part_head = body
        .split("\r\n")
        .skip_while(|line| !line.starts_with("Content-Disposition"))
        .take_while(|line| !line.is_empty())
        .collect::<Vec<_>>();
    assert_eq!(
        part_head,
        [
            "Content-Disposition: form-data; name=\"logo\"; \
             filename=\"logo.png%22%0D%0AContent-Type: text/html%0D%0AX-Evil: 1\"",
            "Content-Type: application/octet-stream",
        ],
        "{body}"
    );
}

#[tokio::test]
async fn server_control_characters_are_escaped_in_display_only() {
    let server = MockServer::start().await;
    let message = "bad \u{1b}[31mred\u{1b}[0m \u{7} \u{202e}txt.exe";
    Mock::given(path("/links"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({ "message": message })))
        .mount(&server)
        .await;
    Mock::given(path("/decode"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"name": 1}], "meta": {"\u{1b}]0;x\u{7}": 1}})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let err = call(&client, &LIST_LINKS).await.unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        "listLinks: 400 Bad Request: bad \\u{1b}[31mred\\u{1b}[0m \\u{7} \\u{202e}txt.exe"
    );
    assert_eq!(err.api_error().unwrap().message.as_deref(), Some(message));
    // The raw body is as sent (JSON spells ESC `\u001b`).
    assert!(err.api_error().unwrap().body.contains("\\u001b[31m"));

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "fields exist to be decoded")]
    struct Strict {
        meta: std::collections::BTreeMap<String, String>,
    }
    let raw = client
        .execute(&LIST_LINKS, "/decode", |rb| rb)
        .await
        .unwrap();
    let err = decode_json::<Strict>(&LIST_LINKS, raw).unwrap_err();
    let text = err.to_string();
    assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
    assert!(text.contains("\\u{1b}]0;x\\u{7}"), "{text}");
}
