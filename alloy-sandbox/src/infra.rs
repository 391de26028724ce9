//! What every resource of the sandbox stands on: the state handle and the store behind its
//! lock and its bounds, the integration catalog, the API key and user tokens, the faults a
//! test injects, the request counters and the signed deliveries of runs.
//!
//! Nothing here knows an operation's request or answer; the resources (`crate::resources`)
//! build on these pieces, and the request pipeline (`crate::routes`) applies the faults.

pub(crate) mod bounds;
pub(crate) mod catalog;
pub(crate) mod counters;
pub(crate) mod deliveries;
pub(crate) mod error;
pub(crate) mod faults;
pub(crate) mod state;
pub(crate) mod store;
pub(crate) mod tokens;
