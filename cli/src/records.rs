//! Reading a bulk-import CSV into typed records, checking every row before anything is sent.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::io::Read;

use prolinksqr::bulk_import::BulkRecord;
use prolinksqr::types::{
    BulkGenerateRequest, ProductRecord, SmsRecord, VcardRecord, WebsiteRecord,
};

/// The link type of a bulk import: which record schema each CSV row follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `website` records: `name`, `url`.
    Website,
    /// `product` records: `name`, `productName`, and optional price fields.
    Product,
    /// `sms` records: `name`, `phone`.
    Sms,
    /// `vcard` records: `name`, `firstName`, `lastName`, `contact`, `email`, and optional
    /// address fields.
    Vcard,
}

/// How a column's values are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    Number,
    Url,
    Email,
}

/// One column a record type accepts, named as the API's JSON field.
#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    required: bool,
    shape: Shape,
}

const fn required(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        required: true,
        shape,
    }
}

const fn optional(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        required: false,
        shape,
    }
}

// Mirrors the record schemas of spec/openapi.yaml (WebsiteRecord, ProductRecord, SmsRecord,
// VcardRecord): the crate's own checks are not public, and they do not look at formats.
const WEBSITE: &[Field] = &[required("name", Shape::Text), required("url", Shape::Url)];
const PRODUCT: &[Field] = &[
    required("name", Shape::Text),
    required("productName", Shape::Text),
    optional("productDescription", Shape::Text),
    optional("currency", Shape::Text),
    optional("subTotal", Shape::Number),
    optional("tax", Shape::Number),
    optional("totalNet", Shape::Number),
];
const SMS: &[Field] = &[
    required("name", Shape::Text),
    required("phone", Shape::Text),
];
const VCARD: &[Field] = &[
    required("name", Shape::Text),
    required("firstName", Shape::Text),
    required("lastName", Shape::Text),
    required("contact", Shape::Text),
    required("email", Shape::Email),
    optional("phone", Shape::Text),
    optional("fax", Shape::Text),
    optional("company", Shape::Text),
    optional("department", Shape::Text),
    optional("street", Shape::Text),
    optional("city", Shape::Text),
    optional("zip", Shape::Text),
    optional("state", Shape::Text),
    optional("country", Shape::Text),
    optional("website", Shape::Text),
];

impl LinkKind {
    /// Every kind, in the order `--type` lists them.
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Website,
        LinkKind::Product,
        LinkKind::Sms,
        LinkKind::Vcard,
    ];

    /// The API's name for this type (`website`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Website => "website",
            LinkKind::Product => "product",
            LinkKind::Sms => "sms",
            LinkKind::Vcard => "vcard",
        }
    }

    /// The kind named `name`, if it is one of the four bulk types.
    pub fn parse(name: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    fn fields(self) -> &'static [Field] {
        match self {
            LinkKind::Website => WEBSITE,
            LinkKind::Product => PRODUCT,
            LinkKind::Sms => SMS,
            LinkKind::Vcard => VCARD,
        }
    }

    /// The CSV header this kind accepts, required columns first, e.g. for the help text.
    pub fn columns(self) -> String {
        self.fields()
            .iter()
            .map(|field| {
                if field.required {
                    field.name.to_owned()
                } else {
                    format!("[{}]", field.name)
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record of one of the four types, ready to send.
// A file holds rows of one type only, so boxing the large vCard variant would save
// nothing: every row would be a vCard or none would.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A `website` record.
    Website(WebsiteRecord),
    /// A `product` record.
    Product(ProductRecord),
    /// An `sms` record.
    Sms(SmsRecord),
    /// A `vcard` record.
    Vcard(VcardRecord),
}

/// A valid CSV row: where it is in the file and what it becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The link name (the `name` column).
    pub name: String,
    /// The record sent for this row.
    pub record: Record,
}

/// A problem with the file as a whole or with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line the problem is on (1 for the header), or `None` if it is not on one line.
    pub line: Option<u64>,
    /// What is wrong, e.g. "`url` is empty".
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Reads every row of a CSV of `kind` records; either all rows are valid or every problem
/// found is returned, each with its line number.
///
/// The header names the record's JSON fields (`name,url` for `website`), in any order
/// and regardless of case, `_`, `-` and spaces (`Product Name` is `productName`);
/// optional columns may be left out, and an empty cell of an optional column leaves the
/// field unset. Values are trimmed.
pub fn read_rows(input: impl Read, kind: LinkKind) -> Result<Vec<Row>, Vec<RowError>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in RowReader::new(input, kind).map_err(|e| vec![e])? {
        match row {
            Ok(row) => rows.push(row),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The rows of a CSV of `kind` records, read as they are asked for (the file is never
/// held in memory), each valid [`Row`] or the problem with it (see [`read_rows`]).
///
/// After a broken quote or bad UTF-8 the reader cannot tell where later rows start, so
/// that error is the last item. A file with no records yields one error.
pub struct RowReader<R: Read> {
    reader: csv::Reader<LineCounter<R>>,
    columns: Vec<Option<usize>>,
    header_len: usize,
    kind: LinkKind,
    record: csv::StringRecord,
    any: bool,
    done: bool,
}

impl<R: Read> RowReader<R> {
    /// Reads the header; a header that does not fit `kind` is an error on line 1.
    pub fn new(input: R, kind: LinkKind) -> Result<Self, RowError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(LineCounter::new(input));
        let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
        let columns = header_columns(&header, kind)?;
        Ok(RowReader {
            reader,
            columns,
            header_len: header.len(),
            kind,
            record: csv::StringRecord::new(),
            any: false,
            done: false,
        })
    }
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    if !self.any {
                        return Some(Err(RowError {
                            line: None,
                            message: "the file has no records below its header".to_owned(),
                        }));
                    }
                }
                Err(e) => {
                    // A broken quote or bad UTF-8 leaves the reader unable to say where
                    // later rows start, so stop at the first such error.
                    self.done = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    self.any = true;
                    return Some(Err(csv_error(&e)));
                }
                Ok(true) => {
                    let record = &self.record;
                    let offset = record.position().map_or(0, csv::Position::byte);
                    let line = self.reader.get_ref().line_of(offset);
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    self.any = true;
                    if record.len() != self.header_len {
                        return Some(Err(RowError {
                            line: Some(line),
                            message: format!(
                                "{} values, but the header has {} columns",
                                record.len(),
                                self.header_len
                            ),
                        }));
                    }
                    return Some(match parse_row(record, &self.columns, self.kind) {
                        Ok(parsed) => Ok(Row {
                            line,
                            name: record_name(&parsed).to_owned(),
                            record: parsed,
                        }),
                        Err(problems) => Err(RowError {
                            line: Some(line),
                            message: problems.join("; "),
                        }),
                    });
                }
            }
        }
        None
    }
}

/// Counts the lines of what the CSV reader reads, to name the line a record is on: the
/// csv crate's own line number counts the blank lines before a record as part of it.
/// Only the line ends the reader has read but not yet passed are kept (its buffer's
/// worth), so memory does not grow with the file.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\r` and `\n` bytes read but not yet behind a record's start, and
    /// whether each is a `\n`.
    ends: RefCell<VecDeque<(u64, bool)>>,
    /// `\n`s before the first of `ends`.
    lines_before: Cell<u64>,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            offset: 0,
            ends: RefCell::new(VecDeque::new()),
            lines_before: Cell::new(0),
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end.
    /// Offsets are asked for in increasing order.
    fn line_of(&self, offset: u64) -> u64 {
        let mut ends = self.ends.borrow_mut();
        while let Some(&(at, newline)) = ends.front() {
            if at >= offset {
                break;
            }
            ends.pop_front();
            self.lines_before
                .set(self.lines_before.get() + u64::from(newline));
        }
        // The line ends that run on from `offset` (blank lines before the record).
        let blank = (ends.iter().zip(offset..))
            .take_while(|&(&(end, _), at)| end == at)
            .filter(|&(&(_, newline), _)| newline)
            .count();
        self.lines_before.get() + 1 + blank as u64
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let ends = self.ends.get_mut();
        for (i, &byte) in buf[..n].iter().enumerate() {
            if matches!(byte, b'\n' | b'\r') {
                ends.push_back((self.offset + i as u64, byte == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_error(error: &csv::Error) -> RowError {
    let line = match error.kind() {
        csv::ErrorKind::UnequalLengths { pos, .. } => pos.as_ref().map(csv::Position::line),
        _ => error.position().map(csv::Position::line),
    };
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} values, but the header has {expected_len} columns"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        csv::ErrorKind::Io(e) => format!("cannot read the file: {e}"),
        _ => error.to_string(),
    };
    RowError { line, message }
}

/// For each record field, the index of its column (if the header has it).
fn header_columns(
    header: &csv::StringRecord,
    kind: LinkKind,
) -> Result<Vec<Option<usize>>, RowError> {
    let fields = kind.fields();
    let same = |column: &str, field: &str| column_key(column) == column_key(field);
    let mut errors = Vec::new();
    for (index, name) in header.iter().enumerate() {
        if !fields.iter().any(|field| same(name, field.name)) {
            errors.push(format!(
                "unknown column `{name}` (a {kind} record has {})",
                kind.columns()
            ));
        } else if header.iter().take(index).any(|earlier| same(earlier, name)) {
            errors.push(format!("column `{name}` appears twice"));
        }
    }
    let columns: Vec<Option<usize>> = fields
        .iter()
        .map(|field| header.iter().position(|name| same(name, field.name)))
        .collect();
    for (field, column) in fields.iter().zip(&columns) {
        if field.required && column.is_none() {
            errors.push(format!("missing column `{}`", field.name));
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(RowError {
            line: Some(1),
            message: errors.join("; "),
        })
    }
}

/// A column name as matched against the fields: spreadsheets write `productName` as
/// `Product Name` or `product_name` just as often.
fn column_key(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The checked values of one row, by field name.
struct Values<'a> {
    fields: &'static [Field],
    values: Vec<Option<&'a str>>,
}

impl<'a> Values<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        let index = self.fields.iter().position(|field| field.name == name)?;
        self.values[index]
    }

    fn required(&self, name: &str) -> &'a str {
        // Only called for required fields, which check_value has made present.
        self.get(name).unwrap_or_default()
    }

    fn number(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(|value| value.parse().ok())
    }
}

fn parse_row(
    record: &csv::StringRecord,
    columns: &[Option<usize>],
    kind: LinkKind,
) -> Result<Record, Vec<String>> {
    let fields = kind.fields();
    let mut problems = Vec::new();
    let mut values = Vec::with_capacity(fields.len());
    for (field, column) in fields.iter().zip(columns) {
        let value = column
            .and_then(|index| record.get(index))
            .filter(|value| !value.is_empty());
        match (value, field.required) {
            (None, true) => problems.push(format!("`{}` is empty", field.name)),
            (None, false) => {}
            (Some(value), _) => {
                if let Err(problem) = check_value(field, value) {
                    problems.push(problem);
                }
            }
        }
        values.push(value);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let v = Values { fields, values };
    Ok(match kind {
        LinkKind::Website => {
            Record::Website(WebsiteRecord::new(v.required("name"), v.required("url")))
        }
        LinkKind::Sms => Record::Sms(SmsRecord::new(v.required("name"), v.required("phone"))),
        LinkKind::Product => {
            let mut record = ProductRecord::new(v.required("name"), v.required("productName"));
            record.product_description = v.get("productDescription").map(str::to_owned);
            record.currency = v.get("currency").map(str::to_owned);
            record.sub_total = v.number("subTotal");
            record.tax = v.number("tax");
            record.total_net = v.number("totalNet");
            Record::Product(record)
        }
        LinkKind::Vcard => {
            let mut record = VcardRecord::new(
                v.required("name"),
                v.required("firstName"),
                v.required("lastName"),
                v.required("contact"),
                v.required("email"),
            );
            let text = |name| v.get(name).map(str::to_owned);
            record.phone = text("phone");
            record.fax = text("fax");
            record.company = text("company");
            record.department = text("department");
            record.street = text("street");
            record.city = text("city");
            record.zip = text("zip");
            record.state = text("state");
            record.country = text("country");
            record.website = text("website");
            Record::Vcard(record)
        }
    })
}

fn check_value(field: &Field, value: &str) -> Result<(), String> {
    let name = field.name;
    match field.shape {
        Shape::Text => Ok(()),
        Shape::Number => match value.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(()),
            _ => Err(format!("`{name}` is not a number: {value:?}")),
        },
        Shape::Url if !is_absolute_url(value) => Err(format!(
            "`{name}` is not an absolute URL (like https://example.com/a): {value:?}"
        )),
        // The links become QR codes that people scan and open: a `javascript:`, `data:`
        // or `file:` target would run or read something on their device.
        Shape::Url if !is_web_url(value) => {
            Err(format!("`{name}` is not an http or https URL: {value:?}"))
        }
        Shape::Url => Ok(()),
        Shape::Email if is_email(value) => Ok(()),
        Shape::Email => Err(format!("`{name}` is not an e-mail address: {value:?}")),
    }
}

/// An RFC 3986 absolute URI in shape: a scheme, `:`, something after it, no spaces. A
/// bare `example.com/a` is refused, as the link would not lead anywhere.
fn is_absolute_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = match rest.strip_prefix("//") {
        Some(authority) => !authority.is_empty() && !authority.starts_with('/'),
        None => !rest.is_empty(),
    };
    scheme_ok && rest_ok && !value.chars().any(char::is_whitespace)
}

/// An absolute URL whose scheme is `http` or `https` (in any case) and that has a host.
fn is_web_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && rest
            .strip_prefix("//")
            .is_some_and(|authority| !authority.is_empty() && !authority.starts_with('/'))
}

/// One `@` between a non-empty local part and a dotted domain, no spaces.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
        && !value.chars().any(char::is_whitespace)
}

fn record_name(record: &Record) -> &str {
    match record {
        Record::Website(r) => &r.name,
        Record::Product(r) => &r.name,
        Record::Sms(r) => &r.name,
        Record::Vcard(r) => &r.name,
    }
}

/// A row is sent as its record: the rows of one file are all of one kind.
impl BulkRecord for Row {
    fn request<'a>(
        rows: impl Iterator<Item = &'a Self>,
        folder_id: Option<&str>,
    ) -> BulkGenerateRequest {
        let mut rows = rows.peekable();
        macro_rules! of {
            ($variant:ident) => {
                BulkRecord::request(
                    rows.filter_map(|row| match &row.record {
                        Record::$variant(record) => Some(record),
                        _ => None,
                    }),
                    folder_id,
                )
            };
        }
        match rows.peek().map(|row| &row.record) {
            Some(Record::Product(_)) => of!(Product),
            Some(Record::Sms(_)) => of!(Sms),
            Some(Record::Vcard(_)) => of!(Vcard),
            Some(Record::Website(_)) | None => of!(Website),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(csv: &str, kind: LinkKind) -> Vec<String> {
        read_rows(csv.as_bytes(), kind)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn website_rows_keep_their_line_numbers() {
        let rows = read_rows(
            "name,url\nA,https://example.com/a\n\n\"B\nsecond line\",https://example.com/b\nC, https://c.example \n"
                .as_bytes(),
            LinkKind::Website,
        )
        .unwrap();
        let lines: Vec<_> = rows
            .iter()
            .map(|row| (row.line, row.name.as_str()))
            .collect();
        assert_eq!(lines, [(2, "A"), (4, "B\nsecond line"), (6, "C")]);
        assert_eq!(
            rows[2].record,
            Record::Website(WebsiteRecord::new("C", "https://c.example"))
        );
    }

    #[test]
    fn line_numbers_hold_across_the_readers_buffer() {
        // Far more than the csv reader's 8 KiB buffer, with blank lines (LF and CRLF) and
        // quoted line breaks falling at every offset of it.
        let mut csv = String::from("name,url\n");
        let mut expected = Vec::new();
        let mut line = 2;
        for n in 0..5000_u64 {
            match n % 7 {
                0 => {
                    csv.push_str("\n\r\n");
                    line += 2;
                }
                3 => {
                    expected.push(line);
                    csv.push_str(&format!("\"L{n}\nmore\",https://example.com/{n}\r\n"));
                    line += 2;
                    continue;
                }
                _ => {}
            }
            expected.push(line);
            csv.push_str(&format!("L{n},https://example.com/{n}\n"));
            line += 1;
        }
        let rows = read_rows(csv.as_bytes(), LinkKind::Website).unwrap();
        let lines: Vec<u64> = rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_ends_are_read() {
        // What spreadsheets write for "CSV UTF-8".
        let rows = read_rows(
            "\u{feff}name,url\r\nA,https://example.com/a\r\n\r\nB,https://example.com/b\r\n"
                .as_bytes(),
            LinkKind::Website,
        )
        .unwrap();
        let lines: Vec<_> = rows
            .iter()
            .map(|row| (row.line, row.name.as_str()))
            .collect();
        assert_eq!(lines, [(2, "A"), (4, "B")]);
    }

    #[test]
    fn every_bad_row_is_reported() {
        let csv = "name,url\nA,https://example.com/a\n,https://x.example\nC,example.com\nD\nE,https:// spaced\n";
        assert_eq!(
            errors(csv, LinkKind::Website),
            [
                "line 3: `name` is empty",
                "line 4: `url` is not an absolute URL (like https://example.com/a): \"example.com\"",
                "line 5: 1 values, but the header has 2 columns",
                "line 6: `url` is not an absolute URL (like https://example.com/a): \"https:// spaced\"",
            ]
        );
    }

    #[test]
    fn only_http_and_https_urls_are_taken() {
        let csv = "name,url\nA,javascript:alert(1)\nB,JavaScript://x.example/%0Aalert(1)\nC,\"data:text/html,x\"\nD,file://host/etc/passwd\nE,ftp://x.example/a\nF,HTTPS://x.example/f\nG,http://x.example\n";
        assert_eq!(
            errors(csv, LinkKind::Website),
            [
                "line 2: `url` is not an http or https URL: \"javascript:alert(1)\"",
                "line 3: `url` is not an http or https URL: \"JavaScript://x.example/%0Aalert(1)\"",
                "line 4: `url` is not an http or https URL: \"data:text/html,x\"",
                "line 5: `url` is not an http or https URL: \"file://host/etc/passwd\"",
                "line 6: `url` is not an http or https URL: \"ftp://x.example/a\"",
            ]
        );
    }

    #[test]
    fn header_problems_are_line_one() {
        assert_eq!(
            errors("name,link,name\n", LinkKind::Website),
            [
                "line 1: unknown column `link` (a website record has name,url); column `name` appears twice; missing column `url`"
            ]
        );
        assert_eq!(
            errors("name,url\n", LinkKind::Website),
            ["the file has no records below its header"]
        );
    }

    #[test]
    fn product_numbers_and_vcard_emails_are_checked() {
        assert_eq!(
            errors(
                "name,productName,subTotal,tax\nP,Mug,12.5,x\nQ,,1e999,\n",
                LinkKind::Product
            ),
            [
                "line 2: `tax` is not a number: \"x\"",
                "line 3: `productName` is empty; `subTotal` is not a number: \"1e999\"",
            ]
        );
        let rows = read_rows(
            "Name,product_name,Sub Total,currency\nP,Mug,12.5,\n".as_bytes(),
            LinkKind::Product,
        )
        .unwrap();
        assert_eq!(
            rows[0].record,
            Record::Product(ProductRecord::new("P", "Mug").with_sub_total(12.5))
        );
        assert_eq!(
            errors(
                "name,firstName,lastName,contact,email\nV,Ada,L,c,ada@example\nW,Ada,L,c,a b@x.org\nX,Ada,L,c,ada@example.org\n",
                LinkKind::Vcard
            ),
            [
                "line 2: `email` is not an e-mail address: \"ada@example\"",
                "line 3: `email` is not an e-mail address: \"a b@x.org\"",
            ]
        );
    }

    #[test]
    fn request_serializes_as_the_api_expects() {
        let rows = read_rows("phone,name\n+1555,S\n".as_bytes(), LinkKind::Sms).unwrap();
        assert_eq!(
            serde_json::to_value(Row::request(rows.iter(), Some("f1"))).unwrap(),
            serde_json::json!({"type": "sms", "folderId": "f1", "data": [{"name": "S", "phone": "+1555"}]})
        );
    }
}
