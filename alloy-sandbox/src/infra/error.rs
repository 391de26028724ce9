//! The reasons the sandbox refuses a change to its state.

use std::fmt;

/// The reason the sandbox refuses a change to its state.
///
/// The HTTP API answers the variants for which [`is_not_found`](StateError::is_not_found)
/// holds with 404 and the others with 400, with the error's `Display` text as the message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateError {
    /// No user has this id.
    UnknownUser(String),
    /// The catalog has no workflow with this id.
    UnknownWorkflow(String),
    /// The workflow exists in the catalog but is not installed for the user.
    NotInstalled {
        /// The user's id.
        user_id: String,
        /// The workflow's id.
        workflow_id: String,
    },
    /// A user with this id already exists.
    DuplicateUserId(String),
    /// A user with this username already exists.
    DuplicateUsername(String),
    /// The workflow has no such version.
    UnknownVersion {
        /// The workflow's id.
        workflow_id: String,
        /// The requested version.
        version: String,
        /// The workflow's known versions, oldest first.
        known: Vec<String>,
    },
    /// An upgrade names a version that is not newer than the installed one.
    NotNewer {
        /// The workflow's id.
        workflow_id: String,
        /// The installed version.
        current: String,
        /// The requested version.
        requested: String,
    },
    /// An upgrade to the latest version finds the workflow already there.
    AlreadyLatest {
        /// The workflow's id.
        workflow_id: String,
        /// The installed (latest) version.
        version: String,
    },
    /// An identifier or name is empty.
    Empty(&'static str),
    /// The catalog has no integration with this id or name.
    UnknownIntegration(String),
    /// No installation has this id (or none of the user's installations matches).
    UnknownInstallation(String),
    /// The user has no credential with this id.
    UnknownCredential(String),
    /// No app (connector) of the catalog has this name.
    UnknownApp(String),
    /// The workflow is installed for the user but deactivated, so it cannot run.
    NotActive {
        /// The user's id.
        user_id: String,
        /// The workflow's id.
        workflow_id: String,
    },
    /// The request cannot be carried out as it stands; the text says why.
    Rejected(String),
}

impl StateError {
    /// Returns whether the error means that something does not exist (an HTTP 404).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StateError::UnknownUser(_)
                | StateError::UnknownWorkflow(_)
                | StateError::NotInstalled { .. }
                | StateError::UnknownIntegration(_)
                | StateError::UnknownInstallation(_)
                | StateError::UnknownCredential(_)
                | StateError::UnknownApp(_)
        )
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::UnknownUser(id) => write!(f, "User `{id}` not found"),
            StateError::UnknownWorkflow(id) => write!(f, "Workflow `{id}` not found"),
            StateError::NotInstalled {
                user_id,
                workflow_id,
            } => write!(
                f,
                "Workflow `{workflow_id}` is not installed for user `{user_id}`"
            ),
            StateError::DuplicateUserId(id) => write!(f, "A user with id `{id}` already exists"),
            StateError::DuplicateUsername(name) => {
                write!(f, "A user with username `{name}` already exists")
            }
            StateError::UnknownVersion {
                workflow_id,
                version,
                known,
            } => write!(
                f,
                "Workflow `{workflow_id}` has no version `{version}` (known versions: {})",
                known.join(", ")
            ),
            StateError::NotNewer {
                workflow_id,
                current,
                requested,
            } => write!(
                f,
                "Cannot upgrade workflow `{workflow_id}` from version {current} to {requested}: \
                 the target version must be newer than the installed one"
            ),
            StateError::AlreadyLatest {
                workflow_id,
                version,
            } => write!(
                f,
                "Workflow `{workflow_id}` is already at the latest version {version}"
            ),
            StateError::Empty(what) => write!(f, "`{what}` must not be empty"),
            StateError::UnknownIntegration(id) => write!(f, "Integration `{id}` not found"),
            StateError::UnknownInstallation(id) => write!(f, "Installation `{id}` not found"),
            StateError::UnknownCredential(id) => write!(f, "Credential `{id}` not found"),
            StateError::UnknownApp(name) => write!(f, "App `{name}` not found"),
            StateError::NotActive {
                user_id,
                workflow_id,
            } => write!(
                f,
                "Workflow `{workflow_id}` is deactivated for user `{user_id}`: activate it first"
            ),
            StateError::Rejected(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for StateError {}
