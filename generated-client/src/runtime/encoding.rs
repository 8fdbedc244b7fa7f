//! Turning parameter values into URL text.

use std::fmt::Display;

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a cookie value cannot hold as is (RFC 6265 `cookie-octet` excludes controls,
/// space, `"`, `,`, `;` and `\`), and `%` so that the encoding can be undone.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// `name=value` for a `Cookie` header, with the value percent-encoded so that it stays one
/// cookie: `v; admin=true` is sent as `v%3B%20admin=true`, not as a second cookie.
#[doc(hidden)]
pub fn cookie(name: &str, value: &str) -> String {
    format!("{name}={}", utf8_percent_encode(value, COOKIE_VALUE))
}

/// Percent-encodes one path parameter value so it stays a single path segment.
///
/// A value of `.` or `..` cannot be made safe by encoding (URL parsers treat `%2E` like
/// `.`), so `Client::execute` rejects such segments instead.
#[doc(hidden)]
pub fn encode_path(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// `template` (`/links/{id}`) with its parameters, in order, replaced by `values`, each
/// percent-encoded as one segment ([`encode_path`]).
#[doc(hidden)]
pub fn fill_path(template: &str, values: &[&str]) -> std::borrow::Cow<'static, str> {
    let capacity = template.len() + values.iter().map(|v| v.len()).sum::<usize>();
    let mut path = String::with_capacity(capacity);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        path.push_str(&rest[..start]);
        match values.next() {
            Some(value) => path.push_str(&encode_path(value)),
            None => path.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    path.push_str(rest);
    std::borrow::Cow::Owned(path)
}

/// Whether a path segment would be normalised away as "this/parent directory", which
/// would send the request to a different endpoint.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// Text of a parameter value that has no `Display` (a `oneOf`, an object): a JSON string
/// is sent as its raw text, so that a union of strings reads naturally in a URL; any other
/// value is sent as JSON.
#[doc(hidden)]
pub fn to_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        // Only maps with non-string keys fail, and generated types have none.
        Err(_) => String::new(),
    }
}

/// Joins values with `separator`, for array parameters that are not exploded (`style:
/// form, explode: false` joins with commas; `spaceDelimited` and `pipeDelimited` too).
///
/// Separators inside a value are not escaped here (the styles have no way to express them);
/// the query serializer percent-encodes the whole string afterwards.
#[doc(hidden)]
pub fn join<T: Display>(items: &[T], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&item.to_string());
    }
    out
}

#[cfg(test)]
mod fill_path_tests {
    use super::fill_path;

    #[test]
    fn fills_each_parameter_in_order_encoded() {
        assert_eq!(
            fill_path("/orgs/{org}/projects/{project}", &["a b", "c/d"]),
            "/orgs/a%20b/projects/c%2Fd"
        );
        assert_eq!(fill_path("/links", &[]), "/links");
        // A template without a closing brace is left as it is.
        assert_eq!(fill_path("/x/{id", &["1"]), "/x/{id");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_fully_encoded() {
        assert_eq!(encode_path("a b/c?"), "a%20b%2Fc%3F");
        assert_eq!(encode_path("summer-sale_2.0~x"), "summer-sale_2.0~x");
        assert_eq!(encode_path("#%&+=;"), "%23%25%26%2B%3D%3B");
        assert_eq!(encode_path("café"), "caf%C3%A9");
    }

    #[test]
    fn dot_segments_are_recognised_in_any_spelling() {
        for dot in [
            ".",
            "..",
            "%2e",
            "%2E%2e",
            ".%2E",
            encode_path("..").as_str(),
        ] {
            assert!(is_dot_segment(dot), "{dot}");
        }
        for other in ["...", "a.", "", "%2e%2e%2e", "links"] {
            assert!(!is_dot_segment(other), "{other}");
        }
    }

    #[test]
    fn cookie_values_cannot_add_cookies_or_headers() {
        assert_eq!(cookie("session", "abc-123"), "session=abc-123");
        assert_eq!(cookie("s", "v; admin=true"), "s=v%3B%20admin=true");
        assert_eq!(cookie("s", "a,b\"c\\d%"), "s=a%2Cb%22c%5Cd%25");
        assert_eq!(cookie("s", "x\r\nSet: 1"), "s=x%0D%0ASet:%201");
        assert_eq!(cookie("s", "café"), "s=caf%C3%A9");
    }

    #[test]
    fn csv() {
        assert_eq!(join(&["website", "vcard"], ","), "website,vcard");
        assert_eq!(join::<i32>(&[], ","), "");
        assert_eq!(join(&[1, 2, 3], "|"), "1|2|3");
    }

    #[test]
    fn to_text_keeps_strings_raw_and_encodes_the_rest_as_json() {
        assert_eq!(to_text("name-or-id"), "name-or-id");
        assert_eq!(to_text(&serde_json::json!({"a": 1})), r#"{"a":1}"#);
        assert_eq!(to_text(&3), "3");
    }
}
