//! Users (Alloy's *Users* reference).

use crate::models::{
    BatchCreateUsersRequest, BatchCreateUsersResponse, CreateUserRequest, SuccessResponse,
    TokenResponse, UpdateUserRequest, User, UserList,
};
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

    /// Lists the users of your account, or only those who installed the parent workflow
    /// `parent_workflow_id` (`GET /users?parentWorkflowId=`).
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list_users(&self, #[query] parent_workflow_id: Option<&str>) -> Result<UserList>;

    /// Retrieves one user by id or username (`GET /users/{userId}`).
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get_user(&self, user_id: &str) -> Result<User>;

    /// Changes a user's username or full name (`PUT /users/{userId}`); the fields the
    /// request leaves `None` keep their values.
    #[api_endpoint(method = "PUT", path = "/users/<userId>")]
    async fn update_user(&self, user_id: &str, #[body] request: &UpdateUserRequest)
    -> Result<User>;

    /// Deletes a user, their credentials and their installed workflows; their logs are kept
    /// until [`delete_user_logs`](Self::delete_user_logs) purges them
    /// (`DELETE /users/{userId}`, answering `{"success": true}`).
    #[api_endpoint(method = "DELETE", path = "/users/<userId>")]
    async fn delete_user(&self, user_id: &str) -> Result<SuccessResponse>;

    /// Creates up to 1000 users at once (`POST /users/batch`); the answer lists the users
    /// that were not created, such as those that already existed. More than
    /// [`MAX_BATCH_USERS`](crate::models::MAX_BATCH_USERS) users are refused before sending.
    #[api_endpoint(method = "POST", path = "/users/batch")]
    async fn batch_create_users(
        &self,
        #[body] request: &BatchCreateUsersRequest,
    ) -> Result<BatchCreateUsersResponse>;

    /// Deactivates every workflow of a user at once (`PUT /users/{userId}/deactivate-workflows`).
    #[api_endpoint(method = "PUT", path = "/users/<userId>/deactivate-workflows")]
    async fn deactivate_user_workflows(&self, user_id: &str) -> Result<SuccessResponse>;

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
