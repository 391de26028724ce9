//! Names the macro reads from user code, in one place.

/// The attribute itself, found a second time on a method.
pub const ATTRIBUTE: &str = "api_endpoint";

/// `method = "GET"` in the attribute.
pub const METHOD: &str = "method";
/// `path = "/users/<userId>"` in the attribute.
pub const PATH: &str = "path";
/// `idempotent` (or `idempotent = true`) in the attribute: the endpoint may be retried even
/// when the request may have reached the server.
pub const IDEMPOTENT: &str = "idempotent";
/// `crate = "my_alloy"` in the attribute: where the runtime crate is, if renamed.
pub const CRATE: &str = "crate";
/// Every key the attribute accepts.
pub const KEYS: &[&str] = &[METHOD, PATH, IDEMPOTENT, CRATE];

/// `#[query]` / `#[query("key")]` on a parameter.
pub const QUERY: &str = "query";
/// `#[query(flatten)]`: the parameter is a set of query pairs (`alloy_api::QueryParams`).
pub const FLATTEN: &str = "flatten";
/// `#[body]` on a parameter.
pub const BODY: &str = "body";
/// `#[header("Name")]` on a parameter.
pub const HEADER: &str = "header";
/// Every parameter attribute that gives a role.
pub const ROLES: &[&str] = &[QUERY, BODY, HEADER];
/// Parameter attributes passed through untouched.
pub const LINT_ATTRS: &[&str] = &["allow", "warn", "deny", "expect", "forbid", "doc"];

/// The HTTP methods an endpoint can use, as written in the attribute, and the runtime's
/// variant for each.
pub const METHODS: &[(&str, &str)] = &[
    ("GET", "Get"),
    ("POST", "Post"),
    ("PUT", "Put"),
    ("PATCH", "Patch"),
    ("DELETE", "Delete"),
    ("HEAD", "Head"),
    ("OPTIONS", "Options"),
];

/// Headers the client sets itself; a parameter cannot set them.
pub const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
];

/// The error for the attribute on something other than a trait method declaration; `{item}`
/// says what it was put on instead.
pub const WRONG_ITEM: &str = "`#[api_endpoint]` cannot be used on {item}: it goes on a method declared without a body inside a trait whose supertrait is `alloy_api::Transport`, as in `async fn list(&self) -> alloy_api::Result<T>;`";
