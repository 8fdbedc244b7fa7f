//! Peak memory of `client.links().list().size(1000).stream()` over 10, 50 and 100 pages of
//! 1,000 links each (up to 100,000 links) from a tiny HTTP/1.1 server on 127.0.0.1.
//!
//! ```sh
//! cargo bench -p prolinksqr --bench stream_memory
//! ```
//!
//! Memory is measured two ways:
//! - a counting global allocator: the peak of live heap bytes during the run, minus what
//!   was live before it (the server's pre-built body and the runtime are already there),
//!   and the total bytes allocated during the run (which *should* grow with the pages);
//! - the kernel's peak RSS (`VmHWM`), reset before each run through `/proc/self/clear_refs`.
//!
//! For contrast, the same items collected into a `Vec` (which must grow linearly).
//! The server runs in this process, on its own thread; its allocations are counted too,
//! but it answers from one pre-serialized 1,000-link body, so they do not grow with pages.
//! No traffic leaves 127.0.0.1. Results and how they were taken: `BENCHMARKS.md`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use prolinksqr::Client;
use serde_json::Value;

#[path = "support/mod.rs"]
mod support;

use support::{Reply, docs_link, start_server};

// ---------------------------------------------------------------------------------------
// Counting allocator: live bytes, their peak, and the running total.

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

fn added(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
    TOTAL.fetch_add(size, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` unchanged and only updates counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            added(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            added(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            added(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[path = "support/memory.rs"]
mod memory;
use memory::{peak_rss_kib, reset_peak_rss};

// ---------------------------------------------------------------------------------------
// The server: every `GET /links?page=P` gets the same 1,000 links with meta
// `{ currentPage: P, totalPages: TOTAL_PAGES }`.

const PAGE_LINKS: usize = 1_000;
static TOTAL_PAGES: AtomicI64 = AtomicI64::new(1);

/// `GET /links?page=P`: the shared 1,000 links, then the meta for page P.
fn reply(data: &Bytes, target: &str) -> Reply {
    let page: i64 = target
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let suffix = format!(
        ",\"meta\":{{\"currentPage\":{page},\"totalPages\":{}}}}}",
        TOTAL_PAGES.load(Ordering::Relaxed)
    );
    Reply {
        status: "200 OK",
        body: vec![
            Bytes::from_static(b"{\"data\":"),
            data.clone(),
            Bytes::from(suffix),
        ],
    }
}

// ---------------------------------------------------------------------------------------

struct Measured {
    items: usize,
    peak_live: usize,
    allocated: usize,
    peak_rss_kib: Option<u64>,
    elapsed: Duration,
}

async fn measure<F, Fut>(pages: i64, run: F) -> Measured
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = usize>,
{
    TOTAL_PAGES.store(pages, Ordering::Relaxed);
    let rss_reset = reset_peak_rss();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let total_before = TOTAL.load(Ordering::Relaxed);
    let start = Instant::now();
    let items = run().await;
    let elapsed = start.elapsed();
    Measured {
        items,
        peak_live: PEAK.load(Ordering::Relaxed).saturating_sub(before),
        allocated: TOTAL.load(Ordering::Relaxed) - total_before,
        peak_rss_kib: if rss_reset { peak_rss_kib() } else { None },
        elapsed,
    }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn report(what: &str, pages: i64, m: &Measured) {
    let rss = m
        .peak_rss_kib
        .map_or("n/a".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    println!(
        "| {what} | {pages} | {} | {:.2} | {:.1} | {rss} | {:.0} |",
        m.items,
        mib(m.peak_live),
        mib(m.allocated),
        m.elapsed.as_secs_f64() * 1000.0,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; numbers among the arguments choose page counts.
    let mut page_counts: Vec<i64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if page_counts.is_empty() {
        page_counts = vec![10, 50, 100];
    }
    let data: Vec<Value> = (0..PAGE_LINKS).map(docs_link).collect();
    let data = Bytes::from(serde_json::to_vec(&data).unwrap());
    let page_bytes = data.len();
    let addr = start_server(move |target| reply(&data, target));
    let client = Client::builder()
        .credential("key-0123456789abcdef0123456789abcdef")
        .base_url(format!("http://{addr}"))
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let stream_all = |client: Client| async move {
        let mut stream = client.links().list().size(1000).stream();
        let mut items = 0;
        while let Some(link) = stream.next().await {
            std::hint::black_box(link.unwrap());
            items += 1;
        }
        items
    };
    let collect_all = |client: Client| async move {
        let links: Vec<_> = client
            .links()
            .list()
            .size(1000)
            .stream()
            .try_collect()
            .await
            .unwrap();
        links.len()
    };

    // Warm up: connection pool, runtime, lazy statics.
    rt.block_on(measure(2, || stream_all(client.clone())));

    println!(
        "page body: {PAGE_LINKS} links, {:.2} MiB of JSON\n",
        mib(page_bytes)
    );
    println!(
        "| run | pages | links | peak live heap (MiB) | allocated in total (MiB) | peak RSS (MiB) | time (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for &pages in &page_counts {
        let m = rt.block_on(measure(pages, || stream_all(client.clone())));
        assert_eq!(m.items, pages as usize * PAGE_LINKS);
        report("stream()", pages, &m);
    }
    for &pages in &page_counts {
        let m = rt.block_on(measure(pages, || collect_all(client.clone())));
        assert_eq!(m.items, pages as usize * PAGE_LINKS);
        report("stream().try_collect::<Vec<_>>() (contrast)", pages, &m);
    }
}
