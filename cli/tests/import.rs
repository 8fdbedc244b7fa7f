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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(Bulk::failing(&[2]))
        .mount(&server)
        .await;
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
             failed (refused or not sent: not created): lines 1202-2401\n  \
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
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
            .contains("\n  unknown (sent, no answer: check before resending): lines 2-3\n"),
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(Bulk::new())
        .expect(1)
        .mount(&server)
        .await;
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(20)))
        .mount(&server)
        .await;
    let dir = temp_dir("ctrl-c");
    std::fs::write(dir.join("in.csv"), website_csv(2)).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_prolinksqr"))
        .current_dir(&dir)
        .args(["bulk", "import", "in.csv", "--type", "website"])
        .env("PROLINKSQR_API_KEY", KEY)
        .env("PROLINKSQR_BASE_URL", server.uri())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if !server.received_requests().await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out: common::Run = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
        .into();

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
