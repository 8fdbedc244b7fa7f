//! The crate frame: what a client crate has around its generated modules and its runtime.
//! Its Cargo features and dependencies, and the items of `src/lib.rs` that wire the two
//! together and export the runtime's public types.
//!
//! This table is the one source of both crates that carry a runtime: every standalone crate
//! [`generate_crate`](crate::generate_crate) writes (`Cargo.toml` from [`manifest_tables`],
//! `src/lib.rs` around [`lib_items`]), and `prolinksqr` itself, whose hand-written
//! `generated-client/Cargo.toml` and `src/lib.rs` hold the same text between
//! [`BEGIN`] and [`END`] marker lines that `cargo xtask codegen` writes and
//! `cargo xtask codegen --check` compares ([`splice`]). A feature or dependency is added
//! here, once, and reaches both.

use std::fmt::Write as _;

/// One dependency of a client crate.
#[derive(Debug, Clone, Copy)]
pub struct Dependency {
    /// The name the code uses (`futures`).
    pub name: &'static str,
    /// The package on crates.io when it is not `name` (`futures-util`).
    pub package: Option<&'static str>,
    /// Its version requirement.
    pub version: &'static str,
    /// Whether the package's default features are on.
    pub default_features: bool,
    /// The package's features the runtime needs.
    pub features: &'static [&'static str],
    /// Whether only a feature of the crate turns it on.
    pub optional: bool,
    /// Why it is declared this way, written above it (empty: nothing to say).
    pub why: &'static str,
}

impl Dependency {
    const fn new(name: &'static str, version: &'static str) -> Self {
        Dependency {
            name,
            package: None,
            version,
            default_features: true,
            features: &[],
            optional: false,
            why: "",
        }
    }

    const fn features(mut self, features: &'static [&'static str]) -> Self {
        self.features = features;
        self
    }

    const fn no_default_features(mut self) -> Self {
        self.default_features = false;
        self
    }

    const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The packages a crate named like one of them could not depend on: its name and, when
    /// it is renamed, its package's.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.package)
    }

    /// Its line in a `[dependencies]` table.
    fn toml_line(&self) -> String {
        let mut keys = Vec::new();
        if let Some(package) = self.package {
            keys.push(format!("package = \"{package}\""));
        }
        keys.push(format!("version = \"{}\"", self.version));
        if !self.default_features {
            keys.push("default-features = false".to_owned());
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| format!("\"{f}\"")).collect();
            keys.push(format!("features = [{}]", features.join(", ")));
        }
        if self.optional {
            keys.push("optional = true".to_owned());
        }
        if keys.len() == 1 {
            format!("{} = \"{}\"\n", self.name, self.version)
        } else {
            format!("{} = {{ {} }}\n", self.name, keys.join(", "))
        }
    }
}

/// One Cargo feature of a client crate.
#[derive(Debug, Clone, Copy)]
pub struct Feature {
    /// Its name.
    pub name: &'static str,
    /// What it turns on (`dep:clap`, `tokio/rt`).
    pub enables: &'static [&'static str],
    /// What it gives the user, one line.
    pub doc: &'static str,
}

/// The features on by default.
pub const DEFAULT_FEATURES: &[&str] = &["rustls"];

/// Every feature, in the order the manifest lists them.
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "rustls",
        enables: &["reqwest/rustls-no-provider", "dep:rustls"],
        doc: "TLS through rustls with the `ring` crypto provider (no cmake, no system OpenSSL).",
    },
    Feature {
        name: "native-tls",
        enables: &["reqwest/native-tls"],
        doc: "TLS through the platform's library (OpenSSL on Linux, Security.framework, SChannel).",
    },
    Feature {
        name: "drift",
        enables: &[],
        doc: "Recording where responses differ from the API description (`drift`, `ClientBuilder::record_drift`).",
    },
    Feature {
        name: "tracing",
        enables: &["dep:tracing"],
        doc: "A `tracing` span per operation call and an event per retry.",
    },
    Feature {
        name: "mock",
        enables: &["dep:wiremock"],
        doc: "A typed mock of the API for tests (`mock::MockServer`), over wiremock.",
    },
    Feature {
        name: "blocking",
        enables: &["tokio/rt", "tokio/sync"],
        doc: "A synchronous `blocking::Client` (the same operations), for programs that run no async runtime.",
    },
    Feature {
        name: "cli",
        enables: &[
            "dep:clap",
            "dep:csv",
            "dep:serde-transcode",
            "dep:serde_yaml",
        ],
        doc: "A command line over the client (`cli::command()`, `cli::run()`), over clap.",
    },
];

/// The runtime's dependencies, sorted by name.
pub const DEPENDENCIES: &[Dependency] = &[
    Dependency::new("bytes", "1"),
    Dependency::new("clap", "4")
        .no_default_features()
        .features(&[
            "std",
            "help",
            "usage",
            "error-context",
            "suggestions",
            "string",
        ])
        .optional(),
    Dependency::new("csv", "1").optional(),
    Dependency {
        package: Some("futures-util"),
        why: "futures-util under the name `futures`: the streams and combinators the runtime uses,\nwithout the executor, I/O traits and macros of the `futures` facade.",
        ..Dependency::new("futures", "0.3")
            .no_default_features()
            .features(&["std"])
    },
    Dependency::new("percent-encoding", "2"),
    Dependency::new("reqwest", "0.13")
        .no_default_features()
        .features(&["json", "query", "form", "multipart"]),
    Dependency::new("rustls", "0.23")
        .no_default_features()
        .features(&["ring", "std", "tls12"])
        .optional(),
    Dependency::new("serde", "1").features(&["derive"]),
    Dependency::new("serde-transcode", "1").optional(),
    Dependency::new("serde_json", "1"),
    Dependency::new("serde_urlencoded", "0.7"),
    Dependency::new("serde_yaml", "0.9").optional(),
    Dependency::new("thiserror", "2"),
    Dependency::new("tokio", "1").features(&["time", "fs", "sync"]),
    Dependency::new("tracing", "0.1")
        .no_default_features()
        .features(&["std"])
        .optional(),
    Dependency::new("wiremock", "0.6").optional(),
];

/// What a standalone crate's own tests (the runtime's unit tests) need besides
/// [`DEPENDENCIES`]. `prolinksqr` has more tests and lists its own.
pub const DEV_DEPENDENCIES: &[Dependency] = &[
    Dependency::new("serde_path_to_error", "0.1"),
    Dependency::new("tokio", "1").features(&["macros", "rt-multi-thread", "time", "fs"]),
    Dependency::new("wiremock", "0.6"),
];

/// What the runtime gives generated code through `__private`, in the order `rustfmt` sorts
/// them (so that it leaves `prolinksqr`'s `lib.rs` as written).
pub const PRIVATE_EXPORTS: &[&str] = &[
    "ApiInfo",
    "Async",
    "Auth",
    "ByNumber",
    "ByToken",
    "Endpoint",
    "Mode",
    "Operation",
    "PageNumber",
    "PageToken",
    "Paginated",
    "Paging",
    "Path",
    "RawResponse",
    "RequestOptions",
    "Scheme",
    "check_integer",
    "check_items",
    "check_length",
    "check_number",
    "check_object",
    "cookie",
    "decode_bytes",
    "decode_empty",
    "decode_json",
    "decode_text",
    "decode_value",
    "double_option",
    "encode_path",
    "fill_path",
    "join",
    "to_text",
    "validate",
];

/// The lenient decoding of inferred models (`x-inferred`), also through `__private`.
pub const PRIVATE_INFERRED_EXPORTS: &[&str] = &[
    "Inferred",
    "RawJson",
    "decode_inferred",
    "decode_inferred_in",
    "decode_inferred_page",
    "inferred_object",
    "rest_inferred",
    "take_inferred",
];

/// The first line of a generated part of a hand-written file, after its comment marker
/// (`#` or `//`).
pub const BEGIN: &str =
    "@generated begin: `cargo xtask codegen` writes the lines up to `@generated end`";

/// The line that ends a generated part, after its comment marker.
pub const END: &str = "@generated end";

/// The line after [`BEGIN`]: where the part comes from.
const SOURCE: &str = "from the generator's crate frame (`generator/src/frame.rs`): edit it there.";

/// The `[features]` and `[dependencies]` tables of a client crate.
pub fn manifest_tables() -> String {
    manifest_tables_with_groups(&[])
}

/// [`manifest_tables`] of a crate with a feature per group ([`crate::features`]): those
/// features after the frame's, and [`FULL`](crate::features::FULL), on by default, for all
/// of them. With no group features it is [`manifest_tables`].
pub fn manifest_tables_with_groups(groups: &[&str]) -> String {
    let mut out = String::from("[features]\n");
    let list = |items: &[&str]| -> String {
        let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut default = DEFAULT_FEATURES.to_vec();
    if !groups.is_empty() {
        default.push(crate::features::FULL);
    }
    let _ = writeln!(out, "default = {}", list(&default));
    for feature in FEATURES {
        let _ = writeln!(out, "# {}", feature.doc);
        let _ = writeln!(out, "{} = {}", feature.name, list(feature.enables));
    }
    if !groups.is_empty() {
        out.push_str(
            "# Every group of operations. Without it (`default-features = false`), turn on the\n\
             # groups you call: each compiles its operations and the types they use.\n",
        );
        let _ = writeln!(out, "{} = {}", crate::features::FULL, list(groups));
        for group in groups {
            let _ = writeln!(out, "{group} = []");
        }
    }
    out.push_str("\n[dependencies]\n");
    out.push_str(&dependency_lines(DEPENDENCIES));
    out
}

fn dependency_lines(deps: &[Dependency]) -> String {
    let mut out = String::new();
    for dep in deps {
        for line in dep.why.lines() {
            let _ = writeln!(out, "# {line}");
        }
        out.push_str(&dep.toml_line());
    }
    out
}

/// The `[dev-dependencies]` table of a standalone crate.
pub fn dev_dependencies_table() -> String {
    format!("[dev-dependencies]\n{}", dependency_lines(DEV_DEPENDENCIES))
}

/// [`manifest_tables`] between `#` marker lines: the generated part of `prolinksqr`'s
/// `Cargo.toml`.
pub fn manifest_part() -> String {
    format!("# {BEGIN}\n# {SOURCE}\n{}# {END}\n", manifest_tables())
}

/// The items of a client crate's `src/lib.rs` that declare the generated modules and the
/// runtime, and export the runtime's public types (`crate::naming::CRATE_ROOT_EXPORTS`) and
/// what generated code calls (`__private`). Formatted as `rustfmt` formats them.
pub fn lib_items() -> String {
    format!(
        "#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::*;
#[cfg(feature = \"drift\")]
pub use runtime::drift;
{root}
/// The `reqwest` this crate is built on, for the types its API uses: `Method` and
/// `StatusCode`, `header::HeaderMap`, and a `Client` for [`ClientBuilder::http_client`].
pub use reqwest;

/// Runtime plumbing for generated code and the runtime's own integration tests.
/// Not part of the public API: it may change in any release.
#[doc(hidden)]
pub mod __private {{
{private}    // Lenient decoding of inferred models (`x-inferred`).
{inferred}}}
",
        root = use_list("", "runtime", crate::naming::CRATE_ROOT_EXPORTS),
        private = use_list("    ", "crate::runtime", PRIVATE_EXPORTS),
        inferred = use_list("    ", "crate::runtime", PRIVATE_INFERRED_EXPORTS),
    )
}

/// [`lib_items`] between `//` marker lines: the generated part of `prolinksqr`'s `lib.rs`.
pub fn lib_part() -> String {
    format!("// {BEGIN}\n// {SOURCE}\n{}// {END}\n", lib_items())
}

/// `pub use path::{names};` at `indent`, wrapped as `rustfmt` wraps it at 100 columns: on
/// one line if it fits, else the names filled into lines one indent deeper.
fn use_list(indent: &str, path: &str, names: &[&str]) -> String {
    let one_line = format!("{indent}pub use {path}::{{{}}};", names.join(", "));
    if one_line.len() <= MAX_WIDTH {
        return one_line + "\n";
    }
    let inner = format!("{indent}    ");
    let mut out = format!("{indent}pub use {path}::{{\n");
    let mut line = String::new();
    for name in names {
        // rustfmt fills a list line to 99 columns, one short of its width.
        if !line.is_empty() && inner.len() + line.len() + 1 + name.len() + 1 >= MAX_WIDTH {
            let _ = writeln!(out, "{inner}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(name);
        line.push(',');
    }
    let _ = writeln!(out, "{inner}{line}");
    let _ = writeln!(out, "{indent}}};");
    out
}

/// `rustfmt`'s default line width.
const MAX_WIDTH: usize = 100;

/// Why [`splice`] could not place a generated part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingMarkers;

impl std::fmt::Display for MissingMarkers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no line `{BEGIN}` followed by a line `{END}` (each after its comment marker) to write the generated part between"
        )
    }
}

/// `text` with the lines from its [`BEGIN`] line to its [`END`] line (both included)
/// replaced by `part`, which has its own marker lines.
///
/// # Errors
/// [`MissingMarkers`] when `text` has no begin line followed by an end line.
pub fn splice(text: &str, part: &str) -> Result<String, MissingMarkers> {
    let marker_line = |marker: &str| {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let bare = line.trim_start_matches(['#', '/']).trim();
            if bare == marker {
                return Some((at, at + line.len()));
            }
            at += line.len();
        }
        None
    };
    let (start, _) = marker_line(BEGIN).ok_or(MissingMarkers)?;
    let (end_start, end) = marker_line(END).ok_or(MissingMarkers)?;
    if end_start < start {
        return Err(MissingMarkers);
    }
    Ok(format!("{}{part}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dependency's features and a feature's `dep:` names point at what the table has.
    #[test]
    fn features_enable_only_known_dependencies() {
        for feature in FEATURES {
            for enabled in feature.enables {
                let dep = enabled
                    .strip_prefix("dep:")
                    .or_else(|| enabled.split_once('/').map(|(d, _)| d))
                    .unwrap_or(enabled);
                let known = DEPENDENCIES.iter().find(|d| d.name == dep);
                assert!(known.is_some(), "{}: {enabled}", feature.name);
                if enabled.starts_with("dep:") {
                    assert!(
                        known.is_some_and(|d| d.optional),
                        "{enabled} is not optional"
                    );
                }
            }
        }
        let optional = DEPENDENCIES.iter().filter(|d| d.optional);
        for dep in optional {
            let wanted = format!("dep:{}", dep.name);
            assert!(
                FEATURES
                    .iter()
                    .any(|f| f.enables.contains(&wanted.as_str())),
                "no feature turns on {}",
                dep.name
            );
        }
    }

    /// `rustfmt` sorts the names of a `use` list: in any other order it would rewrite
    /// `prolinksqr`'s `lib.rs`, and `cargo fmt --check` would fail.
    #[test]
    fn use_lists_are_in_rustfmt_order() {
        for list in [
            PRIVATE_EXPORTS,
            PRIVATE_INFERRED_EXPORTS,
            crate::naming::CRATE_ROOT_EXPORTS,
        ] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            assert_eq!(list, sorted.as_slice());
        }
    }

    #[test]
    fn use_lists_fill_lines_up_to_99_columns() {
        assert_eq!(use_list("", "m", &["A", "b"]), "pub use m::{A, b};\n");
        let names: Vec<String> = (0..30).map(|i| format!("name_{i:02}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = use_list("    ", "crate::m", &names);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "    pub use crate::m::{");
        assert_eq!(lines[lines.len() - 1], "    };");
        for line in &lines[1..lines.len() - 1] {
            assert!(
                line.len() < MAX_WIDTH && line.starts_with("        name_"),
                "{line}"
            );
            // Full: the next name would not have fitted.
            assert!(line.len() + " name_00,".len() >= MAX_WIDTH || *line == lines[lines.len() - 2]);
        }
    }

    /// A crate with a feature per group has `full` on by default, for all of them; one
    /// without is [`manifest_tables`] exactly.
    #[test]
    fn group_features_are_listed_and_full_is_default() {
        let tables = manifest_tables_with_groups(&["incidents", "tracing-api"]);
        assert!(
            tables.contains("default = [\"rustls\", \"full\"]\n"),
            "{tables}"
        );
        assert!(
            tables.contains("\nfull = [\"incidents\", \"tracing-api\"]\n"),
            "{tables}"
        );
        assert!(
            tables.contains("\nincidents = []\ntracing-api = []\n"),
            "{tables}"
        );
        assert_eq!(manifest_tables_with_groups(&[]), manifest_tables());
        assert!(!manifest_tables().contains("full"));
    }

    #[test]
    fn splice_replaces_the_marked_lines_only() {
        let text = format!("a\n# {BEGIN}\nold\n# {END}\nb\n");
        let part = format!("# {BEGIN}\nnew\n# {END}\n");
        assert_eq!(splice(&text, &part).unwrap(), format!("a\n{part}b\n"));
        assert_eq!(splice("a\nb\n", &part), Err(MissingMarkers));
        let reversed = format!("# {END}\n# {BEGIN}\n");
        assert_eq!(splice(&reversed, &part), Err(MissingMarkers));
    }

    #[test]
    fn dependency_lines_are_toml() {
        assert_eq!(Dependency::new("a", "1").toml_line(), "a = \"1\"\n");
        let futures = DEPENDENCIES.iter().find(|d| d.name == "futures").unwrap();
        assert_eq!(
            futures.toml_line(),
            "futures = { package = \"futures-util\", version = \"0.3\", default-features = false, features = [\"std\"] }\n"
        );
    }
}
