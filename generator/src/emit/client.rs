//! `generated/mod.rs`: module list, the API facts the runtime reads, and `Client` accessors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Config;
use crate::emit::{cfg, docs, ident};
use crate::ir::{Api, Auth, TooManyRequests};
use crate::naming::{Scope, snake};

/// The methods of the runtime's `ClientBuilder`: a scheme's setter takes another name.
const BUILDER_METHODS: &[&str] = &[
    "assemble",
    "base_url",
    "build",
    "build_blocking",
    "client_credentials",
    "clone",
    "connect_timeout",
    "credential",
    "credential_for",
    "env_lookup",
    "fmt",
    "for_api",
    "from_env",
    "from_lookup",
    "http_client",
    "max_pages",
    "max_response_body",
    "retry",
    "scheme_index",
    "timeout",
    "token_provider",
    "user_agent",
    "validate_inputs",
];

/// The scheme statics of `ApiInfo::schemes`, the builder's typed setter of each, and the
/// environment variable of each.
fn schemes(api: &Api, env_prefix: &str) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<String>) {
    let mut setters = Scope::with_reserved(BUILDER_METHODS);
    let mut envs = Scope::with_reserved(&["BASE_URL"]);
    api.schemes
        .iter()
        .map(|scheme| {
            let name = &scheme.name;
            let base = snake(name).trim_end_matches('_').to_owned();
            // One scheme keeps the variable every client has read: `{PREFIX}_API_KEY`.
            let env = match api.schemes.len() {
                1 => format!("{env_prefix}_API_KEY"),
                _ => format!("{env_prefix}_{}", envs.claim(base.to_ascii_uppercase())),
            };
            let auth = match &scheme.auth {
                Auth::None => quote!(crate::runtime::Auth::None),
                Auth::Header { name, prefix } => {
                    quote!(crate::runtime::Auth::Header { name: #name, prefix: #prefix })
                }
                Auth::Query { name } => quote!(crate::runtime::Auth::Query { name: #name }),
                Auth::Basic => quote!(crate::runtime::Auth::Basic),
                Auth::ClientCredentials { token_url, scopes } => quote! {
                    crate::runtime::Auth::ClientCredentials {
                        token_url: #token_url,
                        scopes: &[#(#scopes),*],
                    }
                },
            };
            let setter = match setters.contains(&snake(name)) {
                true => setters.claim(format!("{base}_credential")),
                false => setters.claim(snake(name)),
            };
            let setter = ident(&setter);
            let doc = docs::attrs(&[format!(
                "The credential of the security scheme `{name}` ({}), read by `from_env` \
                     from `{env}`: shorthand for `.credential_for({name:?}, ..)`.",
                describe(&scheme.auth)
            )]);
            let static_ = quote!(crate::runtime::Scheme { name: #name, env: #env, auth: #auth });
            let grant = matches!(scheme.auth, Auth::ClientCredentials { .. }).then(|| {
                let method = ident(&setters.claim(format!("{base}_client_credentials")));
                let doc = docs::attrs(&[format!(
                    "Has the client fetch the tokens of `{name}` itself, with the OAuth2 \
                     client-credentials grant; read by `from_env` from `{env}_CLIENT_ID` and \
                     `{env}_CLIENT_SECRET`: shorthand for `.client_credentials({name:?}, ..)`."
                )]);
                quote! {
                    #doc
                    pub fn #method(
                        self,
                        client_id: impl Into<String>,
                        client_secret: impl Into<String>,
                    ) -> Self {
                        self.client_credentials(#name, client_id, client_secret)
                    }
                }
            });
            let setter = quote! {
                #doc
                pub fn #setter(self, credential: impl Into<String>) -> Self {
                    self.credential_for(#name, credential)
                }
                #grant
            };
            (static_, setter, env)
        })
        .fold(
            (Vec::new(), Vec::new(), Vec::new()),
            |mut all, (s, t, e)| {
                all.0.push(s);
                all.1.push(t);
                all.2.push(e);
                all
            },
        )
}

/// How a scheme sends its credential, for its setter's docs.
fn describe(auth: &Auth) -> String {
    match auth {
        Auth::None => "not sent".to_owned(),
        Auth::Header { name, prefix } if prefix.is_empty() => format!("header `{name}`"),
        Auth::Header { name, prefix } => format!("header `{name}: {prefix}...`"),
        Auth::Query { name } => format!("query parameter `{name}`"),
        Auth::Basic => "HTTP basic auth, `user:password`".to_owned(),
        Auth::ClientCredentials { .. } => {
            "an OAuth2 access token, `Authorization: Bearer ...`".to_owned()
        }
    }
}

/// The tokens of `generated/mod.rs`.
pub fn emit(api: &Api, config: &Config) -> TokenStream {
    // Each module documents itself (`//!`, the tag's description): an outer doc here would
    // be shown before it, saying the same thing twice.
    let modules = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let cfg = cfg::group(g);
        quote!(#cfg pub mod #m;)
    });
    let accessors = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let accessor = ident(&g.accessor);
        let strukt = ident(&g.struct_name);
        let mut lines = vec![
            docs::first_sentence(&g.doc)
                .unwrap_or_else(|| format!("Operations tagged {}.", docs::code(&g.module))),
        ];
        lines.push(String::new());
        // No count of the operations: adding one to the group would change this line too.
        lines.push(format!(
            "Returns [`{}::{}`]: a method per operation of the group.",
            g.module, g.struct_name
        ));
        if let Some(feature) = &g.feature {
            lines.push(String::new());
            lines.push(format!(
                "Compiled with the Cargo feature `{feature}` (or `full`, on by default)."
            ));
        }
        let doc = docs::attrs(&lines);
        let cfg = cfg::group(g);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> #m::#strukt {
                #m::#strukt::new(self.clone())
            }
        }
    });
    let title = &api.title;
    let base_url = api.base_url.as_deref().unwrap_or("");
    let env_prefix = config.env_prefix();
    let (schemes, setters, envs) = schemes(api, &env_prefix);
    let env_base_url = format!("{env_prefix}_BASE_URL");
    let env_drift_log = format!("{env_prefix}_DRIFT_LOG");
    let from_env_doc = match envs.as_slice() {
        [] => format!(
            "A client configured from the environment: `{env_base_url}` (the base URL, optional) \
             and `{env_drift_log}` (a file to record drift into, with the `drift` feature)."
        ),
        [one] => format!(
            "A client configured from the environment: `{one}` (the API key, required), \
             `{env_base_url}` (the base URL, optional) and `{env_drift_log}` (a file to \
             record drift into, with the `drift` feature)."
        ),
        several => format!(
            "A client configured from the environment: one variable per security scheme \
             ({}; at least one must be set), `{env_base_url}` (the base URL, optional) and \
             `{env_drift_log}` (a file to record drift into, with the `drift` feature).",
            several
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // An API without schemes has no setters, and no empty `impl` block either.
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl crate::runtime::ClientBuilder {
                #(#setters)*
            }
        }
    });
    let public_operations = !api.schemes.is_empty()
        && api
            .groups
            .iter()
            .flat_map(|g| &g.ops)
            .any(|op| op.security.is_empty() || op.security.iter().any(Vec::is_empty));
    let too_many_requests = match &api.too_many_requests {
        TooManyRequests::RateLimit => quote!(crate::runtime::TooManyRequests::RateLimit),
        TooManyRequests::Quota { message } => {
            quote!(crate::runtime::TooManyRequests::Quota { message: #message })
        }
    };
    quote! {
        pub mod types;
        #(#modules)*
        #[cfg(feature = "mock")]
        pub mod mock;
        #[cfg(feature = "blocking")]
        pub mod blocking;
        #[cfg(feature = "cli")]
        pub mod cli;

        /// What the runtime needs to know about this API, taken from the spec.
        pub(crate) static API: crate::runtime::ApiInfo = crate::runtime::ApiInfo {
            title: #title,
            default_base_url: #base_url,
            env_prefix: #env_prefix,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            schemes: &[#(#schemes),*],
            public_operations: #public_operations,
            too_many_requests: #too_many_requests,
            drift: include_str!("drift.jsonl"),
        };

        impl crate::runtime::Client {
            /// A client with default settings that authenticates with `credential` (the API
            /// key).
            ///
            /// Unlike [`ClientBuilder::build`](crate::ClientBuilder::build), this does not
            /// validate the key up front; a key that cannot be sent in a header makes each
            /// request fail with [`Error::Config`](crate::Error::Config).
            ///
            /// # Panics
            ///
            /// If the TLS backend cannot be initialised, like `reqwest::Client::new`.
            pub fn new(credential: impl Into<String>) -> Self {
                Self::unvalidated(&API, credential)
            }

            /// Starts configuring a client.
            pub fn builder() -> crate::runtime::ClientBuilder {
                crate::runtime::ClientBuilder::for_api(&API)
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> crate::runtime::Result<Self> {
                Self::builder().from_env()?.build()
            }

            #(#accessors)*
        }

        #setters

    }
}
