//! The HTTP client: one attempt (send, read the body within the size cap), the retry loop
//! around it, and the sorting of transport failures into what they mean for retrying.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use url::Url;

use crate::builder::{
    API_KEY_ENV, API_VERSION_ENV, API_VERSION_HEADER, BASE_URL_ENV, ClientBuilder,
};
use crate::error::TimeoutKind;
use crate::redact::redact_secret;
use crate::retry::{Attempt, Decision, Outcome, RetryPolicy, decide, retry_after};
use crate::{Error, RawResponse, Request, Transport};

/// A client for the Alloy Embedded API.
///
/// Cheap to clone (one `Arc`), `Send + Sync`, and sharing one connection pool between its
/// clones: build one at start-up and pass clones around. Call the API through the
/// [`AlloyApi`](crate::AlloyApi) trait.
///
/// ```no_run
/// use alloy_api::prelude::*;
/// use alloy_api::Client;
/// use alloy_api::models::CreateUserRequest;
///
/// # async fn run() -> alloy_api::Result<()> {
/// let client = Client::from_env()?;
/// let user = client.create_user(&CreateUserRequest::new("customer-42")).await?;
/// println!("created {}", user.user_id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    /// The base URL's path without its trailing `/`, prefixed to every endpoint's path.
    pub(crate) base_path: String,
    pub(crate) authorization: HeaderValue,
    pub(crate) api_version: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
}

impl Client {
    /// Returns a builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `ALLOY_API_KEY` and, when set, `ALLOY_BASE_URL` and
    /// `ALLOY_API_VERSION`, with the defaults for everything else.
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var(API_KEY_ENV)
            .map_err(|_| Error::config(format!("{API_KEY_ENV} is not set")))?;
        let mut builder = Self::builder().api_key(key);
        if let Ok(base_url) = std::env::var(BASE_URL_ENV) {
            builder = builder.base_url(base_url);
        }
        if let Ok(version) = std::env::var(API_VERSION_ENV) {
            builder = builder.api_version(version);
        }
        builder.build()
    }

    /// Returns the base URL every endpoint path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The URL of `request`. Its path is made of the template's literals and of path
    /// parameters percent-encoded by [`Request`] so that none is a dot segment, so the URL
    /// parser cannot normalise it into another route.
    fn url_for(&self, request: &Request) -> Url {
        let inner = &*self.inner;
        let mut url = inner.base_url.clone();
        if inner.base_path.is_empty() {
            url.set_path(request.path());
        } else {
            let mut path = String::with_capacity(inner.base_path.len() + request.path().len());
            path.push_str(&inner.base_path);
            path.push_str(request.path());
            url.set_path(&path);
        }
        url.set_query(request.query_string());
        url
    }

    fn http_request(&self, request: &Request, url: Url) -> reqwest::Request {
        let inner = &*self.inner;
        let mut http = reqwest::Request::new(request.method().to_http(), url);
        *http.timeout_mut() = Some(inner.timeout);
        let headers = http.headers_mut();
        headers.reserve(5 + request.headers().len());
        headers.insert(AUTHORIZATION, inner.authorization.clone());
        headers.insert(API_VERSION_HEADER, inner.api_version.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, inner.user_agent.clone());
        // An endpoint's header parameter replaces the client's default of the same name
        // (`Accept`, `User-Agent`) instead of sending both; the macro refuses parameters for
        // the headers the client must own (`Authorization`, `Content-Type`, `Host`, ...).
        for (name, value) in request.headers() {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(body) = request.body() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *http.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        http
    }

    /// One attempt: send, then read the whole body within the size limit.
    async fn attempt(&self, http: reqwest::Request) -> Result<RawResponse, (Outcome, Error)> {
        let inner = &*self.inner;
        let limit = inner.max_response_bytes;
        let mut response = inner
            .http
            .execute(http)
            .await
            .map_err(|e| classify(e, inner))?;
        let status = response.status();
        let declared = response.content_length();
        if declared.is_some_and(|len| len > limit as u64) {
            return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
        }
        // A body usually arrives as one chunk: keep it as it is, and copy only when a second
        // one comes, into a buffer sized from Content-Length (bounded by the limit above).
        let mut body = Body::Empty;
        let mut len = 0usize;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    len = len.saturating_add(chunk.len());
                    if len > limit {
                        return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
                    }
                    body.push(chunk, declared.map_or(0, |d| d as usize));
                }
                Ok(None) => break,
                Err(e) => {
                    // The head arrived, so the request did reach the server.
                    let (outcome, error) = classify(e, inner);
                    let outcome = match outcome {
                        Outcome::Unsendable => Outcome::Unsendable,
                        _ => Outcome::Lost,
                    };
                    return Err((outcome, error));
                }
            }
        }
        Ok(RawResponse {
            status,
            headers: std::mem::take(response.headers_mut()),
            body: body.into_bytes(),
        })
    }

    /// The API key, as sent after `Bearer `.
    fn key(&self) -> &[u8] {
        &self.inner.authorization.as_bytes()[BEARER.len()..]
    }

    /// Builds the `reqwest::Request` that the first attempt of `request` sends, with the code
    /// [`Transport::execute`] uses. Not public API: lets the benchmarks compare generated and
    /// hand-written request building without a network.
    #[doc(hidden)]
    pub fn __build_http_request(&self, request: &Request) -> reqwest::Request {
        self.http_request(request, self.url_for(request))
    }
}

pub(crate) const BEARER: &str = "Bearer ";

/// A response body being read: no copy while it is one chunk.
enum Body {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Body {
    fn push(&mut self, chunk: Bytes, size_hint: usize) {
        *self = match std::mem::replace(self, Body::Empty) {
            Body::Empty => Body::One(chunk),
            Body::One(first) => {
                let needed = first.len() + chunk.len();
                let mut buf = BytesMut::with_capacity(size_hint.max(needed));
                buf.extend_from_slice(&first);
                buf.extend_from_slice(&chunk);
                Body::Many(buf)
            }
            Body::Many(mut buf) => {
                buf.extend_from_slice(&chunk);
                Body::Many(buf)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Body::Empty => Bytes::new(),
            Body::One(bytes) => bytes,
            Body::Many(buf) => buf.freeze(),
        }
    }
}

/// Sorts a reqwest error into what it means for retrying, and the error to report.
fn classify(error: reqwest::Error, inner: &Inner) -> (Outcome, Error) {
    // A failed connection (refused, DNS, TLS handshake, connect timeout) never carried the
    // request: safe to retry whatever the method.
    let connect = error.is_connect();
    if error.is_timeout() {
        return if connect {
            (
                Outcome::NotSent,
                Error::timeout(TimeoutKind::Connect, inner.connect_timeout),
            )
        } else {
            (
                Outcome::Lost,
                Error::timeout(TimeoutKind::Attempt, inner.timeout),
            )
        };
    }
    let outcome = if connect {
        Outcome::NotSent
    } else if error.is_builder() {
        Outcome::Unsendable
    } else {
        Outcome::Lost
    };
    (
        outcome,
        Error::Transport {
            maybe_sent: outcome == Outcome::Lost,
            source: Box::new(error.without_url()),
        },
    )
}

impl Transport for Client {
    async fn execute(&self, mut request: Request) -> Result<RawResponse, Error> {
        if let Some(error) = request.take_error() {
            return Err(error);
        }
        let inner = &*self.inner;
        let span = request.span();
        let mut url = Some(self.url_for(&request));
        if let Some(host) = url.as_ref().and_then(Url::host_str) {
            span.record("server.address", host);
        }
        let idempotent = request.endpoint().idempotent();
        let policy = &inner.retry;
        let started = Instant::now();
        // `checked_add`: a policy may use `Duration::MAX` for "no deadline".
        let deadline = started
            .checked_add(policy.deadline)
            .unwrap_or_else(|| started + FAR_FUTURE);
        let mut retries = 0u32;
        let last = loop {
            // The first attempt takes the URL; a retry, which is rare, builds it again.
            let this_url = url.take().unwrap_or_else(|| self.url_for(&request));
            let attempt = self.attempt(self.http_request(&request, this_url));
            // reqwest bounds an attempt by `inner.timeout` (connect, send, the whole body):
            // when that ends before the call's deadline, as a first attempt's does with the
            // defaults, the deadline needs no timer of its own.
            let result = if retries == 0 && inner.timeout <= policy.deadline {
                attempt.await
            } else {
                match tokio::time::timeout_at(deadline.into(), attempt).await {
                    Ok(result) => result,
                    Err(_) => return Err(Error::timeout(TimeoutKind::Call, policy.deadline)),
                }
            };
            // What to return if this attempt is the last one: a non-2xx response stays a
            // response, so the runtime maps every status to an error in one place.
            let (outcome, server_wait, last) = match result {
                Ok(response) if response.status.is_success() => return Ok(response),
                Ok(response) => (
                    Outcome::Status(response.status),
                    retry_after(&response.headers),
                    Ok(response),
                ),
                Err((outcome, error)) => (outcome, None, Err(error)),
            };
            let attempt = Attempt {
                outcome,
                idempotent,
                retries,
                retry_after: server_wait,
                remaining: deadline.saturating_duration_since(Instant::now()),
            };
            let wait = match decide(policy, attempt, fastrand::f64()) {
                Decision::Retry(wait) => wait,
                Decision::Stop => break last,
            };
            retries += 1;
            span.record("retries", retries);
            tracing::info!(
                retry = retries,
                wait_ms = wait.as_millis() as u64,
                outcome = ?outcome,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        };
        last.map(|mut response| {
            response.body = redact_secret(response.body, self.key());
            response
        })
    }
}

/// Stands for "no deadline" when a configured one does not fit in an `Instant`.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key() {
        let client = Client::builder().api_key("sk_secret_123").build().unwrap();
        let debug = format!(
            "{client:?} {:?}",
            Client::builder().api_key("sk_secret_123")
        );
        assert!(!debug.contains("sk_secret_123"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn the_key_is_what_follows_bearer() {
        let client = Client::builder().api_key("sk_secret_123").build().unwrap();
        assert_eq!(client.key(), b"sk_secret_123");
    }

    #[test]
    fn a_body_in_one_chunk_is_not_copied() {
        let chunk = Bytes::from_static(b"{}");
        let mut body = Body::Empty;
        body.push(chunk.clone(), 2);
        let bytes = body.into_bytes();
        assert_eq!(bytes.as_ptr(), chunk.as_ptr());

        let mut body = Body::Empty;
        for part in [&b"ab"[..], b"cd", b"e"] {
            body.push(Bytes::copy_from_slice(part), 5);
        }
        assert_eq!(&body.into_bytes()[..], b"abcde");
        assert!(Body::Empty.into_bytes().is_empty());
    }
}
