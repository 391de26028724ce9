//! The operations of the Alloy Embedded API (contract version 2025-09).

use crate::models::{
    CreateUserRequest, IntegrationList, SuccessResponse, TokenResponse, TriggerEventRequest,
    UpgradeWorkflowRequest, User, WorkflowActionRequest, WorkflowActivation, WorkflowErrorList,
    WorkflowLogList, WorkflowUpgrade,
};
use crate::{Result, Transport, api_endpoint};

/// The operations of the Alloy Embedded API, each one annotated signature.
///
/// Implemented for every [`Transport`], so `use alloy_api::AlloyApi;` is all it takes to call
/// them on a [`Client`](crate::Client) or on a test double. Every returned future is `Send`.
pub trait AlloyApi: Transport {
    /// Creates a new end user in the Alloy Embedded platform to manage their integrations and
    /// credentials (`POST /users`, 201).
    #[api_endpoint(method = "POST", path = "/users")]
    async fn create_user(&self, #[body] request: &CreateUserRequest) -> Result<User>;

    /// Generates a short-lived JSON Web Token (JWT) for an end user to authenticate frontend
    /// SDK operations (`GET /users/{userId}/token?userId=`: Alloy's reference asks for the
    /// user in the query too, so it is sent in both places).
    #[api_endpoint(method = "GET", path = "/users/<userId>/token")]
    async fn generate_user_token(&self, #[query] user_id: &str) -> Result<TokenResponse>;

    /// Purges all workflow execution logs and user-related data for GDPR/CCPA compliance
    /// (`DELETE /users/{userId}/logs?userId=`: Alloy's reference asks for the user in the
    /// query too, so it is sent in both places).
    #[api_endpoint(method = "DELETE", path = "/users/<userId>/logs")]
    async fn delete_user_logs(&self, #[query] user_id: &str) -> Result<SuccessResponse>;

    /// Retrieves available integrations for a user, including metadata such as connector
    /// icons and categories (`GET /integrations?userId=`).
    #[api_endpoint(method = "GET", path = "/integrations")]
    async fn list_integrations(&self, #[query] user_id: &str) -> Result<IntegrationList>;

    /// Triggers a custom event to start or resume workflow execution for a user
    /// (`POST /run/event`).
    #[api_endpoint(method = "POST", path = "/run/event")]
    async fn trigger_event(&self, #[body] request: &TriggerEventRequest)
    -> Result<SuccessResponse>;

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

impl<T: Transport + ?Sized> AlloyApi for T {}
