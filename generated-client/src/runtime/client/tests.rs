//! Auth variants and request plumbing; the common request behaviour over HTTP is covered
//! in `tests/runtime.rs`.

use reqwest::Method;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::runtime::api::KEYED;

/// What `Client::new` builds, for [`KEYED`].
fn keyed_client(key: &str) -> Client {
    ClientBuilder::for_api(&KEYED)
        .credential(key)
        .assemble(false)
        .unwrap()
}

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

static OP: Operation = Operation {
    id: "listLinks",
    method: Method::GET,
    path: "/links",
    scopes: &["links.read"],
    auth: true,
};

static QUERY_API: ApiInfo = ApiInfo {
    title: "Query",
    default_base_url: "",
    env_prefix: "QUERYAPI",
    user_agent: "query-test/1",
    auth: Auth::Query { name: "api_key" },
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
};

static BASIC_API: ApiInfo = ApiInfo {
    title: "Basic",
    default_base_url: "",
    env_prefix: "BASICAPI",
    user_agent: "basic-test/1",
    auth: Auth::Basic,
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
};

/// An API whose `status` operation is public (`security: []`) and `links` is not.
static MIXED_API: ApiInfo = ApiInfo {
    title: "Mixed",
    default_base_url: "",
    env_prefix: "MIXEDAPI",
    user_agent: "mixed-test/1",
    auth: Auth::Header {
        name: "Authorization",
        prefix: "Bearer ",
    },
    public_operations: true,
    too_many_requests: TooManyRequests::RateLimit,
};

static PUBLIC_OP: Operation = Operation {
    id: "getStatus",
    method: Method::GET,
    path: "/status",
    scopes: &[],
    auth: false,
};

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "credential leaked: {text}");
    assert!(
        !text.contains("0123456789abcdef"),
        "credential leaked: {text}"
    );
}

#[tokio::test]
async fn unsendable_credential_from_new_fails_each_request_with_config() {
    // What `Client::new` builds (no validation), pointed at a local server that must see
    // nothing: the stored header error fails each request before it is sent.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&KEYED)
        .credential(format!("{KEY}\r\n"))
        .base_url(server.uri())
        .assemble(false)
        .unwrap();
    for _ in 0..2 {
        let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(
            err.to_string().contains("cannot be sent in a header"),
            "{err}"
        );
        assert_no_key(&format!("{err} {err:?}"));
    }
    let client = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .user_agent("bad\nagent")
        .base_url(server.uri())
        .assemble(false)
        .unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(err.to_string().contains("invalid user agent"), "{err}");
}

#[tokio::test]
async fn query_auth_sends_the_parameter_and_hides_it_in_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(query_param("api_key", KEY))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&QUERY_API)
        .credential(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    client
        .execute(&OP, "/links", |rb| rb.query(&[("page", 2)]))
        .await
        .unwrap();

    // A refused connection yields a transport error that would normally quote the URL.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ClientBuilder::for_api(&QUERY_API)
        .credential(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_no_key(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn public_operations_are_sent_without_the_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&MIXED_API)
        .credential(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    client
        .execute(&PUBLIC_OP, "/status", |rb| rb)
        .await
        .unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let auth_of = |path: &str| {
        let request = requests.iter().find(|r| r.url.path() == path).unwrap();
        request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(auth_of("/status"), None);
    assert_eq!(auth_of("/links"), Some(format!("Bearer {KEY}")));
}

#[tokio::test]
async fn without_a_key_only_public_operations_can_be_called() {
    let server = MockServer::start().await;
    Mock::given(path("/status"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/links"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&MIXED_API)
        .base_url(server.uri())
        .build()
        .expect("a keyless client is allowed when some operations are public");
    client
        .execute(&PUBLIC_OP, "/status", |rb| rb)
        .await
        .unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("missing API key: listLinks needs one"),
        "{err}"
    );
    // Without public operations, a keyless client is refused when it is built.
    let err = ClientBuilder::for_api(&QUERY_API)
        .base_url(server.uri())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("missing API key"), "{err}");
}

#[tokio::test]
async fn basic_auth_base64_encodes_user_and_password() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&BASIC_API)
        .credential("user:pass")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
}

#[test]
fn client_and_requests_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let client = keyed_client(KEY);
    send_sync(&client);
    send(&client.execute(&OP, "/links", |rb| rb));
}

static CUSTOM_HEADER_API: ApiInfo = ApiInfo {
    title: "Custom header",
    default_base_url: "",
    env_prefix: "HEADERAPI",
    user_agent: "header-test/1",
    auth: Auth::Header {
        name: "X-Api-Key",
        prefix: "",
    },
    public_operations: false,
    too_many_requests: crate::runtime::TooManyRequests::RateLimit,
};

static COOKIE_API: ApiInfo = ApiInfo {
    title: "Cookie",
    default_base_url: "",
    env_prefix: "COOKIEAPI",
    user_agent: "cookie-test/1",
    auth: Auth::Header {
        name: "Cookie",
        prefix: "session=",
    },
    public_operations: false,
    too_many_requests: crate::runtime::TooManyRequests::RateLimit,
};

/// Every way a credential can travel, with the credential each one is given.
fn every_auth(base_url: &str) -> Vec<(&'static str, Client)> {
    let build = |api: &'static ApiInfo, credential: &str| {
        ClientBuilder::for_api(api)
            .credential(credential)
            .base_url(base_url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    vec![
        (
            "Authorization header",
            ClientBuilder::for_api(&KEYED)
                .credential(KEY)
                .base_url(base_url)
                .build()
                .unwrap(),
        ),
        ("X-Api-Key header", build(&CUSTOM_HEADER_API, KEY)),
        ("cookie", build(&COOKIE_API, KEY)),
        ("query parameter", build(&QUERY_API, KEY)),
        ("basic auth", build(&BASIC_API, &format!("user:{KEY}"))),
    ]
}

#[tokio::test]
async fn redirects_to_another_host_or_port_are_not_followed_for_any_auth() {
    let api = MockServer::start().await;
    // The server the API redirects to: it must never be contacted.
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let port = elsewhere.address().port();
    let targets = [
        format!("http://127.0.0.1:{port}/links"),
        format!("http://localhost:{port}/links"),
    ];
    let clients = every_auth(&api.uri());
    for status in [301, 302, 303, 307, 308] {
        for (i, target) in targets.iter().enumerate() {
            let route = format!("/r{status}-{i}");
            Mock::given(path(route.as_str()))
                .respond_with(
                    ResponseTemplate::new(status).insert_header("Location", target.as_str()),
                )
                .mount(&api)
                .await;
            for (auth, client) in &clients {
                let err = client.execute(&OP, &route, |rb| rb).await.unwrap_err();
                assert!(err.is_redirect(), "{auth}, {status} to {target}: {err:?}");
                assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
                assert!(err.to_string().contains("redirect not followed"), "{err}");
                assert_no_key(&format!("{err} {err:?}"));
            }
        }
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn same_origin_redirects_are_followed_without_a_referer() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
        .mount(&server)
        .await;
    for (auth, client) in every_auth(&server.uri()) {
        let raw = client.execute(&OP, "/old", |rb| rb).await.unwrap();
        assert_eq!(raw.body.as_ref(), b"moved", "{auth}");
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 10);
    for request in &requests {
        // The Referer would be the first URL, query-parameter key included.
        assert!(!request.headers.contains_key("referer"), "{request:?}");
    }
    // A header credential goes along within the origin.
    let custom = &requests[3];
    assert_eq!(custom.url.path(), "/new");
    assert_eq!(custom.headers.get("x-api-key").unwrap(), KEY);
}

#[test]
fn redirects_may_only_stay_in_the_origin() {
    let url = |text: &str| Url::parse(text).unwrap();
    let from = url("https://api.example.com/v1/links?api_key=k");
    for to in [
        "https://api.example.com/v2/links",
        "https://api.example.com:443/x",
        "https://API.example.com/x",
    ] {
        assert!(super::super::builder::may_follow(&from, &url(to)), "{to}");
    }
    for to in [
        "http://api.example.com/v1/links",
        "https://api.example.com:8443/v1/links",
        "https://example.com/v1/links",
        "https://api.example.com.evil.test/v1/links",
    ] {
        assert!(!super::super::builder::may_follow(&from, &url(to)), "{to}");
    }
    let plain = url("http://127.0.0.1:8080/");
    assert!(!super::super::builder::may_follow(
        &plain,
        &url("http://127.0.0.1:8081/")
    ));
    assert!(!super::super::builder::may_follow(
        &plain,
        &url("https://127.0.0.1:8080/")
    ));
}

#[test]
fn debug_redacts_a_password_in_the_base_url() {
    let url = "https://user:hunter2-password@api.example.com";
    let builder = ClientBuilder::for_api(&KEYED).credential(KEY).base_url(url);
    let client = builder.clone().build().unwrap();
    for text in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
    ] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("https://***@api.example.com"), "{text}");
    }
    let err = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .base_url("https://user:hunter2@api.example.com/?q=1")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn transport_errors_hide_a_password_in_the_base_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .base_url(format!("http://user:hunter2@127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn raw_requests_carry_a_query_credential_beside_their_own_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/base/things/7"))
        .and(query_param("api_key", KEY))
        .and(query_param("expand", "parts"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[1]"))
        .expect(1)
        .mount(&server)
        .await;
    let client = ClientBuilder::for_api(&QUERY_API)
        .credential(KEY)
        .base_url(format!("{}/base", server.uri()))
        .build()
        .unwrap();
    let response = client
        .raw(Method::GET, "/things/7")
        .query(&[("expand", "parts")])
        .send_json::<Vec<u8>>()
        .await
        .unwrap();
    assert_eq!(*response, [1]);
}

#[tokio::test]
async fn per_request_headers_cannot_replace_a_basic_credential() {
    let server = MockServer::start().await;
    let client = ClientBuilder::for_api(&BASIC_API)
        .credential("user:pass")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .raw(Method::GET, "/things")
        .header("authorization", "Basic b3RoZXI6b3RoZXI=")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let mut options = RequestOptions::default();
    options.add_header("Authorization", "Basic x");
    let err = client
        .execute_with(&OP, "/links", &options, |rb| rb)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// [`KEYED`] with a 429 that means a spent quota, as ProLinksQR's spec says of its own.
static QUOTA_API: ApiInfo = ApiInfo {
    too_many_requests: TooManyRequests::Quota {
        message: "API quota for the current billing cycle is exhausted",
    },
    ..KEYED
};

/// A client of `api` with [`KEY`], sending to `server`.
fn client_of(api: &'static ApiInfo, server: &MockServer, retry: RetryPolicy) -> Client {
    ClientBuilder::for_api(api)
        .credential(KEY)
        .base_url(server.uri())
        .retry(retry)
        .build()
        .unwrap()
}

static CREATE_OP: Operation = Operation {
    id: "createLink",
    method: Method::POST,
    path: "/links",
    scopes: &["links.create"],
    auth: true,
};

#[tokio::test]
async fn a_rate_limit_429_is_waited_out_and_retried_for_any_method() {
    for op in [&OP, &CREATE_OP] {
        let server = MockServer::start().await;
        Mock::given(path("/links"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/links"))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let client = client_of(&KEYED, &server, RetryPolicy::new());
        let started = std::time::Instant::now();
        client.execute(op, "/links", |rb| rb).await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{}: the retry waited for Retry-After",
            op.id
        );
        let methods: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        assert_eq!(methods, [op.method.as_str(); 2]);
    }
}

#[tokio::test]
async fn a_rate_limit_429_asking_too_long_a_wait_is_returned_with_a_neutral_message() {
    let server = MockServer::start().await;
    Mock::given(path("/links"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_json(serde_json::json!({"message": "slow down"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_of(&KEYED, &server, RetryPolicy::new());
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(err.is_too_many_requests(), "{err:?}");
    assert!(!err.is_quota_exhausted(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "listLinks: 429 Too Many Requests: slow down"
    );
}

#[tokio::test]
async fn a_quota_429_is_never_retried_and_says_what_it_means() {
    let server = MockServer::start().await;
    Mock::given(path("/links"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_of(&QUOTA_API, &server, RetryPolicy::new().max_retries(5));
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(err.is_quota_exhausted(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "listLinks: 429 Too Many Requests: API quota for the current billing cycle is exhausted"
    );
}
