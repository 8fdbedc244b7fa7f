//! Checks of the limits the API documents on inputs (lengths, ranges, item counts), run
//! before a request is sent: a request the server would refuse still counts against the
//! plan's quota. Generated code calls these helpers; they know nothing about any one API.

use std::fmt;

use super::api::Operation;
use super::client::Client;
use super::error::{Error, Result};

/// Where a value sits among the inputs of a call, e.g. `data[3].url`: built on the stack
/// as the checks descend, and turned into text only when a check fails.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
    Key(&'a str),
}

/// A wire name is the path of the parameter, part or top-level field it names
/// ([`Path::named`]): what the generated checks of an operation's inputs pass.
impl<'a> From<&'a str> for Path<'a> {
    fn from(name: &'a str) -> Self {
        Path::named(name)
    }
}

impl<'a> Path<'a> {
    /// The inputs of a call (or its body) as a whole.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// The parameter, part or top-level field `name` (its wire name).
    pub const fn named(name: &'a str) -> Path<'a> {
        Path {
            parent: None,
            segment: Segment::Field(name),
        }
    }

    /// The field `name` (its wire name) inside this value.
    pub fn field<'b>(&'b self, name: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// Item `index` of this array.
    pub fn index(&self, index: usize) -> Path<'_> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The value at `key` in this map.
    pub fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            segments.push(path.segment);
            at = path.parent;
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Field(name) if out.is_empty() => out.push_str(name),
                Segment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Key(key) => out.push_str(&format!("[{key:?}]")),
            }
        }
        if out.is_empty() {
            out.push_str("body");
        }
        out
    }
}

/// A documented limit, as the spec declares it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// At least this many characters (`minLength`).
    MinLength(u64),
    /// At most this many characters (`maxLength`).
    MaxLength(u64),
    /// At least this value (`minimum`), or more than it if `exclusive`.
    Minimum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is refused (`exclusiveMinimum`).
        exclusive: bool,
    },
    /// At most this value (`maximum`), or less than it if `exclusive`.
    Maximum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is refused (`exclusiveMaximum`).
        exclusive: bool,
    },
    /// At least this many items (`minItems`).
    MinItems(u64),
    /// At most this many items (`maxItems`).
    MaxItems(u64),
    /// A JSON object (`type: object`), where a field takes any JSON value so that
    /// `serde_json::json!({...})` can be passed as it is.
    Object,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        match *self {
            Limit::MinLength(n) => write!(f, "at least {n} character{}", plural(n)),
            Limit::MaxLength(n) => write!(f, "at most {n} character{}", plural(n)),
            Limit::Minimum {
                value,
                exclusive: false,
            } => write!(f, "at least {value}"),
            Limit::Minimum {
                value,
                exclusive: true,
            } => write!(f, "more than {value}"),
            Limit::Maximum {
                value,
                exclusive: false,
            } => write!(f, "at most {value}"),
            Limit::Maximum {
                value,
                exclusive: true,
            } => write!(f, "less than {value}"),
            Limit::MinItems(n) => write!(f, "at least {n} item{}", plural(n)),
            Limit::MaxItems(n) => write!(f, "at most {n} item{}", plural(n)),
            Limit::Object => f.write_str("a JSON object"),
        }
    }
}

/// An input that breaks a limit the API documents; the request was not sent.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidInput {
    /// `operationId` of the operation whose input it is.
    pub operation: &'static str,
    /// Where the value is: a parameter's name (`size`) or a path into the body
    /// (`data[3].url`), with the names the API uses on the wire.
    pub field: String,
    /// The limit it breaks.
    pub limit: Limit,
    /// What the value has instead: its length in characters, its number of items, the
    /// number itself, as text, or the kind of JSON value given for an object (`a string`).
    pub actual: String,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, unit, has) = match self.limit {
            Limit::MinLength(_) | Limit::MaxLength(_) => ("be", " long", "is"),
            Limit::MinItems(_) | Limit::MaxItems(_) => ("have", "", "has"),
            Limit::Minimum { .. } | Limit::Maximum { .. } | Limit::Object => ("be", "", "is"),
        };
        write!(
            f,
            "{}: `{}` must {verb} {}{unit}, but {has} {}; the request was not sent",
            self.operation, self.field, self.limit, self.actual
        )
    }
}

fn violation(path: Path<'_>, limit: Limit, actual: String) -> InvalidInput {
    InvalidInput {
        operation: "",
        field: path.render(),
        limit,
        actual,
    }
}

/// Runs an operation's `checks` unless the client was built with
/// [`validate_inputs(false)`](super::ClientBuilder::validate_inputs).
pub fn validate(
    client: &Client,
    operation: &Operation,
    checks: impl FnOnce() -> std::result::Result<(), InvalidInput>,
) -> Result<()> {
    if !client.inner.validate_inputs {
        return Ok(());
    }
    checks().map_err(|mut invalid| {
        invalid.operation = operation.id;
        Error::InvalidInput(Box::new(invalid))
    })
}

/// `value` has as many characters (Unicode scalar values, not bytes) as `bounds` allow:
/// `..=63`, `1..`, `1..=255`.
pub fn check_length<'p>(
    path: impl Into<Path<'p>>,
    value: &str,
    bounds: impl std::ops::RangeBounds<u64>,
) -> std::result::Result<(), InvalidInput> {
    use std::ops::Bound;
    let min = match bounds.start_bound() {
        Bound::Included(&n) => Some(n),
        Bound::Excluded(&n) => Some(n.saturating_add(1)),
        Bound::Unbounded => None,
    };
    let max = match bounds.end_bound() {
        Bound::Included(&n) => Some(n),
        Bound::Excluded(&n) => Some(n.saturating_sub(1)),
        Bound::Unbounded => None,
    };
    // Counting stops past the larger bound: a huge string costs no more than that.
    let bound = max.max(min).unwrap_or(0);
    let len = value
        .chars()
        .take(
            usize::try_from(bound)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        )
        .count() as u64;
    if let Some(min) = min.filter(|&min| len < min) {
        return Err(violation(
            path.into(),
            Limit::MinLength(min),
            len.to_string(),
        ));
    }
    if let Some(max) = max.filter(|&max| len > max) {
        let len = value.chars().count();
        return Err(violation(
            path.into(),
            Limit::MaxLength(max),
            len.to_string(),
        ));
    }
    Ok(())
}

/// An array (or map) with `len` items has between `min` and `max` of them.
pub fn check_items<'p>(
    path: impl Into<Path<'p>>,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> std::result::Result<(), InvalidInput> {
    let count = len as u64;
    if let Some(min) = min.filter(|&min| count < min) {
        return Err(violation(
            path.into(),
            Limit::MinItems(min),
            len.to_string(),
        ));
    }
    if let Some(max) = max.filter(|&max| count > max) {
        return Err(violation(
            path.into(),
            Limit::MaxItems(max),
            len.to_string(),
        ));
    }
    Ok(())
}

/// `value` is a JSON object. Free-form object fields hold any JSON value, so that a
/// caller can pass `serde_json::json!({...})` as it is; anything else is refused here,
/// before it is sent.
pub fn check_object<'p>(
    path: impl Into<Path<'p>>,
    value: &serde_json::Value,
) -> std::result::Result<(), InvalidInput> {
    let kind = match value {
        serde_json::Value::Object(_) => return Ok(()),
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
    };
    Err(violation(path.into(), Limit::Object, kind.to_owned()))
}

/// An integer lies within `min` and `max`, each `(bound, exclusive)`.
pub fn check_integer<'p>(
    path: impl Into<Path<'p>>,
    value: i128,
    min: Option<(i128, bool)>,
    max: Option<(i128, bool)>,
) -> std::result::Result<(), InvalidInput> {
    if let Some((bound, exclusive)) = min
        && (value < bound || (exclusive && value == bound))
    {
        let limit = Limit::Minimum {
            value: bound as f64,
            exclusive,
        };
        return Err(violation(path.into(), limit, value.to_string()));
    }
    if let Some((bound, exclusive)) = max
        && (value > bound || (exclusive && value == bound))
    {
        let limit = Limit::Maximum {
            value: bound as f64,
            exclusive,
        };
        return Err(violation(path.into(), limit, value.to_string()));
    }
    Ok(())
}

/// A number lies within `min` and `max`, each `(bound, exclusive)`. `NaN` is refused by
/// any bound.
pub fn check_number<'p>(
    path: impl Into<Path<'p>>,
    value: f64,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
) -> std::result::Result<(), InvalidInput> {
    if let Some((bound, exclusive)) = min
        && !(value > bound || (!exclusive && value == bound))
    {
        let limit = Limit::Minimum {
            value: bound,
            exclusive,
        };
        return Err(violation(path.into(), limit, value.to_string()));
    }
    if let Some((bound, exclusive)) = max
        && !(value < bound || (!exclusive && value == bound))
    {
        let limit = Limit::Maximum {
            value: bound,
            exclusive,
        };
        return Err(violation(path.into(), limit, value.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_with_wire_names() {
        let root = Path::ROOT;
        let data = root.field("data");
        let item = data.index(3);
        assert_eq!(item.field("url").render(), "data[3].url");
        assert_eq!(root.field("size").render(), "size");
        assert_eq!(root.key("a\"b").render(), "[\"a\\\"b\"]");
        assert_eq!(root.render(), "body");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let at = Path::ROOT.field("name");
        assert!(check_length(at, "ééé", ..=3).is_ok());
        let err = check_length(at, "éééé", ..=3).unwrap_err();
        assert_eq!(err.limit, Limit::MaxLength(3));
        assert_eq!(err.actual, "4");
        let err = check_length(at, "", 1..=3).unwrap_err();
        assert_eq!(err.limit, Limit::MinLength(1));
        assert_eq!(err.field, "name");
    }

    #[test]
    fn ranges_respect_exclusive_bounds() {
        let at = Path::ROOT;
        assert!(check_integer(at, 1, Some((1, false)), Some((1000, false))).is_ok());
        assert!(check_integer(at, 1000, Some((1, false)), Some((1000, false))).is_ok());
        assert!(check_integer(at, 0, Some((1, false)), None).is_err());
        assert!(check_integer(at, 1001, None, Some((1000, false))).is_err());
        assert!(check_integer(at, 1, Some((1, true)), None).is_err());
        assert!(check_number(at, 0.5, Some((0.0, false)), Some((1.0, false))).is_ok());
        assert!(check_number(at, 1.0, None, Some((1.0, true))).is_err());
        assert!(check_number(at, f64::NAN, Some((0.0, false)), None).is_err());
        assert!(check_items(at, 0, Some(1), Some(1200)).is_err());
        assert!(check_items(at, 1201, Some(1), Some(1200)).is_err());
        assert!(check_items(at, 1200, Some(1), Some(1200)).is_ok());
    }

    #[test]
    fn messages_name_field_and_limit() {
        let mut err = check_items(Path::ROOT.field("data"), 0, Some(1), None).unwrap_err();
        err.operation = "bulkGenerate";
        assert_eq!(
            err.to_string(),
            "bulkGenerate: `data` must have at least 1 item, but has 0; the request was not sent"
        );
    }

    #[test]
    fn free_form_objects_refuse_other_json() {
        let at = Path::ROOT.field("data");
        assert!(check_object(at, &serde_json::json!({ "url": "https://a.example" })).is_ok());
        assert!(check_object(at, &serde_json::json!({})).is_ok());
        let mut err = check_object(at, &serde_json::json!("https://a.example")).unwrap_err();
        assert_eq!(
            (err.limit, err.actual.as_str()),
            (Limit::Object, "a string")
        );
        err.operation = "createLink";
        assert_eq!(
            err.to_string(),
            "createLink: `data` must be a JSON object, but is a string; the request was not sent"
        );
        let err = check_object(at, &serde_json::Value::Null).unwrap_err();
        assert_eq!(err.actual, "null");
        let err = check_object(at, &serde_json::json!([1])).unwrap_err();
        assert_eq!(err.actual, "an array");
    }
}
