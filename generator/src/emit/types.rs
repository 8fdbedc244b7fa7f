//! IR types -> `types.rs`: structs, open enums, unions, aliases.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{Convert, Ctx, arg_for, docs, ident, resolved, rust_type};
use crate::ir::{
    Api, BodyKind, Field, FieldShape, IntEnum, StringEnum, Struct, Ty, TypeDef, TypeKind,
    TypeTable, Union,
};

/// The named types of the API at `range` of [`Api::types`] (in their order): the generator
/// formats a large `types.rs` in parts, on several threads.
pub fn emit(api: &Api, range: std::ops::Range<usize>) -> TokenStream {
    let bodies = body_types(api);
    // Extending with owned streams moves the tokens; `quote!` interpolation would copy them.
    api.types.as_slice()[range]
        .iter()
        .map(|t| {
            let role = Role {
                in_responses: api.response_types.contains(&t.name),
                inferred: api.inferred_models.contains(&t.name),
                body: bodies.contains(t.name.as_str()),
            };
            let cfg = crate::emit::cfg::type_(api, &t.name);
            crate::emit::cfg::each_item(&cfg, emit_one(t, &api.types, role))
        })
        .collect()
}

/// Names of the types that are an operation's JSON body as a whole (not only part of one).
fn body_types(api: &Api) -> std::collections::BTreeSet<&str> {
    api.groups
        .iter()
        .flat_map(|g| &g.ops)
        .filter_map(|op| match op.body.as_ref().map(|b| &b.kind) {
            Some(BodyKind::Json(Ty::Named(name))) => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// Where a type is used, as far as its code depends on it.
#[derive(Debug, Clone, Copy)]
struct Role {
    /// A response can carry it.
    in_responses: bool,
    /// An inferred model, decoded leniently.
    inferred: bool,
    /// An operation's JSON body.
    body: bool,
}

fn emit_one(def: &TypeDef, all: &TypeTable, role: Role) -> TokenStream {
    let Role {
        in_responses,
        inferred,
        body,
    } = role;
    let own = docs::without_restatement(&def.doc, &[&def.name]);
    let mut lines = docs::lines(&own);
    if !docs::has_prose(&own) {
        // Notes alone (a format, a default) make no summary line: say what the type holds.
        let mut summary = vec![kind_summary(&def.kind, all)];
        if !lines.is_empty() {
            summary.push(String::new());
        }
        summary.extend(lines);
        lines = summary;
    }
    let doc = docs::attrs(&lines);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) if inferred => {
            let mut lines = lines;
            docs::paragraph_break(&mut lines);
            lines.push(INFERRED_DOC.to_owned());
            emit_struct(&name, docs::attrs(&lines), s, all, true, body)
        }
        TypeKind::Struct(s) => emit_struct(&name, doc, s, all, false, body),
        TypeKind::StringEnum(e) => emit_string_enum(&name, doc, e),
        TypeKind::IntEnum(e) => emit_int_enum(&name, doc, e),
        TypeKind::Union(u) => emit_union(&name, doc, u, all, in_responses),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, Ctx::Types);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

/// The Rust type of a field as held in its struct.
pub fn field_type(f: &Field, ctx: Ctx) -> TokenStream {
    let inner = rust_type(&f.ty, ctx);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match f.shape() {
        FieldShape::Plain => inner,
        FieldShape::Nullable | FieldShape::Optional => quote!(Option<#inner>),
        FieldShape::OptionalNullable => quote!(Option<Option<#inner>>),
    }
}

fn field_doc(f: &Field, all: &TypeTable) -> TokenStream {
    let doc = docs::without_restatement(&f.doc, &[&f.name, &f.wire]);
    let mut lines = docs::lines(&doc);
    if !docs::has_prose(&doc) {
        let mut summary = vec![type_summary(&f.ty, all)];
        if !lines.is_empty() {
            summary.push(String::new());
        }
        summary.extend(lines);
        lines = summary;
    }
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server.");
    }
    if f.write_only {
        notes.push("Write-only: sent, never returned.");
    }
    match f.shape() {
        FieldShape::Nullable => notes.push("Required, may be `null` (`None` is sent as `null`)."),
        FieldShape::OptionalNullable => {
            notes.push("`None`: absent; `Some(None)`: `null`; `Some(Some(v))`: a value.")
        }
        _ => {}
    }
    if !notes.is_empty() {
        docs::paragraph_break(&mut lines);
        lines.extend(notes.iter().map(|n| (*n).to_owned()));
    }
    docs::attrs(&lines)
}

/// Values listed in a summary line before "...".
const LISTED_VALUES: usize = 8;

fn value_list(values: &[String]) -> String {
    let mut shown: Vec<String> = values.iter().take(LISTED_VALUES).cloned().collect();
    if values.len() > LISTED_VALUES {
        shown.push("...".to_owned());
    }
    shown.join(", ")
}

/// A summary line for a type the spec does not describe, from what it is.
fn kind_summary(kind: &TypeKind, all: &TypeTable) -> String {
    match kind {
        TypeKind::Struct(s) => {
            let names: Vec<String> = s.fields.iter().map(|f| docs::code(&f.wire)).collect();
            match names.len() {
                0 => "An object with no documented properties.".to_owned(),
                1 => format!("An object with {}.", names[0]),
                n if n <= LISTED_VALUES => format!(
                    "An object with {} and {}.",
                    names[..n - 1].join(", "),
                    names[n - 1]
                ),
                n => format!(
                    "An object with {} and {} more properties.",
                    names[..LISTED_VALUES].join(", "),
                    n - LISTED_VALUES
                ),
            }
        }
        TypeKind::StringEnum(e) => {
            let values: Vec<String> = e.variants.iter().map(|(_, w)| docs::code(w)).collect();
            format!("One of {}.", value_list(&values))
        }
        TypeKind::IntEnum(e) => {
            let values: Vec<String> = e.variants.iter().map(|(_, v)| format!("`{v}`")).collect();
            format!("One of {}.", value_list(&values))
        }
        TypeKind::Union(u) => {
            let values: Vec<String> = u.variants.iter().map(|v| type_phrase(&v.ty, all)).collect();
            format!("One of: {}.", value_list(&values))
        }
        TypeKind::Alias(ty) => type_summary(ty, all),
    }
}

/// What a value of `ty` is, as a noun phrase: "a string", "a list of [`Link`]".
fn type_phrase(ty: &Ty, all: &TypeTable) -> String {
    match ty {
        Ty::String => "a string".to_owned(),
        Ty::Bool => "`true` or `false`".to_owned(),
        Ty::Int(_) => "an integer".to_owned(),
        Ty::Float(_) => "a number".to_owned(),
        Ty::Value => "any JSON value".to_owned(),
        Ty::Object => "a JSON object".to_owned(),
        Ty::Binary => "binary data".to_owned(),
        Ty::Named(n) => format!("a [`{n}`]"),
        Ty::Vec(inner) => format!("a list of {}", plural(inner, all)),
        Ty::Map(inner) => format!("a map from names to {}", plural(inner, all)),
        Ty::Option(inner) => type_phrase(inner, all),
        Ty::Tuple(items) => format!("a tuple of {} values", items.len()),
    }
}

fn plural(ty: &Ty, all: &TypeTable) -> String {
    match ty {
        Ty::String => "strings".to_owned(),
        Ty::Bool => "booleans".to_owned(),
        Ty::Int(_) => "integers".to_owned(),
        Ty::Float(_) => "numbers".to_owned(),
        Ty::Value => "JSON values".to_owned(),
        Ty::Object => "JSON objects".to_owned(),
        Ty::Binary => "binary values".to_owned(),
        Ty::Named(n) => format!("[`{n}`] values"),
        other => format!("values that are each {}", type_phrase(other, all)),
    }
}

/// A summary line for a field or type the spec does not describe: the first sentence of the
/// named type it holds, else what the value is.
fn type_summary(ty: &Ty, all: &TypeTable) -> String {
    let mut inner = ty;
    while let Ty::Option(t) = inner {
        inner = t;
    }
    if let Ty::Named(name) = inner
        && let Some(def) = all.named(name)
    {
        if let Some(sentence) = docs::first_sentence(&def.doc) {
            return sentence;
        }
        if let TypeKind::StringEnum(_) | TypeKind::IntEnum(_) = def.kind {
            return kind_summary(&def.kind, all);
        }
    }
    let phrase = type_phrase(inner, all);
    let mut chars = phrase.chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// What the docs of an inferred model add.
const INFERRED_DOC: &str = "Decoded leniently, as the API does not document this shape: a field that is \
     missing, `null` or of another type is `None` rather than an error, and \
     [`raw`](Self::raw) returns the JSON as received.";

fn emit_struct(
    name: &syn::Ident,
    doc: TokenStream,
    s: &Struct,
    all: &TypeTable,
    inferred: bool,
    body: bool,
) -> TokenStream {
    let defaultable = s.fields.iter().all(|f| f.shape() != FieldShape::Plain);
    let derive_default = if defaultable {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f, Ctx::Types);
        let doc = field_doc(f, all);
        let mut serde_args = Vec::new();
        if f.name != f.wire {
            let wire = &f.wire;
            serde_args.push(quote!(rename = #wire));
        }
        match f.shape() {
            FieldShape::Plain => {}
            // `default` makes a missing key decode as `None`: the server omitting a required
            // nullable key must not fail the call.
            FieldShape::Nullable => serde_args.push(quote!(default)),
            FieldShape::Optional => {
                serde_args.push(quote!(default));
                serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            FieldShape::OptionalNullable => {
                serde_args.push(quote!(default));
                serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
                serde_args.push(quote!(with = "crate::runtime::double_option"));
            }
        }
        let serde_attr = if serde_args.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#(#serde_args),*)])
        };
        let deprecated = if f.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        quote! {
            #doc
            #deprecated
            #serde_attr
            pub #fname: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|ty| {
        let ty = rust_type(ty, Ctx::Types);
        quote! {
            /// Properties not described by the spec, kept so that nothing the server sends is lost.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #ty>,
        }
    });
    let closed_note = if s.closed {
        quote!(#[doc = ""] #[doc = " The spec declares no other properties (`additionalProperties: false`)."])
    } else {
        quote!()
    };

    // Constructor: required fields as arguments, the rest empty; setters for the rest.
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.shape() == FieldShape::Plain)
        .collect();
    let args = required.iter().map(|f| {
        let fname = ident(&f.name);
        let (ty, _) = arg_type(f, all);
        quote!(#fname: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        if f.shape() == FieldShape::Plain {
            let (_, convert) = arg_type(f, all);
            let value = convert(quote!(#fname));
            if fname == value.to_string() {
                quote!(#fname)
            } else {
                quote!(#fname: #value)
            }
        } else {
            quote!(#fname: None)
        }
    });
    let additional_init = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: std::collections::BTreeMap::new(),));
    let many_args = if required.len() > 6 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let setter_names: Vec<String> = s
        .fields
        .iter()
        .map(|f| format!("with_{}", f.name.trim_end_matches('_')))
        .collect();
    let setters = s
        .fields
        .iter()
        .filter(|f| f.shape() != FieldShape::Plain)
        .map(|f| {
            let fname = ident(&f.name);
            let base = f.name.trim_end_matches('_');
            let setter = format_ident!("with_{}", base);
            let (ty, convert) = arg_type(f, all);
            let value = convert(quote!(value));
            let doc = format!(" Sets [`{}`](Self::{}).", f.name, f.name);
            let set = quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.#fname = Some(#value);
                    self
                }
            };
            if f.shape() != FieldShape::OptionalNullable {
                return set;
            }
            // `Some(Some(v))` through the setter above; an explicit `null` through this one.
            let null_name = format!("with_{base}_null");
            let null_name = if setter_names.contains(&null_name) {
                format!("set_{base}_null")
            } else {
                null_name
            };
            let null = format_ident!("{}", null_name);
            let set = quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.#fname = Some(Some(#value));
                    self
                }
            };
            let null_doc = format!(
                " Sets [`{}`](Self::{}) to `null` (sent as an explicit `null`).",
                f.name, f.name
            );
            quote! {
                #set
                #[doc = #null_doc]
                pub fn #null(mut self) -> Self {
                    self.#fname = Some(None);
                    self
                }
            }
        });
    let additional_setter = s.additional.as_ref().map(|ty| {
        let (ty, convert) = arg_for(ty, Ctx::Types, all);
        let value = convert(quote!(value));
        quote! {
            /// Adds a property the spec does not describe; it is sent as is.
            pub fn with_additional_property(mut self, key: impl Into<String>, value: #ty) -> Self {
                self.additional_properties.insert(key.into(), #value);
                self
            }
        }
    });
    let new_doc = if required.is_empty() {
        " An empty value: every field unset.".to_owned()
    } else {
        format!(
            " A value with the required fields set ({}); the others unset.",
            required
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let (derive_deserialize, raw_field, raw_init, lenient) = if inferred {
        (
            quote!(),
            quote! {
                #[serde(skip)]
                raw: crate::runtime::RawJson,
            },
            quote!(raw: crate::runtime::RawJson::default(),),
            inferred_impls(name, s),
        )
    } else {
        (quote!(serde::Deserialize), quote!(), quote!(), quote!())
    };
    let from_required = if body {
        from_required(name, s, &required, all)
    } else {
        quote!()
    };
    quote! {
        #doc
        #closed_note
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, #derive_deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
            #raw_field
        }

        #[allow(deprecated)]
        impl #name {
            #[doc = #new_doc]
            #many_args
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits,)*
                    #additional_init
                    #raw_init
                }
            }

            #(#setters)*

            #additional_setter
        }

        #lenient

        #from_required
    }
}

/// `From` the value of the one required field of a request body, so that an operation
/// taking `impl Into<Body>` takes that value itself (`create("Spring 2027")`).
fn from_required(
    name: &syn::Ident,
    s: &Struct,
    required: &[&Field],
    all: &TypeTable,
) -> TokenStream {
    let [field] = required else {
        return quote!();
    };
    // A required field that is also nullable is a second way to build the body.
    if s.fields.iter().any(|f| f.shape() == FieldShape::Nullable) {
        return quote!();
    }
    // `impl From<Body> for Body` would clash with core's blanket impl (an alias too).
    let resolved_ty = resolved(&field.ty, all);
    if matches!(resolved_ty, Ty::Named(n) if name == n) {
        return quote!();
    }
    let ty = rust_type(&field.ty, Ctx::Types);
    let doc = format!(
        " The value with [`{}`](Self::{}) set to `value`.",
        field.name, field.name
    );
    let from_str = (*resolved_ty == Ty::String).then(|| {
        quote! {
            #[allow(deprecated)]
            impl From<&str> for #name {
                #[doc = #doc]
                fn from(value: &str) -> Self {
                    Self::new(value)
                }
            }
        }
    });
    quote! {
        #[allow(deprecated)]
        impl From<#ty> for #name {
            #[doc = #doc]
            fn from(value: #ty) -> Self {
                Self::new(value)
            }
        }

        #from_str
    }
}

/// `raw()`, the lenient `Deserialize` and `Inferred` of an inferred model (every field is
/// an `Option`: see `crate::inferred`).
fn inferred_impls(name: &syn::Ident, s: &Struct) -> TokenStream {
    let takes = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire;
        quote!(#fname: crate::runtime::take_inferred(&mut object, #wire),)
    });
    let rest = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: crate::runtime::rest_inferred(object),));
    quote! {
        #[allow(deprecated)]
        impl #name {
            /// The JSON this value was decoded from, as received (`null` for a value built
            /// in code). It holds what the typed fields could not: fields this version does
            /// not know, or whose type differs from the one inferred.
            pub fn raw(&self) -> &serde_json::Value {
                &self.raw.0
            }
        }

        #[allow(deprecated)]
        impl crate::runtime::Inferred for #name {
            #[inline]
            fn from_raw(raw: serde_json::Value) -> Self {
                #[allow(unused_mut, unused_variables)]
                let mut object = crate::runtime::inferred_object(&raw);
                Self {
                    #(#takes)*
                    #rest
                    raw: crate::runtime::RawJson(raw),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Ok(<Self as crate::runtime::Inferred>::from_raw(raw))
            }
        }
    }
}

/// Argument type of a constructor/setter for a field, and how to turn the argument into the
/// stored value (boxed fields are boxed here).
fn arg_type(f: &Field, all: &TypeTable) -> (TokenStream, Convert) {
    let (ty, convert) = arg_for(&f.ty, Ctx::Types, all);
    if f.boxed {
        (
            ty,
            Box::new(move |v| {
                let inner = convert(v);
                quote!(Box::new(#inner))
            }),
        )
    } else {
        (ty, convert)
    }
}

fn emit_string_enum(name: &syn::Ident, doc: TokenStream, e: &StringEnum) -> TokenStream {
    let other = ident(&e.other);
    let variants = e.variants.iter().enumerate().map(|(i, (v, wire))| {
        let v = ident(v);
        let d = if e.default == Some(i) {
            format!(" The value {} (the default).", docs::code(wire))
        } else {
            format!(" The value {}.", docs::code(wire))
        };
        let default = (e.default == Some(i)).then(|| quote!(#[default]));
        quote!(#[doc = #d] #default #v,)
    });
    let as_str = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        quote!(Self::#v => #wire,)
    });
    let from_str: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|(v, wire)| {
            let v = ident(v);
            quote!(#wire => Self::#v,)
        })
        .collect();
    let derive_default = e.default.map(|_| quote!(Default,));
    quote! {
        #doc
        ///
        /// Values this version does not know decode as the catch-all variant instead of failing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #derive_default)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known when this crate was generated.
            #other(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#other(value) => value.as_str(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    #(#from_str)*
                    other => Self::#other(other.to_owned()),
                })
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_str)*
                    _ => Self::#other(value),
                }
            }
        }

        impl From<&String> for #name {
            fn from(value: &String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}

fn emit_int_enum(name: &syn::Ident, doc: TokenStream, e: &IntEnum) -> TokenStream {
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|(v, value)| {
        let v = ident(v);
        let d = format!(" The value `{value}`.");
        quote!(#[doc = #d] #v,)
    });
    let to_int = e.variants.iter().map(|(v, value)| {
        let v = ident(v);
        quote!(Self::#v => #value,)
    });
    let from_int = e.variants.iter().map(|(v, value)| {
        let v = ident(v);
        quote!(#value => Self::#v,)
    });
    quote! {
        #doc
        ///
        /// Values this version does not know decode as the catch-all variant instead of failing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known when this crate was generated.
            #other(i64),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_int)*
                    Self::#other(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_int)*
                    other => Self::#other(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self::from(<i64 as serde::Deserialize>::deserialize(deserializer)?))
            }
        }
    }
}

fn emit_union(
    name: &syn::Ident,
    doc: TokenStream,
    u: &Union,
    all: &TypeTable,
    in_responses: bool,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = rust_type(&v.ty, Ctx::Types);
        let ty = if v.boxed { quote!(Box<#ty>) } else { ty };
        let rename = v.tag_value.as_ref().map(|t| quote!(#[serde(rename = #t)]));
        let what = type_phrase(&v.ty, all);
        let own = v.doc.as_ref().and_then(|d| {
            docs::first_sentence(&crate::ir::Doc {
                description: Some(d.clone()),
                ..Default::default()
            })
        });
        let what = match own {
            Some(sentence) => sentence.trim_end_matches('.').to_owned(),
            None => what,
        };
        let d = match (&v.tag_value, &u.tag) {
            (Some(t), Some(tag)) => {
                format!(" {what}, with {} = {}.", docs::code(tag), docs::code(t))
            }
            (Some(t), None) => format!(" {what}, tagged {}.", docs::code(t)),
            _ => format!(" {what}."),
        };
        let d = capitalize_doc(&d);
        quote!(#[doc = #d] #rename #vname(#ty),)
    });
    let (serde_attr, unknown) = match &u.tag {
        // Only a type the server sends needs to survive a tag added later; in a request type
        // a catch-all would only let callers build an invalid body.
        Some(tag) if in_responses => {
            let mut scope = crate::naming::Scope::default();
            for v in &u.variants {
                scope.claim(v.name.clone());
            }
            let unknown = ident(&scope.claim("Unknown".to_owned()));
            (
                quote!(#[serde(tag = #tag)]),
                quote! {
                    /// A tag value not known when this crate was generated (its payload is not kept).
                    #[serde(other)]
                    #unknown,
                },
            )
        }
        Some(tag) => (quote!(#[serde(tag = #tag)]), quote!()),
        None => (quote!(#[serde(untagged)]), quote!()),
    };
    // `From` only where the payload type identifies one variant.
    let froms = u
        .variants
        .iter()
        .filter(|v| {
            let mine = resolved(&v.ty, all);
            // `impl From<U> for U` would clash with core's blanket impl.
            let itself = matches!(mine, Ty::Named(n) if name == n);
            !itself
                && matches!(v.ty, Ty::Named(_))
                && u.variants
                    .iter()
                    .filter(|w| resolved(&w.ty, all) == mine)
                    .count()
                    == 1
        })
        .map(|v| {
            let vname = ident(&v.name);
            let ty = rust_type(&v.ty, Ctx::Types);
            let value = if v.boxed {
                quote!(Box::new(value))
            } else {
                quote!(value)
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#vname(#value)
                    }
                }
            }
        });
    let from_json = from_json(name, u, all);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        #serde_attr
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #(#froms)*

        #from_json
    }
}

/// `From` any JSON value (and object) for an untagged union with a free-form object
/// alternative, so that `json!({...})` is taken where the union is: the value becomes the
/// alternative decoding it would give (a typed one if it fits), so that building and
/// decoding agree; the free-form alternative accepts anything, so this cannot fail (a
/// value that is not an object is refused by `validate` before it is sent).
fn from_json(name: &syn::Ident, u: &Union, all: &TypeTable) -> TokenStream {
    if u.tag.is_some() {
        return quote!();
    }
    // One free-form alternative, written in place: an alias to it would get
    // `From<Alias>` (that is, `From<Value>`) from the payload rule above, and a `Value`
    // alternative would claim `From<Value>` as well.
    let json = |ty: &Ty| matches!(resolved(ty, all), Ty::Object | Ty::Value);
    let mut free = u.variants.iter().filter(|v| json(&v.ty));
    let (Some(other), None) = (free.next(), free.next()) else {
        return quote!();
    };
    if other.ty != Ty::Object {
        return quote!();
    }
    let other = ident(&other.name);
    quote! {
        impl From<serde_json::Value> for #name {
            /// The alternative that decoding `value` gives: the first typed one it fits,
            /// else the free-form one.
            #[inline]
            fn from(value: serde_json::Value) -> Self {
                match <Self as serde::Deserialize>::deserialize(&value) {
                    Ok(decoded) => decoded,
                    Err(_) => Self::#other(value),
                }
            }
        }

        impl From<serde_json::Map<String, serde_json::Value>> for #name {
            /// The first typed alternative the object fits, else the free-form one.
            #[inline]
            fn from(value: serde_json::Map<String, serde_json::Value>) -> Self {
                Self::from(serde_json::Value::Object(value))
            }
        }
    }
}

/// `" a [`X`]..."` -> `" A [`X`]..."`.
fn capitalize_doc(d: &str) -> String {
    let body = d.trim_start();
    let mut chars = body.chars();
    match chars.next() {
        Some(c) => format!(" {}{}", c.to_uppercase(), chars.as_str()),
        None => d.to_owned(),
    }
}
