//! The query of the official `GET /logs`: offset paging, sorting and the `filters` parameter.
//!
//! `filters` is a JSON-encoded array of
//! `{"columns": {"value"}, "operators": {"value"}, "userinput": {"value"}, "condition": {"value"}}`
//! objects, as the reference describes it. Its page lists the columns `message`,
//! `data.executionId`, `forgeWorkflowId`, `createdAt`, `userId`,
//! `forgeWorkflow.integrationId._id` and `workflowVersion`, and the operators `equals`,
//! `notequals`, `greaterthan`, `lessthan`, `contains` and `notcontains`, with the condition
//! `and`. The sandbox accepts:
//!
//! * columns: those, `completedAt` (which `sortBy` takes) and `workflowId`, in any case;
//!   `workflowVersion` compares as a number;
//! * operators, in any case and ignoring spaces, `_` and `-`: `equals` (`is`, `eq`, `=`),
//!   `notEquals` (`isNot`, `ne`, `!=`), `contains` (`like`), `notContains`
//!   (`doesNotContain`), `startsWith`, `endsWith`, `before` (`lt`, `<`), `after` (`gt`, `>`),
//!   `onOrBefore` (`lte`, `<=`), `onOrAfter` (`gte`, `>=`), `isEmpty` and `isNotEmpty`;
//! * `userinput`: compared without regard to case; on the date columns, `before`, `after`,
//!   `onOrBefore` and `onOrAfter` need an RFC 3339 instant or a `YYYY-MM-DD` day (UTC), and
//!   `equals` with a day matches that whole day;
//! * `condition`: `and` (the default) or `or`, joining a filter to the result of the filters
//!   before it, left to right (the first filter's condition is ignored).
//!
//! Anything else (malformed JSON, a filter that is not such an object, an unknown column or
//! operator, a missing `userinput`, a date that does not parse) is a 400.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;

/// The default page size of `GET /logs` (the reference's example).
const DEFAULT_LIMIT: usize = 10;

/// A parsed `GET /logs` query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogQuery {
    /// How many matching entries to skip (`skip`, default 0).
    pub(crate) skip: usize,
    /// The page size (`limit`, default 10, at least 1).
    pub(crate) limit: usize,
    /// The page `skip` falls in, from 1: `skip / limit + 1`.
    pub(crate) current_page: u64,
    /// The sort column (`sortBy`, default `createdAt`).
    pub(crate) sort_by: Column,
    /// Whether the sort is descending (`sortOrder`, default `desc`).
    pub(crate) descending: bool,
    /// Only runs of this workflow (`workflowId`).
    pub(crate) workflow_id: Option<String>,
    /// Only runs of this user, by id or username (`associatedUserId`).
    pub(crate) associated_user_id: Option<String>,
    /// The parsed `filters`.
    pub(crate) filters: Vec<Filter>,
}

impl LogQuery {
    /// Parses the query from `param`, which returns a query parameter's first value.
    ///
    /// An empty value counts as absent. The error is the message of the 400.
    pub(crate) fn parse(param: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let param = |name: &str| param(name).filter(|value| !value.is_empty());
        let skip = match param("skip") {
            None => 0,
            Some(raw) => raw.parse::<usize>().map_err(|_| {
                format!("Query parameter `skip` must be a non-negative integer, not `{raw}`")
            })?,
        };
        let limit = match param("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|limit| *limit >= 1)
                .ok_or_else(|| {
                    format!("Query parameter `limit` must be a positive integer, not `{raw}`")
                })?,
        };
        // Both numbers come from the request: a `skip` near the top of the range must be a
        // 400, never an overflow (`skip=18446744073709551615&limit=1` once panicked here).
        let current_page = u64::try_from(skip / limit)
            .ok()
            .and_then(|page| page.checked_add(1))
            .ok_or_else(|| {
                format!(
                    "Query parameter `skip` is too large for a page of {limit}: \
                     the page number {skip} / {limit} + 1 overflows"
                )
            })?;
        let sort_by = match param("sortBy") {
            None => Column::CreatedAt,
            Some(raw) => Column::SORTABLE
                .into_iter()
                .find(|column| column.name() == raw)
                .ok_or_else(|| {
                    format!(
                        "Query parameter `sortBy` must be one of createdAt, completedAt, \
                         message, userId, not `{raw}`"
                    )
                })?,
        };
        let descending = match param("sortOrder").as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(other) => {
                return Err(format!(
                    "Query parameter `sortOrder` must be `asc` or `desc`, not `{other}`"
                ));
            }
        };
        let filters = match param("filters") {
            None => Vec::new(),
            Some(raw) => parse_filters(&raw)?,
        };
        Ok(Self {
            skip,
            limit,
            current_page,
            sort_by,
            descending,
            workflow_id: param("workflowId"),
            associated_user_id: param("associatedUserId"),
            filters,
        })
    }
}

/// A column of `GET /logs` that entries can be sorted or filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    CreatedAt,
    CompletedAt,
    Message,
    UserId,
    WorkflowId,
    ExecutionId,
    ForgeWorkflowId,
    IntegrationId,
    WorkflowVersion,
}

impl Column {
    /// The columns a filter accepts.
    const FILTERABLE: [Column; 9] = [
        Column::CreatedAt,
        Column::CompletedAt,
        Column::Message,
        Column::UserId,
        Column::WorkflowId,
        Column::ExecutionId,
        Column::ForgeWorkflowId,
        Column::IntegrationId,
        Column::WorkflowVersion,
    ];

    /// The columns `sortBy` accepts.
    const SORTABLE: [Column; 4] = [
        Column::CreatedAt,
        Column::CompletedAt,
        Column::Message,
        Column::UserId,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::CreatedAt => "createdAt",
            Column::CompletedAt => "completedAt",
            Column::Message => "message",
            Column::UserId => "userId",
            Column::WorkflowId => "workflowId",
            Column::ExecutionId => "data.executionId",
            Column::ForgeWorkflowId => "forgeWorkflowId",
            Column::IntegrationId => "forgeWorkflow.integrationId._id",
            Column::WorkflowVersion => "workflowVersion",
        }
    }

    fn is_date(self) -> bool {
        matches!(self, Column::CreatedAt | Column::CompletedAt)
    }
}

/// A comparison of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Equals,
    NotEquals,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Before,
    After,
    OnOrBefore,
    OnOrAfter,
    IsEmpty,
    IsNotEmpty,
}

impl Operator {
    fn parse(raw: &str) -> Option<Self> {
        let name: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        Some(match name.as_str() {
            "equals" | "equal" | "is" | "eq" | "=" | "==" | "isequalto" => Operator::Equals,
            "notequals" | "notequal" | "isnot" | "ne" | "neq" | "!=" | "<>" | "doesnotequal" => {
                Operator::NotEquals
            }
            "contains" | "like" | "includes" => Operator::Contains,
            "notcontains" | "doesnotcontain" | "notlike" | "excludes" => Operator::NotContains,
            "startswith" | "beginswith" => Operator::StartsWith,
            "endswith" => Operator::EndsWith,
            "before" | "isbefore" | "lessthan" | "lt" | "<" => Operator::Before,
            "after" | "isafter" | "greaterthan" | "gt" | ">" => Operator::After,
            "onorbefore" | "lessthanorequal" | "lte" | "<=" => Operator::OnOrBefore,
            "onorafter" | "greaterthanorequal" | "gte" | ">=" => Operator::OnOrAfter,
            "isempty" | "empty" => Operator::IsEmpty,
            "isnotempty" | "notempty" => Operator::IsNotEmpty,
            _ => return None,
        })
    }

    fn needs_input(self) -> bool {
        !matches!(self, Operator::IsEmpty | Operator::IsNotEmpty)
    }

    fn is_ordering(self) -> bool {
        matches!(
            self,
            Operator::Before | Operator::After | Operator::OnOrBefore | Operator::OnOrAfter
        )
    }
}

/// One parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    column: Column,
    operator: Operator,
    /// The user input in lower case.
    text: String,
    /// The user input as a point in time or a day, on a date column.
    when: Option<When>,
    /// Whether the filter is joined to the ones before it with `or` (else `and`).
    or: bool,
}

/// A date filter's input: an instant or a whole day (UTC).
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

fn parse_when(input: &str) -> Option<When> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(input) {
        return Some(When::Instant(instant.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .ok()
        .map(When::Day)
}

/// Parses the `filters` parameter; the error is the message of the 400.
pub(crate) fn parse_filters(raw: &str) -> Result<Vec<Filter>, String> {
    let value: Value = serde_json::from_str(raw)
        .map_err(|error| format!("Query parameter `filters` is not valid JSON: {error}"))?;
    let Value::Array(items) = value else {
        return Err("Query parameter `filters` must be a JSON array of filters".to_owned());
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| parse_filter(index, item))
        .collect()
}

fn parse_filter(index: usize, item: &Value) -> Result<Filter, String> {
    let invalid = |what: String| format!("Query parameter `filters`: filter {index} {what}");
    let Value::Object(item) = item else {
        return Err(invalid(
            "must be an object `{columns, operators, userinput, condition}`".to_owned(),
        ));
    };
    // Each part is `{"value": ...}`; a string, number or boolean value is read as text.
    let part = |name: &str| -> Result<Option<String>, String> {
        let Some(part) = item.get(name) else {
            return Ok(None);
        };
        match part.get("value") {
            None | Some(Value::Null) if part.is_object() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(value @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(value.to_string())),
            _ => Err(invalid(format!(
                "has an invalid `{name}`: expected {{\"value\": <string>}}"
            ))),
        }
    };
    let column_name = part("columns")?.ok_or_else(|| invalid("needs `columns`".to_owned()))?;
    let column = Column::FILTERABLE
        .into_iter()
        .find(|column| column.name().eq_ignore_ascii_case(column_name.trim()))
        .ok_or_else(|| {
            let names: Vec<_> = Column::FILTERABLE.iter().map(|c| c.name()).collect();
            invalid(format!(
                "has an unknown column `{column_name}` (expected one of {})",
                names.join(", ")
            ))
        })?;
    let operator_name =
        part("operators")?.ok_or_else(|| invalid("needs `operators`".to_owned()))?;
    let operator = Operator::parse(&operator_name)
        .ok_or_else(|| invalid(format!("has an unknown operator `{operator_name}`")))?;
    let input = part("userinput")?;
    let input = match input {
        Some(input) => input,
        None if operator.needs_input() => {
            return Err(invalid(format!(
                "needs `userinput` for the operator `{operator_name}`"
            )));
        }
        None => String::new(),
    };
    let when = if column.is_date() && operator.needs_input() {
        let when = parse_when(input.trim());
        if when.is_none() && (operator.is_ordering() || operator == Operator::Equals) {
            return Err(invalid(format!(
                "compares `{}` with `{input}`, which is neither an RFC 3339 instant nor a \
                 YYYY-MM-DD day",
                column.name()
            )));
        }
        when
    } else {
        None
    };
    if column == Column::WorkflowVersion
        && (operator.is_ordering() || operator == Operator::Equals)
        && input.trim().parse::<i64>().is_err()
    {
        return Err(invalid(format!(
            "compares `workflowVersion` with `{input}`, which is not a whole number"
        )));
    }
    let or = match part("condition")?.map(|c| c.trim().to_ascii_lowercase()) {
        None => false,
        Some(condition) if condition.is_empty() || condition == "and" => false,
        Some(condition) if condition == "or" => true,
        Some(condition) => {
            return Err(invalid(format!(
                "has an unknown condition `{condition}` (expected `and` or `or`)"
            )));
        }
    };
    Ok(Filter {
        column,
        operator,
        text: input.to_lowercase(),
        when,
        or,
    })
}

/// What the filters and the sort see of one log entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) completed_at: Option<DateTime<Utc>>,
    pub(crate) message: &'a str,
    pub(crate) user_id: &'a str,
    pub(crate) workflow_id: Option<&'a str>,
    /// The integration of the workflow, when it is in the catalog.
    pub(crate) integration_id: Option<&'a str>,
    /// The version number of the workflow that ran, when known.
    pub(crate) workflow_version: Option<u32>,
    /// Breaks ties so that the order is total and stable across calls.
    pub(crate) log_id: &'a str,
}

impl Row<'_> {
    /// Returns whether the row passes every filter, joined left to right.
    pub(crate) fn matches(&self, filters: &[Filter]) -> bool {
        let mut filters = filters.iter();
        let Some(first) = filters.next() else {
            return true;
        };
        filters.fold(self.passes(first), |result, filter| {
            if filter.or {
                result || self.passes(filter)
            } else {
                result && self.passes(filter)
            }
        })
    }

    fn date(&self, column: Column) -> Option<DateTime<Utc>> {
        match column {
            Column::CreatedAt => self.created_at,
            Column::CompletedAt => self.completed_at,
            _ => None,
        }
    }

    /// The column's value as text, as the JSON answer shows it.
    fn text(&self, column: Column) -> Option<String> {
        match column {
            Column::CreatedAt | Column::CompletedAt => self
                .date(column)
                .map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Column::Message => Some(self.message.to_owned()),
            Column::UserId => Some(self.user_id.to_owned()),
            Column::WorkflowId | Column::ForgeWorkflowId => self.workflow_id.map(str::to_owned),
            Column::ExecutionId => Some(self.log_id.to_owned()),
            Column::IntegrationId => self.integration_id.map(str::to_owned),
            Column::WorkflowVersion => self.workflow_version.map(|v| v.to_string()),
        }
    }

    fn passes(&self, filter: &Filter) -> bool {
        let value = self.text(filter.column).map(|text| text.to_lowercase());
        let empty = value.as_deref().is_none_or(str::is_empty);
        match filter.operator {
            Operator::IsEmpty => return empty,
            Operator::IsNotEmpty => return !empty,
            _ => {}
        }
        if let (Some(when), true) = (filter.when, filter.column.is_date())
            && (filter.operator.is_ordering() || filter.operator == Operator::Equals)
        {
            let Some(at) = self.date(filter.column) else {
                return false;
            };
            let ordering = match when {
                When::Instant(instant) => at.cmp(&instant),
                When::Day(day) => at.date_naive().cmp(&day),
            };
            return match filter.operator {
                Operator::Equals => ordering == Ordering::Equal,
                Operator::Before => ordering == Ordering::Less,
                Operator::After => ordering == Ordering::Greater,
                Operator::OnOrBefore => ordering != Ordering::Greater,
                _ => ordering != Ordering::Less,
            };
        }
        if filter.column == Column::WorkflowVersion
            && (filter.operator.is_ordering() || filter.operator == Operator::Equals)
        {
            // Checked when parsed: the input is a whole number.
            let (Some(version), Ok(input)) = (self.workflow_version, filter.text.trim().parse())
            else {
                return false;
            };
            let ordering = i64::from(version).cmp(&input);
            return match filter.operator {
                Operator::Equals => ordering == Ordering::Equal,
                Operator::Before => ordering == Ordering::Less,
                Operator::After => ordering == Ordering::Greater,
                Operator::OnOrBefore => ordering != Ordering::Greater,
                _ => ordering != Ordering::Less,
            };
        }
        let Some(value) = value else {
            return matches!(filter.operator, Operator::NotEquals | Operator::NotContains);
        };
        let input = filter.text.as_str();
        match filter.operator {
            Operator::Equals => value == input,
            Operator::NotEquals => value != input,
            Operator::Contains => value.contains(input),
            Operator::NotContains => !value.contains(input),
            Operator::StartsWith => value.starts_with(input),
            Operator::EndsWith => value.ends_with(input),
            Operator::Before => value.as_str() < input,
            Operator::After => value.as_str() > input,
            Operator::OnOrBefore => value.as_str() <= input,
            Operator::OnOrAfter => value.as_str() >= input,
            Operator::IsEmpty => value.is_empty(),
            Operator::IsNotEmpty => !value.is_empty(),
        }
    }

    /// Orders two rows by `column` ascending, ties broken by start time, then log id.
    pub(crate) fn cmp_by(&self, other: &Self, column: Column) -> Ordering {
        let primary = match column {
            Column::CreatedAt => self.created_at.cmp(&other.created_at),
            Column::CompletedAt => self.completed_at.cmp(&other.completed_at),
            Column::Message => self.message.cmp(other.message),
            Column::UserId => self.user_id.cmp(other.user_id),
            Column::WorkflowId | Column::ForgeWorkflowId => {
                self.workflow_id.cmp(&other.workflow_id)
            }
            Column::ExecutionId => self.log_id.cmp(other.log_id),
            Column::IntegrationId => self.integration_id.cmp(&other.integration_id),
            Column::WorkflowVersion => self.workflow_version.cmp(&other.workflow_version),
        };
        primary
            .then_with(|| self.created_at.cmp(&other.created_at))
            .then_with(|| self.log_id.cmp(other.log_id))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use serde_json::json;

    use super::*;

    fn row(message: &'static str, user_id: &'static str, hour: u32) -> Row<'static> {
        let at = Utc.with_ymd_and_hms(2025, 9, 10, hour, 0, 0).unwrap();
        Row {
            created_at: Some(at),
            completed_at: Some(at + chrono::Duration::seconds(1)),
            message,
            user_id,
            workflow_id: Some("wf_a"),
            integration_id: Some("int_a"),
            workflow_version: Some(2),
            log_id: "log_1",
        }
    }

    #[test]
    fn the_columns_of_alloys_reference_filter() {
        let r = row("executionError", "usr_1", 10);
        let pass = |f: Value| r.matches(&parse(json!([f])));
        assert!(pass(filter("data.executionId", "equals", "log_1", "and")));
        assert!(!pass(filter("data.executionId", "equals", "log_2", "and")));
        assert!(pass(filter("forgeWorkflowId", "equals", "wf_a", "and")));
        assert!(pass(filter(
            "forgeWorkflow.integrationId._id",
            "equals",
            "int_a",
            "and"
        )));
        assert!(pass(filter("workflowVersion", "greaterthan", "1", "and")));
        assert!(!pass(filter("workflowVersion", "greaterthan", "10", "and")));
        assert!(
            pass(filter("workflowVersion", "lessthan", "10", "and")),
            "as numbers"
        );
        assert!(pass(filter("workflowVersion", "equals", "2", "and")));
        assert!(pass(filter("message", "notcontains", "success", "and")));
        assert!(
            parse_filters(
                &json!([filter("workflowVersion", "greaterthan", "two", "")]).to_string()
            )
            .is_err()
        );
    }

    fn filter(column: &str, operator: &str, input: &str, condition: &str) -> Value {
        json!({
            "columns": { "value": column },
            "operators": { "value": operator },
            "userinput": { "value": input },
            "condition": { "value": condition },
        })
    }

    fn parse(filters: Value) -> Vec<Filter> {
        parse_filters(&filters.to_string()).unwrap()
    }

    #[test]
    fn text_operators_compare_without_case() {
        let r = row("Workflow run succeeded", "usr_1", 10);
        let pass = |f: Value| r.matches(&parse(json!([f])));
        assert!(pass(filter("message", "contains", "RUN", "")));
        assert!(!pass(filter("message", "contains", "failed", "")));
        assert!(pass(filter("message", "not contains", "failed", "")));
        assert!(pass(filter("userId", "equals", "USR_1", "")));
        assert!(!pass(filter("userId", "equals", "usr_10", "")));
        assert!(pass(filter("userId", "!=", "usr_2", "")));
        assert!(pass(filter("message", "startsWith", "workflow", "")));
        assert!(pass(filter("message", "ends_with", "SUCCEEDED", "")));
        assert!(pass(filter("workflowId", "is", "wf_a", "")));
        assert!(pass(
            json!({ "columns": { "value": "message" }, "operators": { "value": "isNotEmpty" } })
        ));
    }

    #[test]
    fn date_operators_take_instants_and_days() {
        let r = row("m", "usr_1", 10);
        let pass = |f: Value| r.matches(&parse(json!([f])));
        assert!(pass(filter("createdAt", "equals", "2025-09-10", "")));
        assert!(!pass(filter("createdAt", "equals", "2025-09-11", "")));
        assert!(pass(filter(
            "createdAt",
            "before",
            "2025-09-10T10:30:00Z",
            ""
        )));
        assert!(!pass(filter(
            "createdAt",
            "after",
            "2025-09-10T10:30:00Z",
            ""
        )));
        assert!(pass(filter(
            "completedAt",
            ">=",
            "2025-09-10T10:00:01Z",
            ""
        )));
        assert!(!pass(filter(
            "completedAt",
            "<",
            "2025-09-10T10:00:01Z",
            ""
        )));
        assert!(pass(filter("createdAt", "onOrAfter", "2025-09-10", "")));
        assert!(pass(filter("createdAt", "contains", "2025-09-10T10", "")));
        let pending = Row {
            completed_at: None,
            ..r
        };
        let completed = parse(json!([filter("completedAt", "after", "2000-01-01", "")]));
        assert!(!pending.matches(&completed));
        let empty = parse(json!([{ "columns": { "value": "completedAt" },
                                   "operators": { "value": "isEmpty" } }]));
        assert!(pending.matches(&empty));
    }

    #[test]
    fn conditions_join_left_to_right() {
        let alice = row("ok", "usr_alice", 10);
        let bob = row("ok", "usr_bob", 11);
        let either = parse(json!([
            filter("userId", "equals", "usr_alice", ""),
            filter("userId", "equals", "usr_bob", "or"),
        ]));
        assert!(alice.matches(&either) && bob.matches(&either));
        let both = parse(json!([
            filter("userId", "equals", "usr_alice", ""),
            filter("userId", "equals", "usr_bob", "AND"),
        ]));
        assert!(!alice.matches(&both) && !bob.matches(&both));
        assert!(alice.matches(&[]));
    }

    #[test]
    fn malformed_filters_are_refused() {
        for raw in [
            "not json".to_owned(),
            "{}".to_owned(),
            "[1]".to_owned(),
            json!([{ "operators": { "value": "equals" }, "userinput": { "value": "x" } }])
                .to_string(),
            json!([filter("nope", "equals", "x", "")]).to_string(),
            json!([filter("message", "resembles", "x", "")]).to_string(),
            json!([filter("message", "equals", "x", "xor")]).to_string(),
            json!([filter("createdAt", "before", "yesterday", "")]).to_string(),
            json!([{ "columns": { "value": "message" }, "operators": { "value": "equals" } }])
                .to_string(),
            json!([{ "columns": "message", "operators": { "value": "equals" },
                     "userinput": { "value": "x" } }])
            .to_string(),
        ] {
            assert!(parse_filters(&raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn the_query_has_defaults_and_refuses_bad_numbers() {
        let none = |_: &str| None;
        let query = LogQuery::parse(none).unwrap();
        assert_eq!((query.skip, query.limit), (0, DEFAULT_LIMIT));
        assert_eq!(query.sort_by, Column::CreatedAt);
        assert!(query.descending);
        for (name, value) in [
            ("skip", "-1"),
            ("skip", "x"),
            ("limit", "0"),
            ("limit", "ten"),
            ("skip", "18446744073709551616"),
            ("sortBy", "workflowId"),
            ("sortOrder", "up"),
            ("filters", "[{"),
        ] {
            let param = |key: &str| (key == name).then(|| value.to_owned());
            let message = LogQuery::parse(param).unwrap_err();
            assert!(message.contains(name), "{name}={value}: {message}");
        }
    }

    /// `skip=u64::MAX&limit=1` once overflowed `skip / limit + 1` with the store's lock held.
    #[test]
    fn a_skip_whose_page_number_overflows_is_refused() {
        let max = usize::MAX.to_string();
        let param = |key: &str| match key {
            "skip" => Some(max.clone()),
            "limit" => Some("1".to_owned()),
            _ => None,
        };
        let message = LogQuery::parse(param).unwrap_err();
        assert!(message.contains("`skip` is too large"), "{message}");
        // The largest skip of a larger page has a page number.
        let param = |key: &str| match key {
            "skip" => Some(max.clone()),
            "limit" => Some("2".to_owned()),
            _ => None,
        };
        let query = LogQuery::parse(param).unwrap();
        assert_eq!(query.current_page, (usize::MAX / 2) as u64 + 1);
    }
}
