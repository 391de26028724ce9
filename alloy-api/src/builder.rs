//! Configuration: the defaults, [`ClientBuilder`], the checks of a base URL, and the TLS
//! configuration each client gets.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use reqwest::Url;

use crate::client::{BEARER, Client, Http, Inner, client_headers};
use crate::observe::Observer;
use crate::redact::{ApiKey, RedactedUrl, Redactor};
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

/// How long an idle connection is kept for the next request: 90 s.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Configures and builds a [`Client`].
///
/// Its setters are named after what they set (`timeout`, `retry_policy`), as reqwest's
/// builder's are; the values the crate builds by chaining (a [`RetryPolicy`], a request or
/// query model) and the views of a built client ([`Client::with_timeout`]) use `with_*`,
/// since each returns a new value rather than configuring this builder.
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
///
/// # What the crate owns, and what your HTTP client decides
///
/// HTTP goes through [`reqwest`]. By default the builder makes the `reqwest::Client` itself:
/// rustls with the *ring* provider and the crate's own TLS configuration, the
/// [`connect_timeout`](Self::connect_timeout), idle connections closed after 90 s, no
/// redirect ever followed, and the proxy of [`proxy`](Self::proxy), or none after
/// [`no_proxy`](Self::no_proxy), or else the environment's (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY`, minus `NO_PROXY`, read as reqwest reads them).
///
/// [`http_client`](Self::http_client) hands it a `reqwest::Client` of yours instead (a shared
/// pool, a corporate proxy, custom roots, mTLS, native-tls). Whichever client sends, the crate
/// still owns, on every request: the API key (`Authorization`), the `x-api-version` and
/// `User-Agent` headers, the retries, the per-attempt [`timeout`](Self::timeout) and the
/// call's deadline, and the [response size cap](Self::max_response_bytes). Your client
/// decides TLS, proxies, connecting and its timeout, pooling, and redirects; so
/// `connect_timeout`, `proxy` and `no_proxy`, which configure the client the builder makes,
/// cannot be combined with it (`build()` says so). If your client follows redirects, reqwest
/// removes `Authorization` before it follows one to another origin (scheme, host or port),
/// so the key stays with the base URL's origin.
#[derive(Clone, Default)]
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
    proxy: Proxy,
    http: Option<Http>,
    observer: Option<Arc<dyn Observer>>,
}

/// Which proxy the client the builder makes goes through.
#[derive(Clone, Default)]
enum Proxy {
    /// The environment's (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, minus `NO_PROXY`).
    #[default]
    FromEnv,
    /// None at all.
    Direct,
    /// This one.
    Url(String),
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
            .field(
                "proxy",
                &match &self.proxy {
                    Proxy::FromEnv => "<from the environment>".to_owned(),
                    Proxy::Direct => "<none>".to_owned(),
                    Proxy::Url(url) => RedactedUrl(url).to_string(),
                },
            )
            .field("http_client", &self.http.as_ref().map(Http::kind))
            .field("observer", &self.observer.is_some())
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
    ///
    /// [`build`](Self::build) also refuses user info, a query or a fragment. The URL is read
    /// as reqwest reads it (the WHATWG URL standard): an internationalized host is sent in
    /// its punycode (`xn--`) form, `.` and `..` path segments are resolved, and
    /// [`Client::base_url`] shows the result. Spaces and control characters around the URL
    /// are ignored.
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
    /// [`DEFAULT_CONNECT_TIMEOUT`] unless set. Configures the client the builder makes, so
    /// it cannot be combined with [`http_client`](Self::http_client).
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

    /// Sends every request through this proxy instead of the environment's: `http://` and
    /// `https://` proxies (a `CONNECT` tunnel for an `https` base URL, forwarding for
    /// `http`), and `socks5://`/`socks5h://` with the `socks` feature. Credentials in the
    /// URL (`http://user:password@proxy:3128`) are sent to the proxy, never the API key: in
    /// a tunnel the proxy sees only the `CONNECT` line and encrypted bytes.
    ///
    /// An unreadable URL is a configuration error of [`build`](Self::build). Replaces an
    /// earlier [`no_proxy`](Self::no_proxy). Configures the client the builder makes, so it
    /// cannot be combined with [`http_client`](Self::http_client).
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Proxy::Url(url.into());
        self
    }

    /// Connects directly, ignoring the proxy variables of the environment. Replaces an
    /// earlier [`proxy`](Self::proxy). Configures the client the builder makes, so it cannot
    /// be combined with [`http_client`](Self::http_client).
    #[must_use]
    pub fn no_proxy(mut self) -> Self {
        self.proxy = Proxy::Direct;
        self
    }

    /// Sends every request through your own `reqwest::Client`: a pool you share with the
    /// rest of your service, a corporate proxy, custom roots, mTLS, native-tls.
    ///
    /// See [what the crate still owns](Self#what-the-crate-owns-and-what-your-http-client-decides):
    /// the key, the version header, the user agent, retries, timeouts and the size cap stay
    /// the crate's; TLS, proxies and redirects are your client's. Configure it not to
    /// follow redirects (`reqwest::redirect::Policy::none()`) to get 3xx answers as
    /// [`Error::Api`], as the client the builder makes does.
    ///
    /// Don't stack a retrying layer of your own on top: the crate's retries are the only ones
    /// that know which calls are safe to repeat and honour `Retry-After`.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(Http::Reqwest(client));
        self
    }

    /// Sends every request through your `reqwest_middleware` stack (feature `middleware`),
    /// so that your tracing, caching or auth layers run on every attempt, retries included.
    ///
    /// Everything said of [`http_client`](Self::http_client) holds. Do not add
    /// `reqwest-retry`'s `RetryTransientMiddleware`: the crate's own retry stays the only
    /// retry, because reqwest-retry ignores `Retry-After` and retries a `POST` whose answer
    /// was lost, which may create a user or run a workflow twice; stacked, the two would
    /// also multiply each other's attempts. An error of a layer (not of reqwest) is
    /// [`Error::Transport`] with `maybe_sent` set, since the crate cannot know whether the
    /// layer sent the request.
    #[cfg(feature = "middleware")]
    #[cfg_attr(docsrs, doc(cfg(feature = "middleware")))]
    #[must_use]
    pub fn http_client_with_middleware(
        mut self,
        client: reqwest_middleware::ClientWithMiddleware,
    ) -> Self {
        self.http = Some(Http::Middleware(client));
        self
    }

    /// Sets the [`Observer`] told of every call (operation, status, headers, request id,
    /// duration, retries): the place for metrics and rate-limit tracking. None unless set,
    /// and then a call pays nothing for it.
    #[must_use]
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Builds the client, checking the configuration.
    ///
    /// Unless an [`http_client`](Self::http_client) is given, the client speaks TLS through
    /// rustls with its own configuration and the `ring` provider (it never installs or reads
    /// a process-wide rustls provider, so an application is free to choose its own),
    /// verifies certificates as the crate's TLS features say (see the crate documentation),
    /// and follows no redirect: a 3xx answer is returned as [`Error::Api`], so the API key
    /// never travels to another origin.
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key.0.is_empty() {
            return Err(Error::config("an API key is required"));
        }
        let raw = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = parse_base_url(raw, self.allow_insecure_http)?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();
        let mut base_dir = base_url.clone();
        base_dir.set_path(&format!("{base_path}/"));

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

        let (headers, json_headers) = client_headers(authorization, api_version, user_agent);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let http = match self.http {
            Some(http) => {
                let ours = [
                    (self.connect_timeout.is_some(), "connect_timeout"),
                    (matches!(self.proxy, Proxy::Url(_)), "proxy"),
                    (matches!(self.proxy, Proxy::Direct), "no_proxy"),
                ];
                if let Some((_, setting)) = ours.iter().find(|(set, _)| *set) {
                    return Err(Error::config(format!(
                        "`{setting}` configures the HTTP client the builder makes, and an HTTP \
                         client of yours was given: set it on your reqwest::Client instead"
                    )));
                }
                http
            }
            None => {
                let mut http = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls_config()?)
                    .connect_timeout(connect_timeout)
                    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none());
                match &self.proxy {
                    // reqwest reads the environment's variables when it builds the client.
                    Proxy::FromEnv => {}
                    Proxy::Direct => http = http.no_proxy(),
                    Proxy::Url(url) => {
                        let shown = RedactedUrl(url);
                        let proxy = reqwest::Proxy::all(url.as_str()).map_err(|e| {
                            Error::config(format!("invalid proxy {shown}: {}", e.without_url()))
                        })?;
                        http = http.proxy(proxy);
                    }
                }
                Http::Reqwest(http.build().map_err(|e| {
                    Error::config(format!("cannot build the HTTP client: {}", e.without_url()))
                })?)
            }
        };

        Ok(Client {
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retry: self.retry.unwrap_or_default(),
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                base_dir,
                headers,
                json_headers,
                connect_timeout,
                redactor: Redactor::new(self.api_key.0.as_bytes()),
                observer: self.observer,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            }),
        })
    }
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

/// Parses and checks a base URL as reqwest will read it: http(s), a host, no user info,
/// query or fragment, `https` unless loopback or allowed. Errors show the URL without user
/// info, query or fragment, which could hold secrets.
fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    // What `.env` files and shells leave around a value.
    let raw = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    let shown = RedactedUrl(raw);
    let url = Url::parse(raw).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => Error::config(format!(
            "invalid base URL {shown}: it must be an absolute URL, such as `{DEFAULT_BASE_URL}`"
        )),
        e => Error::config(format!("invalid base URL {shown}: {e}")),
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "invalid base URL: it cannot carry credentials; use the API key",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "invalid base URL {shown}: it cannot have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "refusing plain http for {shown}: the API key would travel in clear text; use \
                 https, a loopback address, or ClientBuilder::allow_insecure_http(true)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "invalid base URL {shown}: unsupported scheme `{other}`"
            )));
        }
    }
    if url.host().is_none() {
        return Err(Error::config(format!("invalid base URL {shown}: no host")));
    }
    Ok(url)
}

/// Whether a base URL's host is a loopback address or `localhost`, as the URL parser read it
/// (`127.1` is `127.0.0.1`, and an IPv4-mapped IPv6 address is not loopback).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The rustls configuration of one client: the `ring` provider, safe protocol versions, the
/// certificate verification the crate's features choose, and ALPN for the HTTP versions
/// compiled in. Built per client and handed to reqwest, so no process-wide provider is read
/// or installed.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig, Error> {
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
        assert!(parse_base_url("https://api.example.com/#a", false).is_err());
        // Read as the transport reads it: `127.1` is 127.0.0.1, loopback.
        assert!(parse_base_url("http://127.1", false).is_ok());
        assert!(parse_base_url("http://127.0.0.1.example.com", false).is_err());
        assert!(parse_base_url("http://[::ffff:127.0.0.1]", false).is_err());
        assert!(parse_base_url("http://127.42.0.1", false).is_ok());
        assert!(parse_base_url("http://LocalHost", false).is_ok());
    }

    #[test]
    fn base_urls_are_normalized_as_reqwest_sends_them() {
        for (raw, normal) in [
            ("HTTPS://API.Example.com:443", "https://api.example.com/"),
            (
                " https://api.example.com/2025-09/\n",
                "https://api.example.com/2025-09/",
            ),
            ("http://[::1]:8080/v1", "http://[::1]:8080/v1"),
            ("http://localhost:80", "http://localhost/"),
            (
                "https://h.example:8443/a%20b",
                "https://h.example:8443/a%20b",
            ),
            // Internationalized hosts work, in their punycode form.
            ("https://bücher.example", "https://xn--bcher-kva.example/"),
            (
                "https://api.example.com/a/../b",
                "https://api.example.com/b",
            ),
            ("https://0x7f.1", "https://127.0.0.1/"),
        ] {
            assert_eq!(
                parse_base_url(raw, false).unwrap().as_str(),
                normal,
                "{raw}"
            );
        }
    }

    #[test]
    fn unreadable_base_urls_are_refused_with_the_reason() {
        for (raw, why) in [
            ("https://a b.example", "invalid international domain name"),
            ("https://[::g]", "invalid IPv6 address"),
            ("https://api.example.com:99999", "invalid port number"),
            ("https://:443", "empty host"),
            ("api.example.com", "absolute URL"),
            ("mailto:team@example.com", "unsupported scheme"),
        ] {
            let error = parse_base_url(raw, true).unwrap_err().to_string();
            assert!(error.contains(why), "{raw}: {error}");
        }
    }

    /// A `reqwest::Client` of the caller's, with its own TLS configuration.
    fn their_client() -> reqwest::Client {
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config().unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn settings_of_the_builders_own_http_client_are_refused_with_a_client_of_yours() {
        for builder in [
            Client::builder().connect_timeout(Duration::from_secs(1)),
            Client::builder().proxy("http://127.0.0.1:3128"),
            Client::builder().no_proxy(),
        ] {
            let error = builder
                .api_key("k")
                .http_client(their_client())
                .build()
                .unwrap_err();
            assert!(
                matches!(error, Error::Config { .. })
                    && error.to_string().contains("reqwest::Client"),
                "{error}"
            );
        }
        Client::builder()
            .api_key("k")
            .http_client(their_client())
            .build()
            .unwrap();
    }

    #[test]
    fn an_unreadable_proxy_is_a_configuration_error_that_hides_its_credentials() {
        let error = Client::builder()
            .api_key("k")
            .proxy("http://user:hunter2@proxy:notaport")
            .build()
            .unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains("invalid proxy"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
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
