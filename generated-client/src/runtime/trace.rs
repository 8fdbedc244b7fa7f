//! What the request loop tells `tracing` (with the `tracing` feature; without it every
//! method here is empty and compiles away).
//!
//! One `request` span per operation call, with the fields `operation` (the operationId),
//! `method`, `path` (the template, e.g. `/links/{id}`, never the filled-in path), `attempt`
//! (the attempts made so far: 1, 2, ...), `status` (the last response's status code) and
//! `latency_ms` (the whole call, retries and waits included); and one `retrying` event per
//! retry, with the attempt that failed, the `reason` and the `wait_ms` before the next.
//! The credential, query, headers and bodies are never recorded: a transport error's reason
//! is its kind (`timeout`, `connect`, ...), not its message, which names the URL.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;

use super::api::Operation;

/// Why an attempt is retried.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(super) enum RetryReason {
    /// The server answered with this (retryable) status.
    Status(StatusCode),
    /// The request or the body read failed.
    Transport(&'static str),
}

/// The kind of a transport error, for the `reason` of a retry: never its message, which
/// holds the URL (and with it a query-parameter credential).
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(super) fn transport_kind(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect"
    } else if err.is_body() || err.is_decode() {
        "body"
    } else if err.is_request() {
        "request"
    } else {
        "transport"
    }
}

/// The span of one operation call.
pub(super) struct Trace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    start: tokio::time::Instant,
}

impl Trace {
    /// Opens the span of a call of `op`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn new(op: &Operation) -> Trace {
        Trace {
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                "request",
                operation = op.id,
                method = %op.method,
                path = op.path,
                attempt = tracing::field::Empty,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            ),
            #[cfg(feature = "tracing")]
            start: tokio::time::Instant::now(),
        }
    }

    /// Runs `future` (the request loop) inside the span, then records the latency.
    pub(super) async fn run<T>(&self, future: impl Future<Output = T>) -> T {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let out = future.instrument(self.span.clone()).await;
            let latency = self.start.elapsed().as_millis();
            self.span
                .record("latency_ms", u64::try_from(latency).unwrap_or(u64::MAX));
            out
        }
        #[cfg(not(feature = "tracing"))]
        future.await
    }

    /// Attempt `number` (1 for the first) is about to be sent.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn attempt(&self, number: u32) {
        #[cfg(feature = "tracing")]
        self.span.record("attempt", number);
    }

    /// A response with `status` arrived.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn status(&self, status: StatusCode) {
        #[cfg(feature = "tracing")]
        self.span.record("status", status.as_u16());
    }

    /// Attempt `attempt` failed for `reason` and another follows after `wait`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn retry(&self, attempt: u32, reason: &RetryReason, wait: Duration) {
        #[cfg(feature = "tracing")]
        {
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            match reason {
                RetryReason::Status(status) => tracing::info!(
                    parent: &self.span,
                    attempt,
                    reason = "status",
                    status = status.as_u16(),
                    wait_ms,
                    "retrying"
                ),
                RetryReason::Transport(kind) => {
                    tracing::info!(parent: &self.span, attempt, reason = *kind, wait_ms, "retrying")
                }
            }
        }
    }
}
