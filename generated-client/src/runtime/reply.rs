//! A decoded value together with the status and headers of the response it came from.

use std::ops::{Deref, DerefMut};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::error::Result;
use super::response::RawResponse;

/// A successful response: the decoded value, with the status and headers it came with.
///
/// Returned by every request builder's `.send_response()` (where `.send()` returns only
/// the value) and by raw requests. It dereferences to the value, so its fields and methods
/// can be used directly:
///
/// ```
/// use prolinksqr::Response;
/// use prolinksqr::reqwest::StatusCode;
/// use prolinksqr::reqwest::header::HeaderMap;
///
/// let response = Response::new(StatusCode::CREATED, HeaderMap::new(), vec![1, 2, 3]);
/// assert_eq!(response.status(), StatusCode::CREATED);
/// assert_eq!(response.len(), 3); // `Vec::len`, through `Deref`
/// let items: Vec<i32> = response.into_inner();
/// assert_eq!(items, [1, 2, 3]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    /// A response from its parts, e.g. to stand in for the API in a test.
    pub fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Response {
            status,
            headers,
            value,
        }
    }

    /// The HTTP status (always a 2xx: other statuses are errors).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (for a request that was redirected, those of the last response).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded value, without status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Status, headers and value, taken apart.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }

    /// The same response with its value transformed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            value: f(self.value),
        }
    }

    /// Decodes a fully read response with `decode`, keeping its status and headers.
    #[doc(hidden)]
    pub fn decode(raw: RawResponse, decode: impl FnOnce(RawResponse) -> Result<T>) -> Result<Self> {
        let (status, headers) = (raw.status, raw.headers.clone());
        Ok(Response::new(status, headers, decode(raw)?))
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::header::{CONTENT_TYPE, HeaderValue};

    use super::*;
    use crate::runtime::Error;

    fn raw() -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        RawResponse {
            status: StatusCode::ACCEPTED,
            headers,
            body: Bytes::from_static(b"hello"),
        }
    }

    #[test]
    fn decode_keeps_status_and_headers() {
        let response = Response::decode(raw(), |raw| Ok(raw.body.len())).unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain");
        assert_eq!(*response, 5);
        let doubled = response.map(|n| n * 2);
        assert_eq!(doubled.status(), StatusCode::ACCEPTED);
        let (status, headers, value) = doubled.into_parts();
        assert_eq!(
            (status, headers.len(), value),
            (StatusCode::ACCEPTED, 1, 10)
        );
    }

    #[test]
    fn decode_errors_pass_through() {
        let err = Response::<()>::decode(raw(), |_| Err(Error::Config("no".into()))).unwrap_err();
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn deref_mut_reaches_the_value() {
        let mut response = Response::new(StatusCode::OK, HeaderMap::new(), vec![1]);
        response.push(2);
        assert_eq!(response.into_inner(), [1, 2]);
    }
}
