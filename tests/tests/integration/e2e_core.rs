//! End to end against the sandbox by Alloy's 2025-09 reference, one test per resource: users,
//! workflows, runs and events, the log feed, integrations; and the page walks over real
//! state.

use alloy_api::models::{
    BatchCreateUsersRequest, CreateUserRequest, FilterOperator, LogColumn, LogFilter, LogQuery,
    LogSortBy, RunWorkflowRequest, SortOrder, TriggerEventRequest, UpdateUserRequest,
    WorkflowLogsQuery,
};
use alloy_api::prelude::*;
use alloy_api::{Client, Error};

use crate::e2e_common::{new_user, official_sandbox};
use serde_json::json;

const ORDER_SYNC: &str = "wf_shopify_order_sync";

/// Runs `workflow_id` for the user through `POST /run/workflow`, by its id and name.
async fn run(api: &Client, user_id: &str, workflow_id: &str) {
    let name = api
        .get_workflow(workflow_id, user_id)
        .await
        .unwrap()
        .data
        .name
        .into_option()
        .unwrap();
    api.run_workflow(
        &RunWorkflowRequest::new(user_id, workflow_id, name).with_data(json!({"orderId": "o1"})),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn users_from_creation_to_deletion() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "jane").await;

    // By id and by username.
    let user = api.get_user(&uid).await.unwrap();
    assert_eq!(user.username.as_deref(), Some("jane"));
    assert_eq!(api.get_user("jane").await.unwrap().user_id, uid);

    let updated = api
        .update_user(&uid, &UpdateUserRequest::new().with_full_name("Jane Doe"))
        .await
        .unwrap();
    assert_eq!(updated.full_name.as_deref(), Some("Jane Doe"));
    assert_eq!(updated.username.as_deref(), Some("jane"), "kept");

    // A batch reports the users that already existed, and creates the others.
    let batch = api
        .batch_create_users(&BatchCreateUsersRequest::new([
            CreateUserRequest::new("jane"),
            CreateUserRequest::new("max").with_full_name("Max"),
        ]))
        .await
        .unwrap();
    let rejected: Vec<_> = batch
        .invalid_users
        .iter()
        .filter_map(|u| u.username.as_deref())
        .collect();
    assert_eq!(rejected, ["jane"]);
    let all = api.list_users(None).await.unwrap();
    let names: Vec<_> = all
        .users
        .iter()
        .filter_map(|u| u.username.as_deref())
        .collect();
    assert!(
        names.contains(&"jane") && names.contains(&"max"),
        "{names:?}"
    );

    // Users of a parent workflow: new users get it installed.
    let of_workflow = api.list_users(Some(ORDER_SYNC)).await.unwrap();
    assert!(of_workflow.users.iter().any(|u| u.user_id == uid));

    // Deactivating all of a user's workflows.
    api.deactivate_user_workflows(&uid).await.unwrap();
    let workflow = api.get_workflow(ORDER_SYNC, &uid).await.unwrap().data;
    assert_eq!(workflow.active, Some(false));

    // A deleted user is gone from every call that names them.
    assert_eq!(api.delete_user(&uid).await.unwrap().success, Some(true));
    for error in [
        api.generate_user_token(&uid).await.unwrap_err(),
        api.get_user(&uid).await.unwrap_err(),
        api.get_workflow(ORDER_SYNC, &uid).await.unwrap_err(),
    ] {
        assert!(error.is_not_found(), "{error}");
    }
    assert!(api.delete_user(&uid).await.unwrap_err().is_not_found());
    let all = api.list_users(None).await.unwrap();
    assert!(all.users.iter().all(|u| u.user_id != uid));
}

#[tokio::test]
async fn workflows_of_a_user() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "wf-user").await;

    let workflow = api.get_workflow(ORDER_SYNC, &uid).await.unwrap().data;
    assert_eq!(workflow.workflow_id, ORDER_SYNC);
    assert_eq!(workflow.installed, Some(true));
    assert_eq!(workflow.active, Some(true));
    assert!(!workflow.connectors.is_empty());

    let users = api.list_workflow_users(ORDER_SYNC).await.unwrap();
    let mine = users
        .users
        .iter()
        .find(|u| u.user_id.as_deref() == Some(&uid))
        .unwrap();
    assert_eq!(mine.workflow_active, Some(true));

    let before = api.get_workflow_analytics(ORDER_SYNC).await.unwrap();
    run(&api, &uid, ORDER_SYNC).await;
    run(&api, &uid, ORDER_SYNC).await;
    let after = api.get_workflow_analytics(ORDER_SYNC).await.unwrap();
    assert_eq!(
        after.total_workflow_runs.unwrap(),
        before.total_workflow_runs.unwrap() + 2
    );

    assert_eq!(
        api.delete_workflow(ORDER_SYNC, &uid).await.unwrap().deleted,
        Some(true)
    );
    let gone = api.get_workflow(ORDER_SYNC, &uid).await.unwrap().data;
    assert_eq!(gone.installed, Some(false));
    let users = api.list_workflow_users(ORDER_SYNC).await.unwrap();
    assert!(
        users
            .users
            .iter()
            .all(|u| u.user_id.as_deref() != Some(&uid))
    );

    let missing = api.get_workflow("wf_missing", &uid).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}

#[tokio::test]
async fn runs_and_events_show_in_the_logs() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "runner").await;

    let events = api.list_events().await.unwrap();
    let names: Vec<_> = events
        .events
        .iter()
        .filter_map(|e| e.name.as_deref())
        .collect();
    assert!(names.contains(&"order.created"), "{names:?}");

    let logs_before = api
        .workflow_logs(ORDER_SYNC, WorkflowLogsQuery::new().with_user_id(&uid))
        .try_collect()
        .await
        .unwrap()
        .len();
    run(&api, &uid, ORDER_SYNC).await;
    api.trigger_event(&TriggerEventRequest::new(&uid, "order.created"))
        .await
        .unwrap();
    let logs = api
        .workflow_logs(ORDER_SYNC, WorkflowLogsQuery::new().with_user_id(&uid))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(logs.len(), logs_before + 2, "the run and the event");

    // The account-wide feed has both.
    let feed = api
        .logs(LogQuery::new().with_associated_user_id(&uid))
        .try_collect()
        .await
        .unwrap();
    let of = |wf: &str| {
        feed.iter()
            .filter(|e| e.workflow_id.as_deref() == Some(wf))
            .count()
    };
    assert_eq!(of(ORDER_SYNC), 2, "{feed:?}");

    // A run of a deactivated workflow is refused.
    api.deactivate_user_workflows(&uid).await.unwrap();
    let name = api
        .get_workflow(ORDER_SYNC, &uid)
        .await
        .unwrap()
        .data
        .name
        .into_option()
        .unwrap();
    let error = api
        .run_workflow(&RunWorkflowRequest::new(&uid, ORDER_SYNC, name))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
}

#[tokio::test]
async fn the_log_feed_filters_sorts_and_pages() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "feed").await;
    for _ in 0..7 {
        run(&api, &uid, ORDER_SYNC).await;
    }
    let mine = LogQuery::new().with_associated_user_id(&uid);

    // Many pages, each entry once, in the order asked for.
    let walked = api
        .logs(
            mine.clone()
                .with_limit(3)
                .sorted_by(LogSortBy::CreatedAt, SortOrder::Ascending),
        )
        .try_collect()
        .await
        .unwrap();
    let page = api.list_logs(&mine).await.unwrap();
    let total = page.pagination.get().unwrap().total_items.unwrap();
    assert_eq!(walked.len() as u64, total);
    assert!(total >= 7);
    let mut ids: Vec<_> = walked
        .iter()
        .map(|e| e.id.clone().into_option().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "no entry twice");
    let created: Vec<_> = walked.iter().map(|e| e.created_at.unwrap()).collect();
    assert!(created.is_sorted(), "ascending by creation");

    // A typed filter: exactly the entry of one execution.
    let execution = walked[0]
        .data
        .as_ref()
        .unwrap()
        .execution_id
        .clone()
        .into_option()
        .unwrap();
    let one = api
        .list_logs(&mine.clone().with_filter(LogFilter::new(
            LogColumn::ExecutionId,
            FilterOperator::Equals,
            &execution,
        )))
        .await
        .unwrap();
    assert_eq!(one.notifications.len(), 1);
    assert_eq!(
        one.notifications[0].data.as_ref().unwrap().execution_id,
        Some(execution)
    );

    // Nothing for a user without runs.
    let other = new_user(&api, "quiet").await;
    let none = api
        .logs(
            LogQuery::new()
                .with_associated_user_id(&other)
                .with_filter(LogFilter::new(
                    LogColumn::WorkflowVersion,
                    FilterOperator::GreaterThan,
                    "100",
                )),
        )
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn workflow_logs_walk_many_pages_of_real_runs() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "pages").await;
    let query = WorkflowLogsQuery::new().with_user_id(&uid);
    let before = api
        .workflow_logs(ORDER_SYNC, query.clone())
        .try_collect()
        .await
        .unwrap()
        .len();
    for _ in 0..7 {
        run(&api, &uid, ORDER_SYNC).await;
    }
    let mut walk = api.workflow_logs(ORDER_SYNC, query.clone().with_limit(2));
    let mut ids = Vec::new();
    while let Some(log) = walk.next().await {
        ids.push(log.unwrap().log_id);
    }
    assert_eq!(ids.len(), before + 7);
    let pages = walk.pages_fetched();
    assert!(pages >= 4, "{pages} pages");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no entry twice");

    // The sandbox refuses a page size over 30 as the client does before sending.
    let error = api
        .list_workflow_logs_page(ORDER_SYNC, &query.with_limit(31))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
}

#[tokio::test]
async fn one_integration_as_a_user_has_it() {
    let (_sandbox, api) = official_sandbox().await;
    let uid = new_user(&api, "integrations").await;
    let listed = api.list_integrations(&uid).await.unwrap();
    let first = &listed.integrations[0];
    let one = api
        .get_integration(&first.integration_id, &uid)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(one.integration_id, first.integration_id);
    assert_eq!(one.installed, first.installed);
    assert_eq!(one.workflows.len(), first.workflows.len());
    assert!(one.app.is_some());
    let missing = api.get_integration("int_missing", &uid).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}
