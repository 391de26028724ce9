//! Credentials: a user's connections to apps, and what each app's credential needs (Alloy's
//! *Credentials* reference).

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::{Lenient, Timestamp, de};
use crate::redact::{REDACTED, RedactedUrl};
use crate::{QueryParams, QueryWriter};

/// The answer to `GET /headless/oauthUrl`: the URL to send the user to, to connect an app.
///
/// The URL carries the OAuth request's state in its query: this type's `Debug` output shows
/// it without query or fragment.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OAuthUrl {
    /// The URL to open (optional: Alloy's reference marks nothing required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_url: Option<String>,
}

impl fmt::Debug for OAuthUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthUrl")
            .field("oauth_url", &self.oauth_url.as_deref().map(RedactedUrl))
            .finish()
    }
}

/// The app-specific properties an OAuth URL needs, sent as extra query pairs of
/// `GET /headless/oauthUrl`.
///
/// Alloy's reference says that the properties the app's credential metadata lists (a Shopify
/// store's `shopSubdomain`, say; see
/// [`get_credential_metadata`](crate::CredentialsApi::get_credential_metadata)) must be
/// appended to the query. `userId` and `app` are the operation's own parameters: a property
/// of either name is refused before sending.
///
/// ```
/// use alloy_api::models::OAuthProperties;
/// let properties = OAuthProperties::new().with("shopSubdomain", "acme");
/// assert_eq!(properties.get("shopSubdomain"), Some("acme"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OAuthProperties {
    pairs: Vec<(String, String)>,
}

impl OAuthProperties {
    /// No properties.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the property `name` with `value`, in the order added.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.pairs.push((name.into(), value.into()));
        self
    }

    /// Returns the value of the first property called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl QueryParams for OAuthProperties {
    fn write_query(&self, query: &mut QueryWriter<'_>) {
        for (name, value) in &self.pairs {
            if name.is_empty() || name == "userId" || name == "app" {
                query.invalid(format!(
                    "`{name}` is not an app property (`userId` and `app` are the operation's \
                     own parameters)"
                ));
                return;
            }
            query.pair(name, &value.as_str());
        }
    }
}

/// Request body of `POST /headless/credentials`: a credential to create for a user.
///
/// The credential's `data` is a secret: this type's `Debug` output does not show it.
///
/// ```
/// use alloy_api::models::CreateCredentialRequest;
/// let request = CreateCredentialRequest::new("usr_abc123")
///     .with_type("shopify")
///     .with_data(serde_json::json!({ "apiKey": "..." }));
/// assert_eq!(request.credential.credential_type.as_deref(), Some("shopify"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateCredentialRequest {
    /// The credential.
    pub credential: NewCredential,
    /// The user it belongs to.
    pub user_id: String,
}

impl CreateCredentialRequest {
    /// Creates a request that creates an empty credential (`{}`) for `user_id`; set its type
    /// and data with [`with_type`](Self::with_type) and [`with_data`](Self::with_data).
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            credential: NewCredential::default(),
            user_id: user_id.into(),
        }
    }

    /// Sets the credential's type: the app, as credential metadata names it.
    #[must_use]
    pub fn with_type(mut self, credential_type: impl Into<String>) -> Self {
        self.credential.credential_type = Some(credential_type.into());
        self
    }

    /// Sets the credential's data, which must be a JSON object: the keys the app's credential
    /// metadata lists.
    #[must_use]
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.credential.data = Some(data);
        self
    }
}

/// The credential of a [`CreateCredentialRequest`]: `{type, data}`.
///
/// Alloy's reference shows these two fields and marks neither required (its schema is
/// truncated after them); `data`'s keys depend on the app and are unverified there. The data
/// is a secret: `Debug` output does not show it.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewCredential {
    /// The credential's type (`type` on the wire); not sent when `None`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub credential_type: Option<String>,
    /// The credential's data: a JSON object, anything else is refused before sending, with
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument). Not sent when `None`.
    #[serde(
        default,
        serialize_with = "object",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<serde_json::Value>,
}

fn object<S: Serializer>(
    data: &Option<serde_json::Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match data {
        Some(data) => de::object(data, serializer),
        None => serializer.serialize_none(),
    }
}

impl fmt::Debug for NewCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewCredential")
            .field("credential_type", &self.credential_type)
            .field("data", &self.data.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// The answer to creating a credential: `{"success": ..., "credentialId": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatedCredential {
    /// Whether the credential was created (Alloy's reference defaults it to `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// The credential created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

/// One of a user's credentials, as `GET /credentials/users/{userId}` lists it: what it is,
/// never its secret.
///
/// `credentialId` is required; `type`, `name`, `createdAt` and `updatedAt` are unverified in
/// Alloy's reference (read from its example), so they are [`Lenient`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Credential {
    /// Unique identifier of the credential.
    pub credential_id: String,
    /// The credential's type (`type` on the wire): its app.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(rename = "type", default, skip_serializing_if = "Lenient::is_absent")]
    pub credential_type: Lenient<String>,
    /// The credential's display name.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// When it was created.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub created_at: Lenient<Timestamp>,
    /// When it was last updated.
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub updated_at: Lenient<Timestamp>,
}

/// A user's credentials: `{"data": [...]}`.
///
/// A body without `data` is a decode error that keeps the body, never an empty list; a
/// `null` list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialList {
    /// The credentials (`data` on the wire).
    #[serde(rename = "data", deserialize_with = "de::list")]
    pub credentials: Vec<Credential>,
}

/// What an app's credential is made of: the app and the properties to ask the user for.
///
/// Alloy's reference typed this shape from its examples only, so every field is [`Lenient`]
/// (the list of properties is typed by its schema).
/// `name` is declared only for one app's metadata and marked unverified there (its example
/// names the app in `connector` instead, as the list's items do); both are kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CredentialMetadata {
    /// The app's name (one app's metadata only).
    /// Lenient (unverified in Alloy's reference): a value of another type reads as absent,
    /// and [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// The app (connector).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub connector: Lenient<String>,
    /// URL of the app's icon.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub icon: Lenient<String>,
    /// Whether the credential is made by OAuth
    /// ([`generate_oauth_url`](crate::CredentialsApi::generate_oauth_url)) rather than
    /// created with data.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub is_oauth: Lenient<bool>,
    /// The properties to ask the user for.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub properties: Vec<CredentialProperty>,
}

/// One property of an app's credential (typed from Alloy's examples: every field is
/// [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CredentialProperty {
    /// The key of the property in the credential's data.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// The label to show.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub display_name: Lenient<String>,
    /// What the property is.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub description: Lenient<String>,
}

/// Credential metadata of every app: `{"data": [...]}`.
///
/// A body without `data` is a decode error that keeps the body, never an empty list; a
/// `null` list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialMetadataList {
    /// One entry per app (`data` on the wire).
    #[serde(rename = "data", deserialize_with = "de::list")]
    pub apps: Vec<CredentialMetadata>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Data;
    use serde_json::json;

    #[test]
    fn credential_data_never_shows_in_debug() {
        let request = CreateCredentialRequest::new("usr_1")
            .with_type("shopify")
            .with_data(json!({ "apiKey": "shpat_secret_value" }));
        let shown = format!("{request:?}");
        assert!(!shown.contains("shpat_secret_value"), "{shown}");
        assert!(
            shown.contains("shopify") && shown.contains(REDACTED),
            "{shown}"
        );
    }

    #[test]
    fn oauth_url_state_never_shows_in_debug() {
        let url: OAuthUrl = serde_json::from_value(json!({
            "oauthUrl": "https://accounts.example.com/o/oauth2/auth?client_id=c&state=s3cr3t"
        }))
        .unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(
            shown.contains("https://accounts.example.com/o/oauth2/auth?<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn credential_data_must_be_an_object_and_is_sent_as_given() {
        let sent = serde_json::to_value(
            CreateCredentialRequest::new("u")
                .with_type("t")
                .with_data(json!({ "k": "v" })),
        )
        .unwrap();
        assert_eq!(
            sent,
            json!({ "userId": "u", "credential": { "type": "t", "data": { "k": "v" } } })
        );
        let bare = serde_json::to_value(CreateCredentialRequest::new("u")).unwrap();
        assert_eq!(bare, json!({ "userId": "u", "credential": {} }));
        let wrong = CreateCredentialRequest::new("u").with_data(json!("k=v"));
        let error = serde_json::to_vec(&wrong).unwrap_err().to_string();
        assert!(error.contains("must be a JSON object"), "{error}");
    }

    #[test]
    fn a_credential_with_only_its_id_decodes_and_dates_are_lenient() {
        let list: CredentialList = serde_json::from_value(json!({ "data": [
            { "credentialId": "cred_1" },
            { "credentialId": "cred_2", "createdAt": "2025-09-01 10:00:00", "updatedAt": null }
        ]}))
        .unwrap();
        assert_eq!(list.credentials[0].credential_type, None);
        assert_eq!(
            list.credentials[1].created_at.unwrap().to_rfc3339(),
            "2025-09-01T10:00:00+00:00"
        );
        assert_eq!(list.credentials[1].updated_at, None);
        assert!(serde_json::from_value::<CredentialList>(json!({ "credentials": [] })).is_err());
    }

    #[test]
    fn metadata_keeps_name_and_connector_apart() {
        let one: Data<CredentialMetadata> = serde_json::from_value(json!({ "data": {
            "connector": "shopify", "isOauth": false,
            "properties": [{ "name": "shopSubdomain" }]
        }}))
        .unwrap();
        assert_eq!(one.data.name, None);
        assert_eq!(one.data.connector.as_deref(), Some("shopify"));
        assert_eq!(one.data.properties[0].display_name, None);
    }
}
