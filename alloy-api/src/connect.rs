//! How the client reaches the server: TCP (directly, or through an HTTP proxy from the
//! environment), then TLS with the client's own rustls configuration for an `https` base URL,
//! all within the connect timeout. Used only when the pool has no idle connection, so none of
//! it runs per request.

use std::error::Error as StdError;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use http::header::HeaderValue;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::proxy::ProxyEnv;

pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// How long a connection attempt to one address runs alone before the next address is tried
/// beside it (RFC 8305's "connection attempt delay"), so that an unreachable IPv6 address does
/// not hold up a reachable IPv4 one until the connect timeout.
const NEXT_ADDRESS_DELAY: Duration = Duration::from_millis(250);

/// The longest `CONNECT` answer head read from a proxy.
const MAX_TUNNEL_HEAD: usize = 8 * 1024;

/// Opens connections to the base URL's origin.
pub(crate) struct Connector {
    /// The origin's host (an IPv6 address without its brackets) and port.
    host: String,
    port: u16,
    route: Route,
    /// For an `https` origin: the client's TLS configuration and the name to verify.
    tls: Option<(TlsConnector, ServerName<'static>)>,
    timeout: Duration,
    /// Speak HTTP/2 without TLS (prior knowledge), so that the tests can reach the HTTP/2
    /// code without a certificate the client trusts.
    #[cfg(test)]
    pub(crate) h2c: bool,
}

/// The way to the server's TCP stream, chosen once per client from the proxy environment
/// variables (the destination is always the base URL's origin).
#[derive(Debug)]
pub(crate) enum Route {
    /// Straight to the server.
    Direct,
    /// An `https` server through an HTTP proxy: a `CONNECT` tunnel, TLS inside it.
    Tunnel {
        proxy: (String, u16),
        /// `Proxy-Authorization` of the `CONNECT` request, from the proxy URL's credentials.
        auth: Option<HeaderValue>,
    },
    /// An `http` server through an HTTP proxy: connect to the proxy, which forwards requests
    /// sent in absolute form.
    Forward { proxy: (String, u16) },
}

/// What a proxy from the environment means for the client's requests.
pub(crate) struct Proxied {
    /// How to connect.
    pub(crate) route: Route,
    /// The `Proxy-Authorization` value each request to a forwarding proxy carries.
    pub(crate) forward_auth: Option<HeaderValue>,
}

/// A connection ready for HTTP.
pub(crate) struct Connected {
    pub(crate) stream: Stream,
    /// The server chose HTTP/2 during the TLS handshake (ALPN).
    pub(crate) h2: bool,
}

/// Chooses the route to `base` from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
/// (and their lowercase forms), read as curl and reqwest read them.
pub(crate) fn route_from_env(base: &Uri) -> Result<Proxied, String> {
    route(&ProxyEnv::from_env(), base)
}

/// Chooses the route to `base` by the proxy rules of `proxies`.
fn route(proxies: &ProxyEnv, base: &Uri) -> Result<Proxied, String> {
    let scheme = base.scheme_str().unwrap_or_default();
    let host = base.host().unwrap_or_default();
    let Some(proxy) = proxies.proxy_for(scheme, host) else {
        return Ok(Proxied {
            route: Route::Direct,
            forward_auth: None,
        });
    };
    if proxy.scheme != "http" {
        return Err(format!(
            "the proxy from the environment for {host} uses `{}://`: only `http://` proxies \
             are supported; exclude the host with NO_PROXY or use an http proxy",
            proxy.scheme,
        ));
    }
    let address = (proxy.host.clone(), proxy.port.unwrap_or(80));
    let auth = proxy.auth.clone();
    if scheme == "https" {
        Ok(Proxied {
            route: Route::Tunnel {
                proxy: address,
                auth,
            },
            forward_auth: None,
        })
    } else {
        Ok(Proxied {
            route: Route::Forward { proxy: address },
            forward_auth: auth,
        })
    }
}

/// A host as a URI writes it, IPv6 addresses in brackets, as name resolution and TLS want it.
fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

impl Connector {
    /// A connector to `base`'s origin (scheme, host and port) by `route`, with TLS configured
    /// by `tls` for an `https` origin.
    pub(crate) fn new(
        base: &Uri,
        route: Route,
        tls: rustls::ClientConfig,
        timeout: Duration,
    ) -> Result<Self, String> {
        let https = base.scheme_str() == Some("https");
        let host = unbracket(base.host().unwrap_or_default()).to_owned();
        let port = base.port_u16().unwrap_or(if https { 443 } else { 80 });
        let tls = if https {
            let name = ServerName::try_from(host.clone())
                .map_err(|_| format!("`{host}` is not a name TLS can verify"))?;
            Some((TlsConnector::from(Arc::new(tls)), name))
        } else {
            None
        };
        Ok(Self {
            host,
            port,
            route,
            tls,
            timeout,
            #[cfg(test)]
            h2c: false,
        })
    }

    /// Whether requests go to a forwarding proxy, in absolute form.
    pub(crate) fn forwarding(&self) -> bool {
        matches!(self.route, Route::Forward { .. })
    }

    /// Opens a connection: TCP, the proxy tunnel if any, the TLS handshake if any, all within
    /// the connect timeout ([`ConnectTimeout`] otherwise).
    pub(crate) async fn connect(&self) -> Result<Connected, BoxError> {
        match tokio::time::timeout(self.timeout, self.open()).await {
            Ok(connected) => connected.map_err(|source| {
                let origin = if self.host.contains(':') {
                    format!("[{}]:{}", self.host, self.port)
                } else {
                    format!("{}:{}", self.host, self.port)
                };
                Box::new(ConnectError { origin, source }) as BoxError
            }),
            Err(_) => Err(Box::new(ConnectTimeout)),
        }
    }

    async fn open(&self) -> Result<Connected, BoxError> {
        let tcp = match &self.route {
            Route::Direct => tcp(&self.host, self.port).await?,
            Route::Forward { proxy } => tcp(&proxy.0, proxy.1).await.map_err(to_proxy)?,
            Route::Tunnel { proxy, auth } => {
                let tcp = tcp(&proxy.0, proxy.1).await.map_err(to_proxy)?;
                tunnel(tcp, &self.host, self.port, auth.as_ref()).await?
            }
        };
        let Some((tls, name)) = &self.tls else {
            #[cfg(test)]
            let h2 = self.h2c;
            #[cfg(not(test))]
            let h2 = false;
            return Ok(Connected {
                stream: Stream::Plain(tcp),
                h2,
            });
        };
        let tls = tls.connect(name.clone(), tcp).await?;
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        Ok(Connected {
            stream: Stream::Tls(Box::new(tls)),
            h2,
        })
    }
}

/// Says which connection failed when it is the proxy's.
fn to_proxy(error: io::Error) -> BoxError {
    format!("cannot connect to the proxy: {error}").into()
}

/// Connects to `host:port`: every address the name resolves to, in the order RFC 8305 asks
/// (address families alternating), the next one started when the previous one fails or has
/// not answered within [`NEXT_ADDRESS_DELAY`]; the first to connect wins. `TCP_NODELAY` on.
async fn tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    let addresses = interleave(tokio::net::lookup_host((host, port)).await?.collect());
    let mut next = addresses.into_iter();
    let mut attempts: Vec<Pin<Box<dyn Future<Output = io::Result<TcpStream>> + Send>>> =
        Vec::with_capacity(1);
    let mut last_error = None;
    let mut delay = Box::pin(tokio::time::sleep(NEXT_ADDRESS_DELAY));
    if let Some(first) = next.next() {
        attempts.push(Box::pin(TcpStream::connect(first)));
    }
    let stream = poll_fn(|cx| {
        loop {
            let mut i = 0;
            while i < attempts.len() {
                match attempts[i].as_mut().poll(cx) {
                    Poll::Ready(Ok(stream)) => return Poll::Ready(Ok(stream)),
                    Poll::Ready(Err(e)) => {
                        last_error = Some(e);
                        drop(attempts.swap_remove(i));
                    }
                    Poll::Pending => i += 1,
                }
            }
            if (attempts.is_empty() || delay.as_mut().poll(cx).is_ready())
                && let Some(address) = next.next()
            {
                attempts.push(Box::pin(TcpStream::connect(address)));
                let at = tokio::time::Instant::now() + NEXT_ADDRESS_DELAY;
                delay.as_mut().reset(at);
                continue;
            }
            if attempts.is_empty() {
                return Poll::Ready(Err(last_error.take().unwrap_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("`{host}` resolves to no address"),
                    )
                })));
            }
            return Poll::Pending;
        }
    })
    .await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Orders resolved addresses as RFC 8305 does: the first one's family first, then
/// alternating families.
fn interleave(addresses: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let Some(first) = addresses.first() else {
        return addresses;
    };
    let v6_first = first.is_ipv6();
    let (preferred, other): (Vec<SocketAddr>, Vec<SocketAddr>) =
        addresses.iter().partition(|a| a.is_ipv6() == v6_first);
    let mut ordered = Vec::with_capacity(addresses.len());
    let (mut preferred, mut other) = (preferred.into_iter(), other.into_iter());
    loop {
        match (preferred.next(), other.next()) {
            (None, None) => return ordered,
            (a, b) => ordered.extend(a.into_iter().chain(b)),
        }
    }
}

/// Asks the proxy on `tcp` for a tunnel to `host:port` with `CONNECT`, and returns the stream
/// once the proxy answered 2xx.
async fn tunnel(
    tcp: TcpStream,
    host: &str,
    port: u16,
    auth: Option<&HeaderValue>,
) -> Result<TcpStream, BoxError> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    if let Some(auth) = auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let mut written = 0;
    while written < head.len() {
        tcp.writable().await?;
        match tcp.try_write(&head[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.into()),
        }
    }

    let mut answer = vec![0u8; MAX_TUNNEL_HEAD];
    let mut read = 0;
    let end = loop {
        tcp.readable().await?;
        match tcp.try_read(&mut answer[read..]) {
            Ok(0) => return Err("the proxy closed the connection before answering CONNECT".into()),
            Ok(n) => read += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e.into()),
        }
        if let Some(at) = answer[..read].windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if read == answer.len() {
            return Err("the proxy's answer to CONNECT is too long".into());
        }
    };
    let status_line = answer[..end]
        .split(|&b| b == b'\r')
        .next()
        .unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let status = status_line.split(' ').nth(1).unwrap_or_default();
    if !status_line.starts_with("HTTP/1.") || status.len() != 3 {
        return Err(format!("the proxy answered CONNECT with `{status_line}`").into());
    }
    if status == "407" {
        return Err(
            "the proxy requires authentication (407): put the credentials in the \
                    proxy URL"
                .into(),
        );
    }
    if !status.starts_with('2') {
        return Err(format!("the proxy refused the tunnel: `{status_line}`").into());
    }
    if read > end {
        // The server speaks first only after the client's TLS hello: bytes here are not ours.
        return Err("the proxy sent data after its answer to CONNECT".into());
    }
    Ok(tcp)
}

/// A connection's byte stream: TCP, or TLS over TCP.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(&mut **tls).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Stream::Tls(tls) => Pin::new(&mut **tls).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Stream::Tls(tls) => Pin::new(&mut **tls).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(tcp) => tcp.is_write_vectored(),
            Stream::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(&mut **tls).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(&mut **tls).poll_shutdown(cx),
        }
    }
}

/// Connecting to the origin failed, for the reason in its source.
#[derive(Debug)]
struct ConnectError {
    origin: String,
    source: BoxError,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot connect to {}", self.origin)
    }
}

impl StdError for ConnectError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// Connecting took longer than the connect timeout.
#[derive(Debug)]
pub(crate) struct ConnectTimeout;

impl fmt::Display for ConnectTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connect timeout")
    }
}

impl StdError for ConnectTimeout {}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(all: &str, no: &str) -> ProxyEnv {
        ProxyEnv::new("", "", all, no)
    }

    fn route_to(proxies: &ProxyEnv, base: &str) -> Result<Proxied, String> {
        route(proxies, &base.parse().unwrap())
    }

    #[test]
    fn proxies_are_used_as_curl_uses_them() {
        let none = ProxyEnv::default();
        let direct = route_to(&none, "https://api.example.com/").unwrap();
        assert!(matches!(direct.route, Route::Direct));

        let corp = proxies("http://user:pw@proxy.corp:3128", "localhost, .internal");
        // https: a tunnel, the credentials on the CONNECT only, marked sensitive.
        let tunnel = route_to(&corp, "https://api.example.com/").unwrap();
        match &tunnel.route {
            Route::Tunnel { proxy, auth } => {
                assert_eq!(proxy, &("proxy.corp".to_owned(), 3128));
                let auth = auth.as_ref().unwrap();
                assert_eq!(auth, "Basic dXNlcjpwdw==");
                assert!(auth.is_sensitive());
            }
            other => panic!("not tunnelled: {other:?}"),
        }
        assert!(tunnel.forward_auth.is_none());
        // http: forwarded, the credentials on every request, marked sensitive.
        let forward = route_to(&corp, "http://api.example.com/").unwrap();
        match &forward.route {
            Route::Forward { proxy } => assert_eq!(proxy, &("proxy.corp".to_owned(), 3128)),
            other => panic!("not forwarded: {other:?}"),
        }
        let auth = forward.forward_auth.unwrap();
        assert_eq!(auth, "Basic dXNlcjpwdw==");
        assert!(auth.is_sensitive());
        // A proxy without a port is on port 80.
        let default_port = route_to(&proxies("http://proxy.corp", ""), "http://a.example/");
        match default_port.unwrap().route {
            Route::Forward { proxy } => assert_eq!(proxy, ("proxy.corp".to_owned(), 80)),
            other => panic!("not forwarded: {other:?}"),
        }
        // NO_PROXY.
        let local = route_to(&corp, "http://localhost:8080/").unwrap();
        assert!(matches!(local.route, Route::Direct));
        let internal = route_to(&corp, "https://api.internal/").unwrap();
        assert!(matches!(internal.route, Route::Direct));
    }

    #[test]
    fn only_http_proxies_are_supported() {
        for proxy in ["https://proxy.corp:3128", "socks5://proxy.corp:1080"] {
            let error = route_to(&proxies(proxy, ""), "https://api.example.com/")
                .err()
                .expect("refused");
            assert!(error.contains("only `http://` proxies"), "{error}");
            assert!(error.contains("api.example.com"), "{error}");
        }
    }

    #[test]
    fn addresses_alternate_families_from_the_first_ones() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        let resolved = vec![a("[::1]:1"), a("[::2]:1"), a("[::3]:1"), a("10.0.0.1:1")];
        assert_eq!(
            interleave(resolved),
            vec![a("[::1]:1"), a("10.0.0.1:1"), a("[::2]:1"), a("[::3]:1")]
        );
        assert!(interleave(Vec::new()).is_empty());
    }
}
