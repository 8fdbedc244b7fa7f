//! Example values of each operation's inputs, read from the document, for the generated
//! doc examples: a parameter's `example` (or its schema's, or the first of `examples`),
//! and the request body's (the media type's, the schema's, or one assembled from its
//! properties' examples).

use std::collections::BTreeMap;

use serde_json::Value;

/// The example values of one operation's inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationExamples {
    /// `(location, wire name)` -> example (`location` as in the spec: `path`, `query`, ...).
    pub params: BTreeMap<(String, String), Value>,
    /// The request body's example.
    pub body: Option<Value>,
    /// The first documented success (2xx) response's example, with its status: the
    /// media type's `example` (or first of `examples`), else its schema's.
    pub response: Option<(u16, Value)>,
}

/// Example values of every operation, by `(METHOD, path)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Examples {
    ops: BTreeMap<(String, String), OperationExamples>,
}

impl Examples {
    /// Those of the operation `method` (`GET`) `path`.
    pub fn of(&self, method: &str, path: &str) -> Option<&OperationExamples> {
        self.ops.get(&(method.to_owned(), path.to_owned()))
    }
}

/// How many `$ref`s are followed in a row before giving up (a cycle, or a chain no example
/// is worth).
const MAX_REFS: usize = 16;

fn resolve<'a>(raw: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_REFS {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => node = raw.pointer(r.strip_prefix('#')?)?,
            None => return Some(node),
        }
    }
    None
}

/// `example`, else the first of `examples` (a map of Example Objects in 3.0, a list of
/// values in a 3.1 schema).
fn example_of(raw: &Value, node: &Value) -> Option<Value> {
    if let Some(e) = node.get("example") {
        return Some(e.clone());
    }
    match node.get("examples")? {
        Value::Array(list) => list.first().cloned(),
        Value::Object(map) => {
            let first = resolve(raw, map.values().next()?)?;
            first.get("value").cloned()
        }
        _ => None,
    }
}

/// A schema's example, else an object of its properties' examples (one level), if any.
fn schema_example(raw: &Value, schema: &Value) -> Option<Value> {
    let schema = resolve(raw, schema)?;
    if let Some(e) = example_of(raw, schema) {
        return Some(e);
    }
    let props = schema.get("properties")?.as_object()?;
    let mut out = serde_json::Map::new();
    for (name, prop) in props {
        if let Some(prop) = resolve(raw, prop)
            && let Some(e) = example_of(raw, prop)
        {
            out.insert(name.clone(), e);
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

fn param_examples(raw: &Value, list: Option<&Value>, out: &mut BTreeMap<(String, String), Value>) {
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(p) = resolve(raw, p) else { continue };
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let example = example_of(raw, p).or_else(|| {
            p.get("schema")
                .and_then(|s| resolve(raw, s))
                .and_then(|s| example_of(raw, s))
        });
        if let Some(e) = example {
            out.insert((location.to_owned(), name.to_owned()), e);
        }
    }
}

/// The example of the first 2xx response (in status order) that has one.
fn response_example(raw: &Value, op: &Value) -> Option<(u16, Value)> {
    let responses = op.get("responses")?.as_object()?;
    let mut statuses: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(status, response)| {
            let status: u16 = status.parse().ok()?;
            (200..300).contains(&status).then_some((status, response))
        })
        .collect();
    statuses.sort_by_key(|(status, _)| *status);
    statuses.into_iter().find_map(|(status, response)| {
        let content = resolve(raw, response)?.get("content")?.as_object()?;
        content.values().find_map(|media| {
            let example = example_of(raw, media).or_else(|| {
                let schema = resolve(raw, media.get("schema")?)?;
                example_of(raw, schema)
            })?;
            Some((status, example))
        })
    })
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation's example inputs in `raw` (the whole document, bundled).
pub fn collect(raw: &Value) -> Examples {
    let mut ops = BTreeMap::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return Examples { ops };
    };
    for (path, item) in paths {
        let Some(item) = resolve(raw, item) else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let mut found = OperationExamples::default();
            param_examples(raw, item.get("parameters"), &mut found.params);
            param_examples(raw, op.get("parameters"), &mut found.params);
            found.body = op
                .get("requestBody")
                .and_then(|b| resolve(raw, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .and_then(|content| {
                    content.values().find_map(|media| {
                        example_of(raw, media)
                            .or_else(|| media.get("schema").and_then(|s| schema_example(raw, s)))
                    })
                });
            found.response = response_example(raw, op);
            ops.insert((method.to_ascii_uppercase(), path.clone()), found);
        }
    }
    Examples { ops }
}
