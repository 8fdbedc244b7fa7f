//! The synchronous client (`prolinksqr::blocking`, feature `blocking`) over HTTP against a
//! wiremock server on 127.0.0.1: the exact requests it sends and the values it decodes,
//! errors, pagination as an iterator, retries, and what happens when it is called inside an
//! async runtime.
//!
//! The blocking client must not run inside tokio, so these tests are plain `#[test]`s: the
//! mock server is started and inspected through a runtime of the test's own ([`Server`]),
//! and the wiremock server itself serves from its own thread, so the blocking calls on the
//! test thread run outside any runtime.

use std::time::Duration;

use prolinksqr::types::{CreateLinkRequest, FolderRequest, Link, LinkType, ListLinksSortBy};
use prolinksqr::{Client, Error, Page, RetryPolicy, blocking};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A well-formed key (`key-` + 32 characters), as the docs describe.
const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// A mock API, driven from a runtime that is entered only inside these methods.
struct Server {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the mock server");
        let server = runtime.block_on(MockServer::start());
        Server { runtime, server }
    }

    /// A server that answers anything with `response`.
    fn answering(response: ResponseTemplate) -> Server {
        let server = Server::start();
        server.mount(Mock::given(any()).respond_with(response));
        server
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn uri(&self) -> String {
        self.server.uri()
    }

    fn requests(&self) -> Vec<Request> {
        self.runtime
            .block_on(self.server.received_requests())
            .expect("recording is on")
    }

    /// A blocking client for this server, without retries unless `configure` sets some.
    fn client(
        &self,
        configure: impl FnOnce(prolinksqr::ClientBuilder) -> prolinksqr::ClientBuilder,
    ) -> blocking::Client {
        configure(
            Client::builder()
                .credential(KEY)
                .base_url(self.uri())
                .retry(RetryPolicy::none()),
        )
        .build_blocking()
        .expect("valid configuration")
    }

    /// The one request received, after checking its method, raw path and query string and
    /// the headers every call carries.
    fn only_request(&self, method: &str, path: &str, query: Option<&str>) -> Request {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
        let request = requests.remove(0);
        assert_eq!(request.method.as_str(), method);
        assert_eq!(request.url.path(), path);
        assert_eq!(request.url.query(), query);
        assert_authenticated(&request);
        request
    }
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
        "the raw key, exactly once"
    );
    let user_agent = header_values(request, "user-agent");
    assert_eq!(user_agent.len(), 1, "one user agent: {user_agent:?}");
    assert!(user_agent[0].starts_with("prolinksqr/"), "{user_agent:?}");
}

fn link(slug: &str) -> Value {
    json!({
        "dynamic_link_id": slug,
        "full_dynamic_url": format!("https://qr-lb.co/{slug}"),
        "name": slug,
        "type": "website",
    })
}

fn expected_link(slug: &str) -> Link {
    Link::new(slug, format!("https://qr-lb.co/{slug}"), slug, "website")
}

fn page_of(slugs: &[&str], current: i64, total: i64) -> Value {
    let data: Vec<Value> = slugs.iter().map(|s| link(s)).collect();
    json!({ "data": data, "meta": { "currentPage": current, "totalPages": total } })
}

/// A retry policy with the default budget (2 retries) but no real waiting.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1))
}

// --------------------------------------------------------------------- requests, values

#[test]
fn get_sends_the_request_and_decodes_the_link() {
    let server = Server::answering(
        ResponseTemplate::new(200).set_body_json(json!({ "data": link("summer-sale") })),
    );
    let client = server.client(|b| b);

    let got = client.links().get("summer sale/1").send().unwrap();

    let request = server.only_request("GET", "/links/summer%20sale%2F1", None);
    assert!(request.body.is_empty());
    assert_eq!(got, expected_link("summer-sale"));
}

#[test]
fn create_sends_the_json_body_and_returns_the_id() {
    let server =
        Server::answering(ResponseTemplate::new(201).set_body_json(json!({ "id": "summer-sale" })));
    let client = server.client(|b| b);
    let content =
        serde_json::Map::from_iter([("url".to_owned(), "https://example.com/sale".into())]);

    let id = client
        .links()
        .create(CreateLinkRequest::new("Summer Sale", "website").with_data(content))
        .send()
        .unwrap();

    let request = server.only_request("POST", "/links", None);
    assert_eq!(
        header_values(&request, "content-type"),
        ["application/json"]
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({ "name": "Summer Sale", "type": "website", "data": { "url": "https://example.com/sale" } })
    );
    assert_eq!(id, "summer-sale");
}

#[test]
fn list_setters_are_forwarded_and_send_returns_one_page() {
    let server =
        Server::answering(ResponseTemplate::new(200).set_body_json(page_of(&["a", "b"], 2, 5)));
    let client = server.client(|b| b);

    let page = client
        .links()
        .list()
        .page(2)
        .size(50)
        .search("summer sale & more")
        .qr_type("website")
        .qr_type(LinkType::Vcard)
        .set_status(["active", "paused"])
        .only_favorites()
        .sort_by(ListLinksSortBy::MostRecent)
        .send()
        .unwrap();

    let query = "page=2&size=50&search=summer+sale+%26+more&qr_type=website%2Cvcard\
                 &status=active%2Cpaused&only_favorites=true&sort_by=most_recent";
    server.only_request("GET", "/links", Some(query));
    assert_eq!(
        page,
        Page::new(vec![expected_link("a"), expected_link("b")], 2, 5)
    );
}

#[test]
fn per_call_header_and_send_response_are_kept() {
    let server = Server::answering(
        ResponseTemplate::new(201)
            .insert_header("x-request-id", "r-1")
            .set_body_json(json!({ "data": { "id": "f-7", "name": "Campaigns" } })),
    );
    let client = server.client(|b| b);

    let response = client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .header("x-trace", "t-9")
        .timeout(Duration::from_secs(5))
        .send_response()
        .unwrap();

    let request = server.only_request("POST", "/folders", None);
    assert_eq!(header_values(&request, "x-trace"), ["t-9"]);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, json!({ "name": "Campaigns" }));
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["x-request-id"], "r-1");
    assert_eq!(response.name, "Campaigns");
}

#[test]
fn a_client_is_shared_between_threads() {
    let server = Server::answering(
        ResponseTemplate::new(200).set_body_json(json!({ "data": link("shared") })),
    );
    let client = server.client(|b| b);

    let threads: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.links().get("shared").send())
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap().unwrap(), expected_link("shared"));
    }
    assert_eq!(server.requests().len(), 4);
}

/// A blocking client made from an async one shares its connection pool: a connection the
/// blocking call left in the pool must still be driven when an async call takes it, after
/// the blocking call returned (it stalled until the 30 s timeout when the blocking
/// runtime was driven only during its own calls).
#[test]
fn an_async_call_after_a_blocking_one_on_the_same_pool_does_not_stall() {
    let server = Server::answering(
        ResponseTemplate::new(200).set_body_json(json!({ "data": link("pooled") })),
    );
    let asynchronous = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("valid configuration");
    let blocking = blocking::Client::from(asynchronous.clone());
    let first = std::thread::spawn({
        let blocking = blocking.clone();
        move || blocking.links().get("pooled").send()
    });
    assert_eq!(first.join().unwrap().unwrap(), expected_link("pooled"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let second = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(10),
            asynchronous.links().get("pooled").send(),
        )
        .await
    });
    assert_eq!(
        second
            .expect("the async call must not wait on an undriven pooled connection")
            .unwrap(),
        expected_link("pooled")
    );
    // And the blocking client still works after the async call. A connection the async
    // call opened (when the first one was not back in the pool yet) is driven by its
    // runtime, which nothing drives now: once that runtime is gone the pool drops the
    // connection, as it would in a program that ends a runtime it no longer uses.
    drop(runtime);
    assert_eq!(
        blocking.links().get("pooled").send().unwrap(),
        expected_link("pooled")
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn raw_requests_are_sent_like_operations() {
    let server = Server::answering(
        ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "parts": 3 })),
    );
    let client = server.client(|b| b);

    let response = client
        .raw(prolinksqr::reqwest::Method::POST, "/things/7/parts")
        .query(&[("verbose", "true")])
        .json(&json!({ "name": "x" }))
        .header("x-trace", "raw")
        .send_json::<Value>()
        .unwrap();

    let request = server.only_request("POST", "/things/7/parts", Some("verbose=true"));
    assert_eq!(header_values(&request, "x-trace"), ["raw"]);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, json!({ "name": "x" }));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(*response, json!({ "ok": true, "parts": 3 }));
}

// ------------------------------------------------------------------------------ errors

#[test]
fn a_404_is_an_api_error() {
    let server = Server::answering(
        ResponseTemplate::new(404).set_body_json(json!({ "message": "Link not found" })),
    );
    let client = server.client(|b| b);

    let err = client.links().get("nope").send().unwrap_err();

    server.only_request("GET", "/links/nope", None);
    assert!(err.is_not_found(), "{err:?}");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.message.as_deref(), Some("Link not found"));
}

#[test]
fn an_unreachable_server_is_a_transport_error() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .credential(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build_blocking()
        .unwrap();

    let err = client.links().get("x").send().unwrap_err();

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

// -------------------------------------------------------------------------- pagination

/// A server with a three-page list of links: page 1 (a, b), 2 (c), 3 (d).
fn three_pages() -> Server {
    let server = Server::start();
    for (page, slugs) in [("1", &["a", "b"][..]), ("2", &["c"]), ("3", &["d"])] {
        let current: i64 = page.parse().unwrap();
        server.mount(
            Mock::given(method("GET"))
                .and(path("/links"))
                .and(query_param("page", page))
                .respond_with(ResponseTemplate::new(200).set_body_json(page_of(slugs, current, 3))),
        );
    }
    server
}

fn pages_requested(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn iter_yields_every_item_fetching_pages_lazily() {
    let server = three_pages();
    let client = server.client(|b| b);

    let mut links = client.links().list().size(2).iter();
    assert!(
        server.requests().is_empty(),
        "nothing is sent before the first item"
    );
    assert_eq!(links.next().unwrap().unwrap().name, "a");
    assert_eq!(pages_requested(&server), ["page=1&size=2"]);
    assert_eq!(links.next().unwrap().unwrap().name, "b");
    assert_eq!(
        pages_requested(&server),
        ["page=1&size=2"],
        "page 1 is not used up yet"
    );
    let rest: Vec<String> = links.map(|l| l.unwrap().name).collect();

    assert_eq!(rest, ["c", "d"]);
    assert_eq!(
        pages_requested(&server),
        ["page=1&size=2", "page=2&size=2", "page=3&size=2"]
    );
}

#[test]
fn iter_starts_at_the_page_set_and_pages_yields_pages() {
    let server = three_pages();
    let client = server.client(|b| b);

    let names: Vec<String> = client
        .links()
        .list()
        .page(2)
        .iter()
        .map(|l| l.map(|l| l.name))
        .collect::<prolinksqr::Result<_>>()
        .unwrap();
    assert_eq!(names, ["c", "d"]);

    let pages: Vec<Page<Link>> = client
        .links()
        .list()
        .pages()
        .collect::<prolinksqr::Result<_>>()
        .unwrap();
    let shape: Vec<(i64, usize)> = pages.iter().map(|p| (p.current_page, p.len())).collect();
    assert_eq!(shape, [(1, 2), (2, 1), (3, 1)]);
}

#[test]
fn an_error_on_a_later_page_ends_the_iterator() {
    let server = Server::start();
    server.mount(
        Mock::given(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_of(&["a"], 1, 3))),
    );
    server.mount(
        Mock::given(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({ "error": "no" }))),
    );
    let client = server.client(|b| b);

    let items: Vec<prolinksqr::Result<Link>> = client.links().list().iter().collect();

    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().name, "a");
    assert!(items[1].as_ref().unwrap_err().is_forbidden());
    assert_eq!(server.requests().len(), 2, "nothing after the error");
}

// ----------------------------------------------------------------------------- retries

#[test]
fn retries_apply_to_blocking_calls() {
    let server = Server::start();
    server.mount(
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .with_priority(1),
    );
    server.mount(
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": link("x") }))),
    );
    let client = server.client(|b| b.retry(fast_retries()));

    let got = client.links().get("x").send().unwrap();

    assert_eq!(got, expected_link("x"));
    assert_eq!(server.requests().len(), 3, "two 503s retried, then the 200");
}

#[test]
fn a_per_call_retry_policy_is_forwarded() {
    let server = Server::answering(ResponseTemplate::new(503));
    let client = server.client(|b| b.retry(fast_retries()));

    let err = client
        .links()
        .get("x")
        .retry(RetryPolicy::none())
        .send()
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1, "no retry for this call");
}

// ------------------------------------------------------------------ inside a runtime

#[tokio::test]
async fn inside_a_runtime_a_call_is_a_config_error_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": link("x") })))
        .mount(&server)
        .await;
    let client = blocking::Client::from(
        Client::builder()
            .credential(KEY)
            .base_url(server.uri())
            .build()
            .unwrap(),
    );

    let err = client.links().get("x").send().unwrap_err();
    let Error::Config(message) = &err else {
        panic!("expected Error::Config, got {err:?}")
    };
    assert!(message.contains("async"), "{message}");

    let mut links = client.links().list().iter();
    assert!(matches!(links.next(), Some(Err(Error::Config(_)))));
    assert!(links.next().is_none(), "the iterator ends after the error");

    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn a_used_client_can_be_dropped_inside_a_runtime() {
    let server =
        Server::answering(ResponseTemplate::new(200).set_body_json(json!({ "data": link("x") })));
    let client = server.client(|b| b);
    client.links().get("x").send().unwrap();

    // Its runtime (with an idle pooled connection) ends without blocking, and no panic.
    server.runtime.block_on(async move { drop(client) });
}

// ------------------------------------------------------------------------ construction

#[test]
fn constructors_build_equivalent_clients() {
    let client = blocking::Client::new(KEY);
    assert_eq!(client.base_url(), "https://api.prolinksqr.com");
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "the key is not shown: {shown}");

    let built = blocking::Client::builder()
        .credential(KEY)
        .base_url("http://127.0.0.1:9/api/")
        .build_blocking()
        .unwrap();
    assert_eq!(built.base_url(), "http://127.0.0.1:9/api");

    let from_async = blocking::Client::from(Client::new(KEY));
    assert_eq!(
        from_async.as_async().base_url(),
        "https://api.prolinksqr.com"
    );

    let err = blocking::Client::builder()
        .base_url("not a url")
        .build_blocking()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
