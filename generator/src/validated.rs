//! Which request types have documented limits to check before sending (`minLength`,
//! `maximum`, `maxItems`...): an analysis of the IR, which the emitter of the `validate`
//! methods ([`crate::emit::validate`]) reads.

use std::collections::BTreeSet;

use crate::ir::{Group, Limits, Ty, TypeDef, TypeKind, TypeTable, resolved};

/// The named types a request can carry (through parameters, bodies and parts, and what
/// those hold) that have a limit to check somewhere inside: these get a `validate` method.
pub fn validated_types(types: &TypeTable, groups: &[Group]) -> BTreeSet<String> {
    let reachable = crate::reach::from_requests(types, groups);
    // Grows to a fixed point: a type needs checks if a field or variant does.
    let mut needs = BTreeSet::new();
    loop {
        let before = needs.len();
        for def in types.iter().filter(|d| reachable.contains(&d.name)) {
            if !needs.contains(&def.name) && type_has_checks(def, types, &needs) {
                needs.insert(def.name.clone());
            }
        }
        if needs.len() == before {
            return needs;
        }
    }
}

fn type_has_checks(def: &TypeDef, all: &TypeTable, needs: &BTreeSet<String>) -> bool {
    let none = Limits::default();
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields
                .iter()
                .any(|f| has_checks(&f.ty, &f.limits, all, needs))
                || s.additional
                    .as_ref()
                    .is_some_and(|ty| has_checks(ty, &none, all, needs))
        }
        TypeKind::Union(u) => u
            .variants
            .iter()
            .any(|v| has_checks(&v.ty, &none, all, needs)),
        _ => false,
    }
}

/// Whether a value of `ty` under `limits` has something to check, given the named types
/// that do (`needs`).
pub fn has_checks(ty: &Ty, limits: &Limits, all: &TypeTable, needs: &BTreeSet<String>) -> bool {
    let none = Limits::default();
    let items = limits.items.as_deref().unwrap_or(&none);
    match resolved(ty, all) {
        Ty::String => limits.min_length.is_some() || limits.max_length.is_some(),
        Ty::Int(_) | Ty::Float(_) => {
            bound(limits.minimum).is_some() || bound(limits.maximum).is_some()
        }
        Ty::Vec(inner) => {
            limits.min_items.is_some()
                || limits.max_items.is_some()
                || has_checks(inner, items, all, needs)
        }
        Ty::Map(inner) => has_checks(inner, items, all, needs),
        Ty::Option(inner) => has_checks(inner, limits, all, needs),
        Ty::Named(name) => needs.contains(name),
        // Held as any JSON value (see `rust_type`): that it is an object is checked here.
        Ty::Object => true,
        _ => false,
    }
}

/// A finite bound (an infinite one limits nothing and has no literal).
/// A bound that can be checked (a finite number).
pub fn bound(b: Option<(f64, bool)>) -> Option<(f64, bool)> {
    b.filter(|(v, _)| v.is_finite())
}
