//! The state behind the operations only the official contract serves: users, workflows per
//! user, runs, account logs, integrations, headless installations, credentials and
//! analytics.
//!
//! Every method takes the store's lock once, never calls another locking method while it
//! holds it, and does not panic while holding it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike as _, Days, Months, NaiveDate};

use super::{
    CatalogEntry, CatalogWorkflow, DateTime, SandboxState, StateError, Store, UserRecord, Utc,
    Value, WorkflowLog, WorkflowLogStatus, installation as new_installation, not_installed, now,
    official_integration, run, user, user_mut,
};
use crate::infra::catalog::app_credential;
use crate::logquery::{LogQuery, Row};
use crate::wire::{
    AppUsage, CredentialInfo, CredentialMetadata, CredentialProperty, EditedInstallation,
    EventInfo, ForgeIntegration, ForgeWorkflow, FormBlock, FormField, Installation, LogPage,
    Notification, NotificationData, NotificationUser, OfficialUser, Pagination,
    StartedInstallation, SubmittedBlock, UsageOverTime, UsagePeriod, UserUsage, UserUsagePeriod,
    WorkflowAnalytics, WorkflowConnector, WorkflowDetail, WorkflowUser,
};

/// The team every log entry of the sandbox belongs to (`teamId` of `GET /logs`).
const TEAM_ID: &str = "team_sandbox";

/// How many app actions one run performs: every catalog workflow has one connector block.
const APP_ACTIONS_PER_RUN: u64 = 1;

/// The sandbox account's action limit per billing cycle (`executionsLimit`).
pub(crate) const EXECUTIONS_LIMIT: u64 = 10_000;

/// The period the usage operations report on (`timePeriod`): the current calendar month.
const TIME_PERIOD: &str = "current-billing-cycle";

/// The name and type of the installation form field that asks for the app's credential.
const CREDENTIAL_FIELD: &str = "credentialId";
const CREDENTIAL_FIELD_TYPE: &str = "credential";

/// When a user's workflow was installed and last changed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stamps {
    pub(super) installed_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

/// What the sandbox knows of a run it made: the installed version's number and, for a failed
/// run, the error message.
#[derive(Debug, Clone)]
pub(super) struct RunMeta {
    pub(super) version: Option<u32>,
    pub(super) message: Option<String>,
}

/// A credential of a user.
#[derive(Debug, Clone)]
pub(super) struct CredentialRecord {
    id: String,
    /// The app (connector) the credential is for, such as `shopify`.
    app: String,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A headless installation: started by `POST /headless/startInstallation`, an installation
/// proper once `POST /headless/completeInstallation` completed it.
#[derive(Debug, Clone)]
pub(super) struct InstallationRecord {
    seq: u64,
    id: String,
    integration_id: String,
    /// The app (connector) of the integration.
    app: String,
    user_id: String,
    form: Vec<FormBlock>,
    credential_ids: BTreeMap<String, String>,
    workflow_ids: Vec<String>,
    installed_data: Vec<SubmittedBlock>,
    installed_at: Option<DateTime<Utc>>,
    completed: bool,
}

/// What the sandbox ran, counted for the analytics operations.
#[derive(Debug, Default)]
pub(super) struct Usage {
    /// App actions per day.
    by_day: BTreeMap<NaiveDate, u64>,
    /// App actions per user and day.
    by_user: HashMap<String, BTreeMap<NaiveDate, u64>>,
    /// Runs, errors and app actions per workflow.
    by_workflow: HashMap<String, WorkflowCounters>,
}

#[derive(Debug, Default, Clone, Copy)]
struct WorkflowCounters {
    runs: u64,
    errors: u64,
    app_actions: u64,
}

impl Usage {
    /// Counts one run of `workflow_id` for `user_id` at `at`.
    pub(super) fn record(
        &mut self,
        user_id: &str,
        workflow_id: &str,
        at: DateTime<Utc>,
        failed: bool,
    ) {
        let day = at.date_naive();
        *self.by_day.entry(day).or_default() += APP_ACTIONS_PER_RUN;
        *self
            .by_user
            .entry(user_id.to_owned())
            .or_default()
            .entry(day)
            .or_default() += APP_ACTIONS_PER_RUN;
        let counters = self.by_workflow.entry(workflow_id.to_owned()).or_default();
        counters.runs += 1;
        counters.app_actions += APP_ACTIONS_PER_RUN;
        if failed {
            counters.errors += 1;
        }
    }
}

/// Uninstalls the user's workflow (and takes it out of the user's installations).
pub(super) fn uninstall(
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

fn official_user(record: &UserRecord) -> OfficialUser {
    OfficialUser {
        user_id: record.user.user_id.clone(),
        full_name: record.user.full_name.clone().unwrap_or_default(),
        username: record.user.username.clone().unwrap_or_default(),
    }
}

/// Returns a user id no user, live or deleted, has.
pub(super) fn fresh_user_id(store: &Store) -> String {
    loop {
        let candidate = format!("usr_{:016x}", fastrand::u64(..));
        if !store.users.contains_key(&candidate) && !store.deleted.contains_key(&candidate) {
            return candidate;
        }
    }
}

/// Returns `prefix_` and 16 random hex digits that `taken` does not hold.
fn fresh_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let candidate = format!("{prefix}_{:016x}", fastrand::u64(..));
        if !taken(&candidate) {
            return candidate;
        }
    }
}

/// The block id of a workflow's connector, as the integrations and logs show it.
fn block_id(workflow: &CatalogWorkflow, connector: &str) -> String {
    format!("{}_{connector}", workflow.workflow_id)
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

/// The current billing cycle: the calendar month of `today`.
fn billing_cycle(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = today.with_day(1).unwrap_or(today);
    let end = start
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(today);
    (start, end)
}

/// Adds up the counts of the days from `from` to `to`, both included.
fn sum(days: &BTreeMap<NaiveDate, u64>, from: NaiveDate, to: NaiveDate) -> u64 {
    if from > to {
        return 0;
    }
    days.range(from..=to).map(|(_, count)| count).sum()
}

fn month_name(day: NaiveDate) -> String {
    day.format("%B").to_string()
}

fn days_before(today: NaiveDate, days: u64) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

impl SandboxState {
    // ---- Users --------------------------------------------------------------------------

    /// Lists users in creation order (`GET /users`); with `parent_workflow_id`, only those
    /// who have that workflow installed (an unknown workflow is an error).
    pub(crate) fn list_users(
        &self,
        parent_workflow_id: Option<&str>,
    ) -> Result<Vec<OfficialUser>, StateError> {
        if let Some(workflow_id) = parent_workflow_id {
            self.catalog_workflow(workflow_id)?;
        }
        let store = self.store();
        let mut records: Vec<&UserRecord> = store
            .users
            .values()
            .filter(|record| {
                parent_workflow_id
                    .is_none_or(|workflow_id| record.workflows.contains_key(workflow_id))
            })
            .collect();
        records.sort_by_key(|record| record.seq);
        Ok(records.into_iter().map(official_user).collect())
    }

    /// Returns the user in the official shape (`GET /users/{userId}`).
    pub(crate) fn official_user(&self, user_id: &str) -> Result<OfficialUser, StateError> {
        Ok(official_user(user(&self.store(), user_id)?))
    }

    /// Changes the user's username and full name, where given (`PUT /users/{userId}`).
    ///
    /// A username must be non-empty and not another user's.
    pub(crate) fn update_user(
        &self,
        user_id: &str,
        username: Option<String>,
        full_name: Option<String>,
    ) -> Result<OfficialUser, StateError> {
        let mut store = self.store();
        user(&store, user_id)?;
        if let Some(username) = &username {
            if username.trim().is_empty() {
                return Err(StateError::Empty("username"));
            }
            if store
                .usernames
                .get(username)
                .is_some_and(|owner| owner != user_id)
            {
                return Err(StateError::DuplicateUsername(username.clone()));
            }
        }
        let Store {
            users, usernames, ..
        } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        if let Some(username) = username {
            if let Some(old) = record.user.username.replace(username.clone())
                && usernames.get(&old).is_some_and(|owner| owner == user_id)
            {
                usernames.remove(&old);
            }
            usernames.insert(username, user_id.to_owned());
        }
        if let Some(full_name) = full_name {
            record.user.full_name = Some(full_name);
        }
        Ok(official_user(record))
    }

    /// Deletes the user (`DELETE /users/{userId}`) with their workflows, credentials and
    /// installations.
    ///
    /// As Alloy's reference says, the user's logs are kept: they still show in `GET /logs`,
    /// in a workflow's logs listed without `userId`, in [`logs`](Self::logs) and in the
    /// analytics, which report the user as deleted. Every call that names the user (by id
    /// or username) then answers 404, and the username is free again.
    pub fn delete_user(&self, user_id: &str) -> Result<(), StateError> {
        let mut store = self.store();
        let mut record = store
            .users
            .remove(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        if let Some(username) = &record.user.username
            && store
                .usernames
                .get(username)
                .is_some_and(|owner| owner == user_id)
        {
            store.usernames.remove(username);
        }
        record.workflows.clear();
        record.stamps.clear();
        for credential in record.credentials.drain(..) {
            store.credential_owners.remove(&credential.id);
        }
        for id in record.installations.drain(..) {
            store.installations.remove(&id);
        }
        // A user deleted twice (re-added with the same id in between) keeps both histories.
        if let Some(mut earlier) = store.deleted.remove(user_id) {
            earlier.logs.append(&mut record.logs);
            earlier.errors.append(&mut record.errors);
            earlier.inputs.extend(record.inputs.drain());
            earlier.runs.extend(record.runs.drain());
            record.logs = earlier.logs;
            record.errors = earlier.errors;
            record.inputs = earlier.inputs;
            record.runs = earlier.runs;
        }
        store.deleted.insert(user_id.to_owned(), record);
        Ok(())
    }

    /// Creates the users of a batch (`POST /users/batch`) in one step and returns how many
    /// were created and the users that were not because their username was taken (by an
    /// existing user or earlier in the batch).
    pub(crate) fn batch_create_users(
        &self,
        users: Vec<crate::wire::BatchUser>,
    ) -> (usize, Vec<crate::wire::BatchUser>) {
        let mut store = self.store();
        let mut created = 0;
        let mut existing = Vec::new();
        for batch_user in users {
            if store.usernames.contains_key(&batch_user.username) {
                existing.push(batch_user);
                continue;
            }
            let user_id = fresh_user_id(&store);
            match self.insert_user(
                &mut store,
                user_id,
                batch_user.username.clone(),
                batch_user.full_name.clone(),
            ) {
                Ok(_) => created += 1,
                Err(_) => existing.push(batch_user),
            }
        }
        (created, existing)
    }

    /// Deactivates every workflow installed for the user
    /// (`PUT /users/{userId}/deactivate-workflows`).
    pub(crate) fn deactivate_all_workflows(&self, user_id: &str) -> Result<(), StateError> {
        let mut store = self.store();
        let record = user_mut(&mut store, user_id)?;
        let ids: Vec<String> = record.workflows.keys().cloned().collect();
        for id in ids {
            if let Some(installed) = record.workflows.get_mut(&id)
                && installed.active
            {
                installed.active = false;
                record.touch(&id);
            }
        }
        Ok(())
    }

    // ---- Workflows ----------------------------------------------------------------------

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

    /// Runs the user's installed, active workflow once with `data` (`POST /run/workflow`).
    ///
    /// The run is logged and counted as an event's runs are, and fails in the same cases.
    pub(crate) fn run_workflow(
        &self,
        user_id: &str,
        workflow_id: &str,
        data: &Value,
    ) -> Result<(), StateError> {
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
        run(usage, record, workflow, &version, Some(data), now());
        Ok(())
    }

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

    // ---- Account logs -----------------------------------------------------------------------

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
                current_page: query.skip as u64 / limit + 1,
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

    // ---- Integrations ---------------------------------------------------------------------

    /// Returns the catalog entry that `reference` names: its id or, in any case, its name or
    /// app (connector) name.
    fn integration(&self, reference: &str) -> Result<&CatalogEntry, StateError> {
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
    ) -> Result<crate::wire::IntegrationDetail, StateError> {
        let store = self.store();
        let record = user(&store, user_id)?;
        let entry = self.integration(reference)?;
        let integration = official_integration(entry, record);
        Ok(crate::wire::IntegrationDetail {
            integration_id: integration.integration_id,
            app: integration.primary_connector,
            installed: integration.installed,
            icon: integration.icon,
            workflows: integration.workflows,
            credentials: integration.credentials,
        })
    }

    // ---- Credentials ----------------------------------------------------------------------

    /// Returns the catalog's apps: each connector once, with the first entry that has it.
    fn apps(&self) -> Vec<(&CatalogEntry, String)> {
        let mut seen = HashSet::new();
        self.shared
            .catalog
            .iter()
            .map(|entry| (entry, entry.connector()))
            .filter(|(_, connector)| seen.insert(connector.clone()))
            .collect()
    }

    /// Returns the app named `name` in any case, and its entry.
    fn app(&self, name: &str) -> Result<(&CatalogEntry, String), StateError> {
        self.apps()
            .into_iter()
            .find(|(_, connector)| connector.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| StateError::UnknownApp(name.to_owned()))
    }

    fn metadata(entry: &CatalogEntry, connector: String) -> CredentialMetadata {
        let spec = app_credential(&connector);
        CredentialMetadata {
            connector,
            icon: entry.icon_url.clone(),
            is_oauth: spec.is_oauth,
            properties: spec
                .properties
                .iter()
                .map(|(name, display_name, description)| CredentialProperty {
                    name: (*name).to_owned(),
                    display_name: (*display_name).to_owned(),
                    description: (*description).to_owned(),
                })
                .collect(),
        }
    }

    /// Lists what every app's credential needs (`GET /metadata/credentials`).
    pub(crate) fn credential_metadata(&self) -> Vec<CredentialMetadata> {
        self.apps()
            .into_iter()
            .map(|(entry, connector)| Self::metadata(entry, connector))
            .collect()
    }

    /// Returns what one app's credential needs (`GET /metadata/credentials/{credentialName}`).
    pub(crate) fn credential_metadata_of(
        &self,
        name: &str,
    ) -> Result<CredentialMetadata, StateError> {
        let (entry, connector) = self.app(name)?;
        Ok(Self::metadata(entry, connector))
    }

    /// Builds the OAuth link for the user and app (`GET /headless/oauthUrl`); `param` gives
    /// the query parameters the app's credential metadata lists (such as `shopSubdomain`),
    /// which are required.
    pub(crate) fn oauth_url(
        &self,
        user_id: &str,
        app: &str,
        param: impl Fn(&str) -> Option<String>,
    ) -> Result<String, StateError> {
        user(&self.store(), user_id)?;
        let (_, connector) = self.app(app)?;
        let spec = app_credential(&connector);
        if !spec.is_oauth {
            return Err(StateError::Rejected(format!(
                "App `{connector}` does not connect through OAuth: create its credential with \
                 POST /headless/credentials"
            )));
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("userId", user_id);
        for (name, ..) in spec.properties {
            let value = param(name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| {
                    StateError::Rejected(format!(
                        "Query parameter `{name}` is required for app `{connector}` (see \
                     GET /metadata/credentials/{connector})"
                    ))
                })?;
            query.append_pair(name, &value);
        }
        query.append_pair("state", &format!("{:016x}", fastrand::u64(..)));
        Ok(format!(
            "https://oauth.sandbox.invalid/{connector}/authorize?{}",
            query.finish()
        ))
    }

    /// Creates a credential of the app `app` for the user (`POST /headless/credentials`) and
    /// returns its id. `data` must hold every property the app's metadata lists, as
    /// non-empty strings.
    pub(crate) fn create_credential(
        &self,
        user_id: &str,
        app: &str,
        data: &serde_json::Map<String, Value>,
    ) -> Result<String, StateError> {
        let (entry, connector) = self.app(app).map_err(|_| {
            let known: Vec<String> = self.apps().into_iter().map(|(_, c)| c).collect();
            StateError::Rejected(format!(
                "`credential.type` `{app}` is not an app of the sandbox (known apps: {})",
                known.join(", ")
            ))
        })?;
        for (name, ..) in app_credential(&connector).properties {
            let given = data.get(*name).and_then(Value::as_str).unwrap_or_default();
            if given.is_empty() {
                return Err(StateError::Rejected(format!(
                    "`credential.data.{name}` (a non-empty string) is required for {connector} \
                     credentials (see GET /metadata/credentials/{connector})"
                )));
            }
        }
        let name = format!("{} credential", entry.name);
        let mut store = self.store();
        let Store {
            users,
            credential_owners,
            ..
        } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let id = fresh_id("cred", |id| credential_owners.contains_key(id));
        let at = now();
        record.credentials.push(CredentialRecord {
            id: id.clone(),
            app: connector,
            name,
            created_at: at,
            updated_at: at,
        });
        credential_owners.insert(id.clone(), user_id.to_owned());
        Ok(id)
    }

    /// Lists the user's credentials, oldest first (`GET /credentials/users/{userId}`).
    pub(crate) fn user_credentials(
        &self,
        user_id: &str,
    ) -> Result<Vec<CredentialInfo>, StateError> {
        Ok(user(&self.store(), user_id)?
            .credentials
            .iter()
            .map(|credential| CredentialInfo {
                credential_id: credential.id.clone(),
                kind: credential.app.clone(),
                name: credential.name.clone(),
                created_at: credential.created_at,
                updated_at: credential.updated_at,
            })
            .collect())
    }

    /// Deletes the user's credential (`DELETE /users/{userId}/credentials/{credentialId}`)
    /// and takes it out of the user's installations.
    pub(crate) fn delete_credential(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<(), StateError> {
        let mut store = self.store();
        let Store {
            users,
            credential_owners,
            installations,
            ..
        } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let position = record
            .credentials
            .iter()
            .position(|credential| credential.id == credential_id)
            .ok_or_else(|| StateError::UnknownCredential(credential_id.to_owned()))?;
        record.credentials.remove(position);
        credential_owners.remove(credential_id);
        for id in &record.installations {
            if let Some(installation) = installations.get_mut(id) {
                installation
                    .credential_ids
                    .retain(|_, credential| credential != credential_id);
            }
        }
        Ok(())
    }

    // ---- Installations ----------------------------------------------------------------------

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

    // ---- Analytics ----------------------------------------------------------------------

    /// Sums up the account's actions (`GET /analytics/usage`).
    pub(crate) fn app_usage(&self) -> AppUsage {
        let today = Utc::now().date_naive();
        let (start, end) = billing_cycle(today);
        let store = self.store();
        let days = &store.usage.by_day;
        let three_months = today
            .checked_sub_months(Months::new(3))
            .unwrap_or(NaiveDate::MIN);
        let cycle = sum(days, start, end);
        AppUsage {
            start_date: start,
            end_date: end,
            executions_limit: EXECUTIONS_LIMIT,
            seven_days: sum(days, days_before(today, 6), today),
            thirty_days: sum(days, days_before(today, 29), today),
            last_three_months: sum(days, three_months, today),
            billing_cycle: cycle,
            app_actions: cycle,
            api_actions: 0,
        }
    }

    /// Lists the account's actions per day of the billing cycle, days with actions only
    /// (`GET /analytics/detail-usage-time`).
    pub(crate) fn usage_over_time(&self) -> UsageOverTime {
        let (start, end) = billing_cycle(Utc::now().date_naive());
        let store = self.store();
        let days = &store.usage.by_day;
        UsageOverTime {
            start_date: start,
            end_date: end,
            total_actions: sum(days, start, end),
            data: days
                .range(start..=end.max(start))
                .map(|(day, count)| UsagePeriod {
                    app_actions: *count,
                    month: month_name(*day),
                    year: day.year(),
                    date: *day,
                    api_actions: 0,
                    count: *count,
                })
                .collect(),
            time_period: TIME_PERIOD.to_owned(),
        }
    }

    /// Lists one user's actions per day of the billing cycle
    /// (`GET /analytics/detail-usage-user`): a live user by id or username, or a deleted
    /// user by id (`isDeleted: true`).
    pub(crate) fn user_usage(&self, reference: &str) -> Result<UserUsage, StateError> {
        let (start, end) = billing_cycle(Utc::now().date_naive());
        let store = self.store();
        let live = store.users.get(reference).or_else(|| {
            store
                .usernames
                .get(reference)
                .and_then(|user_id| store.users.get(user_id))
        });
        let (record, is_deleted) = match live {
            Some(record) => (record, false),
            None => (
                store
                    .deleted
                    .get(reference)
                    .ok_or_else(|| StateError::UnknownUser(reference.to_owned()))?,
                true,
            ),
        };
        let user = official_user(record);
        let empty = BTreeMap::new();
        let days = store.usage.by_user.get(&user.user_id).unwrap_or(&empty);
        let created = record.user.created_at;
        Ok(UserUsage {
            total_actions: sum(days, start, end),
            data: {
                days.range(start..=end.max(start))
                    .map(|(day, count)| UserUsagePeriod {
                        month: month_name(*day),
                        user_name: user.username.clone(),
                        is_deleted,
                        date: *day,
                        user_id: user.user_id.clone(),
                        user_created_date: created.map(|at| at.date_naive()),
                        api_actions: 0,
                        count: *count,
                        app_actions: *count,
                    })
                    .collect()
            },
            user_name: user.username,
            user_id: user.user_id,
            user_created_date: created,
            is_deleted,
            start_date: start,
            end_date: end,
            time_period: TIME_PERIOD.to_owned(),
        })
    }
}

/// Returns the user's credential `credential_id`, which must be for `app`.
fn credential_of<'r>(
    record: &'r UserRecord,
    credential_id: &str,
    app: &str,
) -> Result<&'r CredentialRecord, StateError> {
    let credential = record
        .credentials
        .iter()
        .find(|credential| credential.id == credential_id)
        .ok_or_else(|| StateError::UnknownCredential(credential_id.to_owned()))?;
    if credential.app != app {
        return Err(StateError::Rejected(format!(
            "Credential `{credential_id}` is a {} credential; this installation needs a {app} \
             credential",
            credential.app
        )));
    }
    Ok(credential)
}
