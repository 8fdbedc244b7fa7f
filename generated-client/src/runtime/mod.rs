//! Hand-written, spec-agnostic runtime that the generated operations call into.
//!
//! Generated code refers to these items as `crate::runtime::X`; users see only what
//! `lib.rs` re-exports.

#![warn(missing_docs)]

mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
#[cfg(feature = "cli")]
pub mod cli;
mod client;
mod credential;
#[cfg(feature = "drift")]
pub mod drift;
mod encoding;
mod error;
mod json_path;
#[cfg(feature = "mock")]
pub mod mock;
mod multipart;
mod options;
mod pagination;
mod raw;
mod reply;
mod request;
mod response;
mod retry;
mod serde_helpers;
mod token;
mod trace;
mod validate;

pub use api::{ApiInfo, Auth, Operation, Scheme, TooManyRequests};
pub use builder::ClientBuilder;
pub use client::Client;
pub use encoding::{cookie, encode_path, fill_path, join, to_text};
pub use error::{ApiError, ERROR_BODY_LIMIT, Error, Result};
pub use multipart::FilePart;
pub use options::RequestOptions;
pub use pagination::Page;
pub use raw::RawRequest;
pub use reply::Response;
pub use request::{
    Async, ByNumber, ByToken, Endpoint, Mode, PageNumber, PageToken, Paginated, Paging, Request,
};
pub use response::{
    Inferred, RawJson, RawResponse, decode_bytes, decode_empty, decode_inferred,
    decode_inferred_in, decode_inferred_page, decode_json, decode_text, decode_value,
    inferred_object, rest_inferred, take_inferred,
};
pub use retry::RetryPolicy;
pub use serde_helpers::double_option;
pub use token::AccessToken;
pub use validate::{
    InvalidInput, Limit, Path, check_integer, check_items, check_length, check_number,
    check_object, validate,
};
