//! Running the real `prolinksqr` binary against a wiremock server on 127.0.0.1.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

pub const KEY: &str = "key-test";

/// What one run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Runs `prolinksqr args` in `dir` with `PROLINKSQR_BASE_URL=base_url` and the given key
/// (none if `None`), off the runtime's threads so that the mock server keeps answering.
pub async fn run(dir: &Path, base_url: &str, key: Option<&str>, args: &[&str]) -> Run {
    run_with_input(dir, base_url, key, args, None).await
}

/// [`run`] with `input` written to the binary's standard input (closed when `None`).
pub async fn run_with_input(
    dir: &Path,
    base_url: &str,
    key: Option<&str>,
    args: &[&str],
    input: Option<&str>,
) -> Run {
    use std::io::Write;
    use std::process::Stdio;

    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_prolinksqr"));
    command
        .current_dir(dir)
        .args(args)
        // Help is wrapped to the terminal's width, else to COLUMNS: no terminal here (the
        // output is piped, stdin a pipe or closed), so always 100 columns, wherever the
        // tests run.
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("COLUMNS", "100")
        .env_remove("PROLINKSQR_API_KEY")
        .env("PROLINKSQR_BASE_URL", base_url);
    if let Some(key) = key {
        command.env("PROLINKSQR_API_KEY", key);
    }
    let input = input.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("the binary runs");
        if let Some(input) = input {
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin.write_all(input.as_bytes()).expect("stdin written");
        }
        child.wait_with_output().expect("the binary ends")
    })
    .await
    .expect("the blocking task ends")
    .into()
}

/// A fresh empty directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prolinksqr-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A website CSV of `rows` records, named `Link N`, on lines 2..=rows+1.
pub fn website_csv(rows: usize) -> String {
    let mut csv = String::from("name,url\n");
    for n in 1..=rows {
        csv.push_str(&format!("Link {n},https://example.com/{n}\n"));
    }
    csv
}

/// The JSON records of rows `from..=to` of [`website_csv`].
pub fn website_records(from: usize, to: usize) -> Vec<Value> {
    (from..=to)
        .map(|n| json!({"name": format!("Link {n}"), "url": format!("https://example.com/{n}")}))
        .collect()
}

/// Answers `POST /bulk-generate` with one generated link per record (id `id-<name>`),
/// except the calls whose 1-based number is in `fail`, which get `status` (500 unless
/// set) and a message.
#[derive(Clone)]
pub struct Bulk {
    calls: Arc<AtomicUsize>,
    fail: Vec<usize>,
    status: u16,
}

impl Bulk {
    pub fn new() -> Self {
        Bulk::failing(&[])
    }

    pub fn failing(fail: &[usize]) -> Self {
        Bulk {
            calls: Arc::new(AtomicUsize::new(0)),
            fail: fail.to_vec(),
            status: 500,
        }
    }

    /// The failing calls get `status` instead of 500.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// How many calls it has answered.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Respond for Bulk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.fail.contains(&call) {
            return ResponseTemplate::new(self.status)
                .set_body_json(json!({"message": "database unavailable"}));
        }
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let links: Vec<Value> = body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|record| {
                let name = record["name"]
                    .as_str()
                    .unwrap_or_default()
                    .replace(' ', "-");
                json!({
                    "dynamic_link_id": format!("id-{name}"),
                    "full_dynamic_url": format!("https://qr-lb.co/id-{name}"),
                    "name": record["name"],
                })
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"data": links}))
    }
}

/// The JSON bodies of the requests `server` received to `path`, in order.
pub async fn bodies(server: &wiremock::MockServer, path: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == path)
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON body"))
        .collect()
}

/// The lines of the result file at `path`, parsed into fields.
pub fn result_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).expect("the result file exists");
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["line", "name", "status", "chunk", "id", "url"]
    );
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}
