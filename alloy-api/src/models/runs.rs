use serde::{Deserialize, Serialize};

use super::{Lenient, de};

/// Request body for running a workflow for a user (`POST /run/workflow`).
///
/// Alloy's 2025-09 reference marks all four fields required (its text describes
/// `workflowId` and `workflowName` as alternatives, and 2024-03 required only `userId` and
/// `data`), so all four are always sent; `data` is `{}` when no payload was set and must be
/// a JSON object, or the call is refused before sending with
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use alloy_api::models::RunWorkflowRequest;
/// let request = RunWorkflowRequest::new("usr_1", "wf_1", "Sync orders")
///     .with_data(serde_json::json!({ "orderId": "ord-789" }));
/// assert_eq!(request.workflow_id, "wf_1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RunWorkflowRequest {
    /// The user whose copy of the workflow runs.
    pub user_id: String,
    /// The workflow to run.
    pub workflow_id: String,
    /// The workflow's name.
    pub workflow_name: String,
    /// The payload the workflow's trigger receives: a JSON object.
    #[serde(default = "empty_object", serialize_with = "de::object")]
    pub data: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

impl RunWorkflowRequest {
    /// Creates a request that runs the workflow `workflow_id` (named `workflow_name`) for
    /// the user `user_id`, with an empty payload (`{}`).
    pub fn new(
        user_id: impl Into<String>,
        workflow_id: impl Into<String>,
        workflow_name: impl Into<String>,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            workflow_id: workflow_id.into(),
            workflow_name: workflow_name.into(),
            data: empty_object(),
        }
    }

    /// Sets the payload, which must be a JSON object.
    #[must_use]
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

/// The custom events of your account (`GET /events`), sent under `data`. A body without
/// `data` is a decode error, never an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventList {
    /// The events.
    #[serde(rename = "data", deserialize_with = "de::list")]
    pub events: Vec<CustomEvent>,
}

/// A custom event that [`trigger_event`](crate::RunsApi::trigger_event) can send (typed from
/// Alloy's example: `name` and `description` are [`Lenient`], and the body is kept as the JSON
/// it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomEvent {
    /// The event's name, as `trigger_event` takes it.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// What the event means.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub description: Lenient<String>,
    /// An example or schema of the event's payload, as the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}
