//! Property-based tests of the generator (`proptest`).
//!
//! 1. `valid_documents_generate`: random but valid OpenAPI 3.0 documents (component schemas
//!    forming random trees: objects with awkward property names, required lists, nullable,
//!    arrays, maps, string/integer/boolean enums, `allOf`, `oneOf`/`anyOf` with and without
//!    discriminator, `not`, formats and constraints, `$ref`s between components including
//!    self and mutual recursion, `$ref`s into properties; operations with random paths,
//!    methods, path/query/header/cookie parameters, JSON, multipart, form and raw bodies,
//!    several responses) are accepted; every generated file (and the standalone crate's
//!    `src/lib.rs`) parses with `syn::parse_file` and defines nothing twice (items, fields,
//!    variants, methods, trait impls, `Client` accessors against the runtime's methods) nor
//!    uses an undefined type; their docs hold no code block rustdoc would run (only text,
//!    data languages and the operation examples), no indented code block, no control or
//!    bidirectional character, and the header keeps a spec path holding a newline inside its
//!    comment (names, enum values, descriptions and paths include newlines, backticks,
//!    fences, CR, bidi and control characters); generating again (from the same `Spec`, and
//!    from the same document written as YAML) gives identical files.
//! 2. `mutated_spec_never_panics`: 1-5 random mutations of `spec/openapi.yaml` (deleted keys,
//!    replaced nodes, duplicated operationIds, broken `$ref`s, changed `type`s, deep nesting,
//!    random `openapi` values), as YAML or JSON: accepted, or refused with an error whose
//!    `#...` pointer names a node of the document; never a panic.
//! 3. `random_bytes_never_panic`, `random_text_never_panics`: arbitrary bytes, printable
//!    text and YAML-ish token soup are accepted or refused with a `#...` pointer, never a
//!    panic.
//!
//! When a property finds a generator bug that cannot be fixed at once, mark a test that
//! shows it `#[ignore = "generator bug: ..."]` and leave the construct out of the strategy,
//! saying where; none is open now.
//!
//! Case counts are per-test defaults chosen so that the file takes about 40 s in a debug
//! build on a 2-core machine; `PROPTEST_CASES` overrides all of them:
//!
//! ```sh
//! cargo test -p prolinksqr-tests --test proptest_generator
//! PROPTEST_CASES=100000 cargo test --release -p prolinksqr-tests --test proptest_generator
//! ```
//!
//! A stack overflow or a hang cannot be reported with its input: set
//! `PROPTEST_GENERATOR_LAST=/tmp/last.txt` to have every case's input written there first.
//!
//! Failure persistence: seeds of failing cases are written to (and replayed from)
//! `tests/proptest-regressions/proptest_generator.txt`, a path set explicitly below (the
//! default would put a `proptest_generator.proptest-regressions` file next to this source
//! file). The file is kept under version control: its seeds re-run known failures first.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------
// Running the generator

const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/proptest-regressions/proptest_generator.txt"
);

fn proptest_config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        // `with_cases` would ignore PROPTEST_CASES; this keeps it overriding the default.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

/// The spec path holds a newline and code: the header comment must keep it in.
fn config() -> generator::Config {
    generator::Config::new(
        "proptest-client",
        "proptest.yaml\nfn injected_from_the_path() {}\n//",
        "cargo test --test proptest_generator",
    )
}

/// The languages a code block in generated docs may have (`no_run`: the operation
/// examples, which open with `# async fn example(`).
const DOC_LANGUAGES: &[&str] = &["text", "json", "yaml", "xml", "http"];

fn is_bidi_or_control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `line` without its leading list markers (`- `, `* `, `+ `, `1. `, `1) `).
fn after_list_markers(line: &str) -> &str {
    let mut rest = line.trim_start();
    loop {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let marker = if rest.starts_with(['-', '*', '+']) {
            1
        } else if digits > 0 && rest[digits..].starts_with(['.', ')']) {
            digits + 1
        } else {
            0
        };
        if marker == 0 || !rest[marker..].starts_with(' ') {
            return rest;
        }
        rest = rest[marker..].trim_start();
    }
}

/// A fence `line` opens (CommonMark): its character, length and info string.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.len() - line.trim_start_matches(c).len();
    let info = line[len..].trim();
    (len >= 3 && !(c == '`' && info.contains('`'))).then_some((c, len, info))
}

/// What rustdoc could compile or run, or rustc refuse, in generated files: a code block
/// that is not text, data or an operation example; an indented code block; a doc attribute
/// that is not a `///` line (its string could hide a newline); a control or bidirectional
/// character anywhere; a header that does not hold the spec path.
fn doc_problems(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, text) in files {
        if let Some(c) = text.chars().find(|c| is_bidi_or_control(*c)) {
            problems.push(format!("{name}: character {c:?}"));
        }
        if !name.ends_with(".rs") {
            for (i, line) in text.lines().enumerate() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
                    problems.push(format!("{name}:{}: not JSON: {e}", i + 1));
                }
                if !line.is_ascii() {
                    problems.push(format!("{name}:{}: not ASCII", i + 1));
                }
            }
            continue;
        }
        let header = text.lines().next().unwrap_or_default();
        if !header.starts_with("// @generated by") || text.contains("\nfn injected_from_the_path") {
            problems.push(format!("{name}: the header lost the spec path: {header:?}"));
        }
        let mut open: Option<(char, usize)> = None;
        let all: Vec<&str> = text.lines().collect();
        for (i, line) in all.iter().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("#[doc =") || trimmed.starts_with("#![doc =") {
                problems.push(format!("{name}: doc attribute `{trimmed}`"));
            }
            let Some(doc) = trimmed
                .strip_prefix("///")
                .or_else(|| trimmed.strip_prefix("//!"))
            else {
                open = None;
                continue;
            };
            let doc = doc.strip_prefix(' ').unwrap_or(doc);
            if let Some((c, len)) = open {
                let t = doc.trim();
                let run = t.len() - t.trim_start_matches(c).len();
                if run >= len && run == t.len() {
                    open = None;
                }
                continue;
            }
            if doc.starts_with("    ") && !doc.trim().is_empty() {
                problems.push(format!("{name}: indented code block `{doc}`"));
            }
            if let Some((c, len, info)) = fence_of(after_list_markers(doc)) {
                let lang = info.split([',', ' ']).next().unwrap_or_default();
                // An example may import the types it builds (`use crate_name::types::X;`,
                // names the generator chose) before its hidden function.
                let code_start = all[i + 1..].iter().find(|next| {
                    let t = next.trim_start();
                    let t = t
                        .strip_prefix("///")
                        .or_else(|| t.strip_prefix("//!"))
                        .unwrap_or(t);
                    let t = t.trim();
                    !(t.is_empty()
                        || (t.starts_with("use ") && t.ends_with(';') && !t.contains('"')))
                });
                let example = lang == "no_run"
                    && code_start.is_some_and(|next| {
                        next.contains("/// # async fn example(")
                            || next.contains("//! # async fn run(")
                    });
                if !DOC_LANGUAGES.contains(&lang) && !example {
                    problems.push(format!("{name}: code block `{doc}`"));
                }
                open = Some((c, len));
            }
        }
    }
    problems
}

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err(message with location)` without printing it (the
/// shrinking of a panicking case would otherwise print thousands of backtraces). Panics on
/// other threads, and outside `quiet_catch`, still reach the previous hook.
fn quiet_catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(Cell::get) {
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
    CAPTURING.with(|c| c.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(false));
    outcome.map_err(|_| {
        LAST_PANIC
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| "panic without a message".to_owned())
    })
}

type Generated = Result<BTreeMap<String, String>, generator::Error>;

/// A stack overflow aborts the process before proptest can report the input: with
/// `PROPTEST_GENERATOR_LAST=FILE`, every case's input is written there before it runs.
fn keep_last_input(text: &str) {
    if let Some(path) = std::env::var_os("PROPTEST_GENERATOR_LAST") {
        std::fs::write(path, text).expect("PROPTEST_GENERATOR_LAST is writable");
    }
}

fn generate_text(text: &str) -> Generated {
    let spec = generator::parse_spec(text)?;
    generator::generate(&spec, &config()).map(|g| g.files)
}

/// Parse + generate must not panic, and an error must point into the document: a `#...`
/// pointer, which names a node of `doc` when the document is known.
fn never_panics(
    what: &str,
    doc: Option<&Value>,
    run: impl FnOnce() -> Generated,
) -> Result<(), TestCaseError> {
    match quiet_catch(run) {
        Err(panic) => Err(TestCaseError::fail(format!(
            "the generator panicked on {what}: {panic}"
        ))),
        Ok(Err(e)) => {
            prop_assert!(
                e.pointer.starts_with('#'),
                "error without a `#...` pointer on {what}: {e}"
            );
            prop_assert!(
                !e.message.contains("internal error"),
                "internal error on {what}: {e}"
            );
            if let Some(doc) = doc {
                let pointer = percent_decode(e.pointer.trim_start_matches('#'));
                prop_assert!(
                    doc.pointer(&pointer).is_some(),
                    "the pointer of `{e}` names no node of {what}"
                );
            }
            Ok(())
        }
        Ok(Ok(_)) => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// 1. Valid documents

/// A document, shown as pretty JSON when proptest reports a failing case.
#[derive(Clone)]
struct Doc(Value);

impl fmt::Debug for Doc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string_pretty(&self.0).map_err(|_| fmt::Error)?;
        write!(f, "\n{text}\n")
    }
}

// Names chosen to collide after case conversion, be keywords, start with digits, be
// non-ASCII, or shadow names the generator uses itself.
const PROPERTY_NAMES: &[&str] = &[
    "id",
    "name",
    "type",
    "self",
    "Self",
    "ref",
    "super",
    "crate",
    "fooBar",
    "foo_bar",
    "FooBar",
    "foo-bar",
    "2fa",
    "2FA",
    "café",
    "cafe",
    "名前",
    "$special",
    "@type",
    "a.b",
    "",
    "_",
    "__",
    "additional_properties",
    "additional_property",
    "value",
    "new",
    "null",
    "x_null",
    "with_x",
    "Other",
    "r#type",
    "a b",
    "Ω",
    "kind",
    "a/b",
    "a~b",
    "~1",
    "100%",
    "a%20b",
    // Text that would break out of a doc line or a code span if copied raw.
    "a\nb",
    "x\n```rust\nstd::process::exit(3)\n```",
    "back`tick",
    "``",
    "cr\rname",
    "bidi\u{202e}x",
    "\u{1b}[31m",
    "tab\tname",
];

// Component keys must match `^[a-zA-Z0-9._-]+$` (OpenAPI 3.0, 4.8.7.1).
const COMPONENT_KEYS: &[&str] = &[
    "Pet",
    "pet",
    "PET",
    "Result",
    "Option",
    "String",
    "string",
    "Vec",
    "Value",
    "Error",
    "Client",
    "Box",
    "Self",
    "self",
    "type",
    "Type",
    "2fa",
    "a.b",
    "a-b",
    "a_b",
    "Other",
    "Unknown",
    "Default",
    "Serialize",
    "Api",
    "types",
    "Event",
    "event_v2",
    "Event.v2",
    "Map",
    "_",
    "-",
    "FromStr",
    "Display",
];

const ENUM_VALUES: &[&str] = &[
    "a-b",
    "a_b",
    "A_B",
    "aB",
    "",
    " ",
    "other",
    "Other",
    "1x",
    "2x",
    "self",
    "Self",
    "é",
    "null",
    "true",
    "-",
    "+",
    "foo bar",
    "Unknown",
    "\"quoted\"",
    "back\\slash",
    "#",
    "{x}",
    "a\nb",
    "\n```\nstd::process::exit(3)\n```\n",
    "back`tick",
    "`",
    "``x``",
    "cr\rvalue",
    "bidi\u{202e}\u{2066}",
    "\u{7}bell",
    "~~~",
];

const DOCS: &[&str] = &[
    "A description.",
    "Line one.\n\nLine two with `code` and *emphasis*.",
    "*/ /* not a comment",
    "```\nunterminated fence",
    "```rust\nfn main() {\n```",
    "\"quotes\" and \\backslashes\\ and \r\n CRLF",
    "# Heading\n- list\n    - indented",
    "[link](http://example.com) <tag> &amp;",
    "ends with a backslash \\",
    "\u{7f} control \u{1} chars \t tab",
    "",
    " ",
    "#![no_std]",
    "}}}",
    "bare \r carriage return",
    "NUL \u{0} and \u{2028} line separator and \u{feff} BOM",
    "```should_panic\nstd::process::exit(3);\n```",
    "~~~\nstd::process::exit(3);\n~~~",
    "````edition2021,no_run\nx\n```\nstill inside\n````",
    "- ```\n  in a list item\n  ```\n1.     indented in a list",
    "Text:\n\n    indented code\n\n\tand a tab",
    "```rust,ignore\nx\n```\n~~~~\nunclosed tildes",
    "``` `inline, not a fence` ``` and `unclosed [x] <y>",
    "bidi \u{202e}override\u{202c} and \u{2067}isolate\u{2069}, \u{1b}[2J escape",
    "```json\n{\"a\": 1}\n```\n```sh\ncurl x\n```",
];

const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "binary",
    "byte",
    "password",
    "email",
    "uri",
    "x-custom",
    "",
];
const INT_FORMATS: &[&str] = &[
    "int32", "int64", "int8", "int16", "uint8", "uint16", "uint32", "uint64", "uint", "x-big",
];
const NUMBER_FORMATS: &[&str] = &["float", "double", "decimal"];

const TAGS: &[&str] = &[
    "links",
    "Links",
    "link-s",
    "types",
    "client",
    "runtime",
    "error",
    "new",
    "api",
    "Api",
    "",
    "é",
    "a b",
    "self",
    "super",
    "std",
    "generated",
    "mod",
];

const OPERATION_IDS: &[&str] = &[
    "getFoo", "get_foo", "GetFoo", "get-foo", "type", "self", "new", "send", "client", "clone",
    "list", "list2", "2fa", "é", "", "stream", "Other",
];

const PARAM_NAMES: &[&str] = &[
    "id",
    "type",
    "self",
    "a-b",
    "a_b",
    "fooBar",
    "foo_bar",
    "page",
    "client",
    "body",
    "send",
    "stream",
    "2x",
    "é",
    "value",
    "path",
    "",
    "X-Request-Id",
    "x-request-id",
];

const HEADER_NAMES: &[&str] = &[
    "X-Request-Id",
    "x-request-id",
    "X-Flags",
    "Accept",
    "Content-Type",
    "Authorization",
    "self",
    "type",
];

const PATH_WORDS: &[&str] = &[
    "users", "a-b", "v1", "items", "é", "x.json", "_", "2", "a`b", "``",
];

#[derive(Debug, Clone)]
enum Prim {
    Str(Option<&'static str>),
    Int(Option<&'static str>),
    Num(Option<&'static str>),
    Bool,
}

#[derive(Debug, Clone)]
struct Schema {
    node: Node,
    nullable: bool,
    description: Option<&'static str>,
    /// readOnly, writeOnly, deprecated.
    flags: (bool, bool, bool),
    /// Emit a `default` (taken from the enum values for enums).
    default: bool,
    /// Emit constraints fitting the type (`minimum`, `pattern`, ...), or other keywords the
    /// generator only documents (`example`, `x-inferred`, `externalDocs`, `xml`).
    extras: Option<u8>,
}

#[derive(Debug, Clone)]
enum Node {
    Prim(Prim),
    Any,
    /// Values, and whether `null` is listed among them.
    StrEnum(Vec<String>, bool),
    IntEnum(Vec<i64>),
    BoolEnum(Vec<bool>),
    /// A component, by index modulo the allowed range (see `Ctx`).
    Ref(usize),
    /// A property of a component object (`#/components/schemas/A/properties/p`), by
    /// indices modulo what exists; only where it cannot close a cycle (see `Ctx`).
    DeepRef(usize, usize),
    Not(Box<Schema>),
    Array(Box<Schema>),
    Map(Box<Schema>),
    Object(Obj),
    OneOf(Vec<Schema>),
    AnyOf(Vec<Schema>),
    AllOf(Vec<usize>, Option<Obj>),
}

#[derive(Debug, Clone)]
struct Obj {
    props: Vec<(String, Schema, bool)>,
    additional: Option<Additional>,
}

#[derive(Debug, Clone)]
enum Additional {
    Bool(bool),
    Schema(Box<Schema>),
}

#[derive(Debug, Clone)]
enum Comp {
    Plain(Schema),
    /// A `oneOf`/`anyOf` of component objects with a discriminator; members are indices
    /// below the union's own (fixed up so that every member is an object with the tag).
    Tagged {
        property: String,
        members: Vec<usize>,
        /// Mapping values, one per member (`None`: not in the mapping).
        mapping: Vec<Option<String>>,
        any_of: bool,
    },
}

#[derive(Debug, Clone)]
enum Seg {
    Lit(&'static str),
    Param(&'static str, Schema),
}

#[derive(Debug, Clone)]
struct Param {
    name: &'static str,
    location: &'static str,
    schema: Schema,
    required: bool,
    /// `style` (for query parameters), `explode`.
    style: Option<(&'static str, bool)>,
    /// Described with `content: application/json` instead of `schema`.
    content: bool,
}

#[derive(Debug, Clone)]
enum Body {
    Json(&'static str, Schema),
    Multipart(Vec<(String, Schema, bool)>, Option<usize>),
    Form(Obj),
    Bytes(&'static str),
    /// `#/components/requestBodies/Shared`.
    Shared,
    /// Several media types: the first JSON one is used.
    Mixed(Schema, Obj),
}

#[derive(Debug, Clone)]
struct Resp {
    code: &'static str,
    /// Media type and schema; `None`: no content.
    content: Option<(&'static str, Option<Schema>)>,
    /// Use `#/components/responses/Shared` instead.
    shared: bool,
}

#[derive(Debug, Clone)]
struct Op {
    segs: Vec<Seg>,
    trailing_slash: bool,
    method: &'static str,
    id: Option<String>,
    tags: Vec<&'static str>,
    /// Path parameters declared on the path item instead of the operation.
    path_level: bool,
    params: Vec<Param>,
    body: Option<(Body, bool)>,
    responses: Vec<Resp>,
    rust_method: Option<&'static str>,
    /// Add `$ref: '#/components/parameters/Limit'`.
    shared_param: bool,
    summary: Option<&'static str>,
    deprecated: bool,
}

#[derive(Debug, Clone)]
struct Api {
    title: &'static str,
    description: Option<&'static str>,
    server: Option<&'static str>,
    security: Option<usize>,
    comps: Vec<(String, Comp)>,
    ops: Vec<Op>,
    tag_docs: Vec<(&'static str, Option<&'static str>)>,
}

fn name_from(pool: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => select(pool).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_$@. é-]{0,6}",
    ]
}

fn prim() -> impl Strategy<Value = Prim> + Clone {
    prop_oneof![
        3 => option::of(select(STRING_FORMATS)).prop_map(Prim::Str),
        2 => option::of(select(INT_FORMATS)).prop_map(Prim::Int),
        1 => option::of(select(NUMBER_FORMATS)).prop_map(Prim::Num),
        1 => Just(Prim::Bool),
    ]
}

fn int_value() -> impl Strategy<Value = i64> + Clone {
    prop_oneof![
        4 => -3i64..12,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => any::<i64>(),
    ]
}

fn leaf_node() -> BoxedStrategy<Node> {
    prop_oneof![
        4 => prim().prop_map(Node::Prim),
        1 => Just(Node::Any),
        2 => (vec(name_from(ENUM_VALUES), 1..5), prop::bool::weighted(0.2))
            .prop_map(|(v, null)| Node::StrEnum(v, null)),
        1 => vec(int_value(), 1..5).prop_map(Node::IntEnum),
        1 => vec(any::<bool>(), 1..3).prop_map(Node::BoolEnum),
        3 => (0usize..64).prop_map(Node::Ref),
        1 => (0usize..64, 0usize..64).prop_map(|(c, p)| Node::DeepRef(c, p)),
    ]
    .boxed()
}

fn with_flags(node: impl Strategy<Value = Node> + Clone + 'static) -> BoxedStrategy<Schema> {
    (
        node,
        prop::bool::weighted(0.25),
        option::weighted(0.3, select(DOCS)),
        (
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
        ),
        prop::bool::weighted(0.15),
        option::weighted(0.2, any::<u8>()),
    )
        .prop_map(
            |(node, nullable, description, flags, default, extras)| Schema {
                node,
                nullable,
                description,
                flags,
                default,
                extras,
            },
        )
        .boxed()
}

fn obj(
    inner: impl Strategy<Value = Schema> + Clone + 'static,
) -> impl Strategy<Value = Obj> + Clone {
    let additional = option::weighted(
        0.3,
        prop_oneof![
            any::<bool>().prop_map(Additional::Bool),
            inner.clone().prop_map(|s| Additional::Schema(Box::new(s))),
        ],
    );
    (
        vec((name_from(PROPERTY_NAMES), inner, any::<bool>()), 1..5),
        additional,
    )
        .prop_map(|(props, additional)| Obj { props, additional })
}

fn schema() -> BoxedStrategy<Schema> {
    with_flags(leaf_node())
        .prop_recursive(3, 20, 4, |inner| {
            with_flags(prop_oneof![
                2 => inner.clone().prop_map(|s| Node::Array(Box::new(s))),
                1 => inner.clone().prop_map(|s| Node::Map(Box::new(s))),
                3 => obj(inner.clone()).prop_map(Node::Object),
                1 => vec(inner.clone(), 1..4).prop_map(Node::OneOf),
                1 => vec(inner.clone(), 1..3).prop_map(Node::AnyOf),
                1 => (vec(0usize..64, 1..3), option::of(obj(inner.clone())))
                    .prop_map(|(refs, o)| Node::AllOf(refs, o)),
                1 => inner.clone().prop_map(|s| Node::Not(Box::new(s))),
            ])
        })
        .boxed()
}

fn comp() -> BoxedStrategy<Comp> {
    prop_oneof![
        5 => schema().prop_map(Comp::Plain),
        // Objects are likelier at the top: they are what discriminated unions need.
        2 => with_flags(obj(schema()).prop_map(Node::Object)).prop_map(Comp::Plain),
        1 => (
            name_from(&["type", "kind", "@type", "$type", "self", "object_type", "", "Kind"]),
            vec(0usize..64, 1..4),
            vec(option::of(name_from(ENUM_VALUES)), 4),
            any::<bool>(),
        )
            .prop_map(|(property, members, mapping, any_of)| Comp::Tagged {
                property,
                members,
                mapping,
                any_of,
            }),
    ]
    .boxed()
}

fn param_schema() -> BoxedStrategy<Schema> {
    prop_oneof![
        3 => with_flags(prim().prop_map(Node::Prim)),
        1 => with_flags(leaf_node()),
        1 => schema(),
    ]
    .boxed()
}

fn param() -> BoxedStrategy<Param> {
    let query_style = option::of((
        select(&["form", "spaceDelimited", "pipeDelimited", "deepObject"][..]),
        any::<bool>(),
    ));
    prop_oneof![
        3 => (select(PARAM_NAMES), param_schema(), any::<bool>(), query_style, prop::bool::weighted(0.1))
            .prop_map(|(name, schema, required, style, content)| Param {
                name,
                location: "query",
                schema,
                required,
                style,
                content,
            }),
        1 => (select(HEADER_NAMES), param_schema(), any::<bool>())
            .prop_map(|(name, schema, required)| Param {
                name,
                location: "header",
                schema,
                required,
                style: None,
                content: false,
            }),
        1 => (select(PARAM_NAMES), param_schema(), any::<bool>())
            .prop_map(|(name, schema, required)| Param {
                name,
                location: "cookie",
                schema,
                required,
                style: None,
                content: false,
            }),
    ]
    .boxed()
}

fn part() -> BoxedStrategy<Schema> {
    let binary = || Node::Prim(Prim::Str(Some("binary")));
    prop_oneof![
        3 => with_flags(Just(binary())),
        2 => with_flags(Just(binary()).prop_map(|b| Node::Array(Box::new(Schema {
            node: b,
            nullable: false,
            description: None,
            flags: (false, false, false),
            default: false,
            extras: None,
        })))),
        3 => with_flags(prim().prop_map(Node::Prim)),
        1 => schema(),
    ]
    .boxed()
}

fn body() -> BoxedStrategy<Body> {
    prop_oneof![
        4 => (
            select(&["application/json", "application/vnd.api+json", "*/*", "application/json; charset=utf-8"][..]),
            schema(),
        )
            .prop_map(|(media, s)| Body::Json(media, s)),
        2 => (
            vec((name_from(PROPERTY_NAMES), part(), any::<bool>()), 1..5),
            option::weighted(0.3, 0usize..64),
        )
            .prop_map(|(parts, via)| Body::Multipart(parts, via)),
        1 => obj(schema()).prop_map(Body::Form),
        1 => select(&["application/octet-stream", "image/png", "text/plain"][..]).prop_map(Body::Bytes),
        1 => Just(Body::Shared),
        1 => (schema(), obj(part())).prop_map(|(s, o)| Body::Mixed(s, o)),
    ]
    .boxed()
}

fn response() -> BoxedStrategy<Resp> {
    let content = option::weighted(
        0.7,
        (
            select(
                &[
                    "application/json",
                    "application/problem+json",
                    "text/plain",
                    "application/octet-stream",
                ][..],
            ),
            option::weighted(0.9, schema()),
        ),
    );
    (
        select(
            &[
                "200", "201", "202", "204", "2XX", "default", "400", "404", "500",
            ][..],
        ),
        content,
        prop::bool::weighted(0.15),
    )
        .prop_map(|(code, content, shared)| Resp {
            code,
            content,
            shared,
        })
        .boxed()
}

fn seg() -> BoxedStrategy<Seg> {
    prop_oneof![
        2 => select(PATH_WORDS).prop_map(Seg::Lit),
        1 => (
            select(PARAM_NAMES),
            prop_oneof![
                3 => with_flags(prim().prop_map(Node::Prim)),
                1 => with_flags(leaf_node()),
            ],
        )
            .prop_map(|(n, s)| Seg::Param(n, s)),
    ]
    .boxed()
}

fn op() -> BoxedStrategy<Op> {
    (
        (
            vec(seg(), 0..4),
            prop::bool::weighted(0.1),
            select(
                &[
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ][..],
            ),
            option::weighted(0.8, name_from(OPERATION_IDS)),
            vec(select(TAGS), 0..2),
            any::<bool>(),
        ),
        (
            vec(param(), 0..4),
            option::weighted(0.4, (body(), any::<bool>())),
            vec(response(), 1..4),
            option::weighted(0.1, select(OPERATION_IDS)),
            option::weighted(0.3, select(DOCS)),
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.15),
        ),
    )
        .prop_map(
            |(
                (segs, trailing_slash, method, id, tags, path_level),
                (params, body, responses, rust_method, summary, deprecated, shared_param),
            )| Op {
                segs,
                trailing_slash,
                method,
                id,
                tags,
                path_level,
                params,
                body,
                responses,
                rust_method,
                summary,
                deprecated,
                shared_param,
            },
        )
        .boxed()
}

fn api() -> BoxedStrategy<Api> {
    (
        (
            select(
                &[
                    "API",
                    "Pet \"store\"",
                    "é",
                    "",
                    "a\\b",
                    "multi\nline",
                    "bare \r CR",
                    "*/ #![x]",
                ][..],
            ),
            option::of(select(DOCS)),
        ),
        option::of(select(
            &["https://api.example.com/v1/", "/relative", "{scheme}://x"][..],
        )),
        option::weighted(0.3, 0usize..5),
        vec(
            (
                prop_oneof![
                    4 => select(COMPONENT_KEYS).prop_map(str::to_owned),
                    1 => "[a-zA-Z0-9._-]{1,8}",
                ],
                comp(),
            ),
            0..7,
        ),
        vec(op(), 0..5),
        vec((select(TAGS), option::of(select(DOCS))), 0..3),
    )
        .prop_map(
            |((title, description), server, security, comps, ops, tag_docs)| Api {
                title,
                description,
                server,
                security,
                comps,
                ops,
                tag_docs,
            },
        )
        .boxed()
}

/// Where a schema sits, which decides what a `Ref(k)` may point to. Every cycle of `$ref`s
/// must pass through an object property or a union: a cycle made only of aliases
/// (`A: {items: A}`, `A: {allOf: [A]}`) has no Rust type, and the generator refuses it on
/// purpose. So refs at the top of a component (aliases, allOf members, array items, map
/// values) only point to components with a lower index (or, under an array or a map among
/// the alternatives of a union, to the union itself); refs under an object property point
/// anywhere. A union that holds itself directly (`U: {oneOf: [{$ref: U}, ...]}`) could not
/// decode anything and is refused (`tests/fixtures/broken/union_includes_itself*.yaml`).
#[derive(Clone, Copy)]
struct Ctx<'a> {
    keys: &'a [String],
    /// Plain object components and their property names.
    object_props: &'a [(usize, Vec<String>)],
    /// The component being rendered (`None`: an operation).
    owner: Option<usize>,
    under_property: bool,
    /// Among the top-level alternatives of a union with several: an array or a map here may
    /// hold the union itself (`U: {oneOf: [{type: array, items: {$ref: U}}, ...]}`).
    in_union: bool,
    /// Refs may point to the component itself (under such an array or map).
    self_allowed: bool,
}

impl Ctx<'_> {
    fn target(&self, k: usize) -> Option<usize> {
        let n = self.keys.len();
        if n == 0 {
            return None;
        }
        match self.owner {
            Some(i) if !self.under_property && self.self_allowed => Some(k % (i + 1)),
            Some(i) if !self.under_property => (i > 0).then(|| k % i),
            _ => Some(k % n),
        }
    }

    /// Inside an array or a map: a union's alternative may hold the union here.
    fn container(self) -> Self {
        Ctx {
            self_allowed: self.self_allowed || self.in_union,
            ..self
        }
    }

    fn property(self) -> Self {
        Ctx {
            under_property: true,
            ..self
        }
    }

    /// A `$ref` to a property of a component object, from an operation only: from a
    /// component it could close a cycle of aliases (`B: {$ref: '#/.../A/properties/p'}` with
    /// `A.p: {$ref: B}`), which has no Rust type. Property names are escaped (RFC 6901) and
    /// percent-encoded (RFC 3986 fragment), fully or only `%`.
    fn deep_reference(&self, c: usize, p: usize) -> Option<Value> {
        let allowed: Vec<&(usize, Vec<String>)> = self
            .object_props
            .iter()
            .filter(|(_, props)| self.owner.is_none() && !props.is_empty())
            .collect();
        if allowed.is_empty() {
            return None;
        }
        let (t, props) = allowed[c % allowed.len()];
        let prop = props[p % props.len()].replace('~', "~0").replace('/', "~1");
        let mut encoded = String::new();
        for ch in prop.chars() {
            let keep = if p.is_multiple_of(2) {
                ch != '%'
            } else {
                ch.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?".contains(ch)
            };
            if keep {
                encoded.push(ch);
            } else {
                let mut buf = [0; 4];
                for b in ch.encode_utf8(&mut buf).bytes() {
                    encoded.push_str(&format!("%{b:02X}"));
                }
            }
        }
        let base = self.reference(*t)["$ref"].as_str()?.to_owned();
        Some(json!({ "$ref": format!("{base}/properties/{encoded}") }))
    }

    fn reference(&self, i: usize) -> Value {
        let key = self.keys[i].replace('~', "~0").replace('/', "~1");
        json!({ "$ref": format!("#/components/schemas/{key}") })
    }
}

fn prim_json(p: &Prim) -> Value {
    let (ty, format) = match p {
        Prim::Str(f) => ("string", f),
        Prim::Int(f) => ("integer", f),
        Prim::Num(f) => ("number", f),
        Prim::Bool => ("boolean", &None),
    };
    let mut m = Map::new();
    m.insert("type".into(), ty.into());
    if let Some(f) = format {
        m.insert("format".into(), (*f).into());
    }
    Value::Object(m)
}

fn default_for(node: &Node) -> Option<Value> {
    Some(match node {
        Node::Prim(Prim::Str(_)) => json!("dflt"),
        Node::Prim(Prim::Int(_)) => json!(7),
        Node::Prim(Prim::Num(_)) => json!(1.5),
        Node::Prim(Prim::Bool) => json!(true),
        Node::StrEnum(values, _) => json!(values.last()?),
        Node::IntEnum(values) => json!(values.first()?),
        Node::Array(_) => json!([]),
        Node::Object(_) | Node::Map(_) => json!({}),
        _ => return None,
    })
}

fn render_obj(o: &Obj, ctx: Ctx<'_>) -> Map<String, Value> {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, s, req) in &o.props {
        if props.contains_key(name) {
            continue;
        }
        props.insert(name.clone(), render(s, ctx.property()));
        if *req {
            required.push(Value::from(name.as_str()));
        }
    }
    let mut m = Map::new();
    m.insert("type".into(), "object".into());
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    m.insert("properties".into(), Value::Object(props));
    match &o.additional {
        None => {}
        Some(Additional::Bool(b)) => {
            m.insert("additionalProperties".into(), (*b).into());
        }
        Some(Additional::Schema(s)) => {
            m.insert("additionalProperties".into(), render(s, ctx.property()));
        }
    }
    m
}

fn render(s: &Schema, ctx: Ctx<'_>) -> Value {
    let m = match &s.node {
        Node::Prim(p) => return with_annotations(prim_json(p), s),
        Node::Any => Map::new(),
        Node::StrEnum(values, null) => {
            let mut values: Vec<Value> = values.iter().map(|v| v.as_str().into()).collect();
            if *null {
                values.push(Value::Null);
            }
            let mut m = Map::new();
            m.insert("type".into(), "string".into());
            m.insert("enum".into(), Value::Array(values));
            if *null {
                m.insert("nullable".into(), true.into());
            }
            m
        }
        Node::IntEnum(values) => {
            let mut m = Map::new();
            m.insert("type".into(), "integer".into());
            m.insert("enum".into(), json!(values));
            m
        }
        Node::BoolEnum(values) => {
            let mut m = Map::new();
            m.insert("type".into(), "boolean".into());
            m.insert("enum".into(), json!(values));
            m
        }
        Node::Not(inner) => {
            let mut m = Map::new();
            m.insert("not".into(), render(inner, ctx));
            m
        }
        Node::DeepRef(c, p) => {
            let Some(reference) = ctx.deep_reference(*c, *p) else {
                return with_annotations(json!({"type": "integer"}), s);
            };
            return reference;
        }
        Node::Ref(k) => {
            let Some(target) = ctx.target(*k) else {
                return with_annotations(json!({"type": "string"}), s);
            };
            let reference = ctx.reference(target);
            // `$ref` siblings are ignored in 3.0: annotations go beside an `allOf` instead.
            if s.nullable || s.description.is_some() {
                let mut m = Map::new();
                m.insert("allOf".into(), json!([reference]));
                m
            } else {
                return reference;
            }
        }
        Node::Array(item) => {
            let mut m = Map::new();
            m.insert("type".into(), "array".into());
            m.insert("items".into(), render(item, ctx.container()));
            m
        }
        Node::Map(value) => {
            let mut m = Map::new();
            m.insert("type".into(), "object".into());
            m.insert(
                "additionalProperties".into(),
                render(value, ctx.container()),
            );
            m
        }
        Node::Object(o) => render_obj(o, ctx),
        Node::OneOf(members) | Node::AnyOf(members) => {
            let key = if matches!(s.node, Node::OneOf(_)) {
                "oneOf"
            } else {
                "anyOf"
            };
            // The top-level alternatives of a component may include itself in an array or a map.
            let members_ctx = Ctx {
                in_union: ctx.in_union || (ctx.owner.is_some() && members.len() > 1),
                ..ctx
            };
            let mut m = Map::new();
            m.insert(
                key.into(),
                members
                    .iter()
                    .map(|member| render(member, members_ctx))
                    .collect(),
            );
            m
        }
        Node::AllOf(refs, inline) => {
            let mut members: Vec<Value> = refs
                .iter()
                .filter_map(|k| ctx.target(*k))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|t| ctx.reference(t))
                .collect();
            if let Some(o) = inline {
                members.push(Value::Object(render_obj(o, ctx)));
            }
            if members.is_empty() {
                return with_annotations(json!({"type": "string"}), s);
            }
            let mut m = Map::new();
            m.insert("allOf".into(), Value::Array(members));
            m
        }
    };
    with_annotations(Value::Object(m), s)
}

fn with_annotations(mut v: Value, s: &Schema) -> Value {
    let Value::Object(m) = &mut v else { return v };
    if s.nullable {
        m.insert("nullable".into(), true.into());
    }
    if let Some(d) = s.description {
        m.insert("description".into(), d.into());
    }
    let (read_only, write_only, deprecated) = s.flags;
    // readOnly and writeOnly together are invalid (OpenAPI 3.0, 4.7.25.1).
    if read_only {
        m.insert("readOnly".into(), true.into());
    } else if write_only {
        m.insert("writeOnly".into(), true.into());
    }
    if deprecated {
        m.insert("deprecated".into(), true.into());
    }
    if s.default
        && let Some(d) = default_for(&s.node)
    {
        m.insert("default".into(), d);
    }
    if let Some(e) = s.extras {
        let fitting = match (&s.node, e % 3) {
            (Node::Prim(Prim::Int(_) | Prim::Num(_)) | Node::IntEnum(_), 0) => json!({
                "minimum": -1e30, "maximum": 18446744073709551615u64, "multipleOf": 0.5
            }),
            (Node::Prim(Prim::Int(_) | Prim::Num(_)) | Node::IntEnum(_), _) => json!({
                "minimum": 0, "exclusiveMinimum": true, "maximum": 100, "exclusiveMaximum": false
            }),
            (Node::Prim(Prim::Str(_)) | Node::StrEnum(..), _) => json!({
                "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+\\d*`|*/$"
            }),
            (Node::Array(_), _) => json!({"minItems": 0, "maxItems": 3, "uniqueItems": true}),
            (Node::Object(_) | Node::Map(_), _) => json!({"minProperties": 1, "maxProperties": 9}),
            _ => json!({}),
        };
        let other = match e % 4 {
            0 => json!({"example": {"any": ["json", 1, null]}}),
            1 => json!({"x-inferred": "not documented; *guessed*"}),
            2 => json!({"x-inferred": {"not": "a string"}, "x-other": [1]}),
            _ => json!({"externalDocs": {"url": "https://example.com"}, "xml": {"name": "x"}}),
        };
        for (k, v) in fitting
            .as_object()
            .into_iter()
            .chain(other.as_object())
            .flatten()
        {
            m.insert(k.clone(), v.clone());
        }
    }
    v
}

fn is_plain_object(c: &Comp) -> bool {
    matches!(
        c,
        Comp::Plain(Schema {
            node: Node::Object(_),
            nullable: false,
            ..
        })
    )
}

/// Unique component keys, and tagged unions whose members are objects that carry the tag.
fn fix_components(mut comps: Vec<(String, Comp)>) -> Vec<(String, Comp)> {
    let mut seen = BTreeSet::new();
    for (i, (key, _)) in comps.iter_mut().enumerate() {
        while !seen.insert(key.clone()) {
            *key = format!("{key}_{i}");
        }
    }
    let mut tags: Vec<(usize, String)> = Vec::new();
    for i in 0..comps.len() {
        let Comp::Tagged {
            property, members, ..
        } = &comps[i].1
        else {
            continue;
        };
        let mut kept: Vec<usize> = Vec::new();
        for m in members.iter().map(|m| m % i.max(1)) {
            if m < i && is_plain_object(&comps[m].1) && !kept.contains(&m) {
                kept.push(m);
            }
        }
        let property = property.clone();
        tags.extend(kept.iter().map(|&m| (m, property.clone())));
        if let Comp::Tagged { members, .. } = &mut comps[i].1 {
            *members = kept;
        }
    }
    for (m, property) in tags {
        if let Comp::Plain(Schema {
            node: Node::Object(o),
            ..
        }) = &mut comps[m].1
        {
            o.props.retain(|(name, _, _)| *name != property);
            o.props.insert(
                0,
                (
                    property,
                    Schema {
                        node: Node::Prim(Prim::Str(None)),
                        nullable: false,
                        description: None,
                        flags: (false, false, false),
                        default: false,
                        extras: None,
                    },
                    true,
                ),
            );
        }
    }
    comps
}

fn render_comp(i: usize, c: &Comp, ctx: Ctx<'_>) -> Value {
    match c {
        Comp::Plain(s) => render(s, ctx),
        Comp::Tagged {
            property,
            members,
            mapping,
            any_of,
        } => {
            if members.is_empty() {
                return json!({"type": "string", "description": "no object to tag"});
            }
            let refs: Vec<Value> = members.iter().map(|&m| ctx.reference(m)).collect();
            let mut map = Map::new();
            for (&m, value) in members.iter().zip(mapping) {
                if let Some(value) = value
                    && !map.contains_key(value)
                {
                    map.insert(value.clone(), ctx.reference(m)["$ref"].clone());
                }
            }
            let mut d = Map::new();
            d.insert("propertyName".into(), property.as_str().into());
            if !map.is_empty() {
                d.insert("mapping".into(), Value::Object(map));
            }
            let key = if *any_of { "anyOf" } else { "oneOf" };
            json!({ key: refs, "discriminator": d, "description": format!("Tagged union {i}.") })
        }
    }
}

fn param_json(p: &Param, ctx: Ctx<'_>) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), p.name.into());
    m.insert("in".into(), p.location.into());
    if p.required {
        m.insert("required".into(), true.into());
    }
    let schema = render(&p.schema, ctx);
    if p.content {
        m.insert(
            "content".into(),
            json!({"application/json": {"schema": schema}}),
        );
    } else {
        m.insert("schema".into(), schema);
        if let Some((style, explode)) = p.style {
            m.insert("style".into(), style.into());
            m.insert("explode".into(), explode.into());
        }
    }
    Value::Object(m)
}

fn body_json(b: &Body, required: bool, ctx: Ctx<'_>, objects: &[usize]) -> Value {
    let content = match b {
        Body::Json(media, s) => json!({ *media: {"schema": render(s, ctx)} }),
        Body::Multipart(parts, via) => {
            let schema = match via {
                // A multipart body by reference to a component object.
                Some(k) if !objects.is_empty() => ctx.reference(objects[k % objects.len()]),
                _ => {
                    let o = Obj {
                        props: parts.clone(),
                        additional: None,
                    };
                    Value::Object(render_obj(&o, ctx))
                }
            };
            json!({"multipart/form-data": {"schema": schema}})
        }
        Body::Form(o) => {
            json!({"application/x-www-form-urlencoded": {"schema": render_obj(o, ctx)}})
        }
        Body::Bytes(media) => {
            json!({ *media: {"schema": {"type": "string", "format": "binary"}} })
        }
        Body::Shared => return json!({"$ref": "#/components/requestBodies/Shared"}),
        Body::Mixed(s, o) => json!({
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": render_obj(o, ctx)},
            "application/json": {"schema": render(s, ctx)},
            "application/xml": {},
        }),
    };
    json!({"required": required, "content": content})
}

fn response_json(r: &Resp, ctx: Ctx<'_>) -> Value {
    if r.shared {
        return json!({"$ref": "#/components/responses/Shared"});
    }
    let mut m = Map::new();
    m.insert("description".into(), format!("Status {}.", r.code).into());
    if let Some((media, schema)) = &r.content {
        let mt = match schema {
            Some(s) => json!({"schema": render(s, ctx)}),
            None => json!({}),
        };
        m.insert("content".into(), json!({ *media: mt }));
    }
    Value::Object(m)
}

fn render_api(api: Api) -> Doc {
    let comps = fix_components(api.comps);
    let keys: Vec<String> = comps.iter().map(|(k, _)| k.clone()).collect();
    let objects: Vec<usize> = (0..comps.len())
        .filter(|&i| is_plain_object(&comps[i].1))
        .collect();
    // The names `render_obj` keeps (it drops repeats).
    let object_props: Vec<(usize, Vec<String>)> = objects
        .iter()
        .map(|&i| {
            let Comp::Plain(Schema {
                node: Node::Object(o),
                ..
            }) = &comps[i].1
            else {
                unreachable!("objects are plain objects")
            };
            let mut names: Vec<String> = Vec::new();
            for (name, _, _) in &o.props {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            (i, names)
        })
        .collect();
    let mut schemas = Map::new();
    for (i, (key, c)) in comps.iter().enumerate() {
        let ctx = Ctx {
            keys: &keys,
            object_props: &object_props,
            owner: Some(i),
            under_property: false,
            in_union: false,
            self_allowed: false,
        };
        schemas.insert(key.clone(), render_comp(i, c, ctx));
    }
    let ctx = Ctx {
        keys: &keys,
        object_props: &object_props,
        owner: None,
        under_property: false,
        in_union: false,
        self_allowed: false,
    };

    let mut paths: Map<String, Value> = Map::new();
    let mut ids = BTreeSet::new();
    for (n, op) in api.ops.iter().enumerate() {
        // Path parameter names are unique within a template.
        let mut names = BTreeSet::new();
        let mut path = String::new();
        let mut path_params = Vec::new();
        for s in &op.segs {
            match s {
                Seg::Lit(w) => path.push_str(&format!("/{w}")),
                Seg::Param(name, schema) if names.insert(*name) => {
                    path.push_str(&format!("/{{{name}}}"));
                    path_params.push(json!({
                        "name": name, "in": "path", "required": true,
                        "schema": render(schema, ctx),
                    }));
                }
                Seg::Param(..) => {}
            }
        }
        if path.is_empty() || op.trailing_slash {
            path.push('/');
        }
        let item = paths
            .entry(path)
            .or_insert_with(|| {
                if op.path_level && !path_params.is_empty() {
                    json!({"parameters": path_params.clone()})
                } else {
                    json!({})
                }
            })
            .as_object_mut()
            .expect("path items are objects");
        if item.contains_key(op.method) {
            continue;
        }
        let mut o = Map::new();
        if let Some(id) = &op.id {
            let mut id = id.clone();
            if !ids.insert(id.clone()) {
                id = format!("{id}_{n}");
                ids.insert(id.clone());
            }
            o.insert("operationId".into(), id.into());
        }
        if !op.tags.is_empty() {
            o.insert("tags".into(), json!(op.tags));
        }
        if let Some(s) = op.summary {
            o.insert("summary".into(), s.into());
        }
        if op.deprecated {
            o.insert("deprecated".into(), true.into());
        }
        if let Some(m) = op.rust_method {
            o.insert("x-rust-method".into(), m.into());
        }
        let mut params: Vec<Value> = if item.contains_key("parameters") {
            Vec::new()
        } else {
            path_params
        };
        let mut declared = BTreeSet::new();
        for p in &op.params {
            if declared.insert((p.name, p.location)) {
                params.push(param_json(p, ctx));
            }
        }
        if op.shared_param {
            params.push(json!({"$ref": "#/components/parameters/Limit"}));
        }
        if !params.is_empty() {
            o.insert("parameters".into(), Value::Array(params));
        }
        if let Some((b, required)) = &op.body {
            o.insert("requestBody".into(), body_json(b, *required, ctx, &objects));
        }
        let mut responses = Map::new();
        for r in &op.responses {
            if !responses.contains_key(r.code) {
                responses.insert(r.code.into(), response_json(r, ctx));
            }
        }
        o.insert("responses".into(), Value::Object(responses));
        item.insert(op.method.into(), Value::Object(o));
    }

    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    components.insert(
        "responses".into(),
        json!({"Shared": {
            "description": "A shared response.",
            "content": {"application/json": {"schema": {
                "type": "object", "properties": {"message": {"type": "string"}}
            }}}
        }}),
    );
    components.insert(
        "parameters".into(),
        json!({"Limit": {
            "name": "limit", "in": "query", "description": "Page size.",
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "default": 20}
        }}),
    );
    components.insert(
        "requestBodies".into(),
        json!({"Shared": {
            "description": "A shared body.",
            "required": true,
            "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}
            }}}
        }}),
    );
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": api.title, "version": "1.0.0"},
        "paths": paths,
        "components": components,
    });
    if let Some(d) = api.description {
        doc["info"]["description"] = d.into();
    }
    if let Some(url) = api.server {
        doc["servers"] = json!([{"url": url}]);
        if url.contains("{scheme}") {
            // A URL variable must be declared: its `default` is what the client sends.
            doc["servers"][0]["variables"] = json!({"scheme": {"default": "https"}});
        }
    }
    if let Some(s) = api.security {
        let scheme = [
            json!({"type": "apiKey", "in": "header", "name": "X-Key"}),
            json!({"type": "apiKey", "in": "query", "name": "key"}),
            json!({"type": "http", "scheme": "basic"}),
            json!({"type": "http", "scheme": "bearer"}),
            json!({"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "https://example.com/token", "scopes": {"read": "Read."}
            }}}),
        ][s % 5]
            .clone();
        doc["components"]["securitySchemes"] = json!({"auth": scheme});
        doc["security"] = json!([{"auth": []}]);
    }
    let mut tags = Vec::new();
    let mut tag_names = BTreeSet::new();
    for (name, description) in api.tag_docs {
        if tag_names.insert(name) {
            let mut t = json!({"name": name});
            if let Some(d) = description {
                t["description"] = d.into();
            }
            tags.push(t);
        }
    }
    if !tags.is_empty() {
        doc["tags"] = Value::Array(tags);
    }
    Doc(doc)
}

fn valid_document() -> impl Strategy<Value = Doc> {
    api().prop_map(render_api)
}

/// The last segment of a type path (`crate::runtime::Client` -> `Client`).
fn type_name_of(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type an inherent impl is for, by its last path segment (however the path is spelled)
/// and its type arguments. Aliases of `types.rs` are not followed: an operation builder may
/// share its name with a type alias there (`api::Empty` beside `types::Empty = String`).
fn impl_owner_key(ty: &syn::Type) -> String {
    let syn::Type::Path(p) = ty else {
        return "?".to_owned();
    };
    let Some(last) = p.path.segments.last() else {
        return "?".to_owned();
    };
    let last = syn::Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path: syn::Path::from(last.clone()),
    });
    type_key(&last, &BTreeMap::new())
}

/// Methods of the runtime's `Client` that generated accessors (`impl crate::runtime::Client`
/// in `mod.rs`) must not redefine or shadow: its inherent methods, and `clone`, which the
/// accessors call.
fn runtime_client_methods() -> &'static BTreeSet<String> {
    static METHODS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    METHODS.get_or_init(|| {
        let mut out = BTreeSet::from(["clone".to_owned()]);
        for (path, text) in generator::runtime::FILES {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("runtime {path}: {e}"));
            for item in &file.items {
                if let syn::Item::Impl(i) = item
                    && i.trait_.is_none()
                    && type_name_of(&i.self_ty).as_deref() == Some("Client")
                {
                    for f in &i.items {
                        if let syn::ImplItem::Fn(f) = f {
                            out.insert(f.sig.ident.to_string());
                        }
                    }
                }
            }
        }
        out
    })
}

/// Type names a field type may use without `types.rs` defining them.
const KNOWN_TYPES: &[&str] = &[
    "String", "Vec", "Option", "Box", "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
    "f32", "f64", "Self",
];

fn referenced_types(ty: &syn::Type, out: &mut Vec<String>) {
    match ty {
        syn::Type::Path(p) => {
            if p.path.segments.len() == 1 {
                out.push(p.path.segments[0].ident.to_string());
            }
            for seg in &p.path.segments {
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(t) = arg {
                            referenced_types(t, out);
                        }
                    }
                }
            }
        }
        syn::Type::Reference(r) => referenced_types(&r.elem, out),
        _ => {}
    }
}

/// A type as text, with single-name aliases of `aliases` followed (`type A = B;`).
fn type_key(ty: &syn::Type, aliases: &BTreeMap<String, String>) -> String {
    let p = match ty {
        syn::Type::Path(p) => p,
        syn::Type::Reference(r) => return format!("&{}", type_key(&r.elem, aliases)),
        _ => return "?".to_owned(),
    };
    let mut parts = Vec::new();
    for seg in &p.path.segments {
        let mut part = seg.ident.to_string();
        if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
            let inner: Vec<String> = args
                .args
                .iter()
                .map(|a| match a {
                    syn::GenericArgument::Type(t) => type_key(t, aliases),
                    _ => "?".to_owned(),
                })
                .collect();
            part = format!("{part}<{}>", inner.join(","));
        }
        parts.push(part);
    }
    let mut key = parts.join("::");
    for _ in 0..32 {
        match aliases.get(&key) {
            Some(next) => key = next.clone(),
            None => break,
        }
    }
    key
}

/// What a compiler would refuse in output that parses: a name defined twice in one
/// namespace (items of a file, fields of a struct, variants of an enum, inherent methods of
/// a type, accessors that clash with the runtime `Client`), a trait implemented twice for a
/// type (or `From<T> for T`, which core already has), or a type that is used but not
/// defined in `types.rs`.
fn definition_problems(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut aliases = BTreeMap::new();
    if let Some(file) = files.get("types.rs").and_then(|t| syn::parse_file(t).ok()) {
        for item in &file.items {
            if let syn::Item::Type(t) = item {
                aliases.insert(t.ident.to_string(), type_key(&t.ty, &BTreeMap::new()));
            }
        }
    }
    let mut defined_types = BTreeSet::new();
    let mut used_types: Vec<(String, String)> = Vec::new();
    for (name, text) in files {
        let Ok(file) = syn::parse_file(text) else {
            continue;
        };
        let mut types = BTreeSet::new();
        let mut values = BTreeSet::new();
        let mut methods = BTreeSet::new();
        let mut trait_impls = BTreeSet::new();
        let twice = |what: &str, ok: bool, problems: &mut Vec<String>| {
            if !ok {
                problems.push(format!("{name}: {what} is defined twice"));
            }
        };
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => {
                    twice(
                        &format!("type `{}`", s.ident),
                        types.insert(s.ident.to_string()),
                        &mut problems,
                    );
                    let mut fields = BTreeSet::new();
                    for f in &s.fields {
                        if let Some(id) = &f.ident {
                            twice(
                                &format!("field `{}::{id}`", s.ident),
                                fields.insert(id.to_string()),
                                &mut problems,
                            );
                        }
                        if name == "types.rs" {
                            let mut used = Vec::new();
                            referenced_types(&f.ty, &mut used);
                            used_types.extend(used.into_iter().map(|u| (s.ident.to_string(), u)));
                        }
                    }
                }
                syn::Item::Enum(e) => {
                    twice(
                        &format!("type `{}`", e.ident),
                        types.insert(e.ident.to_string()),
                        &mut problems,
                    );
                    let mut variants = BTreeSet::new();
                    for v in &e.variants {
                        twice(
                            &format!("variant `{}::{}`", e.ident, v.ident),
                            variants.insert(v.ident.to_string()),
                            &mut problems,
                        );
                        if name == "types.rs" {
                            for f in &v.fields {
                                let mut used = Vec::new();
                                referenced_types(&f.ty, &mut used);
                                used_types
                                    .extend(used.into_iter().map(|u| (e.ident.to_string(), u)));
                            }
                        }
                    }
                }
                syn::Item::Type(t) => {
                    twice(
                        &format!("type `{}`", t.ident),
                        types.insert(t.ident.to_string()),
                        &mut problems,
                    );
                    if name == "types.rs" {
                        let mut used = Vec::new();
                        referenced_types(&t.ty, &mut used);
                        used_types.extend(used.into_iter().map(|u| (t.ident.to_string(), u)));
                    }
                }
                syn::Item::Mod(m) => {
                    twice(
                        &format!("module `{}`", m.ident),
                        types.insert(m.ident.to_string()),
                        &mut problems,
                    );
                }
                syn::Item::Static(s) => {
                    twice(
                        &format!("static `{}`", s.ident),
                        values.insert(s.ident.to_string()),
                        &mut problems,
                    );
                }
                syn::Item::Const(c) => {
                    twice(
                        &format!("const `{}`", c.ident),
                        values.insert(c.ident.to_string()),
                        &mut problems,
                    );
                }
                syn::Item::Fn(f) => {
                    twice(
                        &format!("fn `{}`", f.sig.ident),
                        values.insert(f.sig.ident.to_string()),
                        &mut problems,
                    );
                }
                syn::Item::Impl(i) if i.trait_.is_some() => {
                    let Some((path, _)) = &i.trait_ else { continue };
                    let trait_ty = syn::Type::Path(syn::TypePath {
                        attrs: Vec::new(),
                        qself: None,
                        path: path.clone(),
                    });
                    let trait_key = type_key(&trait_ty, &aliases);
                    let self_key = type_key(&i.self_ty, &aliases);
                    if trait_key == format!("From<{self_key}>") {
                        problems.push(format!(
                            "{name}: `impl {trait_key} for {self_key}` conflicts with core's `impl<T> From<T> for T`"
                        ));
                    }
                    twice(
                        &format!("`impl {trait_key} for {self_key}`"),
                        trait_impls.insert((trait_key.clone(), self_key)),
                        &mut problems,
                    );
                }
                syn::Item::Impl(i) => {
                    let owner = type_name_of(&i.self_ty).unwrap_or_default();
                    // Inherent methods clash per type with its arguments: the mock's
                    // `Expectation<'_, GetThing>` and `Expectation<'_, PutThing>` may
                    // both have a `body`.
                    let owner_key = impl_owner_key(&i.self_ty);
                    for f in &i.items {
                        let syn::ImplItem::Fn(f) = f else { continue };
                        let method = f.sig.ident.to_string();
                        twice(
                            &format!("method `{owner_key}::{method}`"),
                            methods.insert((owner_key.clone(), method.clone())),
                            &mut problems,
                        );
                        if name == "mod.rs"
                            && owner == "Client"
                            && runtime_client_methods().contains(&method)
                        {
                            problems.push(format!(
                                "{name}: accessor `Client::{method}` clashes with the runtime's `Client::{method}`"
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        if name == "types.rs" {
            defined_types = types;
        }
    }
    for (owner, used) in used_types {
        if !KNOWN_TYPES.contains(&used.as_str()) && !defined_types.contains(&used) {
            problems.push(format!(
                "types.rs: `{owner}` uses `{used}`, which is not defined"
            ));
        }
    }
    const PREFIX: &str = "crate::generated::types::";
    for (name, text) in files {
        for (at, _) in text.match_indices(PREFIX) {
            let rest = &text[at + PREFIX.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let used = &rest[..end];
            if !defined_types.contains(used) {
                problems.push(format!(
                    "{name}: uses `types::{used}`, which is not defined"
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

fn check_valid(doc: &Doc) -> Result<(), TestCaseError> {
    let json = serde_json::to_string_pretty(&doc.0).expect("a Value serializes");
    keep_last_input(&json);
    let spec = match quiet_catch(|| generator::parse_spec(&json)) {
        Err(panic) => return Err(TestCaseError::fail(format!("parse_spec panicked: {panic}"))),
        Ok(Err(e)) => return Err(TestCaseError::fail(format!("valid document refused: {e}"))),
        Ok(Ok(spec)) => spec,
    };
    let first = match quiet_catch(|| generator::generate(&spec, &config())) {
        Err(panic) => return Err(TestCaseError::fail(format!("generate panicked: {panic}"))),
        Ok(Err(e)) => {
            prop_assert!(
                e.pointer.starts_with('#'),
                "error without a `#...` pointer: {e}"
            );
            return Err(TestCaseError::fail(format!("valid document refused: {e}")));
        }
        Ok(Ok(g)) => g.files,
    };
    // `drift.jsonl` is data (one JSON object per line), not Rust.
    for (name, text) in first.iter().filter(|(name, _)| name.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(text) {
            return Err(TestCaseError::fail(format!(
                "{name} does not parse: {e}\n{text}"
            )));
        }
    }
    // The standalone crate's `src/lib.rs` names the API too.
    let lib = generator::runtime::lib_rs(&spec, &config());
    if let Err(e) = syn::parse_file(&lib) {
        return Err(TestCaseError::fail(format!(
            "src/lib.rs does not parse: {e}\n{lib}"
        )));
    }
    let problems = definition_problems(&first);
    prop_assert!(
        problems.is_empty(),
        "the output would not compile:\n{}",
        problems.join("\n")
    );
    let mut with_lib = first.clone();
    with_lib.insert("lib.rs".to_owned(), lib);
    let problems = doc_problems(&with_lib);
    prop_assert!(
        problems.is_empty(),
        "rustdoc could run or reject the docs:\n{}",
        problems.join("\n")
    );
    let second = generator::generate(&spec, &config()).map(|g| g.files);
    prop_assert!(
        second.as_ref() == Ok(&first),
        "a second generate() on the same Spec differs"
    );
    let yaml = serde_yaml::to_string(&doc.0).expect("a Value serializes as YAML");
    let from_yaml = generate_text(&yaml);
    prop_assert!(
        from_yaml.as_ref() == Ok(&first),
        "the same document as YAML gives other files: {:?}\n{yaml}",
        from_yaml.as_ref().err()
    );
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(320))]

    #[test]
    fn valid_documents_generate(doc in valid_document()) {
        check_valid(&doc)?;
    }
}

// ---------------------------------------------------------------------------------------
// 2. Mutations of spec/openapi.yaml

fn project_spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteKey(Index),
    Replace(Index, Value),
    DuplicateOperationId(Index, Index),
    BreakRef(Index, String),
    ChangeType(Index, Value),
    DeepNest(Index, usize, usize),
    SetOpenapi(Value),
}

fn scalar() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
        select(
            &[
                "string",
                "object",
                "#/components/schemas/Link",
                "3.0.0",
                "",
                "{id}",
                "/"
            ][..]
        )
        .prop_map(Value::from),
    ]
}

fn arbitrary_json() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                vec(
                    (
                        prop_oneof![
                            select(
                                &[
                                    "type",
                                    "$ref",
                                    "properties",
                                    "items",
                                    "allOf",
                                    "oneOf",
                                    "enum",
                                    "required",
                                    "schema",
                                    "content",
                                    "in",
                                    "name",
                                    "nullable",
                                ][..]
                            )
                            .prop_map(str::to_owned),
                            "[a-z$]{0,5}",
                        ],
                        inner
                    ),
                    0..4
                )
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
        .boxed()
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteKey),
        3 => (any::<Index>(), arbitrary_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::DuplicateOperationId(a, b)),
        2 => (
            any::<Index>(),
            prop_oneof![
                select(&[
                    "#/components/schemas/Nope", "#/components/schemas/", "#/components/schemas",
                    "#", "#/", "", "other.yaml#/X", "https://example.com/s.json", "#/info",
                    "#/paths/~1links", "#/components/schemas/Link/properties",
                    "#/components/parameters/Nope", "#/components/responses/Nope",
                    "#/components/schemas/Link/properties/name", "#/components/schemas/%4Cink",
                    "#/components/schemas/Link~2", "#/components/requestBodies/X",
                ][..]).prop_map(str::to_owned),
                "#/[a-zA-Z/~0-9]{0,16}",
            ],
        )
            .prop_map(|(i, r)| Mutation::BreakRef(i, r)),
        2 => (
            any::<Index>(),
            prop_oneof![
                select(&["strin", "null", "object", "array", "integer", "number", "boolean", "string", "file", ""][..])
                    .prop_map(Value::from),
                scalar(),
                Just(json!(["string", "null"])),
            ],
        )
            .prop_map(|(i, v)| Mutation::ChangeType(i, v)),
        1 => (any::<Index>(), 1usize..120, 0usize..4)
            .prop_map(|(i, d, k)| Mutation::DeepNest(i, d, k)),
        1 => prop_oneof![
            select(&["3.0.0", "3.0", "3", "3.1.0", "2.0", "3.0.3-rc1", "", "3.0.99999999999999999999"][..])
                .prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
            scalar(),
        ]
        .prop_map(Mutation::SetOpenapi),
    ]
    .boxed()
}

/// JSON pointers of every node (`""` is the root), depth first, in document order.
fn pointers(root: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    walk(
                        child,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let mut out = Vec::new();
    walk(root, String::new(), &mut out);
    out
}

fn last_token(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or("")
        .replace("~1", "/")
        .replace("~0", "~")
}

fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(p, _)| p)
}

fn pick<'a>(candidates: &'a [String], i: &Index) -> Option<&'a String> {
    (!candidates.is_empty()).then(|| i.get(candidates))
}

fn deep(depth: usize, kind: usize) -> Value {
    let mut v = json!({"type": "string"});
    for _ in 0..depth {
        v = match kind {
            0 => json!({"type": "array", "items": v}),
            1 => json!({"allOf": [v]}),
            2 => json!({"type": "object", "properties": {"p": v}}),
            _ => json!([v]),
        };
    }
    v
}

fn apply(doc: &mut Value, m: &Mutation) {
    let all = pointers(doc);
    let filtered = |pred: &dyn Fn(&str, &Value) -> bool| -> Vec<String> {
        all.iter()
            .filter(|p| doc.pointer(p).is_some_and(|v| pred(p, v)))
            .cloned()
            .collect()
    };
    match m {
        Mutation::DeleteKey(i) => {
            let keys = filtered(&|p, _| {
                !p.is_empty() && doc.pointer(parent(p)).is_some_and(Value::is_object)
            });
            if let Some(p) = pick(&keys, i) {
                let key = last_token(p);
                if let Some(Value::Object(map)) = doc.pointer_mut(parent(p)) {
                    map.shift_remove(&key);
                }
            }
        }
        Mutation::Replace(i, v) => {
            if let Some(p) = pick(&all, i).cloned()
                && let Some(slot) = doc.pointer_mut(&p)
            {
                *slot = v.clone();
            }
        }
        Mutation::DuplicateOperationId(a, b) => {
            let ids = filtered(&|p, v| p.ends_with("/operationId") && v.is_string());
            if let (Some(from), Some(to)) = (pick(&ids, a), pick(&ids, b)) {
                let value = doc.pointer(from).cloned().unwrap_or(Value::Null);
                if let Some(slot) = doc.pointer_mut(to) {
                    *slot = value;
                }
            }
        }
        Mutation::BreakRef(i, target) => {
            let refs = filtered(&|p, v| p.ends_with("/$ref") && v.is_string());
            if let Some(p) = pick(&refs, i).cloned()
                && let Some(slot) = doc.pointer_mut(&p)
            {
                *slot = target.as_str().into();
            }
        }
        Mutation::ChangeType(i, v) => {
            let types = filtered(&|p, _| p.ends_with("/type"));
            if let Some(p) = pick(&types, i).cloned()
                && let Some(slot) = doc.pointer_mut(&p)
            {
                *slot = v.clone();
            }
        }
        Mutation::DeepNest(i, depth, kind) => {
            if let Some(p) = pick(&all, i).cloned()
                && let Some(slot) = doc.pointer_mut(&p)
            {
                *slot = deep(*depth, *kind);
            }
        }
        Mutation::SetOpenapi(v) => {
            if let Some(map) = doc.as_object_mut() {
                map.insert("openapi".into(), v.clone());
            }
        }
    }
}

/// A mutated copy of the project's spec, shown as JSON when a case fails.
#[derive(Clone)]
struct Mutated {
    mutations: Vec<Mutation>,
    doc: Value,
    yaml: bool,
}

impl fmt::Debug for Mutated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "mutations: {:?}", self.mutations)?;
        writeln!(f, "as YAML: {}", self.yaml)?;
        let text = serde_json::to_string(&self.doc).map_err(|_| fmt::Error)?;
        write!(f, "document: {text}")
    }
}

fn mutated_spec() -> impl Strategy<Value = Mutated> {
    (vec(mutation(), 1..=5), any::<bool>()).prop_map(|(mutations, yaml)| {
        let mut doc = project_spec().clone();
        let mut nested = false;
        for m in &mutations {
            // One nest per document: a nest inside another could reach the slow depths.
            if let Mutation::DeepNest(..) = m {
                if nested {
                    continue;
                }
                nested = true;
            }
            apply(&mut doc, m);
        }
        Mutated {
            mutations,
            doc,
            yaml,
        }
    })
}

fn mutated_text(m: &Mutated) -> String {
    if m.yaml {
        serde_yaml::to_string(&m.doc).expect("a Value serializes as YAML")
    } else {
        serde_json::to_string(&m.doc).expect("a Value serializes")
    }
}

/// RFC 3986 percent-decoding (a pointer taken from a `$ref` is a URI fragment).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

proptest! {
    #![proptest_config(proptest_config(150))]

    #[test]
    fn mutated_spec_never_panics(m in mutated_spec()) {
        let text = mutated_text(&m);
        keep_last_input(&text);
        never_panics("a mutated spec/openapi.yaml", Some(&m.doc), || generate_text(&text))?;
    }
}

/// A schema nested 20 levels deep (well within the 64-level limit) that is invalid at the
/// bottom took seconds to refuse (release build; 24 levels: minutes), as `openapiv3`'s
/// untagged `ReferenceOr` parses a failing node twice at every level. The generator checks
/// the shape of every schema before `openapiv3` reads them, and refuses the nest at once with
/// the pointer of the bad keyword; a regression shows up as this test hanging.
#[test]
fn invalid_deep_schema_is_refused_quickly() {
    // A number is no type name, in 3.0 or 3.1 (a list of names is 3.1, and is read).
    let mut schema = json!({"type": 7});
    for _ in 0..20 {
        schema = json!({"type": "array", "items": schema});
    }
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": schema}},
    });
    let text = serde_json::to_string(&doc).expect("a Value serializes");
    let error = generate_text(&text).expect_err("an invalid schema was accepted");
    let pointer = format!("#/components/schemas/A{}/type", "/items".repeat(20));
    assert_eq!(error.pointer, pointer, "{error}");
    assert_eq!(error.kind, generator::ErrorKind::Invalid, "{error}");
    assert!(error.message.contains("`type`"), "{error}");
}

// ---------------------------------------------------------------------------------------
// 3. Random bytes and text

const YAML_TOKENS: &[&str] = &[
    "openapi: 3.0.0\n",
    "openapi: '3.0.3'\n",
    "info: {title: t, version: v}\n",
    "paths:\n",
    "  /a:\n",
    "    get:\n",
    "      responses:\n",
    "        200:\n",
    "          description: x\n",
    "components:\n  schemas:\n",
    "    A:\n",
    "      type: object\n",
    "      $ref: '#/components/schemas/A'\n",
    "      items: {$ref: '#/components/schemas/A'}\n",
    "      allOf: [{$ref: '#/components/schemas/A'}]\n",
    "      enum: [a, b, null]\n",
    "      properties: {x: {type: string}}\n",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!tag ",
    "? ",
    "|\n",
    ">-\n",
    "'",
    "\"",
    "#",
    "\n",
    "  ",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "~",
    "1e400",
    "0x1F",
    ".nan",
    "\u{feff}",
    "\\u0000",
];

fn yaml_soup() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            4 => select(YAML_TOKENS).prop_map(str::to_owned),
            1 => "\\PC{1,4}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(proptest_config(1500))]

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        never_panics("random bytes", None, || {
            let spec = generator::parse_spec_bytes(&bytes)?;
            generator::generate(&spec, &config()).map(|g| g.files)
        })?;
    }

    #[test]
    fn random_text_never_panics(text in prop_oneof!["\\PC{0,200}", yaml_soup()]) {
        never_panics("random text", None, || generate_text(&text))?;
        never_panics("random text as bytes", None, || {
            let spec = generator::parse_spec_bytes(text.as_bytes())?;
            generator::generate(&spec, &config()).map(|g| g.files)
        })?;
    }
}
