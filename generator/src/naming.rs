//! Rust identifiers from arbitrary spec names.
//!
//! Every name the generator emits passes through here, so the rules (keywords, digits,
//! non-ASCII, collisions) live in one place and the output stays valid and stable.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Words that cannot be plain identifiers. `self`, `Self`, `super` and `crate` cannot even
/// be raw identifiers, so a trailing `_` (the progenitor convention) is used for all of them.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that would shadow the prelude or the derives inside generated modules.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "ToString",
    "Into",
    "From",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Debug",
    "Serialize",
    "Deserialize",
    "BTreeMap",
    "Value",
    "Map",
    "Self",
];

/// What a generated crate exports at its root besides the generated modules: the list
/// `crate::frame::lib_items` writes into every crate's `lib.rs`. A model of the same name
/// would make `use my_client::*; use my_client::types::*;` ambiguous (`Error` would mean
/// two things), so [`type_name`] renames it: `Error` -> `ErrorBody`.
pub const CRATE_ROOT_EXPORTS: &[&str] = &[
    "AccessToken",
    "ApiError",
    "Client",
    "ClientBuilder",
    "ERROR_BODY_LIMIT",
    "Error",
    "FilePart",
    "InvalidInput",
    "Limit",
    "Page",
    "RawRequest",
    "Request",
    "Response",
    "Result",
    "RetryPolicy",
];

/// Whether `word` is a Rust keyword (strict, reserved or weak-but-reserved in edition 2024).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Replaces every character that cannot appear in an identifier by a separator, and spells
/// non-ASCII letters as `uXXXX` so that `café` and `cafe` stay distinct and ASCII-only.
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!("_u{:04x}_", c as u32));
        } else {
            out.push('_');
        }
    }
    out
}

/// `snake_case` identifier for fields, parameters, methods and modules.
pub fn snake(raw: &str) -> String {
    let mut s = ascii_words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `PascalCase` identifier for types and enum variants.
pub fn pascal(raw: &str) -> String {
    let mut s = ascii_words(raw).to_pascal_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A type name: like [`pascal`], but never one that shadows the prelude (`String` ->
/// `StringModel`) or an export of the crate root ([`CRATE_ROOT_EXPORTS`]: `Error` ->
/// `ErrorBody`).
pub fn type_name(raw: &str) -> String {
    type_name_avoiding(raw, &|_| false)
}

/// [`type_name`], where a renamed name also avoids the names `taken` says another type
/// has (a spec with both `Error` and `ErrorBody` gets `ErrorModel` for the first).
pub fn type_name_avoiding(raw: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let s = pascal(raw);
    // `Result` is both: it keeps the `Model` it always had.
    let suffixes: &[&str] = if RESERVED_TYPES.contains(&s.as_str()) {
        &["Model", "Body"]
    } else if CRATE_ROOT_EXPORTS.contains(&s.as_str()) {
        &["Body", "Model"]
    } else {
        return s;
    };
    suffixes
        .iter()
        .map(|suffix| format!("{s}{suffix}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| format!("{s}{}", suffixes[0]))
}

/// Hands out names unique within one scope: the first claimant keeps the name, later ones
/// get `2`, `3`, ... (with `_` between for snake case). Claim order is spec order, so the
/// result is stable for a given document.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `name`, or the first free numbered variant of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let sep = if name.contains(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let base = name.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("ref"), "ref_");
        assert_eq!(pascal("self"), "Self_");
    }

    #[test]
    fn digits_and_symbols() {
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(pascal("2fa"), "V2fa");
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(pascal("extra-rounded"), "ExtraRounded");
        assert_eq!(snake(""), "value");
        assert_eq!(pascal("+"), "Empty");
    }

    #[test]
    fn non_ascii_is_spelled_out() {
        assert_eq!(snake("café"), "caf_u00e9");
        assert_ne!(snake("café"), snake("cafe"));
        assert!(pascal("名前").is_ascii());
    }

    #[test]
    fn reserved_type_names() {
        assert_eq!(type_name("string"), "StringModel");
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(type_name("link"), "Link");
    }

    #[test]
    fn crate_root_exports_are_renamed() {
        assert_eq!(type_name("Error"), "ErrorBody");
        assert_eq!(type_name("error"), "ErrorBody");
        assert_eq!(type_name("Client"), "ClientBody");
        assert_eq!(type_name("page"), "PageBody");
        assert_eq!(type_name("Response"), "ResponseBody");
        assert_eq!(type_name("ErrorBody"), "ErrorBody");
        let taken = |name: &str| name == "ErrorBody";
        assert_eq!(type_name_avoiding("Error", &taken), "ErrorModel");
    }

    #[test]
    fn scope_dedupes_in_claim_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(snake("fooBar")), "foo_bar");
        assert_eq!(scope.claim(snake("foo_bar")), "foo_bar_2");
        assert_eq!(scope.claim(snake("FooBar")), "foo_bar_3");
        let mut types = Scope::default();
        assert_eq!(types.claim(pascal("pet")), "Pet");
        assert_eq!(types.claim(pascal("Pet")), "Pet2");
    }
}
