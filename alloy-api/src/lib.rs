//! Client for the Alloy Automation Embedded API, where every operation is one annotated trait
//! method.
//!
//! ```no_run
//! use alloy_api::models::{CreateUserRequest, TriggerEventRequest};
//! use alloy_api::prelude::*;
//! use alloy_api::Client;
//!
//! #[tokio::main]
//! async fn main() -> alloy_api::Result<()> {
//!     let client = Client::from_env()?; // ALLOY_API_KEY; optional ALLOY_BASE_URL, ALLOY_API_VERSION
//!
//!     // One Alloy user per customer of yours, and a short-lived token for the frontend SDK.
//!     let user = client
//!         .create_user(&CreateUserRequest::new("customer-42").with_full_name("Jane Smith"))
//!         .await?;
//!     let token = client.generate_user_token(&user.user_id).await?;
//!     println!("hand this to the frontend: {} bytes of JWT", token.token.len());
//!
//!     // Something happened in your product: run the customer's workflows that listen to it.
//!     let event = TriggerEventRequest::new(&user.user_id, "order.created")
//!         .with_data(serde_json::json!({ "orderId": "ord-789", "amount": 150.0 }));
//!     client.trigger_event(&event).await?;
//!     Ok(())
//! }
//! ```
//!
//! - [`Client`] sends requests, with retries ([`RetryPolicy`]), timeouts and a response size
//!   cap; [`Error`] says what went wrong.
//! - The 38 operations of Alloy's 2025-09 reference are methods of one trait per resource:
//!   [`UsersApi`], [`WorkflowsApi`], [`RunsApi`], [`EventsApi`], [`LogsApi`],
//!   [`IntegrationsApi`], [`InstallationsApi`] (headless installation), [`CredentialsApi`] and
//!   [`AnalyticsApi`]. `use alloy_api::prelude::*;` brings them all in scope, and
//!   [`AlloyApi`] is all of them as one bound. [`models`] holds their request and response
//!   types; the paginated lists also have lazy walks over every page ([`Paginated`]).
//! - By default the client talks to Alloy's service as its 2025-09 reference describes it:
//!   [`DEFAULT_BASE_URL`] with `x-api-version: 2025-09` ([`DEFAULT_API_VERSION`]) on every
//!   request; [`ClientBuilder::base_url`] and [`ClientBuilder::api_version`] (or
//!   `ALLOY_BASE_URL` and `ALLOY_API_VERSION`) target another. Requests also satisfy the seed
//!   document the project started from, and the models decode both documents' shapes.
//! - HTTP goes through [`reqwest`]: the builder makes a `reqwest::Client` (rustls with the
//!   *ring* provider, configured per client; no redirect followed; the environment's proxies
//!   unless [`ClientBuilder::proxy`] or [`ClientBuilder::no_proxy`] say otherwise), or takes
//!   yours ([`ClientBuilder::http_client`]; with the `middleware` feature, a
//!   `reqwest_middleware` stack). Retries, timeouts, the size cap, the key and the version
//!   header are the crate's either way. Features: `platform-verifier` (default: the
//!   operating system's verifier), `webpki-roots` (Mozilla's roots, bundled), `http2`
//!   (default), `socks` (SOCKS5 proxies), `middleware`.
//! - [`Transport`] is the seam a test double implements to stand in for HTTP.
//! - The `alloy-sandbox` crate, a separate dev-dependency, is an Alloy-compatible server that
//!   runs in-process, for tests and for the quickstart.
//!
//! Endpoints the crate lacks are one annotated signature away, in your own crate; see
//! [`api_endpoint`].
//!
//! # Tracing
//!
//! Every call, whatever its [`Transport`], is one [`tracing`](https://docs.rs/tracing) span
//! named `alloy_api.call` at level `INFO`, with the fields of OpenTelemetry's HTTP client
//! conventions. The path is the template, never the filled path, so that a metric built on
//! it has one series per endpoint, not one per user; no field holds the API key, a token or a
//! body.
//!
//! | field | value |
//! |---|---|
//! | `otel.name`, `operation` | the operation: the method's name (`generate_user_token`) |
//! | `otel.kind` | `client` |
//! | `http.request.method` | `GET`, `POST`, ... |
//! | `url.template` | the path template: `/users/{userId}/token` |
//! | `server.address` | the host the [`Client`] sent to (recorded by the transport) |
//! | `http.response.status_code` | the status of the last answer, when there was one |
//! | `error.type` | unset on success; else the status code of an API error (`404`), or `timeout`, `transport`, `decode`, `response_too_large`, `invalid_argument`, `config`, or `cancelled` for a call whose future was dropped before it finished |
//! | `retries` | how many times the [`Client`] retried the call, recorded once, when the call ends |
//! | `duration_ms` | the call's duration, retries included (or until it was dropped) |
//!
//! Its events, inside the span:
//!
//! | event | level | fields |
//! |---|---|---|
//! | `call succeeded` | `DEBUG` | |
//! | `call failed` | `DEBUG` for an API error with a 4xx status (the server's considered answer, a 404 an [`is_not_found`](Error::is_not_found) check expects, say); `WARN` for everything else: a 5xx, a timeout, a transport failure, an undecodable body | `error`: the [`Error`], as a `dyn std::error::Error`, so that subscribers print its causes too |
//! | `call cancelled` | `DEBUG` | (the call's future was dropped before it finished: a `select!` or a timeout around it, an aborted task) |
//! | `retrying` | `INFO` | `retry`, `wait_ms`, `outcome` (emitted by the [`Client`] before each retry) |
#![deny(missing_docs)]

extern crate self as alloy_api;

mod api;
mod builder;
mod client;
mod error;
mod observe;
mod paginate;
mod redact;
mod request;
mod response;
mod retry;
mod transport;

pub mod models;
#[cfg(feature = "signature")]
pub mod signature;

#[doc(hidden)]
pub mod __private {
    pub use crate::rt::*;
}
mod rt;
pub use rt::ResponseBody;

pub use api::{
    AlloyApi, AnalyticsApi, CredentialsApi, EventsApi, InstallationsApi, IntegrationsApi, LogsApi,
    RunsApi, UsersApi, WorkflowsApi,
};
pub use observe::{CallRecord, Observer};
pub use paginate::Paginated;

/// Everything a caller needs in scope, in one import: `use alloy_api::prelude::*;`.
///
/// Brings the traits of every resource, so that every operation can be called on a
/// [`Client`] or any other [`Transport`], and [`AlloyApi`] for generic bounds. Only traits:
/// the glob cannot shadow a name of yours.
pub mod prelude {
    pub use crate::api::{
        AlloyApi, AnalyticsApi, CredentialsApi, EventsApi, InstallationsApi, IntegrationsApi,
        LogsApi, RunsApi, UsersApi, WorkflowsApi,
    };
}
pub use builder::{
    API_KEY_ENV, API_VERSION_ENV, API_VERSION_HEADER, BASE_URL_ENV, ClientBuilder,
    DEFAULT_API_VERSION, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use client::Client;
pub use error::{ApiError, Error, PaginationKind, Result, TimeoutKind};
pub use request::{
    Endpoint, HeaderArg, Method, PathSegment, QueryParams, QueryValue, QueryWriter, Request,
    RequestBody,
};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
#[cfg(feature = "signature")]
pub use signature::{SignatureError, SignatureVerifier};
pub use transport::{DynTransport, Transport};

/// Declares an HTTP endpoint as a trait method; the macro writes the method's body.
///
/// ```
/// use alloy_api::{Response, Result, Transport, api_endpoint};
///
/// #[derive(serde::Serialize)]
/// pub struct Rename { pub name: String }
/// #[derive(serde::Deserialize)]
/// pub struct Step { pub name: String }
///
/// pub trait StepsApi: Transport {
///     /// Reads one step of a user's workflow.
///     #[api_endpoint(method = "GET", path = "/workflows/<workflowId>/steps/<stepId>")]
///     async fn get_step(&self, workflow_id: &str, step_id: &str, #[query] user_id: &str)
///         -> Result<Step>;
///
///     /// Renames a step, keeping the response's status and headers.
///     #[api_endpoint(method = "PATCH", path = "/steps/<stepId>")]
///     async fn rename_step(
///         &self,
///         step_id: &str,
///         #[body] change: &Rename,
///         #[header("X-Request-Id")] request_id: Option<&str>,
///     ) -> Result<Response<Step>>;
///
///     /// Deletes a step; the body of the answer, if any, is ignored.
///     #[api_endpoint(method = "DELETE", path = "/steps/<stepId>")]
///     async fn delete_step(&self, step_id: &str) -> Result<()>;
/// }
///
/// // Every transport, `alloy_api::Client` included, gets the endpoints.
/// impl<T: Transport + ?Sized> StepsApi for T {}
/// ```
///
/// # Arguments of the attribute
///
/// - `method = "GET"`: one of `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS`.
/// - `path = "/users/<userId>/token"`: the path below the client's base URL; each `<name>`
///   placeholder is a whole segment filled by a parameter.
/// - `idempotent` (optional): the endpoint may be retried even after the request may have
///   reached the server (the default for every method but `POST` and `PATCH`).
/// - `crate = "path"` (optional): where `alloy_api` is, if you renamed the dependency.
///
/// # Roles of parameters
///
/// | a parameter…                   | is sent as |
/// |--------------------------------|------------|
/// | named like a placeholder       | that path segment: `<workflowId>` is filled by `workflow_id` or `workflowId`, percent-encoded as exactly one segment; an empty value, `.` and `..` are refused before sending. Types: [`PathSegment`] |
/// | `#[query]`, `#[query("key")]`  | a query pair; the key defaults to the camelCase of the name; `None` sends nothing, a slice or `Vec` repeats the key (`tag=a&tag=b`). Types: [`QueryValue`] |
/// | `#[query(flatten)]`            | several query pairs whose keys the type chooses (a page request, a filter); `None` sends nothing. Types: [`QueryParams`] |
/// | `#[body]`                      | the JSON body; at most one, never on `GET` or `HEAD`. Types: [`RequestBody`] (any `serde::Serialize` type) |
/// | `#[header("X-Name")]`          | a header; `None` sends nothing; values with CR, LF or NUL are refused. Types: [`HeaderArg`] |
///
/// # The method
///
/// It takes `&self` and is an `async fn` (or returns `impl Future<Output = ...> + Send`),
/// returning `Result<T>` or `Result<T, E>` with `E: From<alloy_api::Error>`, where `T` is a
/// [`ResponseBody`] (any `serde::de::DeserializeOwned` type, or a `Vec` or `Option` of one)
/// decoded from the JSON body, `()` to ignore the body (a 204 is fine), or [`Response<T>`] to
/// get the status and headers too. The returned future is `Send`. The trait needs
/// [`Transport`] as a supertrait.
///
/// Any other shape is a compile error pointing at the offending token.
#[doc(inline)]
pub use alloy_macros::api_endpoint;

pub use http;
/// The HTTP client every request goes through, re-exported so that the version you hand to
/// [`ClientBuilder::http_client`] is always the one this crate was built with.
pub use reqwest;
/// The middleware stack [`ClientBuilder::http_client_with_middleware`] takes (feature
/// `middleware`).
#[cfg(feature = "middleware")]
pub use reqwest_middleware;
