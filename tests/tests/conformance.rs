//! The sandbox conforms to the contract: every response it gives, success or error, has a
//! status the OpenAPI document lists for that operation and a body that validates against
//! the document's schema for it. Expectations come from the document, not from copies.
//!
//! Responses are recorded raw by a `Transport` wrapped around the client, so the check sees
//! exactly the JSON on the wire, before any decoding could hide a difference.

use std::sync::{LazyLock, Mutex};

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::sandbox::Sandbox;
use alloy_api::{AlloyApi, Client, RawResponse, Request, RetryPolicy, Transport};
use serde_json::Value;

static CONTRACT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../spec/alloy-embedded-2025-09.json")).unwrap()
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

fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
            &CONTRACT["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Validates `value` against an OpenAPI 3.0 schema; supports exactly the keywords the contract
/// uses and fails on any other, so a schema feature this check ignores cannot pass silently.
fn validate(schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(schema);
    for key in schema.as_object().unwrap().keys() {
        assert!(
            matches!(
                key.as_str(),
                "type"
                    | "properties"
                    | "required"
                    | "items"
                    | "enum"
                    | "format"
                    | "title"
                    | "description"
                    | "example"
            ),
            "the conformance check does not support the schema keyword `{key}`"
        );
    }
    let ty = schema["type"].as_str().unwrap_or("object");
    let type_ok = match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("unsupported type {other}"),
    };
    if !type_ok {
        problems.push(format!("{at}: expected {ty}, got {value}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match (schema.get("format").and_then(Value::as_str), value.as_str()) {
        (Some("date-time"), Some(s)) => {
            if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                problems.push(format!("{at}: `{s}` is not an RFC 3339 date-time"));
            }
        }
        (Some("uri"), Some(s)) => {
            if !(s.starts_with("https://") || s.starts_with("http://")) {
                problems.push(format!("{at}: `{s}` is not an absolute URI"));
            }
        }
        (Some(other), _) => panic!("unsupported format {other}"),
        (None, _) => {}
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for field in required {
            if value.get(field.as_str().unwrap()).is_none() {
                problems.push(format!("{at}: missing required field {field}"));
            }
        }
    }
    if let (Some(properties), Some(object)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (name, sub) in properties {
            if let Some(v) = object.get(name) {
                validate(sub, v, &format!("{at}.{name}"), problems);
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            validate(items, v, &format!("{at}[{i}]"), problems);
        }
    }
}

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
        validate(schema, &e.body, &format!("{id} {status}"), &mut problems);
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
async fn every_operation_answers_as_the_contract_says() {
    let sandbox = Sandbox::start().await.unwrap();
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
    api.upgrade_workflow(wf, &UpgradeWorkflowRequest::new(uid).with_version("2.0.0"))
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
    let _ = api
        .trigger_event(&TriggerEventRequest::new(uid, "x").with_data(serde_json::json!([1])))
        .await
        .unwrap_err();
    let _ = api
        .upgrade_workflow(wf, &UpgradeWorkflowRequest::new(uid).with_version("0.0.1"))
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
async fn every_operation_answers_401_with_the_contract_body() {
    let sandbox = Sandbox::start().await.unwrap();
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
        api.upgrade_workflow("wf_1", &UpgradeWorkflowRequest::new("usr_1"))
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
        &user,
        &serde_json::json!({ "userId": 5, "createdAt": "yesterday" }),
        "User",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");

    let logs = serde_json::json!({ "$ref": "#/components/schemas/WorkflowLogList" });
    let mut problems = Vec::new();
    let body = serde_json::json!({ "logs": [{ "status": "exploded", "duration": 1.5 }] });
    validate(&logs, &body, "WorkflowLogList", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");

    let action = serde_json::json!({ "$ref": "#/components/schemas/WorkflowActionRequest" });
    let mut problems = Vec::new();
    validate(
        &action,
        &serde_json::json!({ "userId": "u" }),
        "action",
        &mut problems,
    );
    assert_eq!(problems, ["action: missing required field \"workflowId\""]);
}
