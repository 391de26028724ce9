//! The sandbox conforms to each contract it answers by: every response it gives, success or
//! error, has a status the contract's OpenAPI document lists for that operation and a body
//! that validates against the document's schema for it. Expectations come from the documents,
//! not from copies: the seed contract is checked against `spec/alloy-embedded-2025-09.json`,
//! the official one against `spec/alloy-embedded-2025-09-official.yaml`.
//!
//! Seed responses are recorded raw by a `Transport` wrapped around the client, so the check
//! sees exactly the JSON on the wire, before any decoding could hide a difference. Official
//! exchanges are driven with raw HTTP, independent of how the client's models decode them;
//! their requests are checked against the document too.

use std::sync::{LazyLock, Mutex};

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::prelude::*;
use alloy_api::{Client, RawResponse, Request, RetryPolicy, Transport};
use alloy_sandbox::{Contract, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tests::official::OFFICIAL;
use tests::schema::{resolve, validate};

/// The seed document.
static CONTRACT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../spec/alloy-embedded-2025-09.json")).unwrap()
});

/// One exchange as seen on the wire.
struct Exchange {
    method: &'static str,
    template: &'static str,
    status: u16,
    body: Value,
}

/// Records every raw response the client gets.
struct Recording {
    client: Client,
    exchanges: Mutex<Vec<Exchange>>,
}

impl Transport for Recording {
    async fn execute(&self, request: Request) -> alloy_api::Result<RawResponse> {
        let endpoint = request.endpoint();
        let response = self.client.execute(request).await?;
        let body = serde_json::from_slice(&response.body).unwrap_or_else(|e| {
            panic!(
                "{} {} answered a body that is not JSON ({e}): {:?}",
                endpoint.method(),
                endpoint.template(),
                String::from_utf8_lossy(&response.body)
            )
        });
        self.exchanges.lock().unwrap().push(Exchange {
            method: endpoint.method().as_str(),
            template: endpoint.template(),
            status: response.status.as_u16(),
            body,
        });
        Ok(response)
    }
}

/// `POST /run/event` with any JSON body, bypassing the request model's checks.
trait RawEvents: Transport {
    #[alloy_api::api_endpoint(method = "POST", path = "/run/event")]
    async fn trigger_raw_event(&self, #[body] body: &Value) -> alloy_api::Result<()>;
}

impl<T: Transport + ?Sized> RawEvents for T {}

/// Statuses an operation may answer beyond those it lists: a 404 for an unknown user on
/// operations whose contract entry lists no 404 (the contract is silent on unknown users
/// there), and 400 for invalid bodies on operations that list no 400. Both carry the
/// contract's `ErrorResponse`.
const UNLISTED_ERRORS: &[u16] = &[400, 404];

/// Checks every recorded exchange against the contract; returns what was checked.
fn check(exchanges: &[Exchange]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for e in exchanges {
        let Some(operation) = CONTRACT["paths"]
            .get(e.template)
            .and_then(|item| item.get(e.method.to_ascii_lowercase()))
        else {
            problems.push(format!(
                "{} {} is not in the contract",
                e.method, e.template
            ));
            continue;
        };
        let id = operation["operationId"].as_str().unwrap();
        let status = e.status.to_string();
        let schema = match operation["responses"].get(&status) {
            Some(response) => &response["content"]["application/json"]["schema"],
            None if UNLISTED_ERRORS.contains(&e.status) => {
                &serde_json::json!({ "$ref": "#/components/schemas/ErrorResponse" })
            }
            None => {
                problems.push(format!(
                    "{id} answered {status}, which the contract does not list"
                ));
                continue;
            }
        };
        validate(
            &CONTRACT,
            schema,
            &e.body,
            &format!("{id} {status}"),
            &mut problems,
        );
        if e.status >= 400 {
            // Error bodies must carry both fields for clients that show them.
            for field in ["error", "message"] {
                if !e.body[field].is_string() {
                    problems.push(format!("{id} {status}: error body without `{field}`"));
                }
            }
        }
        checked.push(format!("{id} {status}"));
    }
    assert!(problems.is_empty(), "{problems:#?}");
    checked.sort();
    checked.dedup();
    checked
}

async fn seed_sandbox() -> Sandbox {
    Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap()
}

fn recording(sandbox: &Sandbox, key: &str) -> Recording {
    Recording {
        client: Client::builder()
            .api_key(key)
            .base_url(sandbox.base_url())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap(),
        exchanges: Mutex::default(),
    }
}

#[tokio::test]
async fn every_operation_answers_as_the_seed_contract_says() {
    let sandbox = seed_sandbox().await;
    let api = recording(&sandbox, sandbox.api_key());

    // Success paths of all ten operations.
    let user = api
        .create_user(&CreateUserRequest::new("conformance").with_full_name("Con Formance"))
        .await
        .unwrap();
    let uid = user.user_id.as_str();
    let wf = "wf_netsuite_invoice_export";
    api.generate_user_token(uid).await.unwrap();
    api.list_integrations(uid).await.unwrap();
    api.trigger_event(
        &TriggerEventRequest::new(uid, "invoice.created").with_data(serde_json::json!({"n": 1})),
    )
    .await
    .unwrap();
    api.list_workflow_logs(wf, uid).await.unwrap();
    api.list_workflow_errors(wf, uid).await.unwrap();
    api.deactivate_workflow(&WorkflowActionRequest::new(wf, uid))
        .await
        .unwrap();
    api.activate_workflow(&WorkflowActionRequest::new(wf, uid))
        .await
        .unwrap();
    api.upgrade_workflow_to_version(wf, &UpgradeWorkflowRequest::new(uid).with_version("2.0.0"))
        .await
        .unwrap();
    api.delete_user_logs(uid).await.unwrap();

    // Error paths that the contract lists.
    let _ = api
        .create_user(&CreateUserRequest::new(""))
        .await
        .unwrap_err();
    let _ = api.generate_user_token("usr_missing").await.unwrap_err();
    let _ = api.delete_user_logs("usr_missing").await.unwrap_err();
    let _ = api.list_workflow_logs("wf_missing", uid).await.unwrap_err();
    let _ = api
        .list_workflow_errors("wf_missing", uid)
        .await
        .unwrap_err();
    // The client refuses a payload that is not an object before sending it, so the sandbox's
    // 400 for one is reached through an endpoint declared here.
    let _ = api
        .trigger_raw_event(&serde_json::json!({ "userId": uid, "event": "x", "data": [1] }))
        .await
        .unwrap_err();
    let _ = api
        .upgrade_workflow_to_version(wf, &UpgradeWorkflowRequest::new(uid).with_version("0.0.1"))
        .await
        .unwrap_err();

    let checked = check(&api.exchanges.lock().unwrap());
    for expected in [
        "createUser 201",
        "createUser 400",
        "generateUserToken 200",
        "generateUserToken 404",
        "deleteUserLogs 200",
        "deleteUserLogs 404",
        "listIntegrations 200",
        "triggerEvent 200",
        "triggerEvent 400",
        "listWorkflowErrors 200",
        "listWorkflowErrors 404",
        "listWorkflowLogs 200",
        "listWorkflowLogs 404",
        "deactivateWorkflow 200",
        "activateWorkflow 200",
        "upgradeWorkflow 200",
        "upgradeWorkflow 400",
    ] {
        assert!(
            checked.iter().any(|c| c == expected),
            "{expected} not exercised: {checked:?}"
        );
    }
}

#[tokio::test]
async fn every_operation_answers_401_with_the_seed_contract_body() {
    let sandbox = seed_sandbox().await;
    let api = recording(&sandbox, "sk_wrong_key");
    let action = WorkflowActionRequest::new("wf_1", "usr_1");
    let results = [
        api.create_user(&CreateUserRequest::new("x"))
            .await
            .map(drop),
        api.generate_user_token("usr_1").await.map(drop),
        api.delete_user_logs("usr_1").await.map(drop),
        api.list_integrations("usr_1").await.map(drop),
        api.trigger_event(&TriggerEventRequest::new("usr_1", "e"))
            .await
            .map(drop),
        api.list_workflow_errors("wf_1", "usr_1").await.map(drop),
        api.list_workflow_logs("wf_1", "usr_1").await.map(drop),
        api.deactivate_workflow(&action).await.map(drop),
        api.activate_workflow(&action).await.map(drop),
        api.upgrade_workflow("wf_1", "usr_1").await.map(drop),
        api.upgrade_workflow_to_version("wf_1", &UpgradeWorkflowRequest::new("usr_1"))
            .await
            .map(drop),
    ];
    for result in results {
        assert!(result.unwrap_err().is_unauthorized());
    }
    let checked = check(&api.exchanges.lock().unwrap());
    assert_eq!(checked.len(), 10, "{checked:?}");
    assert!(checked.iter().all(|c| c.ends_with(" 401")));
}

#[test]
fn the_check_itself_rejects_what_the_contract_forbids() {
    let user = serde_json::json!({ "$ref": "#/components/schemas/User" });
    let mut problems = Vec::new();
    validate(
        &CONTRACT,
        &user,
        &serde_json::json!({ "userId": 5, "createdAt": "yesterday" }),
        "User",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");

    let logs = serde_json::json!({ "$ref": "#/components/schemas/WorkflowLogList" });
    let mut problems = Vec::new();
    let body = serde_json::json!({ "logs": [{ "status": "exploded", "duration": 1.5 }] });
    validate(&CONTRACT, &logs, &body, "WorkflowLogList", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");

    let action = serde_json::json!({ "$ref": "#/components/schemas/WorkflowActionRequest" });
    let mut problems = Vec::new();
    validate(
        &CONTRACT,
        &action,
        &serde_json::json!({ "userId": "u" }),
        "action",
        &mut problems,
    );
    assert_eq!(problems, ["action: missing required field \"workflowId\""]);
}

// ---- The official contract -------------------------------------------------------------------

/// The body every error answer carries in both contracts. The official document declares no
/// error responses at all (its fragments document 200 only), so official error exchanges are
/// checked against this shape instead of a schema of the document.
static ERROR_BODY: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "required": ["error", "message"],
        "properties": { "error": { "type": "string" }, "message": { "type": "string" } },
    })
});

/// One official exchange: the request as sent and the response as received.
struct RawExchange {
    method: &'static str,
    template: &'static str,
    query: Vec<(String, String)>,
    api_version: Option<String>,
    body: Option<Value>,
    status: u16,
    response: Value,
}

/// Sends raw HTTP requests to an official sandbox and records each exchange.
struct RawClient {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    exchanges: Vec<RawExchange>,
}

/// A request of [`RawClient::send`]: the operation's method and path template, the filled
/// path, the query pairs, the JSON body and whether to send `x-api-version: 2025-09`.
struct Call<'a> {
    method: &'static str,
    template: &'static str,
    path: String,
    query: &'a [(&'a str, &'a str)],
    body: Option<Value>,
    api_version: bool,
}

impl<'a> Call<'a> {
    fn new(method: &'static str, template: &'static str, path: impl Into<String>) -> Self {
        Call {
            method,
            template,
            path: path.into(),
            query: &[],
            body: None,
            api_version: true,
        }
    }

    fn query(mut self, query: &'a [(&'a str, &'a str)]) -> Self {
        self.query = query;
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn without_api_version(mut self) -> Self {
        self.api_version = false;
        self
    }
}

impl RawClient {
    fn new(sandbox: &Sandbox, api_key: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        RawClient {
            http: reqwest::Client::new(),
            base_url: sandbox.base_url().to_owned(),
            api_key: api_key.to_owned(),
            exchanges: Vec::new(),
        }
    }

    /// Sends the call and returns the response body.
    async fn send(&mut self, call: Call<'_>) -> Value {
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
        // The test's values are plain ids and numbers: nothing to percent-encode.
        let query: Vec<String> = call.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let separator = if query.is_empty() { "" } else { "?" };
        let mut request = self
            .http
            .request(
                method,
                format!(
                    "{}{}{separator}{}",
                    self.base_url,
                    call.path,
                    query.join("&")
                ),
            )
            .bearer_auth(&self.api_key);
        if call.api_version {
            request = request.header("x-api-version", "2025-09");
        }
        if let Some(body) = &call.body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{} {} answered a body that is not JSON ({e}): {:?}",
                call.method,
                call.template,
                String::from_utf8_lossy(&bytes)
            )
        });
        self.exchanges.push(RawExchange {
            method: call.method,
            template: call.template,
            query: call
                .query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            api_version: call.api_version.then(|| "2025-09".to_owned()),
            body: call.body,
            status,
            response: body.clone(),
        });
        body
    }
}

/// Turns a query or header value into the JSON value its parameter schema describes.
fn parameter_value(schema: &Value, raw: &str) -> Value {
    match schema["type"].as_str() {
        Some("integer") => raw.parse::<i64>().map_or_else(|_| json!(raw), Value::from),
        _ => json!(raw),
    }
}

/// Checks a request that the sandbox accepted against the official document: required
/// parameters present, parameter values and the body valid, no body where none is declared.
fn check_official_request(
    operation: &Value,
    e: &RawExchange,
    id: &str,
    problems: &mut Vec<String>,
) {
    let doc = &*OFFICIAL;
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(doc, parameter);
        let name = parameter["name"].as_str().unwrap();
        let sent = match parameter["in"].as_str().unwrap() {
            "query" => e
                .query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone()),
            "header" if name.eq_ignore_ascii_case("x-api-version") => e.api_version.clone(),
            "header" | "path" => continue,
            other => panic!("unsupported parameter location {other}"),
        };
        match sent {
            Some(raw) => validate(
                doc,
                &parameter["schema"],
                &parameter_value(&parameter["schema"], &raw),
                &format!("{id} request {name}"),
                problems,
            ),
            None if parameter["required"] == json!(true) => {
                problems.push(format!("{id}: request without required parameter `{name}`"));
            }
            None => {}
        }
    }
    match (&e.body, operation.get("requestBody")) {
        (Some(body), Some(declared)) => validate(
            doc,
            &declared["content"]["application/json"]["schema"],
            body,
            &format!("{id} request body"),
            problems,
        ),
        (Some(_), None) => problems.push(format!("{id}: request body where none is declared")),
        (None, Some(declared)) if declared["required"] == json!(true) => {
            problems.push(format!("{id}: request without its required body"));
        }
        (None, _) => {}
    }
}

/// Checks every official exchange against the official document; returns what was checked.
fn check_official(exchanges: &[RawExchange]) -> Vec<String> {
    let doc = &*OFFICIAL;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for e in exchanges {
        let Some(operation) = doc["paths"]
            .get(e.template)
            .and_then(|item| item.get(e.method.to_ascii_lowercase()))
        else {
            problems.push(format!(
                "{} {} is not in the official document",
                e.method, e.template
            ));
            continue;
        };
        let id = operation["operationId"].as_str().unwrap();
        let status = e.status.to_string();
        let at = format!("{id} {status}");
        match operation["responses"].get(&status) {
            Some(response) => {
                let schema = &response["content"]["application/json"]["schema"];
                validate(doc, schema, &e.response, &at, &mut problems);
                // The document declares no `required`; what it declares at the top level of
                // an answer is the answer (`data`, `userId`, `token`, ...), so it must be there.
                for name in resolve(doc, schema)["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(|properties| properties.keys())
                {
                    if e.response.get(name).is_none() {
                        problems.push(format!("{at}: answer without `{name}`"));
                    }
                }
                check_official_request(operation, e, id, &mut problems);
            }
            // Not declared by the document: see ERROR_BODY.
            None if e.status >= 400 => validate(doc, &ERROR_BODY, &e.response, &at, &mut problems),
            None => problems.push(format!(
                "{id} answered {status}, which the document does not list"
            )),
        }
        checked.push(at);
    }
    assert!(problems.is_empty(), "{problems:#?}");
    checked.sort();
    checked.dedup();
    checked
}

async fn official_sandbox() -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.contract(), Contract::Official);
    sandbox
}

#[tokio::test]
async fn every_operation_answers_as_the_official_contract_says() {
    let sandbox = official_sandbox().await;
    let mut api = RawClient::new(&sandbox, sandbox.api_key());
    let wf = "wf_netsuite_invoice_export";

    // Success paths of all ten operations.
    let created = api
        .send(
            Call::new("POST", "/users", "/users")
                .body(json!({ "username": "conformance", "fullName": "Con Formance" })),
        )
        .await;
    let uid = created["userId"].as_str().unwrap().to_owned();
    let uid = uid.as_str();
    let token = "/users/{userId}/token";
    let logs = "/users/{userId}/logs";
    api.send(Call::new("GET", token, format!("/users/{uid}/token")).query(&[("userId", uid)]))
        .await;
    api.send(Call::new("GET", "/integrations", "/integrations").query(&[("userId", uid)]))
        .await;
    for n in 0..3 {
        api.send(
            Call::new("POST", "/run/event", "/run/event")
                .body(json!({ "userId": uid, "event": "invoice.created", "data": { "n": n } })),
        )
        .await;
    }
    let wf_logs = "/workflows/{workflowId}/logs";
    let logs_path = format!("/workflows/{wf}/logs");
    api.send(Call::new("GET", wf_logs, logs_path.clone()).query(&[("userId", uid)]))
        .await;
    api.send(Call::new("GET", wf_logs, logs_path.clone()).query(&[
        ("userId", uid),
        ("page", "2"),
        ("limit", "2"),
        ("order", "asc"),
    ]))
    .await;
    let wf_errors = "/workflows/{workflowId}/errors";
    let errors_path = format!("/workflows/{wf}/errors");
    api.send(Call::new("GET", wf_errors, errors_path.clone()).query(&[("userId", uid)]))
        .await;
    api.send(
        Call::new("PUT", "/workflows/deactivate", "/workflows/deactivate")
            .body(json!({ "userId": uid, "workflowId": wf })),
    )
    .await;
    api.send(
        Call::new("PUT", "/workflows/activate", "/workflows/activate")
            .body(json!({ "userId": "conformance", "workflowName": "Netsuite invoice export" })),
    )
    .await;
    let upgrade = "/workflows/{workflowId}/upgrade";
    api.send(
        Call::new("PUT", upgrade, format!("/workflows/{wf}/upgrade")).query(&[("userId", uid)]),
    )
    .await;
    api.send(Call::new("DELETE", logs, format!("/users/{uid}/logs")).query(&[("userId", uid)]))
        .await;

    // Error paths.
    api.send(Call::new("POST", "/users", "/users").body(json!({ "username": "" })))
        .await;
    api.send(Call::new("GET", token, format!("/users/{uid}/token")))
        .await;
    api.send(
        Call::new("GET", token, "/users/usr_missing/token").query(&[("userId", "usr_missing")]),
    )
    .await;
    api.send(Call::new("DELETE", logs, format!("/users/{uid}/logs")))
        .await;
    api.send(
        Call::new("GET", "/integrations", "/integrations")
            .query(&[("userId", uid)])
            .without_api_version(),
    )
    .await;
    api.send(
        Call::new("POST", "/run/event", "/run/event")
            .body(json!({ "userId": uid, "event": "invoice.created" })),
    )
    .await;
    api.send(Call::new("GET", wf_logs, logs_path).query(&[("userId", uid), ("limit", "31")]))
        .await;
    api.send(Call::new("GET", wf_errors, "/workflows/wf_missing/errors").query(&[("userId", uid)]))
        .await;
    api.send(
        Call::new("PUT", "/workflows/activate", "/workflows/activate")
            .body(json!({ "userId": uid })),
    )
    .await;
    api.send(Call::new(
        "PUT",
        upgrade,
        format!("/workflows/{wf}/upgrade"),
    ))
    .await;

    let checked = check_official(&api.exchanges);
    for expected in [
        "create-a-user 200",
        "create-a-user 400",
        "generate-jwt-token 200",
        "generate-jwt-token 400",
        "generate-jwt-token 404",
        "delete-logs-for-a-user 200",
        "delete-logs-for-a-user 400",
        "list-integrations 200",
        "list-integrations 400",
        "run-event 200",
        "run-event 400",
        "get-workflow-logs 200",
        "get-workflow-logs 400",
        "get-workflow-errors 200",
        "get-workflow-errors 404",
        "deactivate-a-workflow 200",
        "activate-a-workflow 200",
        "activate-a-workflow 400",
        "upgrade-workflow 200",
        "upgrade-workflow 400",
    ] {
        assert!(
            checked.iter().any(|c| c == expected),
            "{expected} not exercised: {checked:?}"
        );
    }
    // The answers carried content, not only valid empty lists.
    let answers = |template: &'static str| {
        api.exchanges
            .iter()
            .filter(move |e| e.template == template && e.status == 200)
            .map(|e| &e.response)
    };
    assert!(answers(wf_logs).all(|r| !r["data"].as_array().unwrap().is_empty()));
    assert!(answers(wf_errors).all(|r| !r["data"].as_array().unwrap().is_empty()));
    assert!(answers("/integrations").all(|r| r["data"][0]["workflows"][0]["version"].is_u64()));
}

#[tokio::test]
async fn every_operation_answers_401_with_the_error_body_in_the_official_contract() {
    let sandbox = official_sandbox().await;
    let mut api = RawClient::new(&sandbox, "sk_wrong_key");
    let user = &[("userId", "usr_1")][..];
    let action = json!({ "userId": "usr_1", "workflowId": "wf_1" });
    let calls = [
        Call::new("POST", "/users", "/users").body(json!({ "username": "x" })),
        Call::new("GET", "/users/{userId}/token", "/users/usr_1/token").query(user),
        Call::new("DELETE", "/users/{userId}/logs", "/users/usr_1/logs").query(user),
        Call::new("GET", "/integrations", "/integrations").query(user),
        Call::new("POST", "/run/event", "/run/event")
            .body(json!({ "userId": "usr_1", "event": "e", "data": {} })),
        Call::new(
            "GET",
            "/workflows/{workflowId}/errors",
            "/workflows/wf_1/errors",
        )
        .query(user),
        Call::new(
            "GET",
            "/workflows/{workflowId}/logs",
            "/workflows/wf_1/logs",
        )
        .query(user),
        Call::new("PUT", "/workflows/deactivate", "/workflows/deactivate").body(action.clone()),
        Call::new("PUT", "/workflows/activate", "/workflows/activate").body(action),
        Call::new(
            "PUT",
            "/workflows/{workflowId}/upgrade",
            "/workflows/wf_1/upgrade",
        )
        .query(user),
    ];
    for call in calls {
        api.send(call).await;
    }
    let checked = check_official(&api.exchanges);
    assert_eq!(checked.len(), 10, "{checked:?}");
    assert!(checked.iter().all(|c| c.ends_with(" 401")));
}

#[test]
fn the_check_itself_rejects_what_the_official_document_forbids() {
    let doc = &*OFFICIAL;
    let integrations = &doc["paths"]["/integrations"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let mut problems = Vec::new();
    let body = json!({ "data": [{ "installed": "yes", "workflows": [{ "version": "2.0.0" }] }] });
    validate(doc, integrations, &body, "list-integrations", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");

    // A request the sandbox should have refused: no `data`, no version header.
    let event = &doc["paths"]["/run/event"]["post"];
    let exchange = RawExchange {
        method: "POST",
        template: "/run/event",
        query: Vec::new(),
        api_version: None,
        body: Some(json!({ "userId": "u", "event": "e" })),
        status: 200,
        response: json!({ "message": "Event successfully triggered" }),
    };
    let mut problems = Vec::new();
    check_official_request(event, &exchange, "run-event", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");

    // An undeclared body on the upgrade, and a limit out of the 32-bit range.
    let upgrade = &doc["paths"]["/workflows/{workflowId}/upgrade"]["put"];
    let exchange = RawExchange {
        method: "PUT",
        template: "/workflows/{workflowId}/upgrade",
        query: vec![("userId".to_owned(), "u".to_owned())],
        api_version: Some("2025-09".to_owned()),
        body: Some(json!({ "userId": "u" })),
        status: 200,
        response: json!({ "upgraded": true }),
    };
    let mut problems = Vec::new();
    check_official_request(upgrade, &exchange, "upgrade-workflow", &mut problems);
    assert_eq!(
        problems,
        ["upgrade-workflow: request body where none is declared"]
    );
    let limit = json!({ "type": "integer", "format": "int32" });
    let mut problems = Vec::new();
    validate(doc, &limit, &json!(1_u64 << 40), "limit", &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
#[should_panic(expected = "does not support the schema keyword `oneOf`")]
fn the_check_fails_on_a_keyword_it_does_not_implement() {
    let schema = json!({ "oneOf": [{ "type": "string" }], "x-note": "annotations are fine" });
    validate(&OFFICIAL, &schema, &json!("x"), "oneOf", &mut Vec::new());
}
