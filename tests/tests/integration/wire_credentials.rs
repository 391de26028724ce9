//! Wire format of the credential operations, by Alloy's official document: the exact request
//! each sends, and a response with every field the document declares decoded and given back
//! unchanged.

use alloy_api::Error;
use alloy_api::models::{CreateCredentialRequest, OAuthProperties};
use alloy_api::prelude::*;
use httpmock::MockServer;
use serde_json::json;

use crate::mock::{Answer, Expected, any_request, expect};
use crate::official_operation::Operation;

#[tokio::test]
async fn generate_oauth_url_sends_user_and_app_in_the_query() {
    let op = Operation::answered("GET", "/headless/oauthUrl");
    let url = op
        .call(
            "/headless/oauthUrl?userId=usr_1&app=googleSheets",
            None,
            |c| async move { c.generate_oauth_url("usr_1", "googleSheets").await },
        )
        .await;
    assert_eq!(url.oauth_url.as_deref(), Some("oauthUrl-1"));
    op.assert_round_trips(&url);
}

/// The document asks for the app's credential properties as extra query pairs (its note on
/// the operation), which it does not declare: checked exactly, not against the declared keys.
#[tokio::test]
async fn generate_oauth_url_with_appends_the_app_properties() {
    let op = Operation::answered("GET", "/headless/oauthUrl");
    let server = MockServer::start_async().await;
    let expected = Expected::new(
        "GET",
        "/headless/oauthUrl?userId=usr_1&app=shopify&shopSubdomain=acme+store",
    );
    let mock = expect(&server, expected, Answer::Json(200, op.sample.clone())).await;
    let properties = OAuthProperties::new().with("shopSubdomain", "acme store");
    let result = tests::client(&server.base_url())
        .generate_oauth_url_with("usr_1", "shopify", &properties)
        .await;
    let (_, url) = mock.verify(result).await;
    op.assert_round_trips(&url);
}

#[tokio::test]
async fn an_oauth_property_named_like_a_parameter_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = any_request(&server).await;
    let client = tests::client(&server.base_url());
    for name in ["userId", "app", ""] {
        let properties = OAuthProperties::new().with(name, "x");
        let error = client
            .generate_oauth_url_with("usr_1", "shopify", &properties)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument { .. }),
            "{name}: {error:?}"
        );
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn create_credential_posts_the_credential_and_decodes_its_id() {
    let op = Operation::answered("POST", "/headless/credentials");
    let request = CreateCredentialRequest::new("usr_1")
        .with_type("shopify")
        .with_data(json!({ "shopSubdomain": "acme", "accessToken": "shpat_1" }));
    let body = json!({
        "credential": {
            "type": "shopify",
            "data": { "shopSubdomain": "acme", "accessToken": "shpat_1" }
        },
        "userId": "usr_1"
    });
    let created = op
        .call("/headless/credentials", Some(&body), |c| async move {
            c.create_credential(&request).await
        })
        .await;
    assert_eq!(created.success, Some(true));
    assert_eq!(created.credential_id.as_deref(), Some("credentialId-1"));
    op.assert_round_trips(&created);
}

/// A credential whose data is not a JSON object is refused before anything is sent.
#[tokio::test]
async fn credential_data_that_is_not_an_object_is_never_sent() {
    let server = MockServer::start_async().await;
    let any = any_request(&server).await;
    let request = CreateCredentialRequest::new("usr_1").with_data(json!(["shpat_1"]));
    let error = tests::client(&server.base_url())
        .create_credential(&request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(!format!("{error:?}").contains("shpat_1"), "{error:?}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_user_credentials_fills_the_path() {
    let op = Operation::answered("GET", "/credentials/users/{userId}");
    let list = op
        .call("/credentials/users/usr_1", None, |c| async move {
            c.list_user_credentials("usr_1").await
        })
        .await;
    let credential = &list.credentials[0];
    assert_eq!(credential.credential_id, "credentialId-1");
    assert_eq!(credential.credential_type.as_deref(), Some("type-1"));
    assert!(credential.created_at.is_some() && credential.updated_at.is_some());
    op.assert_round_trips(&list);
}

#[tokio::test]
async fn delete_credential_fills_user_and_credential_in_the_path() {
    let op = Operation::answered("DELETE", "/users/{userId}/credentials/{credentialId}");
    let answer = op
        .call("/users/usr_1/credentials/cred%2F1", None, |c| async move {
            c.delete_credential("usr_1", "cred/1").await
        })
        .await;
    assert_eq!(answer.success, Some(true));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn list_credential_metadata_decodes_every_app() {
    let op = Operation::answered("GET", "/metadata/credentials");
    let list = op
        .call("/metadata/credentials", None, |c| async move {
            c.list_credential_metadata().await
        })
        .await;
    let app = &list.apps[0];
    assert_eq!(app.connector.as_deref(), Some("connector-1"));
    assert_eq!(app.is_oauth, Some(true));
    assert_eq!(app.properties[0].name.as_deref(), Some("name-1"));
    // The list's items declare no `name`: none is invented.
    assert_eq!(app.name, None);
    op.assert_round_trips(&list);
}

#[tokio::test]
async fn get_credential_metadata_fills_the_credential_name() {
    let op = Operation::answered("GET", "/metadata/credentials/{credentialName}");
    let answer = op
        .call("/metadata/credentials/googleSheets", None, |c| async move {
            c.get_credential_metadata("googleSheets").await
        })
        .await;
    let metadata = &answer.data;
    assert_eq!(metadata.name.as_deref(), Some("name-1"));
    assert_eq!(metadata.connector.as_deref(), Some("connector-1"));
    assert_eq!(
        metadata.properties[0].description.as_deref(),
        Some("description-1")
    );
    op.assert_round_trips(&answer);
}
