//! `generated/cli.rs` (feature `cli`): a clap command tree over the client, one subcommand
//! per group and one per operation, and `run`, which calls the operation the arguments
//! select and prints its result through `runtime::cli`.
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
use crate::emit::{Ctx, cfg, docs, ident, resolved, rust_type};
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
        quote!(#cfg Some((#name, matches)) => #m::run(client, matches, options, out).await,)
    });
    let modules = groups
        .iter()
        .map(|(name, g)| cfg::each_item(&cfg::group(g), group(api, g, name)));
    // A spec without operations (only webhooks), or a build without any group's feature,
    // has nothing to call.
    let unused =
        (api.groups.is_empty() || cfg::on(api)).then(|| quote!(#[allow(unused_variables)]));
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
            match matches.subcommand() {
                #(#arms)*
                Some((name, _)) => Err(CliError::Usage(format!("unknown command `{name}`"))),
                None => Err(CliError::Usage("no command given".to_owned())),
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
    // A function per operation for its command and for its call: one expression or
    // `match` for a whole group of a big spec (discord, pagerduty) overflows a thread's
    // stack in a debug build, where every temporary has its own slot.
    let mut fns = Vec::new();
    let mut subcommands = Vec::new();
    let mut arms = Vec::new();
    for (name, op) in &ops {
        // Named after the operation's method (unique in its group), not its position:
        // inserting one operation must not rename every later function (issue 27).
        let method = op.method_name.trim_start_matches("r#");
        let command_fn = quote::format_ident!("command_{}", method);
        let run_fn = quote::format_ident!("run_{}", method);
        let args = Args::of(api, op);
        let about = op_about(op);
        let defs = args.defs;
        let body = run_op(api, group, op);
        // An operation that prints nothing has no use for `options` or `out`.
        let quiet = (stream_item(op).is_none() && !matches!(op.response, Response::Json { .. }))
            .then(|| quote!(#[allow(unused_variables)]));
        fns.push(quote! {
            fn #command_fn() -> ::clap::Command {
                ::clap::Command::new(#name).about(#about)#(.arg(#defs))*
            }

            #quiet
            async fn #run_fn(
                client: &crate::Client,
                matches: &::clap::ArgMatches,
                options: &super::Options,
                out: &mut (dyn std::io::Write + Send),
            ) -> Result<(), super::CliError> {
                #body
            }
        });
        subcommands.push(quote!(command = command.subcommand(#command_fn());));
        arms.push(quote!(Some((#name, matches)) => #run_fn(client, matches, options, out).await,));
    }
    let doc = format!(" The commands of group `{name}`.");
    quote! {
        #[doc = #doc]
        mod #m {
            pub(super) fn command() -> ::clap::Command {
                let mut command = crate::runtime::cli::group(#name, #about);
                #(#subcommands)*
                command
            }

            pub(super) async fn run(
                client: &crate::Client,
                matches: &::clap::ArgMatches,
                options: &super::Options,
                out: &mut (dyn std::io::Write + Send),
            ) -> Result<(), super::CliError> {
                match matches.subcommand() {
                    #(#arms)*
                    Some((name, _)) => Err(super::CliError::Usage(format!("unknown command `{name}`"))),
                    None => Err(super::CliError::Usage("no command given".to_owned())),
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
    Value(TokenStream),
    /// A repeatable flag: every value, parsed into the item type.
    Many(TokenStream),
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
    /// `(argument id, JSON name, is text)` of the body fields with a flag.
    fields: Vec<(String, String, bool)>,
}

impl Args {
    fn of(api: &Api, op: &Operation) -> Args {
        let mut names = Names::new(RESERVED_ARGS);
        let mut args = Args {
            defs: Vec::new(),
            params: Vec::new(),
            parts: Vec::new(),
            fields: Vec::new(),
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
                    let delimiter = (list && p.style == Style::Joined(','))
                        .then(|| quote!(.value_delimiter(',')));
                    let values = open_values(api, &p.ty);
                    let def = if list {
                        quote! {
                            ::clap::Arg::new(#id).long(#id).required(true)
                                .action(::clap::ArgAction::Append)#delimiter #values #help
                        }
                    } else {
                        let value_name = value_name(&id);
                        quote!(::clap::Arg::new(#id).value_name(#value_name).required(true)#values #help)
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
                quote!(::clap::Arg::new(#id).long(#id).action(::clap::ArgAction::SetTrue)#help)
            } else if lists.contains(&p.name.as_str()) {
                let delimiter =
                    (p.style == Style::Joined(',')).then(|| quote!(.value_delimiter(',')));
                let value_name = value_name(&id);
                quote! {
                    ::clap::Arg::new(#id).long(#id).value_name(#value_name)
                        .action(::clap::ArgAction::Append)#delimiter #values #help
                }
            } else {
                let value_name = value_name(&id);
                quote!(::clap::Arg::new(#id).long(#id).value_name(#value_name)#values #help)
            };
            args.defs.push(def);
            args.params.push((p.name.clone(), id));
        }
        if let Some(body) = &op.body {
            match &body.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) => {
                    let help = if body.required {
                        "The request body: a JSON or YAML file (`-` for standard input); required unless its fields are given as flags"
                    } else {
                        "The request body: a JSON or YAML file (`-` for standard input)"
                    };
                    args.defs.push(quote!(crate::runtime::cli::body_arg(#help)));
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
                            let value_name = value_name(&id);
                            args.defs.push(quote! {
                                ::clap::Arg::new(#id).long(#id).value_name(#value_name)#values #help
                            });
                            args.fields.push((id, f.wire.clone(), is_text(api, &f.ty)));
                        }
                    }
                }
                BodyKind::Bytes(_) => {
                    let help = "The request body: a file sent as it is (`-` for standard input)";
                    args.defs.push(quote!(crate::runtime::cli::body_arg(#help)));
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
            args.defs.push(quote!(crate::runtime::cli::all_arg()));
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
fn part_arg(id: &str, ty: &Ty, help: &TokenStream, required: bool) -> TokenStream {
    let list = matches!(ty, Ty::Vec(_));
    let value_name = match ty {
        Ty::Vec(item) if **item == Ty::Binary => "PATH".to_owned(),
        Ty::Binary if !required => "PATH".to_owned(),
        _ => value_name(id),
    };
    let long = (list || !required).then(|| quote!(.long(#id)));
    let required = required.then(|| quote!(.required(true)));
    let append = list.then(|| quote!(.action(::clap::ArgAction::Append)));
    quote!(::clap::Arg::new(#id)#long.value_name(#value_name)#required #append #help)
}

fn value_name(id: &str) -> String {
    id.replace('-', "_").to_uppercase()
}

/// `.help(..)` with the first sentence of `doc`, if it has one.
fn help_of(doc: &crate::ir::Doc) -> TokenStream {
    match docs::first_sentence(doc).and_then(|s| help_text(&s)) {
        Some(help) => quote!(.help(#help)),
        None => quote!(),
    }
}

fn open_values(api: &Api, ty: &Ty) -> Option<TokenStream> {
    let mut values = enum_values(api, ty)?;
    // An empty value cannot be offered on a command line (it is still accepted).
    values.retain(|v| !v.is_empty());
    values.dedup();
    Some(quote!(.value_parser(crate::runtime::cli::OpenValues(&[#(#values),*]))))
}

/// The type a value of `ty` is parsed into, and how it is read.
fn read_of(api: &Api, ty: &Ty) -> Read {
    match ty {
        Ty::Binary => Read::File,
        Ty::Vec(item) if **item == Ty::Binary => Read::Files,
        _ => match resolved(ty, &api.types) {
            Ty::Vec(item) => Read::Many(rust_type(item, Ctx::Operations)),
            _ => Read::Value(rust_type(ty, Ctx::Operations)),
        },
    }
}

/// The statements of one operation's arm in `run`.
fn run_op(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let args = Args::of(api, op);
    let accessor = ident(&group.accessor);
    let method = ident(&op.method_name);
    let lists: Vec<&str> = list_setter_names(api, op)
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    let fields = args
        .fields
        .iter()
        .map(|(id, wire, text)| quote!((#id, #wire, #text)));
    let fields = quote!(&[#(#fields),*]);

    let mut lets = Vec::new();
    let mut call_args = Vec::new();
    for (i, input) in required_inputs(op).into_iter().enumerate() {
        let var = quote::format_ident!("arg{}", i);
        let read = match input {
            Input::Param(p) => {
                let id = args.param(&p.name);
                match read_of(api, &p.ty) {
                    Read::Many(item) => quote!(crate::runtime::cli::many::<#item>(matches, #id)?),
                    Read::Value(ty) => quote!(crate::runtime::cli::required::<#ty>(matches, #id)?),
                    Read::File | Read::Files => {
                        quote!(crate::runtime::cli::required(matches, #id)?)
                    }
                }
            }
            Input::Part(p) => {
                let id = args.part(&p.name);
                match read_of(api, &p.ty) {
                    Read::File => quote!(crate::runtime::cli::required_file(matches, #id).await?),
                    Read::Files => quote!(crate::runtime::cli::files(matches, #id).await?),
                    Read::Many(item) => quote!(crate::runtime::cli::many::<#item>(matches, #id)?),
                    Read::Value(ty) => quote!(crate::runtime::cli::required::<#ty>(matches, #id)?),
                }
            }
            Input::Body(Ty::Binary) => quote!(crate::runtime::cli::required_raw_body(matches)?),
            Input::Body(ty) => {
                let ty = rust_type(ty, Ctx::Operations);
                quote!(crate::runtime::cli::required_body::<#ty>(matches, #fields)?)
            }
        };
        lets.push(quote!(let #var = #read;));
        call_args.push(var);
    }

    let mut sets = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let id = args.param(&p.name);
        let setter = ident(&p.name);
        if p.flag {
            sets.push(quote! {
                if crate::runtime::cli::switch(matches, #id) {
                    request = request.#setter();
                }
            });
        } else if lists.contains(&p.name.as_str()) {
            let Read::Many(item) = read_of(api, &p.ty) else {
                continue;
            };
            sets.push(quote! {
                for value in crate::runtime::cli::many::<#item>(matches, #id)? {
                    request = request.#setter(value);
                }
            });
        } else {
            let ty = rust_type(&p.ty, Ctx::Operations);
            sets.push(quote! {
                if let Some(value) = crate::runtime::cli::optional::<#ty>(matches, #id)? {
                    request = request.#setter(value);
                }
            });
        }
    }
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) if !body.required => {
                let ty = rust_type(ty, Ctx::Operations);
                sets.push(quote! {
                    if let Some(body) = crate::runtime::cli::body::<#ty>(matches, #fields, false)? {
                        request = request.body(body);
                    }
                });
            }
            BodyKind::Bytes(_) if !body.required => sets.push(quote! {
                if let Some(body) = crate::runtime::cli::raw_body(matches)? {
                    request = request.body(body);
                }
            }),
            BodyKind::Multipart(parts) => {
                for p in parts.iter().filter(|p| !p.required) {
                    let id = args.part(&p.name);
                    let setter = ident(&p.name);
                    sets.push(match read_of(api, &p.ty) {
                        Read::File => quote! {
                            if let Some(file) = crate::runtime::cli::file(matches, #id).await? {
                                request = request.#setter(file);
                            }
                        },
                        Read::Files => quote! {
                            let files = crate::runtime::cli::files(matches, #id).await?;
                            if !files.is_empty() {
                                request = request.#setter(files);
                            }
                        },
                        Read::Many(item) => quote! {
                            let values = crate::runtime::cli::many::<#item>(matches, #id)?;
                            if !values.is_empty() {
                                request = request.#setter(values);
                            }
                        },
                        Read::Value(ty) => quote! {
                            if let Some(value) = crate::runtime::cli::optional::<#ty>(matches, #id)? {
                                request = request.#setter(value);
                            }
                        },
                    });
                }
            }
            _ => {}
        }
    }

    let all = stream_item(op).map(|_| {
        quote! {
            if crate::runtime::cli::all(matches) {
                return crate::runtime::cli::write_stream(request.stream(), format, options, out).await;
            }
        }
    });
    let print = match &op.response {
        Response::Empty => quote! {
            request.send().await?;
            Ok(())
        },
        Response::Text => quote!(crate::runtime::cli::write_text(
            &request.send().await?,
            options,
            out
        )),
        Response::Bytes => quote!(crate::runtime::cli::write_bytes(
            &request.send().await?,
            out
        )),
        Response::Json { .. } => {
            quote!(crate::runtime::cli::write_value(
                &request.send().await?,
                format,
                options,
                out
            ))
        }
    };
    let mutable = (!sets.is_empty() || all.is_some()).then(|| quote!(mut));
    let format = (all.is_some() || matches!(op.response, Response::Json { .. }))
        .then(|| quote!(let format = crate::runtime::cli::format(matches);));
    quote! {
        #format
        #(#lets)*
        let #mutable request = client.#accessor().#method(#(#call_args),*);
        #(#sets)*
        #all
        #print
    }
}
