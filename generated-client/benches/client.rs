//! Client overhead: the `prolinksqr` client against a hand-written `reqwest` + `serde_json`
//! baseline doing the same requests, with the same headers, decoding into the same types,
//! against the same tiny HTTP/1.1 server on 127.0.0.1 (in this process, on its own thread
//! and runtime, answering from pre-serialized bodies so that it costs as little as possible).
//!
//! ```sh
//! cargo bench -p prolinksqr --bench client
//! cargo bench -p prolinksqr --bench client -- get_link   # one group (divan filter)
//! ```
//!
//! Groups:
//! - `get_link`: one `GET /links/summer-sale` at a time (latency; requests/s = 1 / time).
//! - `get_link_concurrent`: 256 such requests, 16 in flight (throughput).
//! - `list_1000`: one `GET /links?size=1000` returning 1,000 links (transport + decode).
//! - `decode_1000`: the same body decoded without transport: the client's decode path
//!   (`decode_json`, through `serde_path_to_error`) against `serde_json::from_slice`.
//!
//! `client_ab.rs` reuses this file's server and both clients for an interleaved A/B run.
//!
//! No traffic leaves 127.0.0.1. Results and how they were taken: `BENCHMARKS.md`.

use std::time::Duration;

use bytes::Bytes;
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use futures::{StreamExt, TryStreamExt};
use prolinksqr::__private::{Operation, RawResponse, decode_json};
use prolinksqr::types::{Link, LinkEnvelope, LinkPage};
use prolinksqr::{Client, Page};
use reqwest::header::{AUTHORIZATION, HeaderMap, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::runtime::Runtime;

#[path = "support/mod.rs"]
mod support;

use support::{Reply, docs_link, start_server};

fn main() {
    divan::main();
}

const KEY: &str = "key-0123456789abcdef0123456789abcdef";
/// What the client sends: `Authorization: Basic <raw key>` (the docs' scheme).
const AUTH_VALUE: &str = "Basic key-0123456789abcdef0123456789abcdef";
/// The client's default `User-Agent`, sent by the baseline too.
const UA: &str = concat!("prolinksqr/", env!("CARGO_PKG_VERSION"));
/// The client's default per-request timeout, set by the baseline too.
const TIMEOUT: Duration = Duration::from_secs(30);
pub(crate) const PAGE_LINKS: usize = 1_000;

/// `{ "data": [...1000 links...], "meta": { ... } }`.
fn page_body() -> Bytes {
    let data: Vec<Value> = (0..PAGE_LINKS).map(docs_link).collect();
    let body = json!({ "data": data, "meta": { "currentPage": 1, "totalPages": 1 } });
    Bytes::from(serde_json::to_vec(&body).unwrap())
}

/// The `getLink` body: the docs' link wrapped in `data`.
fn get_body() -> Bytes {
    Bytes::from(serde_json::to_vec(&json!({ "data": docs_link(0) })).unwrap())
}

// ---------------------------------------------------------------------------------------
// The server (`support/`), answering from pre-built bodies.

struct Routes {
    get: Bytes,
    page: Bytes,
}

impl Routes {
    fn reply(&self, target: &str) -> Reply {
        let path = target.split('?').next().unwrap_or(target);
        let (status, body) = match path {
            "/links/summer-sale" => ("200 OK", self.get.clone()),
            "/links" => ("200 OK", self.page.clone()),
            _ => (
                "404 Not Found",
                Bytes::from_static(b"{\"message\":\"not found\"}"),
            ),
        };
        Reply {
            status,
            body: vec![body],
        }
    }
}

// ---------------------------------------------------------------------------------------
// The two clients.

pub(crate) struct Fixture {
    pub(crate) rt: Runtime,
    client: Client,
    http: reqwest::Client,
    base: String,
}

impl Fixture {
    fn new() -> Fixture {
        let routes = Routes {
            get: get_body(),
            page: page_body(),
        };
        let addr = start_server(move |target| routes.reply(target));
        let base = format!("http://{addr}");
        let client = Client::builder()
            .credential(KEY)
            .base_url(&base)
            .build()
            .unwrap();
        // What a hand-written client would configure: the same connect timeout as the
        // generated client's default (the per-request timeout is set on each request).
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        // The client side runs on one thread; the server has the other core.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let fixture = Fixture {
            rt,
            client,
            http,
            base,
        };
        // Warm both connection pools, and check both sides agree before timing anything.
        let a = fixture.rt.block_on(fixture.client_get()).unwrap();
        let b = fixture.rt.block_on(fixture.baseline_get()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.dynamic_link_id, "summer-sale");
        let a = fixture.rt.block_on(fixture.client_list()).unwrap();
        let b = fixture.rt.block_on(fixture.baseline_list()).unwrap();
        assert_eq!(a.items.len(), PAGE_LINKS);
        assert_eq!(a.items, b.data);
        fixture
    }

    /// `n` requests made by `request` (either side's), `in_flight` at a time, on the
    /// fixture's runtime; each result is kept from being optimized away, then dropped.
    pub(crate) fn concurrently<T, E, F>(
        &'static self,
        n: usize,
        in_flight: usize,
        request: impl Fn(&'static Fixture) -> F,
    ) where
        F: std::future::Future<Output = Result<T, E>>,
        E: std::fmt::Debug,
    {
        self.rt
            .block_on(
                futures::stream::iter(0..n)
                    .map(|_| request(self))
                    .buffer_unordered(in_flight)
                    .try_for_each(|item| async move {
                        black_box(item);
                        Ok(())
                    }),
            )
            .unwrap()
    }

    pub(crate) async fn client_get(&self) -> prolinksqr::Result<Link> {
        self.client.links().get("summer-sale").send().await
    }

    /// The hand-written equivalent of `links().get("summer-sale")`.
    pub(crate) async fn baseline_get(&self) -> reqwest::Result<Link> {
        let url = format!("{}/links/{}", self.base, "summer-sale");
        let envelope: LinkEnvelope = self
            .http
            .get(url)
            .header(USER_AGENT, UA)
            .header(AUTHORIZATION, AUTH_VALUE)
            .timeout(TIMEOUT)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(envelope.data)
    }

    pub(crate) async fn client_list(&self) -> prolinksqr::Result<Page<Link>> {
        self.client.links().list().size(1000).send().await
    }

    pub(crate) async fn baseline_list(&self) -> reqwest::Result<LinkPage> {
        let url = format!("{}/links", self.base);
        self.http
            .get(url)
            .query(&[("size", 1000.to_string())])
            .header(USER_AGENT, UA)
            .header(AUTHORIZATION, AUTH_VALUE)
            .timeout(TIMEOUT)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}

pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(Fixture::new)
}

/// One `GET /links/summer-sale` at a time: latency, of which requests/s is the inverse.
mod get_link {
    use super::*;

    #[divan::bench]
    fn prolinksqr(b: Bencher) {
        let f = fixture();
        b.bench(|| f.rt.block_on(f.client_get()).unwrap());
    }

    #[divan::bench]
    fn baseline_reqwest(b: Bencher) {
        let f = fixture();
        b.bench(|| f.rt.block_on(f.baseline_get()).unwrap());
    }
}

/// 256 `GET /links/summer-sale`, 16 in flight: throughput (divan reports items/s).
mod get_link_concurrent {
    use super::*;

    const REQUESTS: usize = 256;
    const IN_FLIGHT: usize = 16;

    #[divan::bench(sample_count = 40)]
    fn prolinksqr(b: Bencher) {
        let f = fixture();
        b.counter(ItemsCount::new(REQUESTS))
            .bench(|| f.concurrently(REQUESTS, IN_FLIGHT, |f| f.client_get()));
    }

    #[divan::bench(sample_count = 40)]
    fn baseline_reqwest(b: Bencher) {
        let f = fixture();
        b.counter(ItemsCount::new(REQUESTS))
            .bench(|| f.concurrently(REQUESTS, IN_FLIGHT, |f| f.baseline_get()));
    }
}

/// One page of 1,000 links over HTTP: transport and decoding.
mod list_1000 {
    use super::*;

    #[divan::bench(sample_count = 50)]
    fn prolinksqr(b: Bencher) {
        let f = fixture();
        b.counter(ItemsCount::new(PAGE_LINKS))
            .bench(|| f.rt.block_on(f.client_list()).unwrap());
    }

    #[divan::bench(sample_count = 50)]
    fn baseline_reqwest(b: Bencher) {
        let f = fixture();
        b.counter(ItemsCount::new(PAGE_LINKS))
            .bench(|| f.rt.block_on(f.baseline_list()).unwrap());
    }
}

/// The `getLink` body (one link) decoded without transport: the decode share of one GET.
mod decode_get {
    use super::*;

    static GET_LINK: Operation = Operation {
        id: "getLink",
        method: Method::GET,
        path: "/links/{id}",
        scopes: &["links.read"],
        security: &[&[0]],
    };

    #[divan::bench]
    fn client_decode_json(b: Bencher) {
        let body = get_body();
        b.with_inputs(|| RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.clone(),
        })
        .bench_values(|raw| decode_json::<LinkEnvelope>(&GET_LINK, raw).unwrap());
    }

    #[divan::bench]
    fn serde_json_from_slice(b: Bencher) {
        let body = get_body();
        b.bench(|| serde_json::from_slice::<LinkEnvelope>(black_box(&body)).unwrap());
    }
}

/// The 1,000-link page body decoded without transport.
mod decode_1000 {
    use super::*;

    /// The same operation description the generated `listLinks` passes.
    static LIST_LINKS: Operation = Operation {
        id: "listLinks",
        method: Method::GET,
        path: "/links",
        scopes: &["links.read"],
        security: &[&[0]],
    };

    /// `prolinksqr::__private::decode_json`: the path every JSON response takes
    /// (whitespace check, `serde_path_to_error`, trailing-input check).
    #[divan::bench(sample_count = 50)]
    fn client_decode_json(b: Bencher) {
        let body = page_body();
        b.counter(ItemsCount::new(PAGE_LINKS))
            .with_inputs(|| RawResponse {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: body.clone(),
            })
            .bench_values(|raw| decode_json::<LinkPage>(&LIST_LINKS, raw).unwrap());
    }

    /// `serde_path_to_error::deserialize` alone, without the rest of `decode_json`: shows
    /// how much of the gap is the path tracking itself.
    #[divan::bench(sample_count = 50)]
    fn serde_path_to_error_only(b: Bencher) {
        let body = page_body();
        b.counter(ItemsCount::new(PAGE_LINKS)).bench(|| {
            let mut de = serde_json::Deserializer::from_slice(black_box(&body));
            let page: LinkPage = serde_path_to_error::deserialize(&mut de).unwrap();
            de.end().unwrap();
            page
        });
    }

    /// A possible alternative for the runtime (not what it does today): decode with plain
    /// `serde_json`, and only when that fails decode again through `serde_path_to_error`
    /// to find the failing field's path. Same results; success pays no tracking.
    #[divan::bench(sample_count = 50)]
    fn plain_then_path_on_error(b: Bencher) {
        let body = page_body();
        b.counter(ItemsCount::new(PAGE_LINKS)).bench(|| {
            match serde_json::from_slice::<LinkPage>(black_box(&body)) {
                Ok(page) => page,
                Err(_) => {
                    let mut de = serde_json::Deserializer::from_slice(&body);
                    let err = serde_path_to_error::deserialize::<_, LinkPage>(&mut de).unwrap_err();
                    panic!("{}: {}", err.path(), err.inner())
                }
            }
        });
    }

    /// Plain `serde_json::from_slice` into the same generated type.
    #[divan::bench(sample_count = 50)]
    fn serde_json_from_slice(b: Bencher) {
        let body = page_body();
        b.counter(ItemsCount::new(PAGE_LINKS))
            .bench(|| serde_json::from_slice::<LinkPage>(black_box(&body)).unwrap());
    }

    /// What a client with drift recording on does with the page (`--features drift`):
    /// compare it with the
    /// description (`drift.jsonl`), record what differs (here nothing), then decode it.
    #[cfg(feature = "drift")]
    #[divan::bench(sample_count = 50)]
    fn client_decode_json_recording_drift(b: Bencher) {
        let body = page_body();
        let checker = prolinksqr::drift::Checker::new(
            include_str!("../src/generated/drift.jsonl"),
            prolinksqr::drift::DriftLog::new(),
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            "application/json".parse().unwrap(),
        );
        b.counter(ItemsCount::new(PAGE_LINKS))
            .with_inputs(|| RawResponse {
                status: StatusCode::OK,
                headers: headers.clone(),
                body: body.clone(),
            })
            .bench_values(|raw| {
                checker.observe(&LIST_LINKS, raw.status, &raw.headers, &raw.body);
                decode_json::<LinkPage>(&LIST_LINKS, raw).unwrap()
            });
    }
}
