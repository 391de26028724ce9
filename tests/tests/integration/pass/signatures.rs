//! The signatures an endpoint may have: generic and inheriting traits, every return form,
//! a custom error type, and the non-`async` form returning `impl Future + Send`.
#![deny(warnings)]

use std::future::Future;
use std::sync::Mutex;

use alloy_api::{RawResponse, Request, Response, Result, Transport, api_endpoint};
use serde::de::DeserializeOwned;

#[derive(Debug, serde::Deserialize, PartialEq)]
pub struct User {
    pub id: String,
}

/// A caller's own error type, made from the client's (only built here, never inspected).
#[derive(Debug)]
#[allow(dead_code)]
pub enum AppError {
    Client(alloy_api::Error),
}

impl From<alloy_api::Error> for AppError {
    fn from(error: alloy_api::Error) -> Self {
        Self::Client(error)
    }
}

/// A generic trait: the body type is the trait's parameter.
pub trait Resource<T: DeserializeOwned + Send + 'static>: Transport {
    #[api_endpoint(method = "GET", path = "/resources/<id>")]
    async fn fetch(&self, id: &str) -> Result<T>;

    /// A generic method.
    #[api_endpoint(method = "GET", path = "/resources/<id>/as")]
    async fn fetch_as<U: DeserializeOwned + Send + 'static>(&self, id: &str) -> Result<U>;
}

impl<T: DeserializeOwned + Send + 'static, X: Transport + ?Sized> Resource<T> for X {}

/// A trait built on another endpoint trait.
pub trait Admin: Resource<User> + Sync {
    /// `()` ignores the body; POST is retried only when declared idempotent.
    #[api_endpoint(method = "POST", path = "/admin/flush", idempotent)]
    async fn flush(&self) -> Result<()>;

    #[api_endpoint(method = "PUT", path = "/admin/lock", idempotent = false)]
    async fn lock(&self) -> Result<()>;

    /// Status and headers beside the decoded body, or beside nothing.
    #[api_endpoint(method = "GET", path = "/admin/me")]
    async fn me(&self) -> Result<Response<User>>;

    #[api_endpoint(method = "HEAD", path = "/admin/me")]
    async fn ping(&self) -> alloy_api::Result<alloy_api::Response<()>>;

    /// A custom error type.
    #[api_endpoint(method = "GET", path = "/admin/users/<userId>")]
    async fn user(&self, user_id: &str) -> std::result::Result<User, AppError>;

    /// The non-`async` form.
    #[api_endpoint(method = "OPTIONS", path = "/admin")]
    fn options(&self) -> impl Future<Output = Result<()>> + Send;

    /// The runtime crate under another name.
    #[api_endpoint(method = "GET", path = "/admin/renamed", crate = "renamed_api")]
    async fn renamed(&self) -> renamed_api::Result<()>;
}

use alloy_api as renamed_api;

impl<T: Transport + ?Sized> Admin for T {}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    async fn execute(&self, request: Request) -> Result<RawResponse> {
        let endpoint = request.endpoint();
        let line = format!(
            "{} {} {} idempotent={}",
            endpoint.operation(),
            request.method(),
            request.path(),
            endpoint.idempotent()
        );
        self.0.lock().unwrap().push(line);
        Ok(RawResponse::json(&serde_json::json!({ "id": "usr_1" })))
    }
}

/// Every returned future is `Send`.
fn assert_send<F: Future + Send>(future: F) -> F {
    future
}

#[test]
fn compiles_and_sends_the_expected_requests() {
    let recorder = Recorder::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let user: User = assert_send(Resource::<User>::fetch(&recorder, "r1"))
            .await
            .unwrap();
        assert_eq!(user, User { id: "usr_1".into() });
        let value: serde_json::Value = assert_send(Resource::<User>::fetch_as(&recorder, "r1"))
            .await
            .unwrap();
        assert_eq!(value["id"], "usr_1");
        assert_send(recorder.flush()).await.unwrap();
        recorder.lock().await.unwrap();
        let me = recorder.me().await.unwrap();
        assert_eq!((me.status.as_u16(), me.body.id.as_str()), (200, "usr_1"));
        recorder.ping().await.unwrap();
        let user = assert_send(recorder.user("usr_1")).await.unwrap();
        assert_eq!(user.id, "usr_1");
        recorder.options().await.unwrap();
        recorder.renamed().await.unwrap();
    });
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "fetch GET /resources/r1 idempotent=true",
            "fetch_as GET /resources/r1/as idempotent=true",
            "flush POST /admin/flush idempotent=true",
            "lock PUT /admin/lock idempotent=false",
            "me GET /admin/me idempotent=true",
            "ping HEAD /admin/me idempotent=true",
            "user GET /admin/users/usr_1 idempotent=true",
            "options OPTIONS /admin idempotent=true",
            "renamed GET /admin/renamed idempotent=true",
        ]
    );
}
