//! When and how long to wait before trying a call again.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::error::is_retryable_status;

/// How the client retries failed calls.
///
/// The default is safe for a production service:
/// - a call is retried at most 3 times (4 attempts), and never past a 60 s overall deadline
///   (after which it fails with [`Error::Timeout`](crate::Error::Timeout));
/// - a request that never reached the server (connection refused, DNS or TLS failure, connect
///   timeout) and a `429 Too Many Requests` are always retried: the server did not act on
///   them;
/// - `408`, `500`, `502`, `503`, `504`, timeouts and connections broken mid-response are
///   retried only for idempotent endpoints (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, or an
///   endpoint declared `idempotent = true`), since a `POST` may already have been processed;
/// - waits grow exponentially from 200 ms, capped at 5 s, with full jitter;
/// - a `Retry-After` header (seconds or HTTP date) is honoured up to 30 s; a longer one, or
///   one that would end past the deadline, ends the retries and returns the error (with its
///   [`retry_after`](crate::Error::Api::retry_after)), so a caller is never stalled for
///   minutes;
/// - `400`, `401`, `403`, `404` and every other status are never retried, nor is a 2xx whose
///   body does not decode or is too large.
///
/// Four attempts spread over a few seconds ride out a deploy or a brief overload without
/// hiding an outage for long; the jitter keeps many clients from retrying in lockstep.
/// Durations may be as large as `Duration::MAX` (no deadline, say).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Returns a policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a call may be retried after its first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first backoff and the cap on any backoff; each retry doubles the previous
    /// backoff, and the actual wait is a random duration up to it (full jitter).
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest `Retry-After` the client will wait; a longer one is not retried.
    #[must_use]
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the deadline for a whole call, all attempts and waits included.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Returns the deadline for a whole call.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Returns how long to wait before retry number `retry` (0 for the first retry) when the
    /// server gave no `Retry-After`: a random duration up to the exponential backoff.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server answered with this status.
    Status(StatusCode),
    /// The request never reached the server.
    NotSent,
    /// The request may have reached the server, but no complete answer came back (a timeout
    /// or a connection broken mid-response).
    Lost,
    /// The request cannot be sent at all (the HTTP layer refused to build it): trying again
    /// gives the same answer.
    Unsendable,
}

/// Returns whether an attempt with this outcome should be retried, by the rules documented
/// on [`RetryPolicy`].
pub(crate) fn should_retry(outcome: Outcome, idempotent: bool) -> bool {
    match outcome {
        Outcome::NotSent => true,
        Outcome::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Outcome::Status(status) => idempotent && is_retryable_status(status),
        Outcome::Lost => idempotent,
        Outcome::Unsendable => false,
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn post_is_retried_only_when_not_processed() {
        assert!(should_retry(Outcome::NotSent, false));
        assert!(should_retry(
            Outcome::Status(StatusCode::TOO_MANY_REQUESTS),
            false
        ));
        assert!(!should_retry(
            Outcome::Status(StatusCode::SERVICE_UNAVAILABLE),
            false
        ));
        assert!(!should_retry(Outcome::Lost, false));
    }

    #[test]
    fn a_request_that_cannot_be_built_is_never_retried() {
        assert!(!should_retry(Outcome::Unsendable, true));
        assert!(!should_retry(Outcome::Unsendable, false));
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_retries, 3);
        assert_eq!(policy.initial_backoff, Duration::from_millis(200));
        assert_eq!(policy.max_backoff, Duration::from_secs(5));
        assert_eq!(policy.max_retry_after, Duration::from_secs(30));
        assert_eq!(policy.deadline(), Duration::from_secs(60));
        assert_eq!(RetryPolicy::none().max_retries, 0);
    }

    #[test]
    fn idempotent_calls_retry_server_errors_but_not_client_errors() {
        for code in [408, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(should_retry(Outcome::Status(status), true), "{code}");
        }
        for code in [400, 401, 403, 404, 409, 413, 501] {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(!should_retry(Outcome::Status(status), true), "{code}");
        }
        assert!(should_retry(Outcome::Lost, true));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));

        let in_ten = SystemTime::now() + Duration::from_secs(10);
        let date = httpdate::fmt_http_date(in_ten);
        headers.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait <= Duration::from_secs(10) && wait >= Duration::from_secs(8));

        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));

        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(800));
        for retry in 0..40 {
            let ceiling = Duration::from_millis(100 * (1u64 << retry.min(3)));
            assert!(policy.backoff(retry) <= ceiling, "{retry}");
        }
    }
}
