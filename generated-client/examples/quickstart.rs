//! The quick start of the repository's README (`README.md`, "Using the client"), kept
//! here so that it is compiled with the crate: `tests/tests/docs_quality.rs` checks that
//! the README shows exactly this file from its first `use` on.
//!
//! ```sh
//! PROLINKSQR_API_KEY=key-... cargo run -p prolinksqr --example quickstart
//! ```

use futures::StreamExt;
use prolinksqr::Client;
use prolinksqr::types::{CreateLinkRequest, LinkConfigurations, WebsiteContent};

#[tokio::main]
async fn main() -> prolinksqr::Result<()> {
    // PROLINKSQR_API_KEY (and optionally PROLINKSQR_BASE_URL) from the environment;
    // or `Client::new("key-...")`.
    let client = Client::from_env()?;

    // A folder, and a website link in it.
    let folder = client.folders().create("Campaigns").send().await?;
    let body = CreateLinkRequest::new("Summer Sale", "website")
        .with_data(WebsiteContent::new("https://example.com/sale"))
        .with_link_configurations(LinkConfigurations::new().with_folder_id(folder.id));
    let id = client.links().create(body).send().await?;
    let link = client.links().get(&id).send().await?;
    println!("created {} -> {}", link.name, link.full_dynamic_url);

    // Every link, newest first, fetched page after page as the loop goes.
    let mut links = client.links().list().sort_by("most_recent").stream();
    while let Some(link) = links.next().await {
        let link = link?;
        println!("{}: {}", link.name, link.full_dynamic_url);
    }

    // Errors say what went wrong: here, a link that does not exist.
    match client.links().get("no-such-link").send().await {
        Err(e) if e.is_not_found() => println!("no-such-link: not found"),
        Err(e) => return Err(e),
        Ok(link) => println!("found {}", link.name),
    }
    Ok(())
}
