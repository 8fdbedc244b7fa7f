//! Typed async client for the [ProLinksQR API](https://api.prolinksqr.com): dynamic links,
//! folders, QR templates, bulk generation and Cafe menus.
//!
//! Create a [`Client`] with an API key (sent as `Authorization: Basic key-...`), or from the
//! `PROLINKSQR_API_KEY` environment variable with [`Client::from_env`]. Every call returns
//! [`Result`]; [`Error`] tells transport failures, API errors (with the documented statuses
//! easy to test, such as [`Error::is_quota_exhausted`]) and undecodable responses apart.

#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::*;
pub use runtime::{ApiError, Client, ClientBuilder, Error, FilePart, Page, Result, RetryPolicy};

/// Runtime plumbing for generated code and the runtime's own integration tests.
/// Not part of the public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        ApiInfo, Auth, Operation, RawResponse, decode_bytes, decode_empty, decode_json,
        decode_text, decode_value, double_option, encode_path, join, paginate, to_text,
    };
}
