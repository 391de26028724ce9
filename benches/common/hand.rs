//! Every operation of the API (the 38 of Alloy's 2025-09 reference) written by hand with
//! reqwest, in the lean form people write without the macro: the baseline every benchmark
//! compares the generated endpoints against.
//!
//! One `reqwest::Client`, built once, carries everything that is the same on every request:
//! the timeouts, no redirects, and the `Authorization` (sensitive), `Accept`, `User-Agent` and
//! `x-api-version` headers as default headers. A call clones the parsed base `Url`, pushes the
//! path segments (percent-encoded by `url`), appends the query pairs (a parameter set such as
//! `LogQuery` written pair by pair from its fields), adds the JSON body,
//! sends, reads the body, maps a non-2xx status to an error with the server's `{error,message}`
//! and decodes the JSON. Same models as the generated client, and the same requests (the
//! `overhead` test server checks them).
//!
//! Each operation is split in two: `*_request` builds the `reqwest::RequestBuilder` (so the
//! no-network benchmark runs exactly the code the real call runs), and the `async fn` sends it.
#![allow(dead_code)] // each bench binary uses a different part of this module

use std::fmt;

use alloy_api::models::{
    BatchCreateUsersRequest, BatchCreateUsersResponse, BlockValues, CompleteInstallationRequest,
    CreateCredentialRequest, CreateUserRequest, CreatedCredential, CredentialList,
    CredentialMetadata, CredentialMetadataList, Data, EditInstallationRequest, EditedInstallation,
    ErrorResponse, EventList, FilterOperator, InstallationDetail, InstallationList, Integration,
    IntegrationList, LogColumn, LogFilter, LogPage, LogQuery, LogSortBy, OAuthUrl,
    RunWorkflowRequest, SortOrder, StartInstallationRequest, StartedInstallation, SuccessResponse,
    TokenResponse, TriggerEventRequest, UpdateUserRequest, UpgradeWorkflowRequest, UsageOverTime,
    UsageSummary, User, UserList, UserUsage, Workflow, WorkflowActionRequest, WorkflowActivation,
    WorkflowAnalytics, WorkflowDeletion, WorkflowErrorList, WorkflowLogList, WorkflowUpgrade,
    WorkflowUserList,
};
use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::RequestBuilder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

/// The API key both clients send in the benchmarks.
pub const API_KEY: &str = "bench-key";

/// The hand-written client's error.
#[derive(Debug)]
pub enum HandError {
    /// A non-2xx answer, with the server's `ErrorResponse` parsed leniently.
    Api {
        status: StatusCode,
        error: Option<String>,
        message: Option<String>,
    },
    /// A 2xx answer whose body is not the expected JSON.
    Decode(serde_json::Error),
    /// Sending the request or reading the response failed (timeouts included).
    Http(reqwest::Error),
}

impl From<reqwest::Error> for HandError {
    fn from(error: reqwest::Error) -> Self {
        Self::Http(error)
    }
}

impl fmt::Display for HandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, .. } => write!(f, "the API answered {status}"),
            Self::Decode(e) => write!(f, "could not decode the response: {e}"),
            Self::Http(e) => write!(f, "the request failed: {e}"),
        }
    }
}

/// Maps a status and body to the operation's result: 2xx decodes as JSON into `T`, anything
/// else becomes `HandError::Api` with the server's `ErrorResponse` parsed leniently.
pub fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, HandError> {
    if !status.is_success() {
        let parsed = serde_json::from_slice::<ErrorResponse>(body).unwrap_or_default();
        return Err(HandError::Api {
            status,
            error: parsed.error,
            message: parsed.message,
        });
    }
    serde_json::from_slice(body).map_err(HandError::Decode)
}

/// Every operation of the API over reqwest, written by hand.
pub struct Hand {
    http: reqwest::Client,
    /// Parsed once; every call clones it and pushes its path segments.
    base: Url,
}

impl Hand {
    /// The client for the API at `base_url`, authenticated with `api_key`.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let base = Url::parse(base_url).expect("valid base URL");
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {api_key}")).expect("valid API key");
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(alloy_api::DEFAULT_USER_AGENT),
        );
        headers.insert("x-api-version", HeaderValue::from_static("2025-09"));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(alloy_api::DEFAULT_TIMEOUT)
            .connect_timeout(alloy_api::DEFAULT_CONNECT_TIMEOUT)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .expect("reqwest client");
        Self { http, base }
    }

    /// The base URL with `segments` appended, each percent-encoded.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("base URL with a path")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// The base URL with `segments` appended and `userId` in the query.
    fn url_for_user(&self, segments: &[&str], user_id: &str) -> Url {
        let mut url = self.url(segments);
        url.query_pairs_mut().append_pair("userId", user_id);
        url
    }

    /// Sends the request, reads the whole body and maps status and body to the result.
    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, HandError> {
        let response = request.send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        decode(status, &body)
    }

    pub fn create_user_request(&self, request: &CreateUserRequest) -> RequestBuilder {
        self.http.post(self.url(&["users"])).json(request)
    }

    pub async fn create_user(&self, request: &CreateUserRequest) -> Result<User, HandError> {
        self.call(self.create_user_request(request)).await
    }

    pub fn generate_user_token_request(&self, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["users", user_id, "token"], user_id))
    }

    pub async fn generate_user_token(&self, user_id: &str) -> Result<TokenResponse, HandError> {
        self.call(self.generate_user_token_request(user_id)).await
    }

    pub fn delete_user_logs_request(&self, user_id: &str) -> RequestBuilder {
        self.http
            .delete(self.url_for_user(&["users", user_id, "logs"], user_id))
    }

    pub async fn delete_user_logs(&self, user_id: &str) -> Result<SuccessResponse, HandError> {
        self.call(self.delete_user_logs_request(user_id)).await
    }

    pub fn list_integrations_request(&self, user_id: &str) -> RequestBuilder {
        self.http.get(self.url_for_user(&["integrations"], user_id))
    }

    pub async fn list_integrations(&self, user_id: &str) -> Result<IntegrationList, HandError> {
        self.call(self.list_integrations_request(user_id)).await
    }

    pub fn trigger_event_request(&self, request: &TriggerEventRequest) -> RequestBuilder {
        self.http.post(self.url(&["run", "event"])).json(request)
    }

    pub async fn trigger_event(
        &self,
        request: &TriggerEventRequest,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.trigger_event_request(request)).await
    }

    pub fn list_workflow_errors_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["workflows", workflow_id, "errors"], user_id))
    }

    pub async fn list_workflow_errors(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<WorkflowErrorList, HandError> {
        self.call(self.list_workflow_errors_request(workflow_id, user_id))
            .await
    }

    pub fn list_workflow_logs_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["workflows", workflow_id, "logs"], user_id))
    }

    pub async fn list_workflow_logs(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<WorkflowLogList, HandError> {
        self.call(self.list_workflow_logs_request(workflow_id, user_id))
            .await
    }

    pub fn deactivate_workflow_request(&self, request: &WorkflowActionRequest) -> RequestBuilder {
        self.http
            .put(self.url(&["workflows", "deactivate"]))
            .json(request)
    }

    pub async fn deactivate_workflow(
        &self,
        request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation, HandError> {
        self.call(self.deactivate_workflow_request(request)).await
    }

    pub fn activate_workflow_request(&self, request: &WorkflowActionRequest) -> RequestBuilder {
        self.http
            .put(self.url(&["workflows", "activate"]))
            .json(request)
    }

    pub async fn activate_workflow(
        &self,
        request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation, HandError> {
        self.call(self.activate_workflow_request(request)).await
    }

    pub fn upgrade_workflow_to_version_request(
        &self,
        workflow_id: &str,
        request: &UpgradeWorkflowRequest,
    ) -> RequestBuilder {
        self.http
            .put(self.url(&["workflows", workflow_id, "upgrade"]))
            .json(request)
    }

    pub async fn upgrade_workflow_to_version(
        &self,
        workflow_id: &str,
        request: &UpgradeWorkflowRequest,
    ) -> Result<WorkflowUpgrade, HandError> {
        self.call(self.upgrade_workflow_to_version_request(workflow_id, request))
            .await
    }

    pub fn list_users_request(&self, parent_workflow_id: Option<&str>) -> RequestBuilder {
        let mut url = self.url(&["users"]);
        if let Some(id) = parent_workflow_id {
            url.query_pairs_mut().append_pair("parentWorkflowId", id);
        }
        self.http.get(url)
    }

    pub async fn list_users(
        &self,
        parent_workflow_id: Option<&str>,
    ) -> Result<UserList, HandError> {
        self.call(self.list_users_request(parent_workflow_id)).await
    }

    pub fn get_user_request(&self, user_id: &str) -> RequestBuilder {
        self.http.get(self.url(&["users", user_id]))
    }

    pub async fn get_user(&self, user_id: &str) -> Result<User, HandError> {
        self.call(self.get_user_request(user_id)).await
    }

    pub fn update_user_request(
        &self,
        user_id: &str,
        request: &UpdateUserRequest,
    ) -> RequestBuilder {
        self.http.put(self.url(&["users", user_id])).json(request)
    }

    pub async fn update_user(
        &self,
        user_id: &str,
        request: &UpdateUserRequest,
    ) -> Result<User, HandError> {
        self.call(self.update_user_request(user_id, request)).await
    }

    pub fn delete_user_request(&self, user_id: &str) -> RequestBuilder {
        self.http.delete(self.url(&["users", user_id]))
    }

    pub async fn delete_user(&self, user_id: &str) -> Result<SuccessResponse, HandError> {
        self.call(self.delete_user_request(user_id)).await
    }

    pub fn batch_create_users_request(&self, request: &BatchCreateUsersRequest) -> RequestBuilder {
        self.http.post(self.url(&["users", "batch"])).json(request)
    }

    pub async fn batch_create_users(
        &self,
        request: &BatchCreateUsersRequest,
    ) -> Result<BatchCreateUsersResponse, HandError> {
        self.call(self.batch_create_users_request(request)).await
    }

    pub fn deactivate_user_workflows_request(&self, user_id: &str) -> RequestBuilder {
        self.http
            .put(self.url(&["users", user_id, "deactivate-workflows"]))
    }

    pub async fn deactivate_user_workflows(
        &self,
        user_id: &str,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.deactivate_user_workflows_request(user_id))
            .await
    }

    pub fn get_workflow_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["workflows", workflow_id], user_id))
    }

    pub async fn get_workflow(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<Data<Workflow>, HandError> {
        self.call(self.get_workflow_request(workflow_id, user_id))
            .await
    }

    pub fn delete_workflow_request(&self, workflow_id: &str, user_id: &str) -> RequestBuilder {
        self.http
            .delete(self.url_for_user(&["workflows", workflow_id], user_id))
    }

    pub async fn delete_workflow(
        &self,
        workflow_id: &str,
        user_id: &str,
    ) -> Result<WorkflowDeletion, HandError> {
        self.call(self.delete_workflow_request(workflow_id, user_id))
            .await
    }

    pub fn list_workflow_users_request(&self, workflow_id: &str) -> RequestBuilder {
        self.http
            .get(self.url(&["workflows", workflow_id, "users"]))
    }

    pub async fn list_workflow_users(
        &self,
        workflow_id: &str,
    ) -> Result<WorkflowUserList, HandError> {
        self.call(self.list_workflow_users_request(workflow_id))
            .await
    }

    pub fn get_workflow_analytics_request(&self, workflow_id: &str) -> RequestBuilder {
        self.http
            .get(self.url(&["workflows", workflow_id, "analytics"]))
    }

    pub async fn get_workflow_analytics(
        &self,
        workflow_id: &str,
    ) -> Result<WorkflowAnalytics, HandError> {
        self.call(self.get_workflow_analytics_request(workflow_id))
            .await
    }

    pub fn run_workflow_request(&self, request: &RunWorkflowRequest) -> RequestBuilder {
        self.http.post(self.url(&["run", "workflow"])).json(request)
    }

    pub async fn run_workflow(
        &self,
        request: &RunWorkflowRequest,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.run_workflow_request(request)).await
    }

    pub fn list_events_request(&self) -> RequestBuilder {
        self.http.get(self.url(&["events"]))
    }

    pub async fn list_events(&self) -> Result<EventList, HandError> {
        self.call(self.list_events_request()).await
    }

    /// `GET /logs` with the query's pairs, written one by one: the filters as the JSON array
    /// the API reads, then the workflow, user, offset, page size and order that are set.
    pub fn list_logs_request(&self, query: &LogQuery) -> RequestBuilder {
        /// One filter as the API reads it: `{columns, operators, userinput, condition}`,
        /// each `{value}`.
        #[derive(Serialize)]
        struct Filter<'a> {
            columns: Value<'a>,
            operators: Value<'a>,
            userinput: Value<'a>,
            condition: Value<'a>,
        }
        #[derive(Serialize)]
        struct Value<'a> {
            value: &'a str,
        }

        let mut url = self.url(&["logs"]);
        {
            let mut pairs = url.query_pairs_mut();
            if !query.filters.is_empty() {
                let filters: Vec<Filter<'_>> = query
                    .filters
                    .iter()
                    .map(|f| Filter {
                        columns: Value {
                            value: f.column.as_str(),
                        },
                        operators: Value {
                            value: f.operator.as_str(),
                        },
                        userinput: Value { value: &f.value },
                        condition: Value { value: "and" },
                    })
                    .collect();
                let json = serde_json::to_string(&filters).expect("filters encode");
                pairs.append_pair("filters", &json);
            }
            if let Some(id) = &query.workflow_id {
                pairs.append_pair("workflowId", id);
            }
            if let Some(id) = &query.associated_user_id {
                pairs.append_pair("associatedUserId", id);
            }
            if let Some(skip) = query.skip {
                pairs.append_pair("skip", &skip.to_string());
            }
            if let Some(limit) = query.limit {
                pairs.append_pair("limit", &limit.to_string());
            }
            if let Some(by) = query.sort_by {
                pairs.append_pair("sortBy", by.as_str());
            }
            if let Some(order) = query.sort_order {
                pairs.append_pair("sortOrder", order.as_str());
            }
        }
        self.http.get(url)
    }

    pub async fn list_logs(&self, query: &LogQuery) -> Result<LogPage, HandError> {
        self.call(self.list_logs_request(query)).await
    }

    pub fn get_integration_request(&self, integration_id: &str, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["integrations", integration_id], user_id))
    }

    pub async fn get_integration(
        &self,
        integration_id: &str,
        user_id: &str,
    ) -> Result<Data<Integration>, HandError> {
        self.call(self.get_integration_request(integration_id, user_id))
            .await
    }

    pub fn list_installations_request(&self) -> RequestBuilder {
        self.http.get(self.url(&["installations"]))
    }

    pub async fn list_installations(&self) -> Result<InstallationList, HandError> {
        self.call(self.list_installations_request()).await
    }

    pub fn get_installation_request(&self, installation_id: &str) -> RequestBuilder {
        self.http.get(self.url(&["installations", installation_id]))
    }

    pub async fn get_installation(
        &self,
        installation_id: &str,
    ) -> Result<Data<InstallationDetail>, HandError> {
        self.call(self.get_installation_request(installation_id))
            .await
    }

    pub fn start_installation_request(&self, request: &StartInstallationRequest) -> RequestBuilder {
        self.http
            .post(self.url(&["headless", "startInstallation"]))
            .json(request)
    }

    pub async fn start_installation(
        &self,
        request: &StartInstallationRequest,
    ) -> Result<StartedInstallation, HandError> {
        self.call(self.start_installation_request(request)).await
    }

    pub fn complete_installation_request(
        &self,
        request: &CompleteInstallationRequest,
    ) -> RequestBuilder {
        self.http
            .post(self.url(&["headless", "completeInstallation"]))
            .json(request)
    }

    pub async fn complete_installation(
        &self,
        request: &CompleteInstallationRequest,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.complete_installation_request(request)).await
    }

    pub fn edit_installation_request(&self, request: &EditInstallationRequest) -> RequestBuilder {
        self.http
            .post(self.url(&["headless", "editInstallation"]))
            .json(request)
    }

    pub async fn edit_installation(
        &self,
        request: &EditInstallationRequest,
    ) -> Result<Data<EditedInstallation>, HandError> {
        self.call(self.edit_installation_request(request)).await
    }

    pub fn generate_oauth_url_request(&self, user_id: &str, app: &str) -> RequestBuilder {
        let mut url = self.url(&["headless", "oauthUrl"]);
        url.query_pairs_mut()
            .append_pair("userId", user_id)
            .append_pair("app", app);
        self.http.get(url)
    }

    pub async fn generate_oauth_url(
        &self,
        user_id: &str,
        app: &str,
    ) -> Result<OAuthUrl, HandError> {
        self.call(self.generate_oauth_url_request(user_id, app))
            .await
    }

    pub fn create_credential_request(&self, request: &CreateCredentialRequest) -> RequestBuilder {
        self.http
            .post(self.url(&["headless", "credentials"]))
            .json(request)
    }

    pub async fn create_credential(
        &self,
        request: &CreateCredentialRequest,
    ) -> Result<CreatedCredential, HandError> {
        self.call(self.create_credential_request(request)).await
    }

    pub fn list_user_credentials_request(&self, user_id: &str) -> RequestBuilder {
        self.http.get(self.url(&["credentials", "users", user_id]))
    }

    pub async fn list_user_credentials(&self, user_id: &str) -> Result<CredentialList, HandError> {
        self.call(self.list_user_credentials_request(user_id)).await
    }

    pub fn delete_credential_request(&self, user_id: &str, credential_id: &str) -> RequestBuilder {
        self.http
            .delete(self.url(&["users", user_id, "credentials", credential_id]))
    }

    pub async fn delete_credential(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<SuccessResponse, HandError> {
        self.call(self.delete_credential_request(user_id, credential_id))
            .await
    }

    pub fn list_credential_metadata_request(&self) -> RequestBuilder {
        self.http.get(self.url(&["metadata", "credentials"]))
    }

    pub async fn list_credential_metadata(&self) -> Result<CredentialMetadataList, HandError> {
        self.call(self.list_credential_metadata_request()).await
    }

    pub fn get_credential_metadata_request(&self, credential_name: &str) -> RequestBuilder {
        self.http
            .get(self.url(&["metadata", "credentials", credential_name]))
    }

    pub async fn get_credential_metadata(
        &self,
        credential_name: &str,
    ) -> Result<Data<CredentialMetadata>, HandError> {
        self.call(self.get_credential_metadata_request(credential_name))
            .await
    }

    pub fn get_usage_request(&self) -> RequestBuilder {
        self.http.get(self.url(&["analytics", "usage"]))
    }

    pub async fn get_usage(&self) -> Result<Data<UsageSummary>, HandError> {
        self.call(self.get_usage_request()).await
    }

    pub fn get_usage_over_time_request(&self) -> RequestBuilder {
        self.http.get(self.url(&["analytics", "detail-usage-time"]))
    }

    pub async fn get_usage_over_time(&self) -> Result<Data<UsageOverTime>, HandError> {
        self.call(self.get_usage_over_time_request()).await
    }

    pub fn get_user_usage_request(&self, user_id: &str) -> RequestBuilder {
        self.http
            .get(self.url_for_user(&["analytics", "detail-usage-user"], user_id))
    }

    pub async fn get_user_usage(&self, user_id: &str) -> Result<Data<UserUsage>, HandError> {
        self.call(self.get_user_usage_request(user_id)).await
    }
}

/// The arguments every benchmark passes: the contract's request examples where it has them,
/// and values of the same kind (the ids of those examples) for the other operations.
pub struct Fixtures {
    pub user_id: String,
    pub workflow_id: String,
    pub integration_id: String,
    pub installation_id: String,
    pub credential_id: String,
    /// An app connected by OAuth with no properties to add to the URL.
    pub oauth_app: String,
    /// An app, as credential metadata names it.
    pub credential_name: String,
    pub create_user: CreateUserRequest,
    pub update_user: UpdateUserRequest,
    pub batch_create_users: BatchCreateUsersRequest,
    pub trigger_event: TriggerEventRequest,
    pub run_workflow: RunWorkflowRequest,
    pub workflow_action: WorkflowActionRequest,
    pub upgrade: UpgradeWorkflowRequest,
    pub log_query: LogQuery,
    pub start_installation: StartInstallationRequest,
    pub complete_installation: CompleteInstallationRequest,
    pub edit_installation: EditInstallationRequest,
    pub create_credential: CreateCredentialRequest,
}

impl Fixtures {
    /// The arguments of every operation.
    pub fn contract_examples() -> Self {
        let user = "usr_abc123";
        Self {
            user_id: user.into(),
            workflow_id: "wf_xyz456".into(),
            integration_id: "int_shopify".into(),
            installation_id: "inst_001".into(),
            credential_id: "cred_001".into(),
            oauth_app: "hubspot".into(),
            credential_name: "shopify".into(),
            create_user: CreateUserRequest::new("user-123").with_full_name("Jane Smith"),
            update_user: UpdateUserRequest::new().with_full_name("Jane Doe"),
            batch_create_users: BatchCreateUsersRequest::new([
                CreateUserRequest::new("customer-1"),
                CreateUserRequest::new("customer-2").with_full_name("Jane Smith"),
            ]),
            trigger_event: TriggerEventRequest::new(user, "order.created")
                .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.0 })),
            run_workflow: RunWorkflowRequest::new(user, "wf_xyz456", "Sync orders")
                .with_data(serde_json::json!({ "orderId": "ord-789" })),
            workflow_action: WorkflowActionRequest::new("wf_xyz456", user),
            upgrade: UpgradeWorkflowRequest::new(user).with_version("2.0.0"),
            log_query: LogQuery::new()
                .with_filter(LogFilter::new(
                    LogColumn::Message,
                    FilterOperator::Equals,
                    "executionError",
                ))
                .with_associated_user_id(user)
                .with_skip(0)
                .with_limit(10)
                .sorted_by(LogSortBy::CreatedAt, SortOrder::Descending),
            start_installation: StartInstallationRequest::new(user, "int_shopify")
                .with_credential_ids(["cred_001"]),
            complete_installation: CompleteInstallationRequest::new("inst_001").with_block(
                BlockValues::new("wf_xyz456", "blk_001").with_field("syncFrequency", "daily"),
            ),
            edit_installation: EditInstallationRequest::new(user, "int_shopify")
                .with_credential_ids(["cred_002"])
                .with_installation_id("inst_001"),
            create_credential: CreateCredentialRequest::new(user)
                .with_type("netsuite")
                .with_data(serde_json::json!({ "accountId": "1234567", "consumerKey": "ck_1" })),
        }
    }
}

/// Every operation of the API in round-robin order (the first ten are the mix the benchmarks
/// started with), each with its status and response body: the contract's example where it has
/// one, otherwise a body of the shape its schema gives, every field filled in once.
///
/// Rows are named after the trait methods called, except `upgrade_workflow`, which calls
/// `upgrade_workflow_to_version` (the seed document's form, with a body). The request the
/// server expects of each is in the `overhead` benchmark's `server::route`.
pub const OPERATIONS: [(&str, u16, &str); 38] = [
    (
        "create_user",
        201,
        r#"{"userId":"usr_abc123","username":"user-123","fullName":"Jane Smith","createdAt":"2026-04-19T10:00:00Z"}"#,
    ),
    (
        "generate_user_token",
        200,
        r#"{"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.example.signature"}"#,
    ),
    (
        "delete_user_logs",
        200,
        r#"{"success":true,"message":"User logs purged successfully"}"#,
    ),
    (
        "list_integrations",
        200,
        r#"{"integrations":[{"integrationId":"int_shopify","name":"Shopify","category":"E-Commerce","iconUrl":"https://assets.runalloy.com/icons/shopify.png","installed":false}]}"#,
    ),
    (
        "trigger_event",
        200,
        r#"{"success":true,"message":"Event triggered successfully"}"#,
    ),
    (
        "list_workflow_errors",
        200,
        r#"{"errors":[{"errorId":"err_001","workflowId":"wf_xyz456","message":"Connection timeout to Shopify","occurredAt":"2026-04-19T09:30:00Z"}]}"#,
    ),
    (
        "list_workflow_logs",
        200,
        r#"{"logs":[{"logId":"log_001","workflowId":"wf_xyz456","status":"success","executedAt":"2026-04-19T10:00:00Z","duration":1200}]}"#,
    ),
    (
        "deactivate_workflow",
        200,
        r#"{"success":true,"message":"Workflow deactivated"}"#,
    ),
    (
        "activate_workflow",
        200,
        r#"{"success":true,"message":"Workflow activated"}"#,
    ),
    (
        "upgrade_workflow",
        200,
        r#"{"success":true,"message":"Workflow upgraded to version 2.0.0"}"#,
    ),
    (
        "list_users",
        200,
        r#"{"data":[{"userId":"usr_abc123","username":"user-123","fullName":"Jane Smith"}]}"#,
    ),
    (
        "get_user",
        200,
        r#"{"userId":"usr_abc123","fullName":"Jane Smith","username":"user-123"}"#,
    ),
    (
        "update_user",
        200,
        r#"{"userId":"usr_abc123","fullName":"Jane Doe","username":"user-123"}"#,
    ),
    ("delete_user", 200, r#"{"success":true}"#),
    (
        "batch_create_users",
        200,
        r#"{"message":"1 of 2 users created","invalidUsers":[{"username":"customer-1"}]}"#,
    ),
    ("deactivate_user_workflows", 200, r#"{"message":"Success"}"#),
    (
        "get_workflow",
        200,
        r#"{"data":{"workflowId":"wf_xyz456","name":"Sync orders","createdAt":"2026-04-01T09:00:00Z","updatedAt":"2026-04-19T10:00:00Z","installed":true,"active":true,"version":2,"integrationId":"int_shopify","connectors":[{"connectorName":"Shopify","connectorId":"shopify_1","connector":"shopify","icon":"https://assets.runalloy.com/icons/shopify.png"}]}}"#,
    ),
    ("delete_workflow", 200, r#"{"deleted":true}"#),
    (
        "list_workflow_users",
        200,
        r#"{"data":[{"username":"user-123","fullName":"Jane Smith","userId":"usr_abc123","workflowActive":true,"installedVersion":2,"installedAt":"2026-04-01T09:00:00Z"}]}"#,
    ),
    (
        "get_workflow_analytics",
        200,
        r#"{"totalAppActions":1520,"totalWorkflowRuns":380,"totalErrors":4}"#,
    ),
    ("run_workflow", 200, r#"{"message":"success"}"#),
    (
        "list_events",
        200,
        r#"{"data":[{"name":"order.created","description":"An order was placed","body":{"orderId":"string","amount":"number"}}]}"#,
    ),
    (
        "list_logs",
        200,
        r#"{"notifications":[{"_id":"ntf_001","message":"executionError","data":{"executionId":"ex_001","executionUuid":"5f0c6a1e-8d2b-4c1e-9a7f-3b2d1c0e9f8a"},"startedAt":"2026-04-19T09:59:58Z","completedAt":"2026-04-19T10:00:00Z","createdAt":"2026-04-19T10:00:00Z","customVersion":false,"workflowVersion":2,"teamId":"team_001","forgeWorkflowId":"wf_parent_001","workflowId":"wf_xyz456","userId":"usr_abc123","user":{"email":"jane@example.com","fullName":"Jane Smith"},"forgeWorkflow":{"name":"Sync orders","integrationId":{"_id":"int_shopify","name":"Shopify","blockId":"blk_001","icon":"https://assets.runalloy.com/icons/shopify.png"}}}],"lastFetched":"2026-04-19T10:00:05Z","pagination":{"totalItems":1,"totalPages":1,"currentPage":1,"pageSize":10}}"#,
    ),
    (
        "get_integration",
        200,
        r#"{"data":{"integrationId":"int_shopify","app":"shopify","installed":true,"icon":"https://assets.runalloy.com/icons/shopify.png","workflows":[{"workflowId":"wf_xyz456","name":"Sync orders","installed":true,"active":true,"version":2,"installedVersion":2,"connectors":[{"name":"Shopify","id":"shopify_1","connector":"shopify","icon":"https://assets.runalloy.com/icons/shopify.png","subtitle":"New order"}]}],"credentials":["shopify"]}}"#,
    ),
    (
        "list_installations",
        200,
        r#"{"data":[{"installationId":"inst_001","integrationId":"int_shopify","userId":"usr_abc123","formData":[{"workflowId":"wf_xyz456","app":"shopify","blockId":"blk_001","fields":[{"name":"syncFrequency","displayName":"Sync frequency","type":"string","required":true}]}],"credentialIds":{"shopify":"cred_001"},"workflowIds":["wf_xyz456"],"installedAt":"2026-04-01T09:00:00Z","enabled":true}]}"#,
    ),
    (
        "get_installation",
        200,
        r#"{"data":{"installationId":"inst_001","integrationId":"int_shopify","userId":"usr_abc123","formData":[{"workflowId":"wf_xyz456","blockId":"blk_001"}],"credentialIds":{"shopify":"cred_001"},"workflowIds":["wf_xyz456"],"installedAt":"2026-04-01T09:00:00Z","enabled":true}}"#,
    ),
    (
        "start_installation",
        200,
        r#"{"data":[{"workflowId":"wf_xyz456","app":"shopify","blockId":"blk_001","fields":[{"name":"syncFrequency","displayName":"Sync frequency","type":"string","required":true}]}],"installationId":"inst_001"}"#,
    ),
    (
        "complete_installation",
        200,
        r#"{"message":"Installation completed successfully"}"#,
    ),
    (
        "edit_installation",
        200,
        r#"{"data":{"installationId":"inst_001","integrationId":"int_shopify","userId":"usr_abc123","formData":[],"credentialIds":{"shopify":"cred_002"},"workflowIds":["wf_xyz456"],"installedData":[],"installedAt":"2026-04-01T09:00:00Z"}}"#,
    ),
    (
        "generate_oauth_url",
        200,
        r#"{"oauthUrl":"https://app.hubspot.com/oauth/authorize?client_id=alloy&state=st_001"}"#,
    ),
    (
        "create_credential",
        200,
        r#"{"success":true,"credentialId":"cred_001"}"#,
    ),
    (
        "list_user_credentials",
        200,
        r#"{"data":[{"credentialId":"cred_001","type":"shopify","name":"Acme store","createdAt":"2026-04-01T09:00:00Z","updatedAt":"2026-04-19T10:00:00Z"}]}"#,
    ),
    ("delete_credential", 200, r#"{"success":true}"#),
    (
        "list_credential_metadata",
        200,
        r#"{"data":[{"connector":"shopify","icon":"https://assets.runalloy.com/icons/shopify.png","isOauth":true,"properties":[{"name":"shopSubdomain","displayName":"Shop subdomain","description":"The shop's subdomain"}]}]}"#,
    ),
    (
        "get_credential_metadata",
        200,
        r#"{"data":{"connector":"shopify","icon":"https://assets.runalloy.com/icons/shopify.png","isOauth":true,"properties":[{"name":"shopSubdomain","displayName":"Shop subdomain","description":"The shop's subdomain"}]}}"#,
    ),
    (
        "get_usage",
        200,
        r#"{"data":{"startDate":"2026-04-01","endDate":"2026-04-30","executionsLimit":100000,"sevenDays":1200,"thirtyDays":4800,"lastThreeMonths":13500,"billingCycle":4100,"appActions":3900,"apiActions":200}}"#,
    ),
    (
        "get_usage_over_time",
        200,
        r#"{"data":{"startDate":"2026-04-01","endDate":"2026-04-30","totalActions":4100,"data":[{"appActions":3900,"month":"April","year":2026,"date":"2026-04-01","apiActions":200,"count":4100}],"timePeriod":"current-billing-cycle"}}"#,
    ),
    (
        "get_user_usage",
        200,
        r#"{"data":{"userName":"user-123","userId":"usr_abc123","userCreatedDate":"2026-01-15T08:00:00Z","isDeleted":false,"startDate":"2026-04-01","endDate":"2026-04-30","totalActions":310,"data":[{"month":"April","userName":"user-123","isDeleted":false,"date":"2026-04-01","userId":"usr_abc123","userCreatedDate":"2026-01-15","apiActions":10,"count":310,"appActions":300}],"timePeriod":"current-billing-cycle"}}"#,
    ),
];

/// What `call_op!` makes of a call's result: `Ok(())` with the value dropped, or the error's
/// text.
pub fn outcome<T, E: fmt::Display>(result: Result<T, E>) -> Result<(), String> {
    result.map(drop).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------
// reqwest's floor: a request built beforehand, executed, its body read and decoded

/// Decodes a status and body as one operation's answer, and drops it.
pub type Decoder = fn(StatusCode, &[u8]) -> Result<(), HandError>;

fn decoded<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<(), HandError> {
    decode::<T>(status, body).map(drop)
}

/// What no client on reqwest can do without: executing a `reqwest::Request` whose final `Url`
/// and headers were built beforehand, reading its body and decoding it. A client of its own,
/// without default headers to merge or a per-request timeout.
pub struct Floor {
    http: reqwest::Client,
    hand: Hand,
    headers: HeaderMap,
}

impl Floor {
    /// The floor for the API at `base_url`, with the same headers as the other clients.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let hand = Hand::new(base_url, api_key);
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {api_key}")).expect("valid API key");
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(alloy_api::DEFAULT_USER_AGENT),
        );
        headers.insert("x-api-version", HeaderValue::from_static("2025-09"));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        Self {
            http,
            hand,
            headers,
        }
    }

    /// Operation `i` of the mix, built: its final request (the hand-written client's URL and
    /// body, every header set) and its decoder.
    pub fn prebuilt(&self, fx: &Fixtures, i: usize) -> (reqwest::Request, Decoder) {
        let c = &self.hand;
        let (builder, decoder): (RequestBuilder, Decoder) = match i % OPERATIONS.len() {
            0 => (c.create_user_request(&fx.create_user), decoded::<User>),
            1 => (
                c.generate_user_token_request(&fx.user_id),
                decoded::<TokenResponse>,
            ),
            2 => (
                c.delete_user_logs_request(&fx.user_id),
                decoded::<SuccessResponse>,
            ),
            3 => (
                c.list_integrations_request(&fx.user_id),
                decoded::<IntegrationList>,
            ),
            4 => (
                c.trigger_event_request(&fx.trigger_event),
                decoded::<SuccessResponse>,
            ),
            5 => (
                c.list_workflow_errors_request(&fx.workflow_id, &fx.user_id),
                decoded::<WorkflowErrorList>,
            ),
            6 => (
                c.list_workflow_logs_request(&fx.workflow_id, &fx.user_id),
                decoded::<WorkflowLogList>,
            ),
            7 => (
                c.deactivate_workflow_request(&fx.workflow_action),
                decoded::<WorkflowActivation>,
            ),
            8 => (
                c.activate_workflow_request(&fx.workflow_action),
                decoded::<WorkflowActivation>,
            ),
            9 => (
                c.upgrade_workflow_to_version_request(&fx.workflow_id, &fx.upgrade),
                decoded::<WorkflowUpgrade>,
            ),
            10 => (
                c.list_users_request(Some(fx.workflow_id.as_str())),
                decoded::<UserList>,
            ),
            11 => (c.get_user_request(&fx.user_id), decoded::<User>),
            12 => (
                c.update_user_request(&fx.user_id, &fx.update_user),
                decoded::<User>,
            ),
            13 => (
                c.delete_user_request(&fx.user_id),
                decoded::<SuccessResponse>,
            ),
            14 => (
                c.batch_create_users_request(&fx.batch_create_users),
                decoded::<BatchCreateUsersResponse>,
            ),
            15 => (
                c.deactivate_user_workflows_request(&fx.user_id),
                decoded::<SuccessResponse>,
            ),
            16 => (
                c.get_workflow_request(&fx.workflow_id, &fx.user_id),
                decoded::<Data<Workflow>>,
            ),
            17 => (
                c.delete_workflow_request(&fx.workflow_id, &fx.user_id),
                decoded::<WorkflowDeletion>,
            ),
            18 => (
                c.list_workflow_users_request(&fx.workflow_id),
                decoded::<WorkflowUserList>,
            ),
            19 => (
                c.get_workflow_analytics_request(&fx.workflow_id),
                decoded::<WorkflowAnalytics>,
            ),
            20 => (
                c.run_workflow_request(&fx.run_workflow),
                decoded::<SuccessResponse>,
            ),
            21 => (c.list_events_request(), decoded::<EventList>),
            22 => (c.list_logs_request(&fx.log_query), decoded::<LogPage>),
            23 => (
                c.get_integration_request(&fx.integration_id, &fx.user_id),
                decoded::<Data<Integration>>,
            ),
            24 => (c.list_installations_request(), decoded::<InstallationList>),
            25 => (
                c.get_installation_request(&fx.installation_id),
                decoded::<Data<InstallationDetail>>,
            ),
            26 => (
                c.start_installation_request(&fx.start_installation),
                decoded::<StartedInstallation>,
            ),
            27 => (
                c.complete_installation_request(&fx.complete_installation),
                decoded::<SuccessResponse>,
            ),
            28 => (
                c.edit_installation_request(&fx.edit_installation),
                decoded::<Data<EditedInstallation>>,
            ),
            29 => (
                c.generate_oauth_url_request(&fx.user_id, &fx.oauth_app),
                decoded::<OAuthUrl>,
            ),
            30 => (
                c.create_credential_request(&fx.create_credential),
                decoded::<CreatedCredential>,
            ),
            31 => (
                c.list_user_credentials_request(&fx.user_id),
                decoded::<CredentialList>,
            ),
            32 => (
                c.delete_credential_request(&fx.user_id, &fx.credential_id),
                decoded::<SuccessResponse>,
            ),
            33 => (
                c.list_credential_metadata_request(),
                decoded::<CredentialMetadataList>,
            ),
            34 => (
                c.get_credential_metadata_request(&fx.credential_name),
                decoded::<Data<CredentialMetadata>>,
            ),
            35 => (c.get_usage_request(), decoded::<Data<UsageSummary>>),
            36 => (
                c.get_usage_over_time_request(),
                decoded::<Data<UsageOverTime>>,
            ),
            37 => (
                c.get_user_usage_request(&fx.user_id),
                decoded::<Data<UserUsage>>,
            ),
            _ => unreachable!("{} operations", OPERATIONS.len()),
        };
        let mut request = builder.build().expect("a valid request");
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        (request, decoder)
    }

    /// Sends one prebuilt request, reads the whole body and decodes it.
    pub async fn execute(
        &self,
        request: reqwest::Request,
        decoder: Decoder,
    ) -> Result<(), HandError> {
        let response = self.http.execute(request).await?;
        let status = response.status();
        let body = response.bytes().await?;
        decoder(status, &body)
    }
}

/// Calls operation `i % OPERATIONS.len()` on `$client` (an `alloy_api::Client` through the
/// API's traits, or a `Hand`: the methods have the same names and arguments) and evaluates to
/// the result with the value dropped, or the error's text.
macro_rules! call_op {
    ($client:expr, $fx:expr, $i:expr) => {{
        use $crate::hand::{OPERATIONS, outcome};
        let c = $client;
        let fx = $fx;
        match $i % OPERATIONS.len() {
            0 => outcome(c.create_user(&fx.create_user).await),
            1 => outcome(c.generate_user_token(&fx.user_id).await),
            2 => outcome(c.delete_user_logs(&fx.user_id).await),
            3 => outcome(c.list_integrations(&fx.user_id).await),
            4 => outcome(c.trigger_event(&fx.trigger_event).await),
            5 => outcome(c.list_workflow_errors(&fx.workflow_id, &fx.user_id).await),
            6 => outcome(c.list_workflow_logs(&fx.workflow_id, &fx.user_id).await),
            7 => outcome(c.deactivate_workflow(&fx.workflow_action).await),
            8 => outcome(c.activate_workflow(&fx.workflow_action).await),
            9 => outcome(
                c.upgrade_workflow_to_version(&fx.workflow_id, &fx.upgrade)
                    .await,
            ),
            10 => outcome(c.list_users(Some(fx.workflow_id.as_str())).await),
            11 => outcome(c.get_user(&fx.user_id).await),
            12 => outcome(c.update_user(&fx.user_id, &fx.update_user).await),
            13 => outcome(c.delete_user(&fx.user_id).await),
            14 => outcome(c.batch_create_users(&fx.batch_create_users).await),
            15 => outcome(c.deactivate_user_workflows(&fx.user_id).await),
            16 => outcome(c.get_workflow(&fx.workflow_id, &fx.user_id).await),
            17 => outcome(c.delete_workflow(&fx.workflow_id, &fx.user_id).await),
            18 => outcome(c.list_workflow_users(&fx.workflow_id).await),
            19 => outcome(c.get_workflow_analytics(&fx.workflow_id).await),
            20 => outcome(c.run_workflow(&fx.run_workflow).await),
            21 => outcome(c.list_events().await),
            22 => outcome(c.list_logs(&fx.log_query).await),
            23 => outcome(c.get_integration(&fx.integration_id, &fx.user_id).await),
            24 => outcome(c.list_installations().await),
            25 => outcome(c.get_installation(&fx.installation_id).await),
            26 => outcome(c.start_installation(&fx.start_installation).await),
            27 => outcome(c.complete_installation(&fx.complete_installation).await),
            28 => outcome(c.edit_installation(&fx.edit_installation).await),
            29 => outcome(c.generate_oauth_url(&fx.user_id, &fx.oauth_app).await),
            30 => outcome(c.create_credential(&fx.create_credential).await),
            31 => outcome(c.list_user_credentials(&fx.user_id).await),
            32 => outcome(c.delete_credential(&fx.user_id, &fx.credential_id).await),
            33 => outcome(c.list_credential_metadata().await),
            34 => outcome(c.get_credential_metadata(&fx.credential_name).await),
            35 => outcome(c.get_usage().await),
            36 => outcome(c.get_usage_over_time().await),
            37 => outcome(c.get_user_usage(&fx.user_id).await),
            _ => unreachable!("{} operations", OPERATIONS.len()),
        }
    }};
}
