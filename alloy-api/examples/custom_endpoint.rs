//! Adding endpoints the crate lacks, in your own crate, with `#[api_endpoint]`.
//!
//! ```sh
//! cargo run -p alloy-api --example custom_endpoint
//! ```
//!
//! Your trait gets the same encoding, retries, errors and tracing as `AlloyApi`. This example
//! declares two endpoints: `get_user` from the live service's older API (the sandbox follows
//! the 2025-09 contract, which lacks it, so there it answers a typed 404), and a variant of
//! the logs endpoint that sends a request id header and returns the response's status and
//! headers with the body.

use std::error::Error;

use alloy_api::models::{CreateUserRequest, User, WorkflowLogList};
use alloy_api::prelude::*;
use alloy_api::{Client, Response, Result, Transport, api_endpoint};
use alloy_sandbox::Sandbox;

/// Endpoints our service needs beyond the contract.
pub trait MoreAlloy: Transport {
    /// Reads one user (`GET /users/{userId}` of the live service).
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get_user(&self, user_id: &str) -> Result<User>;

    /// Lists a workflow's logs, tagging the request for our own log correlation and keeping
    /// the response headers.
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/logs")]
    async fn workflow_logs_traced(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
        #[header("X-Request-Id")] request_id: &str,
    ) -> Result<Response<WorkflowLogList>>;
}

/// Every transport, the `Client` included, gets the new endpoints.
impl<T: Transport + ?Sized> MoreAlloy for T {}

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn Error>> {
    let sandbox = Sandbox::start().await?;
    let client = Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.base_url())
        .build()?;
    let user = client
        .create_user(&CreateUserRequest::new("custom-endpoint-demo"))
        .await?;

    let logs = client
        .workflow_logs_traced("wf_shopify_order_sync", &user.user_id, "req-7f3a")
        .await?;
    println!(
        "workflow_logs_traced: {} with {} log entries, content-type {:?}",
        logs.status,
        logs.logs.len(),
        logs.headers.get("content-type"),
    );

    match client.get_user(&user.user_id).await {
        Ok(found) => println!("get_user: {found:?}"),
        Err(error) if error.is_not_found() => {
            println!(
                "get_user: {error} (the sandbox follows the 2025-09 contract, which lacks it)"
            );
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
