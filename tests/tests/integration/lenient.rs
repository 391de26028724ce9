//! Lenient where Alloy's reference is loose, strict where it is not: for every response model
//! with fields the reference types only from an example (or marks unverified), a value of
//! another type in one of them decodes as absent and stays readable, while a value of the
//! wrong type in a field it types by its schema fails the decode.
//!
//! Each test starts from a body that decodes with every field read, then changes one field.
//! A model whose own fields are all lenient is checked for strictness at the nearest
//! schema-typed part around it (the list or envelope that holds it).

use alloy_api::models::{
    BatchCreateUsersResponse, CredentialList, CredentialMetadata, Data, EditedInstallation,
    EventList, InstallationDetail, InstallationList, IntegrationList, Lenient, LogPage,
    SuccessResponse, UsageOverTime, UsageSummary, User, UserUsage, Workflow, WorkflowActivation,
    WorkflowAnalytics, WorkflowErrorList, WorkflowLogList, WorkflowUpgrade, WorkflowUserList,
};
use alloy_api::prelude::*;
use alloy_api::{Client, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tests::{FaultServer, Reply};

const AT: &str = "2025-09-01T10:00:00Z";

/// Returns `body` with the value at `pointer` (which must be there) replaced by `value`.
fn changed(body: &Value, pointer: &str, value: &Value) -> Value {
    let mut changed = body.clone();
    *changed
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {body}")) = value.clone();
    changed
}

/// Decodes `body` with `wrong` at `pointer`, checks that `field` of the result is absent with
/// `wrong` as its raw value (and serializes back to it), and that the unchanged body has a
/// value there.
fn lenient<T, F>(body: &Value, pointer: &str, wrong: Value, field: impl Fn(&T) -> &Lenient<F>)
where
    T: DeserializeOwned,
    F: Serialize,
{
    let read: T = serde_json::from_value(body.clone()).expect("the unchanged body decodes");
    assert!(field(&read).get().is_some(), "{pointer} is read as sent");

    let read: T = serde_json::from_value(changed(body, pointer, &wrong))
        .unwrap_or_else(|e| panic!("{wrong} at {pointer} costs the call: {e}"));
    let field = field(&read);
    assert!(field.get().is_none(), "{wrong} at {pointer} is read");
    assert_eq!(field.raw(), Some(&wrong), "{pointer}");
    assert_eq!(serde_json::to_value(field).unwrap(), wrong, "{pointer}");
}

/// Checks that `body` decodes as `T`, and does not with `wrong` at `pointer`.
fn strict<T: DeserializeOwned>(body: &Value, pointer: &str, wrong: Value) {
    serde_json::from_value::<T>(body.clone()).expect("the unchanged body decodes");
    let body = changed(body, pointer, &wrong);
    assert!(
        serde_json::from_value::<T>(body).is_err(),
        "{wrong} at {pointer} is accepted"
    );
}

#[test]
fn user() {
    let body = json!({
        "userId": "usr_1", "username": "jane", "fullName": "Jane Smith", "createdAt": AT
    });
    lenient(&body, "/fullName", json!(5), |u: &User| &u.full_name);
    lenient(&body, "/username", json!(["jane"]), |u: &User| &u.username);
    strict::<User>(&body, "/createdAt", json!(true));
    strict::<User>(&body, "/userId", json!(1));
}

#[test]
fn batch_create_users_response_and_rejected_user() {
    let body = json!({
        "message": "created", "invalidUsers": [{ "username": "a", "fullName": "A" }]
    });
    lenient(
        &body,
        "/invalidUsers/0/username",
        json!(3),
        |r: &BatchCreateUsersResponse| &r.invalid_users[0].username,
    );
    strict::<BatchCreateUsersResponse>(&body, "/message", json!(1));
    strict::<BatchCreateUsersResponse>(&body, "/invalidUsers", json!("a"));
}

#[test]
fn success_response() {
    let body = json!({ "success": true, "message": "Installation completed" });
    lenient(
        &body,
        "/message",
        json!({ "code": 1 }),
        |r: &SuccessResponse| &r.message,
    );
    strict::<SuccessResponse>(&body, "/success", json!("yes"));
}

fn workflow_body() -> Value {
    json!({ "data": {
        "workflowId": "wf_1", "name": "Orders", "createdAt": AT, "updatedAt": AT,
        "installed": true, "active": true, "version": 3, "integrationId": "int_1",
        "connectors": [{
            "connectorName": "Shopify", "connectorId": "c1", "connector": "shopify", "icon": "i"
        }]
    }})
}

#[test]
fn workflow() {
    let body = workflow_body();
    lenient(&body, "/data/version", json!("3"), |w: &Data<Workflow>| {
        &w.data.version
    });
    lenient(
        &body,
        "/data/createdAt",
        json!("yesterday"),
        |w: &Data<Workflow>| &w.data.created_at,
    );
    // The workflow's id is what a caller acts on: required, and strict.
    strict::<Data<Workflow>>(&body, "/data/workflowId", json!(5));
}

#[test]
fn workflow_connector() {
    let body = workflow_body();
    lenient(
        &body,
        "/data/connectors/0/connector",
        json!(["shopify"]),
        |w: &Data<Workflow>| &w.data.connectors[0].connector,
    );
    strict::<Data<Workflow>>(&body, "/data/connectors", json!("shopify"));
}

#[test]
fn workflow_activation() {
    let body = json!({ "activated": false, "success": true, "message": "done" });
    lenient(
        &body,
        "/activated",
        json!("no"),
        |a: &WorkflowActivation| &a.activated,
    );
    strict::<WorkflowActivation>(&body, "/success", json!("yes"));
}

#[test]
fn workflow_upgrade() {
    let body = json!({ "upgraded": true, "success": true, "message": "done" });
    lenient(
        &body,
        "/upgraded",
        json!({ "to": 3 }),
        |u: &WorkflowUpgrade| &u.upgraded,
    );
    strict::<WorkflowUpgrade>(&body, "/message", json!(1));
}

#[test]
fn workflow_user() {
    let body = json!({ "data": [{
        "username": "jane", "fullName": "Jane", "userId": "usr_1", "workflowActive": true,
        "installedVersion": 2, "installedAt": AT
    }]});
    lenient(
        &body,
        "/data/0/installedVersion",
        json!("v2"),
        |l: &WorkflowUserList| &l.users[0].installed_version,
    );
    strict::<WorkflowUserList>(&body, "/data", json!({ "users": [] }));
}

fn log_body() -> Value {
    json!({ "data": [{
        "executionId": "ex_1", "workflowId": "wf_1", "status": "success", "duration": 1200,
        "startedAt": AT, "stoppedAt": AT, "finished": true,
        "results": [{
            "connectorId": "shopify", "startedAt": AT, "stoppedAt": AT, "data": [[{ "id": 1 }]]
        }],
        "inputs": [{ "connectorId": "shopify", "data": { "orderId": "o1" } }]
    }]})
}

#[test]
fn workflow_log() {
    let body = log_body();
    lenient(
        &body,
        "/data/0/finished",
        json!("yes"),
        |l: &WorkflowLogList| &l.logs[0].finished,
    );
    lenient(
        &body,
        "/data/0/startedAt",
        json!(false),
        |l: &WorkflowLogList| &l.logs[0].executed_at,
    );
    strict::<WorkflowLogList>(&body, "/data/0/duration", json!("1200 ms"));
    strict::<WorkflowLogList>(&body, "/data/0/executionId", json!(1));
}

#[test]
fn step_result() {
    let body = log_body();
    lenient(
        &body,
        "/data/0/results/0/data",
        json!("rows"),
        |l: &WorkflowLogList| &l.logs[0].results[0].data,
    );
    strict::<WorkflowLogList>(&body, "/data/0/results", json!({ "data": [] }));
}

#[test]
fn step_input() {
    let body = log_body();
    lenient(
        &body,
        "/data/0/inputs/0/data",
        json!([1]),
        |l: &WorkflowLogList| &l.logs[0].inputs[0].data,
    );
    strict::<WorkflowLogList>(&body, "/data/0/inputs", json!("none"));
}

#[test]
fn workflow_error() {
    let body = json!({ "data": [{
        "errorId": "err_1", "workflowId": "wf_1", "block": "Shopify", "message": "boom",
        "errorOccurredAt": AT
    }]});
    lenient(
        &body,
        "/data/0/block",
        json!({ "id": 3 }),
        |l: &WorkflowErrorList| &l.errors[0].block,
    );
    lenient(
        &body,
        "/data/0/errorOccurredAt",
        json!([AT]),
        |l: &WorkflowErrorList| &l.errors[0].occurred_at,
    );
    strict::<WorkflowErrorList>(&body, "/data/0/errorId", json!(9));
}

#[test]
fn workflow_analytics() {
    let body = json!({ "totalAppActions": 4, "totalWorkflowRuns": 2, "totalErrors": 0 });
    lenient(&body, "/totalErrors", json!(-1), |a: &WorkflowAnalytics| {
        &a.total_errors
    });
    // Every counter is lenient; the answer itself must still be an object.
    strict::<WorkflowAnalytics>(&body, "", json!("4 actions"));
}

#[test]
fn custom_event() {
    let body = json!({ "data": [{
        "name": "order.created", "description": "An order", "body": { "orderId": "o1" }
    }]});
    lenient(&body, "/data/0/name", json!(5), |l: &EventList| {
        &l.events[0].name
    });
    strict::<EventList>(&body, "/data", json!("order.created"));
}

fn log_page_body() -> Value {
    json!({
        "notifications": [{
            "_id": "n1", "message": "executionError",
            "data": { "executionId": "ex_1", "executionUuid": "uuid-1" },
            "startedAt": AT, "completedAt": AT, "createdAt": AT, "customVersion": false,
            "workflowVersion": 2, "teamId": "team_1", "forgeWorkflowId": "wf_parent",
            "workflowId": "wf_1", "userId": "usr_1",
            "user": { "email": "jane@example.com", "fullName": "Jane" },
            "forgeWorkflow": {
                "name": "Orders",
                "integrationId": { "_id": "int_1", "name": "Shopify", "blockId": "b1", "icon": "i" }
            }
        }],
        "lastFetched": AT,
        "pagination": { "totalItems": 1, "totalPages": 1, "currentPage": 1, "pageSize": 10 }
    })
}

#[test]
fn log_page_and_pagination() {
    let body = log_page_body();
    lenient(&body, "/pagination", json!("1 of 1"), |p: &LogPage| {
        &p.pagination
    });
    lenient(
        &body,
        "/pagination/totalItems",
        json!("1"),
        |p: &LogPage| &p.pagination.get().unwrap().total_items,
    );
    strict::<LogPage>(&body, "/notifications", json!({ "n1": {} }));
}

#[test]
fn log_entry() {
    let body = log_page_body();
    lenient(
        &body,
        "/notifications/0/workflowVersion",
        json!("2"),
        |p: &LogPage| &p.notifications[0].workflow_version,
    );
    strict::<LogPage>(&body, "/notifications/0", json!("n1"));
}

#[test]
fn log_execution_user_workflow_and_integration() {
    let body = log_page_body();
    lenient(
        &body,
        "/notifications/0/data/executionId",
        json!(1),
        |p: &LogPage| &p.notifications[0].data.get().unwrap().execution_id,
    );
    lenient(
        &body,
        "/notifications/0/user/email",
        json!(false),
        |p: &LogPage| &p.notifications[0].user.get().unwrap().email,
    );
    lenient(
        &body,
        "/notifications/0/forgeWorkflow/integrationId",
        json!("int_1"),
        |p: &LogPage| {
            &p.notifications[0]
                .forge_workflow
                .get()
                .unwrap()
                .integration_id
        },
    );
    lenient(
        &body,
        "/notifications/0/forgeWorkflow/integrationId/_id",
        json!(7),
        |p: &LogPage| {
            &p.notifications[0]
                .forge_workflow
                .get()
                .unwrap()
                .integration_id
                .get()
                .unwrap()
                .id
        },
    );
    // Their fields are all lenient; the feed holding them is not.
    strict::<LogPage>(&body, "/notifications", json!(true));
}

fn integrations_body() -> Value {
    json!({ "data": [{
        "integrationId": "int_1", "app": "Shopify", "description": "Sync orders",
        "category": "commerce", "icon": "i", "installed": true,
        "workflows": [{
            "workflowId": "wf_1", "name": "Orders", "installed": true, "active": true,
            "version": 3, "installedVersion": 2,
            "connectors": [{
                "name": "Shopify", "id": "c1", "connector": "shopify", "icon": "i",
                "subtitle": "Gets orders"
            }]
        }],
        "credentials": ["shopify"]
    }]})
}

#[test]
fn integration() {
    let body = integrations_body();
    lenient(
        &body,
        "/data/0/app",
        json!({ "id": 2 }),
        |l: &IntegrationList| &l.integrations[0].app,
    );
    lenient(
        &body,
        "/data/0/credentials",
        json!("shopify"),
        |l: &IntegrationList| &l.integrations[0].credentials,
    );
    strict::<IntegrationList>(&body, "/data/0/category", json!(7));
    strict::<IntegrationList>(&body, "/data/0/integrationId", json!(2));
}

#[test]
fn integration_workflow() {
    let body = integrations_body();
    lenient(
        &body,
        "/data/0/workflows/0/installedVersion",
        json!("2"),
        |l: &IntegrationList| &l.integrations[0].workflows[0].installed_version,
    );
    strict::<IntegrationList>(&body, "/data/0/workflows/0/workflowId", json!(1));
}

#[test]
fn connector() {
    let body = integrations_body();
    lenient(
        &body,
        "/data/0/workflows/0/connectors/0/subtitle",
        json!(["Gets orders"]),
        |l: &IntegrationList| &l.integrations[0].workflows[0].connectors[0].subtitle,
    );
    strict::<IntegrationList>(&body, "/data/0/workflows/0/connectors", json!("shopify"));
}

#[test]
fn installation() {
    let body = json!({ "data": [{
        "installationId": "inst_1", "integrationId": "int_slack", "userId": "usr_1",
        "formData": [{
            "workflowId": "wf_1", "app": "slack", "blockId": "b1",
            "fields": [{
                "name": "channel", "displayName": "Channel", "type": "text", "required": true
            }]
        }],
        "credentialIds": { "slack": "cred_1" }, "workflowIds": ["wf_1"], "installedAt": AT,
        "enabled": true
    }]});
    lenient(
        &body,
        "/data/0/credentialIds",
        json!(["cred_1"]),
        |l: &InstallationList| &l.installations[0].credential_ids,
    );
    lenient(
        &body,
        "/data/0/workflowIds",
        json!("wf_1"),
        |l: &InstallationList| &l.installations[0].workflow_ids,
    );
    strict::<InstallationList>(&body, "/data/0/formData/0/fields/0/required", json!("yes"));
    strict::<InstallationList>(&body, "/data/0/userId", json!(1));
}

#[test]
fn installation_detail() {
    let body = json!({ "data": {
        "installationId": "inst_1", "integrationId": "int_slack", "userId": "usr_1",
        "formData": [{ "any": 1 }], "credentialIds": { "slack": "cred_1" },
        "workflowIds": ["wf_1"], "installedAt": AT, "enabled": true
    }});
    lenient(
        &body,
        "/data/enabled",
        json!("yes"),
        |d: &Data<InstallationDetail>| &d.data.enabled,
    );
    strict::<Data<InstallationDetail>>(&body, "/data/userId", json!(5));
    strict::<Data<InstallationDetail>>(&body, "/data/formData", json!({ "any": 1 }));
}

#[test]
fn edited_installation() {
    let body = json!({ "data": {
        "installationId": "inst_1", "integrationId": "int_slack", "userId": "usr_1",
        "formData": [], "credentialIds": { "slack": "cred_1" }, "workflowIds": ["wf_1"],
        "installedData": [{ "block": 1 }], "installedAt": AT
    }});
    lenient(
        &body,
        "/data/installedData",
        json!({ "block": 1 }),
        |d: &Data<EditedInstallation>| &d.data.installed_data,
    );
    lenient(
        &body,
        "/data/installationId",
        json!(1),
        |d: &Data<EditedInstallation>| &d.data.installation_id,
    );
    // Every field is lenient; the envelope is not.
    strict::<Data<EditedInstallation>>(&body, "/data", json!("inst_1"));
}

#[test]
fn credential() {
    let body = json!({ "data": [{
        "credentialId": "cred_1", "type": "shopify", "name": "Shop", "createdAt": AT,
        "updatedAt": AT
    }]});
    lenient(
        &body,
        "/data/0/createdAt",
        json!("last week"),
        |l: &CredentialList| &l.credentials[0].created_at,
    );
    lenient(
        &body,
        "/data/0/type",
        json!({ "app": "shopify" }),
        |l: &CredentialList| &l.credentials[0].credential_type,
    );
    strict::<CredentialList>(&body, "/data/0/credentialId", json!(3));
}

#[test]
fn credential_metadata_and_property() {
    let body = json!({ "data": {
        "name": "shopify", "connector": "shopify", "icon": "i", "isOauth": true,
        "properties": [{
            "name": "shopSubdomain", "displayName": "Shop", "description": "Your shop"
        }]
    }});
    lenient(
        &body,
        "/data/isOauth",
        json!("no"),
        |d: &Data<CredentialMetadata>| &d.data.is_oauth,
    );
    lenient(
        &body,
        "/data/properties/0/displayName",
        json!(1),
        |d: &Data<CredentialMetadata>| &d.data.properties[0].display_name,
    );
    strict::<Data<CredentialMetadata>>(&body, "/data/properties", json!("shopSubdomain"));
    strict::<Data<CredentialMetadata>>(&body, "/data/properties/0", json!("shopSubdomain"));
}

#[test]
fn usage_summary() {
    let body = json!({ "data": {
        "startDate": "2025-09-01", "endDate": "2025-09-30", "executionsLimit": 1000,
        "sevenDays": 12, "thirtyDays": 40, "lastThreeMonths": 90, "billingCycle": 40,
        "appActions": 30, "apiActions": 10
    }});
    lenient(
        &body,
        "/data/sevenDays",
        json!("12"),
        |d: &Data<UsageSummary>| &d.data.seven_days,
    );
    lenient(
        &body,
        "/data/startDate",
        json!("09/01/2025"),
        |d: &Data<UsageSummary>| &d.data.start_date,
    );
    // Every field is lenient (Alloy's reference types the whole answer from an example);
    // the envelope is not.
    strict::<Data<UsageSummary>>(&body, "/data", json!("12 actions"));
}

#[test]
fn usage_over_time_and_period() {
    let body = json!({ "data": {
        "startDate": "2025-09-01", "endDate": "2025-09-30", "totalActions": 4,
        "data": [{
            "appActions": 3, "month": "September", "year": 2025, "date": "2025-09-01",
            "apiActions": 1, "count": 4
        }],
        "timePeriod": "current-billing-cycle"
    }});
    lenient(
        &body,
        "/data/data",
        json!({ "2025-09": 4 }),
        |d: &Data<UsageOverTime>| &d.data.periods,
    );
    lenient(
        &body,
        "/data/data/0/date",
        json!("September"),
        |d: &Data<UsageOverTime>| &d.data.periods[0].date,
    );
    strict::<Data<UsageOverTime>>(&body, "/data", json!(4));
}

#[test]
fn user_usage_and_period() {
    let body = json!({ "data": {
        "userName": "jane", "userId": "usr_1", "userCreatedDate": AT, "isDeleted": false,
        "startDate": "2025-09-01", "endDate": "2025-09-30", "totalActions": 3,
        "data": [{
            "month": "September", "userName": "jane", "isDeleted": false, "date": "2025-09-01",
            "userId": "usr_1", "userCreatedDate": "2025-08-01", "apiActions": 1, "count": 3,
            "appActions": 2
        }],
        "timePeriod": "current-billing-cycle"
    }});
    lenient(
        &body,
        "/data/userCreatedDate",
        json!("soon"),
        |d: &Data<UserUsage>| &d.data.user_created_date,
    );
    lenient(
        &body,
        "/data/data/0/userCreatedDate",
        json!("2025-13-45"),
        |d: &Data<UserUsage>| &d.data.periods[0].user_created_date,
    );
    strict::<Data<UserUsage>>(&body, "/data", json!("usr_1"));
}

fn client(server: &FaultServer) -> Client {
    tests::client_without_retries(&server.base_url())
}

/// Regression: one integration whose `app` was `{"id": 2}` made the whole `list_integrations`
/// call fail with a decode error, though `app` is typed only from an example in Alloy's
/// reference.
#[tokio::test]
async fn an_odd_app_costs_that_field_not_the_list() {
    let server = FaultServer::start().await;
    let body = json!({ "data": [
        { "integrationId": "int_1", "app": { "id": 2 }, "installed": true },
        { "integrationId": "int_2", "app": "Slack", "installed": false }
    ]});
    server.route("GET", "/integrations", Reply::json(200, &body));

    let list = client(&server).list_integrations("usr_1").await.unwrap();
    let [odd, plain] = &list.integrations[..] else {
        panic!("two integrations: {list:?}");
    };
    assert_eq!(odd.integration_id, "int_1");
    assert_eq!(odd.app.get(), None);
    assert_eq!(odd.app.raw(), Some(&json!({ "id": 2 })));
    assert_eq!(odd.installed, Some(true));
    assert_eq!(plain.app.as_deref(), Some("Slack"));
    assert_eq!(
        serde_json::to_value(&list.integrations).unwrap(),
        body["data"]
    );
}

/// A wrong type in a field the reference types by its schema (`category`, typed by the seed
/// document) still fails the call, with the body kept.
#[tokio::test]
async fn a_wrong_type_in_a_schema_typed_field_fails_the_call() {
    let server = FaultServer::start().await;
    let body = json!({ "data": [{ "integrationId": "int_1", "category": 7 }] });
    server.route("GET", "/integrations", Reply::json(200, &body));

    let error = client(&server)
        .list_integrations("usr_1")
        .await
        .unwrap_err();
    let Error::Decode { body: kept, .. } = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(serde_json::from_slice::<Value>(kept).unwrap(), body);
}
