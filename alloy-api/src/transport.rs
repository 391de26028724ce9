//! The seam between generated endpoint code and HTTP.

use std::future::Future;

use crate::{Error, RawResponse, Request};

/// Executes the requests that endpoint methods describe.
///
/// [`Client`](crate::Client) implements it over HTTP with retries and timeouts. Implement it
/// yourself to test a service without a network (return canned [`RawResponse`]s) or to send
/// requests through a stack of your own; every `#[api_endpoint]` trait whose supertrait is
/// `Transport` then works on your type.
///
/// ```
/// use alloy_api::prelude::*;
/// use alloy_api::{RawResponse, Request, Transport};
///
/// struct Canned;
///
/// impl Transport for Canned {
///     async fn execute(&self, request: Request) -> alloy_api::Result<RawResponse> {
///         assert_eq!(request.path(), "/users/usr_1/token");
///         Ok(RawResponse::json(&serde_json::json!({ "token": "t" })))
///     }
/// }
///
/// # tokio_test_block_on(async {
/// let token = Canned.generate_user_token("usr_1").await?;
/// assert_eq!(token.token, "t");
/// # Ok::<(), alloy_api::Error>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `alloy_api::Transport`",
    label = "endpoints need a transport to send their requests",
    note = "make `alloy_api::Transport` a supertrait of your API trait (`trait MyApi: alloy_api::Transport`), and call it on an `alloy_api::Client`"
)]
pub trait Transport: Send + Sync {
    /// Sends one request and returns the response, whatever its status.
    ///
    /// Return `Err` only when no response was obtained (connection failure, timeout);
    /// a 4xx or 5xx response is an `Ok(RawResponse)` that the runtime maps to
    /// [`Error::Api`].
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send {
        (**self).execute(request)
    }
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send {
        (**self).execute(request)
    }
}
