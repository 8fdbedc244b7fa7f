//! Memory of drift recording over 100,000 responses: the live heap of a `DriftLog` and its
//! checker after 1,000, 10,000 and 100,000 drifted `listLinks` pages, each one a body of 20
//! links compared with `drift.jsonl` exactly as a client with recording on compares it.
//!
//! ```sh
//! cargo bench -p prolinksqr --bench drift_memory
//! ```
//!
//! Two runs: responses whose drift repeats (extra fields and enum values from small sets:
//! the records stop growing once each has been seen), and responses whose every page has a
//! property never seen before (a new record per response), where the log's bound on
//! distinct records (here the default, 10,000) must hold the heap flat. A counting global
//! allocator gives the live heap; no traffic is involved (the checker is fed the bodies).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use prolinksqr::__private::Operation;
use prolinksqr::drift::{Checker, DriftLog};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::json;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` unchanged and only updates the counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static LIST_LINKS: Operation = Operation {
    id: "listLinks",
    method: Method::GET,
    path: "/links",
    scopes: &["links.read"],
    security: &[&[0]],
};

/// Page `n`: 20 links, each with one of 50 extra fields and one of 20 unknown enum values;
/// with `fresh`, the page also has a property named after `n`, new to the log.
fn page(n: usize, fresh: bool) -> Vec<u8> {
    let links: Vec<_> = (0..20)
        .map(|i| {
            json!({
                "dynamic_link_id": format!("l-{n}-{i}"),
                "full_dynamic_url": "https://qr-lb.co/x",
                "name": "Summer",
                "type": format!("kind{}", (n + i) % 20),
                "folder_id": null,
                format!("extra{}", (n * 7 + i) % 50): i,
            })
        })
        .collect();
    let mut body = json!({"data": links, "meta": {"currentPage": 1, "totalPages": 1}});
    if fresh {
        body[format!("new{n}")] = json!(true);
    }
    serde_json::to_vec(&body).unwrap()
}

fn run(fresh: bool) {
    let base = LIVE.load(Ordering::Relaxed);
    let log = DriftLog::new();
    let checker = Checker::new(include_str!("../src/generated/drift.jsonl"), log.clone());
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
    let start = Instant::now();
    let label = if fresh {
        "a new property per page"
    } else {
        "repeated drift"
    };
    for n in 1..=100_000 {
        let body = page(n, fresh);
        checker.observe(&LIST_LINKS, StatusCode::OK, &headers, &body);
        drop(body);
        if [1_000, 10_000, 100_000].contains(&n) {
            let live = LIVE.load(Ordering::Relaxed).saturating_sub(base);
            println!(
                "{label:>24}: after {n:>7} responses: {:>6} records, {:>6} dropped, live heap {:>8.1} KiB ({:.1} s)",
                log.len(),
                log.dropped(),
                live as f64 / 1024.0,
                start.elapsed().as_secs_f64()
            );
        }
    }
}

fn main() {
    run(false);
    run(true);
}
