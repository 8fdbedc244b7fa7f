//! One side of the comparison: the spec's operations with every `$ref` followed, and the
//! facts about the generated Rust API (from the generator's IR) that classification needs.
//!
//! The wire view is read from the raw JSON tree (`Spec::raw`) rather than the typed
//! `openapiv3` model: every node, extension and `$ref` is reachable the same way, and the
//! JSON pointers computed here are the ones the generator records in `TypeDef::pointer`,
//! which is how a schema is matched to the Rust struct generated for it.

use std::collections::{BTreeMap, BTreeSet};

use generator::error::{push_pointer, unescape_token};
use generator::ir;
use serde_json::Value;

/// Where a schema is used: what decides whether a change hurts senders or receivers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Sent by clients (parameters, request bodies).
    pub request: bool,
    /// Received by clients (response bodies, error bodies included).
    pub response: bool,
}

impl Usage {
    /// Only in requests.
    pub const REQUEST: Usage = Usage {
        request: true,
        response: false,
    };
    /// Only in responses.
    pub const RESPONSE: Usage = Usage {
        request: false,
        response: true,
    };

    /// Used in either side's usage.
    pub fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

/// A schema (or `$ref` to one) and the pointer the generator knows it by.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The node as written (maybe a `$ref`).
    pub value: &'a Value,
    /// JSON pointer as a URI fragment (`#/components/schemas/Link`).
    pub pointer: String,
}

/// How one operation reaches a component schema (see [`Side::reaches`]).
#[derive(Debug)]
pub struct OpReach<'s, 'a> {
    /// The operation.
    pub op: &'s Op<'a>,
    /// In its request: the components in between (empty: directly).
    pub request: Option<Vec<String>>,
    /// In a response body (error bodies included).
    pub response: Option<Vec<String>>,
    /// In a success (`2XX`) response body.
    pub success: Option<ResponseReach>,
    /// In any other response body (`4XX`, `5XX`, `default`, ...): an error.
    pub error: Option<ResponseReach>,
}

/// How one class of an operation's responses (success or error) reaches a component:
/// the shortest chain among its statuses (the first status in order on a tie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseReach {
    /// The components in between (empty: directly).
    pub via: Vec<String>,
    /// The shared response (`#/components/responses/X`) that status is written as, if it
    /// is one: with the schema chain, what a whole family of operations reaches it through.
    pub shared: Option<String>,
}

/// One operation, as far as the wire is concerned, plus its generated Rust surface.
#[derive(Debug)]
pub struct Op<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// `operationId`, or the generator's fallback `{method}_{path}`.
    pub id: String,
    /// Whether `operationId` is written in the spec.
    pub explicit_id: bool,
    /// First tag (the generator's resource group).
    pub tag: Option<String>,
    /// Required scopes (`x-scopes`, or OAuth2 scopes), sorted.
    pub scopes: Vec<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters by `(location, name)`, path-level ones merged in.
    pub params: BTreeMap<(String, String), Param<'a>>,
    /// The request body.
    pub body: Option<Body<'a>>,
    /// Responses by status code (`200`, `4XX`, `default`).
    pub responses: BTreeMap<String, Response<'a>>,
    /// The generated method, builder and signature.
    pub rust: Option<RustOp>,
}

/// One parameter.
#[derive(Debug)]
pub struct Param<'a> {
    /// `required` (always true in the path).
    pub required: bool,
    /// Its schema (or the schema of its single `content` entry).
    pub schema: Option<Node<'a>>,
}

/// A request body.
#[derive(Debug)]
pub struct Body<'a> {
    /// `required`.
    pub required: bool,
    /// Schema per media type.
    pub content: BTreeMap<String, Option<Node<'a>>>,
}

/// One response.
#[derive(Debug)]
pub struct Response<'a> {
    /// Schema per media type.
    pub content: BTreeMap<String, Option<Node<'a>>>,
    /// The name of the shared response (`#/components/responses/X`) it is a `$ref` to.
    pub shared: Option<String>,
}

/// The generated Rust surface of one operation.
#[derive(Debug, Clone)]
pub struct RustOp {
    /// `client.links().list()`.
    pub call: String,
    /// `client.links().get(..)`: the call with `..` for its positional arguments.
    pub call_path: String,
    /// Group accessor on `Client` (`links`).
    pub accessor: String,
    /// The group's struct (`Links`), which has the method.
    pub group: String,
    /// Request builder type (`ListLinks`).
    pub builder: String,
    /// Positional arguments, in order: `id: String`.
    pub args: Vec<String>,
    /// How each parameter appears, by `(location, wire name)`.
    pub params: BTreeMap<(String, String), RustParam>,
    /// How the body is encoded (`JSON`, `form`, `multipart`, `bytes`).
    pub body_encoding: Option<String>,
    /// The body's Rust type (`CreateLinkRequest`), or its parts for multipart.
    pub body_type: Option<String>,
    /// What kind of response `send()` decodes (`JSON`, `text`, `bytes`, `nothing`).
    pub response_kind: &'static str,
    /// What `send()` returns.
    pub returns: String,
}

/// How a parameter appears in the generated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustParam {
    /// Rust name (argument or setter).
    pub name: String,
    /// Rust type.
    pub ty: String,
    /// A positional argument (else a builder setter).
    pub positional: bool,
    /// A setter without argument (`enum: [true]` booleans).
    pub flag: bool,
}

impl RustParam {
    /// `argument `id: String`` or `setter `.size(i64)``.
    pub fn shown(&self) -> String {
        if self.positional {
            format!("argument `{}: {}`", self.name, self.ty)
        } else if self.flag {
            format!("setter `.{}()`", self.name)
        } else {
            format!("setter `.{}({})`", self.name, self.ty)
        }
    }

    /// What a caller's code depends on: positional arguments are passed by position, so
    /// their name does not matter; setters are called by name.
    pub fn contract(&self) -> String {
        if self.positional {
            format!("positional argument of type `{}`", self.ty)
        } else {
            self.shown()
        }
    }
}

/// A generated struct field, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustField {
    /// `name: Option<String>`.
    pub decl: String,
    /// Whether `Type::new(..)` takes it as an argument.
    pub in_new: bool,
}

/// Everything known about one spec.
pub struct Side<'a> {
    raw: &'a Value,
    /// Operations in spec order.
    pub ops: Vec<Op<'a>>,
    /// `components.schemas`, by name.
    pub components: BTreeMap<String, Node<'a>>,
    /// Where each component schema is used (transitively).
    pub usage: BTreeMap<String, Usage>,
    /// The component schemas each component's own schema names (`$ref`s, not followed).
    refs: BTreeMap<String, BTreeSet<String>>,
    types: BTreeMap<&'a str, &'a ir::TypeDef>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMA_PREFIX: &str = "#/components/schemas/";

impl<'a> Side<'a> {
    /// Builds the view of a spec that `generator::build_api` accepted (`api`).
    pub fn new(raw: &'a Value, api: &'a ir::Api) -> Side<'a> {
        let types = api.types.iter().map(|t| (t.pointer.as_str(), t)).collect();
        let mut side = Side {
            raw,
            ops: Vec::new(),
            components: BTreeMap::new(),
            usage: BTreeMap::new(),
            refs: BTreeMap::new(),
            types,
        };
        if let Some(schemas) = raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, value) in schemas {
                side.components.insert(
                    name.clone(),
                    Node {
                        value,
                        pointer: push_pointer("#/components/schemas", name),
                    },
                );
            }
        }
        let rust = rust_ops(api);
        let mut ops = Vec::new();
        for (path, item) in raw
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let item_ptr = push_pointer("#/paths", path);
            let item = side.deref(item);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let ptr = format!("{item_ptr}/{method}");
                ops.push(side.op(path, method, op, item, &item_ptr, &ptr, &rust));
            }
        }
        side.ops = ops;
        side.usage = side.compute_usage();
        side.refs = side
            .components
            .iter()
            .map(|(name, node)| (name.clone(), side.component_refs(node.value)))
            .collect();
        side
    }

    /// How each operation reaches component `name`: in its request and in its responses,
    /// each as the shortest chain of other components in between (empty: directly).
    /// Operations that do not reach it are left out; the rest are in spec order.
    pub fn reaches(&self, name: &str) -> Vec<OpReach<'_, 'a>> {
        let mut out = Vec::new();
        for op in &self.ops {
            let mut request: Vec<&Node<'a>> = op
                .params
                .values()
                .filter_map(|p| p.schema.as_ref())
                .collect();
            if let Some(b) = &op.body {
                request.extend(b.content.values().flatten());
            }
            let response: Vec<&Node<'a>> = op
                .responses
                .values()
                .flat_map(|r| r.content.values().flatten())
                .collect();
            let request = self.chain(&request, name);
            let response = self.chain(&response, name);
            if request.is_none() && response.is_none() {
                continue;
            }
            let (mut success, mut error) = (None, None);
            if response.is_some() {
                for (status, r) in &op.responses {
                    let nodes: Vec<&Node<'a>> = r.content.values().flatten().collect();
                    let Some(via) = self.chain(&nodes, name) else {
                        continue;
                    };
                    let class = if status.starts_with('2') {
                        &mut success
                    } else {
                        &mut error
                    };
                    // Statuses come in order: a later one only wins with a shorter chain.
                    if class
                        .as_ref()
                        .is_none_or(|c: &ResponseReach| via.len() < c.via.len())
                    {
                        *class = Some(ResponseReach {
                            via,
                            shared: r.shared.clone(),
                        });
                    }
                }
            }
            out.push(OpReach {
                op,
                request,
                response,
                success,
                error,
            });
        }
        out
    }

    /// The shortest chain of components from `roots` to component `target` (breadth
    /// first, names in sorted order at each step, so the answer is deterministic).
    fn chain(&self, roots: &[&Node<'a>], target: &str) -> Option<Vec<String>> {
        let start: BTreeSet<String> = roots
            .iter()
            .flat_map(|n| self.component_refs(n.value))
            .collect();
        if start.contains(target) {
            return Some(Vec::new());
        }
        let mut seen: BTreeSet<String> = start.clone();
        let mut queue: std::collections::VecDeque<Vec<String>> =
            start.into_iter().map(|n| vec![n]).collect();
        while let Some(path) = queue.pop_front() {
            let last = path.last().map(String::as_str).unwrap_or_default();
            for next in self.refs.get(last).into_iter().flatten() {
                if next == target {
                    return Some(path);
                }
                if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    queue.push_back(longer);
                }
            }
        }
        None
    }

    /// The component schemas a schema names, without descending into them (references
    /// to other places, such as a schema under `paths`, are followed).
    fn component_refs(&self, value: &'a Value) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut followed = BTreeSet::new();
        self.collect_refs(value, &mut out, &mut followed);
        out
    }

    fn collect_refs(
        &self,
        value: &'a Value,
        out: &mut BTreeSet<String>,
        followed: &mut BTreeSet<String>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if let Some(name) = Side::component_of(value) {
                        out.insert(name);
                    } else if followed.insert(reference.to_owned())
                        && let Some(target) = lookup(self.raw, reference)
                    {
                        self.collect_refs(target, out, followed);
                    }
                    return;
                }
                for (key, v) in map {
                    if key != "example" && key != "examples" {
                        self.collect_refs(v, out, followed);
                    }
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|v| self.collect_refs(v, out, followed)),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn op(
        &self,
        path: &str,
        method: &str,
        op: &'a Value,
        item: &'a Value,
        item_ptr: &str,
        ptr: &str,
        rust: &BTreeMap<String, RustOp>,
    ) -> Op<'a> {
        let explicit = op.get("operationId").and_then(Value::as_str);
        let id = explicit.map_or_else(|| format!("{method}_{path}"), str::to_owned);
        let mut params = BTreeMap::new();
        // Path-level parameters first; operation-level ones override by (name, location).
        for (list, at) in [(item, item_ptr), (op, ptr)] {
            for (i, p) in list
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let p = self.deref(p);
                let (Some(name), Some(location)) = (
                    p.get("name").and_then(Value::as_str),
                    p.get("in").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let here = format!("{at}/parameters/{i}");
                let schema = match p.get("schema") {
                    Some(s) => Some(Node {
                        value: s,
                        pointer: format!("{here}/schema"),
                    }),
                    None => p
                        .get("content")
                        .and_then(Value::as_object)
                        .and_then(|c| c.iter().next())
                        .and_then(|(media, mt)| {
                            mt.get("schema").map(|s| Node {
                                value: s,
                                pointer: format!(
                                    "{}/schema",
                                    push_pointer(&format!("{here}/content"), media)
                                ),
                            })
                        }),
                };
                let required = location == "path"
                    || p.get("required").and_then(Value::as_bool).unwrap_or(false);
                params.insert(
                    (location.to_owned(), name.to_owned()),
                    Param { required, schema },
                );
            }
        }
        let body = op.get("requestBody").map(|b| {
            let at = format!("{ptr}/requestBody");
            let b = self.deref(b);
            Body {
                required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
                content: content(b, &at),
            }
        });
        let mut responses = BTreeMap::new();
        for (code, r) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = push_pointer(&format!("{ptr}/responses"), code);
            let shared = r
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|s| s.strip_prefix("#/components/responses/"))
                .map(unescape_token);
            let r = self.deref(r);
            // `2xx` and `2XX` are the same range; `default` stays as written.
            let code = if code.len() == 3 {
                code.to_ascii_uppercase()
            } else {
                code.clone()
            };
            responses.insert(
                code,
                Response {
                    content: content(r, &at),
                    shared,
                },
            );
        }
        let rust = rust.get(&id).cloned();
        let mut scopes: Vec<String> = match op.get("x-scopes").and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            None => rust_scopes(op, self.raw),
        };
        scopes.sort();
        scopes.dedup();
        Op {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            id,
            explicit_id: explicit.is_some(),
            tag: op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .map(str::to_owned),
            scopes,
            deprecated: op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            params,
            body,
            responses,
            rust,
        }
    }

    /// Follows a `$ref` chain (parameters, bodies, responses, path items) to its target.
    pub fn deref(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| lookup(self.raw, r))
            {
                Some(target) => value = target,
                None => return value,
            }
        }
        value
    }

    /// The schema a node denotes, with the pointer the generator gives it: a component
    /// reference moves to `#/components/schemas/X`, other references to their target.
    pub fn resolve(&self, node: &Node<'a>) -> Node<'a> {
        let mut current = node.clone();
        for _ in 0..32 {
            let Some(reference) = current.value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = lookup(self.raw, reference) else {
                break;
            };
            current = Node {
                value: target,
                pointer: reference.to_owned(),
            };
        }
        current
    }

    /// The Rust type generated for the schema at `pointer`, if one was.
    pub fn type_at(&self, pointer: &str) -> Option<&'a ir::TypeDef> {
        self.types.get(pointer).copied()
    }

    /// Whether a generated type has this name.
    pub fn has_type(&self, name: &str) -> bool {
        self.types.values().any(|t| t.name == name)
    }

    /// Every generated type: `(pointer, name)`, by pointer.
    pub fn types(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.types.iter().map(|(p, t)| (*p, t.name.as_str()))
    }

    /// The generated field for property `wire` of the object schema at `pointer`.
    pub fn field(&self, pointer: &str, wire: &str) -> Option<RustField> {
        let def = self.type_at(pointer)?;
        let ir::TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        let f = s.fields.iter().find(|f| f.wire == wire)?;
        Some(RustField {
            decl: format!("{}::{}: {}", def.name, f.name, field_type(f)),
            in_new: f.shape() == ir::FieldShape::Plain,
        })
    }

    /// Every struct field whose type holds the generated type `name` (directly, in an
    /// `Option`, a `Vec` or a map), declared: `Item::note: Option<Note>`; sorted.
    pub fn fields_holding(&self, name: &str) -> Vec<String> {
        fn holds(ty: &ir::Ty, name: &str) -> bool {
            match ty {
                ir::Ty::Named(n) => n == name,
                ir::Ty::Vec(t) | ir::Ty::Map(t) | ir::Ty::Option(t) => holds(t, name),
                _ => false,
            }
        }
        let mut out: Vec<String> = self
            .types
            .values()
            .filter_map(|def| match &def.kind {
                ir::TypeKind::Struct(s) => Some((def, s)),
                _ => None,
            })
            .flat_map(|(def, s)| {
                s.fields
                    .iter()
                    .filter(|f| holds(&f.ty, name))
                    .map(move |f| format!("{}::{}: {}", def.name, f.name, field_type(f)))
            })
            .collect();
        out.sort();
        out
    }

    /// What kind of Rust type the schema at `pointer` became: `struct Link`.
    pub fn describe_type(&self, pointer: &str) -> Option<String> {
        let def = self.type_at(pointer)?;
        let name = &def.name;
        Some(match &def.kind {
            ir::TypeKind::Struct(_) => format!("struct {name}"),
            ir::TypeKind::StringEnum(_) => format!("enum {name} (string values)"),
            ir::TypeKind::IntEnum(_) => format!("enum {name} (integer values)"),
            ir::TypeKind::Union(_) => format!("enum {name} (union)"),
            ir::TypeKind::Alias(ty) => format!("type {name} = {}", render_ty(ty)),
        })
    }

    /// The variant of the enum generated at `pointer` for `value` (`ItemStatus::Paused`),
    /// and the enum's catch-all (`ItemStatus::Other`).
    pub fn enum_variant(&self, pointer: &str, value: &Value) -> (Option<String>, Option<String>) {
        let Some(def) = self.type_at(pointer) else {
            return (None, None);
        };
        let path = |v: &str| format!("{}::{v}", def.name);
        match &def.kind {
            ir::TypeKind::StringEnum(e) => (
                value.as_str().and_then(|w| {
                    e.variants
                        .iter()
                        .find(|(_, wire)| wire == w)
                        .map(|(v, _)| path(v))
                }),
                Some(path(&e.other)),
            ),
            ir::TypeKind::IntEnum(e) => (
                value.as_i64().and_then(|n| {
                    e.variants
                        .iter()
                        .find(|(_, x)| *x == n)
                        .map(|(v, _)| path(v))
                }),
                Some(path(&e.other)),
            ),
            _ => (None, None),
        }
    }

    /// What `Default::default()` returns for the enum generated at `pointer`, if it derives
    /// `Default` (a string enum whose `default` is one of its values).
    pub fn enum_default(&self, pointer: &str) -> Option<String> {
        let def = self.type_at(pointer)?;
        let ir::TypeKind::StringEnum(e) = &def.kind else {
            return None;
        };
        let (variant, _) = e.variants.get(e.default?)?;
        Some(format!("{}::{variant}", def.name))
    }

    /// The union generated at `pointer`, with its type name.
    pub fn union_at(&self, pointer: &str) -> Option<(&'a str, &'a ir::Union)> {
        let def = self.type_at(pointer)?;
        match &def.kind {
            ir::TypeKind::Union(u) => Some((def.name.as_str(), u)),
            _ => None,
        }
    }

    /// Whether the struct at `pointer` keeps unknown properties (`additional_properties`).
    pub fn keeps_additional(&self, pointer: &str) -> Option<bool> {
        match &self.type_at(pointer)?.kind {
            ir::TypeKind::Struct(s) => Some(s.additional.is_some()),
            _ => None,
        }
    }

    /// The component schema a node refers to directly (`$ref: '#/components/schemas/X'`).
    pub fn component_of(value: &Value) -> Option<String> {
        let reference = value.get("$ref").and_then(Value::as_str)?;
        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
        Some(unescape_token(&percent_decode(name)))
    }

    /// Component schemas reachable from each operation's inputs and outputs.
    fn compute_usage(&self) -> BTreeMap<String, Usage> {
        let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
        for op in &self.ops {
            let mut request = Vec::new();
            let mut response = Vec::new();
            request.extend(op.params.values().filter_map(|p| p.schema.as_ref()));
            if let Some(b) = &op.body {
                request.extend(b.content.values().flatten());
            }
            for r in op.responses.values() {
                response.extend(r.content.values().flatten());
            }
            for (roots, mark) in [(request, Usage::REQUEST), (response, Usage::RESPONSE)] {
                let mut seen = BTreeSet::new();
                for node in roots {
                    self.reach(node.value, &mut seen);
                }
                for reference in seen {
                    if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
                        let name = unescape_token(&percent_decode(name));
                        let entry = usage.entry(name).or_default();
                        *entry = entry.union(mark);
                    }
                }
            }
        }
        usage
    }

    /// Every `$ref` reachable from `value`, followed transitively.
    fn reach(&self, value: &'a Value, seen: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if seen.insert(reference.to_owned())
                        && let Some(target) = lookup(self.raw, reference)
                    {
                        self.reach(target, seen);
                    }
                    return;
                }
                for (key, v) in map {
                    // Examples are data, not schemas: a `$ref` key inside one means nothing.
                    if key != "example" && key != "examples" {
                        self.reach(v, seen);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.reach(v, seen)),
            _ => {}
        }
    }
}

/// `content` of a body or response: schema node per media type.
fn content<'a>(holder: &'a Value, at: &str) -> BTreeMap<String, Option<Node<'a>>> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media, mt)| {
            let node = mt.get("schema").map(|s| Node {
                value: s,
                pointer: format!("{}/schema", push_pointer(&format!("{at}/content"), media)),
            });
            (media.to_ascii_lowercase(), node)
        })
        .collect()
}

/// OAuth2 scopes of the operation's (or the document's) security requirement, for specs
/// without `x-scopes`.
fn rust_scopes(op: &Value, raw: &Value) -> Vec<String> {
    let security = op.get("security").or_else(|| raw.get("security"));
    security
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The generated surface of every operation, by operation id.
fn rust_ops(api: &ir::Api) -> BTreeMap<String, RustOp> {
    let mut out = BTreeMap::new();
    for group in &api.groups {
        for op in &group.ops {
            let mut args = Vec::new();
            let mut params = BTreeMap::new();
            for p in &op.params {
                let ty = render_ty(&p.ty);
                if p.required {
                    args.push(format!("{}: {ty}", p.name));
                }
                params.insert(
                    (location(p.location).to_owned(), p.wire.clone()),
                    RustParam {
                        name: p.name.clone(),
                        ty,
                        positional: p.required,
                        flag: p.flag,
                    },
                );
            }
            let body = op.body.as_ref().map(|b| {
                let (encoding, ty) = match &b.kind {
                    ir::BodyKind::Json(ty) => ("JSON", render_ty(ty)),
                    ir::BodyKind::Form(ty) => ("form", render_ty(ty)),
                    ir::BodyKind::Bytes(media) => ("bytes", format!("Bytes ({media})")),
                    ir::BodyKind::Multipart(parts) => {
                        for part in parts.iter().filter(|p| p.required) {
                            args.push(format!("{}: {}", part.name, render_ty(&part.ty)));
                        }
                        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                        ("multipart", format!("parts {}", names.join(", ")))
                    }
                };
                if b.required && !matches!(b.kind, ir::BodyKind::Multipart(_)) {
                    args.push(format!("body: {ty}"));
                }
                (encoding.to_owned(), ty)
            });
            out.insert(
                op.id.clone(),
                RustOp {
                    call: format!("client.{}().{}()", group.accessor, op.method_name),
                    call_path: format!(
                        "client.{}().{}({})",
                        group.accessor,
                        op.method_name,
                        if args.is_empty() { "" } else { ".." }
                    ),
                    accessor: group.accessor.clone(),
                    group: group.struct_name.clone(),
                    builder: op.builder.clone(),
                    args,
                    params,
                    body_encoding: body.as_ref().map(|b| b.0.clone()),
                    body_type: body.map(|b| b.1),
                    response_kind: match &op.response {
                        ir::Response::Empty => "nothing",
                        ir::Response::Json { .. } => "JSON",
                        ir::Response::Text => "text",
                        ir::Response::Bytes => "bytes",
                    },
                    returns: returns(&op.response, op.lenient),
                },
            );
        }
    }
    out
}

fn location(l: ir::Location) -> &'static str {
    match l {
        ir::Location::Path => "path",
        ir::Location::Query => "query",
        ir::Location::Header => "header",
        ir::Location::Cookie => "cookie",
    }
}

/// What `send()` returns; `lenient`: decoded leniently, so an unwrapped property is never
/// an `Option` (the whole body stands in for it).
fn returns(r: &ir::Response, lenient: bool) -> String {
    match r {
        ir::Response::Empty => "()".to_owned(),
        ir::Response::Text => "String".to_owned(),
        ir::Response::Bytes => "Bytes".to_owned(),
        ir::Response::Json { ty, unwrap } => match unwrap {
            ir::Unwrap::None => render_ty(ty),
            ir::Unwrap::Field { ty, optional, .. } => {
                let ty = render_ty(ty);
                if *optional && !lenient {
                    format!("Option<{ty}>")
                } else {
                    ty
                }
            }
            ir::Unwrap::Page(p) => format!("Page<{}>", render_ty(&p.item)),
        },
    }
}

/// A field's type as declared in its struct.
fn field_type(f: &ir::Field) -> String {
    let ty = render_ty(&f.ty);
    let ty = if f.boxed { format!("Box<{ty}>") } else { ty };
    match f.shape() {
        ir::FieldShape::Plain => ty,
        ir::FieldShape::Nullable | ir::FieldShape::Optional => format!("Option<{ty}>"),
        ir::FieldShape::OptionalNullable => format!("Option<Option<{ty}>>"),
    }
}

/// A Rust type expression, spelled as the generated code spells it (short paths).
pub fn render_ty(ty: &ir::Ty) -> String {
    match ty {
        ir::Ty::String => "String".to_owned(),
        ir::Ty::Bool => "bool".to_owned(),
        ir::Ty::Int(t) | ir::Ty::Float(t) => (*t).to_owned(),
        ir::Ty::Value => "Value".to_owned(),
        ir::Ty::Object => "Map<String, Value>".to_owned(),
        ir::Ty::Binary => "Bytes".to_owned(),
        ir::Ty::Named(n) => n.clone(),
        ir::Ty::Vec(t) => format!("Vec<{}>", render_ty(t)),
        ir::Ty::Map(t) => format!("BTreeMap<String, {}>", render_ty(t)),
        ir::Ty::Option(t) => format!("Option<{}>", render_ty(t)),
        ir::Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(render_ty).collect();
            format!("({},)", items.join(", "))
        }
    }
}

/// The node a local reference (`#/a/b`) points to; `None` for external or dangling ones.
fn lookup<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    raw.pointer(pointer)
        .or_else(|| raw.pointer(&percent_decode(pointer)))
}

/// `%XX` escapes of a `$ref` (URI fragment) decoded.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_owned(), |decoded| decoded.into_owned())
}
