//! Users add endpoints the crate lacks by annotating methods of their own traits, outside
//! `alloy-api`, and get the same encoding, errors and retries.

use alloy_api::{AlloyApi, Client, Response, Result, Transport, api_endpoint};
use httpmock::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

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

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk_custom")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn two_path_parameters_fill_their_segments_in_order() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/workflows/wf%2F1/steps/st%201")
                .is_true(|req| req.uri().query() == Some("userId=usr_1"));
            then.status(200)
                .json_body(json!({ "stepId": "st 1", "displayName": "Send email" }));
        })
        .await;
    let step = client(&server)
        .get_step("wf/1", "st 1", "usr_1")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(step.display_name, "Send email");
}

#[tokio::test]
async fn an_optional_query_is_sent_only_when_some_and_headers_are_sent() {
    let server = MockServer::start_async().await;
    let with_limit = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/workflows/wf_1/steps")
                .header("x-request-id", "req-1")
                .is_true(|req| req.uri().query() == Some("userId=usr_1&pageSize=5"));
            then.status(200).json_body(json!({ "steps": [] }));
        })
        .await;
    let without_limit = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/workflows/wf_1/steps")
                .header("x-request-id", "req-2")
                .is_true(|req| req.uri().query() == Some("userId=usr_1"));
            then.status(200)
                .json_body(json!({ "steps": [{ "stepId": "s", "displayName": "d" }] }));
        })
        .await;
    let client = client(&server);
    let limited = client
        .list_steps("wf_1", "usr_1", Some(5), "req-1")
        .await
        .unwrap();
    let unlimited = client
        .list_steps("wf_1", "usr_1", None, "req-2")
        .await
        .unwrap();
    with_limit.assert_async().await;
    without_limit.assert_async().await;
    assert!(limited.steps.is_empty());
    assert_eq!(unlimited.steps.len(), 1);
}

#[tokio::test]
async fn a_patch_sends_its_body_and_returns_status_and_headers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/workflows/wf_1/steps/st_1")
                .header("content-type", "application/json")
                .json_body(json!({ "displayName": "Renamed" }));
            then.status(200)
                .header("x-ratelimit-remaining", "41")
                .json_body(json!({ "stepId": "st_1", "displayName": "Renamed" }));
        })
        .await;
    let change = RenameStep {
        display_name: "Renamed".into(),
    };
    let response = client(&server)
        .rename_step("wf_1", "st_1", &change)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-ratelimit-remaining"], "41");
    assert_eq!(response.display_name, "Renamed");
}

#[tokio::test]
async fn a_unit_return_accepts_204_and_any_body() {
    let server = MockServer::start_async().await;
    let no_content = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/workflows/wf_1/steps/st_1");
            then.status(204);
        })
        .await;
    let with_body = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/workflows/wf_1/steps/st_2");
            then.status(200).json_body(json!({ "success": true }));
        })
        .await;
    let client = client(&server);
    client.delete_step("wf_1", "st_1").await.unwrap();
    client.delete_step("wf_1", "st_2").await.unwrap();
    no_content.assert_async().await;
    with_body.assert_async().await;
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
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users/usr_1/token");
            then.status(200).json_body(json!({ "token": "jwt" }));
        })
        .await;
    let client = client(&server);
    let handles: Vec<_> = (0..8).map(|_| spawn_on(&client)).collect();
    for handle in handles {
        assert_eq!(handle.await.unwrap().unwrap(), "jwt");
    }
}

/// Regression: a header parameter named like a client default (`Accept`) was appended beside
/// it, so the server saw two values.
#[tokio::test]
async fn a_header_parameter_replaces_the_client_default_of_that_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/export").is_true(|req| {
                let headers = req.headers();
                let accept: Vec<_> = headers.get_all("accept").iter().collect();
                let agents: Vec<_> = headers.get_all("user-agent").iter().collect();
                accept == ["text/csv"] && agents == ["reporting/2.1"]
            });
            then.status(200);
        })
        .await;
    let client = client(&server);
    client
        .export("text/csv", Some("reporting/2.1"))
        .await
        .unwrap();
    mock.assert_async().await;
}
