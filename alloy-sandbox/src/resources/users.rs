//! Users: creating, listing, reading, updating and deleting them, in one go or in batches;
//! their tokens; purging their logs; deactivating all their workflows.

use std::collections::HashMap;

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::contract::Outcome;
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{Store, UserRecord, now, user, user_mut};
use crate::infra::tokens::Claims;
use crate::resources::workflows::{Stamps, installation};
use crate::routes::{ApiError, Input, json, list, message};
use crate::wire::SuccessFlag;

/// The most users one `POST /users/batch` may create.
const MAX_BATCH: usize = 1000;

// ---- Wire types ------------------------------------------------------------------------------

/// A user as the sandbox keeps it and answers it (`POST /users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id, such as `usr_0123456789abcdef`.
    pub user_id: String,
    /// The unique username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The full display name, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// When the user was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

/// The body of `GET /users/{userId}/token`.
#[derive(Serialize, Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) token: String,
}

/// The official answer of `POST /users`: only the new user's id.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedUser {
    pub(crate) user_id: String,
}

/// A user as the official `GET /users`, `GET /users/{userId}` and `PUT /users/{userId}`
/// answer it. The reference makes all three fields required on `get-a-user`, so a user
/// created without a full name shows `""`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OfficialUser {
    pub(crate) user_id: String,
    pub(crate) full_name: String,
    pub(crate) username: String,
}

/// A user of `POST /users/batch`, in the request and in the answer's `invalidUsers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUser {
    pub(crate) username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) full_name: Option<String>,
}

/// The answer of `POST /users/batch`: a summary and the users that were not created because
/// they already existed (or appeared twice in the batch).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchResult {
    pub(crate) message: String,
    pub(crate) invalid_users: Vec<BatchUser>,
}

/// The body of `POST /users`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateUserRequest {
    pub(crate) username: String,
    #[serde(default)]
    pub(crate) full_name: Option<String>,
}

/// The body of `PUT /users/{userId}`: the fields to change.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateUserRequest {
    #[serde(default)]
    pub(crate) username: Option<String>,
    #[serde(default)]
    pub(crate) full_name: Option<String>,
}

/// The body of `POST /users/batch`.
#[derive(Deserialize)]
pub(crate) struct BatchCreateRequest {
    pub(crate) users: Vec<BatchUser>,
}

// ---- State -----------------------------------------------------------------------------------

impl SandboxState {
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
        let user_id = fresh_user_id(&store);
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
                let stamps = Stamps {
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
        store.make_room_for_user(self.shared.bounds.users);
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
    pub(crate) fn batch_create_users(&self, users: Vec<BatchUser>) -> (usize, Vec<BatchUser>) {
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
}

pub(crate) fn official_user(record: &UserRecord) -> OfficialUser {
    OfficialUser {
        user_id: record.user.user_id.clone(),
        full_name: record.user.full_name.clone().unwrap_or_default(),
        username: record.user.username.clone().unwrap_or_default(),
    }
}

/// Returns a user id no user, live or deleted, has.
pub(crate) fn fresh_user_id(store: &Store) -> String {
    loop {
        let candidate = format!("usr_{:016x}", fastrand::u64(..));
        if !store.users.contains_key(&candidate) && !store.deleted.contains_key(&candidate) {
            return candidate;
        }
    }
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn create_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let contract = input.contract;
    let body: CreateUserRequest = input.json()?;
    let user = state.create_user(body.username, body.full_name)?;
    Ok(contract.answer(Outcome::UserCreated(user)))
}

pub(crate) fn list_all_users(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let parent = input
        .query_param("parentWorkflowId")
        .filter(|id| !id.is_empty());
    Ok(list(state.list_users(parent.as_deref())?))
}

pub(crate) fn get_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    Ok(json(StatusCode::OK, &state.official_user(&user_id)?))
}

pub(crate) fn update_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    let body: UpdateUserRequest = input.json()?;
    let user = state.update_user(&user_id, body.username, body.full_name)?;
    Ok(json(StatusCode::OK, &user))
}

pub(crate) fn delete_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    state.delete_user(&user_id)?;
    Ok(json(StatusCode::OK, &SuccessFlag { success: true }))
}

/// Creates the users whose usernames are free and lists the others in `invalidUsers`. As the
/// 2024-03 reference documented, a batch without users is a 400 "No valid users provided" and
/// one whose users all exist a 400 "All users already exist".
pub(crate) fn batch_create_users(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: BatchCreateRequest = input.json()?;
    if body.users.is_empty() {
        return Err(ApiError::bad_request("No valid users provided"));
    }
    if body.users.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!(
            "A batch creates at most {MAX_BATCH} users, not {}",
            body.users.len()
        )));
    }
    if let Some(index) = body
        .users
        .iter()
        .position(|user| user.username.trim().is_empty())
    {
        return Err(ApiError::bad_request(format!(
            "`users[{index}].username` must not be empty"
        )));
    }
    let (created, existing) = state.batch_create_users(body.users);
    if created == 0 {
        return Err(ApiError::bad_request("All users already exist"));
    }
    Ok(json(
        StatusCode::OK,
        &BatchResult {
            message: format!(
                "{created} users created, {} already existed",
                existing.len()
            ),
            invalid_users: existing,
        },
    ))
}

pub(crate) fn disable_all_workflows_for_user(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    state.deactivate_all_workflows(&user_id)?;
    Ok(message("Success"))
}

pub(crate) fn generate_user_token(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.contract.path_user(state, &input)?;
    let token = state.issue_token(&user_id)?;
    Ok(json(StatusCode::OK, &TokenResponse { token }))
}

pub(crate) fn delete_user_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.contract.path_user(state, &input)?;
    state.purge_logs(&user_id)?;
    Ok(input.contract.answer(Outcome::LogsPurged))
}

#[cfg(test)]
mod tests;
