//! Client vs hand-written baseline, interleaved: the ratio of requests/s measured in
//! alternating blocks (A B, B A, A B, ...) so that drift in machine load hits both sides
//! alike. Divan (`client.rs`) times each side in its own stretch of time; on a shared
//! 2-core machine that alone can move a ratio by several percent.
//!
//! ```sh
//! cargo bench -p prolinksqr --bench client_ab
//! ```
//!
//! Besides requests/s (wall clock, which on this VM is dominated by wake-up latency between
//! the client's and the server's threads), it reports the client thread's CPU time per
//! request (from `/proc/thread-self/schedstat`): everything the client side does, the
//! connection task included, runs on that one thread (a current-thread runtime), so this
//! is the client's own cost, far less noisy than wall time.
//!
//! Same server, clients and requests as `client.rs` (this file includes it). No traffic
//! leaves 127.0.0.1. Results and how they were taken: `BENCHMARKS.md`.

use std::time::{Duration, Instant};

#[allow(
    dead_code,
    reason = "only the fixture is used here; the divan benches are not run"
)]
#[path = "client.rs"]
mod client;

use client::{Fixture, PAGE_LINKS, fixture};

const ROUNDS: usize = 31;

fn main() {
    let f = fixture();
    println!(
        "| case | prolinksqr req/s | baseline req/s | req/s ratio (median of {ROUNDS} rounds) | ratio min..max | prolinksqr client CPU µs/req | baseline client CPU µs/req | CPU ratio (baseline/prolinksqr) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    ab(
        f,
        "get_link, 1 at a time, 300 per block",
        300,
        |f, n| {
            f.rt.block_on(async {
                for _ in 0..n {
                    std::hint::black_box(f.client_get().await.unwrap());
                }
            })
        },
        |f, n| {
            f.rt.block_on(async {
                for _ in 0..n {
                    std::hint::black_box(f.baseline_get().await.unwrap());
                }
            })
        },
    );
    ab(
        f,
        "get_link, 16 in flight, 512 per block",
        512,
        |f, n| f.concurrently(n, 16, |f| f.client_get()),
        |f, n| f.concurrently(n, 16, |f| f.baseline_get()),
    );
    ab(
        f,
        &format!("list_1000 ({PAGE_LINKS} links per response), 20 per block"),
        20,
        |f, n| {
            f.rt.block_on(async {
                for _ in 0..n {
                    std::hint::black_box(f.client_list().await.unwrap());
                }
            })
        },
        |f, n| {
            f.rt.block_on(async {
                for _ in 0..n {
                    std::hint::black_box(f.baseline_list().await.unwrap());
                }
            })
        },
    );
}

/// CPU time this thread has run, in ns (Linux `schedstat`; 0 where unavailable).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Wall time and this thread's CPU time for one block of `n` requests.
fn timed(
    f: &'static Fixture,
    n: usize,
    run: &impl Fn(&'static Fixture, usize),
) -> (Duration, Duration) {
    let cpu = thread_cpu_ns();
    let start = Instant::now();
    run(f, n);
    let wall = start.elapsed();
    (wall, Duration::from_nanos(thread_cpu_ns() - cpu))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ab(
    f: &'static Fixture,
    case: &str,
    per_block: usize,
    client: impl Fn(&'static Fixture, usize),
    baseline: impl Fn(&'static Fixture, usize),
) {
    // Warm-up block for each side.
    timed(f, per_block, &client);
    timed(f, per_block, &baseline);
    let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ca, mut cb, mut cratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let ((ta, cpu_a), (tb, cpu_b)) = if round % 2 == 0 {
            let ta = timed(f, per_block, &client);
            (ta, timed(f, per_block, &baseline))
        } else {
            let tb = timed(f, per_block, &baseline);
            (timed(f, per_block, &client), tb)
        };
        let ra = per_block as f64 / ta.as_secs_f64();
        let rb = per_block as f64 / tb.as_secs_f64();
        a.push(ra);
        b.push(rb);
        ratio.push(ra / rb);
        let ua = cpu_a.as_secs_f64() * 1e6 / per_block as f64;
        let ub = cpu_b.as_secs_f64() * 1e6 / per_block as f64;
        ca.push(ua);
        cb.push(ub);
        cratio.push(ub / ua);
    }
    let lo = ratio.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ratio.iter().copied().fold(0.0, f64::max);
    println!(
        "| {case} | {:.0} | {:.0} | {:.3} | {lo:.3}..{hi:.3} | {:.1} | {:.1} | {:.3} |",
        median(a),
        median(b),
        median(ratio),
        median(ca),
        median(cb),
        median(cratio)
    );
}
