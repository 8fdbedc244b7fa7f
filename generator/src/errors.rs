//! The error responses an API shares between operations (`$ref`s to
//! `components/responses`: an unauthorized key, a quota...): described once, on their body
//! type, and named by status in each operation that uses them. What an operation's docs say
//! depends only on its own responses, so adding one leaves the others' docs as they are.

use crate::ir::{ErrorResponse, Group, Ty, TypeTable};

/// Each shared error response with a named body type, once per status and response, in
/// order of first use.
pub fn shared(groups: &[Group]) -> Vec<ErrorResponse> {
    let mut out: Vec<ErrorResponse> = Vec::new();
    for error in groups.iter().flat_map(|g| &g.ops).flat_map(|op| &op.errors) {
        if is_described_on_its_type(error)
            && !out
                .iter()
                .any(|e| e.status == error.status && e.shared == error.shared)
        {
            out.push(error.clone());
        }
    }
    out
}

/// Whether `error` is described on its body type rather than in the operation's docs.
pub fn is_described_on_its_type(error: &ErrorResponse) -> bool {
    error.shared.is_some() && matches!(error.ty, Ty::Named(_))
}

/// Adds each shared error response to its body type's docs.
pub fn document(types: &mut TypeTable, shared: &[ErrorResponse]) {
    for error in shared {
        let Ty::Named(name) = &error.ty else {
            continue;
        };
        let Some(def) = types.as_mut_slice().iter_mut().find(|d| &d.name == name) else {
            continue;
        };
        let status = format!("`{}`", error.status);
        def.doc.notes.push(match &error.description {
            Some(description) => format!(
                "{status}, from an operation whose errors list it: {}",
                description.trim()
            ),
            None => format!("{status}, from an operation whose errors list it."),
        });
    }
}
