//! Installations (Alloy's *Installations* reference: the headless installation flow).

use crate::models::{
    CompleteInstallationRequest, Data, EditInstallationRequest, EditedInstallation,
    InstallationDetail, InstallationList, StartInstallationRequest, StartedInstallation,
    SuccessResponse,
};
use crate::{Result, Transport, api_endpoint};

/// Installations: the integrations users have installed, and installing one without Alloy's
/// frontend (start, fill the form, complete; edit later) (Alloy's *Installations*
/// reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait InstallationsApi: Transport {
    /// Lists every installation of the account (`GET /installations`).
    #[api_endpoint(method = "GET", path = "/installations")]
    async fn list_installations(&self) -> Result<InstallationList>;

    /// Reads one installation (`GET /installations/{installationId}`, `{"data": {...}}`).
    /// Alloy's reference pins less of this answer than of the list's items; see
    /// [`InstallationDetail`].
    #[api_endpoint(method = "GET", path = "/installations/<installationId>")]
    async fn get_installation(&self, installation_id: &str) -> Result<Data<InstallationDetail>>;

    /// Starts installing an integration for a user and returns the form to fill
    /// (`POST /headless/startInstallation`).
    #[api_endpoint(method = "POST", path = "/headless/startInstallation")]
    async fn start_installation(
        &self,
        #[body] request: &StartInstallationRequest,
    ) -> Result<StartedInstallation>;

    /// Completes a started installation with the values of its form
    /// (`POST /headless/completeInstallation`). The answer is unverified in Alloy's
    /// reference (`{"message": ...}` in 2024-03), so every field of it is optional.
    #[api_endpoint(method = "POST", path = "/headless/completeInstallation")]
    async fn complete_installation(
        &self,
        #[body] request: &CompleteInstallationRequest,
    ) -> Result<SuccessResponse>;

    /// Edits a user's installation of an integration: its credentials
    /// (`POST /headless/editInstallation`, `{"data": {...}}`). The answer was typed from
    /// Alloy's example only; see [`EditedInstallation`].
    #[api_endpoint(method = "POST", path = "/headless/editInstallation")]
    async fn edit_installation(
        &self,
        #[body] request: &EditInstallationRequest,
    ) -> Result<Data<EditedInstallation>>;
}

impl<T: Transport + ?Sized> InstallationsApi for T {}
