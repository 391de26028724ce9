//! Events (Alloy's *Events* reference).

use crate::models::EventList;
use crate::{Result, Transport, api_endpoint};

/// Events: the custom events your workflows listen to (Alloy's *Events* reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait EventsApi: Transport {
    /// Lists the custom events of your account, which
    /// [`trigger_event`](crate::RunsApi::trigger_event) can send (`GET /events`).
    #[api_endpoint(method = "GET", path = "/events")]
    async fn list_events(&self) -> Result<EventList>;
}

impl<T: Transport + ?Sized> EventsApi for T {}
