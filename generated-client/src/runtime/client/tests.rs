//! Auth variants and request plumbing; the common request behaviour over HTTP is covered
//! in `tests/runtime.rs`.

use reqwest::Method;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::runtime::api::{KEYED, Scheme};

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
    security: &[&[0]],
};

static QUERY_API: ApiInfo = ApiInfo {
    title: "Query",
    default_base_url: "",
    env_prefix: "QUERYAPI",
    user_agent: "query-test/1",
    schemes: &[Scheme {
        name: "apiKey",
        env: "QUERYAPI_API_KEY",
        auth: Auth::Query { name: "api_key" },
    }],
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};

static BASIC_API: ApiInfo = ApiInfo {
    title: "Basic",
    default_base_url: "",
    env_prefix: "BASICAPI",
    user_agent: "basic-test/1",
    schemes: &[Scheme {
        name: "apiKey",
        env: "BASICAPI_API_KEY",
        auth: Auth::Basic,
    }],
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};

/// An API whose `status` operation is public (`security: []`) and `links` is not.
static MIXED_API: ApiInfo = ApiInfo {
    title: "Mixed",
    default_base_url: "",
    env_prefix: "MIXEDAPI",
    user_agent: "mixed-test/1",
    schemes: &[Scheme {
        name: "apiKey",
        env: "MIXEDAPI_API_KEY",
        auth: Auth::Header {
            name: "Authorization",
            prefix: "Bearer ",
        },
    }],
    public_operations: true,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};

static PUBLIC_OP: Operation = Operation {
    id: "getStatus",
    method: Method::GET,
    path: "/status",
    scopes: &[],
    security: &[],
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
    schemes: &[Scheme {
        name: "apiKey",
        env: "HEADERAPI_API_KEY",
        auth: Auth::Header {
            name: "X-Api-Key",
            prefix: "",
        },
    }],
    public_operations: false,
    too_many_requests: crate::runtime::TooManyRequests::RateLimit,
    drift: "",
};

static COOKIE_API: ApiInfo = ApiInfo {
    title: "Cookie",
    default_base_url: "",
    env_prefix: "COOKIEAPI",
    user_agent: "cookie-test/1",
    schemes: &[Scheme {
        name: "apiKey",
        env: "COOKIEAPI_API_KEY",
        auth: Auth::Header {
            name: "Cookie",
            prefix: "session=",
        },
    }],
    public_operations: false,
    too_many_requests: crate::runtime::TooManyRequests::RateLimit,
    drift: "",
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

/// The server the API redirects to: the test fails (on drop) if it is ever contacted.
async fn never_contacted() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn redirects_to_another_host_or_port_are_not_followed_for_any_auth() {
    let api = MockServer::start().await;
    let elsewhere = never_contacted().await;
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
        .execute_with(&OP, "/links", &options, &|rb| rb)
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
    security: &[&[0]],
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

/// An API with several schemes, each sent its own way: `clientId` (header), `token`
/// (query), `bearer` (`Authorization: Bearer`), and two cookies.
static MULTI_API: ApiInfo = ApiInfo {
    title: "Multi",
    default_base_url: "",
    env_prefix: "MULTI",
    user_agent: "multi-test/1",
    schemes: &[
        Scheme {
            name: "clientId",
            env: "MULTI_CLIENT_ID",
            auth: Auth::Header {
                name: "X-Client-Id",
                prefix: "",
            },
        },
        Scheme {
            name: "token",
            env: "MULTI_TOKEN",
            auth: Auth::Query { name: "token" },
        },
        Scheme {
            name: "bearer",
            env: "MULTI_BEARER",
            auth: Auth::Header {
                name: "Authorization",
                prefix: "Bearer ",
            },
        },
        Scheme {
            name: "session",
            env: "MULTI_SESSION",
            auth: Auth::Header {
                name: "Cookie",
                prefix: "session=",
            },
        },
        Scheme {
            name: "csrf",
            env: "MULTI_CSRF",
            auth: Auth::Header {
                name: "Cookie",
                prefix: "csrf=",
            },
        },
    ],
    public_operations: true,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};

/// Needs `clientId` + `token` + `bearer` together.
static AND_OP: Operation = Operation {
    id: "allThree",
    method: Method::GET,
    path: "/and",
    scopes: &[],
    security: &[&[0, 1, 2]],
};

/// Needs `clientId` + `token`, or else `bearer`.
static OR_OP: Operation = Operation {
    id: "eitherWay",
    method: Method::GET,
    path: "/or",
    scopes: &[],
    security: &[&[0, 1], &[2]],
};

/// Needs both cookies.
static COOKIES_OP: Operation = Operation {
    id: "cookies",
    method: Method::GET,
    path: "/cookies",
    scopes: &[],
    security: &[&[3, 4]],
};

/// `bearer` if the client has it, else nothing (`[{bearer: []}, {}]`).
static OPTIONAL_OP: Operation = Operation {
    id: "optional",
    method: Method::GET,
    path: "/optional",
    scopes: &[],
    security: &[&[2], &[]],
};

fn multi_client(server: &MockServer, credentials: &[(&str, &str)]) -> Client {
    credentials
        .iter()
        .fold(
            ClientBuilder::for_api(&MULTI_API),
            |builder, (scheme, value)| builder.credential_for(scheme, *value),
        )
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

const EVERY_CREDENTIAL: &[(&str, &str)] = &[
    ("clientId", "id-1"),
    ("token", "tok-2"),
    ("bearer", "jwt-3"),
    ("session", "ses-4"),
    ("csrf", "csrf-5"),
];

/// The credential-bearing parts of the one request `server` received: the headers among
/// `X-Client-Id`, `Authorization` and `Cookie`, and the query.
async fn sent_credentials(server: &MockServer) -> (Vec<(String, String)>, Option<String>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    let mut headers: Vec<(String, String)> = ["x-client-id", "authorization", "cookie"]
        .into_iter()
        .flat_map(|name| {
            request
                .headers
                .get_all(name)
                .iter()
                .map(move |v| (name.to_owned(), v.to_str().unwrap().to_owned()))
        })
        .collect();
    headers.sort();
    (headers, request.url.query().map(str::to_owned))
}

/// A server that answers every `GET` with `204`.
async fn accepting_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn an_and_requirement_sends_every_scheme_of_it_and_nothing_else() {
    let server = accepting_server().await;
    let client = multi_client(&server, EVERY_CREDENTIAL);
    client.execute(&AND_OP, "/and", |rb| rb).await.unwrap();
    let (headers, query) = sent_credentials(&server).await;
    assert_eq!(
        headers,
        pairs(&[("authorization", "Bearer jwt-3"), ("x-client-id", "id-1")])
    );
    assert_eq!(query.as_deref(), Some("token=tok-2"));
}

#[tokio::test]
async fn the_first_alternative_the_client_can_meet_is_sent() {
    // Everything held: the first alternative (`clientId` + `token`), not `bearer`.
    let server = accepting_server().await;
    let client = multi_client(&server, EVERY_CREDENTIAL);
    client.execute(&OR_OP, "/or", |rb| rb).await.unwrap();
    let (headers, query) = sent_credentials(&server).await;
    assert_eq!(headers, pairs(&[("x-client-id", "id-1")]));
    assert_eq!(query.as_deref(), Some("token=tok-2"));

    // Only `bearer` (and `clientId`, which alone meets nothing): the second alternative.
    let server = accepting_server().await;
    let client = multi_client(&server, &[("bearer", "jwt-3"), ("clientId", "id-1")]);
    client.execute(&OR_OP, "/or", |rb| rb).await.unwrap();
    let (headers, query) = sent_credentials(&server).await;
    assert_eq!(headers, pairs(&[("authorization", "Bearer jwt-3")]));
    assert_eq!(query, None);
}

#[tokio::test]
async fn two_cookie_credentials_share_one_cookie_header() {
    let server = accepting_server().await;
    let client = multi_client(&server, EVERY_CREDENTIAL);
    client
        .execute(&COOKIES_OP, "/cookies", |rb| rb)
        .await
        .unwrap();
    let (headers, query) = sent_credentials(&server).await;
    assert_eq!(headers, pairs(&[("cookie", "session=ses-4; csrf=csrf-5")]));
    assert_eq!(query, None);
}

#[tokio::test]
async fn an_empty_alternative_sends_nothing_when_no_other_is_met() {
    let server = accepting_server().await;
    let client = multi_client(&server, &[("clientId", "id-1")]);
    client
        .execute(&OPTIONAL_OP, "/optional", |rb| rb)
        .await
        .unwrap();
    let (headers, query) = sent_credentials(&server).await;
    assert_eq!(headers, Vec::new());
    assert_eq!(query, None);
}

#[tokio::test]
async fn a_requirement_the_client_cannot_meet_is_config_naming_what_is_missing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let client = multi_client(&server, &[("bearer", "jwt-3")]);
    let err = client.execute(&AND_OP, "/and", |rb| rb).await.unwrap_err();
    let Error::Config(message) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        message,
        "missing credentials: allThree needs `clientId` + `token` + `bearer`; the client lacks \
         `clientId`, `token` (set them with ClientBuilder::credential_for or MULTI_CLIENT_ID, \
         MULTI_TOKEN)"
    );
    assert!(!message.contains("jwt-3"), "{message}");
}

#[test]
fn an_unknown_scheme_name_fails_the_build() {
    let err = ClientBuilder::for_api(&MULTI_API)
        .credential_for("clientID", "id-1")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no security scheme named \"clientID\""),
        "{err}"
    );
    assert!(!err.to_string().contains("id-1"), "{err}");
}

#[test]
fn every_credential_is_redacted_from_debug() {
    let builder = EVERY_CREDENTIAL
        .iter()
        .fold(
            ClientBuilder::for_api(&MULTI_API),
            |builder, (scheme, value)| builder.credential_for(scheme, *value),
        )
        .base_url("http://127.0.0.1:9");
    let client = builder.clone().build().unwrap();
    for text in [format!("{builder:?}"), format!("{client:?}")] {
        for (_, value) in EVERY_CREDENTIAL {
            assert!(!text.contains(value), "{value} leaked: {text}");
        }
        assert!(
            text.contains(r#"credentials: {"clientId": ***, "token": ***, "bearer": ***"#),
            "{text}"
        );
    }
}

#[test]
fn from_env_reads_one_variable_per_scheme() {
    let client = ClientBuilder::from_lookup(&MULTI_API, |name| match name {
        "MULTI_CLIENT_ID" => Some("id-1\n".to_owned()),
        "MULTI_BEARER" => Some("jwt-3".to_owned()),
        "MULTI_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .unwrap();
    let held: Vec<Option<&str>> = client
        .inner
        .credentials
        .iter()
        .map(|c| c.as_ref().map(|c| c.0.as_str()))
        .collect();
    assert_eq!(held, [Some("id-1"), None, Some("jwt-3"), None, None]);
    let err = ClientBuilder::from_lookup(&MULTI_API, |_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        Error::Config(
            "none of the environment variables MULTI_CLIENT_ID, MULTI_TOKEN, MULTI_BEARER, \
             MULTI_SESSION, MULTI_CSRF is set"
                .to_owned()
        )
        .to_string()
    );
}

#[test]
fn no_scheme_header_can_be_set_per_request() {
    for name in ["X-Client-Id", "authorization", "Cookie"] {
        let mut options = RequestOptions::default();
        options.add_header(name, "x");
        let err = options.checked_headers("op", &MULTI_API).unwrap_err();
        assert!(
            err.to_string().contains("carries the client's credential"),
            "{name}: {err}"
        );
    }
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    let api = MockServer::start().await;
    let elsewhere = never_contacted().await;
    Mock::given(path("/and"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/stolen", elsewhere.uri())),
        )
        .mount(&api)
        .await;
    let client = multi_client(&api, EVERY_CREDENTIAL);
    let err = client.execute(&AND_OP, "/and", |rb| rb).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    let text = format!("{err} {err:?}");
    for (_, value) in EVERY_CREDENTIAL {
        assert!(!text.contains(value), "{value} leaked: {text}");
    }
}
