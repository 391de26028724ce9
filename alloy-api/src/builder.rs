//! Configuration: the defaults, [`ClientBuilder`], the checks of a base URL, and the TLS
//! configuration each client gets.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http::uri::{Authority, Scheme};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use url::Url;

use crate::client::{BEARER, Client, HttpClient, Inner};
use crate::connect;
use crate::redact::{ApiKey, RedactedUrl};
use crate::{Error, RetryPolicy};

/// The base URL of the live service: the server of Alloy's 2025-09 reference.
///
/// Alloy serves its Embedded API 2025-09 here and selects the version with the
/// `x-api-version` header ([`DEFAULT_API_VERSION`]), not the path. The seed document's
/// `https://embedded.runalloy.com/2025-09` works through [`ClientBuilder::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://production.runalloy.com";
/// The API version sent as `x-api-version` on every request unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "2025-09";
/// The name of the header that selects the API version.
pub const API_VERSION_HEADER: &str = "x-api-version";
/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "ALLOY_API_KEY";
/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const BASE_URL_ENV: &str = "ALLOY_BASE_URL";
/// The environment variable [`Client::from_env`] reads an optional API version from.
pub const API_VERSION_ENV: &str = "ALLOY_API_VERSION";
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
pub const DEFAULT_USER_AGENT: &str = concat!("alloy-api-rust/", env!("CARGO_PKG_VERSION"));

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
    api_version: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url.as_deref().map(RedactedUrl))
            .field("api_version", &self.api_version)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
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

    /// Sets the API version sent as `x-api-version` on every request; [`DEFAULT_API_VERSION`]
    /// unless set. It must be non-empty printable ASCII without spaces (checked by
    /// [`build`](Self::build)).
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Sets how long connecting (TCP, a proxy tunnel, the TLS handshake) may take;
    /// [`DEFAULT_CONNECT_TIMEOUT`] unless set.
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
    /// The client speaks TLS through rustls with its own configuration and the `ring`
    /// provider (it never installs or reads a process-wide rustls provider, so an application
    /// is free to choose its own), verifies certificates as the crate's TLS features say (see
    /// the crate documentation), and follows no redirect: a 3xx answer is returned as
    /// [`Error::Api`], so the API key never travels to another origin.
    ///
    /// A proxy set in the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, minus
    /// `NO_PROXY`, and their lowercase forms) is used as curl uses it; it must be an `http://`
    /// proxy (a `CONNECT` tunnel for an `https` base URL), or building fails.
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key.0.is_empty() {
            return Err(Error::config("an API key is required"));
        }
        let raw = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = parse_base_url(raw, self.allow_insecure_http)?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();

        let mut authorization = HeaderValue::try_from(format!("{BEARER}{}", self.api_key.0))
            .map_err(|_| {
                Error::config("the API key contains characters not allowed in a header")
            })?;
        authorization.set_sensitive(true);
        let api_version = api_version(self.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION))?;
        let user_agent =
            HeaderValue::try_from(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
                .map_err(|_| {
                    Error::config("the user agent contains characters not allowed in a header")
                })?;

        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let origin = Origin::of(&base_url)?;
        let (http, proxy_authorization) = http_client(&base_url, &origin, connect_timeout)?;
        // Over HTTP/1.1 only, the client writes `Host` from a prebuilt value; when HTTP/2 may
        // be negotiated, the pool adds it to HTTP/1.1 requests only.
        let host = (base_url.scheme() == "http" || !cfg!(feature = "http2")).then_some(origin.host);

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                scheme: origin.scheme,
                authority: origin.authority,
                host,
                proxy_authorization,
                authorization,
                api_version,
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

/// The parts of the base URL every request's URI and `Host` are made of.
struct Origin {
    scheme: Scheme,
    authority: Authority,
    host: HeaderValue,
}

impl Origin {
    fn of(url: &Url) -> Result<Self, Error> {
        let host = url.host_str().unwrap_or_default();
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let invalid = |_| Error::config("invalid base URL: its host cannot be sent");
        Ok(Self {
            scheme: if url.scheme() == "https" {
                Scheme::HTTPS
            } else {
                Scheme::HTTP
            },
            host: HeaderValue::from_str(&authority).map_err(|_| invalid(()))?,
            authority: Authority::from_maybe_shared(Bytes::from(authority))
                .map_err(|_| invalid(()))?,
        })
    }
}

/// The pooled HTTP client of one `Client`: rustls with the client's own configuration over
/// TCP (with `TCP_NODELAY`, directly or through the environment's proxy), the whole connect
/// bounded by `connect_timeout`, idle connections kept 90 s. Also returns the
/// `Proxy-Authorization` a forwarding proxy wants on every request.
fn http_client(
    base_url: &Url,
    origin: &Origin,
    connect_timeout: Duration,
) -> Result<(HttpClient, Option<HeaderValue>), Error> {
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    let base = http::Uri::builder()
        .scheme(origin.scheme.clone())
        .authority(origin.authority.clone())
        .path_and_query("/")
        .build()
        .map_err(|e| Error::config(format!("invalid base URL: {e}")))?;
    let proxied = connect::route_from_env(&base, tcp).map_err(Error::config)?;
    // TLS with the client's configuration as it is (its ALPN included); the destination is
    // always the base URL, so no scheme check is needed per connection.
    let tls = hyper_rustls::HttpsConnector::from((proxied.route, tls_config()?));
    let connector = connect::Timed {
        inner: tls,
        timeout: connect_timeout,
    };
    let mut builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
    builder
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .set_host(base_url.scheme() == "https" && cfg!(feature = "http2"));
    Ok((builder.build(connector), proxied.forward_auth))
}

/// Checks an API version: non-empty, printable ASCII without spaces (`2025-09`), so that it is
/// a valid header value the server can read; anything else is a configuration error before
/// any request.
fn api_version(version: &str) -> Result<HeaderValue, Error> {
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::config(format!(
            "invalid API version {:?}: it must be non-empty printable ASCII without spaces, \
             such as `{DEFAULT_API_VERSION}`",
            version.escape_debug().to_string()
        )));
    }
    HeaderValue::from_str(version).map_err(|_| Error::config("invalid API version"))
}

/// Parses and checks a base URL: http(s), no query or fragment, `https` unless loopback or
/// allowed. Errors show the URL without user info or query, which could hold secrets.
fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let shown = RedactedUrl(raw);
    let url =
        Url::parse(raw).map_err(|e| Error::config(format!("invalid base URL {shown}: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::config(format!(
            "invalid base URL `{shown}`: no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "invalid base URL `{shown}`: it cannot have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "invalid base URL: it cannot carry credentials; use the API key",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "refusing plain http for `{shown}`: the API key would travel in clear text; use \
             https, a loopback address, or ClientBuilder::allow_insecure_http(true)"
        ))),
        other => Err(Error::config(format!(
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

/// The rustls configuration of one client: the `ring` provider, safe protocol versions, the
/// certificate verification the crate's features choose, and ALPN for the HTTP versions
/// compiled in. Built per client and handed to the connector, so no process-wide provider is read
/// or installed.
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_error = |e: rustls::Error| Error::config(format!("cannot configure TLS: {e}"));
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?;
    let mut config = verifier(builder, provider)
        .map_err(tls_error)?
        .with_no_client_auth();
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

type WantsVerifier = rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>;
type WantsClientCert = rustls::ConfigBuilder<rustls::ClientConfig, rustls::client::WantsClientCert>;

/// The platform's verifier (feature `platform-verifier`, on by default), with the bundled
/// Mozilla roots added when `webpki-roots` is on too.
#[cfg(feature = "platform-verifier")]
fn verifier(
    builder: WantsVerifier,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<WantsClientCert, rustls::Error> {
    #[cfg(all(feature = "webpki-roots", not(target_os = "android")))]
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned(),
        provider,
    )?;
    #[cfg(not(all(feature = "webpki-roots", not(target_os = "android"))))]
    let verifier = rustls_platform_verifier::Verifier::new(provider)?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier)))
}

/// The Mozilla roots bundled in the binary (feature `webpki-roots`, without
/// `platform-verifier`).
#[cfg(all(feature = "webpki-roots", not(feature = "platform-verifier")))]
fn verifier(
    builder: WantsVerifier,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<WantsClientCert, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    Ok(builder.with_root_certificates(roots))
}

#[cfg(not(any(feature = "platform-verifier", feature = "webpki-roots")))]
compile_error!(
    "alloy-api needs a way to verify TLS certificates: enable the `platform-verifier` feature \
     (the operating system's verifier, on by default) or `webpki-roots` (Mozilla's roots, \
     bundled)"
);

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
    fn api_versions_must_be_printable_ascii() {
        assert_eq!(api_version("2025-09").unwrap(), "2025-09");
        for bad in ["", " ", "2025 09", "2025-09\r\nx: y", "2025-09é", "\t"] {
            let error = api_version(bad).unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{bad:?}");
            assert!(error.to_string().contains("API version"), "{error}");
        }
        let error = Client::builder()
            .api_key("k")
            .api_version("")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("API version"), "{error}");
    }

    #[test]
    fn a_key_is_required() {
        assert!(matches!(
            Client::builder().build(),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn each_client_gets_its_own_tls_configuration() {
        // Building clients installs no process-wide rustls provider, so an application can
        // still install the one it prefers.
        Client::builder().api_key("sk_test_1").build().unwrap();
        Client::builder().api_key("sk_test_2").build().unwrap();
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        let config = tls_config().unwrap();
        assert_eq!(
            config.alpn_protocols.first().map(Vec::as_slice),
            Some(if cfg!(feature = "http2") {
                &b"h2"[..]
            } else {
                &b"http/1.1"[..]
            })
        );
    }
}
