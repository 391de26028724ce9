//! The sandbox as a whole over raw HTTP: startup, authentication, protocol errors, faults,
//! counters, concurrency and what sets the two contracts apart.
//!
//! Each resource's operations are tested beside it (`crate::resources::*::tests`); the
//! harness they all share is in [`harness`].

mod bounds;
mod faults;
pub(crate) mod harness;
mod robustness;

use harness::*;

// ---- Startup and configuration ------------------------------------------------------------------

#[tokio::test]
async fn start_binds_localhost_with_a_random_key() {
    let sandbox = Sandbox::start().await.unwrap();
    assert!(sandbox.addr().ip().is_loopback());
    assert_ne!(sandbox.addr().port(), 0);
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}", sandbox.addr().port())
    );
    let key = sandbox.api_key();
    assert!(key.starts_with("sk_sandbox_"), "{key}");
    assert_eq!(key.len(), "sk_sandbox_".len() + 32);
    let other = Sandbox::start().await.unwrap();
    assert_ne!(other.api_key(), key);
    assert!(!format!("{sandbox:?}").contains(key));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn invalid_configurations_are_refused() {
    let empty_key = Sandbox::start_with(SandboxConfig::new().with_api_key("")).await;
    assert_eq!(
        empty_key.unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    let spaced_key = Sandbox::start_with(SandboxConfig::new().with_api_key("a b")).await;
    assert!(spaced_key.is_err());
    let workflow = CatalogWorkflow::new("wf_same", ["1.0.0"]);
    let duplicate = SandboxConfig::new().with_catalog(vec![
        CatalogEntry::new("int_a", "A", "X").with_workflow(workflow.clone()),
        CatalogEntry::new("int_b", "B", "X").with_workflow(workflow),
    ]);
    let error = Sandbox::start_with(duplicate).await.unwrap_err();
    assert!(error.to_string().contains("wf_same"), "{error}");
    let versionless = SandboxConfig::new().with_catalog(vec![
        CatalogEntry::new("int_a", "A", "X")
            .with_workflow(CatalogWorkflow::new("wf_a", Vec::<String>::new())),
    ]);
    assert!(Sandbox::start_with(versionless).await.is_err());
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let client = client();
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/users", sandbox.base_url());
    sandbox.shutdown().await;
    assert!(client.post(&url).send().await.is_err());

    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/users", sandbox.base_url());
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client.post(&url).send().await.is_err());
}

#[test]
fn operations_round_trip_their_ids() {
    for operation in Operation::ALL {
        assert_eq!(operation.operation_id().parse::<Operation>(), Ok(operation));
        assert_eq!(operation.to_string(), operation.operation_id());
    }
    assert_eq!(
        "listWorkflowLogs".parse::<Operation>(),
        Ok(Operation::ListWorkflowLogs)
    );
    assert!("ListWorkflowLogs".parse::<Operation>().is_err());
}

#[test]
#[should_panic(expected = "error status")]
fn faults_need_an_error_status() {
    let _ = Fault::status(200);
}

// ---- Authentication -----------------------------------------------------------------------------

#[tokio::test]
async fn every_operation_requires_the_api_key() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    h.state().reset_request_counts();
    for operation in Operation::served_by(Contract::Seed) {
        let (method, path, body) = sample_call(operation, &user.user_id);
        let url = format!("{}{path}", h.sandbox.base_url());
        let with_body = |request: reqwest::RequestBuilder| match &body {
            Some(body) => request.body(body.to_string()),
            None => request,
        };

        let missing = send(with_body(h.client.request(method.clone(), &url))).await;
        let message = missing.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
        assert!(message.contains("Authorization"), "{message}");
        assert_eq!(missing.headers[WWW_AUTHENTICATE], "Bearer");

        let wrong = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, "Bearer sk_sandbox_wrong");
        send(with_body(wrong))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        let basic = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, format!("Basic {}", h.sandbox.api_key()));
        send(with_body(basic))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        let prefix = &h.sandbox.api_key()[..h.sandbox.api_key().len() - 1];
        let truncated = h
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, format!("Bearer {prefix}"));
        send(with_body(truncated))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");

        assert_eq!(h.state().request_count(operation), 4, "{operation}");
    }
    // Nothing but the user created above exists: no unauthenticated call changed the state.
    assert_eq!(h.state().user_count(), 1);
    assert_eq!(h.state().log_count(), 0);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let request = h
            .client
            .get(format!(
                "{}/integrations?userId={}",
                h.sandbox.base_url(),
                user.user_id
            ))
            .header(AUTHORIZATION, format!("{scheme} {}", h.sandbox.api_key()));
        assert_eq!(send(request).await.status, StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn a_configured_api_key_is_used() {
    let h = Harness::with(seed().with_api_key("sk_test_fixed")).await;
    assert_eq!(h.sandbox.api_key(), "sk_test_fixed");
    let request = h
        .client
        .post(format!("{}/users", h.sandbox.base_url()))
        .header(AUTHORIZATION, "Bearer sk_test_fixed")
        .body(r#"{"username":"alice"}"#);
    assert_eq!(send(request).await.status, StatusCode::CREATED);
}

// ---- Seeding and protocol errors ----------------------------------------------------------------

#[tokio::test]
async fn percent_encoded_parameters_are_decoded() {
    let h = Harness::seed().await;
    h.state().add_user("usr with space", "spacey").unwrap();
    h.trigger("usr with space", "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    let reply = h
        .get(&format!(
            "/workflows/{ORDER_SYNC}/logs?userId=usr%20with%20space"
        ))
        .await;
    assert_eq!(reply.parse::<WorkflowLogList>().logs.len(), 1);
    let reply = h.get("/users/usr%20with%20space/token").await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn the_state_can_be_seeded_and_inspected() {
    let h = Harness::seed().await;
    let state = h.state();
    let user = state.add_user("usr_fixed", "fixed").unwrap();
    assert_eq!(user.user_id, "usr_fixed");
    assert_eq!(
        state.add_user("usr_fixed", "other"),
        Err(StateError::DuplicateUserId("usr_fixed".to_owned()))
    );
    assert_eq!(
        state.add_user("usr_other", "fixed"),
        Err(StateError::DuplicateUsername("fixed".to_owned()))
    );
    assert_eq!(state.add_user("", "x"), Err(StateError::Empty("userId")));
    // The username is taken over HTTP as well.
    h.call(Method::POST, "/users", Some(json!({ "username": "fixed" })))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");

    state
        .set_workflow_version("usr_fixed", ORDER_SYNC, "2.0.0")
        .unwrap();
    state
        .set_workflow_version("usr_fixed", ORDER_SYNC, "1.0.0")
        .unwrap();
    assert!(matches!(
        state.set_workflow_version("usr_fixed", ORDER_SYNC, "3.0.0"),
        Err(StateError::UnknownVersion { .. })
    ));
    state
        .set_workflow_active("usr_fixed", CONTACT_SYNC, false)
        .unwrap();
    assert!(!state.workflow("usr_fixed", CONTACT_SYNC).unwrap().active);
    assert_eq!(
        state.set_workflow_active("usr_nobody", CONTACT_SYNC, false),
        Err(StateError::UnknownUser("usr_nobody".to_owned()))
    );
    assert!(
        state
            .set_workflow_active("usr_fixed", SLACK_ALERT, true)
            .unwrap_err()
            .is_not_found()
    );

    let log = WorkflowLog {
        log_id: "log_seeded".to_owned(),
        workflow_id: Some(ORDER_SYNC.to_owned()),
        status: Some(WorkflowLogStatus::Pending),
        executed_at: None,
        duration: None,
    };
    state.add_log("usr_fixed", log.clone()).unwrap();
    assert_eq!(h.logs("usr_fixed", ORDER_SYNC).await, [log]);
    assert_eq!(state.logs("usr_fixed").len(), 1);
    assert!(state.logs("usr_nobody").is_empty());
    assert_eq!(state.users().len(), 1);
    assert_eq!(state.catalog().len(), 4);
    assert_eq!(
        state
            .uninstall_workflow("usr_fixed", SLACK_ALERT)
            .unwrap_err()
            .to_string(),
        "Workflow `wf_slack_order_alert` is not installed for user `usr_fixed`"
    );
}

#[tokio::test]
async fn a_custom_catalog_is_served() {
    let catalog = vec![
        CatalogEntry::new("int_acme", "Acme", "CRM").with_workflow(
            CatalogWorkflow::new("wf_acme", ["0.1", "0.2"])
                .listening_to("ping")
                .failing_in("0.2", "Acme is down"),
        ),
    ];
    let h = Harness::with(seed().with_catalog(catalog)).await;
    let user = h.create_user("alice").await.user_id;
    let list: IntegrationList = h.get(&format!("/integrations?userId={user}")).await.parse();
    assert_eq!(list.integrations.len(), 1);
    assert_eq!(list.integrations[0].icon_url, None);
    h.trigger(&user, "ping", None)
        .await
        .assert_success("Event triggered successfully");
    h.call(
        Method::PUT,
        "/workflows/wf_acme/upgrade",
        Some(json!({ "userId": user })),
    )
    .await
    .assert_success("Workflow upgraded to version 0.2");
    h.trigger(&user, "ping", None)
        .await
        .assert_success("Event triggered successfully");
    let errors = h.errors(&user, "wf_acme").await.errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message.as_deref(), Some("Acme is down"));
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let h = Harness::with(seed().with_body_limit(1024)).await;
    let padding = "x".repeat(4096);
    let body = json!({ "username": "big", "fullName": padding }).to_string();
    let message = h
        .call_raw(Method::POST, "/users", body)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE");
    assert!(message.contains("1024"), "{message}");
    assert_eq!(h.state().user_count(), 0);
    // The connection stays usable and bodies within the limit are served.
    let fits = json!({ "username": "small", "fullName": "x".repeat(900) }).to_string();
    assert_eq!(
        h.call_raw(Method::POST, "/users", fits).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte() {
    let h = Harness::seed().await;
    let at_limit = vec![b' '; DEFAULT_BODY_LIMIT];
    // Exactly at the limit: whitespace only, so it is read and then rejected as invalid JSON.
    h.call_raw(Method::POST, "/users", at_limit)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    let over = vec![b' '; DEFAULT_BODY_LIMIT + 1];
    h.call_raw(Method::POST, "/users", over)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE");
}

/// Sends raw bytes on a fresh connection and returns everything the server answers.
async fn raw_http(addr: std::net::SocketAddr, request: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        stream.write_all(&request).expect("send the request");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .expect("read the response");
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .expect("the blocking task finishes")
}

#[tokio::test]
async fn chunked_and_announced_bodies_are_limited_too() {
    let h = Harness::with(seed().with_body_limit(1000)).await;
    let head = |extra: &str| {
        format!(
            "PUT /workflows/activate HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\
             Authorization: Bearer {}\r\n{extra}\r\n",
            h.sandbox.api_key()
        )
    };

    // A chunked body without Content-Length, over the limit: read, discarded, answered 413.
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    for _ in 0..3 {
        request.extend_from_slice(format!("{:x}\r\n{}\r\n", 500, " ".repeat(500)).as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");

    // A Content-Length far beyond the limit is refused before any byte of the body is read.
    let request = head("Content-Length: 1000000000\r\n").into_bytes();
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("application/json"), "{response}");

    // A chunked body within the limit is served.
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    let body = r#"{"workflowId":"wf_shopify_order_sync","userId":"usr_nobody"}"#;
    request.extend_from_slice(format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len()).as_bytes());
    let response = raw_http(h.sandbox.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(response.contains("usr_nobody"), "{response}");
}

#[tokio::test]
async fn unknown_routes_get_404_and_wrong_methods_405() {
    let h = Harness::seed().await;
    for path in [
        "/",
        "/user",
        "/users/usr_1",
        "/users/usr_1/token/extra",
        "/2025-09/users",
    ] {
        let message = h
            .get(path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
        assert!(message.contains(path), "{message}");
    }
    let wrong = [
        (Method::GET, "/users"),
        (Method::DELETE, "/users"),
        (Method::POST, "/users/usr_1/token"),
        (Method::GET, "/users/usr_1/logs"),
        (Method::POST, "/integrations"),
        (Method::GET, "/run/event"),
        (Method::POST, "/workflows/wf_1/logs"),
        (Method::DELETE, "/workflows/wf_1/errors"),
        (Method::GET, "/workflows/deactivate"),
        (Method::POST, "/workflows/activate"),
        (Method::GET, "/workflows/wf_1/upgrade"),
    ];
    for (method, path) in wrong {
        let reply = h.call(method.clone(), path, None).await;
        let message = reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
        assert!(message.contains(method.as_str()), "{message}");
        assert!(reply.headers.contains_key(ALLOW), "{method} {path}");
    }
    // Neither counts as a call of an operation.
    assert_eq!(h.state().total_request_count(), 0);
    // Unknown routes do not need the API key either: they do not exist.
    let reply = send(h.client.get(format!("{}/nope", h.sandbox.base_url()))).await;
    reply.assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

/// Path parameters are decoded by one generic extractor for every route: a value that is not
/// UTF-8 once percent-decoded is still the caller's mistake (400), counted for its operation.
#[tokio::test]
async fn a_path_parameter_that_is_not_utf8_is_a_bad_request() {
    let h = Harness::seed().await;
    for (path, operation) in [
        ("/users/%FF/token", Operation::GenerateUserToken),
        (
            "/workflows/%C3%28/logs?userId=usr_1",
            Operation::ListWorkflowLogs,
        ),
    ] {
        h.get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert_eq!(h.state().request_count(operation), 1, "{path}");
    }
}

// ---- Faults -------------------------------------------------------------------------------------

#[tokio::test]
async fn a_status_fault_answers_the_next_calls_then_clears() {
    let h = Harness::seed().await;
    h.sandbox
        .inject_fault(Fault::status(503).with_retry_after(2).times(2));
    assert_eq!(h.state().pending_faults(), 1);
    for _ in 0..2 {
        let reply = h
            .call(Method::POST, "/users", Some(json!({ "username": "alice" })))
            .await;
        let message = reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
        assert!(message.contains("createUser"), "{message}");
        assert_eq!(reply.headers[RETRY_AFTER], "2");
    }
    // The faulted calls did not touch the state.
    assert_eq!(h.state().user_count(), 0);
    assert_eq!(h.state().pending_faults(), 0);
    h.create_user("alice").await;
    assert_eq!(h.state().request_count(Operation::CreateUser), 3);
    assert_eq!(h.state().user_count(), 1);
}

#[tokio::test]
async fn a_fault_can_target_one_operation() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    h.sandbox.inject_fault(
        Fault::status(429)
            .times(3)
            .only(Operation::ListWorkflowLogs),
    );
    // Other operations pass untouched.
    h.trigger(&user, "order.created", None)
        .await
        .assert_success("Event triggered successfully");
    assert_eq!(h.errors(&user, ORDER_SYNC).await.errors.len(), 0);
    let path = format!("/workflows/{ORDER_SYNC}/logs?userId={user}");
    for _ in 0..3 {
        let reply = h.get(&path).await;
        reply.assert_error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS");
        assert!(!reply.headers.contains_key(RETRY_AFTER));
    }
    assert_eq!(h.logs(&user, ORDER_SYNC).await.len(), 1);
    assert_eq!(h.state().request_count(Operation::ListWorkflowLogs), 4);
    assert_eq!(h.state().request_count(Operation::TriggerEvent), 1);
    assert_eq!(h.state().request_count(Operation::ListWorkflowErrors), 1);
}

#[tokio::test]
async fn faults_apply_to_every_operation_in_order() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    h.sandbox.inject_fault(Fault::status(500));
    h.sandbox
        .inject_fault(Fault::status(502).only(Operation::UpgradeWorkflow));
    h.sandbox.inject_fault(Fault::status(504));
    // Each call takes the first queued fault that matches it.
    let (method, path, body) = sample_call(Operation::UpgradeWorkflow, &user);
    h.call(method, &path, body)
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR");
    // A token call skips the upgrade-only fault and takes the 504.
    h.get(&format!("/users/{user}/token"))
        .await
        .assert_error(StatusCode::GATEWAY_TIMEOUT, "GATEWAY_TIMEOUT");
    let (method, path, body) = sample_call(Operation::UpgradeWorkflow, &user);
    h.call(method, &path, body)
        .await
        .assert_error(StatusCode::BAD_GATEWAY, "BAD_GATEWAY");
    assert_eq!(
        h.state().workflow(&user, ORDER_SYNC).unwrap().version,
        "1.0.0"
    );

    // Every operation is subject to faults, and answers normally afterwards.
    let operations: Vec<_> = Operation::served_by(Contract::Seed).collect();
    h.sandbox
        .inject_fault(Fault::status(503).times(operations.len() as u32));
    for &operation in &operations {
        let (method, path, body) = sample_call(operation, &user);
        h.call(method, &path, body)
            .await
            .assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
    }
    for operation in operations {
        let (method, path, body) = sample_call(operation, &user);
        let reply = h.call(method, &path, body).await;
        assert_eq!(
            reply.status,
            expected_status(operation),
            "{operation}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn faults_come_before_authentication_and_can_be_cleared() {
    let h = Harness::seed().await;
    h.sandbox.inject_fault(Fault::status(503));
    let reply = send(
        h.client
            .get(format!("{}/integrations", h.sandbox.base_url())),
    )
    .await;
    reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");

    h.sandbox.inject_fault(Fault::status(503).times(5));
    h.sandbox.inject_fault(Fault::status(500).times(0));
    assert_eq!(h.state().pending_faults(), 1);
    h.sandbox.clear_faults();
    assert_eq!(h.state().pending_faults(), 0);
    h.create_user("alice").await;
}

#[tokio::test]
async fn a_delay_fault_waits_then_serves_normally() {
    let h = Harness::seed().await;
    let delay = Duration::from_millis(300);
    h.sandbox
        .inject_fault(Fault::delay(delay).only(Operation::CreateUser));
    let started = Instant::now();
    h.create_user("alice").await;
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(h.state().user_count(), 1);

    // Delay and status together: wait, then fail; a client timeout sees no answer at all.
    h.sandbox
        .inject_fault(Fault::status(503).with_delay(Duration::from_secs(2)));
    let url = format!("{}/users/x/token", h.sandbox.base_url());
    let timed_out = h
        .client
        .get(&url)
        .header(AUTHORIZATION, format!("Bearer {}", h.sandbox.api_key()))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
}

// ---- Concurrency --------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_keep_the_state_consistent() {
    const TASKS: usize = 32;
    const USERS_PER_TASK: usize = 20;
    let h = std::sync::Arc::new(Harness::seed().await);
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..USERS_PER_TASK {
                let user = h.create_user(&format!("user-{task}-{n}")).await.user_id;
                h.trigger(&user, "order.created", None)
                    .await
                    .assert_success("Event triggered successfully");
                h.trigger(&user, "invoice.created", None)
                    .await
                    .assert_success("Event triggered successfully");
                ids.push(user);
            }
            ids
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        for id in task.await.expect("task succeeds") {
            assert!(ids.insert(id), "user ids are unique");
        }
    }
    let total = TASKS * USERS_PER_TASK;
    let state = h.state();
    assert_eq!(ids.len(), total);
    assert_eq!(state.user_count(), total);
    assert_eq!(state.log_count(), 2 * total);
    assert_eq!(state.error_count(), total);
    assert_eq!(state.request_count(Operation::CreateUser), total as u64);
    assert_eq!(
        state.request_count(Operation::TriggerEvent),
        2 * total as u64
    );
    for id in ids.iter().take(10) {
        assert_eq!(state.logs(id).len(), 2);
        assert_eq!(state.errors(id).len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_faults_are_each_used_once() {
    let h = std::sync::Arc::new(Harness::seed().await);
    h.sandbox.inject_fault(Fault::status(503).times(25));
    let mut tasks = Vec::new();
    for task in 0..10 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let mut failed = 0;
            for n in 0..10 {
                let reply = h
                    .call(
                        Method::POST,
                        "/users",
                        Some(json!({ "username": format!("u-{task}-{n}") })),
                    )
                    .await;
                if reply.status == StatusCode::SERVICE_UNAVAILABLE {
                    failed += 1;
                } else {
                    assert_eq!(reply.status, StatusCode::CREATED);
                }
            }
            failed
        }));
    }
    let mut failed = 0;
    for task in tasks {
        failed += task.await.unwrap();
    }
    assert_eq!(failed, 25);
    assert_eq!(h.state().user_count(), 75);
    assert_eq!(h.state().request_count(Operation::CreateUser), 100);
}

// ---- Contracts ----------------------------------------------------------------------------------

#[tokio::test]
async fn the_official_contract_is_the_default() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.contract(), Contract::Official);
    assert!(format!("{sandbox:?}").contains("Official"));
    let seeded = Sandbox::start_with(seed()).await.unwrap();
    assert_eq!(seeded.contract(), Contract::Seed);
    assert!(format!("{:?}", seed()).contains("Seed"));
    for contract in Contract::ALL {
        assert_eq!(contract.to_string().parse::<Contract>(), Ok(contract));
    }
    assert!("2024-03".parse::<Contract>().is_err());
}

#[tokio::test]
async fn official_operations_require_the_version_header() {
    let h = Harness::official().await;
    let user = h.official_user("alice").await;
    for operation in Operation::ALL {
        let (method, path, body) = h.official_call(operation, &user).await;
        let message = h
            .without_version(method.clone(), &path, body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("x-api-version"), "{operation}: {message}");

        let mut request = h
            .client
            .request(method.clone(), format!("{}{path}", h.sandbox.base_url()))
            .header(AUTHORIZATION, format!("Bearer {}", h.sandbox.api_key()))
            .header("x-api-version", "2024-03");
        if let Some(body) = &body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let message = send(request)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        assert!(message.contains("2024-03"), "{operation}: {message}");

        // The API key is checked first (where the reference requires one).
        let request = h
            .client
            .request(method.clone(), format!("{}{path}", h.sandbox.base_url()));
        if operation == Operation::CredentialMetadataByApp {
            send(request)
                .await
                .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        } else {
            send(request)
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
        }

        let reply = h.call(method, &path, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{operation}: {}", reply.body);
    }
    // Unknown routes are 404 whatever the headers.
    h.without_version(Method::GET, "/nope", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn seed_ignores_the_version_header_and_extra_query_parameters() {
    let h = Harness::seed().await;
    let user = h.create_user("alice").await.user_id;
    for operation in Operation::served_by(Contract::Seed) {
        let (method, path, body) = sample_call(operation, &user);
        let extra = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{extra}userId={user}&page=1&limit=99&order=sideways");
        let mut request = h.request(method, &path).header("x-api-version", "2025-09");
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let reply = send(request).await;
        assert_eq!(
            reply.status,
            expected_status(operation),
            "{operation}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn faults_apply_in_the_official_contract_too() {
    let h = Harness::official().await;
    h.sandbox
        .inject_fault(Fault::status(503).only(Operation::ListIntegrations));
    // The fault comes before the version header is checked, as it comes before the key.
    h.without_version(Method::GET, "/integrations?userId=x", None)
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE");
}

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
