//! The `# Example` of an operation's doc: a call with realistic arguments (the document's
//! examples when they fit the type, else placeholders of the right type, else a hidden
//! parameter of the example function), the optional inputs people reach for, and a use of
//! the result. Every example is `no_run` and must compile for any document, so a value is
//! written only when its Rust expression is certain to type-check.

use std::collections::BTreeSet;

use serde_json::Value;

use super::inputs::{Input, input_name};
use crate::ir::{
    Api, BodyKind, FieldShape, Group, Location, Operation, Response, Struct, Ty, TypeKind, Unwrap,
};
use crate::naming;

/// How a method takes an argument: converting (`impl Into<String>`, `impl Into<Enum>`,
/// `impl IntoIterator<Item = impl Into<String>>`) or as the exact type.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Into,
    Exact,
}

/// Longest rendered value: a bigger example is a hidden parameter instead.
const MAX_VALUE_LEN: usize = 240;
/// Optional setters shown, on a builder or a body.
const MAX_OPTIONAL: usize = 3;
/// Fields that name an object, shown first when an example changes one field.
const NAME_FIELDS: &[&str] = &["name", "title", "label"];
/// Nesting followed in an example value.
const MAX_DEPTH: usize = 4;

struct Writer<'a> {
    api: &'a Api,
    /// Types named in the example (imported with `use`).
    uses: BTreeSet<String>,
}

/// `s` as a Rust string literal that stays on one line and reads the same in any viewer:
/// quotes, backslashes, controls and any non-ASCII character that is not alphanumeric are
/// escaped.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c if !c.is_ascii() && c.is_alphanumeric() => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn resolved<'a>(api: &'a Api, ty: &'a Ty) -> &'a Ty {
    super::resolved(ty, &api.types)
}

/// How a struct constructor/setter or an operation method takes `ty` (see `emit::arg_for`).
fn mode_of(api: &Api, ty: &Ty) -> Mode {
    match resolved(api, ty) {
        Ty::String | Ty::Value | Ty::Object => Mode::Into,
        Ty::Vec(inner) if *resolved(api, inner) == Ty::String => Mode::Into,
        Ty::Named(n)
            if api.types.named(n).is_some_and(|t| {
                matches!(
                    t.kind,
                    TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Union(_)
                )
            }) =>
        {
            Mode::Into
        }
        _ => Mode::Exact,
    }
}

fn int_fits(width: &str, v: &Value) -> Option<String> {
    let (min, max): (i128, i128) = match width {
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        _ => return None,
    };
    let n: i128 = v
        .as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))?;
    (min..=max).contains(&n).then(|| n.to_string())
}

/// `v` as the tokens of `serde_json::json!(..)`.
fn json(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => lit(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", lit(k), json(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

impl Writer<'_> {
    /// An expression of `ty` (or, in `Mode::Into`, of something that converts to it) for
    /// the example `ex`; `None` when none is certain to compile.
    fn value(&mut self, ty: &Ty, ex: &Value, mode: Mode, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let out = match ty {
            Ty::String => {
                let s = ex.as_str()?;
                match mode {
                    Mode::Into => lit(s),
                    Mode::Exact => format!("{}.to_owned()", lit(s)),
                }
            }
            Ty::Bool => ex.as_bool()?.to_string(),
            Ty::Int(width) => int_fits(width, ex)?,
            Ty::Float(_) => {
                let f = ex.as_f64().filter(|f| f.is_finite())?;
                format!("{f:?}")
            }
            Ty::Value => format!("serde_json::json!({})", json(ex)),
            Ty::Object => {
                let map = ex.as_object().filter(|m| !m.is_empty())?;
                format!("serde_json::json!({})", json(&Value::Object(map.clone())))
            }
            Ty::Vec(inner) => {
                let items = ex.as_array().filter(|a| !a.is_empty() && a.len() <= 5)?;
                if mode == Mode::Into && *resolved(self.api, inner) == Ty::String {
                    let items: Vec<String> = items
                        .iter()
                        .map(|i| i.as_str().map(lit))
                        .collect::<Option<_>>()?;
                    format!("[{}]", items.join(", "))
                } else {
                    let items: Vec<String> = items
                        .iter()
                        .map(|i| self.value(inner, i, Mode::Exact, depth + 1))
                        .collect::<Option<_>>()?;
                    format!("vec![{}]", items.join(", "))
                }
            }
            Ty::Option(inner) => self.value(inner, ex, mode, depth)?,
            Ty::Named(name) => self.named(name, ex, mode, depth)?,
            Ty::Map(_) | Ty::Tuple(_) | Ty::Binary => return None,
        };
        (out.len() <= MAX_VALUE_LEN).then_some(out)
    }

    fn named(&mut self, name: &str, ex: &Value, mode: Mode, depth: usize) -> Option<String> {
        let def = self.api.types.named(name)?;
        match &def.kind {
            TypeKind::Alias(inner) => self.value(inner, ex, mode, depth),
            TypeKind::StringEnum(_) => {
                let s = ex.as_str()?;
                Some(match mode {
                    Mode::Into => lit(s),
                    Mode::Exact => {
                        self.uses.insert(name.to_owned());
                        format!("{name}::from({})", lit(s))
                    }
                })
            }
            TypeKind::IntEnum(_) => {
                let n = int_fits("i64", ex)?;
                self.uses.insert(name.to_owned());
                Some(format!("{name}::from({n})"))
            }
            TypeKind::Struct(s) => self.structure(name, s, ex, depth),
            TypeKind::Union(u) if u.tag.is_none() => self.untagged(name, u, ex, mode, depth),
            TypeKind::Union(u) => {
                // Only a tagged union says which variant a value is.
                let tag = u.tag.as_deref()?;
                let value = ex.get(tag)?.as_str()?;
                let v = u
                    .variants
                    .iter()
                    .find(|v| v.tag_value.as_deref() == Some(value))?;
                let inner = self.value(&v.ty, ex, Mode::Exact, depth + 1)?;
                let inner = if v.boxed {
                    format!("Box::new({inner})")
                } else {
                    inner
                };
                self.uses.insert(name.to_owned());
                Some(format!("{name}::{}({inner})", v.name))
            }
        }
    }

    /// An untagged union's value: the first struct alternative whose required fields the
    /// example has (as decoding would pick it), else JSON for a free-form alternative.
    fn untagged(
        &mut self,
        name: &str,
        u: &crate::ir::Union,
        ex: &Value,
        mode: Mode,
        depth: usize,
    ) -> Option<String> {
        let object = ex.as_object()?;
        for v in u.variants.iter().filter(|v| !v.boxed) {
            let Ty::Named(n) = resolved(self.api, &v.ty) else {
                continue;
            };
            let Some(TypeKind::Struct(s)) = self.api.types.named(n).map(|t| &t.kind) else {
                continue;
            };
            let has_required = s
                .fields
                .iter()
                .filter(|f| f.shape() == FieldShape::Plain)
                .all(|f| object.contains_key(&f.wire));
            if !has_required {
                continue;
            }
            let uses = self.uses.clone();
            let Some(inner) = self.structure(n, s, ex, depth + 1) else {
                self.uses = uses;
                continue;
            };
            return Some(match mode {
                Mode::Into => inner,
                Mode::Exact => {
                    self.uses.insert(name.to_owned());
                    format!("{name}::{}({inner})", v.name)
                }
            });
        }
        u.variants
            .iter()
            .any(|v| *resolved(self.api, &v.ty) == Ty::Object)
            .then_some(())?;
        let value = format!("serde_json::json!({})", json(ex));
        Some(match mode {
            Mode::Into => value,
            Mode::Exact => {
                self.uses.insert(name.to_owned());
                format!("{name}::from({value})")
            }
        })
    }

    /// `Type::new(required..)` and setters for the optional fields the example has.
    fn structure(&mut self, name: &str, s: &Struct, ex: &Value, depth: usize) -> Option<String> {
        let ex = ex.as_object()?;
        let mut args = Vec::new();
        for f in s.fields.iter().filter(|f| f.shape() == FieldShape::Plain) {
            let value = match ex.get(&f.wire) {
                Some(v) => self.value(&f.ty, v, mode_of(self.api, &f.ty), depth + 1),
                None => None,
            };
            args.push(value.or_else(|| self.placeholder(&f.ty, &f.wire))?);
        }
        // A body with nothing required is a change (an update): the example changes one
        // thing, its name if it has one, rather than show unrelated fields changing too.
        let partial = args.is_empty();
        let max = if partial { 1 } else { MAX_OPTIONAL };
        let mut optional: Vec<&crate::ir::Field> = s
            .fields
            .iter()
            .filter(|f| f.shape() != FieldShape::Plain && !f.deprecated && !f.read_only)
            .collect();
        if partial {
            optional.sort_by_key(|f| !NAME_FIELDS.contains(&f.wire.to_ascii_lowercase().as_str()));
        }
        let mut setters = Vec::new();
        for f in optional {
            if setters.len() == max {
                break;
            }
            let Some(v) = ex.get(&f.wire).filter(|v| !v.is_null()) else {
                continue;
            };
            if let Some(value) = self.value(&f.ty, v, mode_of(self.api, &f.ty), depth + 1) {
                setters.push(format!(".with_{}({value})", f.name.trim_end_matches('_')));
            }
        }
        self.uses.insert(name.to_owned());
        Some(format!(
            "{name}::new({}){}",
            args.join(", "),
            setters.concat()
        ))
    }

    /// A value of `ty` when the document gives none: a string named after what it is, the
    /// first value of an enum. `None` for anything that needs real data.
    fn placeholder(&mut self, ty: &Ty, what: &str) -> Option<String> {
        match resolved(self.api, ty) {
            Ty::String => Some(lit(&placeholder_text(what))),
            Ty::Named(n) => match &self.api.types.named(n)?.kind {
                TypeKind::StringEnum(e) => {
                    let (_, wire) = e.variants.get(e.default.unwrap_or(0))?;
                    Some(lit(wire))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// `petId` -> `pet-id`.
fn placeholder_text(what: &str) -> String {
    let snake = naming::snake(what);
    let text = snake.trim_matches('_').replace('_', "-");
    if text.is_empty() {
        "value".to_owned()
    } else {
        text
    }
}

/// A path parameter's placeholder: `/cafes/{id}` -> `cafe-id` (the resource before it).
fn path_placeholder(path: &str, wire: &str) -> String {
    let lower = wire.to_ascii_lowercase();
    let id_like = lower == "id" || lower.ends_with("id");
    let template = format!("{{{wire}}}");
    let before = path
        .split('/')
        .take_while(|s| *s != template)
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .last();
    match before {
        Some(segment) if id_like && lower == "id" => {
            let singular = if let Some(stem) = segment.strip_suffix("ies") {
                format!("{stem}y")
            } else {
                segment.strip_suffix('s').unwrap_or(segment).to_owned()
            };
            placeholder_text(&format!("{singular}_id"))
        }
        _ => placeholder_text(wire),
    }
}

fn location(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

/// A variable name for a value of `ty`: `link`, `folders`, `id`.
fn var_name(api: &Api, ty: &Ty, fallback: &str) -> String {
    let name = match ty {
        Ty::Named(n)
            if !matches!(
                api.types.named(n).map(|t| &t.kind),
                Some(TypeKind::Alias(_))
            ) =>
        {
            naming::snake(n)
        }
        Ty::Vec(inner) => match inner.as_ref() {
            Ty::Named(n) => format!("{}s", naming::snake(n)),
            _ => "items".to_owned(),
        },
        Ty::Option(inner) => var_name(api, inner, fallback),
        _ => fallback.to_owned(),
    };
    let name = name.trim_matches('_').to_owned();
    if name.is_empty() || naming::is_keyword(&name) || name == "client" {
        "response".to_owned()
    } else {
        name
    }
}

/// Fields worth printing from a `T`: required, displayable ones whose names say what the
/// value is (a URL, a name, a title, an id), at most two.
fn shown_fields(api: &Api, ty: &Ty) -> Vec<String> {
    let Some(s) = struct_of(api, ty) else {
        return Vec::new();
    };
    let mut fields = ranked_fields(api, s, FieldShape::Plain, &["name", "title", "url", "id"]);
    fields.truncate(2);
    fields
}

/// The struct `ty` names, if it is one.
fn struct_of<'a>(api: &'a Api, ty: &'a Ty) -> Option<&'a Struct> {
    let Ty::Named(n) = resolved(api, ty) else {
        return None;
    };
    match api.types.named(n).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => Some(s),
        _ => None,
    }
}

/// The field printed from a `T` with no required field worth printing, if present: an
/// optional one saying which object came back (an id first: the value a caller needs
/// next), else an optional list (its length is printed; `true` says it is one).
fn shown_optional_field(api: &Api, ty: &Ty) -> Option<(String, bool)> {
    let s = struct_of(api, ty)?;
    let keys = ["id", "name", "title", "url"];
    if let Some(field) = ranked_fields(api, s, FieldShape::Optional, &keys)
        .into_iter()
        .next()
    {
        return Some((field, false));
    }
    s.fields
        .iter()
        .find(|f| {
            f.shape() == FieldShape::Optional
                && !f.deprecated
                && matches!(resolved(api, &f.ty), Ty::Vec(_))
        })
        .map(|f| (f.name.clone(), true))
}

/// The displayable fields of `s` of `shape` whose names contain one of `keys`, best first
/// (by key, then in field order).
fn ranked_fields(api: &Api, s: &Struct, shape: FieldShape, keys: &[&str]) -> Vec<String> {
    let score = |name: &str| -> Option<usize> { keys.iter().position(|k| name.contains(k)) };
    let mut fields: Vec<(usize, usize, String)> = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.shape() == shape && !f.deprecated)
        .filter(|(_, f)| match resolved(api, &f.ty) {
            Ty::String | Ty::Int(_) | Ty::Float(_) | Ty::Bool => true,
            Ty::Named(n) => matches!(
                api.types.named(n).map(|t| &t.kind),
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_))
            ),
            _ => false,
        })
        .filter_map(|(i, f)| Some((score(&f.name.to_ascii_lowercase())?, i, f.name.clone())))
        .collect();
    fields.sort();
    fields.into_iter().map(|(_, _, name)| name).collect()
}

/// Lines that do something with `var` (a `ty`), indented by `indent`.
fn use_value(api: &Api, var: &str, ty: &Ty, indent: &str, out: &mut Vec<String>, depth: usize) {
    match resolved(api, ty) {
        Ty::Vec(inner) if depth == 0 => {
            let item = match var_name(api, inner, "item") {
                name if name == var => "item".to_owned(),
                name => name,
            };
            out.push(format!("{indent}for {item} in &{var} {{"));
            use_value(api, &item, inner, &format!("{indent}    "), out, depth + 1);
            out.push(format!("{indent}}}"));
        }
        Ty::Option(inner) if depth == 0 => {
            out.push(format!("{indent}if let Some({var}) = {var} {{"));
            use_value(api, var, inner, &format!("{indent}    "), out, depth + 1);
            out.push(format!("{indent}}}"));
        }
        Ty::String | Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Value => {
            out.push(format!("{indent}println!(\"{{{var}}}\");"));
        }
        Ty::Named(n)
            if matches!(
                api.types.named(n).map(|t| &t.kind),
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_))
            ) =>
        {
            out.push(format!("{indent}println!(\"{{{var}}}\");"));
        }
        other => {
            let fields = shown_fields(api, other);
            let optional = if fields.is_empty() {
                shown_optional_field(api, other)
            } else {
                None
            };
            if let Some((field, list)) = optional {
                let bound = field.trim_end_matches('_');
                let bound = if bound == var { "value" } else { bound };
                out.push(format!("{indent}if let Some({bound}) = &{var}.{field} {{"));
                if list {
                    out.push(format!(
                        "{indent}    println!(\"{bound}: {{}} items\", {bound}.len());"
                    ));
                } else {
                    out.push(format!("{indent}    println!(\"{{{bound}}}\");"));
                }
                out.push(format!("{indent}}}"));
            } else if fields.is_empty() {
                out.push(format!("{indent}println!(\"{{{var}:?}}\");"));
            } else {
                let holes = vec!["{}"; fields.len()].join(": ");
                let args: Vec<String> = fields.iter().map(|f| format!("{var}.{f}")).collect();
                out.push(format!(
                    "{indent}println!(\"{holes}\", {});",
                    args.join(", ")
                ));
            }
        }
    }
}

/// The `# Example` section of `op`'s method doc.
pub(super) fn lines(
    api: &Api,
    group: &Group,
    op: &Operation,
    lib: &str,
    inputs: &[Input<'_>],
) -> Vec<String> {
    let mut w = Writer {
        api,
        uses: BTreeSet::new(),
    };
    let examples = api.examples.of(op.method.as_str(), &op.path);
    let body_example = examples.and_then(|e| e.body.as_ref());
    let mut hidden = vec![format!("client: {lib}::Client")];
    let mut lets = Vec::new();
    let mut args = Vec::new();
    for input in inputs {
        let name = input_name(input);
        let value = match input {
            Input::Param(p) => {
                let ex = examples.and_then(|e| {
                    e.params
                        .get(&(location(p.location).to_owned(), p.wire.clone()))
                });
                ex.and_then(|ex| w.value(&p.ty, ex, mode_of(api, &p.ty), 0))
                    .or_else(|| match (p.location, resolved(api, &p.ty)) {
                        (Location::Path, Ty::String) => {
                            Some(lit(&path_placeholder(&op.path, &p.wire)))
                        }
                        _ => w.placeholder(&p.ty, &p.wire),
                    })
            }
            Input::Body(ty) => {
                let empty = Value::Object(serde_json::Map::new());
                w.value(ty, body_example.unwrap_or(&empty), mode_of(api, ty), 0)
            }
            Input::Part(p) => w.placeholder(&p.ty, &p.wire),
        };
        match value {
            // A constructed value reads better bound first.
            Some(v) if v.contains("::new(") || v.len() > 40 => {
                lets.push(format!("let {name} = {v};"));
                args.push(name);
            }
            Some(v) => args.push(v),
            None => {
                let ty = match input {
                    Input::Body(Ty::Binary) => "Vec<u8>".to_owned(),
                    Input::Body(ty) => super::inputs::doc_type(ty, lib),
                    Input::Param(p) => super::inputs::doc_type(&p.ty, lib),
                    Input::Part(p) => super::inputs::doc_type(&p.ty, lib),
                };
                hidden.push(format!("{name}: {ty}"));
                args.push(name);
            }
        }
    }
    // The optional inputs a caller reaches for: those the document gives an example of,
    // then a choice among documented values.
    let mut setters = Vec::new();
    let page_param = match &op.response {
        Response::Json {
            unwrap: Unwrap::Page(p),
            ..
        } => Some(p.page_param.as_str()),
        _ => None,
    };
    let optional = op
        .params
        .iter()
        .filter(|p| !p.required && !p.flag && Some(p.name.as_str()) != page_param)
        // Lists are left out: how their setter takes values is the builder's business.
        .filter(|p| !matches!(resolved(api, &p.ty), Ty::Vec(_)));
    let mut with_example = Vec::new();
    let mut enums = Vec::new();
    for p in optional {
        let ex = examples.and_then(|e| {
            e.params
                .get(&(location(p.location).to_owned(), p.wire.clone()))
        });
        if let Some(v) = ex.and_then(|ex| w.value(&p.ty, ex, mode_of(api, &p.ty), 0)) {
            with_example.push(format!(".{}({v})", p.name));
        } else if let Ty::Named(n) = resolved(api, &p.ty)
            && let Some(TypeKind::StringEnum(e)) = api.types.named(n).map(|t| &t.kind)
            && let Some((_, wire)) = e.variants.first()
        {
            enums.push(format!(".{}({})", p.name, lit(wire)));
        }
    }
    setters.extend(with_example);
    setters.extend(enums);
    setters.truncate(MAX_OPTIONAL);
    if let Some(body) = &op.body
        && !body.required
        && let BodyKind::Json(ty) = &body.kind
        && let Some(ex) = body_example
        && let Some(v) = w.value(ty, ex, mode_of(api, ty), 0)
    {
        lets.push(format!("let body = {v};"));
        setters.push(".body(body)".to_owned());
    }

    // What comes back, and what to do with it.
    let (var, ty): (Option<String>, Option<Ty>) = match &op.response {
        Response::Empty => (None, None),
        Response::Text => (Some("text".to_owned()), Some(Ty::String)),
        Response::Bytes => (Some("bytes".to_owned()), None),
        Response::Json { ty, unwrap } => match unwrap {
            Unwrap::None => (Some(var_name(api, ty, "response")), Some(ty.clone())),
            Unwrap::Field {
                field,
                ty,
                optional,
                ..
            } => {
                // Mirrors `return_type`: a lenient unwrap always has a value.
                let ty = if *optional && !op.lenient {
                    Ty::Option(Box::new(ty.clone()))
                } else {
                    ty.clone()
                };
                (Some(var_name(api, &ty, field)), Some(ty))
            }
            Unwrap::Page(_) => (Some("page".to_owned()), None),
        },
    };
    let taken: Vec<String> = hidden
        .iter()
        .map(|h| h.split(':').next().unwrap_or_default().to_owned())
        .collect();
    let var = var.map(|v| {
        if taken.contains(&v) || lets.iter().any(|l| l.starts_with(&format!("let {v} ="))) {
            "response".to_owned()
        } else {
            v
        }
    });

    let mut code = lets;
    let chain = format!(
        "client.{}().{}({}){}.send().await?",
        group.accessor,
        op.method_name,
        args.join(", "),
        setters.concat()
    );
    let head = match &var {
        Some(v) => format!("let {v} = "),
        None => String::new(),
    };
    code.push(format!("{head}{chain};"));
    let out = &mut code;
    match (&var, &ty, &op.response) {
        (
            Some(v),
            _,
            Response::Json {
                unwrap: Unwrap::Page(p),
                ..
            },
        ) => {
            let item = match var_name(api, &p.item, "item") {
                name if name == *v => "item".to_owned(),
                name => name,
            };
            out.push(format!("for {item} in &{v}.items {{"));
            use_value(api, &item, &p.item, "    ", out, 1);
            out.push("}".to_owned());
            out.push(format!(
                "println!(\"page {{}} of {{}}\", {v}.current_page, {v}.total_pages);"
            ));
        }
        (Some(v), None, Response::Bytes) => {
            out.push(format!("println!(\"{{}} bytes\", {v}.len());"));
        }
        (Some(v), Some(ty), _) => use_value(api, v, ty, "", out, 0),
        _ => {}
    }
    let mut out = vec![
        String::new(),
        "# Example".to_owned(),
        "```no_run".to_owned(),
    ];
    match w.uses.len() {
        0 => {}
        1 => out.extend(
            w.uses
                .iter()
                .map(|name| format!("use {lib}::types::{name};")),
        ),
        _ => out.push(format!(
            "use {lib}::types::{{{}}};",
            w.uses.iter().cloned().collect::<Vec<_>>().join(", ")
        )),
    }
    out.push(format!(
        "# async fn example({}) -> {lib}::Result<()> {{",
        hidden.join(", ")
    ));
    out.extend(formatted(&code));
    out.push("# Ok(())".to_owned());
    out.push("# }".to_owned());
    out.push("```".to_owned());
    out
}

/// `statements` laid out as rustfmt would (`prettyplease`), so that long chains and
/// constructors wrap; as written if they do not parse (they always should).
fn formatted(statements: &[String]) -> Vec<String> {
    let source = format!(
        "async fn example() -> Result<(), ()> {{\n{}\nOk(())\n}}",
        statements.join("\n")
    );
    let Ok(file) = syn::parse_file(&source) else {
        return statements.to_vec();
    };
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    // Drop the function's first line and its `Ok(())` and closing brace.
    if lines.len() < 3 {
        return statements.to_vec();
    }
    lines[1..lines.len() - 2]
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned())
        .collect()
}
