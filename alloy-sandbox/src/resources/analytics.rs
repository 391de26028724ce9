//! Analytics: the account's app actions, per day and per user, counted from what ran.

use std::collections::{BTreeMap, HashMap};

use axum::response::Response;
use chrono::{DateTime, Datelike as _, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::infra::error::StateError;
use crate::infra::state::SandboxState;
use crate::resources::users::official_user;
use crate::routes::{ApiError, Input, data};

/// How many app actions one run performs: every catalog workflow has one connector block.
const APP_ACTIONS_PER_RUN: u64 = 1;

/// The sandbox account's action limit per billing cycle (`executionsLimit`).
pub(crate) const EXECUTIONS_LIMIT: u64 = 10_000;

/// How many days of usage are kept before the day of the latest run: the analytics report
/// on three months at most (`lastThreeMonths`), never more than 92 days.
const USAGE_DAYS_KEPT: u64 = 93;

/// The period the usage operations report on (`timePeriod`): the current calendar month.
const TIME_PERIOD: &str = "current-billing-cycle";

// ---- Wire types ------------------------------------------------------------------------------

/// The answer of `GET /analytics/usage` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppUsage {
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) executions_limit: u64,
    pub(crate) seven_days: u64,
    pub(crate) thirty_days: u64,
    pub(crate) last_three_months: u64,
    pub(crate) billing_cycle: u64,
    pub(crate) app_actions: u64,
    pub(crate) api_actions: u64,
}

/// The answer of `GET /analytics/detail-usage-time` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsageOverTime {
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) total_actions: u64,
    pub(crate) data: Vec<UsagePeriod>,
    pub(crate) time_period: String,
}

/// One day of `GET /analytics/detail-usage-time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsagePeriod {
    pub(crate) app_actions: u64,
    pub(crate) month: String,
    pub(crate) year: i32,
    pub(crate) date: NaiveDate,
    pub(crate) api_actions: u64,
    pub(crate) count: u64,
}

/// The answer of `GET /analytics/detail-usage-user` (inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserUsage {
    pub(crate) user_name: String,
    pub(crate) user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_created_date: Option<DateTime<Utc>>,
    pub(crate) is_deleted: bool,
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) total_actions: u64,
    pub(crate) data: Vec<UserUsagePeriod>,
    pub(crate) time_period: String,
}

/// One day of `GET /analytics/detail-usage-user`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserUsagePeriod {
    pub(crate) month: String,
    pub(crate) user_name: String,
    pub(crate) is_deleted: bool,
    pub(crate) date: NaiveDate,
    pub(crate) user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_created_date: Option<NaiveDate>,
    pub(crate) api_actions: u64,
    pub(crate) count: u64,
    pub(crate) app_actions: u64,
}

// ---- State -----------------------------------------------------------------------------------

/// What the sandbox ran, counted for the analytics operations.
///
/// Per day for the last [`USAGE_DAYS_KEPT`] days before the latest run, per user for the
/// user records the store keeps, per workflow of the catalog.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    /// App actions per day.
    pub(crate) by_day: BTreeMap<NaiveDate, u64>,
    /// App actions per user and day.
    pub(crate) by_user: HashMap<String, BTreeMap<NaiveDate, u64>>,
    /// Runs, errors and app actions per workflow.
    pub(crate) by_workflow: HashMap<String, WorkflowCounters>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WorkflowCounters {
    pub(crate) runs: u64,
    pub(crate) errors: u64,
    pub(crate) app_actions: u64,
}

impl Usage {
    /// Counts one run of `workflow_id` for `user_id` at `at`.
    pub(crate) fn record(
        &mut self,
        user_id: &str,
        workflow_id: &str,
        at: DateTime<Utc>,
        failed: bool,
    ) {
        let day = at.date_naive();
        *self.by_day.entry(day).or_default() += APP_ACTIONS_PER_RUN;
        *self
            .by_user
            .entry(user_id.to_owned())
            .or_default()
            .entry(day)
            .or_default() += APP_ACTIONS_PER_RUN;
        // Older days are read by no report, so a long-running sandbox drops them.
        if let Some(horizon) = day.checked_sub_days(Days::new(USAGE_DAYS_KEPT)) {
            self.by_day = self.by_day.split_off(&horizon);
            if let Some(days) = self.by_user.get_mut(user_id) {
                *days = days.split_off(&horizon);
            }
        }
        let counters = self.by_workflow.entry(workflow_id.to_owned()).or_default();
        counters.runs += 1;
        counters.app_actions += APP_ACTIONS_PER_RUN;
        if failed {
            counters.errors += 1;
        }
    }
}

impl SandboxState {
    /// Sums up the account's actions (`GET /analytics/usage`).
    pub(crate) fn app_usage(&self) -> AppUsage {
        let today = Utc::now().date_naive();
        let (start, end) = billing_cycle(today);
        let store = self.store();
        let days = &store.usage.by_day;
        let three_months = today
            .checked_sub_months(Months::new(3))
            .unwrap_or(NaiveDate::MIN);
        let cycle = sum(days, start, end);
        AppUsage {
            start_date: start,
            end_date: end,
            executions_limit: EXECUTIONS_LIMIT,
            seven_days: sum(days, days_before(today, 6), today),
            thirty_days: sum(days, days_before(today, 29), today),
            last_three_months: sum(days, three_months, today),
            billing_cycle: cycle,
            app_actions: cycle,
            api_actions: 0,
        }
    }

    /// Lists the account's actions per day of the billing cycle, days with actions only
    /// (`GET /analytics/detail-usage-time`).
    pub(crate) fn usage_over_time(&self) -> UsageOverTime {
        let (start, end) = billing_cycle(Utc::now().date_naive());
        let store = self.store();
        let days = &store.usage.by_day;
        UsageOverTime {
            start_date: start,
            end_date: end,
            total_actions: sum(days, start, end),
            data: days
                .range(start..=end.max(start))
                .map(|(day, count)| UsagePeriod {
                    app_actions: *count,
                    month: month_name(*day),
                    year: day.year(),
                    date: *day,
                    api_actions: 0,
                    count: *count,
                })
                .collect(),
            time_period: TIME_PERIOD.to_owned(),
        }
    }

    /// Lists one user's actions per day of the billing cycle
    /// (`GET /analytics/detail-usage-user`): a live user by id or username, or a deleted
    /// user by id (`isDeleted: true`).
    pub(crate) fn user_usage(&self, reference: &str) -> Result<UserUsage, StateError> {
        let (start, end) = billing_cycle(Utc::now().date_naive());
        let store = self.store();
        let live = store.users.get(reference).or_else(|| {
            store
                .usernames
                .get(reference)
                .and_then(|user_id| store.users.get(user_id))
        });
        let (record, is_deleted) = match live {
            Some(record) => (record, false),
            None => (
                store
                    .deleted
                    .get(reference)
                    .ok_or_else(|| StateError::UnknownUser(reference.to_owned()))?,
                true,
            ),
        };
        let user = official_user(record);
        let empty = BTreeMap::new();
        let days = store.usage.by_user.get(&user.user_id).unwrap_or(&empty);
        let created = record.user.created_at;
        Ok(UserUsage {
            total_actions: sum(days, start, end),
            data: {
                days.range(start..=end.max(start))
                    .map(|(day, count)| UserUsagePeriod {
                        month: month_name(*day),
                        user_name: user.username.clone(),
                        is_deleted,
                        date: *day,
                        user_id: user.user_id.clone(),
                        user_created_date: created.map(|at| at.date_naive()),
                        api_actions: 0,
                        count: *count,
                        app_actions: *count,
                    })
                    .collect()
            },
            user_name: user.username,
            user_id: user.user_id,
            user_created_date: created,
            is_deleted,
            start_date: start,
            end_date: end,
            time_period: TIME_PERIOD.to_owned(),
        })
    }
}

/// The current billing cycle: the calendar month of `today`.
fn billing_cycle(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = today.with_day(1).unwrap_or(today);
    let end = start
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(today);
    (start, end)
}

/// Adds up the counts of the days from `from` to `to`, both included.
fn sum(days: &BTreeMap<NaiveDate, u64>, from: NaiveDate, to: NaiveDate) -> u64 {
    if from > to {
        return 0;
    }
    days.range(from..=to).map(|(_, count)| count).sum()
}

fn month_name(day: NaiveDate) -> String {
    day.format("%B").to_string()
}

fn days_before(today: NaiveDate, days: u64) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

// ---- Routes ----------------------------------------------------------------------------------

pub(crate) fn get_app_actions_usage(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(data(state.app_usage()))
}

pub(crate) fn get_detail_usage_time(
    state: &SandboxState,
    _input: Input,
) -> Result<Response, ApiError> {
    Ok(data(state.usage_over_time()))
}

/// A deleted user is still reported (`isDeleted: true`), by id: the reference's answer has an
/// `isDeleted` field, which only a deleted user's usage could set.
pub(crate) fn get_detail_usage_user(
    state: &SandboxState,
    input: Input,
) -> Result<Response, ApiError> {
    let reference = input.user_id_query()?;
    Ok(data(state.user_usage(&reference)?))
}

#[cfg(test)]
mod tests;
