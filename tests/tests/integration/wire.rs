//! Wire format: for each of the ten operations, the exact request the contract requires
//! (method, path, query, headers, JSON body) and the decoding of the contract's own example
//! response. Examples are read from the OpenAPI document, not copied by hand.

use std::sync::LazyLock;

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::prelude::*;
use alloy_api::{Client, DEFAULT_API_VERSION, DEFAULT_USER_AGENT};
use serde::Serialize;
use serde_json::{Value, json};
use tests::{Body, FaultServer, Reply, assert_request};

const KEY: &str = "sk_test_wire";

static CONTRACT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../spec/alloy-embedded-2025-09.json"))
        .expect("the contract is valid JSON")
});

/// Finds an operation of the contract by its `operationId`: (method, operation object).
fn operation(id: &str) -> (&'static str, &'static Value) {
    for item in CONTRACT["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            if op["operationId"] == id {
                return (method.as_str(), op);
            }
        }
    }
    panic!("no operation {id} in the contract");
}

/// The first example of a media-type object's `examples`.
fn first_example(content: &Value) -> Value {
    let examples = content["application/json"]["examples"].as_object().unwrap();
    examples.values().next().unwrap()["value"].clone()
}

/// The contract's example request body of an operation, if it has a body.
fn request_example(id: &str) -> Option<Value> {
    let (_, op) = operation(id);
    op.get("requestBody").map(|b| first_example(&b["content"]))
}

/// The contract's success status and example response of an operation.
fn response_example(id: &str) -> (u16, Value) {
    let (_, op) = operation(id);
    let (status, response) = op["responses"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(s, _)| s.starts_with('2'))
        .unwrap();
    (status.parse().unwrap(), first_example(&response["content"]))
}

fn client(server: &FaultServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// One operation's expected request, answered with the contract's example.
struct Expected<'a> {
    server: &'a FaultServer,
    id: &'static str,
    path: &'static str,
    query: Option<&'static str>,
}

impl Expected<'_> {
    /// Asserts that the server read exactly one request, and that it is exactly the request
    /// the contract requires: method, path, query string, headers and JSON body (or no
    /// `Content-Type` and no body).
    fn assert(&self) {
        assert_eq!(self.server.request_count(), 1, "{}", self.id);
        let (method, _) = operation(self.id);
        let body = request_example(self.id);
        let authorization = format!("Bearer {KEY}");
        let content_type = body.as_ref().map(|_| "application/json");
        assert_request(
            &self.server.last_request().unwrap(),
            &method.to_ascii_uppercase(),
            self.path,
            self.query,
            &[
                ("authorization", Some(&authorization)),
                ("accept", Some("application/json")),
                ("user-agent", Some(DEFAULT_USER_AGENT)),
                ("x-api-version", Some(DEFAULT_API_VERSION)),
                ("content-type", content_type),
            ],
            body.as_ref().map_or(Body::Empty, Body::Json),
        );
    }
}

/// Answers the next request with the contract's example for one operation; the returned
/// expectation asserts the exact request the contract requires.
fn expect_operation<'a>(
    server: &'a FaultServer,
    id: &'static str,
    path: &'static str,
    query: Option<&'static str>,
) -> Expected<'a> {
    let (status, example) = response_example(id);
    server.script([Reply::json(status, &example)]);
    Expected {
        server,
        id,
        path,
        query,
    }
}

/// Asserts that a decoded model, serialized again, is exactly the contract's example: every
/// field was decoded and none was invented.
fn assert_round_trips(id: &str, decoded: &impl Serialize) {
    let (_, example) = response_example(id);
    assert_eq!(serde_json::to_value(decoded).unwrap(), example, "{id}");
}

#[tokio::test]
async fn create_user_posts_the_body_and_decodes_201() {
    let server = FaultServer::start().await;
    let expected = expect_operation(&server, "createUser", "/users", None);
    let request = CreateUserRequest::new("user-123").with_full_name("Jane Smith");
    let user = client(&server).create_user(&request).await.unwrap();
    expected.assert();
    assert_eq!(user.user_id, "usr_abc123");
    assert_eq!(
        user.created_at.unwrap().to_rfc3339(),
        "2026-04-19T10:00:00+00:00"
    );
    assert_round_trips("createUser", &user);
}

/// Alloy's reference also asks for the user in the query; the seed document allows it.
#[tokio::test]
async fn generate_user_token_gets_the_user_in_path_and_query() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "generateUserToken",
        "/users/usr_abc123/token",
        Some("userId=usr_abc123"),
    );
    let token = client(&server)
        .generate_user_token("usr_abc123")
        .await
        .unwrap();
    expected.assert();
    assert!(token.token.starts_with("eyJ"));
    assert_round_trips("generateUserToken", &token);
}

/// Alloy's reference also asks for the user in the query; the seed document allows it.
#[tokio::test]
async fn delete_user_logs_deletes_the_user_in_path_and_query() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "deleteUserLogs",
        "/users/usr_abc123/logs",
        Some("userId=usr_abc123"),
    );
    let response = client(&server)
        .delete_user_logs("usr_abc123")
        .await
        .unwrap();
    expected.assert();
    assert_eq!(response.success, Some(true));
    assert_round_trips("deleteUserLogs", &response);
}

#[tokio::test]
async fn list_integrations_sends_user_id_as_query() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "listIntegrations",
        "/integrations",
        Some("userId=usr_abc123"),
    );
    let list = client(&server)
        .list_integrations("usr_abc123")
        .await
        .unwrap();
    expected.assert();
    assert_eq!(list.integrations[0].integration_id, "int_shopify");
    assert_eq!(list.integrations[0].installed, Some(false));
    assert_round_trips("listIntegrations", &list);
}

#[tokio::test]
async fn trigger_event_posts_the_event_and_its_data() {
    let server = FaultServer::start().await;
    let expected = expect_operation(&server, "triggerEvent", "/run/event", None);
    let request = TriggerEventRequest::new("usr_abc123", "order.created")
        .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.00 }));
    let response = client(&server).trigger_event(&request).await.unwrap();
    expected.assert();
    assert_round_trips("triggerEvent", &response);
}

#[tokio::test]
async fn list_workflow_errors_fills_path_and_query() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "listWorkflowErrors",
        "/workflows/wf_xyz456/errors",
        Some("userId=usr_abc123"),
    );
    let list = client(&server)
        .list_workflow_errors("wf_xyz456", "usr_abc123")
        .await
        .unwrap();
    expected.assert();
    assert_eq!(list.errors[0].error_id.as_deref(), Some("err_001"));
    assert_round_trips("listWorkflowErrors", &list);
}

#[tokio::test]
async fn list_workflow_logs_fills_path_and_query() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "listWorkflowLogs",
        "/workflows/wf_xyz456/logs",
        Some("userId=usr_abc123"),
    );
    let list = client(&server)
        .list_workflow_logs("wf_xyz456", "usr_abc123")
        .await
        .unwrap();
    expected.assert();
    assert_eq!(
        list.logs[0].status,
        Some(alloy_api::models::WorkflowLogStatus::Success)
    );
    assert_eq!(list.logs[0].duration, Some(1200));
    assert_round_trips("listWorkflowLogs", &list);
}

#[tokio::test]
async fn deactivate_workflow_puts_the_action() {
    let server = FaultServer::start().await;
    let expected = expect_operation(&server, "deactivateWorkflow", "/workflows/deactivate", None);
    let request = WorkflowActionRequest::new("wf_xyz456", "usr_abc123");
    let response = client(&server).deactivate_workflow(&request).await.unwrap();
    expected.assert();
    assert_round_trips("deactivateWorkflow", &response);
}

#[tokio::test]
async fn activate_workflow_puts_the_action() {
    let server = FaultServer::start().await;
    let expected = expect_operation(&server, "activateWorkflow", "/workflows/activate", None);
    let request = WorkflowActionRequest::new("wf_xyz456", "usr_abc123");
    let response = client(&server).activate_workflow(&request).await.unwrap();
    expected.assert();
    assert_round_trips("activateWorkflow", &response);
}

#[tokio::test]
async fn upgrade_workflow_to_version_puts_the_seed_body() {
    let server = FaultServer::start().await;
    let expected = expect_operation(
        &server,
        "upgradeWorkflow",
        "/workflows/wf_xyz456/upgrade",
        None,
    );
    let request = UpgradeWorkflowRequest::new("usr_abc123").with_version("2.0.0");
    let response = client(&server)
        .upgrade_workflow_to_version("wf_xyz456", &request)
        .await
        .unwrap();
    expected.assert();
    assert_eq!(
        response.message.as_deref(),
        Some("Workflow upgraded to version 2.0.0")
    );
    assert_round_trips("upgradeWorkflow", &response);
}

/// Alloy's reference form: the user in the query, no body (a server that follows it answers
/// 415 to any body), and `{"upgraded": ...}` back.
#[tokio::test]
async fn upgrade_workflow_puts_the_user_in_the_query_and_no_body() {
    let server = FaultServer::start().await;
    server.script([Reply::json(200, &json!({ "upgraded": true }))]);
    let response = client(&server)
        .upgrade_workflow("wf_xyz456", "usr_abc123")
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
    assert_request(
        &server.last_request().unwrap(),
        "PUT",
        "/workflows/wf_xyz456/upgrade",
        Some("userId=usr_abc123"),
        &[
            ("x-api-version", Some(DEFAULT_API_VERSION)),
            ("content-type", None),
        ],
        Body::Empty,
    );
    assert_eq!(response.upgraded, Some(true));
}

/// Alloy's reference leaves the bodies of the acknowledging operations open: a 204, or a 200
/// with no body, is a success with no fields; an operation that needs an id in its answer
/// still fails, keeping the (empty) body.
#[tokio::test]
async fn acknowledgements_accept_a_204_or_an_empty_body() {
    for status in [204, 200] {
        let server = FaultServer::start().await;
        server.set_fallback(Reply::untyped(status, ""));
        let api = client(&server);
        let action = WorkflowActionRequest::new("wf_1", "usr_1");
        assert_eq!(
            api.activate_workflow(&action).await.unwrap().activated,
            None
        );
        api.deactivate_workflow(&action).await.unwrap();
        api.upgrade_workflow("wf_1", "usr_1").await.unwrap();
        api.delete_user_logs("usr_1").await.unwrap();
        api.trigger_event(&TriggerEventRequest::new("usr_1", "e"))
            .await
            .unwrap();
        let err = api
            .create_user(&CreateUserRequest::new("jane"))
            .await
            .unwrap_err();
        assert!(matches!(err, alloy_api::Error::Decode { .. }), "{err:?}");
        assert_eq!(err.body().map(|b| b.len()), Some(0));
        let err = api.list_integrations("usr_1").await.unwrap_err();
        assert!(
            matches!(err, alloy_api::Error::Decode { .. }),
            "{status}: {err:?}"
        );
    }
}

/// Alloy's reference and the seed document name list keys and item fields differently; both
/// decode to the same model.
#[tokio::test]
async fn the_reference_shapes_decode_into_the_same_models() {
    let server = FaultServer::with_script([
        Reply::json(
            200,
            &json!({ "data": [{
                "executionId": "ex_1",
                "startedAt": "2025-09-01T10:00:00",
                "stoppedAt": 1756720801500u64,
                "finished": true
            }]}),
        ),
        Reply::json(200, &json!({ "data": null })),
    ])
    .await;
    let api = client(&server);
    let logs = api.list_workflow_logs("wf_1", "usr_1").await.unwrap();
    assert_eq!(logs.logs[0].log_id, "ex_1");
    assert_eq!(logs.logs[0].duration_ms(), Some(1500));
    let errors = api.list_workflow_errors("wf_1", "usr_1").await.unwrap();
    assert!(errors.errors.is_empty());
    let paths: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(paths, ["/workflows/wf_1/logs", "/workflows/wf_1/errors"]);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let server = FaultServer::start().await;
    server.set_fallback(Reply::json(200, &serde_json::json!({ "token": "t" })));
    for base in ["/2025-09", "/2025-09/"] {
        let client = Client::builder()
            .api_key(KEY)
            .base_url(format!("{}{base}", server.base_url()))
            .build()
            .unwrap();
        client.generate_user_token("usr_1").await.unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/2025-09/users/usr_1/token");
    }
}

#[tokio::test]
async fn every_operation_is_covered_by_a_test_here() {
    // The contract has exactly the ten operations tested above.
    let mut ids: Vec<&str> = CONTRACT["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let source = include_str!("wire.rs");
    for id in &ids {
        assert!(
            source.contains(&format!("assert_round_trips(\"{id}\"")),
            "{id} has no wire test"
        );
    }
    assert_eq!(ids.len(), 10);
}
