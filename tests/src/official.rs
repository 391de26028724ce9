//! Alloy's official 2025-09 document (`spec/alloy-embedded-2025-09-official.yaml`) as test
//! expectations: its operations by method and path template, the exact requests they
//! accept, and response bodies with every field their success schema declares.
//!
//! Everything is read from the document at run time, never copied by hand, so a test that
//! uses it checks the client against the document itself.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use crate::Recorded;
use crate::schema::{resolve, validate};

/// The official document, parsed from YAML into JSON values.
pub static OFFICIAL: LazyLock<Value> = LazyLock::new(|| {
    serde_norway::from_str(include_str!(
        "../../spec/alloy-embedded-2025-09-official.yaml"
    ))
    .expect("the official document is valid YAML")
});

/// The operation object of `method` (any case) on the path `template` (OpenAPI form,
/// `/users/{userId}`).
///
/// # Panics
///
/// If the document has no such operation.
pub fn operation(method: &str, template: &str) -> &'static Value {
    OFFICIAL["paths"]
        .get(template)
        .and_then(|item| item.get(method.to_ascii_lowercase()))
        .unwrap_or_else(|| panic!("the official document has no {method} {template}"))
}

/// The parameters of an operation declared `in` (`"query"`, `"path"`, `"header"`), with
/// `$ref`s followed.
pub fn parameters(method: &str, template: &str, location: &str) -> Vec<&'static Value> {
    operation(method, template)["parameters"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .map(|p| resolve(&OFFICIAL, p))
                .filter(|p| p["in"] == location)
                .collect()
        })
        .unwrap_or_default()
}

/// The schema of an operation's JSON request body, if it takes one.
pub fn request_schema(method: &str, template: &str) -> Option<&'static Value> {
    operation(method, template)
        .get("requestBody")
        .map(|body| &body["content"]["application/json"]["schema"])
}

/// The success status an operation answers with and the schema of its body.
pub fn success(method: &str, template: &str) -> (u16, &'static Value) {
    let (status, response) = operation(method, template)["responses"]
        .as_object()
        .expect("responses")
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap_or_else(|| panic!("{method} {template} documents no success"));
    (
        status.parse().expect("a numeric status"),
        &response["content"]["application/json"]["schema"],
    )
}

/// A body for the success response of an operation with every field its schema declares,
/// each filled with a value of its type and format (see [`sample`]).
pub fn sample_response(method: &str, template: &str) -> Value {
    let (_, schema) = success(method, template);
    sample(schema, "value")
}

/// A value of `schema` with every declared property present: strings are `"<name>-1"`
/// (or a date-time, date or the first enum value, as the schema asks), integers 7, numbers
/// 1.5, booleans `true`, arrays one element, objects without declared properties one
/// entry (of the type `additionalProperties` asks, else a string).
pub fn sample(schema: &Value, name: &str) -> Value {
    let schema = resolve(&OFFICIAL, schema);
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema["type"].as_str().unwrap_or("object") {
        "string" => match schema["format"].as_str() {
            Some("date-time") => json!("2025-09-01T10:00:00Z"),
            Some("date") => json!("2025-09-01"),
            _ => json!(format!("{name}-1")),
        },
        "integer" => json!(7),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "array" => json!([sample(&schema["items"], name)]),
        _ => {
            let mut object = Map::new();
            match schema.get("properties").and_then(Value::as_object) {
                Some(properties) if !properties.is_empty() => {
                    for (key, sub) in properties {
                        object.insert(key.clone(), sample(sub, key));
                    }
                }
                _ => {
                    let value = match schema.get("additionalProperties") {
                        Some(extra) if extra.is_object() => sample(extra, "extra"),
                        _ => json!("extra-1"),
                    };
                    object.insert("extra".to_owned(), value);
                }
            }
            Value::Object(object)
        }
    }
}

/// Asserts that a request the server read is one the official document accepts for
/// `method` `template`:
///
/// - the method, and a path that matches the template segment by segment (each
///   placeholder filled with one non-empty segment);
/// - `Authorization: Bearer ...` and `x-api-version: 2025-09` (the document's header
///   parameter);
/// - every query key declared by the operation, every required one present, each value of
///   its schema's type;
/// - a JSON body exactly when the operation takes one, with `Content-Type:
///   application/json`, valid against the document's schema (required fields present,
///   types and formats right) and with no field the schema does not declare.
///
/// # Panics
///
/// On the first problem, naming the operation and showing the request.
#[track_caller]
pub fn assert_request_conforms(request: &Recorded, method: &str, template: &str) {
    let op = operation(method, template);
    let id = op["operationId"].as_str().unwrap_or(template);
    assert_eq!(
        request.method,
        method.to_ascii_uppercase(),
        "{id}: method of {request:#?}"
    );

    let sent: Vec<&str> = request.path().split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    assert_eq!(
        sent.len(),
        expected.len(),
        "{id}: path {} does not match {template}",
        request.path()
    );
    for (s, e) in sent.iter().zip(&expected) {
        if e.starts_with('{') {
            assert!(!s.is_empty(), "{id}: empty segment for {e}");
        } else {
            assert_eq!(
                s,
                e,
                "{id}: path {} does not match {template}",
                request.path()
            );
        }
    }

    let authorization = request.header("authorization").unwrap_or_default();
    assert!(
        authorization.starts_with("Bearer ") && authorization.len() > 7,
        "{id}: authorization of {request:#?}"
    );
    assert_eq!(
        request.header_values("x-api-version"),
        ["2025-09"],
        "{id}: x-api-version of {request:#?}"
    );

    let declared = parameters(method, template, "query");
    let pairs: Vec<(String, String)> = request
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    for (key, value) in &pairs {
        let param = declared
            .iter()
            .find(|p| p["name"] == key.as_str())
            .unwrap_or_else(|| panic!("{id}: query key `{key}` is not declared: {request:#?}"));
        let typed = match param["schema"]["type"].as_str() {
            Some("integer") => value.parse::<i64>().is_ok(),
            Some("number") => value.parse::<f64>().is_ok(),
            Some("boolean") => matches!(value.as_str(), "true" | "false"),
            _ => true,
        };
        assert!(
            typed,
            "{id}: query `{key}={value}` is not of its declared type"
        );
        if let Some(allowed) = param["schema"]["enum"].as_array() {
            assert!(
                allowed.iter().any(|a| a == value.as_str()),
                "{id}: query `{key}={value}` is not one of {allowed:?}"
            );
        }
    }
    for param in declared.iter().filter(|p| p["required"] == true) {
        let name = param["name"].as_str().unwrap_or_default();
        assert!(
            pairs.iter().any(|(k, _)| k == name),
            "{id}: required query parameter `{name}` missing: {request:#?}"
        );
    }

    match request_schema(method, template) {
        None => {
            assert!(
                request.body.is_empty(),
                "{id}: a body was sent: {request:#?}"
            );
            assert_eq!(
                request.header("content-type"),
                None,
                "{id}: content-type without a body"
            );
        }
        Some(schema) => {
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{id}: content-type of {request:#?}"
            );
            let body: Value = serde_json::from_slice(&request.body)
                .unwrap_or_else(|e| panic!("{id}: the body is not JSON ({e}): {request:#?}"));
            let mut problems = Vec::new();
            validate(&OFFICIAL, schema, &body, id, &mut problems);
            undeclared_fields(schema, &body, id, &mut problems);
            assert!(problems.is_empty(), "{id}: {problems:#?}");
        }
    }
}

/// Reports every field of `value` that `schema` does not declare, where it declares its
/// properties (objects without declared properties hold free-form data).
fn undeclared_fields(schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(&OFFICIAL, schema);
    match (value, schema.get("properties").and_then(Value::as_object)) {
        (Value::Object(object), Some(properties)) if !properties.is_empty() => {
            for (key, v) in object {
                match properties.get(key) {
                    Some(sub) => undeclared_fields(sub, v, &format!("{at}.{key}"), problems),
                    None => problems.push(format!("{at}: `{key}` is not declared")),
                }
            }
        }
        (Value::Array(items), _) => {
            for (i, v) in items.iter().enumerate() {
                undeclared_fields(&schema["items"], v, &format!("{at}[{i}]"), problems);
            }
        }
        _ => {}
    }
}
