//! The error responses an API documents on every operation alike (an unauthorized key, a
//! quota...): said once, on their body type, instead of on each operation.

use crate::ir::{Doc, ErrorResponse, Group, Ty, TypeTable};

/// The errors every operation documents alike, in the order of the first operation's list,
/// if there are any and they share one named body type (where they are documented); none
/// for an API of a single operation, whose list is already said once.
pub fn common(groups: &[Group]) -> Vec<ErrorResponse> {
    let mut ops = groups.iter().flat_map(|g| &g.ops);
    let Some(first) = ops.next() else {
        return Vec::new();
    };
    let rest: Vec<_> = ops.collect();
    if rest.is_empty() {
        return Vec::new();
    }
    let common: Vec<ErrorResponse> = first
        .errors
        .iter()
        .filter(|e| rest.iter().all(|op| op.errors.contains(e)))
        .cloned()
        .collect();
    let one_type = match common.first().map(|e| &e.ty) {
        Some(Ty::Named(name)) => common.iter().all(|e| e.ty == Ty::Named(name.clone())),
        _ => false,
    };
    if one_type { common } else { Vec::new() }
}

/// Adds the common errors to their body type's docs.
pub fn document(types: &mut TypeTable, common: &[ErrorResponse]) {
    let Some(Ty::Named(name)) = common.first().map(|e| &e.ty) else {
        return;
    };
    let Some(def) = types.as_mut_slice().iter_mut().find(|d| &d.name == name) else {
        return;
    };
    add_notes(&mut def.doc, common);
}

fn add_notes(doc: &mut Doc, common: &[ErrorResponse]) {
    for error in common {
        let status = format!("`{}`", error.status);
        doc.notes.push(match &error.description {
            Some(description) => format!(
                "Every operation may answer {status} with this body: {}",
                description.trim()
            ),
            None => format!("Every operation may answer {status} with this body."),
        });
    }
}
