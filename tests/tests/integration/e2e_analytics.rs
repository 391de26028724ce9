//! End to end, against the sandbox: the usage analytics count the workflow runs of the
//! account and of each user.

use alloy_api::models::{Date, RunWorkflowRequest};
use alloy_api::prelude::*;

use crate::e2e_common::{new_user, official_sandbox, status_of};

const ORDER_SYNC: &str = "wf_shopify_order_sync";

/// Runs the user's order sync `times` times, by its id and the name the catalog gives it.
async fn run(api: &alloy_api::Client, user: &str, times: usize) {
    let name = api
        .list_integrations(user)
        .await
        .unwrap()
        .integrations
        .into_iter()
        .flat_map(|integration| integration.workflows)
        .find(|workflow| workflow.workflow_id == ORDER_SYNC)
        .and_then(|workflow| workflow.name.into_option())
        .unwrap();
    for _ in 0..times {
        api.run_workflow(&RunWorkflowRequest::new(user, ORDER_SYNC, &name))
            .await
            .unwrap();
    }
}

fn today() -> Date {
    chrono::Utc::now().date_naive()
}

#[tokio::test]
async fn usage_counts_the_runs_of_the_account_and_of_each_user() {
    let (_sandbox, api) = official_sandbox().await;
    let before = api.get_usage().await.unwrap().data;
    assert_eq!(before.billing_cycle, Some(0));
    assert!(before.executions_limit.unwrap() > 0);
    let (start, end) = (before.start_date.unwrap(), before.end_date.unwrap());
    assert!(start <= today() && today() <= end, "{start}..{end}");

    let busy = new_user(&api, "busy").await;
    let quiet = new_user(&api, "quiet").await;
    run(&api, &busy, 3).await;
    run(&api, &quiet, 1).await;

    let usage = api.get_usage().await.unwrap().data;
    for (what, count) in [
        ("billingCycle", *usage.billing_cycle),
        ("sevenDays", *usage.seven_days),
        ("thirtyDays", *usage.thirty_days),
        ("lastThreeMonths", *usage.last_three_months),
    ] {
        assert_eq!(count, Some(4), "{what}: {usage:#?}");
    }

    let over_time = api.get_usage_over_time().await.unwrap().data;
    assert_eq!(over_time.total_actions, Some(4));
    let counted: i64 = over_time.periods.iter().filter_map(|p| *p.count).sum();
    assert_eq!(counted, 4);
    assert!(over_time.periods.iter().any(|p| p.date == Some(today())));

    let busy_usage = api.get_user_usage(&busy).await.unwrap().data;
    assert_eq!(busy_usage.user_id.as_deref(), Some(busy.as_str()));
    assert_eq!(busy_usage.total_actions, Some(3));
    assert_eq!(busy_usage.is_deleted, Some(false));
    let counted: i64 = busy_usage.periods.iter().filter_map(|p| *p.count).sum();
    assert_eq!(counted, 3);
    assert!(
        busy_usage
            .periods
            .iter()
            .all(|p| p.user_id.as_deref() == Some(busy.as_str()))
    );
    assert_eq!(
        api.get_user_usage(&quiet).await.unwrap().data.total_actions,
        Some(1)
    );
}

/// A deleted user's usage is still counted, and says the user is deleted.
#[tokio::test]
async fn a_deleted_users_usage_says_so() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "gone").await;
    run(&api, &user, 2).await;
    api.delete_user(&user).await.unwrap();
    let usage = api.get_user_usage(&user).await.unwrap().data;
    assert_eq!(usage.is_deleted, Some(true));
    assert_eq!(usage.total_actions, Some(2));
    let error = api.get_user_usage("nobody").await.unwrap_err();
    assert_eq!(status_of(&error), 404, "{error:?}");
}
