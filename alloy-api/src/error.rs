//! The one error type of the client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::models::ErrorResponse;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call, keeping what a caller needs to act on it.
///
/// Response bodies are kept (see [`Error::body`]) but never printed by `Display` or `Debug`,
/// because a body can carry a user token.
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx.
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The `error` code of the server's `ErrorResponse`, when it sent one.
        error: Option<String>,
        /// The `message` of the server's `ErrorResponse`, when it sent one.
        message: Option<String>,
        /// How long the server asked us to wait (`Retry-After`), when it said so.
        retry_after: Option<Duration>,
        /// The raw response body, also when it was not an `ErrorResponse` (an HTML page from a
        /// proxy, say).
        body: Bytes,
    },
    /// A success response whose body could not be decoded into the expected type.
    ///
    /// `Display` and `Debug` show what the decoder expected and where, but not the values it
    /// quotes from the body, which can be a token.
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the JSON decoder said. Its own `Display` quotes parts of the body.
        source: serde_json::Error,
        /// The body that failed to decode.
        body: Bytes,
    },
    /// The request, or the whole call with its retries, took longer than allowed.
    Timeout {
        /// The limit that was reached.
        limit: Duration,
    },
    /// The request could not be sent or the response could not be read (connection refused,
    /// reset, TLS failure, truncated body).
    Transport {
        /// Whether the request may have reached the server; `false` means it never left.
        maybe_sent: bool,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The response body was larger than the configured limit; it was not read further.
    ResponseTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// An argument could not be sent safely; no request was made.
    InvalidArgument {
        /// The name of the offending parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The client was configured wrongly (a bad base URL, a missing API key).
    Config(String),
}

impl Error {
    /// Returns the HTTP status of an [`Error::Api`] or [`Error::Decode`] error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns the server's `message` for an [`Error::Api`] error, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Api { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Returns the server's `error` code for an [`Error::Api`] error, when it sent one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// Returns the raw response body of an [`Error::Api`] or [`Error::Decode`] error.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Api { body, .. } | Self::Decode { body, .. } => Some(body),
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

    /// Returns whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Returns whether trying the same call again later may succeed: 408, 429, 500, 502, 503,
    /// 504, timeouts and transport failures.
    ///
    /// Whether the client actually retries also depends on the method (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => is_retryable_status(*status),
            Self::Timeout { .. } | Self::Transport { .. } => true,
            _ => false,
        }
    }

    /// Builds an [`Error::Api`] from a non-2xx response, parsing its body leniently.
    pub(crate) fn from_response(
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Bytes,
    ) -> Self {
        let parsed = serde_json::from_slice::<ErrorResponse>(&body).unwrap_or_default();
        Self::Api {
            status,
            error: parsed.error,
            message: parsed.message,
            retry_after,
            body,
        }
    }

    pub(crate) fn invalid_argument(name: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }
}

/// Returns whether a response status is worth retrying: 408, 429, 500, 502, 503 and 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api {
                status,
                error,
                message,
                ..
            } => {
                write!(f, "the API answered {status}")?;
                match (error, message) {
                    (Some(e), Some(m)) => write!(f, ": {e}: {m}"),
                    (Some(s), None) | (None, Some(s)) => write!(f, ": {s}"),
                    (None, None) => Ok(()),
                }
            }
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
            Self::Timeout { limit } => write!(f, "the call timed out after {limit:?}"),
            Self::Transport { source, .. } => {
                write!(f, "the request failed: {source}")?;
                let mut cause = source.source();
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            Self::ResponseTooLarge { limit } => {
                write!(f, "the response body exceeded the limit of {limit} bytes")
            }
            Self::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Self::Config(reason) => write!(f, "invalid client configuration: {reason}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api {
                status,
                error,
                message,
                retry_after,
                body,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("error", error)
                .field("message", message)
                .field("retry_after", retry_after)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
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
            Self::Timeout { limit } => f.debug_struct("Timeout").field("limit", limit).finish(),
            Self::Transport { maybe_sent, source } => f
                .debug_struct("Transport")
                .field("maybe_sent", maybe_sent)
                .field("source", source)
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
            Self::Config(reason) => f.debug_tuple("Config").field(reason).finish(),
        }
    }
}

/// Writes what the JSON decoder said without the values it quotes from the body.
///
/// serde's messages quote the offending input (`invalid type: string "eyJhbGci...", expected
/// u64`, `unknown variant `...``), and the input of a token response is a token. The kind of
/// mistake, the expected type, field names and the position are kept; quoted input is not.
fn write_json_error(f: &mut fmt::Formatter<'_>, error: &serde_json::Error) -> fmt::Result {
    let full = error.to_string();
    // serde_json appends ` at line L column C` when it knows the position.
    let (message, position) = match full.rfind(" at line ") {
        Some(at) if error.line() > 0 => full.split_at(at),
        _ => (full.as_str(), ""),
    };
    // Field names come from the Rust type, not from the input.
    let keep = message.starts_with("missing field ") || message.starts_with("duplicate field ");
    match message.find(['"', '`']) {
        Some(open) if !keep => {
            // What follows the quoted input comes from the type: `, expected ...`.
            let tail = [", expected ", ", there are no "]
                .iter()
                .filter_map(|p| message.rfind(p))
                .filter(|&at| at > open)
                .max()
                .map_or("", |at| &message[at..]);
            write!(
                f,
                "{} <redacted>{tail}{position}",
                message[..open].trim_end()
            )
        }
        _ => write!(f, "{message}{position}"),
    }
}

/// A JSON error in `Debug` form, with its message redacted as by [`write_json_error`].
struct RedactedJsonError<'a>(&'a serde_json::Error);

impl fmt::Debug for RedactedJsonError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Error(\"")?;
        write_json_error(f, self.0)?;
        f.write_str("\")")
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
        let e = Error::from_response(
            StatusCode::BAD_GATEWAY,
            None,
            Bytes::from_static(b"<html>bad gateway</html>"),
        );
        assert_eq!(e.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(e.message(), None);
        assert_eq!(&e.body().unwrap()[..], b"<html>bad gateway</html>");
        assert!(e.is_retryable());
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
            StatusCode::BAD_REQUEST,
            None,
            Bytes::from_static(b"{\"message\":\"secret-token-xyz\"}"),
        );
        let debug = format!("{e:?}");
        assert!(!debug.contains("\"message\":\"secret"), "{debug}");
        assert!(debug.contains("bytes>"), "{debug}");
    }
}
