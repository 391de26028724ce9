//! The retry policy on the wire: what is retried, how often, and how `Retry-After` is read.
//!
//! Every test counts the requests the server read; none measures time. Backoffs are a few
//! milliseconds (`tests::fast_retries`), so only `Retry-After` waits take real time.

use std::time::{Duration, SystemTime};

use alloy_api::models::{CreateUserRequest, TriggerEventRequest, WorkflowActionRequest};
use alloy_api::prelude::*;
use alloy_api::{Client, Error, RetryPolicy, Transport, api_endpoint};
use serde_json::{Value, json};
use tests::trace::{Capture, capture, case};
use tests::{Body, FaultServer, Reply, assert_request, builder, client, fast_retries};

/// A user-defined API: the `idempotent` flag of `#[api_endpoint]` overrides the method's
/// default both ways.
trait Jobs: Transport {
    /// A POST the service deduplicates (by an idempotency key in the body, say).
    #[api_endpoint(method = "POST", path = "/jobs", idempotent)]
    async fn submit_job(&self, #[body] job: &Value) -> alloy_api::Result<Value>;

    /// A plain POST.
    #[api_endpoint(method = "POST", path = "/jobs")]
    async fn create_job(&self, #[body] job: &Value) -> alloy_api::Result<Value>;

    /// A GET with side effects, declared not idempotent.
    #[api_endpoint(method = "GET", path = "/jobs/next", idempotent = false)]
    async fn take_next_job(&self) -> alloy_api::Result<Value>;
}

impl<T: Transport + ?Sized> Jobs for T {}

#[derive(Debug, Clone, Copy)]
enum Op {
    Get,
    Put,
    Delete,
    Post,
}

impl Op {
    const IDEMPOTENT: [Op; 3] = [Op::Get, Op::Put, Op::Delete];

    async fn call(self, client: &Client) -> Result<(), Error> {
        match self {
            Op::Get => client.list_integrations("usr_1").await.map(drop),
            Op::Put => client
                .activate_workflow(&WorkflowActionRequest::new("wf_1", "usr_1"))
                .await
                .map(drop),
            Op::Delete => client.delete_user_logs("usr_1").await.map(drop),
            Op::Post => client
                .create_user(&CreateUserRequest::new("jane"))
                .await
                .map(drop),
        }
    }

    /// A success body every operation decodes.
    fn ok() -> Reply {
        Reply::json(201, &json!({ "userId": "usr_1", "data": [] }))
    }
}

fn status_of(result: Result<(), Error>) -> u16 {
    match result {
        Err(Error::Api(api)) => api.status().as_u16(),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried_for_get_put_and_delete() {
    capture();
    for status in [500, 502, 503, 504] {
        for op in Op::IDEMPOTENT {
            let server =
                FaultServer::with_script([Reply::status(status), Reply::status(status), Op::ok()])
                    .await;
            let result = op.call(&client(&server.base_url())).await;
            assert!(result.is_ok(), "{op:?} after {status}: {result:?}");
            assert_eq!(server.request_count(), 3, "{op:?} after {status}");
            // Every attempt is the same request.
            let requests = server.requests();
            assert!(
                requests
                    .iter()
                    .all(|r| r.request_line == requests[0].request_line
                        && r.body == requests[0].body),
                "{requests:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_server_error_by_default() {
    capture();
    for status in [500, 502, 503, 504] {
        let server = FaultServer::with_script([Reply::status(status), Op::ok()]).await;
        let result = Op::Post.call(&client(&server.base_url())).await;
        assert_eq!(status_of(result), status);
        assert_eq!(server.request_count(), 1, "POST after {status}");
    }
    // Not `trigger_event` either: running workflows twice is not harmless.
    let server = FaultServer::with_script([Reply::status(503)]).await;
    let result = client(&server.base_url())
        .trigger_event(&TriggerEventRequest::new("usr_1", "order.created"))
        .await;
    assert!(matches!(result, Err(Error::Api(_))), "{result:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_post_declared_idempotent_is_retried_and_a_get_declared_not_is_not() {
    capture();
    let server = FaultServer::with_script([Reply::status(503), Reply::status(502)]).await;
    let c = client(&server.base_url());
    let job = json!({ "id": "job_1" });
    assert_eq!(c.submit_job(&job).await.unwrap(), json!({ "data": [] }));
    assert_eq!(server.request_count(), 3);
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.method == "POST" && r.body == br#"{"id":"job_1"}"#)
    );

    // The same route without the flag: one attempt.
    server.script([Reply::status(503)]);
    let err = c.create_job(&job).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(), 4);

    // A connection lost mid-response is retried for the idempotent POST only.
    server.script([Reply::status(200).reset_mid_body()]);
    c.submit_job(&job).await.unwrap();
    assert_eq!(server.request_count(), 6);
    server.script([Reply::status(200).reset_mid_body()]);
    let err = c.create_job(&job).await.unwrap_err();
    tests::assert_transport(&err, true);
    assert_eq!(server.request_count(), 7);

    // `idempotent = false` on a GET: not retried after a 503.
    server.script([Reply::status(503)]);
    let err = c.take_next_job().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(), 8);
}

#[tokio::test]
async fn retries_are_bounded_by_max_retries() {
    capture();
    let server = FaultServer::start().await;
    server.set_fallback(Reply::status(503));

    // The default: 3 retries, 4 attempts.
    let result = Op::Get.call(&client(&server.base_url())).await;
    assert_eq!(status_of(result), 503);
    assert_eq!(server.request_count(), 4);

    let c = builder(&server.base_url())
        .retry_policy(fast_retries().with_max_retries(1))
        .build()
        .unwrap();
    assert_eq!(status_of(Op::Put.call(&c).await), 503);
    assert_eq!(server.request_count(), 6);

    let c = builder(&server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(status_of(Op::Delete.call(&c).await), 503);
    assert_eq!(server.request_count(), 7);
}

#[tokio::test]
async fn a_429_is_retried_even_for_a_post() {
    capture();
    let server = FaultServer::with_script([Reply::status(429), Op::ok()]).await;
    Op::Post.call(&client(&server.base_url())).await.unwrap();
    assert_eq!(server.request_count(), 2);

    // ... within the same bound.
    server.set_fallback(Reply::status(429));
    let result = Op::Post.call(&client(&server.base_url())).await;
    assert_eq!(status_of(result), 429);
    assert_eq!(server.request_count(), 6);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    capture();
    for status in [400, 401, 403, 404, 409, 422] {
        let server = FaultServer::start().await;
        server.set_fallback(Reply::status(status));
        let c = client(&server.base_url());
        for op in Op::IDEMPOTENT {
            assert_eq!(status_of(op.call(&c).await), status, "{op:?}");
        }
        let err = c.submit_job(&json!({})).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.request_count(), 4, "{status}");
    }
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let capture = capture();
    let server = FaultServer::with_script([
        Reply::status(429).header("Retry-After", "1"),
        Reply::status(503).header("Retry-After", "0"),
    ])
    .await;
    case("seconds", Op::Get.call(&client(&server.base_url())))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 3);
    // The client's own account of its waits: the server's, not its backoff.
    assert_eq!(waits(capture, "seconds"), [1000, 0]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    let capture = capture();
    let in_a_second = httpdate_in(Duration::from_secs(1));
    let server =
        FaultServer::with_script([Reply::status(503).header("Retry-After", &in_a_second)]).await;
    case("date", Op::Get.call(&client(&server.base_url())))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 2);
    let waits = waits(capture, "date");
    assert_eq!(waits.len(), 1);
    // An HTTP date has whole seconds: the wait is what is left of this one.
    assert!(waits[0] <= 1000, "{waits:?}");

    // A date in the past means "now".
    let server = FaultServer::with_script([
        Reply::status(429).header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
        Op::ok(),
    ])
    .await;
    Op::Post.call(&client(&server.base_url())).await.unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_retry_after_above_the_cap_is_not_waited_for() {
    capture();
    // Seconds, above the default cap of 30 s: the 429 comes back at once, with the wait.
    let server = FaultServer::start().await;
    server.set_fallback(Reply::status(429).header("Retry-After", "3600"));
    let err = client(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1);
    match err {
        Error::Api(api) => {
            assert_eq!(api.status().as_u16(), 429);
            assert_eq!(api.retry_after(), Some(Duration::from_secs(3600)));
        }
        other => panic!("{other:?}"),
    }

    // An HTTP date an hour away.
    server.set_fallback(
        Reply::status(503).header("Retry-After", &httpdate_in(Duration::from_secs(3600))),
    );
    let err = client(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 2);
    let wait = err_retry_after(&err);
    assert!(wait > Duration::from_secs(3500), "{wait:?}");

    // A configured cap below the server's wish.
    server.set_fallback(Reply::status(429).header("Retry-After", "1"));
    let c = builder(&server.base_url())
        .retry_policy(fast_retries().with_max_retry_after(Duration::from_millis(500)))
        .build()
        .unwrap();
    c.list_integrations("usr_1").await.unwrap_err();
    assert_eq!(server.request_count(), 3);

    // A wait within the cap that would end past the call's deadline.
    let c = builder(&server.base_url())
        .retry_policy(fast_retries().with_deadline(Duration::from_millis(500)))
        .build()
        .unwrap();
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_malformed_retry_after_falls_back_to_the_backoff() {
    let capture = capture();
    let server = FaultServer::with_script([
        Reply::status(503).header("Retry-After", "soon"),
        Reply::status(503).header("Retry-After", "-1"),
    ])
    .await;
    case("malformed", Op::Get.call(&client(&server.base_url())))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 3);
    // fast_retries: backoffs of at most 5 ms.
    let waits = waits(capture, "malformed");
    assert!(
        waits.len() == 2 && waits.iter().all(|&w| w <= 5),
        "{waits:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    let capture = capture();
    // A port nobody listens on: the request can never have been sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = case("refused", Op::Post.call(&client(&base_url)))
        .await
        .unwrap_err();
    tests::assert_transport(&err, false);
    assert_eq!(waits(capture, "refused").len(), 3, "{}", capture.text());
}

#[tokio::test]
async fn the_deadline_bounds_a_call_that_would_retry_forever() {
    capture();
    let server = FaultServer::start().await;
    server.set_fallback(Reply::status(503));
    let c = builder(&server.base_url())
        .retry_policy(
            fast_retries()
                .with_max_retries(u32::MAX)
                .with_deadline(Duration::from_millis(200)),
        )
        .build()
        .unwrap();
    let err = Op::Get.call(&c).await.unwrap_err();
    assert!(
        err.status().map(|s| s.as_u16()) == Some(503) || err.is_timeout(),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unbounded_deadline_does_not_overflow() {
    capture();
    let server = FaultServer::with_script([Reply::status(503)]).await;
    let c = builder(&server.base_url())
        .retry_policy(
            fast_retries()
                .with_deadline(Duration::MAX)
                .with_max_retry_after(Duration::MAX),
        )
        .build()
        .unwrap();
    Op::Get.call(&c).await.unwrap();
    server.script([Reply::status(503).header("Retry-After", "0")]);
    Op::Get.call(&c).await.unwrap();
    assert_eq!(server.request_count(), 4);
}

/// A gateway's page without a `Content-Type`: retried like any 502, and its body kept.
#[tokio::test]
async fn retries_work_against_an_untyped_error_page_too() {
    capture();
    let server = FaultServer::start().await;
    server.set_fallback(Reply::untyped(502, "<html>bad gateway</html>"));
    let err = client(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(&err.body().unwrap()[..], b"<html>bad gateway</html>");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_request(
            request,
            "GET",
            "/integrations",
            Some("userId=usr_1"),
            &[],
            Body::Any,
        );
    }
}

fn err_retry_after(err: &Error) -> Duration {
    match err {
        Error::Api(api) if api.retry_after().is_some() => api.retry_after().unwrap(),
        other => panic!("expected an API error with Retry-After, got {other:?}"),
    }
}

fn httpdate_in(delay: Duration) -> String {
    let when = chrono::DateTime::<chrono::Utc>::from(SystemTime::now() + delay);
    when.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The `wait_ms` of every "retrying" event inside the span `case{id}`, in order.
fn waits(capture: &Capture, id: &str) -> Vec<u64> {
    let case = format!("case{{id=\"{id}\"}}");
    capture
        .text()
        .lines()
        .filter(|line| line.contains(&case) && line.contains("retrying"))
        .filter_map(|line| {
            let rest = &line[line.find("wait_ms=")? + "wait_ms=".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

#[test]
fn retry_policies_compare_by_their_settings() {
    assert_eq!(RetryPolicy::default(), RetryPolicy::default());
    assert_eq!(fast_retries(), fast_retries());
    assert_ne!(RetryPolicy::none(), RetryPolicy::default());
    assert_ne!(
        RetryPolicy::default().with_deadline(Duration::from_secs(5)),
        RetryPolicy::default()
    );
    assert_eq!(
        RetryPolicy::default().with_max_retries(0),
        RetryPolicy::none(),
        "no retries is the same policy however it was built"
    );
}
