//! The hand-written runtime that every generated client needs, embedded so that
//! `generate_crate` can write a standalone crate.
//!
//! The single copy lives in `generated-client/src/runtime/` (where it is compiled, linted
//! and tested as part of the `prolinksqr` crate); a test checks this list against that
//! folder, so a new runtime file cannot be forgotten here.
//!
//! One thing differs between the copies: a doc example runs as a crate of its own, which
//! can only reach the library by its name, so the runtime's examples are written for
//! `prolinksqr` ([`DOC_CRATE_PATH`]) and [`files`] names the generated crate there instead.
//! Only doc comment lines are rewritten, and a test checks that no other line names
//! `prolinksqr::`. The manifest and the frame of `src/lib.rs` come from [`crate::frame`].

use crate::{Config, Spec};

macro_rules! runtime_files {
    ($($path:literal),* $(,)?) => {
        /// `(path under src/runtime/, contents)` of every runtime file.
        pub const FILES: &[(&str, &str)] = &[
            $(($path, include_str!(concat!("../../generated-client/src/runtime/", $path)))),*
        ];
    };
}

runtime_files!(
    "api.rs",
    "blocking.rs",
    "builder.rs",
    "builder/tests.rs",
    "cli.rs",
    "cli/call.rs",
    "cli/json.rs",
    "client.rs",
    "client/tests.rs",
    "credential.rs",
    "drift.rs",
    "drift/tests.rs",
    "encoding.rs",
    "error.rs",
    "json_path.rs",
    "mock.rs",
    "mod.rs",
    "multipart.rs",
    "options.rs",
    "pagination.rs",
    "raw.rs",
    "reply.rs",
    "request.rs",
    "response.rs",
    "retry.rs",
    "serde_helpers.rs",
    "token.rs",
    "token/tests.rs",
    "trace.rs",
    "validate.rs",
);

/// The crate path the runtime's doc examples are written with: `prolinksqr`'s.
pub const DOC_CRATE_PATH: &str = "prolinksqr::";

/// `(path under src/, contents)` of the runtime files of a crate whose library is `lib`:
/// [`FILES`] with [`DOC_CRATE_PATH`] in doc comments naming `lib` instead.
pub fn files(lib: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let path = format!("{lib}::");
    FILES.iter().map(move |(name, text)| {
        let text: String = text
            .split_inclusive('\n')
            .map(|line| {
                if is_doc_line(line) {
                    std::borrow::Cow::Owned(line.replace(DOC_CRATE_PATH, &path))
                } else {
                    std::borrow::Cow::Borrowed(line)
                }
            })
            .collect();
        (format!("runtime/{name}"), text)
    })
}

/// Whether `line` is a doc comment (`///` or `//!`), where doc examples are.
fn is_doc_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("///") || line.starts_with("//!")
}

/// Names that Cargo or rustc refuse for a package whose library is used as `name::Client`:
/// the built-in crates, and keywords (the library name is a path in the generated doctests).
const RESERVED_CRATE_NAMES: &[&str] = &["test", "core", "std", "alloc", "proc_macro", "proc-macro"];

/// Why `name` cannot be the package name of a generated crate (`None`: it can).
///
/// The rules are Cargo's for `cargo new`: ASCII letters, digits, `-` and `_`, not starting
/// with a digit or `-`, not a Rust keyword nor a built-in crate; and not the name of one of
/// the crate's own dependencies.
pub fn crate_name_problem(name: &str) -> Option<String> {
    let lib = name.replace('-', "_");
    if name.is_empty() {
        return Some("the name is empty".to_owned());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Some(format!(
            "{c:?} is not allowed: use ASCII letters, digits, `-` and `_`"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Some("it must start with a letter or `_`".to_owned());
    }
    if lib.chars().all(|c| c == '_') {
        return Some("it must contain a letter or digit".to_owned());
    }
    if crate::naming::is_keyword(&lib) {
        return Some(format!("`{lib}` is a Rust keyword"));
    }
    if RESERVED_CRATE_NAMES.contains(&name) {
        return Some(format!("it conflicts with Rust's built-in `{lib}` crate"));
    }
    let depends_on = crate::frame::DEPENDENCIES
        .iter()
        .chain(crate::frame::DEV_DEPENDENCIES)
        .flat_map(crate::frame::Dependency::names)
        .any(|d| d.replace('-', "_") == lib);
    if depends_on {
        return Some(format!(
            "the generated crate depends on a package named `{name}`"
        ));
    }
    None
}

/// `Cargo.toml` of a standalone generated crate. `[workspace]` makes it its own workspace,
/// so it builds wherever it is written.
///
/// The package metadata comes from the spec's `info`, which is untrusted text: every value
/// is one line, bounded, and written as a TOML string with its escapes; a `license` that is
/// not a valid SPDX expression, or a contact URL that is not http(s), is left out (the
/// README names the license instead) rather than breaking `cargo package`.
///
/// `groups` are the crate's group features, if it has a feature per group.
pub fn cargo_toml(crate_name: &str, info: &openapiv3::Info, groups: &[&str]) -> String {
    let mut package = String::new();
    let field = |out: &mut String, key: &str, value: &str| {
        out.push_str(&format!("{key} = {}\n", toml_string(value)));
    };
    field(&mut package, "description", &description(&info.title));
    if let Some(license) = spdx_license(info) {
        field(&mut package, "license", &license);
    }
    if let Some(url) = contact_url(info) {
        field(&mut package, "homepage", &url);
    }
    if let Some(author) = author(info) {
        package.push_str(&format!("authors = [{}]\n", toml_string(&author)));
    }
    format!(
        r#"# @generated by `cargo xtask generate`: a client for API version {api_version}.
[package]
name = "{crate_name}"
version = "0.1.0"
edition = "2024"
# A client for someone else's API: remove this line to publish it.
publish = false
readme = "README.md"
keywords = ["api", "client", "openapi"]
categories = ["api-bindings", "web-programming::http-client"]
{package}
[package.metadata.docs.rs]
all-features = true
# Shows on each item the features it needs.
rustdoc-args = ["--cfg", "docsrs"]

{tables}
# The runtime's own unit tests come along with it.
{dev}
[workspace]
"#,
        api_version = crate::docs::escape_controls(&bounded(&info.version, 100)),
        tables = crate::frame::manifest_tables_with_groups(groups),
        dev = crate::frame::dev_dependencies_table(),
    )
}

/// `README.md` of a standalone generated crate: the API's title and description (as safe
/// Markdown), how to depend on it and a first call; with a feature per group (`groups`),
/// how to pick them.
pub fn readme_md(spec: &Spec, config: &Config, groups: &[&str]) -> String {
    let info = &spec.openapi.info;
    let title = crate::docs::inline(&bounded(&info.title, MAX_TITLE));
    let title = if title.trim().is_empty() {
        "API client".to_owned()
    } else {
        title
    };
    let mut out = format!(
        "# {title}\n\nA typed async Rust client for this API (version {}), generated from its \
         OpenAPI document by `{}`.\n",
        crate::docs::code(&bounded(&info.version, 100)),
        crate::docs::escape_controls(&config.command),
    );
    if let Some(description) = &info.description {
        let lines = crate::docs::sanitize(&bounded(description, MAX_README_DESCRIPTION));
        if !lines.is_empty() {
            out.push('\n');
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    let lib = config.lib_name();
    let env = config.env_prefix();
    out.push_str(&format!(
        r#"
## Install

```toml
[dependencies]
{name} = {{ path = "path/to/{name}" }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
```

Features: `rustls` (default; TLS with the `ring` provider), `native-tls` (the platform's
TLS), `tracing` (a span per operation call, an event per retry), `mock` (`mock::MockServer`,
a typed mock of the API for tests, with the client's groups, methods and setters), `blocking`
(a synchronous `blocking::Client` with the same operations, for programs without an async
runtime), `cli` (`cli::command()` and `cli::run()`: a clap command line with a subcommand
per operation, printing JSON, a table or CSV). With
`default-features = false` there is no TLS: pass a `reqwest::Client` of your own to
`ClientBuilder::http_client`, or call plain `http://` URLs.

## Quick start

```rust,no_run
#[tokio::main]
async fn main() -> {lib}::Result<()> {{
    // Reads {env}_API_KEY (and optionally {env}_BASE_URL).
    let client = {lib}::Client::from_env()?;
    println!("calling {{}}", client.base_url());
    Ok(())
}}
```

Every call returns `{lib}::Result`; `Error::Api` holds a non-2xx answer's status and body.
Idempotent requests are retried on connection failures and 502/503/504 (`RetryPolicy`).
The crate's documentation (`cargo doc --open`) lists every operation with an example.
"#,
        name = config.crate_name,
    ));
    if let Some(first) = groups.first() {
        let list: Vec<String> = groups.iter().map(|g| format!("`{g}`")).collect();
        out.push_str(&format!(
            r#"
## Compile only the groups you call

Each group of operations (`client.<group>()`) has a Cargo feature of its own, and `full`, on
by default, turns every group on. A program that calls a few groups compiles faster with
only those: each group compiles its operations and the types they use (a type several groups
use is compiled when any of them is on), and the `mock`, `blocking` and `cli` modules follow
the same features.

```toml
[dependencies]
{name} = {{ path = "path/to/{name}", default-features = false, features = ["rustls", "{first}"] }}
```

The groups: {list}.
"#,
            name = config.crate_name,
            list = list.join(", "),
        ));
    }
    if let Some(license) = &info.license {
        out.push_str(&format!(
            "\n## License\n\nThe API document's license: {}.\n",
            crate::docs::inline(&bounded(&license.name, MAX_TITLE))
        ));
    }
    out
}

/// Longest title kept (in characters) for the description and the README's heading.
const MAX_TITLE: usize = 200;

/// Longest API description kept in the README (in characters).
const MAX_README_DESCRIPTION: usize = 16 * 1024;

/// `text`'s first `max` characters.
fn bounded(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// `text` as one line: runs of whitespace (newlines included) become one space, control and
/// bidirectional characters are dropped.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|c| !crate::docs::is_unsafe_char(*c))
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The package description: the API's title, on one line.
fn description(title: &str) -> String {
    let title = one_line(&bounded(title, MAX_TITLE));
    if title.is_empty() {
        "Typed async client generated from an OpenAPI document".to_owned()
    } else {
        format!("Typed async client for {title}")
    }
}

/// `info.license.name` if it is an SPDX expression (`MIT`, `MIT OR Apache-2.0`): the only
/// kind crates.io takes as `license`.
fn spdx_license(info: &openapiv3::Info) -> Option<String> {
    let name = info.license.as_ref()?.name.trim();
    if name.is_empty() || name.len() > MAX_TITLE || name.chars().any(|c| c.is_control()) {
        return None;
    }
    spdx::Expression::parse(name).ok()?;
    Some(name.to_owned())
}

/// `info.contact.url` if it is an absolute http(s) URL without spaces or controls.
fn contact_url(info: &openapiv3::Info) -> Option<String> {
    let url = info.contact.as_ref()?.url.as_deref()?.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || crate::docs::is_unsafe_char(c));
    (scheme_ok && clean && url.len() <= 500 && url.len() > "https://".len()).then(|| url.to_owned())
}

/// `Name <email>` from `info.contact` (either part may be missing).
fn author(info: &openapiv3::Info) -> Option<String> {
    let contact = info.contact.as_ref()?;
    let name = one_line(&bounded(contact.name.as_deref().unwrap_or(""), MAX_TITLE))
        .replace(['<', '>'], "");
    let email = one_line(&bounded(contact.email.as_deref().unwrap_or(""), MAX_TITLE))
        .replace(['<', '>', ' '], "");
    match (name.is_empty(), email.is_empty()) {
        (true, true) => None,
        (false, true) => Some(name),
        (true, false) => Some(format!("<{email}>")),
        (false, false) => Some(format!("{name} <{email}>")),
    }
}

/// `text` as a TOML basic string: quoted, with `"`, `\` and every control character escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `src/lib.rs` of a standalone generated crate.
pub fn lib_rs(spec: &Spec, config: &Config) -> String {
    let title = crate::docs::inline(&spec.openapi.info.title);
    format!(
        r#"// @generated by `{command}` from {source}.
//! Client for {title}, generated from its OpenAPI document.
//!
//! # Quick start
//!
//! ```no_run
//! use {lib}::Client;
//!
//! # async fn run() -> {lib}::Result<()> {{
//! // The credential the API expects (an API key or a token); or `Client::from_env()?`,
//! // which reads {env}_API_KEY (and optionally {env}_BASE_URL).
//! let client = Client::new("your-credential");
//! println!("calling {{}}", client.base_url());
//! # Ok(()) }}
//! ```
//!
//! Operations are grouped by resource: each module below is one group, reached through a
//! method of [`Client`]. A call's required inputs are that method's arguments, its optional
//! ones builder methods; `.send().await` runs it. Every operation's page has an example.
//! Request and response models are in `types`.
//!
//! # Errors
//!
//! Every call returns [`Result`]. [`Error::Api`] is a non-2xx answer: [`ApiError`] has its
//! status, message and raw body, and [`ApiError::body_as`] decodes the body as the type an
//! operation's docs list under "Errors". [`Error::Transport`] is a request that did not
//! complete, [`Error::Decode`] a 2xx body that does not match the document, and
//! [`Error::Config`] a client or argument that cannot make a request.
//!
//! # Retries
//!
//! Idempotent requests (GET, PUT, DELETE, ...) are retried on connection failures and
//! 502/503/504 with exponential backoff, honouring `Retry-After` up to 30 s, all attempts
//! within 60 s; POST is not retried by default. [`RetryPolicy`] changes this.
//!
//! # Pagination
//!
//! A paginated list's `send()` returns one page; its `.stream()` yields every item of every
//! page, fetching the next page only when needed, and at most
//! [`ClientBuilder::max_pages`] pages (past them, [`Error::TooManyPages`]).
//!
//! # Blocking client
//!
//! With the `blocking` feature, `blocking::Client` has the same groups and operations for
//! programs that run no async runtime: `.send()` returns once the response is read, and a
//! list's `.iter()` is an iterator over every item. Inside an async runtime its calls fail
//! with [`Error::Config`]: use [`Client`] there.
//!
//! # Limits
//!
//! Successful bodies are read up to 64 MiB ([`ClientBuilder::max_response_body`]), error
//! bodies up to [`ERROR_BODY_LIMIT`]. Redirects are followed only within the same origin,
//! so the credential never reaches another server.

// On docs.rs, each item shows the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

{items}"#,
        lib = config.lib_name(),
        env = config.env_prefix(),
        command = crate::docs::escape_controls(&config.command),
        source = crate::docs::escape_controls(&config.source),
        items = crate::frame::lib_items(),
    )
}

#[cfg(test)]
mod tests {
    use super::{
        FILES, crate_name_problem, description, files, is_doc_line, one_line, toml_string,
    };

    /// The crate name is rewritten only where a doc example names it: a line of code that
    /// named `prolinksqr::` would not compile in a generated crate, and is refused here.
    #[test]
    fn only_doc_comments_name_the_crate() {
        for (path, text) in FILES {
            for (n, line) in text.lines().enumerate() {
                assert!(
                    is_doc_line(line) || !line.contains(super::DOC_CRATE_PATH),
                    "runtime/{path}:{}: code names `prolinksqr::`",
                    n + 1
                );
            }
        }
        let rewritten: Vec<(String, String)> = files("pet_store").collect();
        assert_eq!(rewritten.len(), FILES.len());
        let client = &rewritten
            .iter()
            .find(|(p, _)| p == "runtime/client.rs")
            .expect("client.rs")
            .1;
        assert!(client.contains("/// let client = pet_store::Client::from_env()?;"));
        assert!(!client.contains("prolinksqr::"));
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(toml_string("x\ny\u{7}"), r#""x\ny\u0007""#);
        assert_eq!(toml_string("é"), "\"é\"");
    }

    #[test]
    fn descriptions_are_one_bounded_line() {
        assert_eq!(one_line(" a\n\n b\u{202e}c "), "a bc");
        assert_eq!(
            description("Pet\nStore"),
            "Typed async client for Pet Store"
        );
        assert_eq!(
            description("\n\t"),
            "Typed async client generated from an OpenAPI document"
        );
        assert!(description(&"x".repeat(100_000)).len() < 300);
    }

    #[test]
    fn crate_names_cargo_accepts() {
        for name in [
            "my-client",
            "my_client",
            "_private",
            "a",
            "api2",
            "Api-Client",
        ] {
            assert_eq!(crate_name_problem(name), None, "{name}");
        }
    }

    #[test]
    fn crate_names_cargo_or_rustc_refuse() {
        for name in [
            "",
            "-",
            "_",
            "--",
            "123abc",
            "-abc",
            "a b",
            "café",
            "a.b",
            "fn",
            "self",
            "type",
            "test",
            "std",
            "core",
            "proc-macro",
            "serde",
            "serde-json",
            "tokio",
            "reqwest",
        ] {
            assert!(crate_name_problem(name).is_some(), "{name:?} accepted");
        }
    }
}
