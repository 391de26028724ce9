use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Timestamp;

/// A workflow execution error record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowError {
    /// Unique identifier for the error.
    pub error_id: String,
    /// Workflow identifier where the error occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Human-readable error description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Timestamp when the error occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
}

/// List of workflow execution errors.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowErrorList {
    /// List of error records.
    #[serde(default)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowLog {
    /// Unique identifier for the log entry.
    pub log_id: String,
    /// Workflow identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Execution status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowLogStatus>,
    /// Timestamp when the workflow was executed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_at: Option<Timestamp>,
    /// Execution duration in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

/// List of workflow execution logs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowLogList {
    /// List of log entries.
    #[serde(default)]
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

/// Request body for upgrading a workflow.
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
}
