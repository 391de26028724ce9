//! A small, scriptable, misbehaving HTTP/1.1 server.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The largest request head the server reads.
const MAX_HEAD: usize = 64 * 1024;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Head with `Content-Length`, then the whole body; the connection stays open.
    Complete,
    /// Head with `Transfer-Encoding: chunked`, the body in 8 KiB chunks.
    Chunked,
    /// Head with a `Content-Length` `missing` bytes larger than the body sent, then close.
    Truncated { missing: usize },
    /// Head and half the body, then a TCP reset.
    ResetMidBody,
    /// Nothing at all, until the client hangs up.
    Stall,
    /// Close the connection without a byte.
    Close,
    /// These bytes as they are instead of an HTTP answer, then close.
    Raw(Vec<u8>),
}

impl Reply {
    /// `status` with the JSON body `{}`.
    pub fn status(status: u16) -> Self {
        Self::body(status, "application/json", "{}")
    }

    /// `status` with `value` as its JSON body.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::body(status, "application/json", value.to_string())
    }

    /// `status` with this body and `Content-Type`.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            kind: Kind::Complete,
        }
    }

    /// `status` with this body and no `Content-Type` (an empty body: `untyped(204, "")`).
    pub fn untyped(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            headers: Vec::new(),
            ..Self::body(status, "", body)
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends the body chunked, without `Content-Length`.
    #[must_use]
    pub fn chunked(mut self) -> Self {
        self.kind = Kind::Chunked;
        self
    }

    /// Declares `missing` more bytes in `Content-Length` than it sends, then closes.
    #[must_use]
    pub fn truncated(mut self, missing: usize) -> Self {
        self.kind = Kind::Truncated { missing };
        self
    }

    /// Sends the head and half the body, then resets the connection.
    #[must_use]
    pub fn reset_mid_body(mut self) -> Self {
        self.kind = Kind::ResetMidBody;
        self
    }

    /// Reads the request and never answers; the connection stays open until the client
    /// closes it (counted by [`FaultServer::hang_up_count`]).
    pub fn stall() -> Self {
        Self {
            kind: Kind::Stall,
            ..Self::status(200)
        }
    }

    /// Reads the request and closes the connection without answering.
    pub fn close() -> Self {
        Self {
            kind: Kind::Close,
            ..Self::status(200)
        }
    }

    /// Answers `bytes` as they are, whatever they are (such as a status line that is not
    /// HTTP), and closes the connection.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            kind: Kind::Raw(bytes.into()),
            ..Self::status(200)
        }
    }

    fn head(&self, content_length: Option<usize>) -> Vec<u8> {
        let reason = alloy_api::http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown");
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        match content_length {
            Some(len) => {
                let _ = write!(head, "content-length: {len}\r\n");
            }
            None => head.push_str("transfer-encoding: chunked\r\n"),
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request line exactly as sent, without CRLF: `GET /users/a%2Fb/token HTTP/1.1`.
    pub request_line: String,
    /// The method.
    pub method: String,
    /// The request target: path and query, still percent-encoded.
    pub target: String,
    /// The headers in the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query part of the target, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The values of every header called `name` (case-insensitive).
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of the header `name`, if sent once or more (the first).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).first().copied()
    }
}

struct Shared {
    script: Mutex<VecDeque<Reply>>,
    routes: Mutex<Vec<Route>>,
    fallback: Mutex<Reply>,
    requests: Mutex<Vec<Recorded>>,
    first_bytes: Mutex<Vec<Vec<u8>>>,
    received: watch::Sender<usize>,
    connections: watch::Sender<usize>,
    hang_ups: watch::Sender<usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A reply for every request with this method and path.
struct Route {
    method: String,
    path: String,
    reply: Reply,
}

impl Shared {
    fn next_reply(&self, request: &Recorded) -> Reply {
        if let Some(reply) = lock(&self.script).pop_front() {
            return reply;
        }
        let routes = lock(&self.routes);
        let route = routes
            .iter()
            .find(|r| r.method == request.method && r.path == request.path());
        match route {
            Some(route) => route.reply.clone(),
            None => lock(&self.fallback).clone(),
        }
    }
}

/// A scriptable HTTP/1.1 server on `127.0.0.1` and an ephemeral port.
///
/// Each request takes the next scripted [`Reply`]; when the script is empty, the reply of its
/// [route](FaultServer::route) if one matches, else the fallback (`200 {"data": []}` unless
/// set: an empty list for every list operation, and an answer every acknowledging operation
/// accepts). Stops when dropped, closing every connection.
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server whose fallback reply is `200 {"data": []}`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            script: Mutex::new(VecDeque::new()),
            routes: Mutex::new(Vec::new()),
            fallback: Mutex::new(Reply::json(200, &serde_json::json!({ "data": [] }))),
            requests: Mutex::new(Vec::new()),
            first_bytes: Mutex::new(Vec::new()),
            received: watch::Sender::new(0),
            connections: watch::Sender::new(0),
            hang_ups: watch::Sender::new(0),
        });
        let task = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Self { addr, shared, task }
    }

    /// Starts a server that answers `replies` in order, then the fallback.
    pub async fn with_script(replies: impl IntoIterator<Item = Reply>) -> Self {
        let server = Self::start().await;
        server.script(replies);
        server
    }

    /// Appends replies to the script.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        lock(&self.shared.script).extend(replies);
    }

    /// Answers every request with exactly this method and path (the target before any `?`,
    /// still percent-encoded) with `reply` once the script is used up, instead of the
    /// fallback. The first route added for a method and path wins.
    pub fn route(&self, method: &str, path: &str, reply: Reply) {
        lock(&self.shared.routes).push(Route {
            method: method.into(),
            path: path.into(),
            reply,
        });
    }

    /// Sets the reply given once the script is used up, to requests no route matches.
    pub fn set_fallback(&self, reply: Reply) {
        *lock(&self.shared.fallback) = reply;
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many complete requests the server has read.
    pub fn request_count(&self) -> usize {
        *self.shared.received.borrow()
    }

    /// How many connections the server has accepted.
    pub fn connection_count(&self) -> usize {
        *self.shared.connections.borrow()
    }

    /// How many stalled connections the client has closed.
    pub fn hang_up_count(&self) -> usize {
        *self.shared.hang_ups.borrow()
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// The last request read.
    pub fn last_request(&self) -> Option<Recorded> {
        lock(&self.shared.requests).last().cloned()
    }

    /// The first bytes read on every connection, whether or not they were HTTP.
    pub fn first_bytes(&self) -> Vec<Vec<u8>> {
        lock(&self.shared.first_bytes).clone()
    }

    /// Waits until the server has read `n` requests.
    ///
    /// # Panics
    ///
    /// After [`WAIT_LIMIT`], so that a broken test fails instead of hanging.
    pub async fn wait_for_requests(&self, n: usize) {
        wait_for(&self.shared.received, n, "requests").await;
    }

    /// Waits until the client has closed `n` stalled connections.
    ///
    /// # Panics
    ///
    /// After [`WAIT_LIMIT`].
    pub async fn wait_for_hang_ups(&self, n: usize) {
        wait_for(&self.shared.hang_ups, n, "hang-ups").await;
    }

    /// Waits until `n` connections have been accepted.
    ///
    /// # Panics
    ///
    /// After [`WAIT_LIMIT`].
    pub async fn wait_for_connections(&self, n: usize) {
        wait_for(&self.shared.connections, n, "connections").await;
    }
}

/// How long the `wait_for_*` methods of [`FaultServer`] wait before failing the test: a guard
/// against hanging, not a timing assertion.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);

async fn wait_for(counter: &watch::Sender<usize>, n: usize, what: &str) {
    let mut rx = counter.subscribe();
    let waited = tokio::time::timeout(WAIT_LIMIT, rx.wait_for(|&count| count >= n)).await;
    assert!(
        waited.is_ok(),
        "waited {WAIT_LIMIT:?} for {n} {what}, saw {}",
        *counter.borrow()
    );
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    // Owning the connections here means aborting this task closes them all.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        shared.connections.send_modify(|c| *c += 1);
        connections.spawn(serve(stream, Arc::clone(&shared)));
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::with_capacity(4096);
    let mut first = true;
    loop {
        let Some(request) = read_request(&mut stream, &mut buf, &shared, &mut first).await else {
            return;
        };
        let close_after = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let reply = shared.next_reply(&request);
        lock(&shared.requests).push(request);
        shared.received.send_modify(|c| *c += 1);
        if respond(&mut stream, &reply, &shared).await.is_err() || close_after {
            return;
        }
    }
}

/// Acts out `reply`; `Err` when the connection is finished.
async fn respond(stream: &mut TcpStream, reply: &Reply, shared: &Shared) -> Result<(), ()> {
    match reply.kind {
        Kind::Complete => {
            let mut bytes = reply.head(Some(reply.body.len()));
            bytes.extend_from_slice(&reply.body);
            stream.write_all(&bytes).await.map_err(drop)
        }
        Kind::Chunked => {
            stream.write_all(&reply.head(None)).await.map_err(drop)?;
            for chunk in reply.body.chunks(8 * 1024) {
                let mut bytes = format!("{:x}\r\n", chunk.len()).into_bytes();
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
                stream.write_all(&bytes).await.map_err(drop)?;
            }
            stream.write_all(b"0\r\n\r\n").await.map_err(drop)
        }
        Kind::Truncated { missing } => {
            let mut bytes = reply.head(Some(reply.body.len() + missing));
            bytes.extend_from_slice(&reply.body);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
            Err(())
        }
        Kind::ResetMidBody => {
            let mut bytes = reply.head(Some(reply.body.len()));
            bytes.extend_from_slice(&reply.body[..reply.body.len() / 2]);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // SO_LINGER 0: closing sends RST instead of FIN.
            let _ = stream.set_zero_linger();
            Err(())
        }
        Kind::Stall => {
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            shared.hang_ups.send_modify(|c| *c += 1);
            Err(())
        }
        Kind::Close => Err(()),
        Kind::Raw(ref bytes) => {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
            Err(())
        }
    }
}

/// Reads one request (head and `Content-Length` body) from `stream`; `None` at EOF or on
/// anything that is not HTTP/1.1.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    shared: &Shared,
    first: &mut bool,
) -> Option<Recorded> {
    let head_end = loop {
        if let Some(at) = find(buf, b"\r\n\r\n") {
            break at;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        if std::mem::take(first) {
            lock(&shared.first_bytes).push(chunk[..n].to_vec());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let mut parts = request_line.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim_matches([' ', '\t']).to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    Some(Recorded {
        request_line,
        method,
        target,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`); `None` for a malformed escape or
/// text that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
