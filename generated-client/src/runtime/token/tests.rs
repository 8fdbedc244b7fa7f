//! Tokens the client obtains itself, over HTTP: the client-credentials grant (what it
//! sends, caching, expiry, one fetch for concurrent calls, a renewal after a 401, a
//! refusing endpoint) and an application's provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Method;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::runtime::api::{ApiInfo, Auth, Operation, Scheme, TooManyRequests};
use crate::runtime::{AccessToken, ClientBuilder, Error, RetryPolicy};

static OAUTH_API: ApiInfo = ApiInfo {
    title: "OAuth",
    default_base_url: "",
    env_prefix: "OAUTHAPI",
    user_agent: "oauth-test/1",
    schemes: &[
        Scheme {
            name: "oauth",
            env: "OAUTHAPI_OAUTH",
            auth: Auth::ClientCredentials {
                token_url: "/oauth/token",
                scopes: &["links.read", "links.write"],
            },
        },
        Scheme {
            name: "apiKey",
            env: "OAUTHAPI_API_KEY",
            auth: Auth::Header {
                name: "X-Api-Key",
                prefix: "",
            },
        },
    ],
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};

static OP: Operation = Operation {
    id: "listLinks",
    method: Method::GET,
    path: "/links",
    scopes: &["links.read"],
    security: &[&[0]],
};

static KEYED_OP: Operation = Operation {
    id: "getKeyed",
    method: Method::GET,
    path: "/keyed",
    scopes: &[],
    security: &[&[1]],
};

const SECRET: &str = "s3cr3t-client-secret";

fn token(access_token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::for_api(&OAUTH_API)
        .client_credentials("oauth", "client-1", SECRET)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
}

/// Requests `server` received at `at`.
async fn received(server: &MockServer, at: &str) -> Vec<wiremock::Request> {
    let all = server.received_requests().await.unwrap_or_default();
    all.into_iter().filter(|r| r.url.path() == at).collect()
}

/// A server whose token endpoint gives `tok-1` (for `first_lifetime` seconds), then
/// `tok-2`.
async fn two_tokens(first_lifetime: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token("tok-1", first_lifetime))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token("tok-2", 3600))
        .mount(&server)
        .await;
    server
}

async fn links_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/links"))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_grant_sends_id_secret_and_scopes_and_the_token_is_sent_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        // base64("client-1:s3cr3t-client-secret")
        .and(header(
            "authorization",
            "Basic Y2xpZW50LTE6czNjcjN0LWNsaWVudC1zZWNyZXQ=",
        ))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "grant_type=client_credentials&scope=links.read+links.write",
        ))
        .respond_with(token("tok-1", 3600))
        .mount(&server)
        .await;
    links_ok(&server).await;
    let client = builder(&server).build().unwrap();
    for _ in 0..3 {
        client.execute(&OP, "/links", |rb| rb).await.unwrap();
    }
    assert_eq!(received(&server, "/oauth/token").await.len(), 1);
    let calls = received(&server, "/links").await;
    assert_eq!(calls.len(), 3);
    for call in calls {
        assert_eq!(call.headers["authorization"], "Bearer tok-1");
    }
}

#[tokio::test]
async fn a_token_is_renewed_shortly_before_it_expires() {
    let server = two_tokens(1).await;
    links_ok(&server).await;
    let client = builder(&server).build().unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    // A one-second token is replaced after nine tenths of its life.
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    assert_eq!(received(&server, "/oauth/token").await.len(), 2);
    let sent: Vec<_> = received(&server, "/links")
        .await
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
}

#[tokio::test]
async fn fifty_concurrent_calls_cause_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token("tok-1", 3600).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    links_ok(&server).await;
    let client = builder(&server).build().unwrap();
    let calls = (0..50).map(|_| {
        let client = client.clone();
        async move { client.execute(&OP, "/links", |rb| rb).await }
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(received(&server, "/oauth/token").await.len(), 1);
    assert_eq!(received(&server, "/links").await.len(), 50);
}

#[tokio::test]
async fn a_401_renews_the_token_and_sends_the_call_once_more() {
    let server = two_tokens(3600).await;
    Mock::given(path("/links"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    links_ok(&server).await;
    let client = builder(&server).build().unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    assert_eq!(received(&server, "/oauth/token").await.len(), 2);
    assert_eq!(received(&server, "/links").await.len(), 2);
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token("tok-1", 3600))
        .mount(&server)
        .await;
    Mock::given(path("/links"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::UNAUTHORIZED),
        "{err:?}"
    );
    assert_eq!(received(&server, "/oauth/token").await.len(), 2);
    assert_eq!(received(&server, "/links").await.len(), 2);
}

#[tokio::test]
async fn a_refusing_token_endpoint_is_a_token_error_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": format!("unknown secret {SECRET}"),
        })))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    let Error::Token {
        scheme,
        status,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*scheme, "oauth");
    assert_eq!(*status, Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(
        message,
        "the token endpoint refused: invalid_client: unknown secret ***"
    );
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(received(&server, "/links").await.is_empty());
}

#[tokio::test]
async fn an_answer_that_is_not_a_token_is_a_token_error() {
    for (body, expected) in [
        ("<html>gateway</html>", "not a JSON token response"),
        (r#"{"token_type": "Bearer"}"#, "no `access_token`"),
        (
            r#"{"access_token": "x", "token_type": "mac"}"#,
            "only bearer tokens",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/oauth/token"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        let client = builder(&server).build().unwrap();
        let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
        assert!(
            matches!(&err, Error::Token { message, .. } if message.contains(expected)),
            "{body}: {err:?}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_token_error() {
    // A port nothing listens on (wiremock keeps dropped servers running, for reuse).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = ClientBuilder::for_api(&OAUTH_API)
        .client_credentials("oauth", "client-1", SECRET)
        .base_url(uri)
        .build()
        .unwrap();
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(
        matches!(&err, Error::Token { status: None, message, .. }
            if message.starts_with("the token endpoint could not be reached")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_provider_supplies_the_token_of_a_header_scheme() {
    let server = MockServer::start().await;
    Mock::given(path("/keyed"))
        .and(header("x-api-key", "p-1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let client = ClientBuilder::for_api(&OAUTH_API)
        .token_provider("apiKey", move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    Ok(AccessToken::new("p-1"))
                } else {
                    Err("the identity service is down".into())
                }
            }
        })
        .base_url(server.uri())
        .build()
        .unwrap();
    client.execute(&KEYED_OP, "/keyed", |rb| rb).await.unwrap();
    client.execute(&KEYED_OP, "/keyed", |rb| rb).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // The OAuth scheme holds nothing: its operation is refused before sending.
    let err = client.execute(&OP, "/links", |rb| rb).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    let failing = ClientBuilder::for_api(&OAUTH_API)
        .token_provider("apiKey", || async {
            Err("the identity service is down".into())
        })
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = failing
        .execute(&KEYED_OP, "/keyed", |rb| rb)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot get an access token for `apiKey`: the token provider failed: the identity \
         service is down"
    );
}

#[tokio::test]
async fn a_fixed_token_for_a_client_credentials_scheme_is_sent_as_bearer() {
    let server = MockServer::start().await;
    links_ok(&server).await;
    let client = ClientBuilder::for_api(&OAUTH_API)
        .credential_for("oauth", "fixed-token")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.execute(&OP, "/links", |rb| rb).await.unwrap();
    let calls = received(&server, "/links").await;
    assert_eq!(calls[0].headers["authorization"], "Bearer fixed-token");
    assert!(received(&server, "/oauth/token").await.is_empty());
}

#[test]
fn the_environment_gives_client_credentials_and_debug_hides_them() {
    let builder = ClientBuilder::for_api(&OAUTH_API)
        .env_lookup(|name| match name {
            "OAUTHAPI_OAUTH_CLIENT_ID" => Some("client-1".to_owned()),
            "OAUTHAPI_OAUTH_CLIENT_SECRET" => Some(format!("{SECRET}\n")),
            _ => None,
        })
        .unwrap();
    let shown = format!("{builder:?}");
    assert!(
        shown.contains(
            r#"credentials: {"oauth": ClientCredentials { token_url: "/oauth/token", .. }}"#
        ),
        "{shown}"
    );
    let client = builder.base_url("http://127.0.0.1:9").build().unwrap();
    let shown = format!("{client:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("client-1"),
        "{shown}"
    );
}

#[test]
fn client_credentials_for_a_scheme_without_the_flow_fails_the_build() {
    let err = ClientBuilder::for_api(&OAUTH_API)
        .client_credentials("apiKey", "id", "secret")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: client_credentials: the security scheme \"apiKey\" has \
         no OAuth2 client-credentials flow"
    );
}
