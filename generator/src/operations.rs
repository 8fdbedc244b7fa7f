//! Paths and operations -> resource groups of typed operations in the IR.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToShoutySnakeCase;
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody,
    Response as OaResponse, SecurityScheme, StatusCode,
};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result, push_pointer, unescape_token};
use crate::ir::{
    self as ir, Auth, Body, BodyKind, Doc, Group, Location, Method, Operation, Pagination, Param,
    Part, Response, Style, Ty, TypeKind, Unwrap,
};
use crate::naming::{self, Scope};
use crate::parse::Spec;
use crate::types::{SchemaRef, TypeBuilder, wrap_nullable};

/// Module names the generated crate uses for itself, and names of `Client`'s own methods
/// (a group accessor with one of those names would clash).
pub const RESERVED_MODULES: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "base_url",
    "execute",
    "execute_with",
    "raw",
    "clone",
    "fmt",
    "eq",
    "types",
    "runtime",
    "generated",
    "blocking",
    // The crate root's module of drift recording (`runtime/drift.rs`).
    "drift",
    // The command line of the `cli` feature.
    "cli",
    "clap",
    "as_async",
    "block_on",
    "iter_stream",
    "client",
    "error",
    "std",
    "core",
    "serde",
    "reqwest",
    "crate",
    "self",
    "super",
    // `MockServer`'s own methods and the modules of the `mock` feature.
    "mock",
    "wiremock",
    "start",
    "uri",
    "verify",
    "received",
    "expect_operation",
    "unvalidated",
    "max_pages",
    "for_operations",
];
/// Tag used for operations without one.
const UNTAGGED: &str = "api";

/// The group of an operation in a document without tags: the first segment of its path
/// after any version prefix and `api` (`/v1/customers/{id}` -> `customers`, `/api/2.0/jobs`
/// -> `jobs`), without an extension (`/users.json` -> `users`); `api` when that is
/// a path parameter or there is none.
pub fn path_group(path: &str) -> String {
    let is_version = |s: &str| {
        let digits = s.strip_prefix(['v', 'V']).unwrap_or(s);
        digits.starts_with(|c: char| c.is_ascii_digit())
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    };
    path.split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version(s) && !s.eq_ignore_ascii_case("api"))
        .filter(|s| !s.starts_with('{'))
        .map(|s| s.split('.').next().unwrap_or(s))
        .filter(|s| s.chars().any(|c| c.is_ascii_alphanumeric()))
        .map_or_else(|| UNTAGGED.to_owned(), str::to_owned)
}

/// Builds the resource groups, converting inline schemas through `types`.
pub fn build_groups<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    security: &Security,
) -> Result<Vec<Group>> {
    let api = &spec.openapi;
    let mut tag_docs: BTreeMap<&str, Doc> = BTreeMap::new();
    for tag in &api.tags {
        tag_docs.insert(
            &tag.name,
            Doc {
                title: None,
                description: tag.description.clone(),
                notes: Vec::new(),
            },
        );
    }
    // Groups keep the order in which their first operation appears; emitted sorted by module.
    let mut groups: Vec<(String, Vec<Operation>)> = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut module_scope = Scope::with_reserved(RESERVED_MODULES);
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let mut method_scopes: BTreeMap<String, Scope> = BTreeMap::new();

    // `openapiv3` drops the keys of `paths` that start with neither `/` nor `x-`: such an
    // endpoint would silently be missing from the client.
    for key in spec
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.keys())
    {
        if !key.starts_with('/') && !key.starts_with("x-") {
            return Err(spec.locate(Error::invalid(
                &push_pointer("#/paths", key),
                format!("path `{key}` does not start with `/`"),
            )));
        }
    }
    // A document without tags is grouped by resource, as its paths name them: one group of
    // hundreds of operations would be one module, one struct and one Cargo feature.
    let tagless = !api.paths.paths.values().any(|item| match item {
        ReferenceOr::Item(item) => item.iter().any(|(_, op)| !op.tags.is_empty()),
        ReferenceOr::Reference { .. } => false,
    });
    for (path, item) in &api.paths.paths {
        let path_ptr = push_pointer("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(spec.locate(Error::unsupported(
                    &path_ptr,
                    format!("path item `$ref: {reference}` is not supported; inline the path item"),
                )));
            }
        };
        let methods = [
            (Method::Get, &item.get),
            (Method::Put, &item.put),
            (Method::Post, &item.post),
            (Method::Delete, &item.delete),
            (Method::Options, &item.options),
            (Method::Head, &item.head),
            (Method::Patch, &item.patch),
            (Method::Trace, &item.trace),
        ];
        for (method, op) in methods {
            let Some(op) = op else { continue };
            let ptr = push_pointer(&path_ptr, &method.as_str().to_lowercase());
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{}_{}", method.as_str().to_lowercase(), path));
            if let Some(first) = ids.insert(id.clone(), ptr.clone()) {
                return Err(spec.locate(Error::conflict(
                    &push_pointer(&ptr, "operationId"),
                    format!("operationId `{id}` is used twice (first at {first})"),
                )));
            }
            let tag = match op.tags.first() {
                Some(tag) => tag.clone(),
                None if tagless => path_group(path),
                None => UNTAGGED.to_owned(),
            };
            modules
                .entry(tag.clone())
                .or_insert_with(|| module_scope.claim(naming::snake(&tag)));
            // A group's own members, and `expect`, which the mock's group struct (whose
            // methods are the group's) uses to start an expectation.
            let scope = method_scopes
                .entry(tag.clone())
                .or_insert_with(|| Scope::with_reserved(&["client", "clone", "expect", "new"]));
            let method_name = op
                .extensions
                .get("x-rust-method")
                .and_then(Value::as_str)
                .map(naming::snake)
                .unwrap_or_else(|| naming::snake(&id));
            let method_name = scope.claim(method_name);
            let operation = build_operation(
                spec,
                types,
                security,
                path,
                &item.parameters,
                op,
                method,
                &id,
                &ptr,
                method_name,
            )?;
            match groups.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, ops)) => ops.push(operation),
                None => groups.push((tag, vec![operation])),
            }
        }
    }

    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(tag, mut ops)| {
            let module = modules[&tag].clone();
            // `Request` (the builders' type) and `RawResponse` (what `decode` takes) are
            // imported into every group module.
            let mut names = Scope::with_reserved(&["RawResponse", "Request"]);
            let struct_name = names.claim(naming::pascal(&tag));
            for op in &mut ops {
                op.builder = names.claim(naming::pascal(&op.id));
            }
            // After every builder: an operation's input struct never takes another's name.
            for op in &mut ops {
                op.input = names.claim(format!("{}Input", op.builder));
                op.static_name = op.builder.to_shouty_snake_case();
            }
            Group {
                accessor: module.clone(),
                module,
                struct_name,
                doc: match tag_docs.get(tag.as_str()) {
                    Some(doc) => doc.clone(),
                    // Grouped by path, not by a tag: say so, rather than "tagged".
                    None if tagless && tag != UNTAGGED => Doc {
                        title: None,
                        description: Some(format!(
                            "Operations on `{tag}`: the first segment of their paths."
                        )),
                        notes: Vec::new(),
                    },
                    None => Doc::default(),
                },
                ops,
                feature: None,
            }
        })
        .collect();
    out.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(out)
}

/// The methods the runtime's `Request` has in some mode (`send`, `stream`, `iter`, ...),
/// and `body`, the setter of an optional body: an operation's setters are methods of the
/// same type, so its inputs take other names. The runtime owns this list: a test checks it
/// against `runtime/request.rs` and `runtime/blocking.rs`.
pub(crate) const BUILDER_MEMBERS: [&str; 14] = [
    "body",
    "erase",
    "header",
    "into_async",
    "iter",
    "new",
    "pages",
    "retry",
    "send",
    "send_raw",
    "send_response",
    "stream",
    "timeout",
    "with_client",
];

#[allow(clippy::too_many_arguments)]
fn build_operation<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    security: &Security,
    path: &str,
    shared_params: &'s [ReferenceOr<Parameter>],
    op: &'s openapiv3::Operation,
    method: Method,
    id: &str,
    ptr: &str,
    method_name: String,
) -> Result<Operation> {
    let hint = naming::pascal(id);
    // Operation-level parameters override path-level ones with the same name and location.
    let mut declared: Vec<(&'s Parameter, String)> = Vec::new();
    let path_ptr = ptr.rsplit_once('/').map_or(ptr, |(p, _)| p).to_owned();
    for (i, p) in shared_params.iter().enumerate() {
        declared.push(resolve_param(
            spec,
            p,
            &format!("{path_ptr}/parameters/{i}"),
        )?);
    }
    for (i, p) in op.parameters.iter().enumerate() {
        let (param, at) = resolve_param(spec, p, &format!("{ptr}/parameters/{i}"))?;
        let key = (param.parameter_data_ref().name.clone(), location_of(param));
        declared.retain(|(d, _)| (d.parameter_data_ref().name.clone(), location_of(d)) != key);
        declared.push((param, at));
    }

    let template_names = template_params(path);
    for name in &template_names {
        if !declared
            .iter()
            .any(|(p, _)| location_of(p) == Location::Path && &p.parameter_data_ref().name == name)
        {
            return Err(spec.locate(Error::invalid(
                ptr,
                format!("path parameter `{{{name}}}` of `{path}` is not declared in `parameters`"),
            )));
        }
    }

    let mut scope = Scope::with_reserved(&BUILDER_MEMBERS);
    let mut params = Vec::new();
    // Path parameters first, in template order, so positional arguments read like the URL.
    let mut ordered: Vec<&(&Parameter, String)> = Vec::new();
    for name in &template_names {
        if let Some(d) = declared
            .iter()
            .find(|(p, _)| location_of(p) == Location::Path && &p.parameter_data_ref().name == name)
        {
            ordered.push(d);
        }
    }
    ordered.extend(
        declared
            .iter()
            .filter(|(p, _)| location_of(p) != Location::Path),
    );
    for (param, at) in ordered {
        let data = param.parameter_data_ref();
        let location = location_of(param);
        let rust = scope.claim(naming::snake(&data.name));
        let (ty, mut doc, json, limits) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let c = types.convert(
                    SchemaRef::from(s),
                    &format!("{hint}{}", naming::pascal(&data.name)),
                    &push_pointer(at, "schema"),
                )?;
                let doc = match s {
                    ReferenceOr::Item(schema) => schema_param_doc(schema),
                    ReferenceOr::Reference { .. } => Doc::default(),
                };
                let limits = types.limits(SchemaRef::from(s), &push_pointer(at, "schema"));
                (c.ty, doc, false, limits)
            }
            ParameterSchemaOrContent::Content(_) => {
                (Ty::Value, Doc::default(), true, Default::default())
            }
        };
        doc.description = data.description.clone().or(doc.description);
        let explode = data.explode;
        let style = if json {
            doc.notes
                .push("Sent as JSON text (`content` parameter)".to_owned());
            Style::Json
        } else {
            match param {
                Parameter::Query { style, .. } => match style {
                    QueryStyle::Form => {
                        if explode.unwrap_or(true) {
                            Style::Repeated
                        } else {
                            Style::Joined(',')
                        }
                    }
                    QueryStyle::SpaceDelimited => Style::Joined(' '),
                    QueryStyle::PipeDelimited => Style::Joined('|'),
                    QueryStyle::DeepObject => {
                        doc.notes.push(
                            "Sent as `name[key]=value`, one pair per property (`deepObject`); a nested object or array value as JSON text"
                                .to_owned(),
                        );
                        Style::DeepObject
                    }
                },
                _ => Style::Joined(','),
            }
        };
        let flag = matches!(
            &data.format,
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(openapiv3::Schema {
                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(b)),
                ..
            })) if b.enumeration == [Some(true)]
        );
        params.push(Param {
            flag,
            wire: data.name.clone(),
            name: rust,
            location,
            ty,
            required: data.required || location == Location::Path,
            style,
            doc,
            limits,
        });
    }

    // A body or response the generator cannot type does not cost the document its other
    // operations: it is sent or returned raw, and `generate` reports it (`--strict` refuses).
    let checkpoint = types.checkpoint();
    let mut notes = Vec::new();
    let body = match &op.request_body {
        Some(rb) => match build_body(
            spec,
            types,
            rb,
            &format!("{ptr}/requestBody"),
            &hint,
            &mut scope,
        ) {
            Ok(body) => Some(body),
            Err(e) if e.kind == ErrorKind::Unsupported => {
                types.rollback(checkpoint);
                let body = raw_body(spec, rb, &e);
                notes.push(format!(
                    "Takes the request body as raw bytes, which must be the whole body: the generator cannot type it ({}).",
                    e.message
                ));
                types.fall_back(e);
                body
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let checkpoint = types.checkpoint();
    let response = match build_response(spec, types, op, ptr, &hint, &params) {
        Ok(response) => response,
        Err(e) if e.kind == ErrorKind::Unsupported => {
            types.rollback(checkpoint);
            notes.push(format!(
                "Returns the response as raw JSON: the generator cannot type it ({}).",
                e.message
            ));
            types.fall_back(e);
            Response::Json {
                ty: Ty::Value,
                unwrap: Unwrap::None,
            }
        }
        Err(e) => return Err(e),
    };
    let errors = error_responses(spec, types, op, ptr, &hint)?;
    let documented = documented_responses(spec, op, ptr)?;
    let cursor = match &response {
        Response::Json {
            ty,
            unwrap: Unwrap::None,
        } => cursor_of(types, op, ty, &params),
        _ => None,
    };
    let scopes = op
        .extensions
        .get("x-scopes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| security_scopes(spec, op));
    // An operation whose schemes the client cannot send is still generated, without a
    // credential rather than with the wrong one, and reported (`--strict` refuses it).
    let security = match operation_security(spec, security, op, ptr)? {
        Ok(security) => security,
        Err(e) => {
            notes.push(format!(
                "Sent without a credential: the client cannot send what this operation requires ({}).",
                e.message
            ));
            types.fall_back(e);
            Vec::new()
        }
    };
    Ok(Operation {
        id: id.to_owned(),
        method,
        path: path.to_owned(),
        method_name,
        builder: String::new(),
        input: String::new(),
        static_name: String::new(),
        doc: Doc {
            title: op.summary.clone(),
            description: op.description.clone(),
            notes,
        },
        deprecated: op.deprecated,
        scopes,
        security,
        params,
        body,
        response,
        cursor,
        errors,
        lenient: false,
        documented,
        extensions: op
            .extensions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}

fn schema_param_doc(schema: &openapiv3::Schema) -> Doc {
    let mut doc = Doc::default();
    if let Some(default) = &schema.schema_data.default {
        doc.notes.push(format!(
            "Default: {}",
            crate::docs::code(&default.to_string())
        ));
    }
    doc
}

fn location_of(p: &Parameter) -> Location {
    match p {
        Parameter::Query { .. } => Location::Query,
        Parameter::Header { .. } => Location::Header,
        Parameter::Path { .. } => Location::Path,
        Parameter::Cookie { .. } => Location::Cookie,
    }
}

/// `{name}` segments of a path template, in order.
pub fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

fn component<'s, T>(
    spec: &'s Spec,
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
    section: &str,
    reference: &str,
    at: &str,
) -> Result<(&'s T, String)> {
    let mut reference = reference.to_owned();
    for _ in 0..16 {
        let prefix = format!("#/components/{section}/");
        let Some(key) = reference.strip_prefix(&prefix) else {
            return Err(spec.locate(Error::reference(
                at,
                format!("`$ref: {reference}` must point into `#/components/{section}/`"),
            )));
        };
        let key = unescape_token(key);
        match map.and_then(|m| m.get(&key)) {
            // The pointer of the component itself, so that errors inside it point there.
            Some(ReferenceOr::Item(item)) => return Ok((item, reference)),
            Some(ReferenceOr::Reference { reference: next }) => reference = next.clone(),
            None => {
                return Err(spec.locate(Error::reference(
                    at,
                    format!("`$ref: {reference}` points to nothing in components.{section}"),
                )));
            }
        }
    }
    Err(spec.locate(Error::reference(at, "`$ref` chain too long (a cycle?)")))
}

/// The parameter and the pointer of where it is defined.
fn resolve_param<'s>(
    spec: &'s Spec,
    p: &'s ReferenceOr<Parameter>,
    at: &str,
) -> Result<(&'s Parameter, String)> {
    match p {
        ReferenceOr::Item(p) => Ok((p, at.to_owned())),
        ReferenceOr::Reference { reference } => component(
            spec,
            spec.openapi.components.as_ref().map(|c| &c.parameters),
            "parameters",
            reference,
            at,
        ),
    }
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json"
        || m.ends_with("+json")
        || m == "*/*"
        || m == "text/json"
        || m == "application/*"
}

fn build_body<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    rb: &'s ReferenceOr<RequestBody>,
    at: &str,
    hint: &str,
    scope: &mut Scope,
) -> Result<Body> {
    let (rb, at) = match rb {
        ReferenceOr::Item(rb) => (rb, at.to_owned()),
        ReferenceOr::Reference { reference } => component(
            spec,
            spec.openapi.components.as_ref().map(|c| &c.request_bodies),
            "requestBodies",
            reference,
            at,
        )?,
    };
    let at = at.as_str();
    let doc = Doc {
        title: None,
        description: rb.description.clone(),
        notes: Vec::new(),
    };
    let pick = |pred: &dyn Fn(&str) -> bool| rb.content.iter().find(|(m, _)| pred(m));
    let body_hint = format!("{hint}Body");
    let kind = if let Some((media, mt)) = pick(&is_json) {
        BodyKind::Json(media_ty(types, mt, &body_hint, &content_ptr(at, media))?)
    } else if let Some((media, mt)) = pick(&|m| m.starts_with("application/x-www-form-urlencoded"))
    {
        BodyKind::Form(media_ty(types, mt, &body_hint, &content_ptr(at, media))?)
    } else if let Some((media, mt)) = pick(&|m| m.starts_with("multipart/")) {
        BodyKind::Multipart(multipart_parts(
            spec,
            types,
            mt,
            &body_hint,
            &content_ptr(at, media),
            scope,
        )?)
    } else if let Some((media, _)) = rb.content.first() {
        BodyKind::Bytes(media.clone())
    } else {
        return Err(spec.locate(Error::invalid(at, "request body has no `content`")));
    };
    Ok(Body {
        required: rb.required,
        kind,
        doc,
    })
}

/// The raw fallback for a body that cannot be typed: its bytes, with its content type.
fn raw_body(spec: &Spec, rb: &ReferenceOr<RequestBody>, why: &Error) -> Option<Body> {
    let rb = match rb {
        ReferenceOr::Item(rb) => rb,
        ReferenceOr::Reference { reference } => spec
            .openapi
            .components
            .as_ref()
            .and_then(|c| c.request_bodies.get(reference.rsplit('/').next()?))
            .and_then(|rb| rb.as_item())?,
    };
    let media = rb.content.keys().next()?.clone();
    Some(Body {
        required: rb.required,
        kind: BodyKind::Bytes(media),
        doc: Doc {
            title: None,
            description: rb.description.clone(),
            notes: vec![format!(
                "Sent as raw bytes, which must be the whole body: the generator cannot type it ({}).",
                why.message
            )],
        },
    })
}

fn content_ptr(at: &str, media: &str) -> String {
    push_pointer(&push_pointer(at, "content"), media)
}

fn media_ty<'s>(
    types: &mut TypeBuilder<'s>,
    mt: &'s MediaType,
    hint: &str,
    at: &str,
) -> Result<Ty> {
    match &mt.schema {
        Some(s) => Ok(wrap_nullable(types.convert(
            SchemaRef::from(s),
            hint,
            &push_pointer(at, "schema"),
        )?)),
        None => Ok(Ty::Value),
    }
}

fn multipart_parts<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    mt: &'s MediaType,
    hint: &str,
    at: &str,
    scope: &mut Scope,
) -> Result<Vec<Part>> {
    let Some(schema) = &mt.schema else {
        return Err(spec.locate(Error::unsupported(
            at,
            "multipart body without a schema: its parts are unknown",
        )));
    };
    let schema_ptr = push_pointer(at, "schema");
    let (schema, schema_at) = types.resolve(SchemaRef::from(schema), &schema_ptr)?;
    // A body that is one file (or several) and nothing else: one part, named `file`.
    if let Some(ty) = file_body(types, schema, &schema_at)? {
        return Ok(vec![Part {
            wire: "file".to_owned(),
            name: scope.claim("file".to_owned()),
            ty,
            required: true,
            doc: Doc {
                title: None,
                description: schema.schema_data.description.clone(),
                notes: vec!["Sent as the part `file` (the schema names no part).".to_owned()],
            },
            limits: Default::default(),
        }]);
    }
    let mut properties: Vec<(&'s String, &'s ReferenceOr<Box<openapiv3::Schema>>, String)> =
        Vec::new();
    let mut required = BTreeSet::new();
    collect_parts(
        types,
        schema,
        &schema_at,
        &mut properties,
        &mut required,
        true,
        0,
    )?;
    if properties.is_empty() {
        return Err(spec.locate(Error::unsupported(
            &schema_ptr,
            "multipart body whose schema is not an object with `properties`",
        )));
    }
    let mut parts = Vec::new();
    let mut seen = BTreeSet::new();
    for (wire, prop, props_at) in properties {
        if !seen.insert(wire) {
            continue;
        }
        // The server sets read-only properties; a request does not send them.
        if let ReferenceOr::Item(s) = prop
            && s.schema_data.read_only
        {
            continue;
        }
        let prop_ptr = push_pointer(&props_at, wire);
        let c = types.convert(
            SchemaRef::from(prop),
            &format!("{hint}{}", naming::pascal(wire)),
            &prop_ptr,
        )?;
        let doc = match prop {
            ReferenceOr::Item(s) => Doc {
                title: None,
                description: s.schema_data.description.clone(),
                notes: Vec::new(),
            },
            ReferenceOr::Reference { .. } => Doc::default(),
        };
        // A part is sent or not; a form has no `null` to send for a nullable one.
        let ty = c.ty;
        parts.push(Part {
            wire: wire.clone(),
            name: scope.claim(naming::snake(wire)),
            ty,
            required: required.contains(wire.as_str()),
            doc,
            limits: types.limits(SchemaRef::from(prop), &prop_ptr),
        });
    }
    Ok(parts)
}

/// The part type of a multipart body whose schema is a binary string, or a list of them.
fn file_body<'s>(
    types: &TypeBuilder<'s>,
    schema: &'s openapiv3::Schema,
    at: &str,
) -> Result<Option<Ty>> {
    use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    let is_binary = |s: &openapiv3::Schema| {
        matches!(&s.schema_kind, SchemaKind::Type(Type::String(t))
            if matches!(t.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
    };
    if is_binary(schema) {
        return Ok(Some(Ty::Binary));
    }
    if let SchemaKind::Type(Type::Array(a)) = &schema.schema_kind
        && let Some(items) = &a.items
    {
        let (item, _) = types.resolve(SchemaRef::from(items), &format!("{at}/items"))?;
        if is_binary(item) {
            return Ok(Some(Ty::Vec(Box::new(Ty::Binary))));
        }
    }
    Ok(None)
}

/// The properties of a multipart body's object schema, through `allOf` (each member's parts,
/// all their requirements) and `oneOf`/`anyOf` (every alternative's parts, required only
/// when every alternative requires them), with the pointer of the `properties` they are in.
#[allow(clippy::type_complexity)]
fn collect_parts<'s>(
    types: &TypeBuilder<'s>,
    schema: &'s openapiv3::Schema,
    at: &str,
    out: &mut Vec<(&'s String, &'s ReferenceOr<Box<openapiv3::Schema>>, String)>,
    required: &mut BTreeSet<&'s str>,
    must: bool,
    depth: usize,
) -> Result<()> {
    use openapiv3::SchemaKind;
    if depth > 16 {
        return Ok(());
    }
    let own = match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(o)) => Some((&o.properties, &o.required)),
        SchemaKind::Any(a) => Some((&a.properties, &a.required)),
        _ => None,
    };
    if let Some((properties, own_required)) = own {
        let props_at = push_pointer(at, "properties");
        for (wire, prop) in properties {
            out.push((wire, prop, props_at.clone()));
        }
        if must {
            required.extend(own_required.iter().map(String::as_str));
        }
    }
    let (members, keyword, members_must) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => (all_of, "allOf", must),
        SchemaKind::OneOf { one_of } => (one_of, "oneOf", false),
        SchemaKind::AnyOf { any_of } => (any_of, "anyOf", false),
        SchemaKind::Any(a) if !a.all_of.is_empty() => (&a.all_of, "allOf", must),
        SchemaKind::Any(a) if !a.one_of.is_empty() => (&a.one_of, "oneOf", false),
        SchemaKind::Any(a) if !a.any_of.is_empty() => (&a.any_of, "anyOf", false),
        _ => return Ok(()),
    };
    let mut in_every: Option<BTreeSet<&'s str>> = None;
    for (i, member) in members.iter().enumerate() {
        let (member, member_at) =
            types.resolve(SchemaRef::from(member), &format!("{at}/{keyword}/{i}"))?;
        let mut member_required = BTreeSet::new();
        collect_parts(
            types,
            member,
            &member_at,
            out,
            &mut member_required,
            true,
            depth + 1,
        )?;
        if members_must {
            required.extend(member_required);
        } else {
            in_every = Some(match in_every {
                None => member_required,
                Some(every) => every.intersection(&member_required).copied().collect(),
            });
        }
    }
    if must {
        required.extend(in_every.unwrap_or_default());
    }
    Ok(())
}

/// The response and the pointer of where it is defined.
fn resolve_response<'s>(
    spec: &'s Spec,
    r: &'s ReferenceOr<OaResponse>,
    at: &str,
) -> Result<(&'s OaResponse, String)> {
    match r {
        ReferenceOr::Item(r) => Ok((r, at.to_owned())),
        ReferenceOr::Reference { reference } => component(
            spec,
            spec.openapi.components.as_ref().map(|c| &c.responses),
            "responses",
            reference,
            at,
        ),
    }
}

fn build_response<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    op: &'s openapiv3::Operation,
    ptr: &str,
    hint: &str,
    params: &[Param],
) -> Result<Response> {
    let responses_ptr = push_pointer(ptr, "responses");
    let mut success: Vec<(String, &'s OaResponse)> = Vec::new();
    for (code, r) in &op.responses.responses {
        if is_success(code) {
            let (response, at) =
                resolve_response(spec, r, &push_pointer(&responses_ptr, &code.to_string()))?;
            success.push((at, response));
        }
    }
    if success.is_empty()
        && let Some(r) = &op.responses.default
    {
        let (response, at) = resolve_response(spec, r, &push_pointer(&responses_ptr, "default"))?;
        success.push((at, response));
    }
    let with_content: Vec<&(String, &OaResponse)> = success
        .iter()
        .filter(|(_, r)| !r.content.is_empty())
        .collect();
    let Some((first_at, first)) = with_content.first() else {
        return Ok(Response::Empty);
    };
    let response_hint = format!("{hint}Response");
    let Some((media, mt)) = first.content.iter().find(|(m, _)| is_json(m)) else {
        let text = first.content.keys().all(|m| m.starts_with("text/"));
        return Ok(if text {
            Response::Text
        } else {
            Response::Bytes
        });
    };
    // Several success responses with different bodies have no single Rust type: keep JSON.
    let schemas: BTreeSet<String> = with_content
        .iter()
        .filter_map(|(_, r)| r.content.iter().find(|(m, _)| is_json(m)))
        .map(|(_, mt)| serde_json::to_string(&mt.schema).unwrap_or_default())
        .collect();
    let ty = if schemas.len() > 1 {
        Ty::Value
    } else {
        media_ty(types, mt, &response_hint, &content_ptr(first_at, media))?
    };
    let unwrap = unwrap_of(spec, types, op, ptr, &ty, params)?;
    Ok(Response::Json { ty, unwrap })
}

/// Every response of `op`, `default` last, with its media types.
fn documented_responses(
    spec: &Spec,
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<Vec<crate::ir::Documented>> {
    let responses_ptr = push_pointer(ptr, "responses");
    let has_success = op.responses.responses.keys().any(is_success);
    let listed = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| (code.to_string(), is_success(code), r))
        .chain(
            op.responses
                .default
                .iter()
                .map(|r| ("default".to_owned(), !has_success, r)),
        );
    let mut out = Vec::new();
    for (status, success, r) in listed {
        let (response, _) = resolve_response(spec, r, &push_pointer(&responses_ptr, &status))?;
        out.push(crate::ir::Documented {
            status,
            media: response.content.keys().cloned().collect(),
            json: response.content.keys().any(|m| is_json(m)),
            success,
        });
    }
    Ok(out)
}

/// `2xx`, or a code in 200..300.
fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

/// The error responses (not 2xx) whose body is JSON with a schema, typed. One the generator
/// cannot type is left out: the raw body stays in `ApiError` either way.
fn error_responses<'s>(
    spec: &'s Spec,
    types: &mut TypeBuilder<'s>,
    op: &'s openapiv3::Operation,
    ptr: &str,
    hint: &str,
) -> Result<Vec<crate::ir::ErrorResponse>> {
    let responses_ptr = push_pointer(ptr, "responses");
    let mut listed: Vec<(String, &'s ReferenceOr<OaResponse>)> = op
        .responses
        .responses
        .iter()
        .filter(|(code, _)| !is_success(code))
        .map(|(code, r)| (code.to_string(), r))
        .collect();
    let has_success = op.responses.responses.keys().any(is_success);
    // `default` is the success response when nothing else is (see `build_response`).
    if has_success && let Some(r) = &op.responses.default {
        listed.push(("default".to_owned(), r));
    }
    let mut out = Vec::new();
    for (status, r) in listed {
        let (response, at) = resolve_response(spec, r, &push_pointer(&responses_ptr, &status))?;
        let Some((media, mt)) = response.content.iter().find(|(m, _)| is_json(m)) else {
            continue;
        };
        if mt.schema.is_none() {
            continue;
        }
        let checkpoint = types.checkpoint();
        let error_hint = format!("{hint}{}Error", naming::pascal(&status));
        match media_ty(types, mt, &error_hint, &content_ptr(&at, media)) {
            Ok(ty) => out.push(crate::ir::ErrorResponse {
                status,
                ty,
                description: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                shared: match r {
                    ReferenceOr::Reference { reference } => reference
                        .strip_prefix("#/components/responses/")
                        .filter(|name| !name.contains('/'))
                        .map(unescape_token),
                    ReferenceOr::Item(_) => None,
                },
            }),
            Err(e) if e.kind == ErrorKind::Unsupported => types.rollback(checkpoint),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Response fields that hold the items of a token-paginated list.
const CURSOR_ITEMS: [&str; 4] = ["items", "data", "results", "entries"];
/// Response fields that hold the next page's token.
const CURSOR_NEXT: [&str; 8] = [
    "next_page",
    "next_page_token",
    "nextPageToken",
    "next_cursor",
    "nextCursor",
    "next_token",
    "nextToken",
    "next",
];
/// Query parameters that send a page token back.
const CURSOR_PARAMS: [&str; 6] = [
    "page_token",
    "pageToken",
    "cursor",
    "next_token",
    "continuation_token",
    "continuationToken",
];

/// Token pagination: Dropshot's (`x-dropshot-pagination`: `items`, `next_page`, and the
/// `page_token` parameter), or the same shape under the common names above. Without every
/// part there is no `.stream()`; `send()` is the same either way.
fn cursor_of(
    types: &TypeBuilder<'_>,
    op: &openapiv3::Operation,
    ty: &Ty,
    params: &[Param],
) -> Option<crate::ir::Cursor> {
    let dropshot = op.extensions.contains_key("x-dropshot-pagination");
    let s = struct_of(types, ty)?;
    let field = |names: &[&str], want: &dyn Fn(&Ty) -> bool| {
        names
            .iter()
            .find_map(|name| s.fields.iter().find(|f| f.wire == *name && want(&f.ty)))
    };
    let is_string = |ty: &Ty| *crate::ir::resolved(ty, types.types_so_far()) == Ty::String;
    let items = field(&CURSOR_ITEMS, &|ty| matches!(ty, Ty::Vec(_)))?;
    let next = field(&CURSOR_NEXT, &is_string)?;
    let token = params.iter().find(|p| {
        p.location == Location::Query
            && CURSOR_PARAMS.contains(&p.wire.as_str())
            && is_string(&p.ty)
    })?;
    if dropshot && (items.wire != "items" || next.wire != "next_page" || token.wire != "page_token")
    {
        return None;
    }
    let Ty::Vec(item) = &items.ty else {
        return None;
    };
    let reset = if dropshot {
        params
            .iter()
            .filter(|p| p.location == Location::Query && !p.required && !p.flag)
            .filter(|p| p.wire != "limit" && p.wire != token.wire)
            .map(|p| p.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    Some(crate::ir::Cursor {
        items: items.name.clone(),
        items_wire: items.wire.clone(),
        items_shape: items.shape(),
        item: (**item).clone(),
        next: next.name.clone(),
        next_wire: next.wire.clone(),
        next_shape: next.shape(),
        token_param: token.name.clone(),
        reset,
    })
}

/// The struct behind a type, following aliases.
fn struct_of<'a>(types: &'a TypeBuilder<'_>, ty: &Ty) -> Option<&'a crate::ir::Struct> {
    let mut ty = ty.clone();
    for _ in 0..16 {
        let Ty::Named(name) = &ty else { return None };
        match &types.get(name)?.kind {
            TypeKind::Struct(s) => return Some(s),
            TypeKind::Alias(inner) => ty = inner.clone(),
            _ => return None,
        }
    }
    None
}

/// Follows a dotted path of JSON names through structs; returns Rust names and the last field.
fn field_path(
    types: &TypeBuilder<'_>,
    ty: &Ty,
    path: &str,
) -> Option<(Vec<String>, crate::ir::Field)> {
    let mut current = ty.clone();
    let mut names = Vec::new();
    let mut last = None;
    for segment in path.split('.') {
        let s = struct_of(types, &current)?;
        let field = s.fields.iter().find(|f| f.wire == segment)?.clone();
        names.push(field.name.clone());
        current = field.ty.clone();
        last = Some(field);
    }
    last.map(|f| (names, f))
}

fn unwrap_of(
    spec: &Spec,
    types: &TypeBuilder<'_>,
    op: &openapiv3::Operation,
    ptr: &str,
    ty: &Ty,
    params: &[Param],
) -> Result<Unwrap> {
    if let Some(p) = op.extensions.get("x-pagination") {
        let at = push_pointer(ptr, "x-pagination");
        let get = |key: &str| -> Result<&str> {
            p.get(key).and_then(Value::as_str).ok_or_else(|| {
                spec.locate(Error::invalid(
                    &at,
                    format!("`x-pagination` needs a string `{key}`"),
                ))
            })
        };
        let required_field = |path: &str| -> Result<(Vec<String>, crate::ir::Field)> {
            match field_path(types, ty, path) {
                Some((names, f)) if f.required && !f.nullable => Ok((names, f)),
                Some(_) => Err(spec.locate(Error::invalid(
                    &at,
                    format!("`x-pagination` field `{path}` must be required and not nullable"),
                ))),
                None => Err(spec.locate(Error::invalid(
                    &at,
                    format!("`x-pagination` names `{path}`, which the response body does not have"),
                ))),
            }
        };
        let wire = |path: &str| path.split('.').map(str::to_owned).collect::<Vec<_>>();
        let (items_wire, current_page_wire, total_pages_wire) = (
            wire(get("items")?),
            wire(get("current-page")?),
            wire(get("total-pages")?),
        );
        let (items, items_field) = required_field(get("items")?)?;
        let Ty::Vec(item) = items_field.ty else {
            return Err(spec.locate(Error::invalid(
                &at,
                "`x-pagination` `items` must be an array",
            )));
        };
        let (current_page, current) = required_field(get("current-page")?)?;
        let (total_pages, total) = required_field(get("total-pages")?)?;
        let int_of = |f: &crate::ir::Field| match f.ty {
            Ty::Int(i) => Ok(i),
            _ => Err(spec.locate(Error::invalid(
                &at,
                format!("`x-pagination` field `{}` must be an integer", f.wire),
            ))),
        };
        let current_page_int = int_of(&current)?;
        let total_pages_int = int_of(&total)?;
        let page_wire = get("page-param")?;
        let Some(page) = params
            .iter()
            .find(|p| p.wire == page_wire && p.location == Location::Query)
        else {
            return Err(spec.locate(Error::invalid(&at, format!("`x-pagination` page parameter `{page_wire}` is not a query parameter of the operation"))));
        };
        let Ty::Int(page_param_int) = page.ty else {
            return Err(spec.locate(Error::invalid(
                &at,
                "`x-pagination` page parameter must be an integer",
            )));
        };
        return Ok(Unwrap::Page(Box::new(Pagination {
            items,
            items_wire,
            item: *item,
            current_page,
            current_page_wire,
            current_page_int,
            total_pages,
            total_pages_wire,
            total_pages_int,
            page_param: page.name.clone(),
            page_param_int,
        })));
    }
    if let Some(field) = op.extensions.get("x-unwrap") {
        let at = push_pointer(ptr, "x-unwrap");
        let Some(field) = field.as_str() else {
            return Err(spec.locate(Error::invalid(&at, "`x-unwrap` must name a property")));
        };
        let Some(s) = struct_of(types, ty) else {
            return Err(spec.locate(Error::invalid(
                &at,
                "`x-unwrap` needs an object response body",
            )));
        };
        let Some(f) = s.fields.iter().find(|f| f.wire == field) else {
            return Err(spec.locate(Error::invalid(
                &at,
                format!("`x-unwrap` names `{field}`, which the response body does not have"),
            )));
        };
        let optional = !matches!(f.shape(), crate::ir::FieldShape::Plain);
        let inner = match f.shape() {
            crate::ir::FieldShape::OptionalNullable => Ty::Option(Box::new(f.ty.clone())),
            _ => f.ty.clone(),
        };
        return Ok(Unwrap::Field {
            field: f.name.clone(),
            wire: f.wire.clone(),
            ty: inner,
            optional,
        });
    }
    Ok(Unwrap::None)
}

fn security_scopes(spec: &Spec, op: &openapiv3::Operation) -> Vec<String> {
    let reqs = op.security.as_ref().or(spec.openapi.security.as_ref());
    let mut out = BTreeSet::new();
    for req in reqs.into_iter().flatten() {
        for scopes in req.values() {
            out.extend(scopes.iter().cloned());
        }
    }
    out.into_iter().collect()
}

/// How the client authenticates: the schemes it holds a credential for.
#[derive(Debug, Clone)]
pub struct Security {
    /// Every scheme a requirement names that the client can send, in the order of first use
    /// (global requirements first, then the operations' in path order).
    pub schemes: Vec<ir::Scheme>,
}

/// One security requirement list (`security: [...]`) and where it is.
fn requirement_lists(spec: &Spec) -> Vec<(String, &[openapiv3::SecurityRequirement])> {
    let mut out = Vec::new();
    if let Some(global) = &spec.openapi.security {
        out.push(("#/security".to_owned(), global.as_slice()));
    }
    for (path, item) in &spec.openapi.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            if let Some(list) = &op.security {
                let at = push_pointer(&push_pointer("#/paths", path), method);
                out.push((format!("{at}/security"), list.as_slice()));
            }
        }
    }
    out
}

/// The scheme named `name`, following `$ref`s within `components.securitySchemes`.
fn scheme_named<'s>(spec: &'s Spec, name: &str, at: &str) -> Result<&'s SecurityScheme> {
    let schemes = spec
        .openapi
        .components
        .as_ref()
        .map(|c| &c.security_schemes);
    match schemes.and_then(|m| m.get(name)) {
        Some(ReferenceOr::Item(scheme)) => Ok(scheme),
        Some(ReferenceOr::Reference { reference }) => {
            component(spec, schemes, "securitySchemes", reference, at).map(|(s, _)| s)
        }
        None => Err(spec.locate(Error::reference(
            at,
            format!(
                "security requirement names `{name}`, which is not in components.securitySchemes"
            ),
        ))),
    }
}

/// Why the client cannot send `scheme`, or what it sends.
fn auth_for(scheme: &SecurityScheme) -> std::result::Result<Auth, String> {
    Ok(match scheme {
        SecurityScheme::APIKey {
            location,
            name,
            extensions,
            ..
        } => {
            let prefix = extensions
                .get("x-value-prefix")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            match location {
                openapiv3::APIKeyLocation::Header => Auth::Header {
                    name: name.clone(),
                    prefix,
                },
                openapiv3::APIKeyLocation::Query => Auth::Query { name: name.clone() },
                openapiv3::APIKeyLocation::Cookie => Auth::Header {
                    name: "Cookie".into(),
                    prefix: format!("{name}="),
                },
            }
        }
        SecurityScheme::HTTP { scheme, .. } => match scheme.to_ascii_lowercase().as_str() {
            "basic" => Auth::Basic,
            "bearer" => Auth::Header {
                name: "Authorization".into(),
                prefix: "Bearer ".into(),
            },
            other => {
                return Err(format!(
                    "the `http` scheme `{other}` is not supported (only `basic` and `bearer` are): \
                     it needs more than a credential in a header (Digest, for one, answers a challenge)"
                ));
            }
        },
        SecurityScheme::OAuth2 {
            flows:
                openapiv3::OAuth2Flows {
                    client_credentials: Some(flow),
                    ..
                },
            ..
        } => Auth::ClientCredentials {
            token_url: flow.token_url.clone(),
            scopes: Vec::new(),
        },
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Auth::Header {
            name: "Authorization".into(),
            prefix: "Bearer ".into(),
        },
    })
}

/// How the client authenticates: every scheme a requirement names that it can send, in the
/// order of first use. Every scheme a requirement names must exist.
pub fn security_of(spec: &Spec) -> Result<Security> {
    let mut schemes: Vec<ir::Scheme> = Vec::new();
    for (at, list) in requirement_lists(spec) {
        for (i, requirement) in list.iter().enumerate() {
            let req_at = format!("{at}/{i}");
            for (name, asked) in requirement {
                let scheme = scheme_named(spec, name, &push_pointer(&req_at, name))?;
                if !schemes.iter().any(|s| &s.name == name)
                    && let Ok(auth) = auth_for(scheme)
                {
                    schemes.push(ir::Scheme {
                        name: name.clone(),
                        auth,
                    });
                }
                // A fetched token must carry every scope some operation asks of it.
                if let Some(ir::Scheme {
                    auth: Auth::ClientCredentials { scopes, .. },
                    ..
                }) = schemes.iter_mut().find(|s| &s.name == name)
                {
                    for scope in asked {
                        if !scopes.contains(scope) {
                            scopes.push(scope.clone());
                        }
                    }
                }
            }
        }
    }
    Ok(Security { schemes })
}

/// What an operation sends: its own `security`, else the document's, as alternatives of
/// indices into the client's schemes. `security: []` (or only `{}`) makes it public. An
/// alternative naming a scheme the client cannot send is left out; if that leaves none,
/// the inner error says why, and the caller sends no credential and reports it (also when
/// the client can send none of the document's schemes: a per-call `.header()` can still
/// carry what the API wants).
fn operation_security(
    spec: &Spec,
    security: &Security,
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<Result<Vec<Vec<usize>>>> {
    let (list, at) = match &op.security {
        Some(list) => (list, format!("{ptr}/security")),
        None => match &spec.openapi.security {
            Some(list) => (list, "#/security".to_owned()),
            None => return Ok(Ok(Vec::new())),
        },
    };
    if list.iter().all(|r| r.is_empty()) {
        return Ok(Ok(Vec::new()));
    }
    let mut alternatives = Vec::new();
    let mut why = Vec::new();
    for (i, requirement) in list.iter().enumerate() {
        let mut indices = Vec::new();
        for name in requirement.keys() {
            match security.schemes.iter().position(|s| &s.name == name) {
                Some(index) => indices.push(index),
                None => {
                    let scheme = scheme_named(spec, name, &format!("{at}/{i}"))?;
                    if let Err(reason) = auth_for(scheme) {
                        why.push(format!("`{name}`: {reason}"));
                    }
                }
            }
        }
        if indices.len() == requirement.len() && !alternatives.contains(&indices) {
            let anonymous = indices.is_empty();
            alternatives.push(indices);
            if anonymous {
                // `{}` is always met: no later alternative is ever chosen.
                break;
            }
        }
    }
    if alternatives == [Vec::<usize>::new()] {
        return Ok(Ok(Vec::new()));
    }
    if !alternatives.is_empty() {
        return Ok(Ok(alternatives));
    }
    Ok(Err(spec.locate(Error::unsupported(
        &at,
        format!(
            "the client can meet none of the security requirements of the operation at {ptr}: {}",
            why.join("; ")
        ),
    ))))
}

/// The URL of the first server, its `{variables}` replaced by their `default`s (without a
/// trailing slash). A variable not declared in `variables` is refused: the URL would be sent
/// with the braces in it.
pub fn server_url(spec: &Spec, server: &openapiv3::Server) -> Result<String> {
    let at = "#/servers/0/url";
    let mut url = String::new();
    let mut rest = server.url.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(spec.locate(Error::invalid(
                at,
                format!("server URL `{}` has a `{{` without `}}`", server.url),
            )));
        };
        let name = &rest[start + 1..start + len];
        let Some(variable) = server.variables.as_ref().and_then(|v| v.get(name)) else {
            return Err(spec.locate(Error::invalid(
                at,
                format!(
                    "server URL `{}` uses the variable `{{{name}}}`, which `variables` does not declare",
                    server.url
                ),
            )));
        };
        url.push_str(&rest[..start]);
        url.push_str(&variable.default);
        rest = &rest[start + len + 1..];
    }
    url.push_str(rest);
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::{BUILDER_MEMBERS, path_group};

    /// Every method of `Request` in the runtime (any mode) is reserved, and nothing else
    /// but `body`.
    #[test]
    fn builder_members_are_the_runtime_requests_methods() {
        let mut methods = vec!["body".to_owned()];
        for (path, text) in crate::runtime::FILES {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("runtime/{path}: {e}"));
            for item in file.items {
                let syn::Item::Impl(block) = item else {
                    continue;
                };
                let syn::Type::Path(ty) = &*block.self_ty else {
                    continue;
                };
                if block.trait_.is_some()
                    || ty.path.segments.last().is_none_or(|s| s.ident != "Request")
                {
                    continue;
                }
                for member in block.items {
                    if let syn::ImplItem::Fn(f) = member {
                        methods.push(f.sig.ident.to_string());
                    }
                }
            }
        }
        methods.sort();
        methods.dedup();
        assert_eq!(methods, BUILDER_MEMBERS);
    }

    #[test]
    fn untagged_operations_are_grouped_by_their_first_path_segment() {
        for (path, group) in [
            ("/v1/customers/{id}", "customers"),
            ("/customers", "customers"),
            ("/api/2.0/jobs.json", "jobs"),
            ("/2010-04-01/Accounts/{sid}", "Accounts"),
            ("/V2/items", "items"),
            ("/v1", "api"),
            ("/{id}", "api"),
            ("/", "api"),
            ("/v1/{id}/things", "api"),
            ("/$$$", "api"),
        ] {
            assert_eq!(path_group(path), group, "{path}");
        }
    }
}
