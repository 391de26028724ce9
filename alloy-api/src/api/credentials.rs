//! Credentials (Alloy's *Credentials* reference).

use crate::models::{
    CreateCredentialRequest, CreatedCredential, CredentialList, CredentialMetadata,
    CredentialMetadataList, Data, OAuthProperties, OAuthUrl, SuccessResponse,
};
use crate::{Result, Transport, api_endpoint};

/// Credentials: a user's connections to apps, made by OAuth or with data, and what each
/// app's credential needs (Alloy's *Credentials* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait CredentialsApi: Transport {
    /// Builds the URL that connects a user's account of an OAuth app
    /// (`GET /headless/oauthUrl?userId=&app=`).
    ///
    /// For an app whose credential metadata lists properties (a Shopify store's
    /// `shopSubdomain`), Alloy's reference asks for them in the query too: use
    /// [`generate_oauth_url_with`](Self::generate_oauth_url_with).
    #[api_endpoint(method = "GET", path = "/headless/oauthUrl")]
    async fn generate_oauth_url(
        &self,
        #[query] user_id: &str,
        #[query] app: &str,
    ) -> Result<OAuthUrl>;

    /// Builds the OAuth URL of an app whose credential needs properties, appended to the
    /// query as Alloy's reference asks (`GET /headless/oauthUrl?userId=&app=&<property>=`).
    #[api_endpoint(method = "GET", path = "/headless/oauthUrl")]
    async fn generate_oauth_url_with(
        &self,
        #[query] user_id: &str,
        #[query] app: &str,
        #[query(flatten)] properties: &OAuthProperties,
    ) -> Result<OAuthUrl>;

    /// Creates a credential for a user from its data (`POST /headless/credentials`).
    #[api_endpoint(method = "POST", path = "/headless/credentials")]
    async fn create_credential(
        &self,
        #[body] request: &CreateCredentialRequest,
    ) -> Result<CreatedCredential>;

    /// Lists a user's credentials (`GET /credentials/users/{userId}`).
    #[api_endpoint(method = "GET", path = "/credentials/users/<userId>")]
    async fn list_user_credentials(&self, user_id: &str) -> Result<CredentialList>;

    /// Deletes one of a user's credentials
    /// (`DELETE /users/{userId}/credentials/{credentialId}`; answers `{"success": ...}`).
    #[api_endpoint(method = "DELETE", path = "/users/<userId>/credentials/<credentialId>")]
    async fn delete_credential(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<SuccessResponse>;

    /// Lists what every app's credential is made of (`GET /metadata/credentials`). Typed
    /// from Alloy's examples: every field is optional.
    #[api_endpoint(method = "GET", path = "/metadata/credentials")]
    async fn list_credential_metadata(&self) -> Result<CredentialMetadataList>;

    /// Reads what one app's credential is made of
    /// (`GET /metadata/credentials/{credentialName}`, the app's camelCased name;
    /// `{"data": {...}}`). Typed from Alloy's example: every field is optional.
    #[api_endpoint(method = "GET", path = "/metadata/credentials/<credentialName>")]
    async fn get_credential_metadata(
        &self,
        credential_name: &str,
    ) -> Result<Data<CredentialMetadata>>;
}

impl<T: Transport + ?Sized> CredentialsApi for T {}
