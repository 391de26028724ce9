//! The observer (one record per call: metrics, rate limits, request ids of successful calls)
//! and per-call views of a client (another timeout or retry policy, the same pool).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alloy_api::prelude::*;
use alloy_api::{CallRecord, Client, Error, RetryPolicy, TimeoutKind};
use tests::{FaultServer, Reply, builder, fast_retries};

/// What an observer saw of one call.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: &'static str,
    method: &'static str,
    template: &'static str,
    status: Option<u16>,
    request_id: Option<String>,
    remaining: Option<String>,
    retries: u32,
    error: bool,
}

fn observed(server: &FaultServer) -> (Client, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let client = builder(&server.base_url())
        .retry_policy(fast_retries().with_max_retries(2))
        .observer(move |call: &CallRecord<'_>| {
            assert!(call.duration() < Duration::from_secs(60));
            record.lock().unwrap().push(Seen {
                operation: call.operation(),
                method: call.method(),
                template: call.url_template(),
                status: call.status().map(|s| s.as_u16()),
                request_id: call.request_id().map(str::to_owned),
                remaining: call.header("x-ratelimit-remaining").map(str::to_owned),
                retries: call.retries(),
                error: call.error().is_some(),
            });
        })
        .build()
        .unwrap();
    (client, seen)
}

#[tokio::test]
async fn the_observer_sees_each_call_once_with_its_request_id_and_headers() {
    let server = FaultServer::start().await;
    let token = || Reply::json(200, &serde_json::json!({ "token": "t" }));
    server.script([
        token()
            .header("x-request-id", "req-1")
            .header("x-ratelimit-remaining", "41"),
        Reply::status(503),
        Reply::status(503),
        token().header("x-request-id", "req-2"),
        Reply::status(404),
    ]);
    let (client, seen) = observed(&server);
    client.generate_user_token("usr_1").await.unwrap();
    client.generate_user_token("usr_1").await.unwrap();
    assert!(
        client
            .generate_user_token("usr_1")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let seen = seen.lock().unwrap().clone();
    let call = |status, request_id: Option<&str>, remaining: Option<&str>, retries| Seen {
        operation: "generate_user_token",
        method: "GET",
        template: "/users/{userId}/token",
        status: Some(status),
        request_id: request_id.map(str::to_owned),
        remaining: remaining.map(str::to_owned),
        retries,
        error: false,
    };
    assert_eq!(
        seen,
        [
            // A successful call's request id and rate-limit header are reachable.
            call(200, Some("req-1"), Some("41"), 0),
            // Two 503s retried: one record, of the last answer.
            call(200, Some("req-2"), None, 2),
            call(404, None, None, 0),
        ]
    );
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn the_observer_sees_a_call_that_got_no_answer() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = FaultServer::start().await;
    let (_, seen) = observed(&server);
    let seen_by = Arc::clone(&seen);
    let refused = builder(&format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .observer(move |call: &CallRecord<'_>| {
            seen_by.lock().unwrap().push(Seen {
                operation: call.operation(),
                method: call.method(),
                template: call.url_template(),
                status: call.status().map(|s| s.as_u16()),
                request_id: None,
                remaining: None,
                retries: call.retries(),
                error: call
                    .error()
                    .is_some_and(|e| matches!(e, Error::Transport { .. })),
            });
        })
        .build()
        .unwrap();
    refused.list_integrations("usr_1").await.unwrap_err();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].status, None);
    assert!(seen[0].error);
    assert_eq!(seen[0].operation, "list_integrations");
}

#[tokio::test]
async fn a_view_with_another_timeout_shares_the_pool_and_leaves_the_client_alone() {
    let server = FaultServer::start().await;
    let token = || Reply::json(200, &serde_json::json!({ "token": "t" }));
    server.script([token(), Reply::stall()]);
    let client = builder(&server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.generate_user_token("usr_1").await.unwrap();
    let short = Duration::from_millis(100);
    let err = client
        .with_timeout(short)
        .generate_user_token("usr_1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, limit, .. } if limit == short),
        "{err:?}"
    );
    // The view's first request went on the client's pooled connection.
    assert_eq!(server.connection_count(), 1);
    assert!(format!("{client:?}").contains("timeout: 30s"), "{client:?}");
}

#[tokio::test]
async fn a_view_with_another_retry_policy_retries_by_it() {
    let server = FaultServer::start().await;
    server.set_fallback(Reply::status(503));
    let client = builder(&server.base_url())
        .retry_policy(fast_retries().with_max_retries(3))
        .build()
        .unwrap();
    client
        .with_retry_policy(RetryPolicy::none())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1);
    client.list_integrations("usr_1").await.unwrap_err();
    assert_eq!(server.request_count(), 5);
}
