use serde::{Deserialize, Serialize};

use super::{Lenient, Timestamp};

/// An end user in the Alloy Embedded platform.
///
/// Alloy's 2025-09 reference answers a creation with `{"userId": ...}` only; the seed
/// document with the whole user. Only `userId` is required. `username` and `fullName` are
/// [`Lenient`]: reading a user types them by Alloy's schema, but updating one answers them
/// typed from its example only, and one type serves both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// Unique identifier for the user.
    pub user_id: String,
    /// Username or external identifier for the user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub username: Lenient<String>,
    /// Full display name of the user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub full_name: Lenient<String>,
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

/// The users of your account (`GET /users`): Alloy's reference sends them under `data`.
///
/// A body without `data` is a decode error that keeps the body, never an empty list; a
/// `null` list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserList {
    /// The users.
    #[serde(rename = "data", deserialize_with = "super::de::list")]
    pub users: Vec<User>,
}

/// Request body for updating a user (`PUT /users/{userId}`): the fields to change; a field
/// left `None` is not sent and keeps its value.
///
/// ```
/// use alloy_api::models::UpdateUserRequest;
/// let request = UpdateUserRequest::new().with_full_name("Jane Doe");
/// assert_eq!(request.username, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateUserRequest {
    /// The new username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The new full display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

impl UpdateUserRequest {
    /// Creates a request that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the new username.
    #[must_use]
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Sets the new full display name.
    #[must_use]
    pub fn with_full_name(mut self, full_name: impl Into<String>) -> Self {
        self.full_name = Some(full_name.into());
        self
    }
}

/// The most users one batch may create (`POST /users/batch`), as Alloy's reference states.
pub const MAX_BATCH_USERS: usize = 1000;

/// Request body for creating up to [`MAX_BATCH_USERS`] users at once (`POST /users/batch`).
///
/// A batch of more is refused before sending, with
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use alloy_api::models::{BatchCreateUsersRequest, CreateUserRequest};
/// let request = BatchCreateUsersRequest::new([
///     CreateUserRequest::new("customer-1"),
///     CreateUserRequest::new("customer-2").with_full_name("Jane Smith"),
/// ]);
/// assert_eq!(request.users.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchCreateUsersRequest {
    /// The users to create: a username each, a full name optionally.
    pub users: Vec<CreateUserRequest>,
}

impl BatchCreateUsersRequest {
    /// Creates a request for these users.
    pub fn new(users: impl IntoIterator<Item = CreateUserRequest>) -> Self {
        Self {
            users: users.into_iter().collect(),
        }
    }
}

impl Serialize for BatchCreateUsersRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeStruct};
        if self.users.len() > MAX_BATCH_USERS {
            return Err(S::Error::custom(format_args!(
                "a batch holds at most {MAX_BATCH_USERS} users, not {}",
                self.users.len()
            )));
        }
        let mut s = serializer.serialize_struct("BatchCreateUsersRequest", 1)?;
        s.serialize_field("users", &self.users)?;
        s.end()
    }
}

/// The answer to a batch creation (`POST /users/batch`): a message and the users that were
/// not created, such as those that already existed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchCreateUsersResponse {
    /// Human-readable result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The users of the request that were not created.
    #[serde(default, deserialize_with = "super::de::list")]
    pub invalid_users: Vec<RejectedUser>,
}

/// A user of a batch that was not created (typed from Alloy's example: every field is
/// [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RejectedUser {
    /// The username as sent.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub username: Lenient<String>,
    /// The full name as sent.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub full_name: Lenient<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_over_the_limit_cannot_be_serialized() {
        let users = (0..=MAX_BATCH_USERS).map(|i| CreateUserRequest::new(format!("u{i}")));
        let error = serde_json::to_vec(&BatchCreateUsersRequest::new(users)).unwrap_err();
        assert!(
            error.to_string().contains("at most 1000 users, not 1001"),
            "{error}"
        );
        let ok = BatchCreateUsersRequest::new([CreateUserRequest::new("a")]);
        assert_eq!(
            serde_json::to_value(&ok).unwrap(),
            serde_json::json!({"users": [{"username": "a"}]})
        );
    }

    #[test]
    fn a_user_list_needs_its_key() {
        assert!(serde_json::from_str::<UserList>(r#"{"users": []}"#).is_err());
        let list: UserList = serde_json::from_str(r#"{"data": null}"#).unwrap();
        assert!(list.users.is_empty());
    }
}
