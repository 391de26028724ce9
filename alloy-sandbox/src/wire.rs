//! The sandbox's own JSON bodies: what it reads from requests and what it answers.
//!
//! The sandbox is a server, so it does not build the client's response models: those are
//! `alloy_api`'s to evolve (and to keep non-exhaustive). These types write the contract's wire
//! format (camelCase names, absent fields left out) and read it back, which the sandbox's own
//! tests do; `alloy-api`'s models decode what they write.
//!
//! Each resource's bodies are in its own module; this one re-exports those the public API
//! uses ([`User`], [`WorkflowLog`], [`WorkflowError`], [`WorkflowLogStatus`]) and holds the
//! envelopes every resource shares.

use serde::{Deserialize, Serialize};

pub use crate::resources::users::User;
pub use crate::resources::workflows::{WorkflowError, WorkflowLog, WorkflowLogStatus};

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

/// A list in the official contract's envelope: `{"data": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DataList<T> {
    pub(crate) data: Vec<T>,
}

/// One object in the official contract's envelope: `{"data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DataItem<T> {
    pub(crate) data: T,
}

/// The official acknowledgement of `POST /run/event` and `DELETE /users/{userId}/logs`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MessageResponse {
    pub(crate) message: String,
}

/// `{"success": true}`: `DELETE /users/{userId}` and
/// `DELETE /users/{userId}/credentials/{credentialId}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SuccessFlag {
    pub(crate) success: bool,
}

#[cfg(test)]
mod tests {
    use alloy_api::models;
    use chrono::{TimeZone as _, Utc};
    use serde_json::json;

    use super::*;
    use crate::resources::integrations::{Integration, IntegrationList};
    use crate::resources::runs::TriggerEventRequest;
    use crate::resources::users::{CreateUserRequest, TokenResponse};
    use crate::resources::workflows::{
        UpgradeWorkflowRequest, WorkflowActionRequest, WorkflowErrorList, WorkflowLogList,
    };

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
