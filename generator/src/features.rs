//! A Cargo feature per group, for large APIs: a program that calls five operations of a
//! 400-operation API compiles those groups and the types they reach, not all of them.
//!
//! Off unless asked for, by [`Config::group_features`](crate::Config::group_features)
//! (`cargo xtask generate --group-features`) or by the document itself:
//!
//! ```yaml
//! x-group-features: true
//! ```
//!
//! When on, every group (what becomes `client.<group>()`) gets a feature named after its
//! module, and a type is compiled when any group that reaches it is on ([`reach`]); `full`,
//! on by default, turns every group on. A type no operation reaches is compiled with `full`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::{Features, Group, TypeDef};
use crate::parse::Spec;
use crate::reach;

/// The root extension that asks for a feature per group.
pub const GROUP_FEATURES: &str = "x-group-features";

/// The feature that turns every group on, on by default.
pub const FULL: &str = "full";

/// Whether the document asks for a feature per group (`x-group-features: true`).
pub fn requested(spec: &Spec) -> Result<bool> {
    match spec.raw.get(GROUP_FEATURES) {
        None => Ok(false),
        Some(Value::Bool(on)) => Ok(*on),
        Some(_) => Err(spec.locate(Error::invalid(
            &format!("#/{GROUP_FEATURES}"),
            format!("`{GROUP_FEATURES}` must be `true` or `false`"),
        ))),
    }
}

/// Gives each group its feature, and says which features compile each type.
///
/// A feature is the group's module name (`incidents`); one that would take the name of a
/// feature every crate has (`tracing`, `full`, ...) gets `-api` after it, which no module
/// name has.
pub fn assign(types: &[TypeDef], groups: &mut [Group]) -> Features {
    let reserved: BTreeSet<&str> = crate::frame::FEATURES
        .iter()
        .map(|f| f.name)
        .chain(["default", FULL])
        .collect();
    let mut by_type: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|t| (t.name.clone(), BTreeSet::new()))
        .collect();
    let mut sent = by_type.clone();
    for group in groups.iter_mut() {
        let module = group.module.trim_start_matches("r#");
        let feature = match reserved.contains(module) {
            true => format!("{module}-api"),
            false => module.to_owned(),
        };
        for name in reach::from_operations(types, &group.ops) {
            if let Some(features) = by_type.get_mut(&name) {
                features.insert(feature.clone());
            }
        }
        for name in reach::from_requests(types, std::slice::from_ref(group)) {
            if let Some(features) = sent.get_mut(&name) {
                features.insert(feature.clone());
            }
        }
        group.feature = Some(feature);
    }
    let sorted = |map: BTreeMap<String, BTreeSet<String>>| -> BTreeMap<String, Vec<String>> {
        map.into_iter()
            .map(|(name, features)| (name, features.into_iter().collect()))
            .collect()
    };
    Features {
        types: sorted(by_type),
        sent: sorted(sent),
    }
}

/// The group features of a crate that has them, in module order.
pub fn names(groups: &[Group]) -> Vec<&str> {
    groups.iter().filter_map(|g| g.feature.as_deref()).collect()
}
