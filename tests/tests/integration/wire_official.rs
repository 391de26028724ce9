//! Wire format against Alloy's official 2025-09 document, one test per operation of the
//! users, workflows, run, events, logs and integrations resources: the client sends a request
//! the document accepts (`official::assert_request_conforms`: method, path, declared and
//! required query keys, `x-api-version`, a body valid against the schema with no undeclared
//! field), exactly the request expected here (target and body, matched by a mock that answers
//! nothing else and is hit once), and decodes a response with
//! every field the document's success schema declares. Where the model is named as the
//! document names its fields, serializing the decoded value again gives the response back:
//! every field was decoded and none invented.

use alloy_api::Error;
use alloy_api::models::{
    BatchCreateUsersRequest, CreateUserRequest, FilterOperator, LogColumn, LogFilter, LogQuery,
    LogSortBy, RunWorkflowRequest, SortOrder, TriggerEventRequest, UpdateUserRequest,
    WorkflowActionRequest, WorkflowLogsQuery,
};
use alloy_api::prelude::*;
use httpmock::MockServer;
use serde::Serialize;
use serde_json::{Value, json};
use tests::Recorded;
use tests::official::assert_request_conforms;

use crate::mock::any_request;
use crate::official_operation::Operation;

/// Asserts that `decoded`, serialized again, is exactly the part of the sample it was decoded
/// from.
#[track_caller]
fn assert_round_trips(decoded: &impl Serialize, sample: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), sample);
}

// ---- Users ----------------------------------------------------------------------------------

#[tokio::test]
async fn create_user() {
    let op = Operation::answered("POST", "/users");
    let body = json!({"username": "jane", "fullName": "Jane Smith"});
    let user = op
        .call("/users", Some(&body), |c| async move {
            c.create_user(&CreateUserRequest::new("jane").with_full_name("Jane Smith"))
                .await
        })
        .await;
    op.assert_round_trips(&user);
}

#[tokio::test]
async fn list_users() {
    let op = Operation::answered("GET", "/users");
    let users = op
        .call("/users?parentWorkflowId=wf+parent", None, |c| async move {
            c.list_users(Some("wf parent")).await
        })
        .await;
    assert_eq!(users.users.len(), 1);
    op.assert_round_trips(&users);

    let op = Operation::answered("GET", "/users");
    op.call("/users", None, |c| async move { c.list_users(None).await })
        .await;
}

#[tokio::test]
async fn get_user() {
    let op = Operation::answered("GET", "/users/{userId}");
    let user = op
        .call("/users/usr%2F1", None, |c| async move {
            c.get_user("usr/1").await
        })
        .await;
    assert_eq!(user.user_id, "userId-1");
    op.assert_round_trips(&user);
}

#[tokio::test]
async fn update_user() {
    let op = Operation::answered("PUT", "/users/{userId}");
    let body = json!({"fullName": "Jane Doe"});
    let user = op
        .call("/users/usr_1", Some(&body), |c| async move {
            c.update_user(
                "usr_1",
                &UpdateUserRequest::new().with_full_name("Jane Doe"),
            )
            .await
        })
        .await;
    op.assert_round_trips(&user);
}

#[tokio::test]
async fn delete_user() {
    let op = Operation::answered("DELETE", "/users/{userId}");
    let answer = op
        .call("/users/usr_1", None, |c| async move {
            c.delete_user("usr_1").await
        })
        .await;
    assert_eq!(answer.success, Some(true));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn batch_create_users() {
    let op = Operation::answered("POST", "/users/batch");
    let body = json!({"users": [{"username": "a"}, {"username": "b", "fullName": "Bee"}]});
    let answer = op
        .call("/users/batch", Some(&body), |c| async move {
            let batch = BatchCreateUsersRequest::new([
                CreateUserRequest::new("a"),
                CreateUserRequest::new("b").with_full_name("Bee"),
            ]);
            c.batch_create_users(&batch).await
        })
        .await;
    assert_eq!(
        answer.invalid_users[0].username.as_deref(),
        Some("username-1")
    );
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn batch_create_users_refuses_more_than_1000_before_sending() {
    let server = MockServer::start_async().await;
    let any = any_request(&server).await;
    let batch = BatchCreateUsersRequest::new(
        (0..1001).map(|i| CreateUserRequest::new(format!("user-{i}"))),
    );
    let error = tests::client(&server.base_url())
        .batch_create_users(&batch)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidArgument { name: "request", reason, .. } if reason.contains("at most 1000")),
        "{error}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn generate_user_token() {
    let op = Operation::answered("GET", "/users/{userId}/token");
    let token = op
        .call("/users/usr_1/token?userId=usr_1", None, |c| async move {
            c.generate_user_token("usr_1").await
        })
        .await;
    op.assert_round_trips(&token);
}

#[tokio::test]
async fn delete_user_logs() {
    let op = Operation::answered("DELETE", "/users/{userId}/logs");
    let answer = op
        .call("/users/usr_1/logs?userId=usr_1", None, |c| async move {
            c.delete_user_logs("usr_1").await
        })
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn deactivate_user_workflows() {
    let op = Operation::answered("PUT", "/users/{userId}/deactivate-workflows");
    let answer = op
        .call("/users/usr_1/deactivate-workflows", None, |c| async move {
            c.deactivate_user_workflows("usr_1").await
        })
        .await;
    op.assert_round_trips(&answer);
}

// ---- Workflows ------------------------------------------------------------------------------

#[tokio::test]
async fn get_workflow() {
    let op = Operation::answered("GET", "/workflows/{workflowId}");
    let workflow = op
        .call("/workflows/wf_1?userId=usr_1", None, |c| async move {
            c.get_workflow("wf_1", "usr_1").await
        })
        .await;
    assert_eq!(workflow.data.connectors.len(), 1);
    op.assert_round_trips(&workflow);
}

#[tokio::test]
async fn delete_workflow() {
    let op = Operation::answered("DELETE", "/workflows/{workflowId}");
    let answer = op
        .call("/workflows/wf_1?userId=usr_1", None, |c| async move {
            c.delete_workflow("wf_1", "usr_1").await
        })
        .await;
    assert_eq!(answer.deleted, Some(true));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn activate_workflow() {
    let op = Operation::answered("PUT", "/workflows/activate");
    let body = json!({"workflowId": "wf_1", "userId": "usr_1"});
    let answer = op
        .call("/workflows/activate", Some(&body), |c| async move {
            c.activate_workflow(&WorkflowActionRequest::new("wf_1", "usr_1"))
                .await
        })
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn deactivate_workflow() {
    let op = Operation::answered("PUT", "/workflows/deactivate");
    let body = json!({"workflowId": "wf_1", "userId": "usr_1"});
    let answer = op
        .call("/workflows/deactivate", Some(&body), |c| async move {
            c.deactivate_workflow(&WorkflowActionRequest::new("wf_1", "usr_1"))
                .await
        })
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn upgrade_workflow() {
    let op = Operation::answered("PUT", "/workflows/{workflowId}/upgrade");
    let answer = op
        .call(
            "/workflows/wf_1/upgrade?userId=usr_1",
            None,
            |c| async move { c.upgrade_workflow("wf_1", "usr_1").await },
        )
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn list_workflow_users() {
    let op = Operation::answered("GET", "/workflows/{workflowId}/users");
    let users = op
        .call("/workflows/wf_1/users", None, |c| async move {
            c.list_workflow_users("wf_1").await
        })
        .await;
    assert_eq!(users.users[0].installed_version, Some(7));
    op.assert_round_trips(&users);
}

#[tokio::test]
async fn get_workflow_analytics() {
    let op = Operation::answered("GET", "/workflows/{workflowId}/analytics");
    let analytics = op
        .call("/workflows/wf_1/analytics", None, |c| async move {
            c.get_workflow_analytics("wf_1").await
        })
        .await;
    assert_eq!(analytics.total_workflow_runs, Some(7));
    op.assert_round_trips(&analytics);
}

#[tokio::test]
async fn list_workflow_logs() {
    // The seed's form: the user only.
    let op = Operation::answered("GET", "/workflows/{workflowId}/logs");
    let logs = op
        .call("/workflows/wf_1/logs?userId=usr_1", None, |c| async move {
            c.list_workflow_logs("wf_1", "usr_1").await
        })
        .await;
    let log = &logs.logs[0];
    let entry = &op.sample["data"][0];
    assert_eq!(log.log_id, entry["executionId"]);
    assert_eq!(log.finished, Some(true));
    assert_eq!(
        log.results[0].connector_id.as_deref(),
        Some("connectorId-1")
    );
    assert_eq!(log.inputs[0].data.as_ref().unwrap()["extra"], "extra-1");
    assert_eq!(log.duration_ms(), Some(0));
}

#[tokio::test]
async fn list_workflow_logs_page() {
    let op = Operation::answered("GET", "/workflows/{workflowId}/logs");
    let logs = op
        .call(
            "/workflows/wf_1/logs?userId=usr_1&page=3&limit=30&order=asc",
            None,
            |c| async move {
                let query = WorkflowLogsQuery::new()
                    .with_user_id("usr_1")
                    .with_page(3)
                    .with_limit(30)
                    .with_order(SortOrder::Ascending);
                c.list_workflow_logs_page("wf_1", &query).await
            },
        )
        .await;
    assert_eq!(logs.logs.len(), 1);

    let op = Operation::answered("GET", "/workflows/{workflowId}/logs");
    op.call("/workflows/wf_1/logs", None, |c| async move {
        c.list_workflow_logs_page("wf_1", &WorkflowLogsQuery::new())
            .await
    })
    .await;
}

#[tokio::test]
async fn list_workflow_logs_page_refuses_a_page_size_over_30_before_sending() {
    let server = MockServer::start_async().await;
    let any = any_request(&server).await;
    let client = tests::client(&server.base_url());
    for query in [
        WorkflowLogsQuery::new().with_limit(31),
        WorkflowLogsQuery::new().with_limit(0),
        WorkflowLogsQuery::new().with_page(0),
    ] {
        let error = client
            .list_workflow_logs_page("wf_1", &query)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument { name: "query", .. }),
            "{query:?}: {error}"
        );
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_workflow_errors() {
    let op = Operation::answered("GET", "/workflows/{workflowId}/errors");
    let errors = op
        .call(
            "/workflows/wf_1/errors?userId=usr_1",
            None,
            |c| async move { c.list_workflow_errors("wf_1", "usr_1").await },
        )
        .await;
    let error = &errors.errors[0];
    assert_eq!(error.message.as_deref(), Some("message-1"));
    assert_eq!(
        error.block.as_deref(),
        op.sample["data"][0]["block"].as_str()
    );
    assert_eq!(
        error.occurred_at.unwrap().to_rfc3339(),
        "2025-09-01T10:00:00+00:00"
    );
}

// ---- Run and events -------------------------------------------------------------------------

#[tokio::test]
async fn trigger_event() {
    let op = Operation::answered("POST", "/run/event");
    let body = json!({"userId": "usr_1", "event": "order.created", "data": {"n": 1}});
    let answer = op
        .call("/run/event", Some(&body), |c| async move {
            c.trigger_event(
                &TriggerEventRequest::new("usr_1", "order.created").with_data(json!({"n": 1})),
            )
            .await
        })
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn run_workflow() {
    let op = Operation::answered("POST", "/run/workflow");
    let body =
        json!({"userId": "usr_1", "workflowId": "wf_1", "workflowName": "Sync orders", "data": {}});
    let answer = op
        .call("/run/workflow", Some(&body), |c| async move {
            c.run_workflow(&RunWorkflowRequest::new("usr_1", "wf_1", "Sync orders"))
                .await
        })
        .await;
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn run_workflow_refuses_a_payload_that_is_not_an_object() {
    let server = MockServer::start_async().await;
    let any = any_request(&server).await;
    let request = RunWorkflowRequest::new("usr_1", "wf_1", "Sync").with_data(json!([1]));
    let error = tests::client(&server.base_url())
        .run_workflow(&request)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidArgument {
                name: "request",
                ..
            }
        ),
        "{error}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_events() {
    let op = Operation::answered("GET", "/events");
    let events = op
        .call("/events", None, |c| async move { c.list_events().await })
        .await;
    assert_eq!(events.events[0].name.as_deref(), Some("name-1"));
    op.assert_round_trips(&events);
}

// ---- Logs -----------------------------------------------------------------------------------

#[tokio::test]
async fn list_logs() {
    // The filters as the reference's sample request URL sends them, form-encoded.
    let filters = r#"[{"columns":{"value":"message"},"operators":{"value":"equals"},"userinput":{"value":"executionError"},"condition":{"value":"and"}}]"#;
    let encoded: String = form_urlencoded::byte_serialize(filters.as_bytes()).collect();
    let target = format!(
        "/logs?filters={encoded}&workflowId=wf_1&associatedUserId=usr_1&skip=0&limit=10&sortBy=createdAt&sortOrder=desc"
    );
    let op = Operation::answered("GET", "/logs");
    let page = op
        .call(&target, None, |c| async move {
            let query = LogQuery::new()
                .with_filter(LogFilter::new(
                    LogColumn::Message,
                    FilterOperator::Equals,
                    "executionError",
                ))
                .with_workflow_id("wf_1")
                .with_associated_user_id("usr_1")
                .with_skip(0)
                .with_limit(10)
                .sorted_by(LogSortBy::CreatedAt, SortOrder::Descending);
            c.list_logs(&query).await
        })
        .await;
    assert_eq!(page.pagination.get().unwrap().current_page, Some(7));
    op.assert_round_trips(&page);

    let op = Operation::answered("GET", "/logs");
    op.call("/logs", None, |c| async move {
        c.list_logs(&LogQuery::new()).await
    })
    .await;
}

// ---- Integrations ---------------------------------------------------------------------------

#[tokio::test]
async fn list_integrations() {
    let op = Operation::answered("GET", "/integrations");
    let list = op
        .call("/integrations?userId=usr_1", None, |c| async move {
            c.list_integrations("usr_1").await
        })
        .await;
    let integration = &list.integrations[0];
    let expected = &op.sample["data"][0];
    assert_eq!(integration.integration_id, expected["integrationId"]);
    assert_eq!(integration.name.as_deref(), Some("primaryConnector-1"));
    assert_eq!(integration.icon_url.as_deref(), Some("icon-1"));
    assert_round_trips(&integration.workflows, &expected["workflows"]);
    assert_eq!(integration.credentials.as_slice(), ["credentials-1"]);
}

#[tokio::test]
async fn get_integration() {
    let op = Operation::answered("GET", "/integrations/{integrationId}");
    let integration = op
        .call("/integrations/int%201?userId=usr_1", None, |c| async move {
            c.get_integration("int 1", "usr_1").await
        })
        .await;
    let expected = &op.sample["data"];
    let integration = integration.into_inner();
    assert_eq!(integration.integration_id, expected["integrationId"]);
    assert_eq!(integration.app.as_deref(), Some("app-1"));
    assert_eq!(integration.installed, Some(true));
    assert_eq!(integration.icon_url.as_deref(), Some("icon-1"));
    assert_round_trips(&integration.workflows, &expected["workflows"]);
    assert_eq!(integration.credentials.as_slice(), ["credentials-1"]);
}

// ---- The check itself -----------------------------------------------------------------------

/// A request as a server would record it.
fn recorded(method: &str, target: &str, api_version: bool, body: Option<Value>) -> Recorded {
    let mut headers = vec![("authorization".to_owned(), "Bearer sk_1".to_owned())];
    if api_version {
        headers.push(("x-api-version".to_owned(), "2025-09".to_owned()));
    }
    if body.is_some() {
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    Recorded {
        request_line: format!("{method} {target} HTTP/1.1"),
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    }
}

/// Whether `assert_request_conforms` refuses the request.
fn refused(request: &Recorded, method: &str, template: &str) -> bool {
    std::panic::catch_unwind(|| assert_request_conforms(request, method, template)).is_err()
}

#[test]
fn the_request_check_itself_rejects_what_the_document_forbids() {
    let user = Some(json!({"username": "a"}));
    // Accepted as they are.
    assert!(!refused(
        &recorded("POST", "/users", true, user.clone()),
        "POST",
        "/users"
    ));
    assert!(!refused(
        &recorded("GET", "/users/u1/token?userId=u1", true, None),
        "GET",
        "/users/{userId}/token"
    ));
    for (request, method, template) in [
        // No x-api-version.
        (
            recorded("POST", "/users", false, user.clone()),
            "POST",
            "/users",
        ),
        // A field the schema does not declare, and a missing required one.
        (
            recorded(
                "POST",
                "/users",
                true,
                Some(json!({"username": "a", "email": "x"})),
            ),
            "POST",
            "/users",
        ),
        (
            recorded("POST", "/users", true, Some(json!({"fullName": "A"}))),
            "POST",
            "/users",
        ),
        // A body where the operation takes none.
        (
            recorded("GET", "/users/u1", true, user.clone()),
            "GET",
            "/users/{userId}",
        ),
        // A required query parameter missing, an undeclared one, a mistyped one.
        (
            recorded("GET", "/users/u1/token", true, None),
            "GET",
            "/users/{userId}/token",
        ),
        (
            recorded("GET", "/users?page=2", true, None),
            "GET",
            "/users",
        ),
        (
            recorded("GET", "/workflows/w/logs?limit=ten", true, None),
            "GET",
            "/workflows/{workflowId}/logs",
        ),
        (
            recorded("GET", "/logs?sortOrder=up", true, None),
            "GET",
            "/logs",
        ),
        // Another path, or an empty placeholder.
        (
            recorded("GET", "/users/u1/x", true, None),
            "GET",
            "/users/{userId}",
        ),
        (
            recorded("GET", "/users/", true, None),
            "GET",
            "/users/{userId}",
        ),
        // Another method.
        (
            recorded("PUT", "/users/u1", true, None),
            "GET",
            "/users/{userId}",
        ),
    ] {
        assert!(refused(&request, method, template), "{request:?} accepted");
    }
}
