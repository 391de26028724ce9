//! The one runtime entry point that `#[api_endpoint]` expansions call. Not public API.
//!
//! An expansion builds a [`Request`] from the endpoint's arguments and calls [`send`] with a
//! decoding function chosen from the declared return type ([`json`], [`unit`], or
//! [`with_meta`] around one of them) and the [`convert`] that turns an [`Error`] into the
//! declared error type. Everything shared by all endpoints — tracing, mapping statuses to
//! errors, decoding — happens here, once.
//!
//! Both are passed as function values rather than as bounds of [`send`], so that a type that
//! cannot be decoded, or an error type without `From<alloy_api::Error>`, gives one error at
//! that type in the user's signature instead of errors at the macro call.

use std::future::Future;
use std::time::Instant;

use serde::de::DeserializeOwned;
use tracing::Instrument;

pub use crate::request::{Endpoint, Method, Request, Segment};
use crate::{Error, RawResponse, Response, Transport};

/// A type an endpoint can decode its response body into: any `DeserializeOwned` type. Named
/// only for the error message a type that is not gets.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from a response body",
    label = "this type does not implement `serde::Deserialize`",
    note = "derive `serde::Deserialize` for `{Self}`, or return `()` to ignore the body"
)]
pub trait ResponseBody: DeserializeOwned {}

impl<T: DeserializeOwned> ResponseBody for T {}

/// An error type an endpoint can return: any type with `From<alloy_api::Error>`. Named only
/// for the error message a type that is not gets.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error type of an endpoint",
    label = "this type does not implement `From<alloy_api::Error>`",
    note = "implement `From<alloy_api::Error>` for `{Self}`, or return `alloy_api::Result<T>`"
)]
pub trait ErrorType: From<Error> {}

impl<E: From<Error>> ErrorType for E {}

/// Turns the client's error into the endpoint's error type.
pub fn convert<E: ErrorType>(error: Error) -> E {
    E::from(error)
}

/// Decodes the body of a 2xx response as JSON into `T`.
pub fn json<T: ResponseBody>(response: RawResponse) -> Result<T, Error> {
    serde_json::from_slice(&response.body).map_err(|source| Error::Decode {
        status: response.status,
        source,
        body: response.body,
    })
}

/// Ignores the body: the endpoint returns `()`, so a 204 or an empty body is a success.
pub fn unit(_: RawResponse) -> Result<(), Error> {
    Ok(())
}

/// Keeps status and headers beside the body decoded by `decode`.
pub fn with_meta<T>(
    mut response: RawResponse,
    decode: fn(RawResponse) -> Result<T, Error>,
) -> Result<Response<T>, Error> {
    let status = response.status;
    // Decoders read only the status and the body: the headers move out, uncopied.
    let headers = std::mem::take(&mut response.headers);
    Ok(Response {
        status,
        headers,
        body: decode(response)?,
    })
}

/// Sends `request` through `transport`, decodes a 2xx answer with `decode` and converts
/// errors with `convert`: the body of every generated endpoint method.
pub fn send<T, O, E>(
    transport: &T,
    mut request: Request,
    decode: fn(RawResponse) -> Result<O, Error>,
    convert: fn(Error) -> E,
) -> impl Future<Output = Result<O, E>> + Send + use<'_, T, O, E>
where
    T: Transport + ?Sized,
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
    // Without a subscriber listening, the call reads no clock: `duration_ms` has no reader.
    let recorder = span.clone();
    let call = async move {
        let started = (!recorder.is_disabled()).then(Instant::now);
        let result = match invalid {
            Some(error) => Err(error),
            None => transport.execute(request).await,
        };
        let result = result.and_then(|response| {
            recorder.record("http.response.status_code", response.status.as_u16());
            if response.status.is_success() {
                decode(response)
            } else {
                Err(Error::from_response(response))
            }
        });
        if let Some(started) = started {
            recorder.record("duration_ms", started.elapsed().as_millis() as u64);
        }
        match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            Err(error) => {
                record_error_type(&recorder, error);
                tracing::warn!(error = %error, "call failed");
            }
        }
        result.map_err(convert)
    };
    call.instrument(span)
}

/// Records the OpenTelemetry `error.type` of a failed call: the status code for an HTTP
/// error (as the HTTP semantic conventions ask), a short name of the kind otherwise.
fn record_error_type(span: &tracing::Span, error: &Error) {
    let status;
    let kind = match error {
        Error::Api(api) => {
            status = api.status();
            status.as_str()
        }
        Error::Decode { .. } => "decode",
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Config { .. } => "config",
    };
    span.record("error.type", kind);
}
