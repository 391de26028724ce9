//! The HTTP client: one attempt (send, read the body within the size cap), the retry loop
//! around it, and the sorting of transport failures into what they mean for retrying.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, PROXY_AUTHORIZATION, USER_AGENT,
};
use http::uri::PathAndQuery;
use http_body_util::{BodyExt, Full};
use hyper::body::Body as _;
use tokio::time::Instant;

use crate::builder::{
    API_KEY_ENV, API_VERSION_ENV, API_VERSION_HEADER, BASE_URL_ENV, ClientBuilder,
};
use crate::connect::ConnectTimeout;
use crate::error::TimeoutKind;
use crate::pool::{Pool, SendError};
use crate::redact::redact_secret;
use crate::retry::{Attempt, Decision, Outcome, RetryPolicy, decide, retry_after};
use crate::{Error, RawResponse, Request, Transport};

const X_API_VERSION: HeaderName = HeaderName::from_static(API_VERSION_HEADER);
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

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
    /// The connections to the base URL's origin, which also write each request's target
    /// and `Host` as the connection's protocol wants them.
    pub(crate) pool: Pool,
    pub(crate) base_url: http::Uri,
    /// The base URL's path without its trailing `/`, prefixed to every endpoint's path.
    pub(crate) base_path: String,
    /// `Proxy-Authorization` for a forwarding proxy from the environment that wants it.
    pub(crate) proxy_authorization: Option<HeaderValue>,
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

    /// Returns the base URL every endpoint path is appended to, as the builder checked and
    /// normalized it: lowercase scheme and host, no default port.
    pub fn base_url(&self) -> &http::Uri {
        &self.inner.base_url
    }

    /// The request that one attempt of `request` sends: the URI from the already encoded
    /// path and query (nothing parsed again but a check of the path's bytes; the pool adds the
    /// scheme and authority where the connection wants them), the client's headers from
    /// prebuilt values, the body shared, not copied.
    fn http_request(&self, request: &Request) -> Result<http::Request<Full<Bytes>>, Error> {
        let inner = &*self.inner;
        let (path, query) = (request.path(), request.query_string());
        let mut target = String::with_capacity(
            inner.base_path.len() + path.len().max(1) + query.map_or(0, |q| q.len() + 1),
        );
        target.push_str(&inner.base_path);
        target.push_str(path);
        if target.is_empty() {
            target.push('/');
        }
        if let Some(query) = query {
            target.push('?');
            target.push_str(query);
        }
        let uri = http::Uri::from(
            PathAndQuery::from_maybe_shared(Bytes::from(target))
                .map_err(|e| unsendable(e.into()))?,
        );

        let body = request.body().cloned().unwrap_or_default();
        let mut http = http::Request::new(Full::new(body));
        *http.method_mut() = request.method().to_http();
        *http.uri_mut() = uri;
        let headers = http.headers_mut();
        headers.reserve(7 + request.headers().len());
        headers.insert(AUTHORIZATION, inner.authorization.clone());
        headers.insert(X_API_VERSION, inner.api_version.clone());
        headers.insert(ACCEPT, APPLICATION_JSON);
        headers.insert(USER_AGENT, inner.user_agent.clone());
        if let Some(auth) = &inner.proxy_authorization {
            headers.insert(PROXY_AUTHORIZATION, auth.clone());
        }
        // An endpoint's header parameter replaces the client's default of the same name
        // (`Accept`, `User-Agent`) instead of sending both; the macro refuses parameters for
        // the headers the client must own (`Authorization`, `Content-Type`, `Host`, ...).
        for (name, value) in request.headers() {
            headers.insert(name.clone(), value.clone());
        }
        if request.body().is_some() {
            headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        }
        Ok(http)
    }

    /// One attempt: send, then read the whole body within the size limit.
    ///
    /// A plain function returning a boxed future, not inlined, so that the attempt and all it
    /// reaches (the pool, connection set-up, the HTTP/1 and HTTP/2 state machines: most of
    /// the code a call runs) are compiled once, in this crate. Written as an `async fn` called
    /// from the `async` body of [`Transport::execute`], it would be compiled in every crate
    /// that awaits an endpoint, since an `async` body is compiled where it is polled.
    #[inline(never)]
    fn attempt<'a>(&'a self, request: &'a Request) -> Attempting<'a> {
        Box::pin(self.attempt_inner(request))
    }

    async fn attempt_inner(&self, request: &Request) -> Result<RawResponse, (Outcome, Error)> {
        let inner = &*self.inner;
        let limit = inner.max_response_bytes;
        let http = self
            .http_request(request)
            .map_err(|e| (Outcome::Unsendable, e))?;
        let (response, busy) = inner
            .pool
            .send(http)
            .await
            .map_err(|e| classify(e, inner))?;
        let (head, mut incoming) = response.into_parts();
        let status = head.status;
        let declared = incoming.size_hint().exact();
        if declared.is_some_and(|len| len > limit as u64) {
            return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
        }
        // A body usually arrives as one chunk: keep it as it is, and copy only when a second
        // one comes, into a buffer sized from Content-Length (bounded by the limit above).
        let mut body = Body::Empty;
        let mut len = 0usize;
        while let Some(frame) = incoming.frame().await {
            match frame {
                Ok(frame) => {
                    let Ok(chunk) = frame.into_data() else {
                        continue; // trailers
                    };
                    len = len.saturating_add(chunk.len());
                    if len > limit {
                        return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
                    }
                    body.push(chunk, declared.map_or(0, |d| d as usize));
                }
                // The head arrived, so the request did reach the server.
                Err(e) => {
                    return Err((
                        Outcome::Lost,
                        Error::Transport {
                            maybe_sent: true,
                            source: Box::new(e),
                        },
                    ));
                }
            }
        }
        // Read to the end: the connection can carry the next request.
        if let Some(busy) = busy {
            inner.pool.put(busy);
        }
        Ok(RawResponse {
            status,
            headers: head.headers,
            body: body.into_bytes(),
        })
    }

    /// The API key, as sent after `Bearer `.
    fn key(&self) -> &[u8] {
        &self.inner.authorization.as_bytes()[BEARER.len()..]
    }

    /// Builds the `http::Request` that an attempt of `request` sends, with the code
    /// [`Transport::execute`] uses. Not public API: lets the benchmarks compare generated and
    /// hand-written request building without a network.
    #[doc(hidden)]
    pub fn __build_http_request(
        &self,
        request: &Request,
    ) -> Result<http::Request<impl Sized>, Error> {
        self.http_request(request)
    }
}

pub(crate) const BEARER: &str = "Bearer ";

/// One attempt's future, boxed (see [`Client::attempt`]).
type Attempting<'a> =
    Pin<Box<dyn Future<Output = Result<RawResponse, (Outcome, Error)>> + Send + 'a>>;

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

/// A request the HTTP layer cannot build: sending it again would fail the same way.
fn unsendable(source: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Transport {
        maybe_sent: false,
        source,
    }
}

/// Sorts a failure to get a response head into what it means for retrying, and the error to
/// report.
fn classify(error: SendError, inner: &Inner) -> (Outcome, Error) {
    match error {
        // A failed connection (name resolution, refused, proxy, TLS handshake, connect
        // timeout) never carried the request: safe to retry whatever the method.
        SendError::Connect(error) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*error);
            while let Some(e) = cause {
                if e.is::<ConnectTimeout>() {
                    return (
                        Outcome::NotSent,
                        Error::timeout(TimeoutKind::Connect, inner.connect_timeout),
                    );
                }
                cause = e.source();
            }
            (
                Outcome::NotSent,
                Error::Transport {
                    maybe_sent: false,
                    source: error,
                },
            )
        }
        SendError::NotSent(error) => (
            Outcome::NotSent,
            Error::Transport {
                maybe_sent: false,
                source: Box::new(error),
            },
        ),
        SendError::Lost(error) => (
            Outcome::Lost,
            Error::Transport {
                maybe_sent: true,
                source: Box::new(error),
            },
        ),
    }
}

impl Transport for Client {
    async fn execute(&self, mut request: Request) -> Result<RawResponse, Error> {
        if let Some(error) = request.take_error() {
            return Err(error);
        }
        let inner = &*self.inner;
        let span = request.span();
        if let Some(host) = inner.base_url.host() {
            span.record("server.address", host);
        }
        let idempotent = request.endpoint().idempotent();
        let policy = &inner.retry;
        let started = Instant::now();
        let deadline = after(started, policy.deadline);
        let mut now = started;
        let mut retries = 0u32;
        let last = loop {
            // One timer per attempt, for whichever limit ends first: the attempt's timeout
            // (connect, send, the whole body) or the call's deadline.
            let attempt_ends = after(now, inner.timeout);
            let result =
                match tokio::time::timeout_at(attempt_ends.min(deadline), self.attempt(&request))
                    .await
                {
                    Ok(result) => result,
                    Err(_) if attempt_ends <= deadline => Err((
                        Outcome::Lost,
                        Error::timeout(TimeoutKind::Attempt, inner.timeout),
                    )),
                    Err(_) => return Err(Error::timeout(TimeoutKind::Call, policy.deadline)),
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
            now = Instant::now();
        };
        last.map(|mut response| {
            response.body = redact_secret(response.body, self.key());
            response
        })
    }
}

/// `start + limit`, or a far future when that does not fit in an `Instant` (a policy may use
/// `Duration::MAX` for "no deadline").
fn after(start: Instant, limit: Duration) -> Instant {
    start
        .checked_add(limit)
        .unwrap_or_else(|| start + FAR_FUTURE)
}

/// Stands for "no deadline" when a configured one does not fit in an `Instant`.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.to_string())
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
