//! Request and response types of the Alloy Embedded API (version 2025-09).
//!
//! Every type uses the API's camelCase field names on the wire. Response types decode both
//! shapes the client supports: Alloy's own 2025-09 reference (`{"data": [...]}` envelopes,
//! its field names) and the seed document the project started from (`{"logs": [...]}`, its
//! field names); a field name one of them uses is a serde alias of the other's, and fields
//! only one of them sends are `Option`s or default to empty lists. A list response that has
//! none of the known keys is a decode error that keeps the body, never an empty list; a `null`
//! list is empty. Timestamps are read in the common forms (RFC 3339, without offset as UTC,
//! epoch milliseconds). Unknown fields are ignored and unknown enum values kept. Request
//! types are built in one expression with `new` and `with_*` methods.
//!
//! Fields that Alloy's reference types only from an example, or marks unverified, are
//! [`Lenient`]: a value of another type there is read as absent and kept as sent
//! ([`Lenient::raw`]), so it costs that field, not the call. Fields the reference types by
//! its schema (and those the seed document types) are strict: a value of the wrong type is a
//! decode error that keeps the body. Each field's documentation says which it is.
//!
//! Every type is `#[non_exhaustive]`, and so are the enums: a later version can add the
//! fields and values the API gains without breaking code that reads these types. Read fields
//! directly; build requests with their constructors.

mod analytics;
mod credentials;
mod de;
mod installations;
mod integrations;
mod lenient;
mod logs;
mod runs;
mod users;
mod workflows;

pub use analytics::{Date, UsageOverTime, UsagePeriod, UsageSummary, UserUsage, UserUsagePeriod};
pub use credentials::{
    CreateCredentialRequest, CreatedCredential, Credential, CredentialList, CredentialMetadata,
    CredentialMetadataList, CredentialProperty, NewCredential, OAuthProperties, OAuthUrl,
};
pub use installations::{
    BlockValues, CompleteInstallationRequest, EditInstallationRequest, EditedInstallation,
    FieldValue, FormBlock, FormField, Installation, InstallationDetail, InstallationList,
    StartInstallationRequest, StartedInstallation,
};
pub use integrations::{
    Connector, Integration, IntegrationList, IntegrationWorkflow, TriggerEventRequest,
};
pub use lenient::Lenient;
pub use logs::{
    DEFAULT_LOGS_PAGE, FilterOperator, LogColumn, LogEntry, LogExecution, LogFilter,
    LogIntegration, LogPage, LogQuery, LogSortBy, LogUser, LogWorkflow, Pagination,
};
pub use runs::{CustomEvent, EventList, RunWorkflowRequest};
pub use users::{
    BatchCreateUsersRequest, BatchCreateUsersResponse, CreateUserRequest, MAX_BATCH_USERS,
    RejectedUser, TokenResponse, UpdateUserRequest, User, UserList,
};
pub use workflows::{
    MAX_WORKFLOW_LOGS_PAGE, SortOrder, StepInput, StepResult, UnknownValue, UpgradeWorkflowRequest,
    Workflow, WorkflowActionRequest, WorkflowActivation, WorkflowAnalytics, WorkflowConnector,
    WorkflowDeletion, WorkflowError, WorkflowErrorList, WorkflowLog, WorkflowLogList,
    WorkflowLogStatus, WorkflowLogsQuery, WorkflowUpgrade, WorkflowUser, WorkflowUserList,
};

use serde::{Deserialize, Serialize};

/// A timestamp as the API sends it: an RFC 3339 date-time in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// The answer of the operations that acknowledge (trigger an event, purge logs): Alloy's
/// reference sends `{"message": ...}`, the seed document `{"success": ..., "message": ...}`;
/// an empty answer (a 204, say) is a success with no fields. `message` is [`Lenient`]:
/// completing an installation answers with this type, and Alloy's reference marks that
/// answer unverified.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Whether the operation succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Human-readable success message.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub message: Lenient<String>,
}

/// A response that wraps its value in `{"data": ...}`, as Alloy's reference does for single
/// records (a workflow, an integration). Read the value from [`data`](Self::data), or take it
/// with [`into_inner`](Self::into_inner).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Data<T> {
    /// The value.
    pub data: T,
}

impl<T> Data<T> {
    /// Returns the wrapped value.
    pub fn into_inner(self) -> T {
        self.data
    }
}

/// Standard error response: the body the API sends with 4xx and 5xx statuses.
///
/// Both fields are optional because the live service often sends only `message`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorResponse {
    /// Error code or type, such as `UNAUTHORIZED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Human-readable error description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_response_with_only_message_decodes() {
        let e: ErrorResponse = serde_json::from_str(r#"{"message":"nope"}"#).unwrap();
        assert_eq!(e.error, None);
        assert_eq!(e.message.as_deref(), Some("nope"));
    }

    #[test]
    fn success_response_ignores_unknown_fields() {
        let s: SuccessResponse =
            serde_json::from_str(r#"{"success":true,"message":"ok","extra":[1]}"#).unwrap();
        assert_eq!(s.success, Some(true));
    }
}
