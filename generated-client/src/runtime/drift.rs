//! Drift: where the API's responses differ from the description this crate was generated
//! from, recorded so that the description can be corrected. With the crate's `drift`
//! feature.
//!
//! Recording is off unless asked for: [`ClientBuilder::record_drift`] with a [`DriftLog`],
//! [`ClientBuilder::on_drift`] with a callback, or the drift-log environment variable (a
//! file) read by [`Client::from_env`](crate::Client::from_env). When it is off, a response
//! costs one branch; when it is on, each response body is also read once more, compared as
//! it is read with what the description documents for the operation and status. Recording
//! never changes the result of a call and never fails one.
//!
//! A [`Drift`] record never carries a value from the response: it names the operation (its
//! id, method and path template, never the concrete path or query), the status, a JSON
//! pointer into the body (array indices and map keys written `*`), what the description
//! expects and what kind of value came. Two exceptions, both what a corrected description
//! needs to name: an enum value the description does not list, kept when it is a short
//! token (`[A-Za-z0-9_.-]{1,64}`), and a content type, kept when it is a plain media type.
//!
//! [`ClientBuilder::record_drift`]: crate::ClientBuilder::record_drift
//! [`ClientBuilder::on_drift`]: crate::ClientBuilder::on_drift

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::de::DeserializeSeed;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api::Operation;

/// How the description shapes a JSON value, as far as drift checks need.
///
/// Read from the generated `drift.jsonl` ([`ApiInfo::drift`](super::ApiInfo::drift)) when
/// recording is turned on, never before.
#[derive(Debug, Clone)]
enum Shape {
    /// Any JSON value.
    Any,
    /// `true` or `false`.
    Boolean,
    /// A number without a fraction.
    Integer,
    /// Any number.
    Number,
    /// A string, with the format the description gives it (`date-time`).
    String(Option<Box<str>>),
    /// A named type of `types`.
    Ref(String),
    /// An array of items of one shape.
    Array(Box<Shape>),
    /// An array whose items each have their own shape (`prefixItems`).
    Tuple(Vec<Shape>),
    /// An object whose every property has one shape (`additionalProperties`).
    Map(Box<Shape>),
    /// `null`, or a value of the shape.
    Nullable(Box<Shape>),
    /// A string from a list.
    Enum(EnumShape),
    /// An object with named properties.
    Object(ObjectShape),
    /// A value of one of the shapes (`oneOf`, `anyOf`).
    OneOf(UnionShape),
}

#[derive(Debug, Clone)]
struct EnumShape {
    /// Where the schema is in the description (a JSON pointer).
    schema: String,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct ObjectShape {
    /// Where the schema is in the description (a JSON pointer).
    schema: String,
    fields: Vec<FieldShape>,
    /// The shape of properties it does not name, when it declares them; without it, such a
    /// property is drift.
    additional: Option<Box<Shape>>,
}

#[derive(Debug, Clone)]
struct FieldShape {
    /// Its name in the JSON.
    name: String,
    /// The shape of a present, non-null value.
    shape: Shape,
    required: bool,
    nullable: bool,
}

#[derive(Debug, Clone)]
struct UnionShape {
    /// Where the schema is in the description (a JSON pointer).
    schema: String,
    /// The property that names the alternative, when there is one: part of every
    /// alternative's object even where their schemas leave it out.
    tag: Option<String>,
    variants: Vec<Shape>,
}

/// What the description documents about one operation's responses.
#[derive(Debug, Clone)]
struct OperationShape {
    /// Status (`200`, `2XX`, `default`) -> media types (none: no body).
    responses: BTreeMap<String, Vec<String>>,
    /// The shape of a success response's JSON body.
    body: Option<Shape>,
}

/// The generated `drift.jsonl`: what the checks compare responses with.
#[derive(Debug, Clone, Default)]
pub(super) struct Description {
    operations: BTreeMap<String, OperationShape>,
    types: BTreeMap<String, Shape>,
}

impl Description {
    /// The description in `text` (the generated `drift.jsonl`: one operation or type per
    /// line); a line that is not one is left out (what it describes is not checked).
    pub(super) fn parse(text: &str) -> Description {
        let mut description = Description::default();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            // Read as a `Value` and taken apart by hand rather than through derived
            // `Deserialize` impls: this runs once per client, and derives would be compiled
            // into every crate for it.
            let Ok(Value::Object(line)) = serde_json::from_slice::<Value>(line.as_bytes()) else {
                continue;
            };
            if let Some(Value::String(id)) = line.get("operation") {
                let responses = line
                    .get("responses")
                    .and_then(Value::as_object)
                    .map(|responses| {
                        responses
                            .iter()
                            .map(|(status, media)| (status.clone(), strings(media)))
                            .collect()
                    })
                    .unwrap_or_default();
                let body = line.get("body").map(shape_of);
                description
                    .operations
                    .insert(id.clone(), OperationShape { responses, body });
            } else if let (Some(Value::String(name)), Some(shape)) =
                (line.get("type"), line.get("shape"))
            {
                description.types.insert(name.clone(), shape_of(shape));
            }
        }
        description
    }
}

/// The strings of a JSON array (none for anything else).
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The shape a line of `drift.jsonl` writes as `value`; what it does not recognise expects
/// anything.
fn shape_of(value: &Value) -> Shape {
    let text = |object: &serde_json::Map<String, Value>, key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match value {
        Value::String(name) => match name.as_str() {
            "boolean" => Shape::Boolean,
            "integer" => Shape::Integer,
            "number" => Shape::Number,
            "string" => Shape::String(None),
            _ => Shape::Any,
        },
        Value::Object(object) if object.len() == 1 => {
            let Some((kind, inner)) = object.iter().next() else {
                return Shape::Any;
            };
            let fields = inner.as_object();
            match (kind.as_str(), fields) {
                ("ref", _) => inner
                    .as_str()
                    .map_or(Shape::Any, |name| Shape::Ref(name.to_owned())),
                ("array", _) => Shape::Array(Box::new(shape_of(inner))),
                ("map", _) => Shape::Map(Box::new(shape_of(inner))),
                ("nullable", _) => Shape::Nullable(Box::new(shape_of(inner))),
                ("tuple", _) => Shape::Tuple(
                    inner
                        .as_array()
                        .map(|items| items.iter().map(shape_of).collect())
                        .unwrap_or_default(),
                ),
                ("enum", Some(e)) => Shape::Enum(EnumShape {
                    schema: text(e, "schema"),
                    values: e.get("values").map(strings).unwrap_or_default(),
                }),
                ("object", Some(o)) => Shape::Object(ObjectShape {
                    schema: text(o, "schema"),
                    fields: o
                        .get("fields")
                        .and_then(Value::as_array)
                        .map(|fields| fields.iter().filter_map(field_of).collect())
                        .unwrap_or_default(),
                    additional: o.get("additional").map(|a| Box::new(shape_of(a))),
                }),
                ("one_of", Some(u)) => Shape::OneOf(UnionShape {
                    schema: text(u, "schema"),
                    tag: u.get("tag").and_then(Value::as_str).map(str::to_owned),
                    variants: u
                        .get("variants")
                        .and_then(Value::as_array)
                        .map(|items| items.iter().map(shape_of).collect())
                        .unwrap_or_default(),
                }),
                _ => Shape::Any,
            }
        }
        _ => Shape::Any,
    }
}

fn field_of(value: &Value) -> Option<FieldShape> {
    let field = value.as_object()?;
    let flag = |key: &str| field.get(key).and_then(Value::as_bool).unwrap_or(false);
    let mut shape = field.get("shape").map_or(Shape::Any, shape_of);
    if let (Shape::String(format), Some(Value::String(given))) = (&mut shape, field.get("format")) {
        *format = Some(given.as_str().into());
    }
    Some(FieldShape {
        name: field.get("name")?.as_str()?.to_owned(),
        shape,
        required: flag("required"),
        nullable: flag("nullable"),
    })
}

/// What a [`Drift`] record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// A property the schema does not have.
    UnknownField,
    /// A documented property that was absent (`expected.required` says whether the
    /// description requires it).
    MissingField,
    /// A value of another JSON type than the schema's.
    WrongType,
    /// `null` where the schema is not nullable.
    UnexpectedNull,
    /// A string the schema's enum does not list.
    UnknownEnumValue,
    /// A status code the operation does not document.
    UndocumentedStatus,
    /// A content type the operation does not document for the status.
    UndocumentedContentType,
    /// A body where the description documents none.
    UndocumentedBody,
    /// No body where the description documents one.
    MissingBody,
}

impl DriftKind {
    const ALL: [DriftKind; 9] = [
        DriftKind::UnknownField,
        DriftKind::MissingField,
        DriftKind::WrongType,
        DriftKind::UnexpectedNull,
        DriftKind::UnknownEnumValue,
        DriftKind::UndocumentedStatus,
        DriftKind::UndocumentedContentType,
        DriftKind::UndocumentedBody,
        DriftKind::MissingBody,
    ];

    /// Its name in a saved log (`unknown_field`).
    pub fn name(self) -> &'static str {
        match self {
            DriftKind::UnknownField => "unknown_field",
            DriftKind::MissingField => "missing_field",
            DriftKind::WrongType => "wrong_type",
            DriftKind::UnexpectedNull => "unexpected_null",
            DriftKind::UnknownEnumValue => "unknown_enum_value",
            DriftKind::UndocumentedStatus => "undocumented_status",
            DriftKind::UndocumentedContentType => "undocumented_content_type",
            DriftKind::UndocumentedBody => "undocumented_body",
            DriftKind::MissingBody => "missing_body",
        }
    }

    fn from_name(name: &str) -> Option<DriftKind> {
        DriftKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DriftKind::UnknownField => "unknown field",
            DriftKind::MissingField => "missing field",
            DriftKind::WrongType => "wrong type",
            DriftKind::UnexpectedNull => "unexpected null",
            DriftKind::UnknownEnumValue => "unknown enum value",
            DriftKind::UndocumentedStatus => "undocumented status",
            DriftKind::UndocumentedContentType => "undocumented content type",
            DriftKind::UndocumentedBody => "undocumented body",
            DriftKind::MissingBody => "missing body",
        })
    }
}

/// What the description expects where a [`Drift`] was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Expected {
    /// The JSON type (`object`, `array`, `string`, `integer`, `number`, `boolean`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub json_type: Option<String>,
    /// For a string, the format the description gives it (`date-time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Where the schema is in the description, as a JSON pointer
    /// (`#/components/schemas/Link`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The enum's values, the documented statuses or the documented media types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// For a missing field: whether the description requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// What the response held where a [`Drift`] was seen: kinds of values, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Seen {
    /// The JSON type (`null`, `boolean`, `integer`, `number`, `string`, `array`, `object`),
    /// or `invalid` for a body that is not JSON.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub json_type: Option<String>,
    /// The other JSON types that came at the same place, in other responses (sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_types: Vec<String>,
    /// For strings, the format every one of them had: `date-time`, `date`, `uri`, `email`,
    /// `uuid` or `integer` (digits); none when they have none of these, or differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The enum values the description does not list (only short tokens), or the content
    /// types it does not document (only plain media types): sorted, at most
    /// [`MAX_SEEN_VALUES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// The most distinct values a [`Seen`] keeps: what came beyond them is not listed.
pub const MAX_SEEN_VALUES: usize = 16;

impl Seen {
    fn saw_string(&self) -> bool {
        self.json_type.as_deref() == Some("string")
            || self.other_types.iter().any(|t| t == "string")
    }

    /// What came in this response and in `later` ones: every JSON type, the latest as
    /// `json_type`; the strings' format only when all agreed; the values of both.
    fn merge(&mut self, later: &Seen) {
        let strings = (self.saw_string(), later.saw_string());
        let mut types: Vec<String> = self
            .json_type
            .iter()
            .chain(&self.other_types)
            .chain(later.other_types.iter())
            .cloned()
            .collect();
        types.sort();
        types.dedup();
        if later.json_type.is_some() {
            self.json_type.clone_from(&later.json_type);
        }
        types.retain(|t| Some(t) != self.json_type.as_ref());
        self.format = match strings {
            (true, true) if self.format == later.format => self.format.take(),
            (true, true) => None,
            (false, _) => later.format.clone(),
            (true, false) => self.format.take(),
        };
        self.other_types = types;
        for value in &later.values {
            if let Err(at) = self.values.binary_search(value)
                && self.values.len() < MAX_SEEN_VALUES
            {
                self.values.insert(at, value.clone());
            }
        }
    }
}

/// One way the API's responses differed from the description, with how often.
///
/// Records are merged by operation, status, pointer and kind: `count` is the number of
/// responses it was seen in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Drift {
    /// The operation's id.
    pub operation: String,
    /// Its HTTP method.
    pub method: String,
    /// Its path template (`/links/{id}`), never the path that was called.
    pub path: String,
    /// The response's status code.
    pub status: u16,
    /// A JSON pointer into the body, array indices written `*` (empty: the body itself).
    pub pointer: String,
    /// What differed.
    pub kind: DriftKind,
    /// What the description expects there.
    pub expected: Expected,
    /// What came.
    pub seen: Seen,
    /// In how many responses it was seen.
    pub count: u64,
    /// When it was first seen (RFC 3339, UTC).
    pub first_seen: String,
    /// When it was last seen (RFC 3339, UTC).
    pub last_seen: String,
}

type Key = (String, u16, String, DriftKind);

impl Drift {
    fn key(&self) -> Key {
        (
            self.operation.clone(),
            self.status,
            self.pointer.clone(),
            self.kind,
        )
    }

    fn merge(&mut self, other: &Drift) {
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
}

/// The most distinct records a [`DriftLog`] keeps unless told otherwise.
pub const DEFAULT_MAX_RECORDS: usize = 10_000;

/// The drift a client saw, merged into records; cloning shares it.
///
/// It keeps at most a fixed number of distinct records ([`DEFAULT_MAX_RECORDS`] unless
/// [`with_max_records`](Self::with_max_records) says otherwise) and counts the
/// observations it had to drop ([`dropped`](Self::dropped)).
///
/// ```
/// # async fn example() -> prolinksqr::Result<()> {
/// use prolinksqr::drift::DriftLog;
/// let log = DriftLog::new();
/// let client = prolinksqr::Client::builder()
///     .credential("key-...")
///     .record_drift(log.clone())
///     .build()?;
/// // ... calls ...
/// for drift in log.records() {
///     println!("{} {}{}: {}", drift.operation, drift.status, drift.pointer, drift.kind);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DriftLog {
    state: Arc<Mutex<LogState>>,
}

struct LogState {
    records: BTreeMap<Key, Drift>,
    max_records: usize,
    dropped: u64,
}

impl Default for DriftLog {
    fn default() -> Self {
        DriftLog::new()
    }
}

impl fmt::Debug for DriftLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("DriftLog")
            .field("records", &state.records.len())
            .field("dropped", &state.dropped)
            .finish()
    }
}

impl DriftLog {
    /// An empty log that keeps up to [`DEFAULT_MAX_RECORDS`] distinct records.
    pub fn new() -> Self {
        DriftLog::with_max_records(DEFAULT_MAX_RECORDS)
    }

    /// An empty log that keeps up to `max_records` distinct records.
    pub fn with_max_records(max_records: usize) -> Self {
        DriftLog {
            state: Arc::new(Mutex::new(LogState {
                records: BTreeMap::new(),
                max_records,
                dropped: 0,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        // A panic while the lock was held left whole records behind: keep using them.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The records, ordered by operation, status, pointer and kind.
    pub fn records(&self) -> Vec<Drift> {
        self.lock().records.values().cloned().collect()
    }

    /// How many distinct records it holds.
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many observations of a new record were dropped because the log was full.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Adds `drift`, merged into the record of the same operation, status, pointer and
    /// kind. Returns whether the record is new.
    pub fn record(&self, drift: Drift) -> bool {
        let mut state = self.lock();
        let key = drift.key();
        if let Some(existing) = state.records.get_mut(&key) {
            existing.merge(&drift);
            return false;
        }
        if state.records.len() >= state.max_records {
            state.dropped = state.dropped.saturating_add(drift.count);
            return false;
        }
        state.records.insert(key, drift);
        true
    }

    /// The log as JSON text: `{"version": 1, "dropped": n, "records": [...]}`, a record
    /// per line.
    pub fn to_json(&self) -> String {
        let state = self.lock();
        let mut out = format!(
            "{{\"version\": 1, \"dropped\": {}, \"records\": [",
            state.dropped
        );
        for (i, drift) in state.records.values().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            // Strings and numbers only: serializing cannot fail.
            out.push_str(&serde_json::to_string(drift).unwrap_or_default());
        }
        out.push_str("\n]}\n");
        out
    }

    /// Merges the records of a log's JSON text (as [`to_json`](Self::to_json) writes it);
    /// a record it cannot read is left out.
    pub fn merge_json(&self, text: &str) -> Result<(), serde_json::Error> {
        // Taken apart by hand, like the description: derived `Deserialize` impls would be
        // compiled into every crate for this one use.
        let file = serde_json::from_slice::<Value>(text.as_bytes())?;
        let Some(records) = file.get("records").and_then(Value::as_array) else {
            return Err(serde::de::Error::custom(
                "not a drift log: no `records` array",
            ));
        };
        for drift in records.iter().filter_map(drift_of) {
            self.record(drift);
        }
        let dropped = file.get("dropped").and_then(Value::as_u64).unwrap_or(0);
        let mut state = self.lock();
        state.dropped = state.dropped.saturating_add(dropped);
        Ok(())
    }

    /// Writes the log to `path` as JSON, atomically (a file beside it, then renamed) and,
    /// on Unix, readable by its owner only.
    pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()> {
        write_private(path.as_ref(), self.to_json().as_bytes())
    }

    /// Merges the log saved at `path`; a missing file is an empty log.
    pub fn load(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(err),
        };
        self.merge_json(&text)
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))
    }
}

/// A record of a saved log.
fn drift_of(value: &Value) -> Option<Drift> {
    let text = |object: &Value, key: &str| object.get(key)?.as_str().map(str::to_owned);
    let strings = |object: &Value, key: &str| strings(object.get(key).unwrap_or(&Value::Null));
    let expected = value.get("expected").unwrap_or(&Value::Null);
    let seen = value.get("seen").unwrap_or(&Value::Null);
    Some(Drift {
        operation: text(value, "operation")?,
        method: text(value, "method")?,
        path: text(value, "path")?,
        status: u16::try_from(value.get("status")?.as_u64()?).ok()?,
        pointer: text(value, "pointer")?,
        kind: DriftKind::from_name(value.get("kind")?.as_str()?)?,
        expected: Expected {
            json_type: text(expected, "type"),
            format: text(expected, "format"),
            schema: text(expected, "schema"),
            values: strings(expected, "values"),
            required: expected.get("required").and_then(Value::as_bool),
        },
        seen: Seen {
            json_type: text(seen, "type"),
            other_types: strings(seen, "other_types"),
            format: text(seen, "format"),
            values: strings(seen, "values"),
        },
        count: value.get("count")?.as_u64()?,
        first_seen: text(value, "first_seen")?,
        last_seen: text(value, "last_seen")?,
    })
}

fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A callback for each drift observed.
pub(super) type OnDrift = Arc<dyn Fn(&Drift) + Send + Sync>;

/// What a client does with the drift it sees: the description it compares responses with,
/// the log it merges into (its own when it was given none), the callback, and the file it
/// saves the log to when the client goes away.
pub(super) struct Recorder {
    pub(super) description: Description,
    pub(super) log: DriftLog,
    pub(super) on_drift: Option<OnDrift>,
    pub(super) file: Option<PathBuf>,
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            // Nothing can report a failure here; the log stays in memory for whoever holds it.
            let _ = self.log.save(file);
        }
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("log", &self.log)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// Compares one response of `op` with what the description documents, and records
    /// every difference.
    pub(super) fn observe(
        &self,
        op: &Operation,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) {
        let found = self.description.check(op.id, status, headers, body);
        if found.is_empty() {
            return;
        }
        let now = rfc3339(SystemTime::now());
        for (pointer, kind, expected, seen) in found {
            let drift = Drift {
                operation: op.id.to_owned(),
                method: op.method.as_str().to_owned(),
                path: op.path.to_owned(),
                status: status.as_u16(),
                pointer,
                kind,
                expected,
                seen,
                count: 1,
                first_seen: now.clone(),
                last_seen: now.clone(),
            };
            if let Some(on_drift) = &self.on_drift {
                on_drift(&drift);
            }
            #[cfg(feature = "tracing")]
            let event = (drift.pointer.clone(), drift.kind);
            let is_new = self.log.record(drift);
            #[cfg(feature = "tracing")]
            if is_new {
                tracing::debug!(
                    operation = op.id,
                    status = status.as_u16(),
                    pointer = %event.0,
                    kind = %event.1,
                    "response differs from the API description"
                );
            }
            #[cfg(not(feature = "tracing"))]
            let _ = is_new;
        }
    }
}

/// What a client with recording on does with each response, without the client: for the
/// crate's benchmarks.
#[doc(hidden)]
pub struct Checker(Recorder);

impl Checker {
    /// A checker of responses against `description` (a generated `drift.jsonl`) that
    /// records into `log`.
    pub fn new(description: &str, log: DriftLog) -> Checker {
        Checker(Recorder {
            description: Description::parse(description),
            log,
            on_drift: None,
            file: None,
        })
    }

    /// Compares one response of `op` with the description, recording what differs.
    pub fn observe(&self, op: &Operation, status: StatusCode, headers: &HeaderMap, body: &[u8]) {
        self.0.observe(op, status, headers, body);
    }
}

type Found = Vec<(String, DriftKind, Expected, Seen)>;

/// How many values one response's check compares at most: a description whose unions nest
/// deeply must not make a check take unbounded time.
const CHECK_BUDGET: u32 = 1_000_000;

impl Description {
    /// Every difference between one response of operation `id` and the description, each
    /// pointer and kind once.
    fn check(&self, id: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Found {
        let mut found = Found::new();
        let Some(op) = self.operations.get(id) else {
            return found;
        };
        let media = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        // What a description of the response needs: the body's JSON type and media type.
        let seen_body = || Seen {
            json_type: (!body.is_empty()).then(|| json_type_of_text(body).to_owned()),
            values: plain_media_type(&media)
                .then(|| media.clone())
                .into_iter()
                .collect(),
            ..Seen::default()
        };
        let Some((_, media_types)) = documented_for(&op.responses, status) else {
            found.push((
                String::new(),
                DriftKind::UndocumentedStatus,
                Expected {
                    values: op.responses.keys().cloned().collect(),
                    ..Expected::default()
                },
                seen_body(),
            ));
            return found;
        };
        if body.is_empty() {
            if !media_types.is_empty() && status != StatusCode::NO_CONTENT {
                found.push((
                    String::new(),
                    DriftKind::MissingBody,
                    Expected {
                        values: media_types.clone(),
                        ..Expected::default()
                    },
                    Seen::default(),
                ));
            }
            return found;
        }
        if media_types.is_empty() {
            found.push((
                String::new(),
                DriftKind::UndocumentedBody,
                Expected::default(),
                seen_body(),
            ));
            return found;
        }
        if !media.is_empty() && !media_types.iter().any(|m| media_matches(m, &media)) {
            found.push((
                String::new(),
                DriftKind::UndocumentedContentType,
                Expected {
                    values: media_types.clone(),
                    ..Expected::default()
                },
                Seen {
                    json_type: None,
                    ..seen_body()
                },
            ));
        }
        let Some(shape) = op.body.as_ref().filter(|_| status.is_success()) else {
            return found;
        };
        // Compared as the body is read, without building it in memory.
        let mut walker = Walker::new(&self.types, &mut found);
        let mut pointer = String::new();
        let mut reader = serde_json::Deserializer::from_slice(body);
        let read = Seed {
            walker: &mut walker,
            shape,
            nullable: false,
            skip: None,
            pointer: &mut pointer,
        }
        .deserialize(&mut reader)
        .and_then(|()| reader.end());
        if read.is_err() {
            found.push((
                String::new(),
                DriftKind::WrongType,
                self.expected_of(shape),
                Seen {
                    json_type: Some("invalid".to_owned()),
                    ..Seen::default()
                },
            ));
        }
        found.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        found
    }

    fn expected_of(&self, shape: &Shape) -> Expected {
        expected_of(shape, &self.types)
    }
}

/// The documented response for `status`: its own, its class's (`2XX`), else `default`.
fn documented_for(
    responses: &BTreeMap<String, Vec<String>>,
    status: StatusCode,
) -> Option<(&String, &Vec<String>)> {
    let code = status.as_str();
    let class = format!("{}XX", code.chars().next().unwrap_or('0'));
    responses
        .get_key_value(code)
        .or_else(|| {
            responses
                .iter()
                .find(|(status, _)| status.eq_ignore_ascii_case(&class))
        })
        .or_else(|| responses.get_key_value("default"))
}

/// Whether the response's media type `seen` is one the description's `documented` covers
/// (`*/*`, `application/*`, or the same type).
fn media_matches(documented: &str, seen: &str) -> bool {
    let documented = documented.split(';').next().unwrap_or("").trim();
    if documented == "*/*" || documented.eq_ignore_ascii_case(seen) {
        return true;
    }
    match documented.strip_suffix("/*") {
        Some(kind) => seen
            .split('/')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(kind)),
        None => false,
    }
}

fn plain_media_type(media: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    media.len() <= 64
        && media
            .split_once('/')
            .is_some_and(|(a, b)| token(a) && token(b))
}

fn short_token(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Compares values with shapes, pushing what differs (each pointer and kind once), within
/// a budget.
struct Walker<'a> {
    types: &'a BTreeMap<String, Shape>,
    budget: u32,
    found: &'a mut Found,
    /// The kinds already found at each pointer, one bit per kind: the items of an array
    /// share their pointers, and a difference they share is described once.
    seen: std::collections::HashMap<String, u16, std::hash::BuildHasherDefault<PointerHasher>>,
    /// The sets of fields (bits) objects had at each pointer, compared already.
    field_sets:
        std::collections::HashMap<String, Vec<u64>, std::hash::BuildHasherDefault<PointerHasher>>,
}

/// A fast hash of pointers (FxHash's mixing): the same few pointers are looked up once per
/// array item, and nothing hostile chooses them to collide (they come from the description,
/// or are written `*`).
#[derive(Default)]
struct PointerHasher(u64);

impl std::hash::Hasher for PointerHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl<'a> Walker<'a> {
    fn new(types: &'a BTreeMap<String, Shape>, found: &'a mut Found) -> Self {
        Walker {
            types,
            budget: CHECK_BUDGET,
            found,
            seen: std::collections::HashMap::default(),
            field_sets: std::collections::HashMap::default(),
        }
    }

    /// Whether `fields` (bits of an object's fields that were present) is new at `pointer`.
    fn first_fields(&mut self, pointer: &str, fields: u64) -> bool {
        match self.field_sets.get_mut(pointer) {
            Some(sets) if sets.contains(&fields) => false,
            Some(sets) => {
                sets.push(fields);
                true
            }
            None => {
                self.field_sets.insert(pointer.to_owned(), vec![fields]);
                true
            }
        }
    }

    /// Whether the comparison may go on; every value compared spends one unit of the budget.
    fn spend(&mut self) -> bool {
        match self.budget.checked_sub(1) {
            Some(left) => {
                self.budget = left;
                true
            }
            None => false,
        }
    }

    fn push(&mut self, pointer: &str, kind: DriftKind, expected: Expected, seen: Seen) {
        self.push_with(pointer, kind, || (expected, seen));
    }

    /// Records `kind` at `pointer` unless it is there already; `describe` runs only then.
    fn push_with(
        &mut self,
        pointer: &str,
        kind: DriftKind,
        describe: impl FnOnce() -> (Expected, Seen),
    ) {
        let bit = 1u16 << (kind as u16);
        match self.seen.get_mut(pointer) {
            Some(kinds) if *kinds & bit != 0 => return,
            Some(kinds) => *kinds |= bit,
            None => {
                self.seen.insert(pointer.to_owned(), bit);
            }
        }
        let (expected, seen) = describe();
        self.found.push((pointer.to_owned(), kind, expected, seen));
    }

    /// Compares the JSON `text` at `pointer` with `shape`, leaving out the property `skip`
    /// of an object.
    fn walk(&mut self, text: &[u8], shape: &'a Shape, skip: Option<&'a str>, pointer: &mut String) {
        // Comparing records differences; `text` was read as JSON already.
        let _ = Seed {
            walker: self,
            shape,
            nullable: false,
            skip,
            pointer,
        }
        .deserialize(&mut serde_json::Deserializer::from_slice(text));
    }

    /// Compares a union's value with the alternative that fits it best: one of the value's
    /// own JSON type before any other, then the one with the fewest differences (none, if
    /// one fits exactly).
    fn walk_union(&mut self, union: &'a UnionShape, text: &[u8], pointer: &mut String) {
        let here = pointer.clone();
        let score = |found: &Found| {
            let other_type = found.iter().any(|f| {
                f.0 == here && matches!(f.1, DriftKind::WrongType | DriftKind::UnexpectedNull)
            });
            (other_type, found.len())
        };
        let mut best: Option<((bool, usize), Found)> = None;
        for variant in &union.variants {
            let mut trial = Found::new();
            let mut walker = Walker::new(self.types, &mut trial);
            walker.budget = self.budget;
            walker.walk(text, variant, union.tag.as_deref(), pointer);
            self.budget = walker.budget;
            let exact = trial.is_empty();
            let trial_score = score(&trial);
            if best.as_ref().is_none_or(|(b, _)| trial_score < *b) {
                best = Some((trial_score, trial));
            }
            if exact {
                break;
            }
        }
        for (pointer, kind, expected, seen) in best.map(|(_, found)| found).unwrap_or_default() {
            self.push(&pointer, kind, expected, seen);
        }
    }
}

/// The JSON type a body's text starts with, for a body the description does not expect.
fn json_type_of_text(body: &[u8]) -> &'static str {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => "object",
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "number",
        _ => "invalid",
    }
}

/// Compares the value being read with `shape` (`null` allowed when `nullable`), for
/// `serde_json`'s reader: a response is checked as it is read, never held as a `Value`,
/// except a union's value, which is compared with each alternative.
struct Seed<'w, 'a> {
    walker: &'w mut Walker<'a>,
    shape: &'a Shape,
    nullable: bool,
    /// A property an object may have besides its fields (a union's tag).
    skip: Option<&'a str>,
    pointer: &'w mut String,
}

impl<'de> serde::de::DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        let Seed {
            walker,
            mut shape,
            mut nullable,
            skip,
            pointer,
        } = self;
        let mut hops = 0;
        loop {
            match shape {
                Shape::Nullable(inner) => {
                    nullable = true;
                    shape = inner;
                }
                // A reference to a missing type, or references that only lead to each
                // other, expect anything.
                Shape::Ref(name) => match walker.types.get(name) {
                    Some(target) if hops < 64 => {
                        hops += 1;
                        shape = target;
                    }
                    _ => shape = &Shape::Any,
                },
                _ => break,
            }
        }
        if matches!(shape, Shape::Any) || !walker.spend() {
            return serde::de::IgnoredAny::deserialize(reader).map(drop);
        }
        if let Shape::OneOf(union) = shape {
            // Held as a value and written as text again, to be read once for each
            // alternative. (Holding the text itself needs `serde_json/raw_value`, which
            // compiles every serializer of the crate a second time.)
            let value = serde_json::Value::deserialize(reader)?;
            if !(value.is_null() && nullable) {
                let text = serde_json::to_vec(&value).unwrap_or_default();
                walker.walk_union(union, &text, pointer);
            }
            return Ok(());
        }
        reader.deserialize_any(ShapeVisitor {
            walker,
            shape,
            nullable,
            skip,
            pointer,
        })
    }
}

struct ShapeVisitor<'w, 'a> {
    walker: &'w mut Walker<'a>,
    shape: &'a Shape,
    nullable: bool,
    skip: Option<&'a str>,
    pointer: &'w mut String,
}

impl ShapeVisitor<'_, '_> {
    /// Records that a value of `json_type` came where the shape wants another.
    fn mismatch(self, json_type: &str, format: Option<&'static str>) {
        let kind = if json_type == "null" {
            DriftKind::UnexpectedNull
        } else {
            DriftKind::WrongType
        };
        let types = self.walker.types;
        let shape = self.shape;
        self.walker.push_with(self.pointer, kind, || {
            (
                expected_of(shape, types),
                Seen {
                    json_type: Some(json_type.to_owned()),
                    format: format.map(str::to_owned),
                    ..Seen::default()
                },
            )
        });
    }

    fn number(self, integer: bool) {
        match self.shape {
            Shape::Number => {}
            Shape::Integer if integer => {}
            _ => self.mismatch(if integer { "integer" } else { "number" }, None),
        }
    }
}

impl<'de> serde::de::Visitor<'de> for ShapeVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        if !matches!(self.shape, Shape::Boolean) {
            self.mismatch("boolean", None);
        }
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.number(true);
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.number(true);
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.number(false);
        Ok(())
    }

    fn visit_str<E>(self, text: &str) -> Result<(), E> {
        match self.shape {
            Shape::String(_) => {}
            Shape::Enum(e) => {
                if !e.values.iter().any(|v| v == text) {
                    let types = self.walker.types;
                    let shape = self.shape;
                    self.walker
                        .push_with(self.pointer, DriftKind::UnknownEnumValue, || {
                            (
                                expected_of(shape, types),
                                Seen {
                                    json_type: Some("string".to_owned()),
                                    format: None,
                                    values: short_token(text)
                                        .then(|| text.to_owned())
                                        .into_iter()
                                        .collect(),
                                    ..Seen::default()
                                },
                            )
                        });
                }
            }
            _ => self.mismatch("string", string_format(text)),
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        if !self.nullable {
            self.mismatch("null", None);
        }
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        if !self.nullable {
            self.mismatch("null", None);
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let ShapeVisitor {
            walker,
            shape,
            pointer,
            ..
        } = self;
        match shape {
            Shape::Array(item) => {
                let len = pointer.len();
                pointer.push_str("/*");
                while items
                    .next_element_seed(Seed {
                        walker: &mut *walker,
                        shape: item,
                        nullable: false,
                        skip: None,
                        pointer: &mut *pointer,
                    })?
                    .is_some()
                {}
                pointer.truncate(len);
            }
            Shape::Tuple(shapes) => {
                let len = pointer.len();
                let mut index = 0;
                loop {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    let next = match shapes.get(index) {
                        Some(shape) => items.next_element_seed(Seed {
                            walker: &mut *walker,
                            shape,
                            nullable: false,
                            skip: None,
                            pointer: &mut *pointer,
                        })?,
                        None => match items.next_element::<serde::de::IgnoredAny>()? {
                            Some(_) => {
                                walker.push(
                                    pointer,
                                    DriftKind::UnknownField,
                                    Expected::default(),
                                    Seen::default(),
                                );
                                Some(())
                            }
                            None => None,
                        },
                    };
                    pointer.truncate(len);
                    if next.is_none() {
                        break;
                    }
                    index += 1;
                }
            }
            _ => {
                ShapeVisitor {
                    walker,
                    shape,
                    nullable: false,
                    skip: None,
                    pointer,
                }
                .mismatch("array", None);
                while items.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            }
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        let ShapeVisitor {
            walker,
            shape,
            skip,
            pointer,
            ..
        } = self;
        let len = pointer.len();
        match shape {
            Shape::Map(item) => {
                // Keys of a map are data: written `*`, like indices.
                pointer.push_str("/*");
                while members.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    members.next_value_seed(Seed {
                        walker: &mut *walker,
                        shape: item,
                        nullable: false,
                        skip: None,
                        pointer: &mut *pointer,
                    })?;
                }
                pointer.truncate(len);
            }
            Shape::Object(object) => {
                let mut present = Present::new(object.fields.len());
                while let Some(key) = members.next_key_seed(KeySeed(&object.fields))? {
                    pointer.push('/');
                    match key {
                        Property::Field(index) => {
                            present.set(index);
                            let field = &object.fields[index];
                            push_escaped(pointer, &field.name);
                            members.next_value_seed(Seed {
                                walker: &mut *walker,
                                shape: &field.shape,
                                nullable: field.nullable,
                                skip: None,
                                pointer: &mut *pointer,
                            })?;
                        }
                        Property::Other(name) if skip == Some(name.as_str()) => {
                            members.next_value::<serde::de::IgnoredAny>()?;
                        }
                        Property::Other(name) => match &object.additional {
                            Some(shape) => {
                                pointer.push('*');
                                members.next_value_seed(Seed {
                                    walker: &mut *walker,
                                    shape,
                                    nullable: false,
                                    skip: None,
                                    pointer: &mut *pointer,
                                })?;
                            }
                            None => {
                                let seen = members.next_value::<SeenValue>()?.0;
                                // A property's name is kept when it looks like one; anything
                                // else (long, or with controls) may be data, and is written `*`.
                                if name.len() <= 64 && !name.chars().any(char::is_control) {
                                    push_escaped(pointer, &name);
                                } else {
                                    pointer.push('*');
                                }
                                let schema = object.schema.clone();
                                walker.push_with(pointer, DriftKind::UnknownField, || {
                                    (
                                        Expected {
                                            schema: Some(schema),
                                            ..Expected::default()
                                        },
                                        seen,
                                    )
                                });
                            }
                        },
                    }
                    pointer.truncate(len);
                }
                // Array items of one shape mostly lack the same fields: each set of fields
                // present is compared once per pointer.
                let new_set = match present {
                    Present::Few(bits) => walker.first_fields(pointer, bits),
                    Present::Many(_) => true,
                };
                for (index, field) in object.fields.iter().enumerate() {
                    if !new_set || present.has(index) {
                        continue;
                    }
                    pointer.push('/');
                    push_escaped(pointer, &field.name);
                    let types = walker.types;
                    walker.push_with(pointer, DriftKind::MissingField, || {
                        (
                            Expected {
                                required: Some(field.required),
                                ..expected_of(&field.shape, types)
                            },
                            Seen::default(),
                        )
                    });
                    pointer.truncate(len);
                }
            }
            _ => {
                ShapeVisitor {
                    walker,
                    shape,
                    nullable: false,
                    skip: None,
                    pointer,
                }
                .mismatch("object", None);
                while members
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
            }
        }
        Ok(())
    }
}

/// Which fields of an object were read: bits, without allocating, for up to 64 fields.
enum Present {
    Few(u64),
    Many(Vec<bool>),
}

impl Present {
    fn new(fields: usize) -> Present {
        if fields <= 64 {
            Present::Few(0)
        } else {
            Present::Many(vec![false; fields])
        }
    }

    fn set(&mut self, index: usize) {
        match self {
            Present::Few(bits) => *bits |= 1 << index,
            Present::Many(flags) => flags[index] = true,
        }
    }

    fn has(&self, index: usize) -> bool {
        match self {
            Present::Few(bits) => bits & (1 << index) != 0,
            Present::Many(flags) => flags[index],
        }
    }
}

/// A property name: one of the object's fields (by index), or another.
enum Property {
    Field(usize),
    Other(String),
}

/// Reads a property name and finds it among `fields`, copying it only when it is not one.
struct KeySeed<'a>(&'a [FieldShape]);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Property;

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<Property, D::Error> {
        reader.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for KeySeed<'_> {
    type Value = Property;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Property, E> {
        Ok(match self.0.iter().position(|f| f.name == name) {
            Some(index) => Property::Field(index),
            None => Property::Other(name.to_owned()),
        })
    }
}

/// Appends `token` to a JSON pointer (RFC 6901: `~` as `~0`, `/` as `~1`).
fn push_escaped(pointer: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

fn expected_of(shape: &Shape, types: &BTreeMap<String, Shape>) -> Expected {
    let (json_type, schema, values): (&str, Option<&String>, &[String]) = match shape {
        Shape::Any => ("any", None, &[]),
        Shape::Boolean => ("boolean", None, &[]),
        Shape::Integer => ("integer", None, &[]),
        Shape::Number => ("number", None, &[]),
        Shape::String(format) => {
            return Expected {
                json_type: Some("string".to_owned()),
                format: format.as_deref().map(str::to_owned),
                ..Expected::default()
            };
        }
        Shape::Enum(e) => ("string", Some(&e.schema), &e.values),
        Shape::Array(_) | Shape::Tuple(_) => ("array", None, &[]),
        Shape::Map(_) => ("object", None, &[]),
        Shape::Object(o) => ("object", Some(&o.schema), &[]),
        Shape::OneOf(u) => ("oneOf", Some(&u.schema), &[]),
        Shape::Nullable(inner) => return expected_of(inner, types),
        Shape::Ref(name) => {
            // A reference to a missing type, or one that leads to itself, expects anything.
            return match types.get(name) {
                Some(Shape::Ref(_)) | None => Expected::default(),
                Some(shape) => expected_of(shape, types),
            };
        }
    };
    Expected {
        json_type: Some(json_type.to_owned()),
        schema: schema.cloned(),
        values: values.to_vec(),
        ..Expected::default()
    }
}

/// The kind of a value being read (its JSON type, and a string's format), read without
/// holding it.
struct SeenValue(Seen);

impl SeenValue {
    fn of(json_type: &str, format: Option<&'static str>) -> SeenValue {
        SeenValue(Seen {
            json_type: Some(json_type.to_owned()),
            format: format.map(str::to_owned),
            ..Seen::default()
        })
    }
}

impl<'de> Deserialize<'de> for SeenValue {
    fn deserialize<D: serde::Deserializer<'de>>(reader: D) -> Result<SeenValue, D::Error> {
        reader.deserialize_any(SeenVisitor)
    }
}

struct SeenVisitor;

impl<'de> serde::de::Visitor<'de> for SeenVisitor {
    type Value = SeenValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<SeenValue, E> {
        Ok(SeenValue::of("boolean", None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<SeenValue, E> {
        Ok(SeenValue::of("integer", None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<SeenValue, E> {
        Ok(SeenValue::of("integer", None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<SeenValue, E> {
        Ok(SeenValue::of("number", None))
    }

    fn visit_str<E>(self, text: &str) -> Result<SeenValue, E> {
        Ok(SeenValue::of("string", string_format(text)))
    }

    fn visit_unit<E>(self) -> Result<SeenValue, E> {
        Ok(SeenValue::of("null", None))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<SeenValue, A::Error> {
        while items.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(SeenValue::of("array", None))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut members: A,
    ) -> Result<SeenValue, A::Error> {
        while members
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(SeenValue::of("object", None))
    }
}

/// The format a string has, among those a description would name.
fn string_format(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit))
    };
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if date && b.len() == 10 {
        return Some("date");
    }
    if date && matches!(b[10], b'T' | b't' | b' ') && digits(11..13) && b.get(13) == Some(&b':') {
        return Some("date-time");
    }
    if !s.is_empty() && s.len() <= 20 && s.bytes().all(|c| c.is_ascii_digit()) {
        return Some("integer");
    }
    let hex = |r: std::ops::Range<usize>| {
        b.get(r)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    if b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && hex(0..8)
        && hex(9..13)
        && hex(14..18)
        && hex(19..23)
        && hex(24..36)
    {
        return Some("uuid");
    }
    if let Some((scheme, rest)) = s.split_once("://")
        && !scheme.is_empty()
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c))
        && !rest.is_empty()
        && !s.contains(char::is_whitespace)
    {
        return Some("uri");
    }
    if let Some((local, domain)) = s.split_once('@')
        && !local.is_empty()
        && domain.contains('.')
        && !s.contains(char::is_whitespace)
    {
        return Some("email");
    }
    None
}

/// `time` as RFC 3339 in UTC, to the second.
fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests;
