//! Analytics: how many actions the account and its users ran (Alloy's *Analytics* reference).
//!
//! Alloy's reference typed every one of these answers from an example (the usage summary is
//! documented as "any"), so every field is [`Lenient`](super::Lenient): a value of another
//! type is read as absent and kept as sent; unknown fields are ignored. Dates
//! (`format: date`) are read as a calendar date, or as the date part of a date-time should
//! the server send one; see [`Date`]; a date in another form is absent, and kept as sent.

use serde::{Deserialize, Deserializer, Serialize};

use super::{Lenient, Timestamp, de};

/// A calendar date, as the analytics answers send `startDate`, `endDate` and `date`
/// (`2025-09-01`).
pub type Date = chrono::NaiveDate;

/// Reads a [`Lenient`] date: `YYYY-MM-DD`, or a date-time starting with one (`T` or a space
/// after the date), whose date is taken as written. Anything else is absent, and kept as
/// sent.
fn lenient_date<'d, D: Deserializer<'d>>(deserializer: D) -> Result<Lenient<Date>, D::Error> {
    super::lenient::read::<D, Date, Dates>(deserializer)
}

struct Dates;

impl super::lenient::Read<Date> for Dates {
    fn read<'d, D: Deserializer<'d>>(deserializer: D) -> Result<Date, D::Error> {
        let text = std::borrow::Cow::<'d, str>::deserialize(deserializer)?;
        let text = text.trim();
        let day = match text.get(10..11) {
            None | Some("T" | "t" | " ") => text.get(..10).unwrap_or(text),
            Some(_) => text,
        };
        Date::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(text),
                &"a date (YYYY-MM-DD) or a date-time starting with one",
            )
        })
    }
}

/// The account's action usage (`GET /analytics/usage`): counts over fixed periods and the
/// billing cycle's limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsageSummary {
    /// First day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub start_date: Lenient<Date>,
    /// Last day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub end_date: Lenient<Date>,
    /// How many executions the plan allows.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub executions_limit: Lenient<i64>,
    /// Actions in the last seven days.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub seven_days: Lenient<i64>,
    /// Actions in the last thirty days.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub thirty_days: Lenient<i64>,
    /// Actions in the last three months.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub last_three_months: Lenient<i64>,
    /// Actions in the current billing cycle.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub billing_cycle: Lenient<i64>,
    /// Actions run by workflows of the app (embedded workflows).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub app_actions: Lenient<i64>,
    /// Actions run through the API.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub api_actions: Lenient<i64>,
}

/// The account's action usage per period (`GET /analytics/detail-usage-time`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsageOverTime {
    /// First day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub start_date: Lenient<Date>,
    /// Last day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub end_date: Lenient<Date>,
    /// Actions over the whole time.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_actions: Lenient<i64>,
    /// The counts per period (`data` on the wire).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(rename = "data", default, skip_serializing_if = "Lenient::is_absent")]
    pub periods: Lenient<Vec<UsagePeriod>>,
    /// The time the counts cover, as Alloy names it (`current-billing-cycle` in its example).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub time_period: Lenient<String>,
}

/// The account's actions in one period of a [`UsageOverTime`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsagePeriod {
    /// Actions run by workflows.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub app_actions: Lenient<i64>,
    /// The month, as Alloy names it.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub month: Lenient<String>,
    /// The year.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub year: Lenient<i64>,
    /// The day.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub date: Lenient<Date>,
    /// Actions run through the API.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub api_actions: Lenient<i64>,
    /// All actions.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub count: Lenient<i64>,
}

/// One user's action usage per period (`GET /analytics/detail-usage-user`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserUsage {
    /// The user's name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_name: Lenient<String>,
    /// The user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_id: Lenient<String>,
    /// When the user was created.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "de::lenient_timestamp",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub user_created_date: Lenient<Timestamp>,
    /// Whether the user has been deleted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub is_deleted: Lenient<bool>,
    /// First day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub start_date: Lenient<Date>,
    /// Last day counted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub end_date: Lenient<Date>,
    /// Actions over the whole time.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub total_actions: Lenient<i64>,
    /// The counts per period (`data` on the wire).
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(rename = "data", default, skip_serializing_if = "Lenient::is_absent")]
    pub periods: Lenient<Vec<UserUsagePeriod>>,
    /// The time the counts cover, as Alloy names it.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub time_period: Lenient<String>,
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
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub month: Lenient<String>,
    /// The user's name.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_name: Lenient<String>,
    /// Whether the user has been deleted.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub is_deleted: Lenient<bool>,
    /// The day.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub date: Lenient<Date>,
    /// The user.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub user_id: Lenient<String>,
    /// The day the user was created.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Lenient::is_absent"
    )]
    pub user_created_date: Lenient<Date>,
    /// Actions run through the API.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub api_actions: Lenient<i64>,
    /// All actions.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub count: Lenient<i64>,
    /// Actions run by workflows.
    /// Lenient (typed from Alloy's example): a value of another type reads as absent, and
    /// [`Lenient::raw`] keeps it.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub app_actions: Lenient<i64>,
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
        // The dates are typed from Alloy's example only: another form is absent, kept as sent.
        for wrong in [json!("09/01/2025"), json!("2025-09-01x"), json!(20250901)] {
            let usage: UsageSummary =
                serde_json::from_value(json!({ "startDate": wrong })).unwrap();
            assert_eq!(usage.start_date, None, "{wrong}");
            assert_eq!(usage.start_date.raw(), Some(&wrong));
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
