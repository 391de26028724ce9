//! Runs: triggering an event, running one workflow, and the logs and errors runs leave.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::contract::Outcome;
use crate::infra::catalog::CatalogWorkflow;
use crate::infra::deliveries::RunDelivery;
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{Store, UserRecord, now, user_mut};
use crate::resources::analytics::Usage;
use crate::resources::workflows::not_installed;
use crate::routes::{ApiError, Input, message, required};
use crate::wire::{WorkflowError, WorkflowLog, WorkflowLogStatus};

/// The error message of runs that fail because the event data asked for it.
const REQUESTED_FAILURE: &str = "Workflow run failed: the event data requested a failure";

// ---- Wire types ------------------------------------------------------------------------------

/// The body of `POST /run/event`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TriggerEventRequest {
    pub(crate) user_id: String,
    pub(crate) event: String,
    #[serde(default)]
    pub(crate) data: Option<Value>,
}

/// The official body of `POST /run/event`: all three fields required, `data` an object.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialEventRequest {
    pub(crate) user_id: String,
    pub(crate) event: String,
    pub(crate) data: serde_json::Map<String, Value>,
}

/// The body of `POST /run/workflow`: `userId`, `data` (an object) and the workflow by
/// `workflowId` or `workflowName`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunWorkflowRequest {
    #[serde(default)]
    pub(crate) workflow_id: Option<String>,
    #[serde(default)]
    pub(crate) workflow_name: Option<String>,
    pub(crate) user_id: String,
    pub(crate) data: serde_json::Map<String, Value>,
}

// ---- State -----------------------------------------------------------------------------------

/// What the sandbox knows of a run it made: the installed version's number and, for a failed
/// run, the error message.
#[derive(Debug, Clone)]
pub(crate) struct RunMeta {
    pub(crate) version: Option<u32>,
    pub(crate) message: Option<String>,
}

impl SandboxState {
    /// Runs the user's active workflows that listen to `event` (`POST /run/event`) and returns
    /// how many ran.
    ///
    /// Each run appends a log. A run fails, and also appends an error, when the installed
    /// version is one the catalog marks as failing, or when `data` has `"fail": true` (every
    /// run fails) or `"fail": "<workflowId>"` (that workflow's run fails). Each run is handed
    /// to delivery (when a delivery URL is configured) once the store is released.
    pub(crate) fn trigger_event(
        &self,
        user_id: &str,
        event: &str,
        data: Option<&Value>,
    ) -> Result<usize, StateError> {
        let runs = self.run_event(user_id, event, data)?;
        let count = runs.len();
        self.deliver(runs);
        Ok(count)
    }

    /// Runs what [`trigger_event`](Self::trigger_event) runs, under the store's lock.
    fn run_event(
        &self,
        user_id: &str,
        event: &str,
        data: Option<&Value>,
    ) -> Result<Vec<RunDelivery>, StateError> {
        let mut store = self.store();
        let Store { users, usage, .. } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let executed_at = now();
        let mut runs = Vec::new();
        for workflow in self
            .shared
            .catalog
            .iter()
            .flat_map(|entry| &entry.workflows)
        {
            let Some(installed) = record.workflows.get(&workflow.workflow_id) else {
                continue;
            };
            if !installed.active || !workflow.events.iter().any(|e| e == event) {
                continue;
            }
            let version = installed.version.clone();
            let ran = run(usage, record, workflow, &version, data, executed_at);
            runs.push(ran.triggered_by(event));
        }
        store.bound_logs(self.shared.bounds.logs);
        Ok(runs)
    }

    /// Runs the user's installed, active workflow once with `data` (`POST /run/workflow`).
    ///
    /// The run is logged, counted and delivered as an event's runs are, and fails in the same
    /// cases.
    pub(crate) fn run_workflow(
        &self,
        user_id: &str,
        workflow_id: &str,
        data: &Value,
    ) -> Result<(), StateError> {
        let ran = self.run_one(user_id, workflow_id, data)?;
        self.deliver(vec![ran]);
        Ok(())
    }

    /// Runs what [`run_workflow`](Self::run_workflow) runs, under the store's lock.
    fn run_one(
        &self,
        user_id: &str,
        workflow_id: &str,
        data: &Value,
    ) -> Result<RunDelivery, StateError> {
        let workflow = self.catalog_workflow(workflow_id)?;
        let mut store = self.store();
        let Store { users, usage, .. } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let installed = record
            .workflows
            .get(workflow_id)
            .ok_or_else(|| not_installed(user_id, workflow_id))?;
        if !installed.active {
            return Err(StateError::NotActive {
                user_id: user_id.to_owned(),
                workflow_id: workflow_id.to_owned(),
            });
        }
        let version = installed.version.clone();
        let outcome = run(usage, record, workflow, &version, Some(data), now());
        store.bound_logs(self.shared.bounds.logs);
        Ok(outcome)
    }

    /// Appends a log to the user's logs, as if a workflow had run.
    pub fn add_log(&self, user_id: &str, log: WorkflowLog) -> Result<(), StateError> {
        let mut store = self.store();
        user_mut(&mut store, user_id)?.logs.push(log);
        store.bound_logs(self.shared.bounds.logs);
        Ok(())
    }

    /// Appends an error to the user's errors, as if a workflow run had failed.
    pub fn add_error(&self, user_id: &str, error: WorkflowError) -> Result<(), StateError> {
        let mut store = self.store();
        user_mut(&mut store, user_id)?.errors.push(error);
        store.bound_logs(self.shared.bounds.logs);
        Ok(())
    }

    /// Returns the user's logs of every workflow, oldest first (none for an unknown user;
    /// a deleted user's logs are kept).
    pub fn logs(&self, user_id: &str) -> Vec<WorkflowLog> {
        let store = self.store();
        store
            .users
            .get(user_id)
            .or_else(|| store.deleted.get(user_id))
            .map(|record| record.logs.clone())
            .unwrap_or_default()
    }

    /// Returns the user's errors of every workflow, oldest first (none for an unknown user;
    /// a deleted user's errors are kept).
    pub fn errors(&self, user_id: &str) -> Vec<WorkflowError> {
        let store = self.store();
        store
            .users
            .get(user_id)
            .or_else(|| store.deleted.get(user_id))
            .map(|record| record.errors.clone())
            .unwrap_or_default()
    }

    /// Returns how many logs all users, deleted ones included, have together.
    pub fn log_count(&self) -> usize {
        let store = self.store();
        store
            .users
            .values()
            .chain(store.deleted.values())
            .map(|record| record.logs.len())
            .sum()
    }

    /// Returns how many errors all users, deleted ones included, have together.
    pub fn error_count(&self) -> usize {
        let store = self.store();
        store
            .users
            .values()
            .chain(store.deleted.values())
            .map(|record| record.errors.len())
            .sum()
    }
}

/// Runs the user's installed `workflow` at `version` once: appends a log (and an error when
/// the run fails), counts the run for the analytics and returns what to deliver of it.
///
/// A run fails when `version` is one the catalog marks as failing, or when `data` has
/// `"fail": true` (every run fails) or `"fail": "<workflowId>"` (that workflow's run fails).
fn run(
    usage: &mut Usage,
    record: &mut UserRecord,
    workflow: &CatalogWorkflow,
    version: &str,
    data: Option<&Value>,
    executed_at: DateTime<Utc>,
) -> RunDelivery {
    let failure = match data.and_then(|data| data.get("fail")) {
        Some(Value::Bool(true)) => Some(REQUESTED_FAILURE),
        Some(Value::String(id)) if *id == workflow.workflow_id => Some(REQUESTED_FAILURE),
        _ => workflow.failure_at(version),
    };
    let log_id = format!("log_{:016x}", fastrand::u64(..));
    record.inputs.insert(
        log_id.clone(),
        data.cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
    );
    record.runs.insert(
        log_id.clone(),
        RunMeta {
            version: workflow.version_number(version),
            message: failure.map(str::to_owned),
        },
    );
    record.logs.push(WorkflowLog {
        log_id: log_id.clone(),
        workflow_id: Some(workflow.workflow_id.clone()),
        status: Some(if failure.is_some() {
            WorkflowLogStatus::Failure
        } else {
            WorkflowLogStatus::Success
        }),
        executed_at: Some(executed_at),
        duration: Some(fastrand::u64(40..=1500)),
    });
    if let Some(message) = failure {
        record.errors.push(WorkflowError {
            error_id: format!("err_{:016x}", fastrand::u64(..)),
            workflow_id: Some(workflow.workflow_id.clone()),
            message: Some(message.to_owned()),
            occurred_at: Some(executed_at),
        });
    }
    usage.record(
        &record.user.user_id,
        &workflow.workflow_id,
        executed_at,
        failure.is_some(),
    );
    RunDelivery {
        execution_id: log_id,
        workflow_id: workflow.workflow_id.clone(),
        user_id: record.user.user_id.clone(),
        event: None,
        version: version.to_owned(),
        status: if failure.is_some() {
            "failure"
        } else {
            "success"
        },
        error: failure.map(str::to_owned),
        executed_at,
        data: data
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn trigger_event(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let contract = input.contract;
    let event = contract.event(state, input)?;
    state.trigger_event(&event.user_id, &event.event, event.data.as_ref())?;
    Ok(contract.answer(Outcome::EventTriggered))
}

/// Runs one workflow for a user. The rendered reference marks `workflowName`, `workflowId`,
/// `userId` and `data` all required while describing the first two as alternatives (and
/// 2024-03 required only `userId` and `data`): the sandbox requires `userId`, `data` (an
/// object) and either workflow field; given both, they must name the same workflow.
pub(crate) fn run_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: RunWorkflowRequest = input.json()?;
    required("userId", &body.user_id)?;
    let non_empty = |value: Option<String>| value.filter(|value| !value.is_empty());
    let workflow_id = match (non_empty(body.workflow_id), non_empty(body.workflow_name)) {
        (Some(workflow_id), None) => workflow_id,
        (None, Some(name)) => state.workflow_id_by_name(&name)?,
        (Some(workflow_id), Some(name)) => {
            match state.workflow_id_by_name(&name) {
                Ok(named) if named == workflow_id => {}
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "`workflowName` `{name}` does not name workflow `{workflow_id}`"
                    )));
                }
            }
            workflow_id
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "Either `workflowId` or `workflowName` is required",
            ));
        }
    };
    let user_id = state.resolve_user(&body.user_id)?;
    state.run_workflow(&user_id, &workflow_id, &Value::Object(body.data))?;
    Ok(message("success"))
}

#[cfg(test)]
mod tests;
