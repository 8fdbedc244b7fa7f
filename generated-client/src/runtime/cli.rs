//! The spec-agnostic half of the command line (feature `cli`): printing results (JSON,
//! table, CSV), reading `--body` files, turning argument text into typed values, and the
//! `--all` loop. The generated `cli` module builds the command tree and calls these.

// Which helpers a crate uses depends on its spec (files, raw bodies, text responses).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt;
use std::io::{Read, Write};

use clap::ArgMatches;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// How a command prints its result: `Options::new().pretty(true)`.
///
/// The output format itself (`--output json|table|csv`) is an argument of the command
/// line; these are the choices a program makes for its user.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Indented JSON (for a terminal) rather than one line per value (for a pipe).
    pub pretty: bool,
}

impl Options {
    /// Compact JSON.
    pub fn new() -> Self {
        Options::default()
    }

    /// Indented JSON when `pretty` (typically: when standard output is a terminal).
    pub fn pretty(mut self, pretty: bool) -> Self {
        self.pretty = pretty;
        self
    }
}

/// The `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// The typed result as JSON (the default).
    #[default]
    Json,
    /// Aligned columns, for people: see [`Options`] for which columns.
    Table,
    /// Comma-separated values with a header row, the same columns as the table.
    Csv,
}

impl OutputFormat {
    /// The names `--output` accepts.
    pub const NAMES: [&'static str; 3] = ["json", "table", "csv"];

    /// The format named `name` (one of [`NAMES`](Self::NAMES)).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "json" => Some(OutputFormat::Json),
            "table" => Some(OutputFormat::Table),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }
}

/// Why a command failed. `Display` is one line for standard error; it never contains the
/// API key (the client's own errors never do).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The API refused the call, or it could not be sent or its answer decoded.
    #[error("{0}")]
    Api(#[from] crate::runtime::Error),
    /// An argument or an input file (`--body`, a file part) is not usable.
    #[error("{0}")]
    Usage(String),
    /// The command line did not parse.
    #[error("{}", first_line(.0))]
    Arguments(#[from] clap::Error),
    /// The result could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
}

impl CliError {
    /// The process exit status for this error: `2` for bad arguments or input files, `1`
    /// for everything else (the API's errors, the network, the output).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Arguments(_) => 2,
            CliError::Api(_) | CliError::Output(_) => 1,
        }
    }

    fn usage(message: impl fmt::Display) -> Self {
        CliError::Usage(message.to_string())
    }
}

fn first_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim()
        .to_owned()
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError::Output(error)
    }
}

/// A value parser that accepts any text but offers `values` (the spec's enum values) in
/// `--help` and to shell completion: an API may add values a published client does not
/// know yet, and they must still be sendable.
#[derive(Debug, Clone, Copy)]
pub struct OpenValues(pub &'static [&'static str]);

impl clap::builder::TypedValueParser for OpenValues {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|v| clap::builder::PossibleValue::new(*v)),
        ))
    }
}

/// The root command: `name`, `about`, the global `--output` option, `groups` as
/// subcommands.
pub fn root(
    name: &'static str,
    about: &'static str,
    groups: impl IntoIterator<Item = clap::Command>,
) -> clap::Command {
    clap::Command::new(name)
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        // A group may be named `help`; `--help` stays.
        .disable_help_subcommand(true)
        .arg(output_arg())
        .subcommands(groups)
}

/// `--output json|table|csv`, global (accepted after any subcommand).
pub fn output_arg() -> clap::Arg {
    clap::Arg::new("output")
        .long("output")
        .global(true)
        .value_name("FORMAT")
        .value_parser(clap::builder::PossibleValuesParser::new(
            OutputFormat::NAMES,
        ))
        .default_value("json")
        .help("How to print the result: JSON (the typed value), a table or CSV")
}

/// A group's command: `operations` as subcommands.
pub fn group(name: &'static str, about: &'static str) -> clap::Command {
    clap::Command::new(name)
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
}

/// `--all`, for paginated lists.
pub fn all_arg() -> clap::Arg {
    clap::Arg::new("all")
        .long("all")
        .action(clap::ArgAction::SetTrue)
        .help("Fetch every page (one at a time) and print every item")
}

/// `--body FILE`, for operations with a body.
pub fn body_arg(help: &'static str) -> clap::Arg {
    clap::Arg::new("body")
        .long("body")
        .value_name("FILE")
        .help(help)
}

/// The `--output` format `matches` (or the command above it) selects; JSON when the root
/// command has no `--output`.
pub fn format(matches: &ArgMatches) -> OutputFormat {
    matches
        .try_get_one::<String>("output")
        .ok()
        .flatten()
        .and_then(|name| OutputFormat::from_name(name))
        .unwrap_or_default()
}

/// Turns argument text into a `T`: as a JSON string first (strings, enums), then as JSON
/// text (numbers, booleans, objects).
pub fn parse<T: DeserializeOwned>(id: &str, text: &str) -> Result<T, CliError> {
    if let Ok(value) = T::deserialize(Value::String(text.to_owned())) {
        return Ok(value);
    }
    serde_json::from_str(text)
        .map_err(|e| CliError::usage(format!("invalid value {text:?} for `{id}`: {e}")))
}

/// The value of the required argument `id`.
pub fn required<T: DeserializeOwned>(matches: &ArgMatches, id: &str) -> Result<T, CliError> {
    match optional(matches, id)? {
        Some(value) => Ok(value),
        None => Err(CliError::usage(format!("missing a value for `{id}`"))),
    }
}

/// The value of the optional argument `id`, if given.
pub fn optional<T: DeserializeOwned>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<T>, CliError> {
    matches
        .get_one::<String>(id)
        .map(|text| parse(id, text))
        .transpose()
}

/// Every value of the repeatable argument `id`.
pub fn many<T: DeserializeOwned>(matches: &ArgMatches, id: &str) -> Result<Vec<T>, CliError> {
    matches
        .get_many::<String>(id)
        .into_iter()
        .flatten()
        .map(|text| parse(id, text))
        .collect()
}

/// Whether the switch `id` is given.
pub fn switch(matches: &ArgMatches, id: &str) -> bool {
    matches.get_flag(id)
}

/// Whether `--all` is given.
pub fn all(matches: &ArgMatches) -> bool {
    matches.try_get_one::<bool>("all").ok().flatten() == Some(&true)
}

fn read_input(path: &str) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
            CliError::usage(format!("cannot read the body from standard input: {e}"))
        })?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read {path:?}: {e}")))
}

/// The raw bytes of `--body FILE` (`-` for standard input), if given.
pub fn raw_body(matches: &ArgMatches) -> Result<Option<bytes::Bytes>, CliError> {
    matches
        .get_one::<String>("body")
        .map(|path| read_input(path).map(bytes::Bytes::from))
        .transpose()
}

/// A top-level field of a body that has its own flag: `(argument id, JSON name, whether
/// the value is text)`. Text goes in as a JSON string; anything else is parsed as JSON.
pub type BodyField = (&'static str, &'static str, bool);

/// The body from `--body FILE` (JSON or YAML; `-` for standard input) with the `fields`
/// given as flags set over it, if any of them is given. `required` bodies must be.
pub fn body<T: DeserializeOwned>(
    matches: &ArgMatches,
    fields: &[BodyField],
    required: bool,
) -> Result<Option<T>, CliError> {
    let mut value = match matches.get_one::<String>("body") {
        Some(path) => Some(parse_document(path, &read_input(path)?)?),
        None => None,
    };
    for (id, wire, text) in fields {
        let Some(given) = matches.get_one::<String>(id) else {
            continue;
        };
        let field = if *text {
            Value::String(given.clone())
        } else {
            serde_json::from_str(given).unwrap_or_else(|_| Value::String(given.clone()))
        };
        match value.get_or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(object) => {
                object.insert((*wire).to_owned(), field);
            }
            _ => {
                return Err(CliError::usage(format!(
                    "--{id} sets a field of the body, but the body given with --body is not an object"
                )));
            }
        }
    }
    let Some(value) = value else {
        if required {
            let flags: Vec<String> = fields.iter().map(|(id, _, _)| format!("--{id}")).collect();
            let hint = if flags.is_empty() {
                String::new()
            } else {
                format!(" or its fields ({})", flags.join(", "))
            };
            return Err(CliError::usage(format!(
                "this command needs a body: give --body FILE{hint}"
            )));
        }
        return Ok(None);
    };
    serde_path_to_error::deserialize(value)
        .map(Some)
        .map_err(|e| CliError::usage(format!("invalid body: {e}")))
}

/// The body of an operation that requires one: see [`body`].
pub fn required_body<T: DeserializeOwned>(
    matches: &ArgMatches,
    fields: &[BodyField],
) -> Result<T, CliError> {
    body(matches, fields, true)?
        .ok_or_else(|| CliError::usage("this command needs a body: give --body FILE"))
}

/// The raw bytes of `--body FILE` of an operation that requires one.
pub fn required_raw_body(matches: &ArgMatches) -> Result<bytes::Bytes, CliError> {
    raw_body(matches)?.ok_or_else(|| CliError::usage("this command needs a body: give --body FILE"))
}

fn parse_document(path: &str, bytes: &[u8]) -> Result<Value, CliError> {
    let json = serde_json::from_slice::<Value>(bytes);
    let json_error = match json {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let name = if path == "-" { "standard input" } else { path };
    if path.ends_with(".json") {
        return Err(CliError::usage(format!(
            "{name} is not valid JSON: {json_error}"
        )));
    }
    serde_yaml::from_slice::<Value>(bytes).map_err(|e| {
        CliError::usage(format!(
            "{name} is neither JSON ({json_error}) nor YAML ({e})"
        ))
    })
}

/// The file at the path given for `id` (a multipart file part), if given.
pub async fn file(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<crate::runtime::FilePart>, CliError> {
    match matches.get_one::<String>(id) {
        Some(path) => Ok(Some(read_file(path).await?)),
        None => Ok(None),
    }
}

/// The file at the path given for the required argument `id`.
pub async fn required_file(
    matches: &ArgMatches,
    id: &str,
) -> Result<crate::runtime::FilePart, CliError> {
    file(matches, id)
        .await?
        .ok_or_else(|| CliError::usage(format!("missing a file for `{id}`")))
}

/// The files at every path given for `id`.
pub async fn files(
    matches: &ArgMatches,
    id: &str,
) -> Result<Vec<crate::runtime::FilePart>, CliError> {
    let mut out = Vec::new();
    for path in matches.get_many::<String>(id).into_iter().flatten() {
        out.push(read_file(path).await?);
    }
    Ok(out)
}

async fn read_file(path: &str) -> Result<crate::runtime::FilePart, CliError> {
    crate::runtime::FilePart::from_path(path)
        .await
        .map_err(|e| CliError::usage(format!("cannot read {path:?}: {e}")))
}

/// Prints a result in `format`.
pub fn write_value<T: Serialize>(
    value: &T,
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    if format == OutputFormat::Json {
        write_json(value, options, out)?;
        out.write_all(b"\n")?;
        return Ok(out.flush()?);
    }
    let value = to_json(value)?;
    let rows = rows(&value);
    let columns = columns(rows.first().copied());
    let cells: Vec<Vec<String>> = rows.iter().map(|row| cells(row, &columns)).collect();
    match format {
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            write_csv(&mut writer, &columns, &cells)?;
            writer.flush()?;
        }
        _ => {
            let widths = widths(&columns, &cells);
            write_row(out, &columns, &widths)?;
            for row in &cells {
                write_row(out, row, &widths)?;
            }
        }
    }
    Ok(out.flush()?)
}

/// Prints a text result as it is.
pub fn write_text(text: &str, out: &mut (dyn Write + Send)) -> Result<(), CliError> {
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(out.flush()?)
}

/// Prints a binary result as it is.
pub fn write_bytes(bytes: &[u8], out: &mut (dyn Write + Send)) -> Result<(), CliError> {
    out.write_all(bytes)?;
    Ok(out.flush()?)
}

/// How many rows a streamed table holds back to size its columns: a bounded amount, so
/// `--all` runs in constant memory; later rows wider than their column just stick out.
const TABLE_SAMPLE: usize = 100;

/// Prints every item of `items` as it arrives (`--all`): a JSON array written item by
/// item, or table/CSV rows whose columns are those of the first item.
pub async fn write_stream<T: Serialize>(
    mut items: BoxStream<'static, crate::runtime::Result<T>>,
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    match format {
        OutputFormat::Json => {
            out.write_all(b"[")?;
            let mut first = true;
            while let Some(item) = items.next().await {
                let item = item?;
                out.write_all(if first { b"\n" } else { b",\n" })?;
                first = false;
                write_json(&item, options, out)?;
                out.flush()?;
            }
            out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
        }
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            let mut columns: Option<Vec<String>> = None;
            while let Some(item) = items.next().await {
                let value = to_json(&item?)?;
                let row = &value;
                if columns.is_none() {
                    let found = self::columns(Some(row));
                    writer.write_record(&found).map_err(csv_error)?;
                    columns = Some(found);
                }
                let columns = columns.as_deref().unwrap_or_default();
                writer
                    .write_record(cells(row, columns))
                    .map_err(csv_error)?;
                writer.flush()?;
            }
            if columns.is_none() {
                writer
                    .write_record(self::columns(None))
                    .map_err(csv_error)?;
            }
            writer.flush()?;
        }
        OutputFormat::Table => {
            let mut columns: Option<Vec<String>> = None;
            let mut sample: Vec<Vec<String>> = Vec::new();
            let mut widths: Option<Vec<usize>> = None;
            while let Some(item) = items.next().await {
                let value = to_json(&item?)?;
                let row = &value;
                let columns = columns.get_or_insert_with(|| self::columns(Some(row)));
                let row = cells(row, columns);
                match &widths {
                    Some(widths) => write_row(out, &row, widths)?,
                    None => {
                        sample.push(row);
                        if sample.len() == TABLE_SAMPLE {
                            widths = Some(flush_sample(out, columns, &mut sample)?);
                        }
                    }
                }
                out.flush()?;
            }
            if widths.is_none() {
                let columns = columns.unwrap_or_else(|| self::columns(None));
                flush_sample(out, &columns, &mut sample)?;
            }
        }
    }
    Ok(out.flush()?)
}

fn flush_sample(
    out: &mut (dyn Write + Send),
    columns: &[String],
    sample: &mut Vec<Vec<String>>,
) -> Result<Vec<usize>, CliError> {
    let widths = widths(columns, sample);
    write_row(out, columns, &widths)?;
    for row in sample.drain(..) {
        write_row(out, &row, &widths)?;
    }
    Ok(widths)
}

fn csv_error(e: csv::Error) -> CliError {
    CliError::Output(std::io::Error::other(e.to_string()))
}

fn write_csv<W: Write>(
    writer: &mut csv::Writer<W>,
    columns: &[String],
    cells: &[Vec<String>],
) -> Result<(), CliError> {
    writer.write_record(columns).map_err(csv_error)?;
    for row in cells {
        writer.write_record(row).map_err(csv_error)?;
    }
    Ok(())
}

fn write_json<T: Serialize>(
    value: &T,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    let written = if options.pretty {
        serde_json::to_writer_pretty(&mut *out, value)
    } else {
        serde_json::to_writer(&mut *out, value)
    };
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => CliError::Output(std::io::Error::new(kind, e.to_string())),
        None => CliError::Output(std::io::Error::other(format!(
            "cannot encode the result: {e}"
        ))),
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| {
        CliError::Output(std::io::Error::other(format!(
            "cannot encode the result: {e}"
        )))
    })
}

/// Names of the field of an envelope object that holds its list (a [`Page`] has `items`).
///
/// [`Page`]: crate::runtime::Page
const LIST_FIELDS: &[&str] = &["items", "data", "results", "records", "entries", "values"];

/// The rows of a result: the items of a list, or of the list field of an envelope object
/// ([`LIST_FIELDS`], the first one present); any other value is one row.
fn rows(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(object) => LIST_FIELDS
            .iter()
            .find_map(|k| match object.get(*k) {
                Some(Value::Array(items)) => Some(items.iter().collect()),
                _ => None,
            })
            .unwrap_or_else(|| vec![value]),
        other => vec![other],
    }
}

/// Kinds of column a person reads a list by, in the order they are shown: the keys each
/// kind goes by, then the endings of other keys of that kind (`dynamic_link_id`, `qr_url`).
const PREFERRED: &[(&[&str], &[&str])] = &[
    (&["id", "uuid", "key", "slug", "code"], &["_id", "Id", "ID"]),
    (
        &[
            "name",
            "title",
            "display_name",
            "displayName",
            "label",
            "summary",
        ],
        &["_name", "Name"],
    ),
    (&["type", "kind", "qr_type", "category"], &["_type", "Type"]),
    (
        &[
            "url",
            "short_url",
            "shortUrl",
            "link",
            "href",
            "html_url",
            "web_url",
        ],
        &["url", "Url", "URL"],
    ),
    (&["status", "state"], &["_status", "Status"]),
];

/// At most this many columns come from the first scalar fields when no preferred key is
/// there.
const FALLBACK_COLUMNS: usize = 6;

/// The columns of a table or CSV, from the first row's keys with a scalar value (string,
/// number, boolean, null): per kind of [`PREFERRED`] key (identifier, name, type, URL,
/// status), the first key it names, else the first key with one of its endings; with fewer
/// than two of those, the row's first scalar fields instead. A row that is not an object
/// has one column, `value`.
fn columns(first: Option<&Value>) -> Vec<String> {
    let Some(Value::Object(object)) = first else {
        return vec!["value".to_owned()];
    };
    let scalar = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    let mut out: Vec<String> = Vec::new();
    for (keys, endings) in PREFERRED {
        let named = keys
            .iter()
            .find(|k| object.get(**k).is_some_and(scalar))
            .map(|k| (*k).to_owned());
        let found = named.or_else(|| {
            object
                .iter()
                .find(|(k, v)| {
                    scalar(v) && !out.contains(k) && endings.iter().any(|e| k.ends_with(e))
                })
                .map(|(k, _)| k.clone())
        });
        if let Some(key) = found.filter(|k| !out.contains(k)) {
            out.push(key);
        }
    }
    if out.len() < 2 {
        out.clear();
        out.extend(
            object
                .iter()
                .filter(|(_, v)| scalar(v))
                .map(|(k, _)| k.clone())
                .take(FALLBACK_COLUMNS),
        );
    }
    if out.is_empty() {
        out.extend(object.keys().take(FALLBACK_COLUMNS).cloned());
    }
    out
}

fn cells(row: &Value, columns: &[String]) -> Vec<String> {
    match row {
        Value::Object(object) => columns
            .iter()
            .map(|c| object.get(c).map(cell).unwrap_or_default())
            .collect(),
        other => vec![cell(other)],
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        // A table row is one line: a newline or tab in a value would break it.
        Value::String(s) => s.replace(['\n', '\r', '\t'], " "),
        other => other.to_string(),
    }
}

fn widths(columns: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain([c])
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

fn write_row(
    out: &mut (dyn Write + Send),
    row: &[String],
    widths: &[usize],
) -> Result<(), CliError> {
    let mut line = String::new();
    for (i, (value, width)) in row.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(value);
        if i + 1 < row.len() {
            line.extend(std::iter::repeat_n(
                ' ',
                width.saturating_sub(value.chars().count()),
            ));
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_prefer_what_a_person_reads() {
        let row = json!({"created_at": "x", "status": "active", "id": "l1", "short_url": "u",
            "name": "N", "type": "website", "tags": ["a"], "qr_url": "q"});
        assert_eq!(
            columns(Some(&row)),
            ["id", "name", "type", "short_url", "status"]
        );
    }

    #[test]
    fn columns_fall_back_to_scalar_fields() {
        let row = json!({"a": 1, "b": [1], "c": "x", "d": null});
        assert_eq!(columns(Some(&row)), ["a", "c", "d"]);
        assert_eq!(columns(Some(&json!(3))), ["value"]);
    }

    #[test]
    fn rows_of_pages_envelopes_and_objects() {
        let page = json!({"items": [{"id": 1}], "current_page": 1});
        assert_eq!(rows(&page), [&json!({"id": 1})]);
        let envelope = json!({"data": [{"id": 2}], "meta": {"total": 1}});
        assert_eq!(rows(&envelope), [&json!({"id": 2})]);
        let one = json!({"id": 3, "tags": []});
        assert_eq!(rows(&one), [&one]);
    }

    #[test]
    fn parse_tries_a_string_then_json() {
        assert_eq!(parse::<String>("x", "12").unwrap(), "12");
        assert_eq!(parse::<i64>("x", "12").unwrap(), 12);
        assert!(parse::<bool>("x", "true").unwrap());
        let err = parse::<i64>("size", "ten").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .starts_with("invalid value \"ten\" for `size`"),
            "{err}"
        );
    }

    #[test]
    fn table_rows_are_aligned_and_trimmed() {
        let mut out = Vec::new();
        let widths = widths(
            &["id".into(), "name".into()],
            &[vec!["abc".into(), "x".into()]],
        );
        write_row(&mut out, &["id".into(), "name".into()], &widths).unwrap();
        write_row(&mut out, &["abc".into(), "x".into()], &widths).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "id   name\nabc  x\n");
    }
}
