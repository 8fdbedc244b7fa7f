//! The quick start of the crate's README (`generated-client/README.md`, "Quick start"),
//! kept here so that it runs as an example: `tests/tests/docs_quality.rs` checks that the
//! README shows exactly this file from its first `use` on.
//!
//! ```sh
//! PROLINKSQR_API_KEY=key-... cargo run -p prolinksqr --example quickstart
//! ```

use futures::StreamExt;
use prolinksqr::Client;
use prolinksqr::types::{CreateLinkRequest, LinkConfigurations, WebsiteContent};

#[tokio::main]
async fn main() -> prolinksqr::Result<()> {
    // Or `Client::new("key-...")`. The key is sent as `Authorization: Basic <key>`.
    let client = Client::from_env()?;

    let folder = client.folders().create("Campaigns").send().await?;

    let body = CreateLinkRequest::new("Summer Sale", "website")
        .with_data(WebsiteContent::new("https://example.com/sale"))
        .with_link_configurations(LinkConfigurations::new().with_folder_id(folder.id));
    let id = client.links().create(body).send().await?; // the new link's slug
    let link = client.links().get(&id).send().await?;
    println!("created {} -> {}", link.name, link.full_dynamic_url);

    // One page with its pagination state...
    let page = client
        .links()
        .list()
        .size(50)
        .sort_by("most_recent")
        .send()
        .await?;
    println!("page {} of {}", page.current_page, page.total_pages);

    // ...or every link of every page, fetched as the loop goes.
    let mut links = client.links().list().stream();
    while let Some(link) = links.next().await {
        println!("{}", link?.name);
    }
    Ok(())
}
