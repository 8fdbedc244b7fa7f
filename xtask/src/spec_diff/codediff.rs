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

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;

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
                let owner = imp.self_ty.to_token_stream().to_string();
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
