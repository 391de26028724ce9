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
/// How long connecting to the server may take, unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt (connect, send, read the whole body) may take, unless configured
/// otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read, unless configured otherwise: 10 MiB.
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

    fn url_for(&self, request: &Request) -> Url {
        let inner = &*self.inner;
        let mut url = inner.base_url.clone();
        let mut path = String::with_capacity(inner.base_path.len() + request.path().len());
        path.push_str(&inner.base_path);
        path.push_str(request.path());
        url.set_path(&path);
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
        for (name, value) in request.headers() {
            headers.append(name.clone(), value.clone());
        }
        if let Some(body) = request.body() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *http.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        http
    }

    /// One attempt: send, then read the whole body within the size limit.
    async fn attempt(&self, http: reqwest::Request) -> Result<RawResponse, (Outcome, Error)> {
        let limit = self.inner.max_response_bytes;
        let mut response = self
            .inner
            .http
            .execute(http)
            .await
            .map_err(|e| classify(e, self.inner.timeout))?;
        let status = response.status();
        if response.content_length().is_some_and(|len| len > limit as u64) {
            return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
        }
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err((Outcome::Status(status), Error::ResponseTooLarge { limit }));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let (_, error) = classify(e, self.inner.timeout);
                    return Err((Outcome::Lost, error));
                }
            }
        }
        Ok(RawResponse {
            status,
            headers: std::mem::take(response.headers_mut()),
            body: Bytes::from(body),
        })
    }
}

/// Sorts a reqwest error into what it means for retrying, and the error to report.
fn classify(error: reqwest::Error, timeout: Duration) -> (Outcome, Error) {
    if error.is_timeout() {
        return (Outcome::Lost, Error::Timeout { limit: timeout });
    }
    let not_sent = error.is_connect() || error.is_builder();
    let outcome = if not_sent {
        Outcome::NotSent
    } else {
        Outcome::Lost
    };
    (
        outcome,
        Error::Transport {
            maybe_sent: !not_sent,
            source: Box::new(error.without_url()),
        },
    )
}

impl Transport for Client {
    async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let inner = &*self.inner;
        let span = tracing::Span::current();
        let url = self.url_for(&request);
        if let Some(host) = url.host_str() {
            span.record("server.address", host);
        }
        let idempotent = request.endpoint().idempotent;
        let started = Instant::now();
        let deadline = started + inner.retry.deadline;
        let mut retries = 0u32;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let attempt = self.attempt(self.http_request(&request, url.clone()));
            let Ok(result) = tokio::time::timeout(remaining, attempt).await else {
                return Err(Error::Timeout {
                    limit: inner.retry.deadline,
                });
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
            if retries >= inner.retry.max_retries || !should_retry(outcome, idempotent) {
                return last;
            }
            let wait = match server_wait {
                Some(wait) if wait > inner.retry.max_retry_after => return last,
                Some(wait) => wait,
                None => inner.retry.backoff(retries),
            };
            if Instant::now() + wait >= deadline {
                return last;
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
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
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
#[derive(Debug, Default)]
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
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key.0.is_empty() {
            return Err(Error::Config("an API key is required".into()));
        }
        let raw = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = parse_base_url(raw, self.allow_insecure_http)?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();

        let mut authorization = HeaderValue::try_from(format!("Bearer {}", self.api_key.0))
            .map_err(|_| Error::Config("the API key contains characters not allowed in a header".into()))?;
        authorization.set_sensitive(true);
        let user_agent = HeaderValue::try_from(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
            .map_err(|_| Error::Config("the user agent contains characters not allowed in a header".into()))?;

        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a bundled crypto provider (to keep aws-lc's C build
                // out); use ring unless the application installed a provider of its own.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
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
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry.unwrap_or_default(),
                max_response_bytes: self.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            }),
        })
    }
}

/// Parses and checks a base URL: http(s), no query or fragment, `https` unless loopback or
/// allowed.
fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let url = Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL `{raw}`: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::Config(format!("invalid base URL `{raw}`: no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "invalid base URL `{raw}`: it cannot have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!(
            "invalid base URL: it cannot carry credentials; use the API key"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(Error::Config(format!(
            "refusing plain http for `{raw}`: the API key would travel in clear text; use https, \
             a loopback address, or ClientBuilder::allow_insecure_http(true)"
        ))),
        other => Err(Error::Config(format!(
            "invalid base URL `{raw}`: unsupported scheme `{other}`"
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
        let debug = format!("{client:?} {:?}", Client::builder().api_key("sk_secret_123"));
        assert!(!debug.contains("sk_secret_123"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn a_key_is_required() {
        assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
    }
}
