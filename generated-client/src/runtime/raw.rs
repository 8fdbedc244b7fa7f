//! Requests to paths the API description does not name ([`Client::raw`]).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::api::Operation;
use super::client::Client;
use super::encoding::is_dot_segment;
use super::error::{Error, Result};
use super::options::RequestOptions;
use super::reply::Response;
use super::response::{RawResponse, decode_bytes, decode_json};
use super::retry::RetryPolicy;

/// The name raw requests go by in errors.
const RAW_ID: &str = "raw";

/// Names raw requests in decode errors (which read only the id).
static RAW_DECODE: Operation = Operation {
    id: RAW_ID,
    method: Method::GET,
    path: "",
    scopes: &[],
    security: &[&[0]],
};

/// A request to a path the API description does not name. Get one from [`Client::raw`],
/// set what it needs, then `.send().await` or `.send_json::<T>().await`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RawRequest {
    client: Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    json: Option<Bytes>,
    options: RequestOptions,
    /// A query or body that could not be serialized: reported by `send`.
    invalid: Option<String>,
}

impl RawRequest {
    pub(super) fn new(client: Client, method: Method, path: String) -> Self {
        RawRequest {
            client,
            method,
            path,
            query: Vec::new(),
            json: None,
            options: RequestOptions::every_credential(),
            invalid: None,
        }
    }

    /// Adds query parameters: anything `serde` writes as pairs of names and values, like a
    /// struct, a map or `&[("name", "value")]` (`None` values are left out). Calls add up.
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        let pairs = serde_urlencoded::to_string(query).map_err(|err| err.to_string());
        match pairs.and_then(|text| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&text).map_err(|e| e.to_string())
        }) {
            Ok(pairs) => self.query.extend(pairs),
            Err(err) => self.fail(format!("the query cannot be encoded: {err}")),
        }
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`), replacing an earlier body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.json = Some(Bytes::from(bytes)),
            Err(err) => self.fail(format!("the JSON body cannot be encoded: {err}")),
        }
        self
    }

    /// Adds a header to every attempt of this request; a name given twice is sent with both
    /// values, and a name the client sets itself (`User-Agent`) takes this value instead.
    ///
    /// The credential's header and `Host` cannot be set, and a name or value that is not
    /// valid in HTTP makes `send` fail with [`Error::Config`] before anything is sent.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: fmt::Display,
    {
        self.options.add_header(name, value);
        self
    }

    /// Limits each attempt of this request instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.set_timeout(timeout);
        self
    }

    /// Retries this request under `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry(policy);
        self
    }

    /// Sends the request and returns the body as bytes.
    pub async fn send(self) -> Result<Response<Bytes>> {
        let raw = self.execute().await?;
        Response::decode(raw, |raw| Ok(decode_bytes(raw)))
    }

    /// Sends the request and decodes the body as JSON (an empty body as `null`, so `()` and
    /// `Option<T>` accept one).
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let raw = self.execute().await?;
        Response::decode(raw, |raw| decode_json(&RAW_DECODE, raw))
    }

    fn fail(&mut self, problem: String) {
        self.invalid.get_or_insert(problem);
    }

    async fn execute(&self) -> Result<RawResponse> {
        if let Some(problem) = &self.invalid {
            return Err(Error::Config(format!("{RAW_ID}: {problem}")));
        }
        check_path(&self.path).map_err(|problem| {
            Error::Config(format!("{RAW_ID}: path {:?} {problem}", self.path))
        })?;
        let op = Operation {
            id: RAW_ID,
            method: self.method.clone(),
            // No template: the path was checked above.
            path: "",
            scopes: &[],
            // Unused: `every_credential` sends what the client holds.
            security: &[],
        };
        self.client
            .execute_with(&op, &self.path, &self.options, &|request| {
                let mut request = request;
                if !self.query.is_empty() {
                    request = request.query(&self.query);
                }
                if let Some(json) = &self.json {
                    request = request
                        .header(CONTENT_TYPE, "application/json")
                        .body(json.clone());
                }
                request
            })
            .await
    }
}

/// Why `path` could leave the base URL (or be read another way than written), if it could.
///
/// The path is appended to the base URL as text, so it must start with `/`; `//` would
/// read as a host to some, and URL parsers treat `\` as `/` and drop tabs and newlines, so
/// these could form a `..` the segment check does not see.
fn check_path(path: &str) -> std::result::Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("must start with `/` (it is appended to the base URL)");
    }
    if path.starts_with("//") {
        return Err("must not start with `//`");
    }
    if path
        .chars()
        .any(|c| matches!(c, '?' | '#' | '\\') || c.is_whitespace() || c.is_control())
    {
        return Err(
            "must not contain `?`, `#`, `\\`, whitespace or control characters \
                    (set query parameters with `.query()`)",
        );
    }
    if path.split('/').any(is_dot_segment) {
        return Err("must not contain `.` or `..` segments");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_stay_under_the_base_url() {
        for path in [
            "/",
            "/things",
            "/things/7/parts",
            "/a.b/..c/%2Fx",
            "/caf%C3%A9",
            "/@x:y",
        ] {
            assert_eq!(check_path(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn paths_that_could_escape_are_refused() {
        for path in [
            "",
            "things",
            "http://elsewhere.test/x",
            "//elsewhere.test/x",
            "/../x",
            "/a/./b",
            "/a/%2e%2E/b",
            "/a\\..\\..\\b",
            "/a/.\t./b",
            "/a/.\n./b",
            "/a b",
            "/x?y=1",
            "/x#y",
        ] {
            assert!(check_path(path).is_err(), "{path:?} accepted");
        }
    }
}
