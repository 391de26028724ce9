//! The bounds on what a sandbox keeps: users, logs and errors, the oldest dropped first.

use chrono::{DateTime, TimeZone as _, Utc};

use super::harness::*;
use crate::wire::WorkflowError;

fn at(hour: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(2025, 9, 10, hour, 0, 0).unwrap())
}

fn log(id: &str, hour: u32) -> WorkflowLog {
    WorkflowLog {
        log_id: id.to_owned(),
        workflow_id: Some(ORDER_SYNC.to_owned()),
        status: Some(WorkflowLogStatus::Success),
        executed_at: at(hour),
        duration: Some(10),
    }
}

fn ids(state: &SandboxState, user_id: &str) -> Vec<String> {
    state
        .logs(user_id)
        .into_iter()
        .map(|log| log.log_id)
        .collect()
}

#[tokio::test]
async fn deleted_users_are_dropped_before_live_ones_oldest_first() {
    let h = Harness::with(SandboxConfig::new().with_max_users(3)).await;
    let state = h.state();
    for id in ["usr_1", "usr_2", "usr_3"] {
        state.add_user(id, id).unwrap();
        state.add_log(id, log(&format!("log_{id}"), 1)).unwrap();
    }
    state.delete_user("usr_3").unwrap();
    state.delete_user("usr_2").unwrap();
    // Two deleted records: the older one (usr_2, created before usr_3) goes first, with its
    // logs and usage, although it was deleted last.
    state.add_user("usr_4", "usr_4").unwrap();
    assert!(ids(&state, "usr_2").is_empty());
    assert_eq!(ids(&state, "usr_3"), ["log_usr_3"]);
    h.get("/analytics/detail-usage-user?userId=usr_2")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    let usage = h.get("/analytics/detail-usage-user?userId=usr_3").await;
    assert_eq!(usage.status, StatusCode::OK, "{}", usage.body);
    assert_eq!(usage.body["data"]["isDeleted"], true);

    state.add_user("usr_5", "usr_5").unwrap();
    assert!(
        ids(&state, "usr_3").is_empty(),
        "the last deleted user goes next"
    );
    assert!(state.user("usr_1").is_some());

    // No deleted user is left: the oldest live user goes, with everything that is theirs,
    // and their username is free again.
    state.add_user("usr_6", "usr_6").unwrap();
    assert!(state.user("usr_1").is_none());
    assert!(ids(&state, "usr_1").is_empty());
    h.get("/users/usr_1")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    let users: Vec<String> = state.users().into_iter().map(|user| user.user_id).collect();
    assert_eq!(users, ["usr_4", "usr_5", "usr_6"]);
    state.add_user("usr_7", "usr_1").unwrap();
    assert_eq!(state.user_count(), 3);
}

#[tokio::test]
async fn the_oldest_logs_and_errors_of_all_users_are_dropped_first() {
    let h = Harness::with(SandboxConfig::new().with_max_logs(4)).await;
    let state = h.state();
    state.add_user("usr_a", "a").unwrap();
    state.add_user("usr_b", "b").unwrap();
    state.add_log("usr_a", log("a1", 1)).unwrap();
    state.add_log("usr_b", log("b2", 2)).unwrap();
    state.add_log("usr_a", log("a3", 3)).unwrap();
    state.add_log("usr_b", log("b4", 4)).unwrap();
    assert_eq!(state.log_count(), 4);

    state.add_log("usr_b", log("b5", 5)).unwrap();
    assert_eq!(ids(&state, "usr_a"), ["a3"]);
    assert_eq!(ids(&state, "usr_b"), ["b2", "b4", "b5"]);
    // A deleted user's logs count, and go by age like anyone's.
    state.delete_user("usr_b").unwrap();
    state.add_log("usr_a", log("a6", 6)).unwrap();
    assert_eq!(ids(&state, "usr_b"), ["b4", "b5"]);
    assert_eq!(ids(&state, "usr_a"), ["a3", "a6"]);
    assert_eq!(state.log_count(), 4);

    // Errors are bounded the same way, apart from the logs.
    for hour in 1..=6 {
        state
            .add_error(
                "usr_a",
                WorkflowError {
                    error_id: format!("err_{hour}"),
                    workflow_id: Some(ORDER_SYNC.to_owned()),
                    message: Some("boom".to_owned()),
                    occurred_at: at(hour),
                },
            )
            .unwrap();
    }
    let errors: Vec<String> = state
        .errors("usr_a")
        .into_iter()
        .map(|error| error.error_id)
        .collect();
    assert_eq!(errors, ["err_3", "err_4", "err_5", "err_6"]);
    assert_eq!(state.log_count(), 4);
}

#[tokio::test]
async fn runs_over_http_keep_the_newest_logs_and_count_every_run() {
    let h = Harness::with(SandboxConfig::new().with_max_logs(3)).await;
    let user = h.official_user("alice").await;
    let mut all = Vec::new();
    for _ in 0..5 {
        h.run(&user, ORDER_SYNC, json!({})).await;
        all.extend(ids(&h.state(), &user).last().cloned());
    }
    assert_eq!(ids(&h.state(), &user), all[2..]);
    let (mut listed, pagination) = h.log_ids("").await;
    listed.sort();
    let mut kept = all[2..].to_vec();
    kept.sort();
    assert_eq!(listed, kept);
    assert_eq!(pagination["totalItems"], 3);
    // What ran is still counted.
    let usage = h.get("/analytics/usage").await;
    assert_eq!(usage.body["data"]["billingCycle"], 5, "{}", usage.body);
}
