//! The sandbox over raw HTTP: every operation, every error status, faults and concurrency.
//!
//! Most tests run the seed contract, whose shapes they assert; the `Official contract`
//! section covers the default, official contract operation by operation.

use std::time::{Duration, Instant};

use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use super::*;
use crate::resources::integrations::IntegrationList;
use crate::resources::users::TokenResponse;
use crate::resources::workflows::{WorkflowErrorList, WorkflowLogList};
use crate::wire::{ErrorResponse, SuccessResponse, User, WorkflowLog, WorkflowLogStatus};

const ORDER_SYNC: &str = "wf_shopify_order_sync";
const INVOICE_EXPORT: &str = "wf_netsuite_invoice_export";
const SLACK_ALERT: &str = "wf_slack_order_alert";
const CONTACT_SYNC: &str = "wf_hubspot_contact_sync";

/// A sandbox and a client that talks raw HTTP to it, sending `x-api-version: 2025-09` when the
/// sandbox answers by the official contract.
struct Harness {
    sandbox: Sandbox,
    client: reqwest::Client,
}

/// The configuration of the tests written against the seed document's shapes.
fn seed() -> SandboxConfig {
    SandboxConfig::new().with_contract(Contract::Seed)
}

/// A response: status, headers and the JSON body.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("unexpected body {}: {e}", self.body))
    }

    /// Asserts the status and that the body is an `ErrorResponse` with this code.
    #[track_caller]
    fn assert_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        let error: ErrorResponse = self.parse();
        assert_eq!(error.error.as_deref(), Some(code), "body: {}", self.body);
        let message = error.message.expect("an error message");
        assert!(!message.is_empty());
        message
    }

    #[track_caller]
    fn assert_success(&self, message: &str) {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        let success: SuccessResponse = self.parse();
        assert_eq!(success.success, Some(true));
        assert_eq!(success.message.as_deref(), Some(message));
    }
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .build()
        .expect("a reqwest client")
}

impl Harness {
    /// A sandbox answering by the seed document.
    async fn seed() -> Self {
        Self::with(seed()).await
    }

    /// A sandbox answering by the official reference, the default.
    async fn official() -> Self {
        Self::with(SandboxConfig::new()).await
    }

    async fn with(config: SandboxConfig) -> Self {
        Self {
            sandbox: Sandbox::start_with(config).await.expect("sandbox starts"),
            client: client(),
        }
    }

    fn state(&self) -> SandboxState {
        self.sandbox.state()
    }

    /// Starts an authenticated request, with the version header in the official contract.
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
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
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        send(request).await
    }

    /// Sends an authenticated request with a raw body.
    async fn call_raw(&self, method: Method, path: &str, body: impl Into<reqwest::Body>) -> Reply {
        let request = self
            .request(method, path)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        send(request).await
    }

    async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    async fn create_user(&self, username: &str) -> User {
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

    async fn trigger(&self, user_id: &str, event: &str, data: Option<Value>) -> Reply {
        let mut body = json!({ "userId": user_id, "event": event });
        if let Some(data) = data {
            body["data"] = data;
        }
        self.call(Method::POST, "/run/event", Some(body)).await
    }

    async fn logs(&self, user_id: &str, workflow_id: &str) -> Vec<WorkflowLog> {
        let reply = self
            .get(&format!("/workflows/{workflow_id}/logs?userId={user_id}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        reply.parse::<WorkflowLogList>().logs
    }

    async fn errors(&self, user_id: &str, workflow_id: &str) -> WorkflowErrorList {
        let reply = self
            .get(&format!("/workflows/{workflow_id}/errors?userId={user_id}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        reply.parse()
    }
}

/// Sends the request and checks that the answer is JSON, as every answer of the sandbox is.
async fn send(request: reqwest::RequestBuilder) -> Reply {
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
fn sample_call(operation: Operation, user_id: &str) -> (Method, String, Option<Value>) {
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

fn expected_status(operation: Operation) -> StatusCode {
    if operation == Operation::CreateUser {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

// ---- Startup and configuration -------------------------------------------------------------

#[tokio::test]
async fn start_binds_localhost_with_a_random_key() {
    let sandbox = Sandbox::start().await.unwrap();
    assert!(sandbox.addr().ip().is_loopback());
    assert_ne!(sandbox.addr().port(), 0);
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}", sandbox.addr().port())
    );
    let key = sandbox.api_key();
    assert!(key.starts_with("sk_sandbox_"), "{key}");
    assert_eq!(key.len(), "sk_sandbox_".len() + 32);
    let other = Sandbox::start().await.unwrap();
    assert_ne!(other.api_key(), key);
    assert!(!format!("{sandbox:?}").contains(key));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn invalid_configurations_are_refused() {
    let empty_key = Sandbox::start_with(SandboxConfig::new().with_api_key("")).await;
    assert_eq!(
        empty_key.unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    let spaced_key = Sandbox::start_with(SandboxConfig::new().with_api_key("a b")).await;
    assert!(spaced_key.is_err());
    let workflow = CatalogWorkflow::new("wf_same", ["1.0.0"]);
    let duplicate = SandboxConfig::new().with_catalog(vec![
        CatalogEntry::new("int_a", "A", "X").with_workflow(workflow.clone()),
        CatalogEntry::new("int_b", "B", "X").with_workflow(workflow),
    ]);
    let error = Sandbox::start_with(duplicate).await.unwrap_err();
    assert!(error.to_string().contains("wf_same"), "{error}");
    let versionless = SandboxConfig::new().with_catalog(vec![
        CatalogEntry::new("int_a", "A", "X")
            .with_workflow(CatalogWorkflow::new("wf_a", Vec::<String>::new())),
    ]);
    assert!(Sandbox::start_with(versionless).await.is_err());
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let client = client();
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/users", sandbox.base_url());
    sandbox.shutdown().await;
    assert!(client.post(&url).send().await.is_err());

    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/users", sandbox.base_url());
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client.post(&url).send().await.is_err());
}

#[test]
fn operations_round_trip_their_ids() {
    for operation in Operation::ALL {
        assert_eq!(operation.operation_id().parse::<Operation>(), Ok(operation));
        assert_eq!(operation.to_string(), operation.operation_id());
    }
    assert_eq!(
        "listWorkflowLogs".parse::<Operation>(),
        Ok(Operation::ListWorkflowLogs)
    );
    assert!("ListWorkflowLogs".parse::<Operation>().is_err());
}

#[test]
#[should_panic(expected = "error status")]
fn faults_need_an_error_status() {
    let _ = Fault::status(200);
}

// ---- Authentication ------------------------------------------------------------------------

#[tokio::test]
async fn every_operation_requires_the_api_key() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    h.state().reset_request_counts();
    for operation in Operation::served_by(Contract::Seed) {
        let (method, path, body) = sample_call(operation, &user.user_id);
        let url = format!("{}{path}", h.sandbox.base_url());
        let with_body = |request: reqwest::RequestBuilder| match &body {
            Some(body) => request.body(body.to_string()),
            None => request,
        };

        let missing = send(with_body(h.client.request(method.clone(), &url))).await;
        let message = missing.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
        assert!(message.contains("Authorization"), "{message}");
        assert_eq!(missing.headers[WWW_AUTHENTICATE], "Bearer");

        let wrong = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, "Bearer sk_sandbox_wrong");
        send(with_body(wrong))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        let basic = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, format!("Basic {}", h.sandbox.api_key()));
        send(with_body(basic))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        let prefix = &h.sandbox.api_key()[..h.sandbox.api_key().len() - 1];
        let truncated = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, format!("Bearer {prefix}"));
        send(with_body(truncated))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        assert_eq!(h.state().request_count(operation), 4, "{operation}");
    }
    // Nothing but the user created above exists: no unauthenticated call changed the state.
    assert_eq!(h.state().user_count(), 1);
    assert_eq!(h.state().log_count(), 0);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let request = h
            .client
            .get(format!(
                "{}/integrations?userId={}",
                h.sandbox.base_url(),
                user.user_id
            ))
            .header(AUTHORIZATION, format!("{scheme} {}", h.sandbox.api_key()));
        assert_eq!(send(request).await.status, StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn a_configured_api_key_is_used() {
    let h = Harness::with(seed().with_api_key("sk_test_fixed")).await;
    assert_eq!(h.sandbox.api_key(), "sk_test_fixed");
    let request = h
        .client
        .post(format!("{}/users", h.sandbox.base_url()))
        .header(AUTHORIZATION, "Bearer sk_test_fixed")
        .body(r#"{"username":"alice"}"#);
    assert_eq!(send(request).await.status, StatusCode::CREATED);
}

// ---- Users ---------------------------------------------------------------------------------

#[tokio::test]
async fn create_user_answers_201_with_the_user() {
    let h = Harness::seed().await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let reply = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "user-123", "fullName": "Jane Smith" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let user: User = reply.parse();
    assert!(user.user_id.starts_with("usr_"), "{}", user.user_id);
    assert_eq!(user.username.as_deref(), Some("user-123"));
    assert_eq!(user.full_name.as_deref(), Some("Jane Smith"));
    let created_at = user.created_at.expect("createdAt");
    assert!(created_at >= before && created_at <= chrono::Utc::now());
    assert_eq!(h.state().user(&user.user_id), Some(user.clone()));

    let other = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "user-456" })),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert!(other.body.get("fullName").is_none(), "{}", other.body);
    assert_ne!(other.parse::<User>().user_id, user.user_id);
    assert_eq!(h.state().user_count(), 2);
    assert_eq!(h.state().request_count(Operation::CreateUser), 2);
}

#[tokio::test]
async fn create_user_rejects_bad_input_with_400() {
    let h = Harness::seed().await;
    h.create_user("taken").await;
    let duplicate = h
        .call(Method::POST, "/users", Some(json!({ "username": "taken" })))
        .await;
    let message = duplicate.assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("already exists"), "{message}");

    let bodies = [
        ("{\"username\": ", "EOF"),
        ("not json", "expected"),
        ("", "EOF"),
        ("{}", "missing field `username`"),
        ("{\"fullName\":\"Jane\"}", "missing field `username`"),
        ("{\"username\":42}", "invalid type"),
        ("{\"username\":null}", "invalid type"),
        ("{\"username\":\"ok\",\"fullName\":7}", "invalid type"),
        ("[\"username\"]", "must be a JSON object"),
        ("\"username\"", "must be a JSON object"),
        ("null", "must be a JSON object"),
        ("{\"username\":\"\"}", "must not be empty"),
        ("{\"username\":\"   \"}", "must not be empty"),
    ];
    for (body, expected) in bodies {
        let reply = h.call_raw(Method::POST, "/users", body).await;
        let message = reply.assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains(expected), "{body:?}: {message}");
    }
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn user_tokens_are_verifiable_jwts() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    let reply = h.get(&format!("/users/{}/token", user.user_id)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let token = reply.parse::<TokenResponse>().token;
    assert_eq!(token.split('.').count(), 3);

    let claims = h.sandbox.verify_token(&token).expect("a valid token");
    assert_eq!(claims.sub, user.user_id);
    let now = chrono::Utc::now().timestamp();
    assert!((now - 5..=now).contains(&claims.iat), "{claims:?}");
    assert!(claims.exp > claims.iat && claims.exp <= claims.iat + 1800);
    assert_eq!(h.state().verify_token(&token), Ok(claims));

    let other = Sandbox::start().await.unwrap();
    assert_eq!(
        other.verify_token(&token),
        Err(TokenError::InvalidSignature)
    );
    assert_eq!(
        h.sandbox.verify_token("not.a.jwt"),
        Err(TokenError::Malformed)
    );

    h.get("/users/usr_missing/token")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn token_ttl_is_configurable_up_to_30_minutes() {
    let h = Harness::with(seed().with_token_ttl(Duration::from_secs(60))).await;
    let user = h.create_user("alice").await;
    let token = h
        .get(&format!("/users/{}/token", user.user_id))
        .await
        .parse::<TokenResponse>()
        .token;
    let claims = h.sandbox.verify_token(&token).unwrap();
    assert_eq!(claims.exp - claims.iat, 60);

    let h = Harness::with(seed().with_token_ttl(Duration::from_secs(86_400))).await;
    let user = h.create_user("alice").await;
    let token = h
        .get(&format!("/users/{}/token", user.user_id))
        .await
        .parse::<TokenResponse>()
        .token;
    let claims = h.sandbox.verify_token(&token).unwrap();
    assert_eq!(claims.exp - claims.iat, 1800);
}

#[tokio::test]
async fn deleting_logs_purges_only_that_user() {
    let h = Harness::seed().await;
    let alice = h.create_user("alice").await.user_id;
    let bob = h.create_user("bob").await.user_id;
    for user in [&alice, &bob] {
        h.trigger(user, "order.created", None)
            .await
            .assert_success("Event triggered successfully");
        h.trigger(user, "invoice.created", None)
            .await
            .assert_success("Event triggered successfully");
    }
    assert_eq!(h.state().log_count(), 4);
    assert_eq!(h.state().error_count(), 2);

    h.call(Method::DELETE, &format!("/users/{alice}/logs"), None)
        .await
        .assert_success("User logs purged successfully");
    assert!(h.logs(&alice, ORDER_SYNC).await.is_empty());
    assert!(h.errors(&alice, INVOICE_EXPORT).await.errors.is_empty());
    assert_eq!(h.logs(&bob, ORDER_SYNC).await.len(), 1);
    assert_eq!(h.errors(&bob, INVOICE_EXPORT).await.errors.len(), 1);
    assert_eq!(h.state().log_count(), 2);
    assert_eq!(h.state().error_count(), 1);

    h.call(Method::DELETE, "/users/usr_missing/logs", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

// ---- Integrations --------------------------------------------------------------------------

#[tokio::test]
async fn integrations_show_what_the_user_has_installed() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let reply = h.get(&format!("/integrations?userId={user}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let list: IntegrationList = reply.parse();
    let installed: Vec<_> = list
        .integrations
        .iter()
        .map(|i| (i.integration_id.as_str(), i.installed))
        .collect();
    assert_eq!(
        installed,
        [
            ("int_shopify", Some(true)),
            ("int_hubspot", Some(true)),
            ("int_netsuite", Some(true)),
            ("int_slack", Some(false)),
        ]
    );
    let shopify = &list.integrations[0];
    assert_eq!(shopify.name.as_deref(), Some("Shopify"));
    assert_eq!(shopify.category.as_deref(), Some("E-Commerce"));
    assert_eq!(
        shopify.icon_url.as_deref(),
        Some("https://assets.runalloy.com/icons/shopify.png")
    );

    h.state().install_workflow(&user, SLACK_ALERT).unwrap();
    h.state().uninstall_workflow(&user, CONTACT_SYNC).unwrap();
    let list: IntegrationList = h.get(&format!("/integrations?userId={user}")).await.parse();
    let installed: Vec<_> = list.integrations.iter().map(|i| i.installed).collect();
    assert_eq!(installed, [Some(true), Some(false), Some(true), Some(true)]);
}

#[tokio::test]
async fn integrations_need_a_known_user_id() {
    let h = Harness::seed().await;
    for path in [
        "/integrations",
        "/integrations?userId=",
        "/integrations?user=x",
    ] {
        let message = h
            .get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("userId"), "{path}: {message}");
    }
    h.get("/integrations?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

// ---- Events, logs and errors -----------------------------------------------------------------

#[tokio::test]
async fn events_run_listening_workflows_and_log_them() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let reply = h
        .trigger(
            &user,
            "order.created",
            Some(json!({ "orderId": "ord-789", "amount": 150.0 })),
        )
        .await;
    reply.assert_success("Event triggered successfully");

    let logs = h.logs(&user, ORDER_SYNC).await;
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert!(log.log_id.starts_with("log_"));
    assert_eq!(log.workflow_id.as_deref(), Some(ORDER_SYNC));
    assert_eq!(log.status, Some(WorkflowLogStatus::Success));
    assert!(log.executed_at.is_some() && log.duration.is_some());
    assert!(h.errors(&user, ORDER_SYNC).await.errors.is_empty());
    // Other workflows did not run.
    assert!(h.logs(&user, CONTACT_SYNC).await.is_empty());

    h.trigger(&user, "order.updated", None)
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.logs(&user, ORDER_SYNC).await.len(), 2);

    // An event nobody listens to is accepted and runs nothing.
    h.trigger(&user, "nothing.listens", Some(json!({})))
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.state().log_count(), 2);

    // Installing Slack makes `order.created` run two workflows.
    h.state().install_workflow(&user, SLACK_ALERT).unwrap();
    h.trigger(&user, "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.logs(&user, ORDER_SYNC).await.len(), 3);
    assert_eq!(h.logs(&user, SLACK_ALERT).await.len(), 1);
    assert_eq!(h.state().request_count(Operation::TriggerEvent), 4);
}

#[tokio::test]
async fn failing_runs_record_a_failure_log_and_an_error() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;

    // The catalog makes version 1.0.0 of the NetSuite export fail.
    h.trigger(&user, "invoice.created", None)
        .await
        .assert_success("Event triggered successfully");
    let logs = h.logs(&user, INVOICE_EXPORT).await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].status, Some(WorkflowLogStatus::Failure));
    let errors = h.errors(&user, INVOICE_EXPORT).await.errors;
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert!(error.error_id.starts_with("err_"));
    assert_eq!(error.workflow_id.as_deref(), Some(INVOICE_EXPORT));
    assert!(error.message.as_deref().unwrap().contains("subsidiary"));
    assert_eq!(error.occurred_at, logs[0].executed_at);

    // `"fail": true` fails every run of the event.
    h.state().install_workflow(&user, SLACK_ALERT).unwrap();
    h.trigger(&user, "order.created", Some(json!({ "fail": true })))
        .await
        .assert_success("Event triggered successfully");
    for workflow in [ORDER_SYNC, SLACK_ALERT] {
        let logs = h.logs(&user, workflow).await;
        assert_eq!(
            logs[0].status,
            Some(WorkflowLogStatus::Failure),
            "{workflow}"
        );
        assert_eq!(
            h.errors(&user, workflow).await.errors.len(),
            1,
            "{workflow}"
        );
    }

    // `"fail": "<workflowId>"` fails only that workflow's run.
    h.trigger(&user, "order.created", Some(json!({ "fail": SLACK_ALERT })))
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(
        h.logs(&user, ORDER_SYNC).await[1].status,
        Some(WorkflowLogStatus::Success)
    );
    assert_eq!(
        h.logs(&user, SLACK_ALERT).await[1].status,
        Some(WorkflowLogStatus::Failure)
    );
    assert_eq!(h.errors(&user, ORDER_SYNC).await.errors.len(), 1);
    assert_eq!(h.errors(&user, SLACK_ALERT).await.errors.len(), 2);

    // Anything else under `fail` does not fail.
    h.trigger(&user, "order.created", Some(json!({ "fail": false })))
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.state().errors(&user).len(), 4);
    assert_eq!(h.state().logs(&user).len(), 7);
}

#[tokio::test]
async fn trigger_event_rejects_bad_input() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let bodies = [
        json!({ "event": "order.created" }),
        json!({ "userId": user }),
        json!({ "userId": user, "event": 5 }),
        json!({ "userId": 5, "event": "order.created" }),
        json!({ "userId": user, "event": "" }),
        json!({ "userId": "", "event": "order.created" }),
        json!({ "userId": user, "event": "order.created", "data": [1, 2] }),
        json!({ "userId": user, "event": "order.created", "data": "x" }),
        json!({ "userId": user, "event": "order.created", "data": null }),
        json!("order.created"),
    ];
    for body in bodies {
        h.call(Method::POST, "/run/event", Some(body.clone()))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.call_raw(Method::POST, "/run/event", "{\"userId\":")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    h.trigger("usr_missing", "order.created", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(h.state().log_count(), 0);
}

#[tokio::test]
async fn logs_and_errors_answer_404_for_what_the_user_cannot_see() {
    let h = Harness::seed().await;
    let alice = h.create_user("alice").await.user_id;
    let bob = h.create_user("bob").await.user_id;
    h.state().install_workflow(&alice, SLACK_ALERT).unwrap();
    h.trigger(&alice, "order.created", None)
        .await
        .assert_success("Event triggered successfully");

    for kind in ["logs", "errors"] {
        // Alice sees her Slack workflow.
        assert_eq!(
            h.get(&format!("/workflows/{SLACK_ALERT}/{kind}?userId={alice}"))
                .await
                .status,
            StatusCode::OK
        );
        // Bob asking for a workflow installed only for Alice.
        let message = h
            .get(&format!("/workflows/{SLACK_ALERT}/{kind}?userId={bob}"))
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        assert!(message.contains("not installed"), "{message}");
        // Unknown workflow and unknown user.
        h.get(&format!("/workflows/wf_missing/{kind}?userId={alice}"))
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        h.get(&format!(
            "/workflows/{ORDER_SYNC}/{kind}?userId=usr_missing"
        ))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        // Missing userId.
        h.get(&format!("/workflows/{ORDER_SYNC}/{kind}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    // Bob's own order sync has no logs: Alice's event did not run his workflows.
    assert!(h.logs(&bob, ORDER_SYNC).await.is_empty());
    assert_eq!(h.logs(&alice, ORDER_SYNC).await.len(), 1);
}

#[tokio::test]
async fn percent_encoded_parameters_are_decoded() {
    let h = Harness::seed().await;
    h.state().add_user("usr with space", "spacey").unwrap();
    h.trigger("usr with space", "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    let reply = h
        .get(&format!(
            "/workflows/{ORDER_SYNC}/logs?userId=usr%20with%20space"
        ))
        .await;
    assert_eq!(reply.parse::<WorkflowLogList>().logs.len(), 1);
    let reply = h.get("/users/usr%20with%20space/token").await;
    assert_eq!(reply.status, StatusCode::OK);
}

// ---- Workflow lifecycle ----------------------------------------------------------------------

#[tokio::test]
async fn deactivated_workflows_do_not_run() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let action = json!({ "workflowId": ORDER_SYNC, "userId": user });

    h.call(Method::PUT, "/workflows/deactivate", Some(action.clone()))
        .await
        .assert_success("Workflow deactivated");
    assert_eq!(
        h.state().workflow(&user, ORDER_SYNC),
        Some(InstalledWorkflow {
            version: "1.0.0".to_owned(),
            active: false
        })
    );
    h.trigger(&user, "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    assert!(h.logs(&user, ORDER_SYNC).await.is_empty());
    // Deactivating twice is fine.
    h.call(Method::PUT, "/workflows/deactivate", Some(action.clone()))
        .await
        .assert_success("Workflow deactivated");

    h.call(Method::PUT, "/workflows/activate", Some(action))
        .await
        .assert_success("Workflow activated");
    h.trigger(&user, "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.logs(&user, ORDER_SYNC).await.len(), 1);
}

#[tokio::test]
async fn activation_rejects_unknown_and_invalid_input() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    for path in ["/workflows/activate", "/workflows/deactivate"] {
        for body in [
            json!({ "workflowId": ORDER_SYNC, "userId": "usr_missing" }),
            json!({ "workflowId": "wf_missing", "userId": user }),
            json!({ "workflowId": SLACK_ALERT, "userId": user }),
        ] {
            h.call(Method::PUT, path, Some(body))
                .await
                .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        }
        for body in [
            json!({ "workflowId": ORDER_SYNC }),
            json!({ "userId": user }),
            json!({ "workflowId": 1, "userId": user }),
            json!({ "workflowId": "", "userId": user }),
        ] {
            h.call(Method::PUT, path, Some(body))
                .await
                .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        }
        h.call_raw(Method::PUT, path, "{{")
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    assert!(h.state().workflow(&user, ORDER_SYNC).unwrap().active);
}

#[tokio::test]
async fn upgrades_move_forward_only() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let upgrade = |workflow: &str, body: Value| {
        let path = format!("/workflows/{workflow}/upgrade");
        let h = &h;
        async move { h.call(Method::PUT, &path, Some(body)).await }
    };

    upgrade(ORDER_SYNC, json!({ "userId": user, "version": "1.1.0" }))
        .await
        .assert_success("Workflow upgraded to version 1.1.0");
    assert_eq!(
        h.state().workflow(&user, ORDER_SYNC).unwrap().version,
        "1.1.0"
    );

    for version in ["1.1.0", "1.0.0"] {
        let message = upgrade(ORDER_SYNC, json!({ "userId": user, "version": version }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("newer"), "{message}");
    }
    let message = upgrade(ORDER_SYNC, json!({ "userId": user, "version": "9.9.9" }))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("1.0.0, 1.1.0, 2.0.0"), "{message}");

    // Without a version: the latest.
    upgrade(ORDER_SYNC, json!({ "userId": user }))
        .await
        .assert_success("Workflow upgraded to version 2.0.0");
    let message = upgrade(ORDER_SYNC, json!({ "userId": user }))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("already at the latest"), "{message}");
    assert_eq!(
        h.state().workflow(&user, ORDER_SYNC).unwrap().version,
        "2.0.0"
    );

    upgrade("wf_missing", json!({ "userId": user }))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    upgrade(SLACK_ALERT, json!({ "userId": user }))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    upgrade(ORDER_SYNC, json!({ "userId": "usr_missing" }))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    for body in [
        json!({}),
        json!({ "version": "2.0.0" }),
        json!({ "userId": user, "version": 2 }),
        json!({ "userId": "" }),
    ] {
        upgrade(ORDER_SYNC, body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
}

#[tokio::test]
async fn upgrading_the_netsuite_export_fixes_its_failures() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    h.trigger(&user, "invoice.created", None)
        .await
        .assert_success("Event triggered successfully");
    h.call(
        Method::PUT,
        &format!("/workflows/{INVOICE_EXPORT}/upgrade"),
        Some(json!({ "userId": user, "version": "1.1.0" })),
    )
    .await
    .assert_success("Workflow upgraded to version 1.1.0");
    h.trigger(&user, "invoice.created", None)
        .await
        .assert_success("Event triggered successfully");
    let statuses: Vec<_> = h
        .logs(&user, INVOICE_EXPORT)
        .await
        .into_iter()
        .map(|log| log.status)
        .collect();
    assert_eq!(
        statuses,
        [
            Some(WorkflowLogStatus::Failure),
            Some(WorkflowLogStatus::Success)
        ]
    );
    assert_eq!(h.errors(&user, INVOICE_EXPORT).await.errors.len(), 1);
}

// ---- Seeding ---------------------------------------------------------------------------------

#[tokio::test]
async fn the_state_can_be_seeded_and_inspected() {
    let h = Harness::seed().await;
    let state = h.state();
    let user = state.add_user("usr_fixed", "fixed").unwrap();
    assert_eq!(user.user_id, "usr_fixed");
    assert_eq!(
        state.add_user("usr_fixed", "other"),
        Err(StateError::DuplicateUserId("usr_fixed".to_owned()))
    );
    assert_eq!(
        state.add_user("usr_other", "fixed"),
        Err(StateError::DuplicateUsername("fixed".to_owned()))
    );
    assert_eq!(state.add_user("", "x"), Err(StateError::Empty("userId")));
    // The username is taken over HTTP as well.
    h.call(Method::POST, "/users", Some(json!({ "username": "fixed" })))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");

    state
        .set_workflow_version("usr_fixed", ORDER_SYNC, "2.0.0")
        .unwrap();
    state
        .set_workflow_version("usr_fixed", ORDER_SYNC, "1.0.0")
        .unwrap();
    assert!(matches!(
        state.set_workflow_version("usr_fixed", ORDER_SYNC, "3.0.0"),
        Err(StateError::UnknownVersion { .. })
    ));
    state
        .set_workflow_active("usr_fixed", CONTACT_SYNC, false)
        .unwrap();
    assert!(!state.workflow("usr_fixed", CONTACT_SYNC).unwrap().active);
    assert_eq!(
        state.set_workflow_active("usr_nobody", CONTACT_SYNC, false),
        Err(StateError::UnknownUser("usr_nobody".to_owned()))
    );
    assert!(
        state
            .set_workflow_active("usr_fixed", SLACK_ALERT, true)
            .unwrap_err()
            .is_not_found()
    );

    let log = WorkflowLog {
        log_id: "log_seeded".to_owned(),
        workflow_id: Some(ORDER_SYNC.to_owned()),
        status: Some(WorkflowLogStatus::Pending),
        executed_at: None,
        duration: None,
    };
    state.add_log("usr_fixed", log.clone()).unwrap();
    assert_eq!(h.logs("usr_fixed", ORDER_SYNC).await, [log]);
    assert_eq!(state.logs("usr_fixed").len(), 1);
    assert!(state.logs("usr_nobody").is_empty());
    assert_eq!(state.users().len(), 1);
    assert_eq!(state.catalog().len(), 4);
    assert_eq!(
        state
            .uninstall_workflow("usr_fixed", SLACK_ALERT)
            .unwrap_err()
            .to_string(),
        "Workflow `wf_slack_order_alert` is not installed for user `usr_fixed`"
    );
}

#[tokio::test]
async fn a_custom_catalog_is_served() {
    let catalog = vec![
        CatalogEntry::new("int_acme", "Acme", "CRM").with_workflow(
            CatalogWorkflow::new("wf_acme", ["0.1", "0.2"])
                .listening_to("ping")
                .failing_in("0.2", "Acme is down"),
        ),
    ];
    let h = Harness::with(seed().with_catalog(catalog)).await;
    let user = h.create_user("alice").await.user_id;
    let list: IntegrationList = h.get(&format!("/integrations?userId={user}")).await.parse();
    assert_eq!(list.integrations.len(), 1);
    assert_eq!(list.integrations[0].icon_url, None);
    h.trigger(&user, "ping", None)
        .await
        .assert_success("Event triggered successfully");
    h.call(
        Method::PUT,
        "/workflows/wf_acme/upgrade",
        Some(json!({ "userId": user })),
    )
    .await
    .assert_success("Workflow upgraded to version 0.2");
    h.trigger(&user, "ping", None)
        .await
        .assert_success("Event triggered successfully");
    let errors = h.errors(&user, "wf_acme").await.errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message.as_deref(), Some("Acme is down"));
}

// ---- Protocol errors -------------------------------------------------------------------------

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let h = Harness::with(seed().with_body_limit(1024)).await;
    let padding = "x".repeat(4096);
    let body = json!({ "username": "big", "fullName": padding }).to_string();
    let message = h
        .call_raw(Method::POST, "/users", body)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE");
    assert!(message.contains("1024"), "{message}");
    assert_eq!(h.state().user_count(), 0);
    // The connection stays usable and bodies within the limit are served.
    let fits = json!({ "username": "small", "fullName": "x".repeat(900) }).to_string();
    assert_eq!(
        h.call_raw(Method::POST, "/users", fits).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte() {
    let h = Harness::seed().await;
    let at_limit = vec![b' '; DEFAULT_BODY_LIMIT];
    // Exactly at the limit: whitespace only, so it is read and then rejected as invalid JSON.
    h.call_raw(Method::POST, "/users", at_limit)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    let over = vec![b' '; DEFAULT_BODY_LIMIT + 1];
    h.call_raw(Method::POST, "/users", over)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE");
}

/// Sends raw bytes on a fresh connection and returns everything the server answers.
async fn raw_http(addr: std::net::SocketAddr, request: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        stream.write_all(&request).expect("send the request");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .expect("read the response");
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .expect("the blocking task finishes")
}

#[tokio::test]
async fn chunked_and_announced_bodies_are_limited_too() {
    let h = Harness::with(seed().with_body_limit(1000)).await;
    let head = |extra: &str| {
        format!(
            "PUT /workflows/activate HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\
             Authorization: Bearer {}\r\n{extra}\r\n",
            h.sandbox.api_key()
        )
    };

    // A chunked body without Content-Length, over the limit: read, discarded, answered 413.
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    for _ in 0..3 {
        request.extend_from_slice(format!("{:x}\r\n{}\r\n", 500, " ".repeat(500)).as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");

    // A Content-Length far beyond the limit is refused before any byte of the body is read.
    let request = head("Content-Length: 1000000000\r\n").into_bytes();
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("application/json"), "{response}");

    // A chunked body within the limit is served.
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    let body = r#"{"workflowId":"wf_shopify_order_sync","userId":"usr_nobody"}"#;
    request.extend_from_slice(format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len()).as_bytes());
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(response.contains("usr_nobody"), "{response}");
}

#[tokio::test]
async fn unknown_routes_get_404_and_wrong_methods_405() {
    let h = Harness::seed().await;
    for path in [
        "/",
        "/user",
        "/users/usr_1",
        "/users/usr_1/token/extra",
        "/2025-09/users",
    ] {
        let message = h
            .get(path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        assert!(message.contains(path), "{message}");
    }
    let wrong = [
        (Method::GET, "/users"),
        (Method::DELETE, "/users"),
        (Method::POST, "/users/usr_1/token"),
        (Method::GET, "/users/usr_1/logs"),
        (Method::POST, "/integrations"),
        (Method::GET, "/run/event"),
        (Method::POST, "/workflows/wf_1/logs"),
        (Method::DELETE, "/workflows/wf_1/errors"),
        (Method::GET, "/workflows/deactivate"),
        (Method::POST, "/workflows/activate"),
        (Method::GET, "/workflows/wf_1/upgrade"),
    ];
    for (method, path) in wrong {
        let reply = h.call(method.clone(), path, None).await;
        let message = reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
        assert!(message.contains(method.as_str()), "{message}");
        assert!(reply.headers.contains_key(ALLOW), "{method} {path}");
    }
    // Neither counts as a call of an operation.
    assert_eq!(h.state().total_request_count(), 0);
    // Unknown routes do not need the API key either: they do not exist.
    let reply = send(h.client.get(format!("{}/nope", h.sandbox.base_url()))).await;
    reply.assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

/// Path parameters are decoded by one generic extractor for every route: a value that is not
/// UTF-8 once percent-decoded is still the caller's mistake (400), counted for its operation.
#[tokio::test]
async fn a_path_parameter_that_is_not_utf8_is_a_bad_request() {
    let h = Harness::seed().await;
    for (path, operation) in [
        ("/users/%FF/token", Operation::GenerateUserToken),
        (
            "/workflows/%C3%28/logs?userId=usr_1",
            Operation::ListWorkflowLogs,
        ),
    ] {
        h.get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert_eq!(h.state().request_count(operation), 1, "{path}");
    }
}

// ---- Faults ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_status_fault_answers_the_next_calls_then_clears() {
    let h = Harness::seed().await;
    h.sandbox
        .inject_fault(Fault::status(503).with_retry_after(2).times(2));
    assert_eq!(h.state().pending_faults(), 1);
    for _ in 0..2 {
        let reply = h
            .call(Method::POST, "/users", Some(json!({ "username": "alice" })))
            .await;
        let message = reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
        assert!(message.contains("createUser"), "{message}");
        assert_eq!(reply.headers[RETRY_AFTER], "2");
    }
    // The faulted calls did not touch the state.
    assert_eq!(h.state().user_count(), 0);
    assert_eq!(h.state().pending_faults(), 0);
    h.create_user("alice").await;
    assert_eq!(h.state().request_count(Operation::CreateUser), 3);
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn a_fault_can_target_one_operation() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    h.sandbox.inject_fault(
        Fault::status(429)
            .times(3)
            .only(Operation::ListWorkflowLogs),
    );
    // Other operations pass untouched.
    h.trigger(&user, "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.errors(&user, ORDER_SYNC).await.errors.len(), 0);
    let path = format!("/workflows/{ORDER_SYNC}/logs?userId={user}");
    for _ in 0..3 {
        let reply = h.get(&path).await;
        reply.assert_error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS");
        assert!(!reply.headers.contains_key(RETRY_AFTER));
    }
    assert_eq!(h.logs(&user, ORDER_SYNC).await.len(), 1);
    assert_eq!(h.state().request_count(Operation::ListWorkflowLogs), 4);
    assert_eq!(h.state().request_count(Operation::TriggerEvent), 1);
    assert_eq!(h.state().request_count(Operation::ListWorkflowErrors), 1);
}

#[tokio::test]
async fn faults_apply_to_every_operation_in_order() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    h.sandbox.inject_fault(Fault::status(500));
    h.sandbox
        .inject_fault(Fault::status(502).only(Operation::UpgradeWorkflow));
    h.sandbox.inject_fault(Fault::status(504));
    // Each call takes the first queued fault that matches it.
    let (method, path, body) = sample_call(Operation::UpgradeWorkflow, &user);
    h.call(method, &path, body)
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR");
    // A token call skips the upgrade-only fault and takes the 504.
    h.get(&format!("/users/{user}/token"))
        .await
        .assert_error(StatusCode::GATEWAY_TIMEOUT, "GATEWAY_TIMEOUT");
    let (method, path, body) = sample_call(Operation::UpgradeWorkflow, &user);
    h.call(method, &path, body)
        .await
        .assert_error(StatusCode::BAD_GATEWAY, "BAD_GATEWAY");
    assert_eq!(
        h.state().workflow(&user, ORDER_SYNC).unwrap().version,
        "1.0.0"
    );

    // Every operation is subject to faults, and answers normally afterwards.
    let operations: Vec<_> = Operation::served_by(Contract::Seed).collect();
    h.sandbox
        .inject_fault(Fault::status(503).times(operations.len() as u32));
    for &operation in &operations {
        let (method, path, body) = sample_call(operation, &user);
        h.call(method, &path, body)
            .await
            .assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
    }
    for operation in operations {
        let (method, path, body) = sample_call(operation, &user);
        let reply = h.call(method, &path, body).await;
        assert_eq!(
            reply.status,
            expected_status(operation),
            "{operation}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn faults_come_before_authentication_and_can_be_cleared() {
    let h = Harness::seed().await;
    h.sandbox.inject_fault(Fault::status(503));
    let reply = send(
        h.client
            .get(format!("{}/integrations", h.sandbox.base_url())),
    )
    .await;
    reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");

    h.sandbox.inject_fault(Fault::status(503).times(5));
    h.sandbox.inject_fault(Fault::status(500).times(0));
    assert_eq!(h.state().pending_faults(), 1);
    h.sandbox.clear_faults();
    assert_eq!(h.state().pending_faults(), 0);
    h.create_user("alice").await;
}

#[tokio::test]
async fn a_delay_fault_waits_then_serves_normally() {
    let h = Harness::seed().await;
    let delay = Duration::from_millis(300);
    h.sandbox
        .inject_fault(Fault::delay(delay).only(Operation::CreateUser));
    let started = Instant::now();
    h.create_user("alice").await;
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(h.state().user_count(), 1);

    // Delay and status together: wait, then fail; a client timeout sees no answer at all.
    h.sandbox
        .inject_fault(Fault::status(503).with_delay(Duration::from_secs(2)));
    let url = format!("{}/users/x/token", h.sandbox.base_url());
    let timed_out = h
        .client
        .get(&url)
        .header(AUTHORIZATION, format!("Bearer {}", h.sandbox.api_key()))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
}

// ---- Concurrency -----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_keep_the_state_consistent() {
    const TASKS: usize = 32;
    const USERS_PER_TASK: usize = 20;
    let h = std::sync::Arc::new(Harness::seed().await);
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..USERS_PER_TASK {
                let user = h.create_user(&format!("user-{task}-{n}")).await.user_id;
                h.trigger(&user, "order.created", None)
                    .await
                    .assert_success("Event triggered successfully");
                h.trigger(&user, "invoice.created", None)
                    .await
                    .assert_success("Event triggered successfully");
                ids.push(user);
            }
            ids
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        for id in task.await.expect("task succeeds") {
            assert!(ids.insert(id), "user ids are unique");
        }
    }
    let total = TASKS * USERS_PER_TASK;
    let state = h.state();
    assert_eq!(ids.len(), total);
    assert_eq!(state.user_count(), total);
    assert_eq!(state.log_count(), 2 * total);
    assert_eq!(state.error_count(), total);
    assert_eq!(state.request_count(Operation::CreateUser), total as u64);
    assert_eq!(
        state.request_count(Operation::TriggerEvent),
        2 * total as u64
    );
    for id in ids.iter().take(10) {
        assert_eq!(state.logs(id).len(), 2);
        assert_eq!(state.errors(id).len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_faults_are_each_used_once() {
    let h = std::sync::Arc::new(Harness::seed().await);
    h.sandbox.inject_fault(Fault::status(503).times(25));
    let mut tasks = Vec::new();
    for task in 0..10 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let mut failed = 0;
            for n in 0..10 {
                let reply = h
                    .call(
                        Method::POST,
                        "/users",
                        Some(json!({ "username": format!("u-{task}-{n}") })),
                    )
                    .await;
                if reply.status == StatusCode::SERVICE_UNAVAILABLE {
                    failed += 1;
                } else {
                    assert_eq!(reply.status, StatusCode::CREATED);
                }
            }
            failed
        }));
    }
    let mut failed = 0;
    for task in tasks {
        failed += task.await.unwrap();
    }
    assert_eq!(failed, 25);
    assert_eq!(h.state().user_count(), 75);
    assert_eq!(h.state().request_count(Operation::CreateUser), 100);
}

// ---- Official contract -----------------------------------------------------------------------

impl Harness {
    /// Creates a user in the official contract, which answers 200 with only its id.
    async fn official_user(&self, username: &str) -> String {
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
    async fn without_version(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
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
    async fn official_call(
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

#[tokio::test]
async fn the_official_contract_is_the_default() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.contract(), Contract::Official);
    assert!(format!("{sandbox:?}").contains("Official"));
    let seeded = Sandbox::start_with(seed()).await.unwrap();
    assert_eq!(seeded.contract(), Contract::Seed);
    assert!(format!("{:?}", seed()).contains("Seed"));
    for contract in Contract::ALL {
        assert_eq!(contract.to_string().parse::<Contract>(), Ok(contract));
    }
    assert!("2024-03".parse::<Contract>().is_err());
}

#[tokio::test]
async fn official_operations_require_the_version_header() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    for operation in Operation::ALL {
        let (method, path, body) = h.official_call(operation, &user).await;
        let message = h
            .without_version(method.clone(), &path, body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("x-api-version"), "{operation}: {message}");

        let mut request = h
            .client
            .request(method.clone(), format!("{}{path}", h.sandbox.base_url()))
            .header(AUTHORIZATION, format!("Bearer {}", h.sandbox.api_key()))
            .header("x-api-version", "2024-03");
        if let Some(body) = &body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let message = send(request)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("2024-03"), "{operation}: {message}");

        // The API key is checked first (where the reference requires one).
        let request = h
            .client
            .request(method.clone(), format!("{}{path}", h.sandbox.base_url()));
        if operation == Operation::CredentialMetadataByApp {
            send(request)
                .await
                .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        } else {
            send(request)
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
        }

        let reply = h.call(method, &path, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{operation}: {}", reply.body);
    }
    // Unknown routes are 404 whatever the headers.
    h.without_version(Method::GET, "/nope", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn seed_ignores_the_version_header_and_extra_query_parameters() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    for operation in Operation::served_by(Contract::Seed) {
        let (method, path, body) = sample_call(operation, &user);
        let extra = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{extra}userId={user}&page=1&limit=99&order=sideways");
        let mut request = h.request(method, &path).header("x-api-version", "2025-09");
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let reply = send(request).await;
        assert_eq!(
            reply.status,
            expected_status(operation),
            "{operation}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn official_create_user_answers_200_with_the_user_id() {
    let h = Harness::official().await;
    let reply = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "jane", "fullName": "Jane Smith" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    let user_id = reply.body["userId"].as_str().unwrap();
    assert!(user_id.starts_with("usr_"), "{user_id}");
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
    let user = h.state().user(user_id).unwrap();
    assert_eq!(user.username.as_deref(), Some("jane"));
    assert_eq!(user.full_name.as_deref(), Some("Jane Smith"));

    for body in [
        json!({ "username": "" }),
        json!({ "fullName": "No Name" }),
        json!({ "username": 5 }),
        json!(["jane"]),
        json!({ "username": "jane" }),
    ] {
        h.call(Method::POST, "/users", Some(body))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.call_raw(Method::POST, "/users", "{not json")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn official_tokens_need_the_user_in_the_query_too() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;

    let reply = h.get(&format!("/users/{alice}/token?userId={alice}")).await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    let token: TokenResponse = reply.parse();
    assert_eq!(h.sandbox.verify_token(&token.token).unwrap().sub, alice);
    // "User id or username".
    let token: TokenResponse = h
        .get(&format!("/users/{alice}/token?userId=alice"))
        .await
        .parse();
    assert_eq!(h.sandbox.verify_token(&token.token).unwrap().sub, alice);

    for query in ["", "?userId=", "?user=x", "?userId=usr_missing"] {
        let message = h
            .get(&format!("/users/{alice}/token{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("userId"), "{query}: {message}");
    }
    let message = h
        .get(&format!("/users/{alice}/token?userId={bob}"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(
        message.contains(&bob) && message.contains(&alice),
        "{message}"
    );
    h.get("/users/usr_missing/token?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_log_deletion_needs_the_user_in_the_query_too() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    for user in [&alice, &bob] {
        h.call(
            Method::POST,
            "/run/event",
            Some(json!({ "userId": user, "event": "order.created", "data": {} })),
        )
        .await;
    }
    assert_eq!(h.state().log_count(), 2);

    for query in [
        "".to_owned(),
        "?userId=".to_owned(),
        format!("?userId={bob}"),
    ] {
        h.call(Method::DELETE, &format!("/users/{alice}/logs{query}"), None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    assert_eq!(h.state().log_count(), 2);
    h.call(
        Method::DELETE,
        "/users/usr_missing/logs?userId=usr_missing",
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    let reply = h
        .call(
            Method::DELETE,
            &format!("/users/{alice}/logs?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({ "message": "Success" }));
    assert!(h.state().logs(&alice).is_empty());
    assert_eq!(h.state().logs(&bob).len(), 1);
}

#[tokio::test]
async fn official_integrations_list_workflows_with_numbered_versions() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    h.state()
        .set_workflow_version(&user, ORDER_SYNC, "1.1.0")
        .unwrap();
    h.state()
        .set_workflow_active(&user, CONTACT_SYNC, false)
        .unwrap();
    let reply = h.get(&format!("/integrations?userId={user}")).await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
    let data = reply.body["data"].as_array().unwrap();
    let icon = "https://assets.runalloy.com/icons/shopify.png";
    assert_eq!(
        data[0],
        json!({
            "integrationId": "int_shopify",
            "description": "Shopify (E-Commerce)",
            "primaryConnector": "shopify",
            "installed": true,
            "icon": icon,
            "workflows": [
                {
                    "workflowId": ORDER_SYNC,
                    "name": "Shopify order sync",
                    "installed": true,
                    "active": true,
                    "version": 3,
                    "installedVersion": 2,
                    "connectors": [{
                        "name": "Shopify",
                        "id": "wf_shopify_order_sync_shopify",
                        "connector": "shopify",
                        "icon": icon,
                        "subtitle": "E-Commerce",
                    }],
                },
                {
                    "workflowId": "wf_shopify_inventory_alert",
                    "name": "Shopify inventory alert",
                    "installed": true,
                    "active": true,
                    "version": 2,
                    "installedVersion": 1,
                    "connectors": [{
                        "name": "Shopify",
                        "id": "wf_shopify_inventory_alert_shopify",
                        "connector": "shopify",
                        "icon": icon,
                        "subtitle": "E-Commerce",
                    }],
                },
            ],
            "credentials": ["shopify"],
        })
    );
    assert_eq!(data[1]["workflows"][0]["active"], json!(false));
    // Slack is not installed: no `installedVersion`.
    let slack = &data[3];
    assert_eq!(slack["installed"], json!(false));
    assert_eq!(slack["workflows"][0]["installed"], json!(false));
    assert_eq!(slack["workflows"][0]["active"], json!(false));
    assert!(slack["workflows"][0].get("installedVersion").is_none());

    // "User id or username".
    let by_name = h.get("/integrations?userId=alice").await;
    assert_eq!(by_name.body, reply.body);
    for path in ["/integrations", "/integrations?userId="] {
        h.get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.get("/integrations?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_events_require_a_data_object() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    for body in [
        json!({ "userId": user, "event": "order.created" }),
        json!({ "userId": user, "event": "order.created", "data": null }),
        json!({ "userId": user, "event": "order.created", "data": [1] }),
        json!({ "userId": user, "event": "order.created", "data": "x" }),
        json!({ "event": "order.created", "data": {} }),
        json!({ "userId": user, "data": {} }),
        json!({ "userId": "", "event": "order.created", "data": {} }),
        json!({ "userId": user, "event": "", "data": {} }),
    ] {
        let message = h
            .call(Method::POST, "/run/event", Some(body.clone()))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(!message.is_empty(), "{body}");
    }
    let message = h
        .call(
            Method::POST,
            "/run/event",
            Some(json!({ "userId": user, "event": "order.created" })),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("data"), "{message}");
    h.call(
        Method::POST,
        "/run/event",
        Some(json!({ "userId": "usr_missing", "event": "order.created", "data": {} })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(h.state().log_count(), 0);

    for user_ref in [user.as_str(), "alice"] {
        let reply = h
            .call(
                Method::POST,
                "/run/event",
                Some(json!({ "userId": user_ref, "event": "order.created", "data": { "n": 1 } })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
        assert_eq!(
            reply.body,
            json!({ "message": "Event successfully triggered" })
        );
    }
    assert_eq!(h.state().logs(&user).len(), 2);
}

#[tokio::test]
async fn official_logs_are_executions_in_pages() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    for n in 0..12 {
        h.call(
            Method::POST,
            "/run/event",
            Some(json!({ "userId": alice, "event": "order.created", "data": { "n": n } })),
        )
        .await;
        // Distinct start times, so that the order is observable.
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    h.call(
        Method::POST,
        "/run/event",
        Some(json!({ "userId": bob, "event": "order.created", "data": { "n": 99 } })),
    )
    .await;
    let logs = |query: String| {
        let h = &h;
        async move {
            let reply = h.get(&format!("/workflows/{ORDER_SYNC}/logs{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
            assert_eq!(reply.body.as_object().unwrap().len(), 1);
            reply.body["data"].as_array().unwrap().clone()
        }
    };
    let n = |execution: &Value| execution["inputs"][0]["data"]["n"].as_i64().unwrap();

    // Default: page 1, ten per page, newest first.
    let page = logs(format!("?userId={alice}")).await;
    assert_eq!(
        page.iter().map(n).collect::<Vec<_>>(),
        (2..12).rev().collect::<Vec<_>>()
    );
    let newest = &page[0];
    assert!(newest["executionId"].as_str().unwrap().starts_with("log_"));
    assert_eq!(newest["finished"], json!(true));
    let started = chrono::DateTime::parse_from_rfc3339(newest["startedAt"].as_str().unwrap());
    let stopped = chrono::DateTime::parse_from_rfc3339(newest["stoppedAt"].as_str().unwrap());
    assert!(started.unwrap() <= stopped.unwrap());
    let result = &newest["results"][0];
    assert_eq!(
        result["connectorId"],
        json!("wf_shopify_order_sync_shopify")
    );
    assert_eq!(result["data"], json!([[{ "status": "success" }]]));
    assert_eq!(result["startedAt"], newest["startedAt"]);
    assert_eq!(
        newest["inputs"],
        json!([{ "connectorId": "wf_shopify_order_sync_shopify", "data": { "n": 11 } }])
    );

    let page = logs(format!("?userId={alice}&page=2")).await;
    assert_eq!(page.iter().map(n).collect::<Vec<_>>(), [1, 0]);
    let page = logs("?userId=alice&order=asc&limit=5&page=2".to_owned()).await;
    assert_eq!(page.iter().map(n).collect::<Vec<_>>(), [5, 6, 7, 8, 9]);
    assert!(logs(format!("?userId={alice}&page=3")).await.is_empty());
    assert_eq!(logs(format!("?userId={alice}&limit=30")).await.len(), 12);
    // Without `userId` (optional in the reference): every user's runs of the workflow.
    let all = logs("?order=asc&limit=30".to_owned()).await;
    assert_eq!(all.len(), 13);
    assert_eq!(n(&all[12]), 99);

    for query in [
        "limit=0",
        "limit=31",
        "limit=ten",
        "page=0",
        "page=-1",
        "order=up",
        "order=DESC",
    ] {
        let message = h
            .get(&format!(
                "/workflows/{ORDER_SYNC}/logs?userId={alice}&{query}"
            ))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        let name = query.split('=').next().unwrap();
        assert!(message.contains(name), "{query}: {message}");
    }
    h.get(&format!("/workflows/wf_missing/logs?userId={alice}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get("/workflows/wf_missing/logs")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get(&format!("/workflows/{SLACK_ALERT}/logs?userId={alice}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get(&format!("/workflows/{ORDER_SYNC}/logs?userId=usr_missing"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_pending_runs_are_not_finished() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    h.state()
        .add_log(
            &user,
            WorkflowLog {
                log_id: "log_pending".to_owned(),
                workflow_id: Some(ORDER_SYNC.to_owned()),
                status: Some(WorkflowLogStatus::Pending),
                executed_at: None,
                duration: None,
            },
        )
        .unwrap();
    let reply = h
        .get(&format!("/workflows/{ORDER_SYNC}/logs?userId={user}"))
        .await;
    assert_eq!(
        reply.body,
        json!({ "data": [{
            "executionId": "log_pending",
            "finished": false,
            "results": [],
            "inputs": [],
        }] })
    );
}

#[tokio::test]
async fn official_errors_name_the_failing_block() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    let reply = h
        .get(&format!(
            "/workflows/{INVOICE_EXPORT}/errors?userId={alice}"
        ))
        .await;
    assert_eq!(reply.body, json!({ "data": [] }));
    for user in [&alice, &bob] {
        h.call(
            Method::POST,
            "/run/event",
            Some(json!({ "userId": user, "event": "invoice.created", "data": {} })),
        )
        .await;
    }
    let reply = h
        .get(&format!("/workflows/{INVOICE_EXPORT}/errors?userId=alice"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    let errors = reply.body["data"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    let error = errors[0].as_object().unwrap();
    let mut keys: Vec<_> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["block", "errorOccurredAt", "message", "workflowId"]);
    assert_eq!(error["workflowId"], json!(INVOICE_EXPORT));
    assert_eq!(error["block"], json!("netsuite"));
    assert!(error["message"].as_str().unwrap().contains("subsidiary"));
    let at = error["errorOccurredAt"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");

    let all = h.get(&format!("/workflows/{INVOICE_EXPORT}/errors")).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 2);
    h.get(&format!("/workflows/wf_missing/errors?userId={alice}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get(&format!("/workflows/{SLACK_ALERT}/errors?userId={alice}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get(&format!(
        "/workflows/{INVOICE_EXPORT}/errors?userId=usr_missing"
    ))
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_activation_answers_activated() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    let put = |path: &'static str, body: Value| {
        let h = &h;
        async move { h.call(Method::PUT, path, Some(body)).await }
    };
    let reply = put(
        "/workflows/deactivate",
        json!({ "userId": user, "workflowId": ORDER_SYNC }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    assert_eq!(reply.body, json!({ "activated": false }));
    assert!(!h.state().workflow(&user, ORDER_SYNC).unwrap().active);

    // By name, and the user by username.
    let reply = put(
        "/workflows/activate",
        json!({ "userId": "alice", "workflowName": "shopify ORDER sync" }),
    )
    .await;
    assert_eq!(reply.body, json!({ "activated": true }));
    assert!(h.state().workflow(&user, ORDER_SYNC).unwrap().active);

    for path in ["/workflows/activate", "/workflows/deactivate"] {
        for body in [
            json!({ "workflowId": ORDER_SYNC }),
            json!({ "userId": "", "workflowId": ORDER_SYNC }),
            json!({ "userId": user }),
            json!({ "userId": user, "workflowId": "", "workflowName": "" }),
            json!({ "userId": user, "workflowId": 5 }),
            json!([]),
        ] {
            put(path, body)
                .await
                .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        }
        for body in [
            json!({ "userId": user, "workflowName": "No such workflow" }),
            json!({ "userId": user, "workflowId": "wf_missing" }),
            json!({ "userId": user, "workflowId": SLACK_ALERT }),
            json!({ "userId": "usr_missing", "workflowId": ORDER_SYNC }),
        ] {
            put(path, body)
                .await
                .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        }
    }
}

#[tokio::test]
async fn official_upgrades_take_the_user_from_the_query() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    let version = |workflow_id: &str| h.state().workflow(&user, workflow_id).unwrap().version;

    // No body: the latest version.
    let reply = h
        .call(
            Method::PUT,
            &format!("/workflows/{ORDER_SYNC}/upgrade?userId={user}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    assert_eq!(reply.body, json!({ "upgraded": true }));
    assert_eq!(version(ORDER_SYNC), "2.0.0");
    let message = h
        .call(
            Method::PUT,
            &format!("/workflows/{ORDER_SYNC}/upgrade?userId={user}"),
            None,
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("latest"), "{message}");

    // The extension: a body with a version number or name; the user may be a username.
    let path = format!("/workflows/{INVOICE_EXPORT}/upgrade?userId=alice");
    let reply = h
        .call(Method::PUT, &path, Some(json!({ "version": 2 })))
        .await;
    assert_eq!(reply.body, json!({ "upgraded": true }));
    assert_eq!(version(INVOICE_EXPORT), "1.1.0");
    let reply = h
        .call(Method::PUT, &path, Some(json!({ "version": "2.0.0" })))
        .await;
    assert_eq!(reply.body, json!({ "upgraded": true }));
    assert_eq!(version(INVOICE_EXPORT), "2.0.0");

    // The user comes from the query, never from the body.
    let message = h
        .call(
            Method::PUT,
            &format!("/workflows/{CONTACT_SYNC}/upgrade"),
            Some(json!({ "userId": user })),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("userId"), "{message}");
    let contact = format!("/workflows/{CONTACT_SYNC}/upgrade?userId={user}");
    for body in [
        json!({ "version": 9 }),
        json!({ "version": 1 }),
        json!({ "version": "9.9.9" }),
        json!({ "version": true }),
        json!([]),
    ] {
        h.call(Method::PUT, &contact, Some(body))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.call_raw(Method::PUT, &contact, "{not json")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert_eq!(version(CONTACT_SYNC), "1.0.0");
    for path in [
        "/workflows/wf_missing/upgrade?userId=alice".to_owned(),
        format!("/workflows/{SLACK_ALERT}/upgrade?userId=alice"),
        format!("/workflows/{CONTACT_SYNC}/upgrade?userId=usr_missing"),
    ] {
        h.call(Method::PUT, &path, None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }
}

#[tokio::test]
async fn faults_apply_in_the_official_contract_too() {
    let h = Harness::official().await;
    h.sandbox
        .inject_fault(Fault::status(503).only(Operation::ListIntegrations));
    // The fault comes before the version header is checked, as it comes before the key.
    h.without_version(Method::GET, "/integrations?userId=x", None)
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
}

mod official_ops;
