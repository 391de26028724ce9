//! Workflows as installed for a user: reading, installing, deleting, activating and
//! upgrading them; who has one installed; its logs, errors and analytics.

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::contract::Outcome;
use crate::infra::catalog::{CatalogWorkflow, block_id};
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{Store, UserRecord, now, user, user_mut};
use crate::resources::users::official_user;
use crate::routes::{ApiError, Input, data, json, list};

/// The official `GET /workflows/{workflowId}/logs` page size: default and largest.
const DEFAULT_LOG_LIMIT: usize = 10;

const MAX_LOG_LIMIT: usize = 30;

// ---- Wire types ------------------------------------------------------------------------------

/// The status of a workflow run, as the contract spells it (`success`, `failure`, `pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowLogStatus {
    /// The run succeeded.
    Success,
    /// The run failed; the sandbox records an error for it too.
    Failure,
    /// The run has not finished (the sandbox never produces it; tests can seed it).
    Pending,
}

/// A log of one workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowLog {
    /// The log's id, such as `log_0123456789abcdef`.
    pub log_id: String,
    /// The workflow that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// How the run ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowLogStatus>,
    /// When the workflow ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_at: Option<DateTime<Utc>>,
    /// How long the run took, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

/// An error of one failed workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowError {
    /// The error's id, such as `err_0123456789abcdef`.
    pub error_id: String,
    /// The workflow whose run failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the run failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<DateTime<Utc>>,
}

/// The body of `GET /workflows/{workflowId}/logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WorkflowLogList {
    pub(crate) logs: Vec<WorkflowLog>,
}

/// The body of `GET /workflows/{workflowId}/errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WorkflowErrorList {
    pub(crate) errors: Vec<WorkflowError>,
}

/// One execution of the official `GET /workflows/{workflowId}/logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Execution {
    pub(crate) execution_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stopped_at: Option<DateTime<Utc>>,
    pub(crate) finished: bool,
    pub(crate) results: Vec<ExecutionResult>,
    pub(crate) inputs: Vec<ExecutionInput>,
}

/// What one connector of an execution produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecutionResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stopped_at: Option<DateTime<Utc>>,
    pub(crate) data: Vec<Vec<Value>>,
    pub(crate) connector_id: String,
}

/// What one connector of an execution was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecutionInput {
    pub(crate) connector_id: String,
    pub(crate) data: Value,
}

/// One error of the official `GET /workflows/{workflowId}/errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialError {
    pub(crate) workflow_id: String,
    pub(crate) block: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error_occurred_at: Option<DateTime<Utc>>,
    pub(crate) message: String,
}

/// The official answer of `PUT /workflows/activate` and `PUT /workflows/deactivate`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ActivatedResponse {
    pub(crate) activated: bool,
}

/// The official answer of `PUT /workflows/{workflowId}/upgrade`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UpgradedResponse {
    pub(crate) upgraded: bool,
}

/// The answer of `GET /workflows/{workflowId}?userId=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowDetail {
    pub(crate) workflow_id: String,
    pub(crate) name: String,
    /// When the workflow was installed for the user (absent when it is not installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<DateTime<Utc>>,
    /// When the user's installation last changed (absent when it is not installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) updated_at: Option<DateTime<Utc>>,
    pub(crate) installed: bool,
    pub(crate) active: bool,
    /// The installed version's number, or the latest version's when not installed.
    pub(crate) version: u32,
    pub(crate) integration_id: String,
    pub(crate) connectors: Vec<WorkflowConnector>,
}

/// A connector of `GET /workflows/{workflowId}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowConnector {
    pub(crate) connector_name: String,
    pub(crate) connector_id: String,
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
}

/// An entry of `GET /workflows/{workflowId}/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowUser {
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) user_id: String,
    pub(crate) workflow_active: bool,
    pub(crate) installed_version: u32,
    pub(crate) installed_at: DateTime<Utc>,
}

/// The answer of `GET /workflows/{workflowId}/analytics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowAnalytics {
    pub(crate) total_app_actions: u64,
    pub(crate) total_workflow_runs: u64,
    pub(crate) total_errors: u64,
}

/// `{"deleted": true}`: `DELETE /workflows/{workflowId}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DeletedResponse {
    pub(crate) deleted: bool,
}

/// The body of `PUT /workflows/activate` and `PUT /workflows/deactivate`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkflowActionRequest {
    pub(crate) workflow_id: String,
    pub(crate) user_id: String,
}

/// The official body of `PUT /workflows/activate` and `PUT /workflows/deactivate`: `userId`
/// and either `workflowId` or `workflowName`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialActionRequest {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) workflow_id: Option<String>,
    #[serde(default)]
    pub(crate) workflow_name: Option<String>,
}

/// A version an upgrade asks for: the seed's name (`"2.0.0"`) or the official number (`3`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(crate) enum VersionRef {
    Number(u32),
    Name(String),
}

/// The optional official body of `PUT /workflows/{workflowId}/upgrade` (an extension: the
/// reference sends none).
#[derive(Deserialize)]
pub(crate) struct OfficialUpgradeRequest {
    #[serde(default)]
    pub(crate) version: Option<VersionRef>,
}

/// The body of `PUT /workflows/{workflowId}/upgrade`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpgradeWorkflowRequest {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) version: Option<String>,
}

// ---- State -----------------------------------------------------------------------------------

/// A workflow as installed for one user: its version and whether events run it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstalledWorkflow {
    /// The installed version, one of the catalog workflow's versions.
    pub version: String,
    /// Whether events run the workflow; deactivated workflows do not run.
    pub active: bool,
}

/// When a user's workflow was installed and last changed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamps {
    pub(crate) installed_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl SandboxState {
    /// Returns the user's installation of the workflow, if the workflow is installed.
    pub fn workflow(&self, user_id: &str, workflow_id: &str) -> Option<InstalledWorkflow> {
        self.store()
            .users
            .get(user_id)?
            .workflows
            .get(workflow_id)
            .cloned()
    }

    /// Installs a catalog workflow for the user, active at its first version.
    ///
    /// Installing a workflow that is already installed changes nothing.
    pub fn install_workflow(&self, user_id: &str, workflow_id: &str) -> Result<(), StateError> {
        let workflow = self.catalog_workflow(workflow_id)?;
        let mut store = self.store();
        let record = user_mut(&mut store, user_id)?;
        if !record.workflows.contains_key(workflow_id) {
            record
                .workflows
                .insert(workflow_id.to_owned(), installation(workflow));
            record.touch(workflow_id);
        }
        Ok(())
    }

    /// Uninstalls a workflow for the user; its logs and errors stay.
    pub fn uninstall_workflow(&self, user_id: &str, workflow_id: &str) -> Result<(), StateError> {
        self.catalog_workflow(workflow_id)?;
        let mut store = self.store();
        uninstall(&mut store, user_id, workflow_id)
    }

    /// Activates or deactivates the user's installed workflow.
    ///
    /// This is what `PUT /workflows/activate` and `PUT /workflows/deactivate` do.
    pub fn set_workflow_active(
        &self,
        user_id: &str,
        workflow_id: &str,
        active: bool,
    ) -> Result<(), StateError> {
        let mut store = self.store();
        self.installed_mut(&mut store, user_id, workflow_id)?.active = active;
        user_mut(&mut store, user_id)?.touch(workflow_id);
        Ok(())
    }

    /// Sets the version of the user's installed workflow to any known version, older or newer.
    pub fn set_workflow_version(
        &self,
        user_id: &str,
        workflow_id: &str,
        version: &str,
    ) -> Result<(), StateError> {
        let workflow = self.catalog_workflow(workflow_id)?;
        if workflow.position(version).is_none() {
            return Err(unknown_version(workflow, version));
        }
        let mut store = self.store();
        self.installed_mut(&mut store, user_id, workflow_id)?
            .version = version.to_owned();
        user_mut(&mut store, user_id)?.touch(workflow_id);
        Ok(())
    }

    /// Moves the user's workflow to a newer version, the latest when `version` is `None`
    /// (`PUT /workflows/{workflowId}/upgrade`), and returns the new version.
    pub(crate) fn upgrade_workflow(
        &self,
        user_id: &str,
        workflow_id: &str,
        version: Option<&str>,
    ) -> Result<String, StateError> {
        let mut store = self.store();
        let installed = self.installed_mut(&mut store, user_id, workflow_id)?;
        let workflow = self.catalog_workflow(workflow_id)?;
        let current = workflow.position(&installed.version).unwrap_or(0);
        let target = match version {
            None => {
                let latest = workflow.versions.len() - 1;
                if current == latest {
                    return Err(StateError::AlreadyLatest {
                        workflow_id: workflow_id.to_owned(),
                        version: installed.version.clone(),
                    });
                }
                latest
            }
            Some(version) => {
                let target = workflow
                    .position(version)
                    .ok_or_else(|| unknown_version(workflow, version))?;
                if target <= current {
                    return Err(StateError::NotNewer {
                        workflow_id: workflow_id.to_owned(),
                        current: installed.version.clone(),
                        requested: version.to_owned(),
                    });
                }
                target
            }
        };
        installed.version = workflow.versions[target].clone();
        let version = installed.version.clone();
        user_mut(&mut store, user_id)?.touch(workflow_id);
        Ok(version)
    }

    /// Returns the id of the catalog workflow whose [name](CatalogWorkflow::name) is `name`,
    /// in any case.
    pub(crate) fn workflow_id_by_name(&self, name: &str) -> Result<String, StateError> {
        self.shared
            .catalog
            .iter()
            .flat_map(|entry| &entry.workflows)
            .find(|workflow| workflow.name().eq_ignore_ascii_case(name.trim()))
            .map(|workflow| workflow.workflow_id.clone())
            .ok_or_else(|| StateError::UnknownWorkflow(name.to_owned()))
    }

    /// Returns the version name that the official number `number` of the workflow stands for.
    pub(crate) fn version_name(
        &self,
        workflow_id: &str,
        number: u32,
    ) -> Result<String, StateError> {
        let workflow = self.catalog_workflow(workflow_id)?;
        workflow
            .version_name(number)
            .map(str::to_owned)
            .ok_or_else(|| unknown_version(workflow, &number.to_string()))
    }

    /// Looks up the user, then the catalog workflow, and returns the user if it has the
    /// workflow installed.
    fn installed_in<'s>(
        &self,
        store: &'s Store,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<&'s UserRecord, StateError> {
        let record = user(store, user_id)?;
        self.catalog_workflow(workflow_id)?;
        if record.workflows.contains_key(workflow_id) {
            Ok(record)
        } else {
            Err(not_installed(user_id, workflow_id))
        }
    }

    /// Looks up the user, then the catalog workflow, then the user's installation of it.
    fn installed_mut<'s>(
        &self,
        store: &'s mut Store,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<&'s mut InstalledWorkflow, StateError> {
        let record = user_mut(store, user_id)?;
        self.catalog_workflow(workflow_id)?;
        record
            .workflows
            .get_mut(workflow_id)
            .ok_or_else(|| not_installed(user_id, workflow_id))
    }

    /// Returns the user's logs of an installed workflow (`GET /workflows/{workflowId}/logs`).
    pub(crate) fn workflow_logs(
        &self,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<WorkflowLogList, StateError> {
        let store = self.store();
        let logs = self
            .installed_in(&store, user_id, workflow_id)?
            .logs
            .iter()
            .filter(|log| log.workflow_id.as_deref() == Some(workflow_id))
            .cloned()
            .collect();
        Ok(WorkflowLogList { logs })
    }

    /// Returns the user's errors of an installed workflow (`GET /workflows/{workflowId}/errors`).
    pub(crate) fn workflow_errors(
        &self,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<WorkflowErrorList, StateError> {
        let store = self.store();
        let errors = self
            .installed_in(&store, user_id, workflow_id)?
            .errors
            .iter()
            .filter(|error| error.workflow_id.as_deref() == Some(workflow_id))
            .cloned()
            .collect();
        Ok(WorkflowErrorList { errors })
    }

    /// Returns the executions of a workflow in the official contract's shape, oldest first:
    /// of the user, who must have it installed, or of every user when `user_id` is `None`
    /// (the official `GET /workflows/{workflowId}/logs` makes `userId` optional).
    pub(crate) fn official_logs(
        &self,
        user_id: Option<&str>,
        workflow_id: &str,
    ) -> Result<Vec<Execution>, StateError> {
        let (entry, _) = self.catalog_entry_of(workflow_id)?;
        let connector_id = format!("{workflow_id}_{}", entry.connector());
        let store = self.store();
        let records: Vec<&UserRecord> = match user_id {
            Some(user_id) => vec![self.installed_in(&store, user_id, workflow_id)?],
            None => store.users.values().chain(store.deleted.values()).collect(),
        };
        let mut executions: Vec<(Option<DateTime<Utc>>, Execution)> = records
            .into_iter()
            .flat_map(|record| {
                record
                    .logs
                    .iter()
                    .filter(|log| log.workflow_id.as_deref() == Some(workflow_id))
                    .map(|log| (log.executed_at, execution(record, log, &connector_id)))
            })
            .collect();
        // Stable: runs of the same instant keep the order they were recorded in.
        executions.sort_by_key(|(at, _)| *at);
        Ok(executions
            .into_iter()
            .map(|(_, execution)| execution)
            .collect())
    }

    /// Returns the errors of a workflow in the official contract's shape, oldest first: of the
    /// user, who must have it installed, or of every user when `user_id` is `None`.
    pub(crate) fn official_errors(
        &self,
        user_id: Option<&str>,
        workflow_id: &str,
    ) -> Result<Vec<OfficialError>, StateError> {
        let (entry, _) = self.catalog_entry_of(workflow_id)?;
        let block = entry.connector();
        let store = self.store();
        let records: Vec<&UserRecord> = match user_id {
            Some(user_id) => vec![self.installed_in(&store, user_id, workflow_id)?],
            None => store.users.values().chain(store.deleted.values()).collect(),
        };
        let mut errors: Vec<OfficialError> = records
            .into_iter()
            .flat_map(|record| &record.errors)
            .filter(|error| error.workflow_id.as_deref() == Some(workflow_id))
            .map(|error| OfficialError {
                workflow_id: workflow_id.to_owned(),
                block: block.clone(),
                error_occurred_at: error.occurred_at,
                message: error.message.clone().unwrap_or_default(),
            })
            .collect();
        errors.sort_by_key(|error| error.error_occurred_at);
        Ok(errors)
    }

    /// Returns a catalog workflow as the user has it (`GET /workflows/{workflowId}`): when it
    /// is not installed, `installed` and `active` are false and `version` is the latest.
    pub(crate) fn workflow_detail(
        &self,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<WorkflowDetail, StateError> {
        let store = self.store();
        let record = user(&store, user_id)?;
        let (entry, workflow) = self.catalog_entry_of(workflow_id)?;
        let installed = record.workflows.get(workflow_id);
        let stamps = installed.and(record.stamps.get(workflow_id));
        let connector = entry.connector();
        Ok(WorkflowDetail {
            workflow_id: workflow.workflow_id.clone(),
            name: workflow.name(),
            created_at: stamps.map(|stamps| stamps.installed_at),
            updated_at: stamps.map(|stamps| stamps.updated_at),
            installed: installed.is_some(),
            active: installed.is_some_and(|installed| installed.active),
            version: installed
                .and_then(|installed| workflow.version_number(&installed.version))
                .unwrap_or_else(|| workflow.latest_version_number()),
            integration_id: entry.integration_id.clone(),
            connectors: vec![WorkflowConnector {
                connector_name: entry.name.clone(),
                connector_id: block_id(workflow, &connector),
                connector,
                icon: entry.icon_url.clone(),
            }],
        })
    }

    /// Deletes the user's installed workflow (`DELETE /workflows/{workflowId}`); its logs and
    /// errors stay.
    pub(crate) fn delete_workflow(
        &self,
        user_id: &str,
        workflow_id: &str,
    ) -> Result<(), StateError> {
        let mut store = self.store();
        user(&store, user_id)?;
        self.catalog_workflow(workflow_id)?;
        uninstall(&mut store, user_id, workflow_id)
    }

    /// Lists the users who have the workflow installed, in creation order
    /// (`GET /workflows/{workflowId}/users`).
    pub(crate) fn workflow_users(
        &self,
        workflow_id: &str,
    ) -> Result<Vec<WorkflowUser>, StateError> {
        let workflow = self.catalog_workflow(workflow_id)?;
        let store = self.store();
        let mut users: Vec<(u64, WorkflowUser)> = store
            .users
            .values()
            .filter_map(|record| {
                let installed = record.workflows.get(workflow_id)?;
                let installed_at = record
                    .stamps
                    .get(workflow_id)
                    .map(|stamps| stamps.installed_at)
                    .or(record.user.created_at)
                    .unwrap_or_else(now);
                let user = official_user(record);
                Some((
                    record.seq,
                    WorkflowUser {
                        username: user.username,
                        full_name: user.full_name,
                        user_id: user.user_id,
                        workflow_active: installed.active,
                        installed_version: workflow.version_number(&installed.version).unwrap_or(1),
                        installed_at,
                    },
                ))
            })
            .collect();
        users.sort_by_key(|(seq, _)| *seq);
        Ok(users.into_iter().map(|(_, user)| user).collect())
    }

    /// Counts the runs, failed runs and app actions of the workflow over every user
    /// (`GET /workflows/{workflowId}/analytics`).
    pub(crate) fn workflow_analytics(
        &self,
        workflow_id: &str,
    ) -> Result<WorkflowAnalytics, StateError> {
        self.catalog_workflow(workflow_id)?;
        let counters = self
            .store()
            .usage
            .by_workflow
            .get(workflow_id)
            .copied()
            .unwrap_or_default();
        Ok(WorkflowAnalytics {
            total_app_actions: counters.app_actions,
            total_workflow_runs: counters.runs,
            total_errors: counters.errors,
        })
    }
}

/// Shows a log as the official contract's execution: it started when the workflow ran and
/// stopped `duration` milliseconds later; a pending run has not finished and has no results.
fn execution(record: &UserRecord, log: &WorkflowLog, connector_id: &str) -> Execution {
    let started_at = log.executed_at;
    let stopped_at = started_at.map(|at| {
        let millis = i64::try_from(log.duration.unwrap_or(0)).unwrap_or(i64::MAX);
        at + chrono::Duration::milliseconds(millis)
    });
    let finished = log.status != Some(WorkflowLogStatus::Pending);
    let status = match log.status {
        Some(WorkflowLogStatus::Failure) => "failure",
        Some(WorkflowLogStatus::Pending) => "pending",
        Some(WorkflowLogStatus::Success) | None => "success",
    };
    let results = if finished {
        vec![ExecutionResult {
            started_at,
            stopped_at,
            data: vec![vec![serde_json::json!({ "status": status })]],
            connector_id: connector_id.to_owned(),
        }]
    } else {
        Vec::new()
    };
    let inputs = record
        .inputs
        .get(&log.log_id)
        .map(|data| ExecutionInput {
            connector_id: connector_id.to_owned(),
            data: data.clone(),
        })
        .into_iter()
        .collect();
    Execution {
        execution_id: log.log_id.clone(),
        started_at,
        stopped_at,
        finished,
        results,
        inputs,
    }
}

pub(crate) fn installation(workflow: &CatalogWorkflow) -> InstalledWorkflow {
    InstalledWorkflow {
        version: workflow.first_version().to_owned(),
        active: true,
    }
}

/// Uninstalls the user's workflow (and takes it out of the user's installations).
pub(crate) fn uninstall(
    store: &mut Store,
    user_id: &str,
    workflow_id: &str,
) -> Result<(), StateError> {
    let Store {
        users,
        installations,
        ..
    } = store;
    let record = users
        .get_mut(user_id)
        .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
    if record.workflows.remove(workflow_id).is_none() {
        return Err(not_installed(user_id, workflow_id));
    }
    record.stamps.remove(workflow_id);
    for id in &record.installations {
        if let Some(installation) = installations.get_mut(id) {
            installation.workflow_ids.retain(|id| id != workflow_id);
        }
    }
    Ok(())
}

pub(crate) fn not_installed(user_id: &str, workflow_id: &str) -> StateError {
    StateError::NotInstalled {
        user_id: user_id.to_owned(),
        workflow_id: workflow_id.to_owned(),
    }
}

fn unknown_version(workflow: &CatalogWorkflow, version: &str) -> StateError {
    StateError::UnknownVersion {
        workflow_id: workflow.workflow_id.clone(),
        version: version.to_owned(),
        known: workflow.versions.clone(),
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn find_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let user_id = input.query_user(state)?;
    Ok(data(state.workflow_detail(&user_id, &workflow_id)?))
}

pub(crate) fn delete_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let user_id = input.query_user(state)?;
    state.delete_workflow(&user_id, &workflow_id)?;
    Ok(json(StatusCode::OK, &DeletedResponse { deleted: true }))
}

pub(crate) fn list_users_by_workflow_id(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    Ok(list(state.workflow_users(&workflow_id)?))
}

pub(crate) fn get_workflow_analytics(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    Ok(json(
        StatusCode::OK,
        &state.workflow_analytics(&workflow_id)?,
    ))
}

pub(crate) fn list_workflow_errors(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    input.contract.workflow_errors(state, &input, &workflow_id)
}

pub(crate) fn list_workflow_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    input.contract.workflow_logs(state, &input, &workflow_id)
}

/// The official `GET /workflows/{workflowId}/logs` page: `page` (from 1), `limit` (1 to 30)
/// and `order` (`asc` or `desc`).
///
/// Pages count from 1. The 2025-09 reference types `page` as an int32 and states neither its
/// first value nor its default, and its 2024-03 notes (which give `order` its `asc`/`desc`
/// values and `desc` default) say nothing about it either. A page/limit pair conventionally
/// starts at page 1, the sandbox has always served it so, and answering `page=0` with a 400
/// rather than as the first page makes a client that assumes 0-based pages fail loudly
/// instead of silently skipping the first page.
pub(crate) struct Page {
    pub(crate) number: usize,
    pub(crate) limit: usize,
    pub(crate) newest_first: bool,
}

impl Input {
    /// Reads the official log page parameters: `page` from 1 (default 1), `limit` from 1 to
    /// 30 (default 10) and `order` `asc` or `desc` (default `desc`, newest first).
    pub(crate) fn page(&self) -> Result<Page, ApiError> {
        let number = |name: &str, default: usize, max: usize| -> Result<usize, ApiError> {
            match self.query_param(name) {
                None => Ok(default),
                Some(raw) => raw
                    .parse::<usize>()
                    .ok()
                    .filter(|value| (1..=max).contains(value))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "Query parameter `{name}` must be an integer from 1 to {max}, not `{raw}`"
                        ))
                    }),
            }
        };
        let page = number("page", 1, i32::MAX as usize)?;
        let limit = number("limit", DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT)?;
        let newest_first = match self.query_param("order").as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "Query parameter `order` must be `asc` or `desc`, not `{other}`"
                )));
            }
        };
        Ok(Page {
            number: page,
            limit,
            newest_first,
        })
    }
}

pub(crate) fn deactivate_workflow(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    set_active(state, input, false)
}

pub(crate) fn activate_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    set_active(state, input, true)
}

fn set_active(state: &SandboxState, input: Input, active: bool) -> Result<Response, ApiError> {
    let contract = input.contract;
    let (user_id, workflow_id) = contract.activation(state, input)?;
    state.set_workflow_active(&user_id, &workflow_id, active)?;
    Ok(contract.answer(Outcome::ActiveSet(active)))
}

pub(crate) fn upgrade_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let contract = input.contract;
    let upgrade = contract.upgrade(state, input, &workflow_id)?;
    let version =
        state.upgrade_workflow(&upgrade.user_id, &workflow_id, upgrade.version.as_deref())?;
    Ok(contract.answer(Outcome::Upgraded(version)))
}

#[cfg(test)]
mod tests;
