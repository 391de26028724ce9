//! Users add endpoints the crate lacks by annotating methods of their own traits, outside
//! `alloy-api`, and get the same encoding, errors and retries.

use alloy_api::prelude::*;
use alloy_api::{Response, Result, Transport, api_endpoint};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tests::{Body, FaultServer, Reply, assert_request};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RenameStep {
    display_name: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Step {
    step_id: String,
    display_name: String,
}

#[derive(Debug, Deserialize)]
struct StepList {
    steps: Vec<Step>,
}

/// Endpoints of the live service that the 2025-09 contract does not describe.
trait WorkflowSteps: Transport {
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/steps/<stepId>")]
    async fn get_step(
        &self,
        workflow_id: &str,
        step_id: &str,
        #[query] user_id: &str,
    ) -> Result<Step>;

    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/steps")]
    async fn list_steps(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
        #[query("pageSize")] limit: Option<u32>,
        #[header("X-Request-Id")] request_id: &str,
    ) -> Result<StepList>;

    #[api_endpoint(method = "PATCH", path = "/workflows/<workflowId>/steps/<stepId>")]
    async fn rename_step(
        &self,
        workflow_id: &str,
        step_id: &str,
        #[body] change: &RenameStep,
    ) -> Result<Response<Step>>;

    #[api_endpoint(method = "DELETE", path = "/workflows/<workflowId>/steps/<stepId>")]
    async fn delete_step(&self, workflow_id: &str, step_id: &str) -> Result<()>;

    #[api_endpoint(method = "GET", path = "/export")]
    async fn export(
        &self,
        #[header("Accept")] accept: &str,
        #[header("User-Agent")] agent: Option<&str>,
    ) -> Result<()>;
}

impl<T: Transport + ?Sized> WorkflowSteps for T {}

#[tokio::test]
async fn two_path_parameters_fill_their_segments_in_order() {
    let server = FaultServer::with_script([Reply::json(
        200,
        &json!({ "stepId": "st 1", "displayName": "Send email" }),
    )])
    .await;
    let step = tests::client(&server.base_url())
        .get_step("wf/1", "st 1", "usr_1")
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
    assert_request(
        &server.last_request().unwrap(),
        "GET",
        "/workflows/wf%2F1/steps/st%201",
        Some("userId=usr_1"),
        &[],
        Body::Any,
    );
    assert_eq!(step.display_name, "Send email");
}

#[tokio::test]
async fn an_optional_query_is_sent_only_when_some_and_headers_are_sent() {
    let server = FaultServer::with_script([
        Reply::json(200, &json!({ "steps": [] })),
        Reply::json(
            200,
            &json!({ "steps": [{ "stepId": "s", "displayName": "d" }] }),
        ),
    ])
    .await;
    let client = tests::client(&server.base_url());
    let limited = client
        .list_steps("wf_1", "usr_1", Some(5), "req-1")
        .await
        .unwrap();
    let unlimited = client
        .list_steps("wf_1", "usr_1", None, "req-2")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_request(
        &requests[0],
        "GET",
        "/workflows/wf_1/steps",
        Some("userId=usr_1&pageSize=5"),
        &[("x-request-id", Some("req-1"))],
        Body::Any,
    );
    assert_request(
        &requests[1],
        "GET",
        "/workflows/wf_1/steps",
        Some("userId=usr_1"),
        &[("x-request-id", Some("req-2"))],
        Body::Any,
    );
    assert!(limited.steps.is_empty());
    assert_eq!(unlimited.steps.len(), 1);
}

#[tokio::test]
async fn a_patch_sends_its_body_and_returns_status_and_headers() {
    let server = FaultServer::with_script([Reply::json(
        200,
        &json!({ "stepId": "st_1", "displayName": "Renamed" }),
    )
    .header("x-ratelimit-remaining", "41")])
    .await;
    let change = RenameStep {
        display_name: "Renamed".into(),
    };
    let response = tests::client(&server.base_url())
        .rename_step("wf_1", "st_1", &change)
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
    assert_request(
        &server.last_request().unwrap(),
        "PATCH",
        "/workflows/wf_1/steps/st_1",
        None,
        &[("content-type", Some("application/json"))],
        Body::Json(&json!({ "displayName": "Renamed" })),
    );
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-ratelimit-remaining"], "41");
    assert_eq!(response.display_name, "Renamed");
}

#[tokio::test]
async fn a_unit_return_accepts_204_and_any_body() {
    let server = FaultServer::with_script([
        Reply::untyped(204, ""),
        Reply::json(200, &json!({ "success": true })),
    ])
    .await;
    let client = tests::client(&server.base_url());
    client.delete_step("wf_1", "st_1").await.unwrap();
    client.delete_step("wf_1", "st_2").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (request, step) in requests.iter().zip(["st_1", "st_2"]) {
        assert_eq!(request.method, "DELETE");
        assert_eq!(request.path(), format!("/workflows/wf_1/steps/{step}"));
    }
}

/// A service written against the trait, not the client, as users write theirs.
async fn token_for<A: AlloyApi>(api: &A, user_id: &str) -> Result<String> {
    Ok(api.generate_user_token(user_id).await?.token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_code_can_spawn_calls_because_futures_are_send() {
    fn spawn_on<A: AlloyApi + Clone + 'static>(api: &A) -> tokio::task::JoinHandle<Result<String>> {
        let api = api.clone();
        tokio::spawn(async move {
            let via_trait = api.generate_user_token("usr_1").await?.token;
            assert_eq!(token_for(&api, "usr_1").await?, via_trait);
            Ok(via_trait)
        })
    }
    let server = FaultServer::start().await;
    server.set_fallback(Reply::json(200, &json!({ "token": "jwt" })));
    let client = tests::client(&server.base_url());
    let handles: Vec<_> = (0..8).map(|_| spawn_on(&client)).collect();
    for handle in handles {
        assert_eq!(handle.await.unwrap().unwrap(), "jwt");
    }
    for request in server.requests() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/users/usr_1/token");
    }
}

/// Regression: a header parameter named like a client default (`Accept`) was appended beside
/// it, so the server saw two values.
#[tokio::test]
async fn a_header_parameter_replaces_the_client_default_of_that_name() {
    let server = FaultServer::with_script([Reply::untyped(200, "")]).await;
    let client = tests::client(&server.base_url());
    client
        .export("text/csv", Some("reporting/2.1"))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
    let sent = server.last_request().unwrap();
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path(), "/export");
    assert_eq!(sent.header_values("accept"), ["text/csv"]);
    assert_eq!(sent.header_values("user-agent"), ["reporting/2.1"]);
}
