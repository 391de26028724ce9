//! Which document the sandbox answers by, and everything that differs between the two: the
//! one place where a handler's behaviour depends on the contract.
//!
//! Both contracts serve the seed document's ten operations at the same paths. What a request
//! of one of them must carry is read here (the version header, where the user is named and
//! whether by username too, the bodies of events, activations and upgrades), and what each
//! answers is shaped here (statuses, envelopes, acknowledgements). The handlers in
//! `crate::resources` call these functions and never look at the contract themselves; the
//! official-only operations have no seed counterpart and so no row here.

use std::fmt;
use std::str::FromStr;

use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::infra::state::SandboxState;
use crate::resources::runs::{OfficialEventRequest, TriggerEventRequest};
use crate::resources::users::{CreatedUser, User};
use crate::resources::workflows::{
    ActivatedResponse, OfficialActionRequest, OfficialUpgradeRequest, UpgradeWorkflowRequest,
    UpgradedResponse, VersionRef, WorkflowActionRequest,
};
use crate::routes::{ApiError, Input, invalid_body, json, message, required};
use crate::wire::{DataList, SuccessResponse};

/// The header the official contract requires on every request, and its only value.
const API_VERSION_HEADER: &str = "x-api-version";
const API_VERSION: &str = "2025-09";

/// The contract a [`Sandbox`](crate::Sandbox) answers by.
///
/// Both contracts serve the seed document's ten operations at the same paths; they differ in
/// what a request must carry and in the shapes of the answers (see
/// `spec/OFFICIAL-VS-SEED.md`). Only the official contract serves the 28 operations the seed
/// document lacks (users, workflows, runs, events, account logs, installations, credentials
/// and analytics); a seed sandbox answers their routes as it answers any unknown route (see
/// [`Operation::is_served_by`](crate::Operation::is_served_by)).
///
/// ```
/// use alloy_sandbox::Contract;
///
/// assert_eq!(Contract::default(), Contract::Official);
/// assert_eq!("seed".parse::<Contract>(), Ok(Contract::Seed));
/// assert_eq!(Contract::Official.to_string(), "official");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Contract {
    /// Alloy's own 2025-09 reference (`spec/alloy-embedded-2025-09-official.yaml`), the
    /// default.
    ///
    /// Every request must carry `x-api-version: 2025-09`; `generateUserToken` and
    /// `deleteUserLogs` take `userId` in the query as well as in the path; `triggerEvent`
    /// requires `data`; `upgradeWorkflow` reads `userId` from the query and needs no body;
    /// lists answer in a `data` envelope and acknowledgements are `{"message": ...}`,
    /// `{"activated": ...}` or `{"upgraded": true}`; `createUser` answers 200 `{"userId"}`.
    #[default]
    Official,
    /// The ten-operation seed document (`spec/alloy-embedded-2025-09.yaml`), and only its ten
    /// operations: 201 with the full
    /// user on `createUser`, `{integrations}`, `{logs}` and `{errors}` lists, `{success,
    /// message}` acknowledgements and an upgrade body `{userId, version}`. The version header
    /// and extra query parameters are accepted and ignored.
    Seed,
}

impl Contract {
    /// Every contract, the default first.
    pub const ALL: [Contract; 2] = [Contract::Official, Contract::Seed];

    /// Returns the contract's name as the `--contract` flag spells it: `official` or `seed`.
    pub const fn name(self) -> &'static str {
        match self {
            Contract::Official => "official",
            Contract::Seed => "seed",
        }
    }
}

impl fmt::Display for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Contract`] from a name other than `official` or `seed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownContract(String);

impl fmt::Display for UnknownContract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown contract `{}` (expected `official` or `seed`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownContract {}

impl FromStr for Contract {
    type Err = UnknownContract;

    /// Parses `official` or `seed`, in any case.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Contract::ALL
            .into_iter()
            .find(|contract| contract.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownContract(name.to_owned()))
    }
}

// ---- What a request must carry -------------------------------------------------------------

/// What `POST /run/event` asks for: whose workflows run, on which event, with what data.
pub(crate) struct Event {
    pub(crate) user_id: String,
    pub(crate) event: String,
    pub(crate) data: Option<Value>,
}

/// What `PUT /workflows/{workflowId}/upgrade` asks for: whose workflow, and the version
/// (a seed name; the latest when `None`).
pub(crate) struct Upgrade {
    pub(crate) user_id: String,
    pub(crate) version: Option<String>,
}

impl Contract {
    /// Checks the headers every request must carry: the official reference requires
    /// `x-api-version: 2025-09` on every operation; the seed document has no such header,
    /// and one that is sent is ignored.
    pub(crate) fn check_headers(self, headers: &HeaderMap) -> Result<(), ApiError> {
        match self {
            Contract::Seed => Ok(()),
            Contract::Official => check_api_version(headers),
        }
    }

    /// Returns the id of the user `reference` names: the seed document names users by id
    /// only, so the reference is taken as given (an unknown id is the operation's own 404);
    /// the official reference's "User id or username" accepts either.
    fn user(self, state: &SandboxState, reference: &str) -> Result<String, ApiError> {
        match self {
            Contract::Seed => Ok(reference.to_owned()),
            Contract::Official => Ok(state.resolve_user(reference)?),
        }
    }

    /// Returns the id of the user of `/users/{userId}/token` and `/users/{userId}/logs`.
    ///
    /// The seed contract names the user in the path only. The official one also requires the
    /// `userId` query parameter (a user id or username), which must name the same user as
    /// the path: a missing or different one is a 400, an unknown path user a 404.
    pub(crate) fn path_user(self, state: &SandboxState, input: &Input) -> Result<String, ApiError> {
        let path_user = input.path_param("userId")?;
        if self == Contract::Seed {
            return Ok(path_user);
        }
        let query_user = input.user_id_query()?;
        let user_id = state.resolve_user(&path_user)?;
        match state.resolve_user(&query_user) {
            Ok(other) if other == user_id => Ok(user_id),
            _ => Err(ApiError::bad_request(format!(
                "Query parameter `userId` (`{query_user}`) must name the user of the path \
                 (`{path_user}`)"
            ))),
        }
    }

    /// Reads the body of `POST /run/event`: `userId` and `event` (non-empty) and `data`, a
    /// JSON object that the official reference requires and the seed document makes
    /// optional.
    pub(crate) fn event(self, state: &SandboxState, input: Input) -> Result<Event, ApiError> {
        let body = input.json_object()?;
        match body.get("data") {
            Some(data) if !data.is_object() => {
                return Err(ApiError::bad_request("`data` must be a JSON object"));
            }
            None if self == Contract::Official => {
                return Err(ApiError::bad_request(
                    "`data` is required: send the event's data as a JSON object (`{}` for none)",
                ));
            }
            _ => {}
        }
        match self {
            Contract::Seed => {
                let body: TriggerEventRequest =
                    serde_json::from_value(body).map_err(invalid_body)?;
                required("userId", &body.user_id)?;
                required("event", &body.event)?;
                Ok(Event {
                    user_id: body.user_id,
                    event: body.event,
                    data: body.data,
                })
            }
            Contract::Official => {
                let body: OfficialEventRequest =
                    serde_json::from_value(body).map_err(invalid_body)?;
                required("userId", &body.user_id)?;
                required("event", &body.event)?;
                Ok(Event {
                    user_id: self.user(state, &body.user_id)?,
                    event: body.event,
                    data: Some(Value::Object(body.data)),
                })
            }
        }
    }

    /// Reads the body of `PUT /workflows/activate` and `PUT /workflows/deactivate` and
    /// returns the user and the workflow: the seed document requires `workflowId` and
    /// `userId`; the official reference `userId` and either `workflowId` or `workflowName`.
    pub(crate) fn activation(
        self,
        state: &SandboxState,
        input: Input,
    ) -> Result<(String, String), ApiError> {
        match self {
            Contract::Seed => {
                let body: WorkflowActionRequest = input.json()?;
                required("workflowId", &body.workflow_id)?;
                required("userId", &body.user_id)?;
                Ok((body.user_id, body.workflow_id))
            }
            Contract::Official => {
                let body: OfficialActionRequest = input.json()?;
                required("userId", &body.user_id)?;
                let non_empty = |value: Option<String>| value.filter(|value| !value.is_empty());
                let workflow_id = match (non_empty(body.workflow_id), non_empty(body.workflow_name))
                {
                    (Some(workflow_id), _) => workflow_id,
                    (None, Some(name)) => state.workflow_id_by_name(&name)?,
                    (None, None) => {
                        return Err(ApiError::bad_request(
                            "Either `workflowId` or `workflowName` is required",
                        ));
                    }
                };
                Ok((self.user(state, &body.user_id)?, workflow_id))
            }
        }
    }

    /// Reads what `PUT /workflows/{workflowId}/upgrade` asks for: the seed document sends
    /// `{userId, version?}` in the body; the official reference names the user in the query
    /// and sends no body, though one with a `version` (a seed name such as "2.0.0" or an
    /// official number such as 3) is accepted and picks the target.
    pub(crate) fn upgrade(
        self,
        state: &SandboxState,
        input: Input,
        workflow_id: &str,
    ) -> Result<Upgrade, ApiError> {
        match self {
            Contract::Seed => {
                let body: UpgradeWorkflowRequest = input.json()?;
                required("userId", &body.user_id)?;
                Ok(Upgrade {
                    user_id: body.user_id,
                    version: body.version,
                })
            }
            Contract::Official => {
                let user_id = input.user_id_query()?;
                let version = if input.body_is_empty() {
                    None
                } else {
                    input.json::<OfficialUpgradeRequest>()?.version
                };
                let user_id = self.user(state, &user_id)?;
                let version = match version {
                    None => None,
                    Some(VersionRef::Name(name)) => Some(name),
                    Some(VersionRef::Number(number)) => {
                        Some(state.version_name(workflow_id, number)?)
                    }
                };
                Ok(Upgrade { user_id, version })
            }
        }
    }
}

/// Requires `x-api-version: 2025-09`, as the official reference does on every operation.
fn check_api_version(headers: &HeaderMap) -> Result<(), ApiError> {
    let mut values = headers.get_all(API_VERSION_HEADER).iter().peekable();
    if values.peek().is_none() {
        return Err(ApiError::bad_request(format!(
            "Missing header `{API_VERSION_HEADER}`: send `{API_VERSION_HEADER}: {API_VERSION}`"
        )));
    }
    for value in values {
        let value = String::from_utf8_lossy(value.as_bytes());
        if value.trim() != API_VERSION {
            return Err(ApiError::bad_request(format!(
                "Unsupported header `{API_VERSION_HEADER}: {value}`: this service answers \
                 `{API_VERSION_HEADER}: {API_VERSION}`"
            )));
        }
    }
    Ok(())
}

// ---- What each contract answers --------------------------------------------------------------

/// What one of the seed document's operations did, for [`Contract::answer`] to shape.
pub(crate) enum Outcome {
    /// `POST /users` created the user.
    UserCreated(User),
    /// `DELETE /users/{userId}/logs` purged the user's logs.
    LogsPurged,
    /// `POST /run/event` ran the workflows listening to the event.
    EventTriggered,
    /// `PUT /workflows/activate` (`true`) or `/deactivate` (`false`) took effect.
    ActiveSet(bool),
    /// `PUT /workflows/{workflowId}/upgrade` moved the workflow to this version.
    Upgraded(String),
}

impl Contract {
    /// Shapes the answer of an operation that changed the state: the seed document answers
    /// 201 with the full user and `{success, message}` acknowledgements; the official
    /// reference 200 with `{userId}`, `{message}`, `{activated}` and `{upgraded: true}`.
    pub(crate) fn answer(self, outcome: Outcome) -> Response {
        match (self, outcome) {
            (Contract::Seed, Outcome::UserCreated(user)) => json(StatusCode::CREATED, &user),
            (Contract::Official, Outcome::UserCreated(user)) => json(
                StatusCode::OK,
                &CreatedUser {
                    user_id: user.user_id,
                },
            ),
            (Contract::Seed, Outcome::LogsPurged) => success("User logs purged successfully"),
            (Contract::Official, Outcome::LogsPurged) => message("Success"),
            (Contract::Seed, Outcome::EventTriggered) => success("Event triggered successfully"),
            (Contract::Official, Outcome::EventTriggered) => {
                message("Event successfully triggered")
            }
            (Contract::Seed, Outcome::ActiveSet(true)) => success("Workflow activated"),
            (Contract::Seed, Outcome::ActiveSet(false)) => success("Workflow deactivated"),
            (Contract::Official, Outcome::ActiveSet(activated)) => {
                json(StatusCode::OK, &ActivatedResponse { activated })
            }
            (Contract::Seed, Outcome::Upgraded(version)) => {
                success(&format!("Workflow upgraded to version {version}"))
            }
            (Contract::Official, Outcome::Upgraded(_)) => {
                json(StatusCode::OK, &UpgradedResponse { upgraded: true })
            }
        }
    }

    /// Answers `GET /integrations?userId=`: the seed document lists `{integrations: [...]}`
    /// with an `installed` flag, for a user named by id; the official reference
    /// `{data: [...]}` with every workflow and its installation, for a user named by id or
    /// username.
    pub(crate) fn integrations(
        self,
        state: &SandboxState,
        input: &Input,
    ) -> Result<Response, ApiError> {
        let user_id = self.user(state, &input.user_id_query()?)?;
        Ok(match self {
            Contract::Seed => json(StatusCode::OK, &state.integrations(&user_id)?),
            Contract::Official => {
                let data = state.official_integrations(&user_id)?;
                json(StatusCode::OK, &DataList { data })
            }
        })
    }

    /// Answers `GET /workflows/{workflowId}/errors`: the seed document lists `{errors: [...]}`
    /// of the user `userId` (required); the official reference `{data: [...]}` in its own
    /// shape, of the user an optional `userId` names or of every user.
    pub(crate) fn workflow_errors(
        self,
        state: &SandboxState,
        input: &Input,
        workflow_id: &str,
    ) -> Result<Response, ApiError> {
        Ok(match self {
            Contract::Seed => json(
                StatusCode::OK,
                &state.workflow_errors(&input.user_id_query()?, workflow_id)?,
            ),
            Contract::Official => {
                let user_id = input.optional_user_query(state)?;
                let data = state.official_errors(user_id.as_deref(), workflow_id)?;
                json(StatusCode::OK, &DataList { data })
            }
        })
    }

    /// Answers `GET /workflows/{workflowId}/logs`: the seed document lists `{logs: [...]}` of
    /// the user `userId` (required); the official reference `{data: [...]}` of executions,
    /// of the user an optional `userId` names or of every user, a page at a time (`page`,
    /// `limit`, `order`).
    pub(crate) fn workflow_logs(
        self,
        state: &SandboxState,
        input: &Input,
        workflow_id: &str,
    ) -> Result<Response, ApiError> {
        match self {
            Contract::Seed => Ok(json(
                StatusCode::OK,
                &state.workflow_logs(&input.user_id_query()?, workflow_id)?,
            )),
            Contract::Official => {
                let page = input.page()?;
                let user_id = input.optional_user_query(state)?;
                let mut executions = state.official_logs(user_id.as_deref(), workflow_id)?;
                if page.newest_first {
                    executions.reverse();
                }
                let data: Vec<_> = executions
                    .into_iter()
                    .skip((page.number - 1).saturating_mul(page.limit))
                    .take(page.limit)
                    .collect();
                Ok(json(StatusCode::OK, &DataList { data }))
            }
        }
    }
}

/// The seed document's acknowledgement: `{"success": true, "message": ...}`.
fn success(message: &str) -> Response {
    json(
        StatusCode::OK,
        &SuccessResponse {
            success: Some(true),
            message: Some(message.to_owned()),
        },
    )
}
