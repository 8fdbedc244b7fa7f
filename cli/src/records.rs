//! Reading a bulk-import CSV into typed records, checking every row before anything is sent.

use std::fmt;
use std::io::Read;

use prolinksqr::types::{
    BulkGenerateRequest, BulkProductRequest, BulkSmsRequest, BulkVcardRequest, BulkWebsiteRequest,
    ProductRecord, SmsRecord, VcardRecord, WebsiteRecord,
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
pub fn read_rows(mut input: impl Read, kind: LinkKind) -> Result<Vec<Row>, Vec<RowError>> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| {
        vec![RowError {
            line: None,
            message: format!("cannot read the file: {e}"),
        }]
    })?;
    let lines = Lines::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader.headers().map_err(|e| vec![csv_error(&e)])?.clone();
    let columns = header_columns(&header, kind)?;

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                errors.push(csv_error(&e));
                // A broken quote or bad UTF-8 leaves the reader unable to say where later
                // rows start, so stop at the first such error.
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != header.len() {
            errors.push(RowError {
                line: Some(line),
                message: format!(
                    "{} values, but the header has {} columns",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        match parse_row(&record, &columns, kind) {
            Ok(parsed) => rows.push(Row {
                line,
                name: record_name(&parsed).to_owned(),
                record: parsed,
            }),
            Err(problems) => errors.push(RowError {
                line: Some(line),
                message: problems.join("; "),
            }),
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(RowError {
            line: None,
            message: "the file has no records below its header".to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Where each line starts, to name the line a record is on: the csv crate's own line
/// number counts the blank lines before a record as part of it.
struct Lines<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines { bytes, starts }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end.
    fn line_of(&self, offset: u64) -> u64 {
        let mut at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while at < self.bytes.len() && matches!(self.bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        let line = match self.starts.binary_search(&at) {
            Ok(index) => index + 1,
            Err(index) => index,
        };
        line as u64
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
) -> Result<Vec<Option<usize>>, Vec<RowError>> {
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
        Err(vec![RowError {
            line: Some(1),
            message: errors.join("; "),
        }])
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
        Shape::Url if is_absolute_url(value) => Ok(()),
        Shape::Url => Err(format!(
            "`{name}` is not an absolute URL (like https://example.com/a): {value:?}"
        )),
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

/// The body of one `POST /bulk-generate` call for `rows`, all of `kind`.
pub fn request(kind: LinkKind, rows: &[&Row], folder_id: Option<&str>) -> BulkGenerateRequest {
    fn collect<T: Clone>(rows: &[&Row], pick: impl Fn(&Record) -> Option<&T>) -> Vec<T> {
        rows.iter()
            .filter_map(|row| pick(&row.record).cloned())
            .collect()
    }
    let folder = folder_id.map(str::to_owned);
    match kind {
        LinkKind::Website => {
            let mut body = BulkWebsiteRequest::new(collect(rows, |r| match r {
                Record::Website(r) => Some(r),
                _ => None,
            }));
            body.folder_id = folder;
            body.into()
        }
        LinkKind::Product => {
            let mut body = BulkProductRequest::new(collect(rows, |r| match r {
                Record::Product(r) => Some(r),
                _ => None,
            }));
            body.folder_id = folder;
            body.into()
        }
        LinkKind::Sms => {
            let mut body = BulkSmsRequest::new(collect(rows, |r| match r {
                Record::Sms(r) => Some(r),
                _ => None,
            }));
            body.folder_id = folder;
            body.into()
        }
        LinkKind::Vcard => {
            let mut body = BulkVcardRequest::new(collect(rows, |r| match r {
                Record::Vcard(r) => Some(r),
                _ => None,
            }));
            body.folder_id = folder;
            body.into()
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
        let rows: Vec<&Row> = rows.iter().collect();
        assert_eq!(
            serde_json::to_value(request(LinkKind::Sms, &rows, Some("f1"))).unwrap(),
            serde_json::json!({"type": "sms", "folderId": "f1", "data": [{"name": "S", "phone": "+1555"}]})
        );
    }
}
