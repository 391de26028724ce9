//! An in-process, Alloy-compatible HTTP server for tests and local development.
//!
//! [`Sandbox::start`] binds `127.0.0.1` on an ephemeral port and serves the 38 operations of
//! the Alloy Embedded API (2025-09) at the root of [`Sandbox::base_url`], with state: users,
//! the workflows installed for them, the logs and errors their runs produce, headless
//! installations, credentials and usage counters. Point a client at the base URL with the
//! sandbox's [`api_key`](Sandbox::api_key).
//!
//! ```no_run
//! use alloy_sandbox::{Fault, Operation, Sandbox};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! println!("{} with key {}", sandbox.base_url(), sandbox.api_key());
//! // The next call of `listWorkflowLogs` answers 503 with `Retry-After: 1`.
//! sandbox.inject_fault(
//!     Fault::status(503)
//!         .with_retry_after(1)
//!         .only(Operation::ListWorkflowLogs),
//! );
//! // ... point the client under test at `base_url()` and list some logs ...
//! // A client that retries sent the call twice: the 503, then the one that succeeded.
//! let calls = sandbox.state().request_count(Operation::ListWorkflowLogs);
//! # let _ = calls;
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Two contracts
//!
//! By default the sandbox answers as Alloy's own 2025-09 reference describes
//! ([`Contract::Official`]); `SandboxConfig::new().with_contract(Contract::Seed)` (or the
//! binary's `--contract seed`) makes it answer exactly as the seed document does.
//!
//! | Operation | Official (default) | Seed |
//! |---|---|---|
//! | every request | `x-api-version: 2025-09` required (400 otherwise, after the API key check) | header and extra query parameters ignored |
//! | `createUser` | 200 `{"userId"}` | 201 full user |
//! | `generateUserToken` | `?userId=` required too, naming the path's user (id or username) | path only |
//! | `deleteUserLogs` | `?userId=` as above; 200 `{"message": "Success"}` | path only; `{success, message}` |
//! | `listIntegrations` | `{"data": [{integrationId, description, primaryConnector, installed, icon, workflows, credentials}]}` | `{"integrations": [...]}` |
//! | `triggerEvent` | `data` (an object) required; `{"message": "Event successfully triggered"}` | `data` optional; `{success, message}` |
//! | `listWorkflowLogs` | `{"data": [executions]}`, `userId` optional (all users without it), `page` (from 1), `limit` (1-30, default 10), `order` (`asc`/`desc`, default `desc`) | `{"logs": [...]}`, `userId` required |
//! | `listWorkflowErrors` | `{"data": [{workflowId, block, errorOccurredAt, message}]}`, `userId` optional | `{"errors": [...]}`, `userId` required |
//! | `activateWorkflow`, `deactivateWorkflow` | `userId` and `workflowId` or `workflowName`; `{"activated": bool}` | `userId` and `workflowId`; `{success, message}` |
//! | `upgradeWorkflow` | `?userId=` required, no body (a body `{"version"}` is an accepted extension); `{"upgraded": true}` | body `{userId, version?}` required; `{success, message}` |
//!
//! The official contract also serves the 28 operations only Alloy's reference has (a seed
//! sandbox answers their routes as unknown ones). Each is named by its official
//! `operationId` in [`Operation`]; users are named by id or username throughout, and every
//! list is `{"data": [...]}` unless said otherwise.
//!
//! | Operation | Request | Answer (200) |
//! |---|---|---|
//! | `list-all-users` | `GET /users[?parentWorkflowId=]` (only users with that workflow installed; unknown workflow 404) | `{data: [{userId, username, fullName}]}` in creation order (`fullName` `""` when none was given) |
//! | `get-a-user` | `GET /users/{userId}` | `{userId, fullName, username}` |
//! | `update-a-user` | `PUT /users/{userId}` body `{username?, fullName?}` | `{userId, fullName, username}` |
//! | `delete-a-user` | `DELETE /users/{userId}` | `{success: true}` (see [`SandboxState::delete_user`]) |
//! | `batch-create-users` | `POST /users/batch` body `{users: [{username, fullName?}]}` (1 to 1000) | `{message, invalidUsers: [{username, fullName?}]}`: the users not created because the username was taken; 400 `No valid users provided` / `All users already exist` |
//! | `disable-all-workflows-for-a-user` | `PUT /users/{userId}/deactivate-workflows` | `{message: "Success"}` |
//! | `find-a-workflow` | `GET /workflows/{workflowId}?userId=` | `{data: {workflowId, name, createdAt?, updatedAt?, installed, active, version, integrationId, connectors: [{connectorName, connectorId, connector, icon}]}}` (not installed: `installed: false`, latest `version`, no dates) |
//! | `delete-workflow` | `DELETE /workflows/{workflowId}?userId=` | `{deleted: true}` (404 when not installed) |
//! | `list-users-by-workflowid` | `GET /workflows/{workflowId}/users` | `{data: [{username, fullName, userId, workflowActive, installedVersion, installedAt}]}` |
//! | `get-workflow-analytics` | `GET /workflows/{workflowId}/analytics` | `{totalAppActions, totalWorkflowRuns, totalErrors}` |
//! | `run-workflow` | `POST /run/workflow` body `{userId, data: {}, workflowId and/or workflowName}` | `{message: "success"}`; the run is logged like an event's (400 when deactivated) |
//! | `list-events` | `GET /events` | `{data: [{name, description, body: {}}]}` |
//! | `get-logs` | `GET /logs?skip&limit&sortBy&sortOrder&workflowId&associatedUserId&filters` | `{notifications: [...], lastFetched, pagination: {totalItems, totalPages, currentPage, pageSize}}` |
//! | `get-an-integration` | `GET /integrations/{integrationId}?userId=` (id, name or app) | `{data: {integrationId, app, installed, icon, workflows, credentials}}` |
//! | `getAllInstallations` | `GET /installations` | `{data: [installation]}`, completed ones |
//! | `getInstallation` | `GET /installations/{installationId}` | `{data: installation}` |
//! | `start-installation` | `POST /headless/startInstallation` body `{userId, integrationId, credentialIds?, workflowIds?}` | `{data: [{workflowId, app, blockId, fields: [{name, displayName, type, required}]}], installationId}` |
//! | `complete-installation` | `POST /headless/completeInstallation` body `{installationId, data: [{workflowId, blockId, fields: [{name, value}]}]}` | `{message: "Installation completed successfully"}` |
//! | `edit-installation` | `POST /headless/editInstallation` body `{userId, integrationId, credentialIds?, installationId?}` | `{data: {installationId, integrationId, userId, formData, credentialIds, workflowIds, installedData, installedAt}}` |
//! | `generate-oauth-link` | `GET /headless/oauthUrl?userId=&app=` plus the app's metadata properties | `{oauthUrl}` |
//! | `create-a-credential` | `POST /headless/credentials` body `{userId, credential: {type, data}}` | `{success: true, credentialId}` |
//! | `list-user-credentials` | `GET /credentials/users/{userId}` | `{data: [{credentialId, type, name, createdAt, updatedAt}]}` |
//! | `delete-a-credential` | `DELETE /users/{userId}/credentials/{credentialId}` | `{success: true}` |
//! | `get-credential-metadata` | `GET /metadata/credentials` | `{data: [{connector, icon, isOauth, properties: [{name, displayName, description}]}]}` |
//! | `credential-medata-by-app` | `GET /metadata/credentials/{credentialName}` (API key optional, as documented) | `{data: {connector, icon, isOauth, properties}}` |
//! | `get-app-actions-usage` | `GET /analytics/usage` | `{data: {startDate, endDate, executionsLimit, sevenDays, thirtyDays, lastThreeMonths, billingCycle, appActions, apiActions}}` |
//! | `get-detail-usage-time` | `GET /analytics/detail-usage-time` | `{data: {startDate, endDate, totalActions, data: [{appActions, month, year, date, apiActions, count}], timePeriod}}` |
//! | `get-detail-usage-user` | `GET /analytics/detail-usage-user?userId=` | `{data: {userName, userId, userCreatedDate, isDeleted, startDate, endDate, totalActions, data: [...], timePeriod}}` |
//!
//! Where the reference says "User id or username", the official contract accepts either
//! (and does so for every user reference). Versions are numbered from 1 per workflow in the
//! official contract; see [`CatalogWorkflow`] for how they map to the seed's names.
//!
//! # The default catalog
//!
//! The catalog says which workflows exist, which integration brings each, the events that
//! run them (`POST /run/event` with that `event` runs each of the user's active workflows
//! listening to it) and the versions they can be upgraded to. The default one
//! ([`CatalogEntry::default_catalog`]), which [`SandboxConfig::with_catalog`] replaces:
//!
//! | Integration | Workflow | Versions | Events | New users | Fails at |
//! |---|---|---|---|---|---|
//! | `int_shopify` (Shopify, E-Commerce) | `wf_shopify_order_sync` | 1.0.0, 1.1.0, 2.0.0 | `order.created`, `order.updated` | installed | none |
//! |  | `wf_shopify_inventory_alert` | 1.0.0, 1.0.1 | `inventory.low` | installed | none |
//! | `int_hubspot` (HubSpot, CRM) | `wf_hubspot_contact_sync` | 1.0.0, 2.0.0 | `contact.created`, `contact.updated` | installed | none |
//! | `int_netsuite` (NetSuite, ERP) | `wf_netsuite_invoice_export` | 1.0.0, 1.1.0, 2.0.0 | `invoice.created` | installed | 1.0.0 |
//! | `int_slack` (Slack, Communication) | `wf_slack_order_alert` | 1.0.0, 2.0.0 | `order.created` | not installed | none |
//!
//! New users get every workflow of the integrations marked installed, active at their first
//! version; Slack's workflow is installed with
//! [`SandboxState::install_workflow`] or a headless installation. A run of a version listed
//! under "Fails at" records a failure log and an error (`wf_netsuite_invoice_export` succeeds
//! from 1.1.0 on); so does a run whose event data holds `"fail": true` or
//! `"fail": "<workflowId>"`.
//!
//! # One sandbox per test
//!
//! Start a sandbox in each test rather than sharing one between tests: the tests of a crate run
//! in parallel, and a sandbox's state and faults are shared by every client that talks to it. A
//! [`Fault`] injected without [`only`](Fault::only) goes to whichever call reaches the sandbox
//! first, so another test's call can take it (and fail) while the test that injected it sees
//! none; users, logs, analytics and [request counts](SandboxState::request_count) of one test
//! show in another's answers. Starting one is cheap: a loopback listener and fresh keys.
//!
//! # Bounds
//!
//! A long-running sandbox (the binary) does not grow without end. It keeps at most
//! [`DEFAULT_MAX_USERS`] (10,000) user records, live and deleted together, and at most
//! [`DEFAULT_MAX_LOGS`] (100,000) logs of all users together, and as many errors
//! ([`SandboxConfig::with_max_users`], [`SandboxConfig::with_max_logs`]; the binary's
//! `--max-users` and `--max-logs`). Past a bound the oldest go first:
//!
//! * users: when a new user would exceed the bound, the oldest deleted user (by creation) is
//!   dropped with the logs, errors and usage kept for them (`GET /logs` and
//!   `GET /analytics/detail-usage-user` no longer show them); when no deleted user is left, the
//!   oldest live user is dropped with everything that is theirs, and calls that name them
//!   answer 404;
//! * logs and errors: when a run (or [`SandboxState::add_log`], [`SandboxState::add_error`])
//!   would exceed the bound, the oldest log of all users, deleted users' included, is dropped
//!   (likewise for errors); the analytics still count what ran;
//! * usage: per day, only the 93 days before the latest run are kept (no report reads further
//!   back), and per user, only for the user records kept.
//!
//! # Behaviour
//!
//! * Every operation requires `Authorization: Bearer <api key>` (the scheme in any case) and
//!   answers 401 without it, except `GET /metadata/credentials/{credentialName}`, where the
//!   reference documents the header as optional (a key that is sent must still be valid).
//!   The key is checked from the headers: a request without a valid one is answered
//!   without its body being read, so an anonymous client cannot make the sandbox buffer it.
//! * Users get ids like `usr_0123456789abcdef`; usernames are unique (a duplicate is a 400).
//!   A deleted user is gone from every call that names them (404), with their workflows,
//!   credentials and installations; their logs are kept, as the reference says (within
//!   the [bounds](#bounds)), and
//!   `GET /analytics/detail-usage-user` still reports them by id with `isDeleted: true`.
//!   A new user starts with the workflows of the catalog's automatically installed
//!   integrations, active at each workflow's first version (the live service installs them
//!   through a frontend modal this API does not cover). See
//!   [`CatalogEntry::default_catalog`] for the default catalog.
//! * User tokens are HS256 JWTs with the claims `sub` (the user id), `iat` and `exp`, valid for
//!   the configured TTL (30 minutes at most), signed with a secret of this sandbox; check them
//!   with [`SandboxState::verify_token`].
//! * `POST /run/event` runs every active workflow of the user that listens to the event and
//!   appends one log per run. A run fails deterministically, appending a `failure` log and an
//!   error for the same workflow, when the installed version is one the catalog marks as
//!   failing ([`CatalogWorkflow::failing_in`]) or when the event data holds `"fail": true`
//!   (every run of the event fails) or `"fail": "<workflowId>"` (only that workflow's run).
//! * Upgrades move to a strictly newer known version (the latest by default); an unknown,
//!   older or equal version is a 400.
//! * Errors always carry an [`ErrorResponse`](alloy_api::models::ErrorResponse) JSON body whose
//!   `error` is the status's reason in upper snake case (`BAD_REQUEST`, `UNAUTHORIZED`,
//!   `NOT_FOUND`, ...): 400 for malformed JSON, a body that is not a JSON object, wrong types,
//!   missing or empty required fields and missing required query parameters (unknown fields
//!   are ignored), for requests the state refuses (a taken username, a deactivated workflow
//!   to run, a credential of the wrong app, ...); 404 for unknown (or deleted) users,
//!   unknown workflows, integrations, installations, credentials and apps, and workflows
//!   not installed for the user (also on `GET /integrations`, where the contract lists only
//!   401); 413 for a body over the limit; 404 for unknown routes and 405 for a
//!   wrong method on a known route (both without checking the API key).
//! * Every run (of an event or of `POST /run/workflow`) is one app action on its day; the
//!   analytics report the current calendar month as the billing cycle
//!   (`current-billing-cycle`), an `executionsLimit` of 10,000, days with actions only, and
//!   no API actions (the sandbox serves no Connectivity API). Seeded logs did not run and
//!   count nowhere; purging logs does not undo what ran.
//! * `GET /logs` lists every run of every user, deleted users' included, newest first by
//!   default (`sortBy` `createdAt`, `completedAt`, `message` or `userId`; `sortOrder`), from
//!   `skip` (default 0) `limit` at a time (default 10, no maximum documented);
//!   `currentPage` is `skip / limit + 1`. An entry's `_id` and `data.executionId` are the
//!   execution id `GET /workflows/{workflowId}/logs` shows, `user.email` is the username,
//!   `message` is a failed run's error or `Workflow run succeeded`. `filters` is a JSON
//!   array of `{"columns": {"value"}, "operators": {"value"}, "userinput": {"value"},
//!   "condition": {"value"}}`: the columns Alloy's reference lists (`message`,
//!   `data.executionId`, `forgeWorkflowId`, `createdAt`, `userId`,
//!   `forgeWorkflow.integrationId._id`, `workflowVersion`, compared as a number) and
//!   `completedAt`, `workflowId`; its operators (`equals`, `notequals`, `greaterthan`,
//!   `lessthan`, `contains`, `notcontains`) and `startsWith`, `endsWith`, `before`, `after`,
//!   `onOrBefore`, `onOrAfter`, `isEmpty`, `isNotEmpty` (in any case; dates as RFC 3339
//!   instants or `YYYY-MM-DD` days); conditions
//!   `and` (default) or `or`, applied left to right. Text compares without regard to case.
//!   Anything malformed is a 400.
//! * A headless installation's form asks, in each block, for a `credentialId` (type
//!   `credential`, required) unless `credentialIds` named one of the user's credentials for
//!   the integration's app at the start; completing it installs the form's workflows for the
//!   user, active at their first version, and only then is it listed.
//! * Credentials need what `GET /metadata/credentials/{credentialName}` lists: Shopify
//!   connects through OAuth with a `shopSubdomain`, HubSpot and Slack through OAuth alone, NetSuite with
//!   `accountId`, `consumerKey`, `consumerSecret`, `tokenId` and `tokenSecret`, any other
//!   app with an `apiKey`. `GET /headless/oauthUrl` refuses (400) apps that do not use OAuth
//!   and needs the app's properties as extra query parameters.
//! * [`Fault`]s injected with [`Sandbox::inject_fault`] make the next calls fail or wait, and
//!   [`SandboxState::request_count`] tells how many calls each [`Operation`] received.
//!
//! # Faults
//!
//! A [`Fault`] is one of these kinds ([`FaultKind`]), after an optional delay:
//!
//! | Fault | The call | The client sees |
//! |---|---|---|
//! | [`Fault::status`] (with [`Fault::with_retry_after`]) | not served | the error status, an `ErrorResponse` body, `Retry-After` if set |
//! | [`Fault::delay`] | served after the delay | the normal answer, late |
//! | [`Fault::reset_before_response`] | read, not served | the connection closed without a byte of answer |
//! | [`Fault::reset_mid_body`] | served: its effect is applied | the head (with the whole `Content-Length`) and half the body, then the connection closed |
//! | [`Fault::malformed_body`] | served: its effect is applied | the status and headers, and the first half of the body (not valid JSON) |
//!
//! [`Sandbox::inject_fault`] queues a fault for the next calls; [`Sandbox::set_chaos`] draws
//! faults for every call from a seeded [`Chaos`]: a probability per fault, for one operation
//! or all, and a latency range. The same seed and the same order of calls draw the same
//! faults. [`SandboxState::served_count`] counts the calls that took effect, so a test can
//! tell a lost answer's effect from a call never served, and
//! [`SandboxState::injected_fault_count`] the faults applied of each kind.
//! # Deliveries
//!
//! Alloy calls its customers' back ends too (Custom API blocks, data streams) and signs each
//! call with `X-Alloy-Signature`. With a delivery URL
//! ([`SandboxConfig::with_delivery_url`], the binary's `--deliver-to URL`), the sandbox does
//! the same for every workflow run, of an event (`POST /run/event`) or of
//! `POST /run/workflow`, failed runs included:
//!
//! * It `POST`s to the URL, with `Content-Type: application/json`, the headers Alloy's
//!   Custom API blocks attach (`X-Alloy-WorkflowId`, `X-Alloy-UserId`,
//!   `X-Alloy-ExecutionUuid`) and `X-Alloy-Signature`: RSA PKCS#1 v1.5 with SHA-256 (as on
//!   Alloy's current page), hex-encoded, over `POST`, the URL's path and query (what a
//!   receiver reads as the request target, Node's `request.url`) and the exact body bytes.
//!   [`SignatureVerifier::verify_parts`](alloy_api::SignatureVerifier::verify_parts) checks
//!   it with no configuration; [`Sandbox::signature_verifier`] is a verifier of the
//!   sandbox's key, [`Sandbox::signing_public_key_pem`] its PEM.
//! * The body is the sandbox's choice, since Alloy's pages leave a call's body to the
//!   workflow's author: one JSON object, `{"executionId", "workflowId", "userId", "event",
//!   "version", "status", "error"?, "executedAt", "data"}`, where `executionId` is the
//!   execution id the logs show, `event` the triggering event (`null` for
//!   `POST /run/workflow`), `status` `success` or `failure` (with the run's `error`), and
//!   `data` the data the run received.
//! * The key is a fixed 2048-bit key pair shipped with this crate
//!   (`keys/sandbox-signing-key.SANDBOX-ONLY.pem`). It is public: for the sandbox only,
//!   never to be trusted outside tests.
//! * Deliveries are made in the background, up to 16 at a time, each bounded by the
//!   delivery timeout, without redirects or proxies: the API call that caused a run never
//!   waits for its delivery, nor fails with it. A refused connection, a timeout or a status
//!   outside 2xx is not retried but counted in [`Sandbox::deliveries`] (with the last
//!   [`DeliveryError`]); [`Sandbox::settled_deliveries`] waits until every delivery so far
//!   has ended.

#![deny(missing_docs)]

#[doc(hidden)]
pub mod cli;
mod contract;
mod infra;
mod operations;
mod resources;
mod routes;
pub mod wire;

#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use contract::{Contract, UnknownContract};
pub use infra::bounds::{DEFAULT_MAX_LOGS, DEFAULT_MAX_USERS};
pub use infra::catalog::{CatalogEntry, CatalogWorkflow};
pub use infra::deliveries::{Deliveries, DeliveryError};
pub use infra::error::StateError;
pub use infra::faults::{Chaos, Fault, FaultKind};
pub use infra::state::SandboxState;
pub use infra::tokens::{Claims, TokenError};
pub use operations::{Operation, UnknownOperation};
pub use resources::workflows::InstalledWorkflow;

/// The longest lifetime of a user token: 30 minutes.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(30 * 60);

/// The default limit of request bodies: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The default time one delivery may take: 10 seconds.
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = infra::deliveries::DEFAULT_DELIVERY_TIMEOUT;

/// How long [`Sandbox::shutdown`] waits for open connections before aborting the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox server.
///
/// Dropping the sandbox signals a graceful shutdown and aborts the server task; await
/// [`Sandbox::shutdown`] to let open requests finish first.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    api_key: String,
    contract: Contract,
    state: SandboxState,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    deliveries: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with an ephemeral port, a random API key and the
    /// default catalog.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_with(SandboxConfig::new()).await
    }

    /// Starts a sandbox as `config` describes.
    ///
    /// Fails if the address cannot be bound, the API key is empty or contains whitespace, the
    /// catalog repeats an id or has a workflow without versions, or the delivery URL is not
    /// an absolute `http` or `https` URL with a host (and no credentials or fragment).
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let invalid =
            |message: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
        let api_key = match config.api_key {
            Some(key) => key,
            None => random_api_key()?,
        };
        if api_key.is_empty() || api_key.chars().any(char::is_whitespace) {
            return Err(invalid(
                "the sandbox API key must be non-empty and without whitespace".to_owned(),
            ));
        }
        infra::catalog::validate(&config.catalog).map_err(invalid)?;
        let signing_key = infra::deliveries::SigningKey::shipped()?;
        let (delivery_queue, deliveries) = match &config.delivery_url {
            Some(url) => {
                let target = infra::deliveries::Target {
                    url: infra::deliveries::parse_url(url).map_err(invalid)?,
                    timeout: config.delivery_timeout,
                    key: Arc::clone(&signing_key),
                };
                let (queue, task) =
                    infra::deliveries::start(target).map_err(std::io::Error::other)?;
                (queue, Some(task))
            }
            None => (infra::deliveries::DeliveryQueue::disabled(), None),
        };
        let state = SandboxState::new(
            &api_key,
            config.catalog,
            config.token_ttl,
            config.bounds,
            signing_key,
            delivery_queue,
        )?;

        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let router = routes::router(routes::App {
            state: state.clone(),
            body_limit: config.body_limit,
            contract: config.contract,
        });
        let (shutdown, signal) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                // A dropped sender also means: shut down.
                let _ = signal.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "the Alloy sandbox server failed");
            }
        });
        tracing::debug!(%addr, contract = %config.contract, "Alloy sandbox listening");
        Ok(Sandbox {
            addr,
            base_url: format!("http://{addr}"),
            api_key,
            contract: config.contract,
            state,
            shutdown: Some(shutdown),
            server: Some(server),
            deliveries,
        })
    }

    /// Returns the URL the API is served at, such as `http://127.0.0.1:41234` (no trailing
    /// slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Returns the API key clients must send as `Authorization: Bearer <key>`.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Returns a [`Client`](alloy_api::Client) configured for this sandbox: its base URL and API
    /// key, no proxy (whatever `HTTP_PROXY` and friends say), default everything else.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use alloy_api::prelude::*;
    /// use alloy_sandbox::{Contract, Sandbox, SandboxConfig};
    ///
    /// let config = SandboxConfig::new().with_contract(Contract::Seed);
    /// let sandbox = Sandbox::start_with(config).await?;
    /// let client = sandbox.client()?;
    /// let user = client
    ///     .create_user(&alloy_api::models::CreateUserRequest::new("customer-42"))
    ///     .await?;
    /// assert!(user.user_id.starts_with("usr_"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> Result<alloy_api::Client, alloy_api::Error> {
        // Straight to the loopback address: a proxy from the environment (as many CI
        // machines set) must not stand between a test and its own sandbox.
        alloy_api::Client::builder()
            .api_key(&self.api_key)
            .base_url(&self.base_url)
            .no_proxy()
            .build()
    }

    /// Returns the contract the sandbox answers by ([`Contract::Official`] unless configured
    /// otherwise).
    pub fn contract(&self) -> Contract {
        self.contract
    }

    /// Returns the address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a fault for the next matching calls; see [`Fault`] for how it applies.
    pub fn inject_fault(&self, fault: Fault) {
        self.state.inject_fault(fault);
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Draws faults for every following call from `chaos`, or stops with `None`; see
    /// [`Chaos`] and [`SandboxState::set_chaos`].
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.state.set_chaos(chaos);
    }

    /// Returns the PEM (`PUBLIC KEY`, SubjectPublicKeyInfo) of the key the sandbox signs its
    /// deliveries with, for a receiver under test to verify them as it verifies Alloy's.
    ///
    /// The key pair is fixed and ships with this crate, private half included: it is public,
    /// for the sandbox only. A receiver that trusts it outside its tests trusts anyone.
    pub fn signing_public_key_pem(&self) -> &str {
        self.state.shared.signing_key.verifier().public_key_pem()
    }

    /// Returns a verifier of the sandbox's deliveries: the key of
    /// [`signing_public_key_pem`](Self::signing_public_key_pem), read by
    /// [`SignatureVerifier::from_pem`](alloy_api::SignatureVerifier::from_pem).
    pub fn signature_verifier(&self) -> alloy_api::SignatureVerifier {
        self.state.shared.signing_key.verifier().clone()
    }

    /// Returns the counts of the deliveries so far; see [`SandboxState::deliveries`].
    pub fn deliveries(&self) -> Deliveries {
        self.state.deliveries()
    }

    /// Waits until no delivery is pending and returns the counts; see
    /// [`SandboxState::settled_deliveries`].
    pub async fn settled_deliveries(&self) -> Deliveries {
        self.state.settled_deliveries().await
    }

    /// Returns a handle on the sandbox's state, for seeding and inspecting it from Rust.
    pub fn state(&self) -> SandboxState {
        self.state.clone()
    }

    /// Checks a user token this sandbox issued and returns its claims; see
    /// [`SandboxState::verify_token`].
    pub fn verify_token(&self, token: &str) -> Result<Claims, TokenError> {
        self.state.verify_token(token)
    }

    /// Stops accepting connections, lets open requests finish (for up to five seconds) and
    /// stops the server; then lets pending deliveries end (for up to five seconds more) and
    /// counts those that did not as failed ([`DeliveryError::Abandoned`]).
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
        {
            server.abort();
        }
        if let Some(deliveries) = self.deliveries.take() {
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, self.state.settled_deliveries()).await;
            deliveries.abort();
            // Let the aborted deliveries end before counting what they left pending.
            let _ = deliveries.await;
            self.state.abandon_deliveries();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(deliveries) = self.deliveries.take() {
            deliveries.abort();
            self.state.abandon_deliveries();
        }
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("contract", &self.contract)
            .field("state", &self.state)
            .finish()
    }
}

/// How to start a [`Sandbox`]: address, API key, catalog, token lifetime, body limit,
/// [`Contract`] and where to deliver runs.
///
/// ```
/// use std::time::Duration;
/// use alloy_sandbox::{Contract, SandboxConfig};
///
/// let config = SandboxConfig::new()
///     .with_contract(Contract::Seed)
///     .with_api_key("sk_test_123")
///     .with_port(8080)
///     .with_token_ttl(Duration::from_secs(600))
///     .with_body_limit(64 * 1024)
///     .with_delivery_url("http://127.0.0.1:3000/hooks/alloy")
///     .with_delivery_timeout(Duration::from_secs(2));
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct SandboxConfig {
    addr: SocketAddr,
    api_key: Option<String>,
    catalog: Vec<CatalogEntry>,
    token_ttl: Duration,
    body_limit: usize,
    contract: Contract,
    bounds: infra::bounds::Bounds,
    delivery_url: Option<String>,
    delivery_timeout: Duration,
}

impl SandboxConfig {
    /// Creates the default configuration: `127.0.0.1` on an ephemeral port, a random API key
    /// (`sk_sandbox_<hex>`), the [default catalog](CatalogEntry::default_catalog), 30-minute
    /// tokens, a [1 MiB](DEFAULT_BODY_LIMIT) body limit, the [official](Contract::Official)
    /// contract, at most [10,000](DEFAULT_MAX_USERS) users and [100,000](DEFAULT_MAX_LOGS)
    /// logs, and no deliveries.
    pub fn new() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: None,
            catalog: CatalogEntry::default_catalog(),
            token_ttl: MAX_TOKEN_TTL,
            body_limit: DEFAULT_BODY_LIMIT,
            contract: Contract::default(),
            bounds: infra::bounds::Bounds::default(),
            delivery_url: None,
            delivery_timeout: DEFAULT_DELIVERY_TIMEOUT,
        }
    }

    /// Sets the contract the sandbox answers by: Alloy's [official](Contract::Official) 2025-09
    /// reference (the default) or the [seed](Contract::Seed) document.
    #[must_use]
    pub fn with_contract(mut self, contract: Contract) -> Self {
        self.contract = contract;
        self
    }

    /// Sets the API key clients must send.
    #[must_use]
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets the address to listen on; port 0 picks an ephemeral port.
    #[must_use]
    pub fn with_addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Sets the port to listen on, keeping the IP address; 0 picks an ephemeral port.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Replaces the integration catalog.
    #[must_use]
    pub fn with_catalog(mut self, catalog: Vec<CatalogEntry>) -> Self {
        self.catalog = catalog;
        self
    }

    /// Sets the lifetime of user tokens, clamped to between one second and
    /// [30 minutes](MAX_TOKEN_TTL).
    #[must_use]
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl.clamp(Duration::from_secs(1), MAX_TOKEN_TTL);
        self
    }

    /// Sets the largest request body, in bytes, the sandbox accepts; larger bodies get 413.
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets how many user records the sandbox keeps, live and deleted together (at least 1;
    /// [10,000](DEFAULT_MAX_USERS) by default).
    ///
    /// When a new user would exceed it, the oldest deleted user is dropped first, with
    /// their logs, errors and usage; when no deleted user is left, the oldest live user is
    /// dropped with everything that is theirs (workflows, credentials, installations, logs,
    /// errors and usage), and every call that names them answers 404.
    #[must_use]
    pub fn with_max_users(mut self, users: usize) -> Self {
        self.bounds.users = users.max(1);
        self
    }

    /// Sets how many logs the sandbox keeps of all users together, deleted users' included,
    /// and, separately, how many errors ([100,000](DEFAULT_MAX_LOGS) by default).
    ///
    /// When a run (or [`SandboxState::add_log`]) would exceed it, the oldest log is dropped
    /// (likewise for errors): the first one of the user whose first log ran earliest, each
    /// user's logs being kept in the order they were added. Usage counters do not shrink
    /// with the logs: what ran is still counted.
    #[must_use]
    pub fn with_max_logs(mut self, logs: usize) -> Self {
        self.bounds.logs = logs;
        self
    }

    /// Makes the sandbox POST every workflow run to `url`, signed with `X-Alloy-Signature`;
    /// see [Deliveries](crate#deliveries).
    ///
    /// The URL is checked when the sandbox starts: `http` or `https`, a host, no credentials
    /// and no fragment.
    #[must_use]
    pub fn with_delivery_url(mut self, url: impl Into<String>) -> Self {
        self.delivery_url = Some(url.into());
        self
    }

    /// Sets how long one delivery may take, from connecting until the answer is read
    /// ([10 seconds](DEFAULT_DELIVERY_TIMEOUT) by default, at least one millisecond); a
    /// delivery that takes longer fails with
    /// [`DeliveryError::TimedOut`].
    #[must_use]
    pub fn with_delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = timeout.max(Duration::from_millis(1));
        self
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("addr", &self.addr)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("catalog", &self.catalog)
            .field("token_ttl", &self.token_ttl)
            .field("body_limit", &self.body_limit)
            .field("contract", &self.contract)
            .field("max_users", &self.bounds.users)
            .field("max_logs", &self.bounds.logs)
            .field("delivery_url", &self.delivery_url)
            .field("delivery_timeout", &self.delivery_timeout)
            .finish()
    }
}

/// Returns a fresh API key: `sk_sandbox_` and 32 random hex digits.
fn random_api_key() -> std::io::Result<String> {
    let bytes: [u8; 16] = ring::rand::generate(&ring::rand::SystemRandom::new())
        .map_err(|_| std::io::Error::other("no system randomness for the sandbox API key"))?
        .expose();
    let mut key = String::from("sk_sandbox_");
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(key, "{byte:02x}");
    }
    Ok(key)
}
