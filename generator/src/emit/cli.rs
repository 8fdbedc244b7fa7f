//! `generated/cli.rs` (feature `cli`): a clap command tree over the client, one subcommand
//! per group and one per operation, and `run`, which calls the operation the arguments
//! select and prints its result through `runtime::cli`. Per operation there is data only:
//! its command (argument constructors of `runtime::cli`) and the struct literal of its
//! inputs, read from the arguments; `runtime::cli::Call` does the sending and printing.
//!
//! Arguments: required inputs are positional (lists and files excepted: repeatable or path
//! flags), optional ones `--flags`; enum values are offered in `--help` but any value is
//! accepted; a body comes from `--body FILE`, with a flag per top-level scalar field of a
//! struct body. Argument ids and names are unique per command whatever the spec names its
//! inputs: clap panics on duplicates.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::inputs::{Input, list_setter_names, required_inputs, stream_item};
use crate::emit::{cfg, docs, ident, resolved};
use crate::ir::{Api, BodyKind, Group, Location, Operation, Response, Style, Ty, TypeKind};

/// Argument ids the runtime's own arguments use (and clap's `--help`, `--version`).
const RESERVED_ARGS: &[&str] = &["help", "version", "output", "all", "body"];

/// The tokens of `generated/cli.rs`.
pub fn emit(api: &Api) -> TokenStream {
    // clap's `help` subcommand is disabled (`runtime::cli::root`), so a group may have
    // the name.
    let mut names = Names::new(&[]);
    let groups: Vec<(String, &Group)> = api
        .groups
        .iter()
        .map(|g| (names.claim(&kebab(&g.module), &[]), g))
        .collect();
    let commands = groups.iter().map(|(_, g)| {
        let m = ident(&g.module);
        match g.feature {
            Some(_) => {
                let cfg = cfg::group(g);
                quote!(#cfg { command = command.subcommand(#m::command()); })
            }
            None => quote!(command = command.subcommand(#m::command());),
        }
    });
    let arms = groups.iter().map(|(name, g)| {
        let m = ident(&g.module);
        let cfg = cfg::group(g);
        quote!(#cfg #name => #m::run(call).await,)
    });
    let modules = groups
        .iter()
        .map(|(name, g)| cfg::each_item(&cfg::group(g), group(api, g, name)));
    // A spec without operations (only webhooks), or a build without any group's feature,
    // has nothing to call.
    let unused = (api.groups.is_empty() || cfg::on(api))
        .then(|| quote!(#[allow(unused_variables, clippy::match_single_binding)]));
    let about = help_text(&api.title).unwrap_or_else(|| "A client for this API".to_owned());
    let commands: Vec<TokenStream> = commands.collect();
    let tree = if commands.is_empty() {
        quote!(crate::runtime::cli::root(env!("CARGO_PKG_NAME"), #about))
    } else {
        let unused_mut = cfg::on(api).then(|| quote!(#[allow(unused_mut)]));
        quote! {
            #unused_mut
            let mut command = crate::runtime::cli::root(env!("CARGO_PKG_NAME"), #about);
            #(#commands)*
            command
        }
    };
    quote! {
        //! A command line over the client (feature `cli`): [`command`] is the clap command
        //! tree, one subcommand per group and one per operation, and [`run`] calls the
        //! operation it parsed and prints the result (JSON, a table or CSV).
        // A deprecated operation is still a command: calling it is not a use to warn about.
        #![allow(deprecated, clippy::too_many_lines)]

        pub use crate::runtime::cli::{CliError, OpenValues, Options, OutputFormat, terminal_text};

        /// The command tree: the root command (named after the crate) with the global
        /// `--output json|table|csv` option, a subcommand per group of operations and one
        /// per operation under it. Required inputs are positional, optional ones flags.
        pub fn command() -> ::clap::Command {
            #tree
        }

        /// Runs the operation `matches` selects (matches of [`command`], or of a root
        /// command with its group subcommands at top level) and writes the result to `out`:
        /// JSON (pretty if `options` say so), or the `--output` format.
        ///
        /// # Errors
        /// [`CliError`]: its [`exit_code`](CliError::exit_code) is `2` for bad arguments
        /// or input files, `1` for the API's errors and the network.
        #unused
        pub async fn run(
            client: &crate::Client,
            matches: &::clap::ArgMatches,
            options: &Options,
            out: &mut (dyn std::io::Write + Send),
        ) -> Result<(), CliError> {
            let (name, call) = crate::runtime::cli::Call::new(client, matches, options, out).subcommand()?;
            match name {
                #(#arms)*
                name => Err(crate::runtime::cli::unknown(name)),
            }
        }

        #(#modules)*

        /// clap panics on duplicate argument ids or names only when a command is built:
        /// every command of the tree, checked once. (A function, not a `tests` module: a
        /// group may be named `tests`.)
        #[cfg(test)]
        #[test]
        fn the_command_tree_is_valid() {
            command().debug_assert();
        }
    }
}

/// The module of one group's commands.
fn group(api: &Api, group: &Group, name: &str) -> TokenStream {
    let m = ident(&group.module);
    let about = docs::first_sentence(&group.doc)
        .and_then(|s| help_text(&s))
        .unwrap_or_else(|| format!("Operations tagged {}", group.module));
    let mut names = Names::new(&[]);
    let ops: Vec<(String, &Operation)> = group
        .ops
        .iter()
        .map(|op| (names.claim(&kebab(&op.method_name), &[]), op))
        .collect();
    // A function per operation for its command: one expression for a whole group of a
    // big spec (discord, pagerduty) overflows a thread's stack in a debug build, where
    // every temporary has its own slot. The call reads its inputs in a closure, which is
    // a function of its own for the same reason.
    let mut fns = Vec::new();
    let mut subcommands = Vec::new();
    let mut arms = Vec::new();
    for (name, op) in &ops {
        // Named after the operation's method (unique in its group), not its position:
        // inserting one operation must not rename every later function (issue 27).
        let command_fn =
            quote::format_ident!("command_{}", op.method_name.trim_start_matches("r#"));
        let args = Args::of(api, op);
        let about = op_about(op);
        let defs = &args.defs;
        let command = if defs.is_empty() {
            quote!(cli::operation(#name, #about))
        } else {
            quote!(cli::operation(#name, #about).args([#(#defs),*]))
        };
        fns.push(quote! {
            fn #command_fn() -> ::clap::Command {
                #command
            }
        });
        subcommands.push(quote!(command = command.subcommand(#command_fn());));
        let call = call_op(api, op, &args);
        arms.push(quote!(#name => #call.await,));
    }
    let doc = format!(" The commands of group `{name}`.");
    quote! {
        #[doc = #doc]
        mod #m {
            use crate::generated::#m as api;
            use crate::runtime::cli;

            pub(super) fn command() -> ::clap::Command {
                let mut command = cli::group(#name, #about);
                #(#subcommands)*
                command
            }

            pub(super) async fn run(call: cli::Call<'_>) -> Result<(), cli::CliError> {
                let (name, call) = call.subcommand()?;
                match name {
                    #(#arms)*
                    name => Err(cli::unknown(name)),
                }
            }

            #(#fns)*
        }
    }
}

fn op_about(op: &Operation) -> String {
    let about = docs::first_sentence(&op.doc)
        .and_then(|s| help_text(&s))
        .unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.path));
    if op.deprecated {
        format!("(deprecated) {about}")
    } else {
        about
    }
}

/// Spec prose as one line of plain text for `--help`: Markdown escapes and control
/// characters out, bounded.
fn help_text(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {}
            c if c.is_control() || docs::is_unsafe_char(c) => out.push(' '),
            c => out.push(c),
        }
    }
    let mut out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > 200 {
        out = out.chars().take(199).collect::<String>() + "…";
    }
    (!out.is_empty()).then_some(out)
}

fn kebab(name: &str) -> String {
    let name = name.trim_start_matches("r#");
    let k = name.to_kebab_case();
    if k.is_empty() { "arg".to_owned() } else { k }
}

/// Names claimed in one command (argument ids, which are also the flags' long names; or
/// subcommand names).
struct Names {
    taken: std::collections::BTreeSet<String>,
}

impl Names {
    fn new(reserved: &[&str]) -> Self {
        Names {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `name`, else the first free of `alternatives`, else `name-2`, `name-3`, ...
    fn claim(&mut self, name: &str, alternatives: &[String]) -> String {
        let chosen = std::iter::once(name.to_owned())
            .chain(alternatives.iter().cloned())
            .find(|n| !self.taken.contains(n))
            .unwrap_or_else(|| {
                (2..)
                    .map(|i| format!("{name}-{i}"))
                    .find(|n| !self.taken.contains(n))
                    .unwrap_or_default()
            });
        self.taken.insert(chosen.clone());
        chosen
    }
}

/// The values a parameter of this type documents, if it is an enum (or a list of one).
fn enum_values(api: &Api, ty: &Ty) -> Option<Vec<String>> {
    match resolved(ty, &api.types) {
        Ty::Named(name) => match api.types.named(name).map(|t| &t.kind) {
            Some(TypeKind::StringEnum(e)) => {
                Some(e.variants.iter().map(|(_, w)| w.clone()).collect())
            }
            Some(TypeKind::IntEnum(e)) => {
                Some(e.variants.iter().map(|(_, v)| v.to_string()).collect())
            }
            _ => None,
        },
        Ty::Vec(item) => enum_values(api, item),
        _ => None,
    }
}

/// Whether a value of `ty` is a JSON string (so its flag's text is taken as is).
fn is_text(api: &Api, ty: &Ty) -> bool {
    match resolved(ty, &api.types) {
        Ty::String => true,
        Ty::Named(name) => matches!(
            api.types.named(name).map(|t| &t.kind),
            Some(TypeKind::StringEnum(_))
        ),
        _ => false,
    }
}

/// Whether a value of `ty` fits in one flag: a string, number, boolean or enum.
fn is_scalar(api: &Api, ty: &Ty) -> bool {
    match resolved(ty, &api.types) {
        Ty::String | Ty::Int(_) | Ty::Float(_) | Ty::Bool => true,
        Ty::Named(name) => matches!(
            api.types.named(name).map(|t| &t.kind),
            Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_))
        ),
        _ => false,
    }
}

/// How one input is read.
enum Read {
    /// A positional or flag value parsed into the type.
    Value,
    /// A repeatable flag: every value, parsed into the item type.
    Many,
    /// A file path.
    File,
    /// Several file paths.
    Files,
}

/// The arguments of one operation's command, and the ids they were given.
struct Args {
    defs: Vec<TokenStream>,
    /// Argument id of each parameter, by Rust name.
    params: Vec<(String, String)>,
    /// Argument id of each multipart part, by Rust name.
    parts: Vec<(String, String)>,
}

impl Args {
    fn of(api: &Api, op: &Operation) -> Args {
        let mut names = Names::new(RESERVED_ARGS);
        let mut args = Args {
            defs: Vec::new(),
            params: Vec::new(),
            parts: Vec::new(),
        };
        let lists: Vec<&str> = list_setter_names(api, op)
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
        // Positional arguments first, in the group method's order.
        for input in required_inputs(op) {
            match input {
                Input::Param(p) => {
                    let location = location_name(p.location);
                    let id =
                        names.claim(&kebab(&p.name), &[format!("{location}-{}", kebab(&p.name))]);
                    let help = help_of(&p.doc);
                    let list = matches!(resolved(&p.ty, &api.types), Ty::Vec(_));
                    let values = open_values(api, &p.ty);
                    let def = if list {
                        let joined = p.style == Style::Joined(',');
                        quote!(cli::list_flag(#id, #help, #joined).required(true)#values)
                    } else {
                        quote!(cli::positional(#id, #help)#values)
                    };
                    args.defs.push(def);
                    args.params.push((p.name.clone(), id));
                }
                Input::Part(p) => {
                    let id = names.claim(&kebab(&p.name), &[format!("part-{}", kebab(&p.name))]);
                    args.defs.push(part_arg(&id, &p.ty, &help_of(&p.doc), true));
                    args.parts.push((p.name.clone(), id));
                }
                Input::Body(_) => {}
            }
        }
        for p in op.params.iter().filter(|p| !p.required) {
            let location = location_name(p.location);
            let id = names.claim(&kebab(&p.name), &[format!("{location}-{}", kebab(&p.name))]);
            let help = help_of(&p.doc);
            let values = open_values(api, &p.ty);
            let def = if p.flag {
                quote!(cli::switch_flag(#id, #help))
            } else if lists.contains(&p.name.as_str()) {
                let joined = p.style == Style::Joined(',');
                quote!(cli::list_flag(#id, #help, #joined)#values)
            } else {
                quote!(cli::flag(#id, #help)#values)
            };
            args.defs.push(def);
            args.params.push((p.name.clone(), id));
        }
        if let Some(body) = &op.body {
            match &body.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) => {
                    let required = body.required;
                    args.defs.push(quote!(cli::json_body_arg(#required)));
                    if let Ty::Named(name) = resolved(ty, &api.types)
                        && let Some(TypeKind::Struct(s)) = api.types.named(name).map(|t| &t.kind)
                    {
                        for f in s
                            .fields
                            .iter()
                            .filter(|f| !f.read_only && is_scalar(api, &f.ty))
                        {
                            let id =
                                names.claim(&kebab(&f.wire), &[format!("body-{}", kebab(&f.wire))]);
                            let help = help_of(&f.doc);
                            let values = open_values(api, &f.ty);
                            let wire = &f.wire;
                            let text = is_text(api, &f.ty);
                            args.defs
                                .push(quote!(cli::body_field(#id, #wire, #text, #help)#values));
                        }
                    }
                }
                BodyKind::Bytes(_) => {
                    args.defs.push(quote!(cli::raw_body_arg()));
                }
                BodyKind::Multipart(parts) => {
                    for p in parts.iter().filter(|p| !p.required) {
                        let id =
                            names.claim(&kebab(&p.name), &[format!("part-{}", kebab(&p.name))]);
                        args.defs
                            .push(part_arg(&id, &p.ty, &help_of(&p.doc), false));
                        args.parts.push((p.name.clone(), id));
                    }
                }
            }
        }
        if stream_item(op).is_some() {
            args.defs.push(quote!(cli::all_arg()));
        }
        args
    }

    fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.as_str())
            .unwrap_or_default()
    }

    fn part(&self, name: &str) -> &str {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.as_str())
            .unwrap_or_default()
    }
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

/// The argument of multipart part `id`: positional when required, except a list (which
/// stays a repeatable flag, so that it cannot swallow the other positional arguments),
/// else a flag. Optional files and lists of files are named `PATH` in the help.
fn part_arg(id: &str, ty: &Ty, help: &str, required: bool) -> TokenStream {
    let list = matches!(ty, Ty::Vec(_));
    let path = match ty {
        Ty::Vec(item) => **item == Ty::Binary,
        Ty::Binary => !required,
        _ => false,
    };
    let path = path.then(|| quote!(.value_name("PATH")));
    match (list, required) {
        (true, true) => quote!(cli::list_flag(#id, #help, false).required(true)#path),
        (true, false) => quote!(cli::list_flag(#id, #help, false)#path),
        (false, true) => quote!(cli::positional(#id, #help)#path),
        (false, false) => quote!(cli::flag(#id, #help)#path),
    }
}

/// The first sentence of `doc`, for `--help` (empty: none).
fn help_of(doc: &crate::ir::Doc) -> String {
    docs::first_sentence(doc)
        .and_then(|s| help_text(&s))
        .unwrap_or_default()
}

fn open_values(api: &Api, ty: &Ty) -> Option<TokenStream> {
    let mut values = enum_values(api, ty)?;
    // An empty value cannot be offered on a command line (it is still accepted).
    values.retain(|v| !v.is_empty());
    values.dedup();
    Some(quote!(.value_parser(cli::OpenValues(&[#(#values),*]))))
}

/// How a value of `ty` is read (the type it is parsed into is the input's, inferred).
fn read_of(api: &Api, ty: &Ty) -> Read {
    match ty {
        Ty::Binary => Read::File,
        Ty::Vec(item) if **item == Ty::Binary => Read::Files,
        _ => match resolved(ty, &api.types) {
            Ty::Vec(_) => Read::Many,
            _ => Read::Value,
        },
    }
}

/// One operation's call in its group's `run`: `call.json(|m| Ok(Inputs { .. }))` (or
/// `list`, `text`, `bytes`, `empty`, as its response is), the inputs struct read field by
/// field from the arguments.
fn call_op(api: &Api, op: &Operation, args: &Args) -> TokenStream {
    let input = ident(&op.input);
    let fields = crate::emit::inputs::builder_fields(op);
    let (param_fields, rest) = fields.split_at(op.params.len().min(fields.len()));
    let mut inits = Vec::new();
    for (f, p) in param_fields.iter().zip(&op.params) {
        let id = args.param(&p.name);
        let read = if p.flag && !p.required {
            quote!(cli::optional_switch(m, #id))
        } else {
            let many = matches!(read_of(api, &p.ty), Read::Many);
            match (p.required, many) {
                (true, true) => quote!(cli::many(m, #id)?),
                (true, false) => quote!(cli::required(m, #id)?),
                (false, true) => quote!(cli::optional_many(m, #id)?),
                (false, false) => quote!(cli::optional(m, #id)?),
            }
        };
        let name = ident(&f.name);
        inits.push(quote!(#name: #read));
    }
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(_) | BodyKind::Form(_) => {
                let read = match rest.first() {
                    Some(f) if !f.held_as_option => {
                        quote!(cli::required_body(m)?)
                    }
                    _ => {
                        let required = body.required;
                        quote!(cli::body(m, #required)?)
                    }
                };
                inits.push(quote!(body: #read));
            }
            BodyKind::Bytes(_) => {
                let read = if body.required {
                    quote!(cli::required_raw_body(m)?)
                } else {
                    quote!(cli::raw_body(m)?)
                };
                inits.push(quote!(body: #read));
            }
            BodyKind::Multipart(parts) => {
                for (f, p) in rest.iter().zip(parts) {
                    let id = args.part(&p.name);
                    let read = match (p.required, read_of(api, &p.ty)) {
                        (true, Read::File) => quote!(cli::required_file(m, #id)?),
                        (true, Read::Files) => quote!(cli::files(m, #id)?),
                        (true, Read::Many) => quote!(cli::many(m, #id)?),
                        (true, Read::Value) => quote!(cli::required(m, #id)?),
                        (false, Read::File) => quote!(cli::file(m, #id)?),
                        (false, Read::Files) => quote!(cli::optional_files(m, #id)?),
                        (false, Read::Many) => quote!(cli::optional_many(m, #id)?),
                        (false, Read::Value) => quote!(cli::optional(m, #id)?),
                    };
                    let name = ident(&f.name);
                    inits.push(quote!(#name: #read));
                }
            }
        }
    }
    let kind = match &op.response {
        _ if stream_item(op).is_some() => quote!(list),
        Response::Empty => quote!(empty),
        Response::Text => quote!(text),
        Response::Bytes => quote!(bytes),
        Response::Json { .. } => quote!(json),
    };
    let arg = if inits.is_empty() {
        quote!(_)
    } else {
        quote!(m)
    };
    quote! {
        call.#kind(|#arg| Ok(api::#input { #(#inits),* }))
    }
}
