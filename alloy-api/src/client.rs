//! The HTTP client: one attempt (send, read the body within the size cap), the retry loop
//! around it, and the sorting of transport failures into what they mean for retrying.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::Url;
use tokio::time::Instant;

use crate::builder::{
    API_KEY_ENV, API_VERSION_ENV, API_VERSION_HEADER, BASE_URL_ENV, ClientBuilder,
};
use crate::error::TimeoutKind;
use crate::observe::{CallRecord, Observer};
use crate::redact::Redactor;
use crate::retry::{Attempt, Decision, Outcome, RetryPolicy, decide, retry_after};
use crate::{Error, RawResponse, Request, Transport};

const X_API_VERSION: HeaderName = HeaderName::from_static(API_VERSION_HEADER);
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A client for the Alloy Embedded API.
///
/// Cheap to clone (an `Arc` and its timeout and retry policy), `Send + Sync`, and sharing one
/// connection pool (its `reqwest::Client`'s) between its clones: build one at start-up and pass clones around.
/// Call the API through the traits of [`prelude`](crate::prelude).
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
    /// How long one attempt may take: the client's own, or a view's
    /// ([`with_timeout`](Client::with_timeout)).
    pub(crate) timeout: Duration,
    /// The retry policy: the client's own, or a view's
    /// ([`with_retry_policy`](Client::with_retry_policy)).
    pub(crate) retry: RetryPolicy,
}

pub(crate) struct Inner {
    /// What sends each attempt: reqwest, the builder's own client or the caller's.
    pub(crate) http: Http,
    pub(crate) base_url: Url,
    /// The base URL's path without its trailing `/`: every request's path is this and the
    /// endpoint's path.
    pub(crate) base_path: String,
    /// The base URL with its path ending in `/` (`https://host/v1/`): endpoint paths resolve
    /// below it as relative references.
    pub(crate) base_dir: Url,
    /// `Authorization` (the key after `Bearer `, marked sensitive), `x-api-version`, `Accept`
    /// and `User-Agent`: the headers of every request.
    pub(crate) headers: HeaderMap,
    /// The same and `Content-Type: application/json`, for a request with a body.
    pub(crate) json_headers: HeaderMap,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// Cuts the API key out of response bodies that echo it.
    pub(crate) redactor: Redactor,
    /// Told of every call, when set.
    pub(crate) observer: Option<Arc<dyn Observer>>,
}

/// The HTTP client an attempt goes through.
#[derive(Clone)]
pub(crate) enum Http {
    Reqwest(reqwest::Client),
    #[cfg(feature = "middleware")]
    Middleware(reqwest_middleware::ClientWithMiddleware),
}

impl Http {
    /// Which kind of client this is, for `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Reqwest(_) => "reqwest::Client",
            #[cfg(feature = "middleware")]
            Self::Middleware(_) => "reqwest_middleware::ClientWithMiddleware",
        }
    }
}

/// The headers of every request, built once: `Authorization`, `x-api-version`, `Accept` and
/// `User-Agent`, and `Content-Type` for the form with a body.
pub(crate) fn client_headers(
    authorization: HeaderValue,
    api_version: HeaderValue,
    user_agent: HeaderValue,
) -> (HeaderMap, HeaderMap) {
    let mut headers = HeaderMap::with_capacity(5);
    headers.insert(AUTHORIZATION, authorization);
    headers.insert(X_API_VERSION, api_version);
    headers.insert(ACCEPT, APPLICATION_JSON);
    headers.insert(USER_AGENT, user_agent);
    let mut json_headers = headers.clone();
    json_headers.insert(CONTENT_TYPE, APPLICATION_JSON);
    (headers, json_headers)
}

impl Client {
    /// Returns a builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `ALLOY_API_KEY` and, when set, `ALLOY_BASE_URL` and
    /// `ALLOY_API_VERSION`, with the defaults for everything else.
    ///
    /// Only an absent variable counts as unset: one that is set but not valid Unicode is
    /// [`Error::Config`], so a wrong base URL never sends the real key to the default one.
    pub fn from_env() -> Result<Self, Error> {
        let key =
            env(API_KEY_ENV)?.ok_or_else(|| Error::config(format!("{API_KEY_ENV} is not set")))?;
        let mut builder = Self::builder().api_key(key);
        if let Some(base_url) = env(BASE_URL_ENV)? {
            builder = builder.base_url(base_url);
        }
        if let Some(version) = env(API_VERSION_ENV)? {
            builder = builder.api_version(version);
        }
        builder.build()
    }

    /// Returns a view of this client whose calls may take `timeout` per attempt instead of
    /// the configured one ([`ClientBuilder::timeout`]): for one slow call, say. The view
    /// shares everything else with this client, its connection pool included, and costs a
    /// clone; the whole call stays bounded by the retry policy's deadline.
    ///
    /// ```
    /// # async fn run(client: alloy_api::Client) -> alloy_api::Result<()> {
    /// use std::time::Duration;
    /// use alloy_api::prelude::*;
    ///
    /// let page = client
    ///     .with_timeout(Duration::from_secs(90))
    ///     .list_logs(&alloy_api::models::LogQuery::new())
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client {
            timeout,
            ..self.clone()
        }
    }

    /// Returns a view of this client whose calls follow `policy` instead of the configured
    /// retry policy ([`ClientBuilder::retry_policy`]): [`RetryPolicy::none`] for a call the
    /// caller retries itself, or a longer deadline for one batch job. The view shares
    /// everything else with this client, its connection pool included, and costs a clone.
    #[must_use]
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        Client {
            retry: policy,
            ..self.clone()
        }
    }

    /// Returns the base URL every endpoint path is appended to, as the builder checked and
    /// normalized it: lowercase scheme and host (in punycode), no default port.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The URL of `request`: the endpoint's path (its parameters already percent-encoded as
    /// one segment each, so no parse can read another route into it) and query, written by
    /// the request itself into one string as a relative reference (`./users/u1?x=1`), and
    /// resolved against the base URL's directory (`https://host/v1/`), parsed once at build
    /// time. Only the path and the query are read again, and no string is written for the
    /// join. The root endpoint's empty path is the base URL's own, without a `/` added.
    ///
    /// A path without placeholders is resolved once and cloned, its query (if any) set on
    /// the clone: a clone costs a tenth of a join.
    fn url(&self, request: &Request) -> Result<Url, Error> {
        let inner = &*self.inner;
        if let Some(fixed) = request.endpoint().fixed_url(&inner.base_dir) {
            let mut url = fixed.map_err(|e| unsendable(e.into()))?;
            if let Some(query) = request.query_string() {
                url.set_query(Some(query));
            }
            return Ok(url);
        }
        let joined = if request.path().is_empty() {
            let (base_path, query) = (&inner.base_path, request.target());
            let path = if base_path.is_empty() { "/" } else { base_path };
            inner.base_url.join(&format!("{path}{query}"))
        } else {
            inner.base_dir.join(request.relative_target())
        };
        joined.map_err(|e| unsendable(e.into()))
    }

    /// The request that one attempt of `request` sends: the URL, the client's headers from
    /// prebuilt values, the body shared, not copied.
    fn http_request(&self, request: &Request, url: Url) -> reqwest::Request {
        let inner = &*self.inner;
        let mut http = reqwest::Request::new(request.method().to_http(), url);
        // The client's headers are a map built once: a copy of it costs no hashing, where
        // inserting them one by one hashes each name on every request.
        *http.headers_mut() = match request.body() {
            Some(_) => inner.json_headers.clone(),
            None => inner.headers.clone(),
        };
        // An endpoint's header parameter replaces the client's default of the same name
        // (`Accept`, `User-Agent`) instead of sending both; the macro refuses parameters for
        // the headers the client must own (`Authorization`, `Content-Type`, `Host`, ...).
        if let Some(params) = request.header_params() {
            for (name, value) in params {
                http.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if let Some(body) = request.body() {
            *http.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        http
    }

    /// One attempt: send, then read the whole body within the size limit.
    async fn attempt(&self, request: &Request, url: Url) -> Result<RawResponse, (Outcome, Error)> {
        let inner = &*self.inner;
        let limit = inner.max_response_bytes;
        let http = self.http_request(request, url);
        // Matched here rather than in a method of `Http`: one state machine less per poll.
        let mut response = match &inner.http {
            Http::Reqwest(client) => client.execute(http).await.map_err(|e| classify(e, inner)),
            #[cfg(feature = "middleware")]
            Http::Middleware(client) => client.execute(http).await.map_err(|e| match e {
                reqwest_middleware::Error::Reqwest(e) => classify(e, inner),
                // A layer's own error: whether it sent the request first is unknown.
                reqwest_middleware::Error::Middleware(e) => {
                    (Outcome::Lost, Error::transport(true, e.into()))
                }
            }),
        }?;
        let status = response.status();
        // Too large is deterministic: the same request gets the same body, so it is not
        // retried, whatever the status.
        let too_large = || (Outcome::Invalid, Error::ResponseTooLarge { limit });
        let declared = response.content_length();
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
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
                        return Err(too_large());
                    }
                    body.push(chunk, declared.map_or(0, |d| d as usize));
                }
                Ok(None) => break,
                // The head arrived, so the request did reach the server.
                Err(e) => {
                    let (outcome, error) = classify(e, inner);
                    let outcome = match outcome {
                        Outcome::Invalid => Outcome::Invalid,
                        _ => Outcome::Lost,
                    };
                    return Err((outcome, error));
                }
            }
        }
        Ok(RawResponse {
            status,
            headers: std::mem::take(response.headers_mut()),
            // Once, where the body is read, before any error is made from it.
            body: inner.redactor.redact(body.into_bytes()),
        })
    }

    /// Builds the `reqwest::Request` that an attempt of `request` sends, with the code
    /// [`Transport::execute`] uses. Not public API: lets the benchmarks compare generated and
    /// hand-written request building without a network.
    #[doc(hidden)]
    pub fn __build_http_request(&self, request: &Request) -> Result<reqwest::Request, Error> {
        Ok(self.http_request(request, self.url(request)?))
    }
}

/// Reads an environment variable: `None` only when it is absent.
fn env(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
            "{name} is set but is not valid Unicode"
        ))),
    }
}

pub(crate) const BEARER: &str = "Bearer ";

/// A call's future, boxed (see [`Client::call`]).
type Calling<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

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
    Error::transport(false, source)
}

/// Sorts a reqwest error into what it means for retrying, and the error to report. The URL
/// is dropped from the error: its query can name a user.
fn classify(error: reqwest::Error, inner: &Inner) -> (Outcome, Error) {
    // A failed connection (refused, DNS, proxy, TLS handshake, connect timeout) never carried
    // the request: safe to retry whatever the method.
    if error.is_connect() {
        if error.is_timeout() {
            return (
                Outcome::NotSent,
                Error::timeout(TimeoutKind::Connect, inner.connect_timeout),
            );
        }
        return (Outcome::NotSent, transport(error, false));
    }
    let outcome = if error.is_builder() {
        Outcome::Unsendable
    } else if error.is_redirect() || is_malformed_response(&error) {
        // A redirect loop of the caller's client, or an answer that is not HTTP (a head too
        // large, an invalid status line): the same request would meet it again.
        Outcome::Invalid
    } else {
        Outcome::Lost
    };
    (outcome, transport(error, outcome != Outcome::Unsendable))
}

/// The error of a failed attempt, with reqwest's error (without its URL) as the source.
fn transport(error: reqwest::Error, maybe_sent: bool) -> Error {
    Error::transport(maybe_sent, Box::new(error.without_url()))
}

/// Whether the server's answer could not be read as HTTP at all: hyper's parse errors
/// (a response head over its size limit, an invalid status line or header).
fn is_malformed_response(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
            return hyper.is_parse() || hyper.is_parse_status();
        }
        cause = e.source();
    }
    false
}

impl Transport for Client {
    /// Sends `request` until an attempt succeeds or the retry policy says stop.
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send {
        self.call(request)
    }
}

impl Client {
    /// The call: the retry loop around each attempt, one state machine.
    ///
    /// A plain function returning a boxed future, not inlined, so that the call and all it
    /// reaches (the attempt, reqwest's client and its pool, the HTTP state machines: most of
    /// the code a call runs) are compiled once, in this crate. As an `async` body returned by
    /// [`Transport::execute`], it would be compiled in every crate that awaits an endpoint,
    /// since an `async` body is compiled where it is polled; the caller's crate compiles
    /// only the runtime's small future around it. One allocation per call, for the box.
    ///
    /// Each level of `async fn` is one more move of the future and one more dispatch on
    /// every poll, so the attempt is awaited inline and the request held once (an `async fn`
    /// would hold its argument twice); the rare wait before a retry is boxed.
    #[inline(never)]
    fn call(&self, mut request: Request) -> Calling<'_> {
        let invalid = request.take_error();
        Box::pin(async move {
            if let Some(error) = invalid {
                return Err(error);
            }
            let request = &request;
            let started = Instant::now();
            let mut retries = 0u32;
            let result = 'call: {
                let span = request.span();
                if !span.is_disabled()
                    && let Some(host) = self.inner.base_url.host_str()
                {
                    span.record("server.address", host);
                }
                let idempotent = request.endpoint().idempotent();
                let policy = &self.retry;
                // When this attempt starts, and what is left of the call's deadline then.
                let mut now = started;
                let mut left = policy.deadline;
                loop {
                    // One timer per attempt, for whichever limit ends first: the attempt's
                    // timeout (connect, send, the whole body) or the call's deadline.
                    let attempt_ends = after(now, self.timeout.min(left));
                    let url = match self.url(request) {
                        Ok(url) => url,
                        Err(error) => break 'call Err(error),
                    };
                    let attempt = self.attempt(request, url);
                    // What to return if this attempt is the last one: a non-2xx response
                    // stays a response, so the runtime maps every status to an error in one
                    // place.
                    let (outcome, server_wait, last) =
                        match tokio::time::timeout_at(attempt_ends, attempt).await {
                            Ok(Ok(response)) if response.status.is_success() => {
                                break 'call Ok(response);
                            }
                            Ok(Ok(response)) => (
                                Outcome::Status(response.status),
                                retry_after(&response.headers),
                                Ok(response),
                            ),
                            Ok(Err((outcome, error))) => {
                                (outcome, None, Err(error.judged(outcome, idempotent)))
                            }
                            Err(_) if self.timeout <= left => {
                                let error = Error::timeout(TimeoutKind::Attempt, self.timeout);
                                let error = error.judged(Outcome::Lost, idempotent);
                                (Outcome::Lost, None, Err(error))
                            }
                            Err(_) => {
                                // The attempt under way when the deadline passed was lost.
                                let error = Error::timeout(TimeoutKind::Call, policy.deadline);
                                break 'call Err(error.judged(Outcome::Lost, idempotent));
                            }
                        };
                    let attempt = Attempt {
                        outcome,
                        idempotent,
                        retries,
                        retry_after: server_wait,
                        remaining: policy.deadline.saturating_sub(started.elapsed()),
                    };
                    let wait = match decide(policy, attempt, fastrand::f64()) {
                        Decision::Retry(wait) => wait,
                        Decision::Stop => break 'call last,
                    };
                    retries += 1;
                    tracing::info!(
                        retry = retries,
                        wait_ms = wait.as_millis() as u64,
                        outcome = ?outcome,
                        "retrying"
                    );
                    Box::pin(tokio::time::sleep(wait)).await;
                    now = Instant::now();
                    left = policy.deadline.saturating_sub(now - started);
                }
            };
            self.finished(request, started, retries, &result);
            result
        })
    }

    /// Records what a finished call's span and observer need, once: the count of retries,
    /// and the outcome for the observer, when there is one.
    fn finished(
        &self,
        request: &Request,
        started: Instant,
        retries: u32,
        result: &Result<RawResponse, Error>,
    ) {
        request.span().record("retries", retries);
        if let Some(observer) = &self.inner.observer {
            observer.on_call(&CallRecord {
                endpoint: request.endpoint(),
                result,
                duration: started.elapsed(),
                retries,
            });
        }
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
            .field("base_url", &self.inner.base_url.as_str())
            .field("http_client", &self.inner.http.kind())
            .field("api_key", &"<redacted>")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("observer", &self.inner.observer.is_some())
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
    fn urls_resolve_below_the_base_path_whatever_the_template() {
        use crate::request::{Endpoint, Method};
        static ROOT: Endpoint = Endpoint::new("root", Method::Get, "./", true);
        static FIXED: Endpoint = Endpoint::new("fixed", Method::Get, "./users/batch", true);
        static PARAM: Endpoint = Endpoint::new("param", Method::Get, "./{id}/logs", true);
        static COLON: Endpoint = Endpoint::new("colon", Method::Post, "./v1:batch/{id}", false);
        static TRAILING: Endpoint = Endpoint::new("trailing", Method::Get, "./users/", true);
        let url = |base: &str, endpoint: &'static Endpoint, id: Option<&str>, query: bool| {
            let client = Client::builder()
                .api_key("sk_secret_123")
                .base_url(base)
                .build()
                .unwrap();
            let mut request = Request::new(endpoint);
            if let Some(id) = id {
                // What the macro hands each placeholder: the template's text after it.
                let template = endpoint.template();
                let after = &template[template.find('}').map_or(template.len(), |at| at + 1)..];
                request.path_param("id", id, after);
            }
            if query {
                request.query("userId", "a:b c");
            }
            client.url(&request).unwrap().to_string()
        };
        for (base, prefix) in [
            ("http://127.0.0.1:1", "http://127.0.0.1:1"),
            ("http://127.0.0.1:1/", "http://127.0.0.1:1"),
            ("http://127.0.0.1:1/v1", "http://127.0.0.1:1/v1"),
            ("http://127.0.0.1:1/a/v1/", "http://127.0.0.1:1/a/v1"),
        ] {
            let root = if prefix.ends_with(":1") { "/" } else { "" };
            let query = "?userId=a%3Ab+c";
            for (endpoint, id, with_query, expected) in [
                (&ROOT, None, false, root.to_owned()),
                (&ROOT, None, true, format!("{root}{query}")),
                (&FIXED, None, false, "/users/batch".to_owned()),
                (&FIXED, None, true, format!("/users/batch{query}")),
                // A parameter that looks like a scheme, a host or a parent stays one segment.
                (&PARAM, Some("x:y"), false, "/x%3Ay/logs".to_owned()),
                (
                    &PARAM,
                    Some("//evil.example"),
                    true,
                    format!("/%2F%2Fevil.example/logs{query}"),
                ),
                (&PARAM, Some("..%2F"), false, "/..%252F/logs".to_owned()),
                // After the `.` of the relative reference, `v1:batch` is not read as a scheme.
                (&COLON, Some("u1"), false, "/v1:batch/u1".to_owned()),
                (&TRAILING, None, false, "/users/".to_owned()),
            ] {
                assert_eq!(
                    url(base, endpoint, id, with_query),
                    format!("{prefix}{expected}"),
                    "{base} {}",
                    endpoint.template()
                );
            }
        }
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
