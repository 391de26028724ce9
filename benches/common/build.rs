//! Building the request and decoding the answer without a network: the generated endpoint
//! against the hand-written code, for the `overhead` and `request_build` benchmarks.
#![allow(dead_code)] // each bench binary uses a different part of this module

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use alloy_api::models::{
    IntegrationList, SuccessResponse, TokenResponse, User, WorkflowErrorList, WorkflowLogList,
};
use alloy_api::prelude::*;
use alloy_api::{Client, RawResponse, Request, Transport};
use bytes::Bytes;
use http::StatusCode;

use super::hand::{Fixtures, Hand, OPERATIONS, decode};

/// Polls a future that completes without waiting (the transport double's) to its output.
pub fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the transport double never waits"),
    }
}

// ---------------------------------------------------------------------------------------
// Part 1: building the request and decoding the answer, no network

/// A transport that builds the `http::Request` exactly as `Client` sends it, then answers
/// with a canned body instead of sending it.
pub struct Canned {
    client: Client,
    status: StatusCode,
    body: Bytes,
}

impl Transport for Canned {
    fn execute(
        &self,
        request: Request,
    ) -> impl Future<Output = alloy_api::Result<RawResponse>> + Send {
        black_box(
            self.client
                .__build_http_request(&request)
                .expect("the request builds"),
        );
        std::future::ready(Ok(RawResponse::new(self.status, self.body.clone())))
    }
}

pub struct BuildBench {
    fx: Fixtures,
    canned: Vec<Canned>,
    hand: Hand,
    bodies: Vec<(StatusCode, Bytes)>,
}

impl BuildBench {
    pub fn new() -> Self {
        let base = alloy_api::DEFAULT_BASE_URL;
        let client = Client::builder()
            .api_key(super::hand::API_KEY)
            .base_url(base)
            .build()
            .expect("client");
        let bodies: Vec<(StatusCode, Bytes)> = OPERATIONS
            .iter()
            .map(|(_, status, body)| {
                (
                    StatusCode::from_u16(*status).unwrap(),
                    Bytes::from_static(body.as_bytes()),
                )
            })
            .collect();
        let canned = bodies
            .iter()
            .map(|(status, body)| Canned {
                client: client.clone(),
                status: *status,
                body: body.clone(),
            })
            .collect();
        Self {
            fx: Fixtures::contract_examples(),
            canned,
            hand: Hand::new(base, super::hand::API_KEY),
            bodies,
        }
    }

    /// Operation `i` through the generated endpoint.
    pub fn generated(&self, i: usize) {
        let (c, fx) = (&self.canned[i], &self.fx);
        match i {
            0 => drop(black_box(ready(c.create_user(&fx.create_user)).unwrap())),
            1 => drop(black_box(
                ready(c.generate_user_token(&fx.user_id)).unwrap(),
            )),
            2 => drop(black_box(ready(c.delete_user_logs(&fx.user_id)).unwrap())),
            3 => drop(black_box(ready(c.list_integrations(&fx.user_id)).unwrap())),
            4 => drop(black_box(
                ready(c.trigger_event(&fx.trigger_event)).unwrap(),
            )),
            5 => drop(black_box(
                ready(c.list_workflow_errors(&fx.workflow_id, &fx.user_id)).unwrap(),
            )),
            6 => drop(black_box(
                ready(c.list_workflow_logs(&fx.workflow_id, &fx.user_id)).unwrap(),
            )),
            7 => drop(black_box(
                ready(c.deactivate_workflow(&fx.workflow_action)).unwrap(),
            )),
            8 => drop(black_box(
                ready(c.activate_workflow(&fx.workflow_action)).unwrap(),
            )),
            _ => drop(black_box(
                ready(c.upgrade_workflow_to_version(&fx.workflow_id, &fx.upgrade)).unwrap(),
            )),
        }
    }

    /// Operation `i` by hand: build its `reqwest::Request` (without the client's default
    /// headers, which reqwest adds when sending), decode the same body.
    pub fn hand(&self, i: usize) {
        let (h, fx) = (&self.hand, &self.fx);
        let (status, body) = (self.bodies[i].0, self.bodies[i].1.clone());
        let request = match i {
            0 => h.create_user_request(&fx.create_user),
            1 => h.generate_user_token_request(&fx.user_id),
            2 => h.delete_user_logs_request(&fx.user_id),
            3 => h.list_integrations_request(&fx.user_id),
            4 => h.trigger_event_request(&fx.trigger_event),
            5 => h.list_workflow_errors_request(&fx.workflow_id, &fx.user_id),
            6 => h.list_workflow_logs_request(&fx.workflow_id, &fx.user_id),
            7 => h.deactivate_workflow_request(&fx.workflow_action),
            8 => h.activate_workflow_request(&fx.workflow_action),
            _ => h.upgrade_workflow_to_version_request(&fx.workflow_id, &fx.upgrade),
        };
        black_box(request.build().unwrap());
        match i {
            0 => drop(black_box(decode::<User>(status, &body).unwrap())),
            1 => drop(black_box(decode::<TokenResponse>(status, &body).unwrap())),
            3 => drop(black_box(decode::<IntegrationList>(status, &body).unwrap())),
            5 => drop(black_box(
                decode::<WorkflowErrorList>(status, &body).unwrap(),
            )),
            6 => drop(black_box(decode::<WorkflowLogList>(status, &body).unwrap())),
            _ => drop(black_box(decode::<SuccessResponse>(status, &body).unwrap())),
        }
    }

    /// Thread CPU time per call of `iters` calls of the operations in `ops`, round-robin.
    pub fn time(&self, generated: bool, ops: &[usize], iters: usize) -> f64 {
        let start = thread_cpu();
        for k in 0..iters {
            let op = ops[k % ops.len()];
            if generated {
                self.generated(op);
            } else {
                self.hand(op);
            }
        }
        (thread_cpu() - start).as_secs_f64() / iters as f64
    }
}

/// CPU time of the calling thread.
pub fn thread_cpu() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Reads a CPU-time clock.
pub fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
