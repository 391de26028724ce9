//! The one runtime entry point that `#[api_endpoint]` expansions call. Not public API.
//!
//! An expansion describes its endpoint once with the `const fn` [`endpoint`], builds a
//! [`Request`] with [`request`], [`path_param`], [`query`], [`header`] and [`json_body`], and
//! calls [`send`] with a decoding function chosen from the declared return type
//! (a function of [`ResponseBody`], [`unit`], or [`with_meta`] around one of them) and the
//! [`convert`] that turns an [`Error`] into the declared error type. Everything shared by all
//! endpoints — tracing, mapping statuses to errors, decoding — happens here, once.
//!
//! Arguments are taken as trait objects, and decoders are methods of the public
//! [`ResponseBody`], rather than bounds of these functions: a type a role does not accept
//! gives one error at that type in the user's signature, worded by the public trait's
//! `on_unimplemented`, with no note that points into this module.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use serde::de::DeserializeOwned;

pub use crate::request::{Endpoint, Method, Request};
use crate::request::{HeaderArg, PathSegment, QueryParams, QueryValue, RequestBody};
use crate::{Error, RawResponse, Response, Transport};

/// Describes an endpoint: what an expansion writes once, in a `static`. `dotted` is `.` and
/// the path template in OpenAPI form (`./users/{userId}`).
pub const fn endpoint(
    operation: &'static str,
    method: Method,
    dotted: &'static str,
    idempotent: bool,
) -> Endpoint {
    Endpoint::new(operation, method, dotted, idempotent)
}

/// Starts a request for `endpoint`.
pub fn request(endpoint: &'static Endpoint) -> Request {
    Request::new(endpoint)
}

/// Fills the next placeholder of the path, then writes `after`, the template's literal text
/// up to the next placeholder (`/logs` for `{workflowId}` in `/workflows/{workflowId}/logs`).
pub fn path_param(
    request: &mut Request,
    name: &'static str,
    value: &dyn PathSegment,
    after: &'static str,
) {
    request.path_param(name, value, after);
}

/// Adds the query pairs of `value` under `key`.
pub fn query(request: &mut Request, key: &'static str, value: &dyn QueryValue) {
    request.query(key, value);
}

/// Adds the query pairs of the `#[query(flatten)]` parameter `name`.
pub fn query_params(request: &mut Request, name: &'static str, value: &dyn QueryParams) {
    request.query_params(name, value);
}

/// Sets the header `name` (lowercase) from the parameter `arg`.
pub fn header(request: &mut Request, name: &'static str, arg: &'static str, value: &dyn HeaderArg) {
    request.header(name, arg, value);
}

/// Sets the JSON body from the parameter `name`.
pub fn json_body(request: &mut Request, name: &'static str, value: &dyn RequestBody) {
    request.json_body(name, value);
}

/// Keeps [`ResponseBody`] implemented by the crate only.
mod sealed {
    /// The argument of a method of [`ResponseBody`](super::ResponseBody) that only this
    /// crate can name, and so implement.
    #[derive(Debug)]
    pub struct Seal;
}

/// A type an endpoint can decode its response body into: any `serde::de::DeserializeOwned`
/// type. An endpoint may also return a `Vec` or an `Option` of one.
///
/// Sealed: it is implemented for every `DeserializeOwned` type and cannot be implemented
/// otherwise, so that its methods (which generated code calls) may change in a minor
/// version. A [`Transport`] of your own sees every raw response, whatever its body.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from a response body",
    label = "this type does not implement `serde::Deserialize`",
    note = "derive `serde::Deserialize` for `{Self}`, or return `()` to ignore the body"
)]
pub trait ResponseBody: Sized {
    /// Decodes the body of a 2xx response as JSON; an empty body (a 204, say) reads as `{}`.
    fn from_response(response: RawResponse) -> Result<Self, Error>;

    /// Decodes the body of a 2xx response as a JSON array of `Self`.
    fn list_from_response(response: RawResponse) -> Result<Vec<Self>, Error>;

    /// Decodes the body of a 2xx response as `Self`, or `None` for JSON `null` or an empty
    /// body.
    fn option_from_response(response: RawResponse) -> Result<Option<Self>, Error>;

    // The seal is a method rather than a supertrait: an unmet supertrait would be the error
    // a type without `Deserialize` gets, pointing into this module, instead of the
    // `on_unimplemented` message above.
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn sealed(_: sealed::Seal);
}

impl<T: DeserializeOwned> ResponseBody for T {
    fn from_response(response: RawResponse) -> Result<T, Error> {
        // A 204, or a 200 with no body, acknowledges: it reads as `{}`, so a type whose fields
        // are all optional is a success with no fields, and one with a required field is a
        // decode error that keeps the (empty) body.
        decode(response, Some(b"{}"))
    }

    fn list_from_response(response: RawResponse) -> Result<Vec<T>, Error> {
        decode(response, None)
    }

    fn option_from_response(response: RawResponse) -> Result<Option<T>, Error> {
        decode(response, Some(b"null"))
    }

    #[allow(private_interfaces)]
    fn sealed(_: sealed::Seal) {}
}

/// Decodes the body as JSON, reading an empty (or blank) body as `if_empty` when given.
fn decode<T: DeserializeOwned>(
    response: RawResponse,
    if_empty: Option<&'static [u8]>,
) -> Result<T, Error> {
    let json = match if_empty {
        Some(stand_in) if response.body.iter().all(u8::is_ascii_whitespace) => stand_in,
        _ => &response.body[..],
    };
    serde_json::from_slice(json).map_err(|source| Error::Decode {
        status: response.status,
        source,
        body: response.body,
    })
}

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
    let invalid = request.take_error();
    let idempotent = request.endpoint().idempotent();
    let span = call_span(&mut request);
    // A request with an argument error is never handed to the transport. Otherwise its
    // future is made here, in place in the call's future, not moved into it on first poll.
    let (execute, invalid) = match invalid {
        None => (Some(transport.execute(request)), None),
        Some(error) => (None, Some(error)),
    };
    Calling {
        execute,
        invalid,
        call: Call {
            span,
            started: None,
            state: Cell::new(CallState::New),
        },
        idempotent,
        decode,
        convert,
    }
}

pin_project_lite::pin_project! {
    /// The future of one call: the transport's future, polled inside the call's span, and
    /// what to do with its answer. Written by hand rather than as an `async` block inside
    /// `Instrumented`, so that the transport's future is built once, where it stays, and a
    /// poll is one span entry and one poll of it.
    struct Calling<F, O, E> {
        #[pin]
        execute: Option<F>,
        // The argument error to return instead of sending, until it is returned.
        invalid: Option<Error>,
        // Moved with the future, so that dropping it, polled or not, drops this too.
        call: Call,
        idempotent: bool,
        decode: fn(RawResponse) -> Result<O, Error>,
        convert: fn(Error) -> E,
    }
}

impl<F, O, E> Future for Calling<F, O, E>
where
    F: Future<Output = Result<RawResponse, Error>>,
{
    type Output = Result<O, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let call = this.call;
        let _entered = call.span.enter();
        if call.state.get() == CallState::New {
            // Without a subscriber listening, the call reads no clock: `duration_ms` has no
            // reader.
            call.started = (!call.span.is_disabled()).then(Instant::now);
            call.state.set(CallState::Polled);
        }
        let result = match this.execute.as_pin_mut() {
            Some(execute) => match execute.poll(cx) {
                Poll::Ready(result) => result,
                Poll::Pending => return Poll::Pending,
            },
            None => match this.invalid.take() {
                Some(error) => Err(error),
                None => panic!("a call's future was polled after it completed"),
            },
        };
        let result = checked(result, *this.idempotent, &call.span).and_then(*this.decode);
        call.finish(result.as_ref().err());
        Poll::Ready(result.map_err(*this.convert))
    }
}

/// How far a call got, for its span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CallState {
    New,
    Polled,
    Finished,
}

/// The outcome of one call, recorded on its span: once it finished, or, when the call's
/// future is dropped before that (a `select!` or a timeout around it, a task aborted), as
/// cancelled. Not generic, like [`call_span`], [`checked`] and [`report`], so that it is
/// compiled once, here.
struct Call {
    span: tracing::Span,
    // When the call started, if a subscriber listens.
    started: Option<Instant>,
    // A cell: the outcome is recorded while the span is entered, through a shared borrow.
    state: Cell<CallState>,
}

impl Call {
    /// Records the duration and the outcome.
    fn finish(&self, error: Option<&Error>) {
        self.state.set(CallState::Finished);
        report(&self.span, self.started, error);
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if self.state.get() == CallState::Finished || self.span.is_disabled() {
            return;
        }
        if let Some(started) = self.started {
            self.span
                .record("duration_ms", started.elapsed().as_millis() as u64);
        }
        self.span.record("error.type", "cancelled");
        tracing::debug!(parent: &self.span, "call cancelled");
    }
}

/// The span of one call, also handed to the transport, which records on it explicitly
/// whichever span is current when it runs. Not generic, like [`checked`] and [`report`], so
/// that it is compiled once, here, rather than for each type an endpoint returns.
fn call_span(request: &mut Request) -> tracing::Span {
    let endpoint = request.endpoint();
    let span = tracing::info_span!(
        "alloy_api.call",
        otel.name = endpoint.operation(),
        otel.kind = "client",
        operation = endpoint.operation(),
        http.request.method = endpoint.method().as_str(),
        url.template = endpoint.template(),
        server.address = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        retries = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    request.set_span(span.clone());
    span
}

/// Records the status of an answer on the call's span and turns a non-2xx one into its
/// error.
fn checked(
    result: Result<RawResponse, Error>,
    idempotent: bool,
    span: &tracing::Span,
) -> Result<RawResponse, Error> {
    let response = result?;
    span.record("http.response.status_code", response.status.as_u16());
    if response.status.is_success() {
        Ok(response)
    } else {
        Err(Error::from_response(response, idempotent))
    }
}

/// Records the outcome of a call: its duration when a subscriber listens (`started`), and
/// either the success or the error, its type on the span.
fn report(span: &tracing::Span, started: Option<Instant>, error: Option<&Error>) {
    if let Some(started) = started {
        span.record("duration_ms", started.elapsed().as_millis() as u64);
    }
    match error {
        None => tracing::debug!("call succeeded"),
        Some(error) => {
            record_error_type(span, error);
            // A 4xx is the server's considered answer to this request (a 404 that an
            // `is_not_found()` check expects, say), not a fault of the client or the
            // network: it is left to the caller to judge. The error is a `dyn Error` field,
            // so that subscribers print its causes (`source()`) too.
            let client_error = error
                .api()
                .is_some_and(|api| api.status().is_client_error());
            let error = error as &(dyn std::error::Error + 'static);
            if client_error {
                tracing::debug!(error, "call failed");
            } else {
                tracing::warn!(error, "call failed");
            }
        }
    }
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
        Error::Pagination { .. } => "pagination",
    };
    span.record("error.type", kind);
}
