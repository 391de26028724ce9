//! Wire format: for each of the ten operations, the exact request the contract requires
//! (method, path, query, headers, JSON body), matched by a mock that answers nothing else and
//! is hit once, and the decoding of the contract's own example response. Examples are read
//! from the OpenAPI document, not copied by hand.

use std::sync::LazyLock;

use alloy_api::DEFAULT_USER_AGENT;
use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::prelude::*;
use httpmock::MockServer;
use serde::Serialize;
use serde_json::{Value, json};

use crate::mock::{Answer, Expectation, Expected, expect};

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

/// Mocks one operation: its exact request as the contract requires it (method, `target`: path
/// and query as sent, the bearer key, `Accept`, the user agent, the version header, the
/// contract's example body or no body and no `Content-Type`), answered with the contract's
/// example response.
async fn expect_operation<'a>(
    server: &'a MockServer,
    id: &'static str,
    target: &'static str,
) -> Expectation<'a> {
    let (method, _) = operation(id);
    let (status, example) = response_example(id);
    let body = request_example(id);
    let method = method.to_ascii_uppercase();
    let expected = Expected::new(&method, target)
        .with_body(body.as_ref())
        .with_headers(&[
            ("accept", "application/json"),
            ("user-agent", DEFAULT_USER_AGENT),
        ]);
    expect(server, expected, Answer::Json(status, example)).await
}

/// Asserts that a decoded model, serialized again, is exactly the contract's example: every
/// field was decoded and none was invented.
fn assert_round_trips(id: &str, decoded: &impl Serialize) {
    let (_, example) = response_example(id);
    assert_eq!(serde_json::to_value(decoded).unwrap(), example, "{id}");
}

#[tokio::test]
async fn create_user_posts_the_body_and_decodes_201() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(&server, "createUser", "/users").await;
    let request = CreateUserRequest::new("user-123").with_full_name("Jane Smith");
    let result = tests::client(&server.base_url())
        .create_user(&request)
        .await;
    let (_, user) = mock.verify(result).await;
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
    let server = MockServer::start_async().await;
    let mock = expect_operation(
        &server,
        "generateUserToken",
        "/users/usr_abc123/token?userId=usr_abc123",
    )
    .await;
    let result = tests::client(&server.base_url())
        .generate_user_token("usr_abc123")
        .await;
    let (_, token) = mock.verify(result).await;
    assert!(token.token.starts_with("eyJ"));
    assert_round_trips("generateUserToken", &token);
}

/// Alloy's reference also asks for the user in the query; the seed document allows it.
#[tokio::test]
async fn delete_user_logs_deletes_the_user_in_path_and_query() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(
        &server,
        "deleteUserLogs",
        "/users/usr_abc123/logs?userId=usr_abc123",
    )
    .await;
    let result = tests::client(&server.base_url())
        .delete_user_logs("usr_abc123")
        .await;
    let (_, response) = mock.verify(result).await;
    assert_eq!(response.success, Some(true));
    assert_round_trips("deleteUserLogs", &response);
}

#[tokio::test]
async fn list_integrations_sends_user_id_as_query() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(
        &server,
        "listIntegrations",
        "/integrations?userId=usr_abc123",
    )
    .await;
    let result = tests::client(&server.base_url())
        .list_integrations("usr_abc123")
        .await;
    let (_, list) = mock.verify(result).await;
    assert_eq!(list.integrations[0].integration_id, "int_shopify");
    assert_eq!(list.integrations[0].installed, Some(false));
    assert_round_trips("listIntegrations", &list);
}

#[tokio::test]
async fn trigger_event_posts_the_event_and_its_data() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(&server, "triggerEvent", "/run/event").await;
    let request = TriggerEventRequest::new("usr_abc123", "order.created")
        .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.00 }));
    let result = tests::client(&server.base_url())
        .trigger_event(&request)
        .await;
    let (_, response) = mock.verify(result).await;
    assert_round_trips("triggerEvent", &response);
}

#[tokio::test]
async fn list_workflow_errors_fills_path_and_query() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(
        &server,
        "listWorkflowErrors",
        "/workflows/wf_xyz456/errors?userId=usr_abc123",
    )
    .await;
    let result = tests::client(&server.base_url())
        .list_workflow_errors("wf_xyz456", "usr_abc123")
        .await;
    let (_, list) = mock.verify(result).await;
    assert_eq!(list.errors[0].error_id.as_deref(), Some("err_001"));
    assert_round_trips("listWorkflowErrors", &list);
}

#[tokio::test]
async fn list_workflow_logs_fills_path_and_query() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(
        &server,
        "listWorkflowLogs",
        "/workflows/wf_xyz456/logs?userId=usr_abc123",
    )
    .await;
    let result = tests::client(&server.base_url())
        .list_workflow_logs("wf_xyz456", "usr_abc123")
        .await;
    let (_, list) = mock.verify(result).await;
    assert_eq!(
        list.logs[0].status,
        Some(alloy_api::models::WorkflowLogStatus::Success)
    );
    assert_eq!(list.logs[0].duration, Some(1200));
    assert_round_trips("listWorkflowLogs", &list);
}

#[tokio::test]
async fn deactivate_workflow_puts_the_action() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(&server, "deactivateWorkflow", "/workflows/deactivate").await;
    let request = WorkflowActionRequest::new("wf_xyz456", "usr_abc123");
    let result = tests::client(&server.base_url())
        .deactivate_workflow(&request)
        .await;
    let (_, response) = mock.verify(result).await;
    assert_round_trips("deactivateWorkflow", &response);
}

#[tokio::test]
async fn activate_workflow_puts_the_action() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(&server, "activateWorkflow", "/workflows/activate").await;
    let request = WorkflowActionRequest::new("wf_xyz456", "usr_abc123");
    let result = tests::client(&server.base_url())
        .activate_workflow(&request)
        .await;
    let (_, response) = mock.verify(result).await;
    assert_round_trips("activateWorkflow", &response);
}

#[tokio::test]
async fn upgrade_workflow_to_version_puts_the_seed_body() {
    let server = MockServer::start_async().await;
    let mock = expect_operation(&server, "upgradeWorkflow", "/workflows/wf_xyz456/upgrade").await;
    let request = UpgradeWorkflowRequest::new("usr_abc123").with_version("2.0.0");
    let result = tests::client(&server.base_url())
        .upgrade_workflow_to_version("wf_xyz456", &request)
        .await;
    let (_, response) = mock.verify(result).await;
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
    let server = MockServer::start_async().await;
    let mock = expect(
        &server,
        Expected::new("PUT", "/workflows/wf_xyz456/upgrade?userId=usr_abc123"),
        Answer::Json(200, json!({ "upgraded": true })),
    )
    .await;
    let result = tests::client(&server.base_url())
        .upgrade_workflow("wf_xyz456", "usr_abc123")
        .await;
    let (_, response) = mock.verify(result).await;
    assert_eq!(response.upgraded, Some(true));
}

/// Alloy's reference leaves the bodies of the acknowledging operations open: a 204, or a 200
/// with no body, is a success with no fields; an operation that needs an id in its answer
/// still fails, keeping the (empty) body.
#[tokio::test]
async fn acknowledgements_accept_a_204_or_an_empty_body() {
    let action = json!({ "workflowId": "wf_1", "userId": "usr_1" });
    let event = json!({ "userId": "usr_1", "event": "e", "data": {} });
    let user = json!({ "username": "jane" });
    for status in [204, 200] {
        let server = MockServer::start_async().await;
        let answered =
            async |expected: Expected<'_>| expect(&server, expected, Answer::Empty(status)).await;
        let activate =
            answered(Expected::new("PUT", "/workflows/activate").with_body(Some(&action))).await;
        let deactivate =
            answered(Expected::new("PUT", "/workflows/deactivate").with_body(Some(&action))).await;
        let upgrade = answered(Expected::new("PUT", "/workflows/wf_1/upgrade?userId=usr_1")).await;
        let delete_logs = answered(Expected::new("DELETE", "/users/usr_1/logs?userId=usr_1")).await;
        let trigger = answered(Expected::new("POST", "/run/event").with_body(Some(&event))).await;
        let create = answered(Expected::new("POST", "/users").with_body(Some(&user))).await;
        let integrations = answered(Expected::new("GET", "/integrations?userId=usr_1")).await;

        let api = tests::client(&server.base_url());
        let request = WorkflowActionRequest::new("wf_1", "usr_1");
        let (_, activated) = activate.verify(api.activate_workflow(&request).await).await;
        assert_eq!(activated.activated, None);
        deactivate
            .verify(api.deactivate_workflow(&request).await)
            .await;
        upgrade
            .verify(api.upgrade_workflow("wf_1", "usr_1").await)
            .await;
        delete_logs
            .verify(api.delete_user_logs("usr_1").await)
            .await;
        let result = api
            .trigger_event(&TriggerEventRequest::new("usr_1", "e"))
            .await;
        trigger.verify(result).await;

        let err = api
            .create_user(&CreateUserRequest::new("jane"))
            .await
            .unwrap_err();
        create.request().await;
        assert!(matches!(err, alloy_api::Error::Decode { .. }), "{err:?}");
        assert_eq!(err.body().map(|b| b.len()), Some(0));
        let err = api.list_integrations("usr_1").await.unwrap_err();
        integrations.request().await;
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
    let server = MockServer::start_async().await;
    let reference_logs = json!({ "data": [{
        "executionId": "ex_1",
        "startedAt": "2025-09-01T10:00:00",
        "stoppedAt": 1756720801500u64,
        "finished": true
    }]});
    let logs_mock = expect(
        &server,
        Expected::new("GET", "/workflows/wf_1/logs?userId=usr_1"),
        Answer::Json(200, reference_logs),
    )
    .await;
    let errors_mock = expect(
        &server,
        Expected::new("GET", "/workflows/wf_1/errors?userId=usr_1"),
        Answer::Json(200, json!({ "data": null })),
    )
    .await;
    let api = tests::client(&server.base_url());
    let (_, logs) = logs_mock
        .verify(api.list_workflow_logs("wf_1", "usr_1").await)
        .await;
    assert_eq!(logs.logs[0].log_id, "ex_1");
    assert_eq!(logs.logs[0].duration_ms(), Some(1500));
    let (_, errors) = errors_mock
        .verify(api.list_workflow_errors("wf_1", "usr_1").await)
        .await;
    assert!(errors.errors.is_empty());
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let server = MockServer::start_async().await;
    let mock = expect(
        &server,
        Expected::new("GET", "/2025-09/users/usr_1/token?userId=usr_1"),
        Answer::Json(200, json!({ "token": "t" })),
    )
    .await;
    for base in ["/2025-09", "/2025-09/"] {
        tests::client(&format!("{}{base}", server.base_url()))
            .generate_user_token("usr_1")
            .await
            .unwrap();
    }
    mock.requests(2).await;
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
