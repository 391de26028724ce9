//! End to end: the client against the in-process sandbox, for all ten operations and their
//! error cases as typed errors, with state that adds up under concurrency.
//!
//! Most tests here run the sandbox by the seed contract and assert on the seed document's
//! fields; `the_whole_story_runs_by_alloys_reference` runs the same story by Alloy's 2025-09
//! reference, the sandbox's default, and asserts on the reference's fields.

use std::time::Duration;

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
    WorkflowLogStatus,
};
use alloy_api::prelude::*;
use alloy_api::{Client, Error, RetryPolicy};
use alloy_sandbox::{Contract, Fault, Operation, Sandbox, SandboxConfig};

const ORDER_SYNC: &str = "wf_shopify_order_sync";
const SLACK_ALERT: &str = "wf_slack_order_alert";
const INVOICE_EXPORT: &str = "wf_netsuite_invoice_export";

fn client_for(sandbox: &Sandbox) -> Client {
    Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.base_url())
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

async fn new_user(api: &Client, name: &str) -> String {
    api.create_user(&CreateUserRequest::new(name))
        .await
        .unwrap()
        .user_id
}

fn order_created(user_id: &str) -> TriggerEventRequest {
    TriggerEventRequest::new(user_id, "order.created")
        .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.0 }))
}

/// The story by Alloy's reference (the sandbox's default): `{"data": [...]}` lists, the
/// reference's field names, the version header, `userId` in the query, the upgrade without a
/// body. The same models decode it.
#[tokio::test]
async fn the_whole_story_runs_by_alloys_reference() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.contract(), Contract::Official);
    let api = client_for(&sandbox);

    let user = api
        .create_user(&CreateUserRequest::new("acme").with_full_name("Acme Corp"))
        .await
        .unwrap();
    // The reference answers a creation with the id alone.
    assert_eq!(user.username, None);
    let uid = user.user_id.as_str();
    let token = api.generate_user_token(uid).await.unwrap();
    assert_eq!(sandbox.verify_token(&token.token).unwrap().sub, uid);

    let integrations = api.list_integrations(uid).await.unwrap().integrations;
    let shopify = integrations
        .iter()
        .find(|i| i.integration_id == "int_shopify")
        .unwrap();
    assert_eq!(shopify.installed, Some(true));
    assert_eq!(shopify.name.as_deref(), Some("shopify")); // `primaryConnector`
    let order_sync = shopify
        .workflows
        .iter()
        .find(|w| w.workflow_id == ORDER_SYNC)
        .unwrap();
    assert_eq!(order_sync.installed_version, Some(1));
    assert!(*order_sync.version > *order_sync.installed_version);

    api.trigger_event(&order_created(uid)).await.unwrap();
    let logs = api.list_workflow_logs(ORDER_SYNC, uid).await.unwrap().logs;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].finished, Some(true));
    assert_eq!(logs[0].status, None); // the seed document's field
    assert!(logs[0].duration_ms().is_some());

    let action = WorkflowActionRequest::new(ORDER_SYNC, uid);
    assert_eq!(
        api.deactivate_workflow(&action).await.unwrap().activated,
        Some(false)
    );
    api.trigger_event(&order_created(uid)).await.unwrap();
    let count = || async {
        api.list_workflow_logs(ORDER_SYNC, uid)
            .await
            .unwrap()
            .logs
            .len()
    };
    assert_eq!(count().await, 1);
    assert_eq!(
        api.activate_workflow(&action).await.unwrap().activated,
        Some(true)
    );

    // The failing version records an error naming the block; the upgrade (to the latest
    // version, no body) fixes it.
    let invoice = TriggerEventRequest::new(uid, "invoice.created");
    api.trigger_event(&invoice).await.unwrap();
    let errors = api
        .list_workflow_errors(INVOICE_EXPORT, uid)
        .await
        .unwrap()
        .errors;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].block.is_some() && errors[0].occurred_at.is_some());
    let upgraded = api.upgrade_workflow(INVOICE_EXPORT, uid).await.unwrap();
    assert_eq!(upgraded.upgraded, Some(true));
    api.trigger_event(&invoice).await.unwrap();
    assert_eq!(
        api.list_workflow_errors(INVOICE_EXPORT, uid)
            .await
            .unwrap()
            .errors
            .len(),
        1
    );

    let purged = api.delete_user_logs(uid).await.unwrap();
    assert_eq!(purged.message.as_deref(), Some("Success"));
    assert_eq!(count().await, 0);
}

#[tokio::test]
async fn the_whole_story_runs_against_the_sandbox() {
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let api = client_for(&sandbox);

    let user = api
        .create_user(&CreateUserRequest::new("acme").with_full_name("Acme Corp"))
        .await
        .unwrap();
    assert_eq!(user.username.as_deref(), Some("acme"));
    assert_eq!(user.full_name.as_deref(), Some("Acme Corp"));
    assert!(user.created_at.is_some());
    let uid = user.user_id.as_str();

    let token = api.generate_user_token(uid).await.unwrap();
    let claims = sandbox.verify_token(&token.token).unwrap();
    assert_eq!(claims.sub, uid);
    assert!(claims.exp > claims.iat && claims.exp - claims.iat <= 30 * 60);

    let integrations = api.list_integrations(uid).await.unwrap().integrations;
    let installed = |id: &str| {
        integrations
            .iter()
            .find(|i| i.integration_id == id)
            .and_then(|i| *i.installed)
    };
    assert_eq!(installed("int_shopify"), Some(true));
    assert_eq!(installed("int_slack"), Some(false));

    // An event runs the active workflows that listen to it, and only those.
    api.trigger_event(&order_created(uid)).await.unwrap();
    let logs = api.list_workflow_logs(ORDER_SYNC, uid).await.unwrap().logs;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].status, Some(WorkflowLogStatus::Success));
    assert_eq!(logs[0].workflow_id.as_deref(), Some(ORDER_SYNC));
    assert!(
        api.list_workflow_errors(ORDER_SYNC, uid)
            .await
            .unwrap()
            .errors
            .is_empty()
    );

    // A paused workflow does not run; a resumed one does again.
    let action = WorkflowActionRequest::new(ORDER_SYNC, uid);
    api.deactivate_workflow(&action).await.unwrap();
    api.trigger_event(&order_created(uid)).await.unwrap();
    assert_eq!(
        api.list_workflow_logs(ORDER_SYNC, uid)
            .await
            .unwrap()
            .logs
            .len(),
        1
    );
    api.activate_workflow(&action).await.unwrap();
    api.trigger_event(&order_created(uid)).await.unwrap();
    assert_eq!(
        api.list_workflow_logs(ORDER_SYNC, uid)
            .await
            .unwrap()
            .logs
            .len(),
        2
    );

    // A failing version records a failure log with a matching error; the upgrade fixes it.
    let invoice = TriggerEventRequest::new(uid, "invoice.created");
    api.trigger_event(&invoice).await.unwrap();
    let logs = api
        .list_workflow_logs(INVOICE_EXPORT, uid)
        .await
        .unwrap()
        .logs;
    let errors = api
        .list_workflow_errors(INVOICE_EXPORT, uid)
        .await
        .unwrap()
        .errors;
    assert_eq!(logs[0].status, Some(WorkflowLogStatus::Failure));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].workflow_id.as_deref(), Some(INVOICE_EXPORT));
    let upgraded = api
        .upgrade_workflow_to_version(
            INVOICE_EXPORT,
            &UpgradeWorkflowRequest::new(uid).with_version("1.1.0"),
        )
        .await
        .unwrap();
    assert!(upgraded.message.unwrap().contains("1.1.0"));
    api.trigger_event(&invoice).await.unwrap();
    let logs = api
        .list_workflow_logs(INVOICE_EXPORT, uid)
        .await
        .unwrap()
        .logs;
    assert_eq!(logs.len(), 2);
    assert!(
        logs.iter()
            .any(|l| l.status == Some(WorkflowLogStatus::Success))
    );
    assert_eq!(
        api.list_workflow_errors(INVOICE_EXPORT, uid)
            .await
            .unwrap()
            .errors
            .len(),
        1
    );

    // Purging removes this user's logs and errors.
    let purged = api.delete_user_logs(uid).await.unwrap();
    assert_eq!(purged.success, Some(true));
    assert!(
        api.list_workflow_logs(ORDER_SYNC, uid)
            .await
            .unwrap()
            .logs
            .is_empty()
    );
    assert!(
        api.list_workflow_errors(INVOICE_EXPORT, uid)
            .await
            .unwrap()
            .errors
            .is_empty()
    );
}

#[tokio::test]
async fn purging_one_user_leaves_the_others_alone() {
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let api = client_for(&sandbox);
    let (a, b) = (new_user(&api, "a").await, new_user(&api, "b").await);
    api.trigger_event(&order_created(&a)).await.unwrap();
    api.trigger_event(&order_created(&b)).await.unwrap();
    api.delete_user_logs(&a).await.unwrap();
    assert!(
        api.list_workflow_logs(ORDER_SYNC, &a)
            .await
            .unwrap()
            .logs
            .is_empty()
    );
    assert_eq!(
        api.list_workflow_logs(ORDER_SYNC, &b)
            .await
            .unwrap()
            .logs
            .len(),
        1
    );
}

#[tokio::test]
async fn errors_come_back_typed() {
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let api = client_for(&sandbox);
    let uid = new_user(&api, "taken").await;

    // 400: a duplicate or empty username, a bad upgrade.
    for request in [CreateUserRequest::new("taken"), CreateUserRequest::new("")] {
        let err = api.create_user(&request).await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), 400, "{err}");
        assert!(err.message().is_some());
    }
    // A payload that is not an object never leaves the client.
    let sent = sandbox.state().request_count(Operation::TriggerEvent);
    let err = api
        .trigger_event(&TriggerEventRequest::new(&uid, "x").with_data(serde_json::json!("text")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, alloy_api::Error::InvalidArgument { .. }),
        "{err:?}"
    );
    assert_eq!(sandbox.state().request_count(Operation::TriggerEvent), sent);
    api.upgrade_workflow_to_version(
        ORDER_SYNC,
        &UpgradeWorkflowRequest::new(&uid).with_version("2.0.0"),
    )
    .await
    .unwrap();
    for version in ["1.1.0", "2.0.0", "9.9.9"] {
        let err = api
            .upgrade_workflow_to_version(
                ORDER_SYNC,
                &UpgradeWorkflowRequest::new(&uid).with_version(version),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), 400, "{version}: {err}");
        assert!(err.message().unwrap().contains(version), "{err}");
    }

    // 404: unknown users and workflows, and another user's workflow.
    assert!(
        api.generate_user_token("usr_nobody")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        api.delete_user_logs("usr_nobody")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        api.list_workflow_logs("wf_nothing", &uid)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        api.deactivate_workflow(&WorkflowActionRequest::new("wf_nothing", &uid))
            .await
            .unwrap_err()
            .is_not_found()
    );
    // Slack's workflow exists in the catalog but is not installed for this user.
    assert!(
        api.list_workflow_errors(SLACK_ALERT, &uid)
            .await
            .unwrap_err()
            .is_not_found()
    );

    // 401: a wrong key.
    let stranger = Client::builder()
        .api_key("sk_not_the_key")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let err = stranger.list_integrations(&uid).await.unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(err.error_code(), Some("UNAUTHORIZED"));

    // An invalid argument never reaches the server.
    let before = sandbox.state().total_request_count();
    let err = api.generate_user_token("..").await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    assert_eq!(sandbox.state().total_request_count(), before);
}

#[tokio::test]
async fn injected_faults_are_retried_where_safe() {
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let api = client_for(&sandbox);
    let uid = new_user(&api, "flaky").await;
    let state = sandbox.state();

    // A GET survives two 503s.
    sandbox.inject_fault(
        Fault::status(503)
            .times(2)
            .only(Operation::ListIntegrations),
    );
    state.reset_request_counts();
    api.list_integrations(&uid).await.unwrap();
    assert_eq!(state.request_count(Operation::ListIntegrations), 3);

    // A POST that may have been processed is not retried after a 503...
    sandbox.inject_fault(Fault::status(503).times(1).only(Operation::TriggerEvent));
    let err = api.trigger_event(&order_created(&uid)).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(state.request_count(Operation::TriggerEvent), 1);
    // ...but is after a 429 with Retry-After, which says it was not processed.
    sandbox.inject_fault(
        Fault::status(429)
            .with_retry_after(0)
            .times(1)
            .only(Operation::TriggerEvent),
    );
    api.trigger_event(&order_created(&uid)).await.unwrap();
    assert_eq!(state.request_count(Operation::TriggerEvent), 3);
    assert_eq!(
        api.list_workflow_logs(ORDER_SYNC, &uid)
            .await
            .unwrap()
            .logs
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_users_and_events_add_up_exactly() {
    const TASKS: usize = 32;
    const USERS_PER_TASK: usize = 5;
    const EVENTS_PER_USER: usize = 4;
    let sandbox = Sandbox::start_with(SandboxConfig::new().with_contract(Contract::Seed))
        .await
        .unwrap();
    let api = client_for(&sandbox);
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let api = api.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for u in 0..USERS_PER_TASK {
                    let uid = new_user(&api, &format!("user-{t}-{u}")).await;
                    for _ in 0..EVENTS_PER_USER {
                        api.trigger_event(&order_created(&uid)).await.unwrap();
                    }
                    ids.push(uid);
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), TASKS * USERS_PER_TASK, "user ids are unique");
    assert_eq!(sandbox.state().user_count(), TASKS * USERS_PER_TASK);
    // Every event ran the user's one active order workflow exactly once.
    for uid in ids.iter().step_by(7) {
        let logs = api.list_workflow_logs(ORDER_SYNC, uid).await.unwrap().logs;
        assert_eq!(logs.len(), EVENTS_PER_USER, "{uid}");
    }
    assert_eq!(
        sandbox.state().log_count(),
        TASKS * USERS_PER_TASK * EVENTS_PER_USER
    );
}
