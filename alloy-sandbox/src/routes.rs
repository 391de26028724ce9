//! The HTTP side of the sandbox: routes, the per-request pipeline and error bodies.

use std::future::poll_fn;
use std::pin::Pin;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::fault::Operation;
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

/// Builds the router serving the ten operations at the root, with JSON 404 and 405 answers.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route(Operation::CreateUser.path(), post(create_user))
        .route(
            Operation::GenerateUserToken.path(),
            get(generate_user_token),
        )
        .route(Operation::DeleteUserLogs.path(), delete(delete_user_logs))
        .route(Operation::ListIntegrations.path(), get(list_integrations))
        .route(Operation::TriggerEvent.path(), post(trigger_event))
        .route(
            Operation::ListWorkflowErrors.path(),
            get(list_workflow_errors),
        )
        .route(Operation::ListWorkflowLogs.path(), get(list_workflow_logs))
        .route(
            Operation::DeactivateWorkflow.path(),
            put(deactivate_workflow),
        )
        .route(Operation::ActivateWorkflow.path(), put(activate_workflow))
        .route(Operation::UpgradeWorkflow.path(), put(upgrade_workflow))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(app)
}

// ---- Handlers ----------------------------------------------------------------------------

async fn create_user(State(app): State<App>, request: Request) -> Response {
    app.serve(Operation::CreateUser, request, |state, input| {
        let body: CreateUserRequest = input.json()?;
        let user = state.create_user(body.username, body.full_name)?;
        Ok(json(StatusCode::CREATED, &user))
    })
    .await
}

async fn generate_user_token(
    State(app): State<App>,
    user_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    app.serve(Operation::GenerateUserToken, request, |state, _| {
        let token = state.issue_token(&path_param(user_id)?)?;
        Ok(json(StatusCode::OK, &TokenResponse { token }))
    })
    .await
}

async fn delete_user_logs(
    State(app): State<App>,
    user_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    app.serve(Operation::DeleteUserLogs, request, |state, _| {
        state.purge_logs(&path_param(user_id)?)?;
        Ok(success("User logs purged successfully"))
    })
    .await
}

async fn list_integrations(State(app): State<App>, request: Request) -> Response {
    app.serve(Operation::ListIntegrations, request, |state, input| {
        let integrations = state.integrations(&input.user_id_query()?)?;
        Ok(json(StatusCode::OK, &integrations))
    })
    .await
}

async fn trigger_event(State(app): State<App>, request: Request) -> Response {
    app.serve(Operation::TriggerEvent, request, |state, input| {
        let body = input.json_object()?;
        if body.get("data").is_some_and(|data| !data.is_object()) {
            return Err(ApiError::bad_request("`data` must be a JSON object"));
        }
        let body: TriggerEventRequest = serde_json::from_value(body).map_err(invalid_body)?;
        required("userId", &body.user_id)?;
        required("event", &body.event)?;
        state.trigger_event(&body.user_id, &body.event, body.data.as_ref())?;
        Ok(success("Event triggered successfully"))
    })
    .await
}

async fn list_workflow_errors(
    State(app): State<App>,
    workflow_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    app.serve(Operation::ListWorkflowErrors, request, |state, input| {
        let workflow_id = path_param(workflow_id)?;
        let errors = state.workflow_errors(&input.user_id_query()?, &workflow_id)?;
        Ok(json(StatusCode::OK, &errors))
    })
    .await
}

async fn list_workflow_logs(
    State(app): State<App>,
    workflow_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    app.serve(Operation::ListWorkflowLogs, request, |state, input| {
        let workflow_id = path_param(workflow_id)?;
        let logs = state.workflow_logs(&input.user_id_query()?, &workflow_id)?;
        Ok(json(StatusCode::OK, &logs))
    })
    .await
}

async fn deactivate_workflow(State(app): State<App>, request: Request) -> Response {
    app.serve(Operation::DeactivateWorkflow, request, |state, input| {
        set_active(state, input, false)
    })
    .await
}

async fn activate_workflow(State(app): State<App>, request: Request) -> Response {
    app.serve(Operation::ActivateWorkflow, request, |state, input| {
        set_active(state, input, true)
    })
    .await
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

async fn upgrade_workflow(
    State(app): State<App>,
    workflow_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    app.serve(Operation::UpgradeWorkflow, request, |state, input| {
        let workflow_id = path_param(workflow_id)?;
        let body: UpgradeWorkflowRequest = input.json()?;
        required("userId", &body.user_id)?;
        let version =
            state.upgrade_workflow(&body.user_id, &workflow_id, body.version.as_deref())?;
        Ok(success(&format!("Workflow upgraded to version {version}")))
    })
    .await
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
    /// checks the API key and finally runs `handle`, which works on the state under its lock
    /// and never awaits.
    async fn serve<F>(&self, operation: Operation, request: Request, handle: F) -> Response
    where
        F: FnOnce(&SandboxState, Input) -> Result<Response, ApiError>,
    {
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
            query: parts.uri.query().map(str::to_owned),
            body,
        };
        handle(&self.state, input).unwrap_or_else(IntoResponse::into_response)
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

/// What a handler gets from the request besides its path parameters.
struct Input {
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

fn path_param(param: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    param
        .map(|Path(value)| value)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
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
