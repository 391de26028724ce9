//! The operations of the contract: the one table the router, the faults and the request
//! counters all read.
//!
//! Adding an operation is one row in the `operations!` call below plus its handler in
//! `routes.rs` (the compiler asks for it there: `routes::handler` matches every operation).
//! The router serves a contract only the rows that contract has (see
//! [`Operation::is_served_by`]): a seed sandbox answers the official-only routes as it
//! answers any unknown route.

use std::fmt;
use std::str::FromStr;

use http::Method;

use crate::contract::Contract;

/// Declares [`Operation`] from rows
/// `Variant = "operationId", METHOD "/path/{template}", contracts;`, where `contracts` is
/// `both` (the seed document's ten operations, which the official reference has too) or
/// `official` (only in Alloy's official reference).
macro_rules! operations {
    ($($variant:ident = $id:literal, $method:ident $path:literal, $contracts:ident;)*) => {
        /// One of the operations of the Alloy Embedded API, named by its `operationId`.
        ///
        /// The ten operations of the seed document keep the seed's `operationId`s
        /// (`listWorkflowLogs`); the 28 that only Alloy's official reference has are named by
        /// the official `operationId`s (`list-all-users`, `getAllInstallations`, ...).
        /// Faults and request counters address operations with this type;
        /// `"listWorkflowLogs".parse::<Operation>()` turns an `operationId` into one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $(
                #[doc = concat!("`", stringify!($method), " ", $path, "` (`", $id, "`).")]
                $variant,
            )*
        }

        impl Operation {
            /// Lists every operation, the seed document's ten first.
            pub const ALL: [Operation; [$($id),*].len()] = [$(Operation::$variant),*];

            /// Returns the `operationId`, such as `"listWorkflowLogs"` or `"list-all-users"`.
            pub const fn operation_id(self) -> &'static str {
                match self {
                    $(Operation::$variant => $id,)*
                }
            }

            /// Returns the HTTP method the operation is served with.
            pub fn method(self) -> Method {
                match self {
                    $(Operation::$variant => Method::$method,)*
                }
            }

            /// Returns the path template, such as `"/workflows/{workflowId}/logs"`.
            pub const fn path(self) -> &'static str {
                match self {
                    $(Operation::$variant => $path,)*
                }
            }

            /// Returns whether a sandbox answering by `contract` serves the operation: the
            /// official contract serves all of them, the seed contract only its ten.
            pub const fn is_served_by(self, contract: Contract) -> bool {
                match self {
                    $(Operation::$variant => served!($contracts, contract),)*
                }
            }
        }
    };
}

/// Whether a row's `both` or `official` marker includes `contract`.
macro_rules! served {
    (both, $contract:expr) => {
        true
    };
    (official, $contract:expr) => {
        matches!($contract, Contract::Official)
    };
}

operations! {
    CreateUser = "createUser", POST "/users", both;
    GenerateUserToken = "generateUserToken", GET "/users/{userId}/token", both;
    DeleteUserLogs = "deleteUserLogs", DELETE "/users/{userId}/logs", both;
    ListIntegrations = "listIntegrations", GET "/integrations", both;
    TriggerEvent = "triggerEvent", POST "/run/event", both;
    ListWorkflowErrors = "listWorkflowErrors", GET "/workflows/{workflowId}/errors", both;
    ListWorkflowLogs = "listWorkflowLogs", GET "/workflows/{workflowId}/logs", both;
    DeactivateWorkflow = "deactivateWorkflow", PUT "/workflows/deactivate", both;
    ActivateWorkflow = "activateWorkflow", PUT "/workflows/activate", both;
    UpgradeWorkflow = "upgradeWorkflow", PUT "/workflows/{workflowId}/upgrade", both;
    ListAllUsers = "list-all-users", GET "/users", official;
    GetUser = "get-a-user", GET "/users/{userId}", official;
    UpdateUser = "update-a-user", PUT "/users/{userId}", official;
    DeleteUser = "delete-a-user", DELETE "/users/{userId}", official;
    BatchCreateUsers = "batch-create-users", POST "/users/batch", official;
    DisableAllWorkflowsForUser = "disable-all-workflows-for-a-user", PUT "/users/{userId}/deactivate-workflows", official;
    FindWorkflow = "find-a-workflow", GET "/workflows/{workflowId}", official;
    DeleteWorkflow = "delete-workflow", DELETE "/workflows/{workflowId}", official;
    ListUsersByWorkflowId = "list-users-by-workflowid", GET "/workflows/{workflowId}/users", official;
    GetWorkflowAnalytics = "get-workflow-analytics", GET "/workflows/{workflowId}/analytics", official;
    RunWorkflow = "run-workflow", POST "/run/workflow", official;
    ListEvents = "list-events", GET "/events", official;
    GetLogs = "get-logs", GET "/logs", official;
    GetIntegration = "get-an-integration", GET "/integrations/{integrationId}", official;
    GetAllInstallations = "getAllInstallations", GET "/installations", official;
    GetInstallation = "getInstallation", GET "/installations/{installationId}", official;
    StartInstallation = "start-installation", POST "/headless/startInstallation", official;
    CompleteInstallation = "complete-installation", POST "/headless/completeInstallation", official;
    EditInstallation = "edit-installation", POST "/headless/editInstallation", official;
    GenerateOauthLink = "generate-oauth-link", GET "/headless/oauthUrl", official;
    CreateCredential = "create-a-credential", POST "/headless/credentials", official;
    ListUserCredentials = "list-user-credentials", GET "/credentials/users/{userId}", official;
    DeleteCredential = "delete-a-credential", DELETE "/users/{userId}/credentials/{credentialId}", official;
    GetCredentialMetadata = "get-credential-metadata", GET "/metadata/credentials", official;
    CredentialMetadataByApp = "credential-medata-by-app", GET "/metadata/credentials/{credentialName}", official;
    GetAppActionsUsage = "get-app-actions-usage", GET "/analytics/usage", official;
    GetDetailUsageTime = "get-detail-usage-time", GET "/analytics/detail-usage-time", official;
    GetDetailUsageUser = "get-detail-usage-user", GET "/analytics/detail-usage-user", official;
}

impl Operation {
    /// Returns the operation's position in [`Operation::ALL`], the index of its counter.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Lists the operations a sandbox answering by `contract` serves, in table order.
    pub fn served_by(contract: Contract) -> impl Iterator<Item = Operation> {
        Operation::ALL
            .into_iter()
            .filter(move |operation| operation.is_served_by(contract))
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .into_iter()
            .find(|op| op.operation_id() == s)
            .ok_or_else(|| UnknownOperation(s.to_owned()))
    }
}

/// The error of parsing a string that is not an `operationId` of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperation(pub String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an operationId of the contract", self.0)
    }
}

impl std::error::Error for UnknownOperation {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows that repeat an id or a route would make operations unreachable or ambiguous.
    #[test]
    fn every_row_has_its_own_id_and_route() {
        for (i, a) in Operation::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
            assert_eq!(a.operation_id().parse::<Operation>(), Ok(*a));
            for b in &Operation::ALL[i + 1..] {
                assert_ne!(a.operation_id(), b.operation_id());
                assert!(
                    (a.method(), a.path()) != (b.method(), b.path()),
                    "{a} and {b} share a route"
                );
            }
        }
    }

    /// The seed document has ten operations, the official reference 38.
    #[test]
    fn the_seed_serves_ten_operations_and_the_official_contract_all() {
        assert_eq!(Operation::ALL.len(), 38);
        assert_eq!(Operation::served_by(Contract::Official).count(), 38);
        let seed: Vec<_> = Operation::served_by(Contract::Seed).collect();
        assert_eq!(seed, Operation::ALL[..10]);
        assert!(!Operation::GetLogs.is_served_by(Contract::Seed));
        assert!(Operation::ListWorkflowLogs.is_served_by(Contract::Seed));
    }
}
