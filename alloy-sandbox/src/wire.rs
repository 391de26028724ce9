//! The sandbox's own JSON bodies: what it reads from requests and what it answers.
//!
//! The sandbox is a server, so it does not build the client's response models: those are
//! `alloy_api`'s to evolve (and to keep non-exhaustive). These types write the contract's wire
//! format (camelCase names, absent fields left out) and read it back, which the sandbox's own
//! tests do; `alloy-api`'s models decode what they write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

// ---- What the sandbox answers and keeps ----------------------------------------------------

/// A user as the sandbox keeps it and answers it (`POST /users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id, such as `usr_0123456789abcdef`.
    pub user_id: String,
    /// The unique username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The full display name, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// When the user was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

/// The status of a workflow run, as the contract spells it (`success`, `failure`, `pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowLogStatus {
    /// The run succeeded.
    Success,
    /// The run failed; the sandbox records an error for it too.
    Failure,
    /// The run has not finished (the sandbox never produces it; tests can seed it).
    Pending,
}

/// A log of one workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowLog {
    /// The log's id, such as `log_0123456789abcdef`.
    pub log_id: String,
    /// The workflow that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// How the run ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowLogStatus>,
    /// When the workflow ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_at: Option<DateTime<Utc>>,
    /// How long the run took, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

/// An error of one failed workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowError {
    /// The error's id, such as `err_0123456789abcdef`.
    pub error_id: String,
    /// The workflow whose run failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the run failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<DateTime<Utc>>,
}

/// An entry of `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Integration {
    pub(crate) integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed: Option<bool>,
}

/// The body of `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IntegrationList {
    pub(crate) integrations: Vec<Integration>,
}

/// The body of `GET /workflows/{workflowId}/logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WorkflowLogList {
    pub(crate) logs: Vec<WorkflowLog>,
}

/// The body of `GET /workflows/{workflowId}/errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WorkflowErrorList {
    pub(crate) errors: Vec<WorkflowError>,
}

/// The body of `GET /users/{userId}/token`.
#[derive(Serialize, Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) token: String,
}

/// The body of the lifecycle and event operations' answers.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SuccessResponse {
    pub(crate) success: Option<bool>,
    pub(crate) message: Option<String>,
}

/// The body of every error answer: a code such as `NOT_FOUND` and a message.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ErrorResponse {
    pub(crate) error: Option<String>,
    pub(crate) message: Option<String>,
}

// ---- What the sandbox answers in the official contract --------------------------------------

/// A list in the official contract's envelope: `{"data": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DataList<T> {
    pub(crate) data: Vec<T>,
}

/// The official answer of `POST /users`: only the new user's id.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedUser {
    pub(crate) user_id: String,
}

/// The official acknowledgement of `POST /run/event` and `DELETE /users/{userId}/logs`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MessageResponse {
    pub(crate) message: String,
}

/// The official answer of `PUT /workflows/activate` and `PUT /workflows/deactivate`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ActivatedResponse {
    pub(crate) activated: bool,
}

/// The official answer of `PUT /workflows/{workflowId}/upgrade`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UpgradedResponse {
    pub(crate) upgraded: bool,
}

/// An entry of the official `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialIntegration {
    pub(crate) integration_id: String,
    pub(crate) description: String,
    pub(crate) primary_connector: String,
    pub(crate) installed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) workflows: Vec<OfficialWorkflow>,
    pub(crate) credentials: Vec<String>,
}

/// A workflow of an official integration entry; versions are numbered from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialWorkflow {
    pub(crate) workflow_id: String,
    pub(crate) name: String,
    pub(crate) installed: bool,
    pub(crate) active: bool,
    /// The latest version's number.
    pub(crate) version: u32,
    /// The installed version's number, only when installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed_version: Option<u32>,
    pub(crate) connectors: Vec<Connector>,
}

/// A connector (block) of an official workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Connector {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) subtitle: String,
}

/// One execution of the official `GET /workflows/{workflowId}/logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Execution {
    pub(crate) execution_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stopped_at: Option<DateTime<Utc>>,
    pub(crate) finished: bool,
    pub(crate) results: Vec<ExecutionResult>,
    pub(crate) inputs: Vec<ExecutionInput>,
}

/// What one connector of an execution produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecutionResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stopped_at: Option<DateTime<Utc>>,
    pub(crate) data: Vec<Vec<Value>>,
    pub(crate) connector_id: String,
}

/// What one connector of an execution was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecutionInput {
    pub(crate) connector_id: String,
    pub(crate) data: Value,
}

/// One error of the official `GET /workflows/{workflowId}/errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialError {
    pub(crate) workflow_id: String,
    pub(crate) block: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error_occurred_at: Option<DateTime<Utc>>,
    pub(crate) message: String,
}

// ---- What the sandbox reads ----------------------------------------------------------------

/// The body of `POST /users`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateUserRequest {
    pub(crate) username: String,
    #[serde(default)]
    pub(crate) full_name: Option<String>,
}

/// The body of `POST /run/event`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TriggerEventRequest {
    pub(crate) user_id: String,
    pub(crate) event: String,
    #[serde(default)]
    pub(crate) data: Option<Value>,
}

/// The body of `PUT /workflows/activate` and `PUT /workflows/deactivate`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowActionRequest {
    pub(crate) workflow_id: String,
    pub(crate) user_id: String,
}

/// The official body of `PUT /workflows/activate` and `PUT /workflows/deactivate`: `userId`
/// and either `workflowId` or `workflowName`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialActionRequest {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) workflow_id: Option<String>,
    #[serde(default)]
    pub(crate) workflow_name: Option<String>,
}

/// The official body of `POST /run/event`: all three fields required, `data` an object.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialEventRequest {
    pub(crate) user_id: String,
    pub(crate) event: String,
    pub(crate) data: serde_json::Map<String, Value>,
}

/// A version an upgrade asks for: the seed's name (`"2.0.0"`) or the official number (`3`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(crate) enum VersionRef {
    Number(u32),
    Name(String),
}

/// The optional official body of `PUT /workflows/{workflowId}/upgrade` (an extension: the
/// reference sends none).
#[derive(Deserialize)]
pub(crate) struct OfficialUpgradeRequest {
    #[serde(default)]
    pub(crate) version: Option<VersionRef>,
}

/// The body of `PUT /workflows/{workflowId}/upgrade`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpgradeWorkflowRequest {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) version: Option<String>,
}

#[cfg(test)]
mod tests {
    use alloy_api::models;
    use chrono::TimeZone as _;
    use serde_json::json;

    use super::*;

    fn round_trip<T: serde::de::DeserializeOwned>(value: impl Serialize) -> T {
        let json = serde_json::to_value(value).unwrap();
        serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    /// The client's models read every body the sandbox writes, field for field.
    #[test]
    fn the_clients_models_decode_what_the_sandbox_writes() {
        let at = Utc.with_ymd_and_hms(2026, 4, 19, 10, 0, 0).unwrap();
        let user: models::User = round_trip(User {
            user_id: "usr_1".to_owned(),
            username: Some("jane".to_owned()),
            full_name: None,
            created_at: Some(at),
        });
        assert_eq!(user.user_id, "usr_1");
        assert_eq!(user.username.as_deref(), Some("jane"));
        assert_eq!(user.full_name, None);
        assert_eq!(user.created_at, Some(at));

        for (status, expected) in [
            (
                WorkflowLogStatus::Success,
                models::WorkflowLogStatus::Success,
            ),
            (
                WorkflowLogStatus::Failure,
                models::WorkflowLogStatus::Failure,
            ),
            (
                WorkflowLogStatus::Pending,
                models::WorkflowLogStatus::Pending,
            ),
        ] {
            let logs: models::WorkflowLogList = round_trip(WorkflowLogList {
                logs: vec![WorkflowLog {
                    log_id: "log_1".to_owned(),
                    workflow_id: Some("wf_1".to_owned()),
                    status: Some(status),
                    executed_at: Some(at),
                    duration: Some(120),
                }],
            });
            let log = &logs.logs[0];
            assert_eq!(log.log_id, "log_1");
            assert_eq!(log.workflow_id.as_deref(), Some("wf_1"));
            assert_eq!(log.status, Some(expected));
            assert_eq!(log.executed_at, Some(at));
            assert_eq!(log.duration, Some(120));
        }

        let errors: models::WorkflowErrorList = round_trip(WorkflowErrorList {
            errors: vec![WorkflowError {
                error_id: "err_1".to_owned(),
                workflow_id: Some("wf_1".to_owned()),
                message: Some("boom".to_owned()),
                occurred_at: Some(at),
            }],
        });
        let error = &errors.errors[0];
        assert_eq!(error.error_id.as_deref(), Some("err_1"));
        assert_eq!(error.workflow_id.as_deref(), Some("wf_1"));
        assert_eq!(error.message.as_deref(), Some("boom"));
        assert_eq!(error.occurred_at, Some(at));

        let list: models::IntegrationList = round_trip(IntegrationList {
            integrations: vec![Integration {
                integration_id: "int_1".to_owned(),
                name: Some("Shopify".to_owned()),
                category: Some("commerce".to_owned()),
                icon_url: None,
                installed: Some(true),
            }],
        });
        let integration = &list.integrations[0];
        assert_eq!(integration.integration_id, "int_1");
        assert_eq!(integration.name.as_deref(), Some("Shopify"));
        assert_eq!(integration.category.as_deref(), Some("commerce"));
        assert_eq!(integration.icon_url, None);
        assert_eq!(integration.installed, Some(true));

        let token: models::TokenResponse = round_trip(TokenResponse {
            token: "a.b.c".to_owned(),
        });
        assert_eq!(token.token, "a.b.c");
        let success: models::SuccessResponse = round_trip(SuccessResponse {
            success: Some(true),
            message: Some("done".to_owned()),
        });
        assert_eq!(success.success, Some(true));
        assert_eq!(success.message.as_deref(), Some("done"));
        let error: models::ErrorResponse = round_trip(ErrorResponse {
            error: Some("NOT_FOUND".to_owned()),
            message: Some("nope".to_owned()),
        });
        assert_eq!(error.error.as_deref(), Some("NOT_FOUND"));
        assert_eq!(error.message.as_deref(), Some("nope"));
    }

    /// The sandbox reads the bodies the client's request models write.
    #[test]
    fn the_sandbox_reads_what_the_clients_requests_write() {
        let create: CreateUserRequest =
            round_trip(models::CreateUserRequest::new("jane").with_full_name("Jane Smith"));
        assert_eq!(create.username, "jane");
        assert_eq!(create.full_name.as_deref(), Some("Jane Smith"));

        let event: TriggerEventRequest = round_trip(
            models::TriggerEventRequest::new("usr_1", "order.created")
                .with_data(json!({ "orderId": "ord-1" })),
        );
        assert_eq!(event.user_id, "usr_1");
        assert_eq!(event.event, "order.created");
        assert_eq!(event.data, Some(json!({ "orderId": "ord-1" })));

        let action: WorkflowActionRequest =
            round_trip(models::WorkflowActionRequest::new("wf_1", "usr_1"));
        assert_eq!(action.workflow_id, "wf_1");
        assert_eq!(action.user_id, "usr_1");

        let upgrade: UpgradeWorkflowRequest =
            round_trip(models::UpgradeWorkflowRequest::new("usr_1").with_version("2.0.0"));
        assert_eq!(upgrade.user_id, "usr_1");
        assert_eq!(upgrade.version.as_deref(), Some("2.0.0"));
    }
}
