//! The client against servers that misbehave: resets, silence, truncated, mistyped and
//! oversized bodies, cancelled calls, and a burst of concurrent calls against the sandbox.
//!
//! Assertions are about outcomes and request counts, never about elapsed time; timeouts are
//! short so the suite stays fast.

use std::time::Duration;

use alloy_api::models::{CreateUserRequest, TriggerEventRequest, WorkflowActionRequest};
use alloy_api::prelude::*;
use alloy_api::{DEFAULT_MAX_RESPONSE_BYTES, Error, RetryPolicy, TimeoutKind};
use serde_json::json;
use tests::{FaultServer, Reply, builder, client, fast_retries};

const SHORT: Duration = Duration::from_millis(200);

#[tokio::test]
async fn a_connection_reset_mid_response_is_retried_for_a_get_only() {
    let body = json!({ "integrations": [] }).to_string();
    let reset = || Reply::body(200, "application/json", body.clone()).reset_mid_body();

    let server = FaultServer::with_script([reset()]).await;
    let c = client(&server.base_url());
    let list = c.list_integrations("usr_1").await.unwrap();
    assert!(list.integrations.is_empty());
    assert_eq!(server.request_count(), 2);

    // A POST may have been processed: the error says so, and it is not repeated.
    server.script([reset()]);
    let err = c
        .create_user(&CreateUserRequest::new("jane"))
        .await
        .unwrap_err();
    tests::assert_transport(&err, true);
    assert_eq!(server.request_count(), 3);

    // A reset on every attempt: bounded, and reported as a transport error.
    server.set_fallback(reset());
    let err = c
        .deactivate_workflow(&WorkflowActionRequest::new("wf_1", "usr_1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.request_count(), 7);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_for_a_get_only() {
    let server = FaultServer::with_script([Reply::close()]).await;
    let c = client(&server.base_url());
    c.list_integrations("usr_1").await.unwrap();
    assert_eq!(server.request_count(), 2);

    server.script([Reply::close()]);
    let err = c
        .trigger_event(&TriggerEventRequest::new("usr_1", "order.created"))
        .await
        .unwrap_err();
    tests::assert_transport(&err, true);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = FaultServer::start().await;
    server.set_fallback(Reply::stall());

    let c = builder(&server.base_url())
        .timeout(SHORT)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, limit, .. } if limit == SHORT),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert_eq!(server.request_count(), 1);
    // The timed-out attempt gave its connection up.
    server.wait_for_hang_ups(1).await;

    // A GET is retried after a timeout, within max_retries.
    let c = builder(&server.base_url())
        .timeout(SHORT)
        .retry_policy(fast_retries().with_max_retries(2))
        .build()
        .unwrap();
    let err = c.generate_user_token("usr_1").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.request_count(), 4);

    // A POST is not: the server may be processing it.
    let err = c
        .create_user(&CreateUserRequest::new("jane"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn the_call_deadline_bounds_a_stalled_call() {
    let server = FaultServer::start().await;
    server.set_fallback(Reply::stall());
    // Attempts may take 30 s, but the whole call only 200 ms.
    let c = builder(&server.base_url())
        .retry_policy(fast_retries().with_deadline(SHORT))
        .build()
        .unwrap();
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Call, limit, .. } if limit == SHORT),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
    server.wait_for_hang_ups(1).await;
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let truncated = || Reply::body(200, "application/json", r#"{"integrations":["#).truncated(100);

    // Retried for a GET, and fine once the server sends the whole body.
    let server = FaultServer::with_script([truncated()]).await;
    let c = client(&server.base_url());
    c.list_integrations("usr_1").await.unwrap();
    assert_eq!(server.request_count(), 2);

    // Truncated every time: a transport error that says the request reached the server.
    server.set_fallback(truncated());
    let err = c.list_integrations("usr_1").await.unwrap_err();
    tests::assert_transport(&err, true);
    assert_eq!(server.request_count(), 6);

    // Not retried for a POST.
    let err = c
        .create_user(&CreateUserRequest::new("jane"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.request_count(), 7);
}

#[tokio::test]
async fn an_html_page_with_200_is_a_decode_error_that_keeps_the_body() {
    let html = "<html><body>Down for maintenance</body></html>";
    let server = FaultServer::start().await;
    server.set_fallback(Reply::body(200, "text/html; charset=utf-8", html));
    let c = client(&server.base_url());

    let err = c.list_integrations("usr_1").await.unwrap_err();
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(&body[..], html.as_bytes());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(err.body().map(|b| &b[..]), Some(html.as_bytes()));
    // A 2xx that does not decode is not retried: the server did answer.
    assert_eq!(server.request_count(), 1);

    // The same page with an error status is an API error with the page as its body.
    server.set_fallback(Reply::body(502, "text/html", html));
    let err = c.generate_user_token("usr_1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.message(), None);
    assert_eq!(err.body().map(|b| &b[..]), Some(html.as_bytes()));
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    const LIMIT: usize = 1024;
    let server = FaultServer::start().await;
    let c = builder(&server.base_url())
        .max_response_bytes(LIMIT)
        .build()
        .unwrap();
    let padded = |len: usize| {
        let skeleton = r#"{"integrations":[],"pad":""}"#;
        let pad = "x".repeat(len - skeleton.len());
        format!(r#"{{"integrations":[],"pad":"{pad}"}}"#)
    };

    // Exactly at the limit: fine, with Content-Length or chunked.
    server.script([
        Reply::body(200, "application/json", padded(LIMIT)),
        Reply::body(200, "application/json", padded(LIMIT)).chunked(),
    ]);
    c.list_integrations("usr_1").await.unwrap();
    c.list_integrations("usr_1").await.unwrap();

    // One byte more, announced by Content-Length.
    server.script([Reply::body(200, "application/json", padded(LIMIT + 1))]);
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: LIMIT, .. }),
        "{err:?}"
    );

    // Chunked, with no length announced: stopped while reading.
    server.script([Reply::body(200, "application/json", padded(64 * 1024)).chunked()]);
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: LIMIT, .. }),
        "{err:?}"
    );

    // A 200 too large is not retried.
    assert_eq!(server.request_count(), 4);

    // The client is still usable.
    c.list_integrations("usr_1").await.unwrap();
}

#[tokio::test]
async fn the_default_response_limit_applies() {
    let server = FaultServer::start().await;
    let big = "x".repeat(DEFAULT_MAX_RESPONSE_BYTES + 1);
    server.script([Reply::body(200, "application/json", big).chunked()]);
    let c = client(&server.base_url());
    let err = c.generate_user_token("usr_1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: DEFAULT_MAX_RESPONSE_BYTES,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_call_dropped_mid_flight_leaves_the_client_usable() {
    let server = FaultServer::with_script([Reply::stall(), Reply::stall()]).await;
    let c = client(&server.base_url());

    // Drop a call's future while the server is stalling on it.
    {
        let call = c.list_integrations("usr_1");
        tokio::select! {
            result = call => panic!("the server never answers, yet: {result:?}"),
            () = server.wait_for_requests(1) => {}
        }
    }
    // Abort a spawned call on a clone of the client.
    let clone = c.clone();
    let task = tokio::spawn(async move { clone.generate_user_token("usr_1").await });
    server.wait_for_requests(2).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());

    // Both connections are given up, not leaked ...
    server.wait_for_hang_ups(2).await;
    // ... and the client, and its clones, work.
    c.list_integrations("usr_1").await.unwrap();
    c.clone().list_integrations("usr_1").await.unwrap();
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_stalled_tls_handshake_hits_the_connect_timeout_and_is_retried_even_for_a_post() {
    // A plain TCP server behind an https URL: it reads the ClientHello and never answers,
    // so the connection is never established and the request never sent.
    let server = FaultServer::start().await;
    let base_url = format!("https://{}", server.addr());
    let c = builder(&base_url).connect_timeout(SHORT).build().unwrap();
    let err = c
        .create_user(&CreateUserRequest::new("jane"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Connect, limit, .. } if limit == SHORT),
        "{err:?}"
    );
    // Never sent, so retried like any connect failure: 4 connections, no request.
    server.wait_for_connections(4).await;
    assert_eq!(server.connection_count(), 4);
    assert_eq!(server.request_count(), 0);
}

/// 10,000 calls from 256 tasks sharing one client, against the sandbox: every call succeeds,
/// each is sent exactly once, and the sandbox's state adds up. Completion and correctness
/// only; no timing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_10000_calls_from_256_tasks_against_the_sandbox() {
    use alloy_sandbox::{Contract, Operation, Sandbox, SandboxConfig};

    const TASKS: usize = 256;
    const CALLS: usize = 10_000;

    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let client = alloy_api::Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.base_url())
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let sandbox = std::sync::Arc::new(sandbox);

    /// What one task did.
    #[derive(Default)]
    struct Tally {
        user_id: String,
        calls: usize,
        events: usize,
        tokens: usize,
        listings: usize,
        log_reads: usize,
    }

    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        // 10,000 calls over 256 tasks: the first 16 make 40, the others 39.
        let calls = CALLS / TASKS + usize::from(task < CALLS % TASKS);
        let client = client.clone();
        let sandbox = std::sync::Arc::clone(&sandbox);
        tasks.spawn(async move {
            let user = client
                .create_user(&CreateUserRequest::new(format!("burst-{task}")))
                .await
                .expect("create_user");
            let mut tally = Tally {
                user_id: user.user_id.clone(),
                calls: 1,
                ..Tally::default()
            };
            for i in 1..calls {
                match i % 4 {
                    0 => {
                        client
                            .trigger_event(&TriggerEventRequest::new(
                                &user.user_id,
                                "order.created",
                            ))
                            .await
                            .expect("trigger_event");
                        tally.events += 1;
                    }
                    1 => {
                        let token = client
                            .generate_user_token(&user.user_id)
                            .await
                            .expect("generate_user_token");
                        let claims = sandbox.verify_token(&token.token).expect("a valid token");
                        assert_eq!(claims.sub, user.user_id);
                        tally.tokens += 1;
                    }
                    2 => {
                        let list = client
                            .list_integrations(&user.user_id)
                            .await
                            .expect("list_integrations");
                        assert_eq!(list.integrations.len(), 4);
                        tally.listings += 1;
                    }
                    _ => {
                        // This task's own events, all of them, and no one else's.
                        let logs = client
                            .list_workflow_logs("wf_shopify_order_sync", &user.user_id)
                            .await
                            .expect("list_workflow_logs");
                        assert_eq!(logs.logs.len(), tally.events);
                        tally.log_reads += 1;
                    }
                }
                tally.calls += 1;
            }
            tally
        });
    }
    let mut tallies = Vec::with_capacity(TASKS);
    while let Some(done) = tasks.join_next().await {
        tallies.push(done.expect("a task panicked"));
    }

    // Every call completed and succeeded ...
    assert_eq!(tallies.len(), TASKS);
    assert_eq!(tallies.iter().map(|t| t.calls).sum::<usize>(), CALLS);
    // ... was sent once (no retries were needed, none happened) ...
    let state = sandbox.state();
    assert_eq!(state.total_request_count(), CALLS as u64);
    let sum = |f: fn(&Tally) -> usize| tallies.iter().map(f).sum::<usize>() as u64;
    assert_eq!(state.request_count(Operation::CreateUser), TASKS as u64);
    assert_eq!(
        state.request_count(Operation::TriggerEvent),
        sum(|t| t.events)
    );
    assert_eq!(
        state.request_count(Operation::GenerateUserToken),
        sum(|t| t.tokens)
    );
    assert_eq!(
        state.request_count(Operation::ListIntegrations),
        sum(|t| t.listings)
    );
    assert_eq!(
        state.request_count(Operation::ListWorkflowLogs),
        sum(|t| t.log_reads)
    );
    // ... and the state is what those calls make: one user per task, one log per event, in
    // the right user.
    assert_eq!(state.user_count(), TASKS);
    let mut ids: Vec<&str> = tallies.iter().map(|t| t.user_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), TASKS);
    for tally in &tallies {
        assert_eq!(
            state.logs(&tally.user_id).len(),
            tally.events,
            "{}",
            tally.user_id
        );
    }
    assert_eq!(state.log_count() as u64, sum(|t| t.events));
    assert_eq!(state.error_count(), 0);
}
