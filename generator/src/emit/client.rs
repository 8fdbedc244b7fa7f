//! `generated/mod.rs`: module list, the API facts the runtime reads, and `Client` accessors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Config;
use crate::emit::{docs, ident};
use crate::ir::{Api, Auth, TooManyRequests};

/// The tokens of `generated/mod.rs`.
pub fn emit(api: &Api, config: &Config) -> TokenStream {
    // Each module documents itself (`//!`, the tag's description): an outer doc here would
    // be shown before it, saying the same thing twice.
    let modules = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        quote!(pub mod #m;)
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
        let doc = docs::attrs(&lines);
        quote! {
            #doc
            pub fn #accessor(&self) -> #m::#strukt {
                #m::#strukt::new(self.clone())
            }
        }
    });
    let title = &api.title;
    let base_url = api.base_url.as_deref().unwrap_or("");
    let env_prefix = config.env_prefix();
    // The runtime is copied into every generated crate: its docs get the names from here.
    let env_api_key = format!("{env_prefix}_API_KEY");
    let env_base_url = format!("{env_prefix}_BASE_URL");
    let auth = match &api.auth {
        Auth::None => quote!(crate::runtime::Auth::None),
        Auth::Header { name, prefix } => {
            quote!(crate::runtime::Auth::Header { name: #name, prefix: #prefix })
        }
        Auth::Query { name } => quote!(crate::runtime::Auth::Query { name: #name }),
        Auth::Basic => quote!(crate::runtime::Auth::Basic),
    };
    let public_operations =
        api.auth != Auth::None && api.groups.iter().flat_map(|g| &g.ops).any(|op| !op.auth);
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
            auth: #auth,
            public_operations: #public_operations,
            too_many_requests: #too_many_requests,
        };

        impl crate::runtime::Client {
            #(#accessors)*
        }

        /// The variable holding the API key, for the runtime's docs (`from_env`).
        macro_rules! env_api_key {
            () => {
                #env_api_key
            };
        }
        pub(crate) use env_api_key;

        /// The variable holding the base URL, for the runtime's docs (`from_env`).
        macro_rules! env_base_url {
            () => {
                #env_base_url
            };
        }
        pub(crate) use env_base_url;
    }
}
