//! JSON Schema (OpenAPI 3.0 dialect) -> named Rust types in the IR.
//!
//! Component schemas get their names first (so `$ref`s resolve whatever the order); inline
//! schemas that need a type of their own are named from where they sit (`Link` +
//! `qr_options` -> `LinkQrOptions`). A last pass finds by-value cycles and boxes them.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type};
use serde_json::Value;

use crate::error::{Error, Result, push_pointer, unescape_token};
use crate::ir::{
    Doc, Field, IntEnum, StringEnum, Struct, Ty, TypeDef, TypeKind, TypeTable, Union, Variant,
};
use crate::naming::{self, Scope};
use crate::parse::Spec;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// The component key a `$ref` names, if it names a whole component schema (a ref into
/// one, like `#/components/schemas/Tag/allOf/0`, is an ordinary pointer).
fn component_of(reference: &str) -> Option<String> {
    reference
        .strip_prefix(COMPONENT_PREFIX)
        .filter(|key| !key.contains('/'))
        .map(unescape_token)
}
/// Inline schemas nested deeper than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 32;

/// Units of work (`allOf` members visited, properties merged) the conversion of one spec may
/// take. The largest real-world specs in the corpus need about [`WORK_TYPICAL`]; a spec that
/// needs a hundred times more combines its schemas into far more than it spells out (an
/// `allOf` chain doubling at every level), and is refused rather than run for hours.
const WORK_BUDGET: u64 = 1_000_000;
/// The most work a real-world spec of the corpus needs, rounded up (`pagerduty.json`, 2.7 MB:
/// 8,599), for messages.
const WORK_TYPICAL: u64 = 10_000;

/// What the members of an `allOf` add up to.
#[derive(Default)]
struct Merged<'s> {
    /// Properties in first-seen order; a later member's schema for a name replaces an earlier one.
    props: IndexMap<String, (SchemaRef<'s>, String)>,
    required: BTreeSet<String>,
    /// The last member's `additionalProperties`.
    additional: Option<(&'s AdditionalProperties, String)>,
    /// Members that are not objects: only whether there are none, one or several matters,
    /// so at most two are kept (a chain could otherwise collect exponentially many).
    non_objects: Vec<(SchemaRef<'s>, String)>,
}

impl<'s> Merged<'s> {
    fn push_non_object(&mut self, sref: SchemaRef<'s>, at: String) {
        if self.non_objects.len() < 2 {
            self.non_objects.push((sref, at));
        }
    }

    /// The keywords of one member schema itself (`at` is where it is defined).
    fn add_own(&mut self, v: &View<'s>, at: &str) {
        for (k, s) in &v.properties {
            self.props.insert(
                (*k).to_owned(),
                (*s, push_pointer(&push_pointer(at, "properties"), k)),
            );
        }
        self.required.extend(v.required.iter().cloned());
        if let Some(a) = v.additional {
            self.additional = Some((a, push_pointer(at, "additionalProperties")));
        }
    }

    /// `other` merged after what is there: the same as merging its members here one by one.
    fn extend(&mut self, other: &Merged<'s>) {
        for (k, (s, at)) in &other.props {
            self.props.insert(k.clone(), (*s, at.clone()));
        }
        self.required.extend(other.required.iter().cloned());
        if let Some((a, at)) = &other.additional {
            self.additional = Some((a, at.clone()));
        }
        for (sref, at) in &other.non_objects {
            self.push_non_object(*sref, at.clone());
        }
    }
}

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub enum SchemaRef<'s> {
    /// `$ref` target.
    Ref(&'s str),
    /// Inline schema.
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// The facts of a schema, whichever `SchemaKind` openapiv3 filed it under.
struct View<'s> {
    data: &'s SchemaData,
    kind: Option<&'s str>,
    enumeration: Vec<Value>,
    properties: Vec<(&'s str, SchemaRef<'s>)>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<SchemaRef<'s>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    not: bool,
    notes: Vec<String>,
}

fn fmt_of<T: std::fmt::Debug>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Item(i) => {
            // The openapiv3 enums spell `date-time` as `DateTime`; turn it back into the spec word.
            let debug = format!("{i:?}");
            Some(match debug.as_str() {
                "DateTime" => "date-time".to_owned(),
                other => other.to_lowercase(),
            })
        }
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn view(schema: &Schema) -> (View<'_>, Option<String>) {
    let mut v = View {
        data: &schema.schema_data,
        kind: None,
        enumeration: Vec::new(),
        properties: Vec::new(),
        required: &[],
        additional: None,
        items: None,
        one_of: &[],
        any_of: &[],
        all_of: &[],
        not: false,
        notes: Vec::new(),
    };
    let mut owned_format = None;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.kind = Some("string");
            owned_format = fmt_of(&s.format);
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.clone().map_or(Value::Null, Value::String))
                .collect();
            length_notes(&mut v.notes, s.min_length, s.max_length);
            if let Some(p) = &s.pattern {
                v.notes.push(format!("Pattern: {}", crate::docs::code(p)));
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.kind = Some("number");
            owned_format = fmt_of(&n.format);
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::from))
                .collect();
            range_notes(
                &mut v.notes,
                n.minimum,
                n.maximum,
                n.exclusive_minimum,
                n.exclusive_maximum,
            );
        }
        SchemaKind::Type(Type::Integer(i)) => {
            v.kind = Some("integer");
            owned_format = fmt_of(&i.format);
            v.enumeration = i
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::from))
                .collect();
            range_notes(
                &mut v.notes,
                i.minimum.map(|m| m as f64),
                i.maximum.map(|m| m as f64),
                i.exclusive_minimum,
                i.exclusive_maximum,
            );
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.kind = Some("boolean");
            v.enumeration = b
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::Bool))
                .collect();
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.kind = Some("object");
            v.properties = o
                .properties
                .iter()
                .map(|(k, s)| (k.as_str(), s.into()))
                .collect();
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.kind = Some("array");
            v.items = a.items.as_ref().map(Into::into);
            items_notes(&mut v.notes, a.min_items, a.max_items, a.unique_items);
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::Not { .. } => v.not = true,
        SchemaKind::Any(a) => {
            v.kind = a.typ.as_deref();
            owned_format = a.format.clone();
            v.enumeration = a.enumeration.clone();
            v.properties = a
                .properties
                .iter()
                .map(|(k, s)| (k.as_str(), s.into()))
                .collect();
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref().map(Into::into);
            v.one_of = &a.one_of;
            v.any_of = &a.any_of;
            v.all_of = &a.all_of;
            v.not = a.not.is_some();
            length_notes(&mut v.notes, a.min_length, a.max_length);
            if let Some(p) = &a.pattern {
                v.notes.push(format!("Pattern: {}", crate::docs::code(p)));
            }
            range_notes(
                &mut v.notes,
                a.minimum,
                a.maximum,
                a.exclusive_minimum.unwrap_or(false),
                a.exclusive_maximum.unwrap_or(false),
            );
            items_notes(
                &mut v.notes,
                a.min_items,
                a.max_items,
                a.unique_items.unwrap_or(false),
            );
        }
    }
    (v, owned_format)
}

/// `x-extensible-enum: [a, b]` on a string schema without `enum`: the values known so far
/// of a set that may grow. JSON Schema still allows any string; the generated type is the
/// same open enum as for `enum` (unknown values are kept in its catch-all variant).
fn extensible_enum(v: &mut View<'_>) {
    if !v.enumeration.is_empty() || v.kind.is_some_and(|k| k != "string") {
        return;
    }
    let Some(Value::Array(values)) = v.data.extensions.get("x-extensible-enum") else {
        return;
    };
    if !values.is_empty() && values.iter().all(Value::is_string) {
        v.enumeration = values.clone();
    }
}

fn length_notes(notes: &mut Vec<String>, min: Option<usize>, max: Option<usize>) {
    if let Some(min) = min {
        notes.push(format!("Minimum length: {min}"));
    }
    if let Some(max) = max {
        notes.push(format!("Maximum length: {max}"));
    }
}

fn range_notes(
    notes: &mut Vec<String>,
    min: Option<f64>,
    max: Option<f64>,
    xmin: bool,
    xmax: bool,
) {
    if let Some(min) = min {
        notes.push(format!(
            "Minimum: {min}{}",
            if xmin { " (exclusive)" } else { "" }
        ));
    }
    if let Some(max) = max {
        notes.push(format!(
            "Maximum: {max}{}",
            if xmax { " (exclusive)" } else { "" }
        ));
    }
}

fn items_notes(notes: &mut Vec<String>, min: Option<usize>, max: Option<usize>, unique: bool) {
    if let Some(min) = min {
        notes.push(format!("Minimum items: {min}"));
    }
    if let Some(max) = max {
        notes.push(format!("Maximum items: {max}"));
    }
    if unique {
        notes.push("Items must be unique".to_owned());
    }
}

/// Documentation of a schema: title, description, constraints, default, extensions.
fn schema_doc(data: &SchemaData, notes: &[String], format: Option<&str>, provider: &str) -> Doc {
    let mut doc = Doc {
        title: data.title.clone(),
        description: data.description.clone(),
        notes: Vec::new(),
    };
    if let Some(format) = format {
        doc.notes
            .push(format!("Format: {}", crate::docs::code(format)));
    }
    doc.notes.extend(notes.iter().cloned());
    if let Some(default) = &data.default {
        doc.notes.push(format!(
            "Default: {}",
            crate::docs::code(&default.to_string())
        ));
    }
    if let Some(example) = data.example.as_ref().and_then(scalar_example) {
        doc.notes.push(format!("Example: {example}"));
    }
    // The reason is a note for whoever maintains the document; the reader of the API docs
    // needs to know only that this part is a guess.
    if data.extensions.contains_key("x-inferred") {
        doc.notes.push(inferred_note(provider));
    }
    doc
}

/// The sentence that stands for an `x-inferred` node in rustdoc.
pub fn inferred_note(provider: &str) -> String {
    format!("Not documented by {provider}; inferred.")
}

/// Who documents the API, for "not documented by ...": the document's `info.title` without
/// a trailing "API".
pub fn provider_name(title: &str) -> String {
    let title = crate::docs::inline(title);
    let trimmed = title.trim();
    let short = trimmed
        .strip_suffix(" API")
        .or_else(|| trimmed.strip_suffix(" Api"))
        .unwrap_or(trimmed)
        .trim();
    if short.is_empty() {
        "the API's documentation".to_owned()
    } else {
        short.to_owned()
    }
}

/// A short scalar example as a code span (objects, lists and long values are left out).
fn scalar_example(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.trim().is_empty() && text.chars().count() <= 60).then(|| crate::docs::code(&text))
}

/// Result of converting a schema position.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The type of a present, non-null value.
    pub ty: Ty,
    /// `nullable: true`.
    pub nullable: bool,
}

/// Builds the named types of an API.
pub struct TypeBuilder<'s> {
    spec: &'s Spec,
    foreign: &'s BTreeMap<String, Schema>,
    names: Scope,
    components: IndexMap<String, String>,
    /// Component key -> discriminator property that its tagged union carries instead.
    tag_owned: BTreeMap<String, String>,
    /// Non-component `$ref` targets already converted.
    ref_cache: BTreeMap<String, Ty>,
    /// Inline schemas (by pointer) that already have a type.
    inline_names: BTreeMap<String, String>,
    types: TypeTable,
    depth: usize,
    /// What the `allOf` of a schema (by pointer) merges into, computed once.
    all_of_cache: BTreeMap<String, std::rc::Rc<Merged<'s>>>,
    /// Work done so far, against `budget` ([`WORK_BUDGET`]).
    work: u64,
    budget: u64,
    /// What could not be typed and was generated as raw JSON or bytes instead, with why.
    fallbacks: Vec<Error>,
    /// Who documents the API ([`provider_name`]), for the `x-inferred` sentence.
    provider: String,
}

/// Where a [`TypeBuilder`] stood, to undo a conversion that failed part-way.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    types: usize,
}

impl<'s> TypeBuilder<'s> {
    /// Names every component schema (so refs resolve in any order).
    /// `foreign` holds the targets of `$ref`s outside `components.schemas` (see [`foreign_schemas`]).
    pub fn new(spec: &'s Spec, foreign: &'s BTreeMap<String, Schema>, reserved: &[&str]) -> Self {
        let mut names = Scope::with_reserved(reserved);
        let mut components = IndexMap::new();
        if let Some(c) = &spec.openapi.components {
            let plain: std::collections::BTreeSet<String> =
                c.schemas.keys().map(|k| naming::pascal(k)).collect();
            for key in c.schemas.keys() {
                let name = names.claim(naming::type_name_avoiding(key, &|n| plain.contains(n)));
                components.insert(key.clone(), name);
            }
        }
        let tag_owned = discriminated_variants(&spec.raw);
        TypeBuilder {
            spec,
            foreign,
            names,
            components,
            tag_owned,
            ref_cache: BTreeMap::new(),
            inline_names: BTreeMap::new(),
            types: TypeTable::default(),
            depth: 0,
            all_of_cache: BTreeMap::new(),
            work: 0,
            budget: WORK_BUDGET,
            fallbacks: Vec::new(),
            provider: provider_name(&spec.openapi.info.title),
        }
    }

    /// The same builder with a smaller work budget, to test what running out looks like.
    #[cfg(test)]
    fn with_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    /// Marks where the builder stands, for [`rollback`](Self::rollback).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            types: self.types.len(),
        }
    }

    /// Forgets the types a failed conversion defined since `checkpoint`, and the cached
    /// references to them, so that nothing generated names a type that was never finished.
    /// The names they claimed stay claimed: later names do not depend on what failed.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        self.types.truncate(checkpoint.types);
        self.depth = 0;
        let types = &self.types;
        let components = &self.components;
        let defined = |ty: &Ty| match ty {
            Ty::Named(name) => {
                types.named(name).is_some() || components.values().any(|c| c == name)
            }
            _ => true,
        };
        self.ref_cache.retain(|_, ty| defined(ty));
        self.inline_names
            .retain(|_, name| types.named(name).is_some());
    }

    /// Records that `error`'s node was generated as a raw fallback instead.
    pub fn fall_back(&mut self, error: Error) {
        self.fallbacks.push(error);
    }

    /// What was generated as a raw fallback, with the reason, in the order met.
    pub fn fallbacks(&self) -> &[Error] {
        &self.fallbacks
    }

    /// Converts every component schema into a named type.
    pub fn convert_components(&mut self, skip: &BTreeSet<String>) -> Result<()> {
        let Some(c) = &self.spec.openapi.components else {
            return Ok(());
        };
        for (key, schema) in c.schemas.iter().filter(|(k, _)| !skip.contains(*k)) {
            let name = self.components[key].clone();
            let pointer = push_pointer("#/components/schemas", key);
            let sref = SchemaRef::from(schema);
            let checkpoint = self.checkpoint();
            let converted = match sref {
                SchemaRef::Ref(r) => {
                    self.convert(SchemaRef::Ref(r), &name, &pointer)
                        .map(|target| {
                            self.types.push(TypeDef {
                                name: name.clone(),
                                pointer: pointer.clone(),
                                doc: Doc::default(),
                                kind: TypeKind::Alias(target.ty),
                            });
                        })
                }
                SchemaRef::Item(s) => self
                    .convert_item(s, &name, &pointer, Some(name.clone()), Some(key))
                    .map(drop),
            };
            match converted {
                Ok(()) => {}
                // A schema the generator cannot type is still valid OpenAPI: it becomes raw
                // JSON, and the tools say so.
                Err(e) if e.kind == crate::ErrorKind::Unsupported => {
                    self.rollback(checkpoint);
                    if self.types.named(&name).is_none() {
                        self.types.push(TypeDef {
                            name,
                            pointer,
                            doc: Doc {
                                title: None,
                                description: None,
                                notes: vec![format!(
                                    "Kept as JSON: the generator cannot type this schema ({}).",
                                    e.message
                                )],
                            },
                            kind: TypeKind::Alias(Ty::Value),
                        });
                    }
                    self.fall_back(e);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The Rust name of a component schema.
    pub fn component_name(&self, key: &str) -> Option<&str> {
        self.components.get(key).map(String::as_str)
    }

    /// Claims a fresh type name (for inline schemas named by other modules).
    pub fn claim_name(&mut self, hint: &str) -> String {
        self.names.claim(naming::type_name(hint))
    }

    /// Finishes: boxes cycles, checks alias cycles, returns the types.
    pub fn finish(mut self) -> Result<TypeTable> {
        box_cycles(self.types.as_mut_slice())?;
        Ok(self.types)
    }

    /// The types defined so far.
    pub fn types_so_far(&self) -> &TypeTable {
        &self.types
    }

    /// A type defined so far, by Rust name.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.named(name)
    }

    /// Resolves a schema position to the schema it denotes (following `$ref` chains).
    pub fn resolve(&self, sref: SchemaRef<'s>, pointer: &str) -> Result<(&'s Schema, String)> {
        let mut current = sref;
        let mut at = pointer.to_owned();
        for _ in 0..32 {
            match current {
                SchemaRef::Item(s) => return Ok((s, at)),
                SchemaRef::Ref(r) => {
                    if let Some(key) = component_of(r) {
                        let schema = self
                            .spec
                            .openapi
                            .components
                            .as_ref()
                            .and_then(|c| c.schemas.get(&key))
                            .ok_or_else(|| {
                                self.spec.locate(Error::reference(
                                    &at,
                                    format!(
                                        "`$ref: {r}` points to no schema in components.schemas"
                                    ),
                                ))
                            })?;
                        at = push_pointer("#/components/schemas", &key);
                        current = schema.into();
                    } else {
                        return Ok((self.schema_at(r, &at)?, r.to_owned()));
                    }
                }
            }
        }
        Err(self.spec.locate(Error::reference(
            pointer,
            "`$ref` chain longer than 32 links (a cycle of references?)",
        )))
    }

    fn schema_at(&self, reference: &str, at: &str) -> Result<&'s Schema> {
        if !reference.starts_with("#/") {
            return Err(self.spec.locate(Error::reference(
                at,
                format!("external `$ref: {reference}` cannot be resolved from the document's text alone: read the document from its file (`cargo xtask generate --spec`, `generator::parse_spec_files`), so the files beside it are read"),
            )));
        }
        self.foreign.get(reference).ok_or_else(|| {
            let what = if self
                .spec
                .raw
                .pointer(&unescape_pointer(&reference[1..]))
                .is_some()
            {
                "does not point to a schema"
            } else {
                "points to nothing"
            };
            self.spec
                .locate(Error::reference(at, format!("`$ref: {reference}` {what}")))
        })
    }

    /// The limits a schema position declares (following `$ref`s; into array items and map
    /// values). Keywords the generator does not check (`pattern`, `multipleOf`,
    /// `uniqueItems`, `minProperties`...) are left out; so is a schema that does not resolve
    /// (its conversion reports that).
    pub fn limits(&self, sref: SchemaRef<'s>, pointer: &str) -> crate::ir::Limits {
        self.limits_at(sref, pointer, 0)
    }

    fn limits_at(&self, sref: SchemaRef<'s>, pointer: &str, depth: usize) -> crate::ir::Limits {
        use crate::ir::Limits;
        let mut out = Limits::default();
        if depth > MAX_DEPTH {
            return out;
        }
        let Ok((schema, at)) = self.resolve(sref, pointer) else {
            return out;
        };
        let count = |n: Option<usize>| n.map(|n| n as u64);
        let mut nested: Option<(SchemaRef<'s>, String)> = None;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                out.min_length = count(s.min_length);
                out.max_length = count(s.max_length);
            }
            SchemaKind::Type(Type::Number(n)) => {
                out.minimum = n.minimum.map(|m| (m, n.exclusive_minimum));
                out.maximum = n.maximum.map(|m| (m, n.exclusive_maximum));
            }
            SchemaKind::Type(Type::Integer(i)) => {
                out.minimum = i.minimum.map(|m| (m as f64, i.exclusive_minimum));
                out.maximum = i.maximum.map(|m| (m as f64, i.exclusive_maximum));
            }
            SchemaKind::Type(Type::Array(a)) => {
                out.min_items = count(a.min_items);
                out.max_items = count(a.max_items);
                nested = a
                    .items
                    .as_ref()
                    .map(|i| (i.into(), push_pointer(&at, "items")));
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                if let Some(AdditionalProperties::Schema(s)) = &o.additional_properties {
                    nested = Some((s.as_ref().into(), push_pointer(&at, "additionalProperties")));
                }
            }
            SchemaKind::Any(a) => {
                let is = |t: &str| a.typ.as_deref().is_none_or(|k| k == t);
                if is("string") {
                    out.min_length = count(a.min_length);
                    out.max_length = count(a.max_length);
                }
                if is("number") || is("integer") {
                    out.minimum = a.minimum.map(|m| (m, a.exclusive_minimum.unwrap_or(false)));
                    out.maximum = a.maximum.map(|m| (m, a.exclusive_maximum.unwrap_or(false)));
                }
                if is("array") {
                    out.min_items = count(a.min_items);
                    out.max_items = count(a.max_items);
                    nested = a
                        .items
                        .as_ref()
                        .map(|i| (i.into(), push_pointer(&at, "items")));
                }
            }
            _ => {}
        }
        if let Some((inner, inner_at)) = nested {
            let inner = self.limits_at(inner, &inner_at, depth + 1);
            if !inner.is_empty() {
                out.items = Some(Box::new(inner));
            }
        }
        out
    }

    /// Converts a schema position into a type, naming new types from `hint`.
    pub fn convert(&mut self, sref: SchemaRef<'s>, hint: &str, pointer: &str) -> Result<Converted> {
        self.spend(1, pointer)?;
        match sref {
            SchemaRef::Ref(r) => {
                if let Some(key) = component_of(r) {
                    let Some(name) = self.components.get(&key) else {
                        return Err(self.spec.locate(Error::reference(
                            pointer,
                            format!("`$ref: {r}` points to no schema in components.schemas"),
                        )));
                    };
                    let name = name.clone();
                    let (target, _) = self.resolve(sref, pointer)?;
                    Ok(Converted {
                        ty: Ty::Named(name),
                        nullable: target.schema_data.nullable,
                    })
                } else if let Some(ty) = self.ref_cache.get(r) {
                    Ok(Converted {
                        ty: ty.clone(),
                        nullable: false,
                    })
                } else {
                    let schema = self.schema_at(r, pointer)?;
                    let nullable = schema.schema_data.nullable;
                    // The name is reserved before converting, so a self-referencing target ends.
                    let name = self.claim_name(hint);
                    self.ref_cache.insert(r.to_owned(), Ty::Named(name.clone()));
                    let pointer = r.to_owned();
                    self.convert_item(schema, &name, &pointer, Some(name.clone()), None)?;
                    Ok(Converted {
                        ty: Ty::Named(name),
                        nullable,
                    })
                }
            }
            SchemaRef::Item(s) => match self.inline_names.get(pointer) {
                Some(name) => Ok(Converted {
                    ty: Ty::Named(name.clone()),
                    nullable: s.schema_data.nullable,
                }),
                None => self.convert_item(s, hint, pointer, None, None),
            },
        }
    }

    fn convert_item(
        &mut self,
        schema: &'s Schema,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        component_key: Option<&str>,
    ) -> Result<Converted> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(self.spec.locate(Error::unsupported(
                pointer,
                format!("schemas nested more than {MAX_DEPTH} levels deep"),
            )));
        }
        let result = self.convert_item_inner(schema, hint, pointer, named, component_key);
        self.depth -= 1;
        result
    }

    fn convert_item_inner(
        &mut self,
        schema: &'s Schema,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        component_key: Option<&str>,
    ) -> Result<Converted> {
        // The dialect pass left this one schema untyped (see `dialect::UNTYPED`): raw JSON,
        // and the tools say why and where.
        if let Some(why) = schema
            .schema_data
            .extensions
            .get(crate::dialect::UNTYPED)
            .and_then(Value::as_str)
        {
            let error = self.spec.locate(Error::unsupported(pointer, why));
            self.fall_back(error);
            let nullable = schema.schema_data.nullable;
            let Some(name) = named else {
                return Ok(Converted {
                    ty: Ty::Value,
                    nullable,
                });
            };
            // A component keeps its name, as an alias others refer to.
            self.types.push(TypeDef {
                name: name.clone(),
                pointer: pointer.to_owned(),
                doc: Doc {
                    title: schema.schema_data.title.clone(),
                    description: schema.schema_data.description.clone(),
                    notes: vec![format!(
                        "Kept as JSON: the generator cannot type this schema ({why})."
                    )],
                },
                kind: TypeKind::Alias(Ty::Value),
            });
            return Ok(Converted {
                ty: Ty::Named(name),
                nullable,
            });
        }
        let (mut v, format) = view(schema);
        extensible_enum(&mut v);
        let nullable = v.data.nullable;
        let doc = schema_doc(v.data, &v.notes, format.as_deref(), &self.provider);
        if let Some(d) = &v.data.discriminator {
            self.check_mapping(d, pointer)?;
        }

        if !v.all_of.is_empty() {
            return self.all_of(schema, &v, hint, pointer, named, component_key, doc);
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let any_of = v.one_of.is_empty();
            let members = if any_of { v.any_of } else { v.one_of };
            return self.union(&v, members, any_of, hint, pointer, named, doc);
        }
        let non_null: Vec<&Value> = v.enumeration.iter().filter(|e| !e.is_null()).collect();
        let enum_nullable = nullable || non_null.len() < v.enumeration.len();
        if !non_null.is_empty() {
            if non_null.iter().all(|e| e.is_string()) && v.kind.is_none_or(|k| k == "string") {
                let values: Vec<&str> = non_null.iter().filter_map(|e| e.as_str()).collect();
                let ty = self.string_enum(&values, v.data, hint, pointer, named, doc);
                return Ok(Converted {
                    ty,
                    nullable: enum_nullable,
                });
            }
            if non_null.iter().all(|e| e.is_i64()) && v.kind.is_none_or(|k| k == "integer") {
                let values: Vec<i64> = non_null.iter().filter_map(|e| e.as_i64()).collect();
                let ty = self.int_enum(&values, hint, pointer, named, doc);
                return Ok(Converted {
                    ty,
                    nullable: enum_nullable,
                });
            }
        }
        let mut doc = doc;
        if !non_null.is_empty() {
            let listed: Vec<String> = non_null
                .iter()
                .map(|e| crate::docs::code(&e.to_string()))
                .collect();
            doc.notes
                .push(format!("Allowed values: {}", listed.join(", ")));
        }
        let ty = match v.kind {
            Some("string") => match format.as_deref() {
                Some("binary") => Ty::Binary,
                _ => Ty::String,
            },
            Some("integer") => Ty::Int(int_type(format.as_deref())),
            Some("number") => Ty::Float(if format.as_deref() == Some("float") {
                "f32"
            } else {
                "f64"
            }),
            Some("boolean") => Ty::Bool,
            Some("array") if v.data.extensions.get("x-tuple") == Some(&Value::Bool(true)) => {
                self.tuple(&v, hint, pointer)?
            }
            Some("array") => {
                let item = match v.items {
                    Some(items) => {
                        let c = self.convert(
                            items,
                            &format!("{hint}Item"),
                            &format!("{pointer}/items"),
                        )?;
                        wrap_nullable(c)
                    }
                    None => Ty::Value,
                };
                Ty::Vec(Box::new(item))
            }
            Some("object") | None if !v.properties.is_empty() => {
                return self
                    .object(&v, hint, pointer, named, component_key, doc)
                    .map(|ty| Converted { ty, nullable });
            }
            Some("object") => match v.additional {
                Some(AdditionalProperties::Schema(s)) => {
                    let c = self.convert(
                        s.as_ref().into(),
                        &format!("{hint}Value"),
                        &format!("{pointer}/additionalProperties"),
                    )?;
                    Ty::Map(Box::new(wrap_nullable(c)))
                }
                _ => Ty::Object,
            },
            None if v.items.is_some() => {
                // `items` without `type: array` is common in the wild; treat it as an array.
                let Some(items) = v.items else {
                    return Ok(Converted {
                        ty: Ty::Value,
                        nullable,
                    });
                };
                let c = self.convert(items, &format!("{hint}Item"), &format!("{pointer}/items"))?;
                Ty::Vec(Box::new(wrap_nullable(c)))
            }
            None if matches!(v.additional, Some(AdditionalProperties::Schema(_))) => {
                let Some(AdditionalProperties::Schema(s)) = v.additional else {
                    return Ok(Converted {
                        ty: Ty::Value,
                        nullable,
                    });
                };
                let c = self.convert(
                    s.as_ref().into(),
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                )?;
                Ty::Map(Box::new(wrap_nullable(c)))
            }
            None => {
                if v.not {
                    doc.notes
                        .push("`not` schemas are not checked: any JSON value".to_owned());
                }
                Ty::Value
            }
            Some(other) => {
                return Err(self.spec.locate(Error::invalid(
                    &push_pointer(pointer, "type"),
                    format!("unknown schema type `{other}`"),
                )));
            }
        };
        self.finish_alias(ty, nullable, pointer, named, doc)
    }

    /// The members of a closed `prefixItems` list, which [`crate::dialect`] leaves as the
    /// `anyOf` of `items`, each converted at its own position.
    fn tuple(&mut self, v: &View<'s>, hint: &str, pointer: &str) -> Result<Ty> {
        let members = match v.items {
            Some(SchemaRef::Item(items)) => match &items.schema_kind {
                SchemaKind::AnyOf { any_of } => any_of,
                _ => &[][..],
            },
            _ => &[][..],
        };
        let mut tys = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let at = format!("{pointer}/items/anyOf/{i}");
            let c = self.convert(SchemaRef::from(member), &format!("{hint}{}", i + 1), &at)?;
            tys.push(wrap_nullable(c));
        }
        Ok(Ty::Tuple(tys.into()))
    }

    /// The name of the type being defined at `pointer`: the component's, or a fresh one for
    /// an inline schema, remembered so that meeting the same inline schema again (an `allOf`
    /// merging a component into several structs, or into itself) reuses the type instead
    /// of defining it again, or recursing forever.
    fn type_name_for(&mut self, named: Option<String>, hint: &str, pointer: &str) -> String {
        if let Some(name) = named {
            return name;
        }
        let name = self.claim_name(hint);
        self.inline_names.insert(pointer.to_owned(), name.clone());
        name
    }

    fn string_enum(
        &mut self,
        values: &[&str],
        data: &SchemaData,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        doc: Doc,
    ) -> Ty {
        let name = self.type_name_for(named, hint, pointer);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for value in values {
            if seen.insert(*value) {
                variants.push((scope.claim(naming::pascal(value)), (*value).to_owned()));
            }
        }
        let other = scope.claim("Other".to_owned());
        let default = data
            .default
            .as_ref()
            .and_then(Value::as_str)
            .and_then(|d| variants.iter().position(|(_, w)| w == d));
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            doc,
            kind: TypeKind::StringEnum(StringEnum {
                variants,
                other,
                default,
            }),
        });
        Ty::Named(name)
    }

    fn int_enum(
        &mut self,
        values: &[i64],
        hint: &str,
        pointer: &str,
        named: Option<String>,
        doc: Doc,
    ) -> Ty {
        let name = self.type_name_for(named, hint, pointer);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for value in values {
            if seen.insert(*value) {
                let label = if *value < 0 {
                    format!("Minus{}", value.unsigned_abs())
                } else {
                    format!("V{value}")
                };
                variants.push((scope.claim(label), *value));
            }
        }
        let other = scope.claim("Other".to_owned());
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            doc,
            kind: TypeKind::IntEnum(IntEnum { variants, other }),
        });
        Ty::Named(name)
    }

    fn object(
        &mut self,
        v: &View<'s>,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        component_key: Option<&str>,
        doc: Doc,
    ) -> Result<Ty> {
        let name = self.type_name_for(named, hint, pointer);
        let skip = component_key.and_then(|k| self.tag_owned.get(k)).cloned();
        let props: Vec<(String, SchemaRef<'s>, String)> = v
            .properties
            .iter()
            .filter(|(k, _)| skip.as_deref() != Some(*k))
            .map(|(k, s)| {
                (
                    (*k).to_owned(),
                    *s,
                    push_pointer(&push_pointer(pointer, "properties"), k),
                )
            })
            .collect();
        let required: BTreeSet<&str> = v.required.iter().map(String::as_str).collect();
        let additional = v
            .additional
            .map(|a| (a, push_pointer(pointer, "additionalProperties")));
        let strukt = self.build_struct(&name, &props, &required, additional)?;
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            doc,
            kind: TypeKind::Struct(strukt),
        });
        Ok(Ty::Named(name))
    }

    fn build_struct(
        &mut self,
        name: &str,
        props: &[(String, SchemaRef<'s>, String)],
        required: &BTreeSet<&str>,
        additional: Option<(&'s AdditionalProperties, String)>,
    ) -> Result<Struct> {
        let mut scope = Scope::with_reserved(&["additional_properties", "additional_property"]);
        let mut fields = Vec::with_capacity(props.len());
        for (wire, sref, ptr) in props {
            let field_name = scope.claim(naming::snake(wire));
            let converted = self.convert(*sref, &format!("{name}{}", naming::pascal(wire)), ptr)?;
            let limits = self.limits(*sref, ptr);
            let (doc, read_only, write_only, deprecated, string_format) = match sref {
                SchemaRef::Item(s) => {
                    let (pv, format) = view(s);
                    // Inline enums and objects carry their docs on their own type.
                    let on_type = matches!(converted.ty, Ty::Named(_));
                    let doc = if on_type {
                        Doc {
                            title: None,
                            description: s.schema_data.description.clone(),
                            notes: Vec::new(),
                        }
                    } else {
                        schema_doc(pv.data, &pv.notes, format.as_deref(), &self.provider)
                    };
                    let string_format = format.filter(|_| converted.ty == Ty::String);
                    (
                        doc,
                        s.schema_data.read_only,
                        s.schema_data.write_only,
                        s.schema_data.deprecated,
                        string_format,
                    )
                }
                SchemaRef::Ref(_) => (Doc::default(), false, false, false, None),
            };
            fields.push(Field {
                name: field_name,
                wire: wire.clone(),
                ty: converted.ty,
                required: required.contains(wire.as_str()),
                nullable: converted.nullable,
                null_is_none: false,
                format: string_format,
                read_only,
                write_only,
                deprecated,
                boxed: false,
                doc,
                limits,
            });
        }
        // The pointer is where the schema sits (for an `allOf`, inside the member it came
        // from): the inline-type cache is keyed by it, so a schema met again is not
        // converted again.
        let (extra, closed) = match additional {
            None => (None, false),
            Some((AdditionalProperties::Any(true), _)) => (Some(Ty::Value), false),
            Some((AdditionalProperties::Any(false), _)) => (None, true),
            Some((AdditionalProperties::Schema(s), at)) => {
                let c = self.convert(s.as_ref().into(), &format!("{name}Value"), &at)?;
                (Some(wrap_nullable(c)), false)
            }
        };
        Ok(Struct {
            fields,
            additional: extra,
            closed,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn all_of(
        &mut self,
        schema: &'s Schema,
        v: &View<'s>,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        component_key: Option<&str>,
        mut doc: Doc,
    ) -> Result<Converted> {
        let nullable = v.data.nullable;
        // `allOf: [$ref]` with only annotations beside it is how 3.0 documents add a
        // description or `nullable` to a reference: it is that type.
        if v.all_of.len() == 1 && v.properties.is_empty() && v.kind.is_none_or(|k| k != "object") {
            let member = SchemaRef::from(&v.all_of[0]);
            let c = self.convert(member, hint, &format!("{pointer}/allOf/0"))?;
            return self.finish_alias(c.ty, nullable || c.nullable, pointer, named, doc);
        }
        let mut merged = Merged {
            required: v.required.iter().cloned().collect(),
            additional: v
                .additional
                .map(|a| (a, push_pointer(pointer, "additionalProperties"))),
            ..Merged::default()
        };
        self.collect_all_of(v.all_of, pointer, &mut merged, 0)?;
        let Merged {
            mut props,
            required,
            additional,
            non_objects,
        } = merged;
        for (k, s) in &v.properties {
            props.insert(
                (*k).to_owned(),
                (*s, push_pointer(&push_pointer(pointer, "properties"), k)),
            );
        }
        if !non_objects.is_empty() {
            if props.is_empty() && non_objects.len() == 1 {
                let c = self.convert(non_objects[0].0, hint, &non_objects[0].1)?;
                return self.finish_alias(c.ty, nullable || c.nullable, pointer, named, doc);
            }
            doc.notes.push(
                "`allOf` mixes objects with non-object schemas, which have no Rust equivalent: kept as JSON"
                    .to_owned(),
            );
            return self.finish_alias(Ty::Value, nullable, pointer, named, doc);
        }
        let _ = schema;
        let name = self.type_name_for(named, hint, pointer);
        let skip = component_key.and_then(|k| self.tag_owned.get(k)).cloned();
        let props: Vec<(String, SchemaRef<'s>, String)> = props
            .into_iter()
            .filter(|(k, _)| skip.as_deref() != Some(k.as_str()))
            .map(|(k, (s, p))| (k, s, p))
            .collect();
        let required: BTreeSet<&str> = required.iter().map(String::as_str).collect();
        let strukt = self.build_struct(&name, &props, &required, additional)?;
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            doc,
            kind: TypeKind::Struct(strukt),
        });
        Ok(Converted {
            ty: Ty::Named(name),
            nullable,
        })
    }

    /// Merges the members of an `allOf` into `into`. A member that has an `allOf` of its
    /// own is merged once and remembered by its pointer: `S2: allOf: [S1, S1]` chains would
    /// otherwise take time exponential in their length.
    fn collect_all_of(
        &mut self,
        members: &'s [ReferenceOr<Schema>],
        pointer: &str,
        into: &mut Merged<'s>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(self
                .spec
                .locate(Error::unsupported(pointer, "`allOf` nested too deeply")));
        }
        for (i, member) in members.iter().enumerate() {
            let member_ptr = format!("{pointer}/allOf/{i}");
            self.spend(1, &member_ptr)?;
            let sref = SchemaRef::from(member);
            let (schema, at) = self.resolve(sref, &member_ptr)?;
            let (mv, _) = view(schema);
            let object_like = !mv.properties.is_empty()
                || mv.kind == Some("object")
                || !mv.all_of.is_empty()
                || (mv.kind.is_none()
                    && mv.one_of.is_empty()
                    && mv.any_of.is_empty()
                    && mv.enumeration.is_empty()
                    && mv.items.is_none());
            if !object_like {
                into.push_non_object(sref, member_ptr);
                continue;
            }
            if mv.all_of.is_empty() {
                into.add_own(&mv, &at);
                continue;
            }
            let merged = match self.all_of_cache.get(&at) {
                Some(merged) => std::rc::Rc::clone(merged),
                None => {
                    let mut merged = Merged::default();
                    self.collect_all_of(mv.all_of, &at, &mut merged, depth + 1)?;
                    merged.add_own(&mv, &at);
                    let merged = std::rc::Rc::new(merged);
                    self.all_of_cache
                        .insert(at.clone(), std::rc::Rc::clone(&merged));
                    merged
                }
            };
            self.spend(merged.props.len() + merged.required.len(), &member_ptr)?;
            into.extend(&merged);
        }
        Ok(())
    }

    /// Counts `steps` units of work against [`WORK_BUDGET`]; `at` names where the budget ran
    /// out.
    fn spend(&mut self, steps: usize, at: &str) -> Result<()> {
        self.work = self.work.saturating_add(steps as u64);
        if self.work > self.budget {
            return Err(self.spec.locate(Error::new(
                crate::error::ErrorKind::Limit,
                at,
                format!(
                    "converting the schemas took more than {} steps (the largest real-world specs need under {WORK_TYPICAL}): \
                     the schemas at and around this node combine into far more than they spell out",
                    self.budget
                ),
            )));
        }
        Ok(())
    }

    /// `ty` as the result of a schema: a named alias when the schema is a component.
    fn finish_alias(
        &mut self,
        ty: Ty,
        nullable: bool,
        pointer: &str,
        named: Option<String>,
        doc: Doc,
    ) -> Result<Converted> {
        if let Some(name) = named {
            self.types.push(TypeDef {
                name: name.clone(),
                pointer: pointer.to_owned(),
                doc,
                kind: TypeKind::Alias(ty),
            });
            return Ok(Converted {
                ty: Ty::Named(name),
                nullable,
            });
        }
        Ok(Converted { ty, nullable })
    }

    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        v: &View<'s>,
        members: &'s [ReferenceOr<Schema>],
        any_of: bool,
        hint: &str,
        pointer: &str,
        named: Option<String>,
        mut doc: Doc,
    ) -> Result<Converted> {
        let keyword = if any_of { "anyOf" } else { "oneOf" };
        let nullable = v.data.nullable;
        if members.len() == 1 {
            let c = self.convert(
                SchemaRef::from(&members[0]),
                hint,
                &format!("{pointer}/{keyword}/0"),
            )?;
            return self.finish_alias(c.ty, nullable || c.nullable, pointer, named, doc);
        }
        if !v.properties.is_empty() {
            doc.notes.push(format!(
                "The properties beside `{keyword}` are not modelled: only the `{keyword}` alternatives are"
            ));
        }
        let name = self.type_name_for(named, hint, pointer);
        let tag = v
            .data
            .discriminator
            .as_ref()
            .filter(|_| self.all_refs_to_objects(members, pointer));
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(members.len());
        let mut member_nullable = false;
        for (i, member) in members.iter().enumerate() {
            let member_ptr = format!("{pointer}/{keyword}/{i}");
            let sref = SchemaRef::from(member);
            let c = self.convert(sref, &format!("{name}Variant{i}"), &member_ptr)?;
            member_nullable |= c.nullable;
            let tag_value = tag.map(|d| {
                let reference = match sref {
                    SchemaRef::Ref(r) => r,
                    SchemaRef::Item(_) => "",
                };
                d.mapping
                    .iter()
                    .find(|(_, target)| mapping_ref(target) == reference)
                    .map(|(value, _)| value.clone())
                    .unwrap_or_else(|| reference.rsplit('/').next().unwrap_or(reference).to_owned())
            });
            // An inline alternative's `title` names it (`Other`) better than its type does,
            // and its `description` says what it is.
            let inline = match member {
                ReferenceOr::Item(schema) => Some(&schema.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            let variant_doc = inline
                .and_then(|d| d.description.clone())
                .filter(|d| !d.trim().is_empty());
            let title = inline
                .and_then(|d| d.title.as_deref())
                .filter(|t| !t.trim().is_empty())
                .map(naming::pascal);
            let label = match (&tag_value, title, &c.ty) {
                (Some(value), _, _) => naming::pascal(value),
                (None, Some(title), _) => title,
                (None, None, Ty::Named(n)) => n.clone(),
                (None, None, other) => variant_label(other),
            };
            variants.push(Variant {
                name: scope.claim(label),
                tag_value,
                ty: c.ty,
                boxed: false,
                doc: variant_doc,
            });
        }
        if tag.is_none() {
            doc.notes.push(format!(
                "Untagged `{keyword}`: a value decodes as the first alternative that accepts it, in this order."
            ));
        }
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            doc,
            kind: TypeKind::Union(Union {
                tag: tag.map(|d| d.property_name.clone()),
                variants,
                any_of,
            }),
        });
        Ok(Converted {
            ty: Ty::Named(name),
            nullable: nullable || member_nullable,
        })
    }

    /// Every target of a discriminator's `mapping` is a schema (a tag value mapped to
    /// nothing would decode as no alternative, or as the wrong one).
    fn check_mapping(&self, d: &openapiv3::Discriminator, pointer: &str) -> Result<()> {
        for (value, target) in &d.mapping {
            let reference = mapping_ref(target);
            let found = match component_of(&reference) {
                Some(key) => self.components.contains_key(&key),
                None => {
                    reference.starts_with("#/")
                        && pointer_through_refs(&self.spec.raw, &unescape_pointer(&reference[1..]))
                            .is_some_and(looks_like_schema)
                }
            };
            if !found {
                let at = push_pointer(
                    &push_pointer(&push_pointer(pointer, "discriminator"), "mapping"),
                    value,
                );
                return Err(self.spec.locate(Error::reference(
                    &at,
                    format!("discriminator value `{value}` maps to `{target}`, which is not a schema of the document"),
                )));
            }
        }
        Ok(())
    }

    /// A discriminator is usable by serde only when every alternative is a named object.
    fn all_refs_to_objects(&self, members: &'s [ReferenceOr<Schema>], pointer: &str) -> bool {
        members.iter().all(|m| match m {
            ReferenceOr::Reference { reference } if component_of(reference).is_some() => {
                match self.resolve(SchemaRef::Ref(reference), pointer) {
                    Ok((s, _)) => {
                        let (mv, _) = view(s);
                        mv.one_of.is_empty()
                            && mv.any_of.is_empty()
                            && (!mv.properties.is_empty()
                                || mv.kind == Some("object")
                                || !mv.all_of.is_empty())
                    }
                    Err(_) => false,
                }
            }
            _ => false,
        })
    }
}

/// The node at `pointer`, following the `$ref`s met on the way: bundlers write mapping
/// targets like `#/paths/~1a/get/.../schema/allOf/0/properties/x`, where `schema` is a `$ref`
/// (pagerduty.json does).
fn pointer_through_refs<'v>(raw: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut node = raw;
    let mut hops = 0;
    for token in pointer.split('/').skip(1) {
        let token = unescape_token(token);
        loop {
            let next = match node {
                Value::Object(map) => map.get(&token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            if let Some(next) = next {
                node = next;
                break;
            }
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            hops += 1;
            if hops > 64 {
                return None;
            }
            node = raw.pointer(&unescape_pointer(target))?;
        }
    }
    Some(node)
}

/// A discriminator mapping target as a `$ref`: a bare name (`Cat`) names a component schema.
fn mapping_ref(target: &str) -> String {
    if target.contains('/') || target.starts_with('#') {
        target.to_owned()
    } else {
        push_pointer("#/components/schemas", target)
    }
}

fn variant_label(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "Bool".into(),
        Ty::Int(_) => "Integer".into(),
        Ty::Float(_) => "Number".into(),
        Ty::Value => "Value".into(),
        Ty::Object => "Object".into(),
        Ty::Binary => "Binary".into(),
        Ty::Named(n) => n.clone(),
        Ty::Vec(inner) => format!("{}List", variant_label(inner)),
        Ty::Map(inner) => format!("{}Map", variant_label(inner)),
        Ty::Option(inner) => variant_label(inner),
        Ty::Tuple(_) => "Tuple".into(),
    }
}

/// Nullable items and map values become `Option<T>` inside the container.
pub fn wrap_nullable(c: Converted) -> Ty {
    if c.nullable {
        Ty::Option(Box::new(c.ty))
    } else {
        c.ty
    }
}

fn int_type(format: Option<&str>) -> &'static str {
    match format {
        Some("int32") => "i32",
        Some("int8") => "i8",
        Some("int16") => "i16",
        Some("uint8") => "u8",
        Some("uint16") => "u16",
        Some("uint32") => "u32",
        Some("uint64") | Some("uint") => "u64",
        _ => "i64",
    }
}

fn unescape_pointer(pointer: &str) -> String {
    // A `$ref` is a URI fragment, so its pointer may be percent-encoded (RFC 6901, section 6);
    // serde_json's `pointer()` wants the decoded form.
    percent_encoding::percent_decode_str(pointer)
        .decode_utf8_lossy()
        .into_owned()
}

/// Keywords a schema object may have: a `$ref` target with any other key (like `#/info`,
/// with `version`) is not a schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

fn looks_like_schema(node: &Value) -> bool {
    match node {
        Value::Bool(_) => true,
        Value::Object(map) => map
            .keys()
            .all(|k| k.starts_with("x-") || SCHEMA_KEYWORDS.contains(&k.as_str())),
        _ => false,
    }
}

/// Component keys that are alternatives of a discriminated union, with the tag property
/// they must leave to the union (serde's internally tagged enums own the tag).
fn discriminated_variants(raw: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![raw];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let (Some(d), Some(Value::Array(members))) = (
                    map.get("discriminator"),
                    map.get("oneOf").or_else(|| map.get("anyOf")),
                ) && let Some(prop) = d.get("propertyName").and_then(Value::as_str)
                {
                    for m in members {
                        if let Some(key) = m
                            .get("$ref")
                            .and_then(Value::as_str)
                            .and_then(|r| r.strip_prefix(COMPONENT_PREFIX))
                        {
                            out.insert(unescape_token(key), prop.to_owned());
                        }
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Boxes every by-value edge that closes a cycle (Tarjan's SCCs over by-value edges), and
/// refuses cycles made only of aliases, which no box can break.
fn box_cycles(types: &mut [TypeDef]) -> Result<()> {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let names: Vec<&str> = match &t.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .flat_map(|f| f.ty.by_value_names())
                    .collect(),
                TypeKind::Union(u) => u
                    .variants
                    .iter()
                    .flat_map(|v| v.ty.by_value_names())
                    .collect(),
                TypeKind::Alias(ty) => ty.by_value_names(),
                _ => Vec::new(),
            };
            names
                .iter()
                .filter_map(|n| index.get(*n).copied())
                .collect()
        })
        .collect();
    let scc = tarjan(&edges);
    let cyclic = |i: usize, j: usize| scc[i] == scc[j] && (i != j || edges[i].contains(&i));
    // Per component: does it hold anything but aliases? (Computed once: per-type scans of
    // the whole list would make this quadratic.)
    let components = scc.iter().copied().max().map_or(0, |m| m + 1);
    let mut has_non_alias = vec![false; components];
    for (i, t) in types.iter().enumerate() {
        if !matches!(t.kind, TypeKind::Alias(_)) {
            has_non_alias[scc[i]] = true;
        }
    }
    union_cycles(types, &index, &edges)?;
    for i in 0..types.len() {
        let only_aliases = !has_non_alias[scc[i]];
        if only_aliases && edges[i].iter().any(|&j| cyclic(i, j)) {
            return Err(Error::unsupported(
                &types[i].pointer,
                format!(
                    "`{}` is defined only in terms of itself (a cycle of references with no object in between)",
                    types[i].name
                ),
            ));
        }
        let boxed = |ty: &Ty| {
            ty.by_value_names()
                .iter()
                .any(|n| index.get(*n).is_some_and(|&j| cyclic(i, j)))
        };
        let decisions: Vec<bool> = match &types[i].kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| boxed(&f.ty)).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| boxed(&v.ty)).collect(),
            _ => Vec::new(),
        };
        match &mut types[i].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .zip(decisions)
                .for_each(|(f, b)| f.boxed = b),
            TypeKind::Union(u) => u
                .variants
                .iter_mut()
                .zip(decisions)
                .for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
    Ok(())
}

/// Refuses a union that holds itself by value through unions and aliases only
/// (`U: {oneOf: [{$ref: U}, ...]}`, `U -> V -> U`): a box would make it compile, but decoding
/// a value that matches no other alternative tries the same union again, on the same input,
/// until the stack overflows. A struct, an array or a map in between consumes a level of the
/// input and ends the recursion, so those cycles are kept (and boxed).
///
/// Cycles of aliases alone are left to the caller, which names them differently.
fn union_cycles(
    types: &[TypeDef],
    index: &BTreeMap<String, usize>,
    edges: &[Vec<usize>],
) -> Result<()> {
    let eligible = |i: usize| matches!(types[i].kind, TypeKind::Union(_) | TypeKind::Alias(_));
    let restricted: Vec<Vec<usize>> = edges
        .iter()
        .enumerate()
        .map(|(i, out)| {
            if eligible(i) {
                out.iter().copied().filter(|&j| eligible(j)).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let scc = tarjan(&restricted);
    let components = scc.iter().copied().max().map_or(0, |m| m + 1);
    let mut has_union = vec![false; components];
    for (i, t) in types.iter().enumerate() {
        if matches!(t.kind, TypeKind::Union(_)) {
            has_union[scc[i]] = true;
        }
    }
    for (i, t) in types.iter().enumerate() {
        let TypeKind::Union(u) = &t.kind else {
            continue;
        };
        if !has_union[scc[i]] {
            continue;
        }
        let keyword = if u.any_of { "anyOf" } else { "oneOf" };
        for (k, variant) in u.variants.iter().enumerate() {
            let back = variant.ty.by_value_names().into_iter().find_map(|n| {
                let j = *index.get(n)?;
                (scc[j] == scc[i] && eligible(j)).then_some(&types[j].name)
            });
            if let Some(target) = back {
                let via = if *target == t.name {
                    String::new()
                } else {
                    format!(" through `{target}`")
                };
                return Err(Error::unsupported(
                    &format!("{}/{keyword}/{k}", t.pointer),
                    format!(
                        "the `{keyword}` `{}` includes itself{via} with no object, array or map in between: no value could be decoded as it (make the recursive alternative an object property or an array item)",
                        t.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Strongly connected components; iterative so deep graphs cannot overflow the stack.
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut comps = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, child)) = work.pop() {
            if child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if child < edges[v].len() {
                work.push((v, child + 1));
                let w = edges[v][child];
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps;
                    if w == v {
                        break;
                    }
                }
                comps += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    comp
}

/// Deserializes the targets of `$ref`s that point outside `components.schemas`, so that
/// the builder can borrow them for as long as it borrows the spec. Targets that are not
/// schemas are left out; a schema position that names one gets a clear error.
pub fn foreign_schemas(raw: &Value) -> BTreeMap<String, Schema> {
    let mut out = BTreeMap::new();
    let mut stack = vec![raw];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && r.starts_with("#/")
                    && component_of(r).is_none()
                    && !out.contains_key(r)
                    && let Some(target) = raw.pointer(&unescape_pointer(&r[1..]))
                    && looks_like_schema(target)
                    && let Ok(schema) = serde_json::from_value::<Schema>(target.clone())
                {
                    out.insert(r.to_owned(), schema);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Component schemas whose every `$ref` is the schema of a `multipart/*` body.
pub fn multipart_only(raw: &Value) -> BTreeSet<String> {
    let mut all: BTreeMap<String, usize> = BTreeMap::new();
    let mut multipart: BTreeMap<String, usize> = BTreeMap::new();
    // (node, is the schema of a multipart media type)
    let mut stack = vec![(raw, false)];
    while let Some((node, at_multipart)) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(key) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(component_of)
                {
                    *all.entry(key.clone()).or_default() += 1;
                    if at_multipart {
                        *multipart.entry(key).or_default() += 1;
                    }
                }
                for (k, v) in map {
                    if k.starts_with("multipart/") {
                        if let Some(schema) = v.get("schema") {
                            stack.push((schema, true));
                        }
                        for (k2, v2) in v.as_object().into_iter().flatten() {
                            if k2 != "schema" {
                                stack.push((v2, false));
                            }
                        }
                    } else {
                        stack.push((v, false));
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, false))),
            _ => {}
        }
    }
    multipart
        .into_iter()
        .filter(|(k, n)| all.get(k) == Some(n))
        .map(|(k, _)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `S{i}: allOf: [S{i-1}, S{i-1}, {p{i}}]`: a 4 kB document whose `allOf`s, expanded
    /// naively, visit 2^levels schemas.
    fn chain(levels: usize) -> String {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo: {title: chain, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    S0: {type: object, properties: {p0: {type: string}}}\n",
        );
        for i in 1..=levels {
            let prev = format!("{{$ref: '#/components/schemas/S{}'}}", i - 1);
            text.push_str(&format!(
                "    S{i}: {{allOf: [{prev}, {prev}, {{type: object, properties: {{p{i}: {{type: string}}}}}}]}}\n"
            ));
        }
        text
    }

    fn convert(spec: &Spec, budget: u64) -> Result<TypeTable> {
        let foreign = foreign_schemas(&spec.raw);
        let mut builder = TypeBuilder::new(spec, &foreign, &[]).with_budget(budget);
        builder.convert_components(&BTreeSet::new())?;
        builder.finish()
    }

    #[test]
    fn an_all_of_chain_is_merged_once_per_schema() {
        let spec = crate::parse_spec(&chain(40)).unwrap();
        // 40 levels: 2^40 member visits without the cache; with it, a few thousand steps
        // (S{i} has i + 1 fields to convert).
        let types = convert(&spec, 10_000).unwrap();
        let Some(TypeKind::Struct(s40)) = types.named("S40").map(|t| &t.kind) else {
            panic!("S40 is a struct");
        };
        let fields: Vec<&str> = s40.fields.iter().map(|f| f.wire.as_str()).collect();
        let expected: Vec<String> = (0..=40).map(|i| format!("p{i}")).collect();
        assert_eq!(fields, expected);
    }

    #[test]
    fn discriminator_mappings_are_checked_through_refs_and_bare_names() {
        let doc = |cat: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: d, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Holder: {{type: object, properties: {{pet: {{$ref: '#/components/schemas/Pet'}}}}}}\n    Pet:\n      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]\n      discriminator:\n        propertyName: kind\n        mapping: {{cat: '{cat}', dog: Dog}}\n    Cat: {{type: object, properties: {{kind: {{type: string}}}}}}\n    Dog: {{type: object, properties: {{kind: {{type: string}}}}}}\n"
            )
        };
        // Through `Holder/properties/pet`, a `$ref` to `Pet`, as bundlers write them.
        let spec =
            crate::parse_spec(&doc("#/components/schemas/Holder/properties/pet/oneOf/0")).unwrap();
        convert(&spec, WORK_BUDGET).unwrap();
        let spec = crate::parse_spec(&doc("#/components/schemas/Holder/properties/cat")).unwrap();
        let err = convert(&spec, WORK_BUDGET).unwrap_err();
        assert_eq!(
            err.pointer,
            "#/components/schemas/Pet/discriminator/mapping/cat"
        );
        // A bare name is a component's: `dog: Dog` tags the `Dog` variant `dog`.
        let spec = crate::parse_spec(&doc("Cat")).unwrap();
        let types = convert(&spec, WORK_BUDGET).unwrap();
        let Some(TypeKind::Union(pet)) = types.named("Pet").map(|t| &t.kind) else {
            panic!("Pet is a union");
        };
        let tags: Vec<Option<&str>> = pet
            .variants
            .iter()
            .map(|v| v.tag_value.as_deref())
            .collect();
        assert_eq!(tags, [Some("cat"), Some("dog")]);
    }

    #[test]
    fn running_out_of_budget_is_a_located_error() {
        let spec = crate::parse_spec(&chain(40)).unwrap();
        let err = convert(&spec, 50).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Limit, "{err}");
        assert!(err.pointer.starts_with("#/components/schemas/S"), "{err}");
        assert!(err.line.is_some(), "{err}");
        assert!(err.message.contains("more than 50 steps"), "{err}");
    }
}
