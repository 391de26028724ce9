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

use crate::operations::Operation;
use crate::state::{SandboxState, StateError};
use crate::wire::{
    CreateUserRequest, ErrorResponse, SuccessResponse, TokenResponse, TriggerEventRequest,
    UpgradeWorkflowRequest, WorkflowActionRequest,
};

/// How many bytes past the body limit the sandbox still reads (and discards) so that it can
/// answer 413 on a connection the client is still writing to; larger bodies are cut off.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// What every handler shares: the state and the body size limit.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) state: SandboxState,
    pub(crate) body_limit: usize,
}

/// Path parameters as axum extracts them: `(name, value)` pairs, or why they could not be
/// decoded.
type PathParams = Result<Path<Vec<(String, String)>>, PathRejection>;

/// Serves one call of an operation on the state, under its lock and without awaiting.
type Handler = fn(&SandboxState, Input) -> Result<Response, ApiError>;

/// Builds the router serving every operation of the table at the root, with JSON 404 and 405
/// answers.
pub(crate) fn router(app: App) -> Router {
    Operation::ALL
        .into_iter()
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
    }
}

// ---- Handlers ----------------------------------------------------------------------------

fn create_user(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body: CreateUserRequest = input.json()?;
    let user = state.create_user(body.username, body.full_name)?;
    Ok(json(StatusCode::CREATED, &user))
}

fn generate_user_token(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let token = state.issue_token(&input.path_param("userId")?)?;
    Ok(json(StatusCode::OK, &TokenResponse { token }))
}

fn delete_user_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    state.purge_logs(&input.path_param("userId")?)?;
    Ok(success("User logs purged successfully"))
}

fn list_integrations(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let integrations = state.integrations(&input.user_id_query()?)?;
    Ok(json(StatusCode::OK, &integrations))
}

fn trigger_event(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let body = input.json_object()?;
    if body.get("data").is_some_and(|data| !data.is_object()) {
        return Err(ApiError::bad_request("`data` must be a JSON object"));
    }
    let body: TriggerEventRequest = serde_json::from_value(body).map_err(invalid_body)?;
    required("userId", &body.user_id)?;
    required("event", &body.event)?;
    state.trigger_event(&body.user_id, &body.event, body.data.as_ref())?;
    Ok(success("Event triggered successfully"))
}

fn list_workflow_errors(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let errors = state.workflow_errors(&input.user_id_query()?, &workflow_id)?;
    Ok(json(StatusCode::OK, &errors))
}

fn list_workflow_logs(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let logs = state.workflow_logs(&input.user_id_query()?, &workflow_id)?;
    Ok(json(StatusCode::OK, &logs))
}

fn deactivate_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    set_active(state, input, false)
}

fn activate_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    set_active(state, input, true)
}

fn set_active(state: &SandboxState, input: Input, active: bool) -> Result<Response, ApiError> {
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

fn upgrade_workflow(state: &SandboxState, input: Input) -> Result<Response, ApiError> {
    let workflow_id = input.path_param("workflowId")?;
    let body: UpgradeWorkflowRequest = input.json()?;
    required("userId", &body.user_id)?;
    let version = state.upgrade_workflow(&body.user_id, &workflow_id, body.version.as_deref())?;
    Ok(success(&format!("Workflow upgraded to version {version}")))
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
        if let Err(error) = self.authenticate(&parts.headers) {
            return error.into_response();
        }
        let input = Input {
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
struct Input {
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

    /// Returns the required, non-empty `userId` query parameter.
    fn user_id_query(&self) -> Result<String, ApiError> {
        self.query
            .as_deref()
            .and_then(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .find(|(name, _)| name == "userId")
                    .map(|(_, value)| value.into_owned())
            })
            .filter(|user_id| !user_id.is_empty())
            .ok_or_else(|| ApiError::bad_request("Query parameter `userId` is required"))
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
