//! OpenAPI Overlay documents (OAI Overlay Specification 1.0 and 1.1): corrections to a
//! spec kept beside it, applied to the document before anything reads it.
//!
//! An overlay is a list of actions, each an RFC 9535 JSONPath `target` and an `update`
//! (merged into every node the target selects; appended to an array) or `remove: true`:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: {title: Fix the spec, version: 1.0.0}
//! actions:
//!   - target: $.components.schemas.Link.properties
//!     description: the API returns `clicks`, the spec forgot it
//!     update:
//!       clicks: {type: integer}
//! ```
//!
//! [`Overlay::parse`] reads one (YAML or JSON, through the same reader and limits as a
//! spec), checks it, and [`crate::parse_spec_with`] / [`crate::parse_spec_files_with`]
//! apply overlays in order to the whole document (every file of a split one already joined,
//! see [`crate::bundle`]), before the 3.1 dialect is rewritten: an overlay for a 3.1
//! document writes 3.1 JSON Schema.
//!
//! **An action whose target matches nothing is an error**, naming the action: the spec it
//! was written for has changed, and a correction that silently stops applying would let the
//! generated code change without anyone noticing.
//!
//! The work is done by the `roas-overlay` crate, chosen because it is a maintained
//! implementation of Overlay 1.0 and 1.1 over `serde_json_path` (RFC 9535 JSONPath), applies
//! an overlay atomically (the document is unchanged when an action fails) and can refuse a
//! target that matches nothing. Each document is applied by the rules of its own version:
//! 1.0 appends an array `update` to an array as one element, where 1.1 concatenates.

use roas_overlay::apply::{Apply, ApplyError, ApplyErrorKind, ApplyOptions};
use roas_overlay::validation::Validate;
use roas_overlay::{v1_0, v1_1};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};

/// One parsed and checked Overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    name: String,
    /// The text, to find the lines of errors found when applying.
    text: String,
    /// The document as a tree, for the targets and descriptions of actions.
    tree: Value,
    document: Document,
}

/// The document in the model of its version, so that it applies by that version's rules.
#[derive(Debug, Clone)]
enum Document {
    V1_0(v1_0::Overlay),
    V1_1(v1_1::Overlay),
}

impl Overlay {
    /// Parses and checks the Overlay 1.0.x or 1.1.x document `text` (YAML or JSON). `name`
    /// is how errors name its file (they set [`Error::file`] to it): its path, usually.
    pub fn parse(name: &str, text: &str) -> Result<Overlay> {
        let in_file = |mut e: Error| {
            e.file = Some(name.to_owned());
            if e.line.is_none() {
                e.line = line_of(text, None, &e.pointer);
            }
            e
        };
        let tree = crate::parse::to_value_any(text).map_err(in_file)?;
        let tree_ref = &tree;
        let in_file = |mut e: Error| {
            e.file = Some(name.to_owned());
            if e.line.is_none() {
                e.line = line_of(text, Some(tree_ref), &e.pointer);
            }
            e
        };
        let document = read(&tree).map_err(in_file)?;
        let checked = match &document {
            Document::V1_0(o) => o.validate(Default::default()),
            Document::V1_1(o) => o.validate(Default::default()),
        };
        if let Err(invalid) = checked {
            let mut problems = invalid.errors.iter();
            if let Some(first) = problems.next() {
                let more = match problems.len() {
                    0 => String::new(),
                    n => format!(" (and {n} more problem{})", if n == 1 { "" } else { "s" }),
                };
                return Err(in_file(Error::invalid(
                    &pointer_of_path(&first.path),
                    format!("not a valid Overlay document: {}{more}", first.message),
                )));
            }
        }
        Ok(Overlay {
            name: name.to_owned(),
            text: text.to_owned(),
            tree,
            document,
        })
    }

    /// [`Overlay::parse`] of a file's bytes, refusing binary input plainly.
    pub fn parse_bytes(name: &str, bytes: &[u8]) -> Result<Overlay> {
        let text = crate::parse::text_of(bytes).map_err(|mut e| {
            e.file = Some(name.to_owned());
            e
        })?;
        Overlay::parse(name, text)
    }

    /// The name errors give its file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Applies every action, in order, to the document `raw`. An action whose target
    /// matches nothing, or that fails, is an error located at that action in this overlay's
    /// file; `raw` is then unchanged.
    pub fn apply(&self, raw: &mut Value) -> Result<()> {
        let options = ApplyOptions::ErrorOnZeroMatch.into();
        let applied = match &self.document {
            Document::V1_0(o) => o.apply(raw, options),
            Document::V1_1(o) => o.apply(raw, options),
        };
        applied.map(drop).map_err(|e| self.apply_error(&e))
    }

    fn apply_error(&self, e: &ApplyError) -> Error {
        let index = e.action_index;
        let action = format!("action {index} (target `{}`{})", e.target, {
            let description = self
                .tree
                .pointer(&format!("/actions/{index}/description"))
                .and_then(Value::as_str);
            description.map_or_else(String::new, |d| format!(", \"{d}\""))
        });
        let (field, message) = match &e.kind {
            ApplyErrorKind::ZeroMatch => (
                "/target",
                format!(
                    "{action} matches nothing in the document: its target is wrong, or the \
                     spec changed under it (update or remove the action)"
                ),
            ),
            ApplyErrorKind::CopySourceNotFound(_) | ApplyErrorKind::CopySourceMultiple(_) => {
                ("/copy", format!("{action}: {}", e.kind))
            }
            ApplyErrorKind::ConflictingMergeSources => ("", format!("{action}: {}", e.kind)),
            _ => ("/target", format!("{action}: {}", e.kind)),
        };
        let pointer = format!("#/actions/{index}{field}");
        Error {
            file: Some(self.name.clone()),
            line: line_of(&self.text, Some(&self.tree), &pointer),
            ..Error::invalid(&pointer, message)
        }
    }
}

/// Applies `overlays` to `raw` in order (a document's overlays, before it is read).
pub(crate) fn apply_all(raw: &mut Value, overlays: &[Overlay]) -> Result<()> {
    overlays.iter().try_for_each(|o| o.apply(raw))
}

/// The document in the model its `overlay` field names.
fn read(tree: &Value) -> Result<Document> {
    if !tree.is_object() {
        return Err(Error::invalid(
            "#",
            "not an Overlay document: it is not a mapping (with `overlay`, `info` and `actions`)",
        ));
    }
    let Some(version) = tree.get("overlay") else {
        return Err(Error::new(
            ErrorKind::Version,
            "#",
            "missing `overlay` version field: not an Overlay document",
        ));
    };
    let Some(version) = version.as_str() else {
        return Err(Error::new(
            ErrorKind::Version,
            "#/overlay",
            format!("`overlay` must be a string like \"1.0.0\", found {version}"),
        ));
    };
    if version.starts_with("1.0.") {
        typed(tree).map(Document::V1_0)
    } else if version.starts_with("1.1.") {
        typed(tree).map(Document::V1_1)
    } else {
        Err(Error::new(
            ErrorKind::Version,
            "#/overlay",
            format!("Overlay version {version:?} is not supported: only 1.0.x and 1.1.x are"),
        ))
    }
}

fn typed<T: DeserializeOwned>(tree: &Value) -> Result<T> {
    serde_path_to_error::deserialize(tree).map_err(|e| {
        Error::invalid(
            &crate::parse::pointer_of(e.path()),
            format!("not a valid Overlay document: {}", e.inner()),
        )
    })
}

/// `#.actions[3].target` (how `roas-overlay` names a place) as a JSON pointer.
fn pointer_of_path(path: &str) -> String {
    let mut pointer = String::from("#");
    let rest = path.strip_prefix('#').unwrap_or(path);
    for part in rest.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            pointer = crate::error::push_pointer(&pointer, key);
        }
        for index in indices.split('[').map(|i| i.trim_end_matches(']')) {
            if !index.is_empty() {
                pointer = format!("{pointer}/{index}");
            }
        }
    }
    pointer
}

/// The line of `pointer` in the overlay's text. [`crate::parse::locate`] skips array
/// indices, which would put every action's problem on the first action: a place inside
/// `actions/N` is found from the line of that action's `target` (the N-th action with that
/// target text, counting those before it), and never past the next action's.
fn line_of(text: &str, tree: Option<&Value>, pointer: &str) -> Option<usize> {
    let Some(rest) = pointer.strip_prefix("#/actions/") else {
        return crate::parse::locate(text, pointer);
    };
    let (index, inner) = rest.split_once('/').unwrap_or((rest, ""));
    let index: usize = index.parse().ok()?;
    let lines = target_lines(text, tree?)?;
    let start = (*lines.get(index)?)?;
    if inner.is_empty() || inner == "target" {
        return Some(start);
    }
    // Deeper: the key's line between this action's target and the next action's (keys
    // written before `target` are not found: the target's line stands for them).
    let offset_of = |line: usize| -> usize {
        text.split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum()
    };
    let begin = offset_of(start);
    let end = match lines.get(index + 1) {
        Some(Some(next)) => offset_of(*next).max(begin),
        _ => text.len(),
    };
    let found = crate::parse::locate(&text[begin..end], &format!("#/{inner}"));
    Some(found.map_or(start, |line| start + line - 1))
}

/// The line of each action's `target` key, when it can be told apart: the line of a
/// `target` key whose value is that action's target, the N-th such line for the N-th action
/// with the same target.
fn target_lines(text: &str, tree: &Value) -> Option<Vec<Option<usize>>> {
    let actions = tree.get("actions")?.as_array()?;
    let from = crate::parse::locate(text, "#/actions")?;
    // (line, the text after `target:`) of every line with a `target` key.
    let key_lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .skip(from - 1)
        .filter_map(|(n, line)| {
            let value = ["target", "\"target\"", "'target'"]
                .iter()
                .find_map(|key| {
                    let at = crate::parse::find_key(line, key)?;
                    line[at + key.len()..].trim_start().strip_prefix(':')
                })?;
            Some((n + 1, value.trim_start()))
        })
        .collect();
    Some(
        actions
            .iter()
            .enumerate()
            .map(|(i, action)| {
                let target = target_of(action)?;
                let earlier = actions[..i]
                    .iter()
                    .filter(|a| target_of(a) == Some(target))
                    .count();
                key_lines
                    .iter()
                    .filter(|(_, value)| is_written(value, target))
                    .nth(earlier)
                    .map(|(n, _)| *n)
            })
            .collect(),
    )
}

fn target_of(action: &Value) -> Option<&str> {
    action.get("target").and_then(Value::as_str)
}

/// Whether `value` (the rest of a line after a key) starts with `target` written plain,
/// double-quoted (JSON escapes) or single-quoted, and nothing else of the value follows.
fn is_written(value: &str, target: &str) -> bool {
    let quoted = serde_json::to_string(target).unwrap_or_default();
    let single = format!("'{}'", target.replace('\'', "''"));
    [target, quoted.as_str(), single.as_str()]
        .iter()
        .any(|form| {
            value.strip_prefix(form).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.is_empty() || rest.starts_with([',', '}', '#'])
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "x", "version": "1"},
            "tags": [{"name": "a"}],
            "components": {"schemas": {"Link": {"type": "object", "properties": {
                "id": {"type": "string"},
                "legacy": {"type": "string"}
            }}}}
        })
    }

    fn overlay(actions: &str) -> Result<Overlay> {
        let text =
            format!("overlay: 1.0.0\ninfo:\n  title: t\n  version: '1'\nactions:\n{actions}");
        Overlay::parse("fix.yaml", &text)
    }

    #[test]
    fn update_merges_into_objects() {
        let o = overlay(
            "  - target: $.components.schemas.Link.properties\n    update:\n      clicks: {type: integer}\n  - target: $.info\n    update: {title: y}\n",
        )
        .unwrap();
        let mut raw = doc();
        o.apply(&mut raw).unwrap();
        let properties = &raw["components"]["schemas"]["Link"]["properties"];
        assert_eq!(properties["clicks"], json!({"type": "integer"}));
        assert_eq!(properties["id"], json!({"type": "string"}), "kept");
        assert_eq!(raw["info"], json!({"title": "y", "version": "1"}));
    }

    #[test]
    fn an_array_target_gets_the_update_appended() {
        let o = overlay("  - target: $.tags\n    update: {name: b}\n").unwrap();
        let mut raw = doc();
        o.apply(&mut raw).unwrap();
        assert_eq!(raw["tags"], json!([{"name": "a"}, {"name": "b"}]));
    }

    #[test]
    fn remove_drops_the_nodes() {
        let o = overlay("  - target: $..properties.legacy\n    remove: true\n").unwrap();
        let mut raw = doc();
        o.apply(&mut raw).unwrap();
        let properties = &raw["components"]["schemas"]["Link"]["properties"];
        assert_eq!(properties, &json!({"id": {"type": "string"}}));
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error_naming_the_action() {
        let o = overlay(
            "  - target: $.info\n    update: {title: y}\n  - target: $.components.schemas.Gone\n    description: drop Gone's field\n    update: {x: 1}\n",
        )
        .unwrap();
        let mut raw = doc();
        let before = raw.clone();
        let e = o.apply(&mut raw).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.file.as_deref(), Some("fix.yaml"));
        assert_eq!(e.pointer, "#/actions/1/target");
        assert_eq!(e.line, Some(8));
        assert_eq!(
            e.to_string(),
            "invalid error at fix.yaml#/actions/1/target (line 8): action 1 (target \
             `$.components.schemas.Gone`, \"drop Gone's field\") matches nothing in the \
             document: its target is wrong, or the spec changed under it (update or remove \
             the action)"
        );
        assert_eq!(raw, before, "the first action is undone too");
    }

    #[test]
    fn versions_other_than_1_0_and_1_1_are_refused() {
        let e = Overlay::parse(
            "o.json",
            r#"{"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": []}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Version);
        assert_eq!(e.pointer, "#/overlay");
        assert!(e.message.contains("only 1.0.x and 1.1.x"), "{e}");
        let e = Overlay::parse("spec.yaml", "openapi: 3.0.3\n").unwrap_err();
        assert!(e.message.contains("not an Overlay document"), "{e}");
        // 1.1 reads, with its `copy` action.
        let o = Overlay::parse(
            "o.yaml",
            "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.tags\n    copy: $.tags[0]\n",
        )
        .unwrap();
        let mut raw = doc();
        o.apply(&mut raw).unwrap();
        assert_eq!(raw["tags"], json!([{"name": "a"}, {"name": "a"}]));
    }

    #[test]
    fn an_invalid_jsonpath_is_located() {
        let e = overlay(
            "  - target: $.info\n    update: {title: y}\n  - target: $.info[?bad\n    update: {}\n",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.file.as_deref(), Some("fix.yaml"));
        assert_eq!(e.pointer, "#/actions/1/target");
        assert_eq!(e.line, Some(8));
        assert!(e.message.contains("invalid JSONPath"), "{e}");
        // A shape error is located by serde's path.
        let e = overlay("  - target: $.info\n    remove: maybe\n").unwrap_err();
        assert_eq!(e.pointer, "#/actions/0/remove");
        assert_eq!(e.line, Some(7));
    }

    #[test]
    fn parse_spec_with_applies_before_the_3_1_dialect_is_read() {
        let spec = "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Link:\n      type: object\n      properties:\n        id: {type: string}\n";
        let fix = overlay(
            "  - target: $.components.schemas.Link.properties\n    update:\n      note: {type: [string, 'null']}\n",
        )
        .unwrap();
        let parsed = crate::parse_spec_with(spec, &[fix]).unwrap();
        let note = &parsed.raw["components"]["schemas"]["Link"]["properties"]["note"];
        assert_eq!(note, &json!({"type": "string", "nullable": true}));
        assert!(crate::parse_spec(spec).unwrap().raw["components"]["schemas"]["Link"]["properties"]["note"].is_null());
        // An overlay error stops parsing, located in the overlay.
        let stale = overlay("  - target: $.components.schemas.Gone\n    remove: true\n").unwrap();
        let e = crate::parse_spec_with(spec, &[stale]).unwrap_err();
        assert_eq!((e.file.as_deref(), e.line), (Some("fix.yaml"), Some(6)));
    }

    #[test]
    fn an_action_is_located_by_its_own_target_not_one_that_contains_it() {
        let text = "{\n  \"overlay\": \"1.0.0\",\n  \"info\": {\"title\": \"t\", \"version\": \"1\"},\n  \"actions\": [\n    {\"target\": \"$.info.x\", \"remove\": true},\n    {\"target\": \"$.info\", \"remove\": true},\n    {\"target\": \"$.info\", \"remove\": \"no\"}\n  ]\n}\n";
        let e = Overlay::parse("o.json", text).unwrap_err();
        assert_eq!(e.pointer, "#/actions/2/remove");
        assert_eq!(e.line, Some(7));
        let tree: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            target_lines(text, &tree),
            Some(vec![Some(5), Some(6), Some(7)])
        );
    }

    #[test]
    fn roas_paths_become_pointers() {
        assert_eq!(pointer_of_path("#.actions[3].target"), "#/actions/3/target");
        assert_eq!(pointer_of_path("#.info.title"), "#/info/title");
        assert_eq!(pointer_of_path("#.actions"), "#/actions");
        assert_eq!(pointer_of_path("#"), "#");
    }
}
