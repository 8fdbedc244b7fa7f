//! Compile-level tests of the public API's shape: each function here only has to compile
//! (a regression in what the crate offers fails the build), and the `#[test]`s run what can
//! run without a server. Each part of issue #12 adds its own clearly named items.

#![allow(dead_code, reason = "the functions exist to be type-checked")]

use prolinksqr::types::*;
use prolinksqr::*;

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
