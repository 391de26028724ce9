//! Test doubles: a service generic over `A: AlloyApi` is tested with a `Transport` that
//! returns canned responses and records requests, with no HTTP at all.

use std::collections::VecDeque;
use std::sync::Mutex;

use alloy_api::models::CreateUserRequest;
use alloy_api::prelude::*;
use alloy_api::{Error, RawResponse, Request, Transport};
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
