//! Workflows (Alloy's *Workflows* reference).

use crate::models::{
    Data, MAX_WORKFLOW_LOGS_PAGE, UpgradeWorkflowRequest, Workflow, WorkflowActionRequest,
    WorkflowActivation, WorkflowAnalytics, WorkflowDeletion, WorkflowErrorList, WorkflowLog,
    WorkflowLogList, WorkflowLogsQuery, WorkflowUpgrade, WorkflowUserList,
};
use crate::paginate::{Page, Paginated};
use crate::{Error, Result, Transport, api_endpoint};

/// Workflows: a user's installed workflows, their state, logs and errors (Alloy's
/// *Workflows* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait WorkflowsApi: Transport {
    /// Retrieves one workflow as a user has it (`GET /workflows/{workflowId}?userId=`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>")]
    async fn get_workflow(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<Data<Workflow>>;

    /// Deletes a user's copy of a workflow (`DELETE /workflows/{workflowId}?userId=`).
    #[api_endpoint(method = "DELETE", path = "/workflows/<workflowId>")]
    async fn delete_workflow(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowDeletion>;

    /// Lists the users who installed a parent workflow, with the state of each
    /// installation (`GET /workflows/{workflowId}/users`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/users")]
    async fn list_workflow_users(&self, workflow_id: &str) -> Result<WorkflowUserList>;

    /// Retrieves the usage counters of a workflow (`GET /workflows/{workflowId}/analytics`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/analytics")]
    async fn get_workflow_analytics(&self, workflow_id: &str) -> Result<WorkflowAnalytics>;

    /// Retrieves workflow error logs for a specific workflow to debug integration failures
    /// (`GET /workflows/{workflowId}/errors?userId=`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/errors")]
    async fn list_workflow_errors(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowErrorList>;

    /// Retrieves historical workflow execution logs for monitoring and debugging
    /// (`GET /workflows/{workflowId}/logs?userId=`).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/logs")]
    async fn list_workflow_logs(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowLogList>;

    /// Retrieves one page of a workflow's execution logs
    /// (`GET /workflows/{workflowId}/logs?userId=&page=&limit=&order=`): `query` chooses the
    /// user, the page (from 1), the page size (at most 30) and the order. To read every
    /// page, use [`workflow_logs`](Self::workflow_logs).
    #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/logs")]
    async fn list_workflow_logs_page(
        &self,
        workflow_id: &str,
        #[query(flatten)] query: &WorkflowLogsQuery,
    ) -> Result<WorkflowLogList>;

    /// Walks every execution log of a workflow, page by page from `query`'s page (the first
    /// when unset), [`MAX_WORKFLOW_LOGS_PAGE`] entries a page unless `query` sets the page
    /// size: a lazy [`Paginated`] stream that fetches a page only when the entries before
    /// it are used up, and ends after a page with fewer entries than asked for.
    ///
    /// The walk borrows `self` and `workflow_id`;
    /// [`into_workflow_logs`](Self::into_workflow_logs) is the same walk owning them, to
    /// move to another task. [`Paginated`] says how a walk ends when the server's pages do
    /// not advance.
    fn workflow_logs<'a>(
        &'a self,
        workflow_id: &'a str,
        query: WorkflowLogsQuery,
    ) -> Paginated<'a, WorkflowLog> {
        walk_workflow_logs(self, workflow_id, query)
    }

    /// Walks every execution log of a workflow, as [`workflow_logs`](Self::workflow_logs)
    /// does, owning the client (a cheap clone of a [`Client`](crate::Client)) and the
    /// workflow id: the walk is `'static`, so it can be moved into `tokio::spawn`.
    fn into_workflow_logs(
        self,
        workflow_id: impl Into<String>,
        query: WorkflowLogsQuery,
    ) -> Paginated<'static, WorkflowLog>
    where
        Self: Sized + Clone + 'static,
    {
        walk_workflow_logs(self, workflow_id.into(), query)
    }

    /// Disables an installed workflow for a user, pausing all automated executions
    /// (`PUT /workflows/deactivate`).
    #[api_endpoint(method = "PUT", path = "/workflows/deactivate")]
    async fn deactivate_workflow(
        &self,
        #[body] request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation>;

    /// Re-enables a deactivated workflow for a user, resuming automated executions
    /// (`PUT /workflows/activate`).
    #[api_endpoint(method = "PUT", path = "/workflows/activate")]
    async fn activate_workflow(
        &self,
        #[body] request: &WorkflowActionRequest,
    ) -> Result<WorkflowActivation>;

    /// Upgrades a user's installed workflow to the latest version of its parent workflow
    /// (`PUT /workflows/{workflowId}/upgrade?userId=`, no body), as Alloy's 2025-09
    /// reference describes it.
    ///
    /// To choose the target version, as the seed document allows, use
    /// [`upgrade_workflow_to_version`](Self::upgrade_workflow_to_version).
    #[api_endpoint(method = "PUT", path = "/workflows/<workflowId>/upgrade")]
    async fn upgrade_workflow(
        &self,
        workflow_id: &str,
        #[query] user_id: &str,
    ) -> Result<WorkflowUpgrade>;

    /// Upgrades a user's installed workflow to a chosen version, or the latest when the
    /// request names none (`PUT /workflows/{workflowId}/upgrade` with the body
    /// `{userId, version}`): the seed document's form of the operation.
    ///
    /// Alloy's 2025-09 reference takes no body (a server that follows it answers 415 or
    /// ignores the version); against Alloy's service use
    /// [`upgrade_workflow`](Self::upgrade_workflow).
    #[api_endpoint(method = "PUT", path = "/workflows/<workflowId>/upgrade")]
    async fn upgrade_workflow_to_version(
        &self,
        workflow_id: &str,
        #[body] request: &UpgradeWorkflowRequest,
    ) -> Result<WorkflowUpgrade>;
}

impl<T: Transport + ?Sized> WorkflowsApi for T {}

/// The walk of [`WorkflowsApi::workflow_logs`] over `api` and `workflow_id`, borrowed or
/// owned, each cloned for every page (a reference, or a client's `Arc` and a `String`).
fn walk_workflow_logs<'a, A, W>(
    api: A,
    workflow_id: W,
    query: WorkflowLogsQuery,
) -> Paginated<'a, WorkflowLog>
where
    A: WorkflowsApi + Clone + 'a,
    W: AsRef<str> + Clone + Send + 'a,
{
    let limit = query.limit.unwrap_or(MAX_WORKFLOW_LOGS_PAGE);
    let first = query.page.unwrap_or(1);
    let query = query.with_limit(limit);
    Paginated::new(
        u64::from(first),
        |log: &WorkflowLog| Some(log.log_id.as_str()),
        move |page| {
            let query = u32::try_from(page).map(|page| query.clone().with_page(page));
            let api = api.clone();
            let workflow_id = workflow_id.clone();
            Box::pin(async move {
                let query = query
                    .map_err(|_| Error::invalid_argument("query", "the page number overflowed"))?;
                let items = api
                    .list_workflow_logs_page(workflow_id.as_ref(), &query)
                    .await?
                    .logs;
                let full = items.len() >= limit as usize;
                Ok(Page {
                    items,
                    next: Ok(full.then_some(page + 1)),
                })
            })
        },
    )
}
