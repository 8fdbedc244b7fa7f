//! The blocking client (feature `blocking`): the example of the crate README's "Blocking
//! calls", which `tests/tests/docs_quality.rs` checks shows exactly this file.
//!
//! `PROLINKSQR_API_KEY=key-... cargo run -p prolinksqr --features blocking --example blocking`

use prolinksqr::blocking::Client;

fn main() -> prolinksqr::Result<()> {
    // Or Client::new("key-..."), or prolinksqr::Client::builder()...build_blocking()?
    let client = Client::from_env()?;
    let link = client.links().get("summer-sale").send()?;
    println!("{} -> {}", link.name, link.full_dynamic_url);
    for link in client.links().list().sort_by("most_recent").iter() {
        println!("{}", link?.name);
    }
    Ok(())
}
