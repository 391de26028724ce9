//! The sandbox under load, through the client: 256 tasks at once, each walking every one of
//! the 38 operations for a user of its own (41 calls, 10,496 in all), on one shared client.
//! Nothing is lost (every call answers, and the sandbox counted exactly the calls made, per
//! operation) and the state adds up afterwards. The chaos soak (`chaos.rs`) runs the same
//! walk under faults.
//!
//! The figures (calls, time, throughput, latency percentiles) are printed:
//! `cargo test -p tests --test integration load -- --nocapture`. They are figures, not
//! assertions: nothing here depends on how fast the machine is.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use alloy_api::Client;
use alloy_api::models::{
    BatchCreateUsersRequest, BlockValues, CompleteInstallationRequest, CreateCredentialRequest,
    CreateUserRequest, EditInstallationRequest, LogQuery, RunWorkflowRequest,
    StartInstallationRequest, TriggerEventRequest, UpdateUserRequest, WorkflowActionRequest,
    WorkflowLogsQuery,
};
use alloy_api::prelude::*;
use alloy_sandbox::Operation;
use serde_json::json;

use crate::e2e_common::official_sandbox;

const TASKS: usize = 256;
pub(crate) const ORDER_SYNC: &str = "wf_shopify_order_sync";
const SLACK: &str = "int_slack";

/// One call a walk made: the sandbox operation it is, how long it took, and how it ended.
pub(crate) struct Call {
    pub(crate) operation: Operation,
    pub(crate) duration: Duration,
    pub(crate) outcome: Result<(), alloy_api::Error>,
}

/// The calls of one task, and what a failed call does: fail the test (the load test, where
/// nothing may fail) or end the walk (the chaos test, where failures are counted).
pub(crate) struct Tally {
    pub(crate) calls: Vec<Call>,
    tolerate_errors: bool,
}

impl Tally {
    /// A tally in which any failed call fails the test, naming the operation.
    pub(crate) fn strict() -> Self {
        Self {
            calls: Vec::new(),
            tolerate_errors: false,
        }
    }

    /// A tally that records failed calls; the walk stops at the first one.
    pub(crate) fn tolerant() -> Self {
        Self {
            calls: Vec::new(),
            tolerate_errors: true,
        }
    }

    /// Times `call`, records it as `operation`, and returns its value, or `None` when it
    /// failed in a tolerant tally.
    async fn call<T>(
        &mut self,
        operation: Operation,
        call: impl Future<Output = alloy_api::Result<T>>,
    ) -> Option<T> {
        let started = Instant::now();
        let result = call.await;
        let duration = started.elapsed();
        match result {
            Ok(value) => {
                self.calls.push(Call {
                    operation,
                    duration,
                    outcome: Ok(()),
                });
                Some(value)
            }
            Err(error) if self.tolerate_errors => {
                self.calls.push(Call {
                    operation,
                    duration,
                    outcome: Err(error),
                });
                None
            }
            Err(error) => panic!("{operation}: {error}"),
        }
    }
}

/// One walk over every operation (41 calls) for a user of its own named `name`; returns the
/// user's id, or `None` if a call failed in a tolerant tally (the walk stops there).
pub(crate) async fn walk(api: &Client, name: &str, tally: &mut Tally) -> Option<String> {
    use Operation as Op;
    let user = tally
        .call(
            Op::CreateUser,
            api.create_user(&CreateUserRequest::new(name)),
        )
        .await?
        .user_id;
    let uid = user.as_str();
    tally.call(Op::GetUser, api.get_user(uid)).await?;
    let updated = UpdateUserRequest::new().with_full_name(format!("User {name}"));
    tally
        .call(Op::UpdateUser, api.update_user(uid, &updated))
        .await?;
    tally.call(Op::ListAllUsers, api.list_users(None)).await?;
    let batch_name = format!("{name}-batch");
    let batch = BatchCreateUsersRequest::new([CreateUserRequest::new(&batch_name)]);
    let created = tally
        .call(Op::BatchCreateUsers, api.batch_create_users(&batch))
        .await?;
    assert!(created.invalid_users.is_empty(), "{created:?}");
    tally
        .call(Op::GenerateUserToken, api.generate_user_token(uid))
        .await?;
    tally
        .call(Op::ListIntegrations, api.list_integrations(uid))
        .await?;
    tally
        .call(Op::GetIntegration, api.get_integration("int_shopify", uid))
        .await?;
    tally.call(Op::ListEvents, api.list_events()).await?;

    // Headless: a Slack credential, an installation that uses it.
    tally
        .call(Op::GetCredentialMetadata, api.list_credential_metadata())
        .await?;
    tally
        .call(
            Op::CredentialMetadataByApp,
            api.get_credential_metadata("slack"),
        )
        .await?;
    tally
        .call(Op::GenerateOauthLink, api.generate_oauth_url(uid, "slack"))
        .await?;
    let credential = CreateCredentialRequest::new(uid)
        .with_type("slack")
        .with_data(json!({}));
    let credential_id = tally
        .call(Op::CreateCredential, api.create_credential(&credential))
        .await?
        .credential_id
        .expect("a credential id");
    tally
        .call(Op::ListUserCredentials, api.list_user_credentials(uid))
        .await?;
    let started = tally
        .call(
            Op::StartInstallation,
            api.start_installation(&StartInstallationRequest::new(uid, SLACK)),
        )
        .await?;
    let mut complete = CompleteInstallationRequest::new(&started.installation_id);
    for block in &started.form {
        let mut values = BlockValues::new(
            block.workflow_id.clone().unwrap(),
            block.block_id.clone().unwrap(),
        );
        for field in &block.fields {
            values = values.with_field(field.name.clone().unwrap(), &credential_id);
        }
        complete = complete.with_block(values);
    }
    tally
        .call(
            Op::CompleteInstallation,
            api.complete_installation(&complete),
        )
        .await?;
    tally
        .call(Op::GetAllInstallations, api.list_installations())
        .await?;
    tally
        .call(
            Op::GetInstallation,
            api.get_installation(&started.installation_id),
        )
        .await?;
    let edit = EditInstallationRequest::new(uid, SLACK)
        .with_installation_id(&started.installation_id)
        .with_credential_ids([credential_id.as_str()]);
    tally
        .call(Op::EditInstallation, api.edit_installation(&edit))
        .await?;

    // Workflows: run, read, switch off and on, upgrade.
    let workflow = tally
        .call(Op::FindWorkflow, api.get_workflow(ORDER_SYNC, uid))
        .await?
        .data;
    let run = RunWorkflowRequest::new(uid, ORDER_SYNC, workflow.name.into_option().unwrap())
        .with_data(json!({ "walk": name }));
    tally.call(Op::RunWorkflow, api.run_workflow(&run)).await?;
    tally
        .call(
            Op::TriggerEvent,
            api.trigger_event(&TriggerEventRequest::new(uid, "order.created")),
        )
        .await?;
    let page = WorkflowLogsQuery::new().with_user_id(uid).with_limit(30);
    let logs = tally
        .call(
            Op::ListWorkflowLogs,
            api.list_workflow_logs_page(ORDER_SYNC, &page),
        )
        .await?;
    assert!(logs.logs.len() >= 2, "the run and the event: {logs:?}");
    tally
        .call(
            Op::ListWorkflowLogs,
            api.list_workflow_logs(ORDER_SYNC, uid),
        )
        .await?;
    let feed = LogQuery::new().with_associated_user_id(uid);
    tally.call(Op::GetLogs, api.list_logs(&feed)).await?;
    tally
        .call(
            Op::ListWorkflowErrors,
            api.list_workflow_errors(ORDER_SYNC, uid),
        )
        .await?;
    tally
        .call(
            Op::ListUsersByWorkflowId,
            api.list_workflow_users(ORDER_SYNC),
        )
        .await?;
    tally
        .call(
            Op::GetWorkflowAnalytics,
            api.get_workflow_analytics(ORDER_SYNC),
        )
        .await?;
    let action = WorkflowActionRequest::new(ORDER_SYNC, uid);
    tally
        .call(Op::DeactivateWorkflow, api.deactivate_workflow(&action))
        .await?;
    tally
        .call(Op::ActivateWorkflow, api.activate_workflow(&action))
        .await?;
    tally
        .call(Op::UpgradeWorkflow, api.upgrade_workflow(ORDER_SYNC, uid))
        .await?;

    // Analytics.
    tally.call(Op::GetAppActionsUsage, api.get_usage()).await?;
    tally
        .call(Op::GetDetailUsageTime, api.get_usage_over_time())
        .await?;
    tally
        .call(Op::GetDetailUsageUser, api.get_user_usage(uid))
        .await?;

    // Taking it all down again.
    tally
        .call(
            Op::DeleteCredential,
            api.delete_credential(uid, &credential_id),
        )
        .await?;
    tally
        .call(
            Op::DisableAllWorkflowsForUser,
            api.deactivate_user_workflows(uid),
        )
        .await?;
    tally
        .call(Op::DeleteWorkflow, api.delete_workflow(ORDER_SYNC, uid))
        .await?;
    tally
        .call(Op::DeleteUserLogs, api.delete_user_logs(uid))
        .await?;
    let still = tally
        .call(Op::ListAllUsers, api.list_users(Some(ORDER_SYNC)))
        .await?;
    assert!(still.users.iter().all(|u| u.user_id != user));
    tally
        .call(Op::DeleteUser, api.delete_user(&batch_name))
        .await?;
    let left = tally
        .call(Op::ListUserCredentials, api.list_user_credentials(uid))
        .await?;
    assert!(left.credentials.is_empty(), "{left:?}");
    Some(user)
}

/// The `q` quantile of sorted durations.
pub(crate) fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_calls_over_every_operation_from_256_tasks() {
    let (sandbox, api) = official_sandbox().await;
    let calls = Mutex::new(Vec::new());
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let api = api.clone();
            tokio::spawn(async move {
                let mut tally = Tally::strict();
                let user = walk(&api, &format!("load-{task}"), &mut tally)
                    .await
                    .expect("a strict walk fails the test or ends");
                (user, tally)
            })
        })
        .collect();
    let mut users = Vec::new();
    for task in tasks {
        let (user, tally) = task.await.expect("every task finishes");
        users.push(user);
        calls.lock().unwrap().extend(tally.calls);
    }
    let elapsed = started.elapsed();
    let calls = calls.into_inner().unwrap();

    // Nothing lost, nothing sent twice: the sandbox counted exactly the calls made, for every
    // one of its 38 operations.
    let mut made: BTreeMap<Operation, u64> = BTreeMap::new();
    for call in &calls {
        *made.entry(call.operation).or_default() += 1;
    }
    let state = sandbox.state();
    for operation in Operation::ALL {
        let expected = made.get(&operation).copied().unwrap_or(0);
        assert!(expected > 0, "{operation} was not exercised");
        assert_eq!(state.request_count(operation), expected, "{operation}");
    }
    assert_eq!(state.total_request_count(), calls.len() as u64);
    assert!(calls.len() >= 10_000, "{} calls", calls.len());

    // The state adds up: every task's user is there with its logs purged and the workflow
    // gone, every batch user deleted, one installation per task, and each task's run and
    // event both counted for the workflow.
    assert_eq!(state.user_count(), TASKS);
    for user in &users {
        assert!(state.user(user).is_some(), "{user}");
        assert!(state.logs(user).is_empty(), "{user}");
        assert!(state.workflow(user, ORDER_SYNC).is_none(), "{user}");
    }
    let installations = api.list_installations().await.unwrap().installations;
    assert_eq!(installations.len(), TASKS);
    let analytics = api.get_workflow_analytics(ORDER_SYNC).await.unwrap();
    assert_eq!(analytics.total_workflow_runs, Some(2 * TASKS as u64));

    let mut latencies: Vec<Duration> = calls.iter().map(|call| call.duration).collect();
    latencies.sort();
    println!(
        "load: {} calls over {} operations from {TASKS} tasks in {:.2?}: {:.0} calls/s; \
         latency p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        calls.len(),
        made.len(),
        elapsed,
        calls.len() as f64 / elapsed.as_secs_f64(),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.99),
        quantile(&latencies, 1.0),
    );
}
