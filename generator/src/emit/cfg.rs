//! The `#[cfg(feature = ..)]` attributes of a crate with a feature per group
//! ([`crate::features`]): on a group's items, and on a type's items. Without group features
//! every function here gives nothing, and the output is what it always was.

use proc_macro2::TokenStream;
use quote::quote;

use crate::features::FULL;
use crate::ir::{Api, Group};

/// The attribute that compiles an item only with the group's feature. On docs.rs, rustdoc
/// shows the feature from it (`#![cfg_attr(docsrs, feature(doc_cfg))]` in `lib.rs`: since
/// rust-lang/rust#138907 that feature shows every `cfg` without a `doc(cfg)` beside it).
pub fn group(group: &Group) -> TokenStream {
    match &group.feature {
        Some(feature) => attrs(std::slice::from_ref(feature)),
        None => TokenStream::new(),
    }
}

/// The attribute that compiles one of `api`'s types only with a feature that needs it.
pub fn type_(api: &Api, name: &str) -> TokenStream {
    let Some(features) = &api.features else {
        return TokenStream::new();
    };
    match features.types.get(name) {
        Some(needed) if !needed.is_empty() => attrs(needed),
        _ => attrs(&[FULL.to_owned()]),
    }
}

/// The attribute that compiles a type's input checks (`validate`) only with a feature of a
/// group that sends the type: a group that only receives it never calls them, and they
/// would be dead code in a build of that group alone.
pub fn sent(api: &Api, name: &str) -> TokenStream {
    let Some(features) = &api.features else {
        return TokenStream::new();
    };
    match features.sent.get(name) {
        Some(needed) if !needed.is_empty() => attrs(needed),
        _ => attrs(&[FULL.to_owned()]),
    }
}

/// Whether the crate has a feature per group: then any group, and so any item of a
/// group, may be compiled out.
pub fn on(api: &Api) -> bool {
    api.features.is_some()
}

fn attrs(features: &[String]) -> TokenStream {
    let predicate = match features {
        [one] => quote!(feature = #one),
        many => quote!(any(#(feature = #many),*)),
    };
    quote!(#[cfg(#predicate)])
}

/// `items` with `attrs` on each of them. A type is several items (the struct, its impls):
/// each must be compiled out with it.
pub fn each_item(attrs: &TokenStream, items: TokenStream) -> TokenStream {
    if attrs.is_empty() {
        return items;
    }
    // Items the emitters wrote are always a valid file; were one not, it is kept as it is
    // and the compiler says where.
    let Ok(file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    let mut out = TokenStream::new();
    for item in file.items {
        out.extend(attrs.clone());
        out.extend(quote!(#item));
    }
    out
}
