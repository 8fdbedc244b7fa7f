//! Checks of the documented limits (`minLength`, `maximum`, `maxItems`...) that run before
//! a request is sent: a `validate` method on each request type that has something to
//! check (directly or in what it holds), and one on each request builder, which `send`
//! calls first. The helpers they call are in the runtime (`runtime/validate.rs`).
//!
//! A free-form object (`type: object` without properties) is held as any JSON value, so
//! that `serde_json::json!({...})` is taken as it is; that it is an object is checked here.
//!
//! `pattern`, `multipleOf`, `uniqueItems` and the object keywords (`minProperties`...) are
//! not checked; they stay in the docs.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{ident, resolved};
use crate::ir::{Api, BodyKind, FieldShape, Limits, Operation, Ty, TypeDef, TypeKind, TypeTable};
use crate::validated::{bound, has_checks};

fn opt_u64(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// An integer bound: a fractional one is rounded to the integers it allows.
fn int_bound(b: Option<(f64, bool)>, lower: bool) -> TokenStream {
    match bound(b) {
        Some((v, exclusive)) => {
            let (v, exclusive) = if v.fract() == 0.0 {
                (v, exclusive)
            } else if lower {
                (v.ceil(), false)
            } else {
                (v.floor(), false)
            };
            let v = Literal::i128_unsuffixed(v.clamp(i128::MIN as f64, i128::MAX as f64) as i128);
            quote!(Some((#v, #exclusive)))
        }
        None => quote!(None),
    }
}

fn float_bound(b: Option<(f64, bool)>) -> TokenStream {
    match bound(b) {
        Some((v, exclusive)) => {
            let v = Literal::f64_unsuffixed(v);
            quote!(Some((#v, #exclusive)))
        }
        None => quote!(None),
    }
}

/// Statements checking `value` (a variable of type `&T`) of type `ty` against
/// `limits`, at `path` (an expression of type `Path`); empty if there is nothing to check.
fn checks(
    value: TokenStream,
    ty: &Ty,
    limits: &Limits,
    path: TokenStream,
    all: &TypeTable,
    needs: &BTreeSet<String>,
    depth: usize,
) -> TokenStream {
    if !has_checks(ty, limits, all, needs) {
        return quote!();
    }
    let none = Limits::default();
    let items = limits.items.as_deref().unwrap_or(&none);
    let item = format_ident!("item{}", depth);
    let index = format_ident!("index{}", depth);
    match resolved(ty, all) {
        Ty::String => {
            let lit = |n: u64| Literal::u64_unsuffixed(n);
            let bounds = match (limits.min_length.map(lit), limits.max_length.map(lit)) {
                (Some(min), Some(max)) => quote!(#min..=#max),
                (Some(min), None) => quote!(#min..),
                (None, Some(max)) => quote!(..=#max),
                (None, None) => quote!(..),
            };
            quote!(crate::runtime::check_length(#path, #value, #bounds)?;)
        }
        Ty::Int(_) => {
            let min = int_bound(limits.minimum, true);
            let max = int_bound(limits.maximum, false);
            quote!(crate::runtime::check_integer(#path, i128::from(*#value), #min, #max)?;)
        }
        Ty::Float(float) => {
            let (min, max) = (float_bound(limits.minimum), float_bound(limits.maximum));
            let number = if *float == "f64" {
                quote!(*#value)
            } else {
                quote!(f64::from(*#value))
            };
            quote!(crate::runtime::check_number(#path, #number, #min, #max)?;)
        }
        Ty::Vec(inner) => {
            let count = (limits.min_items.is_some() || limits.max_items.is_some()).then(|| {
                let (min, max) = (opt_u64(limits.min_items), opt_u64(limits.max_items));
                quote!(crate::runtime::check_items(path, #value.len(), #min, #max)?;)
            });
            let each = checks(
                quote!(#item),
                inner,
                items,
                quote!(path.index(#index)),
                all,
                needs,
                depth + 1,
            );
            let each = (!each.is_empty()).then(|| {
                quote! {
                    for (#index, #item) in #value.iter().enumerate() {
                        #each
                    }
                }
            });
            quote!({
                let path = #path;
                #count
                #each
            })
        }
        Ty::Map(inner) => {
            let key = format_ident!("key{}", depth);
            let each = checks(
                quote!(#item),
                inner,
                items,
                quote!(path.key(#key)),
                all,
                needs,
                depth + 1,
            );
            quote!({
                let path = #path;
                for (#key, #item) in #value {
                    #each
                }
            })
        }
        Ty::Option(inner) => {
            let each = checks(quote!(#item), inner, limits, path, all, needs, depth + 1);
            quote!(if let Some(#item) = #value { #each })
        }
        Ty::Named(_) => quote!(#value.validate(#path)?;),
        Ty::Object => quote!(crate::runtime::check_object(#path, #value)?;),
        _ => quote!(),
    }
}

/// `validate` methods for the request types that need them, appended to `types.rs`.
pub fn types(api: &Api) -> TokenStream {
    let (all, needs) = (&api.types, &api.validated);
    all.iter()
        .filter(|d| needs.contains(&d.name))
        .map(|d| {
            let cfg = crate::emit::cfg::sent(api, &d.name);
            crate::emit::cfg::each_item(&cfg, type_validate(d, all, needs, &api.response_types))
        })
        .collect()
}

fn type_validate(
    def: &TypeDef,
    all: &TypeTable,
    needs: &BTreeSet<String>,
    in_responses: &BTreeSet<String>,
) -> TokenStream {
    let name = ident(&def.name);
    let none = Limits::default();
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(|f| {
                let fname = ident(&f.name);
                let wire = &f.wire;
                let path = quote!(path.field(#wire));
                match f.shape() {
                    FieldShape::Plain => {
                        let inner = checks(quote!(value), &f.ty, &f.limits, path, all, needs, 0);
                        if inner.is_empty() {
                            inner
                        } else {
                            quote!({ let value = &self.#fname; #inner })
                        }
                    }
                    FieldShape::Optional | FieldShape::Nullable => {
                        let inner = checks(quote!(value), &f.ty, &f.limits, path, all, needs, 0);
                        if inner.is_empty() {
                            inner
                        } else {
                            quote!(if let Some(value) = &self.#fname { #inner })
                        }
                    }
                    FieldShape::OptionalNullable => {
                        let inner = checks(quote!(value), &f.ty, &f.limits, path, all, needs, 0);
                        if inner.is_empty() {
                            inner
                        } else {
                            quote!(if let Some(Some(value)) = &self.#fname { #inner })
                        }
                    }
                }
            });
            let extra = s.additional.as_ref().map(|ty| {
                let each = checks(
                    quote!(value),
                    ty,
                    &none,
                    quote!(path.key(key)),
                    all,
                    needs,
                    0,
                );
                if each.is_empty() {
                    each
                } else {
                    quote!(for (key, value) in &self.additional_properties { #each })
                }
            });
            quote! {
                #(#fields)*
                #extra
                Ok(())
            }
        }
        TypeKind::Union(u) => {
            let mut arms: Vec<(syn::Ident, TokenStream)> = Vec::new();
            for v in &u.variants {
                let each = checks(quote!(value), &v.ty, &none, quote!(path), all, needs, 0);
                if !each.is_empty() {
                    arms.push((ident(&v.name), each));
                }
            }
            // A tagged union that arrives in responses also has a catch-all unit variant.
            let catch_all = u.tag.is_some() && in_responses.contains(&def.name);
            let covered = arms.len() == u.variants.len() && !catch_all;
            match arms.as_slice() {
                [(vname, each)] if !covered => quote! {
                    if let Self::#vname(value) = self {
                        #each
                    }
                    Ok(())
                },
                _ => {
                    let arms = arms
                        .iter()
                        .map(|(vname, each)| quote!(Self::#vname(value) => { #each }));
                    let rest = (!covered).then(|| quote!(_ => {}));
                    quote! {
                        match self {
                            #(#arms)*
                            #rest
                        }
                        Ok(())
                    }
                }
            }
        }
        _ => quote!(Ok(())),
    };
    quote! {
        #[allow(deprecated)]
        impl #name {
            /// Checks the limits the spec documents, before the value is sent.
            #[inline]
            pub(crate) fn validate(
                &self,
                path: crate::runtime::Path<'_>,
            ) -> Result<(), crate::runtime::InvalidInput> {
                #body
            }
        }
    }
}

/// The `Endpoint::check` method of the operation's inputs, if they have something to check
/// (the runtime runs it before sending, unless the client was built with
/// `validate_inputs(false)`).
pub fn builder(api: &Api, op: &Operation) -> Option<TokenStream> {
    let (all, needs) = (&api.types, &api.validated);
    let none = Limits::default();
    let mut stmts = Vec::new();
    let mut add = |name: &str, wire: &str, ty: &Ty, limits: &Limits, required: bool| {
        let fname = ident(name);
        // The runtime's checks of a scalar take a wire name as the path of a top-level
        // input; nested checks and named types' `validate` build on a `Path`.
        let path = match resolved(ty, all) {
            Ty::String | Ty::Int(_) | Ty::Float(_) | Ty::Object => quote!(#wire),
            _ => quote!(crate::runtime::Path::named(#wire)),
        };
        if required {
            // A string, a named type and an object are checked in one statement that
            // names the field itself; the other shapes bind it first.
            let direct = match resolved(ty, all) {
                Ty::String | Ty::Object => Some(quote!(&self.#fname)),
                Ty::Named(_) => Some(quote!(self.#fname)),
                _ => None,
            };
            if let Some(value) = direct {
                stmts.push(checks(value, ty, limits, path, all, needs, 0));
                return;
            }
            let check = checks(quote!(value), ty, limits, path, all, needs, 0);
            if !check.is_empty() {
                stmts.push(quote!({ let value = &self.#fname; #check }));
            }
        } else {
            let check = checks(quote!(value), ty, limits, path, all, needs, 0);
            if !check.is_empty() {
                stmts.push(quote!(if let Some(value) = &self.#fname { #check }));
            }
        }
    };
    for p in &op.params {
        add(&p.name, &p.wire, &p.ty, &p.limits, p.required);
    }
    let mut optional_body = false;
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                let root = quote!(crate::runtime::Path::ROOT);
                if body.required && !crate::emit::inputs::body_is_a_mock_matcher(op) {
                    let check = checks(quote!(value), ty, &none, root, all, needs, 0);
                    if !check.is_empty() {
                        stmts.push(quote!({ let value = &self.body; #check }));
                    }
                } else {
                    let check = checks(quote!(value), ty, &none, root, all, needs, 0);
                    if !check.is_empty() {
                        stmts.push(quote!(if let Some(value) = &self.body { #check }));
                        // A nullable body's own check is an `if let` too, alone inside this
                        // one: clippy would have them collapsed, which the checks of every
                        // other shape do not allow.
                        optional_body = true;
                    }
                }
            }
            BodyKind::Multipart(parts) => {
                for p in parts {
                    add(&p.name, &p.wire, &p.ty, &p.limits, p.required);
                }
            }
            BodyKind::Bytes(_) => {}
        }
    }
    stmts.retain(|s| !s.is_empty());
    if stmts.is_empty() {
        return None;
    }
    let allow =
        optional_body.then(|| quote!(#[allow(clippy::collapsible_if, clippy::collapsible_match)]));
    Some(quote! {
        #allow
        #[inline]
        fn check(&self) -> std::result::Result<(), crate::runtime::InvalidInput> {
            #(#stmts)*
            Ok(())
        }
    })
}
