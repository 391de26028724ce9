//! The sandbox's own JSON bodies: what it reads from requests and what it answers.
//!
//! The sandbox is a server, so it does not build the client's response models: those are
//! `alloy_api`'s to evolve (and to keep non-exhaustive). These types write the contract's wire
//! format (camelCase names, absent fields left out) and read it back, which the sandbox's own
//! tests do; `alloy-api`'s models decode what they write.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
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

// ---- What the sandbox answers for the official-only operations ------------------------------

/// One object in the official contract's envelope: `{"data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DataItem<T> {
    pub(crate) data: T,
}

/// A user as the official `GET /users`, `GET /users/{userId}` and `PUT /users/{userId}`
/// answer it. The reference makes all three fields required on `get-a-user`, so a user
/// created without a full name shows `""`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialUser {
    pub(crate) user_id: String,
    pub(crate) full_name: String,
    pub(crate) username: String,
}

/// `{"success": true}`: `DELETE /users/{userId}` and
/// `DELETE /users/{userId}/credentials/{credentialId}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SuccessFlag {
    pub(crate) success: bool,
}

/// `{"deleted": true}`: `DELETE /workflows/{workflowId}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DeletedResponse {
    pub(crate) deleted: bool,
}

/// A user of `POST /users/batch`, in the request and in the answer's `invalidUsers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUser {
    pub(crate) username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) full_name: Option<String>,
}

/// The answer of `POST /users/batch`: a summary and the users that were not created because
/// they already existed (or appeared twice in the batch).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchResult {
    pub(crate) message: String,
    pub(crate) invalid_users: Vec<BatchUser>,
}

/// The answer of `GET /workflows/{workflowId}?userId=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowDetail {
    pub(crate) workflow_id: String,
    pub(crate) name: String,
    /// When the workflow was installed for the user (absent when it is not installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<DateTime<Utc>>,
    /// When the user's installation last changed (absent when it is not installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) updated_at: Option<DateTime<Utc>>,
    pub(crate) installed: bool,
    pub(crate) active: bool,
    /// The installed version's number, or the latest version's when not installed.
    pub(crate) version: u32,
    pub(crate) integration_id: String,
    pub(crate) connectors: Vec<WorkflowConnector>,
}

/// A connector of `GET /workflows/{workflowId}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowConnector {
    pub(crate) connector_name: String,
    pub(crate) connector_id: String,
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
}

/// An entry of `GET /workflows/{workflowId}/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowUser {
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) user_id: String,
    pub(crate) workflow_active: bool,
    pub(crate) installed_version: u32,
    pub(crate) installed_at: DateTime<Utc>,
}

/// The answer of `GET /workflows/{workflowId}/analytics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowAnalytics {
    pub(crate) total_app_actions: u64,
    pub(crate) total_workflow_runs: u64,
    pub(crate) total_errors: u64,
}

/// An entry of `GET /events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EventInfo {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) body: Value,
}

/// The answer of `GET /logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogPage {
    pub(crate) notifications: Vec<Notification>,
    pub(crate) last_fetched: DateTime<Utc>,
    pub(crate) pagination: Pagination,
}

/// The pagination of `GET /logs`; `currentPage` counts from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pagination {
    pub(crate) total_items: u64,
    pub(crate) total_pages: u64,
    pub(crate) current_page: u64,
    pub(crate) page_size: u64,
}

/// One entry (a workflow run) of `GET /logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Notification {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) message: String,
    pub(crate) data: NotificationData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) custom_version: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workflow_version: Option<u32>,
    pub(crate) team_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forge_workflow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workflow_id: Option<String>,
    pub(crate) user_id: String,
    pub(crate) user: NotificationUser,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forge_workflow: Option<ForgeWorkflow>,
}

/// The execution a notification is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationData {
    pub(crate) execution_id: String,
    pub(crate) execution_uuid: String,
}

/// The user of a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) full_name: Option<String>,
}

/// The parent workflow of a notification, with its integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ForgeWorkflow {
    pub(crate) name: String,
    pub(crate) integration_id: ForgeIntegration,
}

/// The integration of a notification's parent workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ForgeIntegration {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) block_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
}

/// The answer of `GET /integrations/{integrationId}?userId=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IntegrationDetail {
    pub(crate) integration_id: String,
    pub(crate) app: String,
    pub(crate) installed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) workflows: Vec<OfficialWorkflow>,
    pub(crate) credentials: Vec<String>,
}

/// A block of an installation form: what one workflow's block needs filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FormBlock {
    pub(crate) workflow_id: String,
    pub(crate) app: String,
    pub(crate) block_id: String,
    pub(crate) fields: Vec<FormField>,
}

/// A field of an installation form block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FormField {
    pub(crate) name: String,
    pub(crate) display_name: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) required: bool,
}

/// The answer of `POST /headless/startInstallation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StartedInstallation {
    pub(crate) data: Vec<FormBlock>,
    pub(crate) installation_id: String,
}

/// An installation as `GET /installations` and `GET /installations/{installationId}` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Installation {
    pub(crate) installation_id: String,
    pub(crate) integration_id: String,
    pub(crate) user_id: String,
    pub(crate) form_data: Vec<FormBlock>,
    /// The credential used for each app, by app (connector) name.
    pub(crate) credential_ids: BTreeMap<String, String>,
    pub(crate) workflow_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed_at: Option<DateTime<Utc>>,
    pub(crate) enabled: bool,
}

/// An installation as `POST /headless/editInstallation` answers it: with the form values it
/// was completed with (`installedData`) and without `enabled`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EditedInstallation {
    pub(crate) installation_id: String,
    pub(crate) integration_id: String,
    pub(crate) user_id: String,
    pub(crate) form_data: Vec<FormBlock>,
    pub(crate) credential_ids: BTreeMap<String, String>,
    pub(crate) workflow_ids: Vec<String>,
    pub(crate) installed_data: Vec<SubmittedBlock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed_at: Option<DateTime<Utc>>,
}

/// The answer of `GET /headless/oauthUrl`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OauthUrl {
    pub(crate) oauth_url: String,
}

/// The answer of `POST /headless/credentials`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedCredential {
    pub(crate) success: bool,
    pub(crate) credential_id: String,
}

/// An entry of `GET /credentials/users/{userId}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialInfo {
    pub(crate) credential_id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// What an app's credential needs (`GET /metadata/credentials[/{credentialName}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialMetadata {
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) is_oauth: bool,
    pub(crate) properties: Vec<CredentialProperty>,
}

/// A property of an app's credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialProperty {
    pub(crate) name: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
}

/// The answer of `GET /analytics/usage` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppUsage {
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) executions_limit: u64,
    pub(crate) seven_days: u64,
    pub(crate) thirty_days: u64,
    pub(crate) last_three_months: u64,
    pub(crate) billing_cycle: u64,
    pub(crate) app_actions: u64,
    pub(crate) api_actions: u64,
}

/// The answer of `GET /analytics/detail-usage-time` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsageOverTime {
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) total_actions: u64,
    pub(crate) data: Vec<UsagePeriod>,
    pub(crate) time_period: String,
}

/// One day of `GET /analytics/detail-usage-time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsagePeriod {
    pub(crate) app_actions: u64,
    pub(crate) month: String,
    pub(crate) year: i32,
    pub(crate) date: NaiveDate,
    pub(crate) api_actions: u64,
    pub(crate) count: u64,
}

/// The answer of `GET /analytics/detail-usage-user` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserUsage {
    pub(crate) user_name: String,
    pub(crate) user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_created_date: Option<DateTime<Utc>>,
    pub(crate) is_deleted: bool,
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) total_actions: u64,
    pub(crate) data: Vec<UserUsagePeriod>,
    pub(crate) time_period: String,
}

/// One day of `GET /analytics/detail-usage-user`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserUsagePeriod {
    pub(crate) month: String,
    pub(crate) user_name: String,
    pub(crate) is_deleted: bool,
    pub(crate) date: NaiveDate,
    pub(crate) user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_created_date: Option<NaiveDate>,
    pub(crate) api_actions: u64,
    pub(crate) count: u64,
    pub(crate) app_actions: u64,
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

/// The body of `PUT /users/{userId}`: the fields to change.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateUserRequest {
    #[serde(default)]
    pub(crate) username: Option<String>,
    #[serde(default)]
    pub(crate) full_name: Option<String>,
}

/// The body of `POST /users/batch`.
#[derive(Deserialize)]
pub(crate) struct BatchCreateRequest {
    pub(crate) users: Vec<BatchUser>,
}

/// The body of `POST /run/workflow`: `userId`, `data` (an object) and the workflow by
/// `workflowId` or `workflowName`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunWorkflowRequest {
    #[serde(default)]
    pub(crate) workflow_id: Option<String>,
    #[serde(default)]
    pub(crate) workflow_name: Option<String>,
    pub(crate) user_id: String,
    pub(crate) data: serde_json::Map<String, Value>,
}

/// The body of `POST /headless/startInstallation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StartInstallationRequest {
    pub(crate) user_id: String,
    pub(crate) integration_id: String,
    #[serde(default)]
    pub(crate) credential_ids: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) workflow_ids: Option<Vec<String>>,
}

/// The body of `POST /headless/completeInstallation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompleteInstallationRequest {
    pub(crate) installation_id: String,
    pub(crate) data: Vec<SubmittedBlock>,
}

/// One filled-in block of `POST /headless/completeInstallation` (and `installedData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmittedBlock {
    pub(crate) workflow_id: String,
    pub(crate) block_id: String,
    #[serde(default)]
    pub(crate) fields: Vec<FieldValue>,
}

/// One filled-in field of a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FieldValue {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// The body of `POST /headless/editInstallation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EditInstallationRequest {
    pub(crate) user_id: String,
    pub(crate) integration_id: String,
    #[serde(default)]
    pub(crate) credential_ids: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) installation_id: Option<String>,
}

/// The body of `POST /headless/credentials`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateCredentialRequest {
    pub(crate) credential: CredentialBody,
    pub(crate) user_id: String,
}

/// The `credential` of `POST /headless/credentials`: the app (`type`) and its fields.
#[derive(Deserialize)]
pub(crate) struct CredentialBody {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) data: Option<serde_json::Map<String, Value>>,
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
