//! The spec-agnostic half of the command line (feature `cli`): printing results (JSON,
//! table, CSV), reading `--body` files, turning argument text into typed values, and the
//! `--all` loop. The generated `cli` module builds the command tree and calls these.

// Which helpers a crate uses depends on its spec (files, raw bodies, text responses).
#![allow(dead_code)]

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::io::{Read, Write};

use clap::ArgMatches;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

mod call;
pub(crate) mod json;

// Which of them a crate uses depends on its spec.
#[allow(unused_imports)]
pub use call::{
    Call, ReadInputs, body_field, flag, json_body_arg, list_flag, operation, positional,
    raw_body_arg, switch_flag, unknown,
};

/// How a command prints its result: `Options::new().pretty(true)`.
///
/// The output format itself (`--output json|table|csv`) is an argument of the command
/// line; these are the choices a program makes for its user.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Indented JSON (for a terminal) rather than one line per value (for a pipe).
    pub pretty: bool,
    /// Output goes to a terminal: text results are shown with control characters escaped
    /// rather than written as they are (`write_text`).
    pub terminal: bool,
    /// The columns of a table or CSV, when the program chooses them
    /// ([`column`](Self::column)); empty: chosen from the first row.
    columns: Vec<Column>,
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

    /// Whether standard output is a terminal, where a text result from the server is
    /// shown with its control characters escaped (escape sequences could otherwise change
    /// the terminal's title, colours or clipboard); elsewhere it is written byte for byte.
    pub fn terminal(mut self, terminal: bool) -> Self {
        self.terminal = terminal;
        self
    }

    /// Adds a column to tables and CSV: `header`, holding the value at the JSON Pointer
    /// `pointer` (RFC 6901, e.g. `/meta_data/url`) of each row, empty where a row has
    /// none. With at least one column given, exactly these are shown, in this order,
    /// instead of the ones chosen from the first row. JSON output is unaffected.
    pub fn column(mut self, header: impl Into<String>, pointer: impl Into<String>) -> Self {
        self.columns.push(Column {
            header: header.into(),
            pointer: Some(pointer.into()),
        });
        self
    }
}

/// A column of a table or CSV: its header, and where each row's value is (`None`: the
/// row's field named like the header).
#[derive(Debug, Clone)]
struct Column {
    header: String,
    pointer: Option<String>,
}

impl Column {
    fn field(key: &str) -> Self {
        Column {
            header: key.to_owned(),
            pointer: None,
        }
    }

    fn value<'a>(&self, row: &'a Value) -> Option<&'a Value> {
        match &self.pointer {
            Some(pointer) => row.pointer(pointer),
            None => row.get(&self.header),
        }
    }
}

/// The widest a table cell is shown, in characters: a longer value is cut and ends in
/// `…`, so one huge value cannot widen every row of a table. A table is for reading;
/// `--output json` and `csv` carry whole values.
pub const TABLE_CELL_WIDTH: usize = 60;

/// `text` as it can be printed to a terminal: every character that could change what the
/// terminal shows (ESC and the other control characters, which start colour, title and
/// hyperlink sequences or ring the bell; C1 controls such as `U+009B`; the bidirectional
/// overrides and isolates, which reorder the text around them) written as a `\u{..}`
/// escape. Line feeds are kept, so a message of several lines stays one. For text from a
/// server, before it goes to a terminal (a table, a message, an error).
pub fn terminal_text(text: &str) -> std::borrow::Cow<'_, str> {
    super::error::escape_hazards(text, true)
}

/// The `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// The typed result as JSON (the default).
    #[default]
    Json,
    /// Aligned columns, for people. The rows are the items of a list (or of an envelope's
    /// `items`/`data`/`results` field), else the value itself. The columns come from the
    /// first row: per kind, the first key naming an identifier (`id`, or ending in `_id`),
    /// a name, a type, a URL (`url`, or ending in `url`) and a status; with fewer than two
    /// of those, its first six scalar fields.
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
    /// for everything else (the API's errors, the network, the output). A clap "error"
    /// that is `--help` or `--version` output is `0`, as clap exits with it.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Arguments(e) if !e.use_stderr() => 0,
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

/// The root command: `name`, `about` and the global `--output` option (the groups are
/// added as subcommands).
pub fn root(name: &'static str, about: &'static str) -> clap::Command {
    clap::Command::new(name)
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        // A group may be named `help`; `--help` stays.
        .disable_help_subcommand(true)
        .arg(output_arg())
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

/// The switch `id` as an optional boolean input: `Some(true)` when given, else `None`
/// (not sent).
pub fn optional_switch(matches: &ArgMatches, id: &str) -> Option<bool> {
    matches.get_flag(id).then_some(true)
}

/// Every value of the optional repeatable argument `id`; `None` when none is given.
///
/// # Errors
/// [`CliError::Usage`] when a value does not parse.
pub fn optional_many<T: DeserializeOwned>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<Vec<T>>, CliError> {
    many(matches, id).map(|values| (!values.is_empty()).then_some(values))
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

/// The body from `--body FILE` (JSON or YAML; `-` for standard input) with the fields
/// given as flags ([`call::body_field`]) set over it, if any of them is given. `required`
/// bodies must be.
///
/// # Errors
/// [`CliError::Usage`] when a required body is missing, a file cannot be read or parsed,
/// or the result is not a `T`.
pub fn body<T: DeserializeOwned>(
    matches: &ArgMatches,
    required: bool,
) -> Result<Option<T>, CliError> {
    let mut value = match matches.get_one::<String>("body") {
        Some(path) => Some(parse_document(path, &read_input(path)?)?),
        None => None,
    };
    for id in matches.ids() {
        let Some((wire, text)) = call::body_field_of(id.as_str()) else {
            continue;
        };
        let Some(given) = matches.get_one::<String>(id.as_str()) else {
            continue;
        };
        let field = if text {
            Value::String(given.clone())
        } else {
            serde_json::from_str(given).unwrap_or_else(|_| Value::String(given.clone()))
        };
        match value.get_or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(object) => {
                object.insert(wire.to_owned(), field);
            }
            _ => {
                return Err(CliError::usage(format!(
                    "the flag for field `{wire}` sets a field of the body, but the body given with --body is not an object"
                )));
            }
        }
    }
    let Some(value) = value else {
        if required {
            return Err(CliError::usage(
                "this command needs a body: give --body FILE, or its fields as flags (see --help)",
            ));
        }
        return Ok(None);
    };
    typed_body(&value).map(Some)
}

/// The body `value` as a `T`, through its JSON text: the decoder a response of type `T`
/// uses too, where decoding the value itself would compile another. An error names the
/// field (`invalid body: items[2].name: invalid type: ..`).
fn typed_body<T: DeserializeOwned>(value: &Value) -> Result<T, CliError> {
    let text = serde_json::to_vec(value).map_err(encode_error)?;
    serde_json::from_slice(&text).map_err(|e| {
        let path = super::json_path::path_at(&text, e.line(), e.column(), e.is_eof());
        // Its line and column are in text the user never saw.
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => &message[..at],
            None => &message,
        };
        if path == "." {
            CliError::usage(format!("invalid body: {message}"))
        } else {
            CliError::usage(format!("invalid body: {path}: {message}"))
        }
    })
}

/// The body of an operation that requires one: see [`body`].
///
/// # Errors
/// As [`body`]'s.
pub fn required_body<T: DeserializeOwned>(matches: &ArgMatches) -> Result<T, CliError> {
    body(matches, true)?
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
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read.
pub fn file(matches: &ArgMatches, id: &str) -> Result<Option<crate::runtime::FilePart>, CliError> {
    matches
        .get_one::<String>(id)
        .map(|path| read_file(path))
        .transpose()
}

/// The file at the path given for the required argument `id`.
///
/// # Errors
/// [`CliError::Usage`] when it is missing or cannot be read.
pub fn required_file(matches: &ArgMatches, id: &str) -> Result<crate::runtime::FilePart, CliError> {
    file(matches, id)?.ok_or_else(|| CliError::usage(format!("missing a file for `{id}`")))
}

/// The files at every path given for `id`.
///
/// # Errors
/// [`CliError::Usage`] when one cannot be read.
pub fn files(matches: &ArgMatches, id: &str) -> Result<Vec<crate::runtime::FilePart>, CliError> {
    matches
        .get_many::<String>(id)
        .into_iter()
        .flatten()
        .map(|path| read_file(path))
        .collect()
}

/// The files at every path given for the optional list `id`; `None` when none is given.
///
/// # Errors
/// [`CliError::Usage`] when one cannot be read.
pub fn optional_files(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<Vec<crate::runtime::FilePart>>, CliError> {
    files(matches, id).map(|files| (!files.is_empty()).then_some(files))
}

// Read on the calling thread: a command reads its few input files once, before sending.
fn read_file(path: &str) -> Result<crate::runtime::FilePart, CliError> {
    crate::runtime::FilePart::from_path_blocking(path)
        .map_err(|e| CliError::usage(format!("cannot read {path:?}: {e}")))
}

/// Prints a result in `format`.
///
/// A table or CSV is made from the result's JSON text, one row at a time: no row is kept
/// as text and the result is never held as a tree of JSON values, so a large page costs
/// little more than its JSON.
///
/// The result is serialized once, to compact JSON text, whatever the format: each result
/// type's serializer is compiled once, and everything after it is compiled once for all
/// of them.
pub fn write_value<T: Serialize>(
    value: &T,
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    let json = serde_json::to_vec(value).map_err(encode_error)?;
    write_json_value(&json, format, options, out)
}

/// [`write_value`] of a result already serialized to JSON text.
fn write_json_value(
    json: &[u8],
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    if format == OutputFormat::Json {
        write_json(json, options, out)?;
        out.write_all(b"\n")?;
        return Ok(out.flush()?);
    }
    let list = list_field(json)?;
    match format {
        OutputFormat::Csv => {
            let mut csv = CsvRows::new(&mut *out, options);
            for_each_row(json, list, &mut |row| csv.row(&row))?;
            csv.finish()?;
        }
        _ => {
            let mut columns: Option<Vec<Column>> = None;
            // Two passes over the rows: the widths first (every cell is at most
            // TABLE_CELL_WIDTH), then the rows, each made again as it is written.
            let mut widths: Option<Vec<usize>> = None;
            for_each_row(json, list, &mut |row| {
                let columns = columns.get_or_insert_with(|| self::columns(options, Some(&row)));
                let widths = widths.get_or_insert_with(|| header_widths(columns));
                widen(widths, &table_cells(&row, columns));
                Ok(())
            })?;
            let columns = columns.unwrap_or_else(|| self::columns(options, None));
            let widths = widths.unwrap_or_else(|| header_widths(&columns));
            write_row(out, &table_header(&columns), &widths)?;
            for_each_row(json, list, &mut |row| {
                write_row(out, &table_cells(&row, &columns), &widths)
            })?;
        }
    }
    Ok(out.flush()?)
}

/// Prints the part of a JSON response an operation returns (at the keys `at`, see
/// [`Endpoint::OUTPUT_AT`](crate::runtime::Endpoint::OUTPUT_AT); the whole body when there
/// are none) in `format`, as the API sent it: the command line never decodes a result into
/// the operation's types, so it compiles no decoder per operation and drops nothing the
/// types do not know. An empty body is `null`, as the typed decoding reads it; a body that
/// is not JSON is printed as text, because the server has done what it was asked.
fn write_response(
    body: &[u8],
    at: &[&str],
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return write_json_value(b"null", format, options, out);
    }
    if at.is_empty() {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return write_text(&String::from_utf8_lossy(body), options, out);
        }
        return write_json_value(body, format, options, out);
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return write_text(&String::from_utf8_lossy(body), options, out);
    };
    let json = serde_json::to_vec(&json::take_at(value, at)).map_err(encode_error)?;
    write_json_value(&json, format, options, out)
}

/// Prints a text result: as it is, or for a terminal ([`Options::terminal`]) with the
/// characters a terminal would act on escaped ([`terminal_text`]; tabs are kept).
pub fn write_text(
    text: &str,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    if options.terminal {
        for (i, part) in text.split('\t').enumerate() {
            if i > 0 {
                out.write_all(b"\t")?;
            }
            out.write_all(terminal_text(part).as_bytes())?;
        }
    } else {
        out.write_all(text.as_bytes())?;
    }
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
/// item, or table/CSV rows whose columns are those of the first item. Each item is
/// serialized once, to JSON text ([`write_value`] says why).
pub async fn write_stream<T: Serialize + 'static>(
    items: BoxStream<'static, crate::runtime::Result<T>>,
    format: OutputFormat,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    let items = items
        .map(|item| serde_json::to_vec(&item?).map_err(encode_error))
        .boxed();
    write_json_stream(items, format, options, out).await
}

/// [`write_stream`] of items already serialized to JSON text.
async fn write_json_stream(
    mut items: BoxStream<'static, Result<Vec<u8>, CliError>>,
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
            let mut csv = CsvRows::new(&mut *out, options);
            while let Some(item) = items.next().await {
                csv.row(&to_json(&item?)?)?;
                csv.writer.flush()?;
            }
            csv.finish()?;
        }
        OutputFormat::Table => {
            let mut columns: Option<Vec<Column>> = None;
            let mut sample: Vec<Vec<String>> = Vec::new();
            let mut widths: Option<Vec<usize>> = None;
            while let Some(item) = items.next().await {
                let row = to_json(&item?)?;
                let columns = columns.get_or_insert_with(|| self::columns(options, Some(&row)));
                let row = table_cells(&row, columns);
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
                let columns = columns.unwrap_or_else(|| self::columns(options, None));
                flush_sample(out, &columns, &mut sample)?;
            }
        }
    }
    Ok(out.flush()?)
}

fn flush_sample(
    out: &mut (dyn Write + Send),
    columns: &[Column],
    sample: &mut Vec<Vec<String>>,
) -> Result<Vec<usize>, CliError> {
    let mut widths = header_widths(columns);
    for row in sample.iter() {
        widen(&mut widths, row);
    }
    write_row(out, &table_header(columns), &widths)?;
    for row in sample.drain(..) {
        write_row(out, &row, &widths)?;
    }
    Ok(widths)
}

fn csv_error(e: csv::Error) -> CliError {
    CliError::Output(std::io::Error::other(e.to_string()))
}

/// CSV written row by row: the header (the columns of the first row) before the first.
struct CsvRows<'o, W: Write> {
    writer: csv::Writer<W>,
    options: &'o Options,
    columns: Option<Vec<Column>>,
}

impl<'o, W: Write> CsvRows<'o, W> {
    fn new(out: W, options: &'o Options) -> Self {
        CsvRows {
            writer: csv::Writer::from_writer(out),
            options,
            columns: None,
        }
    }

    fn row(&mut self, row: &Value) -> Result<(), CliError> {
        let columns = match &mut self.columns {
            Some(columns) => columns,
            None => {
                let found = columns(self.options, Some(row));
                write_csv_header(&mut self.writer, &found)?;
                self.columns.insert(found)
            }
        };
        write_csv_row(&mut self.writer, row, columns)
    }

    /// Ends the output: a list without rows still gets its header.
    fn finish(mut self) -> Result<(), CliError> {
        if self.columns.is_none() {
            write_csv_header(&mut self.writer, &columns(self.options, None))?;
        }
        Ok(self.writer.flush()?)
    }
}

fn write_csv_header<W: Write>(
    writer: &mut csv::Writer<W>,
    columns: &[Column],
) -> Result<(), CliError> {
    // Headers can be keys the server chose (fields beyond the documented ones).
    write_csv_record(writer, columns.iter().map(|c| csv_text(&c.header)))
}

/// Writes one record, cell by cell: the cells are borrowed where they can be.
fn write_csv_record<'a, W: Write>(
    writer: &mut csv::Writer<W>,
    cells: impl Iterator<Item = Cow<'a, str>>,
) -> Result<(), CliError> {
    for cell in cells {
        writer.write_field(cell.as_bytes()).map_err(csv_error)?;
    }
    // An empty record ends the one the fields were written to.
    writer.write_record(None::<&[u8]>).map_err(csv_error)
}

fn write_csv_row<W: Write>(
    writer: &mut csv::Writer<W>,
    row: &Value,
    columns: &[Column],
) -> Result<(), CliError> {
    let cells = columns_of(row, columns).map(|value| match value {
        Some(Value::String(text)) => csv_text(text),
        Some(value) => Cow::Owned(scalar_text(value).into_owned()),
        None => Cow::Borrowed(""),
    });
    write_csv_record(writer, cells)
}

/// Text for a CSV cell that a spreadsheet shows as text: a value starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be read as a formula (`=HYPERLINK(..)` runs
/// when the file is opened), so it gets a leading `'`, as OWASP's CSV-injection advice
/// says. Only text is guarded: a JSON number such as `-3` is written as it is.
fn csv_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// JSON output that a terminal shows as it is: serde_json escapes the C0 controls, and
/// this also writes DEL, the C1 controls (`U+009B` starts an escape sequence on many
/// terminals) and the bidirectional and line-separator characters as `\uXXXX` escapes.
/// The document means the same; only its bytes change.
struct TerminalSafe<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if super::error::is_hazardous(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                // Every hazardous character is in the Basic Multilingual Plane: one escape.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the wrapped formatter's (compact or indented).
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes the JSON text `json` (compact, as serde_json writes it) compact or indented,
/// with what a terminal would act on escaped ([`TerminalSafe`]). The text is read and
/// written as it goes (`serde_transcode`), never held as a tree.
fn write_json(
    json: &[u8],
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    use serde_json::ser::{CompactFormatter, PrettyFormatter, Serializer};
    let mut input = serde_json::Deserializer::from_slice(json);
    let written = if options.pretty {
        serde_transcode::transcode(
            &mut input,
            &mut Serializer::with_formatter(&mut *out, TerminalSafe(PrettyFormatter::new())),
        )
    } else {
        serde_transcode::transcode(
            &mut input,
            &mut Serializer::with_formatter(&mut *out, TerminalSafe(CompactFormatter)),
        )
    };
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => CliError::Output(std::io::Error::new(kind, e.to_string())),
        None => CliError::Output(std::io::Error::other(format!(
            "cannot encode the result: {e}"
        ))),
    })
}

fn encode_error(e: serde_json::Error) -> CliError {
    CliError::Output(std::io::Error::other(format!(
        "cannot encode the result: {e}"
    )))
}

/// One item's JSON text as a value, for its row.
fn to_json(json: &[u8]) -> Result<Value, CliError> {
    serde_json::from_slice(json).map_err(encode_error)
}

/// Names of the field of an envelope object that holds its list (a [`Page`] has `items`).
///
/// [`Page`]: crate::runtime::Page
const LIST_FIELDS: &[&str] = &["items", "data", "results", "records", "entries", "values"];

/// Where the rows of a result are: the items of a list (`Some("")` for a list itself, or
/// the name of the list field of an envelope object, the first of [`LIST_FIELDS`] that
/// holds an array), or `None`: the value is one row.
fn list_field(json: &[u8]) -> Result<Option<&'static str>, CliError> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// Which of the [`LIST_FIELDS`] of an object hold arrays (a bit each); `None`: the
    /// value is not an object. Values are skipped, not built.
    struct Arrays;
    impl<'de> Visitor<'de> for Arrays {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = 0;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                let is_array = map.next_value::<IsArray>()?.0;
                if let Some(i) = LIST_FIELDS.iter().position(|k| *k == key) {
                    found |= u32::from(is_array) << i;
                }
            }
            Ok(Some(found))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Some(u32::MAX))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    /// Whether a value is an array, skipping it.
    struct IsArray(bool);
    impl<'de> serde::Deserialize<'de> for IsArray {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Probe;
            impl<'de> Visitor<'de> for Probe {
                type Value = bool;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
                    IgnoredAny.visit_seq(seq).map(|_| true)
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
                    IgnoredAny.visit_map(map).map(|_| false)
                }
                fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
                    Ok(false)
                }
                fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
                    Ok(false)
                }
                fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
                    Ok(false)
                }
                fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
                    Ok(false)
                }
                fn visit_str<E>(self, _: &str) -> Result<bool, E> {
                    Ok(false)
                }
                fn visit_unit<E>(self) -> Result<bool, E> {
                    Ok(false)
                }
            }
            d.deserialize_any(Probe).map(IsArray)
        }
    }

    let arrays = serde_json::Deserializer::from_slice(json)
        .deserialize_any(Arrays)
        .map_err(encode_error)?;
    Ok(match arrays {
        Some(u32::MAX) => Some(""),
        Some(bits) => LIST_FIELDS
            .iter()
            .enumerate()
            .find(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, k)| *k),
        None => None,
    })
}

/// Calls `each` with every row of the result `json` (see [`list_field`]), one row built at
/// a time. The first error of `each` stops the walk and is returned.
fn for_each_row(
    json: &[u8],
    list: Option<&str>,
    each: &mut dyn FnMut(Value) -> Result<(), CliError>,
) -> Result<(), CliError> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// Walks the rows; `failed` keeps the error of `each`, which serde cannot carry.
    struct Rows<'a, 'f> {
        list: Option<&'a str>,
        each: &'a mut dyn FnMut(Value) -> Result<(), CliError>,
        failed: &'f mut Option<CliError>,
    }
    impl Rows<'_, '_> {
        fn call<E: serde::de::Error>(&mut self, row: Value) -> Result<(), E> {
            (self.each)(row).map_err(|e| {
                *self.failed = Some(e);
                E::custom("stopped")
            })
        }
    }
    impl<'de> DeserializeSeed<'de> for &mut Rows<'_, '_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for &mut Rows<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list, or an object holding one")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(row) = seq.next_element::<Value>()? {
                self.call(row)?;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if Some(key.as_ref()) == self.list {
                    self.list = Some("");
                    map.next_value_seed(&mut *self)?;
                    // Only the first field of that name.
                    self.list = None;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    let Some(list) = list else {
        // Not a list: the value is the one row.
        let row = serde_json::from_slice(json).map_err(encode_error)?;
        return each(row);
    };
    let mut failed = None;
    let mut rows = Rows {
        list: Some(list),
        each,
        failed: &mut failed,
    };
    let walked = serde_json::Deserializer::from_slice(json).deserialize_any(&mut rows);
    match (failed, walked) {
        (Some(error), _) => Err(error),
        (None, walked) => walked.map_err(encode_error),
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

/// The columns of a table or CSV: those of `options` if it names any, else
/// [`chosen_columns`] of the first row.
fn columns(options: &Options, first: Option<&Value>) -> Vec<Column> {
    if !options.columns.is_empty() {
        return options.columns.clone();
    }
    chosen_columns(first)
        .into_iter()
        .map(|key| Column::field(&key))
        .collect()
}

/// The columns of a table or CSV, from the first row's keys with a scalar value (string,
/// number, boolean, null): per kind of [`PREFERRED`] key (identifier, name, type, URL,
/// status), the first key it names, else the first key with one of its endings; with fewer
/// than two of those, the row's first scalar fields instead. A row that is not an object
/// has one column, `value`.
fn chosen_columns(first: Option<&Value>) -> Vec<String> {
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

/// The value of each column in `row` (a row that is not an object is its own one cell).
fn columns_of<'a>(
    row: &'a Value,
    columns: &'a [Column],
) -> impl Iterator<Item = Option<&'a Value>> + 'a {
    let object = row.is_object();
    columns.iter().enumerate().map(move |(i, column)| {
        if object {
            column.value(row)
        } else {
            (i == 0).then_some(row)
        }
    })
}

/// A value as cell text: a string as it is, `null` as nothing, anything else as JSON.
fn scalar_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::String(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

fn table_header(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| table_text(&c.header)).collect()
}

fn table_cells(row: &Value, columns: &[Column]) -> Vec<String> {
    columns_of(row, columns)
        .map(|value| {
            value
                .map(|v| table_text(&scalar_text(v)))
                .unwrap_or_default()
        })
        .collect()
}

/// Text as a table shows it: on one line (line breaks and tabs become spaces), with what
/// could change the terminal escaped ([`terminal_text`]), and at most [`TABLE_CELL_WIDTH`]
/// characters (a longer one is cut and ends in `…`). Only what is shown is looked at, so a
/// huge value costs no more than a short one.
fn table_text(text: &str) -> String {
    let mut out = String::new();
    let mut shown = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        let escape = super::error::is_hazardous(c).then(|| c.escape_unicode());
        let width = escape.as_ref().map_or(1, ExactSizeIterator::len);
        let last = chars.peek().is_none();
        // The last piece may fill the cell; any other must leave room for the `…`.
        if shown + width > TABLE_CELL_WIDTH || (!last && shown + width == TABLE_CELL_WIDTH) {
            out.push('…');
            return out;
        }
        match escape {
            Some(escape) => out.extend(escape),
            None => out.push(c),
        }
        shown += width;
    }
    out
}

fn header_widths(columns: &[Column]) -> Vec<usize> {
    table_header(columns)
        .iter()
        .map(|h| h.chars().count())
        .collect()
}

fn widen(widths: &mut [usize], row: &[String]) {
    for (width, cell) in widths.iter_mut().zip(row) {
        *width = (*width).max(cell.chars().count());
    }
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
            chosen_columns(Some(&row)),
            ["id", "name", "type", "short_url", "status"]
        );
    }

    #[test]
    fn columns_fall_back_to_scalar_fields() {
        let row = json!({"a": 1, "b": [1], "c": "x", "d": null});
        assert_eq!(chosen_columns(Some(&row)), ["a", "c", "d"]);
        assert_eq!(chosen_columns(Some(&json!(3))), ["value"]);
    }

    fn rows_of(value: &Value) -> Vec<Value> {
        let json = serde_json::to_vec(value).unwrap();
        let mut rows = Vec::new();
        for_each_row(&json, list_field(&json).unwrap(), &mut |row| {
            rows.push(row);
            Ok(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn rows_of_pages_envelopes_and_objects() {
        let page = json!({"current_page": 1, "items": [{"id": 1}, {"id": 2}]});
        assert_eq!(rows_of(&page), [json!({"id": 1}), json!({"id": 2})]);
        // The first list field in LIST_FIELDS order, not in the object's order.
        let envelope = json!({"values": [7], "data": [{"id": 2}], "items": {"x": []}});
        assert_eq!(rows_of(&envelope), [json!({"id": 2})]);
        let one = json!({"id": 3, "tags": []});
        assert_eq!(rows_of(&one), [one]);
        assert_eq!(rows_of(&json!([1, "a"])), [json!(1), json!("a")]);
        assert_eq!(rows_of(&json!("text")), [json!("text")]);
        assert_eq!(rows_of(&json!([])), Vec::<Value>::new());
    }

    #[test]
    fn an_error_while_writing_a_row_stops_the_walk() {
        let json = br#"{"data": [1, 2, 3]}"#;
        let mut seen = Vec::new();
        let err = for_each_row(json, Some("data"), &mut |row| {
            seen.push(row);
            Err(CliError::Usage("full".into()))
        })
        .unwrap_err();
        assert!(matches!(err, CliError::Usage(m) if m == "full"));
        assert_eq!(seen, [json!(1)]);
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
        let columns = [Column::field("id"), Column::field("name")];
        let mut out = Vec::new();
        let row = json!({"id": "abc", "name": "x"});
        let mut widths = header_widths(&columns);
        widen(&mut widths, &table_cells(&row, &columns));
        write_row(&mut out, &table_header(&columns), &widths).unwrap();
        write_row(&mut out, &table_cells(&row, &columns), &widths).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "id   name\nabc  x\n");
    }

    #[test]
    fn table_text_is_one_escaped_line_of_at_most_the_cell_width() {
        assert_eq!(table_text("a\nb\tc\rd"), "a b c d");
        assert_eq!(
            table_text("\u{1b}]0;t\u{7}\u{9b}x\u{202e}"),
            "\\u{1b}]0;t\\u{7}\\u{9b}x\\u{202e}"
        );
        let exact = "é".repeat(TABLE_CELL_WIDTH);
        assert_eq!(table_text(&exact), exact);
        let long = "é".repeat(1_000_000);
        let cut = table_text(&long);
        assert_eq!(cut.chars().count(), TABLE_CELL_WIDTH);
        assert!(cut.ends_with("é…"), "{cut}");
        // An escape is not split by the cut.
        let escapes = "\u{1b}".repeat(20);
        let cut = table_text(&escapes);
        assert_eq!(cut, format!("{}…", "\\u{1b}".repeat(9)));
    }

    #[test]
    fn text_results_are_escaped_only_for_a_terminal() {
        let text = "a\tb\u{1b}]0;t\u{7}\nc\u{202e}";
        let mut piped = Vec::new();
        write_text(text, &Options::new(), &mut piped).unwrap();
        assert_eq!(piped, format!("{text}\n").into_bytes());
        let mut shown = Vec::new();
        write_text(text, &Options::new().terminal(true), &mut shown).unwrap();
        assert_eq!(
            String::from_utf8(shown).unwrap(),
            "a\tb\\u{1b}]0;t\\u{7}\nc\\u{202e}\n"
        );
    }

    #[test]
    fn csv_text_guards_formulas_only() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(formula), format!("'{formula}"));
        }
        for plain in ["a=1", "", "1-2", "'x"] {
            assert_eq!(csv_text(plain), plain);
        }
    }

    #[test]
    fn an_invalid_body_names_the_field_not_a_position_in_text_never_shown() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "decoded for its error")]
        struct Body {
            items: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "decoded for its error")]
        struct Item {
            name: String,
        }
        let value = json!({"items": [{"name": "a"}, {"name": 7}]});
        let err = typed_body::<Body>(&value).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid body: items[1].name: invalid type: integer `7`, expected a string"
        );
        let err = typed_body::<Body>(&json!({})).unwrap_err().to_string();
        assert_eq!(err, "invalid body: missing field `items`");
        assert_eq!(
            typed_body::<Body>(&json!({"items": []}))
                .unwrap()
                .items
                .len(),
            0
        );
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_keeps_the_value() {
        let value = json!({"k\u{202e}": ["\u{1b}[31m\u{9b}\u{7f}\u{2066}é\n"]});
        for pretty in [false, true] {
            let mut out = Vec::new();
            let json = serde_json::to_vec(&value).unwrap();
            write_json(&json, &Options::new().pretty(pretty), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                text.contains(r"\u001b[31m\u009b\u007f\u2066é\n") && text.contains(r"k\u202e"),
                "{text}"
            );
            assert!(!text.contains(['\u{1b}', '\u{9b}', '\u{202e}']), "{text}");
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
        }
    }
}
