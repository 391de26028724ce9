//! The transport: what must hold now that every attempt goes through reqwest. Connections a
//! server closes, `Connection: close`, oversized heads, a caller's own `reqwest::Client`
//! (redirects, TLS roots), a middleware stack, and proxies, explicit and from the
//! environment, all on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alloy_api::models::CreateUserRequest;
use alloy_api::prelude::*;
use alloy_api::{Client, Error};
use alloy_sandbox::Sandbox;
use tests::proxy::{LoopbackProxy, TlsServer, test_roots};
use tests::{FaultServer, Reply, TEST_KEY, builder, client, fast_retries};

/// A builder for a client of the caller's, which decides proxies itself.
fn their_builder(base_url: &str) -> alloy_api::ClientBuilder {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .retry_policy(fast_retries())
}

fn token() -> Reply {
    Reply::json(200, &serde_json::json!({ "token": "t" }))
}

// ---- Connections --------------------------------------------------------------------------

#[tokio::test]
async fn an_idempotent_get_on_a_connection_the_server_is_closing_succeeds_by_retry() {
    // The first answer keeps the connection alive; the server then reads the next request
    // on it and closes without a word, as a server timing out an idle connection does.
    let server = FaultServer::with_script([token(), Reply::close()]).await;
    server.set_fallback(token());
    let c = client(&server.base_url());
    c.generate_user_token("usr_1").await.unwrap();
    c.generate_user_token("usr_1").await.unwrap();
    assert_eq!(server.request_count(), 3);
    assert_eq!(server.connection_count(), 2);
}

#[tokio::test]
async fn a_post_on_a_connection_the_server_is_closing_is_never_sent_twice() {
    let user = serde_json::json!({ "userId": "usr_1" });
    let server = FaultServer::with_script([Reply::json(200, &user), Reply::close()]).await;
    server.set_fallback(Reply::json(200, &user));
    let c = client(&server.base_url());
    c.create_user(&CreateUserRequest::new("a")).await.unwrap();
    let err = c
        .create_user(&CreateUserRequest::new("b"))
        .await
        .unwrap_err();
    tests::assert_transport(&err, true);
    let posts = server
        .requests()
        .iter()
        .filter(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            r.method == "POST" && body["username"] == "b"
        })
        .count();
    assert_eq!(posts, 1, "the second user was sent once");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn connection_close_is_honoured() {
    let server = FaultServer::start().await;
    server.set_fallback(token().header("connection", "close"));
    let c = client(&server.base_url());
    for _ in 0..3 {
        c.generate_user_token("usr_1").await.unwrap();
    }
    // Each answer said close: no request went on a connection the server had given up.
    assert_eq!(server.request_count(), 3);
    assert_eq!(server.connection_count(), 3);

    // Without it, one connection carries them all.
    let server = FaultServer::start().await;
    server.set_fallback(token());
    let c = client(&server.base_url());
    for _ in 0..3 {
        c.generate_user_token("usr_1").await.unwrap();
    }
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn an_oversized_response_head_is_an_error_and_not_retried() {
    let server = FaultServer::start().await;
    server.set_fallback(token().header("x-padding", &"a".repeat(4 << 20)));
    let c = client(&server.base_url());
    let err = c.generate_user_token("usr_1").await.unwrap_err();
    tests::assert_transport(&err, true);
    assert!(!err.is_timeout());
    // A GET, which is retried after a lost answer, is not retried after this one: the same
    // request would get the same head.
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_invalid_response_is_an_error_and_not_retried() {
    // A status line that is not HTTP, and one whose status is not a number: a GET, retried
    // after a lost answer, is sent once, since the same request would get the same answer.
    for answer in [
        &b"SSH-2.0-OpenSSH_9.6\r\n\r\n"[..],
        &b"HTTP/1.1 OK Fine\r\ncontent-length: 2\r\n\r\n{}"[..],
    ] {
        let server = FaultServer::start().await;
        server.set_fallback(Reply::raw(answer));
        let c = client(&server.base_url());
        let err = c.generate_user_token("usr_1").await.unwrap_err();
        tests::assert_transport(&err, true);
        assert!(!err.is_retryable(), "{err:?}");
        assert_eq!(server.request_count(), 1, "{err:?}");
    }
}

#[tokio::test]
async fn a_large_but_acceptable_response_head_is_read() {
    let server = FaultServer::start().await;
    server.set_fallback(token().header("x-padding", &"a".repeat(200 << 10)));
    let c = client(&server.base_url());
    let response = c.generate_user_token("usr_1").await.unwrap();
    assert_eq!(response.token, "t");
}

// ---- A reqwest::Client of the caller's ----------------------------------------------------

#[tokio::test]
async fn the_key_never_reaches_another_origin_even_when_the_callers_client_follows_redirects() {
    let elsewhere = FaultServer::start().await;
    elsewhere.set_fallback(token());
    let server = FaultServer::start().await;
    let location = format!("{}/users/usr_1/token", elsewhere.base_url());
    server.set_fallback(Reply::status(302).header("location", &location));
    let theirs = reqwest::Client::builder()
        .tls_backend_preconfigured(test_roots())
        .redirect(reqwest::redirect::Policy::limited(3))
        .no_proxy()
        .build()
        .unwrap();
    let c = their_builder(&server.base_url())
        .http_client(theirs)
        .build()
        .unwrap();
    let token = c.generate_user_token("usr_1").await.unwrap();
    assert_eq!(token.token, "t");
    // Their client followed the redirect to another port, another origin: reqwest dropped
    // `Authorization` on the way, and the crate's other headers carry no secret.
    let there = elsewhere.requests();
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].header("authorization"), None, "{:#?}", there[0]);
    let all = format!("{:?}", there[0]);
    assert!(!all.contains(TEST_KEY), "{all}");
    assert_eq!(
        server.last_request().unwrap().header("authorization"),
        Some(&*format!("Bearer {TEST_KEY}"))
    );
}

#[tokio::test]
async fn a_callers_client_brings_its_own_roots_and_the_crate_keeps_its_headers() {
    let server = TlsServer::start().await;
    let theirs = reqwest::Client::builder()
        .tls_backend_preconfigured(test_roots())
        .no_proxy()
        .build()
        .unwrap();
    let c = Client::builder()
        .api_key(TEST_KEY)
        .base_url(server.base_url())
        .user_agent("my-service/1.0")
        .http_client(theirs)
        .build()
        .unwrap();
    c.generate_user_token("usr_1").await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        "GET /users/usr_1/token?userId=usr_1 HTTP/1.1"
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(&*format!("Bearer {TEST_KEY}"))
    );
    assert_eq!(seen[0].header("x-api-version"), Some("2025-09"));
    assert_eq!(seen[0].header("user-agent"), Some("my-service/1.0"));

    // The client the builder makes trusts the platform's roots, not the test CA: the same
    // server is a TLS failure, before any request.
    let ours = builder(&server.base_url())
        .no_proxy()
        .retry_policy(alloy_api::RetryPolicy::none())
        .build()
        .unwrap();
    let err = ours.generate_user_token("usr_1").await.unwrap_err();
    tests::assert_transport(&err, false);
    assert_eq!(server.requests().len(), 1);
}

// ---- Middleware ---------------------------------------------------------------------------

/// A layer that counts the attempts it sees.
struct Counting(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Counting {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        self.0.fetch_add(1, Ordering::SeqCst);
        next.run(request, extensions).await
    }
}

/// A layer that refuses every request.
struct Refusing;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Refusing {
    async fn handle(
        &self,
        _: reqwest::Request,
        _: &mut http::Extensions,
        _: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        Err(reqwest_middleware::Error::middleware(
            std::io::Error::other("refused by policy"),
        ))
    }
}

fn middleware_client(
    layer: impl reqwest_middleware::Middleware,
) -> reqwest_middleware::ClientWithMiddleware {
    let inner = reqwest::Client::builder()
        .tls_backend_preconfigured(test_roots())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    reqwest_middleware::ClientBuilder::new(inner)
        .with(layer)
        .build()
}

#[tokio::test]
async fn a_middleware_stack_runs_on_every_attempt_and_the_crate_does_the_retrying() {
    let server = FaultServer::with_script([Reply::status(503), Reply::status(502)]).await;
    server.set_fallback(token());
    let attempts = Arc::new(AtomicUsize::new(0));
    let c = their_builder(&server.base_url())
        .http_client_with_middleware(middleware_client(Counting(Arc::clone(&attempts))))
        .build()
        .unwrap();
    c.generate_user_token("usr_1").await.unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_eq!(server.request_count(), 3);
    // Each attempt carried the crate's headers through the layer.
    for request in server.requests() {
        assert_eq!(request.header("x-api-version"), Some("2025-09"));
    }
}

#[tokio::test]
async fn a_layers_own_error_is_a_transport_error_that_may_have_been_sent() {
    let server = FaultServer::start().await;
    let c = their_builder(&server.base_url())
        .http_client_with_middleware(middleware_client(Refusing))
        .retry_policy(fast_retries().with_max_retries(2))
        .build()
        .unwrap();
    let err = c
        .create_user(&CreateUserRequest::new("a"))
        .await
        .unwrap_err();
    tests::assert_transport(&err, true);
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("refused by policy"), "{source}");
    assert_eq!(server.request_count(), 0);
}

// ---- Proxies ------------------------------------------------------------------------------

#[tokio::test]
async fn an_http_base_url_is_forwarded_through_the_proxy_with_its_credentials() {
    let server = FaultServer::start().await;
    server.set_fallback(token());
    let proxy = LoopbackProxy::start().await;
    let c = builder(&server.base_url())
        .proxy(proxy.url(Some("alice:s3cret")))
        .build()
        .unwrap();
    c.generate_user_token("usr_1").await.unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        format!(
            "GET {}/users/usr_1/token?userId=usr_1 HTTP/1.1",
            server.base_url()
        )
    );
    // `alice:s3cret` in basic auth.
    assert_eq!(
        seen[0].header("proxy-authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_https_base_url_goes_through_a_connect_tunnel_the_proxy_cannot_read() {
    let server = TlsServer::start().await;
    let proxy = LoopbackProxy::start().await;
    let theirs = reqwest::Client::builder()
        .tls_backend_preconfigured(test_roots())
        .proxy(reqwest::Proxy::all(proxy.url(Some("alice:s3cret"))).unwrap())
        .build()
        .unwrap();
    let c = their_builder(&server.base_url())
        .http_client(theirs)
        .build()
        .unwrap();
    c.generate_user_token("usr_1").await.unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    let authority = server.base_url().trim_start_matches("https://").to_owned();
    assert_eq!(
        seen[0].request_line,
        format!("CONNECT {authority} HTTP/1.1")
    );
    assert_eq!(
        seen[0].header("proxy-authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    // The proxy carried the TLS records and nothing it could read.
    assert!(!seen[0].after_head.is_empty());
    assert_eq!(seen[0].after_head[0], 0x16, "a TLS handshake record");
    assert!(!seen[0].contains(TEST_KEY), "the proxy saw the key");
    let tunneled = String::from_utf8_lossy(&seen[0].after_head);
    for clear in ["authorization", "Bearer", "usr_1", "x-api-version"] {
        assert!(!tunneled.contains(clear), "the proxy read {clear:?}");
    }
    assert_eq!(server.requests().len(), 1);

    // The builder's own client tunnels the same way (its roots do not trust the test
    // server, so the handshake fails after the tunnel, and the key was never sent).
    let proxy = LoopbackProxy::start().await;
    let ours = builder(&server.base_url())
        .proxy(proxy.url(Some("alice:s3cret")))
        .retry_policy(alloy_api::RetryPolicy::none())
        .build()
        .unwrap();
    ours.generate_user_token("usr_1").await.unwrap_err();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        format!("CONNECT {authority} HTTP/1.1")
    );
    assert!(!seen[0].contains(TEST_KEY));
}

#[tokio::test]
async fn the_last_of_proxy_and_no_proxy_wins() {
    let server = FaultServer::start().await;
    server.set_fallback(token());
    let proxy = LoopbackProxy::start().await;
    let direct = their_builder(&server.base_url())
        .proxy(proxy.url(None))
        .no_proxy()
        .build()
        .unwrap();
    direct.generate_user_token("usr_1").await.unwrap();
    assert_eq!(proxy.seen().len(), 0);
    assert_eq!(server.request_count(), 1);

    let proxied = their_builder(&server.base_url())
        .no_proxy()
        .proxy(proxy.url(None))
        .build()
        .unwrap();
    proxied.generate_user_token("usr_1").await.unwrap();
    assert_eq!(proxy.seen().len(), 1);
    assert_eq!(server.request_count(), 2);
}

/// The environment's proxy variables (and `Client::from_env`'s), in a child process of this
/// test binary: a process's environment is shared by every test thread, so only a process of
/// its own may set it.
#[test]
fn proxies_from_the_environment_are_read_as_reqwest_reads_them() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "transport::environment_proxies_in_a_process_of_their_own",
            "--ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALLOY_API_KEY")
        .env_remove("ALLOY_BASE_URL")
        .env_remove("ALLOY_API_VERSION")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// Sets an environment variable of the child process.
fn set_env(name: &str, value: impl AsRef<std::ffi::OsStr>) {
    // SAFETY: the child process runs one test, and nothing else in it reads or writes the
    // environment while it does.
    unsafe { std::env::set_var(name, value) }
}

/// The body of [`proxies_from_the_environment_are_read_as_reqwest_reads_them`]; ignored in a
/// normal run because it sets the process's proxy variables.
#[test]
#[ignore = "run by proxies_from_the_environment_are_read_as_reqwest_reads_them, in a process of its own"]
fn environment_proxies_in_a_process_of_their_own() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = FaultServer::start().await;
        server.set_fallback(token());
        let proxy = LoopbackProxy::start().await;
        set_env("HTTP_PROXY", proxy.url(None));
        set_env("http_proxy", proxy.url(None));

        // Proxied, loopback or not, as curl and reqwest do without NO_PROXY.
        let from_env = || their_builder(&server.base_url()).build().unwrap();
        from_env().generate_user_token("usr_1").await.unwrap();
        assert_eq!(proxy.seen().len(), 1);

        // The sandbox's own client never is: a test must reach its sandbox.
        let sandbox = Sandbox::start().await.unwrap();
        let user = sandbox
            .client()
            .unwrap()
            .create_user(&CreateUserRequest::new("jane"))
            .await
            .unwrap();
        assert!(user.user_id.starts_with("usr_"));
        assert_eq!(proxy.seen().len(), 1);

        // NO_PROXY excludes the host.
        set_env("NO_PROXY", "127.0.0.1");
        from_env().generate_user_token("usr_1").await.unwrap();
        assert_eq!(proxy.seen().len(), 1);
        assert_eq!(server.request_count(), 2);

        // Client::from_env: only an absent variable is unset; one that is not Unicode is a
        // configuration error, never the default service with the real key.
        use std::os::unix::ffi::OsStrExt;
        let not_unicode = std::ffi::OsStr::from_bytes(b"https://\xff.example");
        set_env("ALLOY_API_KEY", TEST_KEY);
        set_env("ALLOY_BASE_URL", not_unicode);
        let err = Client::from_env().unwrap_err();
        assert!(
            matches!(err, Error::Config { .. }) && err.to_string().contains("ALLOY_BASE_URL"),
            "{err}"
        );
        set_env("ALLOY_BASE_URL", server.base_url());
        set_env("ALLOY_API_VERSION", not_unicode);
        let err = Client::from_env().unwrap_err();
        assert!(err.to_string().contains("ALLOY_API_VERSION"), "{err}");
        // SAFETY: as in `set_env`.
        unsafe { std::env::remove_var("ALLOY_API_VERSION") };
        Client::from_env().unwrap();
        set_env("ALLOY_API_KEY", not_unicode);
        let err = Client::from_env().unwrap_err();
        assert!(err.to_string().contains("not valid Unicode"), "{err}");
    });
}

// ---- One retry verdict --------------------------------------------------------------------

#[tokio::test]
async fn is_retryable_says_what_the_client_itself_did() {
    let never = alloy_api::RetryPolicy::none();
    let once = fast_retries().with_max_retries(1);
    let server = FaultServer::start().await;
    // (answer, a GET or a POST, retryable)
    let cases = [
        (Reply::status(503), false, true),
        (Reply::status(503), true, false),
        (Reply::status(429), true, true),
        (Reply::status(404), false, false),
        (Reply::status(200).reset_mid_body(), false, true),
        (Reply::status(200).reset_mid_body(), true, false),
        (
            token().header("x-padding", &"a".repeat(4 << 20)),
            false,
            false,
        ),
    ];
    for (reply, post, retryable) in cases {
        let call = |c: Client| async move {
            if post {
                c.create_user(&CreateUserRequest::new("a")).await.map(drop)
            } else {
                c.generate_user_token("usr_1").await.map(drop)
            }
        };
        // Without retries, what the error says of itself...
        server.script([reply.clone()]);
        let err = call(
            builder(&server.base_url())
                .retry_policy(never.clone())
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.is_retryable(), retryable, "{err:?}");
        // ... is what the client does with one retry allowed.
        let before = server.request_count();
        server.script([reply.clone()]);
        server.set_fallback(if post {
            Reply::json(200, &serde_json::json!({ "userId": "usr_1" }))
        } else {
            token()
        });
        let second = call(
            builder(&server.base_url())
                .retry_policy(once.clone())
                .build()
                .unwrap(),
        )
        .await;
        let sent = server.request_count() - before;
        assert_eq!(
            sent == 2,
            retryable,
            "{reply:?} post={post}: {sent} requests"
        );
        assert_eq!(second.is_ok(), retryable, "{second:?}");
    }
}
