//! Typed async client for the [ProLinksQR API](https://delinks-api-doc.pages.dev/): dynamic
//! links, folders, QR templates, bulk link generation and Cafe digital menus.
//!
//! # Quick start
//!
//! ```no_run
//! use futures::StreamExt;
//! use prolinksqr::types::{CreateLinkRequest, LinkConfigurations, WebsiteContent};
//! use prolinksqr::Client;
//!
//! # async fn run() -> prolinksqr::Result<()> {
//! // The key is sent as `Authorization: Basic key-...` (the raw key, as the docs require).
//! let client = Client::new("key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
//! // Or: PROLINKSQR_API_KEY (and optionally PROLINKSQR_BASE_URL) from the environment.
//! // let client = Client::from_env()?;
//!
//! let folder = client.folders().create("Campaigns").send().await?;
//!
//! let url = "https://example.com/sale";
//! let body = CreateLinkRequest::new("Summer Sale", "website")
//!     .with_data(WebsiteContent::new(url))
//!     .with_link_configurations(LinkConfigurations::new().with_folder_id(folder.id));
//! let id = client.links().create(body).send().await?; // the new link's id (its slug)
//! println!("created {id}");
//!
//! // One page, with the pagination state...
//! let page = client.links().list().size(50).sort_by("most_recent").send().await?;
//! println!("page {} of {}", page.current_page, page.total_pages);
//!
//! // ...or every link of every page, fetched lazily.
//! let mut links = client.links().list().stream();
//! while let Some(link) = links.next().await {
//!     let link = link?;
//!     println!("{} -> {}", link.name, link.full_dynamic_url);
//! }
//! # Ok(()) }
//! ```
//!
//! # Organisation
//!
//! - Operations are grouped by resource: [`Client::links`], [`Client::folders`],
//!   [`Client::templates`], [`Client::bulk`], [`Client::cafes`], [`Client::groups`]. Required
//!   inputs are arguments; optional ones are builder methods; `.send().await` runs the call.
//! - Request and response models are in [`types`]. Structs are `#[non_exhaustive]`: build
//!   them with `Type::new(required...)` and `.with_field(value)` setters. String enums accept
//!   values this version does not know (an `Other` variant), so a server that adds a value
//!   never breaks a call.
//! - Uploads (cafe logo/cover, group images) take a [`FilePart`].
//!
//! # Errors
//!
//! Every call returns [`Result`]; [`Error`] tells apart:
//!
//! - [`Error::Api`]: the server answered with a non-2xx status. [`ApiError`] has the status,
//!   the message and the raw body; [`ApiError::body_as`] decodes the body as the type each
//!   operation's docs list under "Errors". Helpers name the common cases:
//!   [`Error::is_not_found`], [`Error::is_unauthorized`], [`Error::is_forbidden`] (its
//!   message names the scope the operation needs) and [`Error::is_quota_exhausted`] (429:
//!   the plan's quota for the billing cycle is spent).
//! - [`Error::Transport`]: the request did not complete (connection, timeout, TLS).
//! - [`Error::Decode`]: a 2xx body that does not match the documented shape (status, body
//!   and the path of the failing field).
//! - [`Error::Config`]: the client or an argument cannot make a request (no API key, an
//!   invalid base URL, an empty path parameter).
//!
//! ```no_run
//! # async fn run(client: prolinksqr::Client) -> prolinksqr::Result<()> {
//! match client.links().get("summer-sale").send().await {
//!     Ok(link) => println!("{}", link.full_dynamic_url),
//!     Err(e) if e.is_not_found() => println!("no such link"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! # Bulk import
//!
//! [`Bulk::generate`](bulk::Bulk::generate) takes 1 to 1,200 records;
//! [`Bulk::import`](bulk::Bulk::import) takes any number (an iterator or a stream, read as
//! it goes), sends them in chunks of at most 1,200, one at a time and never retried, and
//! says for each chunk whether its links were created, refused, or are of unknown fate (a
//! lost answer, any 5xx): see [`bulk_import`].
//!
//! # Retries
//!
//! Connect errors, timeouts, connections closed before the response was complete and
//! 502/503/504 are retried with exponential backoff on GET/PUT/DELETE only; POST is not
//! retried by default, and 429 never is. A server's `Retry-After` (seconds or a date) is
//! waited for in full up to 30 s; a longer one is not retried. All attempts of a call end
//! within 60 s. [`RetryPolicy`] changes this ([`ClientBuilder::retry`]).
//!
//! # Pagination
//!
//! A paginated list's `send()` returns one [`Page`]: its `items`, `current_page` and
//! `total_pages` ([`Page::next_page`] says which to ask for next, with the list's page
//! setter). `.stream()` instead yields every item of every page, fetching the next page
//! only when the previous one is used up:
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn run(client: prolinksqr::Client) -> prolinksqr::Result<()> {
//! let names: Vec<String> = client
//!     .links()
//!     .list()
//!     .stream()
//!     .map_ok(|link| link.name)
//!     .try_collect()
//!     .await?;
//! println!("{} links", names.len());
//! # Ok(()) }
//! ```
//!
//! A stream fetches at most 10,000 pages ([`ClientBuilder::max_pages`]); a list that goes
//! on past that ends with [`Error::TooManyPages`], so a server that never reports a last
//! page cannot keep a program fetching forever. A page holding the same items as the one
//! before it (a server that ignores the page number) ends the stream.
//!
//! # Blocking client
//!
//! With the `blocking` feature, `blocking::Client` makes the same calls without async
//! code, for scripts and command-line tools that do not run tokio: the same groups,
//! operations and setters, `.send()` returns the value once the response is read, and a
//! paginated list's `.iter()` is an [`Iterator`] over every item (`.pages()` over pages),
//! fetching each page when the previous one is used up. Retries, timeouts and errors are
//! those of the async client, which it drives on a current-thread runtime of its own.
//!
//! ```toml
//! prolinksqr = { path = "../prolinksqr-rs/generated-client", features = ["blocking"] }
//! ```
//!
#![cfg_attr(feature = "blocking", doc = "```no_run")]
#![cfg_attr(not(feature = "blocking"), doc = "```ignore")]
//! use prolinksqr::blocking::Client;
//! use prolinksqr::types::FolderRequest;
//!
//! fn main() -> prolinksqr::Result<()> {
//!     let client = Client::from_env()?; // or Client::new("key-..."), or
//!     // prolinksqr::Client::builder().credential("key-...").build_blocking()?
//!
//!     let folder = client.folders().create(FolderRequest::new("Campaigns")).send()?;
//!     println!("folder {}", folder.id);
//!
//!     for link in client.links().list().sort_by("most_recent").iter() {
//!         let link = link?;
//!         println!("{} -> {}", link.name, link.full_dynamic_url);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Called from inside an async runtime (an `async fn` under `#[tokio::main]`), a blocking
//! call fails with [`Error::Config`] rather than stall the runtime: use [`Client`] there.
//!
//! # Command line
//!
//! With the `cli` feature, `cli::command()` is a clap command tree with a
//! subcommand per group and one per operation (`links list --size 50`, `links get ID`,
//! `folders create --name Campaigns`, `--body FILE` in JSON or YAML), and `cli::run` calls
//! the operation the arguments select and prints the result: JSON, or with `--output
//! table|csv` rows; `--all` streams every page of a list. Its error's `exit_code()` is `2`
//! for bad arguments or input files and `1` for the API's errors.
//!
#![cfg_attr(feature = "cli", doc = "```no_run")]
#![cfg_attr(not(feature = "cli"), doc = "```ignore")]
//! use std::io::IsTerminal;
//! use std::process::ExitCode;
//!
//! use prolinksqr::cli;
//!
//! #[tokio::main]
//! async fn main() -> ExitCode {
//!     let matches = cli::command().get_matches(); // exits with 2 on bad arguments
//!     let options = cli::Options::new().pretty(std::io::stdout().is_terminal());
//!     let result = match prolinksqr::Client::from_env() {
//!         Ok(client) => cli::run(&client, &matches, &options, &mut std::io::stdout()).await,
//!         Err(e) => Err(e.into()),
//!     };
//!     match result {
//!         Ok(()) => ExitCode::SUCCESS,
//!         Err(e) => {
//!             eprintln!("error: {e}"); // one line, never the key
//!             ExitCode::from(e.exit_code())
//!         }
//!     }
//! }
//! ```
//!
//! # Limits
//!
//! - A successful response body is read up to 64 MiB
//!   ([`ClientBuilder::max_response_body`]); a longer one fails with
//!   [`Error::BodyTooLarge`] without being held in memory. An error response keeps its
//!   first [`ERROR_BODY_LIMIT`] (64 KiB) bytes ([`ApiError::body_truncated`] says so).
//! - Redirects are followed only within the origin (scheme, host, port) of the request,
//!   so the API key never reaches another server or leaves https; any other redirect is
//!   returned as an [`Error::Api`] ([`Error::is_redirect`]). No `Referer` is sent. A
//!   `reqwest::Client` given to [`ClientBuilder::http_client`] applies its own policy.
//! - A path parameter that is empty, `.` or `..` (which would address another endpoint)
//!   fails with [`Error::Config`] before anything is sent.
//! - `Display` of an error escapes control characters (ANSI escapes, bidirectional
//!   overrides) in text that came from the server; the fields keep it as sent.
//!
//! # Testing your code
//!
//! Feature `mock` adds `mock::MockServer`: an HTTP server on 127.0.0.1 that
//! answers like the API, set up through the same groups, methods and setters as
//! [`Client`], with the typed values `send()` returns (it writes the wire envelopes
//! itself). Code that takes a `Client` is then tested without the real API, whose calls
//! count against the plan's quota:
//!
//! ```
//! # #[cfg(feature = "mock")] {
//! use prolinksqr::mock::MockServer;
//! use prolinksqr::types::{ErrorBody, Link, LinkType};
//! use prolinksqr::{Client, Page};
//!
//! // The code under test.
//! async fn link_url(client: &Client, id: &str) -> prolinksqr::Result<Option<String>> {
//!     match client.links().get(id).send().await {
//!         Ok(link) => Ok(Some(link.full_dynamic_url)),
//!         Err(e) if e.is_not_found() => Ok(None),
//!         Err(e) => Err(e),
//!     }
//! }
//!
//! // In a `#[tokio::test] async fn`:
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let mock = MockServer::start().await;
//! let link = Link::new("summer-sale", "https://qr-lb.co/summer-sale", "Sale", LinkType::Website);
//! mock.links().get("summer-sale").respond_with(link).expect(1).mount().await;
//! mock.links()
//!     .get("gone")
//!     .respond_with_error(404, ErrorBody::new().with_message("not found"))
//!     .mount()
//!     .await;
//! // Optional setters are matchers too; one not called matches any value.
//! mock.links().list().size(50).respond_with(Page::new(vec![], 1, 1)).mount().await;
//!
//! let client = mock.client(); // a `Client` pointed at the mock, with a test key
//! let url = link_url(&client, "summer-sale").await.unwrap();
//! assert_eq!(url.as_deref(), Some("https://qr-lb.co/summer-sale"));
//! assert_eq!(link_url(&client, "gone").await.unwrap(), None);
//! mock.verify().await; // panics, naming it, if an `.expect(n)` is not met
//!
//! // What was sent, each request decoded into its operation.
//! let received = mock.received().await;
//! assert_eq!(received[0].operation, Some("getLink"));
//! # });
//! # }
//! ```
//!
//! Also `.body(value)` / `.body_matches(|body| ..)` for a JSON body (not an argument of
//! the operation's method: without them any body matches),
//! `.respond_with_status(status)`, `.respond_with_example()` (the spec's example),
//! `.respond_with_sequence([...])` (retries, pages) and `.delay(duration)` (timeouts). A
//! request no expectation matches is answered `404`, with a message that names the
//! operation it looks like and what differed for each of its expectations.

#![warn(missing_docs)]

pub mod bulk_import;
// @generated begin: `cargo xtask codegen` writes the lines up to `@generated end`
// from the generator's crate frame (`generator/src/frame.rs`): edit it there.
#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::*;
#[cfg(feature = "drift")]
pub use runtime::drift;
pub use runtime::{
    AccessToken, ApiError, Client, ClientBuilder, ERROR_BODY_LIMIT, Error, FilePart, InvalidInput,
    Limit, Page, RawRequest, Request, Response, Result, RetryPolicy,
};

/// The `reqwest` this crate is built on, for the types its API uses: `Method` and
/// `StatusCode`, `header::HeaderMap`, and a `Client` for [`ClientBuilder::http_client`].
pub use reqwest;

/// Runtime plumbing for generated code and the runtime's own integration tests.
/// Not part of the public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        ApiInfo, Async, Auth, ByNumber, ByToken, Endpoint, Mode, Operation, PageNumber, PageToken,
        Paginated, Paging, Path, RawResponse, RequestOptions, Scheme, check_integer, check_items,
        check_length, check_number, check_object, cookie, decode_bytes, decode_empty, decode_json,
        decode_text, decode_value, double_option, encode_path, fill_path, join, to_text, validate,
    };
    // Lenient decoding of inferred models (`x-inferred`).
    pub use crate::runtime::{
        Inferred, RawJson, decode_inferred, decode_inferred_in, decode_inferred_page,
        inferred_object, rest_inferred, take_inferred,
    };
}
// @generated end

// The crate's README (what crates.io shows) is compiled as doctests, so its examples
// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
