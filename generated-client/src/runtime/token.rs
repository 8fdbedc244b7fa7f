//! Bearer tokens the client obtains itself: OAuth2's client-credentials grant, or a
//! provider the application writes; cached until shortly before they expire.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{StatusCode, Url};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::credential::Secret;
use super::error::{Error, Result};
use super::response::read_prefix;

/// An access token, as a [token provider](crate::ClientBuilder::token_provider) returns it.
///
/// `Debug` never shows the token.
#[derive(Clone)]
pub struct AccessToken {
    access_token: Secret,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token that is used until the server answers `401 Unauthorized` to it.
    pub fn new(access_token: impl Into<String>) -> AccessToken {
        AccessToken {
            access_token: Secret(access_token.into()),
            expires_in: None,
        }
    }

    /// The token's lifetime from now: the client asks for a new one shortly before it ends.
    pub fn expires_in(mut self, lifetime: Duration) -> AccessToken {
        self.expires_in = Some(lifetime);
        self
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &self.access_token)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// What a token provider's future resolves to.
pub(super) type TokenResult =
    std::result::Result<AccessToken, Box<dyn std::error::Error + Send + Sync>>;

type ProviderFn =
    dyn Fn() -> Pin<Box<dyn Future<Output = TokenResult> + Send>> + Send + Sync + 'static;

/// Where a scheme's tokens come from.
#[derive(Clone)]
pub(super) enum Source {
    /// OAuth2's client-credentials grant (RFC 6749 §4.4) at the flow's `tokenUrl`.
    ClientCredentials {
        token_url: &'static str,
        scopes: &'static [&'static str],
        client_id: Secret,
        client_secret: Secret,
    },
    /// A closure the application supplies.
    Provider(Arc<ProviderFn>),
}

impl Source {
    pub(super) fn provider<F, Fut>(provider: F) -> Source
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = TokenResult> + Send + 'static,
    {
        Source::Provider(Arc::new(move || Box::pin(provider())))
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::ClientCredentials { token_url, .. } => f
                .debug_struct("ClientCredentials")
                .field("token_url", token_url)
                .finish_non_exhaustive(),
            Source::Provider(_) => f.write_str("Provider"),
        }
    }
}

/// A token in use: the header value to send, and which fetch it came from (so that a 401
/// to an old token does not throw away the new one another call already fetched).
struct Cached {
    value: Secret,
    refresh_at: Option<Instant>,
    generation: u64,
}

/// One scheme's tokens, shared by every clone of the client.
pub(super) struct Tokens {
    scheme: &'static str,
    source: Source,
    /// Held while a token is fetched, so that concurrent calls wait for that one fetch
    /// instead of each asking for a token.
    cached: Mutex<(Option<Cached>, u64)>,
}

/// A token handed to one attempt of a call.
pub(super) struct Lease {
    pub(super) value: Secret,
    pub(super) generation: u64,
}

/// The longest a token endpoint's answer may be: a token response is a few kilobytes.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// How long before its end a token is replaced, at most: a call started just before
/// expiry must not reach the server with an expired token.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// How a token endpoint answers (RFC 6749 §5.1, §5.2).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    error: Option<String>,
    error_description: Option<String>,
}

impl Tokens {
    pub(super) fn new(scheme: &'static str, source: Source) -> Tokens {
        Tokens {
            scheme,
            source,
            cached: Mutex::new((None, 0)),
        }
    }

    /// The current token, fetched first if there is none or it is about to expire.
    pub(super) async fn lease(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        timeout: Option<Duration>,
    ) -> Result<Lease> {
        let mut guard = self.cached.lock().await;
        let (cached, generations) = &mut *guard;
        if let Some(token) = cached
            .as_ref()
            .filter(|t| t.refresh_at.is_none_or(|at| Instant::now() < at))
        {
            return Ok(Lease {
                value: token.value.clone(),
                generation: token.generation,
            });
        }
        let token = self.fetch(http, base_url, timeout).await?;
        *generations += 1;
        let refresh_at = token.expires_in.map(|lifetime| {
            // A tenth of a short lifetime, so that a one-minute token is still used.
            Instant::now() + lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 10))
        });
        *cached = Some(Cached {
            value: token.access_token.clone(),
            refresh_at,
            generation: *generations,
        });
        Ok(Lease {
            value: token.access_token,
            generation: *generations,
        })
    }

    /// Forgets the token of `generation` after the server refused it, unless a newer one
    /// has been fetched already.
    pub(super) async fn refused(&self, generation: u64) {
        let mut guard = self.cached.lock().await;
        if guard.0.as_ref().is_some_and(|t| t.generation == generation) {
            guard.0 = None;
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        timeout: Option<Duration>,
    ) -> Result<AccessToken> {
        match &self.source {
            Source::Provider(provider) => provider().await.map_err(|err| Error::Token {
                scheme: self.scheme,
                status: None,
                message: format!("the token provider failed: {err}"),
            }),
            Source::ClientCredentials {
                token_url,
                scopes,
                client_id,
                client_secret,
            } => {
                let url =
                    resolve(base_url, token_url).map_err(|message| self.error(None, message))?;
                self.client_credentials(http, url, scopes, client_id, client_secret, timeout)
                    .await
            }
        }
    }

    async fn client_credentials(
        &self,
        http: &reqwest::Client,
        url: Url,
        scopes: &[&str],
        client_id: &Secret,
        client_secret: &Secret,
        timeout: Option<Duration>,
    ) -> Result<AccessToken> {
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !scopes.is_empty() {
            form.push(("scope", scopes.join(" ")));
        }
        // RFC 6749 §2.3.1: the id and secret are form-encoded, then sent as basic auth.
        let encode = |s: &Secret| form_urlencoded(&s.0);
        let mut request = http
            .post(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .basic_auth(encode(client_id), Some(encode(client_secret)))
            .form(&form);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let mut response = request.send().await.map_err(|err| {
            // The URL is the flow's, not a secret, but the error is shown to people.
            let err = err.without_url();
            self.error(
                None,
                format!("the token endpoint could not be reached: {err}"),
            )
        })?;
        let status = response.status();
        let (body, truncated) = read_prefix(&mut response, TOKEN_BODY_LIMIT).await;
        let parsed: Option<TokenResponse> = serde_json::from_slice(&body).ok();
        if !status.is_success() {
            let reason = parsed
                .and_then(|p| {
                    let error = p.error?;
                    Some(match p.error_description {
                        Some(description) => format!("{error}: {description}"),
                        None => error,
                    })
                })
                .unwrap_or_else(|| "no OAuth2 error in the response".to_owned());
            return Err(self.error(
                Some(status),
                format!(
                    "the token endpoint refused: {}",
                    scrub(&reason, client_secret)
                ),
            ));
        }
        let Some(parsed) = parsed.filter(|_| !truncated) else {
            return Err(self.error(
                Some(status),
                "the token endpoint's answer is not a JSON token response".to_owned(),
            ));
        };
        let Some(access_token) = parsed.access_token.filter(|t| !t.is_empty()) else {
            return Err(self.error(Some(status), "the answer has no `access_token`".to_owned()));
        };
        if let Some(kind) = parsed.token_type.as_deref()
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(self.error(
                Some(status),
                format!(
                    "the token is of type {:?}, and only bearer tokens can be sent",
                    kind.chars().take(40).collect::<String>()
                ),
            ));
        }
        let mut token = AccessToken::new(access_token);
        // Some servers send the lifetime as a string; anything unreadable means "unknown".
        let seconds = match parsed.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        if let Some(seconds) = seconds {
            token = token.expires_in(Duration::from_secs(seconds));
        }
        Ok(token)
    }

    fn error(&self, status: Option<StatusCode>, message: String) -> Error {
        Error::Token {
            scheme: self.scheme,
            status,
            message,
        }
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.source, f)
    }
}

/// `token_url` as an absolute URL: a relative one (OpenAPI allows them) is relative to the
/// client's base URL.
fn resolve(base_url: &str, token_url: &str) -> std::result::Result<Url, String> {
    // RFC 3986 resolution against the base URL taken as a folder: `/oauth/token` keeps only
    // its origin, `oauth/token` goes under its path.
    let url = Url::parse(&format!("{base_url}/"))
        .and_then(|base| base.join(token_url))
        .map_err(|err| format!("invalid token URL {token_url:?}: {err}"))?;
    match url.scheme() {
        "https" | "http" => Ok(url),
        other => Err(format!("the token URL's scheme {other:?} is not http(s)")),
    }
}

/// `text` with the client secret replaced, in case a server echoes it.
fn scrub(text: &str, secret: &Secret) -> String {
    let bounded: String = text.chars().take(300).collect();
    if secret.0.len() >= 4 {
        bounded.replace(&secret.0, "***")
    } else {
        bounded
    }
}

fn form_urlencoded(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|pair| pair.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
