//! The operations of the contract: the one table the router, the faults and the request
//! counters all read.
//!
//! Adding an operation is one row in the `operations!` call below plus its handler in
//! `routes.rs` (the compiler asks for it there: `routes::handler` matches every operation).

use std::fmt;
use std::str::FromStr;

use http::Method;

/// Declares [`Operation`] from rows `Variant = "operationId", METHOD "/path/{template}";`.
macro_rules! operations {
    ($($variant:ident = $id:literal, $method:ident $path:literal;)*) => {
        /// One of the operations of the Alloy Embedded API contract, named by its
        /// `operationId`.
        ///
        /// Faults and request counters address operations with this type;
        /// `"listWorkflowLogs".parse::<Operation>()` turns an `operationId` of the contract
        /// into one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $(
                #[doc = concat!("`", stringify!($method), " ", $path, "` (`", $id, "`).")]
                $variant,
            )*
        }

        impl Operation {
            /// Lists every operation of the contract, in the contract's order.
            pub const ALL: [Operation; [$($id),*].len()] = [$(Operation::$variant),*];

            /// Returns the contract's `operationId`, such as `"listWorkflowLogs"`.
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

            /// Returns the contract's path template, such as
            /// `"/workflows/{workflowId}/logs"`.
            pub const fn path(self) -> &'static str {
                match self {
                    $(Operation::$variant => $path,)*
                }
            }
        }
    };
}

operations! {
    CreateUser = "createUser", POST "/users";
    GenerateUserToken = "generateUserToken", GET "/users/{userId}/token";
    DeleteUserLogs = "deleteUserLogs", DELETE "/users/{userId}/logs";
    ListIntegrations = "listIntegrations", GET "/integrations";
    TriggerEvent = "triggerEvent", POST "/run/event";
    ListWorkflowErrors = "listWorkflowErrors", GET "/workflows/{workflowId}/errors";
    ListWorkflowLogs = "listWorkflowLogs", GET "/workflows/{workflowId}/logs";
    DeactivateWorkflow = "deactivateWorkflow", PUT "/workflows/deactivate";
    ActivateWorkflow = "activateWorkflow", PUT "/workflows/activate";
    UpgradeWorkflow = "upgradeWorkflow", PUT "/workflows/{workflowId}/upgrade";
}

impl Operation {
    /// Returns the operation's position in [`Operation::ALL`], the index of its counter.
    pub(crate) const fn index(self) -> usize {
        self as usize
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
}
