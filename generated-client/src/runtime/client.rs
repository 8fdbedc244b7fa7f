//! The configured HTTP client and the request loop every operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{RequestBuilder, Url};

use super::api::{ApiInfo, Auth, Operation};
use super::builder::ClientBuilder;
use super::credential::{Secret, header_credential};
use super::encoding::is_dot_segment;
use super::error::{ApiError, Error, Result};
use super::response::RawResponse;
use super::retry::{RetryPolicy, is_retryable_error, is_retryable_status};

///
/// ```no_run
/// # async fn demo() -> prolinksqr::Result<()> {
/// let client = prolinksqr::Client::from_env()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    /// Without a trailing slash, so operation paths (which start with `/`) append directly.
    pub(super) base_url: String,
    pub(super) credential: Option<Secret>,
    pub(super) user_agent: String,
    pub(super) timeout: Option<Duration>,
    pub(super) retry: RetryPolicy,
    pub(super) api: &'static ApiInfo,
    /// Built once rather than per request. A value that cannot be sent (possible only through
    /// [`Client::new`], which does not validate) makes each request fail with its message.
    pub(super) headers: std::result::Result<FixedHeaders, String>,
}

/// The headers every request carries.
pub(super) struct FixedHeaders {
    user_agent: HeaderValue,
    auth: Option<(HeaderName, HeaderValue)>,
}

impl FixedHeaders {
    pub(super) fn new(
        api: &ApiInfo,
        user_agent: &str,
        credential: Option<&Secret>,
    ) -> std::result::Result<FixedHeaders, String> {
        let auth = match (api.auth, credential) {
            (Auth::Header { name, prefix }, Some(credential)) => {
                Some(header_credential(name, prefix, credential)?)
            }
            _ => None,
        };
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| format!("invalid user agent {user_agent:?}"))?;
        Ok(FixedHeaders { user_agent, auth })
    }
}

impl Client {
    /// A client with default settings that authenticates with `credential` (the API key).
    ///
    /// Unlike [`ClientBuilder::build`], this does not validate the key up front; a key that
    /// cannot be sent in a header makes each request fail with [`Error::Config`].
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialised, like `reqwest::Client::new`.
    pub fn new(credential: impl Into<String>) -> Client {
        Client::builder()
            .credential(credential)
            .assemble(false)
            .expect("building a client without validation only fails if TLS cannot initialise")
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::for_api(&crate::generated::API)
    }

    /// A client configured from the environment: `{PREFIX}_API_KEY` (required) and
    /// `{PREFIX}_BASE_URL` (optional), where the prefix is e.g. `PROLINKSQR`.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_lookup(&crate::generated::API, |name| std::env::var(name).ok())
    }

    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one operation's request, retrying per the [`RetryPolicy`], and returns the
    /// 2xx response fully read.
    ///
    /// `path` must already be percent-encoded. `build` adds query, headers and body to a
    /// request that already carries method, URL, auth, `User-Agent` and timeout; it runs
    /// once per attempt so that bodies which cannot be cloned (multipart) are rebuilt.
    #[doc(hidden)]
    pub async fn execute(
        &self,
        op: &'static Operation,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<RawResponse> {
        let inner = &*self.inner;
        let url = inner.url(op, path)?;
        let headers = inner
            .headers
            .as_ref()
            .map_err(|message| Error::Config(message.clone()))?;
        if op.auth && inner.api.auth != Auth::None && inner.credential.is_none() {
            return Err(Error::Config(format!(
                "missing API key: {} needs one; call ClientBuilder::credential or set {}_API_KEY",
                op.id, inner.api.env_prefix
            )));
        }
        let may_retry = inner.retry.allows_method(&op.method);
        let mut retries = 0;
        loop {
            let mut request = inner
                .http
                .request(op.method.clone(), url.clone())
                .header(USER_AGENT, headers.user_agent.clone());
            if op.auth {
                request = inner.authenticate(request, headers.auth.as_ref());
            }
            if let Some(timeout) = inner.timeout {
                request = request.timeout(timeout);
            }
            let retry_budget = may_retry && inner.retry.has_budget(retries);
            let server_hint = match send(build(request)).await {
                Ok(raw) if raw.status.is_success() => return Ok(raw),
                Ok(raw) if retry_budget && is_retryable_status(raw.status) => {
                    retry_after(&raw.headers)
                }
                Ok(raw) => {
                    let err = ApiError::from_response(op.id, op.scopes, raw.status, &raw.body);
                    return Err(err.into());
                }
                Err(err) if retry_budget && is_retryable_error(&err) => None,
                Err(err) => {
                    return Err(Error::Transport {
                        operation: op.id,
                        source: inner.scrub(err),
                    });
                }
            };
            tokio::time::sleep(inner.retry.backoff(retries, server_hint)).await;
            retries += 1;
        }
    }
}

/// One attempt: send, then read the whole body so that body-read failures count as
/// transport failures of this attempt.
async fn send(request: RequestBuilder) -> reqwest::Result<RawResponse> {
    let mut response = request.send().await?;
    let status = response.status();
    // Taken, not cloned: reading the body needs no headers.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// `Retry-After` in its delay-seconds form; the HTTP-date form is rare on 503s and ignored.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

impl Inner {
    fn url(&self, op: &Operation, path: &str) -> Result<Url> {
        if path.split('/').any(is_dot_segment) {
            return Err(Error::Config(format!(
                "{}: a path parameter is `.` or `..`, which would address a different endpoint",
                op.id
            )));
        }
        let text = format!("{}{}", self.base_url, path);
        Url::parse(&text)
            .map_err(|err| Error::Config(format!("invalid request URL {text:?}: {err}")))
    }

    fn authenticate(
        &self,
        request: RequestBuilder,
        header: Option<&(HeaderName, HeaderValue)>,
    ) -> RequestBuilder {
        let Some(Secret(credential)) = &self.credential else {
            return request;
        };
        match (self.api.auth, header) {
            (Auth::Header { .. }, Some((name, value))) => request.header(name, value.clone()),
            (Auth::Query { name }, _) => request.query(&[(name, credential)]),
            (Auth::Basic, _) => match credential.split_once(':') {
                Some((user, password)) => request.basic_auth(user, Some(password)),
                None => request.basic_auth(credential, None::<&str>),
            },
            (Auth::None | Auth::Header { .. }, _) => request,
        }
    }

    /// Transport errors carry the request URL, which holds the credential under
    /// [`Auth::Query`].
    fn scrub(&self, err: reqwest::Error) -> reqwest::Error {
        match self.api.auth {
            Auth::Query { .. } => err.without_url(),
            _ => err,
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("credential", &inner.credential)
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
