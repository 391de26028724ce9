use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Lenient, Timestamp, de};

/// A workflow execution error record.
///
/// Decodes both shapes: the seed document's (`errorId`, `occurredAt`) and the one Alloy's
/// 2025-09 reference shows (`errorOccurredAt`, `block`; that response is marked unverified in
/// the reference, which took it from the 2024-03 example, so its fields are [`Lenient`]; the
/// seed's `errorId` is strict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowError {
    /// Unique identifier for the error (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Workflow identifier where the error occurred.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_id: Lenient<String>,
    /// Human-readable error description.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub message: Lenient<String>,
    /// When the error occurred: the seed's `occurredAt`, the reference's `errorOccurredAt`.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(
        default,
        alias = "errorOccurredAt",
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub occurred_at: Lenient<Timestamp>,
    /// The block (step) of the workflow that failed: its name, in the 2024-03 example.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub block: Lenient<String>,
}

/// List of workflow execution errors: the reference's `{"data": [...]}` or the seed's
/// `{"errors": [...]}`. A body with neither key is a decode error, never an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowErrorList {
    /// List of error records.
    #[serde(alias = "data", deserialize_with = "de::list")]
    pub errors: Vec<WorkflowError>,
}

/// Execution status of a workflow log entry.
///
/// A status this version does not know is kept in [`WorkflowLogStatus::Unknown`], so a new
/// server value does not break an old client; the enum is `#[non_exhaustive]`, so a later
/// version may name more statuses without breaking your code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkflowLogStatus {
    /// The execution succeeded.
    Success,
    /// The execution failed; a matching [`WorkflowError`] is usually recorded.
    Failure,
    /// The execution has not finished.
    Pending,
    /// A status this client version does not know, as the server sent it. Match it with
    /// `WorkflowLogStatus::Unknown(_)` and read it with [`as_str`](Self::as_str): a status a
    /// later version learns to name moves to its own variant.
    Unknown(UnknownValue),
}

/// A value the server sent that this client version does not know, kept as it was sent.
///
/// Opaque on purpose: code cannot build or match one by its text, so it keeps working when a
/// later version names that value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Returns the value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl WorkflowLogStatus {
    /// Returns the status as it appears on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Pending => "pending",
            Self::Unknown(s) => s.as_str(),
        }
    }
}

impl fmt::Display for WorkflowLogStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for WorkflowLogStatus {
    fn from(s: &str) -> Self {
        match s {
            "success" => Self::Success,
            "failure" => Self::Failure,
            "pending" => Self::Pending,
            other => Self::Unknown(UnknownValue(other.to_owned())),
        }
    }
}

impl Serialize for WorkflowLogStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WorkflowLogStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from(s.as_ref()))
    }
}

/// A workflow execution log entry.
///
/// Decodes both shapes: the seed document's (`logId`, `status`, `executedAt`, `duration`)
/// and Alloy's 2025-09 reference (`executionId`, `startedAt`, `stoppedAt`, `finished`,
/// `results`, `inputs`; typed from Alloy's example). The fields the reference types from its
/// example are [`Lenient`]; the id is required and strict, and the seed's fields are strict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowLog {
    /// Unique identifier of the execution: the seed's `logId`, the reference's `executionId`.
    #[serde(alias = "executionId")]
    pub log_id: String,
    /// Workflow identifier (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Execution status (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowLogStatus>,
    /// When the execution started: the seed's `executedAt`, the reference's `startedAt`.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        alias = "startedAt",
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub executed_at: Lenient<Timestamp>,
    /// Execution duration in milliseconds (seed document only; see
    /// [`duration_ms`](Self::duration_ms)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// When the execution stopped (reference only).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub stopped_at: Lenient<Timestamp>,
    /// Whether the execution has finished (reference only).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub finished: Lenient<bool>,
    /// What each step produced (reference only).
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub results: Vec<StepResult>,
    /// What each step received (reference only).
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub inputs: Vec<StepInput>,
}

impl WorkflowLog {
    /// Returns how long the execution took in milliseconds: the seed's `duration`, or the
    /// time from `startedAt` to `stoppedAt` when the server sent those instead.
    pub fn duration_ms(&self) -> Option<u64> {
        self.duration.or_else(|| {
            let elapsed = (*self.stopped_at)? - (*self.executed_at)?;
            u64::try_from(elapsed.num_milliseconds()).ok()
        })
    }
}

/// What one step (connector) of an execution produced (Alloy's 2025-09 reference; typed
/// from its example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StepResult {
    /// The connector (step) that ran.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector_id: Lenient<String>,
    /// When the step started.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub started_at: Lenient<Timestamp>,
    /// When the step stopped.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub stopped_at: Lenient<Timestamp>,
    /// The records the step output, in batches.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub data: Lenient<Vec<Vec<serde_json::Map<String, serde_json::Value>>>>,
}

/// What one step (connector) of an execution received (Alloy's 2025-09 reference; typed
/// from its example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StepInput {
    /// The connector (step) that received it.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector_id: Lenient<String>,
    /// The input.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub data: Lenient<serde_json::Map<String, serde_json::Value>>,
}

/// List of workflow execution logs: the reference's `{"data": [...]}` or the seed's
/// `{"logs": [...]}`. A body with neither key is a decode error, never an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowLogList {
    /// List of log entries.
    #[serde(alias = "data", deserialize_with = "de::list")]
    pub logs: Vec<WorkflowLog>,
}

/// Request body for workflow lifecycle actions (activate, deactivate).
///
/// ```
/// use alloy_api::models::WorkflowActionRequest;
/// let request = WorkflowActionRequest::new("wf_xyz456", "usr_abc123");
/// assert_eq!(request.user_id, "usr_abc123");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowActionRequest {
    /// Unique identifier of the workflow.
    pub workflow_id: String,
    /// Identifier of the user.
    pub user_id: String,
}

impl WorkflowActionRequest {
    /// Creates a request acting on the workflow `workflow_id` of the user `user_id`.
    pub fn new(workflow_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            workflow_id: workflow_id.into(),
            user_id: user_id.into(),
        }
    }
}

/// Request body of the seed document's form of upgrading a workflow
/// ([`WorkflowsApi::upgrade_workflow_to_version`](crate::WorkflowsApi::upgrade_workflow_to_version)):
/// the user and, optionally, the target version. Alloy's 2025-09 reference takes no body and
/// always upgrades to the latest version.
///
/// ```
/// use alloy_api::models::UpgradeWorkflowRequest;
/// let request = UpgradeWorkflowRequest::new("usr_abc123").with_version("2.0.0");
/// assert_eq!(request.version.as_deref(), Some("2.0.0"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpgradeWorkflowRequest {
    /// Identifier of the user.
    pub user_id: String,
    /// Target version to upgrade to; the latest when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl UpgradeWorkflowRequest {
    /// Creates a request that upgrades the user's workflow to the latest version.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            version: None,
        }
    }

    /// Sets the target version.
    #[must_use]
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}

/// The answer to activating or deactivating a workflow.
///
/// Alloy's 2025-09 reference answers `{"activated": true}` (for deactivation
/// `{"activated": false}`; that response is marked unverified there, taken from 2024-03); the
/// seed document answers `{"success": ..., "message": ...}`. Every field is optional, and an
/// empty answer (a 204, say) is a success with no fields; `activated` is [`Lenient`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowActivation {
    /// Whether the workflow is now active (reference only).
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub activated: Lenient<bool>,
    /// Whether the operation succeeded (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Human-readable message (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The answer to upgrading a workflow.
///
/// Alloy's 2025-09 reference shows `{"upgraded": ...}` but marks it unverified (taken from
/// 2024-03, where it was a boolean), so `upgraded` is [`Lenient`]; the seed
/// document answers `{"success": ..., "message": ...}`. An empty answer is a success.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowUpgrade {
    /// Whether the workflow was upgraded (reference only; a boolean in 2024-03).
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub upgraded: Lenient<bool>,
    /// Whether the operation succeeded (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Human-readable message (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_log_status_is_kept() {
        let log: WorkflowLog =
            serde_json::from_str(r#"{"logId":"l","status":"cancelled"}"#).unwrap();
        assert_eq!(
            log.status,
            Some(WorkflowLogStatus::Unknown(UnknownValue("cancelled".into())))
        );
        assert_eq!(
            serde_json::to_string(&log.status).unwrap(),
            r#""cancelled""#
        );
    }

    #[test]
    fn contract_log_example_decodes() {
        let list: WorkflowLogList = serde_json::from_str(
            r#"{"logs":[{"logId":"log_001","workflowId":"wf_xyz456","status":"success",
               "executedAt":"2026-04-19T10:00:00Z","duration":1200}]}"#,
        )
        .unwrap();
        let log = &list.logs[0];
        assert_eq!(log.status, Some(WorkflowLogStatus::Success));
        assert_eq!(log.duration, Some(1200));
        assert_eq!(
            log.executed_at.unwrap().to_rfc3339(),
            "2026-04-19T10:00:00+00:00"
        );
    }

    #[test]
    fn the_reference_log_shape_decodes() {
        let list: WorkflowLogList = serde_json::from_str(
            r#"{"data":[{"executionId":"ex_1","startedAt":"2025-09-01T10:00:00Z",
               "stoppedAt":"2025-09-01T10:00:01.500Z","finished":true,
               "results":[{"connectorId":"shopify","startedAt":"2025-09-01T10:00:00Z",
                           "stoppedAt":"2025-09-01T10:00:01Z","data":[[{"id":1}]]}],
               "inputs":[{"connectorId":"shopify","data":{"orderId":"o1"}}]}]}"#,
        )
        .unwrap();
        let log = &list.logs[0];
        assert_eq!(log.log_id, "ex_1");
        assert_eq!(log.finished, Some(true));
        assert_eq!(log.duration_ms(), Some(1500));
        assert_eq!(log.results[0].data[0][0]["id"], 1);
        assert_eq!(log.inputs[0].data.as_ref().unwrap()["orderId"], "o1");
    }

    #[test]
    fn both_error_shapes_decode_and_unknown_keys_do_not() {
        let official: WorkflowErrorList = serde_json::from_str(
            r#"{"data":[{"workflowId":"wf_1","block":"Shopify","message":"boom",
               "errorOccurredAt":"2025-09-01T10:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(official.errors[0].block.as_deref(), Some("Shopify"));
        assert!(official.errors[0].occurred_at.is_some());
        assert_eq!(official.errors[0].error_id, None);
        assert!(serde_json::from_str::<WorkflowErrorList>(r#"{"items":[]}"#).is_err());
        assert!(serde_json::from_str::<WorkflowLogList>(r#"{"errors":[]}"#).is_err());
    }
}

/// One workflow of a user (`GET /workflows/{workflowId}`), inside [`Data`](super::Data).
///
/// Alloy's reference types these fields from its example only, so every one but the id is
/// [`Lenient`]. The id is required and strict: it is what a caller acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Workflow {
    /// Unique identifier of the workflow.
    pub workflow_id: String,
    /// Display name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// When the workflow was created.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub created_at: Lenient<Timestamp>,
    /// When the workflow was last changed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub updated_at: Lenient<Timestamp>,
    /// Whether the user has it installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed: Lenient<bool>,
    /// Whether it runs.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub active: Lenient<bool>,
    /// Its version.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub version: Lenient<i64>,
    /// The integration it belongs to.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub integration_id: Lenient<String>,
    /// The connectors (apps) it uses.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub connectors: Vec<WorkflowConnector>,
}

/// A connector (an app) of a [`Workflow`] (typed from Alloy's example: every field is
/// [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowConnector {
    /// Display name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector_name: Lenient<String>,
    /// Identifier of the connector within the workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector_id: Lenient<String>,
    /// The connector's kind (the app).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector: Lenient<String>,
    /// URL of its icon.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub icon: Lenient<String>,
}

/// The answer to deleting a workflow for a user (`DELETE /workflows/{workflowId}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowDeletion {
    /// Whether the workflow was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
}

/// The users who installed a workflow (`GET /workflows/{workflowId}/users`), sent under
/// `data`. A body without `data` is a decode error, never an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowUserList {
    /// The users.
    #[serde(rename = "data", deserialize_with = "de::list")]
    pub users: Vec<WorkflowUser>,
}

/// A user who installed a workflow, with the state of their installation (Alloy's
/// reference documents this with an example only: every field is [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowUser {
    /// The user's id.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_id: Lenient<String>,
    /// The user's username.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub username: Lenient<String>,
    /// The user's full name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub full_name: Lenient<String>,
    /// Whether the user's copy of the workflow runs.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_active: Lenient<bool>,
    /// The version the user has installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed_version: Lenient<i64>,
    /// When the user installed it.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub installed_at: Lenient<Timestamp>,
}

/// Usage counters of one workflow (`GET /workflows/{workflowId}/analytics`; typed from
/// Alloy's example, so every counter is [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowAnalytics {
    /// Actions the workflow's apps performed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_app_actions: Lenient<u64>,
    /// Times the workflow ran.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_workflow_runs: Lenient<u64>,
    /// Runs that ended in an error.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_errors: Lenient<u64>,
}

/// The most log entries one page of `GET /workflows/{workflowId}/logs` holds, as Alloy's
/// reference states (its default is 10).
pub const MAX_WORKFLOW_LOGS_PAGE: u32 = 30;

/// The order of a list by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SortOrder {
    /// Oldest first (`asc`).
    Ascending,
    /// Newest first (`desc`).
    Descending,
}

impl SortOrder {
    /// Returns the value as sent: `asc` or `desc`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ascending => "asc",
            Self::Descending => "desc",
        }
    }
}

impl crate::QueryValue for SortOrder {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self.as_str());
    }
}

/// Which page of a workflow's logs to read (`GET /workflows/{workflowId}/logs`): the
/// user, the page (the first is 1), the page size (at most [`MAX_WORKFLOW_LOGS_PAGE`]) and
/// the order. Everything left `None` is not sent, and the server's default applies.
///
/// A page size of 0 or over 30, or page 0, is refused before sending with
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument). Alloy's reference does not say
/// whether pages count from 0 or 1 (the `order` parameter is marked unverified there too):
/// this client counts from 1, as the account-wide log feed's `currentPage` does.
///
/// ```
/// use alloy_api::models::{SortOrder, WorkflowLogsQuery};
/// let query = WorkflowLogsQuery::new()
///     .with_user_id("usr_1")
///     .with_limit(30)
///     .with_order(SortOrder::Ascending);
/// assert_eq!(query.page, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WorkflowLogsQuery {
    /// The user whose copy of the workflow to read (`userId`).
    pub user_id: Option<String>,
    /// The page, from 1 (`page`).
    pub page: Option<u32>,
    /// Entries per page, 1 to 30 (`limit`; the server's default is 10).
    pub limit: Option<u32>,
    /// By start time, oldest or newest first (`order`; the server's default is newest first).
    pub order: Option<SortOrder>,
}

impl WorkflowLogsQuery {
    /// Creates a query with nothing set: the first page with the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the user.
    #[must_use]
    pub fn with_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sets the page, from 1.
    #[must_use]
    pub fn with_page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Sets the page size, 1 to [`MAX_WORKFLOW_LOGS_PAGE`].
    #[must_use]
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the order.
    #[must_use]
    pub fn with_order(mut self, order: SortOrder) -> Self {
        self.order = Some(order);
        self
    }
}

impl crate::QueryParams for WorkflowLogsQuery {
    fn write_query(&self, query: &mut crate::QueryWriter<'_>) {
        if self.page == Some(0) {
            return query.invalid("pages count from 1");
        }
        if let Some(limit) = self.limit
            && !(1..=MAX_WORKFLOW_LOGS_PAGE).contains(&limit)
        {
            return query.invalid(format!(
                "the page size must be 1 to {MAX_WORKFLOW_LOGS_PAGE}, not {limit}"
            ));
        }
        query.pair("userId", &self.user_id);
        query.pair("page", &self.page);
        query.pair("limit", &self.limit);
        query.pair("order", &self.order);
    }
}
