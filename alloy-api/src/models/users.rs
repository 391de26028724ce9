use serde::{Deserialize, Serialize};

use super::Timestamp;

/// An end user in the Alloy Embedded platform.
///
/// Alloy's 2025-09 reference answers a creation with `{"userId": ...}` only; the seed
/// document with the whole user. Only `userId` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// Unique identifier for the user.
    pub user_id: String,
    /// Username or external identifier for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Full display name of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Timestamp when the user was created (seed document only).
    #[serde(
        default,
        deserialize_with = "super::de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<Timestamp>,
}

/// Request body for creating a new end user.
///
/// ```
/// use alloy_api::models::CreateUserRequest;
/// let request = CreateUserRequest::new("user-123").with_full_name("Jane Smith");
/// assert_eq!(request.username, "user-123");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateUserRequest {
    /// Unique username or external identifier.
    pub username: String,
    /// Full display name of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

impl CreateUserRequest {
    /// Creates a request for a user with this unique username.
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            full_name: None,
        }
    }

    /// Sets the user's full display name.
    #[must_use]
    pub fn with_full_name(mut self, full_name: impl Into<String>) -> Self {
        self.full_name = Some(full_name.into());
        self
    }
}

/// JWT token response for user authentication.
///
/// The token is a credential: this type's `Debug` output does not show it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TokenResponse {
    /// Short-lived JSON Web Token for frontend SDK authentication.
    pub token: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token", &"<redacted>")
            .finish()
    }
}
