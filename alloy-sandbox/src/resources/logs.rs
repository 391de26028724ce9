//! Account logs: every run of every user, filtered, sorted and paged (`GET /logs`).

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::infra::state::SandboxState;
use crate::infra::store::{UserRecord, now};
use crate::routes::{ApiError, Input, json};
use crate::wire::{WorkflowLog, WorkflowLogStatus};

pub(crate) mod query;

use query::{LogQuery, Row};

/// The team every log entry of the sandbox belongs to (`teamId` of `GET /logs`).
const TEAM_ID: &str = "team_sandbox";

// ---- Wire types ------------------------------------------------------------------------------

/// The answer of `GET /logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogPage {
    pub(crate) notifications: Vec<Notification>,
    pub(crate) last_fetched: DateTime<Utc>,
    pub(crate) pagination: Pagination,
}

/// The pagination of `GET /logs`; `currentPage` counts from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pagination {
    pub(crate) total_items: u64,
    pub(crate) total_pages: u64,
    pub(crate) current_page: u64,
    pub(crate) page_size: u64,
}

/// One entry (a workflow run) of `GET /logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Notification {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) message: String,
    pub(crate) data: NotificationData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) custom_version: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workflow_version: Option<u32>,
    pub(crate) team_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forge_workflow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workflow_id: Option<String>,
    pub(crate) user_id: String,
    pub(crate) user: NotificationUser,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forge_workflow: Option<ForgeWorkflow>,
}

/// The execution a notification is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationData {
    pub(crate) execution_id: String,
    pub(crate) execution_uuid: String,
}

/// The user of a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) full_name: Option<String>,
}

/// The parent workflow of a notification, with its integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ForgeWorkflow {
    pub(crate) name: String,
    pub(crate) integration_id: ForgeIntegration,
}

/// The integration of a notification's parent workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ForgeIntegration {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) block_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
}

// ---- State -----------------------------------------------------------------------------------

impl SandboxState {
    /// Answers `GET /logs`: every run of every user (deleted users' too), filtered, sorted
    /// and paged as `query` says.
    pub(crate) fn log_page(&self, query: &LogQuery) -> LogPage {
        let store = self.store();
        // `associatedUserId` is a user id (of a live or deleted user) or a live username.
        let associated = query.associated_user_id.as_deref().map(|reference| {
            if store.users.contains_key(reference) || store.deleted.contains_key(reference) {
                reference
            } else {
                store
                    .usernames
                    .get(reference)
                    .map_or(reference, String::as_str)
            }
        });
        let mut rows: Vec<(Row<'_>, &UserRecord, &WorkflowLog)> = Vec::new();
        for record in store.users.values().chain(store.deleted.values()) {
            if associated.is_some_and(|user_id| user_id != record.user.user_id) {
                continue;
            }
            for log in &record.logs {
                if let Some(workflow_id) = &query.workflow_id
                    && log.workflow_id.as_deref() != Some(workflow_id.as_str())
                {
                    continue;
                }
                let row = Row {
                    created_at: log.executed_at,
                    completed_at: completed_at(log),
                    message: log_message(record, log),
                    user_id: &record.user.user_id,
                    workflow_id: log.workflow_id.as_deref(),
                    integration_id: log
                        .workflow_id
                        .as_deref()
                        .and_then(|workflow_id| self.catalog_entry_of(workflow_id).ok())
                        .map(|(entry, _)| entry.integration_id.as_str()),
                    workflow_version: record.runs.get(&log.log_id).and_then(|meta| meta.version),
                    log_id: &log.log_id,
                };
                if row.matches(&query.filters) {
                    rows.push((row, record, log));
                }
            }
        }
        rows.sort_by(|(a, ..), (b, ..)| {
            let ordering = a.cmp_by(b, query.sort_by);
            if query.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
        let total = rows.len() as u64;
        let limit = query.limit.max(1) as u64;
        let notifications = rows
            .iter()
            .skip(query.skip)
            .take(query.limit)
            .map(|(row, record, log)| self.notification(row, record, log))
            .collect();
        LogPage {
            notifications,
            last_fetched: now(),
            pagination: Pagination {
                total_items: total,
                total_pages: total.div_ceil(limit),
                current_page: query.current_page,
                page_size: limit,
            },
        }
    }

    fn notification(&self, row: &Row<'_>, record: &UserRecord, log: &WorkflowLog) -> Notification {
        let forge_workflow = log
            .workflow_id
            .as_deref()
            .and_then(|workflow_id| self.catalog_entry_of(workflow_id).ok())
            .map(|(entry, workflow)| ForgeWorkflow {
                name: workflow.name(),
                integration_id: ForgeIntegration {
                    id: entry.integration_id.clone(),
                    name: entry.name.clone(),
                    block_id: entry.connector(),
                    icon: entry.icon_url.clone(),
                },
            });
        Notification {
            id: log.log_id.clone(),
            message: row.message.to_owned(),
            data: NotificationData {
                execution_id: log.log_id.clone(),
                execution_uuid: execution_uuid(&log.log_id),
            },
            started_at: log.executed_at,
            completed_at: row.completed_at,
            created_at: log.executed_at,
            custom_version: false,
            workflow_version: record.runs.get(&log.log_id).and_then(|meta| meta.version),
            team_id: TEAM_ID.to_owned(),
            forge_workflow_id: log.workflow_id.clone(),
            workflow_id: log.workflow_id.clone(),
            user_id: record.user.user_id.clone(),
            user: NotificationUser {
                email: record.user.username.clone(),
                full_name: record.user.full_name.clone(),
            },
            forge_workflow,
        }
    }
}

/// A stable UUID-shaped id derived from a log id (`executionUuid`).
fn execution_uuid(log_id: &str) -> String {
    let hash = |seed: u64| {
        log_id.bytes().fold(seed, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let high = hash(0xcbf2_9ce4_8422_2325);
    let low = hash(0x8422_2325_cbf2_9ce4);
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000; // version 4
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// When a run completed: its start plus its duration, unless it is still pending.
fn completed_at(log: &WorkflowLog) -> Option<DateTime<Utc>> {
    if log.status == Some(WorkflowLogStatus::Pending) {
        return None;
    }
    let millis = i64::try_from(log.duration.unwrap_or(0)).unwrap_or(i64::MAX);
    log.executed_at
        .and_then(|at| at.checked_add_signed(chrono::Duration::milliseconds(millis)))
}

/// The message of a log entry: a failed run's error, or what the status says.
fn log_message<'a>(record: &'a UserRecord, log: &WorkflowLog) -> &'a str {
    if let Some(message) = record
        .runs
        .get(&log.log_id)
        .and_then(|meta| meta.message.as_deref())
    {
        return message;
    }
    match log.status {
        Some(WorkflowLogStatus::Failure) => "Workflow run failed",
        Some(WorkflowLogStatus::Pending) => "Workflow run pending",
        Some(WorkflowLogStatus::Success) | None => "Workflow run succeeded",
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn get_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let query = LogQuery::parse(|name| input.query_param(name)).map_err(ApiError::bad_request)?;
    Ok(json(StatusCode::OK, &state.log_page(&query)))
}

#[cfg(test)]
mod tests;
