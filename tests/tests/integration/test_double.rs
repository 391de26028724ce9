//! Test doubles: a service generic over `A: AlloyApi` is tested with a `Transport` that
//! returns canned responses and records requests, with no HTTP at all; a service that holds
//! a boxed `DynTransport` swaps its transport at run time.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use alloy_api::models::{CreateUserRequest, LogQuery};
use alloy_api::prelude::*;
use alloy_api::{DynTransport, Error, RawResponse, Request, Transport};
use serde_json::{Value, json};

/// The user's own code: onboarding a customer creates an Alloy user and mints the token the
/// frontend needs.
struct Onboarding<A> {
    api: A,
}

impl<A: AlloyApi> Onboarding<A> {
    async fn onboard(&self, customer: &str) -> Result<(String, String), Error> {
        let user = self
            .api
            .create_user(&CreateUserRequest::new(customer))
            .await?;
        let token = self.api.generate_user_token(&user.user_id).await?;
        Ok((user.user_id, token.token))
    }
}

/// What the double saw of one request.
#[derive(Debug, PartialEq)]
struct Seen {
    method: &'static str,
    path: String,
    body: Option<Value>,
}

/// Answers each request with the next canned response, and records it.
#[derive(Default)]
struct Canned {
    responses: Mutex<VecDeque<RawResponse>>,
    seen: Mutex<Vec<Seen>>,
}

impl Canned {
    fn answering(responses: impl IntoIterator<Item = RawResponse>) -> Self {
        Self {
            responses: Mutex::new(responses.into_iter().collect()),
            seen: Mutex::default(),
        }
    }
}

impl Transport for Canned {
    async fn execute(&self, request: Request) -> alloy_api::Result<RawResponse> {
        self.seen.lock().unwrap().push(Seen {
            method: request.method().as_str(),
            path: request.path().to_owned(),
            body: request.body().map(|b| serde_json::from_slice(b).unwrap()),
        });
        Ok(self
            .responses
            .lock()
            .unwrap()
            .pop_front()
            .expect("the test queued a response for every call"))
    }
}

#[tokio::test]
async fn a_service_is_tested_with_canned_responses() {
    let double = Canned::answering([
        RawResponse::json(&json!({ "userId": "usr_9", "username": "acme" }))
            .with_status(http::StatusCode::CREATED),
        RawResponse::json(&json!({ "token": "jwt-for-usr_9" })),
    ]);
    let service = Onboarding { api: &double };
    let (user_id, token) = service.onboard("acme").await.unwrap();
    assert_eq!(
        (user_id.as_str(), token.as_str()),
        ("usr_9", "jwt-for-usr_9")
    );
    assert_eq!(
        *double.seen.lock().unwrap(),
        vec![
            Seen {
                method: "POST",
                path: "/users".into(),
                body: Some(json!({ "username": "acme" })),
            },
            Seen {
                method: "GET",
                path: "/users/usr_9/token".into(),
                body: None,
            },
        ]
    );
}

#[tokio::test]
async fn canned_errors_map_like_real_ones() {
    let double = Canned::answering([RawResponse::json(
        &json!({ "error": "BAD_REQUEST", "message": "username taken" }),
    )
    .with_status(http::StatusCode::BAD_REQUEST)]);
    let service = Onboarding { api: double };
    let err = service.onboard("acme").await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(err.message(), Some("username taken"));
    // The token was never asked for.
    assert_eq!(service.api.seen.lock().unwrap().len(), 1);
}

/// A service that holds its transport as one boxed type, chosen at run time (a double in
/// tests, the client in production), and may swap it while it runs.
struct Service {
    api: Box<dyn DynTransport>,
}

impl Service {
    /// Calls three resources' traits on the boxed transport.
    async fn report(&self, user_id: &str) -> Result<(usize, usize, usize), Error> {
        let integrations = self.api.list_integrations(user_id).await?;
        let logs = self.api.list_workflow_logs("wf_1", user_id).await?;
        let entries = self
            .api
            .logs(LogQuery::new().with_associated_user_id(user_id))
            .try_collect()
            .await?;
        Ok((
            integrations.integrations.len(),
            logs.logs.len(),
            entries.len(),
        ))
    }
}

fn answers(integrations: usize) -> [RawResponse; 3] {
    let integration = json!({ "integrationId": "int_1", "app": "slack" });
    [
        RawResponse::json(&json!({ "data": vec![integration; integrations] })),
        RawResponse::json(&json!({ "data": [{ "executionId": "ex_1", "finished": true }] })),
        RawResponse::json(&json!({ "notifications": [{ "_id": "n_1" }] })),
    ]
}

#[tokio::test]
async fn a_boxed_transport_swapped_at_run_time_serves_every_api_trait() {
    let first = Arc::new(Canned::answering(answers(1)));
    let second = Arc::new(Canned::answering(answers(2)));
    let mut service = Service {
        api: Box::new(first.clone()),
    };
    assert_eq!(service.report("usr_1").await.unwrap(), (1, 1, 1));
    service.api = Box::new(second.clone());
    assert_eq!(service.report("usr_2").await.unwrap(), (2, 1, 1));
    let paths = |double: &Canned| -> Vec<String> {
        double
            .seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.path.clone())
            .collect()
    };
    let expected = ["/integrations", "/workflows/wf_1/logs", "/logs"];
    assert_eq!(paths(&first), expected);
    assert_eq!(paths(&second), expected, "the swap took effect");
    // Generic code takes the boxed transport as any other.
    let onboarding = Onboarding {
        api: Box::new(Canned::answering([
            RawResponse::json(&json!({ "userId": "usr_9", "username": "acme" })),
            RawResponse::json(&json!({ "token": "t" })),
        ])) as Box<dyn DynTransport>,
    };
    assert_eq!(
        onboarding.onboard("acme").await.unwrap(),
        ("usr_9".to_owned(), "t".to_owned())
    );
}

#[tokio::test]
async fn a_shared_boxed_transport_walks_pages_in_a_spawned_task() {
    let double: Arc<dyn DynTransport> = Arc::new(Canned::answering([
        RawResponse::json(&json!({ "notifications": [{ "_id": "n_1" }, { "_id": "n_2" }] })),
        RawResponse::json(&json!({ "notifications": [{ "_id": "n_3" }] })),
    ]));
    let walk = double.clone().into_logs(LogQuery::new().with_limit(2));
    let entries = tokio::spawn(walk.try_collect()).await.unwrap().unwrap();
    let ids: Vec<_> = entries.iter().map(|e| e.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["n_1", "n_2", "n_3"]);
}
