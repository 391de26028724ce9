//! The one runtime entry point that `#[api_endpoint]` expansions call. Not public API.
//!
//! An expansion builds a [`Request`] from the endpoint's arguments and calls [`send`] with a
//! [`Decoder`] chosen from the declared return type. Everything shared by all endpoints —
//! tracing, mapping statuses to errors, decoding — happens here, once.

use std::future::Future;
use std::marker::PhantomData;
use std::time::Instant;

use serde::de::DeserializeOwned;
use tracing::Instrument;

pub use crate::request::{Endpoint, Method, Request, Segment};
use crate::{Error, RawResponse, Response, Transport};

/// How the body of a 2xx response becomes the value an endpoint returns.
pub trait Decoder {
    /// The value the endpoint returns on success.
    type Output;
    /// Decodes a 2xx response.
    fn decode(response: RawResponse) -> Result<Self::Output, Error>;
}

/// Decodes the body as JSON into `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Decoder for Json<T> {
    type Output = T;

    fn decode(response: RawResponse) -> Result<T, Error> {
        serde_json::from_slice(&response.body).map_err(|source| Error::Decode {
            status: response.status,
            source,
            body: response.body,
        })
    }
}

/// Ignores the body: the endpoint returns `()`, so a 204 or an empty body is a success.
pub struct Unit;

impl Decoder for Unit {
    type Output = ();

    fn decode(_: RawResponse) -> Result<(), Error> {
        Ok(())
    }
}

/// Keeps status and headers beside the body decoded by `D`.
pub struct WithMeta<D>(PhantomData<fn() -> D>);

impl<D: Decoder> Decoder for WithMeta<D> {
    type Output = Response<D::Output>;

    fn decode(response: RawResponse) -> Result<Self::Output, Error> {
        let status = response.status;
        let headers = response.headers.clone();
        Ok(Response {
            status,
            headers,
            body: D::decode(response)?,
        })
    }
}

/// Sends `request` through `transport` and decodes the answer with `D`: the body of every
/// generated endpoint method.
pub fn send<T, D, E>(
    transport: &T,
    mut request: Request,
) -> impl Future<Output = Result<D::Output, E>> + Send + use<'_, T, D, E>
where
    T: Transport + ?Sized,
    D: Decoder,
    E: From<Error>,
{
    let endpoint = request.endpoint();
    let invalid = request.take_error();
    let span = tracing::info_span!(
        "alloy_api.call",
        otel.name = endpoint.operation,
        otel.kind = "client",
        operation = endpoint.operation,
        http.request.method = endpoint.method.as_str(),
        url.template = endpoint.template,
        server.address = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        retries = 0u32,
        duration_ms = tracing::field::Empty,
    );
    let call = async move {
        let started = Instant::now();
        let result = match invalid {
            Some(error) => Err(error),
            None => transport.execute(request).await,
        };
        let result = result.and_then(|response| {
            let span = tracing::Span::current();
            span.record("http.response.status_code", response.status.as_u16());
            if response.status.is_success() {
                D::decode(response)
            } else {
                let retry_after = crate::retry::retry_after(&response.headers);
                Err(Error::from_response(
                    response.status,
                    retry_after,
                    response.body,
                ))
            }
        });
        let span = tracing::Span::current();
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            Err(error) => {
                record_error_type(&span, error);
                tracing::warn!(error = %error, "call failed");
            }
        }
        result.map_err(E::from)
    };
    call.instrument(span)
}

/// Records the OpenTelemetry `error.type` of a failed call: the status code for an HTTP
/// error (as the HTTP semantic conventions ask), a short name of the kind otherwise.
fn record_error_type(span: &tracing::Span, error: &Error) {
    let kind = match error {
        Error::Api { status, .. } => status.as_str(),
        Error::Decode { .. } => "decode",
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Config(_) => "config",
    };
    span.record("error.type", kind);
}
