//! Integrations (Alloy's *Integrations* reference).

use crate::models::{Data, Integration, IntegrationList};
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

    /// Retrieves one integration, by id or app name, as a user has it: its workflows and the
    /// credentials it needs (`GET /integrations/{integrationId}?userId=`; the `credentials`
    /// key is unverified in Alloy's reference).
    #[api_endpoint(method = "GET", path = "/integrations/<integrationId>")]
    async fn get_integration(
        &self,
        integration_id: &str,
        #[query] user_id: &str,
    ) -> Result<Data<Integration>>;
}

impl<T: Transport + ?Sized> IntegrationsApi for T {}
