//! Analytics: how many actions the account and its users ran (Alloy's *Analytics* reference).
//!
//! Alloy's reference typed every one of these answers from an example (the usage summary is
//! documented as "any"), so every field is optional and unknown fields are ignored. Dates
//! (`format: date`) are read as a calendar date, or as the date part of a date-time should
//! the server send one; see [`Date`].

use serde::{Deserialize, Deserializer, Serialize};

use super::{Timestamp, de};

/// A calendar date, as the analytics answers send `startDate`, `endDate` and `date`
/// (`2025-09-01`).
pub type Date = chrono::NaiveDate;

/// Reads an optional date: `YYYY-MM-DD`, or a date-time starting with one (`T` or a space
/// after the date), whose date is taken as written. `null` is `None`.
fn date<'d, D: Deserializer<'d>>(deserializer: D) -> Result<Option<Date>, D::Error> {
    let Some(text) = Option::<std::borrow::Cow<'d, str>>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let text = text.trim();
    let day = match text.get(10..11) {
        None | Some("T" | "t" | " ") => text.get(..10).unwrap_or(text),
        Some(_) => text,
    };
    Date::parse_from_str(day, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(text),
                &"a date (YYYY-MM-DD) or a date-time starting with one",
            )
        })
}

/// The account's action usage (`GET /analytics/usage`): counts over fixed periods and the
/// billing cycle's limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsageSummary {
    /// First day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Date>,
    /// Last day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Date>,
    /// How many executions the plan allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executions_limit: Option<i64>,
    /// Actions in the last seven days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seven_days: Option<i64>,
    /// Actions in the last thirty days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thirty_days: Option<i64>,
    /// Actions in the last three months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_three_months: Option<i64>,
    /// Actions in the current billing cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<i64>,
    /// Actions run by workflows of the app (embedded workflows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_actions: Option<i64>,
    /// Actions run through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_actions: Option<i64>,
}

/// The account's action usage per period (`GET /analytics/detail-usage-time`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsageOverTime {
    /// First day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Date>,
    /// Last day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Date>,
    /// Actions over the whole time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_actions: Option<i64>,
    /// The counts per period (`data` on the wire).
    #[serde(
        rename = "data",
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub periods: Vec<UsagePeriod>,
    /// The time the counts cover, as Alloy names it (`current-billing-cycle` in its example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_period: Option<String>,
}

/// The account's actions in one period of a [`UsageOverTime`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsagePeriod {
    /// Actions run by workflows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_actions: Option<i64>,
    /// The month, as Alloy names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// The year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// The day.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
    /// Actions run through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_actions: Option<i64>,
    /// All actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// One user's action usage per period (`GET /analytics/detail-usage-user`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserUsage {
    /// The user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// When the user was created.
    #[serde(
        default,
        deserialize_with = "de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_created_date: Option<Timestamp>,
    /// Whether the user has been deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deleted: Option<bool>,
    /// First day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Date>,
    /// Last day counted.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Date>,
    /// Actions over the whole time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_actions: Option<i64>,
    /// The counts per period (`data` on the wire).
    #[serde(
        rename = "data",
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub periods: Vec<UserUsagePeriod>,
    /// The time the counts cover, as Alloy names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_period: Option<String>,
}

/// One user's actions in one period of a [`UserUsage`].
///
/// Alloy's example repeats the user's fields in each period; `userCreatedDate` is a date
/// here (a date-time in [`UserUsage`]), as the reference types it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserUsagePeriod {
    /// The month, as Alloy names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// The user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Whether the user has been deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deleted: Option<bool>,
    /// The day.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The day the user was created.
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_created_date: Option<Date>,
    /// Actions run through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_actions: Option<i64>,
    /// All actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Actions run by workflows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_actions: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Data;
    use serde_json::json;

    fn day(y: i32, m: u32, d: u32) -> Option<Date> {
        Date::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_are_read_as_dates_or_from_date_times() {
        let usage: UsageSummary = serde_json::from_value(json!({
            "startDate": "2025-09-01", "endDate": "2025-09-30T23:59:59.999Z"
        }))
        .unwrap();
        assert_eq!(usage.start_date, day(2025, 9, 1));
        assert_eq!(usage.end_date, day(2025, 9, 30));
        assert_eq!(
            serde_json::to_value(&usage).unwrap()["startDate"],
            "2025-09-01"
        );
        for wrong in [json!("09/01/2025"), json!("2025-09-01x"), json!(20250901)] {
            assert!(
                serde_json::from_value::<UsageSummary>(json!({ "startDate": wrong })).is_err(),
                "{wrong}"
            );
        }
        let none: UsageSummary = serde_json::from_value(json!({ "startDate": null })).unwrap();
        assert_eq!(none.start_date, None);
    }

    #[test]
    fn a_sparse_answer_decodes_with_what_it_has() {
        let usage: Data<UserUsage> = serde_json::from_value(json!({ "data": {
            "userId": "usr_1", "data": [{ "count": 3 }], "unknown": 1
        }}))
        .unwrap();
        assert_eq!(usage.data.user_id.as_deref(), Some("usr_1"));
        assert_eq!(usage.data.total_actions, None);
        assert_eq!(usage.data.periods[0].count, Some(3));
        assert!(serde_json::from_value::<Data<UsageSummary>>(json!({})).is_err());
    }
}
