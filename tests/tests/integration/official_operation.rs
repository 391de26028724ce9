//! What the wire tests of the official document's operations share: a mock that answers
//! only the exact request expected, with a body that has every field the operation's success
//! schema declares; the check that the official document accepts the request the client sent;
//! and the check that a decoded model serializes back to the body it was decoded from.

use std::future::Future;

use alloy_api::Client;
use httpmock::MockServer;
use serde::Serialize;
use serde_json::Value;
use tests::official;

use crate::mock::{Answer, Expected, expect};

/// One operation of the official document (`template` in OpenAPI form, `/users/{userId}`),
/// answered with [`official::sample_response`].
pub(crate) struct Operation {
    method: &'static str,
    template: &'static str,
    status: u16,
    /// The body the server answers, with every field the success schema declares.
    pub(crate) sample: Value,
}

impl Operation {
    /// The operation, to be answered with its documented status and a body with every field
    /// of its schema.
    pub(crate) fn answered(method: &'static str, template: &'static str) -> Self {
        let (status, _) = official::success(method, template);
        Self {
            method,
            template,
            status,
            sample: official::sample_response(method, template),
        }
    }

    /// Runs `call` against a fresh mock that answers only the request described (`target`:
    /// path and query as sent; the bearer key, the version header, `Content-Type` only with a
    /// body, exactly this JSON body), asserts that it answered exactly that request once and
    /// that the official document accepts it, and returns the call's value.
    pub(crate) async fn call<T, F, Fut>(&self, target: &str, body: Option<&Value>, call: F) -> T
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = alloy_api::Result<T>>,
    {
        let server = MockServer::start_async().await;
        let expected = Expected::new(self.method, target).with_body(body);
        let mock = expect(
            &server,
            expected,
            Answer::Json(self.status, self.sample.clone()),
        )
        .await;
        let result = call(tests::client(&server.base_url())).await;
        let (request, value) = mock.verify(result).await;
        official::assert_request_conforms(&request, self.method, self.template);
        value
    }

    /// Asserts that `decoded`, serialized again, is exactly the body the server answered:
    /// every field was decoded, none invented.
    #[track_caller]
    pub(crate) fn assert_round_trips(&self, decoded: &impl Serialize) {
        assert_eq!(
            serde_json::to_value(decoded).unwrap(),
            self.sample,
            "{} {}",
            self.method,
            self.template
        );
    }
}

/// Every operation of the official document has a wire test on the mock: the users,
/// workflows, run, events, logs and integrations resources in `wire_official`, the
/// installations, credentials and analytics ones in the files that test those resources.
#[test]
fn every_official_operation_has_a_wire_test() {
    let official = include_str!("wire_official.rs");
    let by_resource = [
        include_str!("wire_installations.rs"),
        include_str!("wire_credentials.rs"),
        include_str!("wire_analytics.rs"),
    ]
    .concat();
    let mut operations = Vec::new();
    for (template, item) in official::OFFICIAL["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tags = op["tags"].as_array().unwrap();
            let sources = if tags.iter().any(|t| {
                ["Installations", "Credentials", "Analytics"].contains(&t.as_str().unwrap())
            }) {
                &by_resource
            } else {
                official
            };
            let method = method.to_ascii_uppercase();
            let call = format!("Operation::answered({method:?}, {template:?})");
            assert!(
                sources.contains(&call),
                "{method} {template} has no wire test"
            );
            operations.push(format!("{method} {template}"));
        }
    }
    assert_eq!(operations.len(), 38, "{operations:#?}");
}
