//! Auth variants and request plumbing; the common request behaviour over HTTP is covered
//! in `tests/runtime.rs`.

use reqwest::Method;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

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
};

static BASIC_API: ApiInfo = ApiInfo {
    title: "Basic",
    default_base_url: "",
    env_prefix: "BASICAPI",
    user_agent: "basic-test/1",
    auth: Auth::Basic,
    public_operations: false,
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
    let client = Client::builder()
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
    let client = Client::builder()
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
    let client = Client::new(KEY);
    send_sync(&client);
    send(&client.execute(&OP, "/links", |rb| rb));
}

#[test]
fn retry_after_seconds() {
    let mut headers = reqwest::header::HeaderMap::new();
    assert_eq!(retry_after(&headers), None);
    headers.insert(RETRY_AFTER, HeaderValue::from_static(" 3 "));
    assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(retry_after(&headers), None);
}
