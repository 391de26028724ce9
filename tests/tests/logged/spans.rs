//! Tracing: one span per call with the OpenTelemetry HTTP client fields, and no secrets in it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, LazyLock, Mutex};

use alloy_api::RetryPolicy;
use alloy_api::prelude::*;
use serde_json::json;
use tests::{FaultServer, Reply};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.secret-token-payload.sig";

/// A span as the subscriber saw it: its name and the final value of every field.
#[derive(Debug, Clone, Default)]
struct CapturedSpan {
    name: &'static str,
    fields: BTreeMap<String, String>,
}

/// Everything the layer saw: spans by id (in creation order), and every event as text.
#[derive(Default)]
struct Captured {
    spans: Vec<(u64, CapturedSpan)>,
    events: Vec<String>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct FieldVisitor<'a>(&'a mut BTreeMap<String, String>);

impl Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut span = CapturedSpan {
            name: attrs.metadata().name(),
            ..CapturedSpan::default()
        };
        attrs.record(&mut FieldVisitor(&mut span.fields));
        self.0.lock().unwrap().spans.push((id.into_u64(), span));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        if let Some((_, span)) = captured
            .spans
            .iter_mut()
            .rev()
            .find(|(i, _)| *i == id.into_u64())
        {
            values.record(&mut FieldVisitor(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut FieldVisitor(&mut fields));
        self.0
            .lock()
            .unwrap()
            .events
            .push(format!("{} {fields:?}", event.metadata().level()));
    }
}

impl Capture {
    fn call_spans(&self) -> Vec<CapturedSpan> {
        let captured = self.0.lock().unwrap();
        captured
            .spans
            .iter()
            .map(|(_, s)| s.clone())
            .filter(|s| s.name == "alloy_api.call")
            .collect()
    }

    fn everything(&self) -> String {
        let captured = self.0.lock().unwrap();
        format!("{:?} {:?}", captured.spans, captured.events)
    }
}

/// Runs `f` on a current-thread runtime with a capturing subscriber (at TRACE, for every
/// target, so the HTTP stack's own output is checked for secrets too).
///
/// The tests of this file take turns: tracing caches each call site's interest when it is
/// first hit, and a call site first hit on one thread while another thread installs its own
/// scoped subscriber can be missed by that subscriber.
fn traced<F: std::future::Future>(f: impl FnOnce() -> F) -> (Capture, F::Output) {
    static TURN: Mutex<()> = Mutex::new(());
    let _turn = TURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let capture = Capture::default();
    let text = tests::trace::Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone()).with(
        tracing_subscriber::fmt::layer()
            .with_writer(text.clone())
            .with_ansi(false),
    );
    let output = tracing::subscriber::with_default(subscriber, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f())
    });
    capture.0.lock().unwrap().events.push(text.text());
    (capture, output)
}

/// Starts a [`FaultServer`] that answers every request not routed with a 404, as an API
/// answers a path it does not know.
///
/// The servers run on a runtime of their own, outside the captured one of [`traced`].
fn serve() -> FaultServer {
    static SERVERS: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    });
    let server = SERVERS.block_on(FaultServer::start());
    server.set_fallback(Reply::status(404));
    server
}

fn start_server() -> FaultServer {
    let server = serve();
    server.route(
        "GET",
        "/workflows/wf_1/logs",
        Reply::json(200, &json!({ "logs": [] })),
    );
    server.route(
        "GET",
        "/users/usr_1/token",
        Reply::json(200, &json!({ "token": TOKEN })),
    );
    server.route(
        "GET",
        "/users/nobody/token",
        Reply::json(
            404,
            &json!({ "error": "NOT_FOUND", "message": "User not found" }),
        ),
    );
    server
}

#[test]
fn a_call_is_one_span_with_the_http_client_fields() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, result) = traced(|| async { client.list_workflow_logs("wf_1", "usr_1").await });
    result.unwrap();
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 1, "{spans:?}");
    let fields = &spans[0].fields;
    assert_eq!(fields["otel.name"], "list_workflow_logs");
    assert_eq!(fields["operation"], "list_workflow_logs");
    assert_eq!(fields["otel.kind"], "client");
    assert_eq!(fields["http.request.method"], "GET");
    // The template, not the filled path: one time series per endpoint, not per workflow.
    assert_eq!(fields["url.template"], "/workflows/{workflowId}/logs");
    assert_eq!(fields["server.address"], "127.0.0.1");
    assert_eq!(fields["http.response.status_code"], "200");
    assert_eq!(fields["retries"], "0");
    assert!(fields["duration_ms"].parse::<u64>().is_ok(), "{fields:?}");
    assert!(!fields.contains_key("error.type"), "{fields:?}");
}

#[test]
fn a_failed_call_records_the_status_as_error_type() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, result) = traced(|| async { client.generate_user_token("nobody").await });
    assert!(result.unwrap_err().is_not_found());
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].fields["http.response.status_code"], "404");
    assert_eq!(spans[0].fields["error.type"], "404");
    assert_eq!(spans[0].fields["url.template"], "/users/{userId}/token");
}

#[test]
fn an_invalid_argument_is_traced_without_a_request() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, result) = traced(|| async { client.generate_user_token("..").await });
    assert!(matches!(
        result.unwrap_err(),
        alloy_api::Error::InvalidArgument {
            name: "user_id",
            ..
        }
    ));
    let spans = capture.call_spans();
    assert_eq!(spans[0].fields["error.type"], "invalid_argument");
    assert!(!spans[0].fields.contains_key("http.response.status_code"));
}

#[test]
fn retries_are_counted_on_the_span() {
    let server = serve();
    server.route("GET", "/integrations", Reply::untyped(503, ""));
    let client = tests::builder(&server.base_url())
        .retry_policy(RetryPolicy::default().with_max_retries(2).with_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        ))
        .build()
        .unwrap();
    let (capture, result) = traced(|| async { client.list_integrations("usr_1").await });
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(
            (request.method.as_str(), request.path()),
            ("GET", "/integrations")
        );
    }
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].fields["retries"], "2");
    assert_eq!(spans[0].fields["error.type"], "503");
    // Recorded once, when the call ends: a fmt line shows the count once, not each step.
    let text = capture.0.lock().unwrap().events.last().cloned().unwrap();
    assert!(text.contains("retries=2"), "{text}");
    for line in text.lines() {
        assert!(line.matches("retries=").count() <= 1, "{line}");
    }
}

#[test]
fn no_key_or_token_appears_in_traces() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, _) = traced(|| async {
        let token = client.generate_user_token("usr_1").await.unwrap();
        assert_eq!(token.token, TOKEN);
        let _ = client.generate_user_token("nobody").await;
        let _ = client.list_workflow_logs("wf_1", "usr_1").await;
    });
    let everything = capture.everything();
    assert!(
        everything.contains("generate_user_token"),
        "nothing captured"
    );
    assert!(
        !everything.contains(tests::TEST_KEY),
        "the API key leaked: {everything}"
    );
    assert!(
        !everything.contains("secret-token-payload"),
        "a token leaked: {everything}"
    );
}

/// The events of `capture` at `level` whose fields include `text`.
fn events_at(capture: &Capture, level: &str, text: &str) -> usize {
    let captured = capture.0.lock().unwrap();
    captured
        .events
        .iter()
        .filter(|e| e.starts_with(&format!("{level} ")) && e.contains(text))
        .count()
}

/// A call dropped before it finished closed its span with no status and no mark.
#[test]
fn a_call_dropped_while_in_flight_marks_its_span_as_cancelled() {
    let server = serve();
    server.route("GET", "/users/slow/token", Reply::stall());
    let client = tests::client_without_retries(&server.base_url());
    let (capture, ()) = traced(|| async {
        let call = client.generate_user_token("slow");
        tokio::select! {
            biased;
            result = call => panic!("a stalled server answered: {result:?}"),
            // The request reached the server: the call is in flight when it is dropped.
            () = server.wait_for_requests(1) => {}
        }
    });
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].fields["error.type"], "cancelled", "{spans:?}");
    assert!(!spans[0].fields.contains_key("http.response.status_code"));
    assert!(
        spans[0].fields["duration_ms"].parse::<u64>().is_ok(),
        "{spans:?}"
    );
    assert_eq!(events_at(&capture, "DEBUG", "call cancelled"), 1);
    assert_eq!(events_at(&capture, "WARN", "call failed"), 0);
}

#[test]
fn a_call_dropped_before_it_was_polled_marks_its_span_as_cancelled() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, ()) = traced(|| async {
        drop(client.generate_user_token("usr_1"));
    });
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].fields["error.type"], "cancelled");
    assert_eq!(events_at(&capture, "DEBUG", "call cancelled"), 1);
    assert_eq!(server.request_count(), 0, "nothing was sent");
}

#[test]
fn a_finished_call_is_not_marked_cancelled() {
    let server = start_server();
    let client = tests::client_without_retries(&server.base_url());
    let (capture, ()) = traced(|| async {
        client.generate_user_token("usr_1").await.unwrap();
        let _ = client.generate_user_token("nobody").await;
    });
    let spans = capture.call_spans();
    assert_eq!(spans.len(), 2);
    assert!(!spans[0].fields.contains_key("error.type"), "{spans:?}");
    assert_eq!(spans[1].fields["error.type"], "404");
    assert_eq!(events_at(&capture, "DEBUG", "call cancelled"), 0);
}

/// Every failed call logged a WARN, including the expected 404s of `is_not_found()` checks.
#[test]
fn an_api_4xx_logs_at_debug_and_a_5xx_at_warn() {
    let server = start_server();
    server.route("GET", "/integrations", Reply::untyped(503, ""));
    let client = tests::client_without_retries(&server.base_url());
    let (capture, ()) = traced(|| async {
        assert!(
            client
                .generate_user_token("nobody")
                .await
                .unwrap_err()
                .is_not_found()
        );
    });
    assert_eq!(events_at(&capture, "DEBUG", "call failed"), 1);
    assert_eq!(events_at(&capture, "WARN", "call failed"), 0);
    let (capture, ()) = traced(|| async {
        let error = client.list_integrations("usr_1").await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    });
    assert_eq!(events_at(&capture, "WARN", "call failed"), 1);
    assert_eq!(events_at(&capture, "DEBUG", "call failed"), 0);
}

#[test]
fn transport_failures_and_timeouts_log_at_warn_with_their_causes() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = tests::client_without_retries(&format!("http://127.0.0.1:{port}"));
    let (capture, ()) = traced(|| async {
        let error = refused.list_integrations("usr_1").await.unwrap_err();
        assert!(
            matches!(error, alloy_api::Error::Transport { .. }),
            "{error:?}"
        );
    });
    assert_eq!(events_at(&capture, "WARN", "call failed"), 1);
    let text = capture.0.lock().unwrap().events.last().cloned().unwrap();
    // The fmt subscriber prints the error's causes beside its one-level message.
    assert!(text.contains("the request could not be sent"), "{text}");
    assert!(text.contains("error.sources="), "{text}");

    let server = serve();
    server.route("GET", "/integrations", Reply::stall());
    let slow = tests::builder(&server.base_url())
        .timeout(std::time::Duration::from_millis(50))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let (capture, ()) = traced(|| async {
        assert!(
            slow.list_integrations("usr_1")
                .await
                .unwrap_err()
                .is_timeout()
        );
    });
    assert_eq!(events_at(&capture, "WARN", "call failed"), 1);
    assert_eq!(capture.call_spans()[0].fields["error.type"], "timeout");
}
