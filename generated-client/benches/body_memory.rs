//! Peak memory of the client while a local server sends it a 1 GiB `200` body, once with a
//! `Content-Length` and once chunked (no length known up front).
//!
//! ```sh
//! cargo bench -p prolinksqr --bench body_memory
//! ```
//!
//! The client reads the body the way every operation does (`Client::execute`, default
//! settings, so the default `max_response_body` of 64 MiB applies). Peak RSS is the
//! kernel's `VmHWM`, reset through `/proc/self/clear_refs` before each run. The server runs
//! in this process on its own thread and writes the same 1 MiB buffer 1,024 times, so it
//! adds about 1 MiB. No traffic leaves 127.0.0.1. Results: `BENCHMARKS.md`.

use std::time::Instant;

use prolinksqr::__private::Operation;
use prolinksqr::Client;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: usize = 1 << 30;
const PIECE: usize = 1 << 20;

static GET_BLOB: Operation = Operation {
    id: "getBlob",
    method: Method::GET,
    path: "/blob",
    scopes: &[],
    security: &[&[0]],
};

#[path = "support/memory.rs"]
mod memory;
use memory::{peak_rss_kib, reset_peak_rss};

/// `GET /length` answers 1 GiB with a `Content-Length`; any other path, 1 GiB chunked.
fn start_server() -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let piece = vec![b'x'; PIECE];
            let mut framed = format!("{PIECE:x}\r\n").into_bytes();
            framed.extend_from_slice(&piece);
            framed.extend_from_slice(b"\r\n");
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let with_length = head.starts_with(b"GET /length ");
                let header = if with_length {
                    format!("HTTP/1.1 200 OK\r\ncontent-length: {BODY}\r\n\r\n")
                } else {
                    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                };
                if socket.write_all(header.as_bytes()).await.is_err() {
                    continue;
                }
                let chunk: &[u8] = if with_length { &piece } else { &framed };
                for _ in 0..BODY / PIECE {
                    if socket.write_all(chunk).await.is_err() {
                        break;
                    }
                }
                if !with_length {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
            }
        });
    });
    rx.recv().unwrap()
}

fn main() {
    let addr = start_server();
    let client = Client::builder()
        .credential("key-0123456789abcdef0123456789abcdef")
        .base_url(format!("http://{addr}"))
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("| body | outcome | peak RSS (MiB) | time (ms) |");
    println!("|---|---|---:|---:|");
    for (what, path) in [
        ("1 GiB, Content-Length", "/length"),
        ("1 GiB, chunked", "/chunked"),
    ] {
        let rss_reset = reset_peak_rss();
        let start = Instant::now();
        let outcome = match rt.block_on(client.execute(&GET_BLOB, path, |rb| rb)) {
            Ok(raw) => format!("Ok: {} bytes read", raw.body.len()),
            Err(err) => format!("Err: {err}"),
        };
        let elapsed = start.elapsed();
        let rss = match (rss_reset, peak_rss_kib()) {
            (true, Some(kib)) => format!("{:.1}", kib as f64 / 1024.0),
            _ => "n/a".to_owned(),
        };
        println!(
            "| {what} | {outcome} | {rss} | {:.0} |",
            elapsed.as_secs_f64() * 1000.0
        );
    }
}
