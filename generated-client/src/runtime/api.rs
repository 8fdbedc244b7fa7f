//! Static descriptions of the API and its operations, emitted by the generator.

use reqwest::Method;

/// Facts about the API that the generator takes from the spec.
#[derive(Debug)]
pub struct ApiInfo {
    /// The spec's `info.title`.
    pub title: &'static str,
    /// The first server URL in the spec; may be empty, in which case a base URL must be
    /// configured.
    pub default_base_url: &'static str,
    /// Prefix of the environment variables read by `Client::from_env`, e.g. `PROLINKSQR`
    /// for `PROLINKSQR_API_KEY` and `PROLINKSQR_BASE_URL`.
    pub env_prefix: &'static str,
    /// The default `User-Agent`, e.g. `prolinksqr/0.1.0`.
    pub user_agent: &'static str,
    /// The security schemes the client holds a credential for, in the order the document
    /// first uses them; [`Operation::security`] indexes into this list. The first is the
    /// one [`ClientBuilder::credential`](super::ClientBuilder::credential) sets.
    pub schemes: &'static [Scheme],
    /// Whether some operations are public (`security: []`): then a client may be built
    /// without a credential, and only the other operations fail for want of one.
    pub public_operations: bool,
    /// What a `429 Too Many Requests` means for this API.
    pub too_many_requests: TooManyRequests,
    /// What drift recording compares responses with: the generated `drift.jsonl`, which
    /// says per operation which statuses and media types the description documents and
    /// how a success body is shaped (empty: nothing is compared).
    pub drift: &'static str,
}

/// What a `429 Too Many Requests` means for an API: the spec's `x-too-many-requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooManyRequests {
    /// A short-term rate limit, as HTTP defines the status (the default): the server
    /// refused the request before acting on it, so it is waited out, honouring
    /// `Retry-After`, and retried for any method within the retry policy's budget and
    /// deadline.
    RateLimit,
    /// A quota that no short wait restores (e.g. one per billing cycle): never retried,
    /// and errors say `message`.
    Quota {
        /// What the API's 429 means, e.g. `API quota for the current billing cycle is
        /// exhausted`.
        message: &'static str,
    },
}

/// One security scheme of the API: the name the document gives it and how its credential
/// is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in `components.securitySchemes`, as passed to
    /// [`ClientBuilder::credential_for`](super::ClientBuilder::credential_for).
    pub name: &'static str,
    /// The environment variable `from_env` reads the credential from.
    pub env: &'static str,
    /// How requests carry the credential.
    pub auth: Auth,
}

impl Scheme {
    /// Whether this scheme sends its credential in the query parameter `name`.
    #[cfg_attr(not(feature = "mock"), allow(dead_code))] // What the mock redacts.
    pub(crate) fn is_query(&self, name: &str) -> bool {
        matches!(self.auth, Auth::Query { name: query } if query == name)
    }

    /// Whether this scheme sends its credential in the header `name` (compared without
    /// regard to case, as header names are).
    pub(crate) fn is_header(&self, name: &str) -> bool {
        match self.auth {
            Auth::Header { name: header, .. } => header.eq_ignore_ascii_case(name),
            Auth::Basic | Auth::ClientCredentials { .. } => {
                name.eq_ignore_ascii_case("authorization")
            }
            Auth::None | Auth::Query { .. } => false,
        }
    }
}

/// How a credential is attached to each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Requests are not authenticated.
    None,
    /// The credential is sent in a header as `prefix + credential`, verbatim (ProLinksQR:
    /// `Authorization: Basic key-...`, the raw key, not base64).
    Header {
        /// Header name, e.g. `Authorization`.
        name: &'static str,
        /// Text placed before the credential, e.g. `Basic `.
        prefix: &'static str,
    },
    /// The credential is sent as a query parameter.
    Query {
        /// Query parameter name.
        name: &'static str,
    },
    /// Standard HTTP basic auth: the credential is `user:password` and is sent
    /// base64-encoded.
    Basic,
    /// An OAuth2 access token sent as `Authorization: Bearer <token>`, which the client can
    /// obtain itself with the client-credentials grant
    /// ([`ClientBuilder::client_credentials`](super::ClientBuilder::client_credentials)),
    /// or take as the credential.
    ClientCredentials {
        /// The flow's `tokenUrl`; a relative one is relative to the base URL.
        token_url: &'static str,
        /// The scopes asked for: those the API's operations require of this scheme.
        scopes: &'static [&'static str],
    },
}

/// One API operation, as a static emitted by the generator.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`; names the operation in errors.
    pub id: &'static str,
    /// HTTP method; decides whether failed attempts may be retried.
    pub method: Method,
    /// Path template, e.g. `/links/{id}`, for messages.
    pub path: &'static str,
    /// Scopes the credential needs, shown in `403` errors.
    pub scopes: &'static [&'static str],
    /// The operation's security requirements: alternatives (OR), each the indices into
    /// [`ApiInfo::schemes`] of the schemes sent together (AND). The first alternative whose
    /// credentials the client holds is sent; an empty alternative sends nothing, and an
    /// empty list marks a public operation (`security: []`).
    pub security: &'static [&'static [usize]],
}

/// An API that authenticates every request with `Authorization: Basic <key>`, for the
/// runtime's own tests: they must hold in every generated crate, whatever its spec says.
#[cfg(test)]
pub(crate) static KEYED: ApiInfo = ApiInfo {
    title: "Keyed",
    default_base_url: "https://api.example.test",
    env_prefix: "KEYED",
    user_agent: "keyed-test/1",
    schemes: &[Scheme {
        name: "apiKey",
        env: "KEYED_API_KEY",
        auth: Auth::Header {
            name: "Authorization",
            prefix: "Basic ",
        },
    }],
    public_operations: false,
    too_many_requests: TooManyRequests::RateLimit,
    drift: "",
};
