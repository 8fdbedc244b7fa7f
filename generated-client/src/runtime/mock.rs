//! A typed mock of the API for tests (feature `mock`), over [`wiremock`]: expectations are
//! set per operation, with the same arguments and setters as the client's request builders,
//! and answered with the typed values `send()` returns.
//!
//! The per-operation methods (`mock.<group>().<operation>(...)`) are generated; this is the
//! spec-agnostic part: the server, the expectation and the matching of requests.

use std::fmt::Write as _;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::RequestBuilder;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use super::{Client, Error, Operation, Result, Scheme};

/// The API key of [`MockServer::client`].
const TEST_KEY: &str = "mock-test-key";

/// An in-process HTTP server on `127.0.0.1` that answers like the API, as told by the
/// expectations mounted on it.
///
/// Each group of the client has its counterpart here (`mock.links()` for
/// `client.links()`), whose methods take the same required arguments; the expectation
/// they return has the request builder's optional setters, each narrowing what it matches
/// (a setter not called matches any value). A request no expectation matches is answered
/// `404`, with a message that names the operation it looks like and why each of that
/// operation's expectations did not match.
///
/// Expectations with [`Expectation::expect`] are checked by [`MockServer::verify`], and
/// again when the server is dropped.
///
/// Whatever the mock prints (a failed `verify`, the `Debug` of [`Received`], the message
/// of an unmatched request) shows the credential as `***`, whichever client sent it.
pub struct MockServer {
    server: wiremock::MockServer,
    client: Client,
    state: Arc<State>,
}

/// What the fallback responder needs to explain a request nothing matched, and what
/// `verify` checks.
struct State {
    operations: &'static [&'static Operation],
    /// How the API sends its credentials: what to redact.
    schemes: &'static [Scheme],
    rules: Mutex<Vec<Arc<Rule>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on a free port of `127.0.0.1` for the operations of `api` (the
    /// generated `MockServer::start`).
    ///
    /// # Panics
    ///
    /// If no port can be bound, or the client's TLS backend does not initialise.
    #[doc(hidden)]
    pub async fn for_operations(
        api: &'static super::ApiInfo,
        operations: &'static [&'static Operation],
    ) -> MockServer {
        let schemes = api.schemes;
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(State {
            operations,
            schemes,
            rules: Mutex::new(Vec::new()),
        });
        Mock::given(wiremock::matchers::any())
            .respond_with(Explain(state.clone()))
            .with_priority(u8::MAX)
            .named("fallback: no expectation matched")
            .mount(&server)
            .await;
        // Every scheme holds a key, so that every operation's requirements are met.
        let client = schemes
            .iter()
            .fold(super::ClientBuilder::for_api(api), |builder, scheme| {
                builder.credential_for(scheme.name, TEST_KEY)
            })
            .base_url(server.uri())
            .build()
            .expect("a client for the mock server");
        MockServer {
            server,
            client,
            state,
        }
    }

    /// The server's base URL (`http://127.0.0.1:PORT`), for a client built by hand
    /// ([`ClientBuilder::base_url`](crate::ClientBuilder::base_url)).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client that sends to this server, with a test API key and the default settings
    /// (for other settings, build one with [`uri`](Self::uri) as its base URL).
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// Checks that every expectation with [`Expectation::expect`] received the number of
    /// requests it expects.
    ///
    /// # Panics
    ///
    /// If one did not, with a message naming each such expectation (its operation and
    /// request), how many requests it expected and got, and every request received.
    pub async fn verify(&self) {
        // Not wiremock's own check: its message prints every header received, the
        // credential included.
        if let Some(unmet) = self.state.unmet() {
            let mut message = unmet;
            let received = self.received().await;
            if received.is_empty() {
                message.push_str("no request was received");
            } else {
                message.push_str("requests received:\n");
                for request in &received {
                    let _ = writeln!(message, "- {request}");
                }
            }
            panic!("{message}");
        }
    }

    /// Every request received so far, in order, each decoded into the operation it
    /// addresses.
    pub async fn received(&self) -> Vec<Received> {
        let requests = self.server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .map(|request| Received::decode(&self.state, request))
            .collect()
    }

    /// Starts an expectation for one operation from its request builder, made on
    /// [`client`](Self::client) (generated code calls this).
    #[allow(dead_code)] // Not every API has an operation that needs it.
    pub(crate) fn expect_operation<B: MockOperation>(&self, builder: B) -> Expectation<'_, B> {
        Expectation {
            server: self,
            builder,
            body: None,
            replies: Vec::new(),
            delay: None,
            times: None,
        }
    }
}

impl Drop for MockServer {
    /// Checks the expectations, as [`verify`](MockServer::verify) does, unless the thread
    /// is already panicking (a failed assertion says more than this would).
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Some(unmet) = self.state.unmet() {
            panic!("{unmet}(`MockServer::verify().await` also lists the requests received)");
        }
    }
}

/// What the generated mock knows of one operation's request builder: its operation, the
/// request it would send, and how a success value is sent on the wire.
pub trait MockOperation: Sized {
    /// What `send()` returns.
    type Output;

    /// The operation.
    fn operation() -> &'static Operation;

    /// The request the builder sends (its method, path, query, headers and body; without
    /// the client's own headers).
    fn request(&self) -> Result<reqwest::Request>;

    /// The response that `send()` decodes into `value`.
    fn reply(value: Self::Output) -> ResponseTemplate;

    /// The spec's example of the success response, as `(status, JSON text)`.
    fn example() -> Option<(u16, &'static str)>;
}

/// What the mock needs of an operation beyond its [`Endpoint`](super::Endpoint): how to answer with a
/// value, the inverse of its decoding. The generated code implements it once per operation.
#[doc(hidden)]
pub trait MockEndpoint: super::Endpoint {
    /// How a value is answered with: [`JsonReply`], [`FieldReply`], [`PageReply`],
    /// [`TextReply`], [`BytesReply`] or [`EmptyReply`]. A type rather than a function of
    /// the impl, so that answering with an operation's value is compiled where a test does,
    /// not in the library for every operation.
    type Reply;

    /// The spec's example of the success response, as `(status, JSON text)`.
    fn example() -> Option<(u16, &'static str)> {
        None
    }
}

/// One way to answer with an operation's value (its [`MockEndpoint::Reply`]).
#[doc(hidden)]
pub trait Replier<E: super::Endpoint> {
    /// The response that `send()` decodes into `value`.
    fn reply(value: E::Output) -> ResponseTemplate;
}

/// The value is the JSON body.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct JsonReply;

/// The value is one field of a JSON envelope ([`Endpoint::OUTPUT_AT`](super::Endpoint::OUTPUT_AT)),
/// the rest of which is the spec's example.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct FieldReply;

/// The value is a page, its parts where [`PageNumber::LAYOUT`](super::PageNumber::LAYOUT)
/// says, in the spec's example.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct PageReply;

/// The value is a text body.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct TextReply;

/// The value is a binary body.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct BytesReply;

/// There is no value: the answer has no body.
#[doc(hidden)]
#[derive(Debug)]
#[allow(dead_code)] // Named by the generated code of the operations that answer so.
pub struct EmptyReply;

impl<E> Replier<E> for JsonReply
where
    E: super::Endpoint,
    E::Output: serde::Serialize,
{
    fn reply(value: E::Output) -> ResponseTemplate {
        json_reply(&value)
    }
}

impl<E> Replier<E> for FieldReply
where
    E: MockEndpoint,
    E::Output: serde::Serialize,
{
    fn reply(value: E::Output) -> ResponseTemplate {
        envelope_reply(E::example(), &[(E::OUTPUT_AT, to_json(&value))])
    }
}

impl<E, T> Replier<E> for PageReply
where
    E: MockEndpoint<Output = super::Page<T>> + super::PageNumber,
    T: serde::Serialize,
{
    fn reply(value: E::Output) -> ResponseTemplate {
        let [items, current, total] = E::LAYOUT;
        envelope_reply(
            E::example(),
            &[
                (items, to_json(&value.items)),
                (current, to_json(&value.current_page)),
                (total, to_json(&value.total_pages)),
            ],
        )
    }
}

impl<E: super::Endpoint<Output = String>> Replier<E> for TextReply {
    fn reply(value: String) -> ResponseTemplate {
        text_reply(value)
    }
}

impl<E: super::Endpoint<Output = bytes::Bytes>> Replier<E> for BytesReply {
    fn reply(value: bytes::Bytes) -> ResponseTemplate {
        bytes_reply(value)
    }
}

impl<E: super::Endpoint> Replier<E> for EmptyReply {
    fn reply(_value: E::Output) -> ResponseTemplate {
        empty_reply()
    }
}

impl<E> MockOperation for super::Request<E>
where
    E: MockEndpoint,
    E::Reply: Replier<E>,
{
    type Output = E::Output;

    fn operation() -> &'static Operation {
        E::OPERATION
    }

    fn request(&self) -> Result<reqwest::Request> {
        let path = self.input.path();
        self.client
            .mock_request(E::OPERATION, &path, |request| self.input.build(request))
    }

    fn reply(value: E::Output) -> ResponseTemplate {
        <E::Reply as Replier<E>>::reply(value)
    }

    fn example() -> Option<(u16, &'static str)> {
        E::example()
    }
}

/// An operation with a JSON body, which its expectation matches with
/// [`body`](Expectation::body) or [`body_matches`](Expectation::body_matches) (without
/// either, any body matches).
#[doc(hidden)]
pub trait JsonBody: MockEndpoint {
    /// The body's type.
    type Body: serde::Serialize + serde::de::DeserializeOwned;
}

impl<E> Expectation<'_, super::Request<E>>
where
    E: JsonBody,
    E::Reply: Replier<E>,
{
    /// Matches requests whose JSON body decodes as the operation's body type and satisfies
    /// `predicate` (in place of any body given before).
    pub fn body_matches(
        self,
        predicate: impl Fn(&E::Body) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.body_predicate(predicate)
    }

    /// Matches requests whose JSON body equals `body` (without it, or
    /// [`body_matches`](Self::body_matches), any body matches).
    pub fn body(self, body: impl Into<E::Body>) -> Self {
        let body: E::Body = body.into();
        self.body_value(&body)
    }
}

/// One response of [`Expectation::respond_with_sequence`].
#[derive(Debug, Clone)]
pub enum Reply<T> {
    /// The success response that `send()` decodes into this value.
    Value(T),
    /// An error: the status and the JSON body (as [`Expectation::respond_with_error`]).
    Error(u16, serde_json::Value),
    /// The status with no body (as [`Expectation::respond_with_status`]).
    Status(u16),
    /// The spec's example response (as [`Expectation::respond_with_example`]).
    Example,
}

/// The expectation of one operation's request, from a group of [`MockServer`]: narrow
/// it with the operation's setters, say how to answer, then [`mount`](Self::mount) it.
///
/// Without a `respond_with...` call it answers with the spec's example if there is one,
/// else `200` with no body.
#[must_use = "an expectation does nothing until `.mount().await`"]
pub struct Expectation<'a, B: MockOperation> {
    server: &'a MockServer,
    builder: B,
    body: Option<BodyRule>,
    replies: Vec<ResponseTemplate>,
    delay: Option<Duration>,
    times: Option<Times>,
}

impl<B: MockOperation> std::fmt::Debug for Expectation<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expectation")
            .field("operation", &B::operation().id)
            .field("replies", &self.replies.len())
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl<'a, B: MockOperation> Expectation<'a, B> {
    /// Applies a setter of the request builder (generated code calls this).
    #[allow(dead_code)] // Not every API has an operation that needs it.
    pub(crate) fn with(mut self, set: impl FnOnce(B) -> B) -> Self {
        self.builder = set(self.builder);
        self
    }

    /// Matches a JSON body equal to `value` (generated code calls this).
    #[allow(dead_code)] // Not every API has an operation that needs it.
    pub(crate) fn body_value(mut self, value: &impl serde::Serialize) -> Self {
        self.body = Some(BodyRule::Json(to_json(value)));
        self
    }

    /// Matches a JSON body that decodes as `T` and satisfies `predicate` (generated code
    /// calls this).
    #[allow(dead_code)] // Not every API has an operation that needs it.
    pub(crate) fn body_predicate<T: serde::de::DeserializeOwned>(
        mut self,
        predicate: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) -> Self {
        let check = move |bytes: &[u8]| {
            serde_json::from_slice::<T>(bytes).is_ok_and(|body| predicate(&body))
        };
        self.body = Some(BodyRule::Predicate(Arc::new(check)));
        self
    }

    /// Answers with the success response that `send()` decodes into `value`.
    pub fn respond_with(self, value: B::Output) -> Self {
        self.respond_with_sequence([Reply::Value(value)])
    }

    /// Answers with the error `status` and `body` as JSON (e.g. the type the operation's
    /// docs list under "Errors"), which the client returns as
    /// [`Error::Api`](crate::Error::Api).
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status, or `body` cannot be JSON.
    pub fn respond_with_error(self, status: u16, body: impl serde::Serialize) -> Self {
        let body = serde_json::to_value(body).expect("an error body that is JSON");
        self.respond_with_sequence([Reply::Error(status, body)])
    }

    /// Answers with `status` and no body.
    pub fn respond_with_status(self, status: u16) -> Self {
        self.respond_with_sequence([Reply::Status(status)])
    }

    /// Answers with the example the spec gives for the operation's success response.
    ///
    /// # Panics
    ///
    /// If the spec has none for this operation (at [`mount`](Self::mount)).
    pub fn respond_with_example(self) -> Self {
        self.respond_with_sequence([Reply::Example])
    }

    /// Answers the first matching request with the first reply, the next with the
    /// second, and so on; after the last, every further request gets the last one
    /// (e.g. a `503` then the value, for a retry; or one page after another).
    ///
    /// # Panics
    ///
    /// If `replies` is empty, or one is not valid (see the other `respond_with` methods).
    pub fn respond_with_sequence(
        mut self,
        replies: impl IntoIterator<Item = Reply<B::Output>>,
    ) -> Self {
        self.replies = replies.into_iter().map(wire::<B>).collect();
        assert!(
            !self.replies.is_empty(),
            "respond_with_sequence needs at least one reply"
        );
        self
    }

    /// Waits `delay` before each response (for timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Expects this many matching requests (`1`, or a range: `1..=3`, `2..`), checked by
    /// [`MockServer::verify`] and when the server is dropped.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Mounts the expectation: from now on the server answers the requests it matches.
    /// An expectation mounted later is tried first, so it can override an earlier one.
    ///
    /// # Panics
    ///
    /// If the request builder's own inputs cannot make a request (e.g. an empty path
    /// parameter), or [`respond_with_example`](Self::respond_with_example) was asked
    /// for an operation without an example.
    pub async fn mount(self) {
        let op = B::operation();
        let request = match self.builder.request() {
            Ok(request) => request,
            Err(err) => panic!("mock expectation of `{}`: {err}", op.id),
        };
        let mut replies = self.replies;
        if replies.is_empty() {
            replies.push(match B::example() {
                Some(_) => wire::<B>(Reply::Example),
                None => ResponseTemplate::new(200),
            });
        }
        if let Some(delay) = self.delay {
            replies = replies.into_iter().map(|r| r.set_delay(delay)).collect();
        }
        let mut rule = Rule::new(op, &request);
        if let Some(body) = self.body {
            rule.body = body;
        }
        rule.times = self.times;
        let rule = {
            let mut rules = self
                .server
                .state
                .rules
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            rule.number = rules.len() + 1;
            let rule = Arc::new(rule);
            rules.push(rule.clone());
            rule
        };
        let name = format!(
            "expectation #{} of `{}`: {}",
            rule.number,
            op.id,
            rule.describe()
        );
        // Later expectations first: wiremock tries mocks of equal priority in mount order.
        let priority = u8::try_from(200usize.saturating_sub(rule.number))
            .unwrap_or(1)
            .max(1);
        // No wiremock expectation: the rule counts what it served, and `verify` checks it
        // with a message that redacts the credential.
        Mock::given(Matches(rule.clone()))
            .respond_with(Sequence { replies, rule })
            .with_priority(priority)
            .named(name)
            .mount(&self.server.server)
            .await;
    }
}

/// The response template of `reply`.
fn wire<B: MockOperation>(reply: Reply<B::Output>) -> ResponseTemplate {
    match reply {
        Reply::Value(value) => B::reply(value),
        Reply::Error(status, body) => ResponseTemplate::new(status).set_body_json(body),
        Reply::Status(status) => ResponseTemplate::new(status),
        Reply::Example => match B::example() {
            Some((status, json)) => ResponseTemplate::new(status)
                .set_body_raw(json.as_bytes().to_vec(), "application/json"),
            None => panic!(
                "`{}` has no example response in the API description: use `respond_with`",
                B::operation().id
            ),
        },
    }
}

/// A JSON success response.
pub(crate) fn json_reply(value: &impl serde::Serialize) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(to_json(value))
}

/// A JSON success response holding each value at its field path (`["meta",
/// "currentPage"]`), for the envelopes an operation unwraps ([`FieldReply`],
/// [`PageReply`]).
///
/// The envelope starts from the spec's example (`example`, if it is an object), so that
/// the envelope's other fields are there too.
pub(crate) fn envelope_reply(
    example: Option<(u16, &str)>,
    fields: &[(&[&str], serde_json::Value)],
) -> ResponseTemplate {
    let base = example.and_then(|(_, json)| serde_json::from_str(json).ok());
    ResponseTemplate::new(200).set_body_json(envelope(base, fields))
}

/// `base` (or an empty object) holding each value at its field path.
fn envelope(
    base: Option<serde_json::Value>,
    fields: &[(&[&str], serde_json::Value)],
) -> serde_json::Value {
    let mut body = match base {
        Some(serde_json::Value::Object(map)) => serde_json::Value::Object(map),
        _ => serde_json::Value::Object(serde_json::Map::new()),
    };
    for (path, value) in fields {
        let mut node = &mut body;
        for key in path.iter().take(path.len().saturating_sub(1)) {
            let serde_json::Value::Object(map) = node else {
                break;
            };
            node = map
                .entry((*key).to_owned())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if !node.is_object() {
                *node = serde_json::Value::Object(serde_json::Map::new());
            }
        }
        if let (serde_json::Value::Object(map), Some(last)) = (node, path.last()) {
            map.insert((*last).to_owned(), value.clone());
        }
    }
    body
}

/// `value` as a JSON value, through its JSON text: `serde_json::to_vec` is the one
/// serializer a type gets (requests, the command line and the mock share it), where
/// `to_value` would compile a second.
pub(crate) fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_vec(value)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// A text success response.
pub(crate) fn text_reply(value: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(value.into_bytes(), "text/plain")
}

/// A binary success response.
pub(crate) fn bytes_reply(value: bytes::Bytes) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(value.to_vec(), "application/octet-stream")
}

/// A success response with no body.
pub(crate) fn empty_reply() -> ResponseTemplate {
    ResponseTemplate::new(200)
}

impl Client {
    /// The request an operation's builder sends, without the client's own headers, for
    /// the mock to match against (generated code calls this).
    #[allow(dead_code)] // Not every API has an operation that needs it.
    pub(crate) fn mock_request(
        &self,
        op: &Operation,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<reqwest::Request> {
        let url = format!("{}{}", self.base_url(), path);
        let request = self.inner.http.request(op.method.clone(), url);
        build(request)
            .build()
            .map_err(|err| Error::Config(format!("{}: {err}", op.id)))
    }
}

/// A request as the mock received it, decoded into the operation it addresses.
///
/// Its `Debug` and `Display` show the credential (its header, or its query parameter) as
/// `***`; the fields hold what was sent.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The operation's id (`getLink`), if the method and path are one of the API's.
    pub operation: Option<&'static str>,
    /// The method.
    pub method: reqwest::Method,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The path parameters by their names in the API description, decoded.
    pub path_params: Vec<(String, String)>,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, as sent.
    pub body: Vec<u8>,
    /// The API's schemes: which query parameters carry a credential.
    schemes: &'static [Scheme],
}

/// The most of a body that [`Received`]'s `Debug` and `Display` show.
const BODY_SHOWN: usize = 1024;

impl Received {
    /// The query with the credential's value as `***`.
    fn shown_query(&self) -> Vec<(&str, &str)> {
        self.query
            .iter()
            .map(
                |(name, value)| match self.schemes.iter().any(|s| s.is_query(name)) {
                    true => (name.as_str(), "***"),
                    false => (name.as_str(), value.as_str()),
                },
            )
            .collect()
    }

    /// The body as text, cut at [`BODY_SHOWN`] bytes.
    fn shown_body(&self) -> String {
        let shown = &self.body[..self.body.len().min(BODY_SHOWN)];
        let mut text = String::from_utf8_lossy(shown).into_owned();
        if self.body.len() > BODY_SHOWN {
            let _ = write!(text, "... ({} bytes)", self.body.len());
        }
        text
    }
}

impl std::fmt::Debug for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("path_params", &self.path_params)
            .field("query", &self.shown_query())
            .field("headers", &self.headers)
            .field("body", &self.shown_body())
            .finish()
    }
}

/// `GET /links/x?size=5 (getLink)`, then each header on a line and the body (cut), with
/// the credential as `***`.
impl std::fmt::Display for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        let mut sep = '?';
        for (name, value) in self.shown_query() {
            write!(f, "{sep}{name}={value}")?;
            sep = '&';
        }
        if let Some(operation) = self.operation {
            write!(f, " ({operation})")?;
        }
        for (name, value) in &self.headers {
            match value.is_sensitive() {
                true => write!(f, "\n    {name}: ***")?,
                false => write!(
                    f,
                    "\n    {name}: {}",
                    String::from_utf8_lossy(value.as_bytes())
                )?,
            }
        }
        if !self.body.is_empty() {
            write!(f, "\n    body: {}", self.shown_body())?;
        }
        Ok(())
    }
}

/// How many requests an expectation expects ([`Expectation::expect`]): a number, or a
/// range of them (`1..=3`, `2..`, `..5`, `..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    /// Inclusive; `None`: no upper bound.
    max: Option<u64>,
}

impl Times {
    fn contains(self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }

    /// `min..end`, where an empty range expects what no count satisfies.
    fn below(min: u64, end: u64) -> Times {
        match end.checked_sub(1) {
            Some(max) => Times {
                min,
                max: Some(max),
            },
            None => Times {
                min: 1,
                max: Some(0),
            },
        }
    }
}

impl std::fmt::Display for Times {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (min, Some(max)) if min == max => write!(f, "exactly {min}"),
            (min, Some(max)) if min > max => f.write_str("an empty range of"),
            (0, Some(max)) => write!(f, "at most {max}"),
            (min, Some(max)) => write!(f, "{min} to {max}"),
            (0, None) => f.write_str("any number of"),
            (min, None) => write!(f, "at least {min}"),
        }
    }
}

impl From<u64> for Times {
    fn from(n: u64) -> Times {
        Times {
            min: n,
            max: Some(n),
        }
    }
}

impl From<RangeFull> for Times {
    fn from(_: RangeFull) -> Times {
        Times { min: 0, max: None }
    }
}

impl From<Range<u64>> for Times {
    fn from(range: Range<u64>) -> Times {
        Times::below(range.start, range.end)
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(range: RangeInclusive<u64>) -> Times {
        Times {
            min: *range.start(),
            max: Some(*range.end()),
        }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(range: RangeFrom<u64>) -> Times {
        Times {
            min: range.start,
            max: None,
        }
    }
}

impl From<RangeTo<u64>> for Times {
    fn from(range: RangeTo<u64>) -> Times {
        Times::below(0, range.end)
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(range: RangeToInclusive<u64>) -> Times {
        Times {
            min: 0,
            max: Some(range.end),
        }
    }
}

impl Received {
    fn decode(state: &State, request: &Request) -> Received {
        let path = request.url.path().to_owned();
        let found = state.operations.iter().find_map(|op| {
            (op.method == request.method)
                .then(|| template_params(op.path, &path))
                .flatten()
                .map(|params| (op.id, params))
        });
        let (operation, path_params) = found.map_or((None, Vec::new()), |(id, p)| (Some(id), p));
        Received {
            operation,
            method: request.method.clone(),
            path,
            path_params,
            query: request.url.query_pairs().into_owned().collect(),
            headers: state.redacted_headers(&request.headers),
            body: request.body.clone(),
            schemes: state.schemes,
        }
    }

    /// The body decoded from JSON as `T` (`None`: no body, or not a `T`).
    pub fn body_json<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The values of query parameter `name`, in order.
    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The path parameters of `path` by their names in `template` (`/links/{id}`), decoded,
/// if `path` has the template's shape.
fn template_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let planned: Vec<&str> = template.split('/').collect();
    let sent: Vec<&str> = path.split('/').collect();
    if planned.len() != sent.len() {
        return None;
    }
    let mut params = Vec::new();
    for (planned, sent) in planned.iter().zip(&sent) {
        match (planned.find('{'), planned.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&planned[..open], &planned[close + 1..]);
                let value = sent.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                params.push((planned[open + 1..close].to_owned(), decode(value)));
            }
            _ if decode(planned) == decode(sent) => {}
            _ => return None,
        }
    }
    Some(params)
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A predicate on the body's bytes.
type BodyCheck = Arc<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// What an expectation requires of the body.
#[derive(Clone)]
enum BodyRule {
    Any,
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    Bytes(Vec<u8>),
    Predicate(BodyCheck),
}

/// One mounted expectation: what a request must have to match it.
struct Rule {
    number: usize,
    op: &'static Operation,
    path: String,
    path_params: Vec<(String, String)>,
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(reqwest::header::HeaderName, Vec<String>)>,
    body: BodyRule,
    /// How many requests it expects ([`Expectation::expect`]).
    times: Option<Times>,
    /// How many requests it answered.
    served: AtomicUsize,
}

impl Rule {
    fn new(op: &'static Operation, request: &reqwest::Request) -> Rule {
        let path = request.url().path().to_owned();
        let path_params = template_params(op.path, &path).unwrap_or_default();
        let mut query: Vec<(String, Vec<String>)> = Vec::new();
        for (name, value) in request.url().query_pairs().into_owned() {
            match query.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(value),
                None => query.push((name, vec![value])),
            }
        }
        let mut headers: Vec<(reqwest::header::HeaderName, Vec<String>)> = Vec::new();
        for name in request.headers().keys() {
            if name == reqwest::header::CONTENT_TYPE || name == reqwest::header::CONTENT_LENGTH {
                continue;
            }
            let values = request
                .headers()
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            headers.push((name.clone(), values));
        }
        let content_type = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let body = match request.body().and_then(reqwest::Body::as_bytes) {
            None => BodyRule::Any,
            Some(bytes) if content_type.starts_with("application/json") => {
                match serde_json::from_slice(bytes) {
                    Ok(value) => BodyRule::Json(value),
                    Err(_) => BodyRule::Bytes(bytes.to_vec()),
                }
            }
            Some(bytes) if content_type.starts_with("application/x-www-form-urlencoded") => {
                BodyRule::Form(form_pairs(bytes))
            }
            Some(bytes) => BodyRule::Bytes(bytes.to_vec()),
        };
        Rule {
            number: 0,
            op,
            path,
            path_params,
            query,
            headers,
            body,
            times: None,
            served: AtomicUsize::new(0),
        }
    }

    /// `GET /links/summer-sale?size=50`, for messages.
    fn describe(&self) -> String {
        let mut text = format!("{} {}", self.op.method, self.path);
        let mut sep = '?';
        for (name, values) in &self.query {
            for value in values {
                let _ = write!(text, "{sep}{name}={value}");
                sep = '&';
            }
        }
        text
    }

    /// Why `request` does not match (nothing: it matches).
    fn differences(&self, request: &Request) -> Vec<String> {
        let mut out = Vec::new();
        if request.method != self.op.method {
            out.push(format!(
                "method is {}, not {}",
                request.method, self.op.method
            ));
            return out;
        }
        let Some(params) = template_params(self.op.path, request.url.path()) else {
            out.push(format!("path is not `{}`", self.op.path));
            return out;
        };
        for ((name, expected), (_, got)) in self.path_params.iter().zip(&params) {
            if expected != got {
                out.push(format!(
                    "path parameter `{name}` is `{got}`, expected `{expected}`"
                ));
            }
        }
        let sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        for (name, expected) in &self.query {
            let got: Vec<&String> = sent
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v)
                .collect();
            if got.is_empty() {
                out.push(format!(
                    "query parameter `{name}` is missing, expected `{}`",
                    expected.join("`, `")
                ));
            } else if got
                .iter()
                .map(|v| v.as_str())
                .ne(expected.iter().map(String::as_str))
            {
                let got: Vec<&str> = got.iter().map(|v| v.as_str()).collect();
                out.push(format!(
                    "query parameter `{name}` is `{}`, expected `{}`",
                    got.join("`, `"),
                    expected.join("`, `")
                ));
            }
        }
        for (name, expected) in &self.headers {
            let got: Vec<String> = request
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            if !expected.iter().all(|e| got.contains(e)) {
                match got.is_empty() {
                    true => out.push(format!("header `{name}` is missing")),
                    false => out.push(format!(
                        "header `{name}` is `{}`, expected `{}`",
                        got.join("`, `"),
                        expected.join("`, `")
                    )),
                }
            }
        }
        if let Some(why) = body_difference(&self.body, &request.body) {
            out.push(why);
        }
        out
    }
}

fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}

/// Why `body` does not satisfy `rule` (`None`: it does).
fn body_difference(rule: &BodyRule, body: &[u8]) -> Option<String> {
    match rule {
        BodyRule::Any => None,
        BodyRule::Json(expected) => match serde_json::from_slice::<serde_json::Value>(body) {
            Err(_) => Some("body is not JSON".to_owned()),
            Ok(got) => json_difference("", expected, &got).map(|why| format!("body {why}")),
        },
        BodyRule::Form(expected) => {
            (form_pairs(body) != *expected).then(|| "form body differs".to_owned())
        }
        BodyRule::Bytes(expected) => (body != expected.as_slice()).then(|| {
            format!(
                "body differs ({} bytes, expected {})",
                body.len(),
                expected.len()
            )
        }),
        BodyRule::Predicate(check) => {
            (!check(body)).then(|| "body does not satisfy `body_matches`".to_owned())
        }
    }
}

/// The first place where `got` differs from `expected`, as `field `a.b` is ..., expected ...`.
fn json_difference(
    at: &str,
    expected: &serde_json::Value,
    got: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    let field = |at: &str| {
        if at.is_empty() {
            "is".to_owned()
        } else {
            format!("field `{at}` is")
        }
    };
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (key, value) in e {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match g.get(key) {
                    None => return Some(format!("field `{path}` is missing, expected {value}")),
                    Some(got) => {
                        if let Some(why) = json_difference(&path, value, got) {
                            return Some(why);
                        }
                    }
                }
            }
            g.keys()
                .find(|key| !e.contains_key(*key))
                .map(|key| format!("has field `{}` that is not expected", join_path(at, key)))
        }
        _ if expected == got => None,
        _ => Some(format!("{} {got}, expected {expected}", field(at))),
    }
}

fn join_path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// The wiremock matcher of a [`Rule`].
struct Matches(Arc<Rule>);

impl wiremock::Match for Matches {
    fn matches(&self, request: &Request) -> bool {
        self.0.differences(request).is_empty()
    }
}

/// Answers each request with the next reply, repeating the last, and counts them for
/// the rule's expectation.
struct Sequence {
    replies: Vec<ResponseTemplate>,
    rule: Arc<Rule>,
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.rule.served.fetch_add(1, Ordering::SeqCst);
        let last = self.replies.len().saturating_sub(1);
        self.replies[n.min(last)].clone()
    }
}

/// The fallback: a `404` whose message says why no expectation matched.
struct Explain(Arc<State>);

impl Respond for Explain {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let message = self.0.explain(request);
        ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "error": "mock: no expectation matched",
            "message": message,
        }))
    }
}

impl State {
    /// What no expectation's `expect` count was met by, one line each (`None`: all were).
    fn unmet(&self) -> Option<String> {
        let rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let mut text = String::new();
        for rule in rules.iter() {
            let Some(times) = rule.times else { continue };
            let served = rule.served.load(Ordering::SeqCst);
            if !times.contains(u64::try_from(served).unwrap_or(u64::MAX)) {
                let _ = writeln!(
                    text,
                    "- expectation #{} of `{}` ({}) expected {times} matching requests, got \
                     {served}",
                    rule.number,
                    rule.op.id,
                    rule.describe()
                );
            }
        }
        (!text.is_empty()).then(|| format!("mock expectations not met:\n{text}"))
    }

    /// `headers`, with the credential's values marked sensitive (so that their `Debug`
    /// shows `Sensitive`, and the mock's messages `***`).
    fn redacted_headers(&self, headers: &reqwest::header::HeaderMap) -> reqwest::header::HeaderMap {
        let mut headers = headers.clone();
        for (name, value) in headers.iter_mut() {
            let credential = self.schemes.iter().any(|s| s.is_header(name.as_str()));
            // Whatever the API's scheme: a hand-built client may send any of these.
            if credential
                || name == reqwest::header::AUTHORIZATION
                || name == reqwest::header::PROXY_AUTHORIZATION
                || name == reqwest::header::COOKIE
            {
                value.set_sensitive(true);
            }
        }
        headers
    }

    fn explain(&self, request: &Request) -> String {
        let mut text = format!(
            "no expectation matched {} {}",
            request.method,
            request.url.path()
        );
        if let Some(query) = request.url.query() {
            // A credential's value, decoded or not, is never shown.
            let shown: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) if self.schemes.iter().any(|s| s.is_query(&decode(name))) => {
                        format!("{name}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            let _ = write!(text, "?{}", shown.join("&"));
        }
        let op = self.operations.iter().find(|op| {
            op.method == request.method && template_params(op.path, request.url.path()).is_some()
        });
        let Some(op) = op else {
            text.push_str("; it is none of the API's operations");
            return text;
        };
        let _ = write!(
            text,
            "; it looks like `{}` ({} {})",
            op.id, op.method, op.path
        );
        let rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let candidates: Vec<&Arc<Rule>> = rules.iter().filter(|r| r.op.id == op.id).collect();
        if candidates.is_empty() {
            text.push_str(", which has no expectation mounted");
        }
        for rule in candidates {
            let why = rule.differences(request);
            let _ = write!(
                text,
                "; expectation #{} ({}): {}",
                rule.number,
                rule.describe(),
                if why.is_empty() {
                    "matches, but its replies are used up".to_owned()
                } else {
                    why.join(", ")
                }
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_decode_each_segment() {
        assert_eq!(
            template_params("/things/{id}/parts/{part}", "/things/a%2Fb/parts/7"),
            Some(vec![
                ("id".to_owned(), "a/b".to_owned()),
                ("part".to_owned(), "7".to_owned())
            ])
        );
        assert_eq!(template_params("/things/{id}", "/things"), None);
        assert_eq!(template_params("/things/{id}", "/things/"), None);
        assert_eq!(template_params("/things/{id}", "/other/1"), None);
        assert_eq!(
            template_params("/files/{name}.json", "/files/a.json"),
            Some(vec![("name".to_owned(), "a".to_owned())])
        );
    }

    #[test]
    fn envelopes_nest_fields() {
        let fields: [(&[&str], serde_json::Value); 3] = [
            (&["data"], serde_json::json!([1])),
            (&["meta", "currentPage"], serde_json::json!(1)),
            (&["meta", "totalPages"], serde_json::json!(2)),
        ];
        assert_eq!(
            envelope(None, &fields),
            serde_json::json!({"data": [1], "meta": {"currentPage": 1, "totalPages": 2}})
        );
        let base =
            serde_json::json!({"data": [7], "meta": {"currentPage": 3, "extra": true}, "ok": 1});
        assert_eq!(
            envelope(Some(base), &fields),
            serde_json::json!({"data": [1], "meta": {"currentPage": 1, "totalPages": 2, "extra": true}, "ok": 1})
        );
    }

    #[test]
    fn json_differences_name_the_field() {
        let expected = serde_json::json!({"name": "a", "inner": {"x": 1}});
        assert_eq!(json_difference("", &expected, &expected), None);
        let got = serde_json::json!({"name": "a", "inner": {"x": 2}});
        assert_eq!(
            json_difference("", &expected, &got).as_deref(),
            Some("field `inner.x` is 2, expected 1")
        );
        let got = serde_json::json!({"inner": {"x": 1}});
        assert_eq!(
            json_difference("", &expected, &got).as_deref(),
            Some("field `name` is missing, expected \"a\"")
        );
    }
}
