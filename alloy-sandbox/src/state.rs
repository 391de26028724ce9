//! The sandbox's state: users, installed workflows, logs and errors, faults and counters.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, SubsecRound as _, Utc};
use ring::hmac;
use serde_json::Value;

use crate::infra::catalog::{CatalogEntry, CatalogWorkflow};
use crate::infra::faults::{Fault, FaultHit};
use crate::infra::tokens::{Claims, TokenError, TokenSigner};
use crate::operations::Operation;
use crate::wire::{
    Connector, Execution, ExecutionInput, ExecutionResult, Integration, IntegrationList,
    OfficialError, OfficialIntegration, OfficialWorkflow, User, WorkflowError, WorkflowErrorList,
    WorkflowLog, WorkflowLogList, WorkflowLogStatus,
};

mod official;

/// The error message of runs that fail because the event data asked for it.
const REQUESTED_FAILURE: &str = "Workflow run failed: the event data requested a failure";

/// A cloneable handle on a sandbox's state, for arranging and inspecting it from Rust.
///
/// Every method locks the state briefly, so a handle can be used while requests are served.
/// Seeding methods apply the same rules as the HTTP API (known users, catalog workflows and
/// versions) and report violations as [`StateError`]s.
#[derive(Clone)]
pub struct SandboxState {
    shared: Arc<Shared>,
}

struct Shared {
    catalog: Vec<CatalogEntry>,
    api_key_mac: hmac::Key,
    api_key_tag: hmac::Tag,
    signer: TokenSigner,
    token_ttl: Duration,
    store: Mutex<Store>,
    faults: Mutex<VecDeque<Fault>>,
    request_counts: [AtomicU64; Operation::ALL.len()],
}

#[derive(Default)]
struct Store {
    users: BTreeMap<String, UserRecord>,
    /// Maps each username to the id of its user.
    usernames: HashMap<String, String>,
    /// Users deleted with `DELETE /users/{userId}`, by id: without workflows, credentials or
    /// installations, but with their logs and errors, which the reference keeps.
    deleted: BTreeMap<String, UserRecord>,
    /// The next creation number: users, credentials and installations list in creation
    /// order.
    next_seq: u64,
    /// Maps each credential id to the id of the user it belongs to.
    credential_owners: HashMap<String, String>,
    /// Installations, started and completed, by id.
    installations: HashMap<String, official::InstallationRecord>,
    /// What the sandbox ran, for the analytics operations; never purged.
    usage: official::Usage,
}

impl Store {
    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

struct UserRecord {
    user: User,
    /// The creation number, which orders users as they were created.
    seq: u64,
    workflows: BTreeMap<String, InstalledWorkflow>,
    /// When each installed workflow was installed and last changed, by workflow id.
    stamps: HashMap<String, official::Stamps>,
    logs: Vec<WorkflowLog>,
    errors: Vec<WorkflowError>,
    /// The event data each run of `POST /run/event` was given, by log id (the official
    /// contract shows it as the execution's input).
    inputs: HashMap<String, Value>,
    /// What the sandbox knows of each run it made, by log id (seeded logs have none).
    runs: HashMap<String, official::RunMeta>,
    /// The user's credentials, oldest first.
    credentials: Vec<official::CredentialRecord>,
    /// The ids of the user's installations, started or completed.
    installations: Vec<String>,
}

impl UserRecord {
    /// Records that the installed workflow changed now (installed when it was not).
    fn touch(&mut self, workflow_id: &str) {
        let at = now();
        self.stamps
            .entry(workflow_id.to_owned())
            .and_modify(|stamps| stamps.updated_at = at)
            .or_insert(official::Stamps {
                installed_at: at,
                updated_at: at,
            });
    }
}

/// A workflow as installed for one user: its version and whether events run it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstalledWorkflow {
    /// The installed version, one of the catalog workflow's versions.
    pub version: String,
    /// Whether events run the workflow; deactivated workflows do not run.
    pub active: bool,
}

/// The reason the sandbox refuses a change to its state.
///
/// The HTTP API answers the variants for which [`is_not_found`](StateError::is_not_found)
/// holds with 404 and the others with 400, with the error's `Display` text as the message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateError {
    /// No user has this id.
    UnknownUser(String),
    /// The catalog has no workflow with this id.
    UnknownWorkflow(String),
    /// The workflow exists in the catalog but is not installed for the user.
    NotInstalled {
        /// The user's id.
        user_id: String,
        /// The workflow's id.
        workflow_id: String,
    },
    /// A user with this id already exists.
    DuplicateUserId(String),
    /// A user with this username already exists.
    DuplicateUsername(String),
    /// The workflow has no such version.
    UnknownVersion {
        /// The workflow's id.
        workflow_id: String,
        /// The requested version.
        version: String,
        /// The workflow's known versions, oldest first.
        known: Vec<String>,
    },
    /// An upgrade names a version that is not newer than the installed one.
    NotNewer {
        /// The workflow's id.
        workflow_id: String,
        /// The installed version.
        current: String,
        /// The requested version.
        requested: String,
    },
    /// An upgrade to the latest version finds the workflow already there.
    AlreadyLatest {
        /// The workflow's id.
        workflow_id: String,
        /// The installed (latest) version.
        version: String,
    },
    /// An identifier or name is empty.
    Empty(&'static str),
    /// The catalog has no integration with this id or name.
    UnknownIntegration(String),
    /// No installation has this id (or none of the user's installations matches).
    UnknownInstallation(String),
    /// The user has no credential with this id.
    UnknownCredential(String),
    /// No app (connector) of the catalog has this name.
    UnknownApp(String),
    /// The workflow is installed for the user but deactivated, so it cannot run.
    NotActive {
        /// The user's id.
        user_id: String,
        /// The workflow's id.
        workflow_id: String,
    },
    /// The request cannot be carried out as it stands; the text says why.
    Rejected(String),
}

impl StateError {
    /// Returns whether the error means that something does not exist (an HTTP 404).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StateError::UnknownUser(_)
                | StateError::UnknownWorkflow(_)
                | StateError::NotInstalled { .. }
                | StateError::UnknownIntegration(_)
                | StateError::UnknownInstallation(_)
                | StateError::UnknownCredential(_)
                | StateError::UnknownApp(_)
        )
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::UnknownUser(id) => write!(f, "User `{id}` not found"),
            StateError::UnknownWorkflow(id) => write!(f, "Workflow `{id}` not found"),
            StateError::NotInstalled {
                user_id,
                workflow_id,
            } => write!(
                f,
                "Workflow `{workflow_id}` is not installed for user `{user_id}`"
            ),
            StateError::DuplicateUserId(id) => write!(f, "A user with id `{id}` already exists"),
            StateError::DuplicateUsername(name) => {
                write!(f, "A user with username `{name}` already exists")
            }
            StateError::UnknownVersion {
                workflow_id,
                version,
                known,
            } => write!(
                f,
                "Workflow `{workflow_id}` has no version `{version}` (known versions: {})",
                known.join(", ")
            ),
            StateError::NotNewer {
                workflow_id,
                current,
                requested,
            } => write!(
                f,
                "Cannot upgrade workflow `{workflow_id}` from version {current} to {requested}: \
                 the target version must be newer than the installed one"
            ),
            StateError::AlreadyLatest {
                workflow_id,
                version,
            } => write!(
                f,
                "Workflow `{workflow_id}` is already at the latest version {version}"
            ),
            StateError::Empty(what) => write!(f, "`{what}` must not be empty"),
            StateError::UnknownIntegration(id) => write!(f, "Integration `{id}` not found"),
            StateError::UnknownInstallation(id) => write!(f, "Installation `{id}` not found"),
            StateError::UnknownCredential(id) => write!(f, "Credential `{id}` not found"),
            StateError::UnknownApp(name) => write!(f, "App `{name}` not found"),
            StateError::NotActive {
                user_id,
                workflow_id,
            } => write!(
                f,
                "Workflow `{workflow_id}` is deactivated for user `{user_id}`: activate it first"
            ),
            StateError::Rejected(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for StateError {}

impl fmt::Debug for SandboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxState")
            .field("users", &self.user_count())
            .field("catalog_entries", &self.shared.catalog.len())
            .field("pending_faults", &self.pending_faults())
            .finish_non_exhaustive()
    }
}

impl SandboxState {
    /// Creates the state of a new sandbox with fresh random signing keys.
    pub(crate) fn new(
        api_key: &str,
        catalog: Vec<CatalogEntry>,
        token_ttl: Duration,
    ) -> std::io::Result<Self> {
        let rng = ring::rand::SystemRandom::new();
        let key = |rng| {
            hmac::Key::generate(hmac::HMAC_SHA256, rng)
                .map_err(|_| std::io::Error::other("no system randomness for the sandbox keys"))
        };
        let api_key_mac = key(&rng)?;
        let api_key_tag = hmac::sign(&api_key_mac, api_key.as_bytes());
        Ok(Self {
            shared: Arc::new(Shared {
                catalog,
                api_key_mac,
                api_key_tag,
                signer: TokenSigner::new(key(&rng)?),
                token_ttl,
                store: Mutex::default(),
                faults: Mutex::default(),
                request_counts: std::array::from_fn(|_| AtomicU64::new(0)),
            }),
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // No code panics while holding the lock; should one ever do, the state is still
        // consistent (every change is made in one step), so poisoning is ignored.
        self.shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn catalog_workflow(&self, workflow_id: &str) -> Result<&CatalogWorkflow, StateError> {
        self.shared
            .catalog
            .iter()
            .flat_map(|entry| &entry.workflows)
            .find(|workflow| workflow.workflow_id == workflow_id)
            .ok_or_else(|| StateError::UnknownWorkflow(workflow_id.to_owned()))
    }

    /// Returns the catalog entry that brings the workflow, and the workflow.
    fn catalog_entry_of(
        &self,
        workflow_id: &str,
    ) -> Result<(&CatalogEntry, &CatalogWorkflow), StateError> {
        self.shared
            .catalog
            .iter()
            .flat_map(|entry| {
                entry
                    .workflows
                    .iter()
                    .map(move |workflow| (entry, workflow))
            })
            .find(|(_, workflow)| workflow.workflow_id == workflow_id)
            .ok_or_else(|| StateError::UnknownWorkflow(workflow_id.to_owned()))
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

    /// Returns the id of the user that `reference` names: a user id or, failing that, a
    /// username (the official contract's "User id or username").
    pub fn resolve_user(&self, reference: &str) -> Result<String, StateError> {
        let store = self.store();
        if store.users.contains_key(reference) {
            return Ok(reference.to_owned());
        }
        store
            .usernames
            .get(reference)
            .cloned()
            .ok_or_else(|| StateError::UnknownUser(reference.to_owned()))
    }

    /// Returns the integration catalog the sandbox serves.
    pub fn catalog(&self) -> &[CatalogEntry] {
        &self.shared.catalog
    }

    // ---- Authentication and tokens -------------------------------------------------------

    /// Returns whether `presented` is the sandbox's API key, comparing in constant time.
    pub(crate) fn is_api_key(&self, presented: &str) -> bool {
        hmac::verify(
            &self.shared.api_key_mac,
            presented.as_bytes(),
            self.shared.api_key_tag.as_ref(),
        )
        .is_ok()
    }

    /// Checks a user token this sandbox issued and returns its claims.
    ///
    /// The token must be an HS256 JWT signed with this sandbox's secret (every sandbox has its
    /// own) whose `exp` has not passed.
    pub fn verify_token(&self, token: &str) -> Result<Claims, TokenError> {
        self.shared.signer.verify(token, Utc::now().timestamp())
    }

    /// Issues a token for the user `user_id` (`GET /users/{userId}/token`).
    pub(crate) fn issue_token(&self, user_id: &str) -> Result<String, StateError> {
        if !self.store().users.contains_key(user_id) {
            return Err(StateError::UnknownUser(user_id.to_owned()));
        }
        let iat = Utc::now().timestamp();
        let ttl = i64::try_from(self.shared.token_ttl.as_secs()).unwrap_or(i64::MAX);
        Ok(self.shared.signer.sign(&Claims {
            sub: user_id.to_owned(),
            iat,
            exp: iat.saturating_add(ttl),
        }))
    }

    // ---- Faults and counters ----------------------------------------------------------

    /// Queues a fault behind the faults already injected; see [`Fault`] for how it applies.
    pub fn inject_fault(&self, fault: Fault) {
        if fault.remaining > 0 {
            self.faults().push_back(fault);
        }
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.faults().clear();
    }

    /// Returns how many injected faults still have calls left to affect.
    pub fn pending_faults(&self) -> usize {
        self.faults().len()
    }

    /// Takes one call from the first queued fault that matches `operation`.
    pub(crate) fn take_fault(&self, operation: Operation) -> Option<FaultHit> {
        let mut faults = self.faults();
        let index = faults.iter().position(|fault| fault.matches(operation))?;
        let fault = &mut faults[index];
        let hit = FaultHit::of(fault);
        fault.remaining -= 1;
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(hit)
    }

    /// Counts one request received for `operation`.
    pub(crate) fn record_request(&self, operation: Operation) {
        self.shared.request_counts[operation.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Returns how many requests for `operation` the sandbox has received.
    ///
    /// Every request routed to the operation counts, including those answered by a fault or
    /// with an error status; requests to unknown routes or with a wrong method count nowhere.
    pub fn request_count(&self, operation: Operation) -> u64 {
        self.shared.request_counts[operation.index()].load(Ordering::SeqCst)
    }

    /// Returns how many requests the sandbox has received for all operations together.
    pub fn total_request_count(&self) -> u64 {
        Operation::ALL
            .into_iter()
            .map(|operation| self.request_count(operation))
            .sum()
    }

    /// Sets every request counter back to zero.
    pub fn reset_request_counts(&self) {
        for count in &self.shared.request_counts {
            count.store(0, Ordering::SeqCst);
        }
    }

    // ---- Users --------------------------------------------------------------------------

    /// Adds a user with a chosen id, installing the catalog's workflows as for a new user.
    ///
    /// Fails if the id or username is empty or already taken.
    pub fn add_user(
        &self,
        user_id: impl Into<String>,
        username: impl Into<String>,
    ) -> Result<User, StateError> {
        let user_id = user_id.into();
        if user_id.is_empty() {
            return Err(StateError::Empty("userId"));
        }
        let mut store = self.store();
        if store.users.contains_key(&user_id) {
            return Err(StateError::DuplicateUserId(user_id));
        }
        self.insert_user(&mut store, user_id, username.into(), None)
    }

    /// Creates a user with a generated id (`POST /users`).
    pub(crate) fn create_user(
        &self,
        username: String,
        full_name: Option<String>,
    ) -> Result<User, StateError> {
        let mut store = self.store();
        let user_id = official::fresh_user_id(&store);
        self.insert_user(&mut store, user_id, username, full_name)
    }

    fn insert_user(
        &self,
        store: &mut Store,
        user_id: String,
        username: String,
        full_name: Option<String>,
    ) -> Result<User, StateError> {
        if username.trim().is_empty() {
            return Err(StateError::Empty("username"));
        }
        if store.usernames.contains_key(&username) {
            return Err(StateError::DuplicateUsername(username));
        }
        let created_at = now();
        let auto_installed = self
            .shared
            .catalog
            .iter()
            .filter(|entry| entry.auto_install)
            .flat_map(|entry| &entry.workflows);
        let workflows = auto_installed
            .clone()
            .map(|workflow| (workflow.workflow_id.clone(), installation(workflow)))
            .collect();
        let stamps = auto_installed
            .map(|workflow| {
                let stamps = official::Stamps {
                    installed_at: created_at,
                    updated_at: created_at,
                };
                (workflow.workflow_id.clone(), stamps)
            })
            .collect();
        let user = User {
            user_id: user_id.clone(),
            username: Some(username.clone()),
            full_name,
            created_at: Some(created_at),
        };
        let seq = store.next_seq();
        store.usernames.insert(username, user_id.clone());
        store.users.insert(
            user_id,
            UserRecord {
                user: user.clone(),
                seq,
                workflows,
                stamps,
                logs: Vec::new(),
                errors: Vec::new(),
                inputs: HashMap::new(),
                runs: HashMap::new(),
                credentials: Vec::new(),
                installations: Vec::new(),
            },
        );
        Ok(user)
    }

    /// Returns the user with this id.
    pub fn user(&self, user_id: &str) -> Option<User> {
        self.store()
            .users
            .get(user_id)
            .map(|record| record.user.clone())
    }

    /// Returns every user, ordered by user id.
    pub fn users(&self) -> Vec<User> {
        self.store()
            .users
            .values()
            .map(|record| record.user.clone())
            .collect()
    }

    /// Returns how many users exist.
    pub fn user_count(&self) -> usize {
        self.store().users.len()
    }

    // ---- Installed workflows -------------------------------------------------------------

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
        official::uninstall(&mut store, user_id, workflow_id)
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

    // ---- Integrations ----------------------------------------------------------------------

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

    // ---- Events, logs and errors -----------------------------------------------------------

    /// Runs the user's active workflows that listen to `event` (`POST /run/event`) and returns
    /// how many ran.
    ///
    /// Each run appends a log. A run fails, and also appends an error, when the installed
    /// version is one the catalog marks as failing, or when `data` has `"fail": true` (every
    /// run fails) or `"fail": "<workflowId>"` (that workflow's run fails).
    pub(crate) fn trigger_event(
        &self,
        user_id: &str,
        event: &str,
        data: Option<&Value>,
    ) -> Result<usize, StateError> {
        let mut store = self.store();
        let Store { users, usage, .. } = &mut *store;
        let record = users
            .get_mut(user_id)
            .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))?;
        let executed_at = now();
        let mut runs = 0;
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
            runs += 1;
            let version = installed.version.clone();
            run(usage, record, workflow, &version, data, executed_at);
        }
        Ok(runs)
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

    /// Deletes every log and error of the user (`DELETE /users/{userId}/logs`).
    pub fn purge_logs(&self, user_id: &str) -> Result<(), StateError> {
        let mut store = self.store();
        let record = user_mut(&mut store, user_id)?;
        record.logs.clear();
        record.errors.clear();
        record.inputs.clear();
        record.runs.clear();
        Ok(())
    }

    /// Appends a log to the user's logs, as if a workflow had run.
    pub fn add_log(&self, user_id: &str, log: WorkflowLog) -> Result<(), StateError> {
        user_mut(&mut self.store(), user_id)?.logs.push(log);
        Ok(())
    }

    /// Appends an error to the user's errors, as if a workflow run had failed.
    pub fn add_error(&self, user_id: &str, error: WorkflowError) -> Result<(), StateError> {
        user_mut(&mut self.store(), user_id)?.errors.push(error);
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

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// Runs the user's installed `workflow` at `version` once: appends a log (and an error when
/// the run fails) and counts the run for the analytics.
///
/// A run fails when `version` is one the catalog marks as failing, or when `data` has
/// `"fail": true` (every run fails) or `"fail": "<workflowId>"` (that workflow's run fails).
fn run(
    usage: &mut official::Usage,
    record: &mut UserRecord,
    workflow: &CatalogWorkflow,
    version: &str,
    data: Option<&Value>,
    executed_at: DateTime<Utc>,
) {
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
        official::RunMeta {
            version: workflow.version_number(version),
            message: failure.map(str::to_owned),
        },
    );
    record.logs.push(WorkflowLog {
        log_id,
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

fn installation(workflow: &CatalogWorkflow) -> InstalledWorkflow {
    InstalledWorkflow {
        version: workflow.first_version().to_owned(),
        active: true,
    }
}

fn user<'s>(store: &'s Store, user_id: &str) -> Result<&'s UserRecord, StateError> {
    store
        .users
        .get(user_id)
        .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))
}

fn user_mut<'s>(store: &'s mut Store, user_id: &str) -> Result<&'s mut UserRecord, StateError> {
    store
        .users
        .get_mut(user_id)
        .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))
}

fn not_installed(user_id: &str, workflow_id: &str) -> StateError {
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
