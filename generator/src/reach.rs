//! Which named types a set of operations reaches: through parameters and bodies
//! (requests), or through success and error bodies (responses), and on through fields,
//! items, variants and aliases. Several stages need one or the other: lenient models and
//! plain options (responses only), input checks (requests only).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{BodyKind, Group, Operation, Response, Ty, TypeDef, TypeKind, Unwrap};

/// Names of the types reachable from `roots`, through fields, items, variants and aliases.
pub fn reachable(types: &[TypeDef], roots: Vec<String>) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut stack = roots;
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match by_name.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                for f in &s.fields {
                    names(&f.ty, &mut stack);
                }
                if let Some(extra) = &s.additional {
                    names(extra, &mut stack);
                }
            }
            Some(TypeKind::Union(u)) => u.variants.iter().for_each(|v| names(&v.ty, &mut stack)),
            Some(TypeKind::Alias(ty)) => names(ty, &mut stack),
            _ => {}
        }
    }
    seen
}

/// The named types `ty` mentions.
pub fn names(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => names(inner, out),
        Ty::Tuple(items) => items.iter().for_each(|t| names(t, out)),
        _ => {}
    }
}

/// Types a caller sends: reached from request bodies (JSON, form, multipart parts) and
/// parameters.
pub fn from_requests(types: &[TypeDef], groups: &[Group]) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for op in groups.iter().flat_map(|g| &g.ops) {
        request_roots(op, &mut roots);
    }
    reachable(types, roots)
}

/// The named types an operation's parameters and body mention.
fn request_roots(op: &Operation, roots: &mut Vec<String>) {
    for p in &op.params {
        names(&p.ty, roots);
    }
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => names(ty, roots),
            BodyKind::Multipart(parts) => parts.iter().for_each(|p| names(&p.ty, roots)),
            BodyKind::Bytes(_) => {}
        }
    }
}

/// Names of the types a response can carry: success bodies and the documented error
/// bodies (which `ApiError::body_as` decodes), and what those hold.
pub fn from_responses(types: &[TypeDef], groups: &[Group]) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for op in groups.iter().flat_map(|g| &g.ops) {
        if let Response::Json { ty, .. } = &op.response {
            names(ty, &mut roots);
        }
        for error in &op.errors {
            names(&error.ty, &mut roots);
        }
    }
    reachable(types, roots)
}

/// Names of every type `ops` use: in parameters, bodies, success and error responses, and
/// what those hold. A group's feature compiles these.
pub fn from_operations(types: &[TypeDef], ops: &[Operation]) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for op in ops {
        request_roots(op, &mut roots);
        if let Response::Json { ty, unwrap } = &op.response {
            names(ty, &mut roots);
            match unwrap {
                Unwrap::Field { ty, .. } => names(ty, &mut roots),
                Unwrap::Page(page) => names(&page.item, &mut roots),
                Unwrap::None => {}
            }
        }
        if let Some(cursor) = &op.cursor {
            names(&cursor.item, &mut roots);
        }
        for error in &op.errors {
            names(&error.ty, &mut roots);
        }
    }
    reachable(types, roots)
}
