//! Workflows over raw HTTP, in both contracts: their logs and errors, activation, upgrades,
//! and the official operations that read, delete and list them.

use crate::tests::harness::*;

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
async fn a_users_workflow_can_be_read_and_deleted() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    h.state()
        .set_workflow_version(&alice, ORDER_SYNC, "1.1.0")
        .unwrap();
    let body = h
        .ok(
            Method::GET,
            &format!("/workflows/{ORDER_SYNC}?userId=alice"),
            None,
        )
        .await;
    let workflow = &body["data"];
    assert_eq!(workflow["workflowId"], json!(ORDER_SYNC));
    assert_eq!(workflow["name"], json!("Shopify order sync"));
    assert_eq!(workflow["installed"], json!(true));
    assert_eq!(workflow["active"], json!(true));
    assert_eq!(workflow["version"], json!(2));
    assert_eq!(workflow["integrationId"], json!("int_shopify"));
    assert_eq!(
        workflow["connectors"],
        json!([{
            "connectorName": "Shopify",
            "connectorId": "wf_shopify_order_sync_shopify",
            "connector": "shopify",
            "icon": "https://assets.runalloy.com/icons/shopify.png",
        }])
    );
    let created = workflow["createdAt"].as_str().unwrap();
    let updated = workflow["updatedAt"].as_str().unwrap();
    assert!(created <= updated, "{created} {updated}");

    // A catalog workflow the user does not have: not installed, latest version.
    let body = h
        .ok(
            Method::GET,
            &format!("/workflows/{SLACK_ALERT}?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(body["data"]["installed"], json!(false));
    assert_eq!(body["data"]["version"], json!(2));
    assert!(body["data"].get("createdAt").is_none());

    for path in [
        format!("/workflows/{ORDER_SYNC}"),
        format!("/workflows/{ORDER_SYNC}?userId="),
    ] {
        let message = h
            .get(&path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("userId"), "{message}");
        h.delete(&path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    for path in [
        format!("/workflows/wf_missing?userId={alice}"),
        format!("/workflows/{ORDER_SYNC}?userId=usr_missing"),
    ] {
        h.get(&path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }

    let path = format!("/workflows/{ORDER_SYNC}?userId={alice}");
    assert_eq!(
        h.ok(Method::DELETE, &path, None).await,
        json!({ "deleted": true })
    );
    assert!(h.state().workflow(&alice, ORDER_SYNC).is_none());
    assert_eq!(
        h.ok(Method::GET, &path, None).await["data"]["installed"],
        json!(false)
    );
    h.delete(&path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.delete(&format!("/workflows/{SLACK_ALERT}?userId={alice}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    // Deleted means not run any more.
    h.run(&alice, ORDER_SYNC, json!({}))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn a_workflows_users_are_those_who_installed_it() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    h.state()
        .set_workflow_active(&bob, ORDER_SYNC, false)
        .unwrap();
    h.state()
        .set_workflow_version(&bob, ORDER_SYNC, "2.0.0")
        .unwrap();
    let body = h
        .ok(Method::GET, &format!("/workflows/{ORDER_SYNC}/users"), None)
        .await;
    let users = data_list(&body);
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["userId"], json!(alice));
    assert_eq!(users[0]["username"], json!("alice"));
    assert_eq!(users[0]["fullName"], json!(""));
    assert_eq!(users[0]["workflowActive"], json!(true));
    assert_eq!(users[0]["installedVersion"], json!(1));
    assert!(users[0]["installedAt"].as_str().is_some());
    assert_eq!(users[1]["userId"], json!(bob));
    assert_eq!(users[1]["workflowActive"], json!(false));
    assert_eq!(users[1]["installedVersion"], json!(3));

    let body = h
        .ok(
            Method::GET,
            &format!("/workflows/{SLACK_ALERT}/users"),
            None,
        )
        .await;
    assert_eq!(body, json!({ "data": [] }));
    h.get("/workflows/wf_missing/users")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn workflow_logs_page_through_none_one_and_many_pages() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let path = format!("/workflows/{ORDER_SYNC}/logs?userId={alice}");
    let page = |query: &'static str| {
        let h = &h;
        let path = format!("{path}{query}");
        async move { data_list(&h.ok(Method::GET, &path, None).await).clone() }
    };
    // No items.
    assert!(page("").await.is_empty());
    assert!(page("&page=2").await.is_empty());
    // One page.
    for n in 0..3 {
        h.run(&alice, ORDER_SYNC, json!({ "n": n })).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let n = |execution: &Value| execution["inputs"][0]["data"]["n"].as_i64().unwrap();
    assert_eq!(page("").await.iter().map(n).collect::<Vec<_>>(), [2, 1, 0]);
    assert_eq!(
        page("&order=asc").await.iter().map(n).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(page("&page=2").await.is_empty());
    // Many pages: 23 runs at 10 a page are 10, 10 and 3.
    for n in 3..23 {
        h.run(&alice, ORDER_SYNC, json!({ "n": n })).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let sizes = [
        page("&page=1").await.len(),
        page("&page=2").await.len(),
        page("&page=3").await.len(),
        page("&page=4").await.len(),
    ];
    assert_eq!(sizes, [10, 10, 3, 0]);
    assert_eq!(n(&page("&page=3").await[2]), 0);
    assert_eq!(
        page("&limit=30&order=asc")
            .await
            .iter()
            .map(n)
            .collect::<Vec<_>>(),
        (0..23).collect::<Vec<_>>()
    );
    for query in ["limit=31", "limit=abc", "limit=", "page=0", "page=x"] {
        let message = h
            .get(&format!("{path}&{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        let name = query.split('=').next().unwrap();
        assert!(message.contains(name), "{query}: {message}");
    }
}
