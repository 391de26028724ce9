//! Request and response types of the Alloy Embedded API (contract version 2025-09).
//!
//! Every type uses the API's camelCase field names on the wire. Response types tolerate
//! unknown fields and the fields the live service leaves out (those are `Option`s or default
//! to empty lists); request types are built in one expression with `new` and `with_*` methods.
//!
//! Every type is `#[non_exhaustive]`, and so are the enums: a later version can add the
//! fields and values the API gains without breaking code that reads these types. Read fields
//! directly; build requests with their constructors.

mod integrations;
mod users;
mod workflows;

pub use integrations::{Integration, IntegrationList, TriggerEventRequest};
pub use users::{CreateUserRequest, TokenResponse, User};
pub use workflows::{
    UnknownValue, UpgradeWorkflowRequest, WorkflowActionRequest, WorkflowError, WorkflowErrorList,
    WorkflowLog, WorkflowLogList, WorkflowLogStatus,
};

use serde::{Deserialize, Serialize};

/// A timestamp as the API sends it: an RFC 3339 date-time in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// Standard success response of the lifecycle and event operations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Whether the operation succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Human-readable success message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
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
