//! Doc attributes of generated items. What the text may say, and how spec prose is made
//! safe for rustdoc, is [`crate::docs`], which the IR uses too.

use proc_macro2::TokenStream;
use quote::quote;

pub use crate::docs::*;

/// `#[doc = "..."]` attributes for `lines`.
pub fn attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}
