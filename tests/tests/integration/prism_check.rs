//! The Prism checker's own logic (`tests::prism`): what it compares, it compares right.

use serde_json::Value;
use tests::prism::{
    Contract, Document, Exchange, check_query_keys, form_urlencoded_keys, violation_messages,
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
