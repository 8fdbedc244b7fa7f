//! The one error type every operation returns.

use std::borrow::Cow;
use std::fmt;

use reqwest::StatusCode;

use super::validate::InvalidInput;

/// How much of a non-2xx body (and of an undecodable 2xx body) an error keeps. Reading
/// stops there, so a huge or endless error page costs at most this much memory.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the API.
///
/// Match on the variant for the broad category, or use the `is_*` helpers for the statuses
/// the API documents. No variant ever contains the API key.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request did not complete: connection failure, timeout, TLS failure, or the
    /// response body could not be read.
    #[error("{operation}: {}: {source}", transport_kind(source))]
    Transport {
        /// `operationId` of the operation that failed.
        operation: &'static str,
        /// The underlying HTTP client error.
        source: reqwest::Error,
    },
    /// The server answered with a non-2xx status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The server answered 2xx, but the body does not match the documented shape.
    #[error(
        "{operation}: cannot decode {status} response at `{}`: {}",
        Escaped(path),
        Escaped(source)
    )]
    Decode {
        /// `operationId` of the operation that failed.
        operation: &'static str,
        /// The (successful) status the server sent.
        status: StatusCode,
        /// The raw body, lossily converted to UTF-8; at most its first
        /// [`ERROR_BODY_LIMIT`] bytes.
        body: String,
        /// Path to the field that failed to decode, e.g. `data[0].name` (`.` for the root).
        path: String,
        /// The decoder's error.
        source: serde_json::Error,
    },
    /// The response body is larger than the client accepts
    /// ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)).
    /// Reading stopped at the limit (or before reading anything, if the declared
    /// `Content-Length` was already larger), so the body is not available.
    #[error(
        "{operation}: the {status} response body exceeds the limit of {limit} bytes \
         (ClientBuilder::max_response_body)"
    )]
    BodyTooLarge {
        /// `operationId` of the operation that failed.
        operation: &'static str,
        /// The status the server sent.
        status: StatusCode,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// The client is misconfigured (missing API key, invalid base URL or header value), or
    /// an argument cannot be put into a request (a path parameter that is empty, `.` or
    /// `..`).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// No access token could be obtained for the security scheme `scheme`: its token
    /// endpoint (OAuth2 client credentials) could not be reached, refused the client's id
    /// and secret, or answered something that is not a token; or the application's token
    /// provider failed. Nothing was sent to the API. The message never contains the
    /// client secret or a token.
    #[error("cannot get an access token for `{scheme}`: {message}")]
    Token {
        /// The security scheme's name in the API description.
        scheme: &'static str,
        /// The token endpoint's status, if it answered.
        status: Option<StatusCode>,
        /// What went wrong, including the endpoint's OAuth2 `error` and
        /// `error_description` (at most 300 characters).
        message: String,
    },
    /// An input breaks a limit the API documents (a length, a range, a number of items),
    /// so the request was not sent: the server would refuse it, and a refused call still
    /// counts against the plan's quota. Lengths are counted in characters (Unicode scalar
    /// values), not bytes. [`ClientBuilder::validate_inputs`](crate::ClientBuilder::validate_inputs)
    /// turns these checks off.
    #[error("{0}")]
    InvalidInput(Box<InvalidInput>),
    /// A stream over a paginated list fetched as many pages as it may
    /// ([`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)) and the server still
    /// announced more. It comes after the items of those pages; nothing is lost by raising
    /// the limit and starting again, but a server that never reports a last page would
    /// otherwise keep the stream going forever.
    #[error(
        "the list has more than {limit} pages, the most one stream fetches \
         (raise the limit with ClientBuilder::max_pages)"
    )]
    TooManyPages {
        /// The limit that was reached, in pages.
        limit: u64,
    },
}

fn transport_kind(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "request timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_builder() {
        "could not build request"
    } else {
        "request failed"
    }
}

impl Error {
    /// The HTTP status of the API's response, if one was received (a token endpoint's is
    /// in [`Error::Token`]).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport { .. }
            | Error::Token { .. }
            | Error::Config(_)
            | Error::InvalidInput(_)
            | Error::TooManyPages { .. } => None,
        }
    }

    /// The API error details, if the server answered with a non-2xx status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Which input broke which documented limit, if the request was refused before it was
    /// sent.
    pub fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            Error::InvalidInput(invalid) => Some(invalid),
            _ => None,
        }
    }

    /// An input broke a documented limit, so the request was not sent
    /// ([`Error::InvalidInput`]).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput(_))
    }

    fn api_status_is(&self, status: StatusCode) -> bool {
        self.api_error().is_some_and(|api| api.status == status)
    }

    /// `400 Bad Request`: validation failed or the body is malformed.
    pub fn is_bad_request(&self) -> bool {
        self.api_status_is(StatusCode::BAD_REQUEST)
    }

    /// `401 Unauthorized`: missing, malformed, inactive or deleted API key.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status_is(StatusCode::UNAUTHORIZED)
    }

    /// `403 Forbidden`: the API key lacks the scope the operation requires
    /// (see [`ApiError::required_scopes`]).
    pub fn is_forbidden(&self) -> bool {
        self.api_status_is(StatusCode::FORBIDDEN)
    }

    /// `404 Not Found`: the resource does not exist or is not on this account.
    pub fn is_not_found(&self) -> bool {
        self.api_status_is(StatusCode::NOT_FOUND)
    }

    /// `429 Too Many Requests` from an API whose 429 means a spent quota (e.g. one per
    /// billing cycle) rather than a short-term rate limit: [`ApiError::quota`] says which.
    ///
    /// Retrying will not help until the quota resets, which is why the client never
    /// retries such a 429.
    pub fn is_quota_exhausted(&self) -> bool {
        self.api_error()
            .is_some_and(|api| api.status == StatusCode::TOO_MANY_REQUESTS && api.quota.is_some())
    }

    /// `429 Too Many Requests`, whatever it means for the API: a spent quota
    /// ([`is_quota_exhausted`](Self::is_quota_exhausted)), or a rate limit that the
    /// client's retries did not outlast (or whose `Retry-After` asked for longer than
    /// [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)).
    pub fn is_too_many_requests(&self) -> bool {
        self.api_status_is(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Any `5xx` status.
    pub fn is_server_error(&self) -> bool {
        self.api_error()
            .is_some_and(|api| api.status.is_server_error())
    }

    /// The request timed out (connecting, waiting, or reading the body).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// The connection to the server could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_connect())
    }

    /// The response body was larger than
    /// [`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body).
    pub fn is_body_too_large(&self) -> bool {
        matches!(self, Error::BodyTooLarge { .. })
    }

    /// A `3xx` that the client did not follow: a redirect to another origin (scheme, host
    /// or port), which could hand the credential to a different server, or one of more
    /// than ten in a row.
    pub fn is_redirect(&self) -> bool {
        self.api_error()
            .is_some_and(|api| api.status.is_redirection())
    }
}

/// A non-2xx response from the API.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `message` (or else `error`, or RFC 7807's `detail` or `title`) field of a JSON
    /// error body, if there was one, as the server sent it (`Display` escapes its control
    /// characters; this field does not).
    pub message: Option<String>,
    /// The raw body, lossily converted to UTF-8, whether or not it is JSON (it may be an
    /// HTML page from a proxy, or empty); at most its first [`ERROR_BODY_LIMIT`] bytes.
    pub body: String,
    /// Whether [`body`](Self::body) is only the beginning of what the server sent (it was
    /// longer than [`ERROR_BODY_LIMIT`], or the connection failed while it was read).
    pub body_truncated: bool,
    /// `operationId` of the operation that failed.
    pub operation: &'static str,
    /// Scopes the operation requires; the usual cause of a `403`.
    pub required_scopes: &'static [&'static str],
    /// For a `429` of an API whose 429 means an exhausted quota rather than a short-term
    /// rate limit, what the API says it means (see [`Error::is_quota_exhausted`]).
    pub quota: Option<&'static str>,
}

impl ApiError {
    /// Builds the error from a response, extracting the message from the body.
    #[doc(hidden)]
    pub fn from_response(
        operation: &'static str,
        required_scopes: &'static [&'static str],
        status: StatusCode,
        body: &[u8],
    ) -> Self {
        let truncated = body.len() > ERROR_BODY_LIMIT;
        let body = &body[..body.len().min(ERROR_BODY_LIMIT)];
        ApiError {
            status,
            message: extract_message(body),
            body: lossy_prefix(body, truncated),
            body_truncated: truncated,
            operation,
            required_scopes,
            quota: None,
        }
    }

    pub(crate) fn truncated(mut self) -> Self {
        self.body_truncated = true;
        self
    }

    /// Decodes the body as `T`: the error body type the operation documents for this status
    /// (each operation's docs list them under "Errors").
    ///
    /// Fails if the body is not JSON of that shape, or was cut off at [`ERROR_BODY_LIMIT`].
    ///
    /// ```
    /// # fn handle<E: serde::de::DeserializeOwned + std::fmt::Debug>(err: &prolinksqr::Error) {
    /// if let Some(api) = err.api_error() {
    ///     match api.body_as::<E>() {
    ///         Ok(body) => eprintln!("{}: {body:?}", api.status),
    ///         Err(_) => eprintln!("{}: {}", api.status, api.body),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

/// `body` as text; when it was cut off, a character split by the cut is dropped rather
/// than shown as U+FFFD.
pub(crate) fn lossy_prefix(body: &[u8], truncated: bool) -> String {
    let body = match std::str::from_utf8(body) {
        Err(err) if truncated && err.error_len().is_none() => &body[..err.valid_up_to()],
        _ => body,
    };
    String::from_utf8_lossy(body).into_owned()
}

/// Whether a character could change how a terminal or log viewer shows the text around it:
/// control characters (ANSI escapes start with ESC, BEL rings) and the bidirectional
/// formatting characters that reorder what is displayed.
pub(crate) fn is_hazardous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
                | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every hazardous character written as a `\u{..}` escape.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_hazards(text, false)
}

/// `text` with every hazardous character written as a `\u{..}` escape, except line feeds
/// when `keep_newlines` (a message of several lines).
pub(crate) fn escape_hazards(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| is_hazardous(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Displays a value with its control characters escaped: text that came from the server.
struct Escaped<'a, T: fmt::Display>(&'a T);

impl<T: fmt::Display> fmt::Display for Escaped<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.0.to_string()))
    }
}

/// Finds a human-readable message in an error body.
///
/// Tolerates the shapes common servers produce besides the documented
/// `{"message": "..."}` / `{"error": "..."}`: a list of validation messages, or an
/// `error` object carrying its own `message`.
fn extract_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    // `detail` and `title` are RFC 7807 (problem+json): the specific explanation first.
    ["message", "error", "detail", "title"]
        .iter()
        .filter_map(|key| object.get(*key))
        .find_map(message_text)
}

fn message_text(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(message_text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Object(inner) => inner.get("message").and_then(message_text),
        _ => None,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.status)?;
        if let Some(quota) = self.quota
            && self.status == StatusCode::TOO_MANY_REQUESTS
        {
            write!(f, ": {}", escape_controls(quota))?;
        }
        if self.status.is_redirection() {
            // Only a redirect the client refused to follow reaches the caller.
            f.write_str(": redirect not followed (only redirects within the same origin are)")?;
        }
        if let Some(message) = &self.message {
            // Keep Display on one line even if the server's message spans several, and
            // keep the server's escape sequences away from the terminal that shows it.
            let flat: Vec<&str> = message.split_whitespace().collect();
            write!(f, ": {}", escape_controls(&flat.join(" ")))?;
        }
        if self.status == StatusCode::FORBIDDEN && !self.required_scopes.is_empty() {
            let scopes: Vec<String> = self
                .required_scopes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect();
            let noun = if scopes.len() == 1 { "scope" } else { "scopes" };
            write!(f, " (requires {noun} {})", scopes.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Error::Api(Box::new(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        ApiError::from_response(
            "listLinks",
            &["links.read"],
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
        )
        .into()
    }

    #[test]
    fn message_comes_from_message_then_error() {
        let err = api(
            400,
            r#"{"message":"name is required","error":"Bad Request"}"#,
        );
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("name is required")
        );
        let err = api(401, r#"{"error":"invalid key"}"#);
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("invalid key")
        );
    }

    #[test]
    fn message_tolerates_lists_and_nested_objects() {
        let err = api(400, r#"{"message":["a must be set","b too long"]}"#);
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("a must be set; b too long")
        );
        let err = api(400, r#"{"error":{"message":"nested"}}"#);
        assert_eq!(err.api_error().unwrap().message.as_deref(), Some("nested"));
    }

    #[test]
    fn problem_json_gives_detail_then_title() {
        let err = api(
            404,
            r#"{"type":"about:blank","title":"Not Found","detail":"no link x"}"#,
        );
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("no link x")
        );
        let err = api(404, r#"{"title":"Not Found","status":404}"#);
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("Not Found")
        );
    }

    #[test]
    fn body_as_decodes_the_documented_error_body() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Problem {
            code: u16,
            message: String,
        }
        let err = api(409, r#"{"code":409,"message":"taken"}"#);
        let api = err.api_error().unwrap();
        assert_eq!(
            api.body_as::<Problem>().unwrap(),
            Problem {
                code: 409,
                message: "taken".into()
            }
        );
        assert!(api.body_as::<Vec<u8>>().is_err());
        let err = ApiError::from_response(
            "op",
            &[],
            StatusCode::CONFLICT,
            format!("{{\"message\":\"{}\"}}", "x".repeat(ERROR_BODY_LIMIT)).as_bytes(),
        );
        assert!(err.body_truncated);
        assert!(err.body_as::<serde_json::Value>().is_err());
    }

    #[test]
    fn non_json_bodies_have_no_message_but_keep_the_body() {
        let err = api(502, "<html>Bad gateway</html>");
        let api = err.api_error().unwrap();
        assert_eq!(api.message, None);
        assert_eq!(api.body, "<html>Bad gateway</html>");
        assert!(err.is_server_error());
    }

    #[test]
    fn status_predicates() {
        assert!(api(400, "").is_bad_request());
        assert!(api(401, "").is_unauthorized());
        assert!(api(403, "").is_forbidden());
        assert!(api(404, "").is_not_found());
        assert!(api(429, "").is_too_many_requests());
        assert!(
            !api(429, "").is_quota_exhausted(),
            "a rate limit unless the API says"
        );
        assert!(quota(api(429, "")).is_quota_exhausted());
        assert!(!quota(api(400, "")).is_quota_exhausted());
        assert!(!api(429, "").is_server_error());
        assert_eq!(api(404, "").status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(Error::Config("x".into()).status(), None);
    }

    #[test]
    fn display_is_one_line_with_scope_hint() {
        let err = api(403, r#"{"message":"You do not have\npermission."}"#);
        assert_eq!(
            err.to_string(),
            "listLinks: 403 Forbidden: You do not have permission. (requires scope `links.read`)"
        );
    }

    /// `err` from an API whose 429 means a spent quota.
    fn quota(err: Error) -> Error {
        let Error::Api(mut api) = err else {
            panic!("an API error")
        };
        api.quota = Some("API quota for the current billing cycle is exhausted");
        Error::Api(api)
    }

    #[test]
    fn display_explains_a_quota_and_nothing_else() {
        assert_eq!(
            quota(api(429, "")).to_string(),
            "listLinks: 429 Too Many Requests: API quota for the current billing cycle is exhausted"
        );
        assert_eq!(
            api(429, r#"{"message":"slow down"}"#).to_string(),
            "listLinks: 429 Too Many Requests: slow down"
        );
    }

    #[test]
    fn display_escapes_terminal_controls_but_keeps_the_message() {
        let err = api(
            400,
            r#"{"message":"a\u001b[2Jb\u0007c\u202ed\u2066e\u0085f"}"#,
        );
        assert_eq!(
            err.to_string(),
            "listLinks: 400 Bad Request: a\\u{1b}[2Jb\\u{7}c\\u{202e}d\\u{2066}e f"
        );
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("a\u{1b}[2Jb\u{7}c\u{202e}d\u{2066}e\u{85}f")
        );
        assert_eq!(escape_controls("plain café ☕"), "plain café ☕");
    }

    #[test]
    fn long_bodies_keep_a_prefix_cut_at_a_character() {
        let mut body = vec![b'a'; ERROR_BODY_LIMIT - 1];
        body.extend_from_slice("é and more".as_bytes());
        let err = ApiError::from_response("op", &[], StatusCode::BAD_GATEWAY, &body);
        assert!(err.body_truncated);
        assert_eq!(err.body.len(), ERROR_BODY_LIMIT - 1);
        assert!(err.body.bytes().all(|b| b == b'a'));
        let err = ApiError::from_response("op", &[], StatusCode::BAD_GATEWAY, b"short");
        assert!(!err.body_truncated);
        assert_eq!(err.body, "short");
        // Invalid UTF-8 that is not a cut-off character is still shown as U+FFFD.
        assert_eq!(lossy_prefix(b"a\xffb", true), "a\u{FFFD}b");
    }

    #[test]
    fn redirects_say_they_were_not_followed() {
        let err = api(302, "");
        assert!(err.is_redirect());
        assert!(!api(404, "").is_redirect());
        assert_eq!(
            err.to_string(),
            "listLinks: 302 Found: redirect not followed (only redirects within the same origin are)"
        );
    }

    #[test]
    fn body_too_large_names_the_limit() {
        let err = Error::BodyTooLarge {
            operation: "listLinks",
            status: StatusCode::OK,
            limit: 64,
        };
        assert!(err.is_body_too_large());
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_eq!(
            err.to_string(),
            "listLinks: the 200 OK response body exceeds the limit of 64 bytes \
             (ClientBuilder::max_response_body)"
        );
    }

    #[test]
    fn errors_are_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        check::<ApiError>();
    }
}
