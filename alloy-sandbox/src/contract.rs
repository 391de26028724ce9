//! Which document the sandbox answers by: Alloy's own 2025-09 reference or the seed document.

use std::fmt;
use std::str::FromStr;

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
