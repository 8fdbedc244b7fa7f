//! Old side vs new side -> facts: which operation, parameter, body, status, property or
//! schema keyword changed. Judging them is `classify`'s job; this module only finds them,
//! attaches the Rust items involved, and decides where each change is reported:
//!
//! * A schema reached through the same `$ref: '#/components/schemas/X'` on both sides is
//!   not descended into from an operation: its changes are reported once, in X's own
//!   section, classified by where X is used. Anything else (inline schemas, a reference
//!   swapped for another or for an inline copy) is compared structurally after resolving,
//!   so a `$ref` refactor that changes nothing reports nothing.
//! * Everything is iterated in sorted order (names, statuses, media types), never in spec
//!   order, so reordering a document changes nothing and the output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use generator::error::{push_pointer, unescape_token};
use serde_json::Value;

use super::classify;
use super::model::{
    Affected, Change, ChangeKind, Direction, OperationSection, Part, ReachGroup, RustDelta,
    SchemaSection,
};
use super::view::{Node, Op, Side, Usage};

/// Compares two specs: changes per operation, then per component schema.
pub fn compare<'a>(old: &Side<'a>, new: &Side<'a>) -> (Vec<OperationSection>, Vec<SchemaSection>) {
    let cmp = Cmp { old, new };
    let (mut by_op, by_schema) = cmp.inline_types();
    (cmp.operations(&mut by_op), cmp.schemas(by_schema))
}

/// Changes found outside an operation's comparison, keyed by the old `(path, METHOD)`.
type OpExtras = BTreeMap<(String, String), Vec<Change>>;

struct Cmp<'s, 'a> {
    old: &'s Side<'a>,
    new: &'s Side<'a>,
}

/// Collected changes, and the schema pairs being compared (to stop on recursive schemas).
#[derive(Default)]
struct Sink {
    changes: Vec<Change>,
    visiting: BTreeSet<(String, String)>,
}

impl Sink {
    fn push(&mut self, location: String, direction: Direction, kind: ChangeKind) {
        self.changes
            .push(classify::change(location, direction, kind));
    }
}

/// Where a schema comparison is: a base (`request body (application/json)`), a property
/// path below it, the Rust item holding the value there, and where the value travels.
#[derive(Clone)]
struct At {
    base: String,
    path: String,
    rust: RustDelta,
    usage: Usage,
    /// True at the top of a component's own section: do not stop at its own name.
    top: bool,
}

impl At {
    fn new(base: impl Into<String>, rust: RustDelta, usage: Usage) -> At {
        At {
            base: base.into(),
            path: String::new(),
            rust,
            usage,
            top: false,
        }
    }

    fn location(&self) -> String {
        match (self.base.is_empty(), self.path.is_empty()) {
            (_, true) => self.base.clone(),
            (true, false) => format!("`{}`", self.path),
            (false, false) => format!("{} `{}`", self.base, self.path),
        }
    }

    fn child(&self, suffix: &str, rust: RustDelta, usage: Usage) -> At {
        At {
            base: self.base.clone(),
            path: format!("{}{suffix}", self.path),
            rust,
            usage,
            top: false,
        }
    }

    fn direction(&self) -> Direction {
        direction(self.usage)
    }
}

/// A usage as reported.
pub fn direction(u: Usage) -> Direction {
    match (u.request, u.response) {
        (true, true) => Direction::Both,
        (true, false) => Direction::Request,
        (false, true) => Direction::Response,
        (false, false) => Direction::Unused,
    }
}

/// A schema with `allOf` merged and its keywords picked out.
struct Flat<'a> {
    ty: String,
    format: Option<String>,
    enumeration: Option<Vec<Value>>,
    nullable: bool,
    read_only: bool,
    write_only: bool,
    default: Option<Value>,
    limits: BTreeMap<&'static str, Value>,
    properties: BTreeMap<String, Node<'a>>,
    required: BTreeSet<String>,
    additional_allowed: bool,
    items: Option<Node<'a>>,
    variants: BTreeMap<String, Node<'a>>,
    /// The pointer the generator's type for this schema carries.
    pointer: String,
}

impl Flat<'_> {
    fn type_label(&self) -> String {
        let mut label = self.ty.clone();
        if let Some(f) = &self.format {
            label.push_str(&format!(" ({f})"));
        }
        if self.enumeration.is_some() {
            label.push_str(" enum");
        }
        label
    }
}

const LIMITS: [&str; 13] = [
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
    "pattern",
    "multipleOf",
    "uniqueItems",
];

type Pair<'s, 'a> = (Option<&'s Op<'a>>, Option<&'s Op<'a>>);

impl<'s, 'a> Cmp<'s, 'a> {
    // ------------------------------------------------------------------ operations

    fn operations(&self, extras: &mut OpExtras) -> Vec<OperationSection> {
        let mut sections = Vec::new();
        for (o, n) in self.match_operations() {
            let mut sink = Sink::default();
            let shown = match n.or(o) {
                Some(op) => op,
                None => continue,
            };
            match (o, n) {
                (Some(o), Some(n)) => {
                    self.operation(o, n, &mut sink);
                    let key = (o.path.clone(), o.method.clone());
                    sink.changes.extend(extras.remove(&key).unwrap_or_default());
                }
                (None, Some(n)) => sink.push(
                    String::new(),
                    Direction::None,
                    ChangeKind::OperationAdded {
                        rust: n.rust.as_ref().map(|r| r.call.clone()),
                    },
                ),
                (Some(o), None) => sink.push(
                    String::new(),
                    Direction::None,
                    ChangeKind::OperationRemoved {
                        rust: o.rust.as_ref().map(|r| r.call.clone()),
                        builder: o.rust.as_ref().map(|r| r.builder.clone()),
                    },
                ),
                (None, None) => {}
            }
            if sink.changes.is_empty() {
                continue;
            }
            let mut items: Vec<String> = [o, n]
                .into_iter()
                .flatten()
                .filter_map(|op| op.rust.as_ref())
                .flat_map(|r| [r.group.clone(), r.builder.clone()])
                .collect();
            items.sort();
            items.dedup();
            sections.push(OperationSection {
                method: shown.method.clone(),
                path: shown.path.clone(),
                operation_id: shown.id.clone(),
                rust: shown.rust.as_ref().map(|r| r.call.clone()),
                changes: sink.changes,
                items,
            });
        }
        sections.sort_by(|a, b| {
            (&a.path, method_rank(&a.method), &a.operation_id).cmp(&(
                &b.path,
                method_rank(&b.method),
                &b.operation_id,
            ))
        });
        sections
    }

    /// Pairs old and new operations: same explicit `operationId`, else same method and
    /// path, else same method and path up to path-parameter names. The rest were added or
    /// removed.
    fn match_operations(&self) -> Vec<Pair<'s, 'a>> {
        let old = &self.old.ops;
        let new = &self.new.ops;
        let mut taken_old = vec![false; old.len()];
        let mut taken_new = vec![false; new.len()];
        let mut pairs: Vec<Pair<'s, 'a>> = Vec::new();
        type Same = fn(&Op<'_>, &Op<'_>) -> bool;
        let rules: [Same; 3] = [
            |o, n| o.explicit_id && n.explicit_id && o.id == n.id,
            |o, n| o.method == n.method && o.path == n.path,
            |o, n| o.method == n.method && shape(&o.path) == shape(&n.path),
        ];
        for same in rules {
            for (i, o) in old.iter().enumerate() {
                if taken_old[i] {
                    continue;
                }
                if let Some(j) = (0..new.len()).find(|&j| !taken_new[j] && same(o, &new[j])) {
                    taken_old[i] = true;
                    taken_new[j] = true;
                    pairs.push((Some(o), Some(&new[j])));
                }
            }
        }
        for (i, o) in old.iter().enumerate() {
            if !taken_old[i] {
                pairs.push((Some(o), None));
            }
        }
        for (j, n) in new.iter().enumerate() {
            if !taken_new[j] {
                pairs.push((None, Some(n)));
            }
        }
        pairs
    }

    fn operation(&self, o: &Op<'a>, n: &Op<'a>, sink: &mut Sink) {
        let none = Direction::None;
        if shape(&o.path) != shape(&n.path) {
            sink.push(
                String::new(),
                none,
                ChangeKind::PathChanged {
                    from: o.path.clone(),
                    to: n.path.clone(),
                },
            );
        }
        if o.method != n.method {
            sink.push(
                String::new(),
                none,
                ChangeKind::MethodChanged {
                    from: o.method.clone(),
                    to: n.method.clone(),
                },
            );
        }
        let (or, nr) = (o.rust.as_ref(), n.rust.as_ref());
        let names = |r: Option<&super::view::RustOp>| {
            r.map(|r| format!("`{}`, builder `{}`", r.call, r.builder))
        };
        if o.id != n.id {
            sink.push(
                String::new(),
                none,
                ChangeKind::OperationIdChanged {
                    from: o.id.clone(),
                    to: n.id.clone(),
                    rust: RustDelta::new(names(or), names(nr)),
                },
            );
        }
        if o.tag != n.tag {
            sink.push(
                String::new(),
                none,
                ChangeKind::TagChanged {
                    from: o.tag.clone(),
                    to: n.tag.clone(),
                    rust: RustDelta::new(
                        or.map(|r| format!("client.{}()", r.accessor)),
                        nr.map(|r| format!("client.{}()", r.accessor)),
                    ),
                },
            );
        }
        if o.scopes != n.scopes {
            sink.push(
                String::new(),
                none,
                ChangeKind::ScopesChanged {
                    added: minus(&n.scopes, &o.scopes),
                    removed: minus(&o.scopes, &n.scopes),
                },
            );
        }
        if o.deprecated != n.deprecated {
            sink.push(
                String::new(),
                none,
                ChangeKind::DeprecatedChanged {
                    deprecated: n.deprecated,
                },
            );
        }
        // A renamed method that neither the operationId nor the tag explains.
        if o.id == n.id
            && o.tag == n.tag
            && let (Some(or), Some(nr)) = (or, nr)
            && or.call != nr.call
        {
            sink.push(
                String::new(),
                none,
                ChangeKind::RustMethodRenamed {
                    rust: RustDelta::new(Some(or.call.clone()), Some(nr.call.clone())),
                },
            );
        }
        self.parameters(o, n, sink);
        self.body(o, n, sink);
        self.responses(o, n, sink);
        if let (Some(or), Some(nr)) = (or, nr) {
            let names = |args: &[String]| -> Vec<String> {
                args.iter()
                    .map(|a| a.split(':').next().unwrap_or(a).to_owned())
                    .collect()
            };
            let (on, nn) = (names(&or.args), names(&nr.args));
            let common_old: Vec<&String> = on.iter().filter(|a| nn.contains(a)).collect();
            let common_new: Vec<&String> = nn.iter().filter(|a| on.contains(a)).collect();
            if common_old != common_new {
                sink.push(
                    String::new(),
                    none,
                    ChangeKind::RustArgumentsReordered {
                        rust: RustDelta::new(
                            Some(format!("({})", or.args.join(", "))),
                            Some(format!("({})", nr.args.join(", "))),
                        ),
                    },
                );
            }
            if or.body_encoding == nr.body_encoding
                && or.body_type.is_some()
                && nr.body_type.is_some()
                && or.body_type != nr.body_type
            {
                sink.push(
                    "request body".to_owned(),
                    none,
                    ChangeKind::RustBodyTypeChanged {
                        rust: RustDelta::new(or.body_type.clone(), nr.body_type.clone()),
                    },
                );
            }
            if or.response_kind == nr.response_kind && or.returns != nr.returns {
                sink.push(
                    String::new(),
                    none,
                    ChangeKind::RustReturnTypeChanged {
                        rust: RustDelta::new(Some(or.returns.clone()), Some(nr.returns.clone())),
                    },
                );
            }
        }
    }

    fn parameters(&self, o: &Op<'a>, n: &Op<'a>, sink: &mut Sink) {
        let param = |op: &Op<'_>, key: &(String, String)| {
            op.rust.as_ref().and_then(|r| r.params.get(key).cloned())
        };
        let rust_of = |op: &Op<'_>, key: &(String, String)| param(op, key).map(|p| p.shown());
        let removed: Vec<&(String, String)> = o
            .params
            .keys()
            .filter(|k| !n.params.contains_key(*k))
            .collect();
        let mut added: Vec<&(String, String)> = n
            .params
            .keys()
            .filter(|k| !o.params.contains_key(*k))
            .collect();
        for key in removed {
            let op = &o.params[key];
            // Renamed: one added in the same place with the same schema and required flag.
            let twin = added.iter().position(|k| {
                let np = &n.params[*k];
                k.0 == key.0 && np.required == op.required && self.same(&op.schema, &np.schema)
            });
            if let Some(i) = twin {
                let new_key = added.remove(i);
                sink.push(
                    format!("{} parameter `{}`", new_key.0, new_key.1),
                    Direction::None,
                    ChangeKind::ParameterRenamed {
                        from: key.1.clone(),
                        to: new_key.1.clone(),
                        location: key.0.clone(),
                        // Callers pass positional arguments by position: only the type and
                        // the kind of input matter, not the name.
                        rust: RustDelta::new(
                            param(o, key).map(|p| p.contract()),
                            param(n, new_key).map(|p| p.contract()),
                        ),
                    },
                );
                continue;
            }
            sink.push(
                format!("{} parameter `{}`", key.0, key.1),
                Direction::None,
                ChangeKind::ParameterRemoved {
                    required: op.required,
                    rust: rust_of(o, key),
                },
            );
        }
        for key in added {
            sink.push(
                format!("{} parameter `{}`", key.0, key.1),
                Direction::None,
                ChangeKind::ParameterAdded {
                    required: n.params[key].required,
                    rust: rust_of(n, key),
                },
            );
        }
        for (key, op) in &o.params {
            let Some(np) = n.params.get(key) else {
                continue;
            };
            let base = format!("{} parameter `{}`", key.0, key.1);
            let rust = RustDelta::new(rust_of(o, key), rust_of(n, key));
            if op.required != np.required {
                sink.push(
                    base.clone(),
                    Direction::None,
                    ChangeKind::ParameterRequiredChanged {
                        required: np.required,
                        rust: rust.clone(),
                    },
                );
            }
            if let (Some(os), Some(ns)) = (&op.schema, &np.schema) {
                self.schema(os, ns, &At::new(base, rust, Usage::REQUEST), sink);
            }
        }
    }

    fn body(&self, o: &Op<'a>, n: &Op<'a>, sink: &mut Sink) {
        let base = "request body".to_owned();
        let encoding = |op: &Op<'_>| op.rust.as_ref().and_then(|r| r.body_encoding.clone());
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(b)) => sink.push(
                base,
                Direction::None,
                ChangeKind::RequestBodyAdded {
                    required: b.required,
                },
            ),
            (Some(_), None) => sink.push(base, Direction::None, ChangeKind::RequestBodyRemoved),
            (Some(ob), Some(nb)) => {
                if ob.required != nb.required {
                    sink.push(
                        base.clone(),
                        Direction::None,
                        ChangeKind::RequestBodyRequiredChanged {
                            required: nb.required,
                        },
                    );
                }
                let rust = RustDelta::new(encoding(o), encoding(n));
                self.content(&base, &ob.content, &nb.content, rust, Usage::REQUEST, sink);
            }
        }
    }

    fn responses(&self, o: &Op<'a>, n: &Op<'a>, sink: &mut Sink) {
        let success = |s: &str| s.starts_with('2');
        let removed: Vec<&String> = o
            .responses
            .keys()
            .filter(|s| !n.responses.contains_key(*s))
            .collect();
        let added: Vec<&String> = n
            .responses
            .keys()
            .filter(|s| !o.responses.contains_key(*s))
            .collect();
        let kind = |op: &Op<'_>| op.rust.as_ref().map(|r| r.response_kind.to_owned());
        let rust = RustDelta::new(kind(o), kind(n));
        // The one success status replaced by another: one change, and its bodies compared.
        let removed_ok: Vec<&&String> = removed.iter().filter(|s| success(s)).collect();
        let added_ok: Vec<&&String> = added.iter().filter(|s| success(s)).collect();
        let swapped = match (removed_ok.as_slice(), added_ok.as_slice()) {
            ([from], [to]) => Some(((**from).clone(), (**to).clone())),
            _ => None,
        };
        if let Some((from, to)) = &swapped {
            sink.push(
                String::new(),
                Direction::None,
                ChangeKind::SuccessStatusChanged {
                    from: from.clone(),
                    to: to.clone(),
                },
            );
        }
        for status in removed {
            if swapped.as_ref().is_some_and(|(from, _)| from == status) {
                continue;
            }
            sink.push(
                String::new(),
                Direction::None,
                ChangeKind::StatusRemoved {
                    status: status.clone(),
                    success: success(status),
                },
            );
        }
        for status in added {
            if swapped.as_ref().is_some_and(|(_, to)| to == status) {
                continue;
            }
            sink.push(
                String::new(),
                Direction::None,
                ChangeKind::StatusAdded {
                    status: status.clone(),
                    success: success(status),
                },
            );
        }
        let mut common: Vec<(&String, &String)> = o
            .responses
            .keys()
            .filter(|s| n.responses.contains_key(*s))
            .map(|s| (s, s))
            .collect();
        if let Some((from, to)) = &swapped {
            common.push((from, to));
        }
        for (os, ns) in common {
            let base = format!("response {ns}");
            let (or, nr) = (&o.responses[os], &n.responses[ns]);
            self.content(
                &base,
                &or.content,
                &nr.content,
                rust.clone(),
                Usage::RESPONSE,
                sink,
            );
        }
    }

    /// Media types of a body or response: added, removed, and the schemas of common ones.
    fn content(
        &self,
        base: &str,
        old: &BTreeMap<String, Option<Node<'a>>>,
        new: &BTreeMap<String, Option<Node<'a>>>,
        rust: RustDelta,
        usage: Usage,
        sink: &mut Sink,
    ) {
        let dir = if usage.request {
            Direction::Request
        } else {
            Direction::Response
        };
        for media in old.keys().filter(|m| !new.contains_key(*m)) {
            sink.push(
                base.to_owned(),
                dir,
                ChangeKind::ContentTypeRemoved {
                    media: media.clone(),
                    rust: rust.clone(),
                },
            );
        }
        for media in new.keys().filter(|m| !old.contains_key(*m)) {
            sink.push(
                base.to_owned(),
                dir,
                ChangeKind::ContentTypeAdded {
                    media: media.clone(),
                    rust: rust.clone(),
                },
            );
        }
        for (media, os) in old {
            let Some(ns) = new.get(media) else { continue };
            if let (Some(os), Some(ns)) = (os, ns) {
                // The Rust item at the top of a body is reported by the signature checks.
                let at = At::new(format!("{base} ({media})"), RustDelta::default(), usage);
                self.schema(os, ns, &at, sink);
            }
        }
    }

    // ------------------------------------------------------------------ schemas

    /// Generated types of inline schemas (parameter enums, inline bodies and objects) that
    /// are gone or renamed: a Rust break no wire comparison sees (an operationId rename
    /// renames them; extracting one into a component under another name replaces it).
    /// Reported in the section of the operation or schema the inline schema belongs to.
    fn inline_types(&self) -> (OpExtras, BTreeMap<String, Vec<Change>>) {
        let mut by_op = OpExtras::new();
        let mut by_schema: BTreeMap<String, Vec<Change>> = BTreeMap::new();
        for (pointer, name) in self.old.types() {
            if self.new.has_type(name) {
                continue;
            }
            let component = pointer
                .strip_prefix("#/components/schemas/")
                .map(|rest| rest.split('/').next().unwrap_or(rest))
                .map(unescape_token);
            // A removed or renamed component is reported as such.
            if let Some(c) = &component
                && !self.new.components.contains_key(c)
            {
                continue;
            }
            let renamed = self.new.type_at(pointer).map(|t| t.name.clone());
            let change = classify::change(
                String::new(),
                Direction::None,
                ChangeKind::RustTypeRemoved {
                    rust: RustDelta::new(Some(name.to_owned()), renamed),
                },
            );
            if let Some(c) = component {
                by_schema.entry(c).or_default().push(change);
            } else if let Some(key) = self.owner(pointer) {
                by_op.entry(key).or_default().push(change);
            }
        }
        (by_op, by_schema)
    }

    /// The old operation an inline schema belongs to, from its pointer
    /// (`#/paths/~1items/get/...`; path-level parameters go to the path's first operation).
    fn owner(&self, pointer: &str) -> Option<(String, String)> {
        let rest = pointer.strip_prefix("#/paths/")?;
        let mut parts = rest.split('/');
        let path = unescape_token(parts.next()?);
        let second = parts.next()?.to_ascii_uppercase();
        self.old
            .ops
            .iter()
            .find(|op| op.path == path && (op.method == second || second == "PARAMETERS"))
            .map(|op| (op.path.clone(), op.method.clone()))
    }

    fn schemas(&self, mut extras: BTreeMap<String, Vec<Change>>) -> Vec<SchemaSection> {
        let old = &self.old.components;
        let new = &self.new.components;
        let mut removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
        let mut added: Vec<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
        let mut sections = Vec::new();
        let type_name =
            |side: &Side<'_>, node: &Node<'_>| side.type_at(&node.pointer).map(|t| t.name.clone());
        let usage = |name: &str, other: &str| {
            let u = self.old.usage.get(name).copied().unwrap_or_default();
            u.union(self.new.usage.get(other).copied().unwrap_or_default())
        };
        // Renamed: removed and added with nothing else different.
        let mut renamed = Vec::new();
        removed.retain(|r| {
            let twin = added.iter().position(|a| {
                let mut sink = Sink::default();
                let at = At {
                    top: true,
                    ..At::new("", RustDelta::default(), Usage::default())
                };
                self.schema(&old[*r], &new[*a], &at, &mut sink);
                sink.changes.is_empty()
            });
            match twin {
                Some(i) => {
                    renamed.push(((*r).clone(), added.remove(i).clone()));
                    false
                }
                None => true,
            }
        });
        for (from, to) in renamed {
            let mut sink = Sink::default();
            sink.push(
                String::new(),
                direction(usage(&from, &to)),
                ChangeKind::SchemaRenamed {
                    from: from.clone(),
                    to: to.clone(),
                    rust: RustDelta::new(
                        type_name(self.old, &old[&from]),
                        type_name(self.new, &new[&to]),
                    ),
                },
            );
            sections.push(SchemaSection {
                name: to.clone(),
                rust: type_name(self.new, &new[&to]),
                used_in: direction(usage(&from, &to)),
                operations: self.affected(&from, &to),
                reach: Vec::new(),
                changes: sink.changes,
                items: names([
                    type_name(self.old, &old[&from]),
                    type_name(self.new, &new[&to]),
                ]),
            });
        }
        for name in removed {
            let mut sink = Sink::default();
            let rust = type_name(self.old, &old[name]);
            if rust.as_ref().is_some_and(|t| self.new.has_type(t)) {
                continue; // inlined back under the same name: the same Rust type
            }
            sink.push(
                String::new(),
                direction(usage(name, name)),
                ChangeKind::SchemaRemoved { rust: rust.clone() },
            );
            sections.push(SchemaSection {
                name: name.clone(),
                items: names([rust.clone()]),
                rust,
                used_in: direction(usage(name, name)),
                operations: self.affected(name, name),
                reach: Vec::new(),
                changes: sink.changes,
            });
        }
        for name in added {
            let mut sink = Sink::default();
            let rust = type_name(self.new, &new[name]);
            if rust.as_ref().is_some_and(|t| self.old.has_type(t)) {
                continue; // an inline schema extracted under its generated name: no change
            }
            sink.push(
                String::new(),
                direction(usage(name, name)),
                ChangeKind::SchemaAdded { rust: rust.clone() },
            );
            sections.push(SchemaSection {
                name: name.clone(),
                items: names([rust.clone()]),
                rust,
                used_in: direction(usage(name, name)),
                operations: self.affected(name, name),
                reach: Vec::new(),
                changes: sink.changes,
            });
        }
        for (name, on) in old {
            let Some(nn) = new.get(name) else { continue };
            let u = usage(name, name);
            let rust = RustDelta::new(
                self.old.describe_type(&on.pointer),
                self.new.describe_type(&nn.pointer),
            );
            let at = At {
                top: true,
                ..At::new("", rust, u)
            };
            let mut sink = Sink::default();
            self.schema(on, nn, &at, &mut sink);
            sink.changes.extend(extras.remove(name).unwrap_or_default());
            if sink.changes.is_empty() {
                continue;
            }
            sections.push(SchemaSection {
                name: name.clone(),
                rust: type_name(self.new, nn),
                used_in: direction(u),
                operations: self.affected(name, name),
                reach: Vec::new(),
                changes: sink.changes,
                items: names([type_name(self.old, on), type_name(self.new, nn)]),
            });
        }
        sections.sort_by(|a, b| a.name.cmp(&b.name));
        for section in &mut sections {
            section.reach = reach_groups(&section.operations);
        }
        sections
    }

    /// The operations that reach component `old` in the old spec or `new` in the new one.
    /// An operation in both (same method and path) is listed once, with the new spec's
    /// names, reached where either side reaches it.
    fn affected(&self, old: &str, new: &str) -> Vec<Affected> {
        let mut by_op: BTreeMap<(String, usize, String), Affected> = BTreeMap::new();
        for (side, name) in [(self.old, old), (self.new, new)] {
            for reach in side.reaches(name) {
                let op = reach.op;
                let key = (op.path.clone(), method_rank(&op.method), op.method.clone());
                let entry = by_op.entry(key).or_insert_with(|| Affected {
                    method: op.method.clone(),
                    path: op.path.clone(),
                    operation_id: op.id.clone(),
                    call: None,
                    reached: Direction::Unused,
                    request_via: None,
                    response_via: None,
                    success_via: None,
                    success_response: None,
                    error_via: None,
                    error_response: None,
                });
                // The new side comes second: its names win, its chains too.
                entry.operation_id = op.id.clone();
                entry.call = op
                    .rust
                    .as_ref()
                    .map(|r| r.call_path.clone())
                    .or(entry.call.take());
                if reach.request.is_some() {
                    entry.request_via = reach.request;
                }
                if reach.response.is_some() {
                    entry.response_via = reach.response;
                }
                if let Some(r) = reach.success {
                    entry.success_via = Some(r.via);
                    entry.success_response = r.shared;
                }
                if let Some(r) = reach.error {
                    entry.error_via = Some(r.via);
                    entry.error_response = r.shared;
                }
                entry.reached = direction(Usage {
                    request: entry.request_via.is_some(),
                    response: entry.response_via.is_some(),
                });
            }
        }
        by_op.into_values().collect()
    }

    /// Whether two optional schemas are the same (no change at all between them).
    fn same(&self, old: &Option<Node<'a>>, new: &Option<Node<'a>>) -> bool {
        match (old, new) {
            (None, None) => true,
            (Some(o), Some(n)) => {
                let mut sink = Sink::default();
                let at = At::new("", RustDelta::default(), Usage::REQUEST);
                self.schema(o, n, &at, &mut sink);
                sink.changes.is_empty()
            }
            _ => false,
        }
    }

    /// Compares two schema positions.
    fn schema(&self, o: &Node<'a>, n: &Node<'a>, at: &At, sink: &mut Sink) {
        if !at.top
            && let (Some(a), Some(b)) = (Side::component_of(o.value), Side::component_of(n.value))
            && a == b
        {
            return; // compared once, in the component's own section
        }
        let (ro, rn) = (self.old.resolve(o), self.new.resolve(n));
        let key = (ro.pointer.clone(), rn.pointer.clone());
        if !sink.visiting.insert(key.clone()) {
            return; // a recursive schema: this pair is being compared further up
        }
        let fo = flatten(self.old, &ro, 0);
        let fnew = flatten(self.new, &rn, 0);
        self.flat(&fo, &fnew, at, sink);
        sink.visiting.remove(&key);
    }

    fn flat(&self, o: &Flat<'a>, n: &Flat<'a>, at: &At, sink: &mut Sink) {
        let loc = at.location();
        let dir = at.direction();
        if o.type_label() != n.type_label() {
            sink.push(
                loc,
                dir,
                ChangeKind::TypeChanged {
                    from: o.type_label(),
                    to: n.type_label(),
                    rust: at.rust.clone(),
                },
            );
            return; // what follows would restate the type change
        }
        if o.nullable != n.nullable {
            sink.push(
                loc.clone(),
                dir,
                ChangeKind::NullableChanged {
                    nullable: n.nullable,
                    rust: if at.top {
                        // A component's `nullable` travels through every `$ref` to it: the
                        // fields that hold it are what changes, not the type itself.
                        self.holders(&o.pointer, &n.pointer)
                            .unwrap_or_else(|| at.rust.clone())
                    } else {
                        at.rust.clone()
                    },
                },
            );
        }
        if let (Some(ov), Some(nv)) = (&o.enumeration, &n.enumeration) {
            for value in ov.iter().filter(|v| !nv.contains(v)) {
                sink.push(
                    loc.clone(),
                    dir,
                    ChangeKind::EnumValueRemoved {
                        value: value.clone(),
                        rust_variant: self.old.enum_variant(&o.pointer, value).0,
                    },
                );
            }
            for value in nv.iter().filter(|v| !ov.contains(v)) {
                let (rust_variant, _) = self.new.enum_variant(&n.pointer, value);
                sink.push(
                    loc.clone(),
                    dir,
                    ChangeKind::EnumValueAdded {
                        value: value.clone(),
                        rust_variant,
                        catch_all: self.old.enum_variant(&o.pointer, value).1,
                    },
                );
            }
        }
        if o.default != n.default {
            sink.push(
                loc.clone(),
                dir,
                ChangeKind::DefaultChanged {
                    from: o.default.clone(),
                    to: n.default.clone(),
                    rust: RustDelta::new(
                        self.old.enum_default(&o.pointer),
                        self.new.enum_default(&n.pointer),
                    ),
                },
            );
        }
        for limit in LIMITS {
            let (from, to) = (o.limits.get(limit), n.limits.get(limit));
            if from != to {
                sink.push(
                    loc.clone(),
                    dir,
                    ChangeKind::LimitChanged {
                        limit: limit.to_owned(),
                        from: from.cloned(),
                        to: to.cloned(),
                        tightened: tightened(limit, from, to),
                    },
                );
            }
        }
        if o.additional_allowed != n.additional_allowed {
            sink.push(
                loc.clone(),
                dir,
                ChangeKind::AdditionalPropertiesChanged {
                    allowed: n.additional_allowed,
                    rust: RustDelta::new(
                        self.old.keeps_additional(&o.pointer).map(keeps),
                        self.new.keeps_additional(&n.pointer).map(keeps),
                    ),
                },
            );
        }
        self.properties(o, n, at, sink);
        if let (Some(oi), Some(ni)) = (&o.items, &n.items) {
            self.schema(oi, ni, &at.child("[]", at.rust.clone(), at.usage), sink);
        }
        for (label, _) in o
            .variants
            .iter()
            .filter(|(l, _)| !n.variants.contains_key(*l))
        {
            sink.push(
                loc.clone(),
                dir,
                ChangeKind::VariantRemoved {
                    variant: label.clone(),
                    rust: at.rust.clone(),
                },
            );
        }
        for (label, node) in n
            .variants
            .iter()
            .filter(|(l, _)| !o.variants.contains_key(*l))
        {
            let (rust_variant, catch_all, captures) = self.captures(o, n, node, at.usage.response);
            sink.push(
                loc.clone(),
                dir,
                ChangeKind::VariantAdded {
                    variant: label.clone(),
                    rust: at.rust.clone(),
                    rust_variant,
                    catch_all,
                    captures,
                },
            );
        }
        for (label, ov) in &o.variants {
            if let Some(nv) = n.variants.get(label) {
                self.schema(
                    ov,
                    nv,
                    &at.child(&format!("<{label}>"), RustDelta::default(), at.usage),
                    sink,
                );
            }
        }
    }

    /// The struct fields that hold the types generated at `old` and `new` (declarations,
    /// joined), or `None` when no field does on either side.
    fn holders(&self, old: &str, new: &str) -> Option<RustDelta> {
        let decls = |side: &Side<'a>, pointer: &str| -> Option<String> {
            let name = &side.type_at(pointer)?.name;
            let list = side.fields_holding(name);
            (!list.is_empty()).then(|| list.join(", "))
        };
        let delta = RustDelta::new(decls(self.old, old), decls(self.new, new));
        (delta.before.is_some() || delta.after.is_some()).then_some(delta)
    }

    /// The new union variant for the alternative at `added` (a `oneOf`/`anyOf` member of
    /// `n`), and the variants that decoded, before, values it may now take: serde tries a
    /// tagged union's tag first and falls back to its catch-all (only received unions have
    /// one), and an untagged union's variants in order. Only decoding can change, so only
    /// for a received union.
    fn captures(
        &self,
        o: &Flat<'a>,
        n: &Flat<'a>,
        added: &Node<'a>,
        received: bool,
    ) -> (Option<String>, Option<String>, Vec<String>) {
        let (Some((old_name, ou)), Some((name, nu))) =
            (self.old.union_at(&o.pointer), self.new.union_at(&n.pointer))
        else {
            return (None, None, Vec::new());
        };
        let index = added
            .pointer
            .rsplit('/')
            .next()
            .and_then(|i| i.parse::<usize>().ok());
        let Some(variant) = index.and_then(|i| nu.variants.get(i)) else {
            return (None, None, Vec::new());
        };
        let path = |v: &str| format!("{name}::{v}");
        let rust_variant = Some(path(&variant.name));
        // A received tagged union has a catch-all, named `Unknown` unless a variant took
        // that name.
        let catch_all =
            (received && ou.tag.is_some() && !ou.variants.iter().any(|v| v.name == "Unknown"))
                .then(|| path("Unknown"));
        if !received || old_name != name {
            return (rust_variant, catch_all, Vec::new());
        }
        let captures = match (&ou.tag, &nu.tag, &catch_all) {
            (Some(_), Some(_), Some(other)) => vec![other.clone()],
            (None, None, _) => {
                let before: Vec<&str> = ou.variants.iter().map(|v| v.name.as_str()).collect();
                nu.variants
                    .iter()
                    .skip(index.unwrap_or(0) + 1)
                    .filter(|v| before.contains(&v.name.as_str()))
                    .map(|v| path(&v.name))
                    .collect()
            }
            _ => Vec::new(),
        };
        (rust_variant, catch_all, captures)
    }

    fn properties(&self, o: &Flat<'a>, n: &Flat<'a>, at: &At, sink: &mut Sink) {
        let names: BTreeSet<&String> = o.properties.keys().chain(n.properties.keys()).collect();
        for name in names {
            let field = RustDelta::new(
                self.old.field(&o.pointer, name).map(|f| f.decl),
                self.new.field(&n.pointer, name).map(|f| f.decl),
            );
            let suffix = format!(".{name}");
            match (o.properties.get(name), n.properties.get(name)) {
                (None, Some(p)) => {
                    let usage = narrow(at.usage, &flatten(self.new, &self.new.resolve(p), 0));
                    let f = self.new.field(&n.pointer, name);
                    sink.push(
                        at.child(&suffix, RustDelta::default(), usage).location(),
                        direction(usage),
                        ChangeKind::PropertyAdded {
                            required: n.required.contains(name),
                            constructor_argument: f.as_ref().is_some_and(|f| f.in_new),
                            rust: f.map(|f| f.decl),
                        },
                    );
                }
                (Some(p), None) => {
                    let usage = narrow(at.usage, &flatten(self.old, &self.old.resolve(p), 0));
                    sink.push(
                        at.child(&suffix, RustDelta::default(), usage).location(),
                        direction(usage),
                        ChangeKind::PropertyRemoved {
                            required: o.required.contains(name),
                            rust: field.before.clone(),
                        },
                    );
                }
                (Some(op), Some(np)) => {
                    let usage = narrow(at.usage, &flatten(self.new, &self.new.resolve(np), 0));
                    let child = at.child(&suffix, field.clone(), usage);
                    let required = n.required.contains(name);
                    if o.required.contains(name) != required {
                        sink.push(
                            child.location(),
                            child.direction(),
                            ChangeKind::PropertyRequiredChanged {
                                required,
                                rust: field,
                            },
                        );
                    }
                    self.schema(op, np, &child, sink);
                }
                (None, None) => {}
            }
        }
    }
}

/// A property's usage: `readOnly` ones are only received, `writeOnly` ones only sent.
fn narrow(usage: Usage, prop: &Flat<'_>) -> Usage {
    Usage {
        request: usage.request && !prop.read_only,
        response: usage.response && !prop.write_only,
    }
}

fn keeps(yes: bool) -> String {
    if yes {
        "keeps unknown properties in `additional_properties`".to_owned()
    } else {
        "no `additional_properties` field".to_owned()
    }
}

/// Whether a limit change makes fewer values valid.
fn tightened(limit: &str, from: Option<&Value>, to: Option<&Value>) -> bool {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    match limit {
        "maximum" | "maxLength" | "maxItems" | "maxProperties" => match (num(from), num(to)) {
            (Some(a), Some(b)) => b < a,
            (None, Some(_)) => true,
            _ => false,
        },
        "minimum" | "minLength" | "minItems" | "minProperties" => match (num(from), num(to)) {
            (Some(a), Some(b)) => b > a,
            (None, Some(b)) => b > 0.0,
            _ => false,
        },
        "exclusiveMaximum" | "exclusiveMinimum" | "uniqueItems" => {
            to.and_then(Value::as_bool).unwrap_or(false)
        }
        // A new or different pattern / multipleOf may refuse values the old one accepted.
        _ => to.is_some(),
    }
}

/// The keywords of a resolved schema, with `allOf` members merged in.
fn flatten<'a>(side: &Side<'a>, node: &Node<'a>, depth: usize) -> Flat<'a> {
    let v = node.value;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let b = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut flat = Flat {
        ty: s("type").unwrap_or_default(),
        format: s("format"),
        // An extensible enum's known values are its values for a reader of the diff (the
        // generator makes them variants beside a catch-all).
        enumeration: v
            .get("enum")
            .or_else(|| v.get("x-extensible-enum"))
            .and_then(Value::as_array)
            .cloned(),
        nullable: b("nullable"),
        read_only: b("readOnly"),
        write_only: b("writeOnly"),
        default: v.get("default").cloned(),
        limits: LIMITS
            .iter()
            .filter_map(|k| v.get(*k).map(|x| (*k, x.clone())))
            .filter(|(k, x)| {
                !(k.starts_with("exclusive") || *k == "uniqueItems") || x != &Value::Bool(false)
            })
            .collect(),
        properties: BTreeMap::new(),
        required: BTreeSet::new(),
        additional_allowed: v.get("additionalProperties") != Some(&Value::Bool(false)),
        items: v.get("items").map(|i| Node {
            value: i,
            pointer: format!("{}/items", node.pointer),
        }),
        variants: BTreeMap::new(),
        pointer: node.pointer.clone(),
    };
    if depth < 16 {
        for (i, member) in v
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let member = side.resolve(&Node {
                value: member,
                pointer: format!("{}/allOf/{i}", node.pointer),
            });
            let m = flatten(side, &member, depth + 1);
            if flat.ty.is_empty() {
                flat.ty = m.ty;
            }
            flat.format = flat.format.or(m.format);
            flat.enumeration = flat.enumeration.or(m.enumeration);
            flat.nullable |= m.nullable;
            flat.default = flat.default.or(m.default);
            for (k, x) in m.limits {
                flat.limits.entry(k).or_insert(x);
            }
            for (k, p) in m.properties {
                flat.properties.entry(k).or_insert(p);
            }
            flat.required.extend(m.required);
            flat.additional_allowed &= m.additional_allowed;
        }
    }
    for (k, p) in v
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        flat.properties.insert(
            k.clone(),
            Node {
                value: p,
                pointer: push_pointer(&format!("{}/properties", node.pointer), k),
            },
        );
    }
    flat.required.extend(
        v.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    for keyword in ["oneOf", "anyOf"] {
        for (i, member) in v
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let label = Side::component_of(member)
                .or_else(|| {
                    member
                        .get("title")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| format!("{keyword}[{i}]"));
            flat.variants.insert(
                label,
                Node {
                    value: member,
                    pointer: format!("{}/{keyword}/{i}", node.pointer),
                },
            );
        }
    }
    if flat.ty.is_empty() {
        flat.ty = if !flat.properties.is_empty() || v.get("additionalProperties").is_some() {
            "object"
        } else if flat.items.is_some() {
            "array"
        } else if !flat.variants.is_empty() {
            "union"
        } else {
            "any"
        }
        .to_owned();
    }
    flat
}

/// A path template with parameter names erased: `/links/{}`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The distinct names among `list`.
fn names<const N: usize>(list: [Option<String>; N]) -> Vec<String> {
    let mut out: Vec<String> = list.into_iter().flatten().collect();
    out.sort();
    out.dedup();
    out
}

fn minus(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

fn method_rank(m: &str) -> usize {
    [
        "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
    ]
    .iter()
    .position(|x| *x == m)
    .unwrap_or(usize::MAX)
}

/// The operations grouped by the part that reaches the schema and the shared parent it is
/// reached through (see [`ReachGroup`]): largest group first, then by part and parent. An
/// operation reached in its request and its error responses is in two groups.
pub fn reach_groups(operations: &[Affected]) -> Vec<ReachGroup> {
    let mut groups: BTreeMap<(Part, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, a) in operations.iter().enumerate() {
        let parts = [
            (Part::Request, &a.request_via, &None),
            (Part::SuccessResponse, &a.success_via, &a.success_response),
            (Part::ErrorResponse, &a.error_via, &a.error_response),
        ];
        for (part, via, shared) in parts {
            let Some(via) = via else { continue };
            let through = match (shared, via.first()) {
                (Some(response), _) => Some(push_pointer("#/components/responses", response)),
                (None, Some(schema)) => Some(push_pointer("#/components/schemas", schema)),
                (None, None) => None,
            };
            groups.entry((part, through)).or_default().push(i);
        }
    }
    let mut out: Vec<ReachGroup> = groups
        .into_iter()
        .map(|((part, through), operations)| ReachGroup {
            part,
            through,
            count: operations.len(),
            operations,
        })
        .collect();
    // Stable: equal counts keep the map's (part, parent) order.
    out.sort_by_key(|g| std::cmp::Reverse(g.count));
    out
}
