//! The expansion names everything by absolute path: a crate that shadows `core`, `std`,
//! the prelude, `serde` and `alloy_api` where the trait is declared still compiles, with
//! every warning denied.
#![deny(warnings)]

#[derive(serde::Deserialize)]
pub struct User {
    pub id: String,
}

mod shadowed {
    // Everything the expansion could name by a relative path, shadowed.
    pub mod core {}
    pub mod std {}
    pub mod serde {}
    pub mod alloy_api {}
    pub mod __private {}
    pub type Result = ();
    pub struct Option;
    pub struct Box;
    pub struct Vec;
    pub struct String;
    pub struct Send;
    pub struct Sync;
    pub struct Sized;
    pub struct Future;
    pub struct From;
    pub struct Into;
    pub struct AsRef;
    pub struct Ok;
    pub struct Err;
    pub struct Some;
    pub struct None;
    pub struct Request;
    pub struct Endpoint;
    pub struct Method;
    pub struct Segment;
    pub fn send() {}
    pub fn json() {}
    pub fn unit() {}
    pub fn with_meta() {}
    macro_rules! concat {
        () => {};
    }

    pub trait Api: ::alloy_api::Transport {
        #[::alloy_api::api_endpoint(method = "GET", path = "/users/<userId>")]
        async fn get_user(&self, user_id: &str) -> ::alloy_api::Result<super::User>;

        // Parameters named like the expansion's own locals.
        #[::alloy_api::api_endpoint(method = "POST", path = "/requests/<endpoint>")]
        async fn create_request(
            &self,
            endpoint: &str,
            #[query] response: u32,
            #[body] request: &::std::vec::Vec<u8>,
        ) -> ::alloy_api::Result<::alloy_api::Response<()>>;
    }

    impl<T: ::alloy_api::Transport + ?::core::marker::Sized> Api for T {}

    pub fn touch() {
        let _: Result = ();
        let _ = (
            Option, Box, Vec, String, Send, Sync, Sized, Future, From, Into, AsRef,
        );
        let _ = (Ok, Err, Some, None, Request, Endpoint, Method, Segment);
        send();
        json();
        unit();
        with_meta();
        concat!();
    }
}

use std::sync::Mutex;

use alloy_api::{RawResponse, Request, Transport};
use shadowed::Api;

struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    async fn execute(&self, request: Request) -> alloy_api::Result<RawResponse> {
        let line = format!(
            "{} {}?{}",
            request.method(),
            request.path(),
            request.query_string().unwrap_or_default()
        );
        self.0.lock().unwrap().push(line);
        Ok(RawResponse::json(&serde_json::json!({ "id": "usr_1" })))
    }
}

#[test]
fn compiles_and_sends_the_expected_requests() {
    shadowed::touch();
    let recorder = Recorder(Mutex::new(Vec::new()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let user = recorder.get_user("usr 1").await.unwrap();
        assert_eq!(user.id, "usr_1");
        let response = recorder
            .create_request("e/1", 7, &vec![1, 2])
            .await
            .unwrap();
        assert_eq!(response.status, 200);
    });
    assert_eq!(
        *recorder.0.lock().unwrap(),
        ["GET /users/usr%201?", "POST /requests/e%2F1?response=7"]
    );
}
