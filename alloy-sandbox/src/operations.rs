//! The operations of the contract: the one table the router, the faults and the request
//! counters all read.
//!
//! Adding an operation is one row in the `operations!` call below plus its handler in its
//! resource's module, which `routes::handler` maps it to (the compiler asks for it there:
//! `routes::handler` matches every operation), and a row in the crate docs' and the README's
//! tables (a test below compares both with this table).
//!
//! The router serves a contract only the rows that contract has (see
//! [`Operation::is_served_by`]): a seed sandbox answers the official-only routes as it
//! answers any unknown route.

use std::fmt;
use std::str::FromStr;

use http::Method;

use crate::contract::Contract;

/// Declares [`Operation`] from rows
/// `Variant = "operationId", METHOD "/path/{template}", contracts, resource;`, where
/// `contracts` is `both` (the seed document's ten operations, which the official reference
/// has too) or `official` (only in Alloy's official reference), and `resource` is the module
/// of `crate::resources` that serves the operation (named as `alloy_api`'s `api` modules).
macro_rules! operations {
    ($($variant:ident = $id:literal, $method:ident $path:literal, $contracts:ident, $resource:ident;)*) => {
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

        // Every row's resource must name a module of `crate::resources`: the import fails to
        // compile otherwise, and is otherwise unused.
        $(const _: () = {
            #[allow(unused_imports)]
            use crate::resources::$resource as _;
        };)*

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

            /// Returns the resource the operation belongs to, such as `"users"`: the module of
            /// `crate::resources` that serves it, and its row in the README's table (which
            /// only the tests read).
            #[cfg(test)]
            pub(crate) const fn resource(self) -> &'static str {
                match self {
                    $(Operation::$variant => stringify!($resource),)*
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
    CreateUser = "createUser", POST "/users", both, users;
    GenerateUserToken = "generateUserToken", GET "/users/{userId}/token", both, users;
    DeleteUserLogs = "deleteUserLogs", DELETE "/users/{userId}/logs", both, users;
    ListIntegrations = "listIntegrations", GET "/integrations", both, integrations;
    TriggerEvent = "triggerEvent", POST "/run/event", both, runs;
    ListWorkflowErrors = "listWorkflowErrors", GET "/workflows/{workflowId}/errors", both, workflows;
    ListWorkflowLogs = "listWorkflowLogs", GET "/workflows/{workflowId}/logs", both, workflows;
    DeactivateWorkflow = "deactivateWorkflow", PUT "/workflows/deactivate", both, workflows;
    ActivateWorkflow = "activateWorkflow", PUT "/workflows/activate", both, workflows;
    UpgradeWorkflow = "upgradeWorkflow", PUT "/workflows/{workflowId}/upgrade", both, workflows;
    ListAllUsers = "list-all-users", GET "/users", official, users;
    GetUser = "get-a-user", GET "/users/{userId}", official, users;
    UpdateUser = "update-a-user", PUT "/users/{userId}", official, users;
    DeleteUser = "delete-a-user", DELETE "/users/{userId}", official, users;
    BatchCreateUsers = "batch-create-users", POST "/users/batch", official, users;
    DisableAllWorkflowsForUser = "disable-all-workflows-for-a-user", PUT "/users/{userId}/deactivate-workflows", official, users;
    FindWorkflow = "find-a-workflow", GET "/workflows/{workflowId}", official, workflows;
    DeleteWorkflow = "delete-workflow", DELETE "/workflows/{workflowId}", official, workflows;
    ListUsersByWorkflowId = "list-users-by-workflowid", GET "/workflows/{workflowId}/users", official, workflows;
    GetWorkflowAnalytics = "get-workflow-analytics", GET "/workflows/{workflowId}/analytics", official, workflows;
    RunWorkflow = "run-workflow", POST "/run/workflow", official, runs;
    ListEvents = "list-events", GET "/events", official, events;
    GetLogs = "get-logs", GET "/logs", official, logs;
    GetIntegration = "get-an-integration", GET "/integrations/{integrationId}", official, integrations;
    GetAllInstallations = "getAllInstallations", GET "/installations", official, installations;
    GetInstallation = "getInstallation", GET "/installations/{installationId}", official, installations;
    StartInstallation = "start-installation", POST "/headless/startInstallation", official, installations;
    CompleteInstallation = "complete-installation", POST "/headless/completeInstallation", official, installations;
    EditInstallation = "edit-installation", POST "/headless/editInstallation", official, installations;
    GenerateOauthLink = "generate-oauth-link", GET "/headless/oauthUrl", official, credentials;
    CreateCredential = "create-a-credential", POST "/headless/credentials", official, credentials;
    ListUserCredentials = "list-user-credentials", GET "/credentials/users/{userId}", official, credentials;
    DeleteCredential = "delete-a-credential", DELETE "/users/{userId}/credentials/{credentialId}", official, credentials;
    GetCredentialMetadata = "get-credential-metadata", GET "/metadata/credentials", official, credentials;
    CredentialMetadataByApp = "credential-medata-by-app", GET "/metadata/credentials/{credentialName}", official, credentials;
    GetAppActionsUsage = "get-app-actions-usage", GET "/analytics/usage", official, analytics;
    GetDetailUsageTime = "get-detail-usage-time", GET "/analytics/detail-usage-time", official, analytics;
    GetDetailUsageUser = "get-detail-usage-user", GET "/analytics/detail-usage-user", official, analytics;
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

    /// Splits the Markdown tables of `text` (lines starting with `|`, with `prefix` removed)
    /// into their header and rows of trimmed cells.
    fn tables(text: &str, prefix: &str) -> Vec<(String, Vec<Vec<String>>)> {
        let mut tables: Vec<(String, Vec<Vec<String>>)> = Vec::new();
        let mut in_table = false;
        for line in text.lines() {
            let Some(line) = line
                .strip_prefix(prefix)
                .filter(|line| line.starts_with('|'))
            else {
                in_table = false;
                continue;
            };
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect();
            if !in_table {
                tables.push((line.to_owned(), Vec::new()));
                in_table = true;
            } else if !cells.iter().all(|cell| cell.chars().all(|c| c == '-')) {
                tables.last_mut().expect("a table").1.push(cells);
            }
        }
        tables
    }

    /// Returns the rows of the table of `text` whose header is `header`.
    fn table(text: &str, prefix: &str, header: &str) -> Vec<Vec<String>> {
        let mut found = tables(text, prefix)
            .into_iter()
            .filter(|(head, _)| head == header);
        let (_, rows) = found
            .next()
            .unwrap_or_else(|| panic!("no table `{header}`"));
        assert!(found.next().is_none(), "two tables `{header}`");
        rows
    }

    /// Parses a cell of `operationId`s in backquotes, separated by commas.
    fn operations_in(cell: &str) -> Vec<Operation> {
        cell.split(", ")
            .map(|id| {
                id.strip_prefix('`')
                    .and_then(|id| id.strip_suffix('`'))
                    .and_then(|id| id.parse().ok())
                    .unwrap_or_else(|| panic!("`{id}` is not an operationId in backquotes"))
            })
            .collect()
    }

    /// The crate docs compare the contracts on exactly the seed document's operations, each
    /// once, so the comparison cannot miss or invent one.
    #[test]
    fn the_crate_docs_compare_the_contracts_on_every_seed_operation() {
        let rows = table(
            include_str!("lib.rs"),
            "//! ",
            "| Operation | Official (default) | Seed |",
        );
        assert_eq!(rows[0][0], "every request");
        let mut compared: Vec<Operation> = rows[1..]
            .iter()
            .flat_map(|row| operations_in(&row[0]))
            .collect();
        compared.sort();
        let seed: Vec<Operation> = Operation::served_by(Contract::Seed).collect();
        // Sorted by the table's order, so a row repeated or missing shows as a difference.
        assert_eq!(compared, seed);
    }

    /// The crate docs describe every official-only operation once, in this table's order,
    /// with the method and path the router serves it at.
    #[test]
    fn the_crate_docs_describe_every_official_only_operation_at_its_route() {
        let rows = table(
            include_str!("lib.rs"),
            "//! ",
            "| Operation | Request | Answer (200) |",
        );
        let mut described = Vec::new();
        for row in &rows {
            let [operation] = operations_in(&row[0])[..] else {
                panic!("one operation per row: {row:?}");
            };
            let route = format!("`{} {}", operation.method(), operation.path());
            let rest = row[1].strip_prefix(&route).unwrap_or_else(|| {
                panic!("{operation}: {:?} does not start with {route:?}", row[1])
            });
            assert!(
                rest.starts_with(['`', '[', '?']),
                "{operation}: {:?} names another path than {route:?}",
                row[1]
            );
            described.push(operation);
        }
        let official_only: Vec<Operation> = Operation::ALL
            .into_iter()
            .filter(|operation| !operation.is_served_by(Contract::Seed))
            .collect();
        assert_eq!(described, official_only);
    }

    /// The README lists every operation by its `operationId` and path in the row of its
    /// resource (a row may hold several resources: "Runs and events"), and only there.
    #[test]
    fn the_readme_lists_every_operation_under_its_resource() {
        let rows = table(
            include_str!("../README.md"),
            "",
            "| Resource | Operations (official `operationId`) |",
        );
        let resources: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row[0]
                    .to_lowercase()
                    .split(" and ")
                    .map(str::to_owned)
                    .collect()
            })
            .collect();
        for operation in Operation::ALL {
            let id = format!("`{}`", operation.operation_id());
            let listed: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i][1].contains(&id))
                .collect();
            let [row] = listed[..] else {
                panic!("{operation} is listed in {} README rows", listed.len());
            };
            assert!(
                resources[row]
                    .iter()
                    .any(|name| name == operation.resource()),
                "{operation} is listed under {}, not under {}",
                rows[row][0],
                operation.resource()
            );
            assert!(
                rows[row][1].contains(operation.path()),
                "{operation}: the README row {} lacks {}",
                rows[row][0],
                operation.path()
            );
        }
        for names in &resources {
            for name in names {
                assert!(
                    Operation::ALL
                        .iter()
                        .any(|operation| operation.resource() == name),
                    "the README lists a resource `{name}` that serves no operation"
                );
            }
        }
    }
}
