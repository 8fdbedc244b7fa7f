//! An operation's inputs as every emitter sees them: the required ones in argument order,
//! the builder's fields, how a value is taken as an argument, and the names every emitter
//! must agree on (the mock's body-less constructor). Shared support: emitters read it and
//! the IR, never each other.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{Ctx, docs, ident, resolved, rust_type};
use crate::ir::{
    Api, Body, BodyKind, Group, Operation, Param, Part, Response, Ty, TypeKind, Unwrap,
};

/// Argument type of a setter or method, and how the argument becomes the stored value.
pub(crate) fn arg(api: &Api, ty: &Ty) -> (TokenStream, TokenStream) {
    let rust = rust_type(ty, Ctx::Operations);
    match resolved(ty, &api.types) {
        Ty::String => (quote!(impl Into<String>), quote!(.into())),
        Ty::Value | Ty::Object => (quote!(impl Into<serde_json::Value>), quote!(.into())),
        Ty::Vec(inner) if *resolved(inner, &api.types) == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(.into_iter().map(Into::into).collect()),
        ),
        Ty::Named(_) if text_kind(api, ty) == Text::Display => {
            (quote!(impl Into<#rust>), quote!(.into()))
        }
        // A body (or a parameter) that is a struct or a union: a union takes any of its
        // variants' payload types (`BulkWebsiteRequest` for `BulkGenerateRequest`).
        Ty::Named(name)
            if api
                .types
                .named(name)
                .is_some_and(|t| matches!(t.kind, TypeKind::Struct(_) | TypeKind::Union(_))) =>
        {
            (quote!(impl Into<#rust>), quote!(.into()))
        }
        _ => (rust, quote!()),
    }
}

/// Required inputs, in argument order: path params, other required params, body, parts.
pub(crate) enum Input<'a> {
    Param(&'a Param),
    Body(&'a Ty),
    Part(&'a Part),
}

pub(crate) fn required_inputs(op: &Operation) -> Vec<Input<'_>> {
    let mut out: Vec<Input<'_>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(Input::Param)
        .collect();
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) if body.required => out.push(Input::Body(ty)),
            BodyKind::Bytes(_) if body.required => out.push(Input::Body(&Ty::Binary)),
            BodyKind::Multipart(parts) => {
                out.extend(parts.iter().filter(|p| p.required).map(Input::Part))
            }
            _ => {}
        }
    }
    out
}

pub(crate) fn input_name(input: &Input<'_>) -> String {
    match input {
        Input::Param(p) => p.name.clone(),
        Input::Body(_) => "body".to_owned(),
        Input::Part(p) => p.name.clone(),
    }
}

fn input_ty<'a>(input: &Input<'a>) -> &'a Ty {
    match input {
        Input::Param(p) => &p.ty,
        Input::Body(ty) => ty,
        Input::Part(p) => &p.ty,
    }
}

/// Raw bodies are held as `bytes::Bytes`, taken as anything convertible.
pub(crate) fn input_arg(api: &Api, input: &Input<'_>) -> (TokenStream, TokenStream) {
    match input {
        Input::Body(Ty::Binary) => (quote!(impl Into<bytes::Bytes>), quote!(.into())),
        other => arg(api, input_ty(other)),
    }
}

pub(crate) fn return_type(op: &Operation) -> TokenStream {
    match &op.response {
        Response::Empty => quote!(()),
        Response::Text => quote!(String),
        Response::Bytes => quote!(bytes::Bytes),
        Response::Json { ty, unwrap } => match unwrap {
            Unwrap::None => rust_type(ty, Ctx::Operations),
            Unwrap::Field { ty, optional, .. } => {
                let inner = rust_type(ty, Ctx::Operations);
                // A lenient unwrap falls back to the whole body: there is always a value.
                if *optional && !op.lenient {
                    quote!(Option<#inner>)
                } else {
                    inner
                }
            }
            Unwrap::Page(p) => {
                let item = rust_type(&p.item, Ctx::Operations);
                quote!(crate::runtime::Page<#item>)
            }
        },
    }
}

pub(crate) fn doc_type(ty: &Ty, lib: &str) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::Int(i) | Ty::Float(i) => (*i).into(),
        Ty::Value => "serde_json::Value".into(),
        Ty::Object => "serde_json::Value".into(),
        Ty::Binary => format!("{lib}::FilePart"),
        Ty::Named(n) => format!("{lib}::types::{n}"),
        Ty::Vec(inner) => format!("Vec<{}>", doc_type(inner, lib)),
        Ty::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            doc_type(inner, lib)
        ),
        Ty::Option(inner) => format!("Option<{}>", doc_type(inner, lib)),
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| doc_type(t, lib)).collect();
            format!("({},)", items.join(", "))
        }
    }
}

/// A stored input of a builder.
pub(crate) struct BuilderField {
    pub(crate) name: String,
    pub(crate) ty: TokenStream,
    pub(crate) required: bool,
    /// Held as an `Option` (optional, or a JSON body the mock may leave out: see
    /// [`body_is_a_mock_matcher`]).
    pub(crate) held_as_option: bool,
    pub(crate) doc: Vec<String>,
    pub(crate) setter_arg: Option<(TokenStream, TokenStream)>,
    pub(crate) flag: bool,
}

/// What a builder's doc tells to do with it: set its optional inputs first only if it has
/// some.
pub(crate) fn send_phrase(op: &Operation, send: &str) -> String {
    if builder_fields(op).iter().any(|f| !f.required) {
        format!("set optional inputs, then `{send}`.")
    } else {
        format!("`{send}` sends it.")
    }
}

/// Whether the operation's required body is a JSON body the mock matches with
/// `.body(..)`/`.body_matches(..)` rather than takes as an argument: its builder holds the
/// body as an `Option`, `None` only in the mock's expectation, which is never sent.
pub(crate) fn body_is_a_mock_matcher(op: &Operation) -> bool {
    op.body
        .as_ref()
        .is_some_and(|b| b.required && matches!(b.kind, BodyKind::Json(_)))
}

/// The group's crate-private method that makes the request builder of `op` without its
/// body, for the mock (see [`body_is_a_mock_matcher`]); never the name of one of the
/// group's operations, nor another one of these.
pub(crate) fn mock_method_name(group: &Group, op: &Operation) -> syn::Ident {
    let mut scope = crate::naming::Scope::default();
    for other in &group.ops {
        scope.claim(other.method_name.clone());
    }
    for other in group.ops.iter().take_while(|o| !std::ptr::eq(*o, op)) {
        if body_is_a_mock_matcher(other) {
            scope.claim(format!(
                "{}_for_mock",
                other.method_name.trim_end_matches('_')
            ));
        }
    }
    ident(&scope.claim(format!("{}_for_mock", op.method_name.trim_end_matches('_'))))
}

pub(crate) fn builder_fields(op: &Operation) -> Vec<BuilderField> {
    builder_fields_with(None, op)
}

pub(crate) fn builder_fields_with(api: Option<&Api>, op: &Operation) -> Vec<BuilderField> {
    let mut out = Vec::new();
    let setter = |ty: &Ty| api.map(|api| arg(api, ty));
    for p in &op.params {
        out.push(BuilderField {
            name: p.name.clone(),
            ty: rust_type(&p.ty, Ctx::Operations),
            required: p.required,
            held_as_option: !p.required,
            doc: docs::lines(&p.doc),
            setter_arg: setter(&p.ty),
            flag: p.flag,
        });
    }
    if let Some(Body {
        kind,
        required,
        doc,
    }) = &op.body
    {
        match kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => out.push(BuilderField {
                name: "body".into(),
                ty: rust_type(ty, Ctx::Operations),
                required: *required,
                held_as_option: !*required || body_is_a_mock_matcher(op),
                doc: docs::lines(doc),
                setter_arg: setter(ty),
                flag: false,
            }),
            BodyKind::Bytes(_) => out.push(BuilderField {
                name: "body".into(),
                ty: quote!(bytes::Bytes),
                required: *required,
                held_as_option: !*required,
                doc: docs::lines(doc),
                setter_arg: Some((quote!(impl Into<bytes::Bytes>), quote!(.into()))),
                flag: false,
            }),
            BodyKind::Multipart(parts) => {
                for p in parts {
                    out.push(BuilderField {
                        name: p.name.clone(),
                        ty: rust_type(&p.ty, Ctx::Operations),
                        required: p.required,
                        held_as_option: !p.required,
                        doc: docs::lines(&p.doc),
                        setter_arg: setter(&p.ty),
                        flag: false,
                    });
                }
            }
        }
    }
    out
}

/// Optional array parameters (by name) with their item type, and the name of the setter
/// that replaces every value: `set_{name}`, or a numbered variant when that name is taken
/// by another input's setter (claimed in parameter order, so the result is deterministic).
pub(crate) fn list_setter_names<'a>(
    api: &'a Api,
    op: &'a Operation,
) -> Vec<(&'a str, &'a Ty, String)> {
    let taken: Vec<String> = builder_fields(op).into_iter().map(|f| f.name).collect();
    let mut reserved: Vec<&str> = taken.iter().map(String::as_str).collect();
    reserved.extend(crate::operations::BUILDER_MEMBERS);
    let mut scope = crate::naming::Scope::with_reserved(&reserved);
    op.params
        .iter()
        .filter(|p| !p.required)
        .filter_map(|p| match resolved(&p.ty, &api.types) {
            Ty::Vec(item) => Some((
                p.name.as_str(),
                item.as_ref(),
                scope.claim(format!("set_{}", p.name.trim_end_matches('_'))),
            )),
            _ => None,
        })
        .collect()
}

/// The item type of a paginated list's `.stream()` (`None`: `op` is not one). Such a list
/// also has `.pages()`, of what `send()` returns.
pub(crate) fn stream_item(op: &Operation) -> Option<TokenStream> {
    if let Some(cursor) = &op.cursor {
        return Some(rust_type(&cursor.item, Ctx::Operations));
    }
    match &op.response {
        Response::Json {
            unwrap: Unwrap::Page(p),
            ..
        } => Some(rust_type(&p.item, Ctx::Operations)),
        _ => None,
    }
}

/// How a value is turned into text for a query, header, path or multipart text part.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Text {
    /// Has `Display` (strings, numbers, booleans, enums).
    Display,
    /// A list of `Display` values.
    List,
    /// Anything else: sent as JSON text.
    Json,
}

pub(crate) fn text_kind(api: &Api, ty: &Ty) -> Text {
    match ty {
        Ty::String | Ty::Int(_) | Ty::Float(_) | Ty::Bool => Text::Display,
        Ty::Named(name) => match api.types.named(name).map(|t| &t.kind) {
            Some(TypeKind::StringEnum(_)) | Some(TypeKind::IntEnum(_)) => Text::Display,
            Some(TypeKind::Alias(inner)) => text_kind(api, inner),
            _ => Text::Json,
        },
        Ty::Vec(inner) if text_kind(api, inner) == Text::Display => Text::List,
        _ => Text::Json,
    }
}
