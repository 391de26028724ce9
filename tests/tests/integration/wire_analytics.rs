//! Wire format of the analytics operations, by Alloy's official document: the exact request
//! each sends, and a response with every field the document declares decoded and given back
//! unchanged.

use alloy_api::prelude::*;
use chrono::NaiveDate;

use crate::official_operation::Operation;

fn first_of_september() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 9, 1)
}

#[tokio::test]
async fn get_usage_sends_no_query_and_decodes_every_count() {
    let op = Operation::answered("GET", "/analytics/usage");
    let answer = op
        .call(
            "/analytics/usage",
            None,
            |c| async move { c.get_usage().await },
        )
        .await;
    let usage = &answer.data;
    assert_eq!(usage.start_date, first_of_september());
    assert_eq!(usage.executions_limit, Some(7));
    assert_eq!(usage.last_three_months, Some(7));
    assert_eq!(usage.api_actions, Some(7));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn get_usage_over_time_sends_no_query_and_decodes_every_period() {
    let op = Operation::answered("GET", "/analytics/detail-usage-time");
    let answer = op
        .call("/analytics/detail-usage-time", None, |c| async move {
            c.get_usage_over_time().await
        })
        .await;
    let usage = &answer.data;
    assert_eq!(usage.total_actions, Some(7));
    assert_eq!(usage.time_period.as_deref(), Some("timePeriod-1"));
    let period = &usage.periods[0];
    assert_eq!(period.month.as_deref(), Some("month-1"));
    assert_eq!(period.year, Some(7));
    assert_eq!(period.date, first_of_september());
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn get_user_usage_sends_the_user_in_the_query() {
    let op = Operation::answered("GET", "/analytics/detail-usage-user");
    let answer = op
        .call(
            "/analytics/detail-usage-user?userId=usr+1",
            None,
            |c| async move { c.get_user_usage("usr 1").await },
        )
        .await;
    let usage = &answer.data;
    assert_eq!(usage.user_id.as_deref(), Some("userId-1"));
    assert_eq!(
        usage.user_created_date.unwrap().to_rfc3339(),
        "2025-09-01T10:00:00+00:00"
    );
    assert_eq!(usage.is_deleted, Some(true));
    let period = &usage.periods[0];
    assert_eq!(period.user_created_date, first_of_september());
    assert_eq!(period.app_actions, Some(7));
    op.assert_round_trips(&answer);
}
