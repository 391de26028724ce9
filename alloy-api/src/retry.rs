//! When and how long to wait before trying a call again.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

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
///   [`retry_after`](crate::Error::retry_after)), so a caller is never stalled for
///   minutes;
/// - `400`, `401`, `403`, `404` and every other status are never retried, nor is a 2xx whose
///   body does not decode, nor is an answer the client cannot accept whatever its status
///   (a body over the size cap, a response head too large or not HTTP): the same request
///   would get the same answer.
///
/// Four attempts spread over a few seconds ride out a deploy or a brief overload without
/// hiding an outage for long; the jitter keeps many clients from retrying in lockstep.
/// Durations may be as large as `Duration::MAX` (no deadline, say).
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Returns the longest wait before retry number `retry` (0 for the first retry) when the
    /// server gave no `Retry-After`: the exponential backoff, capped.
    fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
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
    /// The server answered, but with something the client cannot accept whatever the
    /// status: a response head too large or not HTTP, or a body over the size cap. The same
    /// request would get the same answer, so it is never retried.
    Invalid,
}

/// Returns whether a response status is worth retrying: 408, 429, 500, 502, 503 and 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Returns whether an attempt with this outcome should be retried, by the rules documented
/// on [`RetryPolicy`]: the one verdict behind both the client's retries and
/// [`Error::is_retryable`](crate::Error::is_retryable).
pub(crate) fn should_retry(outcome: Outcome, idempotent: bool) -> bool {
    match outcome {
        Outcome::NotSent => true,
        Outcome::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Outcome::Status(status) => idempotent && is_retryable_status(status),
        Outcome::Lost => idempotent,
        Outcome::Unsendable | Outcome::Invalid => false,
    }
}

/// What to do after an attempt that did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then send the request again.
    Retry(Duration),
    /// Give this attempt's result to the caller.
    Stop,
}

/// One attempt that did not succeed, as the retry decision sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    /// What happened.
    pub(crate) outcome: Outcome,
    /// Whether the endpoint may be repeated after it may have reached the server.
    pub(crate) idempotent: bool,
    /// How many retries came before this attempt (0 for the first attempt).
    pub(crate) retries: u32,
    /// How long the server asked to wait (`Retry-After`), if it did.
    pub(crate) retry_after: Option<Duration>,
    /// The time left before the call's deadline.
    pub(crate) remaining: Duration,
}

/// Decides whether to retry, and after how long: a pure function of the policy, the attempt
/// and `jitter`, a random fraction in `[0, 1)` that scales the backoff (full jitter), so that
/// every rule documented on [`RetryPolicy`] is tested without a clock, a network or chance.
pub(crate) fn decide(policy: &RetryPolicy, attempt: Attempt, jitter: f64) -> Decision {
    if attempt.retries >= policy.max_retries || !should_retry(attempt.outcome, attempt.idempotent) {
        return Decision::Stop;
    }
    let wait = match attempt.retry_after {
        // The server asked for longer than we are willing to wait: give its answer (with its
        // `Retry-After`) to the caller now rather than stall.
        Some(wait) if wait > policy.max_retry_after => return Decision::Stop,
        Some(wait) => wait,
        None => policy
            .backoff_ceiling(attempt.retries)
            .mul_f64(jitter.clamp(0.0, 1.0)),
    };
    // A wait that would end at or past the deadline cannot lead to a successful call.
    if wait >= attempt.remaining {
        return Decision::Stop;
    }
    Decision::Retry(wait)
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
        // An oversized or unreadable answer is deterministic: never retried.
        assert!(!should_retry(Outcome::Invalid, true));
        assert!(!should_retry(Outcome::Invalid, false));
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

    fn attempt(outcome: Outcome) -> Attempt {
        Attempt {
            outcome,
            idempotent: true,
            retries: 0,
            retry_after: None,
            remaining: Duration::from_secs(60),
        }
    }

    const UNAVAILABLE: Outcome = Outcome::Status(StatusCode::SERVICE_UNAVAILABLE);

    #[test]
    fn backoff_grows_doubling_and_is_capped() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(800));
        for retries in 0..40 {
            let ceiling = Duration::from_millis(100 * (1u64 << retries.min(3)));
            let policy = policy.clone().with_max_retries(u32::MAX);
            let at = |jitter| {
                decide(
                    &policy,
                    Attempt {
                        retries,
                        ..attempt(UNAVAILABLE)
                    },
                    jitter,
                )
            };
            assert_eq!(
                at(0.999_999_999),
                Decision::Retry(ceiling.mul_f64(0.999_999_999))
            );
            assert_eq!(at(0.5), Decision::Retry(ceiling / 2), "{retries}");
            assert_eq!(at(0.0), Decision::Retry(Duration::ZERO), "{retries}");
        }
    }

    #[test]
    fn retries_stop_at_the_policy_maximum() {
        let policy = RetryPolicy::default().with_max_retries(2);
        let at = |retries| {
            decide(
                &policy,
                Attempt {
                    retries,
                    ..attempt(UNAVAILABLE)
                },
                0.5,
            )
        };
        assert!(matches!(at(0), Decision::Retry(_)));
        assert!(matches!(at(1), Decision::Retry(_)));
        assert_eq!(at(2), Decision::Stop);
        assert_eq!(
            decide(&RetryPolicy::none(), attempt(UNAVAILABLE), 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn the_decision_follows_should_retry() {
        let policy = RetryPolicy::default();
        let post = |outcome| Attempt {
            idempotent: false,
            ..attempt(outcome)
        };
        assert_eq!(decide(&policy, post(UNAVAILABLE), 0.5), Decision::Stop);
        assert_eq!(decide(&policy, post(Outcome::Lost), 0.5), Decision::Stop);
        assert!(matches!(
            decide(&policy, post(Outcome::NotSent), 0.5),
            Decision::Retry(_)
        ));
        let too_many = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(matches!(
            decide(&policy, post(too_many), 0.5),
            Decision::Retry(_)
        ));
        let not_found = Outcome::Status(StatusCode::NOT_FOUND);
        assert_eq!(decide(&policy, attempt(not_found), 0.5), Decision::Stop);
    }

    #[test]
    fn retry_after_is_waited_exactly_up_to_the_cap() {
        let policy = RetryPolicy::default().with_max_retry_after(Duration::from_secs(30));
        let asked = |secs| Attempt {
            retry_after: Some(Duration::from_secs(secs)),
            ..attempt(UNAVAILABLE)
        };
        // The server's wait replaces the backoff, whatever the jitter.
        assert_eq!(
            decide(&policy, asked(7), 0.0),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(
            decide(&policy, asked(30), 0.9),
            Decision::Retry(Duration::from_secs(30))
        );
        assert_eq!(decide(&policy, asked(31), 0.5), Decision::Stop);
        assert_eq!(
            decide(&policy, asked(0), 0.5),
            Decision::Retry(Duration::ZERO)
        );
    }

    #[test]
    fn no_wait_may_end_past_the_deadline() {
        let policy = RetryPolicy::default();
        let with = |retry_after, remaining| Attempt {
            retry_after,
            remaining,
            ..attempt(UNAVAILABLE)
        };
        let second = Duration::from_secs(1);
        assert_eq!(
            decide(&policy, with(Some(5 * second), 4 * second), 0.5),
            Decision::Stop
        );
        assert_eq!(
            decide(&policy, with(Some(5 * second), 5 * second), 0.5),
            Decision::Stop
        );
        assert_eq!(
            decide(&policy, with(Some(5 * second), 6 * second), 0.5),
            Decision::Retry(5 * second)
        );
        assert_eq!(
            decide(&policy, with(None, Duration::ZERO), 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn huge_durations_do_not_overflow() {
        let policy = RetryPolicy::default()
            .with_max_retries(u32::MAX)
            .with_backoff(Duration::MAX, Duration::MAX)
            .with_max_retry_after(Duration::MAX)
            .with_deadline(Duration::MAX);
        let late = Attempt {
            retries: u32::MAX - 1,
            remaining: Duration::MAX,
            ..attempt(UNAVAILABLE)
        };
        assert!(matches!(decide(&policy, late, 0.5), Decision::Retry(_)));
    }

    #[test]
    fn the_readme_lists_exactly_the_retried_statuses() {
        // README: "Idempotent calls are retried on 408, 429, 500, 502, 503, 504, ...".
        let readme = include_str!("../README.md");
        let at = readme
            .find("retried on ")
            .expect("the README says what is retried")
            + 11;
        let listed: Vec<u16> = readme[at..]
            .split(", ")
            .map_while(|word| word.parse().ok())
            .collect();
        let retried: Vec<u16> = (100..=599)
            .filter(|&s| is_retryable_status(StatusCode::from_u16(s).unwrap()))
            .collect();
        assert_eq!(listed, retried);
    }
}
