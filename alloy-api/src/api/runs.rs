//! Runs (Alloy's *Run* reference).

use crate::models::{RunWorkflowRequest, SuccessResponse, TriggerEventRequest};
use crate::{Result, Transport, api_endpoint};

/// Runs: starting workflows, directly or by a custom event (Alloy's *Run* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait RunsApi: Transport {
    /// Triggers a custom event to start or resume workflow execution for a user
    /// (`POST /run/event`).
    #[api_endpoint(method = "POST", path = "/run/event")]
    async fn trigger_event(&self, #[body] request: &TriggerEventRequest)
    -> Result<SuccessResponse>;

    /// Runs a user's workflow directly, with a payload for its trigger (`POST /run/workflow`).
    #[api_endpoint(method = "POST", path = "/run/workflow")]
    async fn run_workflow(&self, #[body] request: &RunWorkflowRequest) -> Result<SuccessResponse>;
}

impl<T: Transport + ?Sized> RunsApi for T {}
