//! Facts -> verdicts: each change judged twice, with a one-line reason.
//!
//! * **wire**: does a client built for the old spec still work against a server that
//!   implements the new one? The rules follow oasdiff's and openapi-diff's: what a client
//!   *sends* may only get more permissive, what it *receives* may only get narrower.
//! * **Rust**: does code written against the old generated crate still compile? This
//!   follows what the generator emits: `#[non_exhaustive]` structs built with
//!   `Type::new(required..)` and `with_x` setters, open enums with an `Other` variant,
//!   builders with a setter per optional input and positional arguments for required ones.
//!   Where the IR of both sides is at hand, the generated item before and after decides
//!   (`RustDelta`); the rule's default applies otherwise.
//!
//! `warning` marks changes that compile and keep working for most clients but can change
//! behaviour or refuse some callers. On the wire: a new required scope, a changed default,
//! a removed parameter or request field that the server will now ignore, a response limit
//! relaxed, a new alternative of a received untagged union. For Rust, behaviour changes
//! that compile: a received value that decoded as a catch-all (`Other("adopted")`, a
//! tagged union's `Unknown`) or as another untagged variant now decodes as a new variant,
//! and a generated enum's `Default` that returns another variant.

use serde_json::Value;

use super::model::{Change, ChangeKind, Direction, Level, RustDelta, Verdict};

use Level::{Breaking, Compatible, Warning};

/// Judges one change.
pub fn change(location: String, direction: Direction, kind: ChangeKind) -> Change {
    let summary = summary(&kind);
    let (wire, rust) = verdicts(&kind, direction);
    Change {
        location,
        direction,
        kind,
        summary,
        wire,
        rust,
    }
}

fn v(level: Level, reason: impl Into<String>) -> Verdict {
    Verdict {
        level,
        reason: reason.into(),
    }
}

/// The wire verdict of a schema change, from its verdict for senders and for receivers.
/// The limits the generated client checks before it sends a request (see
/// `generator/src/emit/validate.rs`); the others (`pattern`, `multipleOf`, ...) are
/// documentation only.
const CHECKED_LIMITS: [&str; 8] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
];

/// A limit compiles the same either way, but the generated client checks some of them in
/// requests: tightening one makes calls that used to be sent fail with
/// `Error::InvalidInput` (a behaviour change that compiles).
fn rust_limit_verdict(limit: &str, tightened: bool, dir: Direction) -> Verdict {
    let checked = CHECKED_LIMITS.contains(&limit);
    let sent = matches!(dir, Direction::Request | Direction::Both | Direction::None);
    match (checked && sent, tightened) {
        (true, true) => v(
            Warning,
            "the generated client checks this limit before sending: calls it used to send now fail with `Error::InvalidInput`",
        ),
        (true, false) => v(
            Compatible,
            "the generated client checks this limit before sending, and now accepts more",
        ),
        (false, _) if checked => v(
            Compatible,
            "the generated client checks limits in requests only, not in responses",
        ),
        (false, _) => v(
            Compatible,
            "the generated client does not check this keyword: it is documentation",
        ),
    }
}

fn by_direction(direction: Direction, request: Verdict, response: Verdict) -> Verdict {
    match direction {
        Direction::Request | Direction::None => request,
        Direction::Response => response,
        Direction::Unused => v(
            Compatible,
            "no operation sends or receives this schema (it is still a Rust type)",
        ),
        Direction::Both if request.level == response.level && request.reason != response.reason => {
            v(
                request.level,
                format!(
                    "in requests: {}; in responses: {}",
                    request.reason, response.reason
                ),
            )
        }
        Direction::Both => {
            let (worst, which) = if response.level > request.level {
                (response, "responses")
            } else {
                (request, "requests")
            };
            v(worst.level, format!("in {which}: {}", worst.reason))
        }
    }
}

/// The Rust verdict of a change that may alter a generated item: breaking when the item
/// differs, compatible when it is the same, `default` when the IR did not say.
fn by_item(delta: &RustDelta, default: Verdict, same: &str) -> Verdict {
    match (&delta.before, &delta.after) {
        (None, None) => default,
        _ if !delta.changed() => v(
            Compatible,
            same.replace("{item}", delta.before.as_deref().unwrap_or("")),
        ),
        (Some(b), Some(a)) => v(Breaking, format!("{} becomes {}", code(b), code(a))),
        (Some(b), None) => v(Breaking, format!("{} is removed", code(b))),
        (None, Some(a)) => v(Breaking, format!("{} replaces what was there", code(a))),
    }
}

/// `text` as inline code, unless it already contains code spans.
fn code(text: &str) -> String {
    if text.contains('`') {
        text.to_owned()
    } else {
        format!("`{text}`")
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn show_opt(value: &Option<Value>) -> String {
    value.as_ref().map_or_else(|| "none".to_owned(), show)
}

fn summary(kind: &ChangeKind) -> String {
    use ChangeKind as K;
    let req = |r: bool| if r { "required" } else { "optional" };
    match kind {
        K::OperationAdded { .. } => "operation added".to_owned(),
        K::OperationRemoved { .. } => "operation removed".to_owned(),
        K::PathChanged { from, to } => format!("path changed: `{from}` → `{to}`"),
        K::MethodChanged { from, to } => format!("method changed: {from} → {to}"),
        K::OperationIdChanged { from, to, .. } => {
            format!("operationId changed: `{from}` → `{to}`")
        }
        K::TagChanged { from, to, .. } => format!(
            "tag changed: `{}` → `{}`",
            from.as_deref().unwrap_or("(none)"),
            to.as_deref().unwrap_or("(none)")
        ),
        K::ScopesChanged { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("scope `{}` added", added.join("`, `")));
            }
            if !removed.is_empty() {
                parts.push(format!("scope `{}` removed", removed.join("`, `")));
            }
            parts.join(", ")
        }
        K::DeprecatedChanged { deprecated: true } => "operation deprecated".to_owned(),
        K::DeprecatedChanged { deprecated: false } => "no longer deprecated".to_owned(),
        K::RustMethodRenamed { .. } => "generated method renamed".to_owned(),
        K::RustArgumentsReordered { .. } => "generated positional arguments reordered".to_owned(),
        K::RustReturnTypeChanged { .. } => "generated return type changed".to_owned(),
        K::RustBodyTypeChanged { .. } => "generated body type changed".to_owned(),
        K::ParameterAdded { required, .. } => format!("added ({})", req(*required)),
        K::ParameterRemoved { required, .. } => {
            format!("removed (was {})", req(*required))
        }
        K::ParameterRenamed { from, to, .. } => format!("renamed: `{from}` → `{to}`"),
        K::ParameterRequiredChanged { required, .. } => {
            format!("became {}", req(*required))
        }
        K::RequestBodyAdded { required } => format!("added ({})", req(*required)),
        K::RequestBodyRemoved => "removed".to_owned(),
        K::RequestBodyRequiredChanged { required } => {
            format!("became {}", req(*required))
        }
        K::ContentTypeAdded { media, .. } => format!("content type `{media}` added"),
        K::ContentTypeRemoved { media, .. } => format!("content type `{media}` removed"),
        K::StatusAdded { status, .. } => format!("response {status} added"),
        K::StatusRemoved { status, .. } => format!("response {status} removed"),
        K::SuccessStatusChanged { from, to } => format!("success status changed: {from} → {to}"),
        K::PropertyAdded { required, .. } => format!("property added ({})", req(*required)),
        K::PropertyRemoved { required, .. } => {
            format!("property removed (was {})", req(*required))
        }
        K::PropertyRequiredChanged { required, .. } => {
            format!("property became {}", req(*required))
        }
        K::TypeChanged { from, to, .. } => format!("type changed: `{from}` → `{to}`"),
        K::NullableChanged { nullable: true, .. } => "became nullable".to_owned(),
        K::NullableChanged {
            nullable: false, ..
        } => "no longer nullable".to_owned(),
        K::EnumValueAdded { value, .. } => format!("enum value `{}` added", show(value)),
        K::EnumValueRemoved { value, .. } => format!("enum value `{}` removed", show(value)),
        K::DefaultChanged { from, to, .. } => {
            format!("default changed: `{}` → `{}`", show_opt(from), show_opt(to))
        }
        K::LimitChanged {
            limit,
            from,
            to,
            tightened,
        } => format!(
            "`{limit}` {}: `{}` → `{}`",
            if *tightened { "tightened" } else { "relaxed" },
            show_opt(from),
            show_opt(to)
        ),
        K::AdditionalPropertiesChanged { allowed: true, .. } => {
            "additional properties now allowed".to_owned()
        }
        K::AdditionalPropertiesChanged { allowed: false, .. } => {
            "additional properties now forbidden".to_owned()
        }
        K::VariantAdded { variant, .. } => format!("variant `{variant}` added"),
        K::VariantRemoved { variant, .. } => format!("variant `{variant}` removed"),
        K::SchemaAdded { .. } => "schema added".to_owned(),
        K::SchemaRemoved { .. } => "schema removed".to_owned(),
        K::SchemaRenamed { from, to, .. } => format!("schema renamed: `{from}` → `{to}`"),
        K::RustTypeRemoved { rust } => match (&rust.before, &rust.after) {
            (Some(b), Some(a)) => format!("generated type `{b}` renamed to `{a}`"),
            (Some(b), None) => format!("generated type `{b}` removed"),
            _ => "generated type removed".to_owned(),
        },
    }
}

/// The Rust verdict of a new enum value: a received value that decoded as the catch-all
/// (`Other("adopted")`) now decodes as its own variant, which compiles but changes what a
/// `match` on `Other(..)` sees.
fn enum_value_added(
    value: &Value,
    variant: Option<&str>,
    catch_all: Option<&str>,
    dir: Direction,
) -> Verdict {
    let received = matches!(dir, Direction::Response | Direction::Both);
    match (variant, catch_all) {
        (Some(variant), Some(other)) if received => v(
            Warning,
            format!(
                "`{}` used to decode as `{other}({})` and now decodes as `{variant}`: code that matched on `Other(..)` silently changes behaviour",
                show(value),
                value,
            ),
        ),
        _ if received => v(
            Warning,
            "received values that decoded as `Other(..)` now decode as the new variant: code that matched on `Other(..)` silently changes behaviour",
        ),
        (Some(variant), _) => v(
            Compatible,
            format!(
                "a new variant `{variant}`; the enum is `#[non_exhaustive]` with an `Other(..)` catch-all, and what callers send is unchanged"
            ),
        ),
        _ => v(
            Compatible,
            "a new variant; the enum is `#[non_exhaustive]` with an `Other(..)` catch-all",
        ),
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`, as code.
fn list(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().map(|i| code(i)).collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => shown.join(""),
    }
}

/// Widening type changes: every old value is still a valid new value.
fn widens(from: &str, to: &str) -> bool {
    let base = |s: &str| s.split(' ').next().unwrap_or("").to_owned();
    let (fb, tb) = (base(from), base(to));
    if from.ends_with(" enum") && from.trim_end_matches(" enum") == to {
        return true; // the enum restriction lifted
    }
    if fb == tb {
        return matches!(
            (from, to),
            ("integer (int32)", "integer (int64)" | "integer")
                | ("number (float)", "number (double)" | "number")
        ) || (from.contains('(') && to == tb);
    }
    fb == "integer" && tb == "number"
}

fn verdicts(kind: &ChangeKind, dir: Direction) -> (Verdict, Verdict) {
    use ChangeKind as K;
    let not_on_wire = |what: &str| v(Compatible, format!("{what} is not sent on the wire"));
    match kind {
        K::OperationAdded { rust } => (
            v(
                Compatible,
                "a new endpoint: existing clients do not call it",
            ),
            v(
                Compatible,
                match rust {
                    Some(call) => format!("adds `{call}`"),
                    None => "adds a method".to_owned(),
                },
            ),
        ),
        K::OperationRemoved { rust, builder } => (
            v(Breaking, "clients calling it now get an error (404/405)"),
            v(
                Breaking,
                match (rust, builder) {
                    (Some(call), Some(b)) => {
                        format!("`{call}` and its builder `{b}` no longer exist")
                    }
                    _ => "its method no longer exists".to_owned(),
                },
            ),
        ),
        K::PathChanged { from, .. } => (
            v(
                Breaking,
                format!("requests to `{from}` no longer reach the operation"),
            ),
            v(Compatible, "the method keeps its name and arguments"),
        ),
        K::MethodChanged { from, .. } => (
            v(
                Breaking,
                format!("requests sent with {from} no longer match"),
            ),
            v(Compatible, "the method keeps its name and arguments"),
        ),
        K::OperationIdChanged { rust, .. } => (
            not_on_wire("the operationId"),
            by_item(
                rust,
                v(
                    Breaking,
                    "the method and builder are named after the operationId",
                ),
                "method and builder keep their names ({item})",
            ),
        ),
        K::TagChanged { rust, .. } => (
            not_on_wire("a tag"),
            by_item(
                rust,
                v(Breaking, "the operation moves to another resource group"),
                "the operation stays in `{item}`",
            ),
        ),
        K::ScopesChanged { added, .. } if !added.is_empty() => (
            v(
                Warning,
                format!("API keys without `{}` now get 403", added.join("`, `")),
            ),
            v(Compatible, "scopes only appear in docs and error messages"),
        ),
        K::ScopesChanged { .. } => (
            v(
                Compatible,
                "fewer scopes are required: every key that worked still works",
            ),
            v(Compatible, "scopes only appear in docs and error messages"),
        ),
        K::DeprecatedChanged { .. } => (
            v(Compatible, "deprecation alone changes no behaviour"),
            v(
                Compatible,
                "`#[deprecated]` warns; it does not stop compilation",
            ),
        ),
        K::RustMethodRenamed { rust } => (
            not_on_wire("a Rust method name"),
            by_item(rust, v(Breaking, "the method is renamed"), "unchanged"),
        ),
        K::RustArgumentsReordered { rust } => (
            not_on_wire("argument order"),
            v(
                Breaking,
                format!(
                    "arguments `{}` become `{}`: calls fail to compile or, worse, swap values",
                    rust.before.as_deref().unwrap_or(""),
                    rust.after.as_deref().unwrap_or("")
                ),
            ),
        ),
        K::RustReturnTypeChanged { rust } => (
            v(
                Compatible,
                "a Rust type is not on the wire (wire changes, if any, are listed separately)",
            ),
            by_item(
                rust,
                v(Breaking, "`send()` returns another type"),
                "unchanged",
            ),
        ),
        K::RustBodyTypeChanged { rust } => (
            v(
                Compatible,
                "a Rust type is not on the wire (wire changes, if any, are listed separately)",
            ),
            by_item(
                rust,
                v(Breaking, "the body takes another type"),
                "unchanged",
            ),
        ),
        K::ParameterAdded {
            required: true,
            rust,
        } => (
            v(
                Breaking,
                "old clients do not send it: the server rejects their requests",
            ),
            v(
                Breaking,
                match rust {
                    Some(r) => format!("new positional {r}: existing calls miss an argument"),
                    None => "a new positional argument: existing calls miss it".to_owned(),
                },
            ),
        ),
        K::ParameterAdded {
            required: false,
            rust,
        } => (
            v(Compatible, "old clients omit it and keep the old behaviour"),
            v(
                Compatible,
                match rust {
                    Some(r) => format!("a new builder {r}; existing calls are unchanged"),
                    None => "a new builder setter; existing calls are unchanged".to_owned(),
                },
            ),
        ),
        K::ParameterRemoved { rust, .. } => (
            v(
                Warning,
                "old clients still send it and the server ignores it: what it controlled silently stops applying",
            ),
            v(
                Breaking,
                match rust {
                    Some(r) => format!("the {r} is gone"),
                    None => "its argument or setter is gone".to_owned(),
                },
            ),
        ),
        K::ParameterRenamed { location, rust, .. } if location == "path" => (
            v(
                Compatible,
                "path parameter names are not sent: the URL is the same",
            ),
            by_item(
                rust,
                v(Compatible, "only a positional argument's name changes"),
                "{item} is unchanged",
            ),
        ),
        K::ParameterRenamed { rust, .. } => (
            v(
                Breaking,
                "old clients send the old name, which the server no longer reads",
            ),
            by_item(
                rust,
                v(Breaking, "its setter is renamed"),
                "{item} is unchanged",
            ),
        ),
        K::ParameterRequiredChanged {
            required: true,
            rust,
        } => (
            v(
                Breaking,
                "old clients may omit it: the server now rejects such requests",
            ),
            by_item(
                rust,
                v(Breaking, "the setter becomes a positional argument"),
                "{item} is unchanged",
            ),
        ),
        K::ParameterRequiredChanged {
            required: false,
            rust,
        } => (
            v(Compatible, "sending it is still accepted"),
            by_item(
                rust,
                v(Breaking, "the positional argument becomes a setter"),
                "{item} is unchanged",
            ),
        ),
        K::RequestBodyAdded { required: true } => (
            v(
                Breaking,
                "old clients send no body: the server rejects their requests",
            ),
            v(
                Breaking,
                "a new positional `body` argument: existing calls miss it",
            ),
        ),
        K::RequestBodyAdded { required: false } => (
            v(
                Compatible,
                "old clients send no body, which is still allowed",
            ),
            v(
                Compatible,
                "a new `.body()` setter; existing calls are unchanged",
            ),
        ),
        K::RequestBodyRemoved => (
            v(
                Warning,
                "old clients still send a body, which the server now ignores",
            ),
            v(Breaking, "the body argument or setter is gone"),
        ),
        K::RequestBodyRequiredChanged { required: true } => (
            v(
                Breaking,
                "old clients may send no body: the server now rejects that",
            ),
            v(
                Breaking,
                "the `.body()` setter becomes a positional argument",
            ),
        ),
        K::RequestBodyRequiredChanged { required: false } => (
            v(Compatible, "sending a body is still accepted"),
            v(Breaking, "the positional `body` argument becomes a setter"),
        ),
        K::ContentTypeAdded { rust, .. } => (
            match dir {
                Direction::Request => v(
                    Compatible,
                    "old clients keep sending a type that is still accepted",
                ),
                _ => v(
                    Compatible,
                    "the old type is still served to clients that ask for it",
                ),
            },
            by_item(
                rust,
                v(Compatible, "the generated client keeps its encoding"),
                "the generated client still uses {item}",
            ),
        ),
        K::ContentTypeRemoved { media, rust } => (
            match dir {
                Direction::Request => v(
                    Breaking,
                    format!("old clients that send `{media}` are refused (415)"),
                ),
                _ => v(
                    Breaking,
                    format!("old clients that expect `{media}` get something else"),
                ),
            },
            by_item(
                rust,
                v(Compatible, "the generated client keeps its encoding"),
                "the generated client still uses {item}",
            ),
        ),
        K::StatusAdded { success: true, .. } => (
            v(
                Compatible,
                "another 2xx: the generated client accepts every 2xx status",
            ),
            v(Compatible, "no generated item depends on the status code"),
        ),
        K::StatusAdded { success: false, .. } => (
            v(
                Compatible,
                "a new error status: it already surfaces as `Error::Api`",
            ),
            v(Compatible, "errors are not typed per status"),
        ),
        K::StatusRemoved {
            success: true,
            status,
        } => (
            v(
                Breaking,
                format!("clients that expect {status} no longer get it"),
            ),
            v(Compatible, "no generated item depends on the status code"),
        ),
        K::StatusRemoved { success: false, .. } => (
            v(Compatible, "the server no longer answers with this error"),
            v(Compatible, "errors are not typed per status"),
        ),
        K::SuccessStatusChanged { from, .. } => (
            v(
                Breaking,
                format!(
                    "clients that check for {from} fail (the generated client accepts any 2xx)"
                ),
            ),
            v(Compatible, "no generated item depends on the status code"),
        ),
        K::PropertyAdded {
            required,
            rust,
            constructor_argument,
        } => (
            by_direction(
                dir,
                if *required {
                    v(
                        Breaking,
                        "old clients do not send it: the server rejects their bodies",
                    )
                } else {
                    v(Compatible, "old clients omit it, which is still allowed")
                },
                v(Compatible, "old clients ignore properties they do not know"),
            ),
            match rust {
                Some(field) if *constructor_argument => v(
                    Breaking,
                    format!(
                        "`{field}` is a new argument of `new()` (required fields are constructor arguments)"
                    ),
                ),
                Some(field) => v(
                    Compatible,
                    format!(
                        "new `{field}` with a `with_` setter; the struct is `#[non_exhaustive]`"
                    ),
                ),
                None => v(Compatible, "no generated field to break"),
            },
        ),
        K::PropertyRemoved { required, rust } => (
            by_direction(
                dir,
                v(
                    Warning,
                    "old clients still send it and the server now ignores it",
                ),
                if *required {
                    v(
                        Breaking,
                        "old clients expect it in every response: the generated client fails to decode without it",
                    )
                } else {
                    v(
                        Compatible,
                        "it was optional: old clients already handle its absence",
                    )
                },
            ),
            match rust {
                Some(field) => v(Breaking, format!("`{field}` and its setter are gone")),
                None => v(Compatible, "no generated field to break"),
            },
        ),
        K::PropertyRequiredChanged { required, rust } => (
            by_direction(
                dir,
                if *required {
                    v(
                        Breaking,
                        "old clients may omit it: the server now rejects such bodies",
                    )
                } else {
                    v(Compatible, "sending it is still accepted")
                },
                if *required {
                    v(Compatible, "it is now always present")
                } else {
                    v(
                        Breaking,
                        "old clients expect it in every response: the generated client fails to decode without it",
                    )
                },
            ),
            by_item(
                rust,
                v(
                    Breaking,
                    "the field moves between `new()` arguments and `Option`",
                ),
                "`{item}` is unchanged",
            ),
        ),
        K::TypeChanged { from, to, rust } => (
            by_direction(
                dir,
                if widens(from, to) {
                    v(Compatible, "every value old clients send is still valid")
                } else {
                    v(Breaking, "values old clients send may no longer be valid")
                },
                if widens(to, from) {
                    v(
                        Compatible,
                        "every value the server sends is still one old clients accept",
                    )
                } else {
                    v(Breaking, "old clients cannot decode the new values")
                },
            ),
            by_item(
                rust,
                v(Breaking, "the generated type changes"),
                "same Rust type (`{item}`)",
            ),
        ),
        K::NullableChanged { nullable, rust } => (
            by_direction(
                dir,
                if *nullable {
                    v(Compatible, "`null` is now accepted as well")
                } else {
                    v(Breaking, "old clients that send `null` are refused")
                },
                if *nullable {
                    v(
                        Breaking,
                        "old clients do not expect `null`: the generated client fails to decode it",
                    )
                } else {
                    v(Compatible, "`null` is no longer sent")
                },
            ),
            by_item(
                rust,
                v(Breaking, "fields of this type gain or lose an `Option`"),
                "`{item}` is unchanged",
            ),
        ),
        K::EnumValueAdded {
            value,
            rust_variant,
            catch_all,
        } => (
            by_direction(
                dir,
                v(Compatible, "a new value the server accepts"),
                v(
                    Compatible,
                    "compatible only because generated enums are open: an unknown value decodes as `Other(..)` instead of failing",
                ),
            ),
            enum_value_added(value, rust_variant.as_deref(), catch_all.as_deref(), dir),
        ),
        K::EnumValueRemoved {
            value,
            rust_variant,
        } => (
            by_direction(
                dir,
                v(
                    Breaking,
                    format!("old clients that send `{}` are refused", show(value)),
                ),
                v(Compatible, "the server no longer sends it"),
            ),
            v(
                Breaking,
                match rust_variant {
                    Some(variant) => format!("`{variant}` is gone"),
                    None => format!("the variant for `{}` is gone", show(value)),
                },
            ),
        ),
        K::DefaultChanged { rust, .. } => (
            by_direction(
                dir,
                v(
                    Warning,
                    "old clients that omit it now get another behaviour",
                ),
                v(Compatible, "a default in a response is documentation"),
            ),
            match (&rust.before, &rust.after) {
                _ if !rust.changed() => v(
                    Compatible,
                    "defaults are documentation in the generated code",
                ),
                (before, after) => v(
                    Warning,
                    format!(
                        "`Default::default()` of the enum returns {} instead of {}: code that relies on it silently gets another value",
                        after
                            .as_deref()
                            .map_or_else(|| "nothing (no `Default`)".to_owned(), code),
                        before
                            .as_deref()
                            .map_or_else(|| "nothing (no `Default`)".to_owned(), code),
                    ),
                ),
            },
        ),
        K::LimitChanged {
            limit, tightened, ..
        } => (
            by_direction(
                dir,
                if *tightened {
                    v(Breaking, "values old clients could send are now refused")
                } else {
                    v(Compatible, "every value that was valid still is")
                },
                if *tightened {
                    v(Compatible, "the server sends a narrower range")
                } else {
                    v(
                        Warning,
                        "the server may send values that validating clients refuse (the generated client does not validate responses)",
                    )
                },
            ),
            rust_limit_verdict(limit, *tightened, dir),
        ),
        K::AdditionalPropertiesChanged { allowed, rust } => (
            by_direction(
                dir,
                if *allowed {
                    v(Compatible, "more bodies are accepted")
                } else {
                    v(
                        Breaking,
                        "old clients that send extra properties are refused",
                    )
                },
                if *allowed {
                    v(Compatible, "old clients ignore properties they do not know")
                } else {
                    v(Compatible, "the server sends fewer properties")
                },
            ),
            by_item(
                rust,
                v(Compatible, "no generated field depends on it"),
                "the struct still {item}",
            ),
        ),
        K::VariantAdded {
            rust,
            rust_variant,
            catch_all,
            captures,
            ..
        } => (
            by_direction(
                dir,
                v(Compatible, "a new alternative the server accepts"),
                match (rust_variant, catch_all) {
                    // The union is known and untagged: there is no catch-all to fall into.
                    (Some(_), None) => v(
                        Warning,
                        "an untagged union has no catch-all: old clients decode a value of the new alternative only if one of the old variants happens to accept it, else they fail",
                    ),
                    _ => v(
                        Compatible,
                        "compatible because received unions are open: an unknown alternative decodes into the catch-all variant",
                    ),
                },
            ),
            match (rust_variant, captures.as_slice()) {
                (Some(new), [first, ..]) => v(
                    Warning,
                    format!(
                        "received values that decoded as {} now decode as `{new}`: code that matched on {} silently changes behaviour (it compiles: the enum is `#[non_exhaustive]`)",
                        list(captures),
                        if captures.len() == 1 {
                            code(first)
                        } else {
                            "them".to_owned()
                        },
                    ),
                ),
                (Some(new), []) => v(
                    Compatible,
                    format!(
                        "a new variant `{new}`; the enum is `#[non_exhaustive]` and no value decoded before changes variant"
                    ),
                ),
                _ => by_item(
                    rust,
                    v(Compatible, "a new variant; the enum is `#[non_exhaustive]`"),
                    "a new variant; the enum is `#[non_exhaustive]`",
                ),
            },
        ),
        K::VariantRemoved { rust, .. } => (
            by_direction(
                dir,
                v(Breaking, "old clients that send it are refused"),
                v(Compatible, "the server no longer sends it"),
            ),
            match (&rust.before, &rust.after) {
                (Some(b), Some(a)) if b != a => {
                    v(Breaking, format!("{} becomes {}", code(b), code(a)))
                }
                _ => v(Breaking, "its enum variant is gone"),
            },
        ),
        K::SchemaAdded { rust } => (
            v(
                Compatible,
                "a schema is not on the wire until an operation uses it",
            ),
            v(
                Compatible,
                match rust {
                    Some(t) => format!("new type `{t}`"),
                    None => "no new type".to_owned(),
                },
            ),
        ),
        K::SchemaRemoved { rust } => (
            v(
                Compatible,
                "a schema is not on the wire by itself: changes to what used it are listed there",
            ),
            match rust {
                Some(t) => v(Breaking, format!("type `{t}` is gone")),
                None => v(Compatible, "it had no generated type"),
            },
        ),
        K::RustTypeRemoved { rust } => (
            not_on_wire("a Rust type name"),
            match (&rust.before, &rust.after) {
                (Some(b), Some(a)) => v(Breaking, format!("type `{b}` is now named `{a}`")),
                (Some(b), None) => v(Breaking, format!("type `{b}` is gone")),
                _ => v(Breaking, "a generated type is gone"),
            },
        ),
        K::SchemaRenamed { rust, .. } => (
            not_on_wire("a schema name"),
            by_item(
                rust,
                v(Breaking, "its type is renamed"),
                "`{item}` keeps its name",
            ),
        ),
    }
}
