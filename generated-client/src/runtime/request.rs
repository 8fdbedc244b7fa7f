//! The one request type: every operation's builder is a [`Request`] of that operation's
//! inputs, which implement [`Endpoint`] (the data of the operation) once, in the generated
//! code. Sending, the per-call controls, pagination and the blocking form live here, once.

use std::borrow::Cow;
use std::fmt;

use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::RequestBuilder;

use super::api::Operation;
use super::client::Client;
use super::error::Result;
use super::options::RequestOptions;
use super::pagination::{Page, paginate_cursor_pages, paginate_pages};
use super::reply::Response;
use super::response::RawResponse;

/// One operation of the API, as its inputs: the generated code implements it once per
/// operation, on the struct holding what the caller set. Everything else a call does
/// (credentials, retries, timeouts, decoding limits, the mock, the blocking client) is the
/// runtime's, the same for every operation.
#[doc(hidden)]
pub trait Endpoint: Clone + fmt::Debug + Send + Sync + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;

    /// The operation's static description (id, method, path template, security).
    const OPERATION: &'static Operation;

    /// Where the output is in a JSON body, as the keys that lead to it (the envelope's
    /// `data`); empty when it is the whole body. The command line prints that part of the
    /// body as it came, without decoding it into [`Output`](Self::Output), and the mock
    /// answers with a value put there.
    const OUTPUT_AT: &'static [&'static str] = &[];

    /// The request path, its parameters encoded, relative to the base URL.
    fn path(&self) -> Cow<'static, str>;

    /// `request` with the operation's query, headers and body (an operation with none of
    /// them sends it as it is).
    fn build(&self, request: RequestBuilder) -> RequestBuilder {
        request
    }

    /// Checks the inputs against the limits the spec documents.
    fn check(&self) -> std::result::Result<(), super::validate::InvalidInput> {
        Ok(())
    }

    /// Decodes a 2xx response to this request.
    fn decode(&self, raw: RawResponse) -> Result<Self::Output>;
}

/// How a request is sent: [`Async`] (`.send().await`) or, with the `blocking` feature,
/// [`blocking::Blocking`](super::blocking::Blocking) (`.send()` on this thread).
#[doc(hidden)]
pub trait Mode: Send + Sync + 'static {
    /// The client the request is sent with.
    type Client: Clone + fmt::Debug + Send + Sync + 'static;
}

/// Requests sent with `.send().await` on the async [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Async;

impl Mode for Async {
    type Client = Client;
}

/// A request for one operation, built by the operation's method on its group
/// (`client.links().get("id")`): set optional inputs and per-call controls, then send it.
///
/// The generated code names one alias of this type per operation (`links::GetLink`), whose
/// page lists the operation's own setters. What every request has is documented here once:
///
/// - **Per-call controls.** [`timeout`](Self::timeout), [`header`](Self::header) and
///   [`retry`](Self::retry) override the client's settings for this call only.
/// - **Sending.** `send()` returns the decoded value; `send_response()` returns it with
///   the status and headers ([`Response`]). With the `blocking` feature, the blocking
///   client's requests do the same on the calling thread.
/// - **Errors.** A non-2xx answer is [`Error::Api`](crate::Error::Api) (the status, the
///   body, and [`ApiError::body_as`](crate::ApiError::body_as) to decode the error type the
///   operation documents); a transport failure, an undecodable body, an input that breaks a
///   documented limit and a misconfigured client each have their own variant of
///   [`Error`](crate::Error). What a `429 Too Many Requests` means for this API is said on
///   [`Error::is_too_many_requests`](crate::Error::is_too_many_requests).
/// - **Lists.** A paginated list also has `stream()` (every item, page after page) and
///   `pages()` (each page as `send()` returns it); blocking: `iter()` and `pages()`.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<E, M: Mode = Async> {
    pub(crate) client: M::Client,
    pub(crate) options: RequestOptions,
    pub(crate) input: E,
}

impl<E: Clone, M: Mode> Clone for Request<E, M> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            options: self.options.clone(),
            input: self.input.clone(),
        }
    }
}

impl<E: fmt::Debug, M: Mode> fmt::Debug for Request<E, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("client", &self.client)
            .field("options", &self.options)
            .field("input", &self.input)
            .finish()
    }
}

impl<E, M: Mode> Request<E, M> {
    /// A request for `input` through `client`, with the client's settings.
    #[doc(hidden)]
    pub fn new(client: &M::Client, input: E) -> Self {
        Request {
            client: client.clone(),
            options: RequestOptions::default(),
            input,
        }
    }

    /// Limits each attempt of this call to `timeout`, instead of the client's
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.set_timeout(timeout);
        self
    }

    /// Adds a header to every attempt of this call; a name given twice is sent with both
    /// values, and one the client or this operation sets (`User-Agent`, a header
    /// parameter) takes this value instead.
    ///
    /// A credential's header and `Host` cannot be set, and a name or value that is not
    /// valid in HTTP makes the call fail with [`Error::Config`](crate::Error::Config)
    /// before anything is sent.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<reqwest::header::HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<reqwest::header::HeaderValue>,
        V::Error: fmt::Display,
    {
        self.options.add_header(name, value);
        self
    }

    /// Retries this call under `policy` (its deadline included), instead of the client's
    /// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)).
    pub fn retry(mut self, policy: super::RetryPolicy) -> Self {
        self.options.set_retry(policy);
        self
    }

    /// The same request sent another way (the blocking client's requests are sent by the
    /// async client).
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    pub(crate) fn with_client<N: Mode>(self, client: N::Client) -> Request<E, N> {
        Request {
            client,
            options: self.options,
            input: self.input,
        }
    }
}

impl<E: Endpoint> Request<E, Async> {
    /// Sends the request and decodes the response.
    pub async fn send(self) -> Result<E::Output> {
        self.send_response().await.map(Response::into_inner)
    }

    /// Sends the request and returns the decoded response with its status and headers.
    pub async fn send_response(self) -> Result<Response<E::Output>> {
        let raw = self.send_raw().await?;
        Response::decode(raw, |raw| self.input.decode(raw))
    }

    /// Sends the request and returns its 2xx response as it came, undecoded: the future of
    /// [`send_prepared`], one type for every operation, so compiled once.
    pub(crate) fn send_raw(&self) -> impl Future<Output = Result<RawResponse>> + Send + '_ {
        send_prepared(
            &self.client,
            E::OPERATION,
            self.input.path(),
            &self.options,
            &self.input,
        )
    }

    /// This request with its operation's type erased, as the command line sends it.
    #[cfg(feature = "cli")]
    pub(crate) fn erase(self) -> Erased {
        Erased {
            path: self.input.path(),
            client: self.client,
            options: self.options,
            op: E::OPERATION,
            input: Box::new(self.input),
        }
    }
}

/// What sending needs of an operation's inputs, as a trait object: with it the code that
/// sends, checks and retries a request is compiled once, not once per operation.
pub(crate) trait Prepare: Send + Sync {
    /// [`Endpoint::build`].
    fn build_request(&self, request: RequestBuilder) -> RequestBuilder;
    /// [`Endpoint::check`].
    fn check_inputs(&self) -> std::result::Result<(), super::validate::InvalidInput>;
}

impl<E: Endpoint> Prepare for E {
    fn build_request(&self, request: RequestBuilder) -> RequestBuilder {
        self.build(request)
    }

    fn check_inputs(&self) -> std::result::Result<(), super::validate::InvalidInput> {
        self.check()
    }
}

/// Checks the inputs (unless the client says not to), then sends the request until an
/// attempt succeeds or the retry policy gives up.
async fn send_prepared(
    client: &Client,
    op: &'static Operation,
    path: Cow<'static, str>,
    options: &RequestOptions,
    input: &dyn Prepare,
) -> Result<RawResponse> {
    super::validate::validate(client, op, || input.check_inputs())?;
    client
        .execute_with(op, &path, options, &|request| input.build_request(request))
        .await
}

/// A request whose operation is known only by its static description: the command line
/// prints responses as JSON, so it needs nothing typed of the operation once the inputs
/// are read.
#[cfg(feature = "cli")]
pub(crate) struct Erased {
    client: Client,
    options: RequestOptions,
    op: &'static Operation,
    path: Cow<'static, str>,
    input: Box<dyn Prepare>,
}

#[cfg(feature = "cli")]
impl Erased {
    /// The operation.
    pub(crate) fn operation(&self) -> &'static Operation {
        self.op
    }

    /// Sends the request and returns its 2xx response as it came.
    pub(crate) async fn send_raw(self) -> Result<RawResponse> {
        send_prepared(
            &self.client,
            self.op,
            self.path,
            &self.options,
            &*self.input,
        )
        .await
    }
}

/// A paginated list: its items, and how its requests move from page to page
/// ([`ByNumber`] or [`ByToken`]).
#[doc(hidden)]
pub trait Paginated: Endpoint {
    /// One item of a page.
    type Item: Send + 'static;

    /// How the next page is asked for.
    type Paging: Paging<Self>;

    /// The items of one page.
    fn items(page: Self::Output) -> Vec<Self::Item>;
}

/// A way from page to page: every page from the one a request asks for.
///
/// A type, not a function the generated code calls, so that the page streams are
/// compiled for the lists a program streams, not for every list of the API.
#[doc(hidden)]
pub trait Paging<E: Endpoint> {
    /// Every page from the one `request` asks for.
    fn pages(request: Request<E>) -> BoxStream<'static, Result<E::Output>>;

    /// Every item of every page from the one `request` asks for, as the API sent it: what
    /// the command line prints, without compiling the decoding of every list it has.
    #[cfg(feature = "cli")]
    fn json_items(request: Request<E>) -> BoxStream<'static, Result<serde_json::Value>>;
}

/// Pages asked for by number ([`PageNumber`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct ByNumber;

/// Pages asked for with the token of the page before ([`PageToken`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct ByToken;

impl<E, T> Paging<E> for ByNumber
where
    E: Endpoint<Output = Page<T>> + PageNumber,
    T: serde::Serialize + Send + 'static,
{
    fn pages(request: Request<E>) -> BoxStream<'static, Result<Page<T>>> {
        numbered_pages(request)
    }

    #[cfg(feature = "cli")]
    fn json_items(request: Request<E>) -> BoxStream<'static, Result<serde_json::Value>> {
        let start = request.input.page_number();
        let max_pages = request.client.max_pages();
        let pages = paginate_pages(start, max_pages, move |page| {
            let mut request = request.clone();
            request.input.set_page_number(page);
            async move {
                let raw = request.send_raw().await?;
                super::cli::json::numbered(E::OPERATION, raw, E::LAYOUT, page)
            }
        });
        super::pagination::items_of(pages)
    }
}

impl<E: PageToken> Paging<E> for ByToken {
    fn pages(request: Request<E>) -> BoxStream<'static, Result<E::Output>> {
        token_pages(request)
    }

    #[cfg(feature = "cli")]
    fn json_items(request: Request<E>) -> BoxStream<'static, Result<serde_json::Value>> {
        let start = request.input.token();
        let max_pages = request.client.max_pages();
        let pages = paginate_cursor_pages(start, max_pages, move |token, first| {
            let mut request = request.clone();
            request.input.set_token(token, first);
            async move {
                let raw = request.send_raw().await?;
                super::cli::json::tokened(E::OPERATION, raw, E::LAYOUT)
            }
        });
        super::pagination::items_of(pages)
    }
}

/// A page-numbered list: its page parameter, and where a page's parts are in its JSON body
/// (the keys that lead to them).
#[doc(hidden)]
pub trait PageNumber {
    /// The keys to the items, to this page's number and to the number of pages.
    const LAYOUT: [&'static [&'static str]; 3];

    /// The page the request asks for (the first, `1`, if none is set).
    fn page_number(&self) -> i64;

    /// Asks for page `page`.
    fn set_page_number(&mut self, page: i64);
}

/// A list whose responses carry the token of the next page, which the next request sends;
/// and where a page's parts are in its JSON body (the keys that lead to them).
#[doc(hidden)]
pub trait PageToken: Endpoint {
    /// The keys to the items and to the next page's token.
    const LAYOUT: [&'static [&'static str]; 2];

    /// The token the request asks with.
    fn token(&self) -> Option<String>;

    /// Asks with `token`; `first` is false for every page after the first (where some
    /// APIs refuse the filters the token already holds).
    fn set_token(&mut self, token: Option<String>, first: bool);

    /// The token of the page after `page`.
    fn next_token(page: &Self::Output) -> Option<String>;
}

/// The pages of a page-numbered list.
fn numbered_pages<E, T>(request: Request<E>) -> BoxStream<'static, Result<Page<T>>>
where
    E: Endpoint<Output = Page<T>> + PageNumber,
    T: serde::Serialize + Send + 'static,
{
    let start = request.input.page_number();
    let max_pages = request.client.max_pages();
    paginate_pages(start, max_pages, move |page| {
        let mut request = request.clone();
        request.input.set_page_number(page);
        request.send()
    })
}

/// The pages of a token-paginated list.
fn token_pages<E: PageToken>(request: Request<E>) -> BoxStream<'static, Result<E::Output>> {
    let start = request.input.token();
    let max_pages = request.client.max_pages();
    paginate_cursor_pages(start, max_pages, move |token, first| {
        let mut request = request.clone();
        request.input.set_token(token, first);
        async move {
            let page = request.send().await?;
            let next = E::next_token(&page);
            Ok((page, next))
        }
    })
}

impl<E: Paginated> Request<E, Async> {
    /// Every item of every page, fetched lazily one page at a time, from the page (or
    /// token) set on this request. Ends after the last page, or with
    /// [`Error::TooManyPages`](crate::Error::TooManyPages) past the client's
    /// [`max_pages`](crate::ClientBuilder::max_pages).
    pub fn stream(self) -> BoxStream<'static, Result<E::Item>> {
        super::pagination::items_of(self.pages().map(|page| page.map(E::items)).boxed())
    }

    /// Every page (what `send()` returns for one), fetched lazily, as
    /// [`stream`](Self::stream) fetches them.
    pub fn pages(self) -> BoxStream<'static, Result<E::Output>> {
        <E::Paging as Paging<E>>::pages(self)
    }
}
