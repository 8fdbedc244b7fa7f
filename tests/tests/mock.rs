//! The typed mock (`prolinksqr::mock`, feature `mock`): expectations per operation with the
//! client's arguments and setters as matchers, typed replies, the spec's examples,
//! sequences, delays, `expect`/`verify`, the 404 that explains a miss, and `received`.

use std::time::Duration;

use futures::FutureExt;
use prolinksqr::mock::{MockServer, Reply};
use prolinksqr::types::{
    CreateLinkRequest, ErrorBody, Folder, FolderRequest, Link, LinkType, TemplateRequest,
};
use prolinksqr::{Client, Page, RetryPolicy};

fn link(id: &str) -> Link {
    Link::new(
        id,
        format!("https://qr-lb.co/{id}"),
        "Summer Sale",
        LinkType::Website,
    )
}

/// The message of the 404 the mock answers a request nothing matched.
fn miss(err: &prolinksqr::Error) -> String {
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 404, "{err}");
    api.message.clone().expect("the 404 explains itself")
}

/// The 404 of a request whose body a `body_matches` predicate refused.
fn assert_body_unsatisfied(err: &prolinksqr::Error) {
    let message = miss(err);
    assert!(
        message.contains("body does not satisfy `body_matches`"),
        "{message}"
    );
}

#[tokio::test]
async fn respond_with_takes_the_typed_value_and_wraps_it_like_the_api() {
    let mock = MockServer::start().await;
    mock.links()
        .get("summer-sale")
        .respond_with(link("summer-sale"))
        .expect(1)
        .mount()
        .await;
    let got = mock
        .client()
        .links()
        .get("summer-sale")
        .send()
        .await
        .unwrap();
    assert_eq!(got, link("summer-sale"));
    mock.verify().await;
    // The envelope the real API sends: `{ "data": ... }`.
    let received = mock.received().await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].operation, Some("getLink"));
    assert_eq!(
        received[0].path_params,
        vec![("id".to_owned(), "summer-sale".to_owned())]
    );
}

#[tokio::test]
async fn pages_and_create_link_ids_get_their_envelopes() {
    let mock = MockServer::start().await;
    let page = Page::new(vec![link("a"), link("b")], 2, 3);
    mock.links()
        .list()
        .size(50)
        .respond_with(page.clone())
        .expect(1)
        .mount()
        .await;
    mock.links()
        .create()
        .body(CreateLinkRequest::new("Summer Sale", "website"))
        .respond_with("summer-sale".to_owned())
        .mount()
        .await;
    let client = mock.client();
    assert_eq!(client.links().list().size(50).send().await.unwrap(), page);
    let id = client
        .links()
        .create(CreateLinkRequest::new("Summer Sale", "website"))
        .send()
        .await
        .unwrap();
    assert_eq!(id, "summer-sale");
    mock.verify().await;
}

#[tokio::test]
async fn a_setter_not_called_matches_any_value() {
    let mock = MockServer::start().await;
    mock.links()
        .list()
        .respond_with(Page::new(vec![], 1, 1))
        .expect(2)
        .mount()
        .await;
    let client = mock.client();
    client.links().list().send().await.unwrap();
    client
        .links()
        .list()
        .size(10)
        .search("sale")
        .send()
        .await
        .unwrap();
    mock.verify().await;
}

#[tokio::test]
async fn list_and_flag_setters_are_matchers_too() {
    let mock = MockServer::start().await;
    mock.links()
        .list()
        .status("active")
        .status("paused")
        .only_favorites()
        .respond_with(Page::new(vec![link("fav")], 1, 1))
        .mount()
        .await;
    let client = mock.client();
    let page = client
        .links()
        .list()
        .set_status(["active", "paused"])
        .only_favorites()
        .send()
        .await
        .unwrap();
    assert_eq!(page.items, vec![link("fav")]);
    let err = client
        .links()
        .list()
        .status("active")
        .send()
        .await
        .unwrap_err();
    let message = miss(&err);
    assert!(message.contains("looks like `listLinks`"), "{message}");
    assert!(
        message.contains("query parameter `only_favorites` is missing"),
        "{message}"
    );
}

#[tokio::test]
async fn errors_and_statuses() {
    let mock = MockServer::start().await;
    mock.folders()
        .delete("f1")
        .respond_with_error(404, ErrorBody::new().with_message("not found"))
        .mount()
        .await;
    mock.folders().list().respond_with_status(429).mount().await;
    let client = mock.client();
    let err = client.folders().delete("f1").send().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        err.api_error().unwrap().message.as_deref(),
        Some("not found")
    );
    let err = client.folders().list().send().await.unwrap_err();
    assert!(err.is_quota_exhausted(), "{err}");
}

#[tokio::test]
async fn respond_with_example_serves_the_specs_example() {
    let mock = MockServer::start().await;
    mock.links().list().respond_with_example().mount().await;
    mock.links()
        .get("summer-sale")
        .respond_with_example()
        .mount()
        .await;
    let client = mock.client();
    let page = client.links().list().send().await.unwrap();
    assert!(!page.items.is_empty());
    assert_eq!(page.items[0].dynamic_link_id, "summer-sale");
    let got = client.links().get("summer-sale").send().await.unwrap();
    assert_eq!(got.name, "Summer Sale");
}

#[tokio::test]
async fn without_a_reply_the_example_or_an_empty_200_is_sent() {
    let mock = MockServer::start().await;
    mock.links().get("summer-sale").mount().await;
    mock.folders().delete("f1").mount().await;
    let client = mock.client();
    assert_eq!(
        client
            .links()
            .get("summer-sale")
            .send()
            .await
            .unwrap()
            .dynamic_link_id,
        "summer-sale"
    );
    client.folders().delete("f1").send().await.unwrap();
}

#[tokio::test]
#[should_panic(expected = "has no example response")]
async fn respond_with_example_panics_without_one() {
    let mock = MockServer::start().await;
    // The spec documents no response example for updating a template.
    mock.templates()
        .update("t1")
        .respond_with_example()
        .mount()
        .await;
}

#[tokio::test]
async fn a_sequence_answers_a_retry() {
    let mock = MockServer::start().await;
    let folder = Folder::new("f1", "Campaigns");
    mock.folders()
        .get("f1")
        .respond_with_sequence([Reply::Status(503), Reply::Value(folder.clone())])
        .expect(3)
        .mount()
        .await;
    let client = Client::builder()
        .credential("key-test")
        .base_url(mock.uri())
        .retry(RetryPolicy::new().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    assert_eq!(client.folders().get("f1").send().await.unwrap(), folder);
    // The last reply repeats.
    assert_eq!(client.folders().get("f1").send().await.unwrap(), folder);
    let received = mock.received().await;
    assert_eq!(received.len(), 3);
}

#[tokio::test]
async fn a_sequence_serves_pages_one_after_another() {
    use futures::TryStreamExt;
    let mock = MockServer::start().await;
    mock.links()
        .list()
        .respond_with_sequence([
            Reply::Value(Page::new(vec![link("a")], 1, 2)),
            Reply::Value(Page::new(vec![link("b")], 2, 2)),
        ])
        .mount()
        .await;
    let all: Vec<Link> = mock
        .client()
        .links()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, vec![link("a"), link("b")]);
    let pages: Vec<Vec<String>> = mock
        .received()
        .await
        .iter()
        .map(|r| {
            r.query_values("page")
                .iter()
                .map(|v| v.to_string())
                .collect()
        })
        .collect();
    assert_eq!(pages, vec![vec!["1".to_owned()], vec!["2".to_owned()]]);
}

#[tokio::test]
async fn delay_makes_a_timeout() {
    let mock = MockServer::start().await;
    mock.folders()
        .list()
        .respond_with(vec![])
        .delay(Duration::from_millis(500))
        .mount()
        .await;
    let client = mock.client();
    let err = client
        .folders()
        .list()
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn bodies_match_typed_values_and_predicates() {
    let mock = MockServer::start().await;
    mock.folders()
        .create()
        .body(FolderRequest::new("Campaigns"))
        .respond_with(Folder::new("f1", "Campaigns"))
        .mount()
        .await;
    mock.folders()
        .update("f2")
        .body_matches(|body: &FolderRequest| body.name.starts_with("Spring"))
        .respond_with(Folder::new("f2", "Spring"))
        .mount()
        .await;
    let client = mock.client();
    let created = client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, "f1");
    let updated = client
        .folders()
        .update("f2", FolderRequest::new("Spring 2027"))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, "Spring");

    let err = client
        .folders()
        .create(FolderRequest::new("Other"))
        .send()
        .await
        .unwrap_err();
    let message = miss(&err);
    assert!(message.contains("looks like `createFolder`"), "{message}");
    assert!(
        message.contains(r#"body field `name` is "Other", expected "Campaigns""#),
        "{message}"
    );
    let err = client
        .folders()
        .update("f2", FolderRequest::new("Autumn"))
        .send()
        .await
        .unwrap_err();
    assert_body_unsatisfied(&err);

    // The last of `.body(...)` and `.body_matches(...)` decides.
    mock.folders()
        .create()
        .body(FolderRequest::new("first"))
        .body(FolderRequest::new("second"))
        .respond_with(Folder::new("f3", "second"))
        .mount()
        .await;
    let got = client
        .folders()
        .create(FolderRequest::new("second"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.id, "f3");
    let received = mock.received().await;
    let body: FolderRequest = received.last().unwrap().body_json().unwrap();
    assert_eq!(body, FolderRequest::new("second"));
}

/// An operation with a JSON body takes no body argument in the mock: without `.body(..)`
/// or `.body_matches(..)` any body matches, and `body_matches` needs no throwaway body.
#[tokio::test]
async fn a_body_is_matched_only_when_asked() {
    use prolinksqr::types::{
        BulkGenerateRequest, BulkGenerateResult, BulkWebsiteRequest, WebsiteRecord,
    };
    let mock = MockServer::start().await;
    mock.templates()
        .update("t1")
        .respond_with(prolinksqr::types::Template::new().with_name("any"))
        .expect(2)
        .mount()
        .await;
    mock.bulk()
        .generate()
        .body_matches(|body: &BulkGenerateRequest| {
            matches!(body, BulkGenerateRequest::Website(w) if w.data.len() == 2)
        })
        .respond_with(BulkGenerateResult::new())
        .expect(1)
        .mount()
        .await;
    let client = mock.client();
    for body in [
        TemplateRequest::new(),
        TemplateRequest::new().with_name("Brand"),
    ] {
        let template = client.templates().update("t1", body).send().await.unwrap();
        assert_eq!(template.name.as_deref(), Some("any"));
    }
    let records = |n: usize| {
        (0..n)
            .map(|i| WebsiteRecord::new(format!("Link {i}"), "https://example.com"))
            .collect::<Vec<_>>()
    };
    client
        .bulk()
        .generate(BulkWebsiteRequest::new(records(2)))
        .send()
        .await
        .unwrap();
    let err = client
        .bulk()
        .generate(BulkWebsiteRequest::new(records(3)))
        .send()
        .await
        .unwrap_err();
    assert_body_unsatisfied(&err);
    mock.verify().await;
}

#[tokio::test]
async fn a_miss_names_the_operation_and_what_differed() {
    let mock = MockServer::start().await;
    mock.links()
        .get("summer-sale")
        .respond_with(link("summer-sale"))
        .mount()
        .await;
    mock.links()
        .list()
        .size(50)
        .respond_with(Page::new(vec![], 1, 1))
        .mount()
        .await;
    let client = mock.client();

    let message = miss(&client.links().get("winter").send().await.unwrap_err());
    assert!(
        message.starts_with("no expectation matched GET /links/winter"),
        "{message}"
    );
    assert!(
        message.contains("it looks like `getLink` (GET /links/{id})"),
        "{message}"
    );
    assert!(
        message.contains(
            "expectation #1 (GET /links/summer-sale): path parameter `id` is `winter`, expected `summer-sale`"
        ),
        "{message}"
    );

    let message = miss(&client.links().list().send().await.unwrap_err());
    assert!(
        message.contains("query parameter `size` is missing, expected `50`"),
        "{message}"
    );
    let message = miss(&client.links().list().size(10).send().await.unwrap_err());
    assert!(
        message.contains("query parameter `size` is `10`, expected `50`"),
        "{message}"
    );

    let message = miss(&client.folders().get("f1").send().await.unwrap_err());
    assert!(
        message.contains("`getFolder` (GET /folders/{id}), which has no expectation mounted"),
        "{message}"
    );

    let err = client
        .raw(prolinksqr::reqwest::Method::GET, "/nowhere")
        .send()
        .await
        .unwrap_err();
    assert!(
        miss(&err).contains("it is none of the API's operations"),
        "{err}"
    );
}

#[tokio::test]
async fn a_later_expectation_overrides_an_earlier_one() {
    let mock = MockServer::start().await;
    mock.folders()
        .get("f1")
        .respond_with(Folder::new("f1", "old"))
        .mount()
        .await;
    mock.folders()
        .get("f1")
        .respond_with(Folder::new("f1", "new"))
        .mount()
        .await;
    let got = mock.client().folders().get("f1").send().await.unwrap();
    assert_eq!(got.name, "new");
}

#[tokio::test]
async fn verify_panics_with_a_clear_message_when_an_expectation_is_unmet() {
    let mock = MockServer::start().await;
    mock.links()
        .get("summer-sale")
        .respond_with(link("summer-sale"))
        .expect(1)
        .mount()
        .await;
    let panic = std::panic::AssertUnwindSafe(mock.verify())
        .catch_unwind()
        .await
        .expect_err("verify panics");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.starts_with(
            "mock expectations not met:\n- expectation #1 of `getLink` \
             (GET /links/summer-sale) expected exactly 1 matching requests, got 0\n"
        ),
        "{message}"
    );
    assert!(message.ends_with("no request was received"), "{message}");
    // Met now, so dropping the server (which verifies again) does not panic.
    mock.client()
        .links()
        .get("summer-sale")
        .send()
        .await
        .unwrap();
    mock.verify().await;
}

#[tokio::test]
async fn received_decodes_each_request_into_its_operation() {
    let mock = MockServer::start().await;
    mock.links()
        .list()
        .respond_with(Page::new(vec![], 1, 1))
        .mount()
        .await;
    let client = mock.client();
    client
        .links()
        .list()
        .size(50)
        .search("sale")
        .send()
        .await
        .unwrap();
    let _ = client
        .folders()
        .create(FolderRequest::new("x"))
        .send()
        .await;
    let received = mock.received().await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].operation, Some("listLinks"));
    assert_eq!(received[0].method, prolinksqr::reqwest::Method::GET);
    assert_eq!(received[0].path, "/links");
    assert_eq!(received[0].query_values("size"), vec!["50"]);
    assert_eq!(received[0].query_values("search"), vec!["sale"]);
    assert_eq!(received[1].operation, Some("createFolder"));
    assert_eq!(
        received[1].body_json::<serde_json::Value>(),
        Some(serde_json::json!({"name": "x"}))
    );
    assert_eq!(
        received[1]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some("Basic mock-test-key")
    );
}

/// A client the test built with a real key: nothing the mock prints shows the key, while
/// `received()`'s fields still hold what was sent.
#[tokio::test]
async fn the_mock_never_prints_the_credential_of_a_hand_built_client() {
    const KEY: &str = "key-0123456789abcdef0123456789abcdef";
    let mock = MockServer::start().await;
    mock.links()
        .get("summer-sale")
        .respond_with(link("summer-sale"))
        .expect(1)
        .mount()
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(mock.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.links().get("other").send().await.unwrap_err();
    assert!(!miss(&err).contains(KEY));

    let panic = std::panic::AssertUnwindSafe(mock.verify())
        .catch_unwind()
        .await
        .expect_err("verify panics");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(!message.contains(KEY), "{message}");
    assert!(
        message.contains("requests received:\n- GET /links/other (getLink)\n"),
        "{message}"
    );
    assert!(message.contains("    authorization: ***\n"), "{message}");

    let received = mock.received().await;
    assert_eq!(received.len(), 1);
    let debug = format!("{:?}", received[0]);
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("\"authorization\": Sensitive"), "{debug}");
    let display = received[0].to_string();
    assert!(!display.contains(KEY), "{display}");
    assert_eq!(
        received[0].headers["authorization"].to_str().unwrap(),
        format!("Basic {KEY}")
    );

    // Met now: dropping the server (which checks again) passes.
    client.links().get("summer-sale").send().await.unwrap();
    mock.verify().await;
}

/// Dropping a server whose expectations are unmet panics, as `verify` would, without the
/// requests (and so without any credential).
#[tokio::test]
async fn dropping_a_server_with_unmet_expectations_panics() {
    let mock = MockServer::start().await;
    mock.folders().get("f1").expect(1..=2).mount().await;
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(mock)))
        .expect_err("the drop panics");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.starts_with(
            "mock expectations not met:\n- expectation #1 of `getFolder` (GET /folders/f1) \
             expected 1 to 2 matching requests, got 0\n"
        ),
        "{message}"
    );
}
