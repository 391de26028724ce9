//! Account logs over raw HTTP: `GET /logs` paged, sorted and filtered.

use crate::tests::harness::*;

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
        format!("?skip={}&limit=1", u64::MAX),
        format!("?skip={}0", u64::MAX),
        "?sortBy=startedAt".to_owned(),
        "?sortOrder=sideways".to_owned(),
    ] {
        h.get(&format!("/logs{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
}
