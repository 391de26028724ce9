//! What the sandbox's tests share: a sandbox with a raw HTTP client, the answers it gets,
//! a valid call of every operation, and the names the tests use; every test module imports
//! all of it with `use crate::tests::harness::*;`.

pub(crate) use std::time::{Duration, Instant};

pub(crate) use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
pub(crate) use http::{HeaderMap, Method, StatusCode};
pub(crate) use serde_json::{Value, json};

pub(crate) use crate::resources::integrations::IntegrationList;
pub(crate) use crate::resources::users::TokenResponse;
pub(crate) use crate::resources::workflows::{WorkflowErrorList, WorkflowLogList};
pub(crate) use crate::wire::{
    ErrorResponse, SuccessResponse, User, WorkflowLog, WorkflowLogStatus,
};
pub(crate) use crate::*;

pub(crate) const ORDER_SYNC: &str = "wf_shopify_order_sync";

pub(crate) const INVOICE_EXPORT: &str = "wf_netsuite_invoice_export";

pub(crate) const SLACK_ALERT: &str = "wf_slack_order_alert";

pub(crate) const CONTACT_SYNC: &str = "wf_hubspot_contact_sync";

pub(crate) const HUBSPOT: &str = "int_hubspot";

pub(crate) const SLACK: &str = "int_slack";

/// A sandbox and a client that talks raw HTTP to it, sending `x-api-version: 2025-09` when the
/// sandbox answers by the official contract.
pub(crate) struct Harness {
    pub(crate) sandbox: Sandbox,
    pub(crate) client: reqwest::Client,
}

/// The configuration of the tests written against the seed document's shapes.
pub(crate) fn seed() -> SandboxConfig {
    SandboxConfig::new().with_contract(Contract::Seed)
}

/// A response: status, headers and the JSON body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Reply {
    pub(crate) fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("unexpected body {}: {e}", self.body))
    }

    /// Asserts the status and that the body is an `ErrorResponse` with this code.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        let error: ErrorResponse = self.parse();
        assert_eq!(error.error.as_deref(), Some(code), "body: {}", self.body);
        let message = error.message.expect("an error message");
        assert!(!message.is_empty());
        message
    }

    #[track_caller]
    pub(crate) fn assert_success(&self, message: &str) {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        let success: SuccessResponse = self.parse();
        assert_eq!(success.success, Some(true));
        assert_eq!(success.message.as_deref(), Some(message));
    }
}

pub(crate) fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .build()
        .expect("a reqwest client")
}

impl Harness {
    /// A sandbox answering by the seed document.
    pub(crate) async fn seed() -> Self {
        Self::with(seed()).await
    }

    /// A sandbox answering by the official reference, the default.
    pub(crate) async fn official() -> Self {
        Self::with(SandboxConfig::new()).await
    }

    pub(crate) async fn with(config: SandboxConfig) -> Self {
        Self {
            sandbox: Sandbox::start_with(config).await.expect("sandbox starts"),
            client: client(),
        }
    }

    pub(crate) fn state(&self) -> SandboxState {
        self.sandbox.state()
    }

    /// Starts an authenticated request, with the version header in the official contract.
    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self
            .client
            .request(method, format!("{}{path}", self.sandbox.base_url()))
            .header(AUTHORIZATION, format!("Bearer {}", self.sandbox.api_key()));
        match self.sandbox.contract() {
            Contract::Seed => request,
            _ => request.header("x-api-version", "2025-09"),
        }
    }

    /// Sends an authenticated request with an optional JSON body.
    pub(crate) async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        send(request).await
    }

    /// Sends an authenticated request with a raw body.
    pub(crate) async fn call_raw(
        &self,
        method: Method,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let request = self
            .request(method, path)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        send(request).await
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub(crate) async fn create_user(&self, username: &str) -> User {
        let reply = self
            .call(
                Method::POST,
                "/users",
                Some(json!({ "username": username })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "body: {}", reply.body);
        reply.parse()
    }

    pub(crate) async fn trigger(&self, user_id: &str, event: &str, data: Option<Value>) -> Reply {
        let mut body = json!({ "userId": user_id, "event": event });
        if let Some(data) = data {
            body["data"] = data;
        }
        self.call(Method::POST, "/run/event", Some(body)).await
    }

    pub(crate) async fn logs(&self, user_id: &str, workflow_id: &str) -> Vec<WorkflowLog> {
        let reply = self
            .get(&format!("/workflows/{workflow_id}/logs?userId={user_id}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        reply.parse::<WorkflowLogList>().logs
    }

    pub(crate) async fn errors(&self, user_id: &str, workflow_id: &str) -> WorkflowErrorList {
        let reply = self
            .get(&format!("/workflows/{workflow_id}/errors?userId={user_id}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        reply.parse()
    }
}

/// Sends the request and checks that the answer is JSON, as every answer of the sandbox is.
pub(crate) async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a complete body");
    assert_eq!(
        headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "status {status}"
    );
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "status {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    Reply {
        status,
        headers,
        body,
    }
}

/// Returns a valid seed request for each of the seed contract's operations, acting on
/// `user_id`.
pub(crate) fn sample_call(operation: Operation, user_id: &str) -> (Method, String, Option<Value>) {
    let action = Some(json!({ "workflowId": ORDER_SYNC, "userId": user_id }));
    match operation {
        Operation::CreateUser => (
            Method::POST,
            "/users".to_owned(),
            Some(json!({ "username": format!("sample-{}", fastrand::u64(..)) })),
        ),
        Operation::GenerateUserToken => (Method::GET, format!("/users/{user_id}/token"), None),
        Operation::DeleteUserLogs => (Method::DELETE, format!("/users/{user_id}/logs"), None),
        Operation::ListIntegrations => {
            (Method::GET, format!("/integrations?userId={user_id}"), None)
        }
        Operation::TriggerEvent => (
            Method::POST,
            "/run/event".to_owned(),
            Some(json!({ "userId": user_id, "event": "order.created" })),
        ),
        Operation::ListWorkflowErrors => (
            Method::GET,
            format!("/workflows/{ORDER_SYNC}/errors?userId={user_id}"),
            None,
        ),
        Operation::ListWorkflowLogs => (
            Method::GET,
            format!("/workflows/{ORDER_SYNC}/logs?userId={user_id}"),
            None,
        ),
        Operation::DeactivateWorkflow => (Method::PUT, "/workflows/deactivate".to_owned(), action),
        Operation::ActivateWorkflow => (Method::PUT, "/workflows/activate".to_owned(), action),
        Operation::UpgradeWorkflow => (
            Method::PUT,
            format!("/workflows/{ORDER_SYNC}/upgrade"),
            Some(json!({ "userId": user_id, "version": "1.1.0" })),
        ),
        other => panic!("{other} is not an operation of the seed contract"),
    }
}

pub(crate) fn expected_status(operation: Operation) -> StatusCode {
    if operation == Operation::CreateUser {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

impl Harness {
    /// Creates a user in the official contract, which answers 200 with only its id.
    pub(crate) async fn official_user(&self, username: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/users",
                Some(json!({ "username": username })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        let object = reply.body.as_object().expect("an object");
        assert_eq!(object.len(), 1, "only `userId`: {}", reply.body);
        reply.body["userId"].as_str().expect("a userId").to_owned()
    }

    /// Sends the request without the version header.
    pub(crate) async fn without_version(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.sandbox.base_url()))
            .header(AUTHORIZATION, format!("Bearer {}", self.sandbox.api_key()));
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        send(request).await
    }
}

impl Harness {
    /// Returns a valid official request for each operation, acting on `user_id`, after
    /// arranging what it needs (a user to delete, an installation to complete, ...), so that
    /// it answers 200 whenever it is sent once.
    pub(crate) async fn official_call(
        &self,
        operation: Operation,
        user_id: &str,
    ) -> (Method, String, Option<Value>) {
        let state = self.state();
        let fresh_user = || {
            let id = format!("usr_fresh{:016x}", fastrand::u64(..));
            state.add_user(id.clone(), id.clone()).unwrap();
            id
        };
        let completed_installation = || {
            let credential = state
                .create_credential(user_id, "hubspot", &serde_json::Map::new())
                .unwrap();
            let started = state
                .start_installation(user_id, "int_hubspot", &[credential], &[])
                .unwrap();
            state
                .complete_installation(&started.installation_id, Vec::new())
                .unwrap();
            started.installation_id
        };
        let get = |path: String| (Method::GET, path, None);
        match operation {
            Operation::GenerateUserToken => get(format!("/users/{user_id}/token?userId={user_id}")),
            Operation::DeleteUserLogs => (
                Method::DELETE,
                format!("/users/{user_id}/logs?userId={user_id}"),
                None,
            ),
            Operation::TriggerEvent => (
                Method::POST,
                "/run/event".to_owned(),
                Some(json!({ "userId": user_id, "event": "order.created", "data": {} })),
            ),
            Operation::UpgradeWorkflow => {
                state
                    .set_workflow_version(user_id, ORDER_SYNC, "1.0.0")
                    .unwrap();
                (
                    Method::PUT,
                    format!("/workflows/{ORDER_SYNC}/upgrade?userId={user_id}"),
                    None,
                )
            }
            Operation::ListAllUsers => get("/users".to_owned()),
            Operation::GetUser => get(format!("/users/{user_id}")),
            Operation::UpdateUser => (
                Method::PUT,
                format!("/users/{user_id}"),
                Some(json!({ "fullName": "Updated Name" })),
            ),
            Operation::DeleteUser => (Method::DELETE, format!("/users/{}", fresh_user()), None),
            Operation::BatchCreateUsers => (
                Method::POST,
                "/users/batch".to_owned(),
                Some(json!({ "users": [{ "username": format!("batch-{}", fastrand::u64(..)) }] })),
            ),
            Operation::DisableAllWorkflowsForUser => (
                Method::PUT,
                format!("/users/{}/deactivate-workflows", fresh_user()),
                None,
            ),
            Operation::FindWorkflow => get(format!("/workflows/{ORDER_SYNC}?userId={user_id}")),
            Operation::DeleteWorkflow => {
                state.install_workflow(user_id, SLACK_ALERT).unwrap();
                (
                    Method::DELETE,
                    format!("/workflows/{SLACK_ALERT}?userId={user_id}"),
                    None,
                )
            }
            Operation::ListUsersByWorkflowId => get(format!("/workflows/{ORDER_SYNC}/users")),
            Operation::GetWorkflowAnalytics => get(format!("/workflows/{ORDER_SYNC}/analytics")),
            Operation::RunWorkflow => {
                state
                    .set_workflow_active(user_id, ORDER_SYNC, true)
                    .unwrap();
                (
                    Method::POST,
                    "/run/workflow".to_owned(),
                    Some(json!({ "userId": user_id, "workflowId": ORDER_SYNC, "data": {} })),
                )
            }
            Operation::ListEvents => get("/events".to_owned()),
            Operation::GetLogs => get("/logs".to_owned()),
            Operation::GetIntegration => get(format!("/integrations/int_shopify?userId={user_id}")),
            Operation::GetAllInstallations => get("/installations".to_owned()),
            Operation::GetInstallation => {
                get(format!("/installations/{}", completed_installation()))
            }
            Operation::StartInstallation => (
                Method::POST,
                "/headless/startInstallation".to_owned(),
                Some(json!({ "userId": user_id, "integrationId": "int_shopify" })),
            ),
            Operation::CompleteInstallation => {
                let credential = state
                    .create_credential(user_id, "hubspot", &serde_json::Map::new())
                    .unwrap();
                let started = state
                    .start_installation(user_id, "int_hubspot", &[credential], &[])
                    .unwrap();
                (
                    Method::POST,
                    "/headless/completeInstallation".to_owned(),
                    Some(json!({ "installationId": started.installation_id, "data": [] })),
                )
            }
            Operation::EditInstallation => {
                completed_installation();
                (
                    Method::POST,
                    "/headless/editInstallation".to_owned(),
                    Some(json!({ "userId": user_id, "integrationId": "int_hubspot" })),
                )
            }
            Operation::GenerateOauthLink => get(format!(
                "/headless/oauthUrl?userId={user_id}&app=shopify&shopSubdomain=acme"
            )),
            Operation::CreateCredential => (
                Method::POST,
                "/headless/credentials".to_owned(),
                Some(json!({ "userId": user_id, "credential": { "type": "hubspot", "data": {} } })),
            ),
            Operation::ListUserCredentials => get(format!("/credentials/users/{user_id}")),
            Operation::DeleteCredential => {
                let credential = state
                    .create_credential(user_id, "hubspot", &serde_json::Map::new())
                    .unwrap();
                (
                    Method::DELETE,
                    format!("/users/{user_id}/credentials/{credential}"),
                    None,
                )
            }
            Operation::GetCredentialMetadata => get("/metadata/credentials".to_owned()),
            Operation::CredentialMetadataByApp => get("/metadata/credentials/shopify".to_owned()),
            Operation::GetAppActionsUsage => get("/analytics/usage".to_owned()),
            Operation::GetDetailUsageTime => get("/analytics/detail-usage-time".to_owned()),
            Operation::GetDetailUsageUser => {
                get(format!("/analytics/detail-usage-user?userId={user_id}"))
            }
            other => sample_call(other, user_id),
        }
    }
}

impl Harness {
    pub(crate) async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// Sends the request and asserts a 200, returning the body.
    pub(crate) async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let reply = self.call(method.clone(), path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{method} {path}: {}",
            reply.body
        );
        reply.body
    }

    pub(crate) async fn run(&self, user: &str, workflow_id: &str, data: Value) -> Reply {
        self.post(
            "/run/workflow",
            json!({ "userId": user, "workflowId": workflow_id, "data": data }),
        )
        .await
    }

    pub(crate) async fn credential(&self, user: &str, kind: &str, data: Value) -> String {
        let body = self
            .ok(
                Method::POST,
                "/headless/credentials",
                Some(json!({ "userId": user, "credential": { "type": kind, "data": data } })),
            )
            .await;
        assert_eq!(body["success"], json!(true), "{body}");
        body["credentialId"].as_str().unwrap().to_owned()
    }

    /// Lists the ids of `/logs` with the query, asserting the pagination's totals.
    pub(crate) async fn log_ids(&self, query: &str) -> (Vec<String>, Value) {
        let body = self.ok(Method::GET, &format!("/logs{query}"), None).await;
        let ids = body["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["_id"].as_str().unwrap().to_owned())
            .collect();
        (ids, body["pagination"].clone())
    }
}

pub(crate) fn data_list(body: &Value) -> &Vec<Value> {
    body["data"].as_array().expect("a `data` list")
}
