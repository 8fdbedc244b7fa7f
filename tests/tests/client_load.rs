//! Load: 10,000 calls through one shared `prolinksqr::Client`, 64 in flight at a time,
//! against a wiremock server on 127.0.0.1. Every call must succeed and get *its own*
//! answer back (the server echoes the requested id), which catches responses crossed
//! between concurrent requests, connection-pool exhaustion and spurious retries.
//!
//! Bounded by construction: a fixed number of requests, each with a 10 s timeout, and the
//! whole run under a 120 s deadline. On the 2-core dev machine a debug build takes a few
//! seconds (the elapsed time and rate are printed with `--nocapture`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use prolinksqr::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 64;
const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// Answers `GET /links/{id}` with a link whose `dynamic_link_id` is the requested id,
/// counting the requests it serves.
struct EchoLink {
    served: Arc<AtomicUsize>,
}

impl Respond for EchoLink {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.served.fetch_add(1, Ordering::Relaxed);
        let id = request.url.path().trim_start_matches("/links/").to_owned();
        ResponseTemplate::new(200).set_body_json(json!({
            "data": {
                "dynamic_link_id": id,
                "full_dynamic_url": format!("https://qr-lb.co/{id}"),
                "name": "Summer Sale",
                "type": "website",
                "meta_data": { "url": "https://example.com/sale" },
                "qr_options": { "data": format!("https://qr-lb.co/{id}") }
            }
        }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_at_concurrency_64_all_succeed() {
    // Recording 10,000 requests would only cost memory; the responder counts them.
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let served = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path_regex(r"^/links/link-\d+$"))
        .respond_with(EchoLink {
            served: served.clone(),
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_secs(10))
        // A retry would mask a failed attempt and inflate the server's count.
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let started = Instant::now();
    let run = futures::stream::iter(0..REQUESTS)
        .map(|i| {
            let client = client.clone();
            async move {
                let id = format!("link-{i}");
                match client.links().get(&id).send().await {
                    Ok(link) if link.dynamic_link_id == id => Ok(()),
                    Ok(link) => Err(format!("{id}: got the answer for {}", link.dynamic_link_id)),
                    Err(err) => Err(format!("{id}: {err}")),
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .fold(
            (0usize, Vec::new()),
            |(ok, mut errors), result| async move {
                match result {
                    Ok(()) => (ok + 1, errors),
                    Err(err) => {
                        errors.push(err);
                        (ok, errors)
                    }
                }
            },
        );
    let (ok, errors) = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("10,000 requests finish within 120 s");
    let elapsed = started.elapsed();
    println!(
        "{REQUESTS} requests at concurrency {CONCURRENCY}: {elapsed:.2?} ({:.0} req/s)",
        REQUESTS as f64 / elapsed.as_secs_f64()
    );

    assert!(
        errors.is_empty(),
        "{} failed, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert_eq!(ok, REQUESTS);
    assert_eq!(
        served.load(Ordering::Relaxed),
        REQUESTS,
        "exactly one request per call"
    );
}
