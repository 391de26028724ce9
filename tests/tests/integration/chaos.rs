//! The load test's walk under faults: 256 tasks on one shared client, each walking every one
//! of the 38 operations again and again (at least 41 calls per task, 10,496 in all) while the
//! sandbox draws, from a seed, a 503 or 429 with `Retry-After` 0 or 1 s for 5% of the calls,
//! a reset before the response for 1%, a reset in the middle of the body for 1%, and 0-20 ms
//! of latency for every call. A walk stops at its first failed call and the task starts a
//! new one.
//!
//! From the sandbox's own counters: no success is lost (every `Ok` was served), no effect is
//! duplicated (what the sandbox served of a creating operation is its `Ok`s plus at most its
//! calls whose answer may have been lost), every `Err` is typed and came within the call's
//! deadline, and the state adds up afterwards. The figures are printed:
//! `cargo test -p tests --test integration chaos -- --nocapture`; the only bound on time
//! asserted is the retry policy's deadline.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use alloy_api::prelude::*;
use alloy_api::{Client, Error, TimeoutKind};
use alloy_sandbox::{Chaos, Fault, FaultKind, Operation, Sandbox};

use crate::load::{Call, ORDER_SYNC, Tally, quantile, walk};

const TASKS: usize = 256;
/// The calls each task makes at least: one whole walk's worth.
const CALLS_PER_TASK: usize = 41;
/// The seed of the faults; a failing run is replayed by the same seed (and, since 256 tasks
/// race, by about the same order of calls).
const SEED: u64 = 22;
/// The bound of every call, retries and waits included.
const DEADLINE: Duration = Duration::from_secs(10);
/// How late past the deadline an error may still arrive: the deadline is checked between
/// attempts, and a loaded machine schedules late.
const SLACK: Duration = Duration::from_secs(2);

/// The operations that create something (all `POST`s, which the client never sends again
/// once they may have been processed): each served call beyond the `Ok`s needs a call whose
/// answer was lost. (A user token is minted by a `GET`, retried like any read.)
const CREATING: [Operation; 8] = [
    Operation::CreateUser,
    Operation::BatchCreateUsers,
    Operation::CreateCredential,
    Operation::StartInstallation,
    Operation::CompleteInstallation,
    Operation::EditInstallation,
    Operation::RunWorkflow,
    Operation::TriggerEvent,
];

/// The idempotent operations whose effect cannot happen twice: sent again after their
/// answer was lost, they find it done and answer this status (the user, credential or
/// workflow is gone, the workflow already at its latest version).
const REPEAT_REFUSED: [(Operation, u16); 4] = [
    (Operation::DeleteUser, 404),
    (Operation::DeleteCredential, 404),
    (Operation::DeleteWorkflow, 404),
    (Operation::UpgradeWorkflow, 400),
];

/// The fault mix of the soak: 5% status faults split over 503 and 429 with `Retry-After` 0
/// and 1 s, 1% resets before the response, 1% resets mid-body, 0-20 ms latency.
fn mix() -> Chaos {
    let status = [(503, 0), (503, 1), (429, 0), (429, 1)].into_iter().fold(
        Chaos::new(SEED),
        |chaos, (code, seconds)| {
            chaos.with_fault(0.0125, Fault::status(code).with_retry_after(seconds))
        },
    );
    status
        .with_fault(0.01, Fault::reset_before_response())
        .with_fault(0.01, Fault::reset_mid_body())
        .with_latency(Duration::ZERO..=Duration::from_millis(20))
}

/// How a failed call ended, as the test counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Failure {
    /// An error status from the server.
    Status(u16),
    /// A timeout of this kind; the request may have been processed.
    Timeout(TimeoutKind),
    /// A broken connection; `maybe_sent` says whether the request may have been processed.
    Transport { maybe_sent: bool },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(status) => write!(f, "status {status}"),
            Self::Timeout(kind) => write!(f, "timeout {}", kind.as_str()),
            Self::Transport { maybe_sent: true } => f.write_str("transport maybe-sent"),
            Self::Transport { maybe_sent: false } => f.write_str("transport not-sent"),
        }
    }
}

impl Failure {
    /// Classifies an error, failing the test for one of no kind the soak can cause.
    fn of(operation: Operation, error: &Error) -> Self {
        if let Some(status) = error.status() {
            return Self::Status(status.as_u16());
        }
        if let Some(kind) = error.timeout_kind() {
            return Self::Timeout(kind);
        }
        match error {
            Error::Transport { maybe_sent, .. } => Self::Transport {
                maybe_sent: *maybe_sent,
            },
            other => panic!("{operation}: an error of no expected kind: {other:?}"),
        }
    }

    /// Returns whether the call may have had its effect on the server.
    fn maybe_processed(self) -> bool {
        match self {
            // The faults' statuses are answered before serving.
            Self::Status(429 | 503) => false,
            // A repeat of an idempotent call finding its effect done.
            Self::Status(_) => true,
            Self::Timeout(kind) => kind != TimeoutKind::Connect,
            Self::Transport { maybe_sent } => maybe_sent,
        }
    }
}

/// Runs walks for one task until it has made [`CALLS_PER_TASK`] calls; returns the users of
/// its walks that went through.
async fn soak(api: Client, task: usize, tally: &mut Tally) -> Vec<String> {
    let mut finished = Vec::new();
    let mut round = 0;
    while tally.calls.len() < CALLS_PER_TASK {
        if let Some(user) = walk(&api, &format!("chaos-{task}-{round}"), tally).await {
            finished.push(user);
        }
        round += 1;
    }
    finished
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_calls_under_faults_lose_nothing_and_duplicate_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = tests::builder(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry_policy(tests::fast_retries().with_deadline(DEADLINE))
        .build()
        .unwrap();
    sandbox.set_chaos(Some(mix()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let api = api.clone();
            tokio::spawn(async move {
                let mut tally = Tally::tolerant();
                let users = soak(api, task, &mut tally).await;
                (users, tally.calls)
            })
        })
        .collect();
    let mut finished = Vec::new();
    let mut calls: Vec<Call> = Vec::new();
    for task in tasks {
        let (users, task_calls) = task.await.expect("every task finishes");
        finished.extend(users);
        calls.extend(task_calls);
    }
    let elapsed = started.elapsed();
    sandbox.set_chaos(None);
    let state = sandbox.state();
    // Every attempt beyond the calls' first ones was a retry of the client.
    let retried = state.total_request_count() - calls.len() as u64;

    // Every call answered, within its deadline, and every error is of a known kind.
    let mut ok: BTreeMap<Operation, u64> = BTreeMap::new();
    let mut maybe_processed: BTreeMap<Operation, u64> = BTreeMap::new();
    let mut failures: HashMap<Failure, u64> = HashMap::new();
    let mut repeated: BTreeMap<Operation, u64> = BTreeMap::new();
    for call in &calls {
        assert!(
            call.duration <= DEADLINE + SLACK,
            "{}: {:?} past the deadline of {DEADLINE:?}",
            call.operation,
            call.duration
        );
        match &call.outcome {
            Ok(()) => *ok.entry(call.operation).or_default() += 1,
            Err(error) => {
                let failure = Failure::of(call.operation, error);
                if let Failure::Status(status) = failure
                    && ![429, 503].contains(&status)
                {
                    assert!(
                        REPEAT_REFUSED.contains(&(call.operation, status)),
                        "{}: {error:?}",
                        call.operation
                    );
                    *repeated.entry(call.operation).or_default() += 1;
                }
                *failures.entry(failure).or_default() += 1;
                if failure.maybe_processed() {
                    *maybe_processed.entry(call.operation).or_default() += 1;
                }
            }
        }
    }
    assert!(
        calls.len() >= TASKS * CALLS_PER_TASK,
        "{} calls",
        calls.len()
    );
    for operation in Operation::ALL {
        assert!(ok.contains_key(&operation), "{operation} never succeeded");
    }
    // The faults all happened.
    for kind in [
        FaultKind::Status,
        FaultKind::ResetBeforeResponse,
        FaultKind::ResetMidBody,
    ] {
        assert!(state.injected_fault_count(kind) > 0, "no {kind:?}");
    }

    // No success lost: the sandbox served every call that answered `Ok`, and one more for
    // each retried call that found its own effect done. No effect duplicated: what a
    // creating operation served beyond its `Ok`s is covered by its calls whose answer may
    // have been lost, however often the client retried.
    let mut lost = 0;
    let mut duplicated = 0;
    for operation in Operation::ALL {
        let served = state.served_count(operation);
        let ok = ok.get(&operation).copied().unwrap_or(0);
        let repeated = repeated.get(&operation).copied().unwrap_or(0);
        lost += (ok + repeated).saturating_sub(served);
        if CREATING.contains(&operation) {
            let allowed = ok + maybe_processed.get(&operation).copied().unwrap_or(0);
            duplicated += served.saturating_sub(allowed);
        }
    }
    assert_eq!(lost, 0, "successes the sandbox never served");
    assert_eq!(duplicated, 0, "effects applied more often than sent");

    // The state adds up: the users are those created minus those deleted (one per batch);
    // every walk that went through left its user with logs purged and the workflow gone;
    // every completed installation is listed; every run and event ran the workflow once.
    let served = |operation| state.served_count(operation);
    assert_eq!(
        state.user_count() as u64,
        served(Operation::CreateUser) + served(Operation::BatchCreateUsers)
            - served(Operation::DeleteUser)
    );
    for user in &finished {
        assert!(state.user(user).is_some(), "{user}");
        assert!(state.logs(user).is_empty(), "{user}");
        assert!(state.workflow(user, ORDER_SYNC).is_none(), "{user}");
    }
    let installations = api.list_installations().await.unwrap().installations;
    assert_eq!(
        installations.len() as u64,
        served(Operation::CompleteInstallation)
    );
    let analytics = api.get_workflow_analytics(ORDER_SYNC).await.unwrap();
    assert_eq!(
        analytics.total_workflow_runs,
        Some(served(Operation::RunWorkflow) + served(Operation::TriggerEvent))
    );

    let oks: u64 = ok.values().sum();
    let errs = calls.len() as u64 - oks;
    let mut by_kind: Vec<String> = failures
        .iter()
        .map(|(failure, count)| format!("{failure} {count}"))
        .collect();
    by_kind.sort();
    let by_kind = by_kind.join(", ");
    let mut latencies: Vec<Duration> = calls.iter().map(|call| call.duration).collect();
    latencies.sort();
    let ms = |q| quantile(&latencies, q).as_secs_f64() * 1000.0;
    println!(
        "chaos: {} calls, ok {oks}, err {errs} ({by_kind}), retried {retried}, lost {lost}, \
         duplicated {duplicated}, p50/p99/max {:.0}/{:.0}/{:.0} ms; {} walks through, \
         faults: status {}, reset before response {}, reset mid-body {}; seed {SEED}, {:.1?}",
        calls.len(),
        ms(0.5),
        ms(0.99),
        ms(1.0),
        finished.len(),
        state.injected_fault_count(FaultKind::Status),
        state.injected_fault_count(FaultKind::ResetBeforeResponse),
        state.injected_fault_count(FaultKind::ResetMidBody),
        elapsed,
    );
}
