//! What the wire tests of the official document's operations share: answering an operation
//! with a body that has every field its 200 schema declares, asserting the exact request that
//! reached the server (and that the document accepts it), and asserting that a decoded model
//! serializes back to the body it was decoded from.

use alloy_api::{Client, DEFAULT_API_VERSION};
use serde::Serialize;
use serde_json::Value;
use tests::{Body, FaultServer, Reply, TEST_KEY, assert_request, official};

/// One operation of the official document (`template` in OpenAPI form, `/users/{userId}`)
/// answered by a fresh server with [`official::sample_response`].
pub(crate) struct Operation {
    pub(crate) server: FaultServer,
    method: &'static str,
    template: &'static str,
    /// The body the server answers, with every field the 200 schema declares.
    pub(crate) sample: Value,
}

impl Operation {
    /// Starts a server that answers the next request with the operation's documented status
    /// and a body with every field of its schema.
    pub(crate) async fn answered(method: &'static str, template: &'static str) -> Self {
        let (status, _) = official::success(method, template);
        let sample = official::sample_response(method, template);
        let server = FaultServer::with_script([Reply::json(status, &sample)]).await;
        Self {
            server,
            method,
            template,
            sample,
        }
    }

    /// A client of the server with [`TEST_KEY`].
    pub(crate) fn client(&self) -> Client {
        tests::client(&self.server.base_url())
    }

    /// Asserts that the server read exactly one request, that it is exactly the request
    /// described (method, path, query string, bearer key, version header, `Content-Type`
    /// only with a body, the JSON body), and that the official document accepts it.
    #[track_caller]
    pub(crate) fn assert_sent(&self, path: &str, query: Option<&str>, body: Option<&Value>) {
        assert_eq!(
            self.server.request_count(),
            1,
            "{} {}",
            self.method,
            self.template
        );
        let request = self.server.last_request().unwrap();
        let authorization = format!("Bearer {TEST_KEY}");
        assert_request(
            &request,
            self.method,
            path,
            query,
            &[
                ("authorization", Some(&authorization)),
                ("x-api-version", Some(DEFAULT_API_VERSION)),
                ("content-type", body.map(|_| "application/json")),
            ],
            body.map_or(Body::Empty, Body::Json),
        );
        official::assert_request_conforms(&request, self.method, self.template);
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

/// Every operation the official document files under Installations, Credentials or
/// Analytics has a wire test in the files that test those resources.
#[test]
fn every_installation_credential_and_analytics_operation_has_a_wire_test() {
    let sources = [
        include_str!("wire_installations.rs"),
        include_str!("wire_credentials.rs"),
        include_str!("wire_analytics.rs"),
    ]
    .concat();
    let mut operations = Vec::new();
    for (template, item) in official::OFFICIAL["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tags = op["tags"].as_array().unwrap();
            if tags.iter().any(|t| {
                ["Installations", "Credentials", "Analytics"].contains(&t.as_str().unwrap())
            }) {
                let method = method.to_ascii_uppercase();
                let call = format!("Operation::answered({method:?}, {template:?})");
                assert!(
                    sources.contains(&call),
                    "{method} {template} has no wire test"
                );
                operations.push(format!("{method} {template}"));
            }
        }
    }
    assert_eq!(operations.len(), 14, "{operations:#?}");
}
