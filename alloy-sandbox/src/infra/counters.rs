//! The request counters: how many calls each operation received, and how many of them it
//! served with a success (the calls whose effect is applied).

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

    /// Counts one call of `operation` its handler served with a success status.
    pub(crate) fn record_served(&self, operation: Operation) {
        self.shared.served_counts[operation.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Returns how many calls of `operation` the sandbox served with a success (2xx) status:
    /// the calls whose effect on the state was applied, whether or not their answer then
    /// reached the client whole.
    ///
    /// Calls answered by a status fault, reset before the response, refused (401, 400, 404,
    /// ...) do not count; calls reset in the middle of the body or answered with a malformed
    /// body do. For an operation that creates something, the difference with the successes a
    /// client saw is what its lost answers created.
    pub fn served_count(&self, operation: Operation) -> u64 {
        self.shared.served_counts[operation.index()].load(Ordering::SeqCst)
    }

    /// Sets every request and served counter back to zero.
    pub fn reset_request_counts(&self) {
        for count in self
            .shared
            .request_counts
            .iter()
            .chain(&self.shared.served_counts)
        {
            count.store(0, Ordering::SeqCst);
        }
    }
}
