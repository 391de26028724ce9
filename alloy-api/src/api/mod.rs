//! The operations of the Alloy Embedded API (contract version 2025-09), one trait per resource
//! of Alloy's reference, each operation one annotated signature.

mod analytics;
mod credentials;
mod events;
mod installations;
mod integrations;
mod logs;
mod runs;
mod users;
mod workflows;

pub use analytics::AnalyticsApi;
pub use credentials::CredentialsApi;
pub use events::EventsApi;
pub use installations::InstallationsApi;
pub use integrations::IntegrationsApi;
pub use logs::LogsApi;
pub use runs::RunsApi;
pub use users::UsersApi;
pub use workflows::WorkflowsApi;

/// Every operation of the Alloy Embedded API: the traits of all resources together.
///
/// Implemented for every [`Transport`](crate::Transport). As a bound it gives generic code
/// every operation (`fn onboard<A: AlloyApi>(api: &A)` may call `api.create_user(..)` and
/// `api.list_integrations(..)`); to call the operations on a concrete client, bring the
/// resource traits in scope with `use alloy_api::prelude::*;`.
pub trait AlloyApi:
    UsersApi
    + WorkflowsApi
    + RunsApi
    + EventsApi
    + LogsApi
    + IntegrationsApi
    + InstallationsApi
    + CredentialsApi
    + AnalyticsApi
{
}

impl<T: crate::Transport + ?Sized> AlloyApi for T {}
