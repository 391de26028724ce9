//! The handle on a sandbox's state: the store behind its lock, the catalog, the API key and
//! token keys, the fault queue, the request counters and the delivery queue, which every
//! resource shares.
//!
//! Each resource adds the operations it serves to [`SandboxState`] in its own module
//! (`crate::resources`); what is here only finds things, it never changes the store.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ring::hmac;

use super::bounds::Bounds;
use super::catalog::{CatalogEntry, CatalogWorkflow};
use super::deliveries::{DeliveryQueue, SigningKey};
use super::error::StateError;
use super::faults::{ChaosRun, Fault, FaultCounts};
use super::store::Store;
use super::tokens::TokenSigner;
use crate::operations::Operation;

/// A cloneable handle on a sandbox's state, for arranging and inspecting it from Rust.
///
/// Every method locks the state briefly, so a handle can be used while requests are served.
/// Seeding methods apply the same rules as the HTTP API (known users, catalog workflows and
/// versions) and report violations as [`StateError`]s.
#[derive(Clone)]
pub struct SandboxState {
    pub(crate) shared: Arc<Shared>,
}

/// What every handle on one sandbox's state shares.
pub(crate) struct Shared {
    pub(crate) catalog: Vec<CatalogEntry>,
    pub(crate) api_key_mac: hmac::Key,
    pub(crate) api_key_tag: hmac::Tag,
    pub(crate) signer: TokenSigner,
    pub(crate) token_ttl: Duration,
    pub(crate) bounds: Bounds,
    pub(crate) store: Mutex<Store>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    pub(crate) chaos: Mutex<Option<ChaosRun>>,
    pub(crate) fault_counts: FaultCounts,
    pub(crate) request_counts: [AtomicU64; Operation::ALL.len()],
    pub(crate) served_counts: [AtomicU64; Operation::ALL.len()],
    pub(crate) signing_key: Arc<SigningKey>,
    pub(crate) deliveries: DeliveryQueue,
}

impl fmt::Debug for SandboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxState")
            .field("users", &self.user_count())
            .field("catalog_entries", &self.shared.catalog.len())
            .field("pending_faults", &self.pending_faults())
            .finish_non_exhaustive()
    }
}

impl SandboxState {
    /// Creates the state of a new sandbox with fresh random signing keys.
    pub(crate) fn new(
        api_key: &str,
        catalog: Vec<CatalogEntry>,
        token_ttl: Duration,
        bounds: Bounds,
        signing_key: Arc<SigningKey>,
        deliveries: DeliveryQueue,
    ) -> std::io::Result<Self> {
        let rng = ring::rand::SystemRandom::new();
        let key = |rng| {
            hmac::Key::generate(hmac::HMAC_SHA256, rng)
                .map_err(|_| std::io::Error::other("no system randomness for the sandbox keys"))
        };
        let api_key_mac = key(&rng)?;
        let api_key_tag = hmac::sign(&api_key_mac, api_key.as_bytes());
        Ok(Self {
            shared: Arc::new(Shared {
                catalog,
                api_key_mac,
                api_key_tag,
                signer: TokenSigner::new(key(&rng)?),
                token_ttl,
                bounds,
                store: Mutex::default(),
                faults: Mutex::default(),
                chaos: Mutex::default(),
                fault_counts: std::array::from_fn(|_| AtomicU64::new(0)),
                request_counts: std::array::from_fn(|_| AtomicU64::new(0)),
                served_counts: std::array::from_fn(|_| AtomicU64::new(0)),
                signing_key,
                deliveries,
            }),
        })
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // No code panics while holding the lock; should one ever do, the state is still
        // consistent (every change is made in one step), so poisoning is ignored.
        self.shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn catalog_workflow(
        &self,
        workflow_id: &str,
    ) -> Result<&CatalogWorkflow, StateError> {
        self.shared
            .catalog
            .iter()
            .flat_map(|entry| &entry.workflows)
            .find(|workflow| workflow.workflow_id == workflow_id)
            .ok_or_else(|| StateError::UnknownWorkflow(workflow_id.to_owned()))
    }

    /// Returns the catalog entry that brings the workflow, and the workflow.
    pub(crate) fn catalog_entry_of(
        &self,
        workflow_id: &str,
    ) -> Result<(&CatalogEntry, &CatalogWorkflow), StateError> {
        self.shared
            .catalog
            .iter()
            .flat_map(|entry| {
                entry
                    .workflows
                    .iter()
                    .map(move |workflow| (entry, workflow))
            })
            .find(|(_, workflow)| workflow.workflow_id == workflow_id)
            .ok_or_else(|| StateError::UnknownWorkflow(workflow_id.to_owned()))
    }

    /// Returns the integration catalog the sandbox serves.
    pub fn catalog(&self) -> &[CatalogEntry] {
        &self.shared.catalog
    }
}
