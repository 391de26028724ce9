//! Integrations over raw HTTP, in both contracts: the catalog as a user sees it, and one
//! integration.

use crate::tests::harness::*;

#[tokio::test]
async fn integrations_show_what_the_user_has_installed() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    let reply = h.get(&format!("/integrations?userId={user}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let list: IntegrationList = reply.parse();
    let installed: Vec<_> = list
        .integrations
        .iter()
        .map(|i| (i.integration_id.as_str(), i.installed))
        .collect();
    assert_eq!(
        installed,
        [
            ("int_shopify", Some(true)),
            ("int_hubspot", Some(true)),
            ("int_netsuite", Some(true)),
            ("int_slack", Some(false)),
        ]
    );
    let shopify = &list.integrations[0];
    assert_eq!(shopify.name.as_deref(), Some("Shopify"));
    assert_eq!(shopify.category.as_deref(), Some("E-Commerce"));
    assert_eq!(
        shopify.icon_url.as_deref(),
        Some("https://assets.runalloy.com/icons/shopify.png")
    );

    h.state().install_workflow(&user, SLACK_ALERT).unwrap();
    h.state().uninstall_workflow(&user, CONTACT_SYNC).unwrap();
    let list: IntegrationList = h.get(&format!("/integrations?userId={user}")).await.parse();
    let installed: Vec<_> = list.integrations.iter().map(|i| i.installed).collect();
    assert_eq!(installed, [Some(true), Some(false), Some(true), Some(true)]);
}

#[tokio::test]
async fn integrations_need_a_known_user_id() {
    let h = Harness::seed().await;
    for path in [
        "/integrations",
        "/integrations?userId=",
        "/integrations?user=x",
    ] {
        let message = h
            .get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("userId"), "{path}: {message}");
    }
    h.get("/integrations?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_integrations_list_workflows_with_numbered_versions() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    h.state()
        .set_workflow_version(&user, ORDER_SYNC, "1.1.0")
        .unwrap();
    h.state()
        .set_workflow_active(&user, CONTACT_SYNC, false)
        .unwrap();
    let reply = h.get(&format!("/integrations?userId={user}")).await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
    let data = reply.body["data"].as_array().unwrap();
    let icon = "https://assets.runalloy.com/icons/shopify.png";
    assert_eq!(
        data[0],
        json!({
            "integrationId": "int_shopify",
            "description": "Shopify (E-Commerce)",
            "primaryConnector": "shopify",
            "installed": true,
            "icon": icon,
            "workflows": [
                {
                    "workflowId": ORDER_SYNC,
                    "name": "Shopify order sync",
                    "installed": true,
                    "active": true,
                    "version": 3,
                    "installedVersion": 2,
                    "connectors": [{
                        "name": "Shopify",
                        "id": "wf_shopify_order_sync_shopify",
                        "connector": "shopify",
                        "icon": icon,
                        "subtitle": "E-Commerce",
                    }],
                },
                {
                    "workflowId": "wf_shopify_inventory_alert",
                    "name": "Shopify inventory alert",
                    "installed": true,
                    "active": true,
                    "version": 2,
                    "installedVersion": 1,
                    "connectors": [{
                        "name": "Shopify",
                        "id": "wf_shopify_inventory_alert_shopify",
                        "connector": "shopify",
                        "icon": icon,
                        "subtitle": "E-Commerce",
                    }],
                },
            ],
            "credentials": ["shopify"],
        })
    );
    assert_eq!(data[1]["workflows"][0]["active"], json!(false));
    // Slack is not installed: no `installedVersion`.
    let slack = &data[3];
    assert_eq!(slack["installed"], json!(false));
    assert_eq!(slack["workflows"][0]["installed"], json!(false));
    assert_eq!(slack["workflows"][0]["active"], json!(false));
    assert!(slack["workflows"][0].get("installedVersion").is_none());

    // "User id or username".
    let by_name = h.get("/integrations?userId=alice").await;
    assert_eq!(by_name.body, reply.body);
    for path in ["/integrations", "/integrations?userId="] {
        h.get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.get("/integrations?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

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
