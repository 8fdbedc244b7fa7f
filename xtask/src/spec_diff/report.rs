//! Report -> text: plain text for a terminal, Markdown for a pull-request description,
//! JSON for tools. Renderers only format: every decision (order, levels, wording) was made
//! before, so the three formats always say the same thing.

use std::fmt::Write;

use super::codediff::{CodeDiff, FileStatus, Unexplained};
use generator::error::unescape_token;

use super::model::{
    Affected, Change, Direction, Level, Part, ReachGroup, Report, SchemaSection, Summary,
};

/// Plain text, for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec-diff: {} -> {}", r.old, r.new);
    summary_lines(&r.summary, &mut out);
    for op in &r.operations {
        let _ = write!(out, "\n{} {}  ({}", op.method, op.path, op.operation_id);
        if let Some(call) = &op.rust {
            let _ = write!(out, ", {call}");
        }
        out.push_str(")\n");
        op.changes.iter().for_each(|c| text_change(c, &mut out));
    }
    for s in &r.schemas {
        let _ = write!(out, "\nschema {}", s.name);
        out.push_str(&schema_note(s.rust.as_deref(), s.used_in));
        out.push('\n');
        if !s.operations.is_empty() {
            let _ = writeln!(
                out,
                "  used by {}:",
                plural(s.operations.len(), "operation")
            );
            for g in s.reach.iter().take(EXAMPLES) {
                let _ = writeln!(
                    out,
                    "    {}: {}",
                    group_label(g, false),
                    plural(g.count, "operation")
                );
                for a in examples(s, g) {
                    let _ = write!(out, "      {} {}", a.method, a.path);
                    if let Some(call) = &a.call {
                        let _ = write!(out, "  {call}");
                    }
                    let _ = writeln!(out, "  ({})", via(part_via(a, g.part), false));
                }
                if g.count > EXAMPLES {
                    let _ = writeln!(out, "      and {} more", g.count - EXAMPLES);
                }
            }
            if let Some(rest) = more_groups(s) {
                let _ = writeln!(out, "    {rest}");
            }
        }
        s.changes.iter().for_each(|c| text_change(c, &mut out));
    }
    if let Some(code) = &r.generated {
        text_code(code, r.summary.rust.breaking, &mut out);
    }
    out
}

fn summary_lines(s: &Summary, out: &mut String) {
    if s.changes == 0 {
        out.push_str("no semantic changes\n");
        return;
    }
    let _ = writeln!(
        out,
        "{} in {} and {}",
        plural(s.changes, "change"),
        plural(s.operations, "operation"),
        plural(s.schemas, "schema")
    );
    let _ = writeln!(
        out,
        "  wire: {} breaking, {} warning, {} compatible",
        s.wire.breaking, s.wire.warning, s.wire.compatible
    );
    let _ = writeln!(
        out,
        "  rust: {} breaking, {} warning, {} compatible",
        s.rust.breaking, s.rust.warning, s.rust.compatible
    );
    let _ = writeln!(out, "verdict: {}", verdict(s));
}

/// The bottom line.
pub fn verdict(s: &Summary) -> String {
    match (s.wire.breaking > 0, s.rust.breaking > 0) {
        (true, true) => "breaking on the wire and for the Rust API (semver-major)".to_owned(),
        (true, false) => "breaking on the wire; the Rust API still compiles".to_owned(),
        (false, true) => {
            "breaking for the Rust API (semver-major); existing clients keep working".to_owned()
        }
        (false, false) if s.wire.warning + s.rust.warning > 0 => format!(
            "no breaking change; {} to review",
            plural(s.wire.warning + s.rust.warning, "warning")
        ),
        (false, false) if s.changes == 0 => "no changes".to_owned(),
        (false, false) => "compatible (semver-minor)".to_owned(),
    }
}

fn text_change(c: &Change, out: &mut String) {
    let what = if c.location.is_empty() {
        c.summary.clone()
    } else {
        format!("{}: {}", c.location, c.summary)
    };
    let _ = writeln!(out, "  - {what}");
    let _ = writeln!(
        out,
        "      wire {:<10}  {}",
        c.wire.level.as_str(),
        c.wire.reason
    );
    let _ = writeln!(
        out,
        "      rust {:<10}  {}",
        c.rust.level.as_str(),
        c.rust.reason
    );
}

/// How many operations of a group the text and Markdown reports name; the rest are
/// counted (and, in Markdown, listed in a folded block). The JSON report lists them all.
pub const EXAMPLES: usize = 5;

/// A chain of components: `directly`, or `via A → B`.
fn via(chain: &[String], markdown: bool) -> String {
    if chain.is_empty() {
        return "directly".to_owned();
    }
    let names: Vec<String> = chain.iter().map(|n| code_name(n, markdown)).collect();
    format!("via {}", names.join(" → "))
}

fn code_name(name: &str, markdown: bool) -> String {
    if markdown {
        format!("`{name}`")
    } else {
        name.to_owned()
    }
}

/// The chain by which an operation of a group reaches the schema in the group's part.
fn part_via(a: &Affected, part: Part) -> &[String] {
    let chain = match part {
        Part::Request => &a.request_via,
        Part::SuccessResponse => &a.success_via,
        Part::ErrorResponse => &a.error_via,
    };
    chain.as_deref().unwrap_or_default()
}

/// `error responses, through the shared response `error``, `requests, via `Folder``.
fn group_label(g: &ReachGroup, markdown: bool) -> String {
    let through = match g.through.as_deref() {
        None => "directly".to_owned(),
        Some(pointer) => match pointer.strip_prefix("#/components/responses/") {
            Some(name) => format!(
                "through the shared response {}",
                code_name(&unescape_token(name), markdown)
            ),
            None => {
                let name = pointer.rsplit('/').next().unwrap_or(pointer);
                format!("via {}", code_name(&unescape_token(name), markdown))
            }
        },
    };
    format!("{}, {through}", g.part.as_str())
}

/// The first [`EXAMPLES`] operations of a group.
fn examples<'r>(s: &'r SchemaSection, g: &'r ReachGroup) -> impl Iterator<Item = &'r Affected> {
    g.operations
        .iter()
        .take(EXAMPLES)
        .filter_map(|&i| s.operations.get(i))
}

fn schema_note(rust: Option<&str>, used: Direction) -> String {
    let mut notes = Vec::new();
    if let Some(t) = rust {
        notes.push(format!("type {t}"));
    }
    notes.push(used_in(used).to_owned());
    format!("  ({})", notes.join(", "))
}

fn used_in(d: Direction) -> &'static str {
    match d {
        Direction::Request => "used in requests",
        Direction::Response => "used in responses",
        Direction::Both => "used in requests and responses",
        Direction::Unused | Direction::None => "not used by any operation",
    }
}

fn text_code(code: &CodeDiff, rust_breaking: usize, out: &mut String) {
    out.push_str("\ngenerated code (src/generated/)\n");
    if code.is_empty() {
        out.push_str("  identical\n");
    }
    for f in &code.files {
        let _ = writeln!(
            out,
            "  {:<8} {}  +{} -{}",
            status(f.status),
            f.path,
            f.added,
            f.removed
        );
    }
    for (label, list) in [
        ("added", &code.items_added),
        ("removed", &code.items_removed),
        ("changed", &code.items_changed),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  items {label} ({}):", list.len());
        for item in list {
            let _ = writeln!(out, "    {item}");
        }
    }
    if rust_breaking == 0 {
        return; // nothing to check
    }
    let _ = writeln!(out, "  {}", check_line(code));
    for u in &code.unexplained {
        let _ = writeln!(out, "    {}: {}", u.section, located(u));
        let _ = writeln!(out, "      rust breaking  {}", u.reason);
    }
}

/// The outcome of the item check ([`super::codediff::check`]), in one line.
fn check_line(code: &CodeDiff) -> String {
    match code.unexplained.len() {
        0 => "every breaking Rust verdict has a removed or changed public item".to_owned(),
        n => format!(
            "CLASSIFICATION BUG: {} without a removed or changed public item (the generated API does not break where the verdict says; fix the rule):",
            plural(n, "breaking Rust verdict")
        ),
    }
}

fn located(u: &Unexplained) -> String {
    if u.location.is_empty() {
        u.summary.clone()
    } else {
        format!("{}: {}", u.location, u.summary)
    }
}

fn status(s: FileStatus) -> &'static str {
    match s {
        FileStatus::Added => "added",
        FileStatus::Removed => "removed",
        FileStatus::Changed => "changed",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

// ---------------------------------------------------------------------- markdown

/// Markdown, for a pull-request description.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    out.push_str("## Spec diff\n\n");
    let _ = writeln!(out, "`{}` → `{}`\n", r.old, r.new);
    let s = &r.summary;
    let mark = match (s.breaking, s.wire.warning + s.rust.warning > 0) {
        (true, _) => "❌",
        (false, true) => "⚠️",
        (false, false) => "✅",
    };
    let _ = writeln!(out, "{mark} **{}**\n", capitalize(&verdict(s)));
    if s.changes > 0 {
        out.push_str(
            "| | changes | wire breaking | wire warning | Rust breaking | Rust warning |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|\n");
        let row = |out: &mut String, label: String, changes: Vec<&Change>| {
            if changes.is_empty() {
                return;
            }
            let count = |f: &dyn Fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count();
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} | {} | {} |",
                changes.len(),
                count(&|c| c.wire.level == Level::Breaking),
                count(&|c| c.wire.level == Level::Warning),
                count(&|c| c.rust.level == Level::Breaking),
                count(&|c| c.rust.level == Level::Warning),
            );
        };
        row(
            &mut out,
            plural(r.operations.len(), "operation"),
            r.operations.iter().flat_map(|o| &o.changes).collect(),
        );
        row(
            &mut out,
            plural(r.schemas.len(), "schema"),
            r.schemas.iter().flat_map(|s| &s.changes).collect(),
        );
        let _ = writeln!(
            out,
            "| **total** | **{}** | **{}** | **{}** | **{}** | **{}** |",
            s.changes, s.wire.breaking, s.wire.warning, s.rust.breaking, s.rust.warning
        );
    }
    if !r.operations.is_empty() {
        out.push_str("\n### Operations\n");
        for op in &r.operations {
            let _ = write!(
                out,
                "\n#### `{} {}` · `{}`",
                op.method, op.path, op.operation_id
            );
            if let Some(call) = &op.rust {
                let _ = write!(out, " · `{call}`");
            }
            out.push_str("\n\n");
            md_table(&op.changes, "operation", &mut out);
        }
    }
    if !r.schemas.is_empty() {
        out.push_str("\n### Schemas\n");
        for sch in &r.schemas {
            let _ = write!(out, "\n#### `{}`", sch.name);
            if let Some(t) = &sch.rust {
                let _ = write!(out, " · type `{t}`");
            }
            let _ = writeln!(out, " · {}\n", used_in(sch.used_in));
            if !sch.operations.is_empty() {
                md_reach(sch, &mut out);
            }
            md_table(&sch.changes, "schema", &mut out);
        }
    }
    if let Some(code) = &r.generated {
        md_code(code, r.summary.rust.breaking, &mut out);
    }
    out
}

/// The operations a schema reaches: per group a count and a few examples, the rest of a
/// larger group folded under them (each operation once per group: no list repeats it).
fn md_reach(sch: &SchemaSection, out: &mut String) {
    let _ = writeln!(
        out,
        "Used by {}:\n",
        plural(sch.operations.len(), "operation")
    );
    let rest = more_groups(sch);
    for (n, g) in sch.reach.iter().enumerate() {
        if n == EXAMPLES
            && let Some(rest) = &rest
        {
            // Past a handful of groups, the others are folded whole.
            let _ = writeln!(out, "\n<details><summary>{rest}</summary>\n");
        }
        let _ = writeln!(
            out,
            "- {}: **{}**",
            group_label(g, true),
            plural(g.count, "operation")
        );
        let item = |out: &mut String, a: &Affected| {
            let _ = write!(out, "  - `{} {}`", a.method, a.path);
            if let Some(call) = &a.call {
                let _ = write!(out, " · `{call}`");
            }
            let _ = writeln!(out, " · {}", via(part_via(a, g.part), true));
        };
        let mut all = g.operations.iter().filter_map(|&i| sch.operations.get(i));
        if n >= EXAMPLES {
            all.for_each(|a| item(out, a));
            continue;
        }
        all.by_ref().take(EXAMPLES).for_each(|a| item(out, a));
        if g.count > EXAMPLES {
            let _ = writeln!(
                out,
                "\n  <details><summary>and {} more</summary>\n",
                g.count - EXAMPLES
            );
            all.for_each(|a| item(out, a));
            out.push_str("\n  </details>\n\n");
        }
    }
    if rest.is_some() {
        out.push_str("\n</details>\n");
    }
    out.push('\n');
}

/// Past the first [`EXAMPLES`] groups: `and 12 more groups (40 operations)`, counting each
/// operation once.
fn more_groups(s: &SchemaSection) -> Option<String> {
    let rest = s.reach.get(EXAMPLES..).filter(|r| !r.is_empty())?;
    let operations: std::collections::BTreeSet<usize> = rest
        .iter()
        .flat_map(|g| g.operations.iter().copied())
        .collect();
    let groups = if rest.len() == 1 { "group" } else { "groups" };
    Some(format!(
        "and {} more {groups} ({})",
        rest.len(),
        plural(operations.len(), "operation")
    ))
}

fn md_table(changes: &[Change], itself: &str, out: &mut String) {
    out.push_str("| where | change | wire | Rust |\n|---|---|---|---|\n");
    for c in changes {
        let where_ = if c.location.is_empty() {
            itself
        } else {
            &c.location
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} {}: {} | {} {}: {} |",
            cell(where_),
            cell(&c.summary),
            emoji(c.wire.level),
            c.wire.level.as_str(),
            cell(&c.wire.reason),
            emoji(c.rust.level),
            c.rust.level.as_str(),
            cell(&c.rust.reason),
        );
    }
}

fn md_code(code: &CodeDiff, rust_breaking: usize, out: &mut String) {
    out.push_str("\n### Generated code\n\n");
    if code.is_empty() {
        out.push_str("`src/generated/` is identical.\n");
    } else {
        out.push_str("| file | status | + | − |\n|---|---|---:|---:|\n");
    }
    for f in &code.files {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            f.path,
            status(f.status),
            f.added,
            f.removed
        );
    }
    let total = code.items_added.len() + code.items_removed.len() + code.items_changed.len();
    if total > 0 {
        md_items(code, out);
    }
    if rust_breaking == 0 {
        return; // nothing to check
    }
    let mark = if code.unexplained.is_empty() {
        "✅"
    } else {
        "❌"
    };
    let _ = writeln!(out, "\n{mark} {}", check_line(code));
    for u in &code.unexplained {
        let _ = writeln!(
            out,
            "- {}: {} — {}",
            cell(&u.section),
            cell(&located(u)),
            cell(&u.reason)
        );
    }
}

fn md_items(code: &CodeDiff, out: &mut String) {
    let _ = writeln!(
        out,
        "\n<details><summary>Public items: {} added, {} removed, {} changed</summary>\n",
        code.items_added.len(),
        code.items_removed.len(),
        code.items_changed.len()
    );
    for (label, list) in [
        ("added", &code.items_added),
        ("removed", &code.items_removed),
        ("changed", &code.items_changed),
    ] {
        for item in list {
            let _ = writeln!(out, "- {label}: `{item}`");
        }
    }
    out.push_str("\n</details>\n");
}

fn emoji(level: Level) -> &'static str {
    match level {
        Level::Compatible => "✅",
        Level::Warning => "⚠️",
        Level::Breaking => "❌",
    }
}

/// A table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------- json

/// JSON, for tools (pretty-printed, fields in a fixed order).
pub fn json(r: &Report) -> String {
    let mut text = serde_json::to_string_pretty(r).unwrap_or_else(|e| {
        // Serializing plain data cannot fail; keep the output valid JSON regardless.
        format!("{{\"error\": {:?}}}", e.to_string())
    });
    text.push('\n');
    text
}
