//! Configuring and validating a [`Client`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::redirect;

use super::api::{ApiInfo, Auth};
use super::client::{Client, FixedHeaders, Inner};
use super::credential::{Secret, redact_userinfo};
#[cfg(feature = "drift")]
use super::drift::{Description, DriftLog, OnDrift, Recorder};
use super::error::{Error, Result};
use super::pagination::DEFAULT_MAX_PAGES;
use super::retry::RetryPolicy;
use super::token::{AccessToken, Source, Tokens};

pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Large enough for any page of results; small enough that a broken or hostile server
/// cannot make the client hold gigabytes.
pub(super) const DEFAULT_MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;
const MAX_REDIRECTS: usize = 10;

/// Configures a [`Client`]. Obtain one from [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    api: &'static ApiInfo,
    /// One per scheme of `api.schemes`, at the same index.
    credentials: Vec<Option<Secret>>,
    /// Where the client gets tokens for a scheme, instead of a fixed credential; one per
    /// scheme, at its index.
    token_sources: Vec<Option<Source>>,
    /// A misuse of a scheme setter (a name the API does not declare, client credentials for
    /// a scheme that has no such flow), reported by `build`: builder methods return `Self`,
    /// not a `Result`.
    scheme_misuse: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    max_response_body: u64,
    max_pages: u64,
    validate_inputs: bool,
    http_client: Option<reqwest::Client>,
    #[cfg(feature = "drift")]
    drift_log: Option<DriftLog>,
    #[cfg(feature = "drift")]
    on_drift: Option<OnDrift>,
    /// The file drift is recorded into: loaded when the client is built, saved when the
    /// client goes away.
    drift_file: Option<std::path::PathBuf>,
}

impl ClientBuilder {
    /// A builder for `api` with default settings (the generated `Client::builder`).
    #[doc(hidden)]
    pub fn for_api(api: &'static ApiInfo) -> Self {
        ClientBuilder {
            api,
            credentials: vec![None; api.schemes.len()],
            token_sources: vec![None; api.schemes.len()],
            scheme_misuse: None,
            base_url: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: None,
            user_agent: None,
            retry: RetryPolicy::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            max_pages: DEFAULT_MAX_PAGES,
            validate_inputs: true,
            http_client: None,
            #[cfg(feature = "drift")]
            drift_log: None,
            #[cfg(feature = "drift")]
            on_drift: None,
            drift_file: None,
        }
    }

    /// What `from_env` builds, with `lookup` in place of the environment (for tests).
    #[cfg(test)]
    pub(super) fn from_lookup(
        api: &'static ApiInfo,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Client> {
        ClientBuilder::for_api(api).env_lookup(lookup)?.build()
    }

    /// Takes the credentials and the base URL (if set) from the environment variables that
    /// [`Client::from_env`](crate::Client::from_env) names, keeping every other setting of
    /// this builder; e.g. `Client::builder().from_env()?.retry(RetryPolicy::none()).build()?`.
    ///
    /// An API with several security schemes reads one variable per scheme, named after it
    /// (the prefix, then the scheme's name in SCREAMING_SNAKE_CASE: `clientId` is read from
    /// `..._CLIENT_ID`); each that is set gives that scheme's credential, and at least one
    /// must be set.
    pub fn from_env(self) -> Result<Self> {
        self.env_lookup(|name| std::env::var(name).ok())
    }

    pub(super) fn env_lookup(self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let api = self.api;
        let mut builder = self;
        let mut found = false;
        for (i, scheme) in api.schemes.iter().enumerate() {
            // Trimmed because keys pasted into env files often carry a trailing newline,
            // which a header cannot contain.
            let read = |name: &str| {
                lookup(name)
                    .map(|value| value.trim().to_owned())
                    .filter(|value| !value.is_empty())
            };
            if let Some(value) = read(scheme.env) {
                builder.credentials[i] = Some(Secret(value));
                found = true;
            } else if let Auth::ClientCredentials { .. } = scheme.auth
                && let (Some(id), Some(secret)) = (
                    read(&format!("{}_CLIENT_ID", scheme.env)),
                    read(&format!("{}_CLIENT_SECRET", scheme.env)),
                )
            {
                builder = builder.client_credentials(scheme.name, id, secret);
                found = true;
            }
        }
        if !found && !api.schemes.is_empty() {
            return Err(Error::Config(match api.schemes {
                [scheme] => format!("environment variable {} is not set", scheme.env),
                schemes => format!(
                    "none of the environment variables {} is set",
                    env_names(schemes.iter())
                ),
            }));
        }
        let url_var = format!("{}_BASE_URL", api.env_prefix);
        if let Some(url) = lookup(&url_var).filter(|url| !url.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        let drift_var = format!("{}_DRIFT_LOG", api.env_prefix);
        if let Some(file) = lookup(&drift_var).filter(|file| !file.trim().is_empty()) {
            // Without the feature, assemble refuses it: recording was asked for.
            builder.drift_file = Some(file.trim().into());
        }
        Ok(builder)
    }

    /// The credential (API key), e.g. `key-...`. For an API with several security schemes,
    /// this sets the first one's; [`credential_for`](Self::credential_for) sets any.
    pub fn credential(mut self, credential: impl Into<String>) -> Self {
        if !self.credentials.is_empty() {
            self.credentials[0] = Some(Secret(credential.into()));
            self.token_sources[0] = None;
        }
        self
    }

    /// The credential of the security scheme the API description names `scheme`, e.g.
    /// `.credential_for("clientId", "...")`. Each operation sends the credentials its
    /// security requirements ask for. A name the API does not declare makes
    /// [`build`](Self::build) fail with [`Error::Config`].
    pub fn credential_for(mut self, scheme: &str, credential: impl Into<String>) -> Self {
        if let Some(i) = self.scheme_index(scheme, "credential_for") {
            self.credentials[i] = Some(Secret(credential.into()));
            self.token_sources[i] = None;
        }
        self
    }

    /// Has the client obtain the access tokens of the OAuth2 scheme `scheme` itself, with
    /// the client-credentials grant at the token URL the API description gives: it asks for
    /// a token when first needed, sends it as `Authorization: Bearer ...`, keeps it until
    /// shortly before it expires, fetches one token for all calls that need it at the same
    /// time, and after a `401 Unauthorized` fetches a new one and sends the call once more.
    ///
    /// A scheme without a client-credentials flow makes [`build`](Self::build) fail with
    /// [`Error::Config`]; a token endpoint that refuses makes the call fail with
    /// [`Error::Token`] before anything is sent to the API.
    pub fn client_credentials(
        mut self,
        scheme: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        let Some(i) = self.scheme_index(scheme, "client_credentials") else {
            return self;
        };
        let Auth::ClientCredentials { token_url, scopes } = self.api.schemes[i].auth else {
            self.scheme_misuse.get_or_insert_with(|| {
                format!("client_credentials: the security scheme {scheme:?} has no OAuth2 client-credentials flow")
            });
            return self;
        };
        self.credentials[i] = None;
        self.token_sources[i] = Some(Source::ClientCredentials {
            token_url,
            scopes,
            client_id: Secret(client_id.into()),
            client_secret: Secret(client_secret.into()),
        });
        self
    }

    /// Has the client ask `provider` for the token of the scheme `scheme` (one sent in a
    /// header, such as an OAuth2 or bearer scheme), e.g. for an OAuth2 flow the client does
    /// not run itself. The token is kept, fetched and renewed as with
    /// [`client_credentials`](Self::client_credentials); a provider that fails makes the
    /// call fail with [`Error::Token`].
    ///
    /// ```no_run
    /// # fn demo(builder: prolinksqr::ClientBuilder) -> prolinksqr::ClientBuilder {
    /// use std::time::Duration;
    /// use prolinksqr::AccessToken;
    ///
    /// builder.token_provider("apiKey", || async {
    ///     // Ask an identity service, read a file, ...
    ///     Ok(AccessToken::new("key-...").expires_in(Duration::from_secs(3600)))
    /// })
    /// # }
    /// ```
    pub fn token_provider<F, Fut>(mut self, scheme: &str, provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<
                Output = std::result::Result<AccessToken, Box<dyn std::error::Error + Send + Sync>>,
            > + Send
            + 'static,
    {
        let Some(i) = self.scheme_index(scheme, "token_provider") else {
            return self;
        };
        if !matches!(
            self.api.schemes[i].auth,
            Auth::Header { .. } | Auth::ClientCredentials { .. }
        ) {
            self.scheme_misuse.get_or_insert_with(|| {
                format!("token_provider: the security scheme {scheme:?} does not send a token in a header")
            });
            return self;
        }
        self.credentials[i] = None;
        self.token_sources[i] = Some(Source::provider(provider));
        self
    }

    /// The index of the scheme named `scheme`; a name the API does not declare is kept
    /// for `build` to report.
    fn scheme_index(&mut self, scheme: &str, method: &str) -> Option<usize> {
        let found = self.api.schemes.iter().position(|s| s.name == scheme);
        if found.is_none() {
            self.scheme_misuse.get_or_insert_with(|| {
                format!(
                    "{method}: the API has no security scheme named {scheme:?} (it has {})",
                    scheme_names(self.api)
                )
            });
        }
        found
    }

    /// Sends requests to `base_url` instead of the API's default server.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Limits each attempt, from connecting until the body is read (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limits connecting (default 10 s). Cannot be combined with
    /// [`http_client`](Self::http_client), whose own setting applies instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Replaces the default `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets when and how failed attempts are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest successful response body the client reads, in bytes (default 64 MiB).
    /// A longer one fails with [`Error::BodyTooLarge`] as soon as its `Content-Length` or
    /// the bytes read so far exceed the limit, so memory stays bounded. Error responses
    /// keep at most their first [`ERROR_BODY_LIMIT`](crate::ERROR_BODY_LIMIT) bytes
    /// whatever this is set to.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The most pages one stream over a paginated list fetches (`.stream()`, `.pages()`;
    /// default 10,000; at least 1). A list that goes on beyond it ends its stream with
    /// [`Error::TooManyPages`], so a server that never reports a last page cannot keep a
    /// program fetching forever. A stream also ends early, without an error, at a page
    /// holding the same items as the one before it (a server that ignores the page number).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Whether inputs are checked against the limits the API documents (lengths, ranges,
    /// numbers of items) before a request is sent (default `true`). A call that breaks one
    /// fails with [`Error::InvalidInput`] and sends nothing, since the server would refuse
    /// it and a refused call still counts against the plan's quota. Turn the checks off
    /// for a server that has since relaxed a limit.
    pub fn validate_inputs(mut self, validate: bool) -> Self {
        self.validate_inputs = validate;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, TLS roots, connection pool).
    ///
    /// Its own redirect and `Referer` settings then apply. The client built otherwise
    /// follows a redirect only within the origin (scheme, host and port) of the request,
    /// so that the credential, whether header, query parameter or cookie, never reaches
    /// another server or leaves https, and sends no `Referer`; a `reqwest::Client`
    /// passed here should be built with the same care, e.g.
    /// `.redirect(reqwest::redirect::Policy::none()).referer(false)`.
    ///
    /// With the `rustls` feature, reqwest has no crypto provider of its own: building a
    /// `reqwest::Client` before any client of this crate panics unless the program installs
    /// one first, e.g. `rustls::crypto::aws_lc_rs::default_provider().install_default()`
    /// (rustls' `aws_lc_rs` feature).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Records where the API's responses differ from the description this crate was
    /// generated from into `log` ([`drift`](crate::drift)): a property it does not
    /// describe, one it describes that did not come, a value of another type, an enum value
    /// it does not list, a status or content type it does not document. Off by default;
    /// recording never changes the result of a call.
    ///
    /// [`record_drift_to`](Self::record_drift_to) records into a file, and `from_env` does
    /// when the drift-log variable [`Client::from_env`](crate::Client::from_env) names is
    /// set. With the crate's `drift` feature (off by default: it adds compile time every
    /// build would pay); without it, that variable makes `build` fail with
    /// [`Error::Config`] rather than record nothing.
    #[cfg(feature = "drift")]
    pub fn record_drift(mut self, log: DriftLog) -> Self {
        self.drift_log = Some(log);
        self
    }

    /// [`record_drift`](Self::record_drift) into the file at `path`, which holds a
    /// [`DriftLog`] as JSON: the records already there are merged in when the client is
    /// built, and the file is written back (atomically, readable by its owner only) when
    /// the last clone of the client goes away. This is what the drift-log variable does for
    /// [`Client::from_env`](crate::Client::from_env).
    #[cfg(feature = "drift")]
    pub fn record_drift_to(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.drift_file = Some(path.into());
        self
    }

    /// Calls `on_drift` with each difference between a response and the description
    /// (as [`record_drift`](Self::record_drift) records them, with `count` 1), on the task
    /// that made the call: it should return quickly.
    #[cfg(feature = "drift")]
    pub fn on_drift(
        mut self,
        on_drift: impl Fn(&super::drift::Drift) + Send + Sync + 'static,
    ) -> Self {
        self.on_drift = Some(Arc::new(on_drift));
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] if the API key is missing (unless some operations are
    /// public: then only the others fail, when called) or cannot be sent, the base URL is not
    /// an absolute `http`/`https` URL, or the user agent is not a valid header, or the
    /// drift-log file holds something other than a drift log.
    pub fn build(self) -> Result<Client> {
        self.assemble(true)
    }

    pub(super) fn assemble(self, validate: bool) -> Result<Client> {
        let base_url = self
            .base_url
            .as_deref()
            .unwrap_or(self.api.default_base_url)
            .trim()
            .trim_end_matches('/')
            .to_owned();
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| self.api.user_agent.to_owned());
        let headers = FixedHeaders::new(self.api, &user_agent, &self.credentials);
        if validate {
            validate_base_url(&base_url)?;
            if let Some(message) = &self.scheme_misuse {
                return Err(Error::Config(message.clone()));
            }
            validate_credentials(self.api, &self.credentials, &self.token_sources)?;
            if let Err(message) = &headers {
                return Err(Error::Config(message.clone()));
            }
        }
        let http = match (self.http_client, self.connect_timeout) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "connect_timeout cannot be combined with http_client; \
                     configure it on the reqwest::Client instead"
                        .to_owned(),
                ));
            }
            (Some(client), None) => client,
            (None, connect_timeout) => {
                install_crypto_provider();
                reqwest::Client::builder()
                    .connect_timeout(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(same_origin_redirects())
                    // A Referer would carry the previous URL, and with it a query-parameter
                    // credential, to wherever the request goes next.
                    .referer(false)
                    .build()
                    .map_err(|err| Error::Config(format!("cannot initialise HTTP client: {err}")))?
            }
        };
        #[cfg(feature = "drift")]
        let drift = match (self.drift_log, self.on_drift, self.drift_file) {
            (None, None, None) => None,
            (log, on_drift, file) => {
                let log = log.unwrap_or_default();
                if let Some(file) = &file {
                    log.load(file).map_err(|err| {
                        Error::Config(format!(
                            "cannot read the drift log {} ({}_DRIFT_LOG): {err}",
                            file.display(),
                            self.api.env_prefix
                        ))
                    })?;
                }
                Some(Recorder {
                    description: Description::parse(self.api.drift),
                    log,
                    on_drift,
                    file,
                })
            }
        };
        #[cfg(not(feature = "drift"))]
        if self.drift_file.is_some() {
            return Err(Error::Config(format!(
                "{}_DRIFT_LOG is set, but this program was built without drift recording \
                 (the crate's `drift` feature)",
                self.api.env_prefix
            )));
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                credentials: self.credentials,
                tokens: self
                    .token_sources
                    .into_iter()
                    .zip(self.api.schemes)
                    .map(|(source, scheme)| Some(Tokens::new(scheme.name, source?)))
                    .collect(),
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                max_response_body: self.max_response_body,
                max_pages: self.max_pages,
                validate_inputs: self.validate_inputs,
                api: self.api,
                #[cfg(feature = "drift")]
                drift,
            }),
        })
    }
}

/// Makes `ring` the process's rustls crypto provider unless one is installed already
/// (by the application, or by an earlier client): reqwest's `rustls-no-provider` backend
/// uses the installed one. A provider the application installed first wins.
#[cfg(feature = "rustls")]
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // rustls 0.23.48 deprecates the ring provider for lacking post-quantum key exchange;
        // ring stays the default here because it builds with no C toolchain beyond `cc`
        // and is much lighter than aws-lc-rs. An application that wants post-quantum key
        // exchange installs aws-lc-rs's provider before building a client, and it wins.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        // Fails only if another thread installed one in between, which is as good.
        let _ = provider.install_default();
    }
}

/// Without rustls there is no provider to install.
#[cfg(not(feature = "rustls"))]
fn install_crypto_provider() {}

/// Follows a redirect only to the origin of the original request (same scheme, host and
/// port; so never from https to http), at most ten in a row. Any other `3xx` is returned
/// as it is and becomes an [`Error::Api`]: `reqwest` would otherwise strip only
/// `Authorization` and `Cookie` when leaving the origin, and send any other credential
/// header (or the query string) to a server the API did not choose.
fn same_origin_redirects() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let allowed = previous.len() <= MAX_REDIRECTS
            && previous
                .first()
                .is_some_and(|first| may_follow(first, attempt.url()));
        if allowed {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Whether a redirect from a request to `from` may go to `to`.
pub(super) fn may_follow(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host_str() == to.host_str()
        && from.port_or_known_default() == to.port_or_known_default()
}

fn validate_base_url(base_url: &str) -> Result<()> {
    if base_url.is_empty() {
        return Err(Error::Config(
            "no base URL: the API has no default server, so set one".to_owned(),
        ));
    }
    let shown = redact_userinfo(base_url);
    let url = Url::parse(base_url)
        .map_err(|err| Error::Config(format!("invalid base URL {shown:?}: {err}")))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(Error::Config(format!(
            "invalid base URL {shown:?}: expected http(s)://host[/path] without query or fragment"
        )));
    }
    Ok(())
}

fn validate_credentials(
    api: &ApiInfo,
    credentials: &[Option<Secret>],
    token_sources: &[Option<Source>],
) -> Result<()> {
    if let Some(i) = credentials
        .iter()
        .position(|c| c.as_ref().is_some_and(|c| c.0.is_empty()))
    {
        return Err(Error::Config(format!(
            "the credential of `{}` is empty",
            api.schemes[i].name
        )));
    }
    let held = credentials.iter().any(Option::is_some) || token_sources.iter().any(Option::is_some);
    if api.schemes.is_empty() || api.public_operations || held {
        // Without a key, the public operations work and the others fail before sending;
        // whether a key can be sent at all is checked when the headers are built.
        return Ok(());
    }
    Err(Error::Config(match api.schemes {
        [scheme] => format!(
            "missing API key: call ClientBuilder::credential or set {}",
            scheme.env
        ),
        schemes => format!(
            "missing credentials: call ClientBuilder::credential_for or set {}",
            env_names(schemes.iter())
        ),
    }))
}

/// The names of the API's schemes, for messages.
pub(super) fn scheme_names(api: &ApiInfo) -> String {
    let names: Vec<String> = api
        .schemes
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    names.join(", ")
}

/// The environment variables of `schemes`, for messages.
pub(super) fn env_names<'a>(schemes: impl Iterator<Item = &'a super::api::Scheme>) -> String {
    schemes.map(|s| s.env).collect::<Vec<_>>().join(", ")
}

/// The schemes a client holds a credential for, each shown as `***`, or where it gets its
/// tokens from (the kind of source, never a secret).
pub(super) struct Held<'a, T>(
    pub(super) &'a ApiInfo,
    pub(super) &'a [Option<Secret>],
    pub(super) &'a [Option<T>],
);

impl<T: fmt::Debug> fmt::Debug for Held<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for ((scheme, credential), tokens) in self.0.schemes.iter().zip(self.1).zip(self.2) {
            if let Some(credential) = credential {
                map.entry(&scheme.name, credential);
            } else if let Some(tokens) = tokens {
                map.entry(&scheme.name, tokens);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &Held(self.api, &self.credentials, &self.token_sources),
            )
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_response_body", &self.max_response_body)
            .field("max_pages", &self.max_pages)
            .field("validate_inputs", &self.validate_inputs)
            .field("http_client", &self.http_client.is_some())
            .field("drift_file", &self.drift_file)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
