//! Hostile input and secrets: what a caller passes cannot change the route, add a header or
//! a query pair; the API key and user tokens stay out of `Debug`, `Display` and traces; the
//! key only travels over https (or loopback) and never follows a redirect.

use std::time::Duration;

use alloy_api::models::WorkflowActionRequest;
use alloy_api::prelude::*;
use alloy_api::{Client, DEFAULT_BASE_URL, Error, RetryPolicy, Transport, api_endpoint};
use alloy_sandbox::Sandbox;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tests::trace::capture;
use tests::{FaultServer, Reply, TEST_KEY, builder, client, percent_decode};
use tracing::Instrument;

/// A user-defined endpoint with every kind of parameter.
trait Echo: Transport {
    #[api_endpoint(method = "GET", path = "/echo/<id>/tail")]
    async fn echo(
        &self,
        id: &str,
        #[query] filter: &str,
        #[header("X-Trace")] trace: &str,
    ) -> alloy_api::Result<Value>;
}

impl<T: Transport + ?Sized> Echo for T {}

/// Strings that are a route in disguise, or would be to a careless encoder.
const HOSTILE: &[&str] = &[
    "a/b",
    "../admin",
    "..\\admin",
    "/",
    "//",
    "...",
    ".a",
    "a.",
    "%2e",
    "%2E",
    "%2e%2e",
    "%2E%2e",
    ".%2e",
    "%2e.",
    "%2f",
    "%252e",
    "%",
    "%zz",
    "?admin=1",
    "#fragment",
    "a;b=c",
    "a b",
    "+",
    "&x=y",
    " ..",
    ".. ",
    "\t..",
    "..\n",
    "\u{0}",
    "\r\nX-Injected: 1",
    "é",
    "\u{ff0e}\u{ff0e}",
    "\u{2024}\u{2024}",
    "@evil.example",
    "http://evil.example/",
];

/// Checks the request line of a call to `/users/<userId>/token?userId=` made with `input`:
/// the value is exactly one path segment, and exactly one query pair.
fn assert_one_segment(line: &str, input: &str) {
    let target = line
        .strip_prefix("GET ")
        .and_then(|l| l.strip_suffix(" HTTP/1.1"))
        .unwrap_or_else(|| panic!("odd request line {line:?}"));
    let (target, query) = target
        .split_once('?')
        .unwrap_or_else(|| panic!("{input:?} lost the query: {target:?}"));
    let value = query
        .strip_prefix("userId=")
        .unwrap_or_else(|| panic!("{input:?} changed the query: {query:?}"));
    assert!(
        !value.contains(['&', '=', '#', '?']),
        "{input:?} is more than one query pair: {query:?}"
    );
    assert_eq!(
        form_decode(value).as_deref(),
        Some(input),
        "{input:?} in the query"
    );
    let segment = target
        .strip_prefix("/users/")
        .and_then(|t| t.strip_suffix("/token"))
        .unwrap_or_else(|| panic!("{input:?} changed the route: {target:?}"));
    assert!(
        !segment.contains(['/', '?', '#']),
        "{input:?} is more than one segment: {target:?}"
    );
    assert_eq!(
        percent_decode(segment).as_deref(),
        Some(input),
        "{input:?} arrived as {segment:?}"
    );
}

#[tokio::test]
async fn path_parameters_arrive_as_exactly_one_segment() {
    capture();
    let server = FaultServer::start().await;
    server.set_fallback(Reply::json(200, &json!({ "token": "t" })));
    let c = client(&server.base_url());
    for &input in HOSTILE {
        c.generate_user_token(input).await.unwrap();
        let request = server.last_request().unwrap();
        assert_one_segment(&request.request_line, input);
    }
    // `%2e` is text, not a dot: the client encodes the `%`.
    c.generate_user_token("%2E%2e").await.unwrap();
    assert_eq!(
        server.last_request().unwrap().request_line,
        "GET /users/%252E%252e/token?userId=%252E%252e HTTP/1.1"
    );
    assert_eq!(server.request_count(), HOSTILE.len() + 1);
}

#[tokio::test]
async fn a_base_path_is_kept_and_hostile_segments_stay_below_it() {
    capture();
    let server = FaultServer::start().await;
    server.set_fallback(Reply::json(200, &json!({ "token": "t" })));
    let c = client(&format!("{}/2025-09/", server.base_url()));
    c.generate_user_token("../../x").await.unwrap();
    assert_eq!(
        server.last_request().unwrap().request_line,
        "GET /2025-09/users/..%2F..%2Fx/token?userId=..%2F..%2Fx HTTP/1.1"
    );
}

#[tokio::test]
async fn empty_and_dot_segments_are_refused_before_sending() {
    capture();
    let server = FaultServer::start().await;
    let c = client(&server.base_url());
    for bad in ["", ".", ".."] {
        let err = c.generate_user_token(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "user_id",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
        let err = c.upgrade_workflow(bad, "usr_1").await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "workflow_id",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
        let err = c.list_workflow_logs(bad, "usr_1").await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
        let err = c.echo(bad, "f", "t").await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "id", .. }),
            "{err:?}"
        );
    }
    // Nothing reached the server; no connection was even opened.
    assert_eq!(server.request_count(), 0);
    assert_eq!(server.connection_count(), 0);
}

/// Strings likely to hit the edge cases, and arbitrary ones.
fn segment_inputs() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[./%2eE]{0,4}",
        2 => "[./\\\\%?#;&=+ a-z0-9\\t\\r\\n\\x00]{0,8}",
        3 => any::<String>(),
        1 => "\\PC{0,16}",
    ]
}

#[test]
fn any_path_parameter_is_refused_before_sending_or_arrives_as_one_segment() {
    capture();
    let rt = runtime();
    let server = rt.block_on(FaultServer::start());
    server.set_fallback(Reply::json(200, &json!({ "token": "t" })));
    let c = client(&server.base_url());
    let mut runner = TestRunner::new(Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&segment_inputs(), |input| {
            let before = server.request_count();
            let result = rt.block_on(c.generate_user_token(&input));
            let after = server.request_count();
            if let Err(Error::InvalidArgument { name, .. }) = &result {
                prop_assert_eq!(*name, "user_id");
                prop_assert_eq!(after, before, "a refused call reached the server");
                prop_assert!(
                    input.is_empty() || input == "." || input == "..",
                    "{:?} refused",
                    input
                );
            } else {
                prop_assert!(result.is_ok(), "{:?}: {:?}", input, result);
                prop_assert_eq!(after, before + 1);
                assert_one_segment(&server.last_request().unwrap().request_line, &input);
            }
            Ok(())
        })
        .unwrap();
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space.
fn form_decode(text: &str) -> Option<String> {
    percent_decode(&text.replace('+', " "))
}

#[tokio::test]
async fn query_values_are_encoded_as_one_pair() {
    capture();
    let server = FaultServer::start().await;
    let c = client(&server.base_url());
    for &input in HOSTILE {
        c.list_integrations(input).await.unwrap();
        let request = server.last_request().unwrap();
        assert_eq!(request.path(), "/integrations");
        let query = request.query().expect("a query");
        let value = query
            .strip_prefix("userId=")
            .unwrap_or_else(|| panic!("{input:?}: {query:?}"));
        assert!(
            !value.contains(['&', '=', '#', '?']),
            "{input:?}: {query:?}"
        );
        assert_eq!(form_decode(value).as_deref(), Some(input));
    }
}

#[tokio::test]
async fn header_values_with_cr_lf_nul_or_controls_are_refused_before_sending() {
    capture();
    let server = FaultServer::start().await;
    let c = client(&server.base_url());
    for bad in [
        "a\r\nX-Injected: 1",
        "a\nX-Injected: 1",
        "a\rb",
        "a\u{0}b",
        "\u{1}",
        "\u{1b}[31m",
        "a\u{7f}",
    ] {
        let err = c.echo("id", "f", bad).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "trace", .. }),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(server.request_count(), 0);
    assert_eq!(server.connection_count(), 0);
}

#[tokio::test]
async fn nothing_a_caller_passes_adds_a_header_a_query_pair_or_a_segment() {
    capture();
    let server = FaultServer::start().await;
    let c = client(&server.base_url());

    c.echo("id", "f", "t").await.unwrap();
    let baseline = server.last_request().unwrap();
    let names = |r: &tests::Recorded| {
        let mut names: Vec<String> = r.headers.iter().map(|(n, _)| n.to_lowercase()).collect();
        names.sort();
        names
    };
    assert_eq!(baseline.request_line, "GET /echo/id/tail?filter=f HTTP/1.1");
    assert_eq!(baseline.header_values("x-trace"), ["t"]);

    for &input in HOSTILE
        .iter()
        .chain(&["x, y", "a: b", "k=v; Path=/", "Bearer other"])
    {
        let trace = if input.contains(|c: char| c.is_control() && c != '\t') {
            "t"
        } else {
            input
        };
        c.echo(input, input, trace).await.unwrap();
        let request = server.last_request().unwrap();
        assert_eq!(names(&request), names(&baseline), "{input:?}");
        assert_eq!(
            request.header_values("x-trace"),
            [trace.trim_matches([' ', '\t'])],
            "{input:?}"
        );
        assert_eq!(
            request.header_values("authorization"),
            [format!("Bearer {TEST_KEY}")]
        );
        let (path, query) = request.target.split_once('?').expect("a query");
        let id = path
            .strip_prefix("/echo/")
            .and_then(|p| p.strip_suffix("/tail"))
            .unwrap_or_else(|| panic!("{input:?}: {path:?}"));
        assert!(!id.contains('/'), "{input:?}: {path:?}");
        assert_eq!(percent_decode(id).as_deref(), Some(input));
        let filter = query.strip_prefix("filter=").expect("one pair");
        assert!(!filter.contains(['&', '=', '#']), "{input:?}: {query:?}");
        assert_eq!(form_decode(filter).as_deref(), Some(input));
    }
}

#[test]
fn any_header_value_is_refused_before_sending_or_sent_as_one_header() {
    capture();
    let rt = runtime();
    let server = rt.block_on(FaultServer::start());
    let c = client(&server.base_url());
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let inputs = prop_oneof![any::<String>(), "[a-z:;,= \\t\\r\\n\\x00\\x7f]{0,8}"];
    runner
        .run(&inputs, |input| {
            let before = server.request_count();
            let result = rt.block_on(c.echo("id", &input, &input));
            let forbidden = input
                .chars()
                .any(|ch| (ch < ' ' && ch != '\t') || ch == '\u{7f}');
            if forbidden {
                prop_assert!(
                    matches!(result, Err(Error::InvalidArgument { name: "trace", .. })),
                    "{:?}: {:?}",
                    input,
                    result
                );
                prop_assert_eq!(server.request_count(), before);
            } else {
                prop_assert!(result.is_ok(), "{:?}: {:?}", input, result);
                let request = server.last_request().unwrap();
                prop_assert_eq!(
                    request.header_values("x-trace"),
                    vec![input.trim_matches([' ', '\t'])]
                );
                let filter = request.query().and_then(|q| q.strip_prefix("filter="));
                prop_assert_eq!(filter.and_then(form_decode), Some(input.clone()));
            }
            Ok(())
        })
        .unwrap();
}

// Secrets.

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2VjcmV0LXNpZ25hdHVyZQ";

fn assert_secret_free(what: &str, text: &str) {
    assert!(!text.contains(TEST_KEY), "{what} shows the API key: {text}");
    assert!(!text.contains(TOKEN), "{what} shows a token: {text}");
    assert!(
        !text.contains("c2VjcmV0"),
        "{what} shows part of a token: {text}"
    );
}

fn assert_error_secret_free(what: &str, err: &Error) {
    assert_secret_free(what, &format!("{err}"));
    assert_secret_free(what, &format!("{err:?}"));
    assert_secret_free(what, &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_secret_free(what, &format!("{s} {s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn the_client_and_its_builder_do_not_show_the_key() {
    capture();
    let b = builder("http://127.0.0.1:1");
    assert_secret_free("ClientBuilder", &format!("{b:?} {b:#?}"));
    let c = b.build().unwrap();
    assert_secret_free("Client", &format!("{c:?} {c:#?}"));
    assert!(format!("{c:?}").contains("<redacted>"));
}

#[tokio::test]
async fn errors_do_not_show_the_key_or_tokens() {
    capture();
    let server = FaultServer::start().await;
    let c = client(&server.base_url());

    // A 401 whose message echoes the key sent.
    server.script([Reply::json(
        401,
        &json!({ "error": "UNAUTHORIZED", "message": format!("Invalid API key {TEST_KEY}") }),
    )]);
    let err = c.list_integrations("usr_1").await.unwrap_err();
    assert!(err.is_unauthorized());
    assert_error_secret_free("a 401", &err);
    assert!(!String::from_utf8_lossy(err.body().unwrap()).contains(TEST_KEY));

    // A token response that does not decode: the token as a bare string, or in a field of
    // the wrong type next to the one expected.
    for body in [
        json!(TOKEN),
        json!({ "token": [TOKEN] }),
        json!({ "token": { "jwt": TOKEN } }),
        json!([TOKEN, TOKEN]),
    ] {
        server.script([Reply::json(200, &body)]);
        let err = c.generate_user_token("usr_1").await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert_error_secret_free("a decode failure", &err);
        // The body itself is kept for the caller.
        assert!(String::from_utf8_lossy(err.body().unwrap()).contains(TOKEN));
    }
    // The redacted message still says what went wrong.
    server.script([Reply::json(200, &json!(TOKEN))]);
    let message = c
        .generate_user_token("usr_1")
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("invalid type: string"), "{message}");
    assert!(
        message.contains("expected struct TokenResponse"),
        "{message}"
    );
    assert!(message.contains("line 1 column"), "{message}");
    // A missing field is named.
    server.script([Reply::json(200, &json!({}))]);
    let message = c
        .generate_user_token("usr_1")
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("missing field `token`"), "{message}");

    // A transport failure and a timeout.
    let refused = client(&refused_url());
    let err = refused.generate_user_token("usr_1").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_error_secret_free("a transport failure", &err);
    server.script([Reply::stall()]);
    let err = builder(&server.base_url())
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .generate_user_token("usr_1")
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_error_secret_free("a timeout", &err);
}

#[tokio::test]
async fn sandbox_errors_do_not_show_the_key() {
    capture();
    let sandbox = Sandbox::start().await.unwrap();
    let wrong = Client::builder()
        .api_key(TEST_KEY)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let err = wrong.generate_user_token("usr_1").await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert_error_secret_free("the sandbox's 401", &err);

    let right = Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    for text in [format!("{right:?}"), format!("{err} {err:?}")] {
        assert!(!text.contains(sandbox.api_key()), "{text}");
    }
    let err = right.generate_user_token("usr_missing").await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(sandbox.api_key()));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn traces_do_not_show_the_key_or_tokens() {
    let capture = capture();
    let server = FaultServer::start().await;
    let c = builder(&server.base_url())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let calls = async {
        // A success that carries a token.
        server.script([Reply::json(200, &json!({ "token": TOKEN }))]);
        assert_eq!(c.generate_user_token("usr_1").await.unwrap().token, TOKEN);
        // Failures: a token that does not decode, a 401 echoing the key, retries, a timeout.
        server.script([
            Reply::json(200, &json!(TOKEN)),
            Reply::json(401, &json!({ "message": format!("bad key {TEST_KEY}") })),
            Reply::status(503).header("Retry-After", "0"),
            Reply::stall(),
            Reply::json(500, &json!({ "message": "oops" })),
            Reply::json(500, &json!({ "message": "oops" })),
        ]);
        c.generate_user_token("usr_1").await.unwrap_err();
        c.generate_user_token("usr_1").await.unwrap_err();
        c.activate_workflow(&WorkflowActionRequest::new("wf_1", "usr_1"))
            .await
            .unwrap_err();
        // A transport failure.
        client(&refused_url())
            .generate_user_token("usr_1")
            .await
            .unwrap_err();
    };
    calls
        .instrument(tracing::info_span!("case", id = "traces"))
        .await;

    let text = capture.text();
    // The capture did see these calls, their failures and the retries ...
    let ours: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("case{id=\"traces\"}"))
        .collect();
    for expected in [
        "alloy_api.call",
        "generate_user_token",
        "activate_workflow",
        "call failed",
        "retrying",
        "outcome=Lost",
        "401 Unauthorized: bad key <redacted>",
        "invalid type: string <redacted>, expected struct TokenResponse",
    ] {
        assert!(
            ours.iter().any(|l| l.contains(expected)),
            "no {expected:?} in:\n{}",
            ours.join("\n")
        );
    }
    // ... and no secret.
    assert_secret_free("the trace", &text);
}

// Transport security.

#[test]
fn plain_http_is_refused_for_non_loopback_hosts() {
    capture();
    let build = |url: &str| Client::builder().api_key(TEST_KEY).base_url(url).build();
    for url in [
        "http://api.example.com",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://10.0.0.1:8080",
        "http://[::ffff:127.0.0.1]",
    ] {
        match build(url) {
            Err(err @ Error::Config { .. }) => {
                assert!(err.to_string().contains("https"), "{err}");
                assert_error_secret_free("a config error", &err);
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://[::1]:8080/v1",
        "http://localhost:3000",
        "https://api.example.com",
    ] {
        build(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    Client::builder()
        .api_key(TEST_KEY)
        .base_url("http://api.example.com")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    // The default is the live service, over https.
    assert!(DEFAULT_BASE_URL.starts_with("https://"));
    let c = Client::builder().api_key(TEST_KEY).build().unwrap();
    assert_eq!(c.base_url().scheme(), "https");
}

#[test]
fn base_url_secrets_are_not_echoed() {
    capture();
    for url in [
        "https://user:hunter2-secret@api.example.com",
        "https://api.example.com/?api_key=hunter2-secret",
        "https://api.example.com/#hunter2-secret",
        "ftp://api.example.com/?hunter2-secret",
        "http://api.example.com/?hunter2-secret",
        "not a url?hunter2-secret",
    ] {
        let b = Client::builder().api_key(TEST_KEY).base_url(url);
        let debug = format!("{b:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        let err = b.build().unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{url}: {text}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    capture();
    let elsewhere = FaultServer::start().await;
    let server = FaultServer::start().await;
    let c = client(&server.base_url());
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/users/usr_1/token", elsewhere.base_url());
        server.script([Reply::status(status).header("Location", &location)]);
        let err = c.generate_user_token("usr_1").await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");

        server.script([Reply::status(status).header("Location", &location)]);
        let err = c
            .trigger_event(&alloy_api::models::TriggerEventRequest::new("usr_1", "e"))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
    }
    // Answered as is, not retried, and the other origin never heard of the key.
    assert_eq!(server.request_count(), 10);
    assert_eq!(elsewhere.connection_count(), 0);
    assert_eq!(elsewhere.request_count(), 0);

    // Not even to the same origin.
    server.script([Reply::status(302).header("Location", "/users/usr_2/token")]);
    c.generate_user_token("usr_1").await.unwrap_err();
    assert_eq!(server.request_count(), 11);
}

#[tokio::test]
async fn an_https_base_url_speaks_tls_with_rustls_and_never_sends_the_key_in_clear() {
    capture();
    // A plain TCP server behind an https URL sees a TLS ClientHello, not a request.
    let server = FaultServer::start().await;
    let c = builder(&format!("https://{}", server.addr()))
        .connect_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.generate_user_token("usr_1").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let first = server.first_bytes();
    assert_eq!(first.len(), 1);
    // A TLS handshake record (0x16), protocol major version 3.
    assert_eq!(&first[0][..2], &[0x16, 0x03], "{:?}", &first[0]);
    let seen = String::from_utf8_lossy(&first[0]);
    assert!(!seen.contains(TEST_KEY) && !seen.contains("Authorization"));
    assert_eq!(server.request_count(), 0);
}

fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}
