//! Generated code that only a generated crate can show working: a fixture's crate is built
//! with an integration test of its own (`tests/behaviour.rs`, below) and `cargo test` runs it
//! against a wiremock server on 127.0.0.1, offline, in the target folder of
//! `fixtures_compile` (the same dependencies, pinned by the copied lock file).

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::crates::{fetch, scratch};
use xtask::files::mirror;

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Generates the crate of `fixture` with `test` as `tests/behaviour.rs` and runs it: every
/// one of its `tests` tests must pass.
fn run_with_test(fixture: &str, tests: usize, test: &str) {
    run_with_test_features(fixture, "", tests, test, &[]);
}

/// [`run_with_test`] with extra `cargo test` arguments (`--features`), in a crate whose name
/// ends in `suffix` (so that it does not share its folder with another test's crate).
fn run_with_test_features(fixture: &str, suffix: &str, tests: usize, test: &str, extra: &[&str]) {
    let rel = format!("tests/fixtures/generator/{fixture}.yaml");
    let bytes = std::fs::read(root().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let name = format!("behaviour-{}{suffix}", fixture.replace('_', "-"));
    let dir = write_crate(&name, &rel, &bytes, &[("tests/behaviour.rs", test)]);
    let mut args = vec!["test", "--offline", "--test", "behaviour"];
    args.extend_from_slice(extra);
    let output = cargo(&dir, &args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(&format!("test result: ok. {tests} passed")),
        "{fixture}: the generated crate's test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The `blocking` feature of a generated crate: `.iter()` of a token-paginated list sends
/// each next-page token back like `.stream()`, on the test's own thread (the mock server
/// is driven from a runtime of its own), and a call inside a runtime is `Error::Config`.
#[test]
fn blocking_token_pagination_iterates_every_page() {
    run_with_test_features(
        "cursor_pagination",
        "-blocking",
        2,
        r#"
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_cursor_pagination_blocking::{Client, Error, blocking};

fn page(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[test]
fn dropshot_pages_blocking() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/projects"))
            .and(query_param_is_missing("page_token"))
            .and(query_param("limit", "2"))
            .respond_with(page(json!({"items": [{"id": "a"}, {"id": "b"}], "next_page": "t1"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/projects"))
            .and(query_param("page_token", "t1"))
            .and(query_param("limit", "2"))
            .respond_with(page(json!({"items": [{"id": "c"}], "next_page": null})))
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let client = Client::builder().base_url(server.uri()).build_blocking().unwrap();
    let ids: Vec<String> = client
        .projects()
        .list_projects()
        .limit(2)
        .iter()
        .map(|p| p.map(|p| p.id))
        .collect::<Result<_, Error>>()
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    runtime.block_on(server.verify());
}

#[tokio::test]
async fn inside_a_runtime_is_a_config_error() {
    let client = blocking::Client::from(Client::builder().base_url("http://127.0.0.1:9").build().unwrap());
    let err = client.projects().list_projects().send().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
"#,
        &["--features", "blocking"],
    );
}

/// The command line of a generated crate prints what the API sent, without decoding it into
/// the operation's types: `--all` follows each page's token (read where the generated code
/// says, `next_page` or `next_cursor`), drops what Dropshot keeps in the token, and prints
/// every item as it came, a field the spec does not know included; one page is printed as
/// its body.
#[test]
fn cli_all_follows_the_tokens_and_prints_items_as_sent() {
    run_with_test_features(
        "cursor_pagination",
        "-cli",
        2,
        r#"
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_cursor_pagination_cli::{Client, cli};

fn page(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn run(server: &MockServer, args: &[&str]) -> String {
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let args = std::iter::once("cli").chain(args.iter().copied());
    let matches = cli::command().try_get_matches_from(args).unwrap();
    let mut out = Vec::new();
    cli::run(&client, &matches, &cli::Options::new(), &mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn dropshot_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param_is_missing("page_token"))
        .and(query_param("limit", "2"))
        .and(query_param("sort_by", "name_ascending"))
        .respond_with(page(json!({"items": [{"id": "a", "extra": [1]}, {"id": "b"}], "next_page": "t1"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param("page_token", "t1"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("sort_by"))
        .respond_with(page(json!({"items": [{"id": "c"}], "next_page": null})))
        .expect(1)
        .mount(&server)
        .await;
    let args = ["projects", "list-projects", "--limit", "2", "--sort-by", "name_ascending"];
    let all = run(&server, &[&args[..], &["--all"]].concat()).await;
    assert_eq!(all, "[\n{\"extra\":[1],\"id\":\"a\"},\n{\"id\":\"b\"},\n{\"id\":\"c\"}\n]\n");
    let one = run(&server, &args).await;
    assert_eq!(one, "{\"items\":[{\"extra\":[1],\"id\":\"a\"},{\"id\":\"b\"}],\"next_page\":\"t1\"}\n");
    server.verify().await;
}

#[tokio::test]
async fn cursor_pages_keep_their_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param_is_missing("cursor"))
        .and(query_param("kind", "k"))
        .respond_with(page(json!({"data": [{"id": "e1"}], "next_cursor": "c2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param("cursor", "c2"))
        .and(query_param("kind", "k"))
        .respond_with(page(json!({"data": [{"id": "e2"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let all = run(&server, &["events", "list-events", "--all", "--kind", "k"]).await;
    assert_eq!(all, "[\n{\"id\":\"e1\"},\n{\"id\":\"e2\"}\n]\n");
    server.verify().await;
}
"#,
        &["--features", "cli"],
    );
}

/// The command line prints each kind of response as it came: a text body as text, a binary
/// body byte for byte, JSON as sent (a field the spec does not have included), and nothing
/// for an empty answer; a failure is the API's error with its status.
#[test]
fn cli_prints_each_kind_of_response_as_it_came() {
    run_with_test_features(
        "responses",
        "-cli",
        1,
        r#"
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_responses_cli::{Client, cli};

async fn run(server: &MockServer, args: &[&str]) -> Result<Vec<u8>, cli::CliError> {
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let args = std::iter::once("cli").chain(args.iter().copied());
    let matches = cli::command().try_get_matches_from(args).unwrap();
    let mut out = Vec::new();
    cli::run(&client, &matches, &cli::Options::new(), &mut out).await?;
    Ok(out)
}

async fn answer(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb)).and(path(at)).respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn every_kind() {
    let server = MockServer::start().await;
    let text = ResponseTemplate::new(200).set_body_raw("all good\n", "text/plain");
    answer(&server, "GET", "/status", text).await;
    let pdf = ResponseTemplate::new(200).set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream");
    answer(&server, "GET", "/export", pdf).await;
    answer(&server, "HEAD", "/ping", ResponseTemplate::new(204)).await;
    let report = ResponseTemplate::new(200)
        .set_body_raw("{\"id\":\"r1\",\"unknown\":{\"n\":1}}", "application/json");
    answer(&server, "GET", "/reports/r1", report).await;
    answer(&server, "GET", "/reports/gone", ResponseTemplate::new(404)).await;

    assert_eq!(run(&server, &["status", "get-status"]).await.unwrap(), b"all good\n");
    assert_eq!(run(&server, &["export", "download-export"]).await.unwrap(), [0u8, 159, 146, 150]);
    assert_eq!(run(&server, &["ping", "ping"]).await.unwrap(), b"");
    assert_eq!(
        String::from_utf8(run(&server, &["reports", "get-report", "r1"]).await.unwrap()).unwrap(),
        "{\"id\":\"r1\",\"unknown\":{\"n\":1}}\n"
    );
    let err = run(&server, &["reports", "get-report", "gone"]).await.unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("404"), "{err}");
    server.verify().await;
}
"#,
        &["--features", "cli"],
    );
}

/// The mock of a generated crate answers each kind of response so that the client decodes
/// the value it was given: text, bytes, nothing, and JSON.
#[test]
fn mock_answers_each_kind_of_response() {
    run_with_test_features(
        "responses",
        "-mock",
        1,
        r#"
use behaviour_responses_mock::mock::MockServer;

#[tokio::test]
async fn every_kind() {
    let mock = MockServer::start().await;
    mock.status().get_status().respond_with("all good".to_owned()).expect(1).mount().await;
    let pdf = bytes::Bytes::from_static(&[0, 159, 146, 150]);
    mock.export().download_export().respond_with(pdf.clone()).expect(1).mount().await;
    mock.ping().ping().respond_with(()).expect(1).mount().await;
    let client = mock.client();
    assert_eq!(client.status().get_status().send().await.unwrap(), "all good");
    assert_eq!(client.export().download_export().send().await.unwrap(), pdf);
    client.ping().ping().send().await.unwrap();
    mock.verify().await;
}
"#,
        &["--features", "mock"],
    );
}

/// A crate generated from a spec without `x-too-many-requests` reads a 429 as HTTP does:
/// a rate limit, waited out (its `Retry-After` honoured) and retried; one that asks for
/// longer than the policy allows is returned at once, with a neutral message.
#[test]
fn a_429_is_a_rate_limit_without_the_extension() {
    run_with_test(
        "security_api_key_header",
        2,
        r#"
use std::time::{Duration, Instant};

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_security_api_key_header::Client;

#[tokio::test]
async fn retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Token k"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "n"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().credential("k").base_url(server.uri()).build().unwrap();
    let started = Instant::now();
    let me = client.me().get_me().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(me.name.as_deref(), Some("n"));
    server.verify().await;
}

#[tokio::test]
async fn too_long_a_wait_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "600"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().credential("k").base_url(server.uri()).build().unwrap();
    let err = client.me().get_me().send().await.unwrap_err();
    assert!(err.is_too_many_requests(), "{err:?}");
    assert!(!err.is_quota_exhausted(), "{err:?}");
    assert_eq!(err.to_string(), "getMe: 429 Too Many Requests");
    server.verify().await;
}
"#,
    );
}

/// A generated crate with several security schemes: the typed setters fill them, and each
/// operation sends exactly what its requirements say (an AND of three headers; a header, a
/// query parameter and a bearer token together, or else a cookie; nothing for a public
/// operation; the token or nothing), and a call it cannot meet sends nothing.
#[test]
fn several_credentials_are_sent_as_each_requirement_says() {
    run_with_test(
        "security_and_requirements",
        5,
        r##"
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_security_and_requirements::{Client, ClientBuilder, Error};

const SENT: [&str; 6] = [
    "x-client-id",
    "x-client-secret",
    "x-api-version",
    "authorization",
    "cookie",
    "x-unused",
];

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

/// Every credential-carrying header of the one request received, and its query.
async fn sent(server: &MockServer) -> (Vec<(String, String)>, Option<String>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    let headers = SENT
        .iter()
        .flat_map(|name| {
            request
                .headers
                .get_all(*name)
                .iter()
                .map(|v| ((*name).to_owned(), v.to_str().unwrap().to_owned()))
        })
        .collect();
    (headers, request.url.query().map(str::to_owned))
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

fn everything(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .client_id("id-1")
        .secret("sec-2")
        .api_version("2024-01")
        .api_key("q-4")
        .bearer_token("jwt-5")
        .session("ses-6")
        .base_url(server.uri())
}

#[tokio::test]
async fn the_global_and_requirement_sends_three_headers() {
    let server = server().await;
    let client = everything(&server).build().unwrap();
    client.items().list_items().send().await.unwrap();
    let (headers, query) = sent(&server).await;
    assert_eq!(
        headers,
        owned(&[
            ("x-client-id", "id-1"),
            ("x-client-secret", "sec-2"),
            ("x-api-version", "2024-01"),
        ])
    );
    assert_eq!(query, None);
}

#[tokio::test]
async fn header_query_and_bearer_together_or_else_the_cookie() {
    let server = server().await;
    let client = everything(&server).build().unwrap();
    client.reports().get_report().send().await.unwrap();
    let (headers, query) = sent(&server).await;
    assert_eq!(
        headers,
        owned(&[("x-client-id", "id-1"), ("authorization", "Bearer jwt-5")])
    );
    assert_eq!(query.as_deref(), Some("api_key=q-4"));

    let server = self::server().await;
    let client = Client::builder()
        .session("ses-6")
        .bearer_token("jwt-5")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.reports().get_report().send().await.unwrap();
    let (headers, query) = sent(&server).await;
    assert_eq!(headers, owned(&[("cookie", "session=ses-6")]));
    assert_eq!(query, None);
}

#[tokio::test]
async fn public_and_optional_operations() {
    let server = server().await;
    let client = everything(&server).build().unwrap();
    client.status().get_status().send().await.unwrap();
    let (headers, query) = sent(&server).await;
    assert_eq!(headers, Vec::new());
    assert_eq!(query, None);

    let server = self::server().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    client.profile().get_profile().send().await.unwrap();
    let (headers, _) = sent(&server).await;
    assert_eq!(headers, Vec::new());
}

#[tokio::test]
async fn an_unmet_requirement_is_config_and_sends_nothing() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .client_id("id-1")
        .bearer_token("jwt-5")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client.items().list_items().send().await.unwrap_err();
    let Error::Config(message) = &err else { panic!("{err:?}") };
    assert!(message.contains("the client lacks `secret`, `apiVersion`"), "{message}");
    assert!(message.contains("REQUIREMENTS_SECRET, "), "{message}");
    assert!(message.contains("REQUIREMENTS_API_VERSION)"), "{message}");
    assert!(!message.contains("id-1") && !message.contains("jwt-5"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn the_setters_are_credential_for() {
    let a = format!("{:?}", Client::builder().client_id("x").session("y"));
    let b = format!(
        "{:?}",
        Client::builder().credential_for("clientId", "x").credential_for("session", "y")
    );
    assert_eq!(a, b);
    assert!(a.contains(r#"credentials: {"clientId": ***, "session": ***}"#), "{a}");
}
"##,
    );
}

/// OAuth2 in a generated crate, over HTTP: a client-credentials scheme gets a typed setter
/// for the id and secret and fetches its token from the flow's (relative) `tokenUrl` with
/// the scopes the operations ask for, once for every call; an authorization-code scheme
/// takes the token the application supplies, fixed or from a provider.
#[test]
fn oauth2_flows_send_the_tokens_they_get() {
    run_with_test(
        "security_oauth2",
        3,
        r##"
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_security_oauth2::{AccessToken, Client};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", "Basic aWQtMTpzZWNyZXQtMg=="))
        .and(body_string("grant_type=client_credentials&scope=items.read+items.write"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "machine-token",
            "token_type": "bearer",
            "expires_in": 3600,
        })))
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/me"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

/// `(method path, authorization)` of each request received.
async fn sent(server: &MockServer) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
            (format!("{} {}", r.method, r.url.path()), auth.unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn client_credentials_fetch_one_token_for_every_call() {
    let server = server().await;
    let client = Client::builder()
        .machine_client_credentials("id-1", "secret-2")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.items().list_items().send().await.unwrap();
    client.items().create_item().send().await.unwrap();
    assert_eq!(
        sent(&server).await,
        [
            ("POST /oauth/token".to_owned(), "Basic aWQtMTpzZWNyZXQtMg==".to_owned()),
            ("GET /items".to_owned(), "Bearer machine-token".to_owned()),
            ("POST /items".to_owned(), "Bearer machine-token".to_owned()),
        ]
    );
    let err = client.me().get_me().send().await.unwrap_err();
    assert!(err.to_string().contains("lacks `user`"), "{err}");
}

#[tokio::test]
async fn a_user_token_is_fixed_or_comes_from_a_provider() {
    let server = server().await;
    let client = Client::builder().user("user-token").base_url(server.uri()).build().unwrap();
    client.me().get_me().send().await.unwrap();
    let provided = Client::builder()
        .token_provider("user", || async { Ok(AccessToken::new("provided-token")) })
        .base_url(server.uri())
        .build()
        .unwrap();
    provided.me().get_me().send().await.unwrap();
    assert_eq!(
        sent(&server).await,
        [
            ("GET /me".to_owned(), "Bearer user-token".to_owned()),
            ("GET /me".to_owned(), "Bearer provided-token".to_owned()),
        ]
    );
}

#[test]
fn the_typed_setter_is_client_credentials() {
    let a = format!("{:?}", Client::builder().machine_client_credentials("x", "y"));
    let b = format!("{:?}", Client::builder().client_credentials("machine", "x", "y"));
    assert_eq!(a, b);
    assert!(a.contains("ClientCredentials"), "{a}");
}
"##,
    );
}

/// `.stream()` of token-paginated lists, over HTTP: Dropshot's sends the `next_page` token
/// back as `page_token` and drops the other filters after the first page (Dropshot keeps
/// them in the token and refuses them beside it); the cursor shape sends `next_cursor` back
/// as `cursor` and keeps its filters. Both stop at a page without a token; `.pages()`
/// yields each whole response.
#[test]
fn token_pagination_streams_every_page() {
    run_with_test(
        "cursor_pagination",
        3,
        r#"
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_cursor_pagination::Client;

fn page(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn dropshot_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param_is_missing("page_token"))
        .and(query_param("sort_by", "name_descending"))
        .and(query_param("limit", "2"))
        .respond_with(page(json!({"items": [{"id": "a"}, {"id": "b"}], "next_page": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param("page_token", "t1"))
        .and(query_param_is_missing("sort_by"))
        .and(query_param("limit", "2"))
        .respond_with(page(json!({"items": [{"id": "c"}], "next_page": null})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let ids: Vec<String> = client
        .projects()
        .list_projects()
        .limit(2)
        .sort_by("name_descending")
        .stream()
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    server.verify().await;
}

#[tokio::test]
async fn cursor_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param_is_missing("cursor"))
        .and(query_param("kind", "deploy"))
        .respond_with(page(json!({"data": [{"id": "1"}], "next_cursor": "c2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param("cursor", "c2"))
        .and(query_param("kind", "deploy"))
        .respond_with(page(json!({"data": [{"id": "2"}, {"id": "3"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let events: Vec<_> = client
        .events()
        .list_events()
        .kind("deploy")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = events.iter().map(|e| e.id.clone().unwrap_or_default()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    server.verify().await;
}

#[tokio::test]
async fn dropshot_whole_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param_is_missing("page_token"))
        .and(query_param("sort_by", "name_descending"))
        .respond_with(page(json!({"items": [{"id": "a"}, {"id": "b"}], "next_page": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param("page_token", "t1"))
        .and(query_param_is_missing("sort_by"))
        .respond_with(page(json!({"items": [{"id": "c"}], "next_page": null})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let pages: Vec<_> = client
        .projects()
        .list_projects()
        .sort_by("name_descending")
        .header("x-export", "nightly")
        .pages()
        .try_collect()
        .await
        .unwrap();
    // Each page is what `send()` returns: the whole response.
    let ids: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.items.iter().map(|item| item.id.as_str()).collect())
        .collect();
    assert_eq!(ids, [vec!["a", "b"], vec!["c"]]);
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers["x-export"], "nightly");
    }
    server.verify().await;
}
"#,
    );
}

/// Writes the crate `name` generated from `spec` (the document at `source`), with `extra`
/// files (relative path, contents), into a scratch folder, with the workspace's lock file,
/// and returns the folder. Files whose contents did not change keep their modification
/// time, so a re-run rebuilds only what changed.
fn write_crate(name: &str, source: &str, spec: &[u8], extra: &[(&str, &str)]) -> PathBuf {
    let spec = generator::parse_spec_bytes(spec).unwrap_or_else(|e| panic!("{source}: {e}"));
    let config = generator::Config::new(name, source, "cargo test --test generated_crates");
    let mut files = generator::generate_crate(&spec, &config)
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    for (rel, contents) in extra {
        files.insert((*rel).to_owned(), (*contents).to_owned());
    }
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("Cargo.lock: {e}"));
    files.insert("Cargo.lock".to_owned(), lock);
    let dir = scratch(&format!("{name}-crate"));
    mirror(&dir, &files).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    // The `--offline` commands below find every package the crate may need.
    fetch(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", scratch("fixture-target"))
        // As `xtask::crates` builds the fixture crates in this target folder: the same
        // profile, so the dependencies are built once for all of them.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"))
}

/// The package named `name` as `cargo metadata` reads it from the manifest(s) in `dir`.
fn package_metadata(dir: &Path, name: &str) -> serde_json::Value {
    let output = cargo(
        dir,
        &[
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ],
    );
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name} in {}", dir.display()))
        .clone()
}

/// A spec's `info` becomes the generated crate's package metadata and README.
#[test]
fn spec_info_becomes_package_metadata_and_a_readme() {
    let dir = write_crate(
        "info-petstore",
        "inline.yaml",
        br#"
openapi: 3.0.3
info:
  title: Pet Store
  version: 2.1.0
  description: Pets, *adopted*.
  license: { name: MIT OR Apache-2.0 }
  contact: { name: Pet Team, email: pets@example.test, url: "https://pets.example.test/" }
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '204': { description: none }
"#,
        &[],
    );
    let package = package_metadata(&dir, "info-petstore");
    assert_eq!(package["description"], "Typed async client for Pet Store");
    assert_eq!(package["license"], "MIT OR Apache-2.0");
    assert_eq!(package["homepage"], "https://pets.example.test/");
    assert_eq!(
        package["authors"],
        serde_json::json!(["Pet Team <pets@example.test>"])
    );
    assert_eq!(package["readme"], "README.md");
    assert_eq!(package["version"], "0.1.0");
    let features = &package["features"];
    assert_eq!(features["default"], serde_json::json!(["rustls"]));
    for feature in ["rustls", "native-tls", "tracing"] {
        assert!(features.get(feature).is_some(), "{feature}: {features}");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.starts_with("# Pet Store\n"), "{readme}");
    assert!(readme.contains("(version `2.1.0`)"), "{readme}");
    assert!(readme.contains("\nPets, *adopted*.\n"), "{readme}");
    assert!(
        readme.contains("info_petstore::Client::from_env()?"),
        "{readme}"
    );
    assert!(readme.contains("license: MIT OR Apache-2.0."), "{readme}");
}

/// Hostile `info` (quotes, backslashes, newlines, TOML headers, a license that is no SPDX
/// expression, a `javascript:` URL, a huge title) neither breaks the manifest nor
/// `cargo package`, which builds the packaged crate on its own.
#[test]
fn hostile_spec_info_still_packages() {
    let huge = "T".repeat(100_000);
    let spec = format!(
        r#"
openapi: 3.0.3
info:
  title: "Evil \"API\" \\ with\nnewlines ]] [package] {huge}"
  version: "1.0\"\n[evil]"
  description: "```\nan unterminated fence"
  license: {{ name: "Proprietary \"(c)\"\n AND" }}
  contact: {{ name: "Mallory\" <x>\n[dependencies]", email: "m@example.test\n", url: "javascript:alert(1)" }}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '204': {{ description: none }}
"#
    );
    let dir = write_crate("hostile-info", "inline.yaml", spec.as_bytes(), &[]);
    let package = package_metadata(&dir, "hostile-info");
    let description = package["description"].as_str().unwrap();
    assert!(
        description
            .starts_with(r#"Typed async client for Evil "API" \ with newlines ]] [package] TTT"#),
        "{description}"
    );
    assert!(description.len() < 300, "{}", description.len());
    assert_eq!(package["license"], serde_json::Value::Null);
    assert_eq!(package["homepage"], serde_json::Value::Null);
    assert_eq!(
        package["authors"],
        serde_json::json!([r#"Mallory" x [dependencies] <m@example.test>"#])
    );
    let output = cargo(&dir, &["package", "--offline", "--allow-dirty"]);
    assert!(
        output.status.success(),
        "cargo package failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = cargo(&dir, &["package", "--offline", "--allow-dirty", "--list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    for file in [
        "README.md",
        "Cargo.toml",
        "src/lib.rs",
        "src/runtime/trace.rs",
    ] {
        assert!(
            listed.lines().any(|l| l == file),
            "{file} not packaged:\n{listed}"
        );
    }
}

#[test]
fn cli_names_never_collide_with_the_command_lines_own() {
    // clap panics (in debug builds, as here) on a duplicate argument id, long name or
    // subcommand: a spec whose tags, operations, parameters and body fields are named like
    // the command line's own arguments must still give a tree clap accepts, whose
    // arguments reach the right inputs.
    run_with_test_features(
        "cli_names",
        "-cli",
        3,
        r#"
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use behaviour_cli_names_cli::{Client, cli};

async fn run(args: &[&str]) -> (String, wiremock::Request) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "t1" })))
        .mount(&server)
        .await;
    let client = Client::builder().credential("k").base_url(server.uri()).build().unwrap();
    let matches = cli::command()
        .try_get_matches_from(std::iter::once("x").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let mut out = Vec::new();
    cli::run(&client, &matches, &cli::Options::new(), &mut out)
        .await
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    (String::from_utf8(out).unwrap(), requests.remove(0))
}

#[test]
fn the_tree_passes_clap_debug_asserts() {
    let command = cli::command();
    command.clone().debug_assert();
    let groups: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    assert_eq!(groups, ["help", "output"]);
    let output = command.find_subcommand("output").unwrap();
    let ops: Vec<&str> = output.get_subcommands().map(|c| c.get_name()).collect();
    assert_eq!(ops, ["get-item", "get-item-2", "version"]);
}

#[tokio::test]
async fn renamed_parameters_reach_their_inputs() {
    let (out, request) = run(&[
        "help", "help", "p1", "--query-version", "v", "--query-output", "o", "--query-all",
        "true", "--body-2", "b", "--h", "hh", "--v", "5", "--page-size", "10",
        "--page-size-2", "20", "--mode", "unknown-mode", "--output", "csv",
    ])
    .await;
    assert_eq!(request.url.path(), "/help/p1");
    assert_eq!(
        request.url.query(),
        Some("version=v&output=o&all=true&body=b&h=hh&V=5&page_size=10&mode=unknown-mode")
    );
    assert_eq!(request.headers["page-size"], "20");
    assert_eq!(out, "id\nt1\n");
}

#[tokio::test]
async fn renamed_body_fields_reach_the_body() {
    let (_, request) = run(&[
        "output", "version", "--name", "q", "--query-help", "qh", "--id", "t9",
        "--body-name", "n", "--body-help", "h", "--body-body", "b", "--body-output", "o",
        "--body-body-name", "bn", "--count", "3",
    ])
    .await;
    assert_eq!(request.url.query(), Some("name=q&help=qh"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({ "id": "t9", "name": "n", "help": "h", "body": "b", "output": "o",
                "body-name": "bn", "count": 3 })
    );
}
"#,
        &["--features", "cli"],
    );
}
