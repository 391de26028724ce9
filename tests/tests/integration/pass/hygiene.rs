//! Every name the expansion introduces is out of reach of the parameters: a parameter named
//! after each of them (the endpoint's `static ENDPOINT`, the `request` being built, the
//! `response` a `Response<T>` decoder takes, the runtime's import under `crate = "..."`)
//! compiles, with every warning denied, and is sent as its value.
//!
//! A parameter named `ENDPOINT` used to resolve to the static the expansion emits, which
//! failed with an error about shadowing a static.
#![deny(warnings)]

use std::sync::Mutex;

use alloy_api::{RawResponse, Request, Response, Result, Transport, api_endpoint};

use alloy_api as renamed_api;

#[derive(serde::Serialize)]
pub struct Body {
    pub n: u32,
}

pub trait Hygiene: Transport {
    /// Each generated name as a parameter, in every role that reads it: the path, the query,
    /// a header and the body.
    #[api_endpoint(method = "POST", path = "/things/<ENDPOINT>/<request>")]
    #[allow(non_snake_case)]
    async fn every_role(
        &self,
        ENDPOINT: &str,
        #[query] request: &str,
        #[query("response")] response: u32,
        #[header("X-Private")] __alloy_api_private: &str,
        #[body] __alloy_body: &Body,
    ) -> Result<Response<()>>;

    /// The same names as queries only, with the runtime imported under `crate = "..."`.
    #[api_endpoint(method = "GET", path = "/renamed", crate = "renamed_api")]
    #[allow(non_snake_case)]
    async fn renamed(
        &self,
        #[query] ENDPOINT: u32,
        #[query] request: u32,
        #[query] response: u32,
        #[query] __alloy_api_private: u32,
    ) -> renamed_api::Result<renamed_api::Response<()>>;
}

impl<T: Transport + ?Sized> Hygiene for T {}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    async fn execute(&self, request: Request) -> Result<RawResponse> {
        let line = format!(
            "{} {} {}?{} x-private={:?} {}",
            request.endpoint().operation(),
            request.method(),
            request.path(),
            request.query_string().unwrap_or_default(),
            request.headers().get("x-private"),
            String::from_utf8_lossy(request.body().map(|b| &b[..]).unwrap_or_default()),
        );
        self.0.lock().unwrap().push(line);
        Ok(RawResponse::json(&serde_json::json!({})))
    }
}

#[test]
fn parameters_named_like_the_generated_names_are_sent_as_their_values() {
    let recorder = Recorder::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let answer = recorder
            .every_role("e1", "r1", 7, "p1", &Body { n: 3 })
            .await
            .unwrap();
        assert_eq!(answer.status, 200);
        recorder.renamed(1, 2, 3, 4).await.unwrap();
    });
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            r#"every_role POST /things/e1/r1?request=r1&response=7 x-private=Some("p1") {"n":3}"#,
            "renamed GET /renamed?ENDPOINT=1&request=2&response=3&alloyApiPrivate=4 x-private=None ",
        ]
    );
}
