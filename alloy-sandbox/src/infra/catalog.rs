//! The integration catalog the sandbox serves, with the workflows each integration brings.

use std::collections::HashSet;

/// An integration of the sandbox catalog, with the workflows it brings.
///
/// `GET /integrations` lists every entry; an integration counts as installed for a user when
/// at least one of its workflows is. New users get the workflows of every entry that
/// [installs automatically](CatalogEntry::without_auto_install) installed and active at each
/// workflow's first version.
///
/// ```
/// use alloy_sandbox::{CatalogEntry, CatalogWorkflow};
///
/// let entry = CatalogEntry::new("int_acme", "Acme", "CRM").with_workflow(
///     CatalogWorkflow::new("wf_acme_sync", ["1.0.0", "2.0.0"]).listening_to("contact.created"),
/// );
/// assert_eq!(entry.workflows[0].versions, ["1.0.0", "2.0.0"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    /// Identifier of the integration, such as `int_shopify`.
    pub integration_id: String,
    /// Display name of the integration.
    pub name: String,
    /// Category of the integration, such as `E-Commerce`.
    pub category: String,
    /// URL of the integration's icon.
    pub icon_url: Option<String>,
    /// Whether new users get this integration's workflows installed.
    pub auto_install: bool,
    /// Workflows the integration brings.
    pub workflows: Vec<CatalogWorkflow>,
}

impl CatalogEntry {
    /// Creates an entry without icon or workflows that new users get installed.
    pub fn new(
        integration_id: impl Into<String>,
        name: impl Into<String>,
        category: impl Into<String>,
    ) -> Self {
        Self {
            integration_id: integration_id.into(),
            name: name.into(),
            category: category.into(),
            icon_url: None,
            auto_install: true,
            workflows: Vec::new(),
        }
    }

    /// Sets the URL of the integration's icon.
    #[must_use]
    pub fn with_icon_url(mut self, icon_url: impl Into<String>) -> Self {
        self.icon_url = Some(icon_url.into());
        self
    }

    /// Adds a workflow to the integration.
    #[must_use]
    pub fn with_workflow(mut self, workflow: CatalogWorkflow) -> Self {
        self.workflows.push(workflow);
        self
    }

    /// Leaves the integration uninstalled for new users.
    ///
    /// Its workflows can then be installed for chosen users with
    /// [`SandboxState::install_workflow`](crate::SandboxState::install_workflow).
    #[must_use]
    pub fn without_auto_install(mut self) -> Self {
        self.auto_install = false;
        self
    }

    /// Returns the connector name the official contract shows for the integration
    /// (`primaryConnector`, a connector's `connector`, an error's `block`): the name in lower
    /// case without spaces or punctuation, such as `shopify` or `hubspot`.
    pub fn connector(&self) -> String {
        self.name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }

    /// Returns the default catalog of four integrations.
    ///
    /// | Integration | Workflow | Versions | Events | New users | Fails at |
    /// |---|---|---|---|---|---|
    /// | `int_shopify` (Shopify, E-Commerce) | `wf_shopify_order_sync` | 1.0.0, 1.1.0, 2.0.0 | `order.created`, `order.updated` | installed | none |
    /// |  | `wf_shopify_inventory_alert` | 1.0.0, 1.0.1 | `inventory.low` | installed | none |
    /// | `int_hubspot` (HubSpot, CRM) | `wf_hubspot_contact_sync` | 1.0.0, 2.0.0 | `contact.created`, `contact.updated` | installed | none |
    /// | `int_netsuite` (NetSuite, ERP) | `wf_netsuite_invoice_export` | 1.0.0, 1.1.0, 2.0.0 | `invoice.created` | installed | 1.0.0 |
    /// | `int_slack` (Slack, Communication) | `wf_slack_order_alert` | 1.0.0, 2.0.0 | `order.created` | not installed | none |
    ///
    /// `wf_netsuite_invoice_export` fails at version 1.0.0 (every `invoice.created` event then
    /// records a failure log and an error) and succeeds from 1.1.0 on. Slack is not installed
    /// for new users, so new users list it with `installed: false`.
    pub fn default_catalog() -> Vec<CatalogEntry> {
        let icon = |slug: &str| format!("https://assets.runalloy.com/icons/{slug}.png");
        vec![
            CatalogEntry::new("int_shopify", "Shopify", "E-Commerce")
                .with_icon_url(icon("shopify"))
                .with_workflow(
                    CatalogWorkflow::new("wf_shopify_order_sync", ["1.0.0", "1.1.0", "2.0.0"])
                        .listening_to("order.created")
                        .listening_to("order.updated"),
                )
                .with_workflow(
                    CatalogWorkflow::new("wf_shopify_inventory_alert", ["1.0.0", "1.0.1"])
                        .listening_to("inventory.low"),
                ),
            CatalogEntry::new("int_hubspot", "HubSpot", "CRM")
                .with_icon_url(icon("hubspot"))
                .with_workflow(
                    CatalogWorkflow::new("wf_hubspot_contact_sync", ["1.0.0", "2.0.0"])
                        .listening_to("contact.created")
                        .listening_to("contact.updated"),
                ),
            CatalogEntry::new("int_netsuite", "NetSuite", "ERP")
                .with_icon_url(icon("netsuite"))
                .with_workflow(
                    CatalogWorkflow::new("wf_netsuite_invoice_export", ["1.0.0", "1.1.0", "2.0.0"])
                        .listening_to("invoice.created")
                        .failing_in(
                            "1.0.0",
                            "NetSuite rejected the invoice: field 'subsidiary' is required",
                        ),
                ),
            CatalogEntry::new("int_slack", "Slack", "Communication")
                .with_icon_url(icon("slack"))
                .without_auto_install()
                .with_workflow(
                    CatalogWorkflow::new("wf_slack_order_alert", ["1.0.0", "2.0.0"])
                        .listening_to("order.created"),
                ),
        ]
    }
}

/// A workflow of a catalog integration: its known versions and the events it runs on.
///
/// # Versions in the two contracts
///
/// The catalog names versions as the seed document does (`"1.0.0"`, `"2.0.0"`, ...), and the
/// seed contract shows and takes those names. Alloy's official reference types a workflow's
/// `version` as an integer, so the official contract numbers each workflow's versions from 1
/// in catalog order: for `["1.0.0", "1.1.0", "2.0.0"]`, `1.0.0` is version 1, `1.1.0` version
/// 2 and `2.0.0` version 3. Both name the same installation, so switching contracts never
/// changes the state, only how it is shown.
///
/// ```
/// use alloy_sandbox::CatalogWorkflow;
///
/// let workflow = CatalogWorkflow::new("wf_acme_sync", ["1.0.0", "1.1.0", "2.0.0"]);
/// assert_eq!(workflow.version_number("1.1.0"), Some(2));
/// assert_eq!(workflow.version_name(3), Some("2.0.0"));
/// assert_eq!(workflow.name(), "Acme sync");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogWorkflow {
    /// Identifier of the workflow, such as `wf_shopify_order_sync`.
    pub workflow_id: String,
    /// Known versions, oldest first; users get the first installed, upgrades move forward.
    pub versions: Vec<String>,
    /// Names of the events that run the workflow, such as `order.created`.
    pub events: Vec<String>,
    /// Versions whose runs always fail, each with the error message they record.
    pub failures: Vec<(String, String)>,
}

impl CatalogWorkflow {
    /// Creates a workflow with these versions, oldest first, that listens to no event yet.
    pub fn new<V>(workflow_id: impl Into<String>, versions: V) -> Self
    where
        V: IntoIterator,
        V::Item: Into<String>,
    {
        Self {
            workflow_id: workflow_id.into(),
            versions: versions.into_iter().map(Into::into).collect(),
            events: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Makes the workflow run on events named `event`.
    #[must_use]
    pub fn listening_to(mut self, event: impl Into<String>) -> Self {
        self.events.push(event.into());
        self
    }

    /// Makes every run of `version` fail and record an error with `message`.
    #[must_use]
    pub fn failing_in(mut self, version: impl Into<String>, message: impl Into<String>) -> Self {
        self.failures.push((version.into(), message.into()));
        self
    }

    /// Returns the official contract's number of `version`: its position in
    /// [`versions`](Self::versions), counting from 1.
    pub fn version_number(&self, version: &str) -> Option<u32> {
        self.position(version)
            .and_then(|index| u32::try_from(index + 1).ok())
    }

    /// Returns the version name that the official contract's `number` stands for.
    pub fn version_name(&self, number: u32) -> Option<&str> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        self.versions.get(index).map(String::as_str)
    }

    /// Returns the official contract's number of the latest version.
    pub fn latest_version_number(&self) -> u32 {
        u32::try_from(self.versions.len()).unwrap_or(u32::MAX)
    }

    /// Returns the display name the official contract shows (`name`, and what
    /// `workflowName` matches, in any case): the id without its `wf_` prefix, words separated
    /// by spaces, first letter upper case (`wf_shopify_order_sync` is `Shopify order sync`).
    pub fn name(&self) -> String {
        let id = self
            .workflow_id
            .strip_prefix("wf_")
            .unwrap_or(&self.workflow_id);
        let mut name = id
            .split('_')
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(first) = name.get(..1) {
            name = first.to_ascii_uppercase() + &name[1..];
        }
        name
    }

    /// Returns the first (oldest) version, the one new installations get.
    pub(crate) fn first_version(&self) -> &str {
        &self.versions[0]
    }

    /// Returns the position of `version` in the version list.
    pub(crate) fn position(&self, version: &str) -> Option<usize> {
        self.versions.iter().position(|v| v == version)
    }

    /// Returns the error message of runs at `version`, if that version always fails.
    pub(crate) fn failure_at(&self, version: &str) -> Option<&str> {
        self.failures
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, message)| message.as_str())
    }
}

/// Checks that ids are non-empty and unique and that every workflow has a version.
pub(crate) fn validate(catalog: &[CatalogEntry]) -> Result<(), String> {
    let mut integrations = HashSet::new();
    let mut workflows = HashSet::new();
    for entry in catalog {
        if entry.integration_id.is_empty() {
            return Err("a catalog entry has an empty integration id".to_owned());
        }
        if !integrations.insert(entry.integration_id.as_str()) {
            return Err(format!(
                "duplicate integration id `{}`",
                entry.integration_id
            ));
        }
        for workflow in &entry.workflows {
            if workflow.workflow_id.is_empty() {
                return Err(format!(
                    "integration `{}` has a workflow with an empty id",
                    entry.integration_id
                ));
            }
            if !workflows.insert(workflow.workflow_id.as_str()) {
                return Err(format!("duplicate workflow id `{}`", workflow.workflow_id));
            }
            if workflow.versions.is_empty() {
                return Err(format!(
                    "workflow `{}` has no version",
                    workflow.workflow_id
                ));
            }
            let mut versions = HashSet::new();
            if let Some(duplicate) = workflow.versions.iter().find(|v| !versions.insert(*v)) {
                return Err(format!(
                    "workflow `{}` lists version `{duplicate}` twice",
                    workflow.workflow_id
                ));
            }
        }
    }
    Ok(())
}

/// What a credential of one app needs: whether it is connected through OAuth, and the
/// properties (name, display name, description) it must be given.
///
/// For an OAuth app the properties are what the OAuth link needs besides the user (such as
/// Shopify's `shopSubdomain`, which `GET /headless/oauthUrl` takes as an extra query
/// parameter); for the others they are the fields of the credential itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AppCredential {
    pub(crate) is_oauth: bool,
    pub(crate) properties: &'static [(&'static str, &'static str, &'static str)],
}

/// Returns what a credential of the app named `connector` (see [`CatalogEntry::connector`])
/// needs: the default catalog's apps have their own structure, any other app an API key.
pub(crate) fn app_credential(connector: &str) -> AppCredential {
    match connector {
        "shopify" => AppCredential {
            is_oauth: true,
            properties: &[(
                "shopSubdomain",
                "Shop subdomain",
                "The shop's subdomain: `acme` for acme.myshopify.com",
            )],
        },
        "hubspot" | "slack" => AppCredential {
            is_oauth: true,
            properties: &[],
        },
        "netsuite" => AppCredential {
            is_oauth: false,
            properties: &[
                ("accountId", "Account ID", "The NetSuite account ID"),
                (
                    "consumerKey",
                    "Consumer key",
                    "The consumer key of the integration record",
                ),
                (
                    "consumerSecret",
                    "Consumer secret",
                    "The consumer secret of the integration record",
                ),
                ("tokenId", "Token ID", "The ID of the access token"),
                (
                    "tokenSecret",
                    "Token secret",
                    "The secret of the access token",
                ),
            ],
        },
        _ => AppCredential {
            is_oauth: false,
            properties: &[("apiKey", "API key", "An API key of the app")],
        },
    }
}

/// The block id of a workflow's connector, as the integrations and logs show it.
pub(crate) fn block_id(workflow: &CatalogWorkflow, connector: &str) -> String {
    format!("{}_{connector}", workflow.workflow_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the catalog as the docs list it: one row per workflow.
    fn table(catalog: &[CatalogEntry]) -> String {
        let quoted = |items: &[String]| {
            items
                .iter()
                .map(|item| format!("`{item}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut table = String::from(
            "| Integration | Workflow | Versions | Events | New users | Fails at |\n\
             |---|---|---|---|---|---|\n",
        );
        for entry in catalog {
            for (index, workflow) in entry.workflows.iter().enumerate() {
                let integration = if index == 0 {
                    format!(
                        "`{}` ({}, {})",
                        entry.integration_id, entry.name, entry.category
                    )
                } else {
                    String::new()
                };
                let fails: Vec<String> = workflow
                    .failures
                    .iter()
                    .map(|(version, _)| version.clone())
                    .collect();
                table.push_str(&format!(
                    "| {integration} | `{}` | {} | {} | {} | {} |\n",
                    workflow.workflow_id,
                    workflow.versions.join(", "),
                    quoted(&workflow.events),
                    if entry.auto_install {
                        "installed"
                    } else {
                        "not installed"
                    },
                    if fails.is_empty() {
                        "none".to_owned()
                    } else {
                        fails.join(", ")
                    },
                ));
            }
        }
        table
    }

    /// The lines of `text` that start with `prefix`, without it.
    fn unprefixed(text: &str, prefix: &str) -> String {
        text.lines()
            .filter_map(|line| {
                line.strip_prefix(prefix)
                    .or_else(|| (line == prefix.trim_end()).then_some(""))
            })
            .map(|line| format!("{line}\n"))
            .collect()
    }

    /// The crate docs, the README and `default_catalog`'s docs list the default catalog
    /// exactly as it is, so a workflow or event added to it cannot go undocumented.
    #[test]
    fn the_docs_list_the_default_catalog() {
        let expected = table(&CatalogEntry::default_catalog());
        for (name, text) in [
            ("lib.rs", unprefixed(include_str!("../lib.rs"), "//! ")),
            ("README.md", include_str!("../../README.md").to_owned()),
            (
                "catalog.rs",
                unprefixed(include_str!("catalog.rs"), "    /// "),
            ),
        ] {
            assert!(
                text.contains(&expected),
                "{name} does not list the default catalog as:\n{expected}"
            );
        }
    }
}
