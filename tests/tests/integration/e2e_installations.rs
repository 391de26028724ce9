//! End to end, against the sandbox: installing an integration without Alloy's frontend
//! (start, create the credential the form asks for, complete), the installation listed and
//! read back, edited to another credential, and a deleted credential taken out of it.

use alloy_api::models::{
    BlockValues, CompleteInstallationRequest, CreateCredentialRequest, EditInstallationRequest,
    StartInstallationRequest,
};
use alloy_api::prelude::*;
use serde_json::json;

use crate::e2e_common::{new_user, official_sandbox, status_of};

const SLACK: &str = "int_slack";
const SLACK_ALERT: &str = "wf_slack_order_alert";

#[tokio::test]
async fn the_headless_story_installs_an_integration_with_a_new_credential() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    assert!(
        api.list_installations()
            .await
            .unwrap()
            .installations
            .is_empty()
    );

    // Start: the form asks for a Slack credential in each block.
    let started = api
        .start_installation(&StartInstallationRequest::new(&user, SLACK))
        .await
        .unwrap();
    assert_eq!(started.form.len(), 1, "{started:#?}");
    let block = &started.form[0];
    assert_eq!(block.workflow_id.as_deref(), Some(SLACK_ALERT));
    assert_eq!(block.app.as_deref(), Some("slack"));
    let field = &block.fields[0];
    assert_eq!(field.required, Some(true));
    let field_name = field.name.clone().unwrap();

    // Create the credential the form asks for, then complete the form with it.
    let credential = api
        .create_credential(
            &CreateCredentialRequest::new(&user)
                .with_type("slack")
                .with_data(json!({})),
        )
        .await
        .unwrap();
    assert_eq!(credential.success, Some(true));
    let credential_id = credential.credential_id.unwrap();
    let values = BlockValues::new(SLACK_ALERT, block.block_id.clone().unwrap())
        .with_field(&field_name, &credential_id);
    api.complete_installation(
        &CompleteInstallationRequest::new(&started.installation_id).with_block(values),
    )
    .await
    .unwrap();

    // It is listed, with the credential and the workflow, and the workflow is installed.
    let list = api.list_installations().await.unwrap();
    assert_eq!(list.installations.len(), 1, "{list:#?}");
    let installation = &list.installations[0];
    assert_eq!(installation.installation_id, started.installation_id);
    assert_eq!(installation.user_id.as_deref(), Some(user.as_str()));
    assert_eq!(installation.integration_id.as_deref(), Some(SLACK));
    assert_eq!(installation.workflow_ids.as_slice(), [SLACK_ALERT]);
    let credentials = installation.credential_ids.as_ref().unwrap();
    assert_eq!(credentials.get("slack"), Some(&credential_id));
    assert_eq!(installation.enabled, Some(true));
    assert!(installation.installed_at.is_some());
    let integrations = api.list_integrations(&user).await.unwrap().integrations;
    let slack = integrations
        .iter()
        .find(|i| i.integration_id == SLACK)
        .unwrap();
    assert_eq!(slack.installed, Some(true));

    // Read back by id: the same installation.
    let one = api
        .get_installation(&started.installation_id)
        .await
        .unwrap()
        .data;
    assert_eq!(one.installation_id, started.installation_id);
    assert_eq!(one.credential_ids, installation.credential_ids);
    assert_eq!(one.form_data[0]["workflowId"], SLACK_ALERT);

    // Edit it to a second credential.
    let second = api
        .create_credential(&CreateCredentialRequest::new(&user).with_type("slack"))
        .await
        .unwrap()
        .credential_id
        .unwrap();
    let edited = api
        .edit_installation(
            &EditInstallationRequest::new(&user, SLACK)
                .with_installation_id(&started.installation_id)
                .with_credential_ids([second.as_str()]),
        )
        .await
        .unwrap()
        .data;
    assert_eq!(
        edited.installation_id.as_deref(),
        Some(started.installation_id.as_str())
    );
    assert_eq!(
        edited.credential_ids.get().unwrap().get("slack"),
        Some(&second)
    );

    // Deleting the credential in use takes it out of the user's list and the installation.
    api.delete_credential(&user, &second).await.unwrap();
    let left: Vec<String> = api
        .list_user_credentials(&user)
        .await
        .unwrap()
        .credentials
        .into_iter()
        .map(|c| c.credential_id)
        .collect();
    assert_eq!(left, [credential_id]);
    let after = api
        .get_installation(&started.installation_id)
        .await
        .unwrap()
        .data;
    assert!(
        !after
            .credential_ids
            .iter()
            .flat_map(|ids| ids.values())
            .any(|id| *id == second),
        "the deleted credential is still in the installation"
    );
}

/// An installation only started is neither listed nor found; a form completed without the
/// credential it asks for is refused and leaves it so.
#[tokio::test]
async fn an_installation_is_listed_only_once_completed() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    let started = api
        .start_installation(&StartInstallationRequest::new(&user, SLACK))
        .await
        .unwrap();
    let error = api
        .get_installation(&started.installation_id)
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), 404, "{error:?}");

    let error = api
        .complete_installation(&CompleteInstallationRequest::new(&started.installation_id))
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), 400, "{error:?}");
    assert!(
        api.list_installations()
            .await
            .unwrap()
            .installations
            .is_empty()
    );
}

/// Starting with one of the user's credentials of the app gives a form that no longer asks
/// for one, and completing it needs no field.
#[tokio::test]
async fn a_credential_given_at_the_start_is_not_asked_for() {
    let (_sandbox, api) = official_sandbox().await;
    let user = new_user(&api, "acme").await;
    let credential_id = api
        .create_credential(&CreateCredentialRequest::new(&user).with_type("slack"))
        .await
        .unwrap()
        .credential_id
        .unwrap();
    let started = api
        .start_installation(
            &StartInstallationRequest::new(&user, SLACK)
                .with_credential_ids([credential_id.as_str()])
                .with_workflow_ids([SLACK_ALERT]),
        )
        .await
        .unwrap();
    assert!(
        started.form.iter().all(|block| block.fields.is_empty()),
        "{started:#?}"
    );
    api.complete_installation(&CompleteInstallationRequest::new(&started.installation_id))
        .await
        .unwrap();
    let installation = api
        .get_installation(&started.installation_id)
        .await
        .unwrap()
        .data;
    assert_eq!(
        installation.credential_ids.get().unwrap().get("slack"),
        Some(&credential_id)
    );
}
