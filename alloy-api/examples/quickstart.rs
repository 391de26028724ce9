//! The whole story of alloy-api in one run: all ten operations of the Alloy Embedded API, as a
//! SaaS back end uses them.
//!
//! ```sh
//! cargo run -p alloy-api --example quickstart
//! ```
//!
//! With no `ALLOY_API_KEY` it starts the in-process sandbox and runs against it. With
//! `ALLOY_API_KEY` (and optionally `ALLOY_BASE_URL`) it runs against that service; there, set
//! `ALLOY_WORKFLOW_ID` (and `ALLOY_USER_ID`, a user who has it installed) for the workflow part,
//! and `ALLOY_EVENT` for the event your workflow listens to.

use std::error::Error;
use std::process::ExitCode;

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
    WorkflowLogStatus,
};
use alloy_api::{AlloyApi, Client};
use alloy_sandbox::Sandbox;

/// The sandbox workflow the story follows: it fails at 1.0.0 and is fixed from 1.1.0.
const SANDBOX_WORKFLOW: &str = "wf_netsuite_invoice_export";
const SANDBOX_EVENT: &str = "invoice.created";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nquickstart failed: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Where the story runs, and what it needs to know about that place.
struct Target {
    client: Client,
    /// Keeps the in-process server alive for the whole run.
    _sandbox: Option<Sandbox>,
    existing_user: Option<String>,
    workflow_id: Option<String>,
    event: String,
}

async fn target() -> Result<Target, Box<dyn Error>> {
    if std::env::var_os(alloy_api::API_KEY_ENV).is_some() {
        let client = Client::from_env()?;
        println!(
            "ALLOY_API_KEY is set: running against {}",
            client.base_url()
        );
        return Ok(Target {
            client,
            _sandbox: None,
            existing_user: std::env::var("ALLOY_USER_ID").ok(),
            workflow_id: std::env::var("ALLOY_WORKFLOW_ID").ok(),
            event: std::env::var("ALLOY_EVENT").unwrap_or_else(|_| "order.created".into()),
        });
    }
    let sandbox = Sandbox::start().await?;
    println!(
        "No ALLOY_API_KEY set: running against the in-process sandbox at {}",
        sandbox.base_url()
    );
    let client = sandbox.client()?;
    Ok(Target {
        client,
        _sandbox: Some(sandbox),
        existing_user: None,
        workflow_id: Some(SANDBOX_WORKFLOW.into()),
        event: SANDBOX_EVENT.into(),
    })
}

async fn run() -> Result<(), Box<dyn Error>> {
    let target = target().await?;
    let api = &target.client;

    step(1, "Create an Alloy user for a customer of yours");
    let user_id = match &target.existing_user {
        Some(id) => {
            println!("   using the existing user {id} (ALLOY_USER_ID)");
            id.clone()
        }
        None => {
            let username = format!("quickstart-{}", unique_suffix());
            let user = api
                .create_user(
                    &CreateUserRequest::new(&username).with_full_name("Quickstart Customer"),
                )
                .await?;
            println!("   created {} ({username})", user.user_id);
            user.user_id
        }
    };

    step(2, "Mint a short-lived token for the frontend SDK");
    let token = api.generate_user_token(&user_id).await?;
    let shown: String = token.token.chars().take(12).collect();
    println!("   token: {shown}… ({} bytes)", token.token.len());

    step(3, "List the integrations this user can install");
    let integrations = api.list_integrations(&user_id).await?;
    for integration in &integrations.integrations {
        println!(
            "   {:<12} {:<14} {}",
            integration
                .name
                .as_deref()
                .unwrap_or(&integration.integration_id),
            integration.category.as_deref().unwrap_or("-"),
            if integration.installed == Some(true) {
                "installed"
            } else {
                "not installed"
            },
        );
    }

    step(4, &format!("Trigger the event `{}`", target.event));
    let event = TriggerEventRequest::new(&user_id, &target.event)
        .with_data(serde_json::json!({ "invoiceId": "inv-1001", "amount": 150.0 }));
    let answer = api.trigger_event(&event).await?;
    println!(
        "   {}",
        answer.message.as_deref().unwrap_or("event accepted")
    );

    let Some(workflow_id) = target.workflow_id.as_deref() else {
        println!(
            "\nSet ALLOY_WORKFLOW_ID to follow a workflow through logs, errors, pause, resume and upgrade."
        );
        purge(api, &user_id, 6).await?;
        return Ok(());
    };

    step(5, &format!("Read the logs and errors of {workflow_id}"));
    print_logs(api, workflow_id, &user_id).await?;
    let errors = api.list_workflow_errors(workflow_id, &user_id).await?;
    for error in &errors.errors {
        println!(
            "   error {}: {}",
            error.error_id.as_deref().unwrap_or("-"),
            error.message.as_deref().unwrap_or("-")
        );
    }

    step(6, "Pause the workflow: events no longer run it");
    api.deactivate_workflow(&WorkflowActionRequest::new(workflow_id, &user_id))
        .await?;
    let before = api
        .list_workflow_logs(workflow_id, &user_id)
        .await?
        .logs
        .len();
    api.trigger_event(&event).await?;
    let after = api
        .list_workflow_logs(workflow_id, &user_id)
        .await?
        .logs
        .len();
    println!(
        "   triggered while paused: {} new log entries",
        after - before
    );

    step(7, "Resume it");
    let answer = api
        .activate_workflow(&WorkflowActionRequest::new(workflow_id, &user_id))
        .await?;
    println!("   {}", answer.message.as_deref().unwrap_or("activated"));

    step(
        8,
        "Upgrade it to the version with the fix, and run it again",
    );
    let version = std::env::var("ALLOY_UPGRADE_VERSION").unwrap_or_else(|_| "2.0.0".into());
    let answer = api
        .upgrade_workflow_to_version(
            workflow_id,
            &UpgradeWorkflowRequest::new(&user_id).with_version(&version),
        )
        .await?;
    println!("   {}", answer.message.as_deref().unwrap_or("upgraded"));
    api.trigger_event(&event).await?;
    print_logs(api, workflow_id, &user_id).await?;

    purge(api, &user_id, 9).await?;
    if target.workflow_id.is_some() {
        let left = api
            .list_workflow_logs(workflow_id, &user_id)
            .await?
            .logs
            .len();
        println!("   logs left for {workflow_id}: {left}");
        if left != 0 {
            return Err(format!("{left} log entries survived the purge").into());
        }
    }
    println!("\nDone: all ten operations ran.");
    Ok(())
}

async fn purge(api: &Client, user_id: &str, n: u32) -> Result<(), Box<dyn Error>> {
    step(n, "Purge the user's logs (a GDPR erasure request)");
    let answer = api.delete_user_logs(user_id).await?;
    println!("   {}", answer.message.as_deref().unwrap_or("purged"));
    Ok(())
}

async fn print_logs(api: &Client, workflow_id: &str, user_id: &str) -> Result<(), Box<dyn Error>> {
    let logs = api.list_workflow_logs(workflow_id, user_id).await?;
    if logs.logs.is_empty() {
        println!("   no executions yet");
    }
    for log in &logs.logs {
        let status = log
            .status
            .as_ref()
            .map_or("unknown", WorkflowLogStatus::as_str);
        let at = log.executed_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        println!(
            "   {} {status:<8} {at} {} ms",
            log.log_id,
            log.duration.unwrap_or(0)
        );
    }
    Ok(())
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

/// A suffix that makes the quickstart's username unique on a shared live account.
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}")
}
