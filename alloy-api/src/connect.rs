//! How the client reaches the server: TCP (directly, or through an HTTP proxy from the
//! environment), TLS with the client's own rustls configuration, all within the connect
//! timeout. Used only when the pool has no idle connection, so none of it runs per request.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use http::header::HeaderValue;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;
type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// The whole connector: TLS over a route, bounded by the connect timeout.
pub(crate) type Connector = Timed<hyper_rustls::HttpsConnector<Route>>;

/// The way to the server's TCP stream, chosen once per client from the proxy environment
/// variables (the destination is always the base URL's origin).
#[derive(Clone)]
pub(crate) enum Route {
    /// Straight to the server.
    Direct(HttpConnector),
    /// An `https` server through an HTTP proxy: a `CONNECT` tunnel, TLS inside it.
    Tunnel(Tunnel<HttpConnector>),
    /// An `http` server through an HTTP proxy: connect to the proxy, which forwards requests
    /// sent in absolute form.
    Forward(HttpConnector, Uri),
}

/// What a proxy from the environment means for the client's requests.
pub(crate) struct Proxied {
    /// How to connect.
    pub(crate) route: Route,
    /// The `Proxy-Authorization` value each request to a forwarding proxy carries.
    pub(crate) forward_auth: Option<HeaderValue>,
}

/// Chooses the route to `base` from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
/// (and their lowercase forms), read as curl and reqwest read them.
pub(crate) fn route_from_env(base: &Uri, tcp: HttpConnector) -> Result<Proxied, String> {
    route(&Matcher::from_env(), base, tcp)
}

/// Chooses the route to `base` by the proxy rules of `proxies`.
fn route(proxies: &Matcher, base: &Uri, tcp: HttpConnector) -> Result<Proxied, String> {
    let Some(intercept) = proxies.intercept(base) else {
        return Ok(Proxied {
            route: Route::Direct(tcp),
            forward_auth: None,
        });
    };
    let proxy = intercept.uri().clone();
    if proxy.scheme_str() != Some("http") {
        return Err(format!(
            "the proxy from the environment for {} uses `{}://`: only `http://` proxies are \
             supported; exclude the host with NO_PROXY or use an http proxy",
            base.host().unwrap_or_default(),
            proxy.scheme_str().unwrap_or_default(),
        ));
    }
    let auth = intercept.basic_auth().cloned();
    if base.scheme_str() == Some("https") {
        let mut tunnel = Tunnel::new(proxy, tcp);
        if let Some(auth) = auth {
            tunnel = tunnel.with_auth(auth);
        }
        Ok(Proxied {
            route: Route::Tunnel(tunnel),
            forward_auth: None,
        })
    } else {
        Ok(Proxied {
            route: Route::Forward(tcp, proxy),
            forward_auth: auth.map(|mut auth| {
                auth.set_sensitive(true);
                auth
            }),
        })
    }
}

impl Service<Uri> for Route {
    type Response = Conn;
    type Error = BoxError;
    type Future = Connecting<Conn>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Route::Direct(tcp) | Route::Forward(tcp, _) => tcp.poll_ready(cx).map_err(Into::into),
            Route::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Route::Direct(tcp) => {
                let connecting = tcp.call(dst);
                Box::pin(async move { Ok(Conn::new(connecting.await?, false)) })
            }
            Route::Tunnel(tunnel) => {
                let connecting = tunnel.call(dst);
                Box::pin(async move { Ok(Conn::new(connecting.await?, false)) })
            }
            Route::Forward(tcp, proxy) => {
                let connecting = tcp.call(proxy.clone());
                Box::pin(async move { Ok(Conn::new(connecting.await?, true)) })
            }
        }
    }
}

/// A TCP connection, which tells the pool whether it goes to a forwarding proxy (requests
/// are then written in absolute form).
pub(crate) struct Conn {
    io: TokioIo<TcpStream>,
    forwarding: bool,
}

impl Conn {
    fn new(io: TokioIo<TcpStream>, forwarding: bool) -> Self {
        Self { io, forwarding }
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.forwarding)
    }
}

impl Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// A connector whose every connection (TCP, proxy tunnel, TLS handshake) must be ready
/// within `timeout`.
#[derive(Clone)]
pub(crate) struct Timed<C> {
    pub(crate) inner: C,
    pub(crate) timeout: Duration,
}

impl<C> Service<Uri> for Timed<C>
where
    C: Service<Uri>,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Connecting<C::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let connecting = self.inner.call(dst);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(result) => result.map_err(Into::into),
                Err(_) => Err(Box::new(ConnectTimeout) as BoxError),
            }
        })
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

    fn proxies(all: &str, no: &str) -> Matcher {
        Matcher::builder()
            .all(all.to_owned())
            .no(no.to_owned())
            .build()
    }

    fn route_to(proxies: &Matcher, base: &str) -> Result<Proxied, String> {
        route(proxies, &base.parse().unwrap(), HttpConnector::new())
    }

    #[test]
    fn proxies_are_used_as_curl_uses_them() {
        let none = Matcher::builder().build();
        let direct = route_to(&none, "https://api.example.com/").unwrap();
        assert!(matches!(direct.route, Route::Direct(_)));

        let corp = proxies("http://user:pw@proxy.corp:3128", "localhost, .internal");
        // https: a tunnel, the credentials on the CONNECT only.
        let tunnel = route_to(&corp, "https://api.example.com/").unwrap();
        assert!(matches!(tunnel.route, Route::Tunnel(_)));
        assert!(tunnel.forward_auth.is_none());
        // http: forwarded, the credentials on every request, marked sensitive.
        let forward = route_to(&corp, "http://api.example.com/").unwrap();
        match &forward.route {
            Route::Forward(_, proxy) => assert_eq!(proxy, "http://proxy.corp:3128/"),
            _ => panic!("not forwarded"),
        }
        let auth = forward.forward_auth.unwrap();
        assert_eq!(auth, "Basic dXNlcjpwdw==");
        assert!(auth.is_sensitive());
        // NO_PROXY.
        let local = route_to(&corp, "http://localhost:8080/").unwrap();
        assert!(matches!(local.route, Route::Direct(_)));
        let internal = route_to(&corp, "https://api.internal/").unwrap();
        assert!(matches!(internal.route, Route::Direct(_)));
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
}
