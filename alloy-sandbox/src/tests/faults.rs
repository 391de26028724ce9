//! The faults that break the connection or the body, seen from the socket, and the seeded
//! chaos that draws faults by probability.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::tests::harness::*;

/// Sends `POST /users` for `username` on a fresh connection and returns every byte the
/// sandbox answered before closing it (a reset ends the read like a close).
async fn raw_create_user(h: &Harness, username: &str) -> Vec<u8> {
    let body = json!({ "username": username }).to_string();
    let request = format!(
        "POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        h.sandbox.api_key(),
        body.len(),
    );
    let mut stream = TcpStream::connect(h.sandbox.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => answer.extend_from_slice(&chunk[..read]),
        }
    }
    answer
}

/// Splits a raw answer into its head and body.
fn head_and_body(answer: &[u8]) -> (String, &[u8]) {
    let end = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a complete head");
    (
        String::from_utf8_lossy(&answer[..end]).into_owned(),
        &answer[end + 4..],
    )
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("a Content-Length header")
}

#[tokio::test]
async fn a_reset_before_the_response_sends_no_byte_and_has_no_effect() {
    let h = Harness::seed().await;
    h.sandbox.inject_fault(Fault::reset_before_response());
    let answer = raw_create_user(&h, "alice").await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    let state = h.state();
    assert_eq!(state.user_count(), 0);
    assert_eq!(state.request_count(Operation::CreateUser), 1);
    assert_eq!(state.served_count(Operation::CreateUser), 0);
    assert_eq!(
        state.injected_fault_count(FaultKind::ResetBeforeResponse),
        1
    );
    // The next call is served normally.
    h.create_user("alice").await;
    assert_eq!(state.served_count(Operation::CreateUser), 1);
}

#[tokio::test]
async fn a_reset_mid_body_applies_the_effect_and_cuts_the_body_in_half() {
    let h = Harness::seed().await;
    h.sandbox
        .inject_fault(Fault::reset_mid_body().only(Operation::CreateUser));
    let answer = raw_create_user(&h, "alice").await;
    let (head, body) = head_and_body(&answer);
    assert!(head.starts_with("HTTP/1.1 201"), "{head}");
    let announced = content_length(&head);
    assert!(announced > 2, "{head}");
    assert_eq!(body.len(), announced / 2, "{head}");
    let state = h.state();
    assert_eq!(
        state.user_count(),
        1,
        "the user was created before the reset"
    );
    assert_eq!(state.served_count(Operation::CreateUser), 1);
    assert_eq!(state.injected_fault_count(FaultKind::ResetMidBody), 1);
}

#[tokio::test]
async fn a_reset_reaches_an_http_client_as_a_transport_error_not_a_status() {
    let h = Harness::official().await;
    for fault in [Fault::reset_before_response(), Fault::reset_mid_body()] {
        h.sandbox.inject_fault(fault.only(Operation::ListEvents));
        let outcome = async {
            let response = h.request(Method::GET, "/events").send().await?;
            response.bytes().await
        }
        .await;
        let error = outcome.expect_err("a broken connection");
        assert!(error.status().is_none(), "{error:?}");
    }
    assert_eq!(h.state().request_count(Operation::ListEvents), 2);
    assert_eq!(h.get("/events").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_malformed_body_keeps_the_status_and_the_effect() {
    let h = Harness::seed().await;
    h.sandbox.inject_fault(Fault::malformed_body());
    let response = h
        .request(Method::POST, "/users")
        .header(CONTENT_TYPE, "application/json")
        .body(json!({ "username": "alice" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = response.bytes().await.expect("a complete body");
    assert!(!body.is_empty());
    assert!(serde_json::from_slice::<Value>(&body).is_err(), "{body:?}");
    assert_eq!(h.state().user_count(), 1);
    assert_eq!(h.state().injected_fault_count(FaultKind::MalformedBody), 1);
}

/// Sends `calls` listEvents calls one after another and returns each one's status (0 for a
/// broken connection).
async fn statuses_under(chaos: Chaos, calls: usize) -> Vec<u16> {
    let h = Harness::official().await;
    h.sandbox.set_chaos(Some(chaos));
    let mut statuses = Vec::new();
    for _ in 0..calls {
        let outcome = async {
            let response = h.request(Method::GET, "/events").send().await?;
            let status = response.status().as_u16();
            response.bytes().await.map(|_| status)
        }
        .await;
        statuses.push(outcome.unwrap_or(0));
    }
    statuses
}

fn mix(seed: u64) -> Chaos {
    Chaos::new(seed)
        .with_fault(0.2, Fault::status(503))
        .with_fault(0.2, Fault::reset_before_response())
        .with_fault(0.2, Fault::status(429).only(Operation::ListEvents))
        .with_fault(0.9, Fault::status(500).only(Operation::CreateUser))
}

#[tokio::test]
async fn a_chaos_draws_the_same_faults_from_the_same_seed() {
    let first = statuses_under(mix(42), 60).await;
    let again = statuses_under(mix(42), 60).await;
    assert_eq!(first, again);
    let other = statuses_under(mix(43), 60).await;
    assert_ne!(first, other);
    // Every rule that matches listEvents shows up, the createUser one never does.
    for status in [0, 200, 429, 503] {
        assert!(first.contains(&status), "{status} in {first:?}");
    }
    assert!(!first.contains(&500), "{first:?}");
}

#[tokio::test]
async fn a_chaos_counts_its_faults_and_stops_when_cleared() {
    let h = Harness::official().await;
    let state = h.state();
    state.set_chaos(Some(
        Chaos::new(1)
            .with_fault(1.0, Fault::status(503).with_retry_after(1))
            .with_latency(Duration::from_millis(1)..=Duration::from_millis(2)),
    ));
    for _ in 0..3 {
        let reply = h.get("/events").await;
        reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
        assert_eq!(reply.headers[RETRY_AFTER], "1");
    }
    assert_eq!(state.injected_fault_count(FaultKind::Status), 3);
    assert_eq!(state.served_count(Operation::ListEvents), 0);
    // A queued fault goes first.
    h.sandbox.inject_fault(Fault::status(429));
    h.get("/events")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS");
    state.set_chaos(None);
    assert_eq!(h.get("/events").await.status, StatusCode::OK);
    assert_eq!(state.served_count(Operation::ListEvents), 1);
    assert_eq!(state.injected_fault_count(FaultKind::Status), 4);
}

#[test]
#[should_panic(expected = "between 0 and 1")]
fn a_probability_over_one_is_refused() {
    let _ = Chaos::new(0).with_fault(1.5, Fault::reset_mid_body());
}
