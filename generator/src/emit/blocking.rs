//! `generated/blocking.rs` (feature `blocking`): the synchronous client's groups and request
//! builders. Each blocking builder wraps the async one, forwards every setter to it, and
//! runs its `send()` (or its pages) on the blocking client's runtime.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::operations::{
    Setter, input_arg, input_name, required_inputs, return_type, setters, stream_item,
};
use crate::emit::{docs, ident};
use crate::ir::{Api, Group, Operation};

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
        quote! {
            #doc
            pub fn #accessor(&self) -> #m::#strukt {
                #m::#strukt::new(self.clone())
            }
        }
    });
    let modules = api.groups.iter().map(|g| group(api, g));
    quote! {
        //! The synchronous client (feature `blocking`), for programs that do not run an async
        //! runtime: the same groups, operations and request builders as the async
        //! [`Client`](crate::Client), whose `.send()` returns once the response is read, and
        //! whose paginated lists are iterators (`.iter()` over the items, `.pages()`).
        // A list whose items are maps of maps (uspto) gives an `Iter<..>` clippy finds complex;
        // the type is the spec's, and an alias per operation would only hide it from the docs.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph, clippy::type_complexity)]

        pub use crate::runtime::blocking::{Client, Iter, RawRequest};

        impl crate::runtime::blocking::Client {
            #(#accessors)*
        }

        #(#modules)*
    }
}

/// The blocking module of one group: its struct and a builder per operation.
fn group(api: &Api, group: &Group) -> TokenStream {
    let m = ident(&group.module);
    let strukt = ident(&group.struct_name);
    let module_doc = format!(
        " The blocking form of [`crate::{}`]: the same operations, sent on this thread.",
        group.module
    );
    let struct_doc = format!(
        " The operations of this module, from [`blocking::Client::{}`](crate::blocking::Client::{}).",
        group.accessor, group.accessor
    );
    let methods = group.ops.iter().map(|op| group_method(api, group, op));
    let builders = group.ops.iter().map(|op| builder(api, group, op));
    quote! {
        #[doc = #module_doc]
        pub mod #m {
            #[doc = #struct_doc]
            #[derive(Debug, Clone)]
            pub struct #strukt {
                client: crate::runtime::blocking::Client,
            }

            impl #strukt {
                pub(crate) fn new(client: crate::runtime::blocking::Client) -> Self {
                    Self { client }
                }

                #(#methods)*
            }

            #(#builders)*
        }
    }
}

fn group_method(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let m = ident(&group.module);
    let strukt = ident(&group.struct_name);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder);
    let inputs = required_inputs(op);
    let names: Vec<syn::Ident> = inputs.iter().map(|i| ident(&input_name(i))).collect();
    let args = inputs.iter().zip(&names).map(|(i, name)| {
        let (ty, _) = input_arg(api, i);
        quote!(#name: #ty)
    });
    let mut lines = vec![docs::first_sentence(&op.doc).unwrap_or_else(|| {
        format!(
            "{}.",
            docs::code(&format!("{} {}", op.method.as_str(), op.path))
        )
    })];
    lines.push(String::new());
    lines.push(format!(
        "The blocking form of [`{m}::{s}::{f}`](crate::{m}::{s}::{f}), which documents its \
         inputs, errors and an example.",
        m = group.module,
        s = group.struct_name,
        f = op.method_name,
    ));
    let doc = docs::attrs(&lines);
    // The async method is deprecated too: calling it here is not a use to warn about.
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]));
    let many = (inputs.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                request: crate::generated::#m::#strukt::new(self.client.as_async().clone())
                    .#method(#(#names),*),
                client: self.client.clone(),
            }
        }
    }
}

fn builder(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let m = ident(&group.module);
    let name = ident(&op.builder);
    let setters = setters(api, op).into_iter().map(forward);
    let ret = return_type(op);
    let doc = format!(
        " Request builder for [`{s}::{f}`]: {send} The blocking form of [`crate::{m}::{b}`].",
        s = group.struct_name,
        f = op.method_name,
        send = super::operations::send_phrase(op, ".send()"),
        m = group.module,
        b = op.builder,
    );
    let lists = stream_item(op).map(|item| {
        quote! {
            /// Every item of every page, fetched lazily one page at a time (the next page
            /// when the previous one's items are used up), starting at the page set on this
            /// builder (or the first). The blocking form of the async builder's `stream()`.
            pub fn iter(self) -> crate::runtime::blocking::Iter<#item> {
                self.client.iter_stream(self.request.stream())
            }

            /// Every page (what [`send`](Self::send) returns for one), fetched lazily one at
            /// a time. The blocking form of the async builder's `pages()`.
            pub fn pages(self) -> crate::runtime::blocking::Iter<#ret> {
                self.client.iter_stream(self.request.pages())
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()`"]
        pub struct #name {
            client: crate::runtime::blocking::Client,
            request: crate::generated::#m::#name,
        }

        impl #name {
            #(#setters)*

            /// Limits each attempt of this call to `timeout`, instead of the client's
            /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.request = self.request.timeout(timeout);
                self
            }

            /// Adds a header to every attempt of this call; a name given twice is sent with
            /// both values, and one the client or this operation sets (`User-Agent`, a
            /// header parameter) takes this value instead.
            ///
            /// The credential's header and `Host` cannot be set, and a name or value that
            /// is not valid in HTTP makes `send` fail with
            /// [`Error::Config`](crate::Error::Config) before anything is sent.
            pub fn header<N, V>(mut self, name: N, value: V) -> Self
            where
                N: TryInto<reqwest::header::HeaderName>,
                N::Error: std::fmt::Display,
                V: TryInto<reqwest::header::HeaderValue>,
                V::Error: std::fmt::Display,
            {
                self.request = self.request.header(name, value);
                self
            }

            /// Retries this call under `policy` (its deadline included), instead of the
            /// client's ([`ClientBuilder::retry`](crate::ClientBuilder::retry)).
            pub fn retry(mut self, policy: crate::runtime::RetryPolicy) -> Self {
                self.request = self.request.retry(policy);
                self
            }

            /// Sends the request and decodes the response, blocking this thread until it
            /// is done (retries included).
            pub fn send(self) -> crate::runtime::Result<#ret> {
                self.client.block_on(self.request.send())
            }

            /// Sends the request and returns the decoded response with its status and
            /// headers, blocking this thread until it is done.
            pub fn send_response(self) -> crate::runtime::Result<crate::runtime::Response<#ret>> {
                self.client.block_on(self.request.send_response())
            }

            #lists
        }
    }
}

/// A setter of the blocking builder: the async builder's, called on the wrapped request.
fn forward(setter: Setter) -> TokenStream {
    let Setter {
        doc, name, param, ..
    } = setter;
    match param {
        Some((p, ty)) => quote! {
            #doc
            pub fn #name(mut self, #p: #ty) -> Self {
                self.request = self.request.#name(#p);
                self
            }
        },
        None => quote! {
            #doc
            pub fn #name(mut self) -> Self {
                self.request = self.request.#name();
                self
            }
        },
    }
}
