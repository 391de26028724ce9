//! Headless installation: a product that draws its own UI installs an integration for a
//! customer without Alloy's frontend, then runs the workflow and reads its logs.
//!
//! ```sh
//! cargo run -p alloy-api --example headless
//! ```
//!
//! It runs offline against the in-process sandbox (Alloy's 2025-09 reference): create the
//! customer's user, see which credential Slack needs, start the installation, create the
//! credential the form asks for, complete the installation, run the workflow it installed,
//! and walk its logs page by page.

use std::error::Error;

use alloy_api::models::{
    BlockValues, CompleteInstallationRequest, CreateCredentialRequest, CreateUserRequest,
    RunWorkflowRequest, StartInstallationRequest, WorkflowLogsQuery,
};
use alloy_api::prelude::*;
use alloy_sandbox::Sandbox;
use serde_json::json;

/// The integration installed, and the workflow it brings.
const INTEGRATION: &str = "int_slack";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let sandbox = Sandbox::start().await?;
    let client = sandbox.client()?;
    println!("sandbox at {}", sandbox.base_url());

    // 1. The customer's Alloy user.
    let user = client
        .create_user(&CreateUserRequest::new("acme-corp").with_full_name("Acme Corp"))
        .await?
        .user_id;
    println!("1. user {user}");

    // 2. Start the installation: Alloy answers the form to fill, block by block.
    let started = client
        .start_installation(&StartInstallationRequest::new(&user, INTEGRATION))
        .await?;
    println!(
        "2. installation {} started; its form has {} block(s)",
        started.installation_id,
        started.form.len()
    );

    // 3. The form asks for a credential of the block's app: what that app's credential
    //    needs, then the credential itself (your UI would collect this from the customer).
    let block = started.form.first().ok_or("the form has no block")?;
    let app = block.app.clone().ok_or("the block names no app")?;
    let metadata = client.get_credential_metadata(&app).await?.data;
    println!(
        "3. {app} credentials are {}; creating one",
        if metadata.is_oauth == Some(true) {
            "OAuth"
        } else {
            "keys"
        }
    );
    let credential_id = client
        .create_credential(
            &CreateCredentialRequest::new(&user)
                .with_type(&app)
                .with_data(json!({})),
        )
        .await?
        .credential_id
        .ok_or("no credential id in the answer")?;
    println!("   credential {credential_id}");

    // 4. Complete the installation: every field the form asks for gets the credential.
    let mut complete = CompleteInstallationRequest::new(&started.installation_id);
    for block in &started.form {
        let workflow_id = block
            .workflow_id
            .clone()
            .ok_or("a block without workflow")?;
        let block_id = block.block_id.clone().ok_or("a block without id")?;
        let mut values = BlockValues::new(workflow_id, block_id);
        for field in &block.fields {
            let name = field.name.clone().ok_or("a field without name")?;
            values = values.with_field(name, &credential_id);
        }
        complete = complete.with_block(values);
    }
    client.complete_installation(&complete).await?;
    let installation = client
        .get_installation(&started.installation_id)
        .await?
        .data;
    println!(
        "4. installation completed: workflows {:?}",
        installation.workflow_ids.as_slice()
    );

    // 5. Run the workflow it installed, directly, twice.
    let workflow_id = installation
        .workflow_ids
        .as_slice()
        .first()
        .cloned()
        .ok_or("the installation installed no workflow")?;
    let workflow = client.get_workflow(&workflow_id, &user).await?.data;
    let name = workflow
        .name
        .into_option()
        .unwrap_or_else(|| workflow_id.clone());
    for order in ["ord-1001", "ord-1002"] {
        let run = RunWorkflowRequest::new(&user, &workflow_id, &name)
            .with_data(json!({ "orderId": order }));
        client.run_workflow(&run).await?;
    }
    println!("5. ran {name} ({workflow_id}) twice");

    // 6. Read its logs: a lazy walk that fetches a page only when the entries before it
    //    are used up.
    let mut logs = client.workflow_logs(
        &workflow_id,
        WorkflowLogsQuery::new().with_user_id(&user).with_limit(1),
    );
    let mut count = 0;
    while let Some(log) = logs.next().await {
        let log = log?;
        count += 1;
        println!(
            "6. log {} finished: {:?}, took {:?} ms",
            log.log_id,
            log.finished,
            log.duration_ms()
        );
    }
    println!("   {count} log entries in {} page(s)", logs.pages_fetched());
    Ok(())
}
