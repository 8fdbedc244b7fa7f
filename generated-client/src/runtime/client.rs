//! The configured HTTP client and the request loop every operation goes through.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{COOKIE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{RequestBuilder, StatusCode, Url};
use tokio::time::Instant;

use super::api::{ApiInfo, Auth, Operation, TooManyRequests};
use super::builder::{ClientBuilder, Held, env_names};
use super::credential::{Secret, has_userinfo, header_credential, redact_userinfo};
use super::encoding::is_dot_segment;
use super::error::{ApiError, ERROR_BODY_LIMIT, Error, Result};
use super::options::RequestOptions;
use super::raw::RawRequest;
use super::response::{RawResponse, ReadError, read_body, read_prefix};
use super::retry::{RetryPolicy, is_retryable_error, is_retryable_status, retry_after};
use super::token::{Lease, Tokens};
use super::trace::{RetryReason, Trace, transport_kind};

/// The API client: holds the credential, the base URL and the HTTP connection pool, and
/// gives access to the operations, grouped by resource.
///
/// Build one with [`Client::new`] (an API key, default settings), [`Client::from_env`] or
/// [`Client::builder`] (base URL, timeout, retries, user agent, a custom
/// `reqwest::Client`). Cloning is cheap and shares the pool: build one client and clone it
/// into tasks rather than building one per request.
///
/// ```no_run
/// # async fn demo() -> prolinksqr::Result<()> {
/// // The credentials, and optionally the base URL, from the environment.
/// let client = prolinksqr::Client::from_env()?;
/// println!("sending to {}", client.base_url());
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
    /// One per scheme of `api.schemes`, at the same index.
    pub(super) credentials: Vec<Option<Secret>>,
    /// The tokens of a scheme the client obtains itself (instead of a fixed credential),
    /// one per scheme, at its index.
    pub(super) tokens: Vec<Option<Tokens>>,
    pub(super) user_agent: String,
    pub(super) timeout: Option<Duration>,
    pub(super) retry: RetryPolicy,
    /// Largest 2xx body read, in bytes.
    pub(super) max_response_body: u64,
    /// The most pages one stream over a paginated list fetches.
    pub(super) max_pages: u64,
    /// Whether documented input limits are checked before sending.
    pub(super) validate_inputs: bool,
    pub(super) api: &'static ApiInfo,
    /// Built once rather than per request. A value that cannot be sent (possible only through
    /// [`Client::new`], which does not validate) makes each request fail with its message.
    pub(super) headers: std::result::Result<FixedHeaders, String>,
    /// Where responses that differ from the description are recorded; `None`, the
    /// default, checks nothing.
    #[cfg(feature = "drift")]
    pub(super) drift: Option<super::drift::Recorder>,
}

/// The headers every request carries.
pub(super) struct FixedHeaders {
    user_agent: HeaderValue,
    /// One per scheme, at its index: the header of a header scheme whose credential is held.
    auth: Vec<Option<(HeaderName, HeaderValue)>>,
}

impl FixedHeaders {
    pub(super) fn new(
        api: &ApiInfo,
        user_agent: &str,
        credentials: &[Option<Secret>],
    ) -> std::result::Result<FixedHeaders, String> {
        let auth = api
            .schemes
            .iter()
            .zip(credentials)
            .map(|(scheme, credential)| match (scheme.auth, credential) {
                (Auth::Header { name, prefix }, Some(credential)) => {
                    header_credential(name, prefix, credential).map(Some)
                }
                (Auth::ClientCredentials { .. }, Some(credential)) => {
                    header_credential("Authorization", "Bearer ", credential).map(Some)
                }
                _ => Ok(None),
            })
            .collect::<std::result::Result<_, _>>()?;
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| format!("invalid user agent {user_agent:?}"))?;
        Ok(FixedHeaders { user_agent, auth })
    }
}

impl Client {
    /// What the generated `Client::new(credential)` builds for `api`: default settings,
    /// the credential not validated up front (a key that cannot be sent in a header makes
    /// each request fail with [`Error::Config`]).
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialised, like `reqwest::Client::new`.
    #[doc(hidden)]
    pub fn unvalidated(api: &'static ApiInfo, credential: impl Into<String>) -> Client {
        ClientBuilder::for_api(api)
            .credential(credential)
            .assemble(false)
            .expect("building a client without validation only fails if TLS cannot initialise")
    }

    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The most pages one stream over a paginated list fetches
    /// ([`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// A request to a path the API description does not name, e.g.
    /// `client.raw(Method::GET, "/things/7/parts")`: set its query, body, headers,
    /// timeout and retry policy, then `.send()` (the body as bytes) or `.send_json()`.
    ///
    /// It is sent like the generated operations: to the base URL, with the credential,
    /// following redirects only within the origin, under the same body limits, retried
    /// only if its method is idempotent (or the retry policy allows others), and a non-2xx
    /// status becomes [`Error::Api`] (its operation named `raw`). The path must start with
    /// `/` and hold no `.`/`..` segment, `?`, `#`, `\`, whitespace or control character, so
    /// that it stays under the base URL; otherwise `send` fails with [`Error::Config`]
    /// before anything is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: prolinksqr::Client) -> prolinksqr::Result<()> {
    /// use prolinksqr::reqwest::Method;
    ///
    /// let response = client
    ///     .raw(Method::GET, "/status")
    ///     .query(&[("verbose", "true")])
    ///     .send_json::<serde_json::Value>()
    ///     .await?;
    /// println!("{}: {}", response.status(), *response);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into())
    }

    /// Sends one operation's request, retrying per the [`RetryPolicy`], and returns the
    /// 2xx response fully read (at most `max_response_body` bytes).
    ///
    /// `path` must already be percent-encoded. `build` adds query, headers and body to a
    /// request that already carries method, URL, auth, `User-Agent` and timeout; it runs
    /// once per attempt so that bodies which cannot be cloned (multipart) are rebuilt.
    #[doc(hidden)]
    pub async fn execute(
        &self,
        op: &'static Operation,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder + Send + Sync,
    ) -> Result<RawResponse> {
        self.execute_with(op, path, &RequestOptions::default(), &build)
            .await
    }

    /// [`execute`](Self::execute) with the settings of one call (`.timeout()`, `.header()`,
    /// `.retry()` of a request builder) in place of the client's.
    ///
    /// `build` is a trait object, not a type parameter, so that this function, the
    /// largest of every call, is compiled once and not once per operation.
    #[doc(hidden)]
    pub async fn execute_with(
        &self,
        op: &Operation,
        path: &str,
        options: &RequestOptions,
        build: &(dyn Fn(RequestBuilder) -> RequestBuilder + Send + Sync),
    ) -> Result<RawResponse> {
        let inner = &*self.inner;
        let url = inner.url(op, path)?;
        let headers = inner
            .headers
            .as_ref()
            .map_err(|message| Error::Config(message.clone()))?;
        let extra_headers = options.checked_headers(op.id, inner.api)?;
        let retry = options.retry_or(&inner.retry);
        let timeout = options.timeout_or(inner.timeout);
        let schemes = inner.chosen_schemes(op, options.every_credential)?;
        let may_retry = retry.allows_method(&op.method);
        let deadline = retry.deadline_from(Instant::now());
        // A failed send and a failed body read are the same kind of failure: the error to
        // return and, if it may be retried, no `Retry-After` and the reason for the trace.
        let transport_failure = |err: reqwest::Error, retry_budget: bool| {
            let retryable = retry_budget && is_retryable_error(&err);
            let reason = RetryReason::Transport(transport_kind(&err));
            (
                inner.transport(op, err),
                retryable.then_some((None, reason)),
            )
        };
        let trace = Trace::new(op);
        trace
            .run(async {
                let mut retries = 0;
                // A refused token is renewed and the call sent again, once.
                let mut token_renewed = false;
                loop {
                    trace.attempt(retries + 1);
                    let leases = inner.leases(&schemes, timeout).await?;
                    let mut request = inner
                        .http
                        .request(op.method.clone(), url.clone())
                        .header(USER_AGENT, headers.user_agent.clone());
                    request = inner.authenticate(request, &schemes, &headers.auth, &leases)?;
                    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                    if let Some(timeout) = [timeout, left].into_iter().flatten().min() {
                        request = request.timeout(timeout);
                    }
                    let mut request = build(request);
                    if !extra_headers.is_empty() {
                        // Replaces what the client or the operation set under the same names.
                        request = request.headers(extra_headers.clone());
                    }
                    let retry_budget = may_retry && retry.has_budget(retries);
                    // Each failure yields the error to return and, if it may be retried, the
                    // server's `Retry-After`; the wait is then decided in one place below.
                    let sent = request.send().await;
                    if let Ok(response) = &sent {
                        trace.status(response.status());
                    }
                    let (err, retry_hint) = match sent {
                        Err(err) => transport_failure(err, retry_budget),
                        Ok(mut response) if response.status().is_success() => {
                            match read_body(&mut response, inner.max_response_body).await {
                                Ok(body) => {
                                    #[cfg(feature = "drift")]
                                    if let Some(drift) = &inner.drift {
                                        drift.observe(
                                            op,
                                            response.status(),
                                            response.headers(),
                                            &body,
                                        );
                                    }
                                    return Ok(RawResponse {
                                        status: response.status(),
                                        // Taken, not cloned: the body is read already.
                                        headers: std::mem::take(response.headers_mut()),
                                        body,
                                    });
                                }
                                Err(ReadError::TooLarge) => {
                                    return Err(Error::BodyTooLarge {
                                        operation: op.id,
                                        status: response.status(),
                                        limit: inner.max_response_body,
                                    });
                                }
                                Err(ReadError::Transport(err)) => {
                                    transport_failure(err, retry_budget)
                                }
                            }
                        }
                        Ok(response)
                            if response.status() == StatusCode::UNAUTHORIZED
                                && !token_renewed
                                && leases.iter().any(Option::is_some) =>
                        {
                            // The server acted on nothing: the token has expired or was
                            // revoked early.
                            drop(response);
                            inner.refused(&leases).await;
                            token_renewed = true;
                            continue;
                        }
                        Ok(mut response) => {
                            let status = response.status();
                            let retryable = match inner.api.too_many_requests {
                                // Refused before the server acted on it: safe for any method.
                                TooManyRequests::RateLimit
                                    if status == StatusCode::TOO_MANY_REQUESTS =>
                                {
                                    retry.has_budget(retries)
                                }
                                _ => retry_budget && is_retryable_status(status),
                            };
                            if retryable {
                                let hint = retry_after(response.headers(), SystemTime::now());
                                if let Some(wait) = inner.retry_wait(retry, retries, hint, deadline)
                                {
                                    trace.retry(retries + 1, &RetryReason::Status(status), wait);
                                    // The body of an attempt that is retried is never read:
                                    // dropping the response closes its connection.
                                    drop(response);
                                    tokio::time::sleep(wait).await;
                                    retries += 1;
                                    continue;
                                }
                            }
                            let limit = ERROR_BODY_LIMIT.min(
                                usize::try_from(inner.max_response_body).unwrap_or(usize::MAX),
                            );
                            let (body, truncated) = read_prefix(&mut response, limit).await;
                            #[cfg(feature = "drift")]
                            if let Some(drift) = &inner.drift {
                                drift.observe(op, status, response.headers(), &body);
                            }
                            let mut err = ApiError::from_response(op.id, op.scopes, status, &body);
                            if truncated {
                                err = err.truncated();
                            }
                            if let TooManyRequests::Quota { message } = inner.api.too_many_requests
                                && status == StatusCode::TOO_MANY_REQUESTS
                            {
                                err.quota = Some(message);
                            }
                            return Err(err.into());
                        }
                    };
                    let Some((hint, reason)) = retry_hint else {
                        return Err(err);
                    };
                    match inner.retry_wait(retry, retries, hint, deadline) {
                        Some(wait) => {
                            trace.retry(retries + 1, &reason, wait);
                            tokio::time::sleep(wait).await;
                        }
                        None => return Err(err),
                    }
                    retries += 1;
                }
            })
            .await
    }
}

impl Inner {
    fn url(&self, op: &Operation, path: &str) -> Result<Url> {
        if path.split('/').any(is_dot_segment) {
            return Err(Error::Config(format!(
                "{}: a path parameter is `.` or `..`, which would address a different endpoint",
                op.id
            )));
        }
        // Path parameters are encoded so that each stays one segment (`/` becomes `%2F`),
        // so the path has the template's segments; one that is empty where the template's
        // is not comes from an empty parameter, which would address another endpoint
        // (`DELETE /links/` for `/links/{id}`).
        let template = op.path.split('/');
        if path.split('/').count() == template.clone().count()
            && path
                .split('/')
                .zip(template)
                .any(|(sent, planned)| sent.is_empty() && !planned.is_empty())
        {
            return Err(Error::Config(format!(
                "{}: a path parameter of `{}` is empty, which would address a different endpoint",
                op.id, op.path
            )));
        }
        let text = format!("{}{}", self.base_url, path);
        Url::parse(&text)
            .map_err(|err| Error::Config(format!("invalid request URL {text:?}: {err}")))
    }

    /// The indices of the schemes whose credentials a request for `op` carries: those of
    /// the first of its requirement alternatives that the client can meet (nothing for a
    /// public operation), or every credential held for a raw request (whose needs are
    /// unknown). A call none of whose alternatives can be met is refused before sending.
    fn chosen_schemes(
        &self,
        op: &Operation,
        every_credential: bool,
    ) -> Result<Cow<'static, [usize]>> {
        let held = |i: &usize| {
            self.credentials.get(*i).is_some_and(Option::is_some)
                || self.tokens.get(*i).is_some_and(Option::is_some)
        };
        if every_credential {
            return Ok((0..self.credentials.len()).filter(held).collect());
        }
        if op.security.is_empty() || self.api.schemes.is_empty() {
            return Ok(Cow::Borrowed(&[]));
        }
        if let Some(alternative) = op.security.iter().find(|alt| alt.iter().all(held)) {
            return Ok(Cow::Borrowed(alternative));
        }
        if let [scheme] = self.api.schemes {
            return Err(Error::Config(format!(
                "missing API key: {} needs one; call ClientBuilder::credential or set {}",
                op.id, scheme.env
            )));
        }
        let name = |i: &usize| self.api.schemes.get(*i).map_or("?", |s| s.name);
        let alternatives: Vec<String> = op
            .security
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|i| format!("`{}`", name(i)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect();
        let mut missing: Vec<usize> = op
            .security
            .iter()
            .flat_map(|alt| alt.iter().copied())
            .filter(|i| !held(i))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let missing_schemes = missing.iter().filter_map(|i| self.api.schemes.get(*i));
        Err(Error::Config(format!(
            "missing credentials: {} needs {}; the client lacks {} (set them with \
             ClientBuilder::credential_for or {})",
            op.id,
            alternatives.join(" or "),
            missing
                .iter()
                .map(|i| format!("`{}`", name(i)))
                .collect::<Vec<_>>()
                .join(", "),
            env_names(missing_schemes),
        )))
    }

    /// The current token of each scheme in `schemes` whose tokens the client obtains
    /// itself, at the scheme's index (fetched first where needed).
    async fn leases(
        &self,
        schemes: &[usize],
        timeout: Option<Duration>,
    ) -> Result<Vec<Option<Lease>>> {
        let mut leases: Vec<Option<Lease>> = Vec::new();
        for &i in schemes {
            if let Some(Some(tokens)) = self.tokens.get(i) {
                leases.resize_with(leases.len().max(i + 1), || None);
                leases[i] = Some(tokens.lease(&self.http, &self.base_url, timeout).await?);
            }
        }
        Ok(leases)
    }

    /// Forgets the tokens the server refused with a 401.
    async fn refused(&self, leases: &[Option<Lease>]) {
        for (tokens, lease) in self.tokens.iter().zip(leases) {
            if let (Some(tokens), Some(lease)) = (tokens, lease) {
                tokens.refused(lease.generation).await;
            }
        }
    }

    /// `request` with the credentials of `schemes`, a token of `leases` in place of a
    /// fixed credential. Several cookie credentials go in one `Cookie` header, as a client
    /// must send at most one.
    fn authenticate(
        &self,
        mut request: RequestBuilder,
        schemes: &[usize],
        headers: &[Option<(HeaderName, HeaderValue)>],
        leases: &[Option<Lease>],
    ) -> Result<RequestBuilder> {
        let mut cookies: Vec<&HeaderValue> = Vec::new();
        let mut leased: Vec<HeaderValue> = Vec::new();
        for &i in schemes {
            if let (Some(scheme), Some(Some(lease))) = (self.api.schemes.get(i), leases.get(i)) {
                let (name, prefix) = match scheme.auth {
                    Auth::Header { name, prefix } => (name, prefix),
                    _ => ("Authorization", "Bearer "),
                };
                let (name, value) =
                    header_credential(name, prefix, &lease.value).map_err(|_| Error::Token {
                        scheme: scheme.name,
                        status: None,
                        message: "the token contains characters that cannot be sent in a header"
                            .to_owned(),
                    })?;
                if name == COOKIE {
                    leased.push(value);
                } else {
                    request = request.header(name, value);
                }
                continue;
            }
            let (Some(scheme), Some(Some(Secret(credential)))) =
                (self.api.schemes.get(i), self.credentials.get(i))
            else {
                continue;
            };
            match (scheme.auth, headers.get(i).and_then(Option::as_ref)) {
                (Auth::Header { .. }, Some((name, value))) if name == COOKIE => cookies.push(value),
                (Auth::Header { .. }, Some((name, value))) => {
                    request = request.header(name, value.clone());
                }
                (Auth::Query { name }, _) => request = request.query(&[(name, credential)]),
                (Auth::Basic, _) => {
                    request = match credential.split_once(':') {
                        Some((user, password)) => request.basic_auth(user, Some(password)),
                        None => request.basic_auth(credential, None::<&str>),
                    }
                }
                (Auth::ClientCredentials { .. }, Some((name, value))) => {
                    request = request.header(name, value.clone());
                }
                (Auth::None | Auth::Header { .. } | Auth::ClientCredentials { .. }, _) => {}
            }
        }
        cookies.extend(&leased);
        Ok(match cookies.as_slice() {
            [] => request,
            [one] => request.header(COOKIE, (*one).clone()),
            several => {
                let joined: Vec<&[u8]> = several.iter().map(|v| v.as_bytes()).collect();
                match HeaderValue::from_bytes(&joined.join(&b"; "[..])) {
                    Ok(mut value) => {
                        value.set_sensitive(true);
                        request.header(COOKIE, value)
                    }
                    // Each part is a valid value, and `; ` joins them into one.
                    Err(_) => request,
                }
            }
        })
    }

    /// Transport errors carry the request URL, which holds the credential under
    /// [`Auth::Query`], and a password if the base URL has one.
    fn transport(&self, op: &Operation, err: reqwest::Error) -> Error {
        let query_credential = self
            .api
            .schemes
            .iter()
            .any(|s| matches!(s.auth, Auth::Query { .. }));
        let source = if query_credential || has_userinfo(&self.base_url) {
            err.without_url()
        } else {
            err
        };
        Error::Transport {
            operation: op.id,
            source,
        }
    }

    /// The wait before another attempt, or `None` if there is to be none: the server asks
    /// for more than the policy honours, or the wait would reach the deadline.
    fn retry_wait(
        &self,
        retry: &RetryPolicy,
        retries: u32,
        retry_after: Option<Duration>,
        deadline: Option<Instant>,
    ) -> Option<Duration> {
        let wait = retry.backoff(retries, retry_after)?;
        match deadline {
            Some(deadline)
                if Instant::now()
                    .checked_add(wait)
                    .is_none_or(|end| end >= deadline) =>
            {
                None
            }
            _ => Some(wait),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &redact_userinfo(&inner.base_url))
            .field(
                "credentials",
                &Held(inner.api, &inner.credentials, &inner.tokens),
            )
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("max_response_body", &inner.max_response_body)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
