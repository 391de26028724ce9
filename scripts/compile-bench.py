#!/usr/bin/env python3
"""Compile cost of `#[api_endpoint]` against the same endpoints written by hand with reqwest.

Generates a throwaway Cargo workspace (under target/compile-bench/, never committed) with, for
each N, two library crates depending on alloy-api by path:

  gen_N   N endpoints, each one annotated trait method (the ten shapes of the Alloy API,
          cycled, each with its own path), ten to a trait as alloy-api's resources are
          (`--trait-size`; 0 puts all N in one trait), implemented for every Transport;
  hand_N  the same N endpoints written by hand over reqwest: `format!` path, `.query(&[..])`,
          `.json(&body)`, one shared `call` helper that sends, reads the body, maps the status
          and decodes, i.e. what `benches/common/hand.rs` does for the real ten.

Both crates instantiate every endpoint on their client type (a non-generic function boxing
the call's future), as an application calling them does, so that `cargo build` generates the
code of every endpoint; otherwise the generic trait methods would cost nothing to build.

Measured, dependencies prebuilt, with CARGO_INCREMENTAL=0 so every rebuild compiles the crate
in full: `cargo check` and `cargo build` of the crate alone after touching it, median of
--reps runs, gen and hand interleaved; the size of the macro-expanded source
(`-Zunpretty=expanded`, through RUSTC_BOOTSTRAP=1), of the LLVM IR and the number of functions
in it, and of the rlib. Per-endpoint costs are slopes between the smallest and largest N,
which cancel cargo's fixed overhead.

Clean release build (`--clean N`, default 38, the size of the API): CPU seconds (user +
system of cargo and everything it runs) of `cargo build --release` from an empty target
directory of

  clean_gen   alloy-api and N annotated endpoints (the `gen_N` source): everything an
              application of the generated client compiles, and reqwest's `json` feature,
              which the hand-written side turns on, so that reqwest is the same on both;
  clean_hand  the lean hand-written client of the same N endpoints with no alloy-api at all:
              reqwest (rustls, HTTP/2, json), serde, serde_json, url, chrono, a copy of
              alloy-api's models, and the form of benches/common/hand.rs (one
              `reqwest::Client` with the defaults, a cloned `Url` per call with its segments
              and query pairs, `.json`, `send`, `bytes`, `serde_json::from_slice`);

--clean-reps builds of each, interleaved, each from an empty target directory. `--clean 0`
skips it; `--only-clean` skips everything else. `--per-crate` also records the CPU seconds of
every rustc run (through a RUSTC_WRAPPER of `/usr/bin/time`) and prints, per crate, the median
over the builds of each side, the sums of what only one side compiles, and a ratio less moved
by the machine's load: the crates both sides compile and the time outside rustc pooled over
all builds, plus each side's own crates. `--gen-features a,b` builds clean_gen with alloy-api's
default features off and only those on: `platform-verifier,http2` is the hand-written crate's
feature set (reqwest on rustls with the platform verifier, HTTP/2), without the verifier of
Alloy's signed calls (`signature`) that it has no counterpart of.

`--instructions` also counts the instructions rustc executes to `cargo check` each crate
alone (under valgrind's callgrind, about 3 minutes more for N=500): a per-endpoint figure that
is the same from run to run, where the timed slopes move by about 0.1 between runs.

Usage: python3 scripts/compile-bench.py [--sizes 10,100,500] [--reps 3] [--dir DIR]
           [--clean 38] [--clean-reps 2] [--only-clean] [--per-crate] [--trait-size 10]
           [--gen-features LIST] [--instructions]
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The ten shapes of the Alloy API: (method, path after the /eN prefix, params, return type).
# params: list of (name, rust type, role) with role in {"path", "query", "body"}.
SHAPES = [
    ("POST", "/users", [("request", "CreateUserRequest", "body")], "User"),
    ("GET", "/users/<userId>/token", [("user_id", "str", "path")], "TokenResponse"),
    ("DELETE", "/users/<userId>/logs", [("user_id", "str", "path")], "SuccessResponse"),
    ("GET", "/integrations", [("user_id", "str", "query")], "IntegrationList"),
    ("POST", "/run/event", [("request", "TriggerEventRequest", "body")], "SuccessResponse"),
    (
        "GET",
        "/workflows/<workflowId>/errors",
        [("workflow_id", "str", "path"), ("user_id", "str", "query")],
        "WorkflowErrorList",
    ),
    (
        "GET",
        "/workflows/<workflowId>/logs",
        [("workflow_id", "str", "path"), ("user_id", "str", "query")],
        "WorkflowLogList",
    ),
    ("PUT", "/workflows/deactivate", [("request", "WorkflowActionRequest", "body")], "SuccessResponse"),
    ("PUT", "/workflows/activate", [("request", "WorkflowActionRequest", "body")], "SuccessResponse"),
    (
        "PUT",
        "/workflows/<workflowId>/upgrade",
        [("workflow_id", "str", "path"), ("request", "UpgradeWorkflowRequest", "body")],
        "SuccessResponse",
    ),
]

MODELS = (
    "CreateUserRequest, IntegrationList, SuccessResponse, TokenResponse, TriggerEventRequest, "
    "UpgradeWorkflowRequest, User, WorkflowActionRequest, WorkflowErrorList, WorkflowLogList"
)

DEPENDENCIES = """\
[dependencies]
alloy-api = {{ path = "{alloy_api}" }}
reqwest = {{ version = "0.13", default-features = false, features = ["rustls-no-provider", "http2", "json", "query"] }}
rustls = {{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }}
serde = "1"
serde_json = "1"
url = "2"
percent-encoding = "2"
bytes = "1"
http = "1"
"""


def signature_params(params):
    return "".join(f", {name}: &{ty}" for name, ty, _ in params)


def arg_names(params):
    return ", ".join(name for name, _, _ in params)


# Endpoints per trait in gen_N: alloy-api has one trait per resource, of 1 to 11 operations
# (`WorkflowsApi` has 11), so 10. `--trait-size 0` puts all N in one trait, a shape no
# resource has, on which rustc's check of the trait's associated types (one per `impl Future`
# return) grows with the square of its methods.
TRAIT_SIZE = 10


def trait_of(i, trait_size):
    return f"Api{i // trait_size}" if trait_size else "Api"


def gen_crate(n, trait_size=TRAIT_SIZE):
    out = [
        f"//! {n} endpoints, each one `#[api_endpoint]` trait method"
        + (f", {trait_size} to a trait." if trait_size else ", all in one trait."),
        "#![allow(missing_docs)]",
        "use std::future::Future;",
        "use std::pin::Pin;",
        "",
        f"use alloy_api::models::{{{MODELS}}};",
        "use alloy_api::{Client, Result, Transport, api_endpoint};",
        "",
        "pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;",
    ]
    traits = []
    for i in range(n):
        trait = trait_of(i, trait_size)
        if not traits or traits[-1] != trait:
            if traits:
                out.append("}")
            traits.append(trait)
            out.append("")
            out.append(f"pub trait {trait}: Transport {{")
        method, path, params, ret = SHAPES[i % len(SHAPES)]
        out.append(f'    #[api_endpoint(method = "{method}", path = "/e{i}{path}")]')
        sig = []
        for name, ty, role in params:
            attr = {"path": "", "query": "#[query] ", "body": "#[body] "}[role]
            sig.append(f"{attr}{name}: &{ty}")
        out.append(f"    async fn op_{i}(&self, {', '.join(sig)}) -> Result<{ret}>;")
        out.append("")
    if traits:
        out.append("}")
    out.append("")
    for trait in traits:
        out.append(f"impl<T: Transport + ?Sized> {trait} for T {{}}")
    out.append("")
    out.append("// Every endpoint instantiated for `Client`, as an application calling it does.")
    for i in range(n):
        _, _, params, ret = SHAPES[i % len(SHAPES)]
        out.append(
            f"pub fn call_{i}<'a>(c: &'a Client{signature_params(params).replace(': &', ': &' + chr(39) + 'a ')})"
            f" -> Call<'a, {ret}> {{ Box::pin({trait_of(i, trait_size)}::op_{i}(c, {arg_names(params)})) }}"
        )
    return "\n".join(out) + "\n"


HAND_PRELUDE = """\
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use alloy_api::models::{{{MODELS}, ErrorResponse}};
use bytes::Bytes;
use http::StatusCode;
use http::header::{{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT}};
use percent_encoding::{{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode}};
use reqwest::{{Method, RequestBuilder}};
use serde::de::DeserializeOwned;
use url::Url;

const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn seg(value: &str) -> PercentEncode<'_> {{
    utf8_percent_encode(value, SEGMENT)
}}

#[derive(Debug)]
pub enum HandError {{
    Api {{ status: StatusCode, error: Option<String>, message: Option<String>, retry_after: Option<Duration>, body: Bytes }},
    Decode {{ status: StatusCode, source: serde_json::Error, body: Bytes }},
    Timeout,
    Transport(reqwest::Error),
}}

impl From<reqwest::Error> for HandError {{
    fn from(error: reqwest::Error) -> Self {{
        if error.is_timeout() {{ Self::Timeout }} else {{ Self::Transport(error.without_url()) }}
    }}
}}

impl fmt::Display for HandError {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            Self::Api {{ status, .. }} => write!(f, "the API answered {{status}}"),
            Self::Decode {{ status, source, .. }} => write!(f, "could not decode the {{status}} response: {{source}}"),
            Self::Timeout => f.write_str("timed out"),
            Self::Transport(e) => write!(f, "the request failed: {{e}}"),
        }}
    }}
}}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {{
    headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).map(Duration::from_secs)
}}

pub fn decode<T: DeserializeOwned>(status: StatusCode, body: Bytes, retry_after: Option<Duration>) -> Result<T, HandError> {{
    if status.is_success() {{
        return serde_json::from_slice(&body).map_err(|source| HandError::Decode {{ status, source, body }});
    }}
    let parsed = serde_json::from_slice::<ErrorResponse>(&body).unwrap_or_default();
    Err(HandError::Api {{ status, error: parsed.error, message: parsed.message, retry_after, body }})
}}

pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, HandError>> + Send + 'a>>;

pub struct Hand {{
    http: reqwest::Client,
    base: Url,
    base_path: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
}}

impl Hand {{
    pub fn new(base_url: &str, api_key: &str) -> Self {{
        let base = Url::parse(base_url).expect("valid base URL");
        let base_path = base.path().trim_end_matches('/').to_owned();
        let mut authorization = HeaderValue::try_from(format!("Bearer {{api_key}}")).expect("valid API key");
        authorization.set_sensitive(true);
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .expect("reqwest client");
        Self {{ http, base, base_path, authorization, user_agent: HeaderValue::from_static("alloy-api-rust/0.1.0"), timeout: Duration::from_secs(30) }}
    }}

    fn request(&self, method: Method, path: &str) -> RequestBuilder {{
        let mut url = self.base.clone();
        url.set_path(path);
        self.http
            .request(method, url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.user_agent.clone())
            .timeout(self.timeout)
    }}

    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, HandError> {{
        let response = request.send().await?;
        let status = response.status();
        let wait = if status.is_success() {{ None }} else {{ retry_after(response.headers()) }};
        let body = response.bytes().await?;
        decode(status, body, wait)
    }}
}}
"""


def hand_path_expr(i, path, params):
    """The `format!` of the path: placeholders become percent-encoded arguments."""
    fmt = f"{{}}/e{i}" + re.sub(r"<[^>]+>", "{}", path)
    path_args = [name for name, _, role in params if role == "path"]
    args = ", ".join(["self.base_path"] + [f"seg({a})" for a in path_args])
    return f'format!("{fmt}", {args})'


def hand_crate(n):
    out = [f"//! The same {n} endpoints written by hand over reqwest.", "#![allow(missing_docs)]"]
    out.append(HAND_PRELUDE.format(MODELS=MODELS))
    out.append("impl Hand {")
    for i in range(n):
        method, path, params, ret = SHAPES[i % len(SHAPES)]
        out.append(f"    pub async fn op_{i}(&self{signature_params(params)}) -> Result<{ret}, HandError> {{")
        out.append(f"        let path = {hand_path_expr(i, path, params)};")
        chain = f"self.request(Method::{method}, &path)"
        for name, _, role in params:
            if role == "query":
                chain += f'\n            .query(&[("userId", {name})])'
            elif role == "body":
                chain += f"\n            .json({name})"
        out.append(f"        let request = {chain};")
        out.append("        self.call(request).await")
        out.append("    }")
        out.append("")
    out.append("}")
    out.append("")
    out.append("// Every endpoint instantiated, as an application calling it does.")
    for i in range(n):
        _, _, params, ret = SHAPES[i % len(SHAPES)]
        out.append(
            f"pub fn call_{i}<'a>(c: &'a Hand{signature_params(params).replace(': &', ': &' + chr(39) + 'a ')})"
            f" -> Call<'a, {ret}> {{ Box::pin(c.op_{i}({arg_names(params)})) }}"
        )
    return "\n".join(out) + "\n"


LEAN_DEPENDENCIES = """\
[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider", "http2", "json"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
url = "2"
http = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "now"] }
"""

LEAN_PRELUDE = """\
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use url::Url;

use crate::models::*;

#[derive(Debug)]
pub enum HandError {
    Api { status: StatusCode, error: Option<String>, message: Option<String> },
    Decode(serde_json::Error),
    Http(reqwest::Error),
}

impl From<reqwest::Error> for HandError {
    fn from(error: reqwest::Error) -> Self {
        Self::Http(error)
    }
}

impl fmt::Display for HandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, .. } => write!(f, "the API answered {status}"),
            Self::Decode(e) => write!(f, "could not decode the response: {e}"),
            Self::Http(e) => write!(f, "the request failed: {e}"),
        }
    }
}

pub fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, HandError> {
    if !status.is_success() {
        let parsed = serde_json::from_slice::<ErrorResponse>(body).unwrap_or_default();
        return Err(HandError::Api { status, error: parsed.error, message: parsed.message });
    }
    serde_json::from_slice(body).map_err(HandError::Decode)
}

pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, HandError>> + Send + 'a>>;

// What the copied models need of alloy-api's query traits, written by hand.
pub trait QueryValue {
    fn each_value(&self, f: &mut dyn FnMut(&str));
}

macro_rules! query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn each_value(&self, f: &mut dyn FnMut(&str)) {
                f(&self.to_string())
            }
        }
    )*};
}
query_value!(str, String, bool, u32, u64, usize, i32, i64);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        (**self).each_value(f)
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self {
            value.each_value(f)
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        for value in self {
            value.each_value(f)
        }
    }
}

pub struct QueryWriter<'a> {
    url: &'a mut Url,
    error: Option<String>,
}

impl QueryWriter<'_> {
    pub fn pair(&mut self, key: &str, value: &dyn QueryValue) {
        value.each_value(&mut |v| {
            self.url.query_pairs_mut().append_pair(key, v);
        });
    }

    pub fn invalid(&mut self, reason: impl Into<String>) {
        self.error.get_or_insert_with(|| reason.into());
    }
}

pub trait QueryParams {
    fn write_query(&self, query: &mut QueryWriter<'_>);
}

pub struct Hand {
    http: reqwest::Client,
    base: Url,
}

impl Hand {
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let base = Url::parse(base_url).expect("valid base URL");
        let mut authorization = HeaderValue::try_from(format!("Bearer {api_key}")).expect("valid API key");
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static("alloy-api-rust/0.1.0"));
        headers.insert("x-api-version", HeaderValue::from_static("2025-09"));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .expect("reqwest client");
        Self { http, base }
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut().expect("base URL with a path").pop_if_empty().extend(segments);
        url
    }

    fn url_for_user(&self, segments: &[&str], user_id: &str) -> Url {
        let mut url = self.url(segments);
        url.query_pairs_mut().append_pair("userId", user_id);
        url
    }

    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, HandError> {
        let response = request.send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        decode(status, &body)
    }
}
"""


# What the copied models use of alloy-api's redaction, written by hand over `url`.
LEAN_REDACT = """\
pub mod redact {
    use std::fmt;

    pub const REDACTED: &str = "<redacted>";

    /// A URL shown without user info, query or fragment.
    pub struct RedactedUrl<'a>(pub &'a str);

    impl fmt::Debug for RedactedUrl<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let Ok(url) = url::Url::parse(self.0) else {
                return f.write_str("<unparseable URL>");
            };
            write!(f, "\\"{}://{}{}", url.scheme(), url.host_str().unwrap_or_default(), url.path())?;
            if url.query().is_some() {
                write!(f, "?{REDACTED}")?;
            }
            f.write_str("\\"")
        }
    }
}
"""


def lean_hand_crate(n):
    """N endpoints in the lean hand-written form, over reqwest alone (models copied)."""
    out = [f"//! The same {n} endpoints written by hand over reqwest, without alloy-api.",
           "#![allow(missing_docs, dead_code, rustdoc::broken_intra_doc_links)]",
           "pub mod models;", LEAN_REDACT, LEAN_PRELUDE, "impl Hand {"]
    for i in range(n):
        method, path, params, ret = SHAPES[i % len(SHAPES)]
        segments = [f'"e{i}"'] + [
            re.sub(r"<([^>]+)>", lambda m: next(p for p, _, r in params if r == "path"), f'"{s}"')
            if not s.startswith("<") else next(p for p, _, r in params if r == "path")
            for s in path.strip("/").split("/")
        ]
        query = [name for name, _, role in params if role == "query"]
        url = (f"self.url_for_user(&[{', '.join(segments)}], {query[0]})" if query
               else f"self.url(&[{', '.join(segments)}])")
        chain = f"self.http.{method.lower()}({url})"
        for name, _, role in params:
            if role == "body":
                chain += f".json({name})"
        out.append(f"    pub async fn op_{i}(&self{signature_params(params)}) -> Result<{ret}, HandError> {{")
        out.append(f"        self.call({chain}).await")
        out.append("    }")
    out.append("}")
    out.append("")
    for i in range(n):
        _, _, params, ret = SHAPES[i % len(SHAPES)]
        out.append(
            f"pub fn call_{i}<'a>(c: &'a Hand{signature_params(params).replace(': &', ': &' + chr(39) + 'a ')})"
            f" -> Call<'a, {ret}> {{ Box::pin(c.op_{i}({arg_names(params)})) }}"
        )
    return "\n".join(out) + "\n"


def write_clean_workspace(workdir, n, trait_size=TRAIT_SIZE, gen_features=None):
    """Two crates in a workspace of their own: clean_gen (alloy-api and N annotated
    endpoints) and clean_hand (the same N endpoints by hand over reqwest, models copied).
    With `gen_features` (a list), clean_gen takes alloy-api with those features only."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Cargo.toml").write_text(
        "# Generated by scripts/compile-bench.py; throwaway.\n"
        "[workspace]\nresolver = \"3\"\nmembers = [\"clean_gen\", \"clean_hand\"]\n"
    )
    lock = ROOT / "Cargo.lock"
    if lock.exists() and not (workdir / "Cargo.lock").exists():
        shutil.copy(lock, workdir / "Cargo.lock")
    features = ("" if gen_features is None else
                f", default-features = false, features = {json.dumps(gen_features)}")
    # reqwest's `json` feature, which the hand-written crate uses, on the generated side too:
    # reqwest is then the same code on both sides (a few functions more for the generated
    # one), and its CPU seconds are pooled with the other crates both compile.
    gen_deps = (f'[dependencies]\nalloy-api = {{ path = "{ROOT / "alloy-api"}"{features} }}\n'
                'reqwest = { version = "0.13", default-features = false, features = ["json"] }\n')
    for name, deps, source in (
        ("clean_gen", gen_deps, gen_crate(n, trait_size)),
        ("clean_hand", LEAN_DEPENDENCIES, lean_hand_crate(n)),
    ):
        crate = workdir / name
        (crate / "src").mkdir(parents=True, exist_ok=True)
        (crate / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n' + deps
        )
        (crate / "src" / "lib.rs").write_text(source)
    models = workdir / "clean_hand" / "src" / "models"
    if models.exists():
        shutil.rmtree(models)
    shutil.copytree(ROOT / "alloy-api" / "src" / "models", models)


# Records user and system CPU seconds of one rustc run, with the crate's name and a checksum
# of its enabled features: the same crate with other features is other code to compile.
RUSTC_TIMER = """\
#!/bin/sh
name=unknown; prev=; features=
for a in "$@"; do
  [ "$prev" = "--crate-name" ] && name=$a
  [ "$prev" = "--cfg" ] && case $a in feature=*) features="$features $a";; esac
  prev=$a
done
key=$(printf '%s' "$features" | cksum | cut -d' ' -f1)
exec /usr/bin/time -a -o "$RUSTC_CPU_LOG" -f "%U %S $name $key" "$@"
"""


def clean_build_cpu(workdir, crate, per_crate_log=None):
    """CPU seconds (user + system, cargo and all it runs) of a release build of `crate` from
    an empty target directory, and the wall time. With `per_crate_log`, each rustc run's CPU
    seconds are appended to that file."""
    target = workdir / "target-clean"
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(target)
    env.pop("RUSTFLAGS", None)
    if per_crate_log:
        timer = workdir / "rustc-timer.sh"
        timer.write_text(RUSTC_TIMER)
        timer.chmod(0o755)
        per_crate_log.unlink(missing_ok=True)
        env["RUSTC_WRAPPER"] = str(timer)
        env["RUSTC_CPU_LOG"] = str(per_crate_log)
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(["cargo", "build", "--release", "-q", "-p", crate], cwd=workdir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"cargo build --release -p {crate} failed")
    shutil.rmtree(target, ignore_errors=True)
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return cpu, wall


def rustc_cpu(log):
    """CPU seconds per (crate name, features checksum) from a RUSTC_TIMER log (build scripts
    add up under `build_script_build`; cargo's probes of rustc under `unknown` and `___`)."""
    per_crate = {}
    for line in log.read_text().splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[0][0].isdigit():
            key = (fields[2], fields[3])
            per_crate[key] = per_crate.get(key, 0.0) + float(fields[0]) + float(fields[1])
    return per_crate


PROBES = {"unknown", "___"}


def per_crate_report(crates, runs):
    gen, hand = crates["clean_gen"], crates["clean_hand"]
    names = {k for k in set().union(*gen, *hand) if k[0] not in PROBES}
    # A crate both sides compile with different features counts as each side's own.
    differs = {name for name, _ in names if sum(1 for n, _ in names if n == name) > 1}

    def label(key):
        name, _ = key
        if name not in differs or name == "build_script_build":
            return name
        return f"{name} (features of {'generated' if any(key in b for b in gen) else 'hand-written'})"

    def med(side, name):
        return statistics.median(build.get(name, 0.0) for build in side)

    only = {
        "gen": {k: med(gen, k) for k in names if not any(k in b for b in hand)},
        "hand": {k: med(hand, k) for k in names if not any(k in b for b in gen)},
    }
    print("\n### rustc CPU seconds per crate (median of each side's builds)\n")
    print("| crate | alloy-api + generated | lean hand-written |")
    print("|---|---:|---:|")
    for k in sorted(names, key=lambda k: -max(med(gen, k), med(hand, k))):
        if max(med(gen, k), med(hand, k)) >= 0.3:
            print(f"| {label(k)} | {med(gen, k):.1f} | {med(hand, k):.1f} |")
    shared = names - set(only["gen"]) - set(only["hand"])
    print(f"| **only this side** | {sum(only['gen'].values()):.1f} | {sum(only['hand'].values()):.1f} |")
    print(f"| **both sides** | {sum(med(gen, k) for k in shared):.1f} | {sum(med(hand, k) for k in shared):.1f} |")

    # The crates both sides compile with the same features are the same code: whatever their
    # CPU seconds differ by between the sides is the machine's load at the time. So is what a
    # build spends outside rustc (cargo, build scripts' runs). Pooling both over every build
    # of both sides, and keeping each side's own crates, gives a ratio that the load moves
    # much less than a pair's.
    def shared_sum(build):
        return sum(build.get(k, 0.0) for k in shared)

    outside = [cpu - sum(v for k, v in build.items() if k[0] not in PROBES)
               for side in ("clean_gen", "clean_hand")
               for (cpu, _), build in zip(runs[side], crates[side])]
    common = statistics.median([shared_sum(b) for b in gen + hand]) + statistics.median(outside)
    own_gen, own_hand = sum(only["gen"].values()), sum(only["hand"].values())
    print(f"\nWith what both sides compile and run outside rustc pooled over all {len(gen) + len(hand)} "
          f"builds ({common:.1f} CPU s): {common + own_gen:.1f} vs {common + own_hand:.1f}, "
          f"ratio **{(common + own_gen) / (common + own_hand):.3f}**")


def clean_builds(workdir, n, reps, per_crate=False, trait_size=TRAIT_SIZE, gen_features=None):
    write_clean_workspace(workdir, n, trait_size, gen_features)
    # Fetch once, so that no build pays for the network.
    subprocess.run(["cargo", "fetch", "-q"], cwd=workdir, check=True)
    runs = {"clean_gen": [], "clean_hand": []}
    crates = {"clean_gen": [], "clean_hand": []}
    log = workdir / "rustc-cpu.log" if per_crate else None
    for rep in range(reps):
        order = ("clean_gen", "clean_hand") if rep % 2 == 0 else ("clean_hand", "clean_gen")
        for crate in order:
            cpu, wall = clean_build_cpu(workdir, crate, log)
            runs[crate].append((cpu, wall))
            if log:
                crates[crate].append(rustc_cpu(log))
            print(f"clean release build {crate}: {cpu:.1f} CPU s, {wall:.1f} s wall", file=sys.stderr)
    features = "default features" if gen_features is None else f"features {gen_features}"
    print(f"\n### Clean release build, N={n} endpoints, alloy-api with {features} "
          "(CPU seconds, from an empty target directory)\n")
    print("| run | alloy-api + generated | lean hand-written (reqwest) | ratio |")
    print("|---:|---:|---:|---:|")
    for rep in range(reps):
        g, h = runs["clean_gen"][rep][0], runs["clean_hand"][rep][0]
        print(f"| {rep + 1} | {g:.1f} | {h:.1f} | {g / h:.3f} |")
    g = statistics.median(r[0] for r in runs["clean_gen"])
    h = statistics.median(r[0] for r in runs["clean_hand"])
    print(f"| median | {g:.1f} | {h:.1f} | **{g / h:.3f}** |")
    if per_crate:
        per_crate_report(crates, runs)
    return runs


def write_workspace(workdir, sizes, trait_size=TRAIT_SIZE):
    members = [f"{kind}_{n}" for n in sizes for kind in ("gen", "hand")]
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Cargo.toml").write_text(
        "# Generated by scripts/compile-bench.py; throwaway.\n"
        "[workspace]\nresolver = \"3\"\n"
        f"members = [{', '.join(json.dumps(m) for m in members)}]\n\n"
        "# As in the repository's workspace.\n"
        "[profile.dev]\ndebug = \"line-tables-only\"\n\n"
        "[profile.dev.package.\"*\"]\ndebug = false\n"
    )
    lock = ROOT / "Cargo.lock"
    if lock.exists() and not (workdir / "Cargo.lock").exists():
        shutil.copy(lock, workdir / "Cargo.lock")
    for n in sizes:
        for kind, source in (("gen", gen_crate(n, trait_size)), ("hand", hand_crate(n))):
            crate = workdir / f"{kind}_{n}"
            (crate / "src").mkdir(parents=True, exist_ok=True)
            (crate / "Cargo.toml").write_text(
                f'[package]\nname = "{kind}_{n}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
                + DEPENDENCIES.format(alloy_api=ROOT / "alloy-api")
            )
            lib = crate / "src" / "lib.rs"
            if not lib.exists() or lib.read_text() != source:
                lib.write_text(source)


def cargo(workdir, args, env_extra=None, capture=False):
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(workdir / "target")
    env["CARGO_INCREMENTAL"] = "0"
    env.pop("RUSTFLAGS", None)
    if env_extra:
        env.update(env_extra)
    result = subprocess.run(
        ["cargo", *args],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"cargo {' '.join(args)} failed")
    return result.stdout


def timed(workdir, crate, command):
    """Touches the crate and times `cargo <command>` of it alone."""
    lib = workdir / crate / "src" / "lib.rs"
    os.utime(lib)
    start = time.perf_counter()
    cargo(workdir, [command, "-q", "-p", crate])
    return time.perf_counter() - start


# Runs rustc under callgrind for the crate named $CALLGRIND_CRATE, and rustc alone for the rest.
RUSTC_CALLGRIND = """\
#!/bin/sh
rustc=$1; shift
name=unknown; prev=
for a in "$@"; do [ "$prev" = "--crate-name" ] && name=$a; prev=$a; done
if [ "$name" = "$CALLGRIND_CRATE" ]; then
  exec valgrind --tool=callgrind --callgrind-out-file="$CALLGRIND_OUT" "$rustc" "$@" 2>"$CALLGRIND_OUT.log"
fi
exec "$rustc" "$@"
"""


def check_instructions(workdir, crate):
    """Instructions rustc executes to `cargo check` the crate alone (callgrind): unlike its
    time, the same from run to run and unmoved by the machine's load."""
    wrapper = workdir / "rustc-callgrind.sh"
    wrapper.write_text(RUSTC_CALLGRIND)
    wrapper.chmod(0o755)
    out = workdir / f"callgrind-check-{crate}.out"
    out.unlink(missing_ok=True)
    os.utime(workdir / crate / "src" / "lib.rs")
    cargo(workdir, ["check", "-q", "-p", crate],
          env_extra={"RUSTC_WRAPPER": str(wrapper), "CALLGRIND_CRATE": crate, "CALLGRIND_OUT": str(out)})
    for line in out.read_text(errors="replace").splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    raise SystemExit(f"no instruction count in {out}")


def expanded_size(workdir, crate):
    """Lines and bytes of the macro-expanded crate, formatted by rustc."""
    text = cargo(
        workdir,
        ["rustc", "-q", "-p", crate, "--profile=check", "--", "-Zunpretty=expanded"],
        env_extra={"RUSTC_BOOTSTRAP": "1"},
        capture=True,
    )
    lines = [l for l in text.splitlines() if l.strip()]
    return len(lines), len(text.encode())


def llvm_ir_size(workdir, crate):
    """Bytes of LLVM IR of the crate (debug profile) and the functions defined in it."""
    deps = workdir / "target" / "debug" / "deps"
    for old in deps.glob(f"{crate}-*.ll"):
        old.unlink()
    cargo(workdir, ["rustc", "-q", "-p", crate, "--", "--emit=llvm-ir"])
    (ll,) = deps.glob(f"{crate}-*.ll")
    text = ll.read_text()
    functions = sum(1 for l in text.splitlines() if l.startswith("define "))
    return len(text.encode()), functions


def rlib_size(workdir, crate):
    rlibs = sorted((workdir / "target" / "debug").glob(f"lib{crate}.rlib"))
    return rlibs[0].stat().st_size if rlibs else None


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "rustc": rustc, "os": platform.platform()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--dir", default=str(ROOT / "target" / "compile-bench"))
    parser.add_argument("--clean", type=int, default=38)
    parser.add_argument("--clean-reps", type=int, default=2)
    parser.add_argument("--only-clean", action="store_true")
    parser.add_argument("--per-crate", action="store_true")
    parser.add_argument("--trait-size", type=int, default=TRAIT_SIZE)
    parser.add_argument("--gen-features")
    parser.add_argument("--instructions", action="store_true")
    opts = parser.parse_args()
    if opts.trait_size < 0:
        parser.error("--trait-size is a number of endpoints per trait, or 0 for one trait of all")
    if opts.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions runs rustc under valgrind's callgrind: install valgrind")
    gen_features = None if opts.gen_features is None else [f for f in opts.gen_features.split(",") if f]
    sizes = [int(s) for s in opts.sizes.split(",")]
    workdir = Path(opts.dir).resolve()  # cargo runs in it: a relative path would nest
    if opts.clean:
        print(f"machine: {machine()}", file=sys.stderr)
        clean_builds(workdir / "clean", opts.clean, opts.clean_reps, opts.per_crate, opts.trait_size, gen_features)
    if opts.only_clean:
        return
    write_workspace(workdir, sizes, opts.trait_size)

    print(f"machine: {machine()}", file=sys.stderr)
    print("prebuilding dependencies (check and build)...", file=sys.stderr)
    first = [f"gen_{sizes[0]}", f"hand_{sizes[0]}"]
    for crate in first:
        cargo(workdir, ["check", "-q", "-p", crate])
        cargo(workdir, ["build", "-q", "-p", crate])

    results = {}
    for n in sizes:
        row = {}
        crates = {"gen": f"gen_{n}", "hand": f"hand_{n}"}
        for crate in crates.values():  # compile once so only the crate is left to do
            cargo(workdir, ["check", "-q", "-p", crate])
            cargo(workdir, ["build", "-q", "-p", crate])
        for command in ("check", "build"):
            times = {"gen": [], "hand": []}
            for rep in range(opts.reps):
                order = ("gen", "hand") if rep % 2 == 0 else ("hand", "gen")
                for kind in order:
                    times[kind].append(timed(workdir, crates[kind], command))
            for kind in crates:
                row[f"{command}_{kind}"] = statistics.median(times[kind])
                row[f"{command}_{kind}_all"] = times[kind]
            print(f"N={n} {command}: gen {times['gen']} hand {times['hand']}", file=sys.stderr)
        for kind, crate in crates.items():
            row[f"rlib_{kind}"] = rlib_size(workdir, crate)
            row[f"expanded_lines_{kind}"], row[f"expanded_bytes_{kind}"] = expanded_size(workdir, crate)
            row[f"source_lines_{kind}"] = sum(
                1 for l in (workdir / crate / "src" / "lib.rs").read_text().splitlines() if l.strip()
            )
            row[f"ir_bytes_{kind}"], row[f"ir_functions_{kind}"] = llvm_ir_size(workdir, crate)
            if opts.instructions:
                row[f"check_ir_{kind}"] = check_instructions(workdir, crate)
                print(f"N={n} {kind}: cargo check, {row[f'check_ir_{kind}']} rustc instructions", file=sys.stderr)
        results[n] = row

    (workdir / "results.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    report(sizes, results)


def report(sizes, results):
    print(f"### Compile time of the crate alone (median of the runs, seconds)\n")
    print("| N | check gen | check hand | ratio | build gen | build hand | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = results[n]
        print(
            f"| {n} | {r['check_gen']:.2f} | {r['check_hand']:.2f} | {r['check_gen'] / r['check_hand']:.2f} "
            f"| {r['build_gen']:.2f} | {r['build_hand']:.2f} | {r['build_gen'] / r['build_hand']:.2f} |"
        )
    lo, hi = sizes[0], sizes[-1]
    span = hi - lo
    print(f"\n### Per endpoint (slope between N={lo} and N={hi})\n")
    print("| metric | generated | hand-written | ratio |")
    print("|---|---:|---:|---:|")

    def slope(key, kind):
        return (results[hi][f"{key}_{kind}"] - results[lo][f"{key}_{kind}"]) / span

    rows = [
        ("`cargo check` ms/endpoint", "check", 1000, "{:.2f}"),
        ("`cargo build` ms/endpoint", "build", 1000, "{:.2f}"),
        ("source lines/endpoint", "source_lines", 1, "{:.1f}"),
        ("expanded lines/endpoint", "expanded_lines", 1, "{:.1f}"),
        ("expanded bytes/endpoint", "expanded_bytes", 1, "{:.0f}"),
        ("LLVM IR bytes/endpoint (debug)", "ir_bytes", 1, "{:.0f}"),
        ("LLVM IR functions/endpoint (debug)", "ir_functions", 1, "{:.1f}"),
        ("rlib bytes/endpoint (debug)", "rlib", 1, "{:.0f}"),
    ]
    if all(f"check_ir_{kind}" in results[n] for n in (lo, hi) for kind in ("gen", "hand")):
        rows.insert(1, ("`cargo check` rustc instructions/endpoint (millions)", "check_ir", 1e-6, "{:.2f}"))
    for label, key, scale, fmt in rows:
        g, h = slope(key, "gen") * scale, slope(key, "hand") * scale
        ratio = f"{g / h:.2f}" if h else "n/a"
        print(f"| {label} | {fmt.format(g)} | {fmt.format(h)} | {ratio} |")


if __name__ == "__main__":
    main()
