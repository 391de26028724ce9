//! Users over raw HTTP, in both contracts: creation, tokens, log purges, and the official
//! operations that list, read, update, batch-create, deactivate and delete them.

use crate::tests::harness::*;

#[tokio::test]
async fn create_user_answers_201_with_the_user() {
    let h = Harness::seed().await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let reply = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "user-123", "fullName": "Jane Smith" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let user: User = reply.parse();
    assert!(user.user_id.starts_with("usr_"), "{}", user.user_id);
    assert_eq!(user.username.as_deref(), Some("user-123"));
    assert_eq!(user.full_name.as_deref(), Some("Jane Smith"));
    let created_at = user.created_at.expect("createdAt");
    assert!(created_at >= before && created_at <= chrono::Utc::now());
    assert_eq!(h.state().user(&user.user_id), Some(user.clone()));

    let other = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "user-456" })),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert!(other.body.get("fullName").is_none(), "{}", other.body);
    assert_ne!(other.parse::<User>().user_id, user.user_id);
    assert_eq!(h.state().user_count(), 2);
    assert_eq!(h.state().request_count(Operation::CreateUser), 2);
}

#[tokio::test]
async fn create_user_rejects_bad_input_with_400() {
    let h = Harness::seed().await;
    h.create_user("taken").await;
    let duplicate = h
        .call(Method::POST, "/users", Some(json!({ "username": "taken" })))
        .await;
    let message = duplicate.assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(message.contains("already exists"), "{message}");

    let bodies = [
        ("{\"username\": ", "EOF"),
        ("not json", "expected"),
        ("", "EOF"),
        ("{}", "missing field `username`"),
        ("{\"fullName\":\"Jane\"}", "missing field `username`"),
        ("{\"username\":42}", "invalid type"),
        ("{\"username\":null}", "invalid type"),
        ("{\"username\":\"ok\",\"fullName\":7}", "invalid type"),
        ("[\"username\"]", "must be a JSON object"),
        ("\"username\"", "must be a JSON object"),
        ("null", "must be a JSON object"),
        ("{\"username\":\"\"}", "must not be empty"),
        ("{\"username\":\"   \"}", "must not be empty"),
    ];
    for (body, expected) in bodies {
        let reply = h.call_raw(Method::POST, "/users", body).await;
        let message = reply.assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains(expected), "{body:?}: {message}");
    }
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn user_tokens_are_verifiable_jwts() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    let reply = h.get(&format!("/users/{}/token", user.user_id)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let token = reply.parse::<TokenResponse>().token;
    assert_eq!(token.split('.').count(), 3);

    let claims = h.sandbox.verify_token(&token).expect("a valid token");
    assert_eq!(claims.sub, user.user_id);
    let now = chrono::Utc::now().timestamp();
    assert!((now - 5..=now).contains(&claims.iat), "{claims:?}");
    assert!(claims.exp > claims.iat && claims.exp <= claims.iat + 1800);
    assert_eq!(h.state().verify_token(&token), Ok(claims));

    let other = Sandbox::start().await.unwrap();
    assert_eq!(
        other.verify_token(&token),
        Err(TokenError::InvalidSignature)
    );
    assert_eq!(
        h.sandbox.verify_token("not.a.jwt"),
        Err(TokenError::Malformed)
    );

    h.get("/users/usr_missing/token")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn token_ttl_is_configurable_up_to_30_minutes() {
    let h = Harness::with(seed().with_token_ttl(Duration::from_secs(60))).await;
    let user = h.create_user("alice").await;
    let token = h
        .get(&format!("/users/{}/token", user.user_id))
        .await
        .parse::<TokenResponse>()
        .token;
    let claims = h.sandbox.verify_token(&token).unwrap();
    assert_eq!(claims.exp - claims.iat, 60);

    let h = Harness::with(seed().with_token_ttl(Duration::from_secs(86_400))).await;
    let user = h.create_user("alice").await;
    let token = h
        .get(&format!("/users/{}/token", user.user_id))
        .await
        .parse::<TokenResponse>()
        .token;
    let claims = h.sandbox.verify_token(&token).unwrap();
    assert_eq!(claims.exp - claims.iat, 1800);
}

#[tokio::test]
async fn deleting_logs_purges_only_that_user() {
    let h = Harness::seed().await;
    let alice = h.create_user("alice").await.user_id;
    let bob = h.create_user("bob").await.user_id;
    for user in [&alice, &bob] {
        h.trigger(user, "order.created", None)
            .await
            .assert_success("Event triggered successfully");
        h.trigger(user, "invoice.created", None)
            .await
            .assert_success("Event triggered successfully");
    }
    assert_eq!(h.state().log_count(), 4);
    assert_eq!(h.state().error_count(), 2);

    h.call(Method::DELETE, &format!("/users/{alice}/logs"), None)
        .await
        .assert_success("User logs purged successfully");
    assert!(h.logs(&alice, ORDER_SYNC).await.is_empty());
    assert!(h.errors(&alice, INVOICE_EXPORT).await.errors.is_empty());
    assert_eq!(h.logs(&bob, ORDER_SYNC).await.len(), 1);
    assert_eq!(h.errors(&bob, INVOICE_EXPORT).await.errors.len(), 1);
    assert_eq!(h.state().log_count(), 2);
    assert_eq!(h.state().error_count(), 1);

    h.call(Method::DELETE, "/users/usr_missing/logs", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_create_user_answers_200_with_the_user_id() {
    let h = Harness::official().await;
    let reply = h
        .call(
            Method::POST,
            "/users",
            Some(json!({ "username": "jane", "fullName": "Jane Smith" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    let user_id = reply.body["userId"].as_str().unwrap();
    assert!(user_id.starts_with("usr_"), "{user_id}");
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
    let user = h.state().user(user_id).unwrap();
    assert_eq!(user.username.as_deref(), Some("jane"));
    assert_eq!(user.full_name.as_deref(), Some("Jane Smith"));

    for body in [
        json!({ "username": "" }),
        json!({ "fullName": "No Name" }),
        json!({ "username": 5 }),
        json!(["jane"]),
        json!({ "username": "jane" }),
    ] {
        h.call(Method::POST, "/users", Some(body))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.call_raw(Method::POST, "/users", "{not json")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn official_tokens_need_the_user_in_the_query_too() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;

    let reply = h.get(&format!("/users/{alice}/token?userId={alice}")).await;
    assert_eq!(reply.status, StatusCode::OK, "body: {}", reply.body);
    let token: TokenResponse = reply.parse();
    assert_eq!(h.sandbox.verify_token(&token.token).unwrap().sub, alice);
    // "User id or username".
    let token: TokenResponse = h
        .get(&format!("/users/{alice}/token?userId=alice"))
        .await
        .parse();
    assert_eq!(h.sandbox.verify_token(&token.token).unwrap().sub, alice);

    for query in ["", "?userId=", "?user=x", "?userId=usr_missing"] {
        let message = h
            .get(&format!("/users/{alice}/token{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("userId"), "{query}: {message}");
    }
    let message = h
        .get(&format!("/users/{alice}/token?userId={bob}"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    assert!(
        message.contains(&bob) && message.contains(&alice),
        "{message}"
    );
    h.get("/users/usr_missing/token?userId=usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn official_log_deletion_needs_the_user_in_the_query_too() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    for user in [&alice, &bob] {
        h.call(
            Method::POST,
            "/run/event",
            Some(json!({ "userId": user, "event": "order.created", "data": {} })),
        )
        .await;
    }
    assert_eq!(h.state().log_count(), 2);

    for query in [
        "".to_owned(),
        "?userId=".to_owned(),
        format!("?userId={bob}"),
    ] {
        h.call(Method::DELETE, &format!("/users/{alice}/logs{query}"), None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    assert_eq!(h.state().log_count(), 2);
    h.call(
        Method::DELETE,
        "/users/usr_missing/logs?userId=usr_missing",
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    let reply = h
        .call(
            Method::DELETE,
            &format!("/users/{alice}/logs?userId={alice}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({ "message": "Success" }));
    assert!(h.state().logs(&alice).is_empty());
    assert_eq!(h.state().logs(&bob).len(), 1);
}

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
