//! `drift.jsonl`: what the runtime's drift recording (`runtime/drift.rs`) compares
//! responses with. One JSON object per line: per operation, the statuses and media types
//! the spec documents and the shape of a success body; per named type, its shape.
//!
//! It is data, not code: the crate holds it as one string (`ApiInfo::drift`) and reads it
//! only when a program turns recording on, so it costs nothing at compile time. Lines, not
//! one JSON document, so that adding or changing an operation or a type changes only its
//! own line.

use serde_json::{Value, json};

use crate::ir::{Api, Response, Ty, TypeDef, TypeKind, TypeTable, resolved};

/// The text of `drift.jsonl` for `api`.
pub fn json(api: &Api) -> String {
    let mut out = String::new();
    for op in api.groups.iter().flat_map(|g| &g.ops) {
        let responses: serde_json::Map<String, Value> = op
            .documented
            .iter()
            .map(|d| (d.status.clone(), json!(d.media)))
            .collect();
        let mut line = json!({ "operation": op.id, "responses": responses });
        if let Response::Json { ty, .. } = &op.response
            && op.documented.iter().any(|d| d.success && d.json)
        {
            line["body"] = shape(ty, &api.types);
        }
        push_line(&mut out, &line);
    }
    for def in api.types.as_slice() {
        if let Some(shape) = named(def, &api.types) {
            push_line(&mut out, &json!({ "type": def.name, "shape": shape }));
        }
    }
    out
}

/// Appends `value` as one line of ASCII: every other character escaped (`\u202e`), so
/// that names and values from the spec cannot hide text from a reviewer of the diff
/// (bidirectional overrides), and the file reads the same in any editor.
fn push_line(out: &mut String, value: &Value) {
    use std::fmt::Write;
    for c in value.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            // Outside the ASCII range a character can only be inside a JSON string.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out.push('\n');
}

/// A named type's shape; none for an alias, which is its target's wherever it is used.
fn named(def: &TypeDef, types: &TypeTable) -> Option<Value> {
    let schema = &def.pointer;
    Some(match &def.kind {
        TypeKind::Alias(_) => return None,
        TypeKind::Struct(s) => {
            // A write-only property is never in a response: it is not missing there.
            let fields: Vec<Value> = s
                .fields
                .iter()
                .filter(|f| !f.write_only)
                .map(|f| {
                    let mut field = json!({ "name": f.wire, "shape": shape(&f.ty, types) });
                    if let Some(format) = &f.format {
                        field["format"] = json!(format);
                    }
                    if f.required {
                        field["required"] = json!(true);
                    }
                    if f.nullable {
                        field["nullable"] = json!(true);
                    }
                    field
                })
                .collect();
            let mut object = json!({ "schema": schema, "fields": fields });
            if let Some(ty) = &s.additional {
                object["additional"] = shape(ty, types);
            }
            json!({ "object": object })
        }
        TypeKind::StringEnum(e) => {
            let values: Vec<&str> = e.variants.iter().map(|(_, wire)| wire.as_str()).collect();
            json!({ "enum": { "schema": schema, "values": values } })
        }
        TypeKind::IntEnum(_) => json!("integer"),
        TypeKind::Union(u) => {
            let variants: Vec<Value> = u.variants.iter().map(|v| shape(&v.ty, types)).collect();
            let mut union = json!({ "schema": schema, "variants": variants });
            if let Some(tag) = &u.tag {
                union["tag"] = json!(tag);
            }
            json!({ "one_of": union })
        }
    })
}

/// The shape of a value of `ty`: a named type by reference, an alias as its target.
fn shape(ty: &Ty, types: &TypeTable) -> Value {
    shape_within(ty, types, 0)
}

fn shape_within(ty: &Ty, types: &TypeTable, depth: usize) -> Value {
    // An alias of an array of itself (and the like) would nest without end: a hostile
    // document gets "any" rather than unbounded work.
    if depth > 32 {
        return json!("any");
    }
    let inner = |ty: &Ty| shape_within(ty, types, depth + 1);
    match resolved(ty, types) {
        Ty::String => json!("string"),
        Ty::Bool => json!("boolean"),
        Ty::Int(_) => json!("integer"),
        Ty::Float(_) => json!("number"),
        Ty::Value | Ty::Binary => json!("any"),
        Ty::Object => json!({ "map": "any" }),
        Ty::Named(name) => match types.named(name).map(|def| &def.kind) {
            // An alias `resolved` could not see through leads only to aliases.
            Some(TypeKind::Alias(_)) | None => json!("any"),
            Some(_) => json!({ "ref": name }),
        },
        Ty::Vec(item) => json!({ "array": inner(item) }),
        Ty::Map(item) => json!({ "map": inner(item) }),
        Ty::Option(item) => json!({ "nullable": inner(item) }),
        Ty::Tuple(items) => {
            let items: Vec<Value> = items.iter().map(inner).collect();
            json!({ "tuple": items })
        }
    }
}
