//! Turning a successful response into the value an operation returns.

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, Error as _};

use super::api::Operation;
use super::error::{ERROR_BODY_LIMIT, Error, Result, lossy_prefix};

/// Why a body was not read whole.
pub(crate) enum ReadError {
    /// It is longer than the limit (declared so, or found so while reading).
    TooLarge,
    /// The connection failed while reading it.
    Transport(reqwest::Error),
}

/// Reads the whole body, but never more than `limit` bytes: a body declared or found to be
/// longer fails as soon as that is known, having kept at most `limit` bytes in memory.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limit: u64,
) -> std::result::Result<Bytes, ReadError> {
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit) {
        return Err(ReadError::TooLarge);
    }
    // The usual small body arrives in one chunk, which is returned without a copy.
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    let mut len: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        len += chunk.len() as u64;
        if len > limit {
            return Err(ReadError::TooLarge);
        }
        if first.is_none() && rest.is_empty() {
            first = Some(chunk);
            continue;
        }
        if let Some(earlier) = first.take() {
            // A declared length is at most `limit`, so reserving it is bounded too.
            let expected = declared.unwrap_or(0).max(len);
            rest.reserve(usize::try_from(expected).unwrap_or(usize::MAX));
            rest.extend_from_slice(&earlier);
        }
        rest.extend_from_slice(&chunk);
    }
    Ok(first.unwrap_or_else(|| rest.freeze()))
}

/// Reads at most the first `limit` bytes of a body, for an error; whether that is less
/// than the server sent (it was longer, or the connection failed while reading).
pub(crate) async fn read_prefix(response: &mut reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return (body, true);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return (body, false),
            Err(_) => return (body, true),
        }
    }
}

/// A fully read 2xx response, before decoding.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status (always 2xx when returned by `Client::execute`).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

/// Decodes a JSON body, reporting the path of the first field that does not fit.
///
/// An empty body decodes as `null`, so operations typed as `()`, `Option<_>` or
/// `serde_json::Value` accept servers that answer with no content.
#[doc(hidden)]
pub fn decode_json<T: DeserializeOwned>(op: &'static Operation, raw: RawResponse) -> Result<T> {
    let input: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &raw.body
    };
    serde_json::from_slice(input).map_err(|err| {
        let path = super::json_path::path_at(input, err.line(), err.column(), err.is_eof());
        decode_error(op, &raw, path, err)
    })
}

/// For operations whose response the spec leaves open (`{}`): JSON when the body is JSON,
/// `null` when it is empty, and otherwise the body as a JSON string, so that a call the
/// server carried out never fails for how it was confirmed.
#[doc(hidden)]
pub fn decode_value(raw: RawResponse) -> serde_json::Value {
    if raw.body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&raw.body).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&raw.body).into_owned())
    })
}

/// Returns a text body, failing rather than silently replacing invalid UTF-8.
#[doc(hidden)]
pub fn decode_text(op: &'static Operation, raw: RawResponse) -> Result<String> {
    match std::str::from_utf8(&raw.body) {
        Ok(text) => Ok(text.to_owned()),
        Err(utf8) => {
            let source = serde_json::Error::custom(format!("body is not valid UTF-8: {utf8}"));
            Err(decode_error(op, &raw, ".".to_owned(), source))
        }
    }
}

/// Returns a binary body as is.
#[doc(hidden)]
pub fn decode_bytes(raw: RawResponse) -> Bytes {
    raw.body
}

/// For operations documented to return nothing: whatever body arrives is ignored.
#[doc(hidden)]
pub fn decode_empty(_raw: RawResponse) {}

/// A model the spec marks as inferred (`x-inferred`: not documented, guessed from what is),
/// decoded leniently: whatever JSON arrives, decoding gives a value, and the JSON is kept.
///
/// The server has done the work when it answers 2xx, so a body that does not match a guessed
/// shape must not turn the call into an error (which would invite a retry that repeats it).
#[doc(hidden)]
pub trait Inferred: Sized {
    /// The value described by `raw`: fields that are missing, `null` or of another type are
    /// `None`, and `raw` itself stays reachable from the value.
    fn from_raw(raw: serde_json::Value) -> Self;
}

/// A list of inferred models: each item of an array, and no item for anything else (the
/// JSON is then only in the response, which the caller did not ask to keep).
impl<T: Inferred> Inferred for Vec<T> {
    fn from_raw(raw: serde_json::Value) -> Self {
        match raw {
            serde_json::Value::Array(items) => items.into_iter().map(T::from_raw).collect(),
            _ => Vec::new(),
        }
    }
}

/// The JSON an inferred model was decoded from, held beside its typed fields.
///
/// It is provenance, not content: it never takes part in comparisons (two models with the
/// same fields are equal however they were obtained) and is not serialized.
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct RawJson(pub serde_json::Value);

impl PartialEq for RawJson {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The members of `raw` when it is an object (copied: `raw` is kept whole), else none.
#[doc(hidden)]
pub fn inferred_object(raw: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match raw {
        serde_json::Value::Object(members) => members.clone(),
        _ => serde_json::Map::new(),
    }
}

/// Takes member `key` out of `object` as a `T`; `None` when it is absent, `null` or does not
/// decode as a `T` (a value that does not fit stays in `object`, for the extra properties).
#[doc(hidden)]
pub fn take_inferred<T: DeserializeOwned>(
    object: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<T> {
    let value = object.remove(key)?;
    if value.is_null() {
        return None;
    }
    match T::deserialize(&value) {
        Ok(decoded) => Some(decoded),
        Err(_) => {
            object.insert(key.to_owned(), value);
            None
        }
    }
}

/// The members left after [`take_inferred`], as the model's extra properties: those that
/// decode as a `T` (every one, for the usual `serde_json::Value`).
#[doc(hidden)]
pub fn rest_inferred<T: DeserializeOwned>(
    object: serde_json::Map<String, serde_json::Value>,
) -> std::collections::BTreeMap<String, T> {
    object
        .into_iter()
        .filter_map(|(key, value)| T::deserialize(value).ok().map(|v| (key, v)))
        .collect()
}

/// Decodes a response whose type is inferred: never fails (see [`Inferred`]). An empty body
/// is `null`, and a body that is not JSON is kept as a JSON string.
#[doc(hidden)]
pub fn decode_inferred<T: Inferred>(raw: RawResponse) -> T {
    T::from_raw(decode_value(raw))
}

/// Like [`decode_inferred`], for a response whose value is expected in member `key` of the
/// body (an envelope such as `{ "data": ... }`): that member when the body has it (and it is
/// not `null`), otherwise the whole body, so a server that does not wrap is understood too.
#[doc(hidden)]
pub fn decode_inferred_in<T: Inferred>(raw: RawResponse, key: &str) -> T {
    let mut body = decode_value(raw);
    let member = body
        .as_object_mut()
        .and_then(|members| members.remove(key))
        .filter(|member| !member.is_null());
    match member {
        Some(member) => T::from_raw(member),
        None => T::from_raw(body),
    }
}

/// Like [`decode_inferred`], for a page of inferred items found at the dotted paths of the
/// body (`items`, `current_page`, `total_pages`, each a list of member names). Missing or
/// unusable items are an empty page; a missing page number is `requested`, and a missing
/// page count ends the list at this page.
#[doc(hidden)]
pub fn decode_inferred_page<T: Inferred>(
    raw: RawResponse,
    items: &[&str],
    current_page: &[&str],
    total_pages: &[&str],
    requested: i64,
) -> super::pagination::Page<T> {
    let page = page_of(
        decode_value(raw),
        [items, current_page, total_pages],
        requested,
    );
    super::pagination::Page {
        items: Vec::<T>::from_raw(serde_json::Value::Array(page.items)),
        current_page: page.current_page,
        total_pages: page.total_pages,
    }
}

/// The page in `body`, with `layout` the member names leading to its items, its number and
/// the number of pages: items that are not an array are none, a missing page number is
/// `requested`, and a missing page count ends the list at this page.
pub(crate) fn page_of(
    mut body: serde_json::Value,
    layout: [&[&str]; 3],
    requested: i64,
) -> super::pagination::Page<serde_json::Value> {
    let [items, current_page, total_pages] = layout;
    let at = |path: &[&str]| path.iter().try_fold(&body, |value, key| value.get(*key));
    let current = at(current_page)
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(requested);
    let total = at(total_pages)
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(current);
    let items = items
        .iter()
        .try_fold(&mut body, |value, key| value.get_mut(*key))
        .map(serde_json::Value::take);
    let items = match items {
        Some(serde_json::Value::Array(items)) => items,
        _ => Vec::new(),
    };
    super::pagination::Page {
        items,
        current_page: current,
        total_pages: total,
    }
}

fn decode_error(
    op: &'static Operation,
    raw: &RawResponse,
    path: String,
    source: serde_json::Error,
) -> Error {
    Error::Decode {
        operation: op.id,
        status: raw.status,
        body: lossy_prefix(
            &raw.body[..raw.body.len().min(ERROR_BODY_LIMIT)],
            raw.body.len() > ERROR_BODY_LIMIT,
        ),
        path,
        source,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::Method;
    use serde::Deserialize;

    use super::*;

    static OP: Operation = Operation {
        id: "listLinks",
        method: Method::GET,
        path: "/links",
        scopes: &["links.read"],
        security: &[&[0]],
    };

    fn raw(body: &'static [u8]) -> RawResponse {
        RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "fields exist to be decoded")]
    struct Link {
        name: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "fields exist to be decoded")]
    struct Envelope {
        data: Vec<Link>,
    }

    #[test]
    fn decodes_json() {
        let env: Envelope = decode_json(&OP, raw(br#"{"data":[{"name":"a"}]}"#)).unwrap();
        assert_eq!(env.data[0].name, "a");
    }

    #[test]
    fn empty_body_is_null() {
        decode_json::<()>(&OP, raw(b"")).unwrap();
        assert_eq!(decode_json::<Option<u8>>(&OP, raw(b" \n")).unwrap(), None);
        assert_eq!(
            decode_json::<serde_json::Value>(&OP, raw(b"")).unwrap(),
            serde_json::Value::Null
        );
    }

    #[test]
    fn wrong_field_reports_path_status_and_body() {
        let body = br#"{"data":[{"name":7}]}"#;
        let err = decode_json::<Envelope>(&OP, raw(body)).unwrap_err();
        match &err {
            Error::Decode {
                operation,
                status,
                body: text,
                path,
                ..
            } => {
                assert_eq!(*operation, "listLinks");
                assert_eq!(*status, StatusCode::OK);
                assert_eq!(text.as_bytes(), body);
                assert_eq!(path, "data[0].name");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("data[0].name"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = decode_json::<serde_json::Value>(&OP, raw(b"{} {}")).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }

    #[test]
    fn text_rejects_invalid_utf8() {
        assert_eq!(decode_text(&OP, raw(b"hello")).unwrap(), "hello");
        let err = decode_text(&OP, raw(b"\xff\xfe")).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }

    /// A hand-written inferred model, as the generator writes them.
    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        name: Option<String>,
        size: Option<u32>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
        raw: RawJson,
    }

    impl Inferred for Thing {
        fn from_raw(raw: serde_json::Value) -> Self {
            let mut object = inferred_object(&raw);
            Thing {
                name: take_inferred(&mut object, "name"),
                size: take_inferred(&mut object, "size"),
                extra: rest_inferred(object),
                raw: RawJson(raw),
            }
        }
    }

    #[test]
    fn inferred_fields_that_do_not_fit_are_none_and_kept() {
        let thing: Thing = decode_inferred(raw(br#"{"name":"a","size":"big","x":1}"#));
        assert_eq!(thing.name.as_deref(), Some("a"));
        assert_eq!(thing.size, None);
        assert_eq!(thing.extra["size"], "big");
        assert_eq!(thing.extra["x"], 1);
        assert_eq!(thing.raw.0["size"], "big");
        // The raw JSON does not take part in comparisons.
        assert_eq!(
            Thing::from_raw(serde_json::json!({"name": "a"})),
            Thing::from_raw(serde_json::json!({"name": "a", "size": null}))
        );
    }

    #[test]
    fn inferred_bodies_never_fail() {
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"\"x\"",
            b"not json",
            b"{\"name\":",
        ] {
            let thing: Thing = decode_inferred(raw(body));
            assert_eq!(thing.name, None);
        }
        let text: Thing = decode_inferred(raw(b"not json"));
        assert_eq!(text.raw.0, "not json");
    }

    #[test]
    fn inferred_envelopes_fall_back_to_the_whole_body() {
        let inside: Thing = decode_inferred_in(raw(br#"{"data":{"name":"in"}}"#), "data");
        assert_eq!(inside.name.as_deref(), Some("in"));
        let bare: Thing = decode_inferred_in(raw(br#"{"name":"bare"}"#), "data");
        assert_eq!(bare.name.as_deref(), Some("bare"));
        let null: Thing = decode_inferred_in(raw(br#"{"data":null,"name":"n"}"#), "data");
        assert_eq!(null.name.as_deref(), Some("n"));
        let list: Vec<Thing> = decode_inferred_in(raw(br#"{"data":[{"name":"a"},3]}"#), "data");
        assert_eq!(list.len(), 2);
        let none: Vec<Thing> = decode_inferred_in(raw(br#"{"data":{"name":"a"}}"#), "data");
        assert!(none.is_empty());
    }

    #[test]
    fn inferred_pages_default_to_the_requested_page_and_end_there() {
        let body = br#"{"data":[{"name":"a"}],"meta":{"currentPage":2,"totalPages":3}}"#;
        let page: crate::runtime::Page<Thing> = decode_inferred_page(
            raw(body),
            &["data"],
            &["meta", "currentPage"],
            &["meta", "totalPages"],
            2,
        );
        assert_eq!(
            (page.items.len(), page.current_page, page.total_pages),
            (1, 2, 3)
        );
        let page: crate::runtime::Page<Thing> = decode_inferred_page(
            raw(b""),
            &["data"],
            &["meta", "currentPage"],
            &["meta", "totalPages"],
            4,
        );
        assert_eq!(
            (page.items.len(), page.current_page, page.total_pages),
            (0, 4, 4)
        );
        assert!(!page.has_next());
    }

    #[test]
    fn bytes_and_empty() {
        assert_eq!(decode_bytes(raw(b"\x00\x01")).as_ref(), b"\x00\x01");
        decode_empty(raw(b"anything"));
    }
}
