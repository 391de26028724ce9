//! The client's connections to its one origin: HTTP/1.1 connections kept alive between
//! requests, or (with the `http2` feature, when the server chooses it) one HTTP/2 connection
//! shared by all requests.
//!
//! A client only ever talks to its base URL's origin, so the pool is a list, not a map: idle
//! HTTP/1.1 connections, most recently used first out, closed after [`IDLE_TIMEOUT`] unused.
//! A request that a pooled connection could not even start (the server had closed it) goes
//! to another connection without counting as an attempt, as the request was never sent.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HOST, HeaderValue};
use http::uri::{Authority, PathAndQuery, Scheme};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1;
#[cfg(feature = "http2")]
use hyper::client::conn::http2;
use hyper_util::rt::TokioIo;
use tokio::time::Instant;

use crate::connect::{BoxError, Connected, Connector};

/// A request body: the JSON, or nothing.
pub(crate) type Body = Full<Bytes>;

/// How long an HTTP/1.1 connection stays open unused before the pool closes it.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Why a request got no response head.
#[derive(Debug)]
pub(crate) enum SendError {
    /// No connection could be opened (name resolution, TCP, proxy, TLS, connect timeout):
    /// the request was not sent.
    Connect(BoxError),
    /// A new connection closed before the request was written: it was not sent.
    NotSent(hyper::Error),
    /// The connection failed after the request was handed to it: the server may have
    /// received it.
    Lost(hyper::Error),
}

/// The connections of one client.
pub(crate) struct Pool {
    connector: Connector,
    /// Every request's URI when it goes to a forwarding proxy or over HTTP/2 (absolute form),
    /// and the `Host` header of HTTP/1.1 requests.
    scheme: Scheme,
    authority: Authority,
    host: HeaderValue,
    idle: Arc<Mutex<Idle>>,
    #[cfg(feature = "http2")]
    shared: Mutex<Option<http2::SendRequest<Body>>>,
}

#[derive(Default)]
struct Idle {
    /// Oldest first.
    connections: Vec<(http1::SendRequest<Body>, Instant)>,
    /// The task closing expired connections, while it runs (it ends when no connection is
    /// left, or with the runtime it was started on).
    reaper: Option<tokio::task::JoinHandle<()>>,
}

impl Idle {
    /// Drops the connections unused for [`IDLE_TIMEOUT`] (which closes them).
    fn prune(&mut self, now: Instant) {
        let expired = self
            .connections
            .iter()
            .take_while(|(_, since)| now.saturating_duration_since(*since) >= IDLE_TIMEOUT)
            .count();
        self.connections.drain(..expired);
    }
}

/// A connection taken for one request.
enum Conn {
    H1(http1::SendRequest<Body>),
    #[cfg(feature = "http2")]
    H2(http2::SendRequest<Body>),
}

/// An HTTP/1.1 connection busy with a response: give it back with [`Pool::put`] once the
/// whole body is read, or drop it (which closes it) when the body is abandoned.
pub(crate) struct Busy(http1::SendRequest<Body>);

impl Pool {
    /// A pool opening its connections with `connector` to the origin `scheme://authority`,
    /// whose `Host` header is `host`.
    pub(crate) fn new(
        connector: Connector,
        scheme: Scheme,
        authority: Authority,
        host: HeaderValue,
    ) -> Self {
        Self {
            connector,
            scheme,
            authority,
            host,
            idle: Arc::default(),
            #[cfg(feature = "http2")]
            shared: Mutex::new(None),
        }
    }

    /// Sends `request` (its URI in origin form: path and query) on a pooled connection, or a
    /// new one, and returns the response head and body. The HTTP/1.1 connection it used comes
    /// with it, to be [put back](Pool::put) after the body.
    pub(crate) async fn send(
        &self,
        mut request: http::Request<Body>,
    ) -> Result<(http::Response<Incoming>, Option<Busy>), SendError> {
        // After a pooled HTTP/2 connection handed the request back: a new one, since the
        // shared one may not show as closed yet.
        let mut fresh = false;
        loop {
            let pooled = if fresh { None } else { self.checkout().await };
            let (mut conn, pooled) = match pooled {
                Some(conn) => (conn, true),
                None => (self.connect().await.map_err(SendError::Connect)?, false),
            };
            self.target(&mut request, &conn);
            let result = match &mut conn {
                Conn::H1(sender) => sender.try_send_request(request).await,
                #[cfg(feature = "http2")]
                Conn::H2(sender) => sender.try_send_request(request).await,
            };
            let mut error = match result {
                Ok(response) => {
                    let busy = match conn {
                        Conn::H1(sender) => Some(Busy(sender)),
                        #[cfg(feature = "http2")]
                        Conn::H2(_) => None,
                    };
                    return Ok((response, busy));
                }
                Err(error) => error,
            };
            #[cfg(feature = "http2")]
            if let Conn::H2(_) = conn {
                fresh = true;
            }
            // A failed stream does not close an HTTP/2 connection: the shared one stays until
            // it closes (checkout skips it then) or a new one replaces it.
            match error.take_message() {
                // The pooled connection had been closed under us: the request never left.
                Some(unsent) if pooled => request = unsent,
                Some(_) => return Err(SendError::NotSent(error.into_error())),
                None => return Err(SendError::Lost(error.into_error())),
            }
        }
    }

    /// Puts an HTTP/1.1 connection whose response was read to the end back among the idle
    /// ones.
    pub(crate) fn put(&self, Busy(sender): Busy) {
        if sender.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = lock(&self.idle);
        idle.prune(now);
        idle.connections.push((sender, now));
        if idle
            .reaper
            .as_ref()
            .is_none_or(|reaper| reaper.is_finished())
        {
            idle.reaper = Some(spawn(Box::pin(reap(Arc::downgrade(&self.idle), now))));
        }
    }

    /// The shared HTTP/2 connection if it is open, or the most recently used idle HTTP/1.1
    /// connection still open.
    async fn checkout(&self) -> Option<Conn> {
        #[cfg(feature = "http2")]
        if let Some(sender) = lock(&self.shared).as_ref().filter(|s| !s.is_closed()) {
            return Some(Conn::H2(sender.clone()));
        }
        loop {
            let mut sender = {
                let mut idle = lock(&self.idle);
                idle.prune(Instant::now());
                idle.connections.pop()?.0
            };
            // Ready at once, unless the connection is still finishing its previous response.
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Some(Conn::H1(sender));
            }
        }
    }

    /// Opens a connection and starts the task that drives it.
    async fn connect(&self) -> Result<Conn, BoxError> {
        let Connected { stream, h2 } = self.connector.connect().await?;
        let io = TokioIo::new(stream);
        #[cfg(feature = "http2")]
        if h2 {
            let (sender, connection) = http2::handshake(Spawner, io).await?;
            drop(spawn(Box::pin(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "HTTP/2 connection closed");
                }
            })));
            *lock(&self.shared) = Some(sender.clone());
            return Ok(Conn::H2(sender));
        }
        #[cfg(not(feature = "http2"))]
        let _ = h2;
        let (sender, connection) = http1::handshake(io).await?;
        drop(spawn(Box::pin(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "HTTP/1.1 connection closed");
            }
        })));
        Ok(Conn::H1(sender))
    }

    /// Writes the request target as `conn` wants it: origin form with a `Host` header on
    /// HTTP/1.1 to the server, absolute form to a forwarding proxy and on HTTP/2.
    fn target(&self, request: &mut http::Request<Body>, conn: &Conn) {
        let absolute = match conn {
            Conn::H1(_) => {
                request
                    .headers_mut()
                    .entry(HOST)
                    .or_insert_with(|| self.host.clone());
                self.connector.forwarding()
            }
            #[cfg(feature = "http2")]
            Conn::H2(_) => {
                request.headers_mut().remove(HOST);
                true
            }
        };
        let uri = request.uri_mut();
        let path_and_query = uri
            .path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/"));
        if absolute {
            let mut parts = http::uri::Parts::default();
            parts.scheme = Some(self.scheme.clone());
            parts.authority = Some(self.authority.clone());
            parts.path_and_query = Some(path_and_query);
            if let Ok(full) = http::Uri::from_parts(parts) {
                *uri = full;
            }
        } else if uri.scheme().is_some() {
            *uri = http::Uri::from(path_and_query);
        }
    }
}

/// Runs a background task of the pool (a connection, the idle reaper, HTTP/2 streams) on the
/// Tokio runtime. Every task has the same boxed type, so Tokio's task machinery is compiled
/// once for all of them rather than once per future type.
fn spawn(task: Pin<Box<dyn Future<Output = ()> + Send>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(task)
}

/// Hands hyper's HTTP/2 background futures to [`spawn`].
#[cfg(feature = "http2")]
#[derive(Clone, Copy)]
struct Spawner;

#[cfg(feature = "http2")]
impl<F: Future<Output = ()> + Send + 'static> hyper::rt::Executor<F> for Spawner {
    fn execute(&self, future: F) {
        drop(spawn(Box::pin(future)));
    }
}

/// Closes idle connections as they expire: first [`IDLE_TIMEOUT`] after `started`, then
/// whenever the oldest one left expires. Ends when none is left (the next [`Pool::put`]
/// starts another) or the pool is gone. It sleeps first, so under steady traffic, where a
/// connection is back in use before it could expire, one reaper is started per idle timeout
/// rather than one per request.
async fn reap(idle: Weak<Mutex<Idle>>, started: Instant) {
    let mut wake = started + IDLE_TIMEOUT;
    loop {
        tokio::time::sleep_until(wake).await;
        let Some(idle) = idle.upgrade() else { return };
        let mut idle = lock(&idle);
        idle.prune(Instant::now());
        match idle.connections.first() {
            Some((_, since)) => wake = *since + IDLE_TIMEOUT,
            None => {
                // Under the lock: the next `put` sees no reaper and starts one.
                idle.reaper = None;
                return;
            }
        }
    }
}

/// Locks a pool mutex; a panic while holding one leaves the data consistent (every critical
/// section is a single push, pop or drain), so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use http_body_util::BodyExt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;
    use crate::connect::Route;

    /// What the test server saw: each request's head, with the number of the connection it
    /// came on.
    type Seen = Arc<Mutex<Vec<(usize, String)>>>;

    /// How the test server behaves.
    #[derive(Clone, Copy)]
    struct Plan {
        /// Answer a `CONNECT` first with this status line, then serve HTTP in the tunnel.
        tunnel: Option<&'static str>,
        /// Close each connection after this many answers.
        answers_per_connection: usize,
    }

    const SERVE: Plan = Plan {
        tunnel: None,
        answers_per_connection: usize::MAX,
    };

    async fn server(plan: Plan) -> (u16, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Seen::default();
        let log = Arc::clone(&seen);
        let connections = Arc::new(AtomicUsize::new(0));
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                let n = connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(connection(socket, n, Arc::clone(&log), plan));
            }
        });
        (port, seen)
    }

    /// Reads one request head (and its `Content-Length` body); `None` at the end.
    async fn read_request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")?
                            .trim()
                            .parse()
                            .ok()
                    })
                    .unwrap_or(0usize);
                while buf.len() < end + 4 + len {
                    if socket.read_buf(buf).await.ok()? == 0 {
                        return None;
                    }
                }
                buf.drain(..end + 4 + len);
                return Some(head);
            }
            if socket.read_buf(buf).await.ok()? == 0 {
                return None;
            }
        }
    }

    async fn connection(mut socket: TcpStream, n: usize, seen: Seen, plan: Plan) {
        let mut buf = Vec::new();
        if let Some(status) = plan.tunnel {
            let Some(head) = read_request(&mut socket, &mut buf).await else {
                return;
            };
            lock(&seen).push((n, head));
            let answer = format!("{status}\r\n\r\n");
            socket.write_all(answer.as_bytes()).await.unwrap();
            if !status.contains(" 200 ") {
                return;
            }
        }
        for _ in 0..plan.answers_per_connection {
            let Some(head) = read_request(&mut socket, &mut buf).await else {
                return;
            };
            lock(&seen).push((n, head));
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
            if socket.write_all(answer.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn pool(base: &str, route: Route) -> Pool {
        let base: http::Uri = base.parse().unwrap();
        let connector = Connector::new(
            &base,
            route,
            crate::builder::tls_config().unwrap(),
            Duration::from_secs(5),
        )
        .unwrap();
        let authority = base.authority().unwrap().clone();
        let host = HeaderValue::from_str(authority.as_str()).unwrap();
        Pool::new(connector, base.scheme().unwrap().clone(), authority, host)
    }

    fn request(method: &str, path: &'static str) -> http::Request<Body> {
        let mut request = http::Request::new(Full::new(Bytes::from_static(b"{}")));
        *request.method_mut() = method.parse().unwrap();
        *request.uri_mut() = http::Uri::from_static(path);
        request
    }

    /// Sends a request, reads the body and gives the connection back, as an attempt does.
    async fn call(pool: &Pool, method: &str, path: &'static str) -> Result<Bytes, SendError> {
        let (response, busy) = pool.send(request(method, path)).await?;
        let body = response.into_body().collect().await.unwrap().to_bytes();
        if let Some(busy) = busy {
            pool.put(busy);
        }
        Ok(body)
    }

    fn heads(seen: &Seen) -> Vec<(usize, String)> {
        lock(seen).clone()
    }

    #[tokio::test]
    async fn requests_one_after_another_share_one_connection() {
        let (port, seen) = server(SERVE).await;
        let pool = pool(&format!("http://127.0.0.1:{port}"), Route::Direct);
        for _ in 0..3 {
            assert_eq!(&call(&pool, "GET", "/x?a=1").await.unwrap()[..], b"{}");
        }
        let heads = heads(&seen);
        assert_eq!(heads.len(), 3);
        for (connection, head) in &heads {
            assert_eq!(*connection, 0, "a second connection was opened: {heads:?}");
            assert!(head.starts_with("GET /x?a=1 HTTP/1.1\r\n"), "{head}");
            let host = format!("host: 127.0.0.1:{port}");
            assert!(head.to_ascii_lowercase().contains(&host), "{head}");
        }
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_is_not_used_again() {
        let (port, seen) = server(Plan {
            answers_per_connection: 1,
            ..SERVE
        })
        .await;
        let pool = pool(&format!("http://127.0.0.1:{port}"), Route::Direct);
        call(&pool, "POST", "/users").await.unwrap();
        // Once the client has seen the server close the idle connection...
        for _ in 0..500 {
            if lock(&pool.idle)
                .connections
                .iter()
                .all(|(s, _)| s.is_closed())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // ...a POST goes on a new one, sent once.
        call(&pool, "POST", "/users").await.unwrap();
        let connections: Vec<usize> = heads(&seen).iter().map(|(n, _)| *n).collect();
        assert_eq!(connections, [0, 1]);
    }

    #[tokio::test]
    async fn a_forwarding_proxy_gets_the_absolute_form() {
        let (port, seen) = server(SERVE).await;
        let proxy = ("127.0.0.1".to_owned(), port);
        let pool = pool("http://api.example:8080", Route::Forward { proxy });
        call(&pool, "GET", "/v1/users?x=1").await.unwrap();
        let (_, head) = &heads(&seen)[0];
        assert!(
            head.starts_with("GET http://api.example:8080/v1/users?x=1 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase().contains("host: api.example:8080"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn a_tunnel_is_asked_for_with_connect_and_its_credentials() {
        let (port, seen) = server(Plan {
            tunnel: Some("HTTP/1.1 200 Connection established"),
            ..SERVE
        })
        .await;
        let proxy = ("127.0.0.1".to_owned(), port);
        let auth = Some(HeaderValue::from_static("Basic dXNlcjpwdw=="));
        let pool = pool("http://api.example:8443", Route::Tunnel { proxy, auth });
        call(&pool, "GET", "/x").await.unwrap();
        call(&pool, "GET", "/y").await.unwrap();
        let heads = heads(&seen);
        assert_eq!(heads.len(), 3, "{heads:?}");
        let connect = &heads[0].1;
        assert!(
            connect.starts_with("CONNECT api.example:8443 HTTP/1.1\r\n"),
            "{connect}"
        );
        assert!(
            connect.contains("Proxy-Authorization: Basic dXNlcjpwdw=="),
            "{connect}"
        );
        // Inside the tunnel: the server's own requests, on the same connection.
        assert!(heads[1].1.starts_with("GET /x HTTP/1.1\r\n"), "{heads:?}");
        assert!(heads[2].1.starts_with("GET /y HTTP/1.1\r\n"), "{heads:?}");
        assert!(heads.iter().all(|(n, _)| *n == 0), "{heads:?}");
    }

    #[tokio::test]
    async fn a_tunnel_the_proxy_refuses_is_a_connect_error_that_says_why() {
        for (status, expected) in [
            (
                "HTTP/1.1 407 Proxy Authentication Required",
                "requires authentication",
            ),
            ("HTTP/1.1 403 Forbidden", "refused the tunnel"),
        ] {
            let (port, _) = server(Plan {
                tunnel: Some(status),
                ..SERVE
            })
            .await;
            let proxy = ("127.0.0.1".to_owned(), port);
            let pool = pool(
                "http://api.example:8443",
                Route::Tunnel { proxy, auth: None },
            );
            let error = call(&pool, "GET", "/x").await.unwrap_err();
            let SendError::Connect(error) = error else {
                panic!("not a connect error: {error:?}");
            };
            let cause = error.source().map(ToString::to_string).unwrap_or_default();
            assert!(error.to_string().contains("api.example:8443"), "{error}");
            assert!(cause.contains(expected), "{cause}");
        }
    }

    #[tokio::test]
    async fn idle_connections_expire_oldest_first() {
        let mut idle = Idle::default();
        let start = Instant::now();
        let now = start + Duration::from_secs(100);
        for since in [0, 40, 90] {
            let (io, _peer) = tokio::io::duplex(64);
            let (sender, connection) = http1::handshake::<_, Body>(TokioIo::new(io)).await.unwrap();
            tokio::spawn(connection);
            idle.connections
                .push((sender, start + Duration::from_secs(since)));
        }
        // Unused for 100, 60 and 10 s.
        idle.prune(now);
        assert_eq!(idle.connections.len(), 2);
        idle.prune(now + Duration::from_secs(31));
        assert_eq!(idle.connections.len(), 1);
        idle.prune(now + IDLE_TIMEOUT);
        assert!(idle.connections.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_reaper_closes_idle_connections_after_the_timeout_and_stops() {
        let pool = pool("http://127.0.0.1:9", Route::Direct);
        let (io, _peer) = tokio::io::duplex(64);
        let (sender, connection) = http1::handshake::<_, Body>(TokioIo::new(io)).await.unwrap();
        tokio::spawn(connection);
        pool.put(Busy(sender));
        assert_eq!(lock(&pool.idle).connections.len(), 1);
        let reaper = lock(&pool.idle).reaper.as_ref().map(|r| r.id());
        assert!(reaper.is_some());

        // In use and back, as under steady traffic: the same reaper, none started per request.
        tokio::task::yield_now().await;
        let (sender, _) = lock(&pool.idle).connections.pop().unwrap();
        pool.put(Busy(sender));
        assert_eq!(lock(&pool.idle).reaper.as_ref().map(|r| r.id()), reaper);

        tokio::time::sleep(IDLE_TIMEOUT - Duration::from_secs(1)).await;
        assert_eq!(lock(&pool.idle).connections.len(), 1, "closed too early");
        tokio::time::sleep(Duration::from_secs(2)).await;
        tokio::task::yield_now().await;
        let idle = lock(&pool.idle);
        assert!(
            idle.connections.is_empty(),
            "not closed after the idle timeout"
        );
        assert!(idle.reaper.is_none(), "the reaper did not stop");
    }

    /// An HTTP/2 server (prior knowledge, no TLS) answering `{}` to every request, which
    /// records each request's URI and `Host` header with its connection's number.
    #[cfg(feature = "http2")]
    async fn h2_server() -> (u16, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Seen::default();
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            for n in 0.. {
                let (socket, _) = listener.accept().await.unwrap();
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut connection = h2::server::handshake(socket).await.unwrap();
                    while let Some(Ok((request, mut respond))) = connection.accept().await {
                        let host = request.headers().get(HOST).map(|h| h.to_str().unwrap());
                        let line = format!("{} {} host={host:?}", request.method(), request.uri());
                        lock(&log).push((n, line));
                        let head = http::Response::new(());
                        let mut body = respond.send_response(head, false).unwrap();
                        body.send_data(Bytes::from_static(b"{}"), true).unwrap();
                    }
                });
            }
        });
        (port, seen)
    }

    #[cfg(feature = "http2")]
    #[tokio::test]
    async fn http2_requests_share_one_connection_with_absolute_uris_and_no_host() {
        let (port, seen) = h2_server().await;
        let base = format!("http://127.0.0.1:{port}");
        let mut pool = pool(&base, Route::Direct);
        pool.connector.h2c = true;
        let pool = Arc::new(pool);

        assert_eq!(&call(&pool, "GET", "/a?x=1").await.unwrap()[..], b"{}");
        // Concurrent requests: multiplexed on the connection already open.
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let pool = Arc::clone(&pool);
                tokio::spawn(async move { call(&pool, "POST", "/b").await.map(|_| ()) })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }

        let heads = heads(&seen);
        assert_eq!(heads.len(), 9, "{heads:?}");
        assert!(heads.iter().all(|(n, _)| *n == 0), "{heads:?}");
        assert_eq!(heads[0].1, format!("GET {base}/a?x=1 host=None"));
        assert_eq!(heads[1].1, format!("POST {base}/b host=None"));
        assert!(lock(&pool.idle).connections.is_empty());
    }
}
