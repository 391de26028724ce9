//! The ten operations written by hand with reqwest, as a good engineer would without the
//! macro: the baseline every benchmark compares the generated endpoints against.
//!
//! Same reqwest client settings as `alloy_api::Client` builds (ring provider, no redirects,
//! same timeouts), same headers, same models, same status-to-error mapping and JSON decode.
//! Each operation is split in two: `*_request` builds the `reqwest::RequestBuilder` (so the
//! no-network benchmark runs exactly the code the real call runs), and the `async fn` sends it.
#![allow(dead_code)] // each bench binary uses a different part of this module

use std::fmt;
use std::time::Duration;

use alloy_api::models::{
    CreateUserRequest, ErrorResponse, IntegrationList, SuccessResponse, TokenResponse,
    TriggerEventRequest, UpgradeWorkflowRequest, User, WorkflowActionRequest, WorkflowActivation,
    WorkflowErrorList, WorkflowLogList, WorkflowUpgrade,
};
use bytes::Bytes;
use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use url::Url;

/// The API key both clients send in the benchmarks.
pub const API_KEY: &str = "bench-key";

/// RFC 3986 unreserved characters stay; everything else in a path segment is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn seg(value: &str) -> PercentEncode<'_> {
    utf8_percent_encode(value, SEGMENT)
}

/// The hand-written client's error: the same cases `alloy_api::Error` distinguishes.
#[derive(Debug)]
pub enum HandError {
    Api {
        status: StatusCode,
        error: Option<String>,
        message: Option<String>,
        retry_after: Option<Duration>,
        body: Bytes,
    },
    Decode {
        status: StatusCode,
        source: serde_json::Error,
        body: Bytes,
    },
    Timeout,
    Transport(reqwest::Error),
}

impl From<reqwest::Error> for HandError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport(error.without_url())
        }
    }
}

impl fmt::Display for HandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, .. } => write!(f, "the API answered {status}"),
            Self::Decode { status, source, .. } => {
                write!(f, "could not decode the {status} response: {source}")
            }
            Self::Timeout => f.write_str("timed out"),
            Self::Transport(e) => write!(f, "the request failed: {e}"),
        }
    }
}

/// Returns the `Retry-After` of a response, in seconds.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .map(Duration::from_secs)
}

/// Maps a status and body to the operation's result: 2xx decodes as JSON into `T`, anything
/// else becomes `HandError::Api` with the server's `ErrorResponse` parsed leniently.
pub fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: Bytes,
    retry_after: Option<Duration>,
) -> Result<T, HandError> {
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|source| HandError::Decode {
            status,
            source,
            body,
        });
    }
    let parsed = serde_json::from_slice::<ErrorResponse>(&body).unwrap_or_default();
    Err(HandError::Api {
        status,
        error: parsed.error,
        message: parsed.message,
        retry_after,
        body,
    })
}

/// The ten operations over reqwest, written by hand.
pub struct Hand {
    http: reqwest::Client,
    /// Parsed once; every call clones it and sets the path.
    base: Url,
    /// The base URL's path without a trailing `/` (`/2025-09`).
    base_path: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
}

impl Hand {
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let base = Url::parse(base_url).expect("valid base URL");
        let base_path = base.path().trim_end_matches('/').to_owned();
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {api_key}")).expect("valid API key");
        authorization.set_sensitive(true);
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(alloy_api::DEFAULT_CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .expect("reqwest client");
        Self {
            http,
            base,
            base_path,
            authorization,
            user_agent: HeaderValue::from_static(alloy_api::DEFAULT_USER_AGENT),
            timeout: alloy_api::DEFAULT_TIMEOUT,
        }
    }

    /// Starts a request to `path` (already encoded, base path included) with the headers
    /// every call sends.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut url = self.base.clone();
        url.set_path(path);
        self.http
            .request(method, url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.user_agent.clone())
            .header("x-api-version", HeaderValue::from_static("2025-09"))
            .timeout(self.timeout)
    }

    /// Sends the request, reads the whole body and maps status and body to the result.
    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, HandError> {
        let response = request.send().await?;
        let status = response.status();
        let wait = if status.is_success() {
            None
        } else {
            retry_after(response.headers())
        };
        let body = response.bytes().await?;
        decode(status, body, wait)
    }

    pub fn create_user_request(&self, request: &CreateUserRequest) -> RequestBuilder {
        self.request(Method::POST, &format!("{}/users", self.base_path))
            .json(request)
    }

    pub async fn create_user(&self, request: &CreateUserRequest) -> Result<User, HandError> {
        self.call(self.create_user_request(request)).await
    }

    pub fn generate_user_token_request(&self, user_id: &str) -> RequestBuilder {
        let path = format!("{}/users/{}/token", self.base_path, seg(user_id));
        self.request(Method::GET, &path)
            .query(&[("userId", user_id)])
    }

    pub async fn generate_user_token(&self, user_id: &str) -> Result<TokenResponse, HandError> {
        self.call(self.generate_user_token_request(user_id)).await
    }

    pub fn delete_user_logs_request(&self, user_id: &str) -> RequestBuilder {
        let path = format!("{}/users/{}/logs", self.base_path, seg(user_id));
        self.request(Method::DELETE, &path)
            .query(&[("userId", user_id)])
    }

    pub async fn delete_user_logs(&self, user_id: &str) -> Result<SuccessResponse, HandError> {
        self.call(self.delete_user_logs_request(user_id)).await
    }

    pub fn list_integrations_request(&self, user_id: &str) -> RequestBuilder {
        self.request(Method::GET, &format!("{}/integrations", self.base_path))
            .query(&[("userId", user_id)])
    }

    pub async fn list_integrations(&self, user_id: &str) -> Result<IntegrationList, HandError> {
        self.call(self.list_integrations_request(user_id)).await
    }

    pub fn trigger_event_request(&self, request: &TriggerEventRequest) -> RequestBuilder {
        self.request(Method::POST, &format!("{}/run/event", self.base_path))
            .json(request)
    }

    pub async fn trigger_event(
        &self,
        request: &TriggerEventRequest,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.trigger_event_request(request)).await
    }

    pub fn list_workflow_errors_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        let path = format!("{}/workflows/{}/errors", self.base_path, seg(workflow_id));
        self.request(Method::GET, &path)
            .query(&[("userId", user_id)])
    }

    pub async fn list_workflow_errors(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<WorkflowErrorList, HandError> {
        self.call(self.list_workflow_errors_request(workflow_id, user_id))
            .await
    }

    pub fn list_workflow_logs_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        let path = format!("{}/workflows/{}/logs", self.base_path, seg(workflow_id));
        self.request(Method::GET, &path)
            .query(&[("userId", user_id)])
    }

    pub async fn list_workflow_logs(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<WorkflowLogList, HandError> {
        self.call(self.list_workflow_logs_request(workflow_id, user_id))
            .await
    }

    pub fn deactivate_workflow_request(&self, request: &WorkflowActionRequest) -> RequestBuilder {
        let path = format!("{}/workflows/deactivate", self.base_path);
        self.request(Method::PUT, &path).json(request)
    }

    pub async fn deactivate_workflow(
        &self,
        request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation, HandError> {
        self.call(self.deactivate_workflow_request(request)).await
    }

    pub fn activate_workflow_request(&self, request: &WorkflowActionRequest) -> RequestBuilder {
        let path = format!("{}/workflows/activate", self.base_path);
        self.request(Method::PUT, &path).json(request)
    }

    pub async fn activate_workflow(
        &self,
        request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation, HandError> {
        self.call(self.activate_workflow_request(request)).await
    }

    pub fn upgrade_workflow_to_version_request(
        &self,
        workflow_id: &str,
        request: &UpgradeWorkflowRequest,
    ) -> RequestBuilder {
        let path = format!("{}/workflows/{}/upgrade", self.base_path, seg(workflow_id));
        self.request(Method::PUT, &path).json(request)
    }

    pub async fn upgrade_workflow_to_version(
        &self,
        workflow_id: &str,
        request: &UpgradeWorkflowRequest,
    ) -> Result<WorkflowUpgrade, HandError> {
        self.call(self.upgrade_workflow_to_version_request(workflow_id, request))
            .await
    }
}

/// The arguments every benchmark passes: the contract's request examples.
pub struct Fixtures {
    pub user_id: String,
    pub workflow_id: String,
    pub create_user: CreateUserRequest,
    pub trigger_event: TriggerEventRequest,
    pub workflow_action: WorkflowActionRequest,
    pub upgrade: UpgradeWorkflowRequest,
}

impl Fixtures {
    pub fn contract_examples() -> Self {
        Self {
            user_id: "usr_abc123".into(),
            workflow_id: "wf_xyz456".into(),
            create_user: CreateUserRequest::new("user-123").with_full_name("Jane Smith"),
            trigger_event: TriggerEventRequest::new("usr_abc123", "order.created")
                .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.0 })),
            workflow_action: WorkflowActionRequest::new("wf_xyz456", "usr_abc123"),
            upgrade: UpgradeWorkflowRequest::new("usr_abc123").with_version("2.0.0"),
        }
    }
}

/// The operations in round-robin order, with the contract's example response of each.
pub const OPERATIONS: [(&str, u16, &str); 10] = [
    (
        "create_user",
        201,
        r#"{"userId":"usr_abc123","username":"user-123","fullName":"Jane Smith","createdAt":"2026-04-19T10:00:00Z"}"#,
    ),
    (
        "generate_user_token",
        200,
        r#"{"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.example.signature"}"#,
    ),
    (
        "delete_user_logs",
        200,
        r#"{"success":true,"message":"User logs purged successfully"}"#,
    ),
    (
        "list_integrations",
        200,
        r#"{"integrations":[{"integrationId":"int_shopify","name":"Shopify","category":"E-Commerce","iconUrl":"https://assets.runalloy.com/icons/shopify.png","installed":false}]}"#,
    ),
    (
        "trigger_event",
        200,
        r#"{"success":true,"message":"Event triggered successfully"}"#,
    ),
    (
        "list_workflow_errors",
        200,
        r#"{"errors":[{"errorId":"err_001","workflowId":"wf_xyz456","message":"Connection timeout to Shopify","occurredAt":"2026-04-19T09:30:00Z"}]}"#,
    ),
    (
        "list_workflow_logs",
        200,
        r#"{"logs":[{"logId":"log_001","workflowId":"wf_xyz456","status":"success","executedAt":"2026-04-19T10:00:00Z","duration":1200}]}"#,
    ),
    (
        "deactivate_workflow",
        200,
        r#"{"success":true,"message":"Workflow deactivated"}"#,
    ),
    (
        "activate_workflow",
        200,
        r#"{"success":true,"message":"Workflow activated"}"#,
    ),
    (
        "upgrade_workflow",
        200,
        r#"{"success":true,"message":"Workflow upgraded to version 2.0.0"}"#,
    ),
];

/// Calls operation `i % 10` on `$client` (an `alloy_api::Client` through `AlloyApi`, or a
/// `Hand`: the methods have the same names and arguments) and evaluates to the result with
/// the value dropped, or the error's text.
macro_rules! call_op {
    ($client:expr, $fx:expr, $i:expr) => {{
        let c = $client;
        let fx = $fx;
        match $i % 10 {
            0 => c
                .create_user(&fx.create_user)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            1 => c
                .generate_user_token(&fx.user_id)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            2 => c
                .delete_user_logs(&fx.user_id)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            3 => c
                .list_integrations(&fx.user_id)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            4 => c
                .trigger_event(&fx.trigger_event)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            5 => c
                .list_workflow_errors(&fx.workflow_id, &fx.user_id)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            6 => c
                .list_workflow_logs(&fx.workflow_id, &fx.user_id)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            7 => c
                .deactivate_workflow(&fx.workflow_action)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            8 => c
                .activate_workflow(&fx.workflow_action)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            _ => c
                .upgrade_workflow_to_version(&fx.workflow_id, &fx.upgrade)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
        }
    }};
}
