//! Credentials: creating, listing and deleting a user's credentials, OAuth links, and what
//! each app's credential needs.

use std::collections::HashSet;

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::infra::catalog::{CatalogEntry, app_credential};
use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::infra::store::{Store, UserRecord, fresh_id, now, user};
use crate::routes::{ApiError, Input, data, json, list, required};
use crate::wire::SuccessFlag;

// ---- Wire types ------------------------------------------------------------------------------

/// The answer of `GET /headless/oauthUrl`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OauthUrl {
    pub(crate) oauth_url: String,
}

/// The answer of `POST /headless/credentials`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedCredential {
    pub(crate) success: bool,
    pub(crate) credential_id: String,
}

/// An entry of `GET /credentials/users/{userId}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialInfo {
    pub(crate) credential_id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// What an app's credential needs (`GET /metadata/credentials[/{credentialName}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialMetadata {
    pub(crate) connector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) icon: Option<String>,
    pub(crate) is_oauth: bool,
    pub(crate) properties: Vec<CredentialProperty>,
}

/// A property of an app's credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialProperty {
    pub(crate) name: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
}

/// The body of `POST /headless/credentials`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateCredentialRequest {
    pub(crate) credential: CredentialBody,
    pub(crate) user_id: String,
}

/// The `credential` of `POST /headless/credentials`: the app (`type`) and its fields.
#[derive(Deserialize)]
pub(crate) struct CredentialBody {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) data: Option<serde_json::Map<String, Value>>,
}

// ---- State -----------------------------------------------------------------------------------

/// A credential of a user.
#[derive(Debug, Clone)]
pub(crate) struct CredentialRecord {
    pub(crate) id: String,
    /// The app (connector) the credential is for, such as `shopify`.
    pub(crate) app: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl SandboxState {
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
}

/// Returns the user's credential `credential_id`, which must be for `app`.
pub(crate) fn credential_of<'r>(
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

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn generate_oauth_link(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.query_user(state)?;
    let app = input.required_query("app")?;
    let oauth_url = state.oauth_url(&user_id, &app, |name| input.query_param(name))?;
    Ok(json(StatusCode::OK, &OauthUrl { oauth_url }))
}

pub(crate) fn create_credential(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: CreateCredentialRequest = input.json()?;
    required("userId", &body.user_id)?;
    required("credential.type", &body.credential.kind)?;
    let user_id = state.resolve_user(&body.user_id)?;
    let credential_id = state.create_credential(
        &user_id,
        &body.credential.kind,
        &body.credential.data.unwrap_or_default(),
    )?;
    Ok(json(
        StatusCode::OK,
        &CreatedCredential {
            success: true,
            credential_id,
        },
    ))
}

pub(crate) fn list_user_credentials(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    Ok(list(state.user_credentials(&user_id)?))
}

pub(crate) fn delete_credential(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    let credential_id = input.path_param("credentialId")?;
    state.delete_credential(&user_id, &credential_id)?;
    Ok(json(StatusCode::OK, &SuccessFlag { success: true }))
}

pub(crate) fn get_credential_metadata(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(list(state.credential_metadata()))
}

pub(crate) fn credential_metadata_by_app(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let name = input.path_param("credentialName")?;
    Ok(data(state.credential_metadata_of(&name)?))
}

#[cfg(test)]
mod tests;
