//! Receiving signed calls: a back end verifies the `X-Alloy-Signature` of the requests Alloy
//! sends it (Custom API blocks, data streams) before trusting them.
//!
//! ```sh
//! cargo run -p alloy-api --example receive_signed
//! ```
//!
//! It runs offline: an axum receiver on 127.0.0.1 verifies with the crate's
//! [`SignatureVerifier`], and the in-process sandbox stands in for Alloy, delivering every
//! workflow run to the receiver signed with its own key (public, for the sandbox only). With
//! Alloy, build the verifier from Alloy's public key instead. The example triggers an event
//! and runs a workflow through the client, prints what the receiver verified, and exits.

use std::error::Error;

use alloy_api::SignatureVerifier;
use alloy_api::http::StatusCode;
use alloy_api::http::request::Parts;
use alloy_api::models::{CreateUserRequest, RunWorkflowRequest, TriggerEventRequest};
use alloy_api::prelude::*;
use alloy_sandbox::{Sandbox, SandboxConfig};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The workflow the example runs directly.
const ORDER_SYNC: &str = "wf_shopify_order_sync";

/// The receiver's state: the verifier, built once, and where it reports what it accepted.
#[derive(Clone)]
struct Receiver {
    verifier: SignatureVerifier,
    accepted: mpsc::UnboundedSender<String>,
}

/// The back end's handler: the request's head and raw body, verified before anything else.
async fn receive(State(receiver): State<Receiver>, parts: Parts, body: Bytes) -> StatusCode {
    let verified = match receiver.verifier.verify_parts(&parts, &body) {
        Ok(verified) => verified,
        Err(why) => {
            eprintln!("rejected a call claiming to come from Alloy: {why}");
            return StatusCode::UNAUTHORIZED;
        }
    };
    // Verified: the body is the signer's, byte for byte, and can be parsed now.
    let Ok(run) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let _ = receiver.accepted.send(format!(
        "{} {} ({} bytes): {:?} signature, {:?} padding, over the {:?} URL; \
         run {} of {} for {}, event {}, {}",
        parts.method,
        parts.uri,
        body.len(),
        verified.encoding(),
        verified.padding(),
        verified.url_form(),
        run["executionId"],
        run["workflowId"],
        run["userId"],
        run["event"],
        run["status"],
    ));
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // The receiver's address, bound first so the sandbox knows where to deliver.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hooks/alloy?tenant=acme", listener.local_addr()?);

    // The sandbox stands in for Alloy and delivers every run to the receiver.
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_delivery_url(&hook)).await?;

    // The receiver trusts the signer's public key, read once from its PEM: here the
    // sandbox's, with Alloy the one Alloy publishes.
    let verifier = SignatureVerifier::from_pem(sandbox.signing_public_key_pem())?;
    println!("receiver trusts a {}-bit key", verifier.key_bits());
    let (accepted, mut verified) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/hooks/alloy", post(receive))
        .with_state(Receiver { verifier, accepted });
    let receiver = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver listening at {hook}");

    let client = sandbox.client()?;
    let user = client
        .create_user(&CreateUserRequest::new("acme-corp"))
        .await?
        .user_id;
    client
        .trigger_event(
            &TriggerEventRequest::new(&user, "order.created")
                .with_data(json!({ "orderId": "ord-789" })),
        )
        .await?;
    let name = client
        .get_workflow(ORDER_SYNC, &user)
        .await?
        .data
        .name
        .into_option()
        .ok_or("the workflow has no name")?;
    client
        .run_workflow(&RunWorkflowRequest::new(&user, ORDER_SYNC, name))
        .await?;

    // Every delivery ends (answered, refused or timed out), so this wait is bounded.
    let counts = sandbox.settled_deliveries().await;
    println!(
        "sandbox delivered {} of {} runs ({} failed)",
        counts.delivered(),
        counts.attempted(),
        counts.failed()
    );
    let mut lines = 0;
    while let Ok(line) = verified.try_recv() {
        println!("verified: {line}");
        lines += 1;
    }
    sandbox.shutdown().await;
    receiver.abort();

    if let Some(error) = counts.last_error() {
        return Err(format!("a delivery failed: {error}").into());
    }
    if lines != 2 || counts.delivered() != 2 {
        return Err(
            format!("expected 2 verified deliveries, the receiver accepted {lines}").into(),
        );
    }
    Ok(())
}
