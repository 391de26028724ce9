//! The whole story of alloy-api in one run: all ten operations of the Alloy Embedded API, as a
//! SaaS back end uses them.
//!
//! ```sh
//! cargo run -p alloy-api --example quickstart
//! cargo run -p alloy-api --example quickstart -- --contract seed
//! ```
//!
//! With no `ALLOY_API_KEY` it starts the in-process sandbox and runs against it, answering as
//! Alloy's 2025-09 reference does (or as the seed document does, with `--contract seed`). With
//! `ALLOY_API_KEY` (and optionally `ALLOY_BASE_URL`, `ALLOY_API_VERSION`) it runs against that
//! service, Alloy's production host by default; there, set `ALLOY_WORKFLOW_ID` (and
//! `ALLOY_USER_ID`, a user who has it installed) for the workflow part, and `ALLOY_EVENT` for
//! the event your workflow listens to.

use std::error::Error;
use std::process::ExitCode;

use alloy_api::Client;
use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::prelude::*;
use alloy_sandbox::{Contract, Sandbox, SandboxConfig};

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
    /// Which document the server follows: it chooses the form of the upgrade.
    contract: Contract,
}

/// The contract the sandbox follows: `--contract official|seed` (official by default).
fn contract_arg() -> Result<Contract, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut contract = Contract::Official;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--contract=") {
            Some(value) => value.to_owned(),
            None if arg == "--contract" => args.next().ok_or("--contract needs a value")?,
            None => return Err(format!("unknown argument `{arg}`; try --contract seed").into()),
        };
        contract = value.parse()?;
    }
    Ok(contract)
}

async fn target() -> Result<Target, Box<dyn Error>> {
    let contract = contract_arg()?;
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
            contract,
        });
    }
    let sandbox = Sandbox::start_with(SandboxConfig::default().with_contract(contract)).await?;
    println!(
        "No ALLOY_API_KEY set: running against the in-process sandbox at {} ({contract} contract)",
        sandbox.base_url()
    );
    let client = sandbox.client()?;
    Ok(Target {
        client,
        _sandbox: Some(sandbox),
        existing_user: None,
        workflow_id: Some(SANDBOX_WORKFLOW.into()),
        event: SANDBOX_EVENT.into(),
        contract,
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
            // The seed document sends a category, Alloy's reference a description.
            integration
                .category
                .as_deref()
                .or(integration.description.as_deref())
                .unwrap_or("-"),
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
        purge(api, &user_id, 5).await?;
        return Ok(());
    };

    step(5, &format!("Read the logs and errors of {workflow_id}"));
    print_logs(api, workflow_id, &user_id).await?;
    let errors = api.list_workflow_errors(workflow_id, &user_id).await?;
    for error in &errors.errors {
        // The seed document names the error, Alloy's reference the block that failed.
        let which = match (&error.error_id, error.block.get(), error.block.raw()) {
            (Some(id), _, _) => id.clone(),
            (None, Some(block), _) => format!("in {block}"),
            // Not a block name: shown as the server sent it.
            (None, None, Some(raw)) => format!("in {raw}"),
            (None, None, None) => "-".to_owned(),
        };
        println!(
            "   error {which}: {}",
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
    println!(
        "   {}",
        match (*answer.activated, answer.message.as_deref()) {
            (Some(true), _) => "activated",
            (_, Some(message)) => message,
            _ => "done",
        }
    );

    step(
        8,
        "Upgrade it to the version with the fix, and run it again",
    );
    let answer = match target.contract {
        // Alloy's reference: the latest version of the parent workflow, no body.
        Contract::Official => api.upgrade_workflow(workflow_id, &user_id).await?,
        // The seed document: a chosen version in the body.
        _ => {
            let version = std::env::var("ALLOY_UPGRADE_VERSION").unwrap_or_else(|_| "2.0.0".into());
            let request = UpgradeWorkflowRequest::new(&user_id).with_version(&version);
            api.upgrade_workflow_to_version(workflow_id, &request)
                .await?
        }
    };
    println!(
        "   {}",
        answer
            .message
            .as_deref()
            .unwrap_or("upgraded to the latest version")
    );
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
        // The seed document sends a status; Alloy's reference whether the run finished.
        let status = match (&log.status, *log.finished) {
            (Some(status), _) => status.as_str(),
            (None, Some(true)) => "finished",
            (None, Some(false)) => "running",
            (None, None) => "unknown",
        };
        let at = log.executed_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        let took = log
            .duration_ms()
            .map_or_else(|| "-".to_owned(), |ms| format!("{ms} ms"));
        println!("   {} {status:<8} {at} {took}", log.log_id);
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
