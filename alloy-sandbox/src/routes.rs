//! The HTTP side of the sandbox: the router, the per-request pipeline, what handlers get
//! from a request, and error bodies.
//!
//! The handlers themselves are in their resource's module (`crate::resources`); [`handler`]
//! maps each operation of the table to its handler.

use std::future::poll_fn;
use std::pin::Pin;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::contract::Contract;
use crate::infra::error::StateError;
use crate::infra::faults::Applied;
use crate::infra::state::SandboxState;
use crate::operations::Operation;
use crate::resources::{
    analytics, credentials, events, installations, integrations, logs, runs, users, workflows,
};
use crate::wire::{DataItem, DataList, ErrorResponse, MessageResponse};

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
        Operation::CreateUser => users::create_user,
        Operation::GenerateUserToken => users::generate_user_token,
        Operation::DeleteUserLogs => users::delete_user_logs,
        Operation::ListIntegrations => integrations::list_integrations,
        Operation::TriggerEvent => runs::trigger_event,
        Operation::ListWorkflowErrors => workflows::list_workflow_errors,
        Operation::ListWorkflowLogs => workflows::list_workflow_logs,
        Operation::DeactivateWorkflow => workflows::deactivate_workflow,
        Operation::ActivateWorkflow => workflows::activate_workflow,
        Operation::UpgradeWorkflow => workflows::upgrade_workflow,
        Operation::ListAllUsers => users::list_all_users,
        Operation::GetUser => users::get_user,
        Operation::UpdateUser => users::update_user,
        Operation::DeleteUser => users::delete_user,
        Operation::BatchCreateUsers => users::batch_create_users,
        Operation::DisableAllWorkflowsForUser => users::disable_all_workflows_for_user,
        Operation::FindWorkflow => workflows::find_workflow,
        Operation::DeleteWorkflow => workflows::delete_workflow,
        Operation::ListUsersByWorkflowId => workflows::list_users_by_workflow_id,
        Operation::GetWorkflowAnalytics => workflows::get_workflow_analytics,
        Operation::RunWorkflow => runs::run_workflow,
        Operation::ListEvents => events::list_events,
        Operation::GetLogs => logs::get_logs,
        Operation::GetIntegration => integrations::get_integration,
        Operation::GetAllInstallations => installations::get_all_installations,
        Operation::GetInstallation => installations::get_installation,
        Operation::StartInstallation => installations::start_installation,
        Operation::CompleteInstallation => installations::complete_installation,
        Operation::EditInstallation => installations::edit_installation,
        Operation::GenerateOauthLink => credentials::generate_oauth_link,
        Operation::CreateCredential => credentials::create_credential,
        Operation::ListUserCredentials => credentials::list_user_credentials,
        Operation::DeleteCredential => credentials::delete_credential,
        Operation::GetCredentialMetadata => credentials::get_credential_metadata,
        Operation::CredentialMetadataByApp => credentials::credential_metadata_by_app,
        Operation::GetAppActionsUsage => analytics::get_app_actions_usage,
        Operation::GetDetailUsageTime => analytics::get_detail_usage_time,
        Operation::GetDetailUsageUser => analytics::get_detail_usage_user,
    }
}

/// Returns whether the operation may be called without an API key: the reference documents
/// `Authorization` as optional on `GET /metadata/credentials/{credentialName}` (no required
/// flag, and its curl sample sends none). A key that is sent must still be valid.
fn key_is_optional(operation: Operation) -> bool {
    operation == Operation::CredentialMetadataByApp
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
    /// Serves one call of `operation`: counts it, checks the API key, reads the body (only
    /// when the key is good), applies its fault (queued or drawn by the chaos), answers it
    /// with [`answer`](Self::answer), counts a success and breaks the response if the fault
    /// says so.
    async fn serve(&self, operation: Operation, path: PathParams, request: Request) -> Response {
        self.state.record_request(operation);
        let (parts, body) = request.into_parts();
        let anonymous = key_is_optional(operation) && !parts.headers.contains_key(AUTHORIZATION);
        let authenticated = if anonymous {
            Ok(())
        } else {
            self.authenticate(&parts.headers)
        };
        // The key is checked from the headers alone, so that a client without it cannot make
        // the sandbox buffer a body of up to the limit: such a request is answered without its
        // body being read (hyper does not reuse such a connection). A client with the key gets
        // its body read before anything is answered, so that no answer leaves unread bytes
        // behind on a connection it may want to reuse.
        let body = match authenticated {
            Ok(()) => read_body(body, self.body_limit).await,
            Err(_) => {
                drop(body);
                Ok(Bytes::new())
            }
        };
        let (latency, fault) = self.state.take_fault(operation);
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let breakage = match fault {
            Some(fault) => match fault.apply(&self.state, operation).await {
                Applied::Answer(response) => return response,
                Applied::Serve(breakage) => breakage,
            },
            None => None,
        };
        let response = self.answer(operation, path, parts, body, authenticated);
        if response.status().is_success() {
            self.state.record_served(operation);
        }
        match breakage {
            Some(breakage) => breakage.apply(response).await,
            None => response,
        }
    }

    /// Answers a bad key, checks the contract's headers, then runs the operation's
    /// [`handler`].
    fn answer(
        &self,
        operation: Operation,
        path: PathParams,
        parts: http::request::Parts,
        body: Result<Bytes, ApiError>,
        authenticated: Result<(), ApiError>,
    ) -> Response {
        if let Err(error) = authenticated {
            return error.into_response();
        }
        if let Err(error) = self.contract.check_headers(&parts.headers) {
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

/// What a handler gets from the request.
pub(crate) struct Input {
    /// The contract the sandbox answers by.
    pub(crate) contract: Contract,
    /// The path parameters, or why they could not be decoded (such as invalid UTF-8).
    pub(crate) path: Result<Vec<(String, String)>, String>,
    pub(crate) query: Option<String>,
    pub(crate) body: Result<Bytes, ApiError>,
}

impl Input {
    /// Parses the body as a JSON object; any failure is a 400 (or the body's 413).
    pub(crate) fn json_object(self) -> Result<Value, ApiError> {
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
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        serde_json::from_value(self.json_object()?).map_err(invalid_body)
    }

    /// Returns the path parameter `name`, such as `workflowId` in
    /// `/workflows/{workflowId}/logs`; one that cannot be decoded is a 400.
    pub(crate) fn path_param(&self, name: &str) -> Result<String, ApiError> {
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
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref().and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        })
    }

    /// Returns the required, non-empty `userId` query parameter.
    pub(crate) fn user_id_query(&self) -> Result<String, ApiError> {
        self.query_param("userId")
            .filter(|user_id| !user_id.is_empty())
            .ok_or_else(|| ApiError::bad_request("Query parameter `userId` is required"))
    }

    /// Returns the user an optional `userId` query parameter names (id or username); an empty
    /// value counts as absent.
    pub(crate) fn optional_user_query(
        &self,
        state: &SandboxState,
    ) -> Result<Option<String>, ApiError> {
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
    pub(crate) fn path_user_ref(&self, state: &SandboxState) -> Result<String, ApiError> {
        Ok(state.resolve_user(&self.path_param("userId")?)?)
    }

    /// Returns the id of the user that the required `userId` query parameter names (id or
    /// username): missing or empty is a 400, unknown a 404.
    pub(crate) fn query_user(&self, state: &SandboxState) -> Result<String, ApiError> {
        Ok(state.resolve_user(&self.user_id_query()?)?)
    }

    /// Returns the required, non-empty query parameter `name`.
    pub(crate) fn required_query(&self, name: &str) -> Result<String, ApiError> {
        self.query_param(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("Query parameter `{name}` is required")))
    }

    /// Returns whether the request has no body (or only whitespace).
    pub(crate) fn body_is_empty(&self) -> bool {
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

/// Refuses an empty required field with a 400 naming it.
pub(crate) fn required(field: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        Err(ApiError::bad_request(format!(
            "`{field}` must not be empty"
        )))
    } else {
        Ok(())
    }
}

/// Turns a body that does not decode into a 400 saying why.
pub(crate) fn invalid_body(error: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("Invalid request body: {error}"))
}

/// The official contract's acknowledgement: `{"message": ...}`.
pub(crate) fn message(message: &str) -> Response {
    json(
        StatusCode::OK,
        &MessageResponse {
            message: message.to_owned(),
        },
    )
}

/// Answers 200 with one object in the official envelope: `{"data": {...}}`.
pub(crate) fn data<T: serde::Serialize>(data: T) -> Response {
    json(StatusCode::OK, &DataItem { data })
}

/// Answers 200 with a list in the official envelope: `{"data": [...]}`.
pub(crate) fn list<T: serde::Serialize>(data: Vec<T>) -> Response {
    json(StatusCode::OK, &DataList { data })
}

/// Answers `status` with `body` serialized as JSON.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
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
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
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
