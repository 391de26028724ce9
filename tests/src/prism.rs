//! Checks the client and the sandbox against the two OpenAPI documents through Stoplight Prism.
//!
//! `scripts/prism-check` starts Prism and runs this binary against it:
//!
//! - `prism-check client --contract official|seed --base-url URL`: URL is `prism mock` of the
//!   document. Every operation of the client that the document has is called once; a check
//!   fails when Prism reports a violation (`sl-violations` header), answers 4xx/5xx, the client
//!   cannot decode the answer, or a query key differs from the document's parameter name
//!   (Prism matches query keys case-insensitively, so that is checked here).
//! - `prism-check sandbox --contract official|seed --base-url URL --api-key KEY`: URL is
//!   `prism proxy --errors` of the document in front of a running sandbox. The sandbox story
//!   (create a user, mint a token, list integrations, trigger an event, read logs and errors,
//!   deactivate, activate, upgrade, purge logs) runs through it; a check fails when Prism
//!   finds the answer invalid (500 `...#VIOLATIONS`), finds the request invalid (422), or the
//!   call errors in any other way.
//!
//! Prints one line per check (`ok   seed createUser`, `FAIL official upgradeWorkflow: why`;
//! `ok   seed sandbox createUser` for the sandbox) and exits 1 if any check failed.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use alloy_api::models::{
    CreateUserRequest, TriggerEventRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
};
use alloy_api::{AlloyApi, Client, RawResponse, Request, RetryPolicy, Transport};
use serde_json::{Value, json};

const USAGE: &str = "\
Usage: prism-check client  --contract official|seed --base-url URL
       prism-check sandbox --contract official|seed --base-url URL --api-key KEY";

/// The two documents the client supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// Alloy's 2025-09 reference.
    Official,
    /// The seed document.
    Seed,
}

impl Contract {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "official" => Some(Self::Official),
            "seed" => Some(Self::Seed),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Official => "official",
            Self::Seed => "seed",
        }
    }

    /// The other contract, whose parameters a request also carries so that one request
    /// satisfies both documents.
    fn other(self) -> Self {
        match self {
            Self::Official => Self::Seed,
            Self::Seed => Self::Official,
        }
    }

    /// The document Prism serves for this contract.
    fn document(self) -> PathBuf {
        let file = match self {
            Self::Official => "alloy-embedded-2025-09-official.yaml",
            Self::Seed => "alloy-embedded-2025-09.yaml",
        };
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../spec")
            .join(file)
    }
}

/// What is being checked: the client's requests against `prism mock`, or the sandbox's
/// answers through `prism proxy --errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Client,
    Sandbox,
}

/// The operations of `AlloyApi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreateUser,
    GenerateUserToken,
    ListIntegrations,
    TriggerEvent,
    ListWorkflowLogs,
    ListWorkflowErrors,
    DeactivateWorkflow,
    ActivateWorkflow,
    UpgradeWorkflow,
    DeleteUserLogs,
}

/// One row of the operation table: the operation, its name in the seed document, and the
/// method and path under which both documents declare it.
struct Operation {
    op: Op,
    name: &'static str,
    method: &'static str,
    path: &'static str,
}

/// Every operation of the client, in the order of the sandbox story (a user first, its logs
/// purged last). Both documents are checked with this one table.
const OPERATIONS: &[Operation] = &[
    Operation {
        op: Op::CreateUser,
        name: "createUser",
        method: "post",
        path: "/users",
    },
    Operation {
        op: Op::GenerateUserToken,
        name: "generateUserToken",
        method: "get",
        path: "/users/{userId}/token",
    },
    Operation {
        op: Op::ListIntegrations,
        name: "listIntegrations",
        method: "get",
        path: "/integrations",
    },
    Operation {
        op: Op::TriggerEvent,
        name: "triggerEvent",
        method: "post",
        path: "/run/event",
    },
    Operation {
        op: Op::ListWorkflowLogs,
        name: "listWorkflowLogs",
        method: "get",
        path: "/workflows/{workflowId}/logs",
    },
    Operation {
        op: Op::ListWorkflowErrors,
        name: "listWorkflowErrors",
        method: "get",
        path: "/workflows/{workflowId}/errors",
    },
    Operation {
        op: Op::DeactivateWorkflow,
        name: "deactivateWorkflow",
        method: "put",
        path: "/workflows/deactivate",
    },
    Operation {
        op: Op::ActivateWorkflow,
        name: "activateWorkflow",
        method: "put",
        path: "/workflows/activate",
    },
    Operation {
        op: Op::UpgradeWorkflow,
        name: "upgradeWorkflow",
        method: "put",
        path: "/workflows/{workflowId}/upgrade",
    },
    Operation {
        op: Op::DeleteUserLogs,
        name: "deleteUserLogs",
        method: "delete",
        path: "/users/{userId}/logs",
    },
];

/// The ids the story carries from one call to the next. The workflow and its event come
/// from the sandbox's default catalog: new users get `wf_netsuite_invoice_export` installed
/// at 1.0.0, where every `invoice.created` run fails, so logs and errors are not empty.
struct Story {
    /// The document followed: it chooses the form of upgradeWorkflow.
    contract: Contract,
    user_id: String,
    workflow_id: &'static str,
    event: &'static str,
    upgrade_to: &'static str,
}

impl Story {
    fn new(contract: Contract) -> Self {
        Self {
            contract,
            // Replaced by the id that createUser answers.
            user_id: "usr_prism_check".to_owned(),
            workflow_id: "wf_netsuite_invoice_export",
            event: "invoice.created",
            upgrade_to: "1.1.0",
        }
    }

    /// Calls `op` through the client, keeping what later calls need.
    async fn call(&mut self, api: &impl AlloyApi, op: Op) -> alloy_api::Result<()> {
        let user = self.user_id.as_str();
        let action = || WorkflowActionRequest::new(self.workflow_id, user);
        match op {
            Op::CreateUser => {
                let request = CreateUserRequest::new("prism-check").with_full_name("Prism Check");
                self.user_id = api.create_user(&request).await?.user_id;
                Ok(())
            }
            Op::GenerateUserToken => api.generate_user_token(user).await.map(ignore),
            Op::ListIntegrations => api.list_integrations(user).await.map(ignore),
            Op::TriggerEvent => {
                let request = TriggerEventRequest::new(user, self.event)
                    .with_data(json!({ "invoiceId": "inv_prism_check" }));
                api.trigger_event(&request).await.map(ignore)
            }
            Op::ListWorkflowLogs => api
                .list_workflow_logs(self.workflow_id, user)
                .await
                .map(ignore),
            Op::ListWorkflowErrors => api
                .list_workflow_errors(self.workflow_id, user)
                .await
                .map(ignore),
            Op::DeactivateWorkflow => api.deactivate_workflow(&action()).await.map(ignore),
            Op::ActivateWorkflow => api.activate_workflow(&action()).await.map(ignore),
            // The two documents' forms of the operation conflict: Alloy's reference takes the
            // user in the query and no body, the seed document a `{userId, version}` body.
            Op::UpgradeWorkflow => match self.contract {
                Contract::Official => api
                    .upgrade_workflow(self.workflow_id, user)
                    .await
                    .map(ignore),
                Contract::Seed => {
                    let request = UpgradeWorkflowRequest::new(user).with_version(self.upgrade_to);
                    api.upgrade_workflow_to_version(self.workflow_id, &request)
                        .await
                        .map(ignore)
                }
            },
            Op::DeleteUserLogs => api.delete_user_logs(user).await.map(ignore),
        }
    }
}

/// Drops a decoded answer: decoding it is the check.
fn ignore<T>(_: T) {}

/// The last exchange as seen on the wire.
pub struct Exchange {
    pub method: String,
    pub template: &'static str,
    pub query_keys: Vec<String>,
    pub status: u16,
    pub violations: Option<String>,
    pub body: Value,
}

/// A `Client` that keeps the raw response of its last call.
struct Recording {
    client: Client,
    last: Mutex<Option<Exchange>>,
}

impl Transport for Recording {
    async fn execute(&self, request: Request) -> alloy_api::Result<RawResponse> {
        let endpoint = request.endpoint();
        let query_keys = request
            .query_string()
            .map(|query| {
                form_urlencoded_keys(query)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let response = self.client.execute(request).await?;
        let violations = response
            .headers
            .get("sl-violations")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let body = serde_json::from_slice(&response.body).unwrap_or_else(|_| {
            Value::String(String::from_utf8_lossy(&response.body).into_owned())
        });
        *self.last.lock().unwrap() = Some(Exchange {
            method: endpoint.method().as_str().to_ascii_lowercase(),
            template: endpoint.template(),
            query_keys,
            status: response.status.as_u16(),
            violations,
            body,
        });
        Ok(response)
    }
}

/// The keys of an `a=1&b=2` query string (ours are plain ASCII names, never encoded).
pub fn form_urlencoded_keys(query: &str) -> impl Iterator<Item = &str> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key))
}

/// An OpenAPI document, as JSON values.
pub struct Document(Value);

impl Document {
    pub fn load(contract: Contract) -> Result<Self, String> {
        let path = contract.document();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_norway::from_str(&text)
            .map(Self)
            .map_err(|e| format!("cannot parse {}: {e}", path.display()))
    }

    /// The operation at `method` `path`, if the document has it.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        self.0["paths"].get(path)?.get(method)
    }

    /// Follows a local `$ref` such as `#/components/parameters/xApiVersion`.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .trim_start_matches("#/")
                .split('/')
                .fold(&self.0, |node, key| &node[key]),
            None => value,
        }
    }

    /// The query parameters of the operation at `method` `path` (path-level ones included),
    /// each with whether it is required.
    pub fn query_parameters(&self, method: &str, path: &str) -> Vec<(String, bool)> {
        let item = &self.0["paths"][path];
        let declared = [&item["parameters"], &item[method]["parameters"]];
        declared
            .into_iter()
            .filter_map(Value::as_array)
            .flatten()
            .map(|parameter| self.resolve(parameter))
            .filter(|parameter| parameter["in"] == "query")
            .filter_map(|parameter| {
                let name = parameter["name"].as_str()?.to_owned();
                Some((name, parameter["required"] == true))
            })
            .collect()
    }
}

/// The outcome of one check.
struct Check {
    problems: Vec<String>,
    notes: Vec<String>,
}

impl Check {
    fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("; "))?;
        if !self.notes.is_empty() {
            write!(f, " [{}]", self.notes.join("; "))?;
        }
        Ok(())
    }
}

/// The messages of an `sl-violations` header (a JSON array of `{location, severity, message}`).
pub fn violation_messages(header: &str) -> Vec<String> {
    match serde_json::from_str::<Vec<Value>>(header) {
        Ok(violations) => violations.iter().map(describe_violation).collect(),
        Err(_) => vec![header.to_owned()],
    }
}

/// `severity at location: message` of one Prism violation.
fn describe_violation(violation: &Value) -> String {
    let location = violation["location"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .map(|part| {
                    part.as_str()
                        .map_or_else(|| part.to_string(), str::to_owned)
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let severity = violation["severity"].as_str().unwrap_or("error");
    let message = violation["message"].as_str().unwrap_or("(no message)");
    format!("{severity} at {location}: {message}")
}

/// What an error answer says: the `validation` entries of Prism's problem+json, or the body.
fn describe_answer(exchange: &Exchange) -> String {
    let body = &exchange.body;
    if let Some(validation) = body["validation"].as_array() {
        let details: Vec<_> = validation.iter().map(describe_violation).collect();
        let title = body["title"].as_str().unwrap_or("problem");
        return format!("{title}: {}", details.join(", "));
    }
    if let Some(detail) = body["detail"].as_str() {
        return detail.to_owned();
    }
    let text = body.to_string();
    text.chars().take(300).collect()
}

/// Compares the query keys sent with the names the document declares, case-sensitively
/// (Prism matches them ignoring case). A key the other document declares for the operation is
/// allowed: the client sends it so that one request satisfies both documents.
pub fn check_query_keys(
    document: &Document,
    other: &Document,
    exchange: &Exchange,
    problems: &mut Vec<String>,
) {
    let declared = document.query_parameters(&exchange.method, exchange.template);
    let also = other.query_parameters(&exchange.method, exchange.template);
    for key in &exchange.query_keys {
        if !declared.iter().chain(&also).any(|(name, _)| name == key) {
            let names: Vec<_> = declared.iter().map(|(name, _)| name.as_str()).collect();
            problems.push(format!(
                "query key `{key}` is not a parameter of the document (declared: {names:?})"
            ));
        }
    }
    for (name, required) in &declared {
        if *required && !exchange.query_keys.contains(name) {
            problems.push(format!("required query parameter `{name}` was not sent"));
        }
    }
}

/// Judges one call by what Prism answered.
fn judge(
    part: Part,
    document: &Document,
    other: &Document,
    result: alloy_api::Result<()>,
    exchange: Option<Exchange>,
) -> Check {
    let mut check = Check {
        problems: Vec::new(),
        notes: Vec::new(),
    };
    let Some(exchange) = exchange else {
        let why = result.err().map_or_else(String::new, |e| e.to_string());
        check.problems.push(format!("no response: {why}"));
        return check;
    };
    let violations = exchange
        .violations
        .as_deref()
        .map(violation_messages)
        .unwrap_or_default();
    let answered = exchange.status;
    match part {
        Part::Client => {
            check.problems.extend(
                violations
                    .into_iter()
                    .map(|v| format!("sl-violations: {v}")),
            );
            if answered >= 400 {
                check.problems.push(format!(
                    "Prism answered {answered}: {}",
                    describe_answer(&exchange)
                ));
            }
            check_query_keys(document, other, &exchange, &mut check.problems);
        }
        Part::Sandbox => {
            // With --errors, Prism turns an invalid answer into a 500 problem whose type ends
            // in #VIOLATIONS; warnings (such as an undeclared status) stay in the header.
            let problem_type = exchange.body["type"].as_str().unwrap_or_default();
            if answered == 500 && problem_type.ends_with("#VIOLATIONS") {
                check.problems.push(format!(
                    "the sandbox's answer violates the document: {}",
                    describe_answer(&exchange)
                ));
            } else if answered == 422 {
                check.problems.push(format!(
                    "the request is invalid for the document (422): {}",
                    describe_answer(&exchange)
                ));
            }
            if check.problems.is_empty() {
                check.notes.extend(violations);
            }
        }
    }
    if let Err(error) = result
        && check.problems.is_empty()
    {
        check.problems.push(format!("the call failed: {error}"));
    }
    check
}

/// Runs every operation of the table that the document has and prints one line per check;
/// returns the number of failed checks.
async fn run(
    part: Part,
    contract: Contract,
    base_url: &str,
    api_key: &str,
) -> Result<usize, String> {
    let document = Document::load(contract)?;
    let other = Document::load(contract.other())?;
    let client = Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    let recording = Recording {
        client,
        last: Mutex::new(None),
    };
    let mut story = Story::new(contract);
    let mut failed = 0;
    for operation in OPERATIONS {
        let label = match part {
            Part::Client => format!("{} {}", contract.name(), operation.name),
            Part::Sandbox => format!("{} sandbox {}", contract.name(), operation.name),
        };
        if document
            .operation(operation.method, operation.path)
            .is_none()
        {
            println!(
                "skip {label}: the document has no {} {}",
                operation.method.to_ascii_uppercase(),
                operation.path
            );
            continue;
        }
        *recording.last.lock().unwrap() = None;
        let result = story.call(&recording, operation.op).await;
        let exchange = recording.last.lock().unwrap().take();
        let check = judge(part, &document, &other, result, exchange);
        if check.passed() {
            if check.notes.is_empty() {
                println!("ok   {label}");
            } else {
                println!("ok   {label} {check}");
            }
        } else {
            failed += 1;
            println!("FAIL {label}: {check}");
        }
    }
    Ok(failed)
}

/// The parsed command line.
struct Args {
    part: Part,
    contract: Contract,
    base_url: String,
    api_key: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let part = match args.next().as_deref() {
        Some("client") => Part::Client,
        Some("sandbox") => Part::Sandbox,
        Some(other) => return Err(format!("unknown subcommand `{other}`")),
        None => return Err("a subcommand is required".to_owned()),
    };
    let (mut contract, mut base_url, mut api_key) = (None, None, None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--contract" => {
                contract = Some(
                    Contract::parse(&value)
                        .ok_or_else(|| format!("--contract: `{value}` is not official or seed"))?,
                );
            }
            "--base-url" => base_url = Some(value),
            "--api-key" => api_key = Some(value),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let api_key = match (part, api_key) {
        (_, Some(key)) => key,
        // Prism's mock only checks that a bearer token is present.
        (Part::Client, None) => "sk_prism_check".to_owned(),
        (Part::Sandbox, None) => return Err("sandbox needs --api-key".to_owned()),
    };
    Ok(Args {
        part,
        contract: contract.ok_or("--contract is required")?,
        base_url: base_url.ok_or("--base-url is required")?,
        api_key,
    })
}

/// Runs the checker with the process's arguments: the `prism-check` binary.
pub async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("prism-check: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args.part, args.contract, &args.base_url, &args.api_key).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("prism-check: {message}");
            ExitCode::from(2)
        }
    }
}
