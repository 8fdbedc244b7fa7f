//! When to retry a failed attempt, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};

/// How the client retries requests that failed for reasons likely to be temporary.
///
/// Only connection failures, timeouts and `502`/`503`/`504` responses are retried, and only
/// for methods that are safe to repeat (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`), unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) also allows `POST` and
/// `PATCH`. `429` is never retried: for this API it means the billing-cycle quota is spent.
///
/// Waits use exponential backoff with full jitter, capped at
/// [`max_backoff`](RetryPolicy::max_backoff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy: up to 2 retries, backoff from 200 ms up to 5 s, idempotent
    /// methods only.
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a request may be retried after the first attempt.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The upper bound of the wait before the first retry; it doubles for each later one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest the client waits before any retry, including a server's `Retry-After`.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Also retry `POST` and `PATCH`. Only enable this if repeating such a request cannot
    /// cause harm (e.g. a duplicate link), since a failed attempt may have reached the server.
    pub fn retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry_non_idempotent = enabled;
        self
    }

    /// Whether `method` may be retried at all under this policy.
    pub(crate) fn allows_method(&self, method: &Method) -> bool {
        let idempotent = [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ];
        idempotent.contains(method)
            || (self.retry_non_idempotent && (method == Method::POST || method == Method::PATCH))
    }

    /// Whether another attempt is allowed after `retries_done` retries.
    pub(crate) fn has_budget(&self, retries_done: u32) -> bool {
        retries_done < self.max_retries
    }

    /// The wait before retry number `retry` (0-based), honouring a server-sent
    /// `Retry-After` as a lower bound, everything capped at `max_backoff`.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        let jittered = ceiling.mul_f64(random_unit());
        jittered
            .max(retry_after.unwrap_or_default())
            .min(self.max_backoff)
    }
}

/// Statuses that usually mean a proxy or the server is briefly unavailable.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Failures where the request most likely never produced a response.
pub(crate) fn is_retryable_error(err: &reqwest::Error) -> bool {
    err.is_connect() || err.is_timeout()
}

/// A uniformly distributed number in `[0, 1]`.
///
/// Jitter needs no cryptographic quality, only different values across calls and
/// processes: each `RandomState` is seeded randomly per process, and hashing a counter
/// spreads consecutive calls apart.
fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let bits = RandomState::new().hash_one(n);
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let p = RetryPolicy::new();
        assert!(p.has_budget(1));
        assert!(!p.has_budget(2));
        assert!(!RetryPolicy::none().has_budget(0));
    }

    #[test]
    fn methods() {
        let p = RetryPolicy::new();
        for m in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert!(p.allows_method(&m), "{m}");
        }
        assert!(!p.allows_method(&Method::POST));
        assert!(!p.allows_method(&Method::PATCH));
        let p = p.retry_non_idempotent(true);
        assert!(p.allows_method(&Method::POST));
        assert!(p.allows_method(&Method::PATCH));
    }

    #[test]
    fn statuses() {
        for s in [502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [400, 401, 403, 404, 429, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.backoff(0, None) <= Duration::from_millis(100));
            assert!(p.backoff(1, None) <= Duration::from_millis(200));
            assert!(p.backoff(5, None) <= Duration::from_millis(350));
            assert!(p.backoff(40, None) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn retry_after_is_a_floor_but_still_capped() {
        let p = RetryPolicy::new().max_backoff(Duration::from_secs(2));
        assert!(p.backoff(0, Some(Duration::from_secs(1))) >= Duration::from_secs(1));
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(60))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn jitter_varies() {
        let samples: Vec<f64> = (0..50).map(|_| random_unit()).collect();
        assert!(samples.iter().all(|x| (0.0..=1.0).contains(x)));
        let first = samples[0];
        assert!(samples.iter().any(|x| *x != first));
    }
}
