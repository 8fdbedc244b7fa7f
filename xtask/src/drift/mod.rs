//! `cargo xtask drift`: what generated clients saw differ from the spec (their drift logs),
//! as a report ([`report`]) and as an OpenAPI Overlay proposing the spec changes
//! ([`propose`]).
//!
//! The logs are the files the runtime's `drift` module writes (`DriftLog::save`):
//! `{"version": 1, "dropped": n, "records": [...]}`. They are read here with their own
//! types rather than the runtime's: `xtask` must build when the generated crate does not
//! (that is when `codegen` is needed most), so it never depends on it.

pub mod propose;
pub mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The largest drift log read: a log holds at most 10,000 records of a few hundred bytes.
const MAX_LOG_BYTES: u64 = 64 << 20;

/// The most distinct values a merged [`Seen`] keeps (as the runtime's `MAX_SEEN_VALUES`).
const MAX_SEEN_VALUES: usize = 16;

/// What the spec expects where a drift was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The JSON type (`object`, `string`, ..., `oneOf`, `any`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub json_type: Option<String>,
    /// For a string, its format in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The schema's JSON pointer in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Enum values, documented statuses or media types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// For a missing field: whether the spec requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// What came where a drift was seen: kinds of values, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The JSON type of the latest response (`invalid`: not JSON).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub json_type: Option<String>,
    /// The other JSON types that came there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_types: Vec<String>,
    /// The format every string had, if they agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Unlisted enum values or undocumented media types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl Seen {
    /// Every JSON type that came, sorted.
    pub fn types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = self
            .json_type
            .iter()
            .chain(&self.other_types)
            .map(String::as_str)
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    }

    fn saw_string(&self) -> bool {
        self.types().contains(&"string")
    }

    /// The runtime's merge rule: every type, the latest as `json_type`; a format only
    /// when all strings had it; the values of both.
    fn merge(&mut self, later: &Seen) {
        let strings = (self.saw_string(), later.saw_string());
        let mut types: Vec<String> = self
            .json_type
            .iter()
            .chain(&self.other_types)
            .chain(&later.other_types)
            .cloned()
            .collect();
        types.sort();
        types.dedup();
        if later.json_type.is_some() {
            self.json_type.clone_from(&later.json_type);
        }
        types.retain(|t| Some(t) != self.json_type.as_ref());
        self.other_types = types;
        self.format = match strings {
            (true, true) if self.format == later.format => self.format.take(),
            (true, true) => None,
            (false, _) => later.format.clone(),
            (true, false) => self.format.take(),
        };
        for value in &later.values {
            if let Err(at) = self.values.binary_search(value)
                && self.values.len() < MAX_SEEN_VALUES
            {
                self.values.insert(at, value.clone());
            }
        }
    }
}

/// One record of a drift log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The operation's id.
    pub operation: String,
    /// Its HTTP method.
    pub method: String,
    /// Its path template.
    pub path: String,
    /// The response's status.
    pub status: u16,
    /// A JSON pointer into the body (`*` for array indices and map keys).
    pub pointer: String,
    /// What differed (`unknown_field`, `missing_field`, ...).
    pub kind: String,
    /// What the spec expects there.
    #[serde(default)]
    pub expected: Expected,
    /// What came.
    #[serde(default)]
    pub seen: Seen,
    /// In how many responses.
    pub count: u64,
    /// First seen (RFC 3339).
    pub first_seen: String,
    /// Last seen (RFC 3339).
    pub last_seen: String,
}

impl Record {
    fn key(&self) -> (String, u16, String, String) {
        (
            self.operation.clone(),
            self.status,
            self.pointer.clone(),
            self.kind.clone(),
        )
    }

    fn merge(&mut self, other: &Record) {
        self.count = self.count.saturating_add(other.count);
        if other.first_seen < self.first_seen {
            self.first_seen.clone_from(&other.first_seen);
        }
        if other.last_seen >= self.last_seen {
            self.last_seen.clone_from(&other.last_seen);
            self.seen.merge(&other.seen);
        } else {
            let mut seen = other.seen.clone();
            seen.merge(&self.seen);
            self.seen = seen;
        }
    }

    /// `name` for the kinds the report prints (`unknown field`).
    pub fn kind_text(&self) -> String {
        self.kind.replace('_', " ")
    }
}

#[derive(Deserialize)]
struct LogFile {
    version: u64,
    #[serde(default)]
    dropped: u64,
    records: Vec<Record>,
}

/// The records of one or more logs, merged by operation, status, pointer and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Logs {
    /// The files read.
    pub files: Vec<PathBuf>,
    /// The records, ordered by operation, status, pointer and kind.
    pub records: Vec<Record>,
    /// Observations the clients dropped because their log was full.
    pub dropped: u64,
}

impl Logs {
    /// Reads and merges `paths`.
    pub fn read(paths: &[PathBuf]) -> Result<Logs, String> {
        let mut logs = Logs::default();
        for path in paths {
            let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
            let bytes = crate::spec_files::read_bounded(path, MAX_LOG_BYTES).map_err(cannot)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{}: not a drift log: not UTF-8", path.display()))?;
            logs.merge_text(path, &text)?;
        }
        Ok(logs)
    }

    /// Merges one log's text (read from `path`, named in errors).
    pub fn merge_text(&mut self, path: &Path, text: &str) -> Result<(), String> {
        let file: LogFile = serde_json::from_str(text)
            .map_err(|e| format!("{}: not a drift log: {e}", path.display()))?;
        if file.version != 1 {
            return Err(format!(
                "{}: drift log version {} (this xtask reads version 1)",
                path.display(),
                file.version
            ));
        }
        let mut by_key: BTreeMap<_, Record> = std::mem::take(&mut self.records)
            .into_iter()
            .map(|r| (r.key(), r))
            .collect();
        for record in file.records {
            match by_key.get_mut(&record.key()) {
                Some(existing) => existing.merge(&record),
                None => {
                    by_key.insert(record.key(), record);
                }
            }
        }
        self.records = by_key.into_values().collect();
        self.dropped = self.dropped.saturating_add(file.dropped);
        self.files.push(path.to_path_buf());
        Ok(())
    }

    /// Only the records seen at least `min_count` times.
    pub fn at_least(mut self, min_count: u64) -> Logs {
        self.records.retain(|r| r.count >= min_count);
        self
    }
}

/// The most common form of "12 responses, 2026-06-01 to 2026-06-24".
pub fn seen_text(record: &Record) -> String {
    let day = |t: &str| t.get(..10).unwrap_or(t).to_owned();
    let (first, last) = (day(&record.first_seen), day(&record.last_seen));
    let responses = if record.count == 1 {
        "1 response".to_owned()
    } else {
        format!("{} responses", record.count)
    };
    if first == last {
        format!("{responses} on {first}")
    } else {
        format!("{responses}, {first} to {last}")
    }
}

/// Writes the overlay proposing what `logs` saw to `out` (YAML, or JSON for `.json`),
/// atomically; returns what to tell the maintainer. `spec`: the spec the clients were
/// generated from (default: the project's, with `spec/overlays/`); `overlays` are applied
/// to it first, after the folder's.
pub fn propose_to_file(
    logs: &Logs,
    spec: Option<&Path>,
    overlays: &[PathBuf],
    out: &Path,
) -> Result<String, String> {
    let doc = crate::spec_files::effective_document(spec, overlays)?;
    let proposal = propose::propose(&logs.records, &doc);
    if proposal.actions == 0 {
        // An Overlay has at least one action: there is no file to write.
        return Ok(format!(
            "nothing to propose: {} finding(s) need no change, {} not placed; {} not written\n",
            proposal.unchanged.len(),
            proposal.unplaced.len(),
            out.display()
        ));
    }
    let text = if out.extension().is_some_and(|e| e == "json") {
        let mut text = serde_json::to_string_pretty(&proposal.overlay)
            .map_err(|e| format!("cannot write the overlay: {e}"))?;
        text.push('\n');
        text
    } else {
        yaml(&proposal.overlay)?
    };
    crate::files::write_atomic(out, &text)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let mut summary = format!(
        "wrote {} with {} action(s) for {} finding(s)\n",
        out.display(),
        proposal.actions,
        logs.records.len() - proposal.unplaced.len() - proposal.unchanged.len()
    );
    if !proposal.unchanged.is_empty() {
        summary.push_str(&format!(
            "{} finding(s) need no change (a missing optional field or body)\n",
            proposal.unchanged.len()
        ));
    }
    if !proposal.unplaced.is_empty() {
        summary.push_str(&format!(
            "{} finding(s) not placed (also in the overlay's x-unplaced):\n",
            proposal.unplaced.len()
        ));
        for (record, why) in &proposal.unplaced {
            summary.push_str(&format!(
                "  {} {} {}: {}: {why}\n",
                record.operation,
                record.status,
                if record.pointer.is_empty() {
                    "(body)"
                } else {
                    &record.pointer
                },
                record.kind_text()
            ));
        }
    }
    Ok(summary)
}

/// The overlay as YAML with its keys in the order a reader expects (`overlay`, `info`,
/// `actions`; in an action `target` first), not sorted.
fn yaml(overlay: &serde_json::Value) -> Result<String, String> {
    #[derive(Serialize)]
    struct Action<'a> {
        target: &'a serde_json::Value,
        description: &'a serde_json::Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        update: Option<&'a serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        remove: Option<&'a serde_json::Value>,
    }
    #[derive(Serialize)]
    struct Document<'a> {
        overlay: &'a serde_json::Value,
        info: &'a serde_json::Value,
        actions: Vec<Action<'a>>,
        #[serde(rename = "x-unplaced", skip_serializing_if = "Option::is_none")]
        unplaced: Option<&'a serde_json::Value>,
    }
    let null = serde_json::Value::Null;
    let actions = overlay["actions"]
        .as_array()
        .map(|actions| {
            actions
                .iter()
                .map(|a| Action {
                    target: &a["target"],
                    description: &a["description"],
                    update: a.get("update"),
                    remove: a.get("remove"),
                })
                .collect()
        })
        .unwrap_or_default();
    let document = Document {
        overlay: overlay.get("overlay").unwrap_or(&null),
        info: overlay.get("info").unwrap_or(&null),
        actions,
        unplaced: overlay.get("x-unplaced"),
    };
    serde_yaml::to_string(&document).map_err(|e| format!("cannot write the overlay: {e}"))
}

#[cfg(test)]
mod tests;
