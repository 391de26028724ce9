//! The faults a test can inject into the sandbox's operations: what a fault is, the queue
//! the requests take them from, the seeded [`Chaos`] that draws them by probability, and how
//! one is applied to a call.

use std::collections::VecDeque;
use std::ops::RangeInclusive;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse as _, Response};
use http::header::{CONTENT_LENGTH, RETRY_AFTER};
use http::{HeaderValue, StatusCode};
use tokio::time::Sleep;

use super::state::SandboxState;
use crate::operations::Operation;
use crate::routes::ApiError;

/// A failure the sandbox injects into the next calls, for testing retries and timeouts.
///
/// A fault does one of these, after an optional delay:
///
/// * answers an error status, with an optional `Retry-After` header ([`Fault::status`]),
///   without touching the sandbox state;
/// * serves the call normally after the delay ([`Fault::delay`]);
/// * resets the connection before the response: the request is read and not served, and the
///   connection is closed without a byte of answer ([`Fault::reset_before_response`]);
/// * serves the call (its effect is applied), sends the head and half of the body, then
///   resets the connection ([`Fault::reset_mid_body`]): the client cannot tell whether the
///   call took effect;
/// * serves the call and answers its status and headers with a body cut in half, so that it
///   is not valid JSON ([`Fault::malformed_body`]).
///
/// It applies to the next [`times`](Fault::times) calls (one by default) of every operation,
/// or only of the operation given to [`only`](Fault::only).
///
/// Injected faults queue up in order. Each request takes the first queued fault that matches
/// its operation and uses up one of its calls; a request matching no fault is served
/// normally (or by the [`Chaos`] set with [`SandboxState::set_chaos`]). Faults are applied
/// before authentication, like an outage in front of the API.
///
/// ```
/// use std::time::Duration;
/// use alloy_sandbox::{Fault, Operation};
///
/// // The next two `listWorkflowLogs` calls answer 503 with `Retry-After: 1`.
/// let outage = Fault::status(503).with_retry_after(1).times(2).only(Operation::ListWorkflowLogs);
/// // The next call of any operation waits half a second and then succeeds.
/// let slow = Fault::delay(Duration::from_millis(500));
/// // The next `createUser` creates the user, and the connection breaks in the answer.
/// let lost = Fault::reset_mid_body().only(Operation::CreateUser);
/// # let _ = (outage, slow, lost);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) action: Action,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delay: Option<Duration>,
    pub(crate) remaining: u32,
    pub(crate) operation: Option<Operation>,
}

/// What a fault does to the call once its delay is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Serve,
    Status(StatusCode),
    ResetBeforeResponse,
    ResetMidBody,
    MalformedBody,
}

impl Action {
    fn kind(self) -> FaultKind {
        match self {
            Action::Serve => FaultKind::Delay,
            Action::Status(_) => FaultKind::Status,
            Action::ResetBeforeResponse => FaultKind::ResetBeforeResponse,
            Action::ResetMidBody => FaultKind::ResetMidBody,
            Action::MalformedBody => FaultKind::MalformedBody,
        }
    }
}

/// The kinds of fault the sandbox injects, as [`SandboxState::injected_fault_count`] counts
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FaultKind {
    /// An error status, with or without `Retry-After` ([`Fault::status`]).
    Status,
    /// A wait before a call served normally ([`Fault::delay`]); a delay that comes with
    /// another kind counts as that kind only.
    Delay,
    /// A connection reset before any byte of the answer ([`Fault::reset_before_response`]).
    ResetBeforeResponse,
    /// A connection reset after the head and half the body ([`Fault::reset_mid_body`]).
    ResetMidBody,
    /// An answer whose body is cut in half ([`Fault::malformed_body`]).
    MalformedBody,
}

impl FaultKind {
    /// Every kind, in declaration order.
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Status,
        FaultKind::Delay,
        FaultKind::ResetBeforeResponse,
        FaultKind::ResetMidBody,
        FaultKind::MalformedBody,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

impl Fault {
    fn new(action: Action) -> Self {
        Self {
            action,
            retry_after: None,
            delay: None,
            remaining: 1,
            operation: None,
        }
    }

    /// Creates a fault that answers the error status `code` once, on any operation.
    ///
    /// # Panics
    ///
    /// Panics if `code` is not a client or server error status (400 to 599).
    pub fn status(code: u16) -> Self {
        Self::new(Action::Status(error_status(code)))
    }

    /// Creates a fault that waits `delay` before serving the next call of any operation.
    pub fn delay(delay: Duration) -> Self {
        Self::new(Action::Serve).with_delay(delay)
    }

    /// Creates a fault that closes the connection of the next call before answering: the
    /// request is read but not served (the state is untouched), and the client receives no
    /// byte of response.
    pub fn reset_before_response() -> Self {
        Self::new(Action::ResetBeforeResponse)
    }

    /// Creates a fault that serves the next call (its effect on the state is applied), sends
    /// the response head and the first half of the body, and then closes the connection.
    pub fn reset_mid_body() -> Self {
        Self::new(Action::ResetMidBody)
    }

    /// Creates a fault that serves the next call and answers its status and headers with the
    /// first half of its body only, which is not valid JSON (`{` for an empty body).
    pub fn malformed_body() -> Self {
        Self::new(Action::MalformedBody)
    }

    /// Makes the fault answer the error status `code` (after its delay, if any), instead of
    /// what it did before.
    ///
    /// # Panics
    ///
    /// Panics if `code` is not a client or server error status (400 to 599).
    #[must_use]
    pub fn with_status(mut self, code: u16) -> Self {
        self.action = Action::Status(error_status(code));
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
    /// A count of zero makes the fault a no-op that is never queued. A [`Chaos`] ignores
    /// the count: it draws its faults anew for every call.
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

    /// Returns the kind of the fault.
    pub fn kind(&self) -> FaultKind {
        self.action.kind()
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

/// Faults drawn at random for every call, from a seed, so that a run can be reproduced.
///
/// Each rule is a [`Fault`] with the probability that a call of an operation it
/// [matches](Fault::only) gets it; the rules of one operation are tried in the order they
/// were added, so their probabilities add up (once they reach 1, later rules never apply).
/// A [latency](Chaos::with_latency) range delays every call by a duration drawn from it.
///
/// Every call draws from one generator seeded by [`Chaos::new`], in the order the calls
/// reach the sandbox: the same seed and the same order of calls give the same faults.
/// Calls of concurrent clients arrive in an order that varies between runs; the mix (the
/// share of each fault) stays the one configured.
///
/// A fault queued with [`SandboxState::inject_fault`] takes precedence over the chaos for the
/// call it applies to.
///
/// ```
/// use std::time::Duration;
/// use alloy_sandbox::{Chaos, Fault, Operation};
///
/// let chaos = Chaos::new(7)
///     // 2% of every operation's calls answer 503, 1% are cut in the middle of the body.
///     .with_fault(0.02, Fault::status(503).with_retry_after(1))
///     .with_fault(0.01, Fault::reset_mid_body())
///     // A tenth of the `createUser` calls lose their connection before the answer.
///     .with_fault(0.1, Fault::reset_before_response().only(Operation::CreateUser))
///     // Every call waits between 0 and 20 ms.
///     .with_latency(Duration::ZERO..=Duration::from_millis(20));
/// # let _ = chaos;
/// ```
#[derive(Debug, Clone)]
pub struct Chaos {
    seed: u64,
    rules: Vec<(f64, Fault)>,
    latency: Option<RangeInclusive<Duration>>,
}

impl Chaos {
    /// Creates a chaos without faults or latency whose draws follow `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            rules: Vec::new(),
            latency: None,
        }
    }

    /// Adds a rule: each call of an operation `fault` matches gets it with `probability`.
    ///
    /// # Panics
    ///
    /// Panics if `probability` is not between 0 and 1.
    #[must_use]
    pub fn with_fault(mut self, probability: f64, fault: Fault) -> Self {
        assert!(
            (0.0..=1.0).contains(&probability),
            "a fault's probability must be between 0 and 1, got {probability}"
        );
        self.rules.push((probability, fault));
        self
    }

    /// Delays every call by a duration drawn uniformly from `range` (to the microsecond),
    /// before any fault of the call; a range whose end is before its start delays by its
    /// start.
    #[must_use]
    pub fn with_latency(mut self, range: RangeInclusive<Duration>) -> Self {
        self.latency = Some(range);
        self
    }

    /// Returns the seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// A chaos being drawn from: the configuration and its generator.
pub(crate) struct ChaosRun {
    chaos: Chaos,
    rng: fastrand::Rng,
}

impl ChaosRun {
    /// Draws the latency and the fault of one call of `operation`: always two draws, so that
    /// every call advances the generator alike.
    fn draw(&mut self, operation: Operation) -> (Duration, Option<FaultHit>) {
        let latency = match &self.chaos.latency {
            Some(range) => {
                let low = micros(*range.start());
                let high = micros(*range.end()).max(low);
                Duration::from_micros(self.rng.u64(low..=high))
            }
            None => Duration::ZERO,
        };
        let roll = self.rng.f64();
        let mut threshold = 0.0;
        let hit = self
            .chaos
            .rules
            .iter()
            .filter(|(_, fault)| fault.matches(operation))
            .find(|(probability, _)| {
                threshold += probability;
                roll < threshold
            })
            .map(|(_, fault)| FaultHit::of(fault));
        (latency, hit)
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// What one request takes from the fault queue or the chaos: the copy of a fault used for
/// one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FaultHit {
    action: Action,
    retry_after: Option<u64>,
    delay: Option<Duration>,
}

/// What the pipeline does with a call once its fault is applied.
pub(crate) enum Applied {
    /// Answer this instead of serving the call.
    Answer(Response),
    /// Serve the call, then pass its response through [`Breakage::apply`].
    Serve(Option<Breakage>),
}

/// How a served call's response is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breakage {
    ResetMidBody,
    MalformedBody,
}

impl FaultHit {
    pub(crate) fn of(fault: &Fault) -> Self {
        Self {
            action: fault.action,
            retry_after: fault.retry_after,
            delay: fault.delay,
        }
    }

    /// Applies the fault to one call of `operation`: waits out its delay, then answers its
    /// status, resets the connection, or lets the call be served (and broken afterwards).
    pub(crate) async fn apply(self, state: &SandboxState, operation: Operation) -> Applied {
        tracing::debug!(%operation, fault = ?self, "sandbox applies an injected fault");
        state.shared.fault_counts[self.action.kind().index()].fetch_add(1, Ordering::SeqCst);
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        match self.action {
            Action::Serve => Applied::Serve(None),
            Action::ResetMidBody => Applied::Serve(Some(Breakage::ResetMidBody)),
            Action::MalformedBody => Applied::Serve(Some(Breakage::MalformedBody)),
            Action::ResetBeforeResponse => Applied::Answer(reset_before_response()),
            Action::Status(status) => {
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
                Applied::Answer(response)
            }
        }
    }
}

/// A response whose body fails before its first byte: hyper then drops the connection
/// without flushing the head it had buffered, so the client receives nothing at all.
fn reset_before_response() -> Response {
    Response::new(Body::from_stream(Cut::new(None)))
}

impl Breakage {
    /// Breaks the response of a served call.
    pub(crate) async fn apply(self, response: Response) -> Response {
        let (mut parts, body) = response.into_parts();
        let bytes = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(error) => {
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Could not read the sandbox's own response: {error}"),
                )
                .into_response();
            }
        };
        let half = bytes.slice(..bytes.len() / 2);
        match self {
            Self::MalformedBody => {
                let body = if half.is_empty() {
                    Bytes::from_static(b"{")
                } else {
                    half
                };
                parts.headers.remove(CONTENT_LENGTH);
                Response::from_parts(parts, Body::from(body))
            }
            Self::ResetMidBody => {
                // The head announces the whole length, so that the client knows the body was
                // cut short whatever it makes of the closed connection.
                parts
                    .headers
                    .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                Response::from_parts(parts, Body::from_stream(Cut::new(Some(half))))
            }
        }
    }
}

/// A body stream that yields `first` (if any), pauses so that hyper flushes it, and then
/// fails, which makes hyper close the connection in the middle of the response.
struct Cut {
    first: Option<Bytes>,
    pause: Option<Pin<Box<Sleep>>>,
}

/// How long a cut body waits after its first half: long enough for hyper to flush it to the
/// socket before the error closes the connection.
const CUT_PAUSE: Duration = Duration::from_millis(5);

impl Cut {
    fn new(first: Option<Bytes>) -> Self {
        let pause = first
            .is_some()
            .then(|| Box::pin(tokio::time::sleep(CUT_PAUSE)));
        Self { first, pause }
    }
}

impl futures_core::Stream for Cut {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        if let Some(pause) = self.pause.as_mut() {
            std::task::ready!(pause.as_mut().poll(cx));
            self.pause = None;
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the sandbox resets the connection (injected fault)",
        ))))
    }
}

impl SandboxState {
    fn faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn chaos(&self) -> MutexGuard<'_, Option<ChaosRun>> {
        self.shared
            .chaos
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

    /// Draws faults for every following call from `chaos` (replacing any chaos set before),
    /// or stops drawing them with `None`; the generator starts afresh from the chaos's seed.
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        *self.chaos() = chaos.map(|chaos| ChaosRun {
            rng: fastrand::Rng::with_seed(chaos.seed),
            chaos,
        });
    }

    /// Returns how many faults of `kind` the sandbox has applied, queued and drawn ones
    /// together.
    pub fn injected_fault_count(&self, kind: FaultKind) -> u64 {
        self.shared.fault_counts[kind.index()].load(Ordering::SeqCst)
    }

    /// Takes the fault of one call of `operation`: one call from the first queued fault that
    /// matches, or else what the chaos draws. Returns the chaos's latency too.
    pub(crate) fn take_fault(&self, operation: Operation) -> (Duration, Option<FaultHit>) {
        let queued = {
            let mut faults = self.faults();
            faults
                .iter()
                .position(|fault| fault.matches(operation))
                .map(|index| {
                    let fault = &mut faults[index];
                    let hit = FaultHit::of(fault);
                    fault.remaining -= 1;
                    if fault.remaining == 0 {
                        faults.remove(index);
                    }
                    hit
                })
        };
        let (latency, drawn) = match self.chaos().as_mut() {
            Some(run) => run.draw(operation),
            None => (Duration::ZERO, None),
        };
        (latency, queued.or(drawn))
    }
}

/// The counters of applied faults, one per [`FaultKind`].
pub(crate) type FaultCounts = [AtomicU64; FaultKind::ALL.len()];
