//! Checks the client and the sandbox against the two OpenAPI documents through Stoplight Prism.
//!
//! `scripts/prism-check` starts Prism and runs this binary against it:
//!
//! - `prism-check client --contract official|seed --base-url URL`: URL is `prism mock` of the
//!   document. Every operation of the client that the document has is called once (and
//!   `listWorkflowLogs` once more in its paged form): 39 calls for Alloy's reference, 11 for
//!   the seed document. A check fails when Prism reports a violation (`sl-violations` header),
//!   answers 4xx/5xx, the client cannot decode the answer, or a query key differs from the
//!   document's parameter name (Prism matches query keys case-insensitively, so that is
//!   checked here).
//! - `prism-check sandbox --contract official|seed --base-url URL --api-key KEY`: URL is
//!   `prism proxy --errors` of the document in front of a running sandbox. The sandbox story
//!   runs through it, carrying the ids each answer gives into the next calls: create, read,
//!   update and list the user and a batch; mint a token; pick an integration to install, read
//!   its credential metadata and OAuth link, create a credential; start, complete (filling
//!   the form the start answered), list, read and edit the installation; run the workflow
//!   and trigger its event; read its logs (plain and paged), the account's log feed, errors,
//!   users and analytics; deactivate, activate, upgrade; read the usage; then delete the
//!   credential, deactivate the user's workflows, delete the workflow, purge the logs and
//!   delete the user. A check fails when Prism finds the answer invalid (500
//!   `...#VIOLATIONS`), finds the request invalid (422), or the call errors in any other way
//!   (the sandbox answering 4xx included).
//!
//! Prints one line per check (`ok   seed createUser`, `FAIL official upgradeWorkflow: why`;
//! `ok   seed sandbox createUser` for the sandbox) and exits 1 if any check failed.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use alloy_api::models::{
    BatchCreateUsersRequest, BlockValues, CompleteInstallationRequest, CreateCredentialRequest,
    CreateUserRequest, EditInstallationRequest, FilterOperator, FormBlock, LogColumn, LogFilter,
    LogQuery, LogSortBy, RunWorkflowRequest, SortOrder, StartInstallationRequest,
    TriggerEventRequest, UpdateUserRequest, UpgradeWorkflowRequest, WorkflowActionRequest,
    WorkflowLogsQuery,
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

/// The calls the checker makes: every operation of `AlloyApi`, and the paged form of
/// `listWorkflowLogs` (`list_workflow_logs_page`, whose `page`, `limit` and `order` the plain
/// form does not send).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreateUser,
    GetUser,
    UpdateUser,
    ListUsers,
    BatchCreateUsers,
    GenerateUserToken,
    ListIntegrations,
    GetIntegration,
    ListEvents,
    ListCredentialMetadata,
    GetCredentialMetadata,
    GenerateOAuthUrl,
    CreateCredential,
    ListUserCredentials,
    StartInstallation,
    CompleteInstallation,
    ListInstallations,
    GetInstallation,
    EditInstallation,
    GetWorkflow,
    RunWorkflow,
    TriggerEvent,
    ListWorkflowLogs,
    ListWorkflowLogsPage,
    ListLogs,
    ListWorkflowErrors,
    ListWorkflowUsers,
    GetWorkflowAnalytics,
    DeactivateWorkflow,
    ActivateWorkflow,
    UpgradeWorkflow,
    GetUsage,
    GetUsageOverTime,
    GetUserUsage,
    DeleteCredential,
    DeactivateUserWorkflows,
    DeleteWorkflow,
    DeleteUserLogs,
    DeleteUser,
}

/// One row of the operation table: the call, its name (the seed document's `operationId`
/// for the ten operations both documents have, the official `operationId` for the others),
/// and the method and path under which the documents declare it.
pub struct Operation {
    op: Op,
    /// The name the check's line shows.
    pub name: &'static str,
    /// The method, in lower case as the documents' keys are.
    pub method: &'static str,
    /// The path template, as the documents' keys are.
    pub path: &'static str,
}

/// Every operation of the client, in the order of the sandbox story: a user first, then
/// what the user connects and installs, the runs and what they leave (logs, errors,
/// analytics), the workflow's state changes, and the clean-up, the user deleted last. Both
/// documents are checked with this one table; a document skips the rows it lacks.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        op: Op::CreateUser,
        name: "createUser",
        method: "post",
        path: "/users",
    },
    Operation {
        op: Op::GetUser,
        name: "get-a-user",
        method: "get",
        path: "/users/{userId}",
    },
    Operation {
        op: Op::UpdateUser,
        name: "update-a-user",
        method: "put",
        path: "/users/{userId}",
    },
    Operation {
        op: Op::ListUsers,
        name: "list-all-users",
        method: "get",
        path: "/users",
    },
    Operation {
        op: Op::BatchCreateUsers,
        name: "batch-create-users",
        method: "post",
        path: "/users/batch",
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
        op: Op::GetIntegration,
        name: "get-an-integration",
        method: "get",
        path: "/integrations/{integrationId}",
    },
    Operation {
        op: Op::ListEvents,
        name: "list-events",
        method: "get",
        path: "/events",
    },
    Operation {
        op: Op::ListCredentialMetadata,
        name: "get-credential-metadata",
        method: "get",
        path: "/metadata/credentials",
    },
    Operation {
        op: Op::GetCredentialMetadata,
        name: "credential-medata-by-app",
        method: "get",
        path: "/metadata/credentials/{credentialName}",
    },
    Operation {
        op: Op::GenerateOAuthUrl,
        name: "generate-oauth-link",
        method: "get",
        path: "/headless/oauthUrl",
    },
    Operation {
        op: Op::CreateCredential,
        name: "create-a-credential",
        method: "post",
        path: "/headless/credentials",
    },
    Operation {
        op: Op::ListUserCredentials,
        name: "list-user-credentials",
        method: "get",
        path: "/credentials/users/{userId}",
    },
    Operation {
        op: Op::StartInstallation,
        name: "start-installation",
        method: "post",
        path: "/headless/startInstallation",
    },
    Operation {
        op: Op::CompleteInstallation,
        name: "complete-installation",
        method: "post",
        path: "/headless/completeInstallation",
    },
    Operation {
        op: Op::ListInstallations,
        name: "getAllInstallations",
        method: "get",
        path: "/installations",
    },
    Operation {
        op: Op::GetInstallation,
        name: "getInstallation",
        method: "get",
        path: "/installations/{installationId}",
    },
    Operation {
        op: Op::EditInstallation,
        name: "edit-installation",
        method: "post",
        path: "/headless/editInstallation",
    },
    Operation {
        op: Op::GetWorkflow,
        name: "find-a-workflow",
        method: "get",
        path: "/workflows/{workflowId}",
    },
    Operation {
        op: Op::RunWorkflow,
        name: "run-workflow",
        method: "post",
        path: "/run/workflow",
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
        op: Op::ListWorkflowLogsPage,
        name: "listWorkflowLogs (page)",
        method: "get",
        path: "/workflows/{workflowId}/logs",
    },
    Operation {
        op: Op::ListLogs,
        name: "get-logs",
        method: "get",
        path: "/logs",
    },
    Operation {
        op: Op::ListWorkflowErrors,
        name: "listWorkflowErrors",
        method: "get",
        path: "/workflows/{workflowId}/errors",
    },
    Operation {
        op: Op::ListWorkflowUsers,
        name: "list-users-by-workflowid",
        method: "get",
        path: "/workflows/{workflowId}/users",
    },
    Operation {
        op: Op::GetWorkflowAnalytics,
        name: "get-workflow-analytics",
        method: "get",
        path: "/workflows/{workflowId}/analytics",
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
        op: Op::GetUsage,
        name: "get-app-actions-usage",
        method: "get",
        path: "/analytics/usage",
    },
    Operation {
        op: Op::GetUsageOverTime,
        name: "get-detail-usage-time",
        method: "get",
        path: "/analytics/detail-usage-time",
    },
    Operation {
        op: Op::GetUserUsage,
        name: "get-detail-usage-user",
        method: "get",
        path: "/analytics/detail-usage-user",
    },
    Operation {
        op: Op::DeleteCredential,
        name: "delete-a-credential",
        method: "delete",
        path: "/users/{userId}/credentials/{credentialId}",
    },
    Operation {
        op: Op::DeactivateUserWorkflows,
        name: "disable-all-workflows-for-a-user",
        method: "put",
        path: "/users/{userId}/deactivate-workflows",
    },
    Operation {
        op: Op::DeleteWorkflow,
        name: "delete-workflow",
        method: "delete",
        path: "/workflows/{workflowId}",
    },
    Operation {
        op: Op::DeleteUserLogs,
        name: "deleteUserLogs",
        method: "delete",
        path: "/users/{userId}/logs",
    },
    Operation {
        op: Op::DeleteUser,
        name: "delete-a-user",
        method: "delete",
        path: "/users/{userId}",
    },
];

/// What the story carries from one call to the next. The workflow and its event come from
/// the sandbox's default catalog: new users get `wf_netsuite_invoice_export` installed at its
/// first version, where every `invoice.created` run fails, so logs and errors are not empty;
/// Slack is the integration the catalog does not install by itself, so the headless
/// installation has one to install. Every other value starts as a stand-in and is replaced
/// by what the call that makes it answers (against `prism mock`, by Prism's examples, which
/// is enough there: only the requests and the decoding of the answers are checked).
struct Story {
    /// The document followed: it chooses the form of upgradeWorkflow.
    contract: Contract,
    user_id: String,
    workflow_id: &'static str,
    /// The workflow's name, as `find-a-workflow` answers it; `run-workflow` sends it.
    workflow_name: String,
    event: &'static str,
    upgrade_to: &'static str,
    /// The integration to install: one the user does not have yet.
    integration_id: String,
    /// The integration's app: its credential metadata, OAuth link and credential type.
    app: String,
    credential_id: String,
    installation_id: String,
    /// The form `start-installation` answered, filled by `complete-installation`.
    form: Vec<FormBlock>,
}

impl Story {
    fn new(contract: Contract) -> Self {
        Self {
            contract,
            user_id: "usr_prism_check".to_owned(),
            workflow_id: "wf_netsuite_invoice_export",
            workflow_name: "Netsuite invoice export".to_owned(),
            event: "invoice.created",
            upgrade_to: "1.1.0",
            integration_id: "int_slack".to_owned(),
            app: "slack".to_owned(),
            credential_id: "cred_prism_check".to_owned(),
            installation_id: "inst_prism_check".to_owned(),
            form: Vec::new(),
        }
    }

    /// Calls `op` through the client, keeping what later calls need.
    async fn call(&mut self, api: &impl AlloyApi, op: Op) -> alloy_api::Result<()> {
        let user = self.user_id.clone();
        let user = user.as_str();
        let workflow = self.workflow_id;
        let action = || WorkflowActionRequest::new(workflow, user);
        match op {
            Op::CreateUser => {
                let request = CreateUserRequest::new("prism-check").with_full_name("Prism Check");
                self.user_id = api.create_user(&request).await?.user_id;
                Ok(())
            }
            Op::GetUser => api.get_user(user).await.map(ignore),
            Op::UpdateUser => {
                let request = UpdateUserRequest::new().with_full_name("Prism Check, updated");
                api.update_user(user, &request).await.map(ignore)
            }
            Op::ListUsers => api.list_users(Some(workflow)).await.map(ignore),
            Op::BatchCreateUsers => {
                // One new user and one taken username, which the answer lists as not created.
                let request = BatchCreateUsersRequest::new([
                    CreateUserRequest::new("prism-check-batch").with_full_name("Prism Batch"),
                    CreateUserRequest::new("prism-check"),
                ]);
                api.batch_create_users(&request).await.map(ignore)
            }
            Op::GenerateUserToken => api.generate_user_token(user).await.map(ignore),
            Op::ListIntegrations => {
                let integrations = api.list_integrations(user).await?.integrations;
                if let Some(integration) = integrations
                    .iter()
                    .find(|integration| integration.installed == Some(false))
                    .or_else(|| integrations.first())
                {
                    self.integration_id.clone_from(&integration.integration_id);
                }
                Ok(())
            }
            Op::GetIntegration => {
                let integration = api.get_integration(&self.integration_id, user).await?.data;
                if let Some(app) = integration.app.into_option() {
                    self.app = app;
                }
                Ok(())
            }
            Op::ListEvents => api.list_events().await.map(ignore),
            Op::ListCredentialMetadata => api.list_credential_metadata().await.map(ignore),
            Op::GetCredentialMetadata => api.get_credential_metadata(&self.app).await.map(ignore),
            Op::GenerateOAuthUrl => api.generate_oauth_url(user, &self.app).await.map(ignore),
            Op::CreateCredential => {
                let request = CreateCredentialRequest::new(user)
                    .with_type(&self.app)
                    .with_data(json!({}));
                if let Some(id) = api.create_credential(&request).await?.credential_id {
                    self.credential_id = id;
                }
                Ok(())
            }
            Op::ListUserCredentials => api.list_user_credentials(user).await.map(ignore),
            Op::StartInstallation => {
                // No credential named: the form asks for one, and completing it fills it in.
                let request = StartInstallationRequest::new(user, &self.integration_id);
                let started = api.start_installation(&request).await?;
                self.installation_id = started.installation_id;
                self.form = started.form;
                Ok(())
            }
            Op::CompleteInstallation => {
                let request = self.fill_form();
                api.complete_installation(&request).await.map(ignore)
            }
            Op::ListInstallations => api.list_installations().await.map(ignore),
            Op::GetInstallation => api
                .get_installation(&self.installation_id)
                .await
                .map(ignore),
            Op::EditInstallation => {
                let request = EditInstallationRequest::new(user, &self.integration_id)
                    .with_installation_id(&self.installation_id)
                    .with_credential_ids([self.credential_id.as_str()]);
                api.edit_installation(&request).await.map(ignore)
            }
            Op::GetWorkflow => {
                if let Some(name) = api
                    .get_workflow(workflow, user)
                    .await?
                    .data
                    .name
                    .into_option()
                {
                    self.workflow_name = name;
                }
                Ok(())
            }
            Op::RunWorkflow => {
                let request = RunWorkflowRequest::new(user, workflow, &self.workflow_name)
                    .with_data(json!({ "invoiceId": "inv_prism_check_run" }));
                api.run_workflow(&request).await.map(ignore)
            }
            Op::TriggerEvent => {
                let request = TriggerEventRequest::new(user, self.event)
                    .with_data(json!({ "invoiceId": "inv_prism_check" }));
                api.trigger_event(&request).await.map(ignore)
            }
            Op::ListWorkflowLogs => api.list_workflow_logs(workflow, user).await.map(ignore),
            Op::ListWorkflowLogsPage => {
                let query = WorkflowLogsQuery::new()
                    .with_user_id(user)
                    .with_page(1)
                    .with_limit(5)
                    .with_order(SortOrder::Ascending);
                api.list_workflow_logs_page(workflow, &query)
                    .await
                    .map(ignore)
            }
            Op::ListLogs => {
                let query = LogQuery::new()
                    .with_filter(LogFilter::new(
                        LogColumn::UserId,
                        FilterOperator::Equals,
                        user,
                    ))
                    .with_limit(5)
                    .sorted_by(LogSortBy::CreatedAt, SortOrder::Descending);
                api.list_logs(&query).await.map(ignore)
            }
            Op::ListWorkflowErrors => api.list_workflow_errors(workflow, user).await.map(ignore),
            Op::ListWorkflowUsers => api.list_workflow_users(workflow).await.map(ignore),
            Op::GetWorkflowAnalytics => api.get_workflow_analytics(workflow).await.map(ignore),
            Op::DeactivateWorkflow => api.deactivate_workflow(&action()).await.map(ignore),
            Op::ActivateWorkflow => api.activate_workflow(&action()).await.map(ignore),
            // The two documents' forms of the operation conflict: Alloy's reference takes the
            // user in the query and no body, the seed document a `{userId, version}` body.
            Op::UpgradeWorkflow => match self.contract {
                Contract::Official => api.upgrade_workflow(workflow, user).await.map(ignore),
                Contract::Seed => {
                    let request = UpgradeWorkflowRequest::new(user).with_version(self.upgrade_to);
                    api.upgrade_workflow_to_version(workflow, &request)
                        .await
                        .map(ignore)
                }
            },
            Op::GetUsage => api.get_usage().await.map(ignore),
            Op::GetUsageOverTime => api.get_usage_over_time().await.map(ignore),
            Op::GetUserUsage => api.get_user_usage(user).await.map(ignore),
            Op::DeleteCredential => api
                .delete_credential(user, &self.credential_id)
                .await
                .map(ignore),
            Op::DeactivateUserWorkflows => api.deactivate_user_workflows(user).await.map(ignore),
            Op::DeleteWorkflow => api.delete_workflow(workflow, user).await.map(ignore),
            Op::DeleteUserLogs => api.delete_user_logs(user).await.map(ignore),
            Op::DeleteUser => api.delete_user(user).await.map(ignore),
        }
    }

    /// The values of the form `start-installation` answered: the credential created earlier
    /// for every field of type `credential`, a stand-in text for any other field.
    fn fill_form(&self) -> CompleteInstallationRequest {
        fill_form(&self.installation_id, &self.form, &self.credential_id)
    }
}

/// Fills an installation form: `credential_id` for every field of type `credential`, a
/// stand-in text for any other field. Blocks without a workflow or a block id cannot be
/// named in the answer and are left out; so are fields without a name.
pub fn fill_form(
    installation_id: &str,
    form: &[FormBlock],
    credential_id: &str,
) -> CompleteInstallationRequest {
    form.iter()
        .filter_map(|block| {
            let values = BlockValues::new(block.workflow_id.clone()?, block.block_id.clone()?);
            Some(block.fields.iter().fold(values, |values, field| {
                let Some(name) = field.name.as_deref() else {
                    return values;
                };
                let value = if field.field_type.as_deref() == Some("credential") {
                    credential_id
                } else {
                    "prism-check"
                };
                values.with_field(name, value)
            }))
        })
        .fold(
            CompleteInstallationRequest::new(installation_id),
            CompleteInstallationRequest::with_block,
        )
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

    /// Every operation of the document: its method, path and `operationId`.
    pub fn operations(&self) -> Vec<(String, String, String)> {
        const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];
        let Some(paths) = self.0["paths"].as_object() else {
            return Vec::new();
        };
        paths
            .iter()
            .flat_map(|(path, item)| {
                METHODS.iter().filter_map(move |method| {
                    let id = item.get(*method)?["operationId"]
                        .as_str()
                        .unwrap_or_default();
                    Some(((*method).to_owned(), path.clone(), id.to_owned()))
                })
            })
            .collect()
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
