//! The OpenAPI 3.1 schema dialect (JSON Schema 2020-12) mapped onto the 3.0 one that
//! `openapiv3` reads, on the raw tree, before anything is typed.
//!
//! Each 3.1 construct is rewritten into the 3.0 construct that means the same, or refused
//! with a located error naming the keyword; nothing is dropped silently. The same rules
//! apply whatever version the document claims, because real documents mix the dialects
//! (3.1 documents written with `nullable`, 3.0 ones with type lists), so a construct gets
//! the same treatment and the same message under either label. The one exception is a
//! `$ref` with sibling keywords: 3.0 says the siblings are ignored, 3.1 that they apply, so
//! they are honoured only in a 3.1 document.
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf` of one schema per type, each with the keywords of its type |
//! | `anyOf`/`oneOf` with a `{type: "null"}` member | the other members, `nullable: true` |
//! | `oneOf`/`anyOf` of `const`s | `enum` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` |
//! | `examples: [a, ...]` in a schema | `example: a` |
//! | `$ref` with siblings | `allOf: [{$ref}]` with the siblings beside it |
//! | `contentEncoding: base64` / `binary`, `contentMediaType` | `format: byte` / `binary` |
//! | closed `prefixItems: [A, B]` | `items: {anyOf: [A, B]}, x-tuple: true`: a Rust tuple `(A, B)` |
//! | `true` as a schema | `{}` |
//! | `webhooks` | removed, with a warning: the client does not receive webhooks |
//! | missing `paths` | `paths: {}` |

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result, Warning};

/// The type names JSON Schema defines; a `type` list may hold only these.
const JSON_TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// Rewrites `raw` in place; returns what was left out on purpose (webhooks), as warnings.
pub(crate) fn normalise(raw: &mut Value) -> Result<Vec<Warning>> {
    let is_31 = raw
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let mut walker = Walker {
        pointer: String::from("#"),
        ref_siblings_apply: is_31,
        enclosing: None,
        warnings: Vec::new(),
    };
    let mut warnings = Vec::new();
    let Some(doc) = raw.as_object_mut() else {
        return Ok(warnings);
    };
    if let Some(hooks) = doc.remove("webhooks") {
        let names: Vec<&str> = hooks
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        warnings.push(Warning::new(
            "#/webhooks",
            format!(
                "{} webhook(s) not generated ({}): a client sends requests, it does not receive them",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    if !doc.contains_key("paths") {
        doc.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    if let Some(paths) = doc.get_mut("paths") {
        walker.key("paths", |w| w.each(paths, Walker::path_item))?;
    }
    if let Some(components) = doc.get_mut("components") {
        walker.key("components", |w| w.components(components))?;
    }
    warnings.append(&mut walker.warnings);
    Ok(warnings)
}

/// The extension the walker leaves on a schema that the generated types cannot express:
/// its value says why. The type builder generates such a schema as raw JSON, with a located
/// warning (`--strict` refuses it), so that the rest of the document still generates.
pub(crate) const UNTYPED: &str = "x-generator-untyped";

struct Walker {
    /// The JSON pointer of the node being visited, kept as one growing string.
    pointer: String,
    /// Whether keywords beside a `$ref` apply (3.1) or are ignored (3.0).
    ref_siblings_apply: bool,
    /// The component schema being walked, and its anchors: what `$recursiveRef` and
    /// `$dynamicRef` can resolve to.
    enclosing: Option<Enclosing>,
    /// Keywords left out, and schemas left untyped, each located.
    warnings: Vec<Warning>,
}

/// A component schema, the resource that recursion keywords inside it refer to.
struct Enclosing {
    /// `#/components/schemas/Name`.
    pointer: String,
    /// `$dynamicAnchor` and `$anchor` names, with the pointer of the schema that has each.
    anchors: Vec<(String, String)>,
}

impl Enclosing {
    fn new(pointer: &str, schema: &Value) -> Enclosing {
        fn collect(node: &Value, at: &str, out: &mut Vec<(String, String)>, depth: usize) {
            // Bounded like the rest of the walk: a hostile document nests without end.
            if depth > 256 {
                return;
            }
            match node {
                Value::Object(map) => {
                    for keyword in ["$dynamicAnchor", "$anchor"] {
                        if let Some(Value::String(name)) = map.get(keyword) {
                            out.push((name.clone(), at.to_owned()));
                        }
                    }
                    for (key, value) in map {
                        if key.starts_with("x-")
                            || matches!(
                                key.as_str(),
                                "example" | "examples" | "default" | "enum" | "const"
                            )
                        {
                            continue;
                        }
                        collect(value, &crate::error::push_pointer(at, key), out, depth + 1);
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        collect(item, &format!("{at}/{i}"), out, depth + 1);
                    }
                }
                _ => {}
            }
        }
        let mut anchors = Vec::new();
        collect(schema, pointer, &mut anchors, 0);
        Enclosing {
            pointer: pointer.to_owned(),
            anchors,
        }
    }

    /// The schema a recursion keyword refers to, in the patterns documents use:
    /// `$recursiveRef: "#"` and `$dynamicRef: "#"` (the enclosing schema), and
    /// `$dynamicRef: "#name"` (the schema with that anchor).
    fn target(&self, reference: &str) -> Option<&str> {
        let name = reference.strip_prefix('#')?;
        if name.is_empty() {
            return Some(&self.pointer);
        }
        self.anchors
            .iter()
            .find(|(anchor, _)| anchor == name)
            .map(|(_, at)| at.as_str())
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that only annotate: beside a `$ref` they change nothing about the type.
const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "summary",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
];

/// Keywords that constrain only the instances of one JSON type, for splitting a type list.
fn keyword_type(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "minLength" | "maxLength" | "pattern" | "format" | "contentEncoding"
        | "contentMediaType" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" | "contains" => "array",
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "patternProperties"
        | "propertyNames" => "object",
        _ => return None,
    })
}

/// Keywords of JSON Schema 2020-12 that only narrow which instances are valid, in ways 3.0
/// and the generated types cannot express. They are left out, with a warning: the type of
/// the rest of the schema accepts every value the whole schema does (and some more), which
/// is what a client needs to decode responses and to build requests the server checks.
const NARROWING: [&str; 5] = ["if", "then", "else", "dependentSchemas", "unevaluatedItems"];

/// Keywords that make a schema refer to another one, resolved at evaluation time.
const RECURSION: [&str; 2] = ["$recursiveRef", "$dynamicRef"];

/// Whether `value` is the JSON type named `ty` (integers count as numbers).
fn has_json_type(value: &Value, ty: &str) -> bool {
    match value {
        Value::Null => ty == "null",
        Value::Bool(_) => ty == "boolean",
        Value::Number(n) => ty == "number" || (ty == "integer" && (n.is_i64() || n.is_u64())),
        Value::String(_) => ty == "string",
        Value::Array(_) => ty == "array",
        Value::Object(_) => ty == "object",
    }
}

/// A schema that admits only `null`: `{type: "null"}`, `{type: ["null"]}`, `{const: null}`
/// or `{enum: [null]}`, with nothing but annotations beside it.
fn is_null_schema(node: &Value) -> bool {
    let Some(map) = node.as_object() else {
        return false;
    };
    let null_only = match (map.get("type"), map.get("const"), map.get("enum")) {
        (Some(Value::String(t)), _, _) => t == "null",
        (Some(Value::Array(types)), _, _) => types.len() == 1 && types[0] == "null",
        (None, Some(Value::Null), _) => true,
        (None, None, Some(Value::Array(values))) => values.len() == 1 && values[0].is_null(),
        _ => false,
    };
    null_only
        && map.keys().all(|k| {
            matches!(k.as_str(), "type" | "const" | "enum" | "nullable") || is_annotation(k)
        })
}

fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key.starts_with("x-")
}

impl Walker {
    fn fail(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, self.pointer.clone(), message)
    }

    /// Runs `f` one key deeper.
    fn key<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.pointer.len();
        self.pointer.push('/');
        for c in key.chars() {
            match c {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                c => self.pointer.push(c),
            }
        }
        let out = f(self);
        self.pointer.truncate(len);
        out
    }

    /// Runs `f` on every entry of a mapping, or every item of a list.
    fn each(
        &mut self,
        node: &mut Value,
        mut f: impl FnMut(&mut Self, &mut Value) -> Result<()>,
    ) -> Result<()> {
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    self.key(key, |w| f(w, value))?;
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter_mut().enumerate() {
                    self.key(&i.to_string(), |w| f(w, value))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Runs `f` on the value at `key` of `node`, if there is one.
    fn at(
        &mut self,
        node: &mut Value,
        key: &str,
        f: impl FnOnce(&mut Self, &mut Value) -> Result<()>,
    ) -> Result<()> {
        match node.get_mut(key) {
            Some(value) => self.key(key, |w| f(w, value)),
            None => Ok(()),
        }
    }

    // --- The document around the schemas.

    fn components(&mut self, components: &mut Value) -> Result<()> {
        self.at(components, "schemas", |w, v| {
            w.each(v, Walker::component_schema)
        })?;
        self.at(components, "parameters", |w, v| {
            w.each(v, Walker::parameter)
        })?;
        self.at(components, "headers", |w, v| w.each(v, Walker::parameter))?;
        self.at(components, "requestBodies", |w, v| {
            w.each(v, Walker::content_holder)
        })?;
        self.at(components, "responses", |w, v| w.each(v, Walker::response))?;
        self.at(components, "callbacks", |w, v| w.each(v, Walker::callback))?;
        self.at(components, "pathItems", |w, v| w.each(v, Walker::path_item))
    }

    fn path_item(&mut self, item: &mut Value) -> Result<()> {
        let Some(map) = item.as_object_mut() else {
            return Ok(());
        };
        for (key, value) in map.iter_mut() {
            if METHODS.contains(&key.as_str()) {
                self.key(key, |w| w.operation(value))?;
            } else if key == "parameters" {
                self.key(key, |w| w.each(value, Walker::parameter))?;
            }
        }
        Ok(())
    }

    fn operation(&mut self, op: &mut Value) -> Result<()> {
        self.at(op, "parameters", |w, v| w.each(v, Walker::parameter))?;
        self.at(op, "requestBody", Walker::content_holder)?;
        self.at(op, "responses", |w, v| w.each(v, Walker::response))?;
        self.at(op, "callbacks", |w, v| w.each(v, Walker::callback))
    }

    fn callback(&mut self, callback: &mut Value) -> Result<()> {
        self.each(callback, Walker::path_item)
    }

    /// A parameter or a header: a `schema`, or a `content` map.
    fn parameter(&mut self, node: &mut Value) -> Result<()> {
        self.at(node, "schema", Walker::schema)?;
        self.content_holder(node)
    }

    fn response(&mut self, node: &mut Value) -> Result<()> {
        self.at(node, "headers", |w, v| w.each(v, Walker::parameter))?;
        self.content_holder(node)
    }

    fn content_holder(&mut self, node: &mut Value) -> Result<()> {
        self.at(node, "content", |w, content| {
            w.each(content, |w, media| {
                w.at(media, "schema", Walker::schema)?;
                w.at(media, "encoding", |w, enc| {
                    w.each(enc, |w, e| {
                        w.at(e, "headers", |w, h| w.each(h, Walker::parameter))
                    })
                })
            })
        })
    }

    // --- Schemas.

    fn schema(&mut self, node: &mut Value) -> Result<()> {
        if node == &Value::Bool(true) {
            *node = Value::Object(Map::new());
            return Ok(());
        }
        if node == &Value::Bool(false) {
            let mut map = Map::new();
            self.untyped(
                &mut map,
                "the schema `false` (no value is valid) has no Rust type".to_owned(),
            );
            *node = Value::Object(map);
            return Ok(());
        }
        let Some(map) = node.as_object_mut() else {
            // Not a schema at all: `openapiv3` and the shape check word the error.
            return Ok(());
        };
        for keyword in NARROWING {
            if map.remove(keyword).is_some() {
                let at = format!("{}/{}", self.pointer, keyword);
                self.warnings.push(Warning::new(
                    at,
                    format!(
                        "`{keyword}` (JSON Schema 2020-12) is left out: it narrows which values are valid in a way generated types cannot express, so the type accepts a wider set of values"
                    ),
                ));
            }
        }
        if self.recursion(map) {
            return Ok(());
        }
        // `null` members are recognised before the members themselves are rewritten (a lone
        // `type: "null"` becomes `nullable`); everything else reads sub-schemas already in
        // 3.0 form, so they go first.
        self.null_members(map, "anyOf");
        self.null_members(map, "oneOf");
        // Before the children: `items: false` beside `prefixItems` closes the tuple, and is
        // no schema of its own.
        self.prefix_items(map)?;
        self.children(map)?;
        self.ref_siblings(map);
        self.const_and_examples(map)?;
        self.exclusive_bounds(map);
        self.content_encoding(map);
        self.type_list(map)?;
        self.const_union(map, "oneOf");
        self.const_union(map, "anyOf");
        Ok(())
    }

    /// A schema of `components.schemas`: the resource that `$recursiveRef: "#"` inside it
    /// means.
    fn component_schema(&mut self, node: &mut Value) -> Result<()> {
        let outer = self.enclosing.replace(Enclosing::new(&self.pointer, node));
        let outcome = self.schema(node);
        self.enclosing = outer;
        outcome
    }

    /// `$recursiveRef` / `$dynamicRef` in the common patterns become the `$ref` they mean
    /// (so recursion through arrays and objects generates like any `$ref` recursion);
    /// any other use leaves this one schema untyped. Returns whether it did the latter.
    fn recursion(&mut self, map: &mut Map<String, Value>) -> bool {
        for keyword in RECURSION {
            let Some(value) = map.remove(keyword) else {
                continue;
            };
            let target = value
                .as_str()
                .and_then(|reference| self.enclosing.as_ref()?.target(reference));
            match target {
                Some(target) => {
                    map.insert("$ref".to_owned(), Value::String(target.to_owned()));
                }
                None => {
                    let why = format!(
                        "`{keyword}: {value}` refers to no schema the generator can find (it resolves `\"#\"` and anchors of the enclosing component schema)"
                    );
                    self.untyped(map, why);
                    return true;
                }
            }
        }
        false
    }

    /// Leaves the schema `map` untyped (raw JSON), saying why; the type builder warns.
    fn untyped(&mut self, map: &mut Map<String, Value>, why: String) {
        map.retain(|key, _| is_annotation(key));
        map.insert(UNTYPED.to_owned(), Value::String(why));
    }

    fn children(&mut self, map: &mut Map<String, Value>) -> Result<()> {
        for (key, value) in map.iter_mut() {
            match key.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => {
                    self.key(key, |w| w.each(value, Walker::schema))?;
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    self.key(key, |w| w.each(value, Walker::schema))?;
                }
                "items" | "not" | "propertyNames" | "contains" | "contentSchema" => {
                    self.key(key, |w| w.schema(value))?;
                }
                // `false` is a 3.0 value there: no other property.
                "additionalProperties" | "unevaluatedProperties" if value.is_object() => {
                    self.key(key, |w| w.schema(value))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// 3.1: keywords beside `$ref` apply with it, as they would beside `allOf: [{$ref}]`.
    fn ref_siblings(&mut self, map: &mut Map<String, Value>) {
        if !self.ref_siblings_apply || map.len() < 2 {
            return;
        }
        let Some(reference) = map.remove("$ref") else {
            return;
        };
        let mut target = Map::new();
        target.insert("$ref".to_owned(), reference);
        let all_of = match map.remove("allOf") {
            Some(Value::Array(mut members)) => {
                members.insert(0, Value::Object(target));
                members
            }
            _ => vec![Value::Object(target)],
        };
        map.insert("allOf".to_owned(), Value::Array(all_of));
    }

    fn const_and_examples(&mut self, map: &mut Map<String, Value>) -> Result<()> {
        if let Some(value) = map.remove("const") {
            match map.get("enum") {
                Some(Value::Array(values)) if !values.contains(&value) => {
                    return Err(self.key("const", |w| {
                        w.fail(
                            ErrorKind::Invalid,
                            "`const` is not one of the `enum` values beside it: no value is valid",
                        )
                    }));
                }
                _ => {
                    map.insert("enum".to_owned(), Value::Array(vec![value]));
                }
            }
        }
        if let Some(Value::Array(examples)) = map.get("examples") {
            let first = examples.first().cloned();
            map.remove("examples");
            if let Some(first) = first {
                map.entry("example").or_insert(first);
            }
        }
        Ok(())
    }

    /// 3.1 writes an exclusive bound as the number; 3.0 as the bound plus a flag.
    fn exclusive_bounds(&mut self, map: &mut Map<String, Value>) {
        for (exclusive, inclusive, stricter) in [
            (
                "exclusiveMinimum",
                "minimum",
                f64::gt as fn(&f64, &f64) -> bool,
            ),
            ("exclusiveMaximum", "maximum", f64::lt),
        ] {
            let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() else {
                continue;
            };
            let other = map.get(inclusive).and_then(Value::as_f64);
            let b = bound.as_f64().unwrap_or_default();
            match other {
                // The inclusive bound beside it is the stricter one: it alone decides.
                Some(i) if stricter(&i, &b) => {
                    map.insert(exclusive.to_owned(), Value::Bool(false));
                }
                _ => {
                    map.insert(inclusive.to_owned(), bound);
                    map.insert(exclusive.to_owned(), Value::Bool(true));
                }
            }
        }
    }

    /// Encoded strings are bytes to the generated code, as `format: byte`/`binary` say in 3.0.
    fn content_encoding(&mut self, map: &mut Map<String, Value>) {
        if map.contains_key("format") {
            return;
        }
        let encoding = map.get("contentEncoding").and_then(Value::as_str);
        let media = map.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media) {
            (Some(e), _) if e.eq_ignore_ascii_case("base64") => "byte",
            (Some(e), _) if e.eq_ignore_ascii_case("binary") => "binary",
            (None, Some(m)) if !is_text_media(m) => "binary",
            _ => return,
        };
        map.insert("format".to_owned(), Value::String(format.to_owned()));
    }

    fn type_list(&mut self, map: &mut Map<String, Value>) -> Result<()> {
        match map.get("type") {
            Some(Value::String(t)) if t == "null" => {
                // Only `null` is valid: any value, as nullable (the field is an `Option`).
                map.remove("type");
                map.insert("nullable".to_owned(), Value::Bool(true));
                return Ok(());
            }
            Some(Value::Array(_)) => {}
            _ => return Ok(()),
        }
        let Some(Value::Array(types)) = map.remove("type") else {
            return Ok(());
        };
        let mut names = Vec::new();
        for (i, t) in types.iter().enumerate() {
            match t.as_str() {
                // Checked here, where the list stands: once split into `anyOf` members, a
                // bad name would be reported at a pointer the document does not have.
                Some(name) if !JSON_TYPES.contains(&name) => {
                    return Err(self.key("type", |w| {
                        w.key(&i.to_string(), |w| {
                            w.fail(
                                ErrorKind::Invalid,
                                format!("unknown schema type `{name}` in a `type` list"),
                            )
                        })
                    }));
                }
                Some(name) if !names.contains(&name) => names.push(name),
                Some(_) => {}
                None => {
                    return Err(self.key("type", |w| {
                        w.key(&i.to_string(), |w| {
                            w.fail(ErrorKind::Invalid, "a `type` list holds type names only")
                        })
                    }));
                }
            }
        }
        if names.contains(&"null") {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        let non_null: Vec<&str> = names.into_iter().filter(|t| *t != "null").collect();
        match non_null.as_slice() {
            [] => {}
            [one] => {
                map.insert("type".to_owned(), Value::String((*one).to_owned()));
            }
            several => {
                // One alternative per type, each taking the keywords that constrain it.
                let enum_values = map.remove("enum");
                let mut members = Vec::new();
                for ty in several {
                    let mut member = Map::new();
                    member.insert("type".to_owned(), Value::String((*ty).to_owned()));
                    for (key, value) in map.iter() {
                        let owner = keyword_type(key);
                        if owner == Some(*ty) || (owner == Some("number") && *ty == "integer") {
                            member.insert(key.clone(), value.clone());
                        }
                    }
                    if let Some(Value::Array(values)) = &enum_values {
                        let kept: Vec<Value> = values
                            .iter()
                            .filter(|v| has_json_type(v, ty))
                            .cloned()
                            .collect();
                        if kept.is_empty() {
                            continue;
                        }
                        member.insert("enum".to_owned(), Value::Array(kept));
                    }
                    members.push(Value::Object(member));
                }
                map.retain(|key, _| keyword_type(key).is_none());
                if map.contains_key("anyOf") || map.contains_key("oneOf") {
                    self.untyped(
                        map,
                        "a `type` list of several types beside `anyOf`/`oneOf` (a union of unions)"
                            .to_owned(),
                    );
                    return Ok(());
                }
                map.insert("anyOf".to_owned(), Value::Array(members));
            }
        }
        Ok(())
    }

    /// `anyOf: [X, {type: null}]` is 3.1's way of writing `X` with `nullable: true`.
    fn null_members(&mut self, map: &mut Map<String, Value>, keyword: &str) {
        let Some(Value::Array(members)) = map.get_mut(keyword) else {
            return;
        };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() == before {
            return;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        let Some(Value::Array(members)) = map.remove(keyword) else {
            return;
        };
        match <[Value; 1]>::try_from(members) {
            // One inline member whose keywords the union's own do not touch: it is the type.
            Ok([Value::Object(only)])
                if !only.contains_key("$ref")
                    && only
                        .keys()
                        .all(|k| is_annotation(k) || !map.contains_key(k)) =>
            {
                for (key, value) in only {
                    // The union's own annotations describe the field; they win.
                    map.entry(key).or_insert(value);
                }
            }
            // One member left: it is the type, as `allOf: [X]` (annotations stay beside).
            Ok([only]) => {
                let all_of = match map.remove("allOf") {
                    Some(Value::Array(mut list)) => {
                        list.insert(0, only);
                        list
                    }
                    _ => vec![only],
                };
                map.insert("allOf".to_owned(), Value::Array(all_of));
            }
            Err(members) if members.is_empty() => {}
            Err(members) => {
                map.insert(keyword.to_owned(), Value::Array(members));
            }
        }
    }

    /// `oneOf: [{const: a}, {const: b}]` (after `const` -> `enum`) is an enumeration.
    fn const_union(&mut self, map: &mut Map<String, Value>, keyword: &str) {
        let Some(Value::Array(members)) = map.get(keyword) else {
            return;
        };
        let mut values = Vec::new();
        let mut ty: Option<Value> = map.get("type").cloned();
        for member in members {
            let Some(m) = member.as_object() else { return };
            let Some(Value::Array(vals)) = m.get("enum") else {
                return;
            };
            if !m
                .keys()
                .all(|k| k == "enum" || k == "type" || is_annotation(k))
            {
                return;
            }
            match (m.get("type"), &ty) {
                (Some(t), None) => ty = Some(t.clone()),
                (Some(t), Some(known)) if t != known => return,
                _ => {}
            }
            values.extend(vals.iter().cloned());
        }
        if values.is_empty() {
            return;
        }
        map.remove(keyword);
        if let Some(ty) = ty {
            map.insert("type".to_owned(), ty);
        }
        map.insert("enum".to_owned(), Value::Array(values));
    }

    /// `prefixItems` with exactly that many items is a tuple; anything looser leaves the
    /// schema untyped (raw JSON, with a warning).
    fn prefix_items(&mut self, map: &mut Map<String, Value>) -> Result<()> {
        let Some(Value::Array(members)) = map.get("prefixItems") else {
            return Ok(());
        };
        let n = members.len() as u64;
        let closed = matches!(map.get("items"), Some(Value::Bool(false)))
            || map.get("maxItems").and_then(Value::as_u64) == Some(n);
        let exact = map.get("minItems").and_then(Value::as_u64) == Some(n);
        if !(closed && exact) || n == 0 {
            self.untyped(
                map,
                "`prefixItems` is read as a tuple only with `minItems` and `maxItems` (or `items: false`) equal to its length".to_owned(),
            );
            return Ok(());
        }
        let Some(members) = map.remove("prefixItems") else {
            return Ok(());
        };
        // The members stay schemas that `openapiv3` reads (an extension would hold raw JSON);
        // without the flag this still reads as an array of any of them.
        let mut items = Map::new();
        items.insert("anyOf".to_owned(), members);
        map.insert("items".to_owned(), Value::Object(items));
        map.insert("x-tuple".to_owned(), Value::Bool(true));
        Ok(())
    }
}

/// Media types whose content is text rather than bytes.
fn is_text_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media.starts_with("text/") || media.contains("json") || media.contains("xml")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(version: &str, schema: Value) -> Value {
        json!({"openapi": version, "info": {"title": "t", "version": "1"},
               "components": {"schemas": {"S": schema}}})
    }

    fn norm(version: &str, schema: Value) -> Value {
        let mut d = doc(version, schema);
        normalise(&mut d).unwrap();
        d["components"]["schemas"]["S"].take()
    }

    fn fails(schema: Value) -> Error {
        let mut d = doc("3.1.0", schema);
        normalise(&mut d).unwrap_err()
    }

    #[test]
    fn unknown_name_in_a_type_list_is_refused_where_the_list_stands() {
        let e = fails(json!({"type": ["", "ぁ"]}));
        assert!(e.pointer.ends_with("/type/0"), "{}", e.pointer);
        assert!(e.to_string().contains("unknown schema type"), "{e}");
    }

    #[test]
    fn type_list_with_null_is_nullable() {
        assert_eq!(
            norm("3.1.0", json!({"type": ["string", "null"], "maxLength": 3})),
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
        assert_eq!(
            norm("3.0.3", json!({"type": ["integer"]})),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn type_list_of_several_types_is_an_any_of() {
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": ["string", "integer", "null"], "description": "d",
                       "maxLength": 3, "minimum": 1, "enum": ["a", 2, null]})
            ),
            json!({"description": "d", "nullable": true, "anyOf": [
                {"type": "string", "maxLength": 3, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "enum": [2]},
            ]})
        );
    }

    #[test]
    fn null_member_of_a_union_makes_it_nullable() {
        assert_eq!(
            norm(
                "3.1.0",
                json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}],
                       "description": "d"})
            ),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true,
                   "description": "d"})
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 3}],
                       "description": "d"})
            ),
            json!({"type": "string", "maxLength": 3, "nullable": true, "description": "d"})
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})
            ),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn consts() {
        assert_eq!(norm("3.1.0", json!({"const": "x"})), json!({"enum": ["x"]}));
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "integer", "oneOf": [
                    {"const": 1, "title": "ONE"}, {"const": 2, "description": "two"}]})
            ),
            json!({"type": "integer", "enum": [1, 2]})
        );
        let err = fails(json!({"const": "x", "enum": ["y"]}));
        assert_eq!(err.pointer, "#/components/schemas/S/const");
    }

    #[test]
    fn exclusive_bounds_become_flags() {
        assert_eq!(
            norm("3.1.0", json!({"type": "number", "exclusiveMinimum": 0})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0})
            ),
            json!({"type": "number", "minimum": 5, "exclusiveMinimum": false})
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "number", "maximum": 9, "exclusiveMaximum": 5})
            ),
            json!({"type": "number", "maximum": 5, "exclusiveMaximum": true})
        );
        // 3.0's flags are left alone.
        let flags = json!({"type": "number", "minimum": 1, "exclusiveMinimum": true});
        assert_eq!(norm("3.0.3", flags.clone()), flags);
    }

    #[test]
    fn examples_keep_the_first() {
        assert_eq!(
            norm("3.1.0", json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
    }

    #[test]
    fn ref_siblings_apply_in_31_only() {
        let node = json!({"$ref": "#/components/schemas/T", "description": "d", "nullable": true});
        assert_eq!(
            norm("3.1.0", node.clone()),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "d",
                   "nullable": true})
        );
        assert_eq!(norm("3.0.3", node.clone()), node);
        let alone = json!({"$ref": "#/components/schemas/T"});
        assert_eq!(norm("3.1.0", alone.clone()), alone);
    }

    #[test]
    fn encoded_strings_are_bytes() {
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "string", "contentEncoding": "base64"})
            )["format"],
            "byte"
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "string", "contentMediaType": "image/png"})
            )["format"],
            "binary"
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "string", "contentMediaType": "application/json"})
            )
            .get("format"),
            None
        );
    }

    #[test]
    fn prefix_items_are_tuples_when_closed() {
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                       "minItems": 2, "maxItems": 2})
            ),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                   "x-tuple": true, "minItems": 2, "maxItems": 2})
        );
        // Open at its end: that schema is left untyped (raw JSON), saying why.
        let open = norm(
            "3.1.0",
            json!({"type": "array", "prefixItems": [{"type": "string"}], "description": "d"}),
        );
        assert_eq!(open["description"], "d");
        assert!(
            open[UNTYPED].as_str().unwrap().contains("prefixItems"),
            "{open}"
        );
        assert!(open.get("prefixItems").is_none(), "{open}");
    }

    #[test]
    fn narrowing_keywords_are_left_out_with_a_located_warning() {
        let mut d = doc(
            "3.1.0",
            json!({"properties": {"a": {"type": "string", "if": {"minLength": 2}, "then": {}}}}),
        );
        let warnings = normalise(&mut d).unwrap();
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["a"],
            json!({"type": "string"})
        );
        let at: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/components/schemas/S/properties/a/if",
                "#/components/schemas/S/properties/a/then"
            ]
        );
        assert!(
            warnings[0].message.contains("`if`"),
            "{}",
            warnings[0].message
        );
        // The schema `false` has no type: untyped, not refused.
        let items = &norm("3.1.0", json!({"items": false}))["items"];
        assert!(
            items[UNTYPED].as_str().unwrap().contains("`false`"),
            "{items}"
        );
    }

    #[test]
    fn recursion_keywords_become_references_to_what_they_mean() {
        assert_eq!(
            norm(
                "3.1.0",
                json!({"type": "array", "items": {"$recursiveRef": "#"}})
            ),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/S"}})
        );
        assert_eq!(
            norm(
                "3.1.0",
                json!({"$defs": {"n": {"$dynamicAnchor": "n", "type": "object",
                    "properties": {"next": {"$dynamicRef": "#n"}}}}})
            )["$defs"]["n"]["properties"]["next"],
            json!({"$ref": "#/components/schemas/S/$defs/n"})
        );
        // Unresolvable: that one schema is left untyped, saying why; nothing is refused.
        let mut d = doc(
            "3.1.0",
            json!({"properties": {"a": {"$dynamicRef": "other.json#x", "description": "d"}}}),
        );
        normalise(&mut d).unwrap();
        let a = &d["components"]["schemas"]["S"]["properties"]["a"];
        assert_eq!(a["description"], "d");
        assert!(a[UNTYPED].as_str().unwrap().contains("other.json#x"), "{a}");
        // Outside a component schema there is no enclosing schema to refer to.
        let mut d = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$recursiveRef": "#"}}}}}}}}});
        normalise(&mut d).unwrap();
        assert!(
            d["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                .get(UNTYPED)
                .is_some()
        );
    }

    #[test]
    fn nested_positions_are_reached() {
        let mut d = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"n": {"const": 1}}}}}}}}}}});
        normalise(&mut d).unwrap();
        let op = &d["paths"]["/a"]["get"];
        assert_eq!(
            op["parameters"][0]["schema"],
            json!({"type": "string", "nullable": true})
        );
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["properties"]["n"], json!({"enum": [1]}));
    }

    #[test]
    fn examples_outside_schemas_are_left_alone() {
        let mut d = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object"},
                    "example": {"type": ["a", "null"], "const": 1}}}}}}}}});
        let before = d.clone();
        normalise(&mut d).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn webhooks_are_reported_and_paths_may_be_missing() {
        let mut d = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"newPet": {"post": {}}}});
        let warnings = normalise(&mut d).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "#/webhooks");
        assert!(
            warnings[0].message.contains("newPet"),
            "{}",
            warnings[0].message
        );
        assert_eq!(d["paths"], json!({}));
        assert!(d.get("webhooks").is_none());
    }
}
