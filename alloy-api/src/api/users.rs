//! Users (Alloy's *Users* reference).

use crate::models::{CreateUserRequest, SuccessResponse, TokenResponse, User};
use crate::{Result, Transport, api_endpoint};

/// Users: the end users of your product in Alloy, their tokens and their data
/// (Alloy's *Users* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait UsersApi: Transport {
    /// Creates a new end user in the Alloy Embedded platform to manage their integrations and
    /// credentials (`POST /users`, 201).
    #[api_endpoint(method = "POST", path = "/users")]
    async fn create_user(&self, #[body] request: &CreateUserRequest) -> Result<User>;

    /// Generates a short-lived JSON Web Token (JWT) for an end user to authenticate frontend
    /// SDK operations (`GET /users/{userId}/token?userId=`: Alloy's reference asks for the
    /// user in the query too, so it is sent in both places).
    #[api_endpoint(method = "GET", path = "/users/<userId>/token")]
    async fn generate_user_token(&self, #[query] user_id: &str) -> Result<TokenResponse>;

    /// Purges all workflow execution logs and user-related data for GDPR/CCPA compliance
    /// (`DELETE /users/{userId}/logs?userId=`: Alloy's reference asks for the user in the
    /// query too, so it is sent in both places).
    #[api_endpoint(method = "DELETE", path = "/users/<userId>/logs")]
    async fn delete_user_logs(&self, #[query] user_id: &str) -> Result<SuccessResponse>;
}

impl<T: Transport + ?Sized> UsersApi for T {}
