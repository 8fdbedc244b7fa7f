//! What the (large) diff of the generated modules is made of: files added, removed and
//! changed with line counts, and the public top-level items added, removed or changed.
//!
//! Items are found by parsing the files with `syn`, not by reading the text diff: a struct
//! that gained a field shows up as one changed item, not as scattered hunks. Public items
//! only (the API a caller sees): structs, enums, type aliases, functions, and the methods
//! of inherent `impl` blocks (`Links::list`, `ListLinks::tag`, `Link::with_name`). Trait
//! impls (`Display`, `From`, serde) follow their type and are left out to keep it short.
//! An item counts as changed when its shape changes: doc comments and function bodies are
//! ignored (a new optional field changes the body of `new()`, not what callers see).
//!
//! [`check`] then holds the classification to account: every breaking Rust verdict must
//! have a removed or changed item of a type it concerns, else it is reported as a bug.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde::Serialize;

use super::model::{Level, Report};

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Only in the new output.
    Added,
    /// Only in the old output.
    Removed,
    /// In both, different.
    Changed,
}

/// One generated file that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// Path relative to `src/generated/`.
    pub path: String,
    /// How it changed.
    pub status: FileStatus,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
}

/// The summary of the generated-code diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeDiff {
    /// Files that differ, by path.
    pub files: Vec<FileDiff>,
    /// Public items only in the new code (`types.rs: struct Link`).
    pub items_added: Vec<String>,
    /// Public items only in the old code.
    pub items_removed: Vec<String>,
    /// Public items in both whose declaration differs (fields, variants, signatures).
    pub items_changed: Vec<String>,
    /// Breaking Rust verdicts that no removed or changed item above explains: each one is
    /// a classification bug (a verdict that claims a break the generated code does not
    /// show). Empty when every one is explained.
    pub unexplained: Vec<Unexplained>,
}

/// A breaking Rust verdict without a removed or changed public item behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unexplained {
    /// The section: `GET /links` or `schema Link`.
    pub section: String,
    /// The change's location in its section.
    pub location: String,
    /// The change in words.
    pub summary: String,
    /// The Rust verdict's reason.
    pub reason: String,
    /// The generated types the verdict points at, which are unchanged.
    pub expected: Vec<String>,
}

impl CodeDiff {
    /// Whether the generated code is identical.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Compares two sets of generated files (path -> contents).
pub fn summarize(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> CodeDiff {
    let mut diff = CodeDiff::default();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut old_items = BTreeMap::new();
    let mut new_items = BTreeMap::new();
    for path in paths {
        let (o, n) = (old.get(path), new.get(path));
        if o == n {
            continue;
        }
        let (added, removed) =
            line_counts(o.map_or("", String::as_str), n.map_or("", String::as_str));
        diff.files.push(FileDiff {
            path: path.clone(),
            status: match (o, n) {
                (None, _) => FileStatus::Added,
                (_, None) => FileStatus::Removed,
                _ => FileStatus::Changed,
            },
            added,
            removed,
        });
        if let Some(o) = o {
            items(path, o, &mut old_items);
        }
        if let Some(n) = n {
            items(path, n, &mut new_items);
        }
    }
    for (key, body) in &new_items {
        match old_items.get(key) {
            None => diff.items_added.push(key.clone()),
            Some(old) if old != body => diff.items_changed.push(key.clone()),
            Some(_) => {}
        }
    }
    diff.items_removed = old_items
        .keys()
        .filter(|k| !new_items.contains_key(*k))
        .cloned()
        .collect();
    diff
}

/// Checks every breaking Rust verdict of `report` against `code`: a verdict is explained
/// when a removed or changed public item belongs to one of the types it concerns (its
/// section's: the operation's group struct and builder, or the schema's type; and every
/// type its reason and Rust items name). Returns the unexplained ones.
pub fn check(report: &Report, code: &CodeDiff) -> Vec<Unexplained> {
    let touched: BTreeSet<&str> = code
        .items_removed
        .iter()
        .chain(&code.items_changed)
        .filter_map(|item| owner(item))
        .collect();
    let mut out = Vec::new();
    let sections = report
        .operations
        .iter()
        .map(|o| (format!("{} {}", o.method, o.path), &o.items, &o.changes))
        .chain(
            report
                .schemas
                .iter()
                .map(|s| (format!("schema {}", s.name), &s.items, &s.changes)),
        );
    for (section, items, changes) in sections {
        for c in changes.iter().filter(|c| c.rust.level == Level::Breaking) {
            let mut expected: BTreeSet<String> = items.iter().cloned().collect();
            let mut texts = vec![c.rust.reason.clone()];
            if let Ok(kind) = serde_json::to_value(&c.kind) {
                for key in ["rust_item", "builder"] {
                    if let Some(v) = kind.get(key) {
                        strings(v, &mut texts);
                    }
                }
            }
            for text in &texts {
                expected.extend(type_names(text));
            }
            if expected.iter().any(|t| touched.contains(t.as_str())) {
                continue;
            }
            out.push(Unexplained {
                section: section.clone(),
                location: c.location.clone(),
                summary: c.summary.clone(),
                reason: c.rust.reason.clone(),
                expected: expected.into_iter().collect(),
            });
        }
    }
    out
}

/// The type an item belongs to: `types.rs: struct Link` -> `Link`,
/// `links.rs: fn Links::list` -> `Links`; `None` for free functions.
fn owner(item: &str) -> Option<&str> {
    let (_, decl) = item.split_once(": ")?;
    let (kind, name) = decl.split_once(' ')?;
    match (kind, name.split_once("::")) {
        ("fn", Some((owner, _))) => Some(owner),
        ("fn", None) => None,
        (_, _) => Some(name),
    }
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Capitalized identifiers in `text` (`FolderRequest::color: String` -> `FolderRequest`,
/// `String`): the candidates for a type the text is about.
fn type_names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(str::to_owned)
}

fn line_counts(old: &str, new: &str) -> (usize, usize) {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// The name of an `impl`'s type: its tokens, except that a generic type is named by its
/// last path segments (`Expectation<ListLinks>` for `Expectation<'_, crate::x::ListLinks>`,
/// `MockLinks` for `MockLinks<'a>`), which read better in a report, and without the
/// impl's own parameters (`Links` for `impl<M: Mode> Links<M>`: the same API in every mode).
fn owner_name(ty: &syn::Type, params: &[String]) -> String {
    let syn::Type::Path(path) = ty else {
        return ty.to_token_stream().to_string();
    };
    let Some(last) = path.path.segments.last() else {
        return ty.to_token_stream().to_string();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return ty.to_token_stream().to_string();
    };
    let types: Vec<String> = args
        .args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(owner_name_plain(t)),
            _ => None,
        })
        .filter(|name| !params.contains(name))
        .collect();
    if types.is_empty() {
        last.ident.to_string()
    } else {
        format!("{}<{}>", last.ident, types.join(", "))
    }
}

/// The last path segment of a type, or its tokens.
fn owner_name_plain(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(|| ty.to_token_stream().to_string(), |s| s.ident.to_string()),
        _ => ty.to_token_stream().to_string(),
    }
}

/// The public items of one file, keyed `file: kind name`, valued by their tokens.
fn items(path: &str, text: &str, out: &mut BTreeMap<String, String>) {
    // Generated files always parse; a file that does not is simply not itemized.
    let Ok(file) = syn::parse_file(text) else {
        return;
    };
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    for item in &file.items {
        let entry = match item {
            syn::Item::Struct(s) if public(&s.vis) => Some(format!("struct {}", s.ident)),
            syn::Item::Enum(e) if public(&e.vis) => Some(format!("enum {}", e.ident)),
            syn::Item::Type(t) if public(&t.vis) => Some(format!("type {}", t.ident)),
            syn::Item::Fn(f) if public(&f.vis) => Some(format!("fn {}", f.sig.ident)),
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let params: Vec<String> = imp
                    .generics
                    .type_params()
                    .map(|p| p.ident.to_string())
                    .collect();
                let owner = owner_name(&imp.self_ty, &params);
                for member in &imp.items {
                    if let syn::ImplItem::Fn(f) = member
                        && public(&f.vis)
                    {
                        out.insert(
                            format!("{path}: fn {owner}::{}", f.sig.ident),
                            f.sig.to_token_stream().to_string(),
                        );
                    }
                }
                None
            }
            _ => None,
        };
        if let Some(entry) = entry {
            out.insert(format!("{path}: {entry}"), shape(item));
        }
    }
}

/// An item's declaration without doc comments (and a function's without its body).
fn shape(item: &syn::Item) -> String {
    let undocumented =
        |attrs: &mut Vec<syn::Attribute>| attrs.retain(|a| !a.path().is_ident("doc"));
    let mut item = item.clone();
    match &mut item {
        // Private fields (the builders' state) are not API.
        syn::Item::Struct(s) => {
            undocumented(&mut s.attrs);
            let attrs: Vec<String> = s
                .attrs
                .iter()
                .map(|a| a.to_token_stream().to_string())
                .collect();
            let fields: Vec<String> = s
                .fields
                .iter()
                .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
                .map(|f| {
                    let mut f = f.clone();
                    undocumented(&mut f.attrs);
                    f.to_token_stream().to_string()
                })
                .collect();
            return format!(
                "{} struct {} {{ {} }}",
                attrs.join(" "),
                s.ident,
                fields.join(", ")
            );
        }
        syn::Item::Enum(e) => {
            undocumented(&mut e.attrs);
            e.variants
                .iter_mut()
                .for_each(|v| undocumented(&mut v.attrs));
        }
        syn::Item::Type(t) => undocumented(&mut t.attrs),
        syn::Item::Fn(f) => return f.sig.to_token_stream().to_string(),
        _ => {}
    }
    item.to_token_stream().to_string()
}
