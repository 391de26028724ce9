//! The seam between generated endpoint code and HTTP.

use std::future::Future;
use std::pin::Pin;

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
///
/// `Transport` returns `impl Future`, so it is not object safe; its boxed form, to choose a
/// transport at run time behind one type, is [`DynTransport`].
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
    ///
    /// An endpoint method calls `execute` when it is called, and polls the future it returns
    /// inside the call's span ([`Request::span`]) when the call is awaited: do the work in
    /// the future (an `async fn` does), not before returning it.
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

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send {
        (**self).execute(request)
    }
}

/// The future a [`DynTransport`] returns: [`Transport::execute`]'s, boxed.
pub type BoxedResponse<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// An object-safe form of [`Transport`], for choosing the transport at run time: a test
/// double in tests, the [`Client`](crate::Client) in production, behind one type.
///
/// Every `Transport` is a `DynTransport`, and `dyn DynTransport` is a `Transport` again (so
/// are `Box<dyn DynTransport>`, `Arc<dyn DynTransport>` and `&dyn DynTransport`): every
/// operation of every API trait, yours included, can be called on it. Each call costs one
/// allocation more than on the concrete type, for the boxed future.
///
/// ```
/// use std::sync::Arc;
///
/// use alloy_api::prelude::*;
/// use alloy_api::{Client, DynTransport, RawResponse, Request, Transport};
///
/// struct Canned;
///
/// impl Transport for Canned {
///     async fn execute(&self, _: Request) -> alloy_api::Result<RawResponse> {
///         Ok(RawResponse::json(&serde_json::json!({ "token": "t" })))
///     }
/// }
///
/// /// The service's state holds one type, whichever transport it was given.
/// struct State {
///     alloy: Arc<dyn DynTransport>,
/// }
///
/// fn state(fake: bool) -> alloy_api::Result<State> {
///     let alloy: Arc<dyn DynTransport> = if fake {
///         Arc::new(Canned)
///     } else {
///         Arc::new(Client::builder().api_key("sk_live_...").build()?)
///     };
///     Ok(State { alloy })
/// }
///
/// # tokio_test_block_on(async {
/// let state = state(true)?;
/// let token = state.alloy.generate_user_token("usr_1").await?;
/// assert_eq!(token.token, "t");
/// # Ok::<(), alloy_api::Error>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub trait DynTransport: Send + Sync {
    /// Sends one request as [`Transport::execute`] does, returning its future boxed.
    fn execute_boxed(&self, request: Request) -> BoxedResponse<'_>;
}

impl<T: Transport> DynTransport for T {
    fn execute_boxed(&self, request: Request) -> BoxedResponse<'_> {
        Box::pin(self.execute(request))
    }
}

impl Transport for dyn DynTransport + '_ {
    fn execute(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send {
        self.execute_boxed(request)
    }
}
