//! The mock server of the wire tests: an httpmock `MockServer` answering only the exact
//! request a test expects, and counting it.
//!
//! A mock matches the method, the path as sent (still percent-encoded), the bearer key, the
//! version header, `Content-Type` exactly when there is a body, the exact JSON body (or none),
//! any further headers the test names, and every query pair: [`query_pairs`] compares the
//! pairs sent with the pairs expected as multisets, so a pair too many, too few or sent twice
//! is no match (httpmock's own query matchers check the pairs they name, not the others).
//! A request that differs in any of these gets httpmock's 404, and the test fails on the
//! mock's call count with httpmock's account of the closest request.
//!
//! The mock also keeps what it answered, as a [`Recorded`] request, so that the checks that
//! read the whole request (the official document's, and the exact target with its encoding
//! and order) run on what the client sent.

use std::sync::{Arc, Mutex, PoisonError};

use alloy_api::DEFAULT_API_VERSION;
use httpmock::{HttpMockRequest, HttpMockResponse, Mock, MockServer};
use serde_json::Value;
use tests::{Body, Recorded, TEST_KEY, assert_request};

/// A request a wire test expects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected<'a> {
    method: &'a str,
    target: &'a str,
    body: Option<&'a Value>,
    headers: &'a [(&'a str, &'a str)],
}

impl<'a> Expected<'a> {
    /// A request of `method` (upper case) to `target`, its path and query as sent (still
    /// percent-encoded, `/users?parentWorkflowId=wf+parent`), with no body.
    pub(crate) fn new(method: &'a str, target: &'a str) -> Self {
        Self {
            method,
            target,
            body: None,
            headers: &[],
        }
    }

    /// The request carries exactly this JSON body.
    pub(crate) fn with_body(self, body: Option<&'a Value>) -> Self {
        Self { body, ..self }
    }

    /// The request also carries each of these headers, once, with exactly this value.
    pub(crate) fn with_headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        Self { headers, ..self }
    }

    fn path(&self) -> &'a str {
        self.target
            .split_once('?')
            .map_or(self.target, |(path, _)| path)
    }

    fn query(&self) -> Option<&'a str> {
        self.target.split_once('?').map(|(_, query)| query)
    }
}

/// What a mock answers.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// This status with this JSON body (`Content-Type: application/json`).
    Json(u16, Value),
    /// This status with an empty body and no `Content-Type`.
    Empty(u16),
}

/// A custom matcher: the request's query pairs (decoded) are exactly `query`'s (decoded), as
/// multisets: the same pairs, each as often, in any order; no query at all is no pairs.
fn query_pairs(query: Option<&str>) -> impl Fn(&HttpMockRequest) -> bool + use<> {
    let mut expected = decoded_pairs(query.unwrap_or_default());
    expected.sort_unstable();
    move |request| {
        let mut sent = request.query_params();
        sent.sort_unstable();
        sent == expected
    }
}

/// A custom matcher: the request has no body (httpmock's `body("")` refuses to be set on a
/// `GET`).
fn has_no_body(request: &HttpMockRequest) -> bool {
    request.body_ref().is_empty()
}

fn decoded_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A mock that answers only the expected request, and what it answered.
pub(crate) struct Expectation<'a> {
    mock: Mock<'a>,
    received: Arc<Mutex<Vec<Recorded>>>,
    method: String,
    path: String,
    query: Option<String>,
    body: Option<Value>,
    headers: Vec<(String, String)>,
}

/// Mocks `expected` on `server`, answered with `answer`.
pub(crate) async fn expect<'a>(
    server: &'a MockServer,
    expected: Expected<'_>,
    answer: Answer,
) -> Expectation<'a> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let authorization = format!("Bearer {TEST_KEY}");
    let mock = server
        .mock_async(|when, then| {
            let mut when = when
                .method(expected.method)
                .path(expected.path())
                .is_true(query_pairs(expected.query()))
                .header("authorization", authorization)
                .header("x-api-version", DEFAULT_API_VERSION);
            // Redundant with `query_pairs` for matching, but httpmock's report of a request
            // that did not match then names the pair that is missing or differs; the custom
            // matcher adds that no other pair was sent.
            for (key, value) in decoded_pairs(expected.query().unwrap_or_default()) {
                when = when.query_param(key, value);
            }
            when = match expected.body {
                Some(body) => when
                    .header("content-type", "application/json")
                    .json_body(body.clone()),
                None => when.header_missing("content-type").is_true(has_no_body),
            };
            for &(name, value) in expected.headers {
                when = when.header(name, value);
            }
            let log = Arc::clone(&received);
            then.respond_with(move |request| {
                lock(&log).push(recorded(request));
                match &answer {
                    Answer::Json(status, body) => HttpMockResponse::builder()
                        .status(*status)
                        .header("content-type", "application/json")
                        .body(body.to_string())
                        .build(),
                    Answer::Empty(status) => HttpMockResponse::builder().status(*status).build(),
                }
            });
        })
        .await;
    Expectation {
        mock,
        received,
        method: expected.method.to_owned(),
        path: expected.path().to_owned(),
        query: expected.query().map(str::to_owned),
        body: expected.body.cloned(),
        headers: expected
            .headers
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect(),
    }
}

impl Expectation<'_> {
    /// Asserts that the mock answered exactly `n` requests, each exactly the expected one
    /// (the target as sent, with its encoding and order; each expected header sent once;
    /// `Content-Type` only with a body), and returns them.
    ///
    /// # Panics
    ///
    /// On the first difference: a request that did not match shows as httpmock's report of
    /// the closest request it received.
    pub(crate) async fn requests(&self, n: usize) -> Vec<Recorded> {
        self.mock.assert_calls_async(n).await;
        let requests = lock(&self.received).clone();
        assert_eq!(requests.len(), n, "requests answered: {requests:#?}");
        let authorization = format!("Bearer {TEST_KEY}");
        let mut headers: Vec<(&str, Option<&str>)> = vec![
            ("authorization", Some(&authorization)),
            ("x-api-version", Some(DEFAULT_API_VERSION)),
            (
                "content-type",
                self.body.as_ref().map(|_| "application/json"),
            ),
        ];
        headers.extend(
            self.headers
                .iter()
                .map(|(n, v)| (n.as_str(), Some(v.as_str()))),
        );
        for request in &requests {
            assert_request(
                request,
                &self.method,
                &self.path,
                self.query.as_deref(),
                &headers,
                self.body.as_ref().map_or(Body::Empty, Body::Json),
            );
        }
        requests
    }

    /// Asserts that the mock answered exactly one request, exactly the expected one (see
    /// [`Expectation::requests`]), and returns it.
    pub(crate) async fn request(&self) -> Recorded {
        self.requests(1).await.remove(0)
    }

    /// Asserts [`Expectation::request`], then that the call it answered succeeded, and
    /// returns the request and the call's value.
    pub(crate) async fn verify<T>(&self, result: alloy_api::Result<T>) -> (Recorded, T) {
        let request = self.request().await;
        let value = result.unwrap_or_else(|e| panic!("{} {}: {e}", self.method, request.target));
        (request, value)
    }
}

/// A mock that answers every request `500`: a test asserts with [`Mock::assert_calls_async`]
/// (`0`) that nothing reached the server.
pub(crate) async fn any_request(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await
}

/// A request httpmock received, as the checks of the `tests` library read requests.
fn recorded(request: &HttpMockRequest) -> Recorded {
    // httpmock keeps the target in absolute form (`http://host:port/path?query`); its path
    // and query are still as the client sent them, percent-encoding and order included.
    let uri = request.uri();
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    Recorded {
        request_line: format!(
            "{} {target} {}",
            request.method_str(),
            request.version_ref()
        ),
        method: request.method_str().to_owned(),
        target,
        headers: request.headers_vec().clone(),
        body: request.body_vec(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The mock answers the expected request, its query pairs in any order and encoding, and
/// nothing that differs from it in a pair, a header or the body.
#[tokio::test]
async fn the_mock_answers_only_the_expected_request() {
    let server = MockServer::start_async().await;
    let body = serde_json::json!({ "name": "a" });
    let get = expect(
        &server,
        Expected::new("GET", "/q?a=1&b=x+y"),
        Answer::Empty(204),
    )
    .await;
    let post = expect(
        &server,
        Expected::new("POST", "/b").with_body(Some(&body)),
        Answer::Empty(204),
    )
    .await;
    let bearer = format!("Bearer {TEST_KEY}");
    let send = async |method: &str, target: &str, headers: &[(&str, &str)], body: &str| {
        send_raw(server.address(), method, target, headers, body).await
    };
    let version = ("x-api-version", DEFAULT_API_VERSION);
    let key = ("authorization", bearer.as_str());
    let json = ("content-type", "application/json");
    let expected = [key, version];
    let with_body = [key, version, json];
    for (method, target, headers, body, status) in [
        ("GET", "/q?a=1&b=x+y", &expected[..], "", 204),
        ("GET", "/q?b=x%20y&a=1", &expected[..], "", 204),
        // A pair missing, one too many, one sent twice, another value.
        ("GET", "/q?a=1", &expected[..], "", 404),
        ("GET", "/q?a=1&b=x+y&c=2", &expected[..], "", 404),
        ("GET", "/q?a=1&a=1&b=x+y", &expected[..], "", 404),
        ("GET", "/q?a=1&b=x", &expected[..], "", 404),
        // No version header, another key, a body, a content type without a body.
        ("GET", "/q?a=1&b=x+y", &[key][..], "", 404),
        (
            "GET",
            "/q?a=1&b=x+y",
            &[("authorization", "Bearer sk_other"), version][..],
            "",
            404,
        ),
        ("GET", "/q?a=1&b=x+y", &with_body[..], "{}", 404),
        ("GET", "/q?a=1&b=x+y", &with_body[..], "", 404),
        // The body: exact, no field more or less, and typed as JSON.
        ("POST", "/b", &with_body[..], r#"{"name":"a"}"#, 204),
        ("POST", "/b", &with_body[..], r#"{"name":"a","x":1}"#, 404),
        ("POST", "/b", &with_body[..], r#"{"name":"b"}"#, 404),
        ("POST", "/b", &with_body[..], "{}", 404),
        ("POST", "/b", &expected[..], r#"{"name":"a"}"#, 404),
        ("POST", "/b?a=1", &with_body[..], r#"{"name":"a"}"#, 404),
        ("PUT", "/b", &with_body[..], r#"{"name":"a"}"#, 404),
    ] {
        assert_eq!(
            send(method, target, headers, body).await,
            status,
            "{method} {target} {headers:?} {body}"
        );
    }
    get.mock.assert_calls_async(2).await;
    post.mock.assert_calls_async(1).await;
}

/// Sends one HTTP/1.1 request exactly as written (the target and the headers as given, plus
/// `Host`, `Content-Length` and `Connection: close`) and returns the status of the answer.
async fn send_raw(
    address: &std::net::SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {address}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("connection: close\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 answer: {answer}"))
}
