//! Error mapping: what a caller gets back for each kind of failed response.

use alloy_api::Error;
use alloy_api::models::CreateUserRequest;
use alloy_api::prelude::*;
use serde_json::json;
use tests::{FaultServer, Reply};

/// Answers every request with this status, content type and body.
fn answer(server: &FaultServer, status: u16, content_type: &str, body: &str) {
    server.set_fallback(Reply::body(status, content_type, body));
}

#[tokio::test]
async fn contract_error_bodies_keep_status_code_and_message() {
    for (status, code, message) in [
        (400, "BAD_REQUEST", "username is required"),
        (401, "UNAUTHORIZED", "Invalid API key"),
        (404, "NOT_FOUND", "User not found"),
    ] {
        let server = FaultServer::start().await;
        let body = json!({ "error": code, "message": message }).to_string();
        answer(&server, status, "application/json", &body);
        let err = tests::client_without_retries(&server.base_url())
            .generate_user_token("usr_1")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.error_code(), Some(code));
        assert_eq!(err.message(), Some(message));
        assert_eq!(err.is_not_found(), status == 404);
        assert_eq!(err.is_unauthorized(), status == 401);
        assert!(!err.is_retryable());
        let shown = err.to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains(message),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn an_error_body_with_only_a_message_works() {
    let server = FaultServer::start().await;
    answer(
        &server,
        404,
        "application/json",
        r#"{"message":"User not found"}"#,
    );
    let err = tests::client_without_retries(&server.base_url())
        .delete_user_logs("usr_1")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.error_code(), None);
    assert_eq!(err.message(), Some("User not found"));
}

#[tokio::test]
async fn a_non_json_error_body_keeps_status_and_text() {
    let server = FaultServer::start().await;
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    answer(&server, 502, "text/html", page);
    let err = tests::client_without_retries(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!((api.error_code(), api.message()), (None, None));
    assert_eq!(std::str::from_utf8(api.body()).unwrap(), page);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error_that_keeps_the_body() {
    let server = FaultServer::start().await;
    answer(&server, 201, "application/json", r#"{"userId": 42"#);
    let err = tests::client_without_retries(&server.base_url())
        .create_user(&CreateUserRequest::new("u"))
        .await
        .unwrap_err();
    let Error::Decode { status, body, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(status.as_u16(), 201);
    assert_eq!(&body[..], br#"{"userId": 42"#);
    assert!(err.to_string().contains("could not decode"), "{err}");
}

#[tokio::test]
async fn a_success_body_of_the_wrong_shape_is_a_decode_error() {
    let server = FaultServer::start().await;
    answer(
        &server,
        200,
        "application/json",
        r#"{"logs": "not a list"}"#,
    );
    let err = tests::client_without_retries(&server.base_url())
        .list_workflow_logs("wf_1", "usr_1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn an_empty_error_body_keeps_the_status() {
    let server = FaultServer::start().await;
    answer(&server, 401, "application/json", "");
    let err = tests::client_without_retries(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(err.message(), None);
    assert_eq!(err.to_string(), "the API answered 401 Unauthorized");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = tests::client_without_retries(&format!("http://127.0.0.1:{port}"));
    let err = client.list_integrations("usr_1").await.unwrap_err();
    tests::assert_transport(&err, false);
    assert_eq!(err.status(), None);
}

/// Support asks for the request id of a failed call: an API error keeps the answer's headers.
#[tokio::test]
async fn an_api_error_keeps_the_response_headers_and_request_id() {
    let server = FaultServer::start().await;
    server.set_fallback(
        Reply::body(500, "application/json", r#"{"message":"internal error"}"#)
            .header("x-request-id", "req-7f3a"),
    );
    let err = tests::client_without_retries(&server.base_url())
        .generate_user_token("usr_1")
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req-7f3a"));
    let headers = err.headers().expect("an API error has headers");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(err.message(), Some("internal error"));
}

/// The lines of `error`'s report as anyhow and eyre print it: its `Display`, then the
/// `Display` of each `source()` in turn.
fn report(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect()
}

/// Asserts that no line of `lines` repeats the text of another: each cause is shown once.
#[track_caller]
fn each_cause_once(lines: &[String]) {
    let whole = lines.join(": ");
    for line in lines {
        assert_eq!(
            whole.matches(line.as_str()).count(),
            1,
            "{line:?} is shown more than once in {whole:?}"
        );
    }
}

/// Error reports printed each transport cause twice: once in the error's `Display`, again
/// as its `source()`.
#[tokio::test]
async fn a_report_of_a_refused_connection_shows_each_cause_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = tests::client_without_retries(&format!("http://127.0.0.1:{port}"));
    let err = client.list_integrations("usr_1").await.unwrap_err();
    let lines = report(&err);
    assert_eq!(lines[0], "the request could not be sent", "{lines:?}");
    assert!(
        lines.len() >= 2,
        "the cause comes through `source()`: {lines:?}"
    );
    each_cause_once(&lines);
}

#[tokio::test]
async fn a_report_of_a_connection_reset_mid_body_shows_each_cause_once() {
    let server = FaultServer::start().await;
    server.set_fallback(Reply::json(200, &json!({ "data": [1, 2, 3, 4] })).reset_mid_body());
    let err = tests::client_without_retries(&server.base_url())
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    tests::assert_transport(&err, true);
    let lines = report(&err);
    assert_eq!(
        lines[0], "the request failed after it may have reached the server",
        "{lines:?}"
    );
    assert!(
        lines.len() >= 2,
        "the cause comes through `source()`: {lines:?}"
    );
    each_cause_once(&lines);
}

#[tokio::test]
async fn an_api_error_is_a_std_error_with_a_one_line_report() {
    let server = FaultServer::start().await;
    answer(
        &server,
        404,
        "application/json",
        r#"{"error":"NOT_FOUND","message":"User not found"}"#,
    );
    let err = tests::client_without_retries(&server.base_url())
        .generate_user_token("usr_1")
        .await
        .unwrap_err();
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}");
    };
    let lines = report(&api);
    assert_eq!(
        lines,
        ["the API answered 404 Not Found: NOT_FOUND: User not found"]
    );
    // As any error: boxed, and back.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(api);
    assert_eq!(
        boxed
            .downcast_ref::<alloy_api::ApiError>()
            .map(|a| a.status().as_u16()),
        Some(404)
    );
}
