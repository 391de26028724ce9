//! The handlers of the 28 operations only Alloy's official reference has (a seed sandbox does
//! not route them). Users are named by id or username wherever the reference says
//! "User id or username", as the other official operations do.

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::{ApiError, Input, json, message, required};
use crate::logquery::LogQuery;
use crate::state::SandboxState;
use crate::wire::{
    BatchCreateRequest, BatchResult, CompleteInstallationRequest, CreateCredentialRequest,
    CreatedCredential, DataItem, DataList, DeletedResponse, EditInstallationRequest, OauthUrl,
    RunWorkflowRequest, StartInstallationRequest, SuccessFlag, UpdateUserRequest,
};

/// The most users one `POST /users/batch` may create.
const MAX_BATCH: usize = 1000;

fn data<T: serde::Serialize>(data: T) -> Response {
    json(StatusCode::OK, &DataItem { data })
}

fn list<T: serde::Serialize>(data: Vec<T>) -> Response {
    json(StatusCode::OK, &DataList { data })
}

// ---- Users ---------------------------------------------------------------------------------

pub(super) fn list_all_users(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let parent = input
        .query_param("parentWorkflowId")
        .filter(|id| !id.is_empty());
    Ok(list(state.list_users(parent.as_deref())?))
}

pub(super) fn get_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    Ok(json(StatusCode::OK, &state.official_user(&user_id)?))
}

pub(super) fn update_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    let body: UpdateUserRequest = input.json()?;
    let user = state.update_user(&user_id, body.username, body.full_name)?;
    Ok(json(StatusCode::OK, &user))
}

pub(super) fn delete_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    state.delete_user(&user_id)?;
    Ok(json(StatusCode::OK, &SuccessFlag { success: true }))
}

/// Creates the users whose usernames are free and lists the others in `invalidUsers`. As the
/// 2024-03 reference documented, a batch without users is a 400 "No valid users provided" and
/// one whose users all exist a 400 "All users already exist".
pub(super) fn batch_create_users(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
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

pub(super) fn disable_all_workflows_for_user(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    state.deactivate_all_workflows(&user_id)?;
    Ok(message("Success"))
}

// ---- Workflows -----------------------------------------------------------------------------

pub(super) fn find_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let user_id = input.query_user(state)?;
    Ok(data(state.workflow_detail(&user_id, &workflow_id)?))
}

pub(super) fn delete_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let user_id = input.query_user(state)?;
    state.delete_workflow(&user_id, &workflow_id)?;
    Ok(json(StatusCode::OK, &DeletedResponse { deleted: true }))
}

pub(super) fn list_users_by_workflow_id(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    Ok(list(state.workflow_users(&workflow_id)?))
}

pub(super) fn get_workflow_analytics(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    Ok(json(
        StatusCode::OK,
        &state.workflow_analytics(&workflow_id)?,
    ))
}

/// Runs one workflow for a user. The rendered reference marks `workflowName`, `workflowId`,
/// `userId` and `data` all required while describing the first two as alternatives (and
/// 2024-03 required only `userId` and `data`): the sandbox requires `userId`, `data` (an
/// object) and either workflow field; given both, they must name the same workflow.
pub(super) fn run_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
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

pub(super) fn list_events(state: &SandboxState, _input: Input) -> Result<Response, ApiError> {
    Ok(list(state.events()))
}

pub(super) fn get_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let query = LogQuery::parse(|name| input.query_param(name)).map_err(ApiError::bad_request)?;
    Ok(json(StatusCode::OK, &state.log_page(&query)))
}

// ---- Integrations and installations --------------------------------------------------------

pub(super) fn get_integration(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let integration = input.path_param("integrationId")?;
    let user_id = input.query_user(state)?;
    Ok(data(state.integration_detail(&user_id, &integration)?))
}

pub(super) fn get_all_installations(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(list(state.installations()))
}

pub(super) fn get_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let installation_id = input.path_param("installationId")?;
    Ok(data(state.installation(&installation_id)?))
}

pub(super) fn start_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: StartInstallationRequest = input.json()?;
    required("userId", &body.user_id)?;
    required("integrationId", &body.integration_id)?;
    let user_id = state.resolve_user(&body.user_id)?;
    let started = state.start_installation(
        &user_id,
        &body.integration_id,
        &body.credential_ids.unwrap_or_default(),
        &body.workflow_ids.unwrap_or_default(),
    )?;
    Ok(json(StatusCode::OK, &started))
}

pub(super) fn complete_installation(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let body: CompleteInstallationRequest = input.json()?;
    required("installationId", &body.installation_id)?;
    for (index, block) in body.data.iter().enumerate() {
        required(&format!("data[{index}].workflowId"), &block.workflow_id)?;
        required(&format!("data[{index}].blockId"), &block.block_id)?;
    }
    state.complete_installation(&body.installation_id, body.data)?;
    Ok(message("Installation completed successfully"))
}

pub(super) fn edit_installation(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: EditInstallationRequest = input.json()?;
    required("userId", &body.user_id)?;
    required("integrationId", &body.integration_id)?;
    let user_id = state.resolve_user(&body.user_id)?;
    let installation_id = body.installation_id.filter(|id| !id.is_empty());
    let edited = state.edit_installation(
        &user_id,
        &body.integration_id,
        &body.credential_ids.unwrap_or_default(),
        installation_id.as_deref(),
    )?;
    Ok(data(edited))
}

// ---- Credentials ---------------------------------------------------------------------------

pub(super) fn generate_oauth_link(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.query_user(state)?;
    let app = input.required_query("app")?;
    let oauth_url = state.oauth_url(&user_id, &app, |name| input.query_param(name))?;
    Ok(json(StatusCode::OK, &OauthUrl { oauth_url }))
}

pub(super) fn create_credential(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
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

pub(super) fn list_user_credentials(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    Ok(list(state.user_credentials(&user_id)?))
}

pub(super) fn delete_credential(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user_ref(state)?;
    let credential_id = input.path_param("credentialId")?;
    state.delete_credential(&user_id, &credential_id)?;
    Ok(json(StatusCode::OK, &SuccessFlag { success: true }))
}

pub(super) fn get_credential_metadata(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(list(state.credential_metadata()))
}

pub(super) fn credential_metadata_by_app(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let name = input.path_param("credentialName")?;
    Ok(data(state.credential_metadata_of(&name)?))
}

// ---- Analytics -----------------------------------------------------------------------------

pub(super) fn get_app_actions_usage(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(data(state.app_usage()))
}

pub(super) fn get_detail_usage_time(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(data(state.usage_over_time()))
}

/// A deleted user is still reported (`isDeleted: true`), by id: the reference's answer has an
/// `isDeleted` field, which only a deleted user's usage could set.
pub(super) fn get_detail_usage_user(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let reference = input.user_id_query()?;
    Ok(data(state.user_usage(&reference)?))
}
