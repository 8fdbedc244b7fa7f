//! Compile-level checks of the public API's shape: each function below only has to
//! compile (and run without a server where it runs at all), so that a regression in how
//! the API reads to a user fails the build. Each helper of issue #12 adds its own
//! clearly named functions.

#![allow(dead_code)]

use prolinksqr::types::*;
use prolinksqr::*;

// ------------------------------------------------------------------ natural inputs

/// String enums take a `String` as well as a `&str`, and a setter takes either.
fn inputs_sort_by_takes_a_string(client: &Client) {
    let _ = client.links().list().sort_by(String::from("most_recent"));
    let _ = client.links().list().sort_by("name");
    let _ = client.links().list().sort_by(ListLinksSortBy::MostVisited);
}

/// An array parameter: `.x(v)` adds one value and may be called again.
fn inputs_array_parameter_appends(client: &Client) {
    let _ = client.links().list().qr_type("a").qr_type("b");
    let _ = client
        .links()
        .list()
        .status("active")
        .status(String::from("paused"));
}

/// `.set_x(values)` takes any iterator of values and replaces them.
fn inputs_array_parameter_replaces(client: &Client) {
    let _ = client.links().list().set_qr_type(vec!["a", "b"]);
    let _ = client
        .links()
        .list()
        .set_qr_type([LinkType::Website, LinkType::Vcard]);
    let _ = client
        .links()
        .list()
        .set_status(vec![String::from("active")]);
}

/// A body argument takes any variant payload of a oneOf body.
fn inputs_body_takes_a_variant(client: &Client, records: Vec<WebsiteRecord>) {
    let _ = client.bulk().generate(BulkWebsiteRequest::new(records));
    let _ = client.bulk().generate(BulkSmsRequest::new(Vec::new()));
}

/// The link type is an open enum.
#[test]
fn inputs_link_type_is_an_open_enum() {
    assert_eq!(LinkType::from("website"), LinkType::Website);
    assert_eq!(LinkType::from(String::from("vcard")), LinkType::Vcard);
    assert_eq!(
        LinkType::from("wifi"),
        LinkType::Other("wifi".to_owned()),
        "unknown values are kept"
    );
    let request = CreateLinkRequest::new("Summer Sale", "website");
    assert_eq!(request.type_, LinkType::Website);
}

/// (`prolinksqr::Error` spelled out: the double glob's `Error` is the other helpers' part.)
/// A documented limit failing is `Error::InvalidInput`, checked with `is_invalid_input`;
/// the checks can be turned off on the builder.
fn inputs_invalid_input_error(err: &prolinksqr::Error) -> Option<(&str, Limit)> {
    let _ = Client::builder().validate_inputs(false);
    if err.is_invalid_input() {
        let invalid: &InvalidInput = err.invalid_input()?;
        return Some((invalid.field.as_str(), invalid.limit));
    }
    match err {
        prolinksqr::Error::InvalidInput(invalid) => Some((invalid.field.as_str(), invalid.limit)),
        _ => None,
    }
}

// ------------------------------------------------- per-request control (control helper)

/// `for link in page` (owned) and `for link in &page` (borrowed) both iterate the items.
async fn control_for_link_in_page(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    let page = client.links().list().send().await?;
    for link in &page {
        let _: &prolinksqr::types::Link = link;
    }
    let mut page = page;
    for link in &mut page {
        link.name.push('!');
    }
    for link in page {
        let _: prolinksqr::types::Link = link;
    }
    Ok(())
}

/// Users can build a `Page` (it is `#[non_exhaustive]`) to stand in for the API in tests.
fn control_page_new() -> prolinksqr::Page<u8> {
    prolinksqr::Page::new(vec![1, 2], 1, 1)
}

/// `prolinksqr::reqwest` is the `reqwest` of the public API: its `Method` goes to `raw`,
/// its `Client` to `http_client`, its `StatusCode` comes back from `Response::status`.
async fn control_reqwest_reexport(
    client: prolinksqr::Client,
) -> prolinksqr::Result<prolinksqr::reqwest::StatusCode> {
    let _ = prolinksqr::Client::builder().http_client(prolinksqr::reqwest::Client::new());
    let response = client
        .raw(prolinksqr::reqwest::Method::GET, "/cafes/c1/categories")
        .send()
        .await?;
    Ok(response.status())
}

/// `.timeout()`, `.header()` and `.retry()` on a builder, in any order, with the setters.
async fn control_builder_overrides(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    use std::time::Duration;
    let _page = client
        .links()
        .list()
        .timeout(Duration::from_secs(120))
        .size(50)
        .header("x-request-id", "abc")
        .header(
            prolinksqr::reqwest::header::ACCEPT_LANGUAGE,
            prolinksqr::reqwest::header::HeaderValue::from_static("en"),
        )
        .retry(prolinksqr::RetryPolicy::none())
        .send()
        .await?;
    Ok(())
}

/// `.send_response()` gives a `prolinksqr::Response<T>` that derefs to `T`.
async fn control_send_response(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    let response: prolinksqr::Response<prolinksqr::Page<prolinksqr::types::Link>> =
        client.links().list().send_response().await?;
    let _: prolinksqr::reqwest::StatusCode = response.status();
    let _: &prolinksqr::reqwest::header::HeaderMap = response.headers();
    let _: bool = response.has_next(); // `Page::has_next` through `Deref`
    let _: prolinksqr::Page<prolinksqr::types::Link> = response.into_inner();
    Ok(())
}

/// A stream of whole pages beside the stream of items.
async fn control_pages_stream(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    use futures::StreamExt;
    let mut pages = client.links().list().size(100).pages();
    while let Some(page) = pages.next().await {
        let page: prolinksqr::Page<prolinksqr::types::Link> = page?;
        let _ = page.len();
    }
    Ok(())
}

/// `raw` with a query, a JSON body, a header, a timeout and a retry policy, decoded as a
/// user's own type.
async fn control_raw_json(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    #[derive(serde::Deserialize)]
    struct Item {
        id: String,
    }
    let item: prolinksqr::Response<Item> = client
        .raw(prolinksqr::reqwest::Method::POST, "/cafes/c1/items")
        .query(&[("notify", "false")])
        .json(&serde_json::json!({ "name": "Flat white" }))
        .header("x-request-id", "abc")
        .timeout(std::time::Duration::from_secs(5))
        .retry(prolinksqr::RetryPolicy::none())
        .send_json()
        .await?;
    let _: &str = &item.id;
    let _: prolinksqr::RawRequest = client.raw(prolinksqr::reqwest::Method::GET, "/x");
    Ok(())
}

/// `Response::new` and `map`, for users' test doubles and adapters.
fn control_response_parts() -> prolinksqr::Response<usize> {
    let response = prolinksqr::Response::new(
        prolinksqr::reqwest::StatusCode::OK,
        prolinksqr::reqwest::header::HeaderMap::new(),
        "abc",
    );
    response.map(str::len)
}

#[test]
fn control_api_shape_compiles() {
    // The checks above are made by the compiler; this test makes the file a test target.
    assert_eq!(control_page_new().len(), 2);
    assert_eq!(*control_response_parts(), 3);
}

// ------------------------------------------------------------------------- responses

/// Every response is typed (no `serde_json::Value` comes back from `send()`), deletes and
/// actions return `()`, and with both glob imports `Error` is the crate's error while the
/// API's error body is `ErrorBody`.
async fn responses_shape(client: Client) -> Result<()> {
    let template: Template = client.templates().get("t1").send().await?;
    let _: Option<&str> = template.name.as_deref();
    let _: &serde_json::Value = template.raw();
    let _: Vec<Template> = client.templates().list().send().await?;
    let _: Template = client
        .links()
        .save_as_template("summer-sale")
        .send()
        .await?;
    let _: Vec<Cafe> = client.cafes().list().send().await?;
    let cafe: Cafe = client.cafes().get("cafe-1").send().await?;
    let _: Option<bool> = cafe.show_dietary_section;
    let _: Vec<Group> = client.groups().list("cafe-1").send().await?;
    let group: Group = client.groups().get("cafe-1", "g1").send().await?;
    let _: Option<bool> = group.visible;
    let link: LinkResult = client.links().duplicate("summer-sale").send().await?;
    let _: Option<String> = link.id;
    let bulk: BulkGenerateResult = client
        .bulk()
        .generate(BulkGenerateRequest::from(BulkWebsiteRequest::new(vec![])))
        .send()
        .await?;
    let _: Option<Vec<LinkResult>> = bulk.data;

    let () = client.links().delete("summer-sale").send().await?;
    let () = client.links().archive("summer-sale").send().await?;
    let () = client.links().pause("summer-sale").send().await?;
    let () = client.links().resume("summer-sale").send().await?;
    let () = client.folders().delete("f1").send().await?;
    let () = client.templates().delete("t1").send().await?;
    let () = client.cafes().delete("cafe-1").send().await?;
    let () = client.groups().delete("cafe-1", "g1").send().await?;

    // A nullable optional field of a response model is a plain `Option`.
    let page = client.links().list().send().await?;
    for link in &page.items {
        let _: &Option<String> = &link.folder_id;
    }

    // `Error` is unambiguous: the crate's error, with the API's body as `ErrorBody`.
    let outcome: std::result::Result<Link, Error> = client.links().get("x").send().await;
    if let Err(Error::Api(api)) = outcome {
        let _: Option<ErrorBody> = api.body_as::<ErrorBody>().ok();
    }
    Ok(())
}

#[test]
fn responses_shape_error_names() {
    let body = ErrorBody::new().with_message("nope");
    assert_eq!(body.message.as_deref(), Some("nope"));
    let config: Error = Error::Config("missing API key".into());
    assert!(matches!(config, Error::Config(_)));
    // A model built in code has no JSON of its own.
    assert_eq!(Template::new().raw(), &serde_json::Value::Null);
}

// ------------------------------------------------------------------ blocking client

/// The blocking client (feature `blocking`) mirrors the async one: the same groups,
/// operations and setters, `send()` returning the same types without `.await`, and lists
/// as iterators of items or pages.
fn blocking_mirrors_the_async_client(client: &blocking::Client) -> Result<()> {
    let page: Page<Link> = client
        .links()
        .list()
        .page(2)
        .size(50)
        .qr_type(LinkType::Website)
        .set_status(["active"])
        .only_favorites()
        .sort_by("most_recent")
        .timeout(std::time::Duration::from_secs(5))
        .header("x-trace", "1")
        .retry(RetryPolicy::none())
        .send()?;
    let _: Vec<Link> = page.items;
    let links: blocking::Iter<Link> = client.links().list().iter();
    let _: Vec<Link> = links.collect::<Result<_>>()?;
    let _: Option<Result<Page<Link>>> = client.links().list().pages().next();
    let _: Response<Folder> = client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .send_response()?;
    let () = client.groups().delete("cafe-1", "g1").send()?;
    let _: &Client = client.as_async();
    Ok(())
}

/// Every way to make one; `Client` and `Iter` can move to other threads.
fn blocking_constructors(async_client: Client) -> Result<()> {
    let _ = blocking::Client::new("key-...");
    let _ = blocking::Client::from_env()?;
    let _ = Client::builder().credential("key-...").build_blocking()?;
    let _ = blocking::Client::builder()
        .credential("key-...")
        .build_blocking()?;
    let _: blocking::Client = async_client.into();
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<blocking::Client>();
    send::<blocking::Iter<Link>>();
    Ok(())
}

// ------------------------------------------------------------------ command line

/// The command line (feature `cli`), as a binary uses it: the tree, `run` writing to any
/// `Write + Send` (its future is `Send`, for a multi-threaded runtime), options, and an
/// error with an exit code and a one-line message.
async fn cli_as_a_binary_uses_it(client: &Client) -> std::result::Result<(), cli::CliError> {
    let command: clap::Command = cli::command();
    let matches = command.try_get_matches_from(["prolinksqr", "links", "list"])?;
    let options = cli::Options::new().pretty(true);
    let _ = cli::Options::default();
    let mut stdout = std::io::stdout();
    fn send<T: Send>(_: &T) {}
    let run = cli::run(client, &matches, &options, &mut stdout);
    send(&run);
    match run.await {
        Ok(()) => Ok(()),
        Err(e) => {
            let _: u8 = e.exit_code();
            let _: String = e.to_string();
            Err(e)
        }
    }
}

/// A library error converts, with exit code 1; parse errors with 2.
fn cli_errors_convert(error: Error, parse: clap::Error) {
    assert_eq!(cli::CliError::from(error).exit_code(), 1);
    assert_eq!(cli::CliError::from(parse).exit_code(), 2);
}

// ------------------------------------------------------------------ bulk import

/// Any number of records, from an iterator, become a stream of chunk outcomes; a key
/// of the caller's rides along with each record.
async fn bulk_import_takes_an_iterator_and_streams_outcomes(client: &Client) {
    use futures::StreamExt;
    use prolinksqr::bulk_import::{ChunkOutcome, ChunkStatus};

    let records = (0..5000).map(|n| WebsiteRecord::new(format!("L{n}"), "https://example.com"));
    let mut outcomes = client
        .bulk()
        .import(records)
        .folder_id("f-1")
        .chunk_timeout(std::time::Duration::from_secs(30))
        .outcomes();
    while let Some(outcome) = outcomes.next().await {
        let outcome: ChunkOutcome<WebsiteRecord> = outcome;
        let _: Option<&[LinkResult]> = outcome.links();
        match outcome.status {
            ChunkStatus::Created { result } => {
                let _: Option<BulkGenerateResult> = result;
            }
            ChunkStatus::Failed(error) | ChunkStatus::Unknown(error) => {
                let _: Error = error;
                break;
            }
            _ => break,
        }
    }

    let keyed = vec![(2_u64, SmsRecord::new("S", "+1555"))];
    let mut import = client.bulk().import(keyed);
    if let Some(chunk) = import.next_chunk().await {
        let _: &[(u64, SmsRecord)] = &chunk.records;
        let _outcome: ChunkOutcome<(u64, SmsRecord)> = chunk.send().await;
    }

    let stream = futures::stream::iter(vec![VcardRecord::new("V", "A", "L", "c", "a@x.org")]);
    let _ = client.bulk().import_stream(stream).outcomes();
}

/// The import future is `Send`, so it can be spawned.
fn bulk_import_is_send(client: Client) {
    fn spawnable<F: std::future::Future + Send>(_: F) {}
    spawnable(async move {
        let records = vec![WebsiteRecord::new("A", "https://example.com/a")];
        bulk_import_takes_an_iterator_and_streams_outcomes(&client).await;
        let _ = client.bulk().import(records).outcomes();
    });
}

// ------------------------------------------------------------------ natural forms (issue 22)

/// A body with one required field converts from that field's value: a folder from its
/// name, a cafe from its name, a QR patch from its options.
fn forms_single_required_field_bodies(client: &Client) {
    let _ = client.folders().create("Spring 2027");
    let _ = client.folders().create(String::from("Spring 2027"));
    let _ = client.folders().update("f1", "Autumn");
    let _ = client.cafes().create("Downtown Cafe");
    let _ = client
        .links()
        .patch_qr_options("summer-sale", QrOptions::new().with_width(512));
    let _ = blocking::Client::new("key-...")
        .folders()
        .create("Spring 2027");
}

#[test]
fn forms_single_required_field_converts() {
    assert_eq!(
        FolderRequest::from("Spring 2027"),
        FolderRequest::new("Spring 2027")
    );
    assert_eq!(
        FolderRequest::from(String::from("Spring 2027")),
        FolderRequest::new("Spring 2027")
    );
    assert_eq!(
        PatchLinkQrOptionsRequest::from(QrOptions::new()),
        PatchLinkQrOptionsRequest::new(QrOptions::new())
    );
}

/// A free-form object field takes what `json!` gives, and a `Map` still.
#[test]
fn forms_free_form_objects_take_json() {
    let url = "https://example.com/sale";
    let from_json =
        CreateLinkRequest::new("Summer Sale", "wifi").with_data(serde_json::json!({ "url": url }));
    let map = serde_json::Map::from_iter([("url".to_owned(), url.into())]);
    let from_map = CreateLinkRequest::new("Summer Sale", "wifi").with_data(map);
    assert_eq!(from_json, from_map);
    let link = Link::new("s", "https://qr-lb.co/s", "S", "website")
        .with_meta_data(serde_json::json!({ "url": url }));
    assert_eq!(link.meta_data.as_ref().unwrap()["url"], url);
    let _ = TemplateRequest::new().with_additional_property("x", serde_json::json!({}));
}

/// A link's content is typed for the documented shapes, converting into `data`; `json!`
/// and `Map` give the typed shape they fit, else `Other`.
#[test]
fn forms_link_content_is_typed() {
    let url = "https://example.com/sale";
    let typed =
        CreateLinkRequest::new("Summer Sale", "website").with_data(WebsiteContent::new(url));
    assert_eq!(
        typed.data,
        Some(LinkContent::WebsiteContent(WebsiteContent::new(url)))
    );
    let from_json = CreateLinkRequest::new("Summer Sale", "website")
        .with_data(serde_json::json!({ "url": url }));
    assert_eq!(from_json, typed, "json! of a known shape is that shape");
    let _ = UpdateLinkRequest::new().with_data(SmsContent::new("+15550100"));
    let _ = UpdateLinkRequest::new().with_data(ProductContent::new("Mug").with_sub_total(9.5));
    let _ = UpdateLinkRequest::new().with_data(VcardContent::new(
        "Ada",
        "Lovelace",
        "+15550100",
        "ada@example.com",
    ));
    let wifi = serde_json::json!({ "ssid": "Guests", "encryption": "WPA" });
    assert_eq!(LinkContent::from(wifi.clone()), LinkContent::Other(wifi));
    // A shape that does not fit its type is kept, never an error.
    let odd = serde_json::json!({ "url": 42 });
    let decoded: LinkContent = serde_json::from_value(odd.clone()).unwrap();
    assert_eq!(decoded, LinkContent::Other(odd));
    let request: CreateLinkRequest = serde_json::from_value(serde_json::json!({
        "name": "x", "type": "website", "data": "not an object"
    }))
    .unwrap();
    assert_eq!(
        request.data,
        Some(LinkContent::Other("not an object".into()))
    );
}

/// A mock expectation of an operation with a JSON body takes no body argument: it
/// matches any body, or the one given to `.body(..)` (which converts like the client's
/// argument), or what `.body_matches(..)` accepts.
async fn forms_mock_body_matchers(mock: &mock::MockServer) {
    mock.bulk()
        .generate()
        .body_matches(|b: &BulkGenerateRequest| matches!(b, BulkGenerateRequest::Sms(_)))
        .mount()
        .await;
    mock.folders().create().body("Spring 2027").mount().await;
    mock.folders().update("f1").mount().await;
    mock.links()
        .create()
        .body(
            CreateLinkRequest::new("Summer Sale", "website")
                .with_data(WebsiteContent::new("https://example.com")),
        )
        .mount()
        .await;
}

/// What `duplicate` answers is not documented: the new link's slug is `id`, or
/// `dynamic_link_id` when the server sends the whole link.
async fn forms_duplicate_names_the_new_link(client: &Client) -> Result<Option<String>> {
    let copy: LinkResult = client.links().duplicate("summer-sale").send().await?;
    Ok(copy.id.or(copy.dynamic_link_id))
}

/// The natural forms send exactly what the long forms send, and a free-form object that
/// is not an object is refused before anything is sent.
#[tokio::test]
async fn forms_send_the_same_requests() {
    use serde_json::json;
    let mock = mock::MockServer::start().await;
    mock.folders()
        .create()
        .respond_with(Folder::new("f1", "Spring 2027"))
        .mount()
        .await;
    mock.links()
        .create()
        .respond_with("summer-sale".to_owned())
        .mount()
        .await;
    let client = mock.client();
    client.folders().create("Spring 2027").send().await.unwrap();
    let url = "https://example.com/sale";
    for data in [
        LinkContent::from(json!({ "url": url })),
        WebsiteContent::new(url).into(),
        LinkContent::from(json!({ "ssid": "Guests" })),
    ] {
        let body = CreateLinkRequest::new("Summer Sale", "website").with_data(data);
        client.links().create(body).send().await.unwrap();
    }
    let err = client
        .links()
        .create(CreateLinkRequest::new("Summer Sale", "website").with_data(json!("https://x")))
        .send()
        .await
        .unwrap_err();
    let invalid = err.invalid_input().expect("refused before sending");
    assert_eq!(
        (
            invalid.field.as_str(),
            invalid.limit,
            invalid.actual.as_str()
        ),
        ("data", Limit::Object, "a string")
    );
    let err = client
        .groups()
        .reorder("cafe-1", json!(["g2", "g1"]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_input().map(|i| i.limit), Some(Limit::Object));

    let received = mock.received().await;
    let sent: Vec<(String, serde_json::Value)> = received
        .iter()
        .map(|r| (format!("{} {}", r.method, r.path), r.body_json().unwrap()))
        .collect();
    let link =
        |data: serde_json::Value| json!({ "name": "Summer Sale", "type": "website", "data": data });
    assert_eq!(
        sent,
        [
            ("POST /folders".to_owned(), json!({ "name": "Spring 2027" })),
            ("POST /links".to_owned(), link(json!({ "url": url }))),
            ("POST /links".to_owned(), link(json!({ "url": url }))),
            ("POST /links".to_owned(), link(json!({ "ssid": "Guests" }))),
        ],
        "the refused calls sent nothing"
    );
}
