//! What no request may do to the sandbox: make it panic, or make it read a body for a client
//! without the API key. The router is called in-process, so a panicking handler fails the
//! test where it panics.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use proptest::prelude::*;
use tower::ServiceExt as _;

use super::harness::*;
use crate::infra::bounds::Bounds;
use crate::routes::{App, router};

const KEY: &str = "sk_test_robust";

/// A router of a fresh sandbox state answering by `contract`, with a 1 KiB body limit.
fn app(contract: Contract) -> (axum::Router, SandboxState) {
    let state = SandboxState::new(
        KEY,
        CatalogEntry::default_catalog(),
        MAX_TOKEN_TTL,
        Bounds::default(),
        crate::infra::deliveries::SigningKey::shipped().expect("the shipped key"),
        crate::infra::deliveries::DeliveryQueue::disabled(),
    )
    .unwrap();
    let router = router(App {
        state: state.clone(),
        body_limit: 1024,
        contract,
    });
    (router, state)
}

/// A body of 64 chunks of 16 KiB that counts how many chunks were read.
struct CountingBody {
    polled: Arc<AtomicUsize>,
}

impl futures_core::Stream for CountingBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.polled.fetch_add(1, Ordering::SeqCst);
        Poll::Ready((polled < 64).then(|| Ok(Bytes::from(vec![b' '; 16 * 1024]))))
    }
}

async fn post_users(router: &axum::Router, key: Option<&str>) -> (StatusCode, usize) {
    let polled = Arc::new(AtomicUsize::new(0));
    let mut request = http::Request::post("/users").header("x-api-version", "2025-09");
    if let Some(key) = key {
        request = request.header(AUTHORIZATION, format!("Bearer {key}"));
    }
    let body = Body::from_stream(CountingBody {
        polled: polled.clone(),
    });
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    (response.status(), polled.load(Ordering::SeqCst))
}

/// An anonymous client could once make the sandbox buffer up to the body limit per request.
#[tokio::test]
async fn an_unauthenticated_request_is_refused_without_reading_its_body() {
    let (router, _) = app(Contract::Official);
    assert_eq!(
        post_users(&router, None).await,
        (StatusCode::UNAUTHORIZED, 0)
    );
    assert_eq!(
        post_users(&router, Some("sk_wrong")).await,
        (StatusCode::UNAUTHORIZED, 0)
    );
    // With the key the body is read (and found too large): the count above is a real one.
    let (status, polled) = post_users(&router, Some(KEY)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(polled > 0);
}

/// Names the query strings are made of: every query parameter an operation reads, and some
/// it does not.
const QUERY_KEYS: &[&str] = &[
    "userId",
    "skip",
    "limit",
    "page",
    "order",
    "sortBy",
    "sortOrder",
    "filters",
    "workflowId",
    "workflowName",
    "associatedUserId",
    "parentWorkflowId",
    "app",
    "shopSubdomain",
    "version",
    "x",
];

/// Names the JSON bodies are made of: every field an operation reads.
const BODY_KEYS: &[&str] = &[
    "userId",
    "username",
    "fullName",
    "users",
    "event",
    "data",
    "fail",
    "workflowId",
    "workflowName",
    "version",
    "integrationId",
    "installationId",
    "credentialIds",
    "workflowIds",
    "credential",
    "type",
    "blockId",
    "fields",
    "name",
    "value",
];

/// Values a path parameter, query value or JSON string takes: names the sandbox knows, and
/// anything else.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("usr_p".to_owned()),
        Just("p".to_owned()),
        Just(ORDER_SYNC.to_owned()),
        Just(HUBSPOT.to_owned()),
        Just("hubspot".to_owned()),
        Just("shopify".to_owned()),
        Just(u64::MAX.to_string()),
        Just(format!("{}0", u64::MAX)),
        Just(i64::MIN.to_string()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("1.1.0".to_owned()),
        Just("99999999999999999999.0.0".to_owned()),
        Just("desc".to_owned()),
        Just("createdAt".to_owned()),
        Just(
            r#"[{"columns":{"value":"workflowVersion"},"operators":{"value":"greaterthan"},"userinput":{"value":"99999999999999999999"}}]"#
                .to_owned()
        ),
        Just(
            r#"[{"columns":{"value":"createdAt"},"operators":{"value":"onOrAfter"},"userinput":{"value":"262143-12-31"}}]"#
                .to_owned()
        ),
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((prop::sample::select(BODY_KEYS), inner), 0..5).prop_map(
                |fields| {
                    Value::Object(
                        fields
                            .into_iter()
                            .map(|(key, value)| (key.to_owned(), value))
                            .collect(),
                    )
                }
            ),
        ]
    })
}

/// A request body: nothing, raw bytes, any JSON, or an object of the fields operations read.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        prop::collection::vec(any::<u8>(), 0..64),
        json_value().prop_map(|value| value.to_string().into_bytes()),
        prop::collection::vec((prop::sample::select(BODY_KEYS), json_value()), 0..6).prop_map(
            |fields| {
                let object: serde_json::Map<String, Value> = fields
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect();
                Value::Object(object).to_string().into_bytes()
            }
        ),
    ]
}

/// A query string: pairs of known (or unknown) names and any values, form-encoded or raw.
fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec((prop::sample::select(QUERY_KEYS), text()), 0..6).prop_map(|pairs| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (key, value) in pairs {
                query.append_pair(key, &value);
            }
            query.finish()
        }),
        // Raw: whatever survives as a URI, such as broken percent-escapes.
        "[a-zA-Z0-9=&%+._~-]{0,40}",
    ]
}

/// One request to one operation of the contract.
#[derive(Debug)]
struct Case {
    operation: Operation,
    path_values: Vec<String>,
    query: String,
    body: Vec<u8>,
    authenticated: bool,
    versioned: bool,
}

fn case(contract: Contract) -> impl Strategy<Value = Case> {
    let operations: Vec<Operation> = Operation::served_by(contract).collect();
    (
        prop::sample::select(operations),
        prop::collection::vec(text(), 2),
        query(),
        body(),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(operation, path_values, query, body, authenticated, versioned)| Case {
                operation,
                path_values,
                query,
                body,
                authenticated,
                versioned,
            },
        )
}

/// Fills the path template's placeholders with the case's values, percent-encoded.
fn uri(case: &Case) -> String {
    let mut values = case.path_values.iter();
    let path: Vec<String> = case
        .operation
        .path()
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                let value = values.next().map_or("", String::as_str);
                form_urlencoded::byte_serialize(value.as_bytes()).collect()
            } else {
                segment.to_owned()
            }
        })
        .collect();
    let path = path.join("/");
    if case.query.is_empty() {
        path
    } else {
        format!("{path}?{}", case.query)
    }
}

/// Sends one request of `case` and checks the answer: never a 5xx (a panic fails the test
/// where it happens), and every 4xx with the contract's error body.
fn check(
    runtime: &tokio::runtime::Runtime,
    router: &axum::Router,
    case: &Case,
) -> Result<(), TestCaseError> {
    let mut request = http::Request::builder()
        .method(case.operation.method())
        .uri(uri(case));
    if case.authenticated {
        request = request.header(AUTHORIZATION, format!("Bearer {KEY}"));
    }
    if case.versioned {
        request = request.header("x-api-version", "2025-09");
    }
    let request = request
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(case.body.clone()))
        .map_err(|error| TestCaseError::fail(format!("{error}: {case:?}")))?;
    let (status, body) = runtime.block_on(async {
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body)
    });
    prop_assert!(!status.is_server_error(), "{status} for {case:?}: {body:?}");
    if status.is_client_error() {
        let error: ErrorResponse = serde_json::from_slice(&body)
            .map_err(|error| TestCaseError::fail(format!("{error}: {body:?}")))?;
        prop_assert!(error.error.is_some() && error.message.is_some(), "{body:?}");
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn never_panics(contract: Contract) {
    let runtime = runtime();
    let (router, state) = app(contract);
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(case in case(contract))| {
        // The user most cases name, back after any case that deleted them.
        let _ = state.add_user("usr_p", "p");
        check(&runtime, &router, &case)?;
    });
}

/// Random cases rarely pair two extreme numbers, so every route also gets each pair of them
/// in its paging parameters: `skip=18446744073709551615&limit=1` on `GET /logs` once
/// overflowed with the store's lock held.
#[test]
fn extreme_numbers_in_every_route_are_refused_or_served() {
    let runtime = runtime();
    let numbers = [
        "0".to_owned(),
        "1".to_owned(),
        "-1".to_owned(),
        u64::MAX.to_string(),
        format!("{}0", u64::MAX),
    ];
    for contract in [Contract::Official, Contract::Seed] {
        let (router, state) = app(contract);
        for operation in Operation::served_by(contract) {
            for first in &numbers {
                for second in &numbers {
                    let _ = state.add_user("usr_p", "p");
                    let case = Case {
                        operation,
                        path_values: vec!["usr_p".to_owned(), ORDER_SYNC.to_owned()],
                        query: format!("userId=usr_p&skip={first}&page={first}&limit={second}"),
                        body: b"{}".to_vec(),
                        authenticated: true,
                        versioned: true,
                    };
                    if let Err(error) = check(&runtime, &router, &case) {
                        panic!("{error}");
                    }
                }
            }
        }
    }
}

/// No query string or body makes an operation of the official contract panic or fail with a
/// 5xx; what it refuses, it refuses with the contract's error body.
#[test]
fn no_request_makes_an_official_route_panic() {
    never_panics(Contract::Official);
}

/// The same for the seed contract's routes.
#[test]
fn no_request_makes_a_seed_route_panic() {
    never_panics(Contract::Seed);
}
