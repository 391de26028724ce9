//! The description of one call that generated code hands to a [`Transport`](crate::Transport).

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;

use crate::error::Error;

/// An HTTP method an endpoint can use.
///
/// `#[non_exhaustive]`: a later version may add a method, so a `match` on it needs a
/// wildcard arm (or use [`as_str`](Self::as_str) and [`to_http`](Self::to_http)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// Returns the method's name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
            Self::Options => "OPTIONS",
        }
    }

    /// Returns whether repeating the request has the same effect as sending it once
    /// (RFC 9110 §9.2.2): every method but `POST` and `PATCH`.
    pub const fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }

    /// Returns the equivalent [`http::Method`].
    pub fn to_http(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
            Self::Put => http::Method::PUT,
            Self::Patch => http::Method::PATCH,
            Self::Delete => http::Method::DELETE,
            Self::Head => http::Method::HEAD,
            Self::Options => http::Method::OPTIONS,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is fixed about an endpoint: written once per endpoint by `#[api_endpoint]`.
pub struct Endpoint {
    operation: &'static str,
    method: Method,
    // `.` and the template (`./workflows/{workflowId}/upgrade`): every request's target is
    // written after the `.`, as a relative reference a URL parser can never take for a
    // scheme, which a first segment such as `v1:batch` would be read as without it.
    dotted: &'static str,
    idempotent: bool,
    // Whether the template has no placeholder: its path is the template itself.
    fixed: bool,
    // The length of `dotted` up to its first placeholder: what a request writes first.
    prefix: usize,
    // For a path without placeholders: its URL, resolved once, and the base URL (in its
    // directory form) it was resolved against. See `fixed_url`.
    url: OnceLock<(Url, Url)>,
}

impl Endpoint {
    /// Describes an endpoint. `dotted` is `.` and the path template in OpenAPI form
    /// (`./users/{userId}`), checked by `#[api_endpoint]`: its literal segments are valid in
    /// a URL path as they are, and `{name}` is a whole segment.
    ///
    /// # Panics
    ///
    /// When `dotted` does not start with `./`: at compile time, since expansions describe
    /// their endpoint in a `static`.
    pub(crate) const fn new(
        operation: &'static str,
        method: Method,
        dotted: &'static str,
        idempotent: bool,
    ) -> Self {
        let bytes = dotted.as_bytes();
        assert!(
            bytes.len() >= 2 && bytes[0] == b'.' && bytes[1] == b'/',
            "an endpoint's template is written after `.`, as in `./users/{{userId}}`"
        );
        // Split at compile time: the text before the first placeholder, if there is one.
        // `#[api_endpoint]` hands each placeholder's value the literal text after it.
        let mut prefix = 2;
        while prefix < bytes.len() && bytes[prefix] != b'{' {
            prefix += 1;
        }
        let fixed = prefix == bytes.len();
        Self {
            operation,
            method,
            dotted,
            idempotent,
            fixed,
            prefix,
            url: OnceLock::new(),
        }
    }

    /// Returns the operation's name, the name of the trait method (`upgrade_workflow`).
    pub const fn operation(&self) -> &'static str {
        self.operation
    }

    /// Returns the HTTP method.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// Returns the path template in OpenAPI form (`/workflows/{workflowId}/upgrade`):
    /// low-cardinality, used as `url.template` in traces.
    pub const fn template(&self) -> &'static str {
        self.dotted.split_at(1).1
    }

    /// Returns whether the call may be retried after it may have reached the server.
    pub const fn idempotent(&self) -> bool {
        self.idempotent
    }

    /// Returns the URL of this endpoint's path below `base_dir` (a base URL whose path ends
    /// in `/`), when the path has no placeholders and is not the root: the same for every
    /// request to the same base URL, so it is resolved once, for the first base URL it is
    /// asked for, and cloned after that. `None` for other endpoints, whose URL differs per
    /// request.
    pub(crate) fn fixed_url(&self, base_dir: &Url) -> Option<Result<Url, url::ParseError>> {
        if !self.fixed || self.dotted.len() == 2 {
            return None;
        }
        if let Some((base, url)) = self.url.get()
            && base == base_dir
        {
            return Some(Ok(url.clone()));
        }
        // Another base URL (a second client) resolves it each time; the first one keeps it.
        let url = base_dir.join(self.dotted);
        if let Ok(url) = &url {
            let _ = self.url.set((base_dir.clone(), url.clone()));
        }
        Some(url)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("template", &self.template())
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

/// Bytes a path segment keeps as they are: the unreserved characters of RFC 3986.
/// Everything else, `/`, `?`, `#`, `%` and `;` included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a request's target buffer holds beyond its template's text before it grows.
const TARGET_SLACK: usize = 48;

/// One HTTP request as generated code describes it: method, encoded path and query, headers
/// and body. Transports turn it into a real request against their base URL.
pub struct Request {
    endpoint: &'static Endpoint,
    // `.`, the path, then `?` and the query when there is one: the request target as a
    // relative reference (`./users/u1?x=1`), written into one buffer, so that a request with
    // a query allocates once for both, and a transport resolves it below its base URL's path
    // without writing it again.
    target: String,
    // The length of `.` and the path in `target`.
    path_len: usize,
    // The whole of `target` (`.` and the path) while it is a template without placeholders
    // and no query was written, so not copied into `target`: empty otherwise.
    fixed: &'static str,
    // Boxed, and only there when a header parameter is set: few endpoints have one, and an
    // empty map still costs its size in every call's future and its drop on every call.
    headers: Option<Box<HeaderMap>>,
    body: Option<Bytes>,
    // Boxed: the error is rare, and a smaller `Request` is a smaller future for every call.
    error: Option<Box<Error>>,
    // The call's span, opened by the runtime before the request reaches the transport.
    span: tracing::Span,
}

impl Request {
    /// Starts the request for `endpoint`, writing the path up to its first placeholder. A
    /// path without placeholders is the template itself: nothing is written, or allocated,
    /// unless a query follows.
    pub(crate) fn new(endpoint: &'static Endpoint) -> Self {
        // `/` is the base URL itself: no segment to write, and an empty path.
        let dotted = if endpoint.dotted.len() == 2 {
            "."
        } else {
            endpoint.dotted
        };
        let mut request = Self {
            endpoint,
            target: String::new(),
            path_len: 0,
            fixed: "",
            headers: None,
            body: None,
            error: None,
            span: tracing::Span::none(),
        };
        if endpoint.fixed {
            request.fixed = dotted;
        } else {
            // Room for the parameters' values and a query of a pair or two without growing.
            request.target.reserve(dotted.len() + TARGET_SLACK);
            request.push_path(&dotted[..endpoint.prefix]);
        }
        request
    }

    /// Copies a fixed path into the buffer, before a query is written after it.
    fn materialize(&mut self) {
        if !self.fixed.is_empty() {
            self.target.reserve(self.fixed.len() + TARGET_SLACK);
            self.target.push_str(self.fixed);
            self.path_len = self.fixed.len();
            self.fixed = "";
        }
    }

    /// Appends `text` to the path. Generated code fills the path before the query, so this
    /// is a push; a query begun earlier is kept after the path.
    fn push_path(&mut self, text: &str) {
        self.materialize();
        if self.path_len == self.target.len() {
            self.target.push_str(text);
        } else {
            self.target.insert_str(self.path_len, text);
        }
        self.path_len += text.len();
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(Box::new(error));
        }
    }

    /// Fills the next placeholder of the path with `value`, percent-encoded as exactly one
    /// segment, and writes `after`, the template's literal text up to the placeholder after
    /// it (`/logs`), split out at compile time. Empty values, `.` and `..` are refused: they
    /// would change the route.
    ///
    /// Every byte but `A-Z a-z 0-9 - . _ ~` is percent-encoded, `%` included, so the encoded
    /// segment can never be a dot segment in disguise (`%2e`, `.%2E`): a URL parser sees the
    /// text `%2e` as `%252e` and leaves it alone, and the server decodes it back to `%2e`.
    /// `.` and `..` are the only values that encode to a dot segment.
    pub(crate) fn path_param<T: PathSegment + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        after: &'static str,
    ) {
        let value = value.to_segment();
        if value.is_empty() || value == "." || value == ".." {
            let shown = if value.is_empty() { "empty" } else { &value };
            let reason = format!("a path segment cannot be {shown}: it would change the route");
            self.fail(Error::invalid_argument(name, reason));
        }
        // The literal text before the placeholder ended with its `/`.
        for part in utf8_percent_encode(&value, SEGMENT) {
            self.push_path(part);
        }
        self.push_path(after);
    }

    /// Appends `key=value` to the query for every value `value` holds (none for `None`).
    pub(crate) fn query<T: QueryValue + ?Sized>(&mut self, key: &str, value: &T) {
        value.each_value(&mut |v| {
            self.materialize();
            // The serializer writes the `&` between pairs; the `?` comes before the first.
            if self.target.len() == self.path_len {
                self.target.push('?');
            }
            let start = self.path_len + 1;
            form_urlencoded::Serializer::for_suffix(&mut self.target, start).append_pair(key, v);
        });
    }

    /// Appends the query pairs of a [`QueryParams`] value, or records the argument error it
    /// reports under the parameter's name `name`.
    pub(crate) fn query_params<T: QueryParams + ?Sized>(&mut self, name: &'static str, value: &T) {
        let mut writer = QueryWriter {
            request: self,
            name,
        };
        value.write_query(&mut writer);
    }

    /// Sets the header `name` (a valid lowercase header name) to `value` unless it is `None`.
    /// Values with CR, LF, NUL or other control characters are refused.
    pub(crate) fn header<T: HeaderArg + ?Sized>(
        &mut self,
        name: &'static str,
        arg: &'static str,
        value: &T,
    ) {
        let Some(value) = value.header_value() else {
            return;
        };
        // CR and LF (which would end the header and start another), NUL, DEL and the other
        // control characters but tab are refused. An owned string becomes the header's
        // storage without a copy.
        let value = match value {
            Cow::Borrowed(s) => HeaderValue::from_str(s),
            Cow::Owned(s) => HeaderValue::try_from(s),
        };
        match value {
            Ok(value) => {
                self.headers
                    .get_or_insert_default()
                    .append(HeaderName::from_static(name), value);
            }
            Err(_) => self.fail(Error::invalid_argument(
                arg,
                "a header value cannot contain CR, LF, NUL or other control characters",
            )),
        }
    }

    /// Serializes `body` as the JSON body of the request.
    pub(crate) fn json_body<T: RequestBody + ?Sized>(&mut self, name: &'static str, body: &T) {
        match body.to_json() {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(e) => self.fail(Error::invalid_argument(
                name,
                format!("cannot be serialized as JSON: {e}"),
            )),
        }
    }

    /// Returns the first argument error met while building, if any.
    pub(crate) fn take_error(&mut self) -> Option<Error> {
        self.error.take().map(|error| *error)
    }

    /// Hands the request the span of the call it belongs to.
    pub(crate) fn set_span(&mut self, span: tracing::Span) {
        self.span = span;
    }

    /// Returns the span of the call this request belongs to: a transport records on it what
    /// it learns (the server's address, the retries), whatever span is current when it runs.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Returns the endpoint this request calls.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// Returns the HTTP method.
    pub fn method(&self) -> Method {
        self.endpoint.method
    }

    /// Returns the percent-encoded path, relative to the base URL (`/workflows/wf_1/logs`).
    pub fn path(&self) -> &str {
        if self.fixed.is_empty() {
            self.target.get(1..self.path_len).unwrap_or_default()
        } else {
            &self.fixed[1..]
        }
    }

    /// Returns the encoded query string without the `?` (`userId=usr_1`), if there is one.
    pub fn query_string(&self) -> Option<&str> {
        self.target.get(self.path_len + 1..)
    }

    /// Returns the path and, after a `?`, the query, if there is one
    /// (`/workflows/wf_1/logs?userId=usr_1`).
    pub(crate) fn target(&self) -> &str {
        self.relative_target().get(1..).unwrap_or_default()
    }

    /// Returns the target as a relative reference, after a `.`
    /// (`./workflows/wf_1/logs?userId=usr_1`): resolved against a base URL whose path ends in
    /// `/`, it lands below that path.
    pub(crate) fn relative_target(&self) -> &str {
        if self.fixed.is_empty() {
            &self.target
        } else {
            self.fixed
        }
    }

    /// Returns the headers the endpoint's parameters set (not the client's own, such as
    /// `Authorization`).
    pub fn headers(&self) -> &HeaderMap {
        static NONE: OnceLock<HeaderMap> = OnceLock::new();
        match &self.headers {
            Some(headers) => headers,
            None => NONE.get_or_init(HeaderMap::new),
        }
    }

    /// Returns the headers the endpoint's parameters set, if any.
    pub(crate) fn header_params(&self) -> Option<&HeaderMap> {
        self.headers.as_deref()
    }

    /// Returns the JSON body, if the endpoint has one.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.endpoint.operation)
            .field("method", &self.endpoint.method)
            .field("path", &self.path())
            .field("query", &self.query_string())
            .field("headers", &self.headers().keys().collect::<Vec<_>>())
            .field("body", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

/// A value that can fill a path placeholder.
///
/// Implemented for strings, integers and references to them. Implement it for your own
/// identifier types (a UUID newtype, say) to pass them directly:
///
/// ```
/// use std::borrow::Cow;
/// struct OrderId(u128);
/// impl alloy_api::PathSegment for OrderId {
///     fn to_segment(&self) -> Cow<'_, str> {
///         Cow::Owned(format!("{:032x}", self.0))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a path parameter",
    label = "this type is not a `PathSegment`",
    note = "path parameters accept `&str`, `String`, `Cow<str>`, integers, or any type that implements `alloy_api::PathSegment`"
)]
pub trait PathSegment {
    /// Returns the unencoded text of the segment; the client percent-encodes it.
    fn to_segment(&self) -> Cow<'_, str>;
}

/// A value that can be sent as query parameters: zero, one or several `key=value` pairs.
///
/// `Option<T>` sends nothing for `None`; slices and `Vec`s repeat the key once per element
/// (`tag=a&tag=b`), the form most servers read as a list.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a query parameter",
    label = "this type is not a `QueryValue`",
    note = "query parameters accept strings, integers, `bool`, `Option<T>`, and slices or `Vec`s of those"
)]
pub trait QueryValue {
    /// Calls `f` once for every value to send.
    fn each_value(&self, f: &mut dyn FnMut(&str));
}

/// A set of query parameters sent together, the type of a `#[query(flatten)]` parameter: a
/// filter or a page request whose type names its own keys.
///
/// `Option<T>` sends nothing for `None`. Implement it for your own parameter types:
///
/// ```
/// use alloy_api::{QueryParams, QueryWriter};
///
/// struct Page {
///     page: u32,
///     limit: Option<u32>,
/// }
///
/// impl QueryParams for Page {
///     fn write_query(&self, query: &mut QueryWriter<'_>) {
///         if self.limit.is_some_and(|l| l > 100) {
///             return query.invalid("limit must be at most 100");
///         }
///         query.pair("page", &self.page);
///         query.pair("limit", &self.limit);
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a set of query parameters",
    label = "this type is not `QueryParams`",
    note = "a `#[query(flatten)]` parameter takes a type that implements `alloy_api::QueryParams`; for a single pair write `#[query]`"
)]
pub trait QueryParams {
    /// Writes the value's pairs with [`QueryWriter::pair`], or refuses it with
    /// [`QueryWriter::invalid`].
    fn write_query(&self, query: &mut QueryWriter<'_>);
}

/// Where a [`QueryParams`] value writes its pairs: the query of the request being built.
pub struct QueryWriter<'a> {
    request: &'a mut Request,
    name: &'static str,
}

impl QueryWriter<'_> {
    /// Appends `key=value` for every value `value` holds (none for `None`), encoded as
    /// `#[query]` parameters are.
    pub fn pair(&mut self, key: &str, value: &dyn QueryValue) {
        self.request.query(key, value);
    }

    /// Refuses the value: the call fails with [`Error::InvalidArgument`] naming the
    /// parameter and `reason`, before anything is sent.
    pub fn invalid(&mut self, reason: impl Into<String>) {
        let error = Error::invalid_argument(self.name, reason);
        self.request.fail(error);
    }
}

impl fmt::Debug for QueryWriter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryWriter")
            .field("parameter", &self.name)
            .field("query", &self.request.query_string())
            .finish()
    }
}

impl<T: QueryParams + ?Sized> QueryParams for &T {
    fn write_query(&self, query: &mut QueryWriter<'_>) {
        (**self).write_query(query);
    }
}

impl<T: QueryParams> QueryParams for Option<T> {
    fn write_query(&self, query: &mut QueryWriter<'_>) {
        if let Some(v) = self {
            v.write_query(query);
        }
    }
}

/// A value that can be sent as a header: strings, integers, and `Option`s of them (`None`
/// sends no header).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a header parameter",
    label = "this type is not a `HeaderArg`",
    note = "header parameters accept strings, integers, and `Option<T>` of those"
)]
pub trait HeaderArg {
    /// Returns the header's text, or `None` to send no header.
    fn header_value(&self) -> Option<Cow<'_, str>>;
}

/// A value that can be sent as the JSON body of a request: any `serde::Serialize` type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a JSON body",
    label = "this type does not implement `serde::Serialize`",
    note = "derive `serde::Serialize` for the type of the `#[body]` parameter"
)]
pub trait RequestBody {
    /// Returns the value serialized as JSON.
    fn to_json(&self) -> Result<Vec<u8>, serde_json::Error>;
}

impl<T: serde::Serialize + ?Sized> RequestBody for T {
    fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}

macro_rules! impl_for_strings {
    ($($t:ty),*) => {$(
        impl PathSegment for $t {
            fn to_segment(&self) -> Cow<'_, str> {
                Cow::Borrowed(self)
            }
        }
        impl QueryValue for $t {
            fn each_value(&self, f: &mut dyn FnMut(&str)) {
                f(self)
            }
        }
        impl HeaderArg for $t {
            fn header_value(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(self))
            }
        }
    )*};
}
impl_for_strings!(
    str,
    String,
    Cow<'_, str>,
    Box<str>,
    std::sync::Arc<str>,
    std::rc::Rc<str>
);

macro_rules! impl_for_display {
    ($($t:ty),*) => {$(
        impl PathSegment for $t {
            fn to_segment(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl QueryValue for $t {
            fn each_value(&self, f: &mut dyn FnMut(&str)) {
                f(&self.to_string())
            }
        }
        impl HeaderArg for $t {
            fn header_value(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
    )*};
}
impl_for_display!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

impl QueryValue for bool {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(if *self { "true" } else { "false" })
    }
}

impl<T: PathSegment + ?Sized> PathSegment for &T {
    fn to_segment(&self) -> Cow<'_, str> {
        (**self).to_segment()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        (**self).each_value(f);
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.each_value(f);
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        for v in self {
            v.each_value(f);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        self.as_slice().each_value(f);
    }
}

impl<T: HeaderArg + ?Sized> HeaderArg for &T {
    fn header_value(&self) -> Option<Cow<'_, str>> {
        (**self).header_value()
    }
}

impl<T: HeaderArg> HeaderArg for Option<T> {
    fn header_value(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(HeaderArg::header_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static EP: Endpoint = Endpoint::new("op", Method::Get, "./a/{x}/b/{y}", true);

    #[test]
    fn literals_around_placeholders_and_trailing_slashes_are_kept() {
        static ROOT: Endpoint = Endpoint::new("root", Method::Get, "./", true);
        static TRAILING: Endpoint = Endpoint::new("t", Method::Get, "./users/{id}/", true);
        assert_eq!(Request::new(&ROOT).path(), "");
        // The literal text up to a placeholder is written at once, its `/` included.
        let mut r = Request::new(&TRAILING);
        assert_eq!(r.path(), "/users/");
        r.path_param("id", "u1", "/");
        assert_eq!(r.path(), "/users/u1/");
        let mut r = Request::new(&EP);
        r.path_param("x", "1", "/b/");
        assert_eq!(r.path(), "/a/1/b/");
        r.path_param("y", "2", "");
        assert_eq!(r.path(), "/a/1/b/2");
    }

    #[test]
    fn templates_are_split_at_compile_time() {
        static FIXED: Endpoint = Endpoint::new("f", Method::Get, "./users/batch", true);
        static ROOT: Endpoint = Endpoint::new("root", Method::Get, "./", true);
        assert!(FIXED.fixed && ROOT.fixed && !EP.fixed);
        assert_eq!((FIXED.template(), ROOT.template()), ("/users/batch", "/"));
        // A fixed path is the template, written nowhere until a query follows it.
        let mut r = Request::new(&FIXED);
        assert_eq!(r.path(), "/users/batch");
        assert_eq!(
            (r.target(), r.relative_target()),
            ("/users/batch", "./users/batch")
        );
        assert_eq!(r.target.capacity(), 0);
        r.query("userId", "u1");
        assert_eq!(r.path(), "/users/batch");
        assert_eq!(r.query_string(), Some("userId=u1"));
        assert_eq!(r.relative_target(), "./users/batch?userId=u1");
        let mut r = Request::new(&ROOT);
        assert_eq!((r.path(), r.target(), r.query_string()), ("", "", None));
        r.query("userId", "u1");
        assert_eq!((r.path(), r.target()), ("", "?userId=u1"));
    }

    #[test]
    fn a_fixed_url_is_resolved_once_per_base_url() {
        static FIXED: Endpoint = Endpoint::new("f", Method::Get, "./users/batch", true);
        static ROOT: Endpoint = Endpoint::new("root", Method::Get, "./", true);
        let first = Url::parse("http://127.0.0.1:1/v1/").unwrap();
        let second = Url::parse("http://127.0.0.1:2/").unwrap();
        assert!(EP.fixed_url(&first).is_none() && ROOT.fixed_url(&first).is_none());
        let url = |base: &Url| FIXED.fixed_url(base).unwrap().unwrap().to_string();
        assert_eq!(url(&first), "http://127.0.0.1:1/v1/users/batch");
        // Kept for the first base URL, resolved afresh for another.
        assert_eq!(url(&second), "http://127.0.0.1:2/users/batch");
        assert_eq!(FIXED.url.get().map(|(base, _)| base), Some(&first));
        assert_eq!(url(&first), "http://127.0.0.1:1/v1/users/batch");
        assert_eq!(url(&second), "http://127.0.0.1:2/users/batch");
    }

    #[test]
    #[should_panic(expected = "written after `.`")]
    fn a_template_without_its_dot_is_refused() {
        let _ = Endpoint::new("op", Method::Get, "/users", true);
    }

    #[test]
    fn path_params_are_one_segment_each() {
        let mut r = Request::new(&EP);
        r.path_param("x", "a/b?c#d%", "/b/");
        r.path_param("y", &42u32, "");
        assert!(r.take_error().is_none());
        assert_eq!(r.path(), "/a/a%2Fb%3Fc%23d%25/b/42");
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let mut r = Request::new(&EP);
            r.path_param("x", bad, "/b/");
            let err = r.take_error().expect("refused");
            assert!(
                matches!(err, Error::InvalidArgument { name: "x", .. }),
                "{err}"
            );
        }
    }

    #[test]
    fn queries_repeat_and_skip_none() {
        let mut r = Request::new(&EP);
        r.query("userId", "u 1&x=y");
        r.query("tag", &["a", "b"][..]);
        r.query("limit", &None::<u32>);
        assert_eq!(r.query_string(), Some("userId=u+1%26x%3Dy&tag=a&tag=b"));
        // The path and the query share one buffer: the path stays before the query even
        // when a placeholder is filled after a pair was written.
        r.path_param("x", "1", "/b/");
        r.path_param("y", "2", "");
        assert_eq!(r.path(), "/a/1/b/2");
        assert_eq!(r.target(), "/a/1/b/2?userId=u+1%26x%3Dy&tag=a&tag=b");
        let mut r = Request::new(&EP);
        r.path_param("x", "1", "/b/");
        assert_eq!((r.query_string(), r.target()), (None, "/a/1/b/"));
        r.query("limit", &None::<u32>);
        assert_eq!(r.query_string(), None, "no pair, no `?`");
    }

    #[test]
    fn flattened_params_write_their_pairs_or_refuse() {
        struct Page(u32, Option<&'static str>);
        impl QueryParams for Page {
            fn write_query(&self, query: &mut QueryWriter<'_>) {
                if self.0 == 0 {
                    return query.invalid("pages start at 1");
                }
                query.pair("page", &self.0);
                query.pair("order", &self.1);
            }
        }
        let mut r = Request::new(&EP);
        r.query("userId", "u1");
        r.query_params("page", &Page(2, Some("a b")));
        r.query_params("none", &None::<Page>);
        assert!(r.take_error().is_none());
        assert_eq!(r.query_string(), Some("userId=u1&page=2&order=a+b"));
        let mut r = Request::new(&EP);
        r.query_params("paging", &Page(0, None));
        assert!(matches!(
            r.take_error(),
            Some(Error::InvalidArgument { name: "paging", reason }) if reason == "pages start at 1"
        ));
    }

    #[test]
    fn header_values_cannot_inject() {
        let mut r = Request::new(&EP);
        r.header("x-trace", "trace", "a\r\nx-evil: 1");
        assert!(matches!(
            r.take_error(),
            Some(Error::InvalidArgument { name: "trace", .. })
        ));
        assert!(r.headers().is_empty());
    }
}
