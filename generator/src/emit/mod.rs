//! IR -> token streams, one module per generated file kind.

pub mod client;
pub mod docs;
pub mod operations;
pub mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Ty;

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
        Ty::Object => quote!(serde_json::Map<String, serde_json::Value>),
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
    }
}
