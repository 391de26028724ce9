//! The faults a test can inject into the sandbox's operations: what a fault is, the queue
//! the requests take them from, and how one is applied to a call.

use std::collections::VecDeque;
use std::sync::{MutexGuard, PoisonError};
use std::time::Duration;

use axum::response::{IntoResponse as _, Response};
use http::header::RETRY_AFTER;
use http::{HeaderValue, StatusCode};

use super::state::SandboxState;
use crate::operations::Operation;
use crate::routes::ApiError;

/// A failure the sandbox injects into the next calls, for testing retries and timeouts.
///
/// A fault answers an error status (with an optional `Retry-After` header), waits before
/// answering, or both. It applies to the next [`times`](Fault::times) calls (one by default)
/// of every operation, or only of the operation given to [`only`](Fault::only).
///
/// Injected faults queue up in order. Each request takes the first queued fault that matches
/// its operation and uses up one of its calls; a request matching no fault is served
/// normally. Faults are applied before authentication, like an outage in front of the API,
/// and a request that hits a status fault answers that status with an
/// [`ErrorResponse`](alloy_api::models::ErrorResponse) body without touching the sandbox state.
/// A delay-only fault waits and then serves the request normally.
///
/// ```
/// use std::time::Duration;
/// use alloy_sandbox::{Fault, Operation};
///
/// // The next two `listWorkflowLogs` calls answer 503 with `Retry-After: 1`.
/// let outage = Fault::status(503).with_retry_after(1).times(2).only(Operation::ListWorkflowLogs);
/// // The next call of any operation waits half a second and then succeeds.
/// let slow = Fault::delay(Duration::from_millis(500));
/// # let _ = (outage, slow);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delay: Option<Duration>,
    pub(crate) remaining: u32,
    pub(crate) operation: Option<Operation>,
}

impl Fault {
    /// Creates a fault that answers the error status `code` once, on any operation.
    ///
    /// # Panics
    ///
    /// Panics if `code` is not a client or server error status (400 to 599).
    pub fn status(code: u16) -> Self {
        Self {
            status: Some(error_status(code)),
            retry_after: None,
            delay: None,
            remaining: 1,
            operation: None,
        }
    }

    /// Creates a fault that waits `delay` before serving the next call of any operation.
    pub fn delay(delay: Duration) -> Self {
        Self {
            status: None,
            retry_after: None,
            delay: Some(delay),
            remaining: 1,
            operation: None,
        }
    }

    /// Makes the fault answer the error status `code` (after its delay, if any).
    ///
    /// # Panics
    ///
    /// Panics if `code` is not a client or server error status (400 to 599).
    #[must_use]
    pub fn with_status(mut self, code: u16) -> Self {
        self.status = Some(error_status(code));
        self
    }

    /// Sends `Retry-After: <seconds>` with the fault's error status.
    ///
    /// The header is only sent by faults that answer a status.
    #[must_use]
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Makes the fault wait `delay` before answering.
    #[must_use]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Applies the fault to the next `count` matching calls instead of one.
    ///
    /// A count of zero makes the fault a no-op that is never queued.
    #[must_use]
    pub fn times(mut self, count: u32) -> Self {
        self.remaining = count;
        self
    }

    /// Restricts the fault to calls of `operation`; other operations are served normally.
    #[must_use]
    pub fn only(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
        self
    }

    pub(crate) fn matches(&self, operation: Operation) -> bool {
        self.operation.is_none_or(|only| only == operation)
    }
}

fn error_status(code: u16) -> StatusCode {
    match StatusCode::from_u16(code) {
        Ok(status) if status.is_client_error() || status.is_server_error() => status,
        _ => panic!("a fault's status must be an error status (400-599), got {code}"),
    }
}

/// What one request takes from the fault queue: the copy of a fault used for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FaultHit {
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delay: Option<Duration>,
}

impl FaultHit {
    pub(crate) fn of(fault: &Fault) -> Self {
        Self {
            status: fault.status,
            retry_after: fault.retry_after,
            delay: fault.delay,
        }
    }
}

impl FaultHit {
    /// Applies the fault to one call of `operation`: waits out its delay, then answers its
    /// status if it has one. `None` means the call is then served normally.
    pub(crate) async fn apply(self, operation: Operation) -> Option<Response> {
        tracing::debug!(%operation, fault = ?self, "sandbox applies an injected fault");
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        let status = self.status?;
        let mut response = ApiError::new(
            status,
            format!("Injected fault: the sandbox answers {status} to {operation}"),
        )
        .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        Some(response)
    }
}

impl SandboxState {
    fn faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a fault behind the faults already injected; see [`Fault`] for how it applies.
    pub fn inject_fault(&self, fault: Fault) {
        if fault.remaining > 0 {
            self.faults().push_back(fault);
        }
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.faults().clear();
    }

    /// Returns how many injected faults still have calls left to affect.
    pub fn pending_faults(&self) -> usize {
        self.faults().len()
    }

    /// Takes one call from the first queued fault that matches `operation`.
    pub(crate) fn take_fault(&self, operation: Operation) -> Option<FaultHit> {
        let mut faults = self.faults();
        let index = faults.iter().position(|fault| fault.matches(operation))?;
        let fault = &mut faults[index];
        let hit = FaultHit::of(fault);
        fault.remaining -= 1;
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(hit)
    }
}
