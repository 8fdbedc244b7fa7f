//! One module per resource: the group struct (generic over how requests are sent), and per
//! operation an `Operation` static, the struct of its inputs with its setters and its
//! `Endpoint` impl (path, request, checks, decoding), and the builder's name, an alias of
//! the runtime's one `Request` type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::inputs::{
    BuilderField, Input, Text, arg, body_is_a_mock_matcher, builder_fields, builder_fields_with,
    doc_type, input_arg, input_name, list_setter_names, mock_method_name, required_inputs,
    return_type, send_phrase, text_kind,
};
use crate::emit::{Ctx, docs, ident, resolved, rust_type};
use crate::ir::{Api, BodyKind, Group, Location, Operation, Response, Style, Ty, Unwrap};

/// A value held by a builder: `self.x` (required) or `value` bound by `if let Some(value) = &self.x`.
struct Held {
    /// Usable as a method receiver.
    place: TokenStream,
    /// A reference to it.
    reference: TokenStream,
}

impl Held {
    fn field(name: &syn::Ident) -> Self {
        Held {
            place: quote!(self.#name),
            reference: quote!(&self.#name),
        }
    }

    fn bound() -> Self {
        Held {
            place: quote!(value),
            reference: quote!(value),
        }
    }
}

/// Expression turning a held value into a `String`.
fn to_text(kind: &Text, value: &Held) -> TokenStream {
    match kind {
        Text::Json => {
            let r = &value.reference;
            quote!(crate::runtime::to_text(#r))
        }
        _ => {
            let p = &value.place;
            quote!(#p.to_string())
        }
    }
}

/// The module for one group.
pub fn emit(api: &Api, group: &Group, lib: &str) -> TokenStream {
    let strukt = ident(&group.struct_name);
    // The module doc has the tag's description: this says only where to get one.
    let group_doc = docs::attrs(&[format!(
        "The operations of this module, from [`Client::{}`](crate::Client::{}).",
        group.accessor, group.accessor
    )]);
    let methods = group.ops.iter().map(|op| group_method(api, group, op, lib));
    let builders = group.ops.iter().map(|op| builder(api, group, op));
    quote! {
        use crate::runtime::{RawResponse, Request};

        #group_doc
        #[derive(Debug, Clone)]
        pub struct #strukt<M: crate::runtime::Mode = crate::runtime::Async> {
            client: M::Client,
        }

        impl<M: crate::runtime::Mode> #strukt<M> {
            pub(crate) fn new(client: M::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }

        #(#builders)*
    }
}

fn group_method(api: &Api, group: &Group, op: &Operation, lib: &str) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder);
    let input = ident(&op.input);
    let inputs = required_inputs(op);
    let args = inputs.iter().map(|i| {
        let name = ident(&input_name(i));
        let (ty, _) = input_arg(api, i);
        quote!(#name: #ty)
    });
    let fields = builder_fields(op);
    let init = |f: &BuilderField, given: bool| {
        let name = ident(&f.name);
        match inputs.iter().find(|i| input_name(i) == f.name) {
            Some(i) if given => match (input_arg(api, i).1, f.held_as_option) {
                (convert, true) => quote!(#name: Some(#name #convert)),
                (convert, false) if convert.is_empty() => quote!(#name),
                (convert, false) => quote!(#name: #name #convert),
            },
            _ => quote!(#name: None),
        }
    };
    let inits = fields.iter().map(|f| init(f, true));
    let mock_method = body_is_a_mock_matcher(op).then(|| {
        // The mock's expectation of this operation matches any body unless told one:
        // it needs the builder without one (never sent; see `body_is_a_mock_matcher`).
        let mock_name = mock_method_name(group, op);
        let args = inputs
            .iter()
            .filter(|i| !matches!(i, Input::Body(_)))
            .map(|i| {
                let name = ident(&input_name(i));
                let (ty, _) = input_arg(api, i);
                quote!(#name: #ty)
            });
        let inits = fields
            .iter()
            .map(|f| init(f, f.name != "body" || !f.held_as_option || !f.required));
        let many = (inputs.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            /// The request builder without its body, for the mock's expectation.
            #[cfg(feature = "mock")]
            #many
            pub(crate) fn #mock_name(&self, #(#args),*) -> #builder<M> {
                Request::new(&self.client, #input { #(#inits,)* })
            }
        }
    });

    let mut lines = docs::lines(&op.doc);
    if op.lenient {
        // Said here rather than in each spec description: only the generator knows that
        // the value comes back typed, and how it is read.
        docs::paragraph_break(&mut lines);
        lines.push(
            "The API does not document this response: it is decoded leniently, as the \
             inferred type returned here (a field that is missing, `null` or of another type \
             is `None`, and `raw()` returns the JSON as received)."
                .into(),
        );
    }
    docs::paragraph_break(&mut lines);
    lines.push(docs::code(&format!("{} {}", op.method.as_str(), op.path)));
    // The spec's own description may already name the scope; say it once.
    let described = lines.join("\n");
    if !op.scopes.is_empty() && !op.scopes.iter().all(|s| described.contains(&docs::code(s))) {
        let scopes: Vec<String> = op.scopes.iter().map(|s| docs::code(s)).collect();
        let label = if scopes.len() == 1 { "scope" } else { "scopes" };
        lines.push(String::new());
        lines.push(format!("Required {label}: {}.", scopes.join(", ")));
    }
    let documented: Vec<String> = inputs
        .iter()
        .filter_map(|i| {
            let text = match i {
                Input::Param(p) => p.doc.description.clone(),
                Input::Body(_) => op.body.as_ref().and_then(|b| b.doc.description.clone()),
                Input::Part(p) => p.doc.description.clone(),
            }?;
            Some(format!("- `{}`: {}", input_name(i), docs::inline(&text)))
        })
        .collect();
    if !documented.is_empty() {
        lines.push(String::new());
        lines.push("# Arguments".into());
        lines.extend(documented);
    }
    if !op.errors.is_empty() {
        lines.push(String::new());
        // What an error status becomes (`Error::Api`, `ApiError::body_as`) is said once,
        // on `Request`: each operation lists only its statuses and their body types.
        lines.push("# Errors".into());
        // A response the API shares between operations is described once, on its type.
        let mut shared: Vec<(&str, Vec<String>)> = Vec::new();
        for error in op
            .errors
            .iter()
            .filter(|e| crate::errors::is_described_on_its_type(e))
        {
            let Ty::Named(name) = &error.ty else { continue };
            match shared.iter_mut().find(|(n, _)| n == name) {
                Some((_, statuses)) => statuses.push(docs::code(&error.status)),
                None => shared.push((name, vec![docs::code(&error.status)])),
            }
        }
        for (name, statuses) in shared {
            lines.push(format!(
                "- {}: [`{name}`](crate::types::{name}), which describes them.",
                statuses.join(", ")
            ));
        }
        for error in op
            .errors
            .iter()
            .filter(|e| !crate::errors::is_described_on_its_type(e))
        {
            let ty = match &error.ty {
                Ty::Named(name) => format!("[`{name}`](crate::types::{name})"),
                other => docs::code(&doc_type(other, lib)),
            };
            let status = docs::code(&error.status);
            match &error.description {
                Some(d) => lines.push(format!("- {status}: {ty}. {}", docs::inline(d))),
                None => lines.push(format!("- {status}: {ty}.")),
            }
        }
    }
    lines.extend(super::example::lines(api, group, op, lib, &inputs));
    let doc = docs::attrs(&lines);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let many = (inputs.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many
        pub fn #method(&self, #(#args),*) -> #builder<M> {
            Request::new(&self.client, #input { #(#inits,)* })
        }

        #mock_method
    }
}

fn builder(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let input = ident(&op.input);
    let op_static = ident(&op.static_name);
    let fields = builder_fields_with(Some(api), op);
    let field_defs = fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = &f.ty;
        // The command line (`emit::cli`) fills them in from its arguments.
        if f.held_as_option {
            quote!(pub(crate) #fname: Option<#ty>,)
        } else {
            quote!(pub(crate) #fname: #ty,)
        }
    });
    let setters: Vec<TokenStream> = setters(api, op)
        .into_iter()
        .map(Setter::into_method)
        .collect();
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl<M: crate::runtime::Mode> #name<M> {
                #(#setters)*
            }
        }
    });

    let id = &op.id;
    let method = format_ident!("{}", op.method.as_str());
    let path_template = &op.path;
    let scopes = &op.scopes;
    let security = op.security.iter().map(|alternative| {
        let indices = alternative
            .iter()
            .map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
        quote!(&[#(#indices),*])
    });
    // `build` and `decode` are `#[inline]` so that, like generic code, they are compiled
    // only where a program calls their operation: their serde code is most of a large
    // API's machine code, and a program calls few of its operations.
    let build = request_body(api, op).map(|body| {
        quote! {
            #[inline]
            fn build(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder #body
        }
    });
    let path = match path_expr(api, op) {
        PathExpr::Literal(lit) => quote!(std::borrow::Cow::Borrowed(#lit)),
        PathExpr::Fill(values) => quote!(crate::runtime::fill_path(#op_static.path, #values)),
        PathExpr::Format(expr) => quote!(std::borrow::Cow::Owned(#expr)),
    };
    let ret = return_type(op);
    let decode = decode(api, op, &op_static);
    let paginated = pagination(op);
    let check = crate::emit::validate::builder(api, op);
    let doc = format!(
        " Request builder for [`{}::{}`]: {} What every request has (per-call controls, \
         sending, errors) is on [`Request`](crate::Request).",
        group.struct_name,
        op.method_name,
        send_phrase(op, ".send().await")
    );
    let input_doc = format!(" The inputs of [`{}`].", op.builder);
    let output_at = match &op.response {
        Response::Json {
            unwrap: Unwrap::Field { wire, .. },
            ..
        } => quote!(const OUTPUT_AT: &'static [&'static str] = &[#wire];),
        _ => quote!(),
    };
    quote! {
        pub(crate) static #op_static: crate::runtime::Operation = crate::runtime::Operation {
            id: #id,
            method: reqwest::Method::#method,
            path: #path_template,
            scopes: &[#(#scopes),*],
            security: &[#(#security),*],
        };

        #[doc = #doc]
        pub type #name<M = crate::runtime::Async> = Request<#input, M>;

        #[doc = #input_doc]
        #[doc(hidden)]
        #[derive(Debug, Clone)]
        pub struct #input {
            #(#field_defs)*
        }

        #setters

        impl crate::runtime::Endpoint for #input {
            type Output = #ret;

            const OPERATION: &'static crate::runtime::Operation = &#op_static;

            #output_at

            fn path(&self) -> std::borrow::Cow<'static, str> {
                #path
            }

            #build

            #check

            #[inline]
            fn decode(&self, raw: RawResponse) -> crate::runtime::Result<Self::Output> {
                #decode
            }
        }

        #paginated
    }
}

/// `.x(value)`, which adds one value to an array parameter and may be called again, and
/// `.set_x(values)`, which replaces them all.
fn list_setters_of(api: &Api, f: &BuilderField, item: &Ty, set_name: &str) -> [Setter; 2] {
    let fname = ident(&f.name);
    let set = ident(set_name);
    let (item_ty, convert) = arg(api, item);
    let mut lines = f.doc.clone();
    if lines.is_empty() {
        lines.push(format!("Adds a value to `{}`.", f.name));
    }
    docs::paragraph_break(&mut lines);
    lines.push(format!(
        "Adds one value; call it again for more. [`{set_name}`](Self::{set_name}) sets them all at once."
    ));
    let add_doc = docs::attrs(&lines);
    let set_doc = format!(
        " Sets every value of `{}` at once, replacing those added before (see [`{}`](Self::{})).",
        f.name, f.name, f.name
    );
    let collect = if convert.is_empty() {
        quote!(values.into_iter().collect())
    } else {
        quote!(values.into_iter().map(Into::into).collect())
    };
    [
        Setter {
            doc: add_doc,
            name: fname.clone(),
            param: Some((ident("value"), item_ty.clone())),
            body: quote!(self.input.#fname.get_or_insert_with(Vec::new).push(value #convert);),
        },
        Setter {
            doc: quote!(#[doc = #set_doc]),
            name: set,
            param: Some((ident("values"), quote!(impl IntoIterator<Item = #item_ty>))),
            body: quote!(self.input.#fname = Some(#collect);),
        },
    ]
}

/// One setter of an optional input of a request builder: `pub fn name(mut self[, param]) -> Self`.
/// The blocking builders forward each to the async builder's, with the same signature.
pub(super) struct Setter {
    /// Its doc attributes.
    pub(super) doc: TokenStream,
    /// The method's name.
    pub(super) name: syn::Ident,
    /// The argument's name and type (none for a switch).
    pub(super) param: Option<(syn::Ident, TokenStream)>,
    /// What it does to the request's inputs (`self.input`), before returning `self`.
    body: TokenStream,
}

impl Setter {
    /// The async builder's method.
    fn into_method(self) -> TokenStream {
        let Setter {
            doc,
            name,
            param,
            body,
        } = self;
        let param = param.map(|(p, ty)| quote!(, #p: #ty));
        quote! {
            #doc
            pub fn #name(mut self #param) -> Self {
                #body
                self
            }
        }
    }
}

/// The setters of `op`'s request builder, in order: one per optional input (two for a list
/// parameter: add one value, set all).
pub(super) fn setters(api: &Api, op: &Operation) -> Vec<Setter> {
    let fields = builder_fields_with(Some(api), op);
    let list_setters = list_setter_names(api, op);
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| !f.required) {
        if let Some((item, set_name)) = list_setters
            .iter()
            .find(|(name, _, _)| *name == f.name)
            .map(|(_, item, set)| (item, set))
        {
            out.extend(list_setters_of(api, f, item, set_name));
            continue;
        }
        let fname = ident(&f.name);
        let (ty, convert) = f
            .setter_arg
            .clone()
            .unwrap_or_else(|| (f.ty.clone(), quote!()));
        let mut lines = f.doc.clone();
        if lines.is_empty() {
            lines.push(format!("Sets `{}`.", f.name));
        }
        if f.flag {
            lines.push(String::new());
            lines.push("A switch: sent as `true` when called, not sent otherwise.".to_owned());
            out.push(Setter {
                doc: docs::attrs(&lines),
                name: fname.clone(),
                param: None,
                body: quote!(self.input.#fname = Some(true);),
            });
            continue;
        }
        out.push(Setter {
            doc: docs::attrs(&lines),
            name: fname.clone(),
            param: Some((ident("value"), ty)),
            body: quote!(self.input.#fname = Some(value #convert);),
        });
    }
    out
}

enum PathExpr {
    /// No parameter: the template is the path.
    Literal(String),
    /// The values of the template's parameters, in order, for `runtime::fill_path`.
    Fill(TokenStream),
    /// Pieces joined, for a template with a placeholder no parameter fills.
    Format(TokenStream),
}

fn path_expr(api: &Api, op: &Operation) -> PathExpr {
    // `[..].concat()` rather than `format!`: prettyplease formats expressions, not macro
    // arguments, and the generated code is read in review.
    let mut pieces = Vec::new();
    let mut any_param = false;
    // Every placeholder a parameter's: the runtime fills the template (`Fill`).
    let mut values = Vec::new();
    let mut all_params = true;
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let wire = &rest[start + 1..start + len];
        match op
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.wire == wire)
        {
            Some(p) => {
                let name = ident(&p.name);
                let value = match (resolved(&p.ty, &api.types), text_kind(api, &p.ty)) {
                    (Ty::String, _) => quote!(&self.#name),
                    (_, Text::Display) => quote!(&self.#name.to_string()),
                    (_, Text::List) => quote!(&crate::runtime::join(&self.#name, ",")),
                    (_, Text::Json) => quote!(&crate::runtime::to_text(&self.#name)),
                };
                pieces.push(quote!(crate::runtime::encode_path(#value).as_str()));
                values.push(value);
                any_param = true;
            }
            None => {
                let template = &rest[start..start + len + 1];
                pieces.push(quote!(#template));
                all_params = false;
            }
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    if any_param && all_params {
        PathExpr::Fill(quote!(&[#(#values),*]))
    } else if any_param {
        PathExpr::Format(quote!([#(#pieces),*].concat()))
    } else {
        PathExpr::Literal(op.path.clone())
    }
}

/// The block of `Endpoint::build` (called once per attempt): the query, headers and body
/// the request gets besides its path; `None` when there are none.
fn request_body(api: &Api, op: &Operation) -> Option<TokenStream> {
    let mut stmts: Vec<Step> = Vec::new();
    for p in op.params.iter().filter(|p| p.location != Location::Path) {
        let name = ident(&p.name);
        let wire = &p.wire;
        let kind = text_kind(api, &p.ty);
        let kind = if p.style == Style::Json {
            Text::Json
        } else {
            kind
        };
        let add = |value: Held| -> Step {
            let r = &value.reference;
            match (p.location, &kind, p.style) {
                (Location::Query, _, Style::DeepObject) => Step::Stmt(quote! {
                    match serde_json::to_value(#r) {
                        Ok(serde_json::Value::Object(fields)) => {
                            for (key, value) in fields.iter().filter(|(_, v)| !v.is_null()) {
                                let name = [#wire, "[", key.as_str(), "]"].concat();
                                request = request.query(&[(name, crate::runtime::to_text(value))]);
                            }
                        }
                        // Not an object: `deepObject` says nothing, so sent as one value.
                        _ => request = request.query(&[(#wire, crate::runtime::to_text(#r))]),
                    }
                }),
                (Location::Query, Text::List, Style::Repeated) => Step::Stmt(quote! {
                    for item in #r {
                        request = request.query(&[(#wire, item.to_string())]);
                    }
                }),
                (Location::Query, Text::List, Style::Joined(sep)) => {
                    let sep = sep.to_string();
                    Step::Call(quote!(.query(&[(#wire, crate::runtime::join(#r, #sep))])))
                }
                (Location::Query, k, _) => {
                    let text = to_text(k, &value);
                    Step::Call(quote!(.query(&[(#wire, #text)])))
                }
                (_, Text::List, _) => {
                    Step::Call(quote!(.header(#wire, crate::runtime::join(#r, ","))))
                }
                (Location::Cookie, k, _) => {
                    let text = to_text(k, &value);
                    Step::Call(
                        quote!(.header("Cookie", crate::runtime::cookie(#wire, #text.as_str()))),
                    )
                }
                (_, k, _) => {
                    let text = to_text(k, &value);
                    Step::Call(quote!(.header(#wire, #text)))
                }
            }
        };
        if p.required {
            stmts.push(add(Held::field(&name)));
        } else {
            let body = add(Held::bound()).into_stmt();
            stmts.push(Step::Stmt(
                quote!(if let Some(value) = &self.#name { #body }),
            ));
        }
    }
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(_) | BodyKind::Form(_) => {
                let call = if matches!(body.kind, BodyKind::Json(_)) {
                    quote!(json)
                } else {
                    quote!(form)
                };
                if body.required && !body_is_a_mock_matcher(op) {
                    stmts.push(Step::Call(quote!(.#call(&self.body))));
                } else {
                    stmts.push(Step::Stmt(
                        quote!(if let Some(body) = &self.body { request = request.#call(body); }),
                    ));
                }
            }
            BodyKind::Bytes(content_type) => {
                let send = quote!(.header(reqwest::header::CONTENT_TYPE, #content_type));
                if body.required {
                    stmts.push(Step::Call(quote!(#send.body(self.body.clone()))));
                } else {
                    stmts.push(Step::Stmt(
                        quote!(if let Some(body) = &self.body { request = request #send.body(body.clone()); }),
                    ));
                }
            }
            BodyKind::Multipart(parts) => {
                let mut form = Vec::new();
                for part in parts {
                    let name = ident(&part.name);
                    let wire = &part.wire;
                    let add = |value: Held| -> TokenStream {
                        let (p, r) = (&value.place, &value.reference);
                        match &part.ty {
                            Ty::Binary => quote!(form = form.part(#wire, #p.to_part());),
                            Ty::Vec(inner) if **inner == Ty::Binary => quote! {
                                for file in #r {
                                    form = form.part(#wire, file.to_part());
                                }
                            },
                            ty => match text_kind(api, ty) {
                                Text::List => quote! {
                                    for item in #r {
                                        form = form.text(#wire, item.to_string());
                                    }
                                },
                                k => {
                                    let text = to_text(&k, &value);
                                    quote!(form = form.text(#wire, #text);)
                                }
                            },
                        }
                    };
                    if part.required {
                        form.push(add(Held::field(&name)));
                    } else {
                        let body = add(Held::bound());
                        form.push(quote!(if let Some(value) = &self.#name { #body }));
                    }
                }
                stmts.push(Step::Stmt(quote! {
                    let mut form = reqwest::multipart::Form::new();
                    #(#form)*
                    request = request.multipart(form);
                }));
            }
        }
    }
    if stmts.is_empty() {
        return None;
    }
    // Unconditional additions read best as one method chain.
    if stmts.iter().all(|s| matches!(s, Step::Call(_))) {
        let calls = stmts.into_iter().map(Step::into_call);
        return Some(quote!({ request #(#calls)* }));
    }
    let stmts = stmts.into_iter().map(Step::into_stmt);
    Some(quote!({
        let mut request = request;
        #(#stmts)*
        request
    }))
}

/// One addition to a request.
enum Step {
    /// A builder method call (`.query(...)`), chainable.
    Call(TokenStream),
    /// A statement that reassigns `request`.
    Stmt(TokenStream),
}

impl Step {
    fn into_stmt(self) -> TokenStream {
        match self {
            Step::Call(call) => quote!(request = request #call;),
            Step::Stmt(stmt) => stmt,
        }
    }

    fn into_call(self) -> TokenStream {
        match self {
            Step::Call(call) => call,
            Step::Stmt(stmt) => stmt,
        }
    }
}

fn decode(api: &Api, op: &Operation, op_static: &syn::Ident) -> TokenStream {
    if op.lenient {
        return decode_lenient(op);
    }
    match &op.response {
        Response::Empty => quote! {
            crate::runtime::decode_empty(raw);
            Ok(())
        },
        Response::Text => quote!(crate::runtime::decode_text(&#op_static, raw)),
        Response::Bytes => quote!(Ok(crate::runtime::decode_bytes(raw))),
        Response::Json { ty, unwrap } => {
            let body_ty = rust_type(ty, Ctx::Operations);
            match unwrap {
                Unwrap::None if *resolved(ty, &api.types) == Ty::Value => {
                    quote!(Ok(crate::runtime::decode_value(raw)))
                }
                Unwrap::None => quote!(crate::runtime::decode_json(&#op_static, raw)),
                Unwrap::Field { field, .. } => {
                    let field = ident(field);
                    quote! {
                        let body: #body_ty = crate::runtime::decode_json(&#op_static, raw)?;
                        Ok(body.#field)
                    }
                }
                Unwrap::Page(p) => {
                    let items = p.items.iter().map(|f| ident(f));
                    let current = p.current_page.iter().map(|f| ident(f));
                    let total = p.total_pages.iter().map(|f| ident(f));
                    let current = widen(quote!(body #(.#current)*), p.current_page_int);
                    let total = widen(quote!(body #(.#total)*), p.total_pages_int);
                    quote! {
                        let body: #body_ty = crate::runtime::decode_json(&#op_static, raw)?;
                        Ok(crate::runtime::Page {
                            items: body #(.#items)*,
                            current_page: #current,
                            total_pages: #total,
                        })
                    }
                }
            }
        }
    }
}

/// The decode step of an operation whose success value is an inferred model (or a list or
/// page of them): it never fails (see `crate::inferred`).
fn decode_lenient(op: &Operation) -> TokenStream {
    let Response::Json { ty, unwrap } = &op.response else {
        return quote!(Ok(crate::runtime::decode_inferred(raw)));
    };
    match unwrap {
        Unwrap::None => {
            let ty = rust_type(ty, Ctx::Operations);
            quote!(Ok(crate::runtime::decode_inferred::<#ty>(raw)))
        }
        Unwrap::Field { ty, wire, .. } => {
            let ty = rust_type(ty, Ctx::Operations);
            quote!(Ok(crate::runtime::decode_inferred_in::<#ty>(raw, #wire)))
        }
        Unwrap::Page(p) => {
            let item = rust_type(&p.item, Ctx::Operations);
            let requested = page_as_i64(p);
            let (items, current, total) =
                (&p.items_wire, &p.current_page_wire, &p.total_pages_wire);
            quote! {
                Ok(crate::runtime::decode_inferred_page::<#item>(
                    raw,
                    &[#(#items),*],
                    &[#(#current),*],
                    &[#(#total),*],
                    #requested,
                ))
            }
        }
    }
}

/// The page set on the builder (or 1) as `i64`: converted without a fallible conversion
/// where an infallible one exists (clippy refuses `try_from` from `i32`).
fn page_as_i64(p: &crate::ir::Pagination) -> TokenStream {
    let page = ident(&p.page_param);
    match p.page_param_int {
        "i64" => quote!(self.#page.unwrap_or(1)),
        "u64" | "usize" => quote!(self.#page.map_or(1, |p| i64::try_from(p).unwrap_or(i64::MAX))),
        _ => quote!(self.#page.map_or(1, i64::from)),
    }
}

/// An integer of type `int` as `i64`, saturating where it cannot be exact.
fn widen(value: TokenStream, int: &str) -> TokenStream {
    match int {
        "i64" => value,
        "u64" | "usize" => quote!(i64::try_from(#value).unwrap_or(i64::MAX)),
        _ => quote!(i64::from(#value)),
    }
}

/// The `Paginated` impl of a paginated list's inputs, and how its requests move from page
/// to page: the runtime gives its builder `stream()` and `pages()` from them.
fn pagination(op: &Operation) -> TokenStream {
    use crate::ir::FieldShape;
    let input = ident(&op.input);
    let paginated = |item: TokenStream, paging: TokenStream, items: TokenStream| {
        quote! {
            impl crate::runtime::Paginated for #input {
                type Item = #item;
                type Paging = #paging;

                fn items(page: Self::Output) -> Vec<Self::Item> {
                    #items
                }
            }
        }
    };
    if let Some(cursor) = &op.cursor {
        let item = rust_type(&cursor.item, Ctx::Operations);
        let items = ident(&cursor.items);
        let next = ident(&cursor.next);
        let token = ident(&cursor.token_param);
        let resets = cursor.reset.iter().map(|name| ident(name));
        let (first, reset) = if cursor.reset.is_empty() {
            (quote!(_first), quote!())
        } else {
            (
                quote!(first),
                quote!(if !first { #(self.#resets = None;)* }),
            )
        };
        let items_expr = match cursor.items_shape {
            FieldShape::Plain => quote!(page.#items),
            FieldShape::Nullable | FieldShape::Optional => quote!(page.#items.unwrap_or_default()),
            FieldShape::OptionalNullable => quote!(page.#items.flatten().unwrap_or_default()),
        };
        let next_expr = match cursor.next_shape {
            FieldShape::Plain => quote!(Some(page.#next.clone())),
            FieldShape::Nullable | FieldShape::Optional => quote!(page.#next.clone()),
            FieldShape::OptionalNullable => quote!(page.#next.clone().flatten()),
        };
        let paginated = paginated(item, quote!(crate::runtime::ByToken), items_expr);
        let (items_at, next_at) = (&cursor.items_wire, &cursor.next_wire);
        return quote! {
            impl crate::runtime::PageToken for #input {
                const LAYOUT: [&'static [&'static str]; 2] = [&[#items_at], &[#next_at]];

                fn token(&self) -> Option<String> {
                    self.#token.clone()
                }

                fn set_token(&mut self, token: Option<String>, #first: bool) {
                    #reset
                    self.#token = token;
                }

                fn next_token(page: &Self::Output) -> Option<String> {
                    #next_expr
                }
            }

            #paginated
        };
    }
    let Response::Json {
        unwrap: Unwrap::Page(p),
        ..
    } = &op.response
    else {
        return quote!();
    };
    let item = rust_type(&p.item, Ctx::Operations);
    let page = ident(&p.page_param);
    let int = ident(p.page_param_int);
    let (start, narrow) = if p.page_param_int == "i64" {
        (quote!(self.#page.unwrap_or(1)), quote!(page))
    } else {
        (
            page_as_i64(p),
            quote!(#int::try_from(page).unwrap_or(#int::MAX)),
        )
    };
    let paginated = paginated(item, quote!(crate::runtime::ByNumber), quote!(page.items));
    let (items_at, current_at, total_at) =
        (&p.items_wire, &p.current_page_wire, &p.total_pages_wire);
    quote! {
        impl crate::runtime::PageNumber for #input {
            const LAYOUT: [&'static [&'static str]; 3] =
                [&[#(#items_at),*], &[#(#current_at),*], &[#(#total_at),*]];

            fn page_number(&self) -> i64 {
                #start
            }

            fn set_page_number(&mut self, page: i64) {
                self.#page = Some(#narrow);
            }
        }

        #paginated
    }
}
