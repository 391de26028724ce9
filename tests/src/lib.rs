//! Shared utilities of the integration tests of `alloy-api`.
//!
//! The wire tests run on httpmock's `MockServer` (a dev-dependency, wired up in the
//! integration tests' `mock` module). [`FaultServer`] is for what a mock cannot act out: a
//! deliberately misbehaving HTTP/1.1 server on `127.0.0.1:0` that answers scripted [`Reply`]s
//! (statuses with headers, connection resets mid-response, silence, truncated, mistyped or
//! oversized bodies) and records every request it reads, with its raw request line, so tests
//! can assert what reached the wire and how often. Both give the requests they answered as
//! [`Recorded`], which [`assert_request`] and [`official::assert_request_conforms`] read.
//!
//! [`prism`] is the checker behind `scripts/prism-check`; [`official`] reads Alloy's official
//! document as test expectations, [`schema`] validates JSON against the documents' schemas.

pub mod official;
pub mod prism;
pub mod proxy;
pub mod schema;
mod server;
pub mod trace;

pub use server::{FaultServer, Recorded, Reply, WAIT_LIMIT, percent_decode};

use std::time::Duration;

use alloy_api::{Client, ClientBuilder, RetryPolicy};

/// The API key test clients send.
pub const TEST_KEY: &str = "sk_test_0123456789abcdef";

/// The default policy with millisecond backoffs, so retries do not slow the suite down.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A builder for `base_url` with [`TEST_KEY`] and [`fast_retries`], connecting directly:
/// a proxy in the environment (as CI machines often set) must not stand between a test and
/// its loopback server.
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .retry_policy(fast_retries())
        .no_proxy()
}

/// A client for `base_url` with [`TEST_KEY`] and [`fast_retries`].
pub fn client(base_url: &str) -> Client {
    builder(base_url).build().expect("a valid test client")
}

/// A client for `base_url` with [`TEST_KEY`] that never retries: each call is one attempt,
/// so a test sees every answer as the call's result.
pub fn client_without_retries(base_url: &str) -> Client {
    builder(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid test client")
}

/// Asserts that `error` is a transport failure, and whether its request may have reached
/// the server (`maybe_sent`).
///
/// # Panics
///
/// When it is not, showing the error.
#[track_caller]
pub fn assert_transport(error: &alloy_api::Error, maybe_sent: bool) {
    assert!(
        matches!(error, alloy_api::Error::Transport { maybe_sent: sent, .. } if *sent == maybe_sent),
        "expected a transport error with maybe_sent = {maybe_sent}: {error:?}"
    );
}

/// What [`assert_request`] requires of a request's body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// Anything.
    Any,
    /// Nothing.
    Empty,
    /// JSON equal to this value (compared as `serde_json::Value`, so key order and
    /// whitespace do not matter).
    Json(&'a serde_json::Value),
}

/// Asserts one recorded request exactly: its method; its path and query string as sent
/// (still percent-encoded; `None`: no `?` at all); for each `(name, value)` of `headers`,
/// that the header was sent once with exactly `value`, or, for `None`, not at all; and its
/// body.
///
/// # Panics
///
/// On the first difference, showing the whole request.
#[track_caller]
pub fn assert_request(
    request: &Recorded,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &[(&str, Option<&str>)],
    body: Body<'_>,
) {
    assert_eq!(request.method, method, "method of {request:#?}");
    assert_eq!(request.path(), path, "path of {request:#?}");
    assert_eq!(request.query(), query, "query of {request:#?}");
    for &(name, value) in headers {
        let expected: Vec<&str> = value.into_iter().collect();
        assert_eq!(
            request.header_values(name),
            expected,
            "header {name} of {request:#?}"
        );
    }
    match body {
        Body::Any => {}
        Body::Empty => assert!(request.body.is_empty(), "body of {request:#?}"),
        Body::Json(value) => {
            let sent: serde_json::Value = serde_json::from_slice(&request.body)
                .unwrap_or_else(|e| panic!("body of {request:#?} is not JSON: {e}"));
            assert_eq!(&sent, value, "body of {request:#?}");
        }
    }
}

/// Compiles the README's examples as doc tests, so the README cannot drift from the API.
///
/// It lives here because the README uses both `alloy-api` and `alloy-sandbox`, and this crate
/// depends on both.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
