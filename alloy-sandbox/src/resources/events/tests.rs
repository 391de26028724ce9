//! Events over raw HTTP: `GET /events` and what their runs leave.

use crate::tests::harness::*;

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
