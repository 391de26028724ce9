use serde::{Deserialize, Serialize};

/// An available integration in the Alloy catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Integration {
    /// Unique identifier for the integration.
    pub integration_id: String,
    /// Display name of the integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Integration category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// URL to the integration icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Whether the integration is installed for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed: Option<bool>,
}

/// List of available integrations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IntegrationList {
    /// List of integration records.
    #[serde(default)]
    pub integrations: Vec<Integration>,
}

/// Request body for triggering a custom workflow event.
///
/// ```
/// use alloy_api::models::TriggerEventRequest;
/// let request = TriggerEventRequest::new("usr_abc123", "order.created")
///     .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.0 }));
/// assert_eq!(request.event, "order.created");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TriggerEventRequest {
    /// Identifier of the user triggering the event.
    pub user_id: String,
    /// Event name to trigger.
    pub event: String,
    /// Event payload data: a JSON object (the API answers 400 to anything else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl TriggerEventRequest {
    /// Creates a request that triggers `event` for the user `user_id`, without payload.
    pub fn new(user_id: impl Into<String>, event: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            event: event.into(),
            data: None,
        }
    }

    /// Sets the event payload, which must be a JSON object.
    #[must_use]
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}
