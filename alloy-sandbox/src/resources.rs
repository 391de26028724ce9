//! The resources the sandbox serves, one module each, named as `alloy_api`'s `api` and
//! `models` modules are.
//!
//! Each module holds the resource's wire types (what its operations read and answer), its
//! state operations (methods of [`SandboxState`](crate::SandboxState)) and its route
//! handlers, with its tests beside it. What differs between the two contracts is not here
//! but in `crate::contract`; what every resource stands on is in `crate::infra`.

pub(crate) mod analytics;
pub(crate) mod credentials;
pub(crate) mod events;
pub(crate) mod installations;
pub(crate) mod integrations;
pub(crate) mod logs;
pub(crate) mod runs;
pub(crate) mod users;
pub(crate) mod workflows;
