//! Client for the Alloy Automation Embedded API, where every operation is one annotated trait
//! method.
//!
//! ```no_run
//! use alloy_api::{AlloyApi, Client};
//! use alloy_api::models::{CreateUserRequest, TriggerEventRequest};
//!
//! # async fn run() -> alloy_api::Result<()> {
//! let client = Client::from_env()?; // ALLOY_API_KEY, optional ALLOY_BASE_URL
//! let user = client
//!     .create_user(&CreateUserRequest::new("customer-42").with_full_name("Jane Smith"))
//!     .await?;
//! let token = client.generate_user_token(&user.user_id).await?; // for the frontend SDK
//! client
//!     .trigger_event(&TriggerEventRequest::new(&user.user_id, "order.created"))
//!     .await?;
//! # let _ = token;
//! # Ok(())
//! # }
//! ```
//!
//! Endpoints the crate lacks are one annotated signature away, in your own crate; see
//! [`api_endpoint`].
#![deny(missing_docs)]

extern crate self as alloy_api;

mod api;
mod client;
mod error;
mod request;
mod response;
mod retry;
mod transport;

pub mod models;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[doc(hidden)]
pub mod __private {
    pub use crate::rt::*;
}
mod rt;

pub use api::AlloyApi;
pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use error::{Error, Result};
pub use request::{Endpoint, HeaderArg, Method, PathSegment, QueryValue, Request};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
pub use transport::Transport;

#[doc(inline)]
pub use alloy_macros::api_endpoint;

pub use http;
