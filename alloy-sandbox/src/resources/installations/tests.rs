//! Headless installations over raw HTTP: started, completed, edited and listed.

use crate::tests::harness::*;

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
