//! Wire format of the installation operations, by Alloy's official document: the exact
//! request each sends, and a response with every field the document declares decoded and
//! given back unchanged.

use alloy_api::models::{
    BlockValues, CompleteInstallationRequest, EditInstallationRequest, StartInstallationRequest,
};
use alloy_api::prelude::*;
use serde_json::json;

use crate::official_operation::Operation;

#[tokio::test]
async fn list_installations_gets_every_installation_and_decodes_every_field() {
    let op = Operation::answered("GET", "/installations");
    let list = op
        .call("/installations", None, |c| async move {
            c.list_installations().await
        })
        .await;
    let installation = &list.installations[0];
    assert_eq!(installation.installation_id, "installationId-1");
    assert_eq!(
        installation.integration_id.as_deref(),
        Some("integrationId-1")
    );
    let field = &installation.form_data[0].fields[0];
    assert_eq!(field.field_type.as_deref(), Some("type-1"));
    assert_eq!(field.required, Some(true));
    let credentials = installation.credential_ids.as_ref().unwrap();
    assert_eq!(credentials["extra"], "extra-1");
    assert_eq!(
        installation.installed_at.unwrap().to_rfc3339(),
        "2025-09-01T10:00:00+00:00"
    );
    op.assert_round_trips(&list);
}

#[tokio::test]
async fn get_installation_fills_the_path_and_keeps_the_unpinned_form() {
    let op = Operation::answered("GET", "/installations/{installationId}");
    let answer = op
        .call("/installations/inst_1", None, |c| async move {
            c.get_installation("inst_1").await
        })
        .await;
    let installation = &answer.data;
    assert_eq!(installation.installation_id, "installationId-1");
    assert_eq!(installation.user_id.as_deref(), Some("userId-1"));
    // The document shows no fields of the form's items here: they are kept as sent.
    assert_eq!(installation.form_data[0]["extra"], "extra-1");
    assert_eq!(installation.workflow_ids.as_slice(), ["workflowIds-1"]);
    assert_eq!(installation.enabled, Some(true));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn start_installation_posts_the_request_and_decodes_the_form() {
    let op = Operation::answered("POST", "/headless/startInstallation");
    let request = StartInstallationRequest::new("usr_1", "int_shopify")
        .with_credential_ids(["cred_1"])
        .with_workflow_ids(["wf_1", "wf_2"]);
    let body = json!({
        "userId": "usr_1",
        "integrationId": "int_shopify",
        "credentialIds": ["cred_1"],
        "workflowIds": ["wf_1", "wf_2"]
    });
    let started = op
        .call("/headless/startInstallation", Some(&body), |c| async move {
            c.start_installation(&request).await
        })
        .await;
    assert_eq!(started.installation_id, "installationId-1");
    assert_eq!(started.form[0].block_id.as_deref(), Some("blockId-1"));
    assert_eq!(
        started.form[0].fields[0].display_name.as_deref(),
        Some("displayName-1")
    );
    op.assert_round_trips(&started);
}

/// The optional fields are not sent when unset.
#[tokio::test]
async fn start_installation_sends_only_the_required_fields_by_default() {
    let op = Operation::answered("POST", "/headless/startInstallation");
    let request = StartInstallationRequest::new("usr_1", "int_shopify");
    let body = json!({ "userId": "usr_1", "integrationId": "int_shopify" });
    op.call("/headless/startInstallation", Some(&body), |c| async move {
        c.start_installation(&request).await
    })
    .await;
}

#[tokio::test]
async fn complete_installation_posts_the_form_values() {
    let op = Operation::answered("POST", "/headless/completeInstallation");
    let request = CompleteInstallationRequest::new("inst_1")
        .with_block(
            BlockValues::new("wf_1", "block_1")
                .with_field("channel", "#orders")
                .with_field("mention", "@here"),
        )
        .with_block(BlockValues::new("wf_2", "block_9"));
    let body = json!({
        "installationId": "inst_1",
        "data": [
            {
                "workflowId": "wf_1",
                "blockId": "block_1",
                "fields": [
                    { "name": "channel", "value": "#orders" },
                    { "name": "mention", "value": "@here" }
                ]
            },
            { "workflowId": "wf_2", "blockId": "block_9" }
        ]
    });
    let answer = op
        .call(
            "/headless/completeInstallation",
            Some(&body),
            |c| async move { c.complete_installation(&request).await },
        )
        .await;
    assert_eq!(answer.message.as_deref(), Some("message-1"));
    op.assert_round_trips(&answer);
}

#[tokio::test]
async fn edit_installation_posts_the_request_and_decodes_the_edited_installation() {
    let op = Operation::answered("POST", "/headless/editInstallation");
    let request = EditInstallationRequest::new("usr_1", "int_shopify")
        .with_installation_id("inst_1")
        .with_credential_ids(["cred_2"]);
    let body = json!({
        "userId": "usr_1",
        "integrationId": "int_shopify",
        "credentialIds": ["cred_2"],
        "installationId": "inst_1"
    });
    let answer = op
        .call("/headless/editInstallation", Some(&body), |c| async move {
            c.edit_installation(&request).await
        })
        .await;
    let installation = &answer.data;
    assert_eq!(
        installation.installation_id.as_deref(),
        Some("installationId-1")
    );
    assert_eq!(installation.installed_data.len(), 1);
    assert!(installation.installed_at.is_some());
    op.assert_round_trips(&answer);
}
