//! The store: every user's record, the deleted users, installations, credentials and usage,
//! all behind the one lock of [`SandboxState`](super::state::SandboxState).
//!
//! Every operation takes the lock once, never calls another locking method while it holds
//! it, and does not panic while holding it; each change is made in one step, so the store
//! is consistent whenever the lock is free.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, SubsecRound as _, Utc};
use serde_json::Value;

use super::error::StateError;
use crate::resources::analytics::Usage;
use crate::resources::credentials::CredentialRecord;
use crate::resources::installations::InstallationRecord;
use crate::resources::runs::RunMeta;
use crate::resources::workflows::{InstalledWorkflow, Stamps};
use crate::wire::{User, WorkflowError, WorkflowLog};

/// Everything the operations change, behind the one lock of the state.
#[derive(Default)]
pub(crate) struct Store {
    pub(crate) users: BTreeMap<String, UserRecord>,
    /// Maps each username to the id of its user.
    pub(crate) usernames: HashMap<String, String>,
    /// Users deleted with `DELETE /users/{userId}`, by id: without workflows, credentials or
    /// installations, but with their logs and errors, which the reference keeps.
    pub(crate) deleted: BTreeMap<String, UserRecord>,
    /// The next creation number: users, credentials and installations list in creation
    /// order.
    pub(crate) next_seq: u64,
    /// Maps each credential id to the id of the user it belongs to.
    pub(crate) credential_owners: HashMap<String, String>,
    /// Installations, started and completed, by id.
    pub(crate) installations: HashMap<String, InstallationRecord>,
    /// What the sandbox ran, for the analytics operations; never purged.
    pub(crate) usage: Usage,
}

impl Store {
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// A user and everything that is theirs: installed workflows, runs, credentials and
/// installations.
pub(crate) struct UserRecord {
    pub(crate) user: User,
    /// The creation number, which orders users as they were created.
    pub(crate) seq: u64,
    pub(crate) workflows: BTreeMap<String, InstalledWorkflow>,
    /// When each installed workflow was installed and last changed, by workflow id.
    pub(crate) stamps: HashMap<String, Stamps>,
    pub(crate) logs: Vec<WorkflowLog>,
    pub(crate) errors: Vec<WorkflowError>,
    /// The event data each run of `POST /run/event` was given, by log id (the official
    /// contract shows it as the execution's input).
    pub(crate) inputs: HashMap<String, Value>,
    /// What the sandbox knows of each run it made, by log id (seeded logs have none).
    pub(crate) runs: HashMap<String, RunMeta>,
    /// The user's credentials, oldest first.
    pub(crate) credentials: Vec<CredentialRecord>,
    /// The ids of the user's installations, started or completed.
    pub(crate) installations: Vec<String>,
}

impl UserRecord {
    /// Records that the installed workflow changed now (installed when it was not).
    pub(crate) fn touch(&mut self, workflow_id: &str) {
        let at = now();
        self.stamps
            .entry(workflow_id.to_owned())
            .and_modify(|stamps| stamps.updated_at = at)
            .or_insert(Stamps {
                installed_at: at,
                updated_at: at,
            });
    }
}

/// Returns the current instant to the millisecond, as the contract's timestamps have it.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// Returns the record of the (live) user `user_id`.
pub(crate) fn user<'s>(store: &'s Store, user_id: &str) -> Result<&'s UserRecord, StateError> {
    store
        .users
        .get(user_id)
        .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))
}

/// Returns the record of the (live) user `user_id`, to change it.
pub(crate) fn user_mut<'s>(
    store: &'s mut Store,
    user_id: &str,
) -> Result<&'s mut UserRecord, StateError> {
    store
        .users
        .get_mut(user_id)
        .ok_or_else(|| StateError::UnknownUser(user_id.to_owned()))
}

/// Returns `prefix_` and 16 random hex digits that `taken` does not hold.
pub(crate) fn fresh_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let candidate = format!("{prefix}_{:016x}", fastrand::u64(..));
        if !taken(&candidate) {
            return candidate;
        }
    }
}
