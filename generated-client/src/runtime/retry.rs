//! When to retry a failed attempt, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How the client retries requests that failed for reasons likely to be temporary.
///
/// Only connection failures (including a connection that closed before the response was
/// complete), timeouts and `502`/`503`/`504` responses are retried, and only for methods
/// that are safe to repeat (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`), unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) also allows `POST` and
/// `PATCH`. A `429 Too Many Requests` is retried for any method, since the server refused
/// the request before acting on it, unless the API's description says its 429 means a
/// spent quota ([`Error::is_quota_exhausted`](crate::Error::is_quota_exhausted)), which
/// no retry outlasts.
///
/// Waits use exponential backoff with full jitter, capped at
/// [`max_backoff`](RetryPolicy::max_backoff). A `Retry-After` header (seconds or an HTTP
/// date) is honoured as the least wait, up to [`max_retry_after`](RetryPolicy::max_retry_after);
/// a server that asks for longer gets no retry (its error is returned at once) rather than
/// a retry sooner than it asked for. All attempts and waits together end by the
/// [`deadline`](RetryPolicy::deadline): no retry starts whose wait would reach it, and
/// each attempt's timeout is cut to the time left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    deadline: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy: up to 2 retries, backoff from 200 ms up to 5 s, a server's
    /// `Retry-After` honoured up to 30 s, 60 s for all attempts together, idempotent
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

    /// The longest backoff the client picks by itself before a retry (a server's
    /// `Retry-After` is bounded by [`max_retry_after`](Self::max_retry_after) instead).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client honours (default 30 s). A response asking for
    /// a longer wait is not retried: its error is returned at once, so the caller can
    /// decide, instead of the client waiting less than the server asked.
    pub fn max_retry_after(mut self, ceiling: Duration) -> Self {
        self.max_retry_after = ceiling;
        self
    }

    /// The time all attempts of one call may take together, waits included (default 60 s;
    /// `Duration::MAX` for none). An attempt's timeout is cut to what is left, and a retry
    /// whose wait would reach the deadline is not started: the last error is returned.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The overall deadline of a call that starts now, if it is representable.
    pub(crate) fn deadline_from(
        &self,
        start: tokio::time::Instant,
    ) -> Option<tokio::time::Instant> {
        start.checked_add(self.deadline)
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

    /// The wait before retry number `retry` (0-based): the jittered backoff, but at least
    /// a server-sent `Retry-After`; `None` (do not retry) if the server asks for more than
    /// `max_retry_after`.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let retry_after = retry_after.unwrap_or_default();
        if retry_after > self.max_retry_after {
            return None;
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        Some(ceiling.mul_f64(random_unit()).max(retry_after))
    }
}

/// The wait a `Retry-After` header asks for, in either of its forms: delay-seconds or an
/// HTTP date (a date in the past means no wait). `None` if absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(text)?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Parses the three date formats HTTP recipients must accept (RFC 9110, section 5.6.7):
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`
/// and asctime `Sun Nov  6 08:49:37 1994`.
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let tokens: Vec<&str> = text
        .split([' ', ',', '-', ':'])
        .filter(|t| !t.is_empty())
        .collect();
    let (day, month, year, clock) = match tokens.as_slice() {
        [_, day, month, year, h, m, s, "GMT"] => (*day, *month, *year, [*h, *m, *s]),
        [_, month, day, h, m, s, year] => (*day, *month, *year, [*h, *m, *s]),
        _ => return None,
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let mut year: i64 = year.parse().ok()?;
    if year < 100 {
        // RFC 850's two-digit year, read the way the other date crates do.
        year += if year < 70 { 2000 } else { 1900 };
    }
    let [h, m, s] = clock.map(|part| part.parse::<u64>().ok());
    let (h, m, s) = (h?, m?, s?);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let seconds = days * 86_400 + h * 3_600 + m * 60 + s;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Statuses that usually mean a proxy or the server is briefly unavailable.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Failures of the connection rather than of the request: it could not be made, timed
/// out, or closed before the response was complete (while sending, before the headers, or
/// in the middle of the body).
pub(crate) fn is_retryable_error(err: &reqwest::Error) -> bool {
    err.is_connect() || err.is_timeout() || err.is_request() || err.is_body() || err.is_decode()
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
            assert!(p.backoff(0, None).unwrap() <= Duration::from_millis(100));
            assert!(p.backoff(1, None).unwrap() <= Duration::from_millis(200));
            assert!(p.backoff(5, None).unwrap() <= Duration::from_millis(350));
            assert!(p.backoff(40, None).unwrap() <= Duration::from_millis(350));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_ceiling_and_refused_beyond() {
        let p = RetryPolicy::new()
            .max_backoff(Duration::from_secs(2))
            .max_retry_after(Duration::from_secs(10));
        // More than max_backoff, within the ceiling: waited in full (it used to be cut to 2 s).
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(10))),
            Some(Duration::from_secs(10))
        );
        assert_eq!(p.backoff(0, Some(Duration::from_secs(11))), None);
    }

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            reqwest::header::HeaderValue::from_static(value),
        );
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_all_three_date_formats() {
        // 1994-11-06 08:49:37 UTC.
        let at = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let now = at - Duration::from_secs(90);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
        assert_eq!(
            retry_after(&headers(" 3 "), now),
            Some(Duration::from_secs(3))
        );
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(date), Some(at), "{date}");
            assert_eq!(
                retry_after(&headers(date), now),
                Some(Duration::from_secs(90)),
                "{date}"
            );
        }
        // A date already past asks for no wait.
        assert_eq!(
            retry_after(
                &headers("Sun, 06 Nov 1994 08:49:37 GMT"),
                at + Duration::from_secs(5)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_835_481_599))
        );
        for bad in [
            "soon",
            "-1",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "",
        ] {
            assert_eq!(retry_after(&headers(bad), now), None, "{bad}");
        }
    }

    #[test]
    fn jitter_varies() {
        let samples: Vec<f64> = (0..50).map(|_| random_unit()).collect();
        assert!(samples.iter().all(|x| (0.0..=1.0).contains(x)));
        let first = samples[0];
        assert!(samples.iter().any(|x| *x != first));
    }
}
