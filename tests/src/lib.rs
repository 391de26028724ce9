//! Shared utilities of the integration tests of `alloy-api`.
//!
//! [`FaultServer`] is a deliberately misbehaving HTTP/1.1 server on `127.0.0.1:0`: it answers
//! scripted [`Reply`]s (statuses with headers, connection resets mid-response, silence,
//! truncated, mistyped or oversized bodies) and records every request it reads, with its raw
//! request line, so tests can assert what reached the wire and how often.
//!
//! [`prism`] is the checker behind `scripts/prism-check`.

pub mod prism;
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

/// A builder for `base_url` with [`TEST_KEY`] and [`fast_retries`].
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .retry_policy(fast_retries())
}

/// A client for `base_url` with [`TEST_KEY`] and [`fast_retries`].
pub fn client(base_url: &str) -> Client {
    builder(base_url).build().expect("a valid test client")
}

/// Compiles the README's examples as doc tests, so the README cannot drift from the API.
///
/// It lives here because the README uses both `alloy-api` and `alloy-sandbox`, and this crate
/// depends on both.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
