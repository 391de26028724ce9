//! Every integration test that can share a process, in one binary: one link of the reqwest
//! and axum stack instead of one per file. Each module is one feature.
//!
//! Tests that install a global tracing subscriber live apart (`logged`), and the
//! compile-fail cases have a crate of their own (`tests/ui`).

mod chaos;
mod conformance;
mod custom_endpoints;
mod deliveries;
mod e2e_analytics;
mod e2e_common;
mod e2e_core;
mod e2e_credentials;
mod e2e_installations;
mod errors;
mod faults;
mod lenient;
mod lints;
mod load;
mod mock;
mod observe;
mod official_operation;
mod pagination;
mod pass;
mod prism_check;
mod readme;
mod sandbox;
mod signatures_verify;
mod test_double;
mod transport;
mod wire;
mod wire_analytics;
mod wire_credentials;
mod wire_installations;
mod wire_official;
