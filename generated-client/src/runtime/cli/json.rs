//! What the command line reads of a response: the part of a JSON body an operation returns,
//! and a page's items and the way to the next page, taken from the body as it came.
//!
//! The command line prints JSON, so it has no use for the operation's Rust types: reading the
//! body as JSON, with where things are given as data by the generated code (the keys that
//! lead to them), compiles one reader for every operation instead of a decoder each.

use serde_json::Value;

use crate::runtime::response::page_of;
use crate::runtime::{Operation, Page, RawResponse, Result, decode_json};

/// The value the keys `at` lead to in `value`, taken out of it; `value` itself when `at` is
/// empty or leads nowhere (a body without the envelope it is documented with is still
/// what the server answered).
pub(crate) fn take_at(mut value: Value, at: &[&str]) -> Value {
    if at.is_empty() {
        return value;
    }
    match find_mut(&mut value, at) {
        Some(found) => found.take(),
        None => value,
    }
}

fn find_mut<'v>(value: &'v mut Value, at: &[&str]) -> Option<&'v mut Value> {
    at.iter().try_fold(value, |value, key| value.get_mut(*key))
}

fn find<'v>(value: &'v Value, at: &[&str]) -> Option<&'v Value> {
    at.iter().try_fold(value, |value, key| value.get(*key))
}

/// The items at `at`, taken out of `body`: none when the body has no array there.
fn items(body: &mut Value, at: &[&str]) -> Vec<Value> {
    match find_mut(body, at).map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// A page of a page-numbered list, with `layout` the keys to its items, its number and the
/// number of pages, read as the typed decoding of an inferred page reads it
/// (`page_of`).
///
/// # Errors
/// [`Error::Decode`](crate::Error::Decode) when the body is not JSON.
pub(crate) fn numbered(
    op: &'static Operation,
    raw: RawResponse,
    layout: [&[&str]; 3],
    requested: i64,
) -> Result<Page<Value>> {
    Ok(page_of(decode_json(op, raw)?, layout, requested))
}

/// A page of a token-paginated list, with `layout` the keys to its items and to the token of
/// the next page: the items and that token (none when it is absent, `null` or not a string).
///
/// # Errors
/// [`Error::Decode`](crate::Error::Decode) when the body is not JSON.
pub(crate) fn tokened(
    op: &'static Operation,
    raw: RawResponse,
    layout: [&[&str]; 2],
) -> Result<(Vec<Value>, Option<String>)> {
    let [items_at, next_at] = layout;
    let mut body: Value = decode_json(op, raw)?;
    let next = find(&body, next_at)
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((items(&mut body, items_at), next))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    use super::*;

    static OP: Operation = Operation {
        id: "listThings",
        method: Method::GET,
        path: "/things",
        scopes: &[],
        security: &[],
    };

    fn raw(body: &'static str) -> RawResponse {
        RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn take_at_follows_the_keys_or_keeps_the_whole_body() {
        let body = json!({"data": {"id": "a"}, "status": "ok"});
        assert_eq!(take_at(body.clone(), &["data"]), json!({"id": "a"}));
        assert_eq!(take_at(body.clone(), &["data", "id"]), json!("a"));
        assert_eq!(take_at(body.clone(), &[]), body);
        assert_eq!(take_at(body.clone(), &["missing"]), body);
        assert_eq!(take_at(json!([1, 2]), &["data"]), json!([1, 2]));
    }

    #[test]
    fn a_numbered_page_is_read_where_the_layout_says() {
        let page = numbered(
            &OP,
            raw(r#"{"data":[{"id":1},{"id":2}],"meta":{"currentPage":2,"totalPages":5}}"#),
            [&["data"], &["meta", "currentPage"], &["meta", "totalPages"]],
            9,
        )
        .unwrap();
        assert_eq!(
            (page.items, page.current_page, page.total_pages),
            (vec![json!({"id": 1}), json!({"id": 2})], 2, 5)
        );
    }

    #[test]
    fn a_numbered_page_without_its_numbers_is_the_requested_and_last_one() {
        let page = numbered(
            &OP,
            raw(r#"{"data":"none"}"#),
            [&["data"], &["p"], &["t"]],
            3,
        );
        let page = page.unwrap();
        assert_eq!(
            (page.items.len(), page.current_page, page.total_pages),
            (0, 3, 3)
        );
    }

    #[test]
    fn a_token_page_gives_its_items_and_the_next_token() {
        let body = r#"{"items":["a","b"],"next_page":"t2"}"#;
        let (items, next) = tokened(&OP, raw(body), [&["items"], &["next_page"]]).unwrap();
        assert_eq!(
            (items, next.as_deref()),
            (vec![json!("a"), json!("b")], Some("t2"))
        );
        let (items, next) = tokened(
            &OP,
            raw(r#"{"items":[],"next_page":null}"#),
            [&["items"], &["next_page"]],
        )
        .unwrap();
        assert_eq!((items.len(), next), (0, None));
    }

    #[test]
    fn a_page_that_is_not_json_is_a_decode_error_naming_the_operation() {
        let err = tokened(&OP, raw("<html>"), [&["items"], &["next"]]).unwrap_err();
        assert!(
            matches!(
                &err,
                crate::runtime::Error::Decode {
                    operation: "listThings",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
