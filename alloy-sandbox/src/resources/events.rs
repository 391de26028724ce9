//! Events: the events the catalog's workflows listen to.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::infra::state::SandboxState;
use crate::routes::{ApiError, Input, list};

// ---- Wire types ------------------------------------------------------------------------------

/// An entry of `GET /events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EventInfo {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) body: Value,
}

// ---- State -----------------------------------------------------------------------------------

impl SandboxState {
    /// Lists the events of the catalog's workflows, each once, in catalog order
    /// (`GET /events`).
    pub(crate) fn events(&self) -> Vec<EventInfo> {
        let mut events: Vec<(String, Vec<String>)> = Vec::new();
        for workflow in self
            .shared
            .catalog
            .iter()
            .flat_map(|entry| &entry.workflows)
        {
            for event in &workflow.events {
                match events.iter_mut().find(|(name, _)| name == event) {
                    Some((_, workflows)) => workflows.push(workflow.name()),
                    None => events.push((event.clone(), vec![workflow.name()])),
                }
            }
        }
        events
            .into_iter()
            .map(|(name, workflows)| EventInfo {
                description: format!("Runs: {}", workflows.join(", ")),
                name,
                body: Value::Object(serde_json::Map::new()),
            })
            .collect()
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn list_events(state: &SandboxState, _input: Input) -> Result<Response, ApiError> {
    Ok(list(state.events()))
}

#[cfg(test)]
mod tests;
