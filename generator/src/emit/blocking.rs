//! `generated/blocking.rs` (feature `blocking`): the synchronous client's group accessors,
//! and per group a module naming the async group and builders in the runtime's `Blocking`
//! mode. Nothing is written per operation but its builder's name: the setters are the
//! async builder's, and the runtime sends a `Request<_, Blocking>` on the calling thread.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{cfg, docs, ident};
use crate::ir::{Api, Group};

/// The tokens of `generated/blocking.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let accessors = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let accessor = ident(&g.accessor);
        let strukt = ident(&g.struct_name);
        let mut lines = vec![
            docs::first_sentence(&g.doc)
                .unwrap_or_else(|| format!("Operations tagged {}.", docs::code(&g.module))),
        ];
        lines.push(String::new());
        lines.push(format!(
            "Returns [`{}::{}`], the blocking form of [`crate::Client::{}`].",
            g.module, g.struct_name, g.accessor
        ));
        let doc = docs::attrs(&lines);
        let cfg = cfg::group(g);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> #m::#strukt {
                crate::generated::#m::#strukt::new(self.clone())
            }
        }
    });
    let modules = api.groups.iter().map(group);
    quote! {
        //! The synchronous client (feature `blocking`), for programs that do not run an async
        //! runtime: the same groups, operations and request builders as the async
        //! [`Client`](crate::Client), in the [`Blocking`] mode: `.send()` returns once the
        //! response is read, and paginated lists are iterators (`.iter()` over the items,
        //! `.pages()`).
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]

        pub use crate::runtime::blocking::{Blocking, Client, Iter, RawRequest};

        impl crate::runtime::blocking::Client {
            /// A client with default settings that authenticates with `credential` (the API
            /// key), like [`crate::Client::new`] (which does not validate the key up front).
            ///
            /// # Panics
            ///
            /// If the TLS backend cannot be initialised, like `reqwest::Client::new`.
            pub fn new(credential: impl Into<String>) -> Self {
                Self::from(crate::Client::new(credential))
            }

            /// Starts configuring a client: finish with
            /// [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking).
            pub fn builder() -> crate::runtime::ClientBuilder {
                crate::Client::builder()
            }

            /// A client configured from the environment, as [`crate::Client::from_env`] is.
            pub fn from_env() -> crate::runtime::Result<Self> {
                crate::Client::from_env().map(Self::from)
            }

            #(#accessors)*
        }

        #(#modules)*
    }
}

/// The blocking module of one group: the group and each builder, in the blocking mode.
fn group(group: &Group) -> TokenStream {
    let m = ident(&group.module);
    let strukt = ident(&group.struct_name);
    let module_doc = format!(
        " The blocking form of [`crate::{}`]: the same operations, sent on this thread.",
        group.module
    );
    let struct_doc = format!(
        " The operations of [`crate::{m}::{s}`], from \
         [`blocking::Client::{a}`](crate::blocking::Client::{a}).",
        m = group.module,
        s = group.struct_name,
        a = group.accessor,
    );
    let builders = group.ops.iter().map(|op| {
        let name = ident(&op.builder);
        let doc = format!(
            " [`crate::{}::{}`], sent by the blocking client.",
            group.module, op.builder
        );
        quote! {
            #[doc = #doc]
            pub type #name = crate::generated::#m::#name<crate::runtime::blocking::Blocking>;
        }
    });
    let cfg = cfg::group(group);
    quote! {
        #[doc = #module_doc]
        #cfg
        pub mod #m {
            #[doc = #struct_doc]
            pub type #strukt = crate::generated::#m::#strukt<crate::runtime::blocking::Blocking>;

            #(#builders)*
        }
    }
}
