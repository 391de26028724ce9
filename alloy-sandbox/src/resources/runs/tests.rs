//! Runs over raw HTTP, in both contracts: events that run workflows, failing runs, and
//! `POST /run/workflow`.

use crate::tests::harness::*;

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
async fn a_run_shows_in_the_workflows_logs_the_account_logs_and_analytics() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let reply = h
        .run(&alice, ORDER_SYNC, json!({ "orderId": "ord-1" }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "message": "success" }));

    let logs = h
        .ok(
            Method::GET,
            &format!("/workflows/{ORDER_SYNC}/logs?userId={alice}"),
            None,
        )
        .await;
    let executions = data_list(&logs);
    assert_eq!(executions.len(), 1);
    let execution_id = executions[0]["executionId"].as_str().unwrap().to_owned();
    assert_eq!(
        executions[0]["inputs"][0]["data"],
        json!({ "orderId": "ord-1" })
    );
    assert_eq!(executions[0]["finished"], json!(true));

    let body = h.ok(Method::GET, "/logs", None).await;
    let entry = &body["notifications"][0];
    assert_eq!(entry["_id"], json!(execution_id));
    assert_eq!(entry["data"]["executionId"], json!(execution_id));
    let uuid = entry["data"]["executionUuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(entry["workflowId"], json!(ORDER_SYNC));
    assert_eq!(entry["forgeWorkflowId"], json!(ORDER_SYNC));
    assert_eq!(entry["userId"], json!(alice));
    assert_eq!(entry["user"], json!({ "email": "alice" }));
    assert_eq!(entry["message"], json!("Workflow run succeeded"));
    assert_eq!(entry["workflowVersion"], json!(1));
    assert_eq!(entry["customVersion"], json!(false));
    assert_eq!(entry["teamId"], json!("team_sandbox"));
    assert_eq!(entry["startedAt"], executions[0]["startedAt"]);
    assert_eq!(entry["createdAt"], executions[0]["startedAt"]);
    assert_eq!(entry["completedAt"], executions[0]["stoppedAt"]);
    assert_eq!(
        entry["forgeWorkflow"],
        json!({
            "name": "Shopify order sync",
            "integrationId": {
                "_id": "int_shopify",
                "name": "Shopify",
                "blockId": "shopify",
                "icon": "https://assets.runalloy.com/icons/shopify.png",
            },
        })
    );
    assert!(body["lastFetched"].as_str().is_some());

    // A failing run counts as a run and an error.
    let reply = h.run(&alice, ORDER_SYNC, json!({ "fail": true })).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(h.state().errors(&alice).len(), 1);
    let analytics = h
        .ok(
            Method::GET,
            &format!("/workflows/{ORDER_SYNC}/analytics"),
            None,
        )
        .await;
    assert_eq!(
        analytics,
        json!({ "totalAppActions": 2, "totalWorkflowRuns": 2, "totalErrors": 1 })
    );
    let other = h
        .ok(
            Method::GET,
            &format!("/workflows/{CONTACT_SYNC}/analytics"),
            None,
        )
        .await;
    assert_eq!(
        other,
        json!({ "totalAppActions": 0, "totalWorkflowRuns": 0, "totalErrors": 0 })
    );
    h.get("/workflows/wf_missing/analytics")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    // Purging the logs does not undo what ran.
    h.delete(&format!("/users/{alice}/logs?userId={alice}"))
        .await;
    let analytics = h
        .ok(
            Method::GET,
            &format!("/workflows/{ORDER_SYNC}/analytics"),
            None,
        )
        .await;
    assert_eq!(analytics["totalWorkflowRuns"], json!(2));
}

#[tokio::test]
async fn runs_name_the_workflow_by_id_or_name_and_refuse_bad_input() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let reply = h
        .post(
            "/run/workflow",
            json!({ "userId": "alice", "workflowName": "Hubspot contact sync", "data": {} }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = h
        .post(
            "/run/workflow",
            json!({ "userId": alice, "workflowId": CONTACT_SYNC,
                    "workflowName": "HubSpot contact sync", "data": {} }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(h.state().logs(&alice).len(), 2);

    for body in [
        json!({ "userId": alice, "workflowId": ORDER_SYNC }),
        json!({ "userId": alice, "workflowId": ORDER_SYNC, "data": null }),
        json!({ "userId": alice, "workflowId": ORDER_SYNC, "data": [1] }),
        json!({ "userId": alice, "data": {} }),
        json!({ "workflowId": ORDER_SYNC, "data": {} }),
        json!({ "userId": "", "workflowId": ORDER_SYNC, "data": {} }),
        json!({ "userId": alice, "workflowId": ORDER_SYNC,
                "workflowName": "Hubspot contact sync", "data": {} }),
        json!({ "userId": alice, "workflowId": 7, "data": {} }),
    ] {
        h.post("/run/workflow", body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    for body in [
        json!({ "userId": "usr_missing", "workflowId": ORDER_SYNC, "data": {} }),
        json!({ "userId": alice, "workflowId": "wf_missing", "data": {} }),
        json!({ "userId": alice, "workflowName": "No such workflow", "data": {} }),
        json!({ "userId": alice, "workflowId": SLACK_ALERT, "data": {} }),
    ] {
        h.post("/run/workflow", body.clone())
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }
    h.state()
        .set_workflow_active(&alice, ORDER_SYNC, false)
        .unwrap();
    let message = h
        .run(&alice, ORDER_SYNC, json!({}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("deactivated"), "{message}");
    assert_eq!(h.state().logs(&alice).len(), 2);
}
