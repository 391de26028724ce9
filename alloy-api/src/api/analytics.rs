//! Analytics (Alloy's *Analytics* reference).

use crate::models::{Data, UsageOverTime, UsageSummary, UserUsage};
use crate::{Result, Transport, api_endpoint};

/// Analytics: how many actions the account and each user ran (Alloy's *Analytics*
/// reference).
///
/// Every answer was typed from Alloy's examples, so every field of them is optional.
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait AnalyticsApi: Transport {
    /// Reads the account's action usage: the last seven and thirty days, three months, the
    /// billing cycle and its limit (`GET /analytics/usage`, `{"data": {...}}`).
    #[api_endpoint(method = "GET", path = "/analytics/usage")]
    async fn get_usage(&self) -> Result<Data<UsageSummary>>;

    /// Reads the account's action usage per period (`GET /analytics/detail-usage-time`,
    /// `{"data": {...}}`).
    /// Alloy's reference shows no query parameters (the answer names its `timePeriod`), so
    /// none are sent.
    #[api_endpoint(method = "GET", path = "/analytics/detail-usage-time")]
    async fn get_usage_over_time(&self) -> Result<Data<UsageOverTime>>;

    /// Reads one user's action usage per period
    /// (`GET /analytics/detail-usage-user?userId=`; Alloy's reference lists `userId` in the
    /// query without showing whether it is required, so it is always sent).
    #[api_endpoint(method = "GET", path = "/analytics/detail-usage-user")]
    async fn get_user_usage(&self, #[query] user_id: &str) -> Result<Data<UserUsage>>;
}

impl<T: Transport + ?Sized> AnalyticsApi for T {}
