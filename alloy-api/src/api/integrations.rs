//! Integrations (Alloy's *Integrations* reference).

use crate::models::IntegrationList;
use crate::{Result, Transport, api_endpoint};

/// Integrations: the integrations a user can install (Alloy's *Integrations* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait IntegrationsApi: Transport {
    /// Retrieves available integrations for a user, including metadata such as connector
    /// icons and categories (`GET /integrations?userId=`).
    #[api_endpoint(method = "GET", path = "/integrations")]
    async fn list_integrations(&self, #[query] user_id: &str) -> Result<IntegrationList>;
}

impl<T: Transport + ?Sized> IntegrationsApi for T {}
