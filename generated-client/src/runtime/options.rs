//! Settings of one call that override the client's: every request builder holds one.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HOST, HeaderMap, HeaderName, HeaderValue};

use super::api::ApiInfo;
use super::error::{Error, Result};
use super::retry::RetryPolicy;

/// What a request builder's `.timeout()`, `.header()` and `.retry()` set, carried to
/// [`Client::execute_with`](super::Client::execute_with).
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    headers: HeaderMap,
    /// Why a header passed to [`header`](Self::header) cannot be sent: reported when the
    /// request is sent (builder methods return `Self`, not a `Result`).
    invalid: Option<String>,
    /// Whether the request carries every credential the client holds rather than what the
    /// operation's requirements ask for: a raw request, whose needs are unknown.
    pub(crate) every_credential: bool,
}

/// Header values are left out: one may be a secret (a signature, another service's token).
impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("invalid", &self.invalid)
            .field("every_credential", &self.every_credential)
            .finish()
    }
}

impl RequestOptions {
    /// The options of a request that carries every credential the client holds.
    pub(crate) fn every_credential() -> Self {
        RequestOptions {
            every_credential: true,
            ..RequestOptions::default()
        }
    }

    /// Limits each attempt of this call instead of the client's timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Retries this call under `policy` instead of the client's.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Adds a header to every attempt. A name given more than once is sent with every value.
    pub fn add_header<N, V>(&mut self, name: N, value: V)
    where
        N: TryInto<HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: fmt::Display,
    {
        if self.invalid.is_some() {
            return;
        }
        let name = match name.try_into() {
            Ok(name) => name,
            Err(err) => {
                self.invalid = Some(format!(
                    "a header name passed to `.header()` is invalid: {err}"
                ));
                return;
            }
        };
        match value.try_into() {
            // Not `insert`: `.header(n, a).header(n, b)` sends both, as `reqwest` does.
            Ok(value) => {
                self.headers.append(name, value);
            }
            // The value is not shown: it may be a secret.
            Err(err) => {
                self.invalid = Some(format!(
                    "the value passed to `.header()` for `{name}` is invalid: {err}"
                ));
            }
        }
    }

    /// The timeout of each attempt, given the client's.
    pub(crate) fn timeout_or(&self, client: Option<Duration>) -> Option<Duration> {
        self.timeout.or(client)
    }

    /// The retry policy of this call, given the client's.
    pub(crate) fn retry_or<'a>(&'a self, client: &'a RetryPolicy) -> &'a RetryPolicy {
        self.retry.as_ref().unwrap_or(client)
    }

    /// The headers to send, or the [`Error::Config`] that stops the call before anything is
    /// sent: a header that could not be built, or one that would replace the credential
    /// (`Authorization`, or the API key's own header) or the host the request goes to.
    pub(crate) fn checked_headers(&self, operation: &str, api: &ApiInfo) -> Result<&HeaderMap> {
        if let Some(problem) = &self.invalid {
            return Err(Error::Config(format!("{operation}: {problem}")));
        }
        for name in self.headers.keys() {
            if api.schemes.iter().any(|s| s.is_header(name.as_str())) {
                return Err(Error::Config(format!(
                    "{operation}: `{name}` carries the client's credential and cannot be set \
                     per request; build another client for another credential"
                )));
            }
            if name == HOST {
                return Err(Error::Config(format!(
                    "{operation}: `Host` cannot be set per request: it would address another \
                     server than the base URL"
                )));
            }
        }
        Ok(&self.headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::api::KEYED;

    #[test]
    fn headers_accumulate_and_defaults_apply() {
        let mut options = RequestOptions::default();
        assert_eq!(
            options.timeout_or(Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(options.retry_or(&RetryPolicy::none()), &RetryPolicy::none());
        options.set_timeout(Duration::from_secs(9));
        options.set_retry(RetryPolicy::new().max_retries(7));
        options.add_header("x-tag", "a");
        options.add_header(
            HeaderName::from_static("x-tag"),
            HeaderValue::from_static("b"),
        );
        options.add_header(String::from("X-Other"), String::from("c"));
        assert_eq!(
            options.timeout_or(Some(Duration::from_secs(3))),
            Some(Duration::from_secs(9))
        );
        assert_eq!(
            options.retry_or(&RetryPolicy::none()),
            &RetryPolicy::new().max_retries(7)
        );
        let headers = options.checked_headers("op", &KEYED).unwrap();
        let tags: Vec<_> = headers.get_all("x-tag").iter().collect();
        assert_eq!(tags, ["a", "b"]);
        assert_eq!(headers["x-other"], "c");
    }

    #[test]
    fn invalid_names_and_values_fail_with_config_without_the_value() {
        let mut options = RequestOptions::default();
        options.add_header("bad name", "v");
        let err = options.checked_headers("op", &KEYED).unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.starts_with("op: a header name")),
            "{err}"
        );

        let mut options = RequestOptions::default();
        options.add_header("x-ok", "secret\nvalue");
        let err = options
            .checked_headers("op", &KEYED)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`x-ok`"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn debug_shows_header_names_not_values() {
        let mut options = RequestOptions::default();
        options.add_header("x-signature", "s3cr3t-value");
        let shown = format!("{options:?}");
        assert!(shown.contains("x-signature"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn the_credential_header_and_host_are_refused() {
        for name in ["authorization", "AUTHORIZATION", "Host"] {
            let mut options = RequestOptions::default();
            options.add_header(name, "x");
            let err = options.checked_headers("op", &KEYED).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{name}: {err:?}");
        }
    }
}
