//! Adding endpoints the crate lacks, in your own crate, with `#[api_endpoint]`.
//!
//! ```sh
//! cargo run -p alloy-api --example custom_endpoint
//! ```
//!
//! Your trait gets the same encoding, retries, errors and tracing as the crate's own. This
//! example declares two endpoints: `list_workflow_versions`, which Alloy's 2024-03 reference
//! documents and its 2025-09 reference has no page for (the sandbox follows 2025-09, so there
//! it answers a typed 404), and a variant of the logs endpoint that sends a request id header
//! and returns the response's status and headers with the body.

use std::error::Error;

use alloy_api::models::{CreateUserRequest, WorkflowLogList};
use alloy_api::prelude::*;
use alloy_api::{Client, Response, Result, Transport, api_endpoint};
use alloy_sandbox::Sandbox;

/// One version of a workflow, as Alloy's 2024-03 reference shows it.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowVersion {
    /// The version's id.
    pub version_id: String,
    /// Its display name (`Version 2`).
    pub version_name: Option<String>,
    /// `active` or `inactive`.
    pub status: Option<String>,
}

/// The versions of a workflow, under `data`.
#[derive(Debug, serde::Deserialize)]
pub struct WorkflowVersions {
    /// The versions.
    pub data: Vec<WorkflowVersion>,
}

/// Endpoints our service needs beyond the contract.
pub trait MoreAlloy: Transport {
    /// Lists the versions of a user's workflow
    /// (`GET /workflows/{workflowId}/versions?userId=`, Alloy's 2024-03 reference).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/versions")]
    async fn list_workflow_versions(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowVersions>;

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

    match client
        .list_workflow_versions("wf_shopify_order_sync", &user.user_id)
        .await
    {
        Ok(versions) => println!("list_workflow_versions: {:?}", versions.data),
        Err(error) if error.is_not_found() => {
            println!(
                "list_workflow_versions: {error} (the sandbox follows the 2025-09 reference, which has no page for it)"
            );
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
