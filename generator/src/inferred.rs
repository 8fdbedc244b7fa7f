//! What the spec does not document, as the generated code treats it.
//!
//! Two rules, both decided on the finished IR (they depend on where each type is used):
//!
//! * **Response models hold a nullable optional field as a plain `Option<T>`.** The
//!   tri-state `Option<Option<T>>` (absent / `null` / a value) only matters for what a
//!   caller sends (a PATCH that clears a field): a struct reached from no request body or
//!   parameter drops it, and `null` decodes as `None`.
//! * **Inferred models decode leniently.** An object schema marked `x-inferred`, reached
//!   from a response and from no request, whose every field is optional, is an *inferred
//!   model*: whatever JSON arrives decodes (fields that are missing, `null` or of another
//!   type are `None`) and the JSON stays reachable (`raw()`). An operation whose success
//!   body (or the property that `x-unwrap` / `x-pagination` returns) is an inferred model,
//!   or a list of them, never fails to decode: a 2xx means the server did the work, and an
//!   error would invite a retry that repeats it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{FieldShape, Group, Response, Ty, TypeKind, TypeTable, Unwrap};

/// Note added to a field whose `null` decodes as `None`.
const NULL_IS_NONE: &str = "`None` when absent or `null`.";

/// Turns the nullable optional fields of structs no request reaches into plain optional
/// ones, and updates what the operations derived from those fields.
pub fn plain_options_in_responses(
    types: &mut TypeTable,
    requests: &BTreeSet<String>,
    groups: &mut [Group],
) {
    for def in types.as_mut_slice() {
        if requests.contains(&def.name) {
            continue;
        }
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for f in &mut s.fields {
            if f.shape() == FieldShape::OptionalNullable {
                f.null_is_none = true;
                f.doc.notes.push(NULL_IS_NONE.to_owned());
            }
        }
    }
    let types = &*types;
    let field = |ty: &Ty, rust: &str| -> Option<crate::ir::Field> {
        let Ty::Named(name) = crate::ir::resolved(ty, types) else {
            return None;
        };
        match &types.named(name)?.kind {
            TypeKind::Struct(s) => s.fields.iter().find(|f| f.name == rust).cloned(),
            _ => None,
        }
    };
    for op in groups.iter_mut().flat_map(|g| &mut g.ops) {
        let Response::Json { ty, unwrap } = &mut op.response else {
            continue;
        };
        if let Unwrap::Field {
            field: name,
            ty: held,
            optional,
            ..
        } = unwrap
            && let Some(f) = field(ty, name)
        {
            *optional = f.shape() != FieldShape::Plain;
            *held = match f.shape() {
                FieldShape::OptionalNullable => Ty::Option(Box::new(f.ty.clone())),
                _ => f.ty.clone(),
            };
        }
        if let Some(cursor) = &mut op.cursor {
            if let Some(f) = field(ty, &cursor.items) {
                cursor.items_shape = f.shape();
            }
            if let Some(f) = field(ty, &cursor.next) {
                cursor.next_shape = f.shape();
            }
        }
    }
}

/// Whether the schema at `pointer` (`#/components/schemas/X`, or an inline one) carries
/// `x-inferred`.
fn marked(raw: &Value, pointer: &str) -> bool {
    pointer
        .strip_prefix('#')
        .and_then(|p| raw.pointer(p))
        .is_some_and(|node| node.get("x-inferred").is_some())
}

/// The inferred models (see the module docs).
pub fn models(
    raw: &Value,
    types: &TypeTable,
    responses: &BTreeSet<String>,
    requests: &BTreeSet<String>,
) -> BTreeSet<String> {
    types
        .iter()
        .filter(|def| responses.contains(&def.name) && !requests.contains(&def.name))
        .filter(|def| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().all(|f| f.shape() != FieldShape::Plain),
            _ => false,
        })
        .filter(|def| marked(raw, &def.pointer))
        .map(|def| def.name.clone())
        .collect()
}

/// Whether a value of `ty` can be decoded leniently: an inferred model or a list of them.
pub fn lenient_type(ty: &Ty, models: &BTreeSet<String>) -> bool {
    match ty {
        Ty::Named(name) => models.contains(name),
        Ty::Vec(item) => matches!(&**item, Ty::Named(name) if models.contains(name)),
        _ => false,
    }
}

/// Marks the operations whose success value is decoded leniently.
pub fn mark_lenient_operations(groups: &mut [Group], models: &BTreeSet<String>) {
    for op in groups.iter_mut().flat_map(|g| &mut g.ops) {
        let Response::Json { ty, unwrap } = &op.response else {
            continue;
        };
        op.lenient = match unwrap {
            Unwrap::None => lenient_type(ty, models),
            Unwrap::Field { ty, .. } => lenient_type(ty, models),
            Unwrap::Page(p) => matches!(&p.item, Ty::Named(name) if models.contains(name)),
        };
    }
}
