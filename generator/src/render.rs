//! Token streams -> formatted source text with the generated-file header.

use proc_macro2::TokenStream;

use crate::error::{Error, ErrorKind, Result};

/// Formats `tokens` as a Rust source file that starts with `header` comment lines.
pub fn render(file: &str, header: &[String], tokens: TokenStream) -> Result<String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        // Only a generator bug gets here; say so rather than panic.
        Error::new(
            ErrorKind::Unsupported,
            "#",
            format!("internal error: the code generated for {file} does not parse ({e}); please report it with the spec"),
        )
    })?;
    let mut out = String::new();
    for line in header {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&prettyplease::unparse(&parsed));
    Ok(out)
}
