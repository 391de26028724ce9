//! Installations: how a user installs an integration without Alloy's frontend (Alloy's
//! *Installations* reference, the "headless" flow).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Lenient, Timestamp, de};

/// An installation of an integration for a user, as `GET /installations` lists it.
///
/// `installationId` is required; every other field is optional, and `credentialIds`,
/// `workflowIds`, `installedAt` and `enabled` were typed by Alloy's reference from its example
/// only, so they are [`Lenient`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Installation {
    /// Unique identifier of the installation.
    pub installation_id: String,
    /// The integration installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
    /// The user it is installed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The form the installation asks to fill, one entry per block of a workflow.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub form_data: Vec<FormBlock>,
    /// The credentials the installation uses, by key.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub credential_ids: Lenient<BTreeMap<String, String>>,
    /// The workflows installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_ids: Lenient<Vec<String>>,
    /// When it was installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub installed_at: Lenient<Timestamp>,
    /// Whether the installation is enabled.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub enabled: Lenient<bool>,
}

/// List of installations: `{"data": [...]}` (`GET /installations`).
///
/// A body without `data` is a decode error that keeps the body, never an empty list; a
/// `null` list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstallationList {
    /// The installations (`data` on the wire).
    #[serde(rename = "data", deserialize_with = "de::list")]
    pub installations: Vec<Installation>,
}

/// One installation, as `GET /installations/{installationId}` answers it.
///
/// Alloy's reference pins less of this shape than of the list's items: `formData` is a list
/// of objects whose fields it does not show, so they are kept as the JSON they are, and
/// `credentialIds`, `workflowIds`, `installedAt` and `enabled` are marked unverified there
/// (read from the list's items), so they are [`Lenient`]. Only `installationId` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InstallationDetail {
    /// Unique identifier of the installation.
    pub installation_id: String,
    /// The integration installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
    /// The user it is installed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The installation's form, as sent (the reference does not show its fields here; see
    /// [`FormBlock`] for the shape the list shows).
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub form_data: Vec<serde_json::Map<String, serde_json::Value>>,
    /// The credentials the installation uses, by key.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub credential_ids: Lenient<BTreeMap<String, String>>,
    /// The workflows installed.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_ids: Lenient<Vec<String>>,
    /// When it was installed.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub installed_at: Lenient<Timestamp>,
    /// Whether the installation is enabled.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub enabled: Lenient<bool>,
}

/// One block of an installation form: the fields a workflow's block needs filled.
///
/// Every field is optional: Alloy's reference marks none of them required.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FormBlock {
    /// The workflow the block belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// The app (connector) of the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// The block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// The fields to fill.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fields: Vec<FormField>,
}

/// One field of a [`FormBlock`] to fill.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FormField {
    /// The field's name: the `name` to submit its value under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The label to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The kind of input (`type` on the wire), as Alloy names it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    /// Whether the field must be filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// Request body of `POST /headless/startInstallation`: the user and the integration to
/// install; optionally the credentials to use and the workflows to install.
///
/// ```
/// use alloy_api::models::StartInstallationRequest;
/// let request = StartInstallationRequest::new("usr_abc123", "int_shopify")
///     .with_workflow_ids(["wf_orders"]);
/// assert_eq!(request.workflow_ids.as_deref(), Some(&["wf_orders".to_owned()][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StartInstallationRequest {
    /// The user installing.
    pub user_id: String,
    /// The integration to install.
    pub integration_id: String,
    /// The credentials to use; not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_ids: Option<Vec<String>>,
    /// The workflows to install; not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_ids: Option<Vec<String>>,
}

impl StartInstallationRequest {
    /// Creates a request that starts installing `integration_id` for `user_id`.
    pub fn new(user_id: impl Into<String>, integration_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            integration_id: integration_id.into(),
            credential_ids: None,
            workflow_ids: None,
        }
    }

    /// Sets the credentials to use.
    #[must_use]
    pub fn with_credential_ids<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        ids: I,
    ) -> Self {
        self.credential_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the workflows to install.
    #[must_use]
    pub fn with_workflow_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.workflow_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }
}

/// The answer to starting an installation: the installation's identifier and the form to
/// fill (`{"data": [...], "installationId": ...}`).
///
/// `installationId` is required (it is what completing the installation needs); a `null`
/// form is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StartedInstallation {
    /// The blocks whose fields to fill (`data` on the wire).
    #[serde(
        rename = "data",
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub form: Vec<FormBlock>,
    /// The installation started: pass it to
    /// [`complete_installation`](crate::InstallationsApi::complete_installation).
    pub installation_id: String,
}

/// Request body of `POST /headless/completeInstallation`: the installation and the values
/// of its form.
///
/// `data` is always sent (`[]` when no block was added): Alloy's reference requires it.
///
/// ```
/// use alloy_api::models::{BlockValues, CompleteInstallationRequest};
/// let request = CompleteInstallationRequest::new("inst_1")
///     .with_block(BlockValues::new("wf_orders", "block_1").with_field("channel", "#orders"));
/// assert_eq!(request.blocks[0].block_id, "block_1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompleteInstallationRequest {
    /// The installation, as [`StartedInstallation::installation_id`] names it.
    pub installation_id: String,
    /// The values of each block of the form (`data` on the wire).
    #[serde(rename = "data")]
    pub blocks: Vec<BlockValues>,
}

impl CompleteInstallationRequest {
    /// Creates a request that completes `installation_id`, with no block filled yet.
    pub fn new(installation_id: impl Into<String>) -> Self {
        Self {
            installation_id: installation_id.into(),
            blocks: Vec::new(),
        }
    }

    /// Adds the values of one block.
    #[must_use]
    pub fn with_block(mut self, block: BlockValues) -> Self {
        self.blocks.push(block);
        self
    }
}

/// The values submitted for one [`FormBlock`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BlockValues {
    /// The workflow the block belongs to.
    pub workflow_id: String,
    /// The block.
    pub block_id: String,
    /// The values of its fields; not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldValue>>,
}

impl BlockValues {
    /// Creates the values of the block `block_id` of the workflow `workflow_id`, with no
    /// field set.
    pub fn new(workflow_id: impl Into<String>, block_id: impl Into<String>) -> Self {
        Self {
            workflow_id: workflow_id.into(),
            block_id: block_id.into(),
            fields: None,
        }
    }

    /// Sets the field `name` to `value`.
    #[must_use]
    pub fn with_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.get_or_insert_with(Vec::new).push(FieldValue {
            name: name.into(),
            value: value.into(),
        });
        self
    }
}

/// The value of one field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldValue {
    /// The field's name, as [`FormField::name`] gives it.
    pub name: String,
    /// The value.
    pub value: String,
}

impl FieldValue {
    /// Creates the value `value` of the field `name`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Request body of `POST /headless/editInstallation`: the user and the integration;
/// optionally the credentials to use and the installation to edit.
///
/// ```
/// use alloy_api::models::EditInstallationRequest;
/// let request = EditInstallationRequest::new("usr_abc123", "int_shopify")
///     .with_installation_id("inst_1")
///     .with_credential_ids(["cred_1"]);
/// assert_eq!(request.installation_id.as_deref(), Some("inst_1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EditInstallationRequest {
    /// The user whose installation it is.
    pub user_id: String,
    /// The integration installed.
    pub integration_id: String,
    /// The credentials to use; not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_ids: Option<Vec<String>>,
    /// The installation to edit; not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation_id: Option<String>,
}

impl EditInstallationRequest {
    /// Creates a request that edits the installation of `integration_id` for `user_id`.
    pub fn new(user_id: impl Into<String>, integration_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            integration_id: integration_id.into(),
            credential_ids: None,
            installation_id: None,
        }
    }

    /// Sets the credentials to use.
    #[must_use]
    pub fn with_credential_ids<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        ids: I,
    ) -> Self {
        self.credential_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Names the installation to edit.
    #[must_use]
    pub fn with_installation_id(mut self, installation_id: impl Into<String>) -> Self {
        self.installation_id = Some(installation_id.into());
        self
    }
}

/// An installation as editing it answers.
///
/// Alloy's reference typed this shape from its example only, so every field is [`Lenient`],
/// and `formData` and `installedData`, whose items it does not show, are kept as the JSON
/// they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EditedInstallation {
    /// Unique identifier of the installation.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installation_id: Lenient<String>,
    /// The integration installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub integration_id: Lenient<String>,
    /// The user it is installed for.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_id: Lenient<String>,
    /// The installation's form, as sent.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub form_data: Lenient<Vec<serde_json::Value>>,
    /// The credentials the installation uses, by key.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub credential_ids: Lenient<BTreeMap<String, String>>,
    /// The workflows installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_ids: Lenient<Vec<String>>,
    /// What was installed, as sent.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub installed_data: Lenient<Vec<serde_json::Value>>,
    /// When it was installed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub installed_at: Lenient<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Data;
    use serde_json::json;

    #[test]
    fn an_installation_with_only_its_id_decodes() {
        let list: InstallationList =
            serde_json::from_value(json!({ "data": [{ "installationId": "inst_1" }] })).unwrap();
        let installation = &list.installations[0];
        assert_eq!(installation.installation_id, "inst_1");
        assert_eq!(installation.enabled, None);
        assert_eq!(installation.installed_at, None);
        assert!(installation.form_data.is_empty());
        assert!(
            serde_json::from_value::<InstallationList>(json!({ "installations": [] })).is_err()
        );
    }

    #[test]
    fn installed_at_is_read_leniently() {
        let detail: Data<InstallationDetail> = serde_json::from_value(json!({ "data": {
            "installationId": "inst_1", "installedAt": 1_756_720_800_000_u64,
            "formData": [{ "anything": [1, 2] }]
        }}))
        .unwrap();
        assert_eq!(
            detail.data.installed_at.unwrap().to_rfc3339(),
            "2025-09-01T10:00:00+00:00"
        );
        assert_eq!(detail.data.form_data[0]["anything"], json!([1, 2]));
    }

    #[test]
    fn edited_installation_keeps_unpinned_items_as_sent() {
        let edited: Data<EditedInstallation> = serde_json::from_value(json!({ "data": {
            "formData": ["text", { "a": 1 }], "installedData": [null]
        }}))
        .unwrap();
        assert_eq!(edited.data.installation_id, None);
        assert_eq!(
            edited.data.form_data.as_slice(),
            [json!("text"), json!({ "a": 1 })]
        );
        assert_eq!(
            edited.data.installed_data.as_slice(),
            [serde_json::Value::Null]
        );
    }

    #[test]
    fn data_is_always_sent_when_completing() {
        let empty = serde_json::to_value(CompleteInstallationRequest::new("inst_1")).unwrap();
        assert_eq!(empty, json!({ "installationId": "inst_1", "data": [] }));
        let start = serde_json::to_value(StartInstallationRequest::new("u", "i")).unwrap();
        assert_eq!(start, json!({ "userId": "u", "integrationId": "i" }));
    }
}
