//! End to end, against the sandbox: credentials created from what the app's metadata asks
//! for, listed until deleted, and OAuth links built with the app's properties.

use alloy_api::Error;
use alloy_api::models::{CreateCredentialRequest, OAuthProperties};
use alloy_api::prelude::*;
use serde_json::{Map, Value};

use crate::e2e_common::{new_user, official_sandbox, status_of};

async fn credential_ids(api: &alloy_api::Client, user: &str) -> Vec<String> {
    api.list_user_credentials(user)
        .await
        .unwrap()
        .credentials
        .into_iter()
        .map(|c| c.credential_id)
        .collect()
}

#[tokio::test]
async fn a_credential_made_from_its_metadata_is_listed_until_deleted() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    assert!(credential_ids(&api, &user).await.is_empty());

    // NetSuite's credential is made with data: one value per property its metadata lists.
    let metadata = api.get_credential_metadata("netsuite").await.unwrap().data;
    assert_eq!(metadata.is_oauth, Some(false));
    assert!(!metadata.properties.is_empty());
    let data: Map<String, Value> = metadata
        .properties
        .iter()
        .map(|p| {
            (
                p.name.clone().into_option().unwrap(),
                Value::from("secret-value"),
            )
        })
        .collect();
    let request = CreateCredentialRequest::new(&user)
        .with_type("netsuite")
        .with_data(Value::Object(data));
    let created = api.create_credential(&request).await.unwrap();
    let credential_id = created.credential_id.unwrap();

    let list = api.list_user_credentials(&user).await.unwrap().credentials;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].credential_id, credential_id);
    assert_eq!(list[0].credential_type.as_deref(), Some("netsuite"));
    assert!(list[0].created_at.is_some());

    let deleted = api.delete_credential(&user, &credential_id).await.unwrap();
    assert_eq!(deleted.success, Some(true));
    assert!(credential_ids(&api, &user).await.is_empty());
    let again = api
        .delete_credential(&user, &credential_id)
        .await
        .unwrap_err();
    assert_eq!(status_of(&again), 404, "{again:?}");
}

/// A credential missing a property the metadata lists is refused, and none is created.
#[tokio::test]
async fn a_credential_without_its_properties_is_refused() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    let request = CreateCredentialRequest::new(&user).with_type("netsuite");
    let error = api.create_credential(&request).await.unwrap_err();
    assert_eq!(status_of(&error), 400, "{error:?}");
    assert!(credential_ids(&api, &user).await.is_empty());
}

#[tokio::test]
async fn the_metadata_of_every_app_is_listed_and_read_one_by_one() {
    let (_sandbox, api) = official_sandbox().await;
    let apps = api.list_credential_metadata().await.unwrap().apps;
    let mut connectors: Vec<&str> = apps.iter().filter_map(|a| a.connector.as_deref()).collect();
    connectors.sort_unstable();
    assert_eq!(connectors, ["hubspot", "netsuite", "shopify", "slack"]);
    for app in &apps {
        let connector = app.connector.as_deref().unwrap();
        let one = api.get_credential_metadata(connector).await.unwrap().data;
        assert_eq!(&one, app, "{connector}");
    }
    let error = api.get_credential_metadata("nosuchapp").await.unwrap_err();
    assert_eq!(status_of(&error), 404, "{error:?}");
}

/// Shopify's OAuth link needs the shop's subdomain, which its metadata lists: without it the
/// link is refused, with it the link carries it.
#[tokio::test]
async fn oauth_links_carry_the_properties_the_app_metadata_lists() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    let shopify = api.get_credential_metadata("shopify").await.unwrap().data;
    assert_eq!(shopify.is_oauth, Some(true));
    let property = shopify.properties[0].name.clone().into_option().unwrap();
    assert_eq!(property, "shopSubdomain");

    let error = api.generate_oauth_url(&user, "shopify").await.unwrap_err();
    assert_eq!(status_of(&error), 400, "{error:?}");

    let properties = OAuthProperties::new().with(&property, "acme-store");
    let link = api
        .generate_oauth_url_with(&user, "shopify", &properties)
        .await
        .unwrap();
    let url = link.oauth_url.as_deref().unwrap();
    assert!(url.contains("shopSubdomain=acme-store"), "{url}");
    assert!(url.contains(&format!("userId={user}")), "{url}");
    // The link's query (with its state) stays out of Debug output.
    assert!(!format!("{link:?}").contains("acme-store"), "{link:?}");

    // An app without properties needs none.
    let slack = api.generate_oauth_url(&user, "slack").await.unwrap();
    assert!(slack.oauth_url.unwrap().starts_with("https://"));
    // An app made with data has no OAuth link.
    let error = api.generate_oauth_url(&user, "netsuite").await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status_of(&error), 400, "{error:?}");
}
