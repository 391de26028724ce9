//! The HTTP side of the sandbox: routes, the per-request pipeline and error bodies.

use std::future::poll_fn;
use std::pin::Pin;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::contract::Contract;
use crate::operations::Operation;
use crate::state::{SandboxState, StateError};
mod official;

use crate::wire::{
    ActivatedResponse, CreateUserRequest, CreatedUser, DataList, ErrorResponse, MessageResponse,
    OfficialActionRequest, OfficialEventRequest, OfficialUpgradeRequest, SuccessResponse,
    TokenResponse, TriggerEventRequest, UpgradeWorkflowRequest, UpgradedResponse, VersionRef,
    WorkflowActionRequest,
};

/// The header the official contract requires on every request, and its only value.
const API_VERSION_HEADER: &str = "x-api-version";
const API_VERSION: &str = "2025-09";

/// The official `GET /workflows/{workflowId}/logs` page size: default and largest.
const DEFAULT_LOG_LIMIT: usize = 10;
const MAX_LOG_LIMIT: usize = 30;

/// How many bytes past the body limit the sandbox still reads (and discards) so that it can
/// answer 413 on a connection the client is still writing to; larger bodies are cut off.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// What every handler shares: the state, the body size limit and the contract.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) state: SandboxState,
    pub(crate) body_limit: usize,
    pub(crate) contract: Contract,
}

/// Path parameters as axum extracts them: `(name, value)` pairs, or why they could not be
/// decoded.
type PathParams = Result<Path<Vec<(String, String)>>, PathRejection>;

/// Serves one call of an operation on the state, under its lock and without awaiting.
type Handler = fn(&SandboxState, Input) -> Result<Response, ApiError>;

/// Builds the router serving every operation of the table that the contract has at the root,
/// with JSON 404 and 405 answers: a seed sandbox answers the routes of the official-only
/// operations as any unknown route (404, or 405 where a seed route shares the path).
pub(crate) fn router(app: App) -> Router {
    Operation::served_by(app.contract)
        .fold(Router::new(), |router, operation| {
            let method = MethodFilter::try_from(operation.method())
                .expect("the operations table uses standard HTTP methods");
            let serve = move |State(app): State<App>, path: PathParams, request: Request| async move {
                app.serve(operation, path, request).await
            };
            router.route(operation.path(), on(method, serve))
        })
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(app)
}

/// Returns the handler of `operation`: a row added to the operations table needs one here.
fn handler(operation: Operation) -> Handler {
    match operation {
        Operation::CreateUser => create_user,
        Operation::GenerateUserToken => generate_user_token,
        Operation::DeleteUserLogs => delete_user_logs,
        Operation::ListIntegrations => list_integrations,
        Operation::TriggerEvent => trigger_event,
        Operation::ListWorkflowErrors => list_workflow_errors,
        Operation::ListWorkflowLogs => list_workflow_logs,
        Operation::DeactivateWorkflow => deactivate_workflow,
        Operation::ActivateWorkflow => activate_workflow,
        Operation::UpgradeWorkflow => upgrade_workflow,
        Operation::ListAllUsers => official::list_all_users,
        Operation::GetUser => official::get_user,
        Operation::UpdateUser => official::update_user,
        Operation::DeleteUser => official::delete_user,
        Operation::BatchCreateUsers => official::batch_create_users,
        Operation::DisableAllWorkflowsForUser => official::disable_all_workflows_for_user,
        Operation::FindWorkflow => official::find_workflow,
        Operation::DeleteWorkflow => official::delete_workflow,
        Operation::ListUsersByWorkflowId => official::list_users_by_workflow_id,
        Operation::GetWorkflowAnalytics => official::get_workflow_analytics,
        Operation::RunWorkflow => official::run_workflow,
        Operation::ListEvents => official::list_events,
        Operation::GetLogs => official::get_logs,
        Operation::GetIntegration => official::get_integration,
        Operation::GetAllInstallations => official::get_all_installations,
        Operation::GetInstallation => official::get_installation,
        Operation::StartInstallation => official::start_installation,
        Operation::CompleteInstallation => official::complete_installation,
        Operation::EditInstallation => official::edit_installation,
        Operation::GenerateOauthLink => official::generate_oauth_link,
        Operation::CreateCredential => official::create_credential,
        Operation::ListUserCredentials => official::list_user_credentials,
        Operation::DeleteCredential => official::delete_credential,
        Operation::GetCredentialMetadata => official::get_credential_metadata,
        Operation::CredentialMetadataByApp => official::credential_metadata_by_app,
        Operation::GetAppActionsUsage => official::get_app_actions_usage,
        Operation::GetDetailUsageTime => official::get_detail_usage_time,
        Operation::GetDetailUsageUser => official::get_detail_usage_user,
    }
}

/// Returns whether the operation may be called without an API key: the reference documents
/// `Authorization` as optional on `GET /metadata/credentials/{credentialName}` (no required
/// flag, and its curl sample sends none). A key that is sent must still be valid.
fn key_is_optional(operation: Operation) -> bool {
    operation == Operation::CredentialMetadataByApp
}

// ---- Handlers ----------------------------------------------------------------------------
//
// Each handler serves both contracts: the seed document's shapes, or the official reference's
// (see `Contract`).

fn create_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let contract = input.contract;
    let body: CreateUserRequest = input.json()?;
    let user = state.create_user(body.username, body.full_name)?;
    Ok(match contract {
        Contract::Seed => json(StatusCode::CREATED, &user),
        Contract::Official => json(
            StatusCode::OK,
            &CreatedUser {
                user_id: user.user_id,
            },
        ),
    })
}

fn generate_user_token(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user(state)?;
    let token = state.issue_token(&user_id)?;
    Ok(json(StatusCode::OK, &TokenResponse { token }))
}

fn delete_user_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.path_user(state)?;
    state.purge_logs(&user_id)?;
    Ok(match input.contract {
        Contract::Seed => success("User logs purged successfully"),
        Contract::Official => message("Success"),
    })
}

fn list_integrations(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let user_id = input.user_id_query()?;
    Ok(match input.contract {
        Contract::Seed => json(StatusCode::OK, &state.integrations(&user_id)?),
        Contract::Official => {
            let data = state.official_integrations(&state.resolve_user(&user_id)?)?;
            json(StatusCode::OK, &DataList { data })
        }
    })
}

fn trigger_event(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let contract = input.contract;
    let body = input.json_object()?;
    match body.get("data") {
        Some(data) if !data.is_object() => {
            return Err(ApiError::bad_request("`data` must be a JSON object"));
        }
        None if contract == Contract::Official => {
            return Err(ApiError::bad_request(
                "`data` is required: send the event's data as a JSON object (`{}` for none)",
            ));
        }
        _ => {}
    }
    match contract {
        Contract::Seed => {
            let body: TriggerEventRequest = serde_json::from_value(body).map_err(invalid_body)?;
            required("userId", &body.user_id)?;
            required("event", &body.event)?;
            state.trigger_event(&body.user_id, &body.event, body.data.as_ref())?;
            Ok(success("Event triggered successfully"))
        }
        Contract::Official => {
            let body: OfficialEventRequest = serde_json::from_value(body).map_err(invalid_body)?;
            required("userId", &body.user_id)?;
            required("event", &body.event)?;
            let user_id = state.resolve_user(&body.user_id)?;
            state.trigger_event(&user_id, &body.event, Some(&Value::Object(body.data)))?;
            Ok(message("Event successfully triggered"))
        }
    }
}

fn list_workflow_errors(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    Ok(match input.contract {
        Contract::Seed => json(
            StatusCode::OK,
            &state.workflow_errors(&input.user_id_query()?, &workflow_id)?,
        ),
        Contract::Official => {
            let user_id = input.optional_user_query(state)?;
            let data = state.official_errors(user_id.as_deref(), &workflow_id)?;
            json(StatusCode::OK, &DataList { data })
        }
    })
}

fn list_workflow_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    match input.contract {
        Contract::Seed => Ok(json(
            StatusCode::OK,
            &state.workflow_logs(&input.user_id_query()?, &workflow_id)?,
        )),
        Contract::Official => {
            let page = input.page()?;
            let user_id = input.optional_user_query(state)?;
            let mut executions = state.official_logs(user_id.as_deref(), &workflow_id)?;
            if page.newest_first {
                executions.reverse();
            }
            let data: Vec<_> = executions
                .into_iter()
                .skip((page.number - 1).saturating_mul(page.limit))
                .take(page.limit)
                .collect();
            Ok(json(StatusCode::OK, &DataList { data }))
        }
    }
}

fn deactivate_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    set_active(state, input, false)
}

fn activate_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    set_active(state, input, true)
}

fn set_active(state: &SandboxState, input: Input, active: bool) -> Result<Response, ApiError> {
    match input.contract {
        Contract::Seed => {
            let body: WorkflowActionRequest = input.json()?;
            required("workflowId", &body.workflow_id)?;
            required("userId", &body.user_id)?;
            state.set_workflow_active(&body.user_id, &body.workflow_id, active)?;
            Ok(success(if active {
                "Workflow activated"
            } else {
                "Workflow deactivated"
            }))
        }
        Contract::Official => {
            let body: OfficialActionRequest = input.json()?;
            required("userId", &body.user_id)?;
            let non_empty = |value: Option<String>| value.filter(|value| !value.is_empty());
            let workflow_id = match (non_empty(body.workflow_id), non_empty(body.workflow_name)) {
                (Some(workflow_id), _) => workflow_id,
                (None, Some(name)) => state.workflow_id_by_name(&name)?,
                (None, None) => {
                    return Err(ApiError::bad_request(
                        "Either `workflowId` or `workflowName` is required",
                    ));
                }
            };
            let user_id = state.resolve_user(&body.user_id)?;
            state.set_workflow_active(&user_id, &workflow_id, active)?;
            Ok(json(
                StatusCode::OK,
                &ActivatedResponse { activated: active },
            ))
        }
    }
}

fn upgrade_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    match input.contract {
        Contract::Seed => {
            let body: UpgradeWorkflowRequest = input.json()?;
            required("userId", &body.user_id)?;
            let version =
                state.upgrade_workflow(&body.user_id, &workflow_id, body.version.as_deref())?;
            Ok(success(&format!("Workflow upgraded to version {version}")))
        }
        Contract::Official => {
            // The user comes from the query; a body is not needed, but one with a `version`
            // (a seed name such as "2.0.0" or an official number such as 3) picks the target.
            let user_id = input.user_id_query()?;
            let version = if input.body_is_empty() {
                None
            } else {
                input.json::<OfficialUpgradeRequest>()?.version
            };
            let user_id = state.resolve_user(&user_id)?;
            let version = match version {
                None => None,
                Some(VersionRef::Name(name)) => Some(name),
                Some(VersionRef::Number(number)) => Some(state.version_name(&workflow_id, number)?),
            };
            state.upgrade_workflow(&user_id, &workflow_id, version.as_deref())?;
            Ok(json(StatusCode::OK, &UpgradedResponse { upgraded: true }))
        }
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} is not allowed on {}", uri.path()),
    )
    .into_response()
}

async fn not_found(method: Method, uri: Uri) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("No route for {method} {}", uri.path()),
    )
    .into_response()
}

// ---- The request pipeline -------------------------------------------------------------

impl App {
    /// Serves one call of `operation`: counts it, reads the body, applies a queued fault,
    /// checks the API key and finally runs the operation's [`handler`].
    async fn serve(&self, operation: Operation, path: PathParams, request: Request) -> Response {
        self.state.record_request(operation);
        let (parts, body) = request.into_parts();
        // The body is read before anything is answered, so that no answer leaves unread
        // bytes behind on a connection the client may want to reuse.
        let body = read_body(body, self.body_limit).await;
        if let Some(fault) = self.state.take_fault(operation) {
            tracing::debug!(%operation, ?fault, "sandbox applies an injected fault");
            if let Some(delay) = fault.delay {
                tokio::time::sleep(delay).await;
            }
            if let Some(status) = fault.status {
                let mut response = ApiError::new(
                    status,
                    format!("Injected fault: the sandbox answers {status} to {operation}"),
                )
                .into_response();
                if let Some(seconds) = fault.retry_after {
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from(seconds));
                }
                return response;
            }
        }
        let anonymous = key_is_optional(operation) && !parts.headers.contains_key(AUTHORIZATION);
        if !anonymous && let Err(error) = self.authenticate(&parts.headers) {
            return error.into_response();
        }
        if self.contract == Contract::Official
            && let Err(error) = check_api_version(&parts.headers)
        {
            return error.into_response();
        }
        let input = Input {
            contract: self.contract,
            path: path
                .map(|Path(params)| params)
                .map_err(|rejection| rejection.body_text()),
            query: parts.uri.query().map(str::to_owned),
            body,
        };
        handler(operation)(&self.state, input).unwrap_or_else(IntoResponse::into_response)
    }

    /// Accepts `Authorization: Bearer <API key>` with the scheme in any case.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "Missing API key: send the header `Authorization: Bearer <API key>`",
            ));
        };
        let key = value
            .to_str()
            .ok()
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim());
        match key {
            Some(key) if self.state.is_api_key(key) => Ok(()),
            Some(_) => Err(ApiError::unauthorized("Invalid API key")),
            None => Err(ApiError::unauthorized(
                "Malformed Authorization header: expected `Bearer <API key>`",
            )),
        }
    }
}

/// Requires `x-api-version: 2025-09`, as the official reference does on every operation.
fn check_api_version(headers: &HeaderMap) -> Result<(), ApiError> {
    let mut values = headers.get_all(API_VERSION_HEADER).iter().peekable();
    if values.peek().is_none() {
        return Err(ApiError::bad_request(format!(
            "Missing header `{API_VERSION_HEADER}`: send `{API_VERSION_HEADER}: {API_VERSION}`"
        )));
    }
    for value in values {
        let value = String::from_utf8_lossy(value.as_bytes());
        if value.trim() != API_VERSION {
            return Err(ApiError::bad_request(format!(
                "Unsupported header `{API_VERSION_HEADER}: {value}`: this service answers \
                 `{API_VERSION_HEADER}: {API_VERSION}`"
            )));
        }
    }
    Ok(())
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
struct Page {
    number: usize,
    limit: usize,
    newest_first: bool,
}

/// What a handler gets from the request.
struct Input {
    /// The contract the sandbox answers by.
    contract: Contract,
    /// The path parameters, or why they could not be decoded (such as invalid UTF-8).
    path: Result<Vec<(String, String)>, String>,
    query: Option<String>,
    body: Result<Bytes, ApiError>,
}

impl Input {
    /// Parses the body as a JSON object; any failure is a 400 (or the body's 413).
    fn json_object(self) -> Result<Value, ApiError> {
        let body: Value = serde_json::from_slice(&self.body?).map_err(invalid_body)?;
        if body.is_object() {
            Ok(body)
        } else {
            Err(ApiError::bad_request(
                "The request body must be a JSON object",
            ))
        }
    }

    /// Parses the body, a JSON object, into `T`.
    fn json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        serde_json::from_value(self.json_object()?).map_err(invalid_body)
    }

    /// Returns the path parameter `name`, such as `workflowId` in
    /// `/workflows/{workflowId}/logs`; one that cannot be decoded is a 400.
    fn path_param(&self, name: &str) -> Result<String, ApiError> {
        let params = self.path.as_ref().map_err(ApiError::bad_request)?;
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("The sandbox's route has no path parameter `{name}`"),
                )
            })
    }

    /// Returns the first value of the query parameter `name`, if there is one.
    fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref().and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        })
    }

    /// Returns the required, non-empty `userId` query parameter.
    fn user_id_query(&self) -> Result<String, ApiError> {
        self.query_param("userId")
            .filter(|user_id| !user_id.is_empty())
            .ok_or_else(|| ApiError::bad_request("Query parameter `userId` is required"))
    }

    /// Returns the user an optional `userId` query parameter names (id or username); an empty
    /// value counts as absent.
    fn optional_user_query(&self, state: &SandboxState) -> Result<Option<String>, ApiError> {
        match self
            .query_param("userId")
            .filter(|user_id| !user_id.is_empty())
        {
            Some(reference) => Ok(Some(state.resolve_user(&reference)?)),
            None => Ok(None),
        }
    }

    /// Returns the id of the user the `userId` path parameter names (id or username); an
    /// unknown user is a 404. The official-only `/users/{userId}...` operations name the
    /// user in the path only.
    fn path_user_ref(&self, state: &SandboxState) -> Result<String, ApiError> {
        Ok(state.resolve_user(&self.path_param("userId")?)?)
    }

    /// Returns the id of the user that the required `userId` query parameter names (id or
    /// username): missing or empty is a 400, unknown a 404.
    fn query_user(&self, state: &SandboxState) -> Result<String, ApiError> {
        Ok(state.resolve_user(&self.user_id_query()?)?)
    }

    /// Returns the required, non-empty query parameter `name`.
    fn required_query(&self, name: &str) -> Result<String, ApiError> {
        self.query_param(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("Query parameter `{name}` is required")))
    }

    /// Returns the id of the user of `/users/{userId}/...`.
    ///
    /// The seed contract names the user in the path only. The official one also requires the
    /// `userId` query parameter (a user id or username), which must name the same user as
    /// the path: a missing or different one is a 400, an unknown path user a 404.
    fn path_user(&self, state: &SandboxState) -> Result<String, ApiError> {
        let path_user = self.path_param("userId")?;
        if self.contract == Contract::Seed {
            return Ok(path_user);
        }
        let query_user = self.user_id_query()?;
        let user_id = state.resolve_user(&path_user)?;
        match state.resolve_user(&query_user) {
            Ok(other) if other == user_id => Ok(user_id),
            _ => Err(ApiError::bad_request(format!(
                "Query parameter `userId` (`{query_user}`) must name the user of the path \
                 (`{path_user}`)"
            ))),
        }
    }

    /// Reads the official log page parameters: `page` from 1 (default 1), `limit` from 1 to
    /// 30 (default 10) and `order` `asc` or `desc` (default `desc`, newest first).
    fn page(&self) -> Result<Page, ApiError> {
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

    /// Returns whether the request has no body (or only whitespace).
    fn body_is_empty(&self) -> bool {
        matches!(&self.body, Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace))
    }
}

/// Reads the whole body, up to `limit` bytes.
///
/// A longer body is drained (up to [`DRAIN_LIMIT`] more bytes) and answered with 413.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body exceeds the limit of {limit} bytes"),
        )
    };
    let drain_limit = limit.saturating_add(DRAIN_LIMIT);
    if usize::try_from(body.size_hint().lower()).map_or(true, |lower| lower > drain_limit) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let mut received = 0usize;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|error| {
            ApiError::bad_request(format!("Could not read the request body: {error}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        received = received.saturating_add(data.len());
        if received <= limit {
            bytes.extend_from_slice(&data);
        } else if received > drain_limit {
            break;
        }
    }
    if received > limit {
        Err(too_large())
    } else {
        Ok(bytes.into())
    }
}

fn required(field: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        Err(ApiError::bad_request(format!(
            "`{field}` must not be empty"
        )))
    } else {
        Ok(())
    }
}

fn invalid_body(error: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("Invalid request body: {error}"))
}

fn success(message: &str) -> Response {
    json(
        StatusCode::OK,
        &SuccessResponse {
            success: Some(true),
            message: Some(message.to_owned()),
        },
    )
}

/// The official contract's acknowledgement: `{"message": ...}`.
fn message(message: &str) -> Response {
    json(
        StatusCode::OK,
        &MessageResponse {
            message: message.to_owned(),
        },
    )
}

/// Answers `status` with `body` serialized as JSON.
fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(error) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Could not serialize the response: {error}"),
        )
        .into_response(),
    }
}

// ---- Errors ------------------------------------------------------------------------------

/// An error answer: a status with an `ErrorResponse` body whose code derives from the status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl From<StateError> for ApiError {
    fn from(error: StateError) -> Self {
        let status = if error.is_not_found() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorResponse {
            error: Some(error_code(self.status)),
            message: Some(self.message),
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Returns the error code of a status: its reason phrase in upper snake case, such as
/// `UNAUTHORIZED` or `SERVICE_UNAVAILABLE`.
fn error_code(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => reason
            .chars()
            .filter_map(|c| match c {
                ' ' | '-' => Some('_'),
                c if c.is_ascii_alphanumeric() => Some(c.to_ascii_uppercase()),
                _ => None,
            })
            .collect(),
        None => format!("HTTP_{}", status.as_u16()),
    }
}
