//! The Prism checker's own logic (`tests::prism`): what it compares, it compares right.

use alloy_api::models::FormBlock;
use serde_json::{Value, json};
use tests::prism::{
    Contract, Document, Exchange, OPERATIONS, Operation, check_query_keys, fill_form,
    form_urlencoded_keys, violation_messages,
};

fn exchange(method: &str, template: &'static str, query: &str) -> Exchange {
    Exchange {
        method: method.to_owned(),
        template,
        query_keys: form_urlencoded_keys(query).map(str::to_owned).collect(),
        status: 200,
        violations: None,
        body: Value::Null,
    }
}

#[test]
fn query_keys_are_compared_case_sensitively() {
    let document = Document::load(Contract::Seed).unwrap();
    let other = Document::load(Contract::Official).unwrap();
    let mut problems = Vec::new();
    let sent = exchange("get", "/integrations", "userId=u");
    check_query_keys(&document, &other, &sent, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");

    let sent = exchange("get", "/integrations", "userid=u");
    check_query_keys(&document, &other, &sent, &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("`userid`"));
    assert!(problems[1].contains("`userId` was not sent"));
}

#[test]
fn a_key_only_the_other_document_declares_is_allowed_and_an_unknown_one_is_not() {
    let seed = Document::load(Contract::Seed).unwrap();
    let official = Document::load(Contract::Official).unwrap();
    let mut problems = Vec::new();
    let sent = exchange("get", "/users/{userId}/token", "userId=u");
    check_query_keys(&seed, &official, &sent, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    let sent = exchange("get", "/users/{userId}/token", "user=u");
    check_query_keys(&seed, &official, &sent, &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn parameter_references_are_followed() {
    let document = Document::load(Contract::Official).unwrap();
    let declared = document.query_parameters("get", "/users/{userId}/token");
    assert_eq!(declared, [("userId".to_owned(), true)]);
    let operation = document.operation("get", "/users/{userId}/token").unwrap();
    let version = document.resolve(&operation["parameters"][1]);
    assert_eq!(version["name"], "x-api-version");
}

#[test]
fn violations_are_described() {
    let header = r#"[{"location":["request","query","userId"],"severity":"Error","message":"must be string"}]"#;
    assert_eq!(
        violation_messages(header),
        ["Error at request.query.userId: must be string"]
    );
}

/// The rows of the table that a document has: what the checker calls for it.
fn rows_of(document: &Document) -> Vec<&'static Operation> {
    OPERATIONS
        .iter()
        .filter(|row| document.operation(row.method, row.path).is_some())
        .collect()
}

#[test]
fn the_table_covers_every_operation_of_both_documents_and_nothing_else() {
    let official = Document::load(Contract::Official).unwrap();
    let seed = Document::load(Contract::Seed).unwrap();
    for document in [&official, &seed] {
        for (method, path, id) in document.operations() {
            assert!(
                OPERATIONS
                    .iter()
                    .any(|row| row.method == method && row.path == path),
                "{id} ({method} {path}) is not in the table"
            );
        }
    }
    for row in OPERATIONS {
        assert!(
            official.operation(row.method, row.path).is_some()
                || seed.operation(row.method, row.path).is_some(),
            "{} ({} {}) is in neither document",
            row.name,
            row.method,
            row.path
        );
    }
    // 38 operations and the paged form of the workflow logs; the seed document has 10.
    assert_eq!(official.operations().len(), 38);
    assert_eq!(rows_of(&official).len(), 39);
    assert_eq!(rows_of(&seed).len(), 11);
}

#[test]
fn rows_are_named_by_the_seed_operation_id_or_else_the_official_one() {
    let official = Document::load(Contract::Official).unwrap();
    let seed = Document::load(Contract::Seed).unwrap();
    let id_in = |document: &Document, row: &Operation| {
        document.operation(row.method, row.path).map(|operation| {
            operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
    };
    for row in OPERATIONS {
        let expected = id_in(&seed, row).or_else(|| id_in(&official, row)).unwrap();
        // The paged form of an operation is named after it.
        let name = row.name.strip_suffix(" (page)").unwrap_or(row.name);
        assert_eq!(name, expected, "{} {}", row.method, row.path);
    }
    let names: Vec<_> = OPERATIONS.iter().map(|row| row.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

#[test]
fn the_form_is_filled_with_the_credential_and_stand_ins() {
    let form: Vec<FormBlock> = serde_json::from_value(json!([
        {
            "workflowId": "wf_1",
            "blockId": "block_1",
            "app": "slack",
            "fields": [
                {"name": "credentialId", "type": "credential", "required": true},
                {"name": "channel", "type": "string"},
                {"type": "string"}
            ]
        },
        {"workflowId": "wf_2", "blockId": "block_2"},
        {"blockId": "block_without_workflow", "fields": [{"name": "x"}]}
    ]))
    .unwrap();
    let request = fill_form("inst_1", &form, "cred_1");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "installationId": "inst_1",
            "data": [
                {
                    "workflowId": "wf_1",
                    "blockId": "block_1",
                    "fields": [
                        {"name": "credentialId", "value": "cred_1"},
                        {"name": "channel", "value": "prism-check"}
                    ]
                },
                {"workflowId": "wf_2", "blockId": "block_2"}
            ]
        })
    );
    let empty = fill_form("inst_1", &[], "cred_1");
    assert_eq!(
        serde_json::to_value(&empty).unwrap(),
        json!({"installationId": "inst_1", "data": []})
    );
}
