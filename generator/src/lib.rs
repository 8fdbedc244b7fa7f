//! OpenAPI 3.0 and 3.1 -> typed async Rust client over `reqwest`.
//!
//! The pipeline, top to bottom:
//!
//! 1. [`parse`]: YAML/JSON text -> [`parse::Spec`] (`openapiv3::OpenAPI` plus the raw tree),
//!    with the 3.1 schema dialect rewritten into 3.0's ([`dialect`]), refusing what is not
//!    OpenAPI 3.0 or 3.1 with a located [`Error`]. [`overlay`]: the maintainers' Overlay
//!    documents (OAI Overlay 1.0/1.1) applied to the document first
//!    ([`parse_spec_with`], [`parse_spec_files_with`]); a target matching nothing is an error.
//! 2. [`types`] and [`operations`]: the spec -> [`ir::Api`], where every `$ref` is resolved,
//!    every Rust name decided ([`naming`]), every inline schema named.
//! 3. [`emit`]: the IR -> `proc_macro2::TokenStream`s, one per file.
//! 4. [`render`]: tokens -> `syn::File` -> `prettyplease` text with a header.
//!
//! The library does no I/O: [`generate`] returns the files as strings, and `xtask` writes
//! them (atomically) or compares them with what is checked in.
//!
//! # How the generated code meets the runtime
//!
//! The runtime (`generated-client/src/runtime/`, copied into every generated crate) owns
//! every behaviour a call has; the generated code states, per operation, only what differs:
//!
//! - **One request type.** `runtime::Request<E, M>` is every operation's builder: `E` is
//!   the struct of the operation's inputs, `M` the mode (`Async`; `blocking::Blocking`).
//!   The per-call controls (`timeout`, `header`, `retry`), `send`/`send_response`, and a
//!   list's `stream`/`pages` (blocking: `iter`/`pages`) are written once, on `Request`.
//! - **Per operation, data and one impl** ([`emit::operations`]): an `Operation` static
//!   (id, method, path template, scopes, security), the inputs struct, its setters in
//!   `impl<M: Mode> Builder<M>` (so every mode has them), and `impl Endpoint for Inputs`:
//!   `path`, `build` (query, headers, body), `check` (documented limits), `decode`. A
//!   paginated list adds `Paginated` with the runtime's `ByNumber` or `ByToken`
//!   (`PageNumber` / `PageToken` say how its requests move from page to page). The
//!   builder's public name is an alias: `pub type GetLink<M = Async> = Request<GetLinkInput, M>`.
//! - **Groups** are generic over the mode too (`Links<M = Async>`): the blocking client's
//!   `links()` returns `Links<Blocking>`, and [`emit::blocking`] writes only aliases.
//! - **The mock** ([`emit::mock`]) adds per operation how it answers with a value
//!   (`MockEndpoint::Reply`, one of the runtime's `JsonReply`, `FieldReply`, `PageReply`,
//!   `TextReply`, `BytesReply`, `EmptyReply`: the inverse of `decode`, compiled only where
//!   a test answers), whether its JSON body can be matched (`JsonBody`: the type
//!   `body`/`body_matches` take), and the expectation's matchers; the runtime's
//!   `Expectation` does the rest for any `Request<E>`.
//! - **The CLI** ([`emit::cli`]): per operation, a function building its clap command from
//!   the runtime's argument constructors, and an arm of its group's `run` that fills the
//!   operation's inputs struct from the arguments (`call.json(|m| Ok(Inputs { .. }))`); the
//!   runtime's `cli::Call` sends that `Request`, follows `--all` and prints the result.
//!   It prints JSON, so it never decodes a response into the operation's types: where the
//!   result is in the body is data of the impls (`Endpoint::OUTPUT_AT`, the envelope's key;
//!   `PageNumber::LAYOUT` / `PageToken::LAYOUT`, the keys to a page's items, numbers or next
//!   token), read by one JSON reader (`runtime/cli/json.rs`). A crate whose every operation
//!   the CLI calls thus compiles no decoder for them, only their inputs' serializers.
//! - **Drift data** ([`emit::drift`]): `drift.jsonl`, one line per operation (its
//!   documented statuses and media types, the shape of its success body) and per named
//!   type (its shape), which the crate holds as `ApiInfo::drift` (`include_str!`). The
//!   runtime's `drift` module reads it only when a program records drift, and compares
//!   responses with it as they are read. Data, not code: it costs no compile time.
//!
//! - **Compiled where it is used.** A crate for a large API is mostly serde code, and a
//!   program calls a few of its operations. So nothing per operation is compiled into the
//!   library unless the library itself calls it (the CLI does): `build`, `check` and
//!   `decode` are `#[inline]`, and so are the functions they reach that run serde over a
//!   concrete type (a type's `validate`, an inferred model's `from_raw`, a union's
//!   `From<serde_json::Value>`), since a non-generic function is compiled into the crate
//!   that defines it whether a program calls it or not. Pagination is chosen by a type
//!   (`type Paging = ByToken`) rather than by a function the impl calls, and the
//!   runtime's sending loop takes the operation's `build` as a trait object, so it is
//!   compiled once. A decode error's path is found by
//!   reading the failed body again (`runtime/json_path.rs`), not by decoding every type a
//!   second time through `serde_path_to_error`. BENCHMARKS.md §18 and §19 have the effect.
//!
//! - **A Cargo feature per group**, when asked for ([`features`]): the IR says which
//!   group features compile each type ([`reach::from_operations`]), and every emitter puts
//!   the same `#[cfg(feature = ..)]` on a group's items and a type's items ([`emit::cfg`]);
//!   without it the output has no `cfg` of its own.
//!
//! Around the generated modules, a crate has a frame: its Cargo features and dependencies,
//! and the `lib.rs` items that declare the modules and export the runtime. [`frame`] holds
//! it as data, once: [`generate_crate`] writes it into every standalone crate, and
//! `cargo xtask codegen` into the marked parts of `prolinksqr`'s hand-written `Cargo.toml`
//! and `lib.rs` (`--check` reports drift there like anywhere else). The runtime is copied
//! from `generated-client/src/runtime/` ([`runtime`]).
//!
//! # What is refused, and what is generated anyway
//!
//! A valid document is never refused for one part of it: what the generated types cannot
//! express is generated as raw JSON (or raw bytes, for a body) with a located warning, and
//! only `--strict` ([`Config::strict`]) refuses it. What is refused is what is not a valid
//! OpenAPI document, or input no real document needs (hostile sizes and depths). Every
//! [`ErrorKind::Unsupported`] the generator can raise, and its outcome:
//!
//! | construct | outcome |
//! |---|---|
//! | `$recursiveRef: "#"`, `$dynamicRef` to `#` or an anchor of the enclosing component schema | resolved to a `$ref` to that schema ([`dialect`]) |
//! | any other `$recursiveRef` / `$dynamicRef` | that schema raw JSON, warning |
//! | `if`/`then`/`else`, `dependentSchemas`, `unevaluatedItems` | left out, warning: the type accepts a superset |
//! | the schema `false`; `prefixItems` open at its end; a `type` list beside `anyOf`/`oneOf` | that schema raw JSON, warning |
//! | a schema nested deeper than the limit, `allOf` nested too deeply | the component (or body, response) raw JSON, warning |
//! | a multipart body without an object schema | the body raw bytes, warning |
//! | any schema of a body or response the builder cannot type | the body raw bytes, the response raw JSON, warning |
//! | a path item given by a local `$ref` | read as a copy of its target |
//! | `$ref` inside `example`, `examples`, `default`, `enum`, `const`, `x-` values | data: never followed, never refused ([`bundle`]) |
//! | security requirements that combine schemes (AND) | a credential per scheme; each call sends the first alternative the client meets, all its schemes together |
//! | an alternative needing a scheme the client cannot send (e.g. HTTP `digest`) | that alternative dropped; an operation left with none (even every operation of the document) is generated without a credential, warning |
//! | OAuth2 `clientCredentials` flow | the client fetches, caches and renews its token (`ClientBuilder::client_credentials`); other flows take the token the application supplies or a `token_provider` |
//! | a schema defined only in terms of itself, a union that includes itself with nothing in between | refused: no JSON value is an instance (JSON Schema forbids such infinite recursion), `tests/fixtures/broken/` |
//! | more files, nodes or nesting than any real document | refused ([`ErrorKind::Limit`]-like): hostile input |
//!
//! `x-too-many-requests` at the document root says what a `429` means ([`policy`]).

#![warn(missing_docs)]

pub mod bundle;
pub mod dialect;
pub mod docs;
pub mod emit;
pub mod error;
pub mod errors;
pub mod examples;
pub mod features;
pub mod frame;
pub mod inferred;
pub mod ir;
pub mod naming;
pub mod operations;
pub mod overlay;
pub mod parse;
pub mod policy;
pub mod reach;
pub mod render;
pub mod runtime;
mod schema_check;
pub mod types;
pub mod validated;
mod yaml;

use std::collections::BTreeMap;

use quote::quote;

pub use bundle::Files;
pub use error::{Error, ErrorKind, Result, Warning};
pub use overlay::Overlay;
pub use parse::{
    Spec, parse_spec, parse_spec_bytes, parse_spec_files, parse_spec_files_with, parse_spec_with,
};

/// Generation settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Cargo package name of the generated crate (`prolinksqr`).
    pub crate_name: String,
    /// The spec's path as named in file headers (`spec/openapi.yaml`).
    pub source: String,
    /// The command that regenerates the files, named in file headers.
    pub command: String,
    /// Refuse a document with anything the generator would otherwise generate as raw JSON or
    /// bytes (see [`GeneratedFiles::warnings`]).
    pub strict: bool,
    /// Most bytes of generated modules [`generate`] returns ([`MAX_OUTPUT_BYTES`] unless
    /// changed): a spec whose code would be larger gets an [`ErrorKind::Limit`] error
    /// instead of filling memory and disk.
    pub max_output_bytes: usize,
    /// Give every group of operations its own Cargo feature, and `full` (on by default)
    /// for all of them, as the document's `x-group-features: true` does ([`features`]).
    pub group_features: bool,
}

/// Default [`Config::max_output_bytes`]: 64 MiB. The largest real-world spec of the corpus
/// (`pagerduty.json`) gives 11.7 MB of code (4.4 MB of it its `blocking`, `mock` and `cli`
/// modules).
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;

impl Config {
    /// A configuration for the crate `crate_name`, generated from `source` by `command`.
    pub fn new(
        crate_name: impl Into<String>,
        source: impl Into<String>,
        command: impl Into<String>,
    ) -> Self {
        Config {
            crate_name: crate_name.into(),
            source: source.into(),
            command: command.into(),
            strict: false,
            max_output_bytes: MAX_OUTPUT_BYTES,
            group_features: false,
        }
    }

    /// The same configuration, with a Cargo feature per group when `on` ([`features`]).
    pub fn group_features(mut self, on: bool) -> Self {
        self.group_features = on;
        self
    }

    /// The same configuration, refusing raw fallbacks when `strict`.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The crate's name as a Rust path (`-` -> `_`).
    pub fn lib_name(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// Prefix of the environment variables `Client::from_env` reads (`PROLINKSQR`).
    pub fn env_prefix(&self) -> String {
        naming::snake(&self.crate_name)
            .trim_end_matches('_')
            .to_uppercase()
    }

    /// The comment lines at the top of every file. The spec's path and the command are
    /// escaped: a newline in either would end the comment and put the rest into the code.
    fn header(&self) -> Vec<String> {
        let escape = docs::escape_controls;
        vec![
            format!(
                "@generated by `{}` from {}.",
                escape(&self.command),
                escape(&self.source)
            ),
            "Do not edit by hand: change the spec or the generator, then regenerate.".to_owned(),
        ]
    }
}

/// Generated files: relative path -> contents, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedFiles {
    /// The files.
    pub files: BTreeMap<String, String>,
    /// What the tools should tell the user: parts of the document not generated (webhooks),
    /// and schemas, bodies and responses generated as raw JSON or bytes, each located.
    pub warnings: Vec<Warning>,
    /// The crate's Cargo feature per group, in module order, when it has them
    /// ([`features`]); empty otherwise.
    pub group_features: Vec<String>,
}

/// Spec -> validated model.
pub fn build_api(spec: &Spec) -> Result<ir::Api> {
    let foreign = types::foreign_schemas(&spec.raw);
    let mut builder = types::TypeBuilder::new(spec, &foreign, &[]);
    // A schema used only as a multipart body becomes builder setters, not a type: a struct
    // would hold files as strings and mislead.
    builder.convert_components(&types::multipart_only(&spec.raw))?;
    let security = operations::security_of(spec)?;
    let mut groups = operations::build_groups(spec, &mut builder, &security)?;
    let fallbacks = builder.fallbacks().to_vec();
    let mut types = builder.finish().map_err(|e| spec.locate(e))?;
    let request_types = reach::from_requests(&types, &groups);
    inferred::plain_options_in_responses(&mut types, &request_types, &mut groups);
    let response_types = reach::from_responses(&types, &groups);
    let validated = validated::validated_types(&types, &groups);
    let inferred_models = inferred::models(&spec.raw, &types, &response_types, &request_types);
    inferred::mark_lenient_operations(&mut groups, &inferred_models);
    let shared_errors = errors::shared(&groups);
    errors::document(&mut types, &shared_errors);
    // Checked last, so that a reference the generator follows gets its own message first:
    // what remains are references nothing above looked at (error responses, examples...).
    parse::check_local_refs(spec)?;
    let base_url = match spec.openapi.servers.first() {
        Some(server) => Some(operations::server_url(spec, server)?),
        None => None,
    };
    let too_many_requests = policy::too_many_requests(spec)?;
    let features = match features::requested(spec)? {
        true => Some(features::assign(&types, &mut groups)),
        false => None,
    };
    let info = &spec.openapi.info;
    Ok(ir::Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url,
        schemes: security.schemes,
        too_many_requests,
        types,
        groups,
        response_types,
        validated,
        inferred_models,
        fallbacks,
        examples: examples::collect(&spec.raw),
        shared_errors,
        features,
    })
}

/// The modules of `src/generated/` for `spec`: `mod.rs`, `types.rs`, one file per resource.
///
/// The files are emitted and formatted on up to [`std::thread::available_parallelism`]
/// scoped threads (one on a single core); the output does not depend on their number.
pub fn generate(spec: &Spec, config: &Config) -> Result<GeneratedFiles> {
    let mut api = build_api(spec)?;
    if config.group_features && api.features.is_none() {
        api.features = Some(features::assign(&api.types, &mut api.groups));
    }
    if config.strict
        && let Some(first) = api.fallbacks.first()
    {
        return Err(first.clone());
    }
    let mut warnings = spec.warnings.clone();
    warnings.extend(api.fallbacks.iter().map(|e| Warning {
        file: e.file.clone(),
        pointer: e.pointer.clone(),
        line: e.line,
        message: format!(
            "generated as raw JSON or bytes: {} (--strict refuses this)",
            e.message
        ),
    }));
    let header = config.header();
    let lib = config.lib_name();
    let files = jobs(&api);
    // Token streams are not `Send`, so each file is emitted and rendered on the thread that
    // formats it; the files are independent, and formatting is most of the time.
    let written = std::sync::atomic::AtomicUsize::new(0);
    let files = render::in_parallel(&files, |file| {
        use std::sync::atomic::Ordering;
        if let File::Drift = file {
            let text = emit::drift::json(&api);
            written.fetch_add(text.len(), Ordering::Relaxed);
            return Ok(("drift.jsonl".to_owned(), text));
        }
        let (name, tokens) = emit_file(&api, config, &lib, file);
        if written.load(Ordering::Relaxed) > config.max_output_bytes {
            // Past the limit already (refused below): formatting this file is wasted.
            return Ok((name, String::new()));
        }
        let header: &[String] = match file {
            File::Types(range) if range.start > 0 => &[],
            File::TypeChecks => &[],
            _ => &header,
        };
        let text = render::render(&name, header, tokens)?;
        written.fetch_add(text.len(), Ordering::Relaxed);
        Ok((name, text))
    })?;
    // Decided after all threads are done, so the outcome does not depend on their timing.
    if written.into_inner() > config.max_output_bytes {
        return Err(Error::new(
            ErrorKind::Limit,
            "#",
            format!(
                "the generated code would exceed {} bytes: the spec describes far more code than any API needs \
                 (a value repeated many times, e.g. through YAML aliases?)",
                config.max_output_bytes
            ),
        ));
    }
    let group_features = features::names(&api.groups)
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(GeneratedFiles {
        files,
        warnings,
        group_features,
    })
}

/// How many types one part of `types.rs` holds: small enough that the parts even out the
/// work of the threads, large enough that each part's own cost does not show.
const TYPES_PER_PART: usize = 48;

/// The files (or parts of a file) to emit and format, the largest first so that the small ones
/// fill in at the end and the threads finish together. The parts of `types.rs` are in file
/// order; [`render::in_parallel`] joins them in that order, and prettyplease formats a file's
/// items one after another, so the file is the same as if it were formatted whole.
fn jobs(api: &ir::Api) -> Vec<File<'_>> {
    let mut files = vec![File::Cli, File::Mock];
    let mut groups: Vec<&ir::Group> = api.groups.iter().collect();
    // Stable: groups of the same size stay in module order.
    groups.sort_by_key(|group| std::cmp::Reverse(group.ops.len()));
    files.extend(groups.into_iter().map(File::Group));
    files.push(File::Blocking);
    files.push(File::Client);
    let count = api.types.as_slice().len();
    let mut start = 0;
    loop {
        let end = count.min(start + TYPES_PER_PART);
        files.push(File::Types(start..end));
        if end == count {
            break;
        }
        start = end;
    }
    files.push(File::TypeChecks);
    files.push(File::Drift);
    files
}

/// One file of `src/generated/`, or a part of one.
enum File<'a> {
    /// The definitions of the types at this range of [`ir::Api::types`], a part of
    /// `types.rs`; the first part (`0..`) carries the module's docs and lints.
    Types(std::ops::Range<usize>),
    /// The end of `types.rs`: the types' `validate` functions.
    TypeChecks,
    /// `drift.jsonl`: what drift recording compares responses with (data, not code).
    Drift,
    Client,
    /// `blocking.rs`, compiled with the crate's `blocking` feature.
    Blocking,
    Group(&'a ir::Group),
    /// `mock.rs`, the typed mock of feature `mock`.
    Mock,
    /// `cli.rs`, the command line of feature `cli`.
    Cli,
}

fn emit_file(
    api: &ir::Api,
    config: &Config,
    lib: &str,
    file: &File<'_>,
) -> (String, proc_macro2::TokenStream) {
    let lints = quote! {
        // Spec prose is not written for rustdoc; these lints judge its Markdown, not the code.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
    };
    match file {
        File::Types(range) => {
            let mut tokens = match range.start {
                0 => quote! {
                    //! Request and response models: the API's objects, enums and unions.
                    #lints
                    #![allow(clippy::large_enum_variant)]
                },
                _ => proc_macro2::TokenStream::new(),
            };
            // Extended, not interpolated: `quote!` would copy the stream once more.
            tokens.extend(emit::types::emit(api, range.clone()));
            ("types.rs".to_owned(), tokens)
        }
        File::TypeChecks => ("types.rs".to_owned(), emit::validate::types(api)),
        // Not Rust: written as it is, after the match below.
        File::Drift => ("drift.jsonl".to_owned(), proc_macro2::TokenStream::new()),
        File::Client => ("mod.rs".to_owned(), emit::client::emit(api, config)),
        File::Mock => ("mock.rs".to_owned(), emit::mock::emit(api)),
        File::Cli => ("cli.rs".to_owned(), emit::cli::emit(api)),
        File::Blocking => ("blocking.rs".to_owned(), emit::blocking::emit(api)),
        File::Group(group) => {
            let mut lines = emit::docs::lines(&group.doc);
            if !emit::docs::has_prose(&group.doc) {
                lines = vec![format!(
                    "Operations tagged {}.",
                    emit::docs::code(&group.module)
                )];
            }
            if let Some(feature) = &group.feature {
                lines.push(String::new());
                lines.push(format!(
                    "Compiled with the Cargo feature `{feature}` (or `full`, on by default)."
                ));
            }
            let doc = lines.iter().map(|line| {
                let text = if line.is_empty() {
                    String::new()
                } else {
                    format!(" {line}")
                };
                quote!(#![doc = #text])
            });
            let mut tokens = quote! {
                #(#doc)*
                #lints
            };
            tokens.extend(emit::operations::emit(api, group, lib));
            (format!("{}.rs", group.module), tokens)
        }
    }
}

/// A standalone crate for `spec`: `Cargo.toml`, `src/lib.rs`, the runtime, and
/// `src/generated/`. It builds with `cargo build` on its own.
pub fn generate_crate(spec: &Spec, config: &Config) -> Result<GeneratedFiles> {
    let modules = generate(spec, config)?;
    let warnings = modules.warnings;
    let groups: Vec<&str> = modules.group_features.iter().map(String::as_str).collect();
    let mut files = BTreeMap::new();
    for (path, contents) in modules.files {
        files.insert(format!("src/generated/{path}"), contents);
    }
    for (path, contents) in runtime::files(&config.lib_name()) {
        files.insert(format!("src/{path}"), contents);
    }
    files.insert(
        "Cargo.toml".to_owned(),
        runtime::cargo_toml(&config.crate_name, &spec.openapi.info, &groups),
    );
    files.insert(
        "README.md".to_owned(),
        runtime::readme_md(spec, config, &groups),
    );
    files.insert("src/lib.rs".to_owned(), runtime::lib_rs(spec, config));
    Ok(GeneratedFiles {
        files,
        warnings,
        group_features: modules.group_features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with `count` object schemas, each with a documented limit (so that
    /// `types.rs` also ends with `validate` functions), all reachable from one operation.
    fn many_types(count: usize) -> String {
        let mut schemas = String::new();
        let mut properties = String::new();
        for i in 0..count {
            schemas.push_str(&format!(
                "    Thing{i}:\n      type: object\n      description: Thing number {i}.\n      \
                 required: [name]\n      properties:\n        name: {{type: string, maxLength: 9}}\n        \
                 size: {{type: integer, format: int32}}\n"
            ));
            properties.push_str(&format!(
                "                thing{i}: {{$ref: '#/components/schemas/Thing{i}'}}\n"
            ));
        }
        format!(
            "openapi: 3.0.3\ninfo: {{title: Many, version: '1'}}\npaths:\n  /things:\n    post:\n      \
             operationId: putThings\n      requestBody:\n        content:\n          application/json:\n            \
             schema:\n              type: object\n              properties:\n{properties}      \
             responses:\n        '204': {{description: done}}\ncomponents:\n  schemas:\n{schemas}"
        )
    }

    #[test]
    fn types_formatted_in_parts_equal_types_formatted_whole() {
        let spec = parse_spec(&many_types(3 * TYPES_PER_PART + 5)).unwrap();
        let config = Config::new("many", "many.yaml", "test");
        let generated = generate(&spec, &config).unwrap();
        let api = build_api(&spec).unwrap();
        let count = api.types.as_slice().len();
        assert!(count > 3 * TYPES_PER_PART, "{count} types");
        let parts = jobs(&api)
            .iter()
            .filter(|job| matches!(job, File::Types(_) | File::TypeChecks))
            .count();
        assert!(parts >= 5, "{parts} parts");
        let (_, mut whole) = emit_file(&api, &config, "many", &File::Types(0..count));
        whole.extend(emit_file(&api, &config, "many", &File::TypeChecks).1);
        let expected = render::render("types.rs", &config.header(), whole).unwrap();
        assert!(expected.contains("fn validate("));
        assert_eq!(generated.files["types.rs"], expected);
    }
}
