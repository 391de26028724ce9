//! The sandbox's signed deliveries, end to end: runs made through the client are POSTed to a
//! local axum receiver, which verifies `X-Alloy-Signature` with the crate's verifier; failed
//! deliveries (refused, non-2xx, timed out) are counted and never fail the API call.

use std::net::SocketAddr;
use std::time::Duration;

use alloy_api::http::request::Parts;
use alloy_api::http::{HeaderMap, StatusCode};
use alloy_api::models::{CreateUserRequest, RunWorkflowRequest, TriggerEventRequest};
use alloy_api::prelude::*;
use alloy_api::signature::{Encoding, Padding, SIGNATURE_HEADER, UrlForm, Verified};
use alloy_api::{SignatureError, SignatureVerifier};
use alloy_sandbox::{DeliveryError, Sandbox, SandboxConfig};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::mpsc;

const ORDER_SYNC: &str = "wf_shopify_order_sync";

/// What the receiver saw of one delivery: the verification of the request as received, the
/// verification with the body's first byte changed, the headers and the body.
#[derive(Debug)]
struct Received {
    verified: Result<Verified, SignatureError>,
    tampered: Result<Verified, SignatureError>,
    headers: HeaderMap,
    body: Value,
}

#[derive(Clone)]
struct Receiver {
    verifier: SignatureVerifier,
    status: StatusCode,
    seen: mpsc::UnboundedSender<Received>,
}

async fn receive(State(receiver): State<Receiver>, parts: Parts, body: Bytes) -> StatusCode {
    let verified = receiver.verifier.verify_parts(&parts, &body);
    let mut tampered = body.to_vec();
    tampered[0] ^= 1;
    let tampered = receiver.verifier.verify_parts(&parts, &tampered);
    let body = serde_json::from_slice(&body).expect("a JSON body");
    let _ = receiver.seen.send(Received {
        verified,
        tampered,
        headers: parts.headers,
        body,
    });
    receiver.status
}

/// Starts a receiver on 127.0.0.1 (ephemeral port) that verifies with `verifier` (built from
/// the sandbox's published PEM) and answers `status`; returns its address and what it sees.
async fn start_receiver(
    verifier: SignatureVerifier,
    status: StatusCode,
) -> (SocketAddr, mpsc::UnboundedReceiver<Received>) {
    let (seen, received) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/hooks/alloy", post(receive))
        .with_state(Receiver {
            verifier,
            status,
            seen,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, received)
}

/// The sandbox's verifier as a user's test builds it: from the PEM the sandbox publishes.
async fn published_verifier() -> SignatureVerifier {
    let sandbox = Sandbox::start().await.unwrap();
    SignatureVerifier::from_pem(sandbox.signing_public_key_pem()).unwrap()
}

async fn delivering_sandbox(url: String) -> (Sandbox, alloy_api::Client) {
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_delivery_url(url))
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    (sandbox, client)
}

async fn new_user(client: &alloy_api::Client, name: &str) -> String {
    client
        .create_user(&CreateUserRequest::new(name))
        .await
        .unwrap()
        .user_id
}

#[tokio::test]
async fn runs_are_delivered_signed_and_verify_with_the_crate() {
    let (addr, mut received) = start_receiver(published_verifier().await, StatusCode::OK).await;
    let (sandbox, client) =
        delivering_sandbox(format!("http://{addr}/hooks/alloy?tenant=42")).await;
    let uid = new_user(&client, "acme").await;

    client
        .trigger_event(
            &TriggerEventRequest::new(&uid, "order.created").with_data(json!({"orderId": "o-1"})),
        )
        .await
        .unwrap();
    let name = client
        .get_workflow(ORDER_SYNC, &uid)
        .await
        .unwrap()
        .data
        .name
        .into_option()
        .unwrap();
    client
        .run_workflow(&RunWorkflowRequest::new(&uid, ORDER_SYNC, name).with_data(json!({"n": 2})))
        .await
        .unwrap();

    let counts = sandbox.settled_deliveries().await;
    assert_eq!(
        (counts.attempted(), counts.delivered(), counts.failed()),
        (2, 2, 0),
        "{counts:?}"
    );
    assert_eq!(counts.last_error(), None);

    let mut deliveries = Vec::new();
    while let Ok(delivery) = received.try_recv() {
        deliveries.push(delivery);
    }
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    // Deliveries run concurrently: find each by what triggered it.
    let by_event = |event: Value| {
        deliveries
            .iter()
            .find(|delivery| delivery.body["event"] == event)
            .unwrap_or_else(|| panic!("no delivery with event {event}: {deliveries:?}"))
    };
    let event_run = by_event(json!("order.created"));
    let direct_run = by_event(Value::Null);

    let logs = sandbox.state().logs(&uid);
    for (delivery, data) in [
        (event_run, json!({"orderId": "o-1"})),
        (direct_run, json!({"n": 2})),
    ] {
        let verified = delivery.verified.expect("the delivery verifies");
        assert_eq!(verified.encoding(), Encoding::Hex);
        assert_eq!(verified.padding(), Padding::Pkcs1v15);
        assert_eq!(verified.url_form(), UrlForm::PathAndQuery);

        let body = &delivery.body;
        assert_eq!(body["workflowId"], ORDER_SYNC);
        assert_eq!(body["userId"], uid.as_str());
        assert_eq!(body["status"], "success");
        assert_eq!(body["version"], "1.0.0");
        assert_eq!(body["data"], data);
        let execution_id = body["executionId"].as_str().unwrap();
        assert!(
            logs.iter().any(|log| log.log_id == execution_id),
            "{execution_id} is a logged run: {logs:?}"
        );
        let header = |name: &str| delivery.headers[name].to_str().unwrap().to_owned();
        assert_eq!(header("x-alloy-workflowid"), ORDER_SYNC);
        assert_eq!(header("x-alloy-userid"), uid);
        assert_eq!(header("x-alloy-executionuuid"), execution_id);
        assert_eq!(header("content-type"), "application/json");
        // A 2048-bit signature, hex-encoded.
        assert_eq!(delivery.headers[SIGNATURE_HEADER].len(), 512);
    }
}

#[tokio::test]
async fn the_signature_covers_the_exact_body() {
    let (addr, mut received) = start_receiver(published_verifier().await, StatusCode::OK).await;
    let (sandbox, client) = delivering_sandbox(format!("http://{addr}/hooks/alloy")).await;
    let uid = new_user(&client, "tamper").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();
    assert_eq!(sandbox.settled_deliveries().await.delivered(), 1);

    let delivery = received.try_recv().unwrap();
    assert!(delivery.verified.is_ok(), "{delivery:?}");
    assert_eq!(delivery.tampered, Err(SignatureError::Mismatch));
}

#[tokio::test]
async fn a_failed_run_is_delivered_too() {
    let (addr, mut received) = start_receiver(published_verifier().await, StatusCode::OK).await;
    let (sandbox, client) = delivering_sandbox(format!("http://{addr}/hooks/alloy")).await;
    let uid = new_user(&client, "failing").await;
    // NetSuite's invoice export fails at its first version, which new users get.
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "invoice.created"))
        .await
        .unwrap();
    assert_eq!(sandbox.settled_deliveries().await.delivered(), 1);

    let delivery = received.try_recv().unwrap();
    assert!(delivery.verified.is_ok(), "{delivery:?}");
    assert_eq!(delivery.body["status"], "failure");
    assert!(
        delivery.body["error"]
            .as_str()
            .is_some_and(|error| error.contains("subsidiary")),
        "{delivery:?}"
    );
}

#[tokio::test]
async fn a_refused_delivery_is_counted_and_the_call_still_succeeds() {
    // A port that was just free and is closed again: connecting is refused.
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let (sandbox, client) = delivering_sandbox(format!("http://{closed}/hooks/alloy")).await;
    let uid = new_user(&client, "refused").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .expect("the delivery's failure is not the call's");

    let counts = sandbox.settled_deliveries().await;
    assert_eq!(
        (counts.attempted(), counts.delivered(), counts.failed()),
        (1, 0, 1),
        "{counts:?}"
    );
    assert!(
        matches!(counts.last_error(), Some(DeliveryError::Transport(_))),
        "{counts:?}"
    );
    assert_eq!(sandbox.state().logs(&uid).len(), 1, "the run happened");
}

#[tokio::test]
async fn a_non_2xx_answer_is_counted_as_failed() {
    let (addr, mut received) = start_receiver(
        published_verifier().await,
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .await;
    let (sandbox, client) = delivering_sandbox(format!("http://{addr}/hooks/alloy")).await;
    let uid = new_user(&client, "status").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();

    let counts = sandbox.settled_deliveries().await;
    assert_eq!((counts.delivered(), counts.failed()), (0, 1), "{counts:?}");
    assert_eq!(counts.last_error(), Some(&DeliveryError::Status(500)));
    assert!(received.try_recv().unwrap().verified.is_ok(), "it was sent");
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let timeout = Duration::from_millis(200);
    let sandbox = Sandbox::start_with(
        SandboxConfig::new()
            .with_delivery_url(format!("http://{addr}/hooks/alloy"))
            .with_delivery_timeout(timeout),
    )
    .await
    .unwrap();
    let client = sandbox.client().unwrap();
    let uid = new_user(&client, "silent").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();

    let counts = sandbox.settled_deliveries().await;
    assert_eq!(counts.failed(), 1, "{counts:?}");
    assert_eq!(counts.last_error(), Some(&DeliveryError::TimedOut(timeout)));
    held.abort();
}

#[tokio::test]
async fn a_delivery_left_pending_when_the_sandbox_stops_is_counted_as_abandoned() {
    // Accepts connections and never answers, within a timeout the test never reaches.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let sandbox = Sandbox::start_with(
        SandboxConfig::new()
            .with_delivery_url(format!("http://{addr}/hooks/alloy"))
            .with_delivery_timeout(Duration::from_secs(3600)),
    )
    .await
    .unwrap();
    let client = sandbox.client().unwrap();
    let uid = new_user(&client, "stopped").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();
    let state = sandbox.state();
    assert_eq!(state.deliveries().attempted(), 1);
    drop(sandbox);

    // Nothing is left pending, so waiting returns.
    let counts = state.settled_deliveries().await;
    assert_eq!((counts.delivered(), counts.failed()), (0, 1), "{counts:?}");
    assert_eq!(counts.last_error(), Some(&DeliveryError::Abandoned));
    held.abort();
}

#[tokio::test]
async fn without_a_delivery_url_nothing_is_delivered() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    let uid = new_user(&client, "quiet").await;
    client
        .trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();
    let counts = sandbox.settled_deliveries().await;
    assert_eq!(counts, alloy_sandbox::Deliveries::default());
    // The key is published all the same, and is the one the verifier holds.
    assert_eq!(
        sandbox.signing_public_key_pem(),
        sandbox.signature_verifier().public_key_pem()
    );
    assert!(
        sandbox
            .signing_public_key_pem()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
}

#[tokio::test]
async fn a_bad_delivery_url_is_refused_at_start() {
    for url in [
        "not a url",
        "/hooks/alloy",
        "ftp://127.0.0.1/hooks",
        "http://user:secret@127.0.0.1/hooks",
        "http://127.0.0.1/hooks#frag",
    ] {
        let error = Sandbox::start_with(SandboxConfig::new().with_delivery_url(url))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{url}");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
