//! What the client benches share: the docs' example link and a tiny HTTP/1.1 server on
//! 127.0.0.1 (keep-alive, answers from pre-built bodies so that it costs as little as
//! possible). Included with `#[path]` by `client.rs` (and through it `client_ab.rs`) and
//! `stream_memory.rs`; not a bench target of its own.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The docs' example link (`GET /links` in spec/openapi.yaml), with its slug made unique
/// (link 0 keeps the docs' `summer-sale`).
pub(crate) fn docs_link(i: usize) -> Value {
    let slug = if i == 0 {
        "summer-sale".to_owned()
    } else {
        format!("summer-sale-{i}")
    };
    json!({
        "dynamic_link_id": slug,
        "full_dynamic_url": format!("https://qr-lb.co/{slug}"),
        "name": "Summer Sale",
        "type": "website",
        "meta_data": { "url": "https://example.com/sale" },
        "qr_options": { "data": format!("https://qr-lb.co/{slug}"), "width": 300, "height": 300 },
        "folder_id": null,
        "created_at": "Jun 24, 2026",
        "updated_at": "Jun 24, 2026"
    })
}

/// A response: its status line's tail and its body, in pieces written one after another
/// (so that a large shared body is sent without being copied into each response).
pub(crate) struct Reply {
    pub(crate) status: &'static str,
    pub(crate) body: Vec<Bytes>,
}

/// Starts the server on its own thread (and single-threaded runtime, so that it takes one
/// core and the client the other); `respond` maps a request target (`/links?page=2`) to
/// the reply. Returns the address it listens on.
pub(crate) fn start_server(respond: impl Fn(&str) -> Reply + Send + Sync + 'static) -> SocketAddr {
    let respond = Arc::new(respond);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".to_owned())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let (socket, _) = listener.accept().await.unwrap();
                    socket.set_nodelay(true).unwrap();
                    let respond = respond.clone();
                    tokio::spawn(async move { serve_connection(socket, &*respond).await });
                }
            });
        })
        .unwrap();
    rx.recv().unwrap()
}

async fn serve_connection(mut socket: TcpStream, respond: &(impl Fn(&str) -> Reply + ?Sized)) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).unwrap_or("");
            let target = head.split(' ').nth(1).unwrap_or("/");
            let reply = respond(target);
            let length: usize = reply.body.iter().map(Bytes::len).sum();
            let header = format!(
                "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n",
                reply.status
            );
            buf.drain(..end + 4);
            if socket.write_all(header.as_bytes()).await.is_err() {
                return;
            }
            for piece in &reply.body {
                if socket.write_all(piece).await.is_err() {
                    return;
                }
            }
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}
