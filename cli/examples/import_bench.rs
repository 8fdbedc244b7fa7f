//! Measures `prolinksqr bulk import` on a large CSV against a fake API on 127.0.0.1, under
//! `/usr/bin/time -v` (wall time and peak memory). Not a test: run it by hand, with the
//! release binary built beside it (see BENCHMARKS.md):
//!
//! ```sh
//! cargo build --release -p prolinksqr-cli --bins --examples
//! target/release/examples/import_bench 1000000
//! ```
//!
//! The fake API answers every `POST /bulk-generate` with one link per record, at once,
//! so what is measured is the command's own work: reading and checking the CSV twice,
//! building and sending the chunks, decoding the answers and writing the result file.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args
        .next()
        .and_then(|rows| rows.parse().ok())
        .expect("usage: import_bench ROWS [PROLINKSQR-BINARY]");
    let binary = args.next().map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("the example's path");
        exe.parent()
            .and_then(|examples| examples.parent())
            .expect("target/<profile>/examples")
            .join("prolinksqr")
    });

    let dir = tempfile::tempdir().expect("a temporary folder");
    let input = dir.path().join("in.csv");
    let mut csv = BufWriter::new(std::fs::File::create(&input).expect("the input file"));
    writeln!(csv, "name,url").unwrap();
    for n in 1..=rows {
        writeln!(csv, "Link {n},https://example.com/landing/{n}").unwrap();
    }
    csv.flush().unwrap();
    drop(csv);

    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });

    let status = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(&binary)
        .args(["bulk", "import"])
        .arg(&input)
        .args(["--type", "website"])
        .env("PROLINKSQR_API_KEY", "key-bench")
        .env("PROLINKSQR_BASE_URL", format!("http://{address}"))
        .status()
        .expect("/usr/bin/time runs");
    assert!(status.success(), "the import failed: {status}");
    let result = std::fs::read_to_string(dir.path().join("in.result.csv")).unwrap();
    let created = result.lines().filter(|l| l.contains(",created,")).count();
    println!("{rows} rows, {created} created");
    assert_eq!(created, rows);
}

/// Answers the requests of one connection (keep-alive) until it closes.
fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut writer = stream;
    loop {
        let mut length = 0_usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let links: Vec<serde_json::Value> = request["data"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, _)| {
                serde_json::json!({
                    "dynamic_link_id": format!("b{i}"),
                    "full_dynamic_url": format!("https://qr-lb.co/b{i}"),
                })
            })
            .collect();
        let answer = serde_json::to_vec(&serde_json::json!({ "data": links })).unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&answer).is_err() {
            return;
        }
    }
}
