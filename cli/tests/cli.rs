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
        // The columns are the generated `links list` table's: export is `links list --all`.
        "dynamic_link_id,name,type,full_dynamic_url\n\
         l-1,\"Link, 1\",website,https://qr-lb.co/l-1\n\
         l-2,\"Link, 2\",website,https://qr-lb.co/l-2\n\
         l-3,\"Link, 3\",website,https://qr-lb.co/l-3\n"
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
