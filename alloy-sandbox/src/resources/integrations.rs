//! Integrations: the catalog as a user sees it, whole or one integration at a time.

use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::infra::catalog::CatalogEntry;
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{UserRecord, user};
use crate::routes::{ApiError, Input, data};

// ---- Wire types ------------------------------------------------------------------------------

/// An entry of `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Integration {
    pub(crate) integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed: Option<bool>,
}

/// The body of `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IntegrationList {
    pub(crate) integrations: Vec<Integration>,
}

/// An entry of the official `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialIntegration {
    pub(crate) integration_id: String,
    pub(crate) description: String,
    pub(crate) primary_connector: String,
    pub(crate) installed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) workflows: Vec<OfficialWorkflow>,
    pub(crate) credentials: Vec<String>,
}

/// A workflow of an official integration entry; versions are numbered from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialWorkflow {
    pub(crate) workflow_id: String,
    pub(crate) name: String,
    pub(crate) installed: bool,
    pub(crate) active: bool,
    /// The latest version's number.
    pub(crate) version: u32,
    /// The installed version's number, only when installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) installed_version: Option<u32>,
    pub(crate) connectors: Vec<Connector>,
}

/// A connector (block) of an official workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Connector {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) subtitle: String,
}

/// The answer of `GET /integrations/{integrationId}?userId=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IntegrationDetail {
    pub(crate) integration_id: String,
    pub(crate) app: String,
    pub(crate) installed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) workflows: Vec<OfficialWorkflow>,
    pub(crate) credentials: Vec<String>,
}

// ---- State -----------------------------------------------------------------------------------

impl SandboxState {
    /// Lists the catalog with `installed` set for the user (`GET /integrations`).
    pub(crate) fn integrations(&self, user_id: &str) -> Result<IntegrationList, StateError> {
        let store = self.store();
        let record = user(&store, user_id)?;
        let integrations = self
            .shared
            .catalog
            .iter()
            .map(|entry| Integration {
                integration_id: entry.integration_id.clone(),
                name: Some(entry.name.clone()),
                category: Some(entry.category.clone()),
                icon_url: entry.icon_url.clone(),
                installed: Some(
                    entry
                        .workflows
                        .iter()
                        .any(|workflow| record.workflows.contains_key(&workflow.workflow_id)),
                ),
            })
            .collect();
        Ok(IntegrationList { integrations })
    }

    /// Lists the catalog in the official contract's shape (`GET /integrations`): every
    /// workflow with its installation for the user, versions as numbers.
    pub(crate) fn official_integrations(
        &self,
        user_id: &str,
    ) -> Result<Vec<OfficialIntegration>, StateError> {
        let store = self.store();
        let record = user(&store, user_id)?;
        Ok(self
            .shared
            .catalog
            .iter()
            .map(|entry| official_integration(entry, record))
            .collect())
    }

    /// Returns the catalog entry that `reference` names: its id or, in any case, its name or
    /// app (connector) name.
    pub(crate) fn integration(&self, reference: &str) -> Result<&CatalogEntry, StateError> {
        let catalog = &self.shared.catalog;
        catalog
            .iter()
            .find(|entry| entry.integration_id == reference)
            .or_else(|| {
                catalog.iter().find(|entry| {
                    entry.name.eq_ignore_ascii_case(reference)
                        || entry.connector().eq_ignore_ascii_case(reference)
                })
            })
            .ok_or_else(|| StateError::UnknownIntegration(reference.to_owned()))
    }

    /// Returns one integration for the user (`GET /integrations/{integrationId}`).
    pub(crate) fn integration_detail(
        &self,
        user_id: &str,
        reference: &str,
    ) -> Result<IntegrationDetail, StateError> {
        let store = self.store();
        let record = user(&store, user_id)?;
        let entry = self.integration(reference)?;
        let integration = official_integration(entry, record);
        Ok(IntegrationDetail {
            integration_id: integration.integration_id,
            app: integration.primary_connector,
            installed: integration.installed,
            icon: integration.icon,
            workflows: integration.workflows,
            credentials: integration.credentials,
        })
    }
}

/// Shows a catalog entry as the official contract's integration: every workflow with its
/// installation for the user, versions as numbers.
fn official_integration(entry: &CatalogEntry, record: &UserRecord) -> OfficialIntegration {
    let connector = entry.connector();
    let workflows: Vec<OfficialWorkflow> = entry
        .workflows
        .iter()
        .map(|workflow| {
            let installed = record.workflows.get(&workflow.workflow_id);
            OfficialWorkflow {
                workflow_id: workflow.workflow_id.clone(),
                name: workflow.name(),
                installed: installed.is_some(),
                active: installed.is_some_and(|installed| installed.active),
                version: workflow.latest_version_number(),
                installed_version: installed
                    .and_then(|installed| workflow.version_number(&installed.version)),
                connectors: vec![Connector {
                    name: entry.name.clone(),
                    id: format!("{}_{connector}", workflow.workflow_id),
                    connector: connector.clone(),
                    icon: entry.icon_url.clone(),
                    subtitle: entry.category.clone(),
                }],
            }
        })
        .collect();
    OfficialIntegration {
        integration_id: entry.integration_id.clone(),
        description: format!("{} ({})", entry.name, entry.category),
        primary_connector: connector.clone(),
        installed: workflows.iter().any(|workflow| workflow.installed),
        icon: entry.icon_url.clone(),
        workflows,
        credentials: vec![connector],
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn list_integrations(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    input.contract.integrations(state, &input)
}

pub(crate) fn get_integration(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let integration = input.path_param("integrationId")?;
    let user_id = input.query_user(state)?;
    Ok(data(state.integration_detail(&user_id, &integration)?))
}

#[cfg(test)]
mod tests;
