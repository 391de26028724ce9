//! The lazy page walks (`workflow_logs`, `logs`) against a scripted server: no items, one
//! page, many pages, an error in the middle of a walk, that nothing is fetched before it is
//! needed, that a server which ignores paging or never ends cannot make a walk endless, and
//! that an owned walk runs in a spawned task.

use alloy_api::models::{LogQuery, WorkflowLogsQuery};
use alloy_api::prelude::*;
use alloy_api::{Error, PaginationKind};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tests::{FaultServer, Reply};

/// A client that does not retry, so a failed page is one request.
/// A page of workflow logs with the execution ids `ids`.
fn log_page(ids: std::ops::Range<u32>) -> Reply {
    let data: Vec<Value> = ids
        .map(|i| json!({"executionId": format!("ex_{i}"), "finished": true}))
        .collect();
    Reply::json(200, &json!({ "data": data }))
}

/// A page of the log feed with the entry ids `ids`, out of `total`.
fn feed_page(ids: std::ops::Range<u32>, total: Option<u32>) -> Reply {
    let notifications: Vec<Value> = ids.map(|i| json!({"_id": format!("n_{i}")})).collect();
    let mut body = json!({ "notifications": notifications });
    if let Some(total) = total {
        body["pagination"] = json!({ "totalItems": total });
    }
    Reply::json(200, &body)
}

/// The query strings of every request the server read.
fn queries(server: &FaultServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn no_items_is_one_request_and_an_empty_walk() {
    let server = FaultServer::start().await;
    server.script([log_page(0..0)]);
    let client = tests::client_without_retries(&server.base_url());
    let logs = client
        .workflow_logs("wf_1", WorkflowLogsQuery::new().with_user_id("usr_1"))
        .try_collect()
        .await
        .unwrap();
    assert!(logs.is_empty());
    assert_eq!(queries(&server), ["userId=usr_1&page=1&limit=30"]);
}

#[tokio::test]
async fn a_short_first_page_is_the_only_page() {
    let server = FaultServer::start().await;
    server.script([log_page(0..3)]);
    let client = tests::client_without_retries(&server.base_url());
    let logs = client
        .workflow_logs("wf_1", WorkflowLogsQuery::new().with_limit(5))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = logs.iter().map(|l| l.log_id.as_str()).collect();
    assert_eq!(ids, ["ex_0", "ex_1", "ex_2"]);
    assert_eq!(queries(&server), ["page=1&limit=5"]);
}

#[tokio::test]
async fn many_pages_are_walked_in_order_each_item_once() {
    let server = FaultServer::start().await;
    server.script([log_page(0..2), log_page(2..4), log_page(4..5)]);
    let client = tests::client_without_retries(&server.base_url());
    let logs = client
        .workflow_logs("wf_1", WorkflowLogsQuery::new().with_limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = logs.into_iter().map(|l| l.log_id).collect();
    assert_eq!(ids, ["ex_0", "ex_1", "ex_2", "ex_3", "ex_4"]);
    assert_eq!(
        queries(&server),
        ["page=1&limit=2", "page=2&limit=2", "page=3&limit=2"]
    );
}

#[tokio::test]
async fn a_walk_starts_at_the_page_asked_for() {
    let server = FaultServer::start().await;
    server.script([log_page(0..1)]);
    let client = tests::client_without_retries(&server.base_url());
    let logs = client
        .workflow_logs("wf_1", WorkflowLogsQuery::new().with_page(4).with_limit(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(queries(&server), ["page=4&limit=3"]);
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let server = FaultServer::start().await;
    server.script([log_page(0..2), log_page(2..3)]);
    let client = tests::client_without_retries(&server.base_url());
    let mut logs = client.workflow_logs("wf_1", WorkflowLogsQuery::new().with_limit(2));
    assert_eq!(server.request_count(), 0, "nothing before the first item");
    assert_eq!(logs.next().await.unwrap().unwrap().log_id, "ex_0");
    assert_eq!(logs.next().await.unwrap().unwrap().log_id, "ex_1");
    assert_eq!(
        server.request_count(),
        1,
        "page 2 waits until page 1 is used up"
    );
    assert_eq!(logs.next().await.unwrap().unwrap().log_id, "ex_2");
    assert_eq!(server.request_count(), 2);
    assert!(logs.next().await.is_none());
    assert_eq!(logs.pages_fetched(), 2);
}

#[tokio::test]
async fn an_error_mid_walk_comes_after_every_item_before_it_and_ends_the_walk() {
    let server = FaultServer::start().await;
    server.script([
        log_page(0..2),
        Reply::json(500, &json!({"error": "INTERNAL", "message": "boom"})),
        log_page(2..4),
    ]);
    let client = tests::client_without_retries(&server.base_url());
    let walk = client.workflow_logs("wf_1", WorkflowLogsQuery::new().with_limit(2));
    // Through `futures::StreamExt`, as any `Stream`.
    let items: Vec<_> = walk.collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().log_id, "ex_0");
    assert_eq!(items[1].as_ref().unwrap().log_id, "ex_1");
    let error = items[2].as_ref().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.request_count(), 2, "the walk ends at the error");
}

#[tokio::test]
async fn the_log_feed_walks_by_offset_and_stops_at_the_total() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..2, Some(4)), feed_page(2..4, Some(4))]);
    let client = tests::client_without_retries(&server.base_url());
    let entries = client
        .logs(
            LogQuery::new()
                .with_associated_user_id("usr_1")
                .with_limit(2),
        )
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = entries
        .into_iter()
        .map(|e| e.id.into_option().unwrap())
        .collect();
    assert_eq!(ids, ["n_0", "n_1", "n_2", "n_3"]);
    // The total is read: no third, empty page.
    assert_eq!(
        queries(&server),
        [
            "associatedUserId=usr_1&skip=0&limit=2",
            "associatedUserId=usr_1&skip=2&limit=2"
        ]
    );
}

#[tokio::test]
async fn the_log_feed_without_totals_ends_at_a_short_page() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..10, None), feed_page(10..13, None)]);
    let client = tests::client_without_retries(&server.base_url());
    let entries = client
        .logs(LogQuery::new().with_skip(5))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(entries.len(), 13);
    assert_eq!(queries(&server), ["skip=5&limit=10", "skip=15&limit=10"]);
}

#[tokio::test]
async fn an_empty_log_feed_is_one_request() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..0, Some(0))]);
    let client = tests::client_without_retries(&server.base_url());
    let mut entries = client.logs(LogQuery::new());
    assert!(entries.next().await.is_none());
    assert_eq!(server.request_count(), 1);
}

/// A server that ignored `skip` and answered full pages with no `totalItems` made `logs()`
/// walk forever: the walk now ends when a page repeats the one before it.
#[tokio::test]
async fn a_log_feed_that_ignores_the_offset_ends_with_an_error_after_one_repeat() {
    let server = FaultServer::start().await;
    server.set_fallback(feed_page(0..10, None));
    let client = tests::client_without_retries(&server.base_url());
    let items: Vec<_> = client.logs(LogQuery::new()).collect().await;
    assert_eq!(items.len(), 11, "ten entries, then the error");
    let ids: Vec<&str> = items[..10]
        .iter()
        .map(|e| e.as_ref().unwrap().id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, (0..10).map(|i| format!("n_{i}")).collect::<Vec<_>>());
    let error = items[10].as_ref().unwrap_err();
    assert_eq!(
        error.pagination_kind(),
        Some(PaginationKind::NoProgress),
        "{error:?}"
    );
    assert_eq!(queries(&server), ["skip=0&limit=10", "skip=10&limit=10"]);
}

#[tokio::test]
async fn workflow_logs_that_ignore_the_page_number_end_with_an_error_after_one_repeat() {
    let server = FaultServer::start().await;
    server.set_fallback(log_page(0..2));
    let client = tests::client_without_retries(&server.base_url());
    let mut logs = client.workflow_logs("wf_1", WorkflowLogsQuery::new().with_limit(2));
    assert_eq!(logs.next().await.unwrap().unwrap().log_id, "ex_0");
    assert_eq!(logs.next().await.unwrap().unwrap().log_id, "ex_1");
    let error = logs.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            Error::Pagination {
                kind: PaginationKind::NoProgress,
                pages: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(logs.next().await.is_none());
    assert_eq!(queries(&server), ["page=1&limit=2", "page=2&limit=2"]);
}

#[tokio::test]
async fn a_walk_over_endless_new_pages_stops_at_its_cap_with_an_error() {
    let server = FaultServer::start().await;
    // Full pages of new entries, more than the cap: only the cap ends the walk.
    server.script((0..5).map(|p| feed_page(p * 2..p * 2 + 2, None)));
    let client = tests::client_without_retries(&server.base_url());
    let items: Vec<_> = client
        .logs(LogQuery::new().with_limit(2))
        .with_max_pages(3)
        .collect()
        .await;
    assert_eq!(items.len(), 7, "three pages of two, then the error");
    assert!(items[..6].iter().all(Result::is_ok));
    let error = items[6].as_ref().unwrap_err();
    assert!(
        matches!(
            error,
            Error::Pagination {
                kind: PaginationKind::TooManyPages,
                pages: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 3);
}

/// `skip + entries read` overflowed and panicked for a `skip` near `u64::MAX`.
#[tokio::test]
async fn an_offset_near_the_end_of_u64_is_an_invalid_argument_not_a_panic() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..10, None)]);
    let client = tests::client_without_retries(&server.base_url());
    let items: Vec<_> = client
        .logs(LogQuery::new().with_skip(u64::MAX))
        .collect()
        .await;
    assert_eq!(items.len(), 11, "the page's entries, then the error");
    assert!(items[..10].iter().all(Result::is_ok));
    assert!(
        matches!(items[10], Err(Error::InvalidArgument { name: "query", .. })),
        "{:?}",
        items[10]
    );
    assert_eq!(
        queries(&server),
        [format!("skip={}&limit=10", u64::MAX)],
        "nothing is sent for the page past the end"
    );
}

#[tokio::test]
async fn a_short_page_at_the_end_of_u64_ends_the_walk() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..3, None)]);
    let client = tests::client_without_retries(&server.base_url());
    let entries = client
        .logs(LogQuery::new().with_skip(u64::MAX - 1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_owned_walk_runs_in_a_spawned_task() {
    let server = FaultServer::start().await;
    server.script([feed_page(0..2, Some(3)), feed_page(2..3, Some(3))]);
    let client = tests::client_without_retries(&server.base_url());
    let walk = client.clone().into_logs(LogQuery::new().with_limit(2));
    drop(client);
    let entries = tokio::spawn(walk.try_collect()).await.unwrap().unwrap();
    let ids: Vec<String> = entries
        .into_iter()
        .map(|e| e.id.into_option().unwrap())
        .collect();
    assert_eq!(ids, ["n_0", "n_1", "n_2"]);
    assert_eq!(queries(&server), ["skip=0&limit=2", "skip=2&limit=2"]);
}

#[tokio::test]
async fn an_owned_workflow_log_walk_runs_in_a_spawned_task() {
    let server = FaultServer::start().await;
    server.script([log_page(0..2), log_page(2..3)]);
    let client = tests::client_without_retries(&server.base_url());
    let workflow_id = String::from("wf_1");
    let walk = client
        .clone()
        .into_workflow_logs(workflow_id, WorkflowLogsQuery::new().with_limit(2));
    let task = tokio::spawn(async move {
        let mut walk = walk;
        let mut ids = Vec::new();
        while let Some(log) = walk.next().await {
            ids.push(log.unwrap().log_id);
        }
        ids
    });
    assert_eq!(task.await.unwrap(), ["ex_0", "ex_1", "ex_2"]);
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(paths, ["/workflows/wf_1/logs", "/workflows/wf_1/logs"]);
    assert_eq!(queries(&server), ["page=1&limit=2", "page=2&limit=2"]);
}
