//! A recording HTTP proxy on `127.0.0.1:0`, and an HTTPS server it can tunnel to, for the
//! tests of proxies and of callers' own reqwest clients.
//!
//! [`LoopbackProxy`] speaks both ways a client uses a proxy: `CONNECT host:port` (a tunnel,
//! for https) and an absolute-form request (forwarding, for http). It records what it saw of
//! each connection: the request head it read, and for a tunnel every byte the client sent
//! through it, so a test can show that the API key never reached the proxy in clear.
//!
//! [`TlsServer`] answers every request with `200 {"token":"t"}` (a user token) over TLS, with the test certificate of
//! `tests/fixtures/tls` (made by `make.sh` there: for loopback tests only), and records each
//! request head. [`test_roots`] is a rustls configuration that trusts that certificate.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const CA: &[u8] = include_bytes!("../fixtures/tls/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("../fixtures/tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("../fixtures/tls/server.key");

/// What the proxy saw of one client connection.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The request line: `CONNECT 127.0.0.1:4433 HTTP/1.1` or `GET http://... HTTP/1.1`.
    pub request_line: String,
    /// The request head's header lines, as sent.
    pub headers: Vec<(String, String)>,
    /// Every byte the client sent after the head: inside a tunnel, the TLS records.
    pub after_head: Vec<u8>,
}

impl Seen {
    /// Returns the value of a header (first occurrence, name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Returns whether `needle` appears anywhere in what the proxy saw.
    pub fn contains(&self, needle: &str) -> bool {
        let head = format!("{} {:?}", self.request_line, self.headers);
        head.contains(needle)
            || self
                .after_head
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
    }
}

/// A tunnelling and forwarding HTTP proxy on loopback, recording every connection.
pub struct LoopbackProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Arc<Mutex<Seen>>>>>,
    task: JoinHandle<()>,
}

impl LoopbackProxy {
    /// Starts the proxy on `127.0.0.1` with an ephemeral port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let entry = Arc::new(Mutex::new(Seen::default()));
                record.lock().unwrap().push(Arc::clone(&entry));
                tokio::spawn(proxy_one(stream, entry));
            }
        });
        Self { addr, seen, task }
    }

    /// Returns the proxy's URL, with `credentials` (`user:password`) if given.
    pub fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("http://{c}@{}", self.addr),
            None => format!("http://{}", self.addr),
        }
    }

    /// Returns what the proxy saw of each connection so far, in the order they came.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.lock().unwrap().clone())
            .collect()
    }
}

impl Drop for LoopbackProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one client connection: a tunnel for `CONNECT`, else one forwarded request.
async fn proxy_one(mut client: TcpStream, seen: Arc<Mutex<Seen>>) {
    let Some((line, headers, rest)) = read_head(&mut client).await else {
        return;
    };
    {
        let mut s = seen.lock().unwrap();
        s.request_line = line.clone();
        s.headers = headers.clone();
        s.after_head.extend_from_slice(&rest);
    }
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    if method == "CONNECT" {
        let Ok(mut upstream) = TcpStream::connect(&target).await else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
            return;
        };
        if client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        upstream.write_all(&rest).await.ok();
        tunnel(client, upstream, seen).await;
        return;
    }
    // Forwarding: `GET http://host:port/path HTTP/1.1`, sent on in origin form.
    let Some(after_scheme) = target.strip_prefix("http://") else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        return;
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(at) => after_scheme.split_at(at),
        None => (after_scheme, "/"),
    };
    let Ok(mut upstream) = TcpStream::connect(authority).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in &headers {
        if !name.eq_ignore_ascii_case("proxy-authorization") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    // One request per forwarded connection keeps the recording simple.
    head.push_str("connection: close\r\n\r\n");
    upstream.write_all(head.as_bytes()).await.ok();
    upstream.write_all(&rest).await.ok();
    tunnel(client, upstream, seen).await;
}

/// Copies both ways until either side closes, recording what the client sends.
async fn tunnel(client: TcpStream, upstream: TcpStream, seen: Arc<Mutex<Seen>>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let up = async {
        let mut buf = [0u8; 8192];
        loop {
            match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen.lock().unwrap().after_head.extend_from_slice(&buf[..n]);
                    if upstream_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = upstream_write.shutdown().await;
    };
    let down = async {
        let _ = tokio::io::copy(&mut upstream_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
}

/// Reads a request head: its line, its headers, and any bytes read past it.
async fn read_head(
    stream: &mut (impl AsyncRead + Unpin),
) -> Option<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut buf = Vec::new();
    let end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    Some((line, headers, buf[end + 4..].to_vec()))
}

/// An HTTPS server on `127.0.0.1:0` that answers every request `200 {"token":"t"}`, recording
/// heads.
pub struct TlsServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TlsServer {
    /// Starts the server with the test certificate for `127.0.0.1` and `localhost`.
    pub async fn start() -> Self {
        let certs = vec![CertificateDer::from_pem_slice(SERVER_CERT).expect("test cert")];
        let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).expect("test key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let record = Arc::clone(&record);
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    answer_all(&mut tls, &record).await;
                });
            }
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// Returns the server's `https://127.0.0.1:PORT` URL.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Returns the request heads read so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers every request on one connection (bodies are read by `Content-Length`).
async fn answer_all(stream: &mut (impl AsyncRead + AsyncWrite + Unpin), record: &Mutex<Vec<Seen>>) {
    loop {
        let Some((request_line, headers, mut rest)) = read_head(stream).await else {
            return;
        };
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        while rest.len() < length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => rest.extend_from_slice(&chunk[..n]),
            }
        }
        record.lock().unwrap().push(Seen {
            request_line,
            headers,
            after_head: rest,
        });
        let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{\"token\":\"t\"}";
        if stream.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// A rustls client configuration (the *ring* provider) that trusts only the test CA of
/// `tests/fixtures/tls`: give it to `reqwest::ClientBuilder::tls_backend_preconfigured`.
pub fn test_roots() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CA).expect("test CA"))
        .expect("a valid CA");
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}
