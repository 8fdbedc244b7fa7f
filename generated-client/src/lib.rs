//! Typed async client for the [ProLinksQR API](https://delinks-api-doc.pages.dev/): dynamic
//! links, folders, QR templates, bulk link generation and Cafe digital menus.
//!
//! # Quick start
//!
//! ```no_run
//! use futures::StreamExt;
//! use prolinksqr::types::{CreateLinkRequest, FolderRequest, LinkConfigurations};
//! use prolinksqr::Client;
//!
//! # async fn run() -> prolinksqr::Result<()> {
//! // The key is sent as `Authorization: Basic key-...` (the raw key, as the docs require).
//! let client = Client::new("key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
//! // Or: PROLINKSQR_API_KEY (and optionally PROLINKSQR_BASE_URL) from the environment.
//! // let client = Client::from_env()?;
//!
//! let folder = client.folders().create(FolderRequest::new("Campaigns")).send().await?;
//!
//! let body = CreateLinkRequest::new("Summer Sale", "website")
//!     .with_data(serde_json::Map::from_iter([("url".to_owned(), "https://example.com/sale".into())]))
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
//! # Errors and retries
//!
//! Every call returns [`Result`]. [`Error`] tells transport failures, API errors (status,
//! message, raw body; [`Error::is_not_found`], [`Error::is_unauthorized`],
//! [`Error::is_forbidden`] — whose message names the scope the operation needs —,
//! [`Error::is_quota_exhausted`] for 429; [`ApiError::body_as`] decodes the body as the
//! type each operation's docs list under "Errors") and undecodable responses (status, body,
//! path of the failing field) apart. Connect errors, timeouts, connections closed before the
//! response was complete and 502/503/504 are retried with exponential backoff on
//! GET/PUT/DELETE only; POST is not retried by default, and 429 (the plan's quota for the
//! billing cycle is spent) never is. A server's `Retry-After` (seconds or a date) is waited
//! for in full up to 30 s; a longer one is not retried. All attempts of a call end within
//! 60 s. See [`RetryPolicy`].
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

#![warn(missing_docs)]

#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::*;
pub use runtime::{
    ApiError, Client, ClientBuilder, ERROR_BODY_LIMIT, Error, FilePart, InvalidInput, Limit, Page,
    RawRequest, Response,
    Result, RetryPolicy,
};

/// The `reqwest` this crate is built on, for the types its API uses: `Method` and
/// `StatusCode`, `header::HeaderMap`, and a `Client` for [`ClientBuilder::http_client`].
pub use reqwest;

/// Runtime plumbing for generated code and the runtime's own integration tests.
/// Not part of the public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        ApiInfo, Auth, Operation, Path, RawResponse, RequestOptions, check_integer, check_items,
        check_length, check_number, cookie, decode_bytes, decode_empty, decode_json, decode_text,
        decode_value, double_option, encode_path, join, paginate, paginate_cursor,
        paginate_cursor_pages, paginate_pages, to_text, validate,
    };
    // Lenient decoding of inferred models (`x-inferred`).
    pub use crate::runtime::{
        Inferred, RawJson, decode_inferred, decode_inferred_in, decode_inferred_page,
        inferred_object, rest_inferred, take_inferred,
    };
}
