//! The 28 operations only the official contract serves, over raw HTTP: each resource's happy
//! path, its errors, and the rules that keep the state consistent across operations.

use super::*;

const HUBSPOT: &str = "int_hubspot";
const SLACK: &str = "int_slack";

impl Harness {
    async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// Sends the request and asserts a 200, returning the body.
    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let reply = self.call(method.clone(), path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{method} {path}: {}",
            reply.body
        );
        reply.body
    }

    async fn run(&self, user: &str, workflow_id: &str, data: Value) -> Reply {
        self.post(
            "/run/workflow",
            json!({ "userId": user, "workflowId": workflow_id, "data": data }),
        )
        .await
    }

    async fn credential(&self, user: &str, kind: &str, data: Value) -> String {
        let body = self
            .ok(
                Method::POST,
                "/headless/credentials",
                Some(json!({ "userId": user, "credential": { "type": kind, "data": data } })),
            )
            .await;
        assert_eq!(body["success"], json!(true), "{body}");
        body["credentialId"].as_str().unwrap().to_owned()
    }

    /// Lists the ids of `/logs` with the query, asserting the pagination's totals.
    async fn log_ids(&self, query: &str) -> (Vec<String>, Value) {
        let body = self.ok(Method::GET, &format!("/logs{query}"), None).await;
        let ids = body["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["_id"].as_str().unwrap().to_owned())
            .collect();
        (ids, body["pagination"].clone())
    }
}

fn data_list(body: &Value) -> &Vec<Value> {
    body["data"].as_array().expect("a `data` list")
}

// ---- Users ---------------------------------------------------------------------------------

#[tokio::test]
async fn users_are_listed_read_and_updated() {
    let h = Harness::official().await;
    assert_eq!(
        h.ok(Method::GET, "/users", None).await,
        json!({ "data": [] })
    );
    let alice = h.official_user("alice").await;
    let bob = h
        .post(
            "/users",
            json!({ "username": "bob", "fullName": "Bob Stone" }),
        )
        .await
        .body["userId"]
        .as_str()
        .unwrap()
        .to_owned();

    // In creation order; a user created without a full name shows "".
    let body = h.ok(Method::GET, "/users", None).await;
    assert_eq!(
        body,
        json!({ "data": [
            { "userId": alice, "username": "alice", "fullName": "" },
            { "userId": bob, "username": "bob", "fullName": "Bob Stone" },
        ] })
    );
    // "User id or username".
    for reference in [bob.as_str(), "bob"] {
        let body = h
            .ok(Method::GET, &format!("/users/{reference}"), None)
            .await;
        assert_eq!(
            body,
            json!({ "userId": bob, "fullName": "Bob Stone", "username": "bob" })
        );
    }
    h.get("/users/usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    let body = h
        .ok(
            Method::PUT,
            &format!("/users/{alice}"),
            Some(json!({ "fullName": "Alice Liddell", "username": "alice2" })),
        )
        .await;
    assert_eq!(
        body,
        json!({ "userId": alice, "fullName": "Alice Liddell", "username": "alice2" })
    );
    assert_eq!(h.state().resolve_user("alice2"), Ok(alice.clone()));
    // The old username is free again, the new one is taken.
    assert!(h.state().resolve_user("alice").is_err());
    h.official_user("alice").await;
    let path = format!("/users/{alice}");
    for body in [
        json!({ "username": "bob" }),
        json!({ "username": "" }),
        json!({ "fullName": 5 }),
        json!([]),
    ] {
        h.call(Method::PUT, &path, Some(body.clone()))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.call(
        Method::PUT,
        "/users/usr_missing",
        Some(json!({ "fullName": "X" })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    // Nothing the refused calls sent was applied.
    let body = h.ok(Method::GET, &path, None).await;
    assert_eq!(body["username"], json!("alice2"));
    assert_eq!(body["fullName"], json!("Alice Liddell"));
}

#[tokio::test]
async fn users_can_be_filtered_by_an_installed_workflow() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    h.state().install_workflow(&bob, SLACK_ALERT).unwrap();
    let ids = |body: Value| -> Vec<String> {
        data_list(&body)
            .iter()
            .map(|user| user["userId"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = format!("/users?parentWorkflowId={ORDER_SYNC}");
    assert_eq!(
        ids(h.ok(Method::GET, &all, None).await),
        [alice.clone(), bob.clone()]
    );
    let slack = format!("/users?parentWorkflowId={SLACK_ALERT}");
    assert_eq!(ids(h.ok(Method::GET, &slack, None).await), [bob]);
    h.get("/users?parentWorkflowId=wf_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn batch_creation_reports_the_users_that_already_existed() {
    let h = Harness::official().await;
    h.official_user("alice").await;
    let body = h
        .ok(
            Method::POST,
            "/users/batch",
            Some(json!({ "users": [
                { "username": "alice" },
                { "username": "bob", "fullName": "Bob Stone" },
                { "username": "carol" },
                { "username": "bob", "fullName": "Bob Again" },
            ] })),
        )
        .await;
    assert_eq!(
        body["invalidUsers"],
        json!([{ "username": "alice" }, { "username": "bob", "fullName": "Bob Again" }])
    );
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("2 users created"), "{message}");
    assert_eq!(h.state().user_count(), 3);
    let bob = h.state().resolve_user("bob").unwrap();
    assert_eq!(
        h.state().user(&bob).unwrap().full_name.as_deref(),
        Some("Bob Stone")
    );

    // The 2024-03 reference's errors: nothing to create.
    let message = h
        .post(
            "/users/batch",
            json!({ "users": [{ "username": "alice" }] }),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert_eq!(message, "All users already exist");
    let message = h
        .post("/users/batch", json!({ "users": [] }))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert_eq!(message, "No valid users provided");
    let too_many: Vec<Value> = (0..1001)
        .map(|n| json!({ "username": format!("u{n}") }))
        .collect();
    for body in [
        json!({}),
        json!({ "users": "alice" }),
        json!({ "users": [{ "fullName": "No Name" }] }),
        json!({ "users": [{ "username": "dave" }, { "username": "" }] }),
        json!({ "users": [{ "username": 5 }] }),
        json!({ "users": too_many }),
    ] {
        h.post("/users/batch", body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    // A refused batch creates nobody.
    assert_eq!(h.state().user_count(), 3);
}

#[tokio::test]
async fn deactivating_a_users_workflows_stops_their_runs() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    let body = h
        .ok(
            Method::PUT,
            &format!("/users/{alice}/deactivate-workflows"),
            None,
        )
        .await;
    assert_eq!(body, json!({ "message": "Success" }));
    for workflow_id in [ORDER_SYNC, INVOICE_EXPORT, CONTACT_SYNC] {
        assert!(!h.state().workflow(&alice, workflow_id).unwrap().active);
        assert!(h.state().workflow(&bob, workflow_id).unwrap().active);
    }
    h.post(
        "/run/event",
        json!({ "userId": alice, "event": "order.created", "data": {} }),
    )
    .await;
    assert!(h.state().logs(&alice).is_empty());
    h.run(&alice, ORDER_SYNC, json!({}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    h.call(Method::PUT, "/users/usr_missing/deactivate-workflows", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn a_deleted_user_is_gone_from_every_per_user_call() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    let credential = h.credential(&alice, "hubspot", json!({})).await;
    let started = h
        .ok(
            Method::POST,
            "/headless/startInstallation",
            Some(
                json!({ "userId": alice, "integrationId": HUBSPOT, "credentialIds": [credential] }),
            ),
        )
        .await;
    let installation = started["installationId"].as_str().unwrap().to_owned();
    h.ok(
        Method::POST,
        "/headless/completeInstallation",
        Some(json!({ "installationId": installation, "data": [] })),
    )
    .await;
    assert_eq!(
        h.run(&alice, ORDER_SYNC, json!({})).await.status,
        StatusCode::OK
    );

    let body = h.ok(Method::DELETE, &format!("/users/{alice}"), None).await;
    assert_eq!(body, json!({ "success": true }));
    assert!(h.state().user(&alice).is_none());

    for path in [
        format!("/users/{alice}/token?userId={alice}"),
        format!("/users/{alice}"),
        format!("/credentials/users/{alice}"),
        format!("/integrations?userId={alice}"),
        format!("/integrations/{HUBSPOT}?userId={alice}"),
        format!("/workflows/{ORDER_SYNC}?userId={alice}"),
        format!("/workflows/{ORDER_SYNC}/logs?userId={alice}"),
        format!("/headless/oauthUrl?userId={alice}&app=hubspot"),
        "/users/alice".to_owned(),
    ] {
        h.get(&path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }
    for (method, path, body) in [
        (Method::DELETE, format!("/users/{alice}"), None),
        (
            Method::PUT,
            format!("/users/{alice}"),
            Some(json!({ "fullName": "X" })),
        ),
        (
            Method::PUT,
            format!("/users/{alice}/deactivate-workflows"),
            None,
        ),
        (
            Method::DELETE,
            format!("/users/{alice}/logs?userId={alice}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/users/{alice}/credentials/{credential}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/workflows/{ORDER_SYNC}?userId={alice}"),
            None,
        ),
        (
            Method::POST,
            "/run/workflow".to_owned(),
            Some(json!({ "userId": alice, "workflowId": ORDER_SYNC, "data": {} })),
        ),
        (
            Method::POST,
            "/run/event".to_owned(),
            Some(json!({ "userId": alice, "event": "order.created", "data": {} })),
        ),
        (
            Method::POST,
            "/headless/credentials".to_owned(),
            Some(json!({ "userId": alice, "credential": { "type": "hubspot", "data": {} } })),
        ),
        (
            Method::POST,
            "/headless/startInstallation".to_owned(),
            Some(json!({ "userId": alice, "integrationId": HUBSPOT })),
        ),
        (
            Method::PUT,
            "/workflows/activate".to_owned(),
            Some(json!({ "userId": alice, "workflowId": ORDER_SYNC })),
        ),
    ] {
        h.call(method.clone(), &path, body)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }

    // Their workflows, installations and credentials are gone; other users keep theirs.
    let users = h.ok(Method::GET, "/users", None).await;
    assert_eq!(data_list(&users).len(), 1);
    assert_eq!(users["data"][0]["userId"], json!(bob));
    let installations = h.ok(Method::GET, "/installations", None).await;
    assert_eq!(installations, json!({ "data": [] }));
    h.get(&format!("/installations/{installation}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    let by_workflow = h
        .ok(Method::GET, &format!("/workflows/{ORDER_SYNC}/users"), None)
        .await;
    assert_eq!(data_list(&by_workflow).len(), 1);
    // The reference: "logs kept". The run still shows in the account logs and analytics.
    let (ids, _) = h.log_ids(&format!("?associatedUserId={alice}")).await;
    assert_eq!(ids.len(), 1);
    let usage = h
        .ok(
            Method::GET,
            &format!("/analytics/detail-usage-user?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(usage["data"]["isDeleted"], json!(true));
    assert_eq!(usage["data"]["totalActions"], json!(1));
    // The username is free again.
    let again = h.official_user("alice").await;
    assert_ne!(again, alice);
}

// ---- Workflows -----------------------------------------------------------------------------

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

// ---- Runs, events, logs and analytics ------------------------------------------------------

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

#[tokio::test]
async fn events_are_listed_and_their_runs_show_in_the_account_logs() {
    let h = Harness::official().await;
    let body = h.ok(Method::GET, "/events", None).await;
    let names: Vec<&str> = data_list(&body)
        .iter()
        .map(|event| event["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "order.created",
            "order.updated",
            "inventory.low",
            "contact.created",
            "contact.updated",
            "invoice.created",
        ]
    );
    let order_created = &data_list(&body)[0];
    let description = order_created["description"].as_str().unwrap();
    assert!(
        description.contains("Shopify order sync") && description.contains("Slack order alert"),
        "{description}"
    );
    assert_eq!(order_created["body"], json!({}));

    let alice = h.official_user("alice").await;
    h.state().install_workflow(&alice, SLACK_ALERT).unwrap();
    h.post(
        "/run/event",
        json!({ "userId": alice, "event": "order.created", "data": {} }),
    )
    .await;
    let body = h
        .ok(Method::GET, "/logs?sortBy=message&sortOrder=asc", None)
        .await;
    let mut workflows: Vec<&str> = body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["workflowId"].as_str().unwrap())
        .collect();
    workflows.sort_unstable();
    assert_eq!(workflows, [ORDER_SYNC, SLACK_ALERT]);
    assert_eq!(body["pagination"]["totalItems"], json!(2));
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

#[tokio::test]
async fn account_logs_page_sort_and_filter() {
    let h = Harness::official().await;
    // No items.
    let (ids, pagination) = h.log_ids("").await;
    assert!(ids.is_empty());
    assert_eq!(
        pagination,
        json!({ "totalItems": 0, "totalPages": 0, "currentPage": 1, "pageSize": 10 })
    );

    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    // One page: 4 runs of alice, then 21 of bob, one of which fails.
    for _ in 0..4 {
        h.run(&alice, ORDER_SYNC, json!({})).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let (ids, pagination) = h.log_ids("").await;
    assert_eq!(ids.len(), 4);
    assert_eq!(
        pagination,
        json!({ "totalItems": 4, "totalPages": 1, "currentPage": 1, "pageSize": 10 })
    );
    let alice_logs: Vec<String> = h
        .state()
        .logs(&alice)
        .into_iter()
        .map(|log| log.log_id)
        .collect();
    // Newest first by default.
    assert_eq!(ids, alice_logs.iter().rev().cloned().collect::<Vec<_>>());
    let (ids, _) = h.log_ids("?sortBy=createdAt&sortOrder=asc").await;
    assert_eq!(ids, alice_logs);

    // Many pages.
    for n in 0..21 {
        let data = if n == 5 {
            json!({ "fail": true })
        } else {
            json!({})
        };
        h.run(&bob, CONTACT_SYNC, data).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut seen = Vec::new();
    for (skip, size, current) in [(0, 10, 1), (10, 10, 2), (20, 5, 3), (30, 0, 4)] {
        let (ids, pagination) = h.log_ids(&format!("?skip={skip}&limit=10")).await;
        assert_eq!(ids.len(), size, "skip {skip}");
        assert_eq!(
            pagination,
            json!({ "totalItems": 25, "totalPages": 3, "currentPage": current, "pageSize": 10 })
        );
        seen.extend(ids);
    }
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 25);

    // Narrowing by workflow and user.
    let (ids, _) = h
        .log_ids(&format!("?workflowId={ORDER_SYNC}&limit=50"))
        .await;
    assert_eq!(ids.len(), 4);
    for user in [bob.as_str(), "bob"] {
        let (ids, _) = h
            .log_ids(&format!("?associatedUserId={user}&limit=50"))
            .await;
        assert_eq!(ids.len(), 21, "{user}");
    }
    let (ids, _) = h.log_ids("?associatedUserId=usr_missing").await;
    assert!(ids.is_empty());

    // Sorting by user id.
    let body = h
        .ok(
            Method::GET,
            "/logs?sortBy=userId&sortOrder=asc&limit=50",
            None,
        )
        .await;
    let users: Vec<&str> = body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["userId"].as_str().unwrap())
        .collect();
    let mut sorted = users.clone();
    sorted.sort_unstable();
    assert_eq!(users, sorted);

    // Filters.
    let filters = |filters: Value| {
        let encoded: String =
            form_urlencoded::byte_serialize(filters.to_string().as_bytes()).collect();
        format!("?limit=50&filters={encoded}")
    };
    let filter = |column: &str, operator: &str, input: &str, condition: &str| {
        json!({
            "columns": { "value": column },
            "operators": { "value": operator },
            "userinput": { "value": input },
            "condition": { "value": condition },
        })
    };
    let (ids, _) = h
        .log_ids(&filters(json!([filter("userId", "equals", &alice, "and")])))
        .await;
    assert_eq!(ids.len(), 4);
    let (ids, pagination) = h
        .log_ids(&filters(json!([filter(
            "message",
            "contains",
            "REQUESTED",
            "and"
        )])))
        .await;
    assert_eq!(ids.len(), 1);
    assert_eq!(pagination["totalItems"], json!(1));
    let failed = &h.state().errors(&bob)[0];
    let (ids, _) = h
        .log_ids(&filters(json!([
            filter("message", "contains", "requested a failure", "and"),
            filter("userId", "equals", &alice, "or"),
        ])))
        .await;
    assert_eq!(ids.len(), 5);
    let (ids, _) = h
        .log_ids(&filters(json!([
            filter("userId", "equals", &bob, "and"),
            filter("message", "notContains", "failure", "and"),
        ])))
        .await;
    assert_eq!(ids.len(), 20);
    let (ids, _) = h
        .log_ids(&filters(json!([filter(
            "createdAt",
            "after",
            &failed.occurred_at.unwrap().to_rfc3339(),
            "and"
        )])))
        .await;
    assert_eq!(ids.len(), 15);

    for query in [
        "?filters=not-json".to_owned(),
        filters(json!({ "columns": { "value": "message" } })),
        filters(json!([filter("color", "equals", "red", "and")])),
        filters(json!([filter("message", "resembles", "x", "and")])),
        filters(json!([filter("createdAt", "before", "last week", "and")])),
        "?skip=-1".to_owned(),
        "?skip=x".to_owned(),
        "?limit=0".to_owned(),
        "?limit=ten".to_owned(),
        "?sortBy=startedAt".to_owned(),
        "?sortOrder=sideways".to_owned(),
    ] {
        h.get(&format!("/logs{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
}

#[tokio::test]
async fn analytics_count_what_ran() {
    let h = Harness::official().await;
    let today = chrono::Utc::now().date_naive();
    let usage = h.ok(Method::GET, "/analytics/usage", None).await;
    let data = &usage["data"];
    for field in [
        "sevenDays",
        "thirtyDays",
        "lastThreeMonths",
        "billingCycle",
        "appActions",
        "apiActions",
    ] {
        assert_eq!(data[field], json!(0), "{field}");
    }
    assert_eq!(data["executionsLimit"], json!(10_000));
    let start = data["startDate"].as_str().unwrap();
    let end = data["endDate"].as_str().unwrap();
    assert!(start <= today.to_string().as_str() && today.to_string().as_str() <= end);

    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    for _ in 0..3 {
        h.run(&alice, ORDER_SYNC, json!({})).await;
    }
    // An event runs two of bob's workflows (one of them failing at its first version).
    h.state().install_workflow(&bob, SLACK_ALERT).unwrap();
    h.post(
        "/run/event",
        json!({ "userId": bob, "event": "order.created", "data": {} }),
    )
    .await;
    h.post(
        "/run/event",
        json!({ "userId": bob, "event": "invoice.created", "data": {} }),
    )
    .await;
    // Seeded logs did not run.
    h.state()
        .add_log(
            &bob,
            WorkflowLog {
                log_id: "log_seeded".to_owned(),
                workflow_id: Some(ORDER_SYNC.to_owned()),
                status: Some(WorkflowLogStatus::Success),
                executed_at: Some(chrono::Utc::now()),
                duration: Some(5),
            },
        )
        .unwrap();

    let usage = h.ok(Method::GET, "/analytics/usage", None).await;
    for field in [
        "sevenDays",
        "thirtyDays",
        "lastThreeMonths",
        "billingCycle",
        "appActions",
    ] {
        assert_eq!(usage["data"][field], json!(6), "{field}");
    }
    assert_eq!(usage["data"]["apiActions"], json!(0));

    let time = h
        .ok(Method::GET, "/analytics/detail-usage-time", None)
        .await;
    let data = &time["data"];
    assert_eq!(data["totalActions"], json!(6));
    assert_eq!(data["timePeriod"], json!("current-billing-cycle"));
    let day = &data["data"][0];
    assert_eq!(day["date"], json!(today.to_string()));
    assert_eq!(day["count"], json!(6));
    assert_eq!(day["appActions"], json!(6));
    assert_eq!(day["apiActions"], json!(0));
    assert_eq!(day["year"], json!(chrono::Datelike::year(&today)));
    assert_eq!(day["month"], json!(today.format("%B").to_string()));

    for (user, actions) in [(alice.as_str(), 3), ("bob", 3)] {
        let body = h
            .ok(
                Method::GET,
                &format!("/analytics/detail-usage-user?userId={user}"),
                None,
            )
            .await;
        let data = &body["data"];
        assert_eq!(data["totalActions"], json!(actions), "{user}");
        assert_eq!(data["isDeleted"], json!(false));
        assert_eq!(data["data"][0]["count"], json!(actions));
        assert_eq!(data["data"][0]["userId"], data["userId"]);
    }
    let body = h
        .ok(
            Method::GET,
            &format!("/analytics/detail-usage-user?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(body["data"]["userName"], json!("alice"));
    assert!(body["data"]["userCreatedDate"].as_str().is_some());

    h.get("/analytics/detail-usage-user")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    h.get("/analytics/detail-usage-user?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

// ---- Integrations, installations and credentials -------------------------------------------

#[tokio::test]
async fn one_integration_is_read_for_a_user() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let list = h
        .ok(Method::GET, &format!("/integrations?userId={alice}"), None)
        .await;
    for reference in ["int_shopify", "shopify", "Shopify"] {
        let body = h
            .ok(
                Method::GET,
                &format!("/integrations/{reference}?userId=alice"),
                None,
            )
            .await;
        let integration = &body["data"];
        assert_eq!(integration["integrationId"], json!("int_shopify"));
        assert_eq!(integration["app"], json!("shopify"));
        assert_eq!(integration["installed"], json!(true));
        assert_eq!(integration["workflows"], list["data"][0]["workflows"]);
        assert_eq!(integration["credentials"], json!(["shopify"]));
    }
    let slack = h
        .ok(
            Method::GET,
            &format!("/integrations/{SLACK}?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(slack["data"]["installed"], json!(false));
    for path in [
        "/integrations/int_shopify",
        "/integrations/int_shopify?userId=",
    ] {
        h.get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    for path in [
        format!("/integrations/int_missing?userId={alice}"),
        "/integrations/int_shopify?userId=usr_missing".to_owned(),
    ] {
        h.get(&path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    }
}

#[tokio::test]
async fn a_completed_headless_installation_installs_its_workflows() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    assert!(h.state().workflow(&alice, SLACK_ALERT).is_none());

    let started = h
        .ok(
            Method::POST,
            "/headless/startInstallation",
            Some(json!({ "userId": "alice", "integrationId": SLACK })),
        )
        .await;
    let installation = started["installationId"].as_str().unwrap().to_owned();
    assert!(installation.starts_with("inst_"), "{installation}");
    assert_eq!(
        started["data"],
        json!([{
            "workflowId": SLACK_ALERT,
            "app": "slack",
            "blockId": "wf_slack_order_alert_slack",
            "fields": [{
                "name": "credentialId",
                "displayName": "Slack credential",
                "type": "credential",
                "required": true,
            }],
        }])
    );
    // Only started: not an installation yet.
    assert_eq!(
        h.ok(Method::GET, "/installations", None).await,
        json!({ "data": [] })
    );
    h.get(&format!("/installations/{installation}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    // The form needs a Slack credential of the user.
    let complete = |credential: &str| {
        json!({
            "installationId": installation,
            "data": [{
                "workflowId": SLACK_ALERT,
                "blockId": "wf_slack_order_alert_slack",
                "fields": [{ "name": "credentialId", "value": credential }],
            }],
        })
    };
    let message = h
        .post(
            "/headless/completeInstallation",
            json!({ "installationId": installation, "data": [] }),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("credentialId"), "{message}");
    h.post("/headless/completeInstallation", complete("cred_missing"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    let hubspot = h.credential(&alice, "hubspot", json!({})).await;
    h.post("/headless/completeInstallation", complete(&hubspot))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    for body in [
        json!({ "installationId": installation }),
        json!({ "data": [] }),
        json!({ "installationId": installation, "data": {} }),
        json!({ "installationId": installation,
                "data": [{ "workflowId": ORDER_SYNC, "blockId": "x", "fields": [] }] }),
        json!({ "installationId": installation, "data": [{ "workflowId": SLACK_ALERT }] }),
    ] {
        h.post("/headless/completeInstallation", body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.post(
        "/headless/completeInstallation",
        json!({ "installationId": "inst_missing", "data": [] }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert!(h.state().workflow(&alice, SLACK_ALERT).is_none());

    let slack = h.credential(&alice, "slack", json!({})).await;
    let body = h
        .ok(
            Method::POST,
            "/headless/completeInstallation",
            Some(complete(&slack)),
        )
        .await;
    assert_eq!(
        body,
        json!({ "message": "Installation completed successfully" })
    );

    // It is an installation now, and its workflow is the user's.
    let list = h.ok(Method::GET, "/installations", None).await;
    assert_eq!(data_list(&list).len(), 1);
    let one = h
        .ok(Method::GET, &format!("/installations/{installation}"), None)
        .await;
    assert_eq!(one["data"], list["data"][0]);
    let record = &one["data"];
    assert_eq!(record["installationId"], json!(installation));
    assert_eq!(record["integrationId"], json!(SLACK));
    assert_eq!(record["userId"], json!(alice));
    assert_eq!(record["credentialIds"], json!({ "slack": slack }));
    assert_eq!(record["workflowIds"], json!([SLACK_ALERT]));
    assert_eq!(record["enabled"], json!(true));
    assert_eq!(record["formData"], started["data"]);
    assert!(record["installedAt"].as_str().is_some());
    assert!(h.state().workflow(&alice, SLACK_ALERT).unwrap().active);
    let integration = h
        .ok(
            Method::GET,
            &format!("/integrations/{SLACK}?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(integration["data"]["installed"], json!(true));
    let users = h
        .ok(
            Method::GET,
            &format!("/workflows/{SLACK_ALERT}/users"),
            None,
        )
        .await;
    assert_eq!(users["data"][0]["userId"], json!(alice));
    // It runs on its event and on demand, and logs both runs.
    h.post(
        "/run/event",
        json!({ "userId": alice, "event": "order.created", "data": {} }),
    )
    .await;
    assert_eq!(
        h.run(&alice, SLACK_ALERT, json!({})).await.status,
        StatusCode::OK
    );
    let logs = h
        .ok(
            Method::GET,
            &format!("/workflows/{SLACK_ALERT}/logs?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(data_list(&logs).len(), 2);
    let (ids, _) = h.log_ids(&format!("?workflowId={SLACK_ALERT}")).await;
    assert_eq!(ids.len(), 2);

    // Editing swaps the credential and shows what the form was completed with.
    let other = h.credential(&alice, "slack", json!({})).await;
    let edited = h
        .ok(
            Method::POST,
            "/headless/editInstallation",
            Some(json!({ "userId": alice, "integrationId": SLACK, "credentialIds": [other] })),
        )
        .await;
    let data = &edited["data"];
    assert_eq!(data["installationId"], json!(installation));
    assert_eq!(data["credentialIds"], json!({ "slack": other }));
    assert_eq!(data["installedData"], complete(&slack)["data"]);
    assert_eq!(data["workflowIds"], json!([SLACK_ALERT]));
    let one = h
        .ok(Method::GET, &format!("/installations/{installation}"), None)
        .await;
    assert_eq!(one["data"]["credentialIds"], json!({ "slack": other }));
    // Deleting the credential takes it out of the installation.
    h.ok(
        Method::DELETE,
        &format!("/users/{alice}/credentials/{other}"),
        None,
    )
    .await;
    let one = h
        .ok(Method::GET, &format!("/installations/{installation}"), None)
        .await;
    assert_eq!(one["data"]["credentialIds"], json!({}));

    for (body, status) in [
        (json!({ "userId": alice }), StatusCode::BAD_REQUEST),
        (json!({ "integrationId": SLACK }), StatusCode::BAD_REQUEST),
        (
            json!({ "userId": alice, "integrationId": SLACK, "credentialIds": [hubspot] }),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "installationId": "inst_missing" }),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({ "userId": alice, "integrationId": HUBSPOT }),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({ "userId": "usr_missing", "integrationId": SLACK }),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let reply = h.post("/headless/editInstallation", body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
    }
}

#[tokio::test]
async fn starting_an_installation_checks_its_input() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    // A credential given up front leaves nothing to fill in.
    let hubspot = h.credential(&alice, "hubspot", json!({})).await;
    let started = h
        .ok(
            Method::POST,
            "/headless/startInstallation",
            Some(json!({ "userId": alice, "integrationId": HUBSPOT, "credentialIds": [hubspot] })),
        )
        .await;
    assert_eq!(started["data"][0]["fields"], json!([]));
    // Chosen workflows only.
    let started = h
        .ok(
            Method::POST,
            "/headless/startInstallation",
            Some(json!({ "userId": alice, "integrationId": "int_shopify",
                         "workflowIds": ["wf_shopify_inventory_alert"] })),
        )
        .await;
    assert_eq!(data_list(&started).len(), 1);
    assert_eq!(
        started["data"][0]["workflowId"],
        json!("wf_shopify_inventory_alert")
    );

    for (body, status) in [
        (json!({ "userId": alice }), StatusCode::BAD_REQUEST),
        (json!({ "integrationId": SLACK }), StatusCode::BAD_REQUEST),
        (
            json!({ "userId": alice, "integrationId": "" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "credentialIds": "x" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "credentialIds": [hubspot] }),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "workflowIds": [ORDER_SYNC] }),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "userId": alice, "integrationId": "int_missing" }),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({ "userId": "usr_missing", "integrationId": SLACK }),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "credentialIds": ["cred_missing"] }),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({ "userId": alice, "integrationId": SLACK, "workflowIds": ["wf_missing"] }),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let reply = h.post("/headless/startInstallation", body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
    }
}

#[tokio::test]
async fn credentials_are_created_listed_and_deleted() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    let list = |user: String| {
        let h = &h;
        async move {
            let body = h
                .ok(Method::GET, &format!("/credentials/users/{user}"), None)
                .await;
            data_list(&body).clone()
        }
    };
    assert!(list(alice.clone()).await.is_empty());
    let fields = json!({ "accountId": "1", "consumerKey": "k", "consumerSecret": "s",
                         "tokenId": "t", "tokenSecret": "ts" });
    let netsuite = h.credential("alice", "netsuite", fields.clone()).await;
    let shopify = h
        .credential(&alice, "Shopify", json!({ "shopSubdomain": "acme" }))
        .await;
    h.credential(&bob, "hubspot", json!({})).await;
    let credentials = list(alice.clone()).await;
    assert_eq!(credentials.len(), 2);
    assert_eq!(credentials[0]["credentialId"], json!(netsuite));
    assert_eq!(credentials[0]["type"], json!("netsuite"));
    assert_eq!(credentials[0]["name"], json!("NetSuite credential"));
    assert!(credentials[0]["createdAt"].as_str().is_some());
    assert!(credentials[0]["updatedAt"].as_str().is_some());
    assert_eq!(credentials[1]["credentialId"], json!(shopify));
    assert_eq!(credentials[1]["type"], json!("shopify"));

    // Deleted, it leaves the list; deleting it again (or as another user) is a 404.
    let path = format!("/users/{alice}/credentials/{netsuite}");
    h.delete(&format!("/users/{bob}/credentials/{netsuite}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(
        h.ok(Method::DELETE, &path, None).await,
        json!({ "success": true })
    );
    let credentials = list(alice.clone()).await;
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0]["credentialId"], json!(shopify));
    h.delete(&path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get("/credentials/users/usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    let mut missing_field = fields.clone();
    missing_field.as_object_mut().unwrap().remove("tokenSecret");
    for body in [
        json!({ "userId": alice }),
        json!({ "credential": { "type": "hubspot", "data": {} } }),
        json!({ "userId": alice, "credential": { "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "", "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "fax", "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "netsuite", "data": missing_field } }),
        json!({ "userId": alice, "credential": { "type": "shopify", "data": { "shopSubdomain": 1 } } }),
        json!({ "userId": alice, "credential": { "type": "hubspot", "data": "x" } }),
        json!({ "userId": alice, "credential": "hubspot" }),
    ] {
        h.post("/headless/credentials", body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.post(
        "/headless/credentials",
        json!({ "userId": "usr_missing", "credential": { "type": "hubspot", "data": {} } }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(list(alice).await.len(), 1);
}

#[tokio::test]
async fn credential_metadata_tells_what_each_app_needs() {
    let h = Harness::official().await;
    let body = h.ok(Method::GET, "/metadata/credentials", None).await;
    let apps: Vec<&str> = data_list(&body)
        .iter()
        .map(|app| app["connector"].as_str().unwrap())
        .collect();
    assert_eq!(apps, ["shopify", "hubspot", "netsuite", "slack"]);
    let shopify = h
        .ok(Method::GET, "/metadata/credentials/shopify", None)
        .await;
    assert_eq!(
        shopify,
        json!({ "data": {
            "connector": "shopify",
            "icon": "https://assets.runalloy.com/icons/shopify.png",
            "isOauth": true,
            "properties": [{
                "name": "shopSubdomain",
                "displayName": "Shop subdomain",
                "description": "The shop's subdomain: `acme` for acme.myshopify.com",
            }],
        } })
    );
    assert_eq!(shopify["data"], body["data"][0]);
    let netsuite = h
        .ok(Method::GET, "/metadata/credentials/NetSuite", None)
        .await;
    assert_eq!(netsuite["data"]["isOauth"], json!(false));
    assert_eq!(netsuite["data"]["properties"].as_array().unwrap().len(), 5);
    h.get("/metadata/credentials/fax")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    // The reference documents the API key as optional here; a wrong key is still refused.
    let url = format!("{}/metadata/credentials/shopify", h.sandbox.base_url());
    let anonymous = send(h.client.get(&url).header("x-api-version", "2025-09")).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let wrong = h
        .client
        .get(&url)
        .header("x-api-version", "2025-09")
        .header(AUTHORIZATION, "Bearer sk_wrong");
    send(wrong)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    // Not so on the list.
    let list = format!("{}/metadata/credentials", h.sandbox.base_url());
    send(h.client.get(&list).header("x-api-version", "2025-09"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
}

#[tokio::test]
async fn oauth_links_need_the_user_the_app_and_its_properties() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let body = h
        .ok(
            Method::GET,
            "/headless/oauthUrl?userId=alice&app=shopify&shopSubdomain=acme%20shop",
            None,
        )
        .await;
    let url = body["oauthUrl"].as_str().unwrap();
    assert!(url.starts_with("https://"), "{url}");
    assert!(url.contains("/shopify/"), "{url}");
    assert!(url.contains(&format!("userId={alice}")), "{url}");
    assert!(url.contains("shopSubdomain=acme+shop"), "{url}");
    let hubspot = h
        .ok(
            Method::GET,
            &format!("/headless/oauthUrl?userId={alice}&app=hubspot"),
            None,
        )
        .await;
    assert!(hubspot["oauthUrl"].as_str().unwrap().contains("/hubspot/"));

    for (query, status) in [
        ("app=hubspot".to_owned(), StatusCode::BAD_REQUEST),
        (format!("userId={alice}"), StatusCode::BAD_REQUEST),
        (format!("userId={alice}&app="), StatusCode::BAD_REQUEST),
        (
            format!("userId={alice}&app=shopify"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("userId={alice}&app=netsuite"),
            StatusCode::BAD_REQUEST,
        ),
        (format!("userId={alice}&app=fax"), StatusCode::NOT_FOUND),
        (
            "userId=usr_missing&app=hubspot".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let reply = h.get(&format!("/headless/oauthUrl?{query}")).await;
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
    }
}

// ---- Contracts, faults, counters and load --------------------------------------------------

#[tokio::test]
async fn the_seed_contract_does_not_serve_the_official_only_operations() {
    let official = Harness::official().await;
    let user = official.official_user("alice").await;
    let h = Harness::seed().await;
    let seed_paths: Vec<&str> = Operation::served_by(Contract::Seed)
        .map(Operation::path)
        .collect();
    let mut checked = 0;
    for operation in Operation::ALL {
        if operation.is_served_by(Contract::Seed) {
            continue;
        }
        checked += 1;
        let (method, path, body) = official.official_call(operation, &user).await;
        // As any unknown route: 404, or 405 where a seed operation has the same path.
        let (status, code) = if seed_paths.contains(&operation.path()) {
            (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED")
        } else {
            (StatusCode::NOT_FOUND, "NOT_FOUND")
        };
        h.call(method.clone(), &path, body.clone())
            .await
            .assert_error(status, code);
        // Without the API key too: the route does not exist.
        let url = format!("{}{path}", h.sandbox.base_url());
        send(h.client.request(method, &url))
            .await
            .assert_error(status, code);
    }
    assert_eq!(checked, 28);
    assert_eq!(h.state().total_request_count(), 0);
    // `GET /users` shares its path with the seed's `POST /users`: 405, like before.
    h.get("/users")
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
    h.get("/logs")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn faults_and_counters_cover_every_official_operation() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    h.state().reset_request_counts();
    h.sandbox
        .inject_fault(Fault::status(503).times(Operation::ALL.len() as u32));
    for operation in Operation::ALL {
        let (method, path, body) = h.official_call(operation, &user).await;
        let message = h
            .call(method, &path, body)
            .await
            .assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
        assert!(message.contains(operation.operation_id()), "{message}");
    }
    for operation in Operation::ALL {
        let (method, path, body) = h.official_call(operation, &user).await;
        let reply = h.call(method, &path, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{operation}: {}", reply.body);
        assert_eq!(h.state().request_count(operation), 2, "{operation}");
    }
    // A fault aimed at one new operation leaves the others alone.
    h.sandbox
        .inject_fault(Fault::status(429).only(Operation::GetLogs));
    assert_eq!(h.get("/events").await.status, StatusCode::OK);
    h.get("/logs")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS");
    assert_eq!(h.state().request_count(Operation::GetLogs), 3);
    assert_eq!("get-logs".parse::<Operation>(), Ok(Operation::GetLogs));
}

/// Every operation from many tasks at once: every call is answered as it would be alone,
/// and the state adds up afterwards. (The 10,000-call load test through the client, with its
/// figures, is `tests/tests/integration/load.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_of_every_operation_keep_the_state_consistent() {
    const TASKS: usize = 64;
    const ROUNDS: usize = 1;
    let h = std::sync::Arc::new(Harness::official().await);
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let user = h.official_user(&format!("load-{task}")).await;
            for _ in 0..ROUNDS {
                for operation in Operation::ALL {
                    let (method, path, body) = h.official_call(operation, &user).await;
                    let reply = h.call(method, &path, body).await;
                    assert_eq!(reply.status, StatusCode::OK, "{operation}: {}", reply.body);
                }
            }
            user
        }));
    }
    let mut users = Vec::new();
    for task in tasks {
        users.push(task.await.expect("task succeeds"));
    }
    let state = h.state();
    for operation in Operation::ALL {
        let expected = (TASKS * ROUNDS) as u64;
        let extra = u64::from(operation == Operation::CreateUser) * TASKS as u64;
        assert_eq!(
            state.request_count(operation),
            expected + extra,
            "{operation}"
        );
    }
    // Each round ran ORDER_SYNC once on demand and once per `order.created` event.
    let analytics = h
        .ok(
            Method::GET,
            &format!("/workflows/{ORDER_SYNC}/analytics"),
            None,
        )
        .await;
    assert_eq!(
        analytics["totalWorkflowRuns"],
        json!(2 * TASKS * ROUNDS),
        "{analytics}"
    );
    let (_, pagination) = h.log_ids("").await;
    assert_eq!(pagination["totalItems"], json!(state.log_count()));
    for user in users.iter().take(5) {
        assert!(state.user(user).is_some());
    }
}
