//! The generated ProLinksQR client's rustdoc reads as written for its users: every
//! documented item starts with a summary line that says more than the item's name (or its
//! wire name), no maintainer note of the spec ("NOT FOUND", "cut off", ...) reaches the
//! docs, and each module is summarised once.
//!
//! The generated files are read as text: they are `prettyplease` output, so doc comments
//! are `///` / `//!` lines, attributes `#[...]`, and the item follows on its own line.

use std::path::PathBuf;

fn generated_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/generated")
}

fn generated_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(generated_dir())
        .expect("generated-client/src/generated")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("readable");
            (name, text)
        })
        .collect();
    files.sort();
    assert!(files.len() > 2, "no generated files found");
    files
}

/// Letters and digits only, lowercased: `` `firstName` `` and `first_name` both become
/// `firstname`.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A doc comment and the item it documents.
struct Documented {
    file: String,
    line: usize,
    doc: Vec<String>,
    /// The item's Rust name.
    name: String,
    /// Its `#[serde(rename = "...")]`, if any.
    wire: Option<String>,
}

/// The name an item line declares: `pub struct X`, `pub fn x(`, `pub x: T`, `X(T),`, `X,`.
fn item_name(line: &str) -> Option<String> {
    let mut rest = line.trim();
    for prefix in [
        "pub(crate) ",
        "pub ",
        "async ",
        "fn ",
        "struct ",
        "enum ",
        "type ",
        "mod ",
        "static ",
        "const ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
        rest = rest.trim_start();
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn documented_items() -> Vec<Documented> {
    let mut out = Vec::new();
    for (file, text) in generated_files() {
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if !lines[i].trim_start().starts_with("///") {
                i += 1;
                continue;
            }
            let start = i;
            let mut doc = Vec::new();
            while i < lines.len() && lines[i].trim_start().starts_with("///") {
                let l = lines[i].trim_start().trim_start_matches("///");
                doc.push(l.strip_prefix(' ').unwrap_or(l).to_owned());
                i += 1;
            }
            // Attributes, possibly over several lines (`#[serde(\n rename = "x",\n )]`).
            let mut attrs = String::new();
            while i < lines.len() && lines[i].trim_start().starts_with("#[") {
                let mut depth = 0i32;
                loop {
                    let l = lines[i];
                    attrs.push_str(l);
                    depth += l.matches('[').count() as i32 - l.matches(']').count() as i32;
                    i += 1;
                    if depth <= 0 || i >= lines.len() {
                        break;
                    }
                }
            }
            let wire = attrs
                .split("rename = \"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_owned);
            if let Some(name) = lines.get(i).and_then(|l| item_name(l)) {
                out.push(Documented {
                    file: file.clone(),
                    line: start + 1,
                    doc,
                    name,
                    wire,
                });
            }
        }
    }
    out
}

#[test]
fn every_doc_comment_starts_with_a_summary_that_is_more_than_the_name() {
    let items = documented_items();
    assert!(
        items.len() > 300,
        "only {} documented items found",
        items.len()
    );
    let mut bad = Vec::new();
    for item in &items {
        let first = item.doc.first().map(String::as_str).unwrap_or_default();
        let summary = normalized(first);
        let names = [Some(item.name.as_str()), item.wire.as_deref()];
        let only_name = names
            .iter()
            .flatten()
            .any(|n| normalized(n) == summary || normalized(n.trim_end_matches('_')) == summary);
        let no_summary = first.trim().is_empty()
            || first.starts_with("- ")
            || first.starts_with("```")
            || first.starts_with('#');
        if only_name || no_summary {
            bad.push(format!(
                "{}:{} `{}`: {first:?}",
                item.file, item.line, item.name
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} doc comments with no summary or only the name:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// How the spec's maintainer notes read; none of them belongs in the client's docs.
const MAINTAINER_NOTES: &[&str] = &[
    "NOT FOUND",
    "cut off",
    "Only the method, path and scope",
    "Inferred, not documented",
    "the Folders page",
    "the Templates page",
    "The page shows",
    "the docs abbreviate",
    "x-scopes-conflict",
];

#[test]
fn no_maintainer_note_reaches_the_docs() {
    let mut bad = Vec::new();
    for (file, text) in generated_files() {
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if !(trimmed.starts_with("///") || trimmed.starts_with("//!")) {
                continue;
            }
            for note in MAINTAINER_NOTES {
                if trimmed.contains(note) {
                    bad.push(format!("{file}:{}: {note:?} in {trimmed}", n + 1));
                }
            }
            // "Only `a` and `b` are documented": how much of the docs could be read.
            if let Some(at) = trimmed.find("Only ")
                && trimmed[at..].contains(" documented")
            {
                bad.push(format!(
                    "{file}:{}: \"Only ... documented\" in {trimmed}",
                    n + 1
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "maintainer notes in user docs:\n{}",
        bad.join("\n")
    );
}

#[test]
fn an_inferred_node_says_so_in_plain_words() {
    let types = std::fs::read_to_string(generated_dir().join("types.rs")).expect("types.rs");
    let lines: Vec<&str> = types.lines().collect();
    // `LinkType` is `x-inferred` in the spec.
    let at = lines
        .iter()
        .position(|l| l.starts_with("pub enum LinkType") || l.starts_with("pub type LinkType"))
        .expect("LinkType in types.rs");
    let doc: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .skip_while(|l| l.starts_with("#["))
        .take_while(|l| l.starts_with("///"))
        .copied()
        .collect();
    assert!(
        doc.iter()
            .any(|l| l.contains("Not documented by ProLinksQR; inferred.")),
        "LinkType's doc does not say it is inferred: {doc:?}"
    );
}

#[test]
fn each_module_is_summarised_once() {
    for (file, text) in generated_files() {
        if file == "mod.rs" {
            // The modules document themselves (`//!`); an outer doc here would be shown
            // before that one.
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                if line.starts_with("pub mod ") && line.trim_end().ends_with(';') && n > 0 {
                    assert!(
                        !lines[n - 1].trim_start().starts_with("///"),
                        "mod.rs documents `{line}` outside its module"
                    );
                }
            }
            continue;
        }
        let module_doc: Vec<&str> = text.lines().filter(|l| l.starts_with("//!")).collect();
        let first = module_doc
            .first()
            .unwrap_or_else(|| panic!("{file} has no module doc"));
        let module = file.trim_end_matches(".rs");
        assert_ne!(
            normalized(first),
            normalized(&format!("{module} operations")),
            "{file}: the module summary only names the module"
        );
        // The group struct points to its accessor rather than repeating the module doc.
        if file != "types.rs" {
            let summary = first.trim_start_matches("//!").trim();
            let repeated = text
                .lines()
                .filter(|l| l.starts_with("/// ") && l.trim_start_matches("/// ") == summary)
                .count();
            assert_eq!(
                repeated, 0,
                "{file}: the module summary is repeated on an item"
            );
        }
    }
}

/// The Rust block after the heading `section` of the crate's README, opened with `fence`.
fn crate_readme_block(section: &str, fence: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("generated-client/README.md"))
        .expect("generated-client/README.md");
    let section = readme
        .split(&format!("## {section}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("the crate README has a \"{section}\" section"));
    section
        .split(fence)
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .unwrap_or_else(|| panic!("a {fence:?} block in \"{section}\""))
        .trim_end()
        .to_owned()
}

/// `rel` (under the repository) from its first `use` line on.
fn from_first_use(rel: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(rel)).expect(rel);
    let at = text
        .find("\nuse ")
        .unwrap_or_else(|| panic!("{rel} has `use` lines"));
    text[at + 1..].trim_end().to_owned()
}

#[test]
fn the_readme_examples_are_the_compiled_ones() {
    for (section, fence, example) in [
        (
            "Quick start",
            "```rust,no_run\n",
            "generated-client/examples/quickstart.rs",
        ),
        // `ignore`d in the README: its doctests are built without the features these need.
        (
            "Blocking calls",
            "```rust,ignore\n",
            "generated-client/examples/blocking.rs",
        ),
        (
            "Testing your code",
            "```rust,ignore\n",
            "generated-client/tests/testing_example.rs",
        ),
    ] {
        assert_eq!(
            crate_readme_block(section, fence),
            from_first_use(example),
            "the crate README's \"{section}\" differs from {example} (copy the file from its first `use`)"
        );
    }
}

/// The repository's README sends users to the crate's README and the command line's on its
/// first screen, and no longer repeats their examples.
#[test]
fn the_repository_readme_points_users_to_the_crate_readme() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let first_screen: String = readme.lines().take(12).collect::<Vec<_>>().join("\n");
    for needle in [
        "cargo xtask codegen",
        "cargo test --workspace",
        "generated-client/README.md",
        "cli/README.md",
    ] {
        assert!(first_screen.contains(needle), "{needle}:\n{first_screen}");
    }
    assert!(!readme.contains("## Using the client"));
    assert!(!readme.contains("## Testing your code"));
    assert!(root.join("cli/README.md").is_file());
}
