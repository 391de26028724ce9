//! Workflows (Alloy's *Workflows* reference).

use crate::models::{
    UpgradeWorkflowRequest, WorkflowActionRequest, WorkflowActivation, WorkflowErrorList,
    WorkflowLogList, WorkflowUpgrade,
};
use crate::{Result, Transport, api_endpoint};

/// Workflows: a user's installed workflows, their state, logs and errors (Alloy's
/// *Workflows* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait WorkflowsApi: Transport {
    /// Retrieves workflow error logs for a specific workflow to debug integration failures
    /// (`GET /workflows/{workflowId}/errors?userId=`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/errors")]
    async fn list_workflow_errors(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowErrorList>;

    /// Retrieves historical workflow execution logs for monitoring and debugging
    /// (`GET /workflows/{workflowId}/logs?userId=`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/logs")]
    async fn list_workflow_logs(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowLogList>;

    /// Disables an installed workflow for a user, pausing all automated executions
    /// (`PUT /workflows/deactivate`).
    #[api_endpoint(method = "PUT", path = "/workflows/deactivate")]
    async fn deactivate_workflow(
        &self,
        #[body] request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation>;

    /// Re-enables a deactivated workflow for a user, resuming automated executions
    /// (`PUT /workflows/activate`).
    #[api_endpoint(method = "PUT", path = "/workflows/activate")]
    async fn activate_workflow(
        &self,
        #[body] request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation>;

    /// Upgrades a user's installed workflow to the latest version of its parent workflow
    /// (`PUT /workflows/{workflowId}/upgrade?userId=`, no body), as Alloy's 2025-09
    /// reference describes it.
    ///
    /// To choose the target version, as the seed document allows, use
    /// [`upgrade_workflow_to_version`](Self::upgrade_workflow_to_version).
    #[api_endpoint(method = "PUT", path = "/workflows/<workflowId>/upgrade")]
    async fn upgrade_workflow(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowUpgrade>;

    /// Upgrades a user's installed workflow to a chosen version, or the latest when the
    /// request names none (`PUT /workflows/{workflowId}/upgrade` with the body
    /// `{userId, version}`): the seed document's form of the operation.
    ///
    /// Alloy's 2025-09 reference takes no body (a server that follows it answers 415 or
    /// ignores the version); against Alloy's service use
    /// [`upgrade_workflow`](Self::upgrade_workflow).
    #[api_endpoint(method = "PUT", path = "/workflows/<workflowId>/upgrade")]
    async fn upgrade_workflow_to_version(
        &self,
        workflow_id: &str,
        #[body] request: &UpgradeWorkflowRequest,
    ) -> Result<WorkflowUpgrade>;
}

impl<T: Transport + ?Sized> WorkflowsApi for T {}
