//! `generated/mock.rs` (feature `mock`): a group per client group on `MockServer`, an
//! expectation per operation with the request builder's arguments and setters as matchers,
//! and the `MockOperation` impl of each request builder (its success value on the wire).

use proc_macro2::TokenStream;
use quote::quote;

use super::inputs::{
    Input, arg, body_is_a_mock_matcher, builder_fields_with, input_arg, input_name,
    list_setter_names, mock_method_name, required_inputs,
};
use crate::emit::{Ctx, cfg, docs, ident, rust_type};
use crate::ir::{Api, BodyKind, Group, Operation, Response, Unwrap};

/// Methods of `Expectation` (and the names the runtime's mock uses in it): a setter with
/// one of these names gets another in the mock.
const EXPECTATION_METHODS: &[&str] = &[
    "respond_with",
    "respond_with_error",
    "respond_with_status",
    "respond_with_example",
    "respond_with_sequence",
    "delay",
    "expect",
    "mount",
    "body_matches",
    "with",
    "body_value",
    "body_predicate",
    "fmt",
];

/// Public names of the mock module: a group's `Mock{Group}` struct must not take one.
const MODULE_NAMES: &[&str] = &[
    "MockServer",
    "MockOperation",
    "Expectation",
    "Received",
    "Reply",
    "OPERATIONS",
];

/// The tokens of `generated/mock.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let mut names = crate::naming::Scope::with_reserved(MODULE_NAMES);
    let groups: Vec<(&Group, syn::Ident)> = api
        .groups
        .iter()
        .map(|g| (g, ident(&names.claim(format!("Mock{}", g.struct_name)))))
        .collect();
    let statics = api.groups.iter().flat_map(|g| {
        g.ops.iter().map(move |op| {
            let module = ident(&g.module);
            let op_static = ident(&op.static_name);
            quote!(&crate::generated::#module::#op_static)
        })
    });
    let accessors = groups.iter().map(|(g, strukt)| {
        let accessor = ident(&g.accessor);
        let doc = format!(
            " Expectations of the operations of [`Client::{}`](crate::Client::{}).",
            g.accessor, g.accessor
        );
        let cfg = cfg::group(g);
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #strukt<'_> {
                #strukt { server: self }
            }
        }
    });
    let structs = groups
        .iter()
        .map(|(g, strukt)| cfg::each_item(&cfg::group(g), group(api, g, strukt)));
    let impls = api.groups.iter().flat_map(|g| {
        g.ops
            .iter()
            .map(move |op| cfg::each_item(&cfg::group(g), operation(api, g, op)))
    });
    let operations = if cfg::on(api) {
        // Each group's share only when its feature is on: a static slice cannot leave out
        // an element, so the list is made once, on first use.
        let parts = api.groups.iter().map(|g| {
            let cfg = cfg::group(g);
            let module = ident(&g.module);
            let statics = g.ops.iter().map(|op| {
                let op_static = ident(&op.static_name);
                quote!(&crate::generated::#module::#op_static)
            });
            quote! {
                #cfg
                operations.extend_from_slice(&[#(#statics),*]);
            }
        });
        quote! {
            /// Every operation of the groups compiled in, for the mock to name the one a
            /// request addresses.
            fn operations() -> &'static [&'static crate::runtime::Operation] {
                static OPERATIONS: std::sync::OnceLock<Vec<&'static crate::runtime::Operation>> =
                    std::sync::OnceLock::new();
                OPERATIONS.get_or_init(|| {
                    #[allow(unused_mut)]
                    let mut operations = Vec::new();
                    #(#parts)*
                    operations
                })
            }
        }
    } else {
        quote! {
            /// Every operation, for the mock to name the one a request addresses.
            static OPERATIONS: &[&crate::runtime::Operation] = &[#(#statics),*];
        }
    };
    let all_operations = match cfg::on(api) {
        true => quote!(operations()),
        false => quote!(OPERATIONS),
    };
    quote! {
        //! A typed mock of the API for tests (feature `mock`): see [`MockServer`].
        // A deprecated operation is mocked like any other.
        #![allow(deprecated)]

        pub use crate::runtime::mock::{Expectation, MockOperation, MockServer, Received, Reply, Times};

        #operations

        impl MockServer {
            /// Starts a server on a free port of `127.0.0.1`.
            ///
            /// # Panics
            ///
            /// If no port can be bound, or the client's TLS backend does not initialise.
            pub async fn start() -> MockServer {
                MockServer::for_operations(&crate::generated::API, #all_operations).await
            }

            #(#accessors)*
        }

        #(#structs)*

        #(#impls)*
    }
}

/// The lines of the struct's `expect` helper.
const EXPECT_LINES: usize = 7;

/// How many lines `self.expect(|group| group.make(args))` saves over the direct call
/// (`self.server.expect_operation(self.server.client().accessor().make(args))`), as
/// `prettyplease` breaks them at 89 columns in a method body (8 columns in).
fn lines_saved_by_expect(accessor: &str, make: &str, args: &str) -> usize {
    let inner = format!("self.server.client().{accessor}().{make}({args})");
    let direct: usize = if 8 + "self.server.expect_operation()".len() + inner.len() <= 89 {
        1
    } else if 12 + ".expect_operation()".len() + inner.len() <= 89 {
        2
    } else if 16 + inner.len() <= 89 {
        4
    } else {
        8
    };
    let short = if 8 + format!("self.expect(|group| group.{make}({args}))").len() <= 89 {
        1
    } else {
        3
    };
    direct.saturating_sub(short)
}

/// The struct of one group: a method per operation, with its required arguments.
fn group(api: &Api, g: &Group, strukt: &syn::Ident) -> TokenStream {
    let accessor = ident(&g.accessor);
    let module = ident(&g.module);
    let group_struct = ident(&g.struct_name);
    // Each method with its body both ways: the direct call, and through `expect`.
    struct Method {
        saved: usize,
        head: TokenStream,
        direct: TokenStream,
        short: TokenStream,
    }
    let methods: Vec<Method> = g
        .ops
        .iter()
        .map(|op| {
            let method = ident(&op.method_name);
            let builder = ident(&op.builder);
            // A JSON body is matched by `.body(..)`/`.body_matches(..)`, not given here.
            let body_matched = body_is_a_mock_matcher(op);
            let mut inputs = required_inputs(op);
            if body_matched {
                inputs.retain(|i| !matches!(i, Input::Body(_)));
            }
            let names: Vec<syn::Ident> = inputs.iter().map(|i| ident(&input_name(i))).collect();
            let args = inputs.iter().zip(&names).map(|(i, name)| {
                let (ty, _) = input_arg(api, i);
                quote!(#name: #ty)
            });
            let lines = vec![format!(
                "Expects [`{}::{}`](crate::{}::{}::{}) (`{} {}`).",
                g.struct_name,
                op.method_name,
                g.module,
                g.struct_name,
                op.method_name,
                op.method.as_str(),
                docs::escape_controls(&op.path).replace('`', "'"),
            )];
            let doc = docs::attrs(&lines);
            let many = (inputs.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
            let make = if body_matched {
                mock_method_name(g, op)
            } else {
                method.clone()
            };
            let call_args = names.iter().map(ToString::to_string).collect::<Vec<_>>();
            Method {
                saved: lines_saved_by_expect(&g.accessor, &make.to_string(), &call_args.join(", ")),
                head: quote! {
                    #doc
                    #many
                    pub fn #method(&self, #(#args),*) -> Expectation<'a, super::#module::#builder>
                },
                direct: quote!(self.server.expect_operation(self.server.client().#accessor().#make(#(#names),*))),
                short: quote!(self.expect(|group| group.#make(#(#names),*))),
            }
        })
        .collect();
    // The struct's `expect` costs lines of its own: worth it only when the calls it
    // shortens save more.
    let use_expect = methods.iter().map(|m| m.saved).sum::<usize>() > EXPECT_LINES;
    let methods = methods.into_iter().map(|m| {
        let head = m.head;
        let body = if use_expect && m.saved > 0 {
            m.short
        } else {
            m.direct
        };
        quote!(#head { #body })
    });
    let expect = use_expect.then(|| {
        quote! {
            /// Starts an expectation for the request `make` builds on the client's group.
            fn expect<B: MockOperation>(
                &self,
                make: impl FnOnce(super::#module::#group_struct) -> B,
            ) -> Expectation<'a, B> {
                self.server.expect_operation(make(self.server.client().#accessor()))
            }
        }
    });
    let doc = format!(
        " The expectations of the operations of [`Client::{}`](crate::Client::{}), from \
         [`MockServer::{}`]. An expectation's arguments must be sent exactly as given; it \
         matches any JSON body unless narrowed with `.body(value)` (that body exactly) or \
         `.body_matches(|body| ..)`.",
        g.accessor, g.accessor, g.accessor
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #strukt<'a> {
            server: &'a MockServer,
        }

        impl<'a> #strukt<'a> {
            #expect

            #(#methods)*
        }
    }
}

/// `MockEndpoint` for an operation's inputs, and its setters on `Expectation`.
fn operation(api: &Api, g: &Group, op: &Operation) -> TokenStream {
    let module = ident(&g.module);
    let input = ident(&op.input);
    let example = api
        .examples
        .of(op.method.as_str(), &op.path)
        .and_then(|e| e.response.as_ref());
    let example = example.map(|(status, value)| {
        let text = serde_json::to_string(value).unwrap_or_default();
        quote! {
            fn example() -> Option<(u16, &'static str)> {
                Some((#status, #text))
            }
        }
    });
    let reply = reply(op);
    let setters = setters(api, g, op);
    quote! {
        impl crate::runtime::mock::MockEndpoint for super::#module::#input {
            type Reply = crate::runtime::mock::#reply;

            #example
        }

        #setters
    }
}

/// How the mock answers with the operation's value: the inverse of its decode step, as
/// the runtime's type for it.
fn reply(op: &Operation) -> syn::Ident {
    ident(match &op.response {
        Response::Empty => "EmptyReply",
        Response::Text => "TextReply",
        Response::Bytes => "BytesReply",
        Response::Json { unwrap, .. } => match unwrap {
            Unwrap::None => "JsonReply",
            Unwrap::Field { .. } => "FieldReply",
            Unwrap::Page(_) => "PageReply",
        },
    })
}

/// The request builder's optional setters as matchers, and whether its JSON body can be
/// matched (`body_matches`, and `body` if it is required; the runtime has both).
fn setters(api: &Api, g: &Group, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let module = ident(&g.module);
    // `super::`, not `crate::generated::`: short enough that most impl headers keep to one
    // line, and what the group structs' methods name too.
    let builder_path = quote!(super::#module::#builder);
    let mut scope = crate::naming::Scope::with_reserved(EXPECTATION_METHODS);
    let fields = builder_fields_with(Some(api), op);
    let lists = list_setter_names(api, op);
    let json_body = match op.body.as_ref().map(|b| (&b.kind, b.required)) {
        Some((BodyKind::Json(ty), required)) => Some((ty, required)),
        _ => None,
    };
    let multipart = matches!(
        op.body.as_ref().map(|b| &b.kind),
        Some(BodyKind::Multipart(_))
    );
    let part_names: Vec<&str> = match op.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Multipart(parts)) => parts.iter().map(|p| p.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    let see = |name: &str| format!("[`{builder}::{name}`](crate::{module}::{builder}::{name})");
    let note = |name: &str, lines: &mut Vec<String>| {
        if multipart && part_names.contains(&name) {
            lines.push(String::new());
            lines.push("The parts of a multipart body are not matched: this has no effect on which requests match.".to_owned());
        }
    };
    // A JSON body, required or not, is matched by the runtime's `body`/`body_matches`.
    let body_field = json_body.is_some().then_some("body");
    for f in fields
        .iter()
        .filter(|f| !f.required && Some(f.name.as_str()) != body_field)
    {
        let client_name = ident(&f.name);
        if let Some((_, item, set_name)) = lists.iter().find(|(name, _, _)| *name == f.name) {
            let (item_ty, _) = arg(api, item);
            let add = ident(&scope.claim(f.name.clone()));
            let set = ident(&scope.claim(set_name.clone()));
            let client_set = ident(set_name);
            let mut add_doc = vec![format!(
                "Matches requests that send this value of `{}`, as {} (call it again for more; all must be sent, in order).",
                f.name,
                see(&f.name)
            )];
            note(&f.name, &mut add_doc);
            let mut set_doc = vec![format!(
                "Matches requests that send exactly these values of `{}`, as {}.",
                f.name,
                see(set_name)
            )];
            note(&f.name, &mut set_doc);
            let (add_doc, set_doc) = (docs::attrs(&add_doc), docs::attrs(&set_doc));
            out.push(quote! {
                #add_doc
                pub fn #add(self, value: #item_ty) -> Self {
                    self.with(|b| b.#client_name(value))
                }

                #set_doc
                pub fn #set(self, values: impl IntoIterator<Item = #item_ty>) -> Self {
                    self.with(|b| b.#client_set(values))
                }
            });
            continue;
        }
        let name = ident(&scope.claim(f.name.clone()));
        let mut lines = vec![format!(
            "Matches requests that send `{}` as {} does.",
            f.name,
            see(&f.name)
        )];
        note(&f.name, &mut lines);
        let doc = docs::attrs(&lines);
        if f.flag {
            out.push(quote! {
                #doc
                pub fn #name(self) -> Self {
                    self.with(|b| b.#client_name())
                }
            });
            continue;
        }
        let (ty, _) = f
            .setter_arg
            .clone()
            .unwrap_or_else(|| (f.ty.clone(), quote!()));
        out.push(quote! {
            #doc
            pub fn #name(self, value: #ty) -> Self {
                self.with(|b| b.#client_name(value))
            }
        });
    }
    let input = ident(&op.input);
    let body = json_body.map(|(ty, _)| {
        let body_ty = rust_type(ty, Ctx::Operations);
        quote! {
            impl crate::runtime::mock::JsonBody for super::#module::#input {
                type Body = #body_ty;
            }
        }
    });
    let setters = (!out.is_empty()).then(|| {
        quote! {
            impl Expectation<'_, #builder_path> {
                #(#out)*
            }
        }
    });
    quote! {
        #body
        #setters
    }
}
