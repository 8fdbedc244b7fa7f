//! The "Testing your code" example of the crate README (`generated-client/README.md`), kept
//! compiling and passing here: the README shows exactly this file from its first `use` on.
#![cfg(feature = "mock")]

use prolinksqr::mock::MockServer;
use prolinksqr::types::{ErrorBody, Link, LinkType};
use prolinksqr::{Client, Page};

/// The code under test: it takes the client, so a test can hand it one for the mock.
async fn link_names(client: &Client) -> prolinksqr::Result<Vec<String>> {
    let page = client.links().list().size(50).send().await?;
    Ok(page.items.into_iter().map(|link| link.name).collect())
}

#[tokio::test]
async fn lists_link_names() {
    let mock = MockServer::start().await; // an HTTP server on 127.0.0.1
    let link = Link::new(
        "summer-sale",
        "https://qr-lb.co/summer-sale",
        "Summer Sale",
        LinkType::Website,
    );
    // The typed value `send()` returns: the mock wraps it as the API does (`data`, `meta`).
    mock.links()
        .list()
        .size(50) // matches only requests with `size=50`; a setter not called matches any
        .respond_with(Page::new(vec![link], 1, 1))
        .expect(1)
        .mount()
        .await;

    let names = link_names(&mock.client()).await.unwrap();
    assert_eq!(names, ["Summer Sale"]);
    mock.verify().await; // panics, naming the expectation, if it did not get one request
}

#[tokio::test]
async fn reports_the_quota_error() {
    let mock = MockServer::start().await;
    let body = ErrorBody::new().with_message("API usage limit reached");
    mock.links()
        .list()
        .respond_with_error(429, body)
        .mount()
        .await;

    let err = link_names(&mock.client()).await.unwrap_err();
    assert!(err.is_quota_exhausted());
    // A request no expectation matches gets a 404 whose message says why.
    let err = mock.client().links().get("other").send().await.unwrap_err();
    assert!(err.is_not_found());
}
