//! A validator for the subset of OpenAPI 3.0 schemas the two contract documents use.

use serde_json::Value;

/// Follows a local `$ref` (`#/components/...`) within `doc`.
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"))
        }
        None => schema,
    }
}

/// Validates `value` against an OpenAPI 3.0 schema of `doc`; supports exactly the keywords the
/// two documents use and fails on any other, so a schema feature this check ignores cannot
/// pass silently. `x-*` extension keys are annotations (`x-from-example`, `x-unverified`,
/// `x-note`) and are skipped on purpose, as are `default` and `example`, which say nothing
/// about valid values.
pub fn validate(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    for key in schema.as_object().unwrap().keys() {
        assert!(
            key.starts_with("x-")
                || matches!(
                    key.as_str(),
                    "type"
                        | "properties"
                        | "required"
                        | "items"
                        | "enum"
                        | "format"
                        | "title"
                        | "description"
                        | "example"
                        | "default"
                        | "additionalProperties"
                        | "maxItems"
                ),
            "the conformance check does not support the schema keyword `{key}`"
        );
    }
    let ty = schema["type"].as_str().unwrap_or("object");
    let type_ok = match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("unsupported type {other}"),
    };
    if !type_ok {
        problems.push(format!("{at}: expected {ty}, got {value}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match (schema.get("format").and_then(Value::as_str), value.as_str()) {
        (Some("date-time"), Some(s)) => {
            if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                problems.push(format!("{at}: `{s}` is not an RFC 3339 date-time"));
            }
        }
        (Some("date"), Some(s)) => {
            if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
                problems.push(format!("{at}: `{s}` is not a full date (YYYY-MM-DD)"));
            }
        }
        (Some("uri"), Some(s)) => {
            if !(s.starts_with("https://") || s.starts_with("http://")) {
                problems.push(format!("{at}: `{s}` is not an absolute URI"));
            }
        }
        (Some("int32"), _) => {
            if value.as_i64().is_none_or(|n| i32::try_from(n).is_err()) {
                problems.push(format!("{at}: {value} is not a 32-bit integer"));
            }
        }
        (Some(other), _) => panic!("unsupported format {other}"),
        (None, _) => {}
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for field in required {
            if value.get(field.as_str().unwrap()).is_none() {
                problems.push(format!("{at}: missing required field {field}"));
            }
        }
    }
    if let (Some(properties), Some(object)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (name, sub) in properties {
            if let Some(v) = object.get(name) {
                validate(doc, sub, v, &format!("{at}.{name}"), problems);
            }
        }
    }
    if let (Some(extra), Some(object)) = (
        schema.get("additionalProperties").filter(|e| e.is_object()),
        value.as_object(),
    ) {
        let declared = schema.get("properties").and_then(Value::as_object);
        for (name, v) in object {
            if declared.is_none_or(|d| !d.contains_key(name)) {
                validate(doc, extra, v, &format!("{at}.{name}"), problems);
            }
        }
    }
    if let (Some(max), Some(array)) = (
        schema.get("maxItems").and_then(Value::as_u64),
        value.as_array(),
    ) && array.len() as u64 > max
    {
        problems.push(format!(
            "{at}: {} items, at most {max} allowed",
            array.len()
        ));
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            validate(doc, items, v, &format!("{at}[{i}]"), problems);
        }
    }
}
