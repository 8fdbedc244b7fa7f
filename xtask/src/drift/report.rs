//! `cargo xtask drift report`: what the logs saw, by operation and by schema, with counts.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use super::{Logs, Record, seen_text};
use crate::spec_diff::Format;

/// The report of `logs` in `format`.
pub fn render(logs: &Logs, format: Format) -> String {
    match format {
        Format::Text => text(logs),
        Format::Markdown => markdown(logs),
        Format::Json => {
            let mut out = serde_json::to_string_pretty(&as_json(logs)).unwrap_or_default();
            out.push('\n');
            out
        }
    }
}

/// The records of each operation, in the logs' order.
fn by_operation(logs: &Logs) -> BTreeMap<&str, Vec<&Record>> {
    let mut ops: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for record in &logs.records {
        ops.entry(&record.operation).or_default().push(record);
    }
    ops
}

/// Per schema of the spec: findings and responses.
fn by_schema(logs: &Logs) -> BTreeMap<&str, (usize, u64)> {
    let mut schemas: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for record in &logs.records {
        if let Some(schema) = &record.expected.schema {
            let entry = schemas.entry(schema).or_default();
            entry.0 += 1;
            entry.1 = entry.1.saturating_add(record.count);
        }
    }
    schemas
}

fn summary(logs: &Logs) -> String {
    let responses: u64 = logs.records.iter().map(|r| r.count).sum();
    let logs_text = match logs.files.len() {
        1 => "1 log".to_owned(),
        n => format!("{n} logs"),
    };
    format!(
        "{logs_text}: {} finding(s) in {} operation(s), over {responses} response(s); \
         {} observation(s) dropped by full logs",
        logs.records.len(),
        by_operation(logs).len(),
        logs.dropped
    )
}

/// What the spec expects, in words.
pub fn expected_text(record: &Record) -> String {
    let e = &record.expected;
    let mut parts = Vec::new();
    match record.kind.as_str() {
        "undocumented_status" => parts.push(format!("statuses {}", e.values.join(", "))),
        "undocumented_content_type" | "missing_body" => {
            parts.push(format!("media types {}", e.values.join(", ")));
        }
        "undocumented_body" => parts.push("no body".to_owned()),
        _ => {
            if let Some(t) = &e.json_type {
                parts.push(t.clone());
            }
            if let Some(format) = &e.format {
                parts.push(format!("format {format}"));
            }
            if !e.values.is_empty() {
                parts.push(format!("one of {}", e.values.join(", ")));
            }
            if let Some(required) = e.required {
                parts.push(if required { "required" } else { "optional" }.to_owned());
            }
            if let Some(schema) = &e.schema {
                parts.push(format!("in {schema}"));
            }
        }
    }
    parts.join(", ")
}

/// What came, in words.
pub fn seen_kind_text(record: &Record) -> String {
    let s = &record.seen;
    let mut parts = Vec::new();
    let types = s.types();
    if !types.is_empty() {
        parts.push(types.join(" or "));
    }
    if let Some(format) = &s.format {
        parts.push(format!("format {format}"));
    }
    if !s.values.is_empty() {
        parts.push(s.values.join(", "));
    }
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join(", ")
    }
}

fn where_text(record: &Record) -> String {
    if record.pointer.is_empty() {
        "(body)".to_owned()
    } else {
        record.pointer.clone()
    }
}

fn text(logs: &Logs) -> String {
    let mut out = format!("Drift seen in {}\n", summary(logs));
    for (op, records) in by_operation(logs) {
        let first = records[0];
        let _ = writeln!(out, "\n{op} ({} {})", first.method, first.path);
        for r in records {
            let _ = writeln!(
                out,
                "  {} {}: {} ({})\n      expected: {}\n      seen: {}",
                r.status,
                where_text(r),
                r.kind_text(),
                seen_text(r),
                expected_text(r),
                seen_kind_text(r)
            );
        }
    }
    let schemas = by_schema(logs);
    if !schemas.is_empty() {
        out.push_str("\nBy schema\n");
        for (schema, (findings, responses)) in schemas {
            let _ = writeln!(
                out,
                "  {schema}: {findings} finding(s), {responses} response(s)"
            );
        }
    }
    out
}

/// `|` and line breaks would break a table row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn markdown(logs: &Logs) -> String {
    let mut out = format!("## API drift\n\n{}.\n", summary(logs));
    for (op, records) in by_operation(logs) {
        let first = records[0];
        let _ = writeln!(
            out,
            "\n### `{}` ({} `{}`)\n\n| status | where | what | seen | expected | responses |\n|---|---|---|---|---|---|",
            cell(op),
            first.method,
            cell(&first.path)
        );
        for r in records {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} |",
                r.status,
                cell(&where_text(r)),
                r.kind_text(),
                cell(&seen_kind_text(r)),
                cell(&expected_text(r)),
                cell(&seen_text(r))
            );
        }
    }
    let schemas = by_schema(logs);
    if !schemas.is_empty() {
        out.push_str("\n### By schema\n\n| schema | findings | responses |\n|---|---|---|\n");
        for (schema, (findings, responses)) in schemas {
            let _ = writeln!(out, "| `{}` | {findings} | {responses} |", cell(schema));
        }
    }
    out
}

fn as_json(logs: &Logs) -> serde_json::Value {
    let operations: Vec<_> = by_operation(logs)
        .into_iter()
        .map(|(op, records)| {
            json!({
                "operation": op,
                "method": records[0].method,
                "path": records[0].path,
                "responses": records.iter().map(|r| r.count).sum::<u64>(),
                "records": records,
            })
        })
        .collect();
    let schemas: Vec<_> = by_schema(logs)
        .into_iter()
        .map(|(schema, (findings, responses))| {
            json!({ "schema": schema, "findings": findings, "responses": responses })
        })
        .collect();
    json!({
        "logs": logs.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "dropped": logs.dropped,
        "findings": logs.records.len(),
        "operations": operations,
        "schemas": schemas,
    })
}
