//! What the end-to-end tests of installations, credentials and analytics share: a sandbox
//! answering by Alloy's official reference, a client of it, and a fresh user.

use alloy_api::Client;
use alloy_api::models::CreateUserRequest;
use alloy_api::prelude::*;
use alloy_sandbox::{Contract, Sandbox};

/// Starts a sandbox by the official contract (its default) and a client of it with fast
/// retries.
pub(crate) async fn official_sandbox() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.contract(), Contract::Official);
    let client = tests::builder(sandbox.base_url())
        .api_key(sandbox.api_key())
        .build()
        .unwrap();
    (sandbox, client)
}

/// Creates a user and returns their id.
pub(crate) async fn new_user(client: &Client, username: &str) -> String {
    client
        .create_user(&CreateUserRequest::new(username))
        .await
        .unwrap()
        .user_id
}

/// The HTTP status of a failed call.
#[track_caller]
pub(crate) fn status_of(error: &alloy_api::Error) -> u16 {
    error
        .status()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"))
        .as_u16()
}
