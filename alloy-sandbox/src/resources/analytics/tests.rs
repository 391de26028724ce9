//! Analytics over raw HTTP: what ran, counted per day, user and workflow.

use crate::tests::harness::*;

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
