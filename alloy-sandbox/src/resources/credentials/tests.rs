//! Credentials over raw HTTP: created, listed and deleted; their metadata; OAuth links.

use crate::tests::harness::*;

#[tokio::test]
async fn credentials_are_created_listed_and_deleted() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let bob = h.official_user("bob").await;
    let list = |user: String| {
        let h = &h;
        async move {
            let body = h
                .ok(Method::GET, &format!("/credentials/users/{user}"), None)
                .await;
            data_list(&body).clone()
        }
    };
    assert!(list(alice.clone()).await.is_empty());
    let fields = json!({ "accountId": "1", "consumerKey": "k", "consumerSecret": "s",
                         "tokenId": "t", "tokenSecret": "ts" });
    let netsuite = h.credential("alice", "netsuite", fields.clone()).await;
    let shopify = h
        .credential(&alice, "Shopify", json!({ "shopSubdomain": "acme" }))
        .await;
    h.credential(&bob, "hubspot", json!({})).await;
    let credentials = list(alice.clone()).await;
    assert_eq!(credentials.len(), 2);
    assert_eq!(credentials[0]["credentialId"], json!(netsuite));
    assert_eq!(credentials[0]["type"], json!("netsuite"));
    assert_eq!(credentials[0]["name"], json!("NetSuite credential"));
    assert!(credentials[0]["createdAt"].as_str().is_some());
    assert!(credentials[0]["updatedAt"].as_str().is_some());
    assert_eq!(credentials[1]["credentialId"], json!(shopify));
    assert_eq!(credentials[1]["type"], json!("shopify"));

    // Deleted, it leaves the list; deleting it again (or as another user) is a 404.
    let path = format!("/users/{alice}/credentials/{netsuite}");
    h.delete(&format!("/users/{bob}/credentials/{netsuite}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(
        h.ok(Method::DELETE, &path, None).await,
        json!({ "success": true })
    );
    let credentials = list(alice.clone()).await;
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0]["credentialId"], json!(shopify));
    h.delete(&path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    h.get("/credentials/users/usr_missing")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    let mut missing_field = fields.clone();
    missing_field.as_object_mut().unwrap().remove("tokenSecret");
    for body in [
        json!({ "userId": alice }),
        json!({ "credential": { "type": "hubspot", "data": {} } }),
        json!({ "userId": alice, "credential": { "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "", "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "fax", "data": {} } }),
        json!({ "userId": alice, "credential": { "type": "netsuite", "data": missing_field } }),
        json!({ "userId": alice, "credential": { "type": "shopify", "data": { "shopSubdomain": 1 } } }),
        json!({ "userId": alice, "credential": { "type": "hubspot", "data": "x" } }),
        json!({ "userId": alice, "credential": "hubspot" }),
    ] {
        h.post("/headless/credentials", body.clone())
            .await
            .assert_error(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    h.post(
        "/headless/credentials",
        json!({ "userId": "usr_missing", "credential": { "type": "hubspot", "data": {} } }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(list(alice).await.len(), 1);
}

#[tokio::test]
async fn credential_metadata_tells_what_each_app_needs() {
    let h = Harness::official().await;
    let body = h.ok(Method::GET, "/metadata/credentials", None).await;
    let apps: Vec<&str> = data_list(&body)
        .iter()
        .map(|app| app["connector"].as_str().unwrap())
        .collect();
    assert_eq!(apps, ["shopify", "hubspot", "netsuite", "slack"]);
    let shopify = h
        .ok(Method::GET, "/metadata/credentials/shopify", None)
        .await;
    assert_eq!(
        shopify,
        json!({ "data": {
            "connector": "shopify",
            "icon": "https://assets.runalloy.com/icons/shopify.png",
            "isOauth": true,
            "properties": [{
                "name": "shopSubdomain",
                "displayName": "Shop subdomain",
                "description": "The shop's subdomain: `acme` for acme.myshopify.com",
            }],
        } })
    );
    assert_eq!(shopify["data"], body["data"][0]);
    let netsuite = h
        .ok(Method::GET, "/metadata/credentials/NetSuite", None)
        .await;
    assert_eq!(netsuite["data"]["isOauth"], json!(false));
    assert_eq!(netsuite["data"]["properties"].as_array().unwrap().len(), 5);
    h.get("/metadata/credentials/fax")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");

    // The reference documents the API key as optional here; a wrong key is still refused.
    let url = format!("{}/metadata/credentials/shopify", h.sandbox.base_url());
    let anonymous = send(h.client.get(&url).header("x-api-version", "2025-09")).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let wrong = h
        .client
        .get(&url)
        .header("x-api-version", "2025-09")
        .header(AUTHORIZATION, "Bearer sk_wrong");
    send(wrong)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    // Not so on the list.
    let list = format!("{}/metadata/credentials", h.sandbox.base_url());
    send(h.client.get(&list).header("x-api-version", "2025-09"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
}

#[tokio::test]
async fn oauth_links_need_the_user_the_app_and_its_properties() {
    let h = Harness::official().await;
    let alice = h.official_user("alice").await;
    let body = h
        .ok(
            Method::GET,
            "/headless/oauthUrl?userId=alice&app=shopify&shopSubdomain=acme%20shop",
            None,
        )
        .await;
    let url = body["oauthUrl"].as_str().unwrap();
    assert!(url.starts_with("https://"), "{url}");
    assert!(url.contains("/shopify/"), "{url}");
    assert!(url.contains(&format!("userId={alice}")), "{url}");
    assert!(url.contains("shopSubdomain=acme+shop"), "{url}");
    let hubspot = h
        .ok(
            Method::GET,
            &format!("/headless/oauthUrl?userId={alice}&app=hubspot"),
            None,
        )
        .await;
    assert!(hubspot["oauthUrl"].as_str().unwrap().contains("/hubspot/"));

    for (query, status) in [
        ("app=hubspot".to_owned(), StatusCode::BAD_REQUEST),
        (format!("userId={alice}"), StatusCode::BAD_REQUEST),
        (format!("userId={alice}&app="), StatusCode::BAD_REQUEST),
        (
            format!("userId={alice}&app=shopify"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("userId={alice}&app=netsuite"),
            StatusCode::BAD_REQUEST,
        ),
        (format!("userId={alice}&app=fax"), StatusCode::NOT_FOUND),
        (
            "userId=usr_missing&app=hubspot".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let reply = h.get(&format!("/headless/oauthUrl?{query}")).await;
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
    }
}
