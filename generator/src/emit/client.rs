//! `generated/mod.rs`: module list, the API facts the runtime reads, and `Client` accessors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Config;
use crate::emit::{docs, ident};
use crate::ir::{Api, Auth};

/// The tokens of `generated/mod.rs`.
pub fn emit(api: &Api, config: &Config) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let doc = format!(" Operations tagged `{}`.", g.module);
        quote!(#[doc = #doc] pub mod #m;)
    });
    let accessors = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let accessor = ident(&g.accessor);
        let strukt = ident(&g.struct_name);
        let mut lines = docs::lines(&g.doc);
        docs::paragraph_break(&mut lines);
        lines.push(format!(
            "Operations of the `{}` resource ({} operations).",
            g.module,
            g.ops.len()
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
    quote! {
        pub mod types;
        #(#modules)*

        /// What the runtime needs to know about this API, taken from the spec.
        pub(crate) static API: crate::runtime::ApiInfo = crate::runtime::ApiInfo {
            title: #title,
            default_base_url: #base_url,
            env_prefix: #env_prefix,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            auth: #auth,
            public_operations: #public_operations,
        };

        impl crate::runtime::Client {
            #(#accessors)*
        }
    }
}
