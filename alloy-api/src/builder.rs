//! Configuration: the defaults, [`ClientBuilder`], the checks of a base URL, and the TLS
//! configuration each client gets.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use http::uri::{Authority, Scheme};

use crate::client::{BEARER, Client, Inner};
use crate::connect::{self, Connector};
use crate::pool::Pool;
use crate::redact::{ApiKey, RedactedUrl};
use crate::uri;
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
    ///
    /// [`build`](Self::build) also refuses user info, a query or a fragment, `.` and `..`
    /// path segments, and any non-ASCII character: write an internationalized host name in
    /// its punycode (`xn--`) form and percent-encode the path. An IPv4 address must be in
    /// dotted-decimal form (`127.0.0.1`). Spaces and control characters around the URL are
    /// ignored.
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
        let (pool, proxy_authorization) = pool(origin, connect_timeout)?;

        Ok(Client {
            inner: Arc::new(Inner {
                pool,
                base_url,
                base_path,
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
    /// The origin of a base URL as [`parse_base_url`] returns it: `http` or `https`, and an
    /// authority of host and non-default port only.
    fn of(url: &http::Uri) -> Result<Self, Error> {
        let invalid = || Error::config("invalid base URL: its host cannot be sent");
        let authority = url.authority().ok_or_else(invalid)?.clone();
        Ok(Self {
            scheme: url.scheme().ok_or_else(invalid)?.clone(),
            host: HeaderValue::from_str(authority.as_str()).map_err(|_| invalid())?,
            authority,
        })
    }
}

/// The connection pool of one `Client`: rustls with the client's own configuration over
/// TCP (with `TCP_NODELAY`, directly or through the environment's proxy), the whole connect
/// bounded by `connect_timeout`, idle connections kept 90 s. Also returns the
/// `Proxy-Authorization` a forwarding proxy wants on every request.
fn pool(origin: Origin, connect_timeout: Duration) -> Result<(Pool, Option<HeaderValue>), Error> {
    let base = http::Uri::builder()
        .scheme(origin.scheme.clone())
        .authority(origin.authority.clone())
        .path_and_query("/")
        .build()
        .map_err(|e| Error::config(format!("invalid base URL: {e}")))?;
    let proxied = connect::route_from_env(&base).map_err(Error::config)?;
    let connector = Connector::new(&base, proxied.route, tls_config()?, connect_timeout)
        .map_err(|e| Error::config(format!("invalid base URL: {e}")))?;
    let pool = Pool::new(connector, origin.scheme, origin.authority, origin.host);
    Ok((pool, proxied.forward_auth))
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

/// Parses and checks a base URL: http(s), a host, no user info, query or fragment, no `.` or
/// `..` path segment, `https` unless loopback or allowed. Returns it normalized: lowercase
/// scheme and host, no default port. Errors show the URL without user info, query or
/// fragment, which could hold secrets.
fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<http::Uri, Error> {
    // What `.env` files and shells leave around a value.
    let raw = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    let shown = RedactedUrl(raw);
    // Unparseable, it is shown escaped in backticks or not at all.
    let url =
        uri::parse(raw).map_err(|e| Error::config(format!("invalid base URL {shown}: {e}")))?;
    if url.query || url.fragment {
        return Err(Error::config(format!(
            "invalid base URL `{shown}`: it cannot have a query or fragment"
        )));
    }
    if url.user_info {
        return Err(Error::config(
            "invalid base URL: it cannot carry credentials; use the API key",
        ));
    }
    if let Err(why) = check_host(&url.host) {
        return Err(Error::config(format!("invalid base URL `{shown}`: {why}")));
    }
    if url.path.split('/').any(is_dot_segment) {
        return Err(Error::config(format!(
            "invalid base URL `{shown}`: its path cannot have `.` or `..` segments"
        )));
    }
    match url.scheme.as_str() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url.host) => {}
        "http" => {
            return Err(Error::config(format!(
                "refusing plain http for `{shown}`: the API key would travel in clear text; use \
                 https, a loopback address, or ClientBuilder::allow_insecure_http(true)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "invalid base URL `{shown}`: unsupported scheme `{other}`"
            )));
        }
    }
    let authority = match url.port {
        Some(port) => format!("{}:{port}", url.host),
        None => url.host,
    };
    http::Uri::builder()
        .scheme(url.scheme.as_str())
        .authority(authority)
        .path_and_query(url.path)
        .build()
        .map_err(|e| Error::config(format!("invalid base URL `{shown}`: {e}")))
}

/// Checks a host as written: a bracketed IPv6 address, an IPv4 address in dotted-decimal
/// form, or a name of ASCII letters, digits, `-`, `_` and `.`. A name whose last label is a
/// number is taken for a malformed IPv4 address (`127.1`, `0x7f.1`), as browsers take it.
fn check_host(host: &str) -> Result<(), &'static str> {
    if let Some(ip) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return match ip.parse::<std::net::Ipv6Addr>() {
            Ok(_) => Ok(()),
            Err(_) => Err("invalid IPv6 address"),
        };
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err("invalid host");
    }
    let last = host
        .trim_end_matches('.')
        .rsplit('.')
        .next()
        .unwrap_or_default();
    let numeric = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
        || last
            .strip_prefix("0x")
            .or_else(|| last.strip_prefix("0X"))
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric && host.parse::<std::net::Ipv4Addr>().is_err() {
        return Err("an IPv4 address must be in dotted-decimal form, such as `127.0.0.1`");
    }
    Ok(())
}

/// Whether a path segment is `.` or `..`, percent-encoded or not.
fn is_dot_segment(segment: &str) -> bool {
    let dots = segment.to_ascii_lowercase().replace("%2e", ".");
    dots == "." || dots == ".."
}

/// Whether a checked host is a loopback address or `localhost`.
fn is_loopback(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip) => ip
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => match host.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => host.eq_ignore_ascii_case("localhost"),
        },
    }
}

/// The rustls configuration of one client: the `ring` provider, safe protocol versions, the
/// certificate verification the crate's features choose, and ALPN for the HTTP versions
/// compiled in. Built per client and handed to the connector, so no process-wide provider is read
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
        assert!(parse_base_url("http://127.1", false).is_err());
        assert!(parse_base_url("http://127.0.0.1.example.com", false).is_err());
        assert!(parse_base_url("http://[::ffff:127.0.0.1]", false).is_err());
        assert!(parse_base_url("http://127.42.0.1", false).is_ok());
        assert!(parse_base_url("http://LocalHost", false).is_ok());
    }

    #[test]
    fn base_urls_are_normalized() {
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
        ] {
            assert_eq!(
                parse_base_url(raw, false).unwrap().to_string(),
                normal,
                "{raw}"
            );
        }
    }

    #[test]
    fn what_the_url_crate_would_have_rewritten_is_refused() {
        for (raw, why) in [
            ("https://bücher.example", "punycode"),
            ("https://api.example.com/ä", "punycode"),
            ("https://0x7f.1", "dotted-decimal"),
            ("https://10.1", "dotted-decimal"),
            ("https://api.example.com/a/../b", "segments"),
            ("https://api.example.com/%2E/b", "segments"),
            ("https://a!b.example", "invalid host"),
            ("https://[::g]", "IPv6"),
            ("https://api.example.com:99999", "port"),
            ("https://:443", "no host"),
            ("api.example.com", "absolute"),
        ] {
            let error = parse_base_url(raw, true).unwrap_err().to_string();
            assert!(error.contains(why), "{raw}: {error}");
        }
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
