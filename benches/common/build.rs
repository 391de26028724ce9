//! Building the request and decoding the answer without a network: the generated endpoint
//! against the hand-written code, for the `overhead` and `request_build` benchmarks.
#![allow(dead_code)] // each bench binary uses a different part of this module

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use alloy_api::models::{
    BatchCreateUsersResponse, CreatedCredential, CredentialList, CredentialMetadata,
    CredentialMetadataList, Data, EditedInstallation, EventList, InstallationDetail,
    InstallationList, Integration, IntegrationList, LogPage, OAuthUrl, StartedInstallation,
    SuccessResponse, TokenResponse, UsageOverTime, UsageSummary, User, UserList, UserUsage,
    Workflow, WorkflowActivation, WorkflowAnalytics, WorkflowDeletion, WorkflowErrorList,
    WorkflowLogList, WorkflowUpgrade, WorkflowUserList,
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

/// Runs a generated call on the transport double to its decoded value, and drops it.
fn done<T>(call: impl Future<Output = alloy_api::Result<T>>) {
    black_box(ready(call).unwrap());
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
            0 => done(c.create_user(&fx.create_user)),
            1 => done(c.generate_user_token(&fx.user_id)),
            2 => done(c.delete_user_logs(&fx.user_id)),
            3 => done(c.list_integrations(&fx.user_id)),
            4 => done(c.trigger_event(&fx.trigger_event)),
            5 => done(c.list_workflow_errors(&fx.workflow_id, &fx.user_id)),
            6 => done(c.list_workflow_logs(&fx.workflow_id, &fx.user_id)),
            7 => done(c.deactivate_workflow(&fx.workflow_action)),
            8 => done(c.activate_workflow(&fx.workflow_action)),
            9 => done(c.upgrade_workflow_to_version(&fx.workflow_id, &fx.upgrade)),
            10 => done(c.list_users(Some(fx.workflow_id.as_str()))),
            11 => done(c.get_user(&fx.user_id)),
            12 => done(c.update_user(&fx.user_id, &fx.update_user)),
            13 => done(c.delete_user(&fx.user_id)),
            14 => done(c.batch_create_users(&fx.batch_create_users)),
            15 => done(c.deactivate_user_workflows(&fx.user_id)),
            16 => done(c.get_workflow(&fx.workflow_id, &fx.user_id)),
            17 => done(c.delete_workflow(&fx.workflow_id, &fx.user_id)),
            18 => done(c.list_workflow_users(&fx.workflow_id)),
            19 => done(c.get_workflow_analytics(&fx.workflow_id)),
            20 => done(c.run_workflow(&fx.run_workflow)),
            21 => done(c.list_events()),
            22 => done(c.list_logs(&fx.log_query)),
            23 => done(c.get_integration(&fx.integration_id, &fx.user_id)),
            24 => done(c.list_installations()),
            25 => done(c.get_installation(&fx.installation_id)),
            26 => done(c.start_installation(&fx.start_installation)),
            27 => done(c.complete_installation(&fx.complete_installation)),
            28 => done(c.edit_installation(&fx.edit_installation)),
            29 => done(c.generate_oauth_url(&fx.user_id, &fx.oauth_app)),
            30 => done(c.create_credential(&fx.create_credential)),
            31 => done(c.list_user_credentials(&fx.user_id)),
            32 => done(c.delete_credential(&fx.user_id, &fx.credential_id)),
            33 => done(c.list_credential_metadata()),
            34 => done(c.get_credential_metadata(&fx.credential_name)),
            35 => done(c.get_usage()),
            36 => done(c.get_usage_over_time()),
            37 => done(c.get_user_usage(&fx.user_id)),
            _ => unreachable!("{} operations", OPERATIONS.len()),
        }
    }

    /// Operation `i` by hand: build its `reqwest::Request` (without the client's default
    /// headers, which reqwest adds when sending), decode the same body into the type the
    /// generated endpoint returns.
    pub fn hand(&self, i: usize) {
        let (h, fx) = (&self.hand, &self.fx);
        let (status, body) = (self.bodies[i].0, self.bodies[i].1.clone());
        /// Builds the request, then decodes the body as `$t`.
        macro_rules! by_hand {
            ($request:expr, $t:ty) => {{
                black_box($request.build().unwrap());
                black_box(decode::<$t>(status, &body).unwrap());
            }};
        }
        match i {
            0 => by_hand!(h.create_user_request(&fx.create_user), User),
            1 => by_hand!(h.generate_user_token_request(&fx.user_id), TokenResponse),
            2 => by_hand!(h.delete_user_logs_request(&fx.user_id), SuccessResponse),
            3 => by_hand!(h.list_integrations_request(&fx.user_id), IntegrationList),
            4 => by_hand!(h.trigger_event_request(&fx.trigger_event), SuccessResponse),
            5 => by_hand!(
                h.list_workflow_errors_request(&fx.workflow_id, &fx.user_id),
                WorkflowErrorList
            ),
            6 => by_hand!(
                h.list_workflow_logs_request(&fx.workflow_id, &fx.user_id),
                WorkflowLogList
            ),
            7 => by_hand!(
                h.deactivate_workflow_request(&fx.workflow_action),
                WorkflowActivation
            ),
            8 => by_hand!(
                h.activate_workflow_request(&fx.workflow_action),
                WorkflowActivation
            ),
            9 => by_hand!(
                h.upgrade_workflow_to_version_request(&fx.workflow_id, &fx.upgrade),
                WorkflowUpgrade
            ),
            10 => by_hand!(
                h.list_users_request(Some(fx.workflow_id.as_str())),
                UserList
            ),
            11 => by_hand!(h.get_user_request(&fx.user_id), User),
            12 => by_hand!(h.update_user_request(&fx.user_id, &fx.update_user), User),
            13 => by_hand!(h.delete_user_request(&fx.user_id), SuccessResponse),
            14 => by_hand!(
                h.batch_create_users_request(&fx.batch_create_users),
                BatchCreateUsersResponse
            ),
            15 => by_hand!(
                h.deactivate_user_workflows_request(&fx.user_id),
                SuccessResponse
            ),
            16 => by_hand!(
                h.get_workflow_request(&fx.workflow_id, &fx.user_id),
                Data<Workflow>
            ),
            17 => by_hand!(
                h.delete_workflow_request(&fx.workflow_id, &fx.user_id),
                WorkflowDeletion
            ),
            18 => by_hand!(
                h.list_workflow_users_request(&fx.workflow_id),
                WorkflowUserList
            ),
            19 => by_hand!(
                h.get_workflow_analytics_request(&fx.workflow_id),
                WorkflowAnalytics
            ),
            20 => by_hand!(h.run_workflow_request(&fx.run_workflow), SuccessResponse),
            21 => by_hand!(h.list_events_request(), EventList),
            22 => by_hand!(h.list_logs_request(&fx.log_query), LogPage),
            23 => by_hand!(
                h.get_integration_request(&fx.integration_id, &fx.user_id),
                Data<Integration>
            ),
            24 => by_hand!(h.list_installations_request(), InstallationList),
            25 => by_hand!(
                h.get_installation_request(&fx.installation_id),
                Data<InstallationDetail>
            ),
            26 => by_hand!(
                h.start_installation_request(&fx.start_installation),
                StartedInstallation
            ),
            27 => by_hand!(
                h.complete_installation_request(&fx.complete_installation),
                SuccessResponse
            ),
            28 => by_hand!(
                h.edit_installation_request(&fx.edit_installation),
                Data<EditedInstallation>
            ),
            29 => by_hand!(
                h.generate_oauth_url_request(&fx.user_id, &fx.oauth_app),
                OAuthUrl
            ),
            30 => by_hand!(
                h.create_credential_request(&fx.create_credential),
                CreatedCredential
            ),
            31 => by_hand!(h.list_user_credentials_request(&fx.user_id), CredentialList),
            32 => by_hand!(
                h.delete_credential_request(&fx.user_id, &fx.credential_id),
                SuccessResponse
            ),
            33 => by_hand!(h.list_credential_metadata_request(), CredentialMetadataList),
            34 => by_hand!(
                h.get_credential_metadata_request(&fx.credential_name),
                Data<CredentialMetadata>
            ),
            35 => by_hand!(h.get_usage_request(), Data<UsageSummary>),
            36 => by_hand!(h.get_usage_over_time_request(), Data<UsageOverTime>),
            37 => by_hand!(h.get_user_usage_request(&fx.user_id), Data<UserUsage>),
            _ => unreachable!("{} operations", OPERATIONS.len()),
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
