use serde::{Deserialize, Serialize};

use super::{Lenient, de};

/// An integration of the Alloy catalog, as listed for one user.
///
/// Decodes both shapes of the API: Alloy's 2025-09 reference (`primaryConnector`, `icon`,
/// `description`, `workflows`, `credentials`) and the seed document (`name`, `iconUrl`,
/// `category`). Fields only one of them sends are optional. The reference's fields are typed
/// from its example only, so they are [`Lenient`]; the id is required and strict (it is what
/// a caller acts on), and the seed's `category` is strict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Integration {
    /// Unique identifier for the integration.
    pub integration_id: String,
    /// Display name of the integration: the reference's `primaryConnector`, the seed's `name`.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        alias = "primaryConnector",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub name: Lenient<String>,
    /// The integration's app name, as `GET /integrations/{integrationId}` sends it
    /// (reference only).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub app: Lenient<String>,
    /// What the integration does (reference only).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub description: Lenient<String>,
    /// Integration category (seed document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// URL of the integration's icon: the reference's `icon`, the seed's `iconUrl`.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, alias = "icon", skip_serializing_if = "Lenient::is_absent")]
    pub icon_url: Lenient<String>,
    /// Whether the integration is installed for the user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed: Lenient<bool>,
    /// The integration's workflows, installed or not (reference only; the list is typed by
    /// the reference's schema, the workflows' fields from its example).
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub workflows: Vec<IntegrationWorkflow>,
    /// The credentials the integration needs, by name (reference only).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub credentials: Lenient<Vec<String>>,
}

/// A workflow of an [`Integration`] (Alloy's 2025-09 reference; typed from its example, so
/// every field but the required id is [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IntegrationWorkflow {
    /// Unique identifier of the workflow.
    pub workflow_id: String,
    /// Display name of the workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// Whether the user has the workflow installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed: Lenient<bool>,
    /// Whether the installed workflow runs.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub active: Lenient<bool>,
    /// The latest version of the workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub version: Lenient<i64>,
    /// The version the user has installed, when installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed_version: Lenient<i64>,
    /// The connectors (apps) the workflow uses.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub connectors: Vec<Connector>,
}

/// A connector (an app) a workflow uses (Alloy's 2025-09 reference; typed from its example,
/// so every field is [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Connector {
    /// Display name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// Identifier of the connector within the workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub id: Lenient<String>,
    /// The connector's kind (the app).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector: Lenient<String>,
    /// URL of the connector's icon.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub icon: Lenient<String>,
    /// A short description.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub subtitle: Lenient<String>,
}

/// List of integrations: the reference's `{"data": [...]}` or the seed's
/// `{"integrations": [...]}`.
///
/// A body with neither key is a decode error that keeps the body, never an empty list; a
/// `null` list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IntegrationList {
    /// List of integration records.
    #[serde(alias = "data", deserialize_with = "de::list")]
    pub integrations: Vec<Integration>,
}

/// Request body for triggering a custom workflow event.
///
/// `data` is always sent (`{}` when no payload was set): Alloy's reference requires it.
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
    /// Event payload: a JSON object. Anything else is refused before sending, with
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
    #[serde(default = "empty_object", serialize_with = "de::object")]
    pub data: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

impl TriggerEventRequest {
    /// Creates a request that triggers `event` for the user `user_id`, with an empty payload
    /// (`{}`).
    pub fn new(user_id: impl Into<String>, event: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            event: event.into(),
            data: empty_object(),
        }
    }

    /// Sets the event payload, which must be a JSON object.
    #[must_use]
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes_of_the_integration_list_decode() {
        let official: IntegrationList = serde_json::from_value(json!({ "data": [{
            "integrationId": "int_1",
            "description": "Sync orders",
            "primaryConnector": "shopify",
            "installed": true,
            "icon": "https://cdn.example.com/shopify.png",
            "workflows": [{
                "workflowId": "wf_1", "name": "Orders", "installed": true, "active": true,
                "version": 3, "installedVersion": 2,
                "connectors": [{ "name": "Shopify", "id": "c1", "connector": "shopify",
                                 "icon": "i", "subtitle": "s" }]
            }],
            "credentials": ["shopify"]
        }]}))
        .unwrap();
        let integration = &official.integrations[0];
        assert_eq!(integration.name.as_deref(), Some("shopify"));
        assert_eq!(
            integration.icon_url.as_deref(),
            Some("https://cdn.example.com/shopify.png")
        );
        assert_eq!(integration.workflows[0].installed_version, Some(2));
        assert_eq!(
            integration.workflows[0].connectors[0].connector.as_deref(),
            Some("shopify")
        );
        assert_eq!(integration.credentials.as_slice(), ["shopify"]);

        let seed: IntegrationList = serde_json::from_value(json!({ "integrations": [{
            "integrationId": "int_1", "name": "Shopify", "category": "E-commerce",
            "iconUrl": "https://cdn.example.com/shopify.png", "installed": false
        }]}))
        .unwrap();
        assert_eq!(seed.integrations[0].category.as_deref(), Some("E-commerce"));
        assert!(seed.integrations[0].workflows.is_empty());
    }

    #[test]
    fn a_list_under_no_known_key_is_an_error_not_an_empty_list() {
        for body in [
            json!({}),
            json!({ "items": [] }),
            json!({ "integration": [] }),
        ] {
            assert!(serde_json::from_value::<IntegrationList>(body).is_err());
        }
        let null: IntegrationList = serde_json::from_value(json!({ "data": null })).unwrap();
        assert!(null.integrations.is_empty());
    }

    #[test]
    fn data_is_always_sent_and_must_be_an_object() {
        let plain = serde_json::to_value(TriggerEventRequest::new("u", "e")).unwrap();
        assert_eq!(plain, json!({ "userId": "u", "event": "e", "data": {} }));
        let wrong = TriggerEventRequest::new("u", "e").with_data(json!([1]));
        let error = serde_json::to_vec(&wrong).unwrap_err().to_string();
        assert!(error.contains("must be a JSON object"), "{error}");
    }
}
