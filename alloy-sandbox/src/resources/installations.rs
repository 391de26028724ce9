//! Headless installations: starting one, completing its form, editing it, and listing the
//! completed ones.

use std::collections::BTreeMap;

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::infra::catalog::{CatalogWorkflow, block_id};
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{Store, fresh_id, now};
use crate::resources::credentials::credential_of;
use crate::resources::workflows::installation as new_installation;
use crate::routes::{ApiError, Input, data, json, list, message, required};

/// The name and type of the installation form field that asks for the app's credential.
const CREDENTIAL_FIELD: &str = "credentialId";

const CREDENTIAL_FIELD_TYPE: &str = "credential";

// ---- Wire types ------------------------------------------------------------------------------

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

// ---- State -----------------------------------------------------------------------------------

/// A headless installation: started by `POST /headless/startInstallation`, an installation
/// proper once `POST /headless/completeInstallation` completed it.
#[derive(Debug, Clone)]
pub(crate) struct InstallationRecord {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) integration_id: String,
    /// The app (connector) of the integration.
    pub(crate) app: String,
    pub(crate) user_id: String,
    pub(crate) form: Vec<FormBlock>,
    pub(crate) credential_ids: BTreeMap<String, String>,
    pub(crate) workflow_ids: Vec<String>,
    pub(crate) installed_data: Vec<SubmittedBlock>,
    pub(crate) installed_at: Option<DateTime<Utc>>,
    pub(crate) completed: bool,
}

impl SandboxState {
    /// Starts a headless installation of the integration for the user
    /// (`POST /headless/startInstallation`) and returns its form and id.
    ///
    /// The form has one block per workflow (`workflow_ids`, or all of the integration's);
    /// unless `credential_ids` names one of the user's credentials for the integration's app,
    /// each block asks for it in a required `credentialId` field of type `credential`.
    pub(crate) fn start_installation(
        &self,
        user_id: &str,
        integration: &str,
        credential_ids: &[String],
        workflow_ids: &[String],
    ) -> Result<StartedInstallation, StateError> {
        let entry = self.integration(integration)?;
        let connector = entry.connector();
        let mut workflows: Vec<&CatalogWorkflow> = Vec::new();
        for workflow_id in workflow_ids {
            let (owner, workflow) = self.catalog_entry_of(workflow_id)?;
            if owner.integration_id != entry.integration_id {
                return Err(StateError::Rejected(format!(
                    "Workflow `{workflow_id}` belongs to integration `{}`, not `{}`",
                    owner.integration_id, entry.integration_id
                )));
            }
            if !workflows.iter().any(|w| w.workflow_id == *workflow_id) {
                workflows.push(workflow);
            }
        }
        if workflow_ids.is_empty() {
            workflows = entry.workflows.iter().collect();
        }
        if workflows.is_empty() {
            return Err(StateError::Rejected(format!(
                "Integration `{}` has no workflow to install",
                entry.integration_id
            )));
        }
        let mut store = self.store();
        let seq = store.next_seq();
        let Store {
            users,
            installations,
            ..
        } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let mut credentials = BTreeMap::new();
        for credential_id in credential_ids {
            let credential = credential_of(record, credential_id, &connector)?;
            credentials.insert(connector.clone(), credential.id.clone());
        }
        let needs_credential = !credentials.contains_key(&connector);
        let form: Vec<FormBlock> = workflows
            .iter()
            .map(|workflow| FormBlock {
                workflow_id: workflow.workflow_id.clone(),
                app: connector.clone(),
                block_id: block_id(workflow, &connector),
                fields: if needs_credential {
                    vec![FormField {
                        name: CREDENTIAL_FIELD.to_owned(),
                        display_name: format!("{} credential", entry.name),
                        kind: CREDENTIAL_FIELD_TYPE.to_owned(),
                        required: true,
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect();
        let id = fresh_id("inst", |id| installations.contains_key(id));
        record.installations.push(id.clone());
        installations.insert(
            id.clone(),
            InstallationRecord {
                seq,
                id: id.clone(),
                integration_id: entry.integration_id.clone(),
                app: connector,
                user_id: user_id.to_owned(),
                form: form.clone(),
                credential_ids: credentials,
                workflow_ids: Vec::new(),
                installed_data: Vec::new(),
                installed_at: None,
                completed: false,
            },
        );
        Ok(StartedInstallation {
            data: form,
            installation_id: id,
        })
    }

    /// Completes an installation with its filled-in form
    /// (`POST /headless/completeInstallation`): every required field of every block must be
    /// given, a `credentialId` must name one of the user's credentials for the app. The
    /// form's workflows are then installed for the user (those already installed stay as
    /// they are). Completing again submits the form anew.
    pub(crate) fn complete_installation(
        &self,
        installation_id: &str,
        data: Vec<SubmittedBlock>,
    ) -> Result<(), StateError> {
        let mut store = self.store();
        let Store {
            users,
            installations,
            ..
        } = &mut *store;
        let installation = installations
            .get_mut(installation_id)
            .ok_or_else(|| StateError::UnknownInstallation(installation_id.to_owned()))?;
        let user_id = installation.user_id.clone();
        let record = users
            .get_mut(&user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.clone()))?;
        for block in &data {
            if !installation.form.iter().any(|form| {
                form.workflow_id == block.workflow_id && form.block_id == block.block_id
            }) {
                return Err(StateError::Rejected(format!(
                    "Block `{}` of workflow `{}` is not in the form of installation \
                     `{installation_id}`",
                    block.block_id, block.workflow_id
                )));
            }
        }
        let mut credential = None;
        for form in &installation.form {
            let submitted = data.iter().find(|block| {
                block.workflow_id == form.workflow_id && block.block_id == form.block_id
            });
            for field in form.fields.iter().filter(|field| field.required) {
                let value = submitted
                    .and_then(|block| block.fields.iter().find(|given| given.name == field.name))
                    .map(|given| given.value.trim())
                    .filter(|value| !value.is_empty())
                    .ok_or_else(|| {
                        StateError::Rejected(format!(
                            "Field `{}` of block `{}` (workflow `{}`) is required",
                            field.name, form.block_id, form.workflow_id
                        ))
                    })?;
                if field.kind == CREDENTIAL_FIELD_TYPE {
                    credential = Some(credential_of(record, value, &installation.app)?.id.clone());
                }
            }
        }
        let mut workflows = Vec::new();
        for form in &installation.form {
            let workflow = self.catalog_workflow(&form.workflow_id)?;
            workflows.push(workflow);
        }
        if let Some(credential) = credential {
            installation
                .credential_ids
                .insert(installation.app.clone(), credential);
        }
        for workflow in workflows {
            if !record.workflows.contains_key(&workflow.workflow_id) {
                record
                    .workflows
                    .insert(workflow.workflow_id.clone(), new_installation(workflow));
                record.touch(&workflow.workflow_id);
            }
        }
        installation.workflow_ids = installation
            .form
            .iter()
            .map(|form| form.workflow_id.clone())
            .collect();
        installation.installed_data = data;
        installation.installed_at.get_or_insert_with(now);
        installation.completed = true;
        Ok(())
    }

    fn installation_view(&self, store: &Store, installation: &InstallationRecord) -> Installation {
        let record = store.users.get(&installation.user_id);
        let enabled = installation.completed
            && installation.workflow_ids.iter().any(|workflow_id| {
                record
                    .and_then(|record| record.workflows.get(workflow_id))
                    .is_some_and(|installed| installed.active)
            });
        Installation {
            installation_id: installation.id.clone(),
            integration_id: installation.integration_id.clone(),
            user_id: installation.user_id.clone(),
            form_data: installation.form.clone(),
            credential_ids: installation.credential_ids.clone(),
            workflow_ids: installation.workflow_ids.clone(),
            installed_at: installation.installed_at,
            enabled,
        }
    }

    /// Lists the completed installations, oldest first (`GET /installations`).
    pub(crate) fn installations(&self) -> Vec<Installation> {
        let store = self.store();
        let mut records: Vec<&InstallationRecord> = store
            .installations
            .values()
            .filter(|installation| installation.completed)
            .collect();
        records.sort_by_key(|installation| installation.seq);
        records
            .into_iter()
            .map(|installation| self.installation_view(&store, installation))
            .collect()
    }

    /// Returns one completed installation (`GET /installations/{installationId}`); one that
    /// was only started is not found.
    pub(crate) fn installation(&self, installation_id: &str) -> Result<Installation, StateError> {
        let store = self.store();
        let installation = store
            .installations
            .get(installation_id)
            .filter(|installation| installation.completed)
            .ok_or_else(|| StateError::UnknownInstallation(installation_id.to_owned()))?;
        Ok(self.installation_view(&store, installation))
    }

    /// Edits the user's completed installation of the integration
    /// (`POST /headless/editInstallation`): `installation_id` picks one, else the latest;
    /// `credential_ids`, when given, replaces the app's credential.
    pub(crate) fn edit_installation(
        &self,
        user_id: &str,
        integration: &str,
        credential_ids: &[String],
        installation_id: Option<&str>,
    ) -> Result<EditedInstallation, StateError> {
        let entry = self.integration(integration)?;
        let mut store = self.store();
        let Store {
            users,
            installations,
            ..
        } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let matches = |installation: &InstallationRecord| {
            installation.completed
                && installation.user_id == user_id
                && installation.integration_id == entry.integration_id
        };
        let id = match installation_id {
            Some(id) => installations
                .get(id)
                .filter(|installation| matches(installation))
                .map(|installation| installation.id.clone())
                .ok_or_else(|| StateError::UnknownInstallation(id.to_owned()))?,
            None => record
                .installations
                .iter()
                .rev()
                .find(|id| installations.get(*id).is_some_and(matches))
                .cloned()
                .ok_or_else(|| {
                    StateError::UnknownInstallation(format!(
                        "of integration {} for user {user_id}",
                        entry.integration_id
                    ))
                })?,
        };
        let installation = installations
            .get_mut(&id)
            .ok_or_else(|| StateError::UnknownInstallation(id.clone()))?;
        let mut credential = None;
        for credential_id in credential_ids {
            credential = Some(
                credential_of(record, credential_id, &installation.app)?
                    .id
                    .clone(),
            );
        }
        if let Some(credential) = credential {
            installation
                .credential_ids
                .insert(installation.app.clone(), credential);
        }
        Ok(EditedInstallation {
            installation_id: installation.id.clone(),
            integration_id: installation.integration_id.clone(),
            user_id: installation.user_id.clone(),
            form_data: installation.form.clone(),
            credential_ids: installation.credential_ids.clone(),
            workflow_ids: installation.workflow_ids.clone(),
            installed_data: installation.installed_data.clone(),
            installed_at: installation.installed_at,
        })
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn get_all_installations(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(list(state.installations()))
}

pub(crate) fn get_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let installation_id = input.path_param("installationId")?;
    Ok(data(state.installation(&installation_id)?))
}

pub(crate) fn start_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: StartInstallationRequest = input.json()?;
    required("userId", &body.user_id)?;
    required("integrationId", &body.integration_id)?;
    let user_id = state.resolve_user(&body.user_id)?;
    let started = state.start_installation(
        &user_id,
        &body.integration_id,
        &body.credential_ids.unwrap_or_default(),
        &body.workflow_ids.unwrap_or_default(),
    )?;
    Ok(json(StatusCode::OK, &started))
}

pub(crate) fn complete_installation(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let body: CompleteInstallationRequest = input.json()?;
    required("installationId", &body.installation_id)?;
    for (index, block) in body.data.iter().enumerate() {
        required(&format!("data[{index}].workflowId"), &block.workflow_id)?;
        required(&format!("data[{index}].blockId"), &block.block_id)?;
    }
    state.complete_installation(&body.installation_id, body.data)?;
    Ok(message("Installation completed successfully"))
}

pub(crate) fn edit_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: EditInstallationRequest = input.json()?;
    required("userId", &body.user_id)?;
    required("integrationId", &body.integration_id)?;
    let user_id = state.resolve_user(&body.user_id)?;
    let installation_id = body.installation_id.filter(|id| !id.is_empty());
    let edited = state.edit_installation(
        &user_id,
        &body.integration_id,
        &body.credential_ids.unwrap_or_default(),
        installation_id.as_deref(),
    )?;
    Ok(data(edited))
}

#[cfg(test)]
mod tests;
