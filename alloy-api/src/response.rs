//! What a transport gives back, and the typed response with metadata.

use std::ops::Deref;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// An HTTP response as a [`Transport`](crate::Transport) returns it: status, headers and the
/// whole body. Any status is a valid `RawResponse`; mapping non-2xx to errors happens once,
/// in the shared runtime.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body.
    pub body: Bytes,
}

impl RawResponse {
    /// Creates a response with this status and body and no headers.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// Creates a `200 OK` response whose body is `value` serialized as JSON.
    ///
    /// # Panics
    ///
    /// Panics if `value` cannot be serialized (a map with non-string keys, say); meant for
    /// test doubles.
    pub fn json(value: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(value).expect("test response must serialize as JSON");
        let mut response = Self::new(StatusCode::OK, body);
        response.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        response
    }

    /// Sets the status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// A decoded body together with the response's status and headers.
///
/// Declare an endpoint as returning `Result<Response<T>>` to read headers such as rate-limit
/// counters or request ids; `Response<T>` dereferences to `T`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// Returns the decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}
