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
