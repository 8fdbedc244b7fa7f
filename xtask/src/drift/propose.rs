//! `cargo xtask drift propose`: drift records -> an OpenAPI Overlay 1.0 document whose
//! actions change the spec so that what was seen is documented.
//!
//! Every change is placed by walking the document itself, from the record's operation
//! (method and path template) through its response and the body pointer, following
//! `$ref`s and `allOf`/`anyOf`/`oneOf` members: a target is the exact path of the node to
//! change, written as an RFC 9535 normalized path. A finding that cannot be placed that way
//! (a property whose name was hidden, a pointer the schema does not lead to, a body that
//! was not JSON) is listed in the result and in the overlay's `x-unplaced`, never guessed.
//!
//! What each kind of finding proposes:
//!
//! | finding | action |
//! |---|---|
//! | unknown field | the property added to the object, typed from what came (a string's format when all agreed) |
//! | wrong type, unexpected null | the value's schema widened: `anyOf` of the old schema and what came, `nullable` (3.1: a `null` type) |
//! | unknown enum value | the value added to the `enum` (or `x-extensible-enum`; only values the log kept: short tokens) |
//! | missing required field | the name removed from `required` (a field is never removed) |
//! | undocumented status | the response added, with a body of the type that came |
//! | undocumented content type / body | the media type added to the response |
//!
//! A missing optional field, and a missing body, change nothing: the spec already allows
//! a field to be absent, and no description says "sometimes no body".
//!
//! Every node added or replaced carries `x-observed` (`count`, `first_seen`,
//! `last_seen`), and every action a `description` of what was seen and how often.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Record, Seen, seen_text};

/// The result of [`propose`].
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The Overlay document.
    pub overlay: Value,
    /// How many actions it has.
    pub actions: usize,
    /// Findings that were not placed, with why.
    pub unplaced: Vec<(Record, String)>,
    /// Findings that need no change (a missing optional field, a missing body).
    pub unchanged: Vec<Record>,
}

/// How many `$ref` hops and nested members a walk follows: a document with a cycle of
/// references gets "not placed" rather than a hang.
const MAX_HOPS: usize = 64;

/// The overlay proposing what `records` saw, for the document `doc` (the tree the overlay
/// will be applied to: the spec as written, with the overlays already in use applied).
pub fn propose(records: &[Record], doc: &Value) -> Proposal {
    let v31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let walker = Walker { doc };
    let mut changes = Changes::default();
    let mut unplaced = Vec::new();
    let mut unchanged = Vec::new();
    for record in records {
        match place(&walker, record, &mut changes) {
            Ok(true) => {}
            Ok(false) => unchanged.push(record.clone()),
            Err(why) => unplaced.push((record.clone(), why)),
        }
    }
    let actions = changes.actions(doc, v31);
    let count = actions.len();
    let mut overlay = json!({
        "overlay": "1.0.0",
        "info": {
            "title": "API drift seen by generated clients",
            "version": "1.0.0",
        },
        "actions": actions,
    });
    if !unplaced.is_empty() {
        overlay["x-unplaced"] = Value::Array(
            unplaced
                .iter()
                .map(|(r, why)| {
                    json!({
                        "operation": r.operation,
                        "status": r.status,
                        "pointer": r.pointer,
                        "kind": r.kind,
                        "count": r.count,
                        "why": why,
                    })
                })
                .collect(),
        );
    }
    Proposal {
        overlay,
        actions: count,
        unplaced,
        unchanged,
    }
}

/// What was seen, summed over the findings one change stands for.
#[derive(Debug, Clone, Default)]
struct Observed {
    count: u64,
    first: String,
    last: String,
    what: Vec<String>,
}

impl Observed {
    fn add(&mut self, record: &Record, what: String) {
        self.count = self.count.saturating_add(record.count);
        if self.first.is_empty() || record.first_seen < self.first {
            self.first.clone_from(&record.first_seen);
        }
        if record.last_seen > self.last {
            self.last.clone_from(&record.last_seen);
        }
        self.what.push(format!(
            "{} {}{}: {what} ({})",
            record.operation,
            record.status,
            if record.pointer.is_empty() {
                String::new()
            } else {
                format!(" {}", record.pointer)
            },
            seen_text(record)
        ));
    }

    fn merge(&mut self, other: &Observed) {
        self.count = self.count.saturating_add(other.count);
        if self.first.is_empty() || other.first < self.first {
            self.first.clone_from(&other.first);
        }
        if other.last > self.last {
            self.last.clone_from(&other.last);
        }
        self.what.extend(other.what.iter().cloned());
    }

    fn json(&self) -> Value {
        json!({ "count": self.count, "first_seen": self.first, "last_seen": self.last })
    }

    fn description(&self, change: &str) -> String {
        format!("{change}. Seen: {}.", self.what.join("; "))
    }
}

/// A body that came: its media type and JSON type.
type Body = (String, String);

/// The changes to make, keyed by where, so that findings of several operations on one
/// schema make one action.
#[derive(Default)]
struct Changes {
    /// (object node, property) -> what came.
    properties: BTreeMap<(String, String), (Seen, Observed)>,
    /// Value slot -> types that came (besides the schema's), whether null came.
    retype: BTreeMap<String, (BTreeSet<String>, bool, Observed)>,
    /// (Enum node, its keyword) -> values.
    enums: BTreeMap<(String, &'static str), (BTreeSet<String>, Observed)>,
    /// (node with `required`, name).
    optional: BTreeMap<(String, String), Observed>,
    /// (responses node, status) -> the body that came, and when.
    statuses: BTreeMap<(String, String), (Option<Body>, Observed)>,
    /// (response node, media type) -> JSON type.
    media: BTreeMap<(String, String), (String, Observed)>,
}

impl Changes {
    fn actions(&self, doc: &Value, v31: bool) -> Vec<Value> {
        let mut actions = Vec::new();
        for ((object, name), (seen, observed)) in &self.properties {
            let mut schema = schema_of_seen(seen, v31);
            schema["x-observed"] = observed.json();
            actions.push(json!({
                "target": json_path(doc, object),
                "description": observed.description(&format!("Adds the property `{name}`")),
                "update": { "properties": { name: schema } },
            }));
        }
        for (slot, (types, null, observed)) in &self.retype {
            let Some(old) = doc.pointer(slot) else {
                continue;
            };
            actions.extend(retype(doc, slot, old, types, *null, observed, v31));
        }
        for ((node_ptr, keyword), (values, observed)) in &self.enums {
            actions.push(json!({
                "target": json_path(doc, node_ptr),
                "description": observed.description(&format!("Adds values to `{keyword}`")),
                "update": { *keyword: values, "x-observed": observed.json() },
            }));
        }
        // Overlay targets are objects and arrays, never a string in `required`: the list is
        // taken out and put back without the names (not at all when none is left).
        let mut holders: BTreeMap<&str, (Vec<&str>, Observed)> = BTreeMap::new();
        for ((holder, name), observed) in &self.optional {
            let entry = holders.entry(holder).or_default();
            entry.0.push(name);
            entry.1.merge(observed);
        }
        for (holder, (names, observed)) in holders {
            let listed = format!("`{}`", names.join("`, `"));
            let description = observed.description(&format!("Makes {listed} optional: missing"));
            let kept: Vec<&Value> = doc
                .pointer(&format!("{holder}/required"))
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter(|v| !v.as_str().is_some_and(|v| names.contains(&v)))
                        .collect()
                })
                .unwrap_or_default();
            actions.push(json!({
                "target": json_path(doc, &format!("{holder}/required")),
                "description": description,
                "remove": true,
            }));
            if !kept.is_empty() {
                actions.push(json!({
                    "target": json_path(doc, holder),
                    "description": format!("{description} (the rest of `required` put back)"),
                    "update": { "required": kept },
                }));
            }
        }
        for ((responses, status), (body, observed)) in &self.statuses {
            let mut response = json!({
                "description": format!("Status {status}, seen from the API but not documented."),
                "x-observed": observed.json(),
            });
            if let Some((media, json_type)) = body {
                response["content"] = json!({ media: { "schema": schema_of_type(json_type) } });
            }
            actions.push(json!({
                "target": json_path(doc, responses),
                "description": observed.description(&format!("Adds the response {status}")),
                "update": { status: response },
            }));
        }
        for ((response, media), (json_type, observed)) in &self.media {
            let mut content = json!({ "schema": schema_of_type(json_type) });
            content["x-observed"] = observed.json();
            actions.push(json!({
                "target": json_path(doc, response),
                "description": observed.description(&format!("Adds the media type {media}")),
                "update": { "content": { media: content } },
            }));
        }
        actions
    }
}

/// The actions that widen the value at `slot` (its schema `old`) by `types` and `null`.
fn retype(
    doc: &Value,
    slot: &str,
    old: &Value,
    types: &BTreeSet<String>,
    null: bool,
    observed: &Observed,
    v31: bool,
) -> Vec<Value> {
    let mut what = Vec::new();
    if !types.is_empty() {
        what.push(format!(
            "allows {}",
            types.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if null {
        what.push("allows null".to_owned());
    }
    let description = observed.description(&format!("Widens the value: {}", what.join(", ")));
    let is_ref = old.get("$ref").is_some();
    let old_type = old.get("type");
    // In place where a merge can say it: a number where an integer was, or only null.
    let in_place = if types.is_empty() && !is_ref && !v31 {
        Some(json!({ "nullable": true }))
    } else if types.is_empty() && v31 && old_type.is_some_and(Value::is_string) {
        Some(json!({ "type": [old_type, "null"] }))
    } else if types.is_empty() && v31 && old_type.is_some_and(Value::is_array) {
        Some(json!({ "type": ["null"] }))
    } else if !is_ref
        && old_type.and_then(Value::as_str) == Some("integer")
        && types.iter().all(|t| t == "number" || t == "integer")
    {
        let mut update = json!({ "type": "number" });
        if null {
            if v31 {
                update["type"] = json!(["number", "null"]);
            } else {
                update["nullable"] = json!(true);
            }
        }
        Some(update)
    } else {
        None
    };
    if let Some(mut update) = in_place {
        update["x-observed"] = observed.json();
        return vec![json!({
            "target": json_path(doc, slot),
            "description": description,
            "update": update,
        })];
    }
    // Otherwise the slot's schema is replaced: removed, then set again in its parent
    // (an Overlay update merges, and cannot take keys away).
    let Some((parent, key)) = slot.rsplit_once('/') else {
        return Vec::new();
    };
    let mut replacement = if types.is_empty() && !v31 {
        json!({ "allOf": [old], "nullable": true })
    } else {
        let mut any_of = vec![old.clone()];
        any_of.extend(types.iter().map(|t| schema_of_type(t)));
        if null && v31 {
            any_of.push(json!({ "type": "null" }));
        }
        let mut replacement = json!({ "anyOf": any_of });
        if null && !v31 {
            replacement["nullable"] = json!(true);
        }
        replacement
    };
    replacement["x-observed"] = observed.json();
    let key = unescape(key);
    vec![
        json!({
            "target": json_path(doc, slot),
            "description": format!("{description} (1 of 2: the old schema is taken out)"),
            "remove": true,
        }),
        json!({
            "target": json_path(doc, parent),
            "description": format!("{description} (2 of 2: the widened schema put back)"),
            "update": { key: replacement },
        }),
    ]
}

/// A schema for a value of JSON type `json_type` (as the runtime names types).
fn schema_of_type(json_type: &str) -> Value {
    match json_type {
        "array" => json!({ "type": "array", "items": {} }),
        "object" | "string" | "integer" | "number" | "boolean" => json!({ "type": json_type }),
        _ => json!({}),
    }
}

/// OpenAPI formats among the runtime's guesses (`integer`, digits in a string, is none).
const FORMATS: &[&str] = &["date-time", "date", "uri", "email", "uuid"];

/// A schema for the values that came (`seen`).
fn schema_of_seen(seen: &Seen, v31: bool) -> Value {
    let types = seen.types();
    let null = types.contains(&"null");
    let mut kinds: Vec<&str> = types
        .into_iter()
        .filter(|t| *t != "null" && *t != "invalid")
        .collect();
    if kinds.contains(&"number") {
        kinds.retain(|t| *t != "integer");
    }
    let mut schema = match kinds.as_slice() {
        [] => json!({}),
        [one] => schema_of_type(one),
        many => json!({ "anyOf": many.iter().map(|t| schema_of_type(t)).collect::<Vec<_>>() }),
    };
    if kinds == ["string"]
        && let Some(format) = seen.format.as_deref().filter(|f| FORMATS.contains(f))
    {
        schema["format"] = json!(format);
    }
    if null {
        match (v31, kinds.as_slice()) {
            (true, [one]) => schema["type"] = json!([one, "null"]),
            (true, []) => schema["type"] = json!("null"),
            (true, _) => {
                if let Some(Value::Array(any_of)) = schema.get_mut("anyOf") {
                    any_of.push(json!({ "type": "null" }));
                }
            }
            (false, _) => schema["nullable"] = json!(true),
        }
    }
    schema
}

/// Where one finding goes; `Ok(false)`: it needs no change.
fn place(walker: &Walker, record: &Record, changes: &mut Changes) -> Result<bool, String> {
    let (responses, status_key) = walker.responses(record)?;
    match record.kind.as_str() {
        "undocumented_status" => {
            let body = record
                .seen
                .json_type
                .as_ref()
                .filter(|t| *t != "invalid")
                .map(|t| {
                    let media = record
                        .seen
                        .values
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "application/json".to_owned());
                    (media, t.clone())
                });
            let entry = changes
                .statuses
                .entry((responses, record.status.to_string()))
                .or_default();
            if entry.0.is_none() {
                entry.0 = body;
            }
            entry.1.add(record, "an undocumented status".to_owned());
            return Ok(true);
        }
        "missing_body" => return Ok(false),
        _ => {}
    }
    let status_key = status_key.ok_or("the status is not documented")?;
    let response = walker.resolve(&format!("{responses}/{}", escape(&status_key)))?;
    match record.kind.as_str() {
        "undocumented_content_type" | "undocumented_body" => {
            let media = record
                .seen
                .values
                .first()
                .ok_or("the content type was not a plain media type, so the log left it out")?;
            let json_type = record
                .seen
                .json_type
                .clone()
                .unwrap_or_else(|| "any".to_owned());
            let entry = changes
                .media
                .entry((response, media.clone()))
                .or_insert_with(|| (json_type, Observed::default()));
            entry.1.add(record, format!("a body of type {media}"));
            return Ok(true);
        }
        _ => {}
    }
    let content = format!("{response}/content");
    let media = walker
        .node(&content)
        .and_then(Value::as_object)
        .and_then(|c| c.keys().find(|m| is_json(m)).cloned())
        .ok_or("the response documents no JSON body")?;
    let body = format!("{content}/{}/schema", escape(&media));
    let segments: Vec<String> = if record.pointer.is_empty() {
        Vec::new()
    } else {
        record
            .pointer
            .strip_prefix('/')
            .ok_or("the pointer does not start with `/`")?
            .split('/')
            .map(unescape)
            .collect()
    };
    match record.kind.as_str() {
        "unknown_field" => {
            let (name, parent) = segments.split_last().ok_or("no property name")?;
            if name == "*" {
                return Err("the property's name looked like data, so the log hid it".to_owned());
            }
            let slot = walker.walk(&body, parent)?;
            let object = walker.resolve(&slot)?;
            let entry = changes
                .properties
                .entry((object, name.clone()))
                .or_default();
            entry.0.merge(&record.seen);
            entry.1.add(
                record,
                format!("a property `{name}` the schema does not have"),
            );
        }
        "missing_field" => {
            if record.expected.required != Some(true) {
                return Ok(false);
            }
            let (name, parent) = segments.split_last().ok_or("no property name")?;
            let slot = walker.walk(&body, parent)?;
            let holders = walker.requiring(&slot, name)?;
            if holders.is_empty() {
                return Err(format!("no `required` list names `{name}`"));
            }
            for holder in holders {
                changes
                    .optional
                    .entry((holder, name.clone()))
                    .or_default()
                    .add(record, format!("`{name}` missing"));
            }
        }
        "wrong_type" | "unexpected_null" => {
            if record.seen.types().contains(&"invalid") {
                return Err("the body was not JSON".to_owned());
            }
            let slot = walker.walk(&body, &segments)?;
            // The widened schema is set again under the same key of its parent: a member
            // of a list (`allOf/0`) cannot be set that way.
            let parent = slot.rsplit_once('/').map_or("", |(parent, _)| parent);
            if !walker.node(parent).is_some_and(Value::is_object) {
                return Err(format!(
                    "the value's schema {} is a member of a list",
                    shown(&slot)
                ));
            }
            let entry = changes.retype.entry(slot).or_default();
            for t in record.seen.types() {
                if t == "null" {
                    entry.1 = true;
                } else {
                    entry.0.insert(t.to_owned());
                }
            }
            entry.2.add(
                record,
                format!("a value of type {}", record.seen.types().join(" or ")),
            );
        }
        "unknown_enum_value" => {
            if record.seen.values.is_empty() {
                return Err("the values were not short tokens, so the log left them out".to_owned());
            }
            let slot = walker.walk(&body, &segments)?;
            let node = walker.enum_node(&slot)?;
            let entry = changes.enums.entry(node).or_default();
            entry.0.extend(record.seen.values.iter().cloned());
            entry
                .1
                .add(record, format!("values {}", record.seen.values.join(", ")));
        }
        other => return Err(format!("unknown kind `{other}`")),
    }
    Ok(true)
}

fn is_json(media: &str) -> bool {
    let media = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// Walks the document by JSON pointer (`#`-less, `/a/b`).
struct Walker<'a> {
    doc: &'a Value,
}

impl Walker<'_> {
    fn node(&self, pointer: &str) -> Option<&Value> {
        self.doc.pointer(pointer)
    }

    /// The pointer of the node `pointer` leads to through `$ref`s.
    fn resolve(&self, pointer: &str) -> Result<String, String> {
        let mut at = pointer.to_owned();
        for _ in 0..MAX_HOPS {
            let value = self
                .node(&at)
                .ok_or_else(|| format!("nothing at {}", shown(&at)))?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let target = reference
                        .strip_prefix('#')
                        .ok_or_else(|| format!("`$ref: {reference}` is not inside the document"))?;
                    at = percent_encoding::percent_decode_str(target)
                        .decode_utf8_lossy()
                        .into_owned();
                }
                None => return Ok(at),
            }
        }
        Err(format!("the references from {} go round", shown(pointer)))
    }

    /// The operation's `responses` node, and the key of the record's status in it.
    fn responses(&self, record: &Record) -> Result<(String, Option<String>), String> {
        let item = self.resolve(&format!("/paths/{}", escape(&record.path)))?;
        let method = record.method.to_ascii_lowercase();
        let operation = format!("{item}/{method}");
        if self.node(&operation).is_none() {
            return Err(format!("no operation {} {}", record.method, record.path));
        }
        let responses = format!("{operation}/responses");
        let documented = self.node(&responses).and_then(Value::as_object);
        let code = record.status.to_string();
        let class = format!("{}XX", code.chars().next().unwrap_or('0'));
        let key = documented.and_then(|map| {
            map.keys()
                .find(|k| **k == code)
                .or_else(|| map.keys().find(|k| k.eq_ignore_ascii_case(&class)))
                .or_else(|| map.keys().find(|k| *k == "default"))
                .cloned()
        });
        Ok((responses, key))
    }

    /// The slot (not resolved) the body pointer `segments` leads to from `slot`.
    fn walk(&self, slot: &str, segments: &[String]) -> Result<String, String> {
        let mut at = slot.to_owned();
        for segment in segments {
            at = self.step(&at, segment)?;
        }
        Ok(at)
    }

    /// The schemas whose keywords apply to the value at `slot`: its node and, through
    /// `allOf`/`anyOf`/`oneOf`, their members (each resolved), in document order.
    fn members(&self, slot: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let mut stack = vec![self.resolve(slot)?];
        while let Some(at) = stack.pop() {
            if out.len() >= MAX_HOPS {
                return Err(format!("the schema at {} nests too deeply", shown(slot)));
            }
            if out.contains(&at) {
                continue;
            }
            let node = self.node(&at);
            out.push(at.clone());
            let mut next = Vec::new();
            for keyword in ["allOf", "anyOf", "oneOf"] {
                if let Some(Value::Array(items)) = node.and_then(|n| n.get(keyword)) {
                    for i in 0..items.len() {
                        next.push(self.resolve(&format!("{at}/{keyword}/{i}"))?);
                    }
                }
            }
            stack.extend(next.into_iter().rev());
        }
        Ok(out)
    }

    fn step(&self, slot: &str, segment: &str) -> Result<String, String> {
        for member in self.members(slot)? {
            let node = self.node(&member);
            if segment == "*" {
                if node.and_then(|n| n.get("items")).is_some() {
                    return Ok(format!("{member}/items"));
                }
                if node
                    .and_then(|n| n.get("additionalProperties"))
                    .is_some_and(Value::is_object)
                {
                    return Ok(format!("{member}/additionalProperties"));
                }
            } else if node
                .and_then(|n| n.get("properties"))
                .and_then(|p| p.get(segment))
                .is_some()
            {
                return Ok(format!("{member}/properties/{}", escape(segment)));
            }
        }
        Err(format!(
            "the schema at {} has no {}",
            shown(slot),
            if segment == "*" {
                "items".to_owned()
            } else {
                format!("property `{segment}`")
            }
        ))
    }

    /// The nodes whose `required` lists `name`, among the object's schemas.
    fn requiring(&self, slot: &str, name: &str) -> Result<Vec<String>, String> {
        Ok(self
            .members(slot)?
            .into_iter()
            .filter(|m| {
                self.node(m)
                    .and_then(|n| n.get("required"))
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
            })
            .collect())
    }

    /// The schema node holding the list of values of the value at `slot`, and its keyword:
    /// `enum`, or `x-extensible-enum` (known values of a string that may hold others).
    fn enum_node(&self, slot: &str) -> Result<(String, &'static str), String> {
        for member in self.members(slot)? {
            for keyword in ["enum", "x-extensible-enum"] {
                if self
                    .node(&member)
                    .and_then(|n| n.get(keyword))
                    .is_some_and(Value::is_array)
                {
                    return Ok((member, keyword));
                }
            }
        }
        Err(format!("the schema at {} has no enum", shown(slot)))
    }
}

fn shown(pointer: &str) -> String {
    format!("#{pointer}")
}

/// A JSON pointer token for `text`.
fn escape(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `text` as an RFC 9535 string literal (single quotes).
fn quoted(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The normalized JSONPath (RFC 9535 §2.7) of the node at `pointer` in `doc`: names in
/// brackets and quotes, array indices as numbers.
fn json_path(doc: &Value, pointer: &str) -> String {
    let mut out = String::from("$");
    let mut at = doc;
    for token in pointer.split('/').skip(1) {
        let token = unescape(token);
        match at {
            Value::Array(items) => {
                out.push_str(&format!("[{token}]"));
                at = token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&Value::Null);
            }
            _ => {
                out.push('[');
                out.push_str(&quoted(&token));
                out.push(']');
                at = at.get(&token).unwrap_or(&Value::Null);
            }
        }
    }
    out
}
