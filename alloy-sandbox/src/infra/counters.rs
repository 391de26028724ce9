//! The request counters: how many calls each operation received.

use std::sync::atomic::Ordering;

use super::state::SandboxState;
use crate::operations::Operation;

impl SandboxState {
    /// Counts one request received for `operation`.
    pub(crate) fn record_request(&self, operation: Operation) {
        self.shared.request_counts[operation.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Returns how many requests for `operation` the sandbox has received.
    ///
    /// Every request routed to the operation counts, including those answered by a fault or
    /// with an error status; requests to unknown routes or with a wrong method count nowhere.
    pub fn request_count(&self, operation: Operation) -> u64 {
        self.shared.request_counts[operation.index()].load(Ordering::SeqCst)
    }

    /// Returns how many requests the sandbox has received for all operations together.
    pub fn total_request_count(&self) -> u64 {
        Operation::ALL
            .into_iter()
            .map(|operation| self.request_count(operation))
            .sum()
    }

    /// Sets every request counter back to zero.
    pub fn reset_request_counts(&self) {
        for count in &self.shared.request_counts {
            count.store(0, Ordering::SeqCst);
        }
    }
}
