//! The HTTP client: configuration, connection pool, retries and timeouts.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use url::Url;

use crate::retry::{Outcome, RetryPolicy, retry_after, should_retry};
use crate::{Error, RawResponse, Request, Transport};

/// The base URL of the live service, the contract's server.
pub const DEFAULT_BASE_URL: &str = "https://embedded.runalloy.com/2025-09";
/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "ALLOY_API_KEY";
/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const BASE_URL_ENV: &str = "ALLOY_BASE_URL";
/// How long connecting to the server (TCP and TLS handshakes) may take, unless configured
/// otherwise: 10 s.
///
/// A healthy service answers a handshake in well under a second; 10 s tolerates a slow
/// network while failing early enough to retry. A request whose connection failed was never
/// sent, so it is retried whatever its method. Exceeding it is [`Error::Timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt (connect, send, read the whole body) may take, unless configured
/// otherwise: 30 s.
///
/// Every operation of the API is a short request/response exchange; 30 s leaves ample room
/// for a slow one while still bounding a server that accepts and never answers. Exceeding it
/// is [`Error::Timeout`]; the whole call, retries included, is bounded separately by the
/// retry policy's deadline (60 s by default, see [`RetryPolicy`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read, unless configured otherwise: 10 MiB.
///
/// The largest answers of the API are pages of logs, far below this; the cap is there so
/// that a misbehaving server or proxy cannot make every concurrent call buffer an unbounded
/// body. A larger body (announced by `Content-Length` or met while reading) fails the call
/// with [`Error::ResponseTooLarge`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The `User-Agent` sent unless configured otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("alloy-rs/", env!("CARGO_PKG_VERSION"));

/// A client for the Alloy Embedded API.
///
/// Cheap to clone (one `Arc`), `Send + Sync`, and sharing one connection pool between its
/// clones: build one at start-up and pass clones around. Call the API through the
/// [`AlloyApi`](crate::AlloyApi) trait.
///
/// ```no_run
/// use alloy_api::{AlloyApi, Client};
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
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    base_path: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl Client {
    /// Returns a builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `ALLOY_API_KEY` and, when set, `ALLOY_BASE_URL`, with the
    /// defaults for everything else.
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var(API_KEY_ENV)
            .map_err(|_| Error::Config(format!("{API_KEY_ENV} is not set")))?;
        let mut builder = Self::builder().api_key(key);
        if let Ok(base_url) = std::env::var(BASE_URL_ENV) {
            builder = builder.base_url(base_url);
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
        headers.reserve(4 + request.headers().len());
        headers.insert(AUTHORIZATION, inner.authorization.clone());
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

    /// Replaces the API key with `<redacted>` in the body of an error response, in case the
    /// server echoes it: the body's `message` is shown by [`Error`]'s `Display`, and error
    /// messages end up in logs. Keys shorter than 8 bytes are left alone (a placeholder key
    /// in a test would otherwise garble unrelated text).
    fn redact_key(&self, response: &mut RawResponse) {
        let key = &self.inner.authorization.as_bytes()[BEARER.len()..];
        if key.len() < 8 || !contains(&response.body, key) {
            return;
        }
        const REDACTED: &[u8] = b"<redacted>";
        let body = &response.body;
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = find(rest, key) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(REDACTED);
            rest = &rest[at + key.len()..];
        }
        out.extend_from_slice(rest);
        response.body = Bytes::from(out);
    }

    /// Builds the `reqwest::Request` that the first attempt of `request` sends, with the code
    /// [`Transport::execute`] uses. Not public API: lets the benchmarks compare generated and
    /// hand-written request building without a network.
    #[doc(hidden)]
    pub fn __build_http_request(&self, request: &Request) -> reqwest::Request {
        self.http_request(request, self.url_for(request))
    }
}

const BEARER: &str = "Bearer ";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

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
                Error::Timeout {
                    limit: inner.connect_timeout,
                },
            )
        } else {
            (
                Outcome::Lost,
                Error::Timeout {
                    limit: inner.timeout,
                },
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
                    Err(_) => {
                        return Err(Error::Timeout {
                            limit: policy.deadline,
                        });
                    }
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
            if retries >= policy.max_retries || !should_retry(outcome, idempotent) {
                break last;
            }
            let wait = match server_wait {
                // The server asked for longer than we are willing to wait: give its answer
                // (with its `Retry-After`) to the caller now rather than stall.
                Some(wait) if wait > policy.max_retry_after => break last,
                Some(wait) => wait,
                None => policy.backoff(retries),
            };
            match Instant::now().checked_add(wait) {
                Some(resume) if resume < deadline => {}
                _ => break last,
            }
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
            self.redact_key(&mut response);
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

/// An API key: kept out of `Debug` output and marked sensitive in headers.
#[derive(Clone, Default)]
struct ApiKey(String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "<none>"
        } else {
            "<redacted>"
        })
    }
}

/// Configures and builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use alloy_api::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .api_key("sk_live_...")
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default().with_max_retries(5))
///     .build()?;
/// # Ok::<(), alloy_api::Error>(())
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    api_key: ApiKey,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url.as_deref().map(RedactedUrl))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

/// A URL as given to the builder, shown without what could be a secret: user info, query and
/// fragment. Unparseable text is not shown at all.
struct RedactedUrl<'a>(&'a str);

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(url) = Url::parse(self.0) else {
            // Show a typo (`embedded.runalloy.com`), not what might hold credentials.
            return if self.0.len() <= 200 && !self.0.contains(['@', '?', '#']) {
                write!(f, "`{}`", self.0.escape_debug())
            } else {
                f.write_str("<unparseable URL>")
            };
        };
        f.write_str(url.scheme())?;
        f.write_str("://")?;
        if let Some(host) = url.host_str() {
            f.write_str(host)?;
        }
        if let Some(port) = url.port() {
            write!(f, ":{port}")?;
        }
        if !url.cannot_be_a_base() {
            f.write_str(url.path())?;
        }
        if url.query().is_some() {
            f.write_str("?<redacted>")?;
        }
        if url.fragment().is_some() {
            f.write_str("#<redacted>")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl ClientBuilder {
    /// Sets the API key sent as `Authorization: Bearer KEY`. Required.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = ApiKey(key.into());
        self
    }

    /// Sets the base URL; [`DEFAULT_BASE_URL`] unless set. It must be `https`, except for a
    /// loopback host (`127.0.0.1`, `[::1]`, `localhost`) or with
    /// [`allow_insecure_http`](Self::allow_insecure_http).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets how long connecting may take; [`DEFAULT_CONNECT_TIMEOUT`] unless set. Ignored
    /// when an existing [`reqwest::Client`] is supplied, which keeps its own setting.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets how long one attempt (connect, send, read the body) may take;
    /// [`DEFAULT_TIMEOUT`] unless set. The whole call, retries included, is bounded by the
    /// retry policy's deadline.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the `User-Agent` header; [`DEFAULT_USER_AGENT`] unless set.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Reuses an existing [`reqwest::Client`] and its connection pool. Configure it not to
    /// follow redirects (`redirect::Policy::none()`), or a redirect could carry the
    /// `Authorization` header elsewhere.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the retry policy; [`RetryPolicy::default`] unless set.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sets the largest response body the client reads; [`DEFAULT_MAX_RESPONSE_BYTES`]
    /// unless set. A larger body fails the call with [`Error::ResponseTooLarge`].
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Allows a plain `http://` base URL on a non-loopback host, which sends the API key in
    /// clear text. Off by default.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Builds the client, checking the configuration.
    ///
    /// Unless an [`http_client`](Self::http_client) is supplied, the client speaks TLS
    /// through rustls with the `ring` provider (or the process-wide rustls provider, if the
    /// application installed one), verifies certificates with the platform's verifier, and
    /// follows no redirect: a 3xx answer is returned as [`Error::Api`], so the API key never
    /// travels to another origin.
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key.0.is_empty() {
            return Err(Error::Config("an API key is required".into()));
        }
        let raw = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = parse_base_url(raw, self.allow_insecure_http)?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();

        let mut authorization = HeaderValue::try_from(format!("{BEARER}{}", self.api_key.0))
            .map_err(|_| {
                Error::Config("the API key contains characters not allowed in a header".into())
            })?;
        authorization.set_sensitive(true);
        let user_agent =
            HeaderValue::try_from(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
                .map_err(|_| {
                    Error::Config(
                        "the user agent contains characters not allowed in a header".into(),
                    )
                })?;

        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a bundled crypto provider (to keep aws-lc's C build
                // out); use ring unless the application installed a provider of its own.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .https_only(!self.allow_insecure_http && base_url.scheme() == "https")
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                authorization,
                user_agent,
                connect_timeout,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry.unwrap_or_default(),
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            }),
        })
    }
}

/// Parses and checks a base URL: http(s), no query or fragment, `https` unless loopback or
/// allowed. Errors show the URL without user info or query, which could hold secrets.
fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let shown = RedactedUrl(raw);
    let url =
        Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL {shown}: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::Config(format!(
            "invalid base URL `{shown}`: no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "invalid base URL `{shown}`: it cannot have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "invalid base URL: it cannot carry credentials; use the API key".to_owned(),
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(Error::Config(format!(
            "refusing plain http for `{shown}`: the API key would travel in clear text; use \
             https, a loopback address, or ClientBuilder::allow_insecure_http(true)"
        ))),
        other => Err(Error::Config(format!(
            "invalid base URL `{shown}`: unsupported scheme `{other}`"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback_unless_allowed() {
        assert!(parse_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(parse_base_url("http://[::1]:8080/v1", false).is_ok());
        assert!(parse_base_url("http://localhost:1", false).is_ok());
        assert!(parse_base_url("http://api.example.com", false).is_err());
        assert!(parse_base_url("http://api.example.com", true).is_ok());
        assert!(parse_base_url("ftp://api.example.com", true).is_err());
        assert!(parse_base_url("https://u:p@api.example.com", false).is_err());
        assert!(parse_base_url("https://api.example.com/?a=b", false).is_err());
    }

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
    fn urls_are_shown_without_credentials_query_or_fragment() {
        for (raw, shown) in [
            (
                "https://u:pw@api.example.com:8443/v1?key=s#f",
                "https://api.example.com:8443/v1?<redacted>#<redacted>",
            ),
            ("http://127.0.0.1:80/", "http://127.0.0.1/"),
            ("embedded.runalloy.com", "`embedded.runalloy.com`"),
            ("not a url?key=s", "<unparseable URL>"),
            ("nope@secret", "<unparseable URL>"),
        ] {
            assert_eq!(RedactedUrl(raw).to_string(), shown);
        }
    }

    #[test]
    fn bodies_echoing_the_key_are_redacted() {
        let client = Client::builder().api_key("sk_secret_123").build().unwrap();
        let mut response = RawResponse::new(
            http::StatusCode::UNAUTHORIZED,
            r#"{"message":"bad key sk_secret_123 (sk_secret_123)"}"#,
        );
        client.redact_key(&mut response);
        assert_eq!(
            &response.body[..],
            br#"{"message":"bad key <redacted> (<redacted>)"}"#
        );
        // A short key (a placeholder in a test) leaves bodies alone.
        let client = Client::builder().api_key("k").build().unwrap();
        let mut response = RawResponse::new(http::StatusCode::UNAUTHORIZED, "bad key k");
        client.redact_key(&mut response);
        assert_eq!(&response.body[..], b"bad key k");
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

    #[test]
    fn a_key_is_required() {
        assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
    }
}
