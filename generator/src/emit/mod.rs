//! IR -> token streams, one module per generated file kind.

pub mod blocking;
pub mod cfg;
pub mod cli;
pub mod client;
pub mod docs;
pub mod drift;
mod example;
pub mod inputs;
pub mod mock;
pub mod operations;
pub mod types;
pub mod validate;

pub use crate::ir::resolved;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Ty, TypeKind, TypeTable};

/// Where a type expression is written: `types.rs` names its own types directly; the other
/// generated modules reach them through `crate::generated::types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Inside `types.rs`.
    Types,
    /// Inside an operations module.
    Operations,
}

/// An identifier; names from `naming` are always valid, so this cannot fail.
pub fn ident(name: &str) -> syn::Ident {
    format_ident!("{}", name)
}

/// The Rust type for `ty`.
pub fn rust_type(ty: &Ty, ctx: Ctx) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::Int(i) | Ty::Float(i) => {
            let i = ident(i);
            quote!(#i)
        }
        Ty::Value => quote!(serde_json::Value),
        // Any JSON value, so that `json!({...})` is taken as it is; a request refuses a
        // non-object before sending (`validate`).
        Ty::Object => quote!(serde_json::Value),
        Ty::Binary => match ctx {
            // In JSON a binary string is still a string; as a request part it is a file.
            Ctx::Types => quote!(String),
            Ctx::Operations => quote!(crate::runtime::FilePart),
        },
        Ty::Named(name) => {
            let name = ident(name);
            match ctx {
                Ctx::Types => quote!(#name),
                Ctx::Operations => quote!(crate::generated::types::#name),
            }
        }
        Ty::Vec(inner) => {
            let inner = rust_type(inner, ctx);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(inner, ctx);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = rust_type(inner, ctx);
            quote!(Option<#inner>)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|t| rust_type(t, ctx));
            quote!((#(#items,)*))
        }
    }
}

/// Turns an argument expression into the stored value.
pub type Convert = Box<dyn Fn(TokenStream) -> TokenStream>;

/// How a value of `ty` is taken as a method argument: its parameter type, and how the
/// argument becomes the stored value. Strings, string lists, enums and JSON values take
/// anything convertible (`"website"`, `["a", "b"]`, `SortBy::Name` or `"name"`).
pub fn arg_for(ty: &Ty, ctx: Ctx, all: &TypeTable) -> (TokenStream, Convert) {
    let rust = rust_type(ty, ctx);
    match resolved(ty, all) {
        Ty::String => (quote!(impl Into<String>), Box::new(|v| quote!(#v.into()))),
        Ty::Value | Ty::Object => (
            quote!(impl Into<serde_json::Value>),
            Box::new(|v| quote!(#v.into())),
        ),
        Ty::Vec(inner) if *resolved(inner, all) == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            Box::new(|v| quote!(#v.into_iter().map(Into::into).collect())),
        ),
        // A union takes any payload it converts from (`WebsiteContent` for `LinkContent`).
        Ty::Named(name)
            if all.named(name).is_some_and(|t| {
                matches!(
                    t.kind,
                    TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Union(_)
                )
            }) =>
        {
            (quote!(impl Into<#rust>), Box::new(|v| quote!(#v.into())))
        }
        _ => (rust, Box::new(|v| v)),
    }
}
