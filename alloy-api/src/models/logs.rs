use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Lenient, SortOrder, Timestamp, de};

/// A column of the account-wide log feed that [`LogQuery`] can filter on, as Alloy's
/// reference lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogColumn {
    /// The entry's message (`message`), such as `executionError`.
    Message,
    /// The execution's id (`data.executionId`).
    ExecutionId,
    /// The parent workflow's id (`forgeWorkflowId`).
    ParentWorkflowId,
    /// When the entry was written (`createdAt`).
    CreatedAt,
    /// The user's id (`userId`).
    UserId,
    /// The integration's id (`forgeWorkflow.integrationId._id`).
    IntegrationId,
    /// The workflow's version (`workflowVersion`).
    WorkflowVersion,
}

impl LogColumn {
    /// Returns the column as the API names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::ExecutionId => "data.executionId",
            Self::ParentWorkflowId => "forgeWorkflowId",
            Self::CreatedAt => "createdAt",
            Self::UserId => "userId",
            Self::IntegrationId => "forgeWorkflow.integrationId._id",
            Self::WorkflowVersion => "workflowVersion",
        }
    }
}

/// How a [`LogFilter`] compares a column with its value, as Alloy's reference lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterOperator {
    /// `equals`
    Equals,
    /// `notequals`
    NotEquals,
    /// `greaterthan`
    GreaterThan,
    /// `lessthan`
    LessThan,
    /// `contains`
    Contains,
    /// `notcontains`
    NotContains,
}

impl FilterOperator {
    /// Returns the operator as the API names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::NotEquals => "notequals",
            Self::GreaterThan => "greaterthan",
            Self::LessThan => "lessthan",
            Self::Contains => "contains",
            Self::NotContains => "notcontains",
        }
    }
}

/// One condition on the log feed: a column, an operator and the value typed by the user.
/// The conditions of a [`LogQuery`] all hold together (`and`, the only condition Alloy's
/// reference shows).
///
/// ```
/// use alloy_api::models::{FilterOperator, LogColumn, LogFilter};
/// let errors = LogFilter::new(LogColumn::Message, FilterOperator::Equals, "executionError");
/// assert_eq!(errors.value, "executionError");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogFilter {
    /// The column compared.
    pub column: LogColumn,
    /// How it is compared.
    pub operator: FilterOperator,
    /// The value it is compared with.
    pub value: String,
}

impl LogFilter {
    /// Creates the condition `column operator value`.
    pub fn new(column: LogColumn, operator: FilterOperator, value: impl Into<String>) -> Self {
        Self {
            column,
            operator,
            value: value.into(),
        }
    }
}

/// The wire form of one filter: `{columns:{value}, operators:{value}, userinput:{value},
/// condition:{value}}`.
#[derive(Serialize)]
struct WireFilter<'a> {
    columns: Named<'a>,
    operators: Named<'a>,
    userinput: Named<'a>,
    condition: Named<'a>,
}

#[derive(Serialize)]
struct Named<'a> {
    value: &'a str,
}

/// What the account-wide log feed can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogSortBy {
    /// When the entry was written (`createdAt`).
    CreatedAt,
    /// When the execution completed (`completedAt`).
    CompletedAt,
    /// The message (`message`).
    Message,
    /// The user (`userId`).
    UserId,
}

impl LogSortBy {
    /// Returns the value as sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "createdAt",
            Self::CompletedAt => "completedAt",
            Self::Message => "message",
            Self::UserId => "userId",
        }
    }
}

impl crate::QueryValue for LogSortBy {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self.as_str());
    }
}

/// The default page size of the log feed when a query sets none: the value of Alloy's
/// example.
pub const DEFAULT_LOGS_PAGE: u32 = 10;

/// Which entries of the account-wide log feed to read (`GET /logs`): typed filters, the
/// workflow and user to narrow to, the offset and page size, and the order. Everything left
/// unset is not sent, and the server's default applies.
///
/// The filters are sent as the JSON-encoded array the API expects; a page size of 0 is
/// refused before sending with [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use alloy_api::models::{FilterOperator, LogColumn, LogFilter, LogQuery, LogSortBy, SortOrder};
/// let query = LogQuery::new()
///     .with_filter(LogFilter::new(LogColumn::Message, FilterOperator::Equals, "executionError"))
///     .with_associated_user_id("usr_1")
///     .with_limit(50)
///     .sorted_by(LogSortBy::CreatedAt, SortOrder::Descending);
/// assert_eq!(query.filters.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LogQuery {
    /// Conditions that must all hold (`filters`).
    pub filters: Vec<LogFilter>,
    /// Only this (parent) workflow's entries (`workflowId`).
    pub workflow_id: Option<String>,
    /// Only this user's entries (`associatedUserId`).
    pub associated_user_id: Option<String>,
    /// How many entries to skip (`skip`).
    pub skip: Option<u64>,
    /// Entries per page (`limit`).
    pub limit: Option<u32>,
    /// The column to sort by (`sortBy`).
    pub sort_by: Option<LogSortBy>,
    /// The order (`sortOrder`).
    pub sort_order: Option<SortOrder>,
}

impl LogQuery {
    /// Creates a query with nothing set: the newest page with the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition.
    #[must_use]
    pub fn with_filter(mut self, filter: LogFilter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Narrows to one (parent) workflow.
    #[must_use]
    pub fn with_workflow_id(mut self, workflow_id: impl Into<String>) -> Self {
        self.workflow_id = Some(workflow_id.into());
        self
    }

    /// Narrows to one user.
    #[must_use]
    pub fn with_associated_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.associated_user_id = Some(user_id.into());
        self
    }

    /// Skips this many entries.
    #[must_use]
    pub fn with_skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Sets the page size (at least 1).
    #[must_use]
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sorts by `column` in `order`.
    #[must_use]
    pub fn sorted_by(mut self, column: LogSortBy, order: SortOrder) -> Self {
        self.sort_by = Some(column);
        self.sort_order = Some(order);
        self
    }
}

impl crate::QueryParams for LogQuery {
    fn write_query(&self, query: &mut crate::QueryWriter<'_>) {
        if self.limit == Some(0) {
            return query.invalid("the page size must be at least 1");
        }
        if !self.filters.is_empty() {
            let wire: Vec<WireFilter<'_>> = self
                .filters
                .iter()
                .map(|f| WireFilter {
                    columns: Named {
                        value: f.column.as_str(),
                    },
                    operators: Named {
                        value: f.operator.as_str(),
                    },
                    userinput: Named { value: &f.value },
                    condition: Named { value: "and" },
                })
                .collect();
            match serde_json::to_string(&wire) {
                Ok(json) => query.pair("filters", &json),
                Err(e) => return query.invalid(format!("the filters cannot be encoded: {e}")),
            }
        }
        query.pair("workflowId", &self.workflow_id);
        query.pair("associatedUserId", &self.associated_user_id);
        query.pair("skip", &self.skip);
        query.pair("limit", &self.limit);
        query.pair("sortBy", &self.sort_by);
        query.pair("sortOrder", &self.sort_order);
    }
}

/// One page of the account-wide log feed (`GET /logs`): its entries under `notifications`,
/// when it was read and where the page is. The entries are typed from Alloy's example, so
/// every field of theirs is [`Lenient`], as are `lastFetched` and `pagination`; a body
/// without `notifications` (or with something else than a list there) is a decode error.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogPage {
    /// The entries.
    #[serde(deserialize_with = "de::list")]
    pub notifications: Vec<LogEntry>,
    /// When the server read them.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub last_fetched: Lenient<Timestamp>,
    /// Where this page is among all.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub pagination: Lenient<Pagination>,
}

/// Where a page is among all pages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Pagination {
    /// Entries on all pages.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_items: Lenient<u64>,
    /// Number of pages.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_pages: Lenient<u64>,
    /// This page, from 1.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub current_page: Lenient<u64>,
    /// Entries per page.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub page_size: Lenient<u64>,
}

/// One entry of the account-wide log feed: what happened in one execution (typed from
/// Alloy's example; every field is [`Lenient`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogEntry {
    /// The entry's id (`_id`).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(rename = "_id", default, skip_serializing_if = "Lenient::is_absent")]
    pub id: Lenient<String>,
    /// What happened, such as `executionError`.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub message: Lenient<String>,
    /// Which execution.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub data: Lenient<LogExecution>,
    /// When the execution started.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub started_at: Lenient<Timestamp>,
    /// When it completed.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub completed_at: Lenient<Timestamp>,
    /// When the entry was written.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub created_at: Lenient<Timestamp>,
    /// Whether the user runs a customised version.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub custom_version: Lenient<bool>,
    /// The version that ran.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_version: Lenient<i64>,
    /// Your team's id.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub team_id: Lenient<String>,
    /// The parent workflow's id (what [`LogQuery::with_workflow_id`] narrows to).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub forge_workflow_id: Lenient<String>,
    /// The user's copy of the workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub workflow_id: Lenient<String>,
    /// The user's id.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_id: Lenient<String>,
    /// The user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub user: Lenient<LogUser>,
    /// The parent workflow.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub forge_workflow: Lenient<LogWorkflow>,
}

/// The execution a [`LogEntry`] is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogExecution {
    /// The execution's id.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub execution_id: Lenient<String>,
    /// The execution's UUID.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub execution_uuid: Lenient<String>,
}

/// The user of a [`LogEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogUser {
    /// Their email address.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub email: Lenient<String>,
    /// Their full name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub full_name: Lenient<String>,
}

/// The parent workflow of a [`LogEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogWorkflow {
    /// Its name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// Its integration (the API names this object `integrationId`).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_object",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub integration_id: Lenient<LogIntegration>,
}

/// The integration of a [`LogWorkflow`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogIntegration {
    /// Its id (`_id`).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(rename = "_id", default, skip_serializing_if = "Lenient::is_absent")]
    pub id: Lenient<String>,
    /// Its name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub name: Lenient<String>,
    /// Its block's id.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub block_id: Lenient<String>,
    /// URL of its icon.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub icon: Lenient<String>,
}

impl fmt::Display for LogColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Endpoint, Method, Request};

    static EP: Endpoint = Endpoint::new("logs", Method::Get, "./logs", true);

    #[test]
    fn filters_are_sent_as_the_json_array_the_api_reads() {
        let query = LogQuery::new()
            .with_filter(LogFilter::new(
                LogColumn::Message,
                FilterOperator::Equals,
                "executionError",
            ))
            .with_filter(LogFilter::new(
                LogColumn::WorkflowVersion,
                FilterOperator::GreaterThan,
                "2",
            ))
            .with_skip(20)
            .with_limit(10)
            .sorted_by(LogSortBy::CompletedAt, SortOrder::Ascending);
        let mut request = Request::new(&EP);
        request.query_params("query", &query);
        assert!(request.take_error().is_none());
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(request.query_string().unwrap().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let filters: serde_json::Value = serde_json::from_str(&pairs[0].1).unwrap();
        assert_eq!(pairs[0].0, "filters");
        assert_eq!(
            filters,
            serde_json::json!([
                {"columns": {"value": "message"}, "operators": {"value": "equals"},
                 "userinput": {"value": "executionError"}, "condition": {"value": "and"}},
                {"columns": {"value": "workflowVersion"}, "operators": {"value": "greaterthan"},
                 "userinput": {"value": "2"}, "condition": {"value": "and"}},
            ])
        );
        let rest: Vec<(&str, &str)> = pairs[1..]
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            rest,
            [
                ("skip", "20"),
                ("limit", "10"),
                ("sortBy", "completedAt"),
                ("sortOrder", "asc")
            ]
        );
    }

    #[test]
    fn a_page_size_of_zero_is_refused() {
        let mut request = Request::new(&EP);
        request.query_params("query", &LogQuery::new().with_limit(0));
        assert!(matches!(
            request.take_error(),
            Some(crate::Error::InvalidArgument { name: "query", .. })
        ));
    }

    #[test]
    fn a_page_without_notifications_is_an_error() {
        assert!(serde_json::from_str::<LogPage>(r#"{"data": []}"#).is_err());
        let page: LogPage =
            serde_json::from_str(r#"{"notifications": [{"_id": "n1", "extra": 1}]}"#).unwrap();
        assert_eq!(page.notifications[0].id.as_deref(), Some("n1"));
    }
}
