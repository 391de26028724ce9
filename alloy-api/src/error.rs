//! The one error type of the client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::RawResponse;
use crate::models::ErrorResponse;
use crate::redact::{RedactedJsonError, write_json_error};
use crate::retry::{Outcome, should_retry};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call, keeping what a caller needs to act on it.
///
/// Response bodies are kept (see [`Error::body`]) but never printed by `Display` or `Debug`,
/// because a body can carry a user token.
///
/// The enum and each of its variants are `#[non_exhaustive]`: a later version may add a
/// variant or a field without breaking your code, so match with `..` and a wildcard arm, or
/// use the accessors ([`status`](Error::status), [`headers`](Error::headers),
/// [`is_retryable`](Error::is_retryable), ...).
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx: its status, error body and headers
    /// are in the [`ApiError`].
    Api(ApiError),
    /// A success response whose body could not be decoded into the expected type.
    ///
    /// `Display` and `Debug` show what the decoder expected and where, but not the values it
    /// quotes from the body, which can be a token.
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the JSON decoder said. Its own `Display` quotes parts of the body.
        source: serde_json::Error,
        /// The body that failed to decode.
        body: Bytes,
    },
    /// Connecting, one attempt, or the whole call with its retries took longer than allowed.
    #[non_exhaustive]
    Timeout {
        /// Which limit fired.
        kind: TimeoutKind,
        /// The limit that was reached.
        limit: Duration,
        /// Whether the client's retry rules allow sending the call again (see
        /// [`Error::is_retryable`]).
        retryable: bool,
    },
    /// The request could not be sent or the response could not be read (connection refused,
    /// reset, TLS failure, truncated body).
    ///
    /// The `source` is the HTTP client's error: a `reqwest::Error` (or, with a middleware
    /// stack, a layer's own error).
    #[non_exhaustive]
    Transport {
        /// Whether the request may have reached the server; `false` means it never left.
        maybe_sent: bool,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
        /// Whether the client's retry rules allow sending the call again (see
        /// [`Error::is_retryable`]).
        retryable: bool,
    },
    /// The response body was larger than the configured limit; it was not read further.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// An argument could not be sent safely; no request was made.
    #[non_exhaustive]
    InvalidArgument {
        /// The name of the offending parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The client was configured wrongly (a bad base URL, a missing API key).
    #[non_exhaustive]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// A walk over pages ([`Paginated`](crate::Paginated)) stopped before the end of the
    /// list: the server answered the page before again, or the walk reached its cap on
    /// pages. Every item fetched before was yielded.
    #[non_exhaustive]
    Pagination {
        /// Why the walk stopped.
        kind: PaginationKind,
        /// How many pages the walk had fetched.
        pages: u64,
    },
}

/// Why a walk over pages stopped early, in an [`Error::Pagination`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaginationKind {
    /// A page began with the same item as the page before it: the server does not move
    /// through the list as asked (it ignores the offset or the page number, say), and asking
    /// on would fetch the same page forever.
    NoProgress,
    /// The walk fetched as many pages as it may
    /// ([`Paginated::DEFAULT_MAX_PAGES`](crate::Paginated::DEFAULT_MAX_PAGES), or what
    /// [`Paginated::with_max_pages`](crate::Paginated::with_max_pages) set) and the list
    /// went on.
    TooManyPages,
}

impl PaginationKind {
    /// Returns a short name of the reason: `no_progress` or `too_many_pages`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoProgress => "no_progress",
            Self::TooManyPages => "too_many_pages",
        }
    }
}

/// Which limit a [`Error::Timeout`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Connecting (TCP and TLS handshakes) took longer than the connect timeout
    /// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)). The request
    /// was never sent.
    Connect,
    /// One attempt (send, wait, read the whole body) took longer than the per-attempt timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)). The request may have
    /// reached the server.
    Attempt,
    /// The whole call, retries and waits included, passed the retry policy's deadline
    /// ([`RetryPolicy::with_deadline`](crate::RetryPolicy::with_deadline)).
    Call,
}

impl TimeoutKind {
    /// Returns a short name of the limit: `connect`, `attempt` or `call`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Attempt => "attempt",
            Self::Call => "call",
        }
    }
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect timeout",
            Self::Attempt => "attempt timeout",
            Self::Call => "call deadline",
        })
    }
}

/// A non-2xx answer of the server, with what a caller needs to act on it: the status, the
/// server's `{error, message}` body (or the raw body when it is not that shape), how long it
/// asked to wait, and the headers (a request id, say).
///
/// Kept behind one allocation, so that the [`Error`] every call returns stays small; read it
/// through its accessors, which later versions can add to without a breaking change.
#[derive(Clone)]
pub struct ApiError(Box<ApiErrorInner>);

#[derive(Clone)]
struct ApiErrorInner {
    status: StatusCode,
    /// The client's retry rules for this status and the endpoint's idempotency.
    retryable: bool,
    error: Option<String>,
    message: Option<String>,
    retry_after: Option<Duration>,
    headers: HeaderMap,
    body: Bytes,
}

impl ApiError {
    /// Returns the HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// Returns the `error` code of the server's `ErrorResponse`, when it sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// Returns the `message` of the server's `ErrorResponse`, when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Returns how long the server asked us to wait (`Retry-After`), when it said so.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Returns the response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// Returns the request id the server gave the answer (its `x-request-id` header), the
    /// first thing support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.0.headers.get("x-request-id")?.to_str().ok()
    }

    /// Returns the raw response body, also when it was not an `ErrorResponse` (an HTML page
    /// from a proxy, say). Never printed by `Display` or `Debug`: it can carry a token.
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.0.status)?;
        match (&self.0.error, &self.0.message) {
            (Some(e), Some(m)) => write!(f, ": {e}: {m}"),
            (Some(s), None) | (None, Some(s)) => write!(f, ": {s}"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for ApiError {}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        f.debug_struct("ApiError")
            .field("status", &inner.status)
            .field("error", &inner.error)
            .field("message", &inner.message)
            .field("retry_after", &inner.retry_after)
            .field("headers", &inner.headers)
            .field("body", &format_args!("<{} bytes>", inner.body.len()))
            .finish()
    }
}

impl Error {
    /// Returns the HTTP status of an [`Error::Api`] or [`Error::Decode`] error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status()),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns the details of an [`Error::Api`] error.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Returns the server's `message` for an [`Error::Api`] error, when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.api()?.message()
    }

    /// Returns the server's `error` code for an [`Error::Api`] error, when it sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.api()?.error_code()
    }

    /// Returns the response headers of an [`Error::Api`] error.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.api().map(ApiError::headers)
    }

    /// Returns how long the server asked to wait (`Retry-After`) in an [`Error::Api`] error.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api()?.retry_after()
    }

    /// Returns the request id the server gave an [`Error::Api`] answer (its `x-request-id`
    /// header), the first thing support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.api()?.request_id()
    }

    /// Returns which limit a [`Error::Timeout`] hit.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Self::Timeout { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Returns the raw response body of an [`Error::Api`] or [`Error::Decode`] error.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Api(api) => Some(api.body()),
            Self::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Returns whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Returns whether the server answered 401 Unauthorized (a wrong or missing API key).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Returns why a walk over pages stopped early, for an [`Error::Pagination`].
    pub fn pagination_kind(&self) -> Option<PaginationKind> {
        match self {
            Self::Pagination { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Returns whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Returns whether the call may safely be sent again, later: the answer of the client's
    /// own retry rules (see [`RetryPolicy`](crate::RetryPolicy)) for this failure and this
    /// endpoint, whatever the count of retries or the deadline that made the client stop.
    ///
    /// True for a request that never reached the server and for a 429, whatever the method;
    /// for 408, 500, 502, 503, 504, an attempt timeout or a connection lost mid-answer, only
    /// when the endpoint is idempotent (a `POST` that may have been processed is not sent
    /// twice); never for other statuses, decode errors, an answer over the size cap or not
    /// HTTP, a request the HTTP layer could not build, invalid arguments or configuration.
    /// A retry loop of your own built on it repeats only what the client itself would.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => api.0.retryable,
            Self::Timeout { retryable, .. } | Self::Transport { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// Records the retry rules' verdict on this failure of an endpoint (`idempotent` or
    /// not), which [`is_retryable`](Self::is_retryable) then returns.
    pub(crate) fn judged(mut self, outcome: Outcome, idempotent: bool) -> Self {
        let verdict = should_retry(outcome, idempotent);
        match &mut self {
            Self::Api(api) => api.0.retryable = verdict,
            Self::Timeout { retryable, .. } | Self::Transport { retryable, .. } => {
                *retryable = verdict;
            }
            _ => {}
        }
        self
    }

    /// Builds an [`Error::Api`] from a non-2xx response of an endpoint (`idempotent` or not),
    /// parsing its body leniently and keeping its headers.
    pub(crate) fn from_response(response: RawResponse, idempotent: bool) -> Self {
        let RawResponse {
            status,
            headers,
            body,
            ..
        } = response;
        let parsed = serde_json::from_slice::<ErrorResponse>(&body).unwrap_or_default();
        Self::Api(ApiError(Box::new(ApiErrorInner {
            status,
            retryable: should_retry(Outcome::Status(status), idempotent),
            error: parsed.error,
            message: parsed.message,
            retry_after: crate::retry::retry_after(&headers),
            headers,
            body,
        })))
    }

    /// A timeout, judged as the retry rules judge it without knowing the endpoint: a
    /// connect timeout never sent the request; the others are judged by
    /// [`judged`](Self::judged) once the endpoint is known.
    pub(crate) fn timeout(kind: TimeoutKind, limit: Duration) -> Self {
        Self::Timeout {
            kind,
            limit,
            retryable: kind == TimeoutKind::Connect,
        }
    }

    /// A transport failure, judged by [`judged`](Self::judged) once the endpoint is known.
    pub(crate) fn transport(
        maybe_sent: bool,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        Self::Transport {
            maybe_sent,
            source,
            retryable: false,
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_argument(name: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => api.fmt(f),
            Self::Decode {
                status,
                source,
                body,
            } => {
                write!(
                    f,
                    "could not decode the {status} response ({} bytes): ",
                    body.len()
                )?;
                write_json_error(f, source)
            }
            Self::Timeout { kind, limit, .. } => {
                write!(f, "timed out: {kind} of {limit:?} reached")
            }
            // One level: the cause is the `source`, which reporters (anyhow, eyre, tracing's
            // error fields) print after it; printing it here too would show it twice.
            Self::Transport {
                maybe_sent: false, ..
            } => f.write_str("the request could not be sent"),
            Self::Transport {
                maybe_sent: true, ..
            } => f.write_str("the request failed after it may have reached the server"),
            Self::ResponseTooLarge { limit } => {
                write!(f, "the response body exceeded the limit of {limit} bytes")
            }
            Self::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Self::Config { reason } => write!(f, "invalid client configuration: {reason}"),
            Self::Pagination {
                kind: PaginationKind::NoProgress,
                pages,
            } => write!(
                f,
                "the page walk stopped at page {pages}: the server answered the page before again"
            ),
            Self::Pagination {
                kind: PaginationKind::TooManyPages,
                pages,
            } => write!(
                f,
                "the page walk stopped at its cap of {pages} pages before the end of the list"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Self::Decode {
                status,
                source,
                body,
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("source", &RedactedJsonError(source))
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
            Self::Timeout {
                kind,
                limit,
                retryable,
            } => f
                .debug_struct("Timeout")
                .field("kind", kind)
                .field("limit", limit)
                .field("retryable", retryable)
                .finish(),
            Self::Transport {
                maybe_sent,
                source,
                retryable,
            } => f
                .debug_struct("Transport")
                .field("maybe_sent", maybe_sent)
                .field("source", source)
                .field("retryable", retryable)
                .finish(),
            Self::ResponseTooLarge { limit } => f
                .debug_struct("ResponseTooLarge")
                .field("limit", limit)
                .finish(),
            Self::InvalidArgument { name, reason } => f
                .debug_struct("InvalidArgument")
                .field("name", name)
                .field("reason", reason)
                .finish(),
            Self::Config { reason } => f.debug_struct("Config").field("reason", reason).finish(),
            Self::Pagination { kind, pages } => f
                .debug_struct("Pagination")
                .field("kind", kind)
                .field("pages", pages)
                .finish(),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // `Decode` gives no source: serde_json's own message quotes the body (a token, say),
        // and error reporters print sources. Its `Display` carries the redacted message, and
        // the `source` field stays available to code that wants the details.
        match self {
            Self::Transport { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_body_keeps_status_and_text() {
        let page = || {
            RawResponse::new(
                StatusCode::BAD_GATEWAY,
                Bytes::from_static(b"<html>bad gateway</html>"),
            )
        };
        let e = Error::from_response(page(), true);
        assert_eq!(e.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(e.message(), None);
        assert_eq!(&e.body().unwrap()[..], b"<html>bad gateway</html>");
        assert!(e.is_retryable());
        // A POST that got a 502 may have been processed: not retryable.
        assert!(!Error::from_response(page(), false).is_retryable());
    }

    fn decode_error(body: &str, into: fn(&[u8]) -> serde_json::Error) -> Error {
        Error::Decode {
            status: StatusCode::OK,
            source: into(body.as_bytes()),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Token {
        token: String,
        kind: Kind,
    }

    #[derive(Debug, serde::Deserialize)]
    enum Kind {
        Jwt,
    }

    fn as_token(body: &[u8]) -> serde_json::Error {
        serde_json::from_slice::<Token>(body).unwrap_err()
    }

    #[test]
    fn decode_errors_do_not_quote_the_body() {
        for (body, shown) in [
            (
                r#""sekrit-token""#,
                "invalid type: string <redacted>, expected struct Token at line 1 column 14",
            ),
            (
                r#"{"token":"t","kind":"sekrit-token"}"#,
                "unknown variant <redacted>, expected `Jwt` at line 1 column 34",
            ),
            (
                r#"{"token":"t","kind":{"sekrit-token":1}}"#,
                "unknown variant <redacted>, expected `Jwt` at line 1 column 35",
            ),
            (
                r#"{"token":7,"kind":"Jwt"}"#,
                "invalid type: integer <redacted>, expected a string at line 1 column 10",
            ),
            (
                r#"{"kind":"Jwt"}"#,
                "missing field `token` at line 1 column 14",
            ),
            (
                r#"{"token":"a","token":"sekrit-token"}"#,
                "duplicate field `token` at line 1 column 20",
            ),
            (
                r#"{"token":"sekrit-token"#,
                "EOF while parsing a string at line 1 column 22",
            ),
            ("<html>sekrit-token", "expected value at line 1 column 1"),
        ] {
            let error = decode_error(body, as_token);
            let display = error.to_string();
            let debug = format!("{error:?}");
            assert!(!display.contains("sekrit"), "{display}");
            assert!(!debug.contains("sekrit"), "{debug}");
            assert!(display.ends_with(shown), "{display} / {shown}");
            assert!(debug.contains(shown), "{debug} / {shown}");
            assert_eq!(error.body().map(|b| &b[..]), Some(body.as_bytes()));
            assert!(std::error::Error::source(&error).is_none());
        }
    }

    #[test]
    fn debug_does_not_print_bodies() {
        let e = Error::from_response(
            RawResponse::new(
                StatusCode::BAD_REQUEST,
                Bytes::from_static(b"{\"message\":\"secret-token-xyz\"}"),
            ),
            true,
        );
        let debug = format!("{e:?}");
        assert!(!debug.contains("\"message\":\"secret"), "{debug}");
        assert!(debug.contains("bytes>"), "{debug}");
    }

    #[test]
    fn api_errors_keep_headers_and_the_request_id() {
        let mut response = RawResponse::new(StatusCode::SERVICE_UNAVAILABLE, "{}");
        response
            .headers
            .insert("x-request-id", http::HeaderValue::from_static("req-42"));
        response
            .headers
            .insert("retry-after", http::HeaderValue::from_static("3"));
        let e = Error::from_response(response, true);
        assert_eq!(e.request_id(), Some("req-42"));
        assert_eq!(e.headers().map(HeaderMap::len), Some(2));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn the_error_every_call_returns_stays_small() {
        // An `Error` is in every call's `Result`; the large API details live behind a box.
        assert!(
            std::mem::size_of::<Error>() <= 64,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn is_retryable_is_the_retry_rules_verdict() {
        use crate::retry::Outcome::{Invalid, Lost, NotSent, Status, Unsendable};
        let transport = |maybe_sent| Error::transport(maybe_sent, "x".into());
        for (error, outcome) in [
            (transport(false), NotSent),
            (transport(true), Lost),
            (transport(false), Unsendable),
            (transport(true), Invalid),
            (Error::timeout(TimeoutKind::Attempt, Duration::ZERO), Lost),
            (
                Error::timeout(TimeoutKind::Connect, Duration::ZERO),
                NotSent,
            ),
        ] {
            let shown = format!("{error:?} {outcome:?}");
            let (get, post) = (
                Error::judged(clone_of(&error), outcome, true),
                Error::judged(error, outcome, false),
            );
            assert_eq!(get.is_retryable(), should_retry(outcome, true), "{shown}");
            assert_eq!(post.is_retryable(), should_retry(outcome, false), "{shown}");
        }
        for status in [400, 404, 408, 429, 500, 501, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            for idempotent in [true, false] {
                let e = Error::from_response(RawResponse::new(status, ""), idempotent);
                assert_eq!(
                    e.is_retryable(),
                    should_retry(Status(status), idempotent),
                    "{status} {idempotent}"
                );
            }
        }
        // Without an endpoint to judge by, a connect timeout (never sent) is retryable.
        assert!(Error::timeout(TimeoutKind::Connect, Duration::ZERO).is_retryable());
        assert!(!Error::transport(true, "x".into()).is_retryable());
    }

    /// A copy of a transport or timeout error (the boxed source is not `Clone`).
    fn clone_of(error: &Error) -> Error {
        match error {
            Error::Transport { maybe_sent, .. } => Error::transport(*maybe_sent, "x".into()),
            Error::Timeout { kind, limit, .. } => Error::timeout(*kind, *limit),
            _ => unreachable!(),
        }
    }

    #[test]
    fn timeouts_say_which_limit_fired() {
        let e = Error::timeout(TimeoutKind::Connect, Duration::from_secs(10));
        assert_eq!(e.timeout_kind(), Some(TimeoutKind::Connect));
        assert_eq!(e.to_string(), "timed out: connect timeout of 10s reached");
        let e = Error::timeout(TimeoutKind::Call, Duration::from_secs(60));
        assert_eq!(e.to_string(), "timed out: call deadline of 60s reached");
        assert!(format!("{e:?}").contains("Call"));
    }

    /// An error with a message and an optional cause, as I/O and TLS errors nest.
    #[derive(Debug)]
    struct Cause(&'static str, Option<Box<Cause>>);

    impl fmt::Display for Cause {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Cause {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    /// The error and its causes, one line each, as anyhow's and eyre's reports print them:
    /// `Display` of the error, then of each `source()` in turn.
    fn report(error: &dyn std::error::Error) -> Vec<String> {
        let mut lines = vec![error.to_string()];
        let mut cause = error.source();
        while let Some(c) = cause {
            lines.push(c.to_string());
            cause = c.source();
        }
        lines
    }

    #[test]
    fn a_report_shows_each_cause_of_a_transport_error_once() {
        for maybe_sent in [false, true] {
            let error = Error::transport(
                maybe_sent,
                Box::new(Cause(
                    "cannot connect to 127.0.0.1:9",
                    Some(Box::new(Cause("connection refused", None))),
                )),
            );
            let lines = report(&error);
            assert_eq!(lines.len(), 3, "{lines:?}");
            assert_eq!(
                lines[1..],
                ["cannot connect to 127.0.0.1:9", "connection refused"]
            );
            for cause in ["cannot connect", "connection refused"] {
                assert_eq!(
                    lines.iter().filter(|l| l.contains(cause)).count(),
                    1,
                    "{cause} in {lines:?}"
                );
            }
        }
    }

    #[test]
    fn every_error_displays_its_own_level_only() {
        let errors = [
            Error::from_response(RawResponse::new(StatusCode::NOT_FOUND, "{}"), true),
            Error::timeout(TimeoutKind::Attempt, Duration::from_secs(1)),
            Error::ResponseTooLarge { limit: 10 },
            Error::invalid_argument("user_id", "empty"),
            Error::config("no key"),
            Error::Pagination {
                kind: PaginationKind::NoProgress,
                pages: 2,
            },
            Error::Pagination {
                kind: PaginationKind::TooManyPages,
                pages: 10,
            },
        ];
        for error in &errors {
            assert_eq!(report(error).len(), 1, "{error:?}");
        }
    }

    #[test]
    fn api_errors_are_std_errors() {
        fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
        let Error::Api(api) = Error::from_response(
            RawResponse::new(
                StatusCode::CONFLICT,
                r#"{"error":"CONFLICT","message":"taken"}"#,
            ),
            true,
        ) else {
            unreachable!("a 409 is an API error")
        };
        is_error(&api);
        assert_eq!(
            report(&api),
            ["the API answered 409 Conflict: CONFLICT: taken"]
        );
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(api);
        assert!(boxed.downcast_ref::<ApiError>().is_some());
    }

    #[test]
    fn pagination_errors_say_why_the_walk_stopped() {
        let e = Error::Pagination {
            kind: PaginationKind::NoProgress,
            pages: 2,
        };
        assert_eq!(e.pagination_kind(), Some(PaginationKind::NoProgress));
        assert!(!e.is_retryable());
        assert_eq!(
            e.to_string(),
            "the page walk stopped at page 2: the server answered the page before again"
        );
        let e = Error::Pagination {
            kind: PaginationKind::TooManyPages,
            pages: 10_000,
        };
        assert_eq!(e.pagination_kind(), Some(PaginationKind::TooManyPages));
        assert_eq!(PaginationKind::TooManyPages.as_str(), "too_many_pages");
        assert!(e.to_string().contains("cap of 10000 pages"), "{e}");
        assert_eq!(Error::config("x").pagination_kind(), None);
    }
}
