//! The synchronous client (feature `blocking`): the async [`Client`](super::Client) driven
//! on a current-thread tokio runtime of its own, for programs that do not run tokio.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use futures::StreamExt;
use futures::stream::BoxStream;

use super::builder::ClientBuilder;
use super::error::{Error, Result};
use super::request::{Async, Endpoint, Mode, Paginated, Request};

/// A synchronous API client: the same operations, grouped the same way, as the async
/// [`Client`](crate::Client), each call's `.send()` returning once the response is read.
///
/// Build one with [`Client::new`], [`Client::from_env`], [`ClientBuilder::build_blocking`]
/// (every setting of the async client) or from an async client (`Client::from(client)`).
/// Cloning is cheap and shares the connection pool and the runtime.
///
/// The client runs each call on the calling thread, over a current-thread tokio runtime it
/// starts on first use, with a thread of its own that drives the runtime's connections and
/// timers between calls (so that the async client sharing its connection pool never waits
/// on a connection that nothing drives). It is meant for threads that run no async runtime: called from inside one (an
/// `async fn` under `#[tokio::main]`, or a `spawn_blocking` thread), a call fails with
/// [`Error::Config`] instead of blocking the runtime; use the async client there, or call
/// from a thread started with `std::thread::spawn`.
///
/// ```no_run
/// # fn demo() -> prolinksqr::Result<()> {
/// // The credentials, and optionally the base URL, from the environment.
/// let client = prolinksqr::blocking::Client::from_env()?;
/// println!("sending to {}", client.base_url());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: super::Client,
    runtime: Arc<Runtime>,
}

/// The lazily started runtime shared by a client and its clones.
struct Runtime {
    /// The runtime's driver, or why it could not be started (kept, so that each call says
    /// why).
    cell: OnceLock<std::result::Result<Driver, String>>,
}

/// A current-thread runtime driven by a thread of its own, as `reqwest::blocking` does.
///
/// Each call runs on the caller's thread (`Handle::block_on`), but the runtime's I/O, its
/// timers and the tasks hyper spawns for pooled connections are driven by the runtime's
/// own thread, all the time. Driven only during calls, a connection left in the pool
/// would stall whoever took it next: the async client shares the pool, and its call would
/// wait on a connection task nothing polls.
struct Driver {
    handle: tokio::runtime::Handle,
    /// Dropping it ends the thread's `block_on`; the thread then drops the runtime, which
    /// is never dropped inside another runtime (where tokio would panic).
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Driver {
    fn start() -> std::result::Result<Driver, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("cannot start the blocking client's runtime: {err}"))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("blocking-client-runtime".to_owned())
            .spawn(move || {
                runtime.block_on(async {
                    // `Err(RecvError)`: every clone of the client is gone.
                    let _ = stopped.await;
                });
            })
            .map_err(|err| format!("cannot start the blocking client's runtime thread: {err}"))?;
        Ok(Driver {
            handle,
            _stop: stop,
        })
    }
}

impl Client {
    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// A request to a path the API description does not name, e.g.
    /// `client.raw(Method::GET, "/things/7/parts")`: the blocking form of
    /// [`crate::Client::raw`], sent the same way (base URL, credential, retries, limits).
    ///
    /// ```no_run
    /// # fn demo(client: prolinksqr::blocking::Client) -> prolinksqr::Result<()> {
    /// use prolinksqr::reqwest::Method;
    ///
    /// let response = client
    ///     .raw(Method::GET, "/status")
    ///     .query(&[("verbose", "true")])
    ///     .send_json::<serde_json::Value>()?;
    /// println!("{}: {}", response.status(), *response);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest {
        RawRequest {
            request: self.inner.raw(method, path),
            client: self.clone(),
        }
    }

    /// The async client this one drives: the same settings and connection pool.
    pub fn as_async(&self) -> &super::Client {
        &self.inner
    }

    /// Runs `future` (a call of the async client) to completion on this thread.
    ///
    /// Fails with [`Error::Config`], without running it, on a thread inside a tokio runtime
    /// (where blocking would stall it, and tokio would panic), or if the runtime cannot be
    /// created.
    #[doc(hidden)]
    pub fn block_on<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called inside an async runtime, where it would block \
                 the runtime's thread: use the async Client there (`.send().await`), or call \
                 from a thread outside the runtime"
                    .to_owned(),
            ));
        }
        match self.runtime.cell.get_or_init(Driver::start) {
            Ok(driver) => driver.handle.block_on(future),
            Err(message) => Err(Error::Config(message.clone())),
        }
    }

    /// The items of `stream` (a paginated list of the async client), one at a time.
    #[doc(hidden)]
    pub fn iter_stream<T>(&self, stream: BoxStream<'static, Result<T>>) -> Iter<T> {
        Iter {
            client: self.clone(),
            stream: Some(stream),
        }
    }
}

/// Requests sent on the calling thread by the blocking [`Client`]: its groups return
/// `Request<_, Blocking>`, whose `send()` returns once the response is read.
#[derive(Debug, Clone, Copy)]
pub struct Blocking;

impl Mode for Blocking {
    type Client = Client;
}

impl<E: Endpoint> Request<E, Blocking> {
    /// The request as the async client sends it.
    fn into_async(self) -> (Client, Request<E>) {
        let client = self.client.clone();
        let request = self.with_client::<Async>(client.as_async().clone());
        (client, request)
    }

    /// Sends the request and decodes the response, blocking this thread until it is done
    /// (retries included).
    pub fn send(self) -> Result<E::Output> {
        let (client, request) = self.into_async();
        client.block_on(request.send())
    }

    /// Sends the request and returns the decoded response with its status and headers,
    /// blocking this thread until it is done.
    pub fn send_response(self) -> Result<super::Response<E::Output>> {
        let (client, request) = self.into_async();
        client.block_on(request.send_response())
    }
}

impl<E: Paginated> Request<E, Blocking> {
    /// Every item of every page, each page fetched on this thread when the items before it
    /// have been taken (see the async `stream()`).
    pub fn iter(self) -> Iter<E::Item> {
        let (client, request) = self.into_async();
        client.iter_stream(request.stream())
    }

    /// Every page (what `send()` returns for one), each fetched on this thread when asked
    /// for.
    pub fn pages(self) -> Iter<E::Output> {
        let (client, request) = self.into_async();
        client.iter_stream(request.pages())
    }
}

impl From<super::Client> for Client {
    /// A blocking client with the settings and connection pool of `client`.
    fn from(client: super::Client) -> Client {
        Client {
            inner: client,
            runtime: Arc::new(Runtime {
                cell: OnceLock::new(),
            }),
        }
    }
}

impl ClientBuilder {
    /// Validates the configuration and builds a [`blocking::Client`](Client) (see
    /// [`build`](Self::build) for what is checked).
    pub fn build_blocking(self) -> Result<Client> {
        self.build().map(Client::from)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

/// A request to a path the API description does not name, sent on this thread. Get one
/// from [`Client::raw`]; its methods are those of the async [`crate::RawRequest`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()`"]
pub struct RawRequest {
    client: Client,
    request: super::RawRequest,
}

impl RawRequest {
    /// Adds query parameters: anything `serde` writes as pairs of names and values, like a
    /// struct, a map or `&[("name", "value")]` (`None` values are left out). Calls add up.
    pub fn query<Q: serde::Serialize + ?Sized>(mut self, query: &Q) -> Self {
        self.request = self.request.query(query);
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`), replacing an earlier body.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.request = self.request.json(body);
        self
    }

    /// Adds a header to every attempt, as a request builder's `.header()` does.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<reqwest::header::HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<reqwest::header::HeaderValue>,
        V::Error: fmt::Display,
    {
        self.request = self.request.header(name, value);
        self
    }

    /// Limits each attempt to `timeout`, instead of the client's.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.request = self.request.timeout(timeout);
        self
    }

    /// Retries under `policy`, instead of the client's.
    pub fn retry(mut self, policy: super::RetryPolicy) -> Self {
        self.request = self.request.retry(policy);
        self
    }

    /// Sends the request and returns the 2xx response's body as bytes.
    pub fn send(self) -> Result<super::Response<bytes::Bytes>> {
        self.client.block_on(self.request.send())
    }

    /// Sends the request and decodes the 2xx response's body as JSON.
    pub fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<super::Response<T>> {
        self.client.block_on(self.request.send_json())
    }
}

/// The items (or pages) of a paginated list, fetched lazily: the next page is requested
/// only when the items of the previous one are used up. After an error it ends.
///
/// Returned by `.iter()` and `.pages()` of a blocking list request.
#[must_use = "an iterator does nothing until it is used"]
pub struct Iter<T> {
    client: Client,
    /// `None` once the list is done or failed.
    stream: Option<BoxStream<'static, Result<T>>>,
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let stream = self.stream.as_mut()?;
        let next = self.client.block_on(async { Ok(stream.next().await) });
        match next {
            Ok(Some(Ok(item))) => Some(Ok(item)),
            Ok(None) => {
                self.stream = None;
                None
            }
            Ok(Some(Err(err))) | Err(err) => {
                self.stream = None;
                Some(Err(err))
            }
        }
    }
}

impl<T> fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("client", &self.client)
            .field("done", &self.stream.is_none())
            .finish()
    }
}
