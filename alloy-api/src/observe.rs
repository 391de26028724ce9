//! The observer: one callback per call, the place for metrics and rate-limit tracking.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::{Endpoint, Error, RawResponse};

/// Receives one [`CallRecord`] for every call a [`Client`](crate::Client) makes, once it has
/// its outcome: the documented place for metrics (a counter per operation and status, a
/// latency histogram), rate-limit tracking (the answer's headers) and request ids of
/// successful calls.
///
/// Set one with [`ClientBuilder::observer`](crate::ClientBuilder::observer); any
/// `Fn(&CallRecord<'_>) + Send + Sync + 'static` closure is one. It runs on the task that
/// made the call, after the last attempt and before the body is decoded, so keep it short
/// (update an atomic counter, send to a channel). A client without an observer pays nothing
/// for it.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use alloy_api::Client;
///
/// let failures = Arc::new(AtomicU64::new(0));
/// let counted = Arc::clone(&failures);
/// let client = Client::builder()
///     .api_key("sk_live_...")
///     .observer(move |call: &alloy_api::CallRecord<'_>| {
///         if !call.is_success() {
///             counted.fetch_add(1, Ordering::Relaxed);
///         }
///         if let Some(remaining) = call.header("x-ratelimit-remaining") {
///             println!("{}: {remaining} calls left", call.operation());
///         }
///     })
///     .build()?;
/// # Ok::<(), alloy_api::Error>(())
/// ```
pub trait Observer: Send + Sync + 'static {
    /// Is told of one finished call.
    fn on_call(&self, call: &CallRecord<'_>);
}

impl<F> Observer for F
where
    F: Fn(&CallRecord<'_>) + Send + Sync + 'static,
{
    fn on_call(&self, call: &CallRecord<'_>) {
        self(call);
    }
}

/// What the client saw of one call: the operation, the last answer's status and headers (or
/// the error when no answer came), how long the call took and how often it was retried.
///
/// This is the transport's outcome: a non-2xx answer is a status here (the caller gets it as
/// [`Error::Api`]); a 2xx body that then fails to decode is a success here.
#[derive(Debug)]
pub struct CallRecord<'a> {
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) result: &'a Result<RawResponse, Error>,
    pub(crate) duration: Duration,
    pub(crate) retries: u32,
}

impl CallRecord<'_> {
    /// Returns the operation: the endpoint method's name (`generate_user_token`).
    pub fn operation(&self) -> &'static str {
        self.endpoint.operation()
    }

    /// Returns the HTTP method (`GET`, `POST`, ...).
    pub fn method(&self) -> &'static str {
        self.endpoint.method().as_str()
    }

    /// Returns the path template (`/users/{userId}/token`), never the filled path, so a
    /// metric labelled with it has one series per endpoint.
    pub fn url_template(&self) -> &'static str {
        self.endpoint.template()
    }

    /// Returns the status of the last answer, when one came.
    pub fn status(&self) -> Option<StatusCode> {
        self.result.as_ref().ok().map(|r| r.status)
    }

    /// Returns whether the last answer was a 2xx.
    pub fn is_success(&self) -> bool {
        self.status().is_some_and(|s| s.is_success())
    }

    /// Returns the headers of the last answer, when one came: rate-limit counters, say.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.result.as_ref().ok().map(|r| &r.headers)
    }

    /// Returns the value of one header of the last answer, when it came and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()?.get(name)?.to_str().ok()
    }

    /// Returns the request id the server gave the last answer (its `x-request-id` header),
    /// for successful calls too.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
    }

    /// Returns the error when no answer came: a transport failure or a timeout.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// Returns how long the call took, retries and waits included.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// Returns how many times the call was retried after its first attempt.
    pub fn retries(&self) -> u32 {
        self.retries
    }
}
