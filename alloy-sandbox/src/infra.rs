//! What every resource of the sandbox stands on: the integration catalog, the user tokens and
//! the faults a test injects.
//!
//! Nothing here knows an operation's request or answer; the resources (`crate::resources`)
//! build on these pieces, and the request pipeline (`crate::routes`) applies the faults.

pub(crate) mod catalog;
pub(crate) mod faults;
pub(crate) mod tokens;
