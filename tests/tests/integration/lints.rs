//! Generated code holds up under `clippy::pedantic`: a trait using every parameter role and
//! every return form, compiled with all warnings denied. `cargo clippy --workspace
//! --all-targets --all-features -- -D warnings` checks it; the test below checks the requests.
#![deny(warnings, clippy::all, clippy::pedantic)]

use std::borrow::Cow;
use std::future::Future;
use std::sync::Mutex;

use alloy_api::{PathSegment, RawResponse, Request, Response, Result, Transport, api_endpoint};
use serde::{Deserialize, Serialize};

/// An order identifier.
pub struct OrderId(pub u64);

impl PathSegment for OrderId {
    fn to_segment(&self) -> Cow<'_, str> {
        Cow::Owned(format!("ord_{}", self.0))
    }
}

/// The body of a new note.
#[derive(Serialize)]
pub struct NewNote<'a> {
    /// The note's text.
    pub text: &'a str,
}

/// A note as the server returns it.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct Note {
    /// The note's identifier.
    pub id: String,
}

/// An API using every parameter role.
pub trait Notes: Transport {
    /// Adds a note to an order: path parameters, queries, a header and a body.
    #[api_endpoint(method = "POST", path = "/shops/<shopId>/orders/<orderId>/notes")]
    async fn add_note(
        &self,
        shop_id: impl AsRef<str> + Send,
        order_id: &OrderId,
        #[query] notify: bool,
        #[query("tag")] tags: &[&str],
        #[header("Idempotency-Key")] idempotency_key: &str,
        #[body] note: &NewNote<'_>,
    ) -> Result<Note>;

    /// Lists notes, with the response's status and headers.
    #[api_endpoint(method = "GET", path = "/orders/<orderId>/notes")]
    async fn list_notes(
        &self,
        order_id: u64,
        #[query] cursor: String,
        #[query] page_size: Option<u32>,
        #[header("X-Attempt")] attempt: Option<u32>,
    ) -> Result<Response<Vec<Note>>>;

    /// Deletes a note, ignoring the body.
    #[api_endpoint(method = "DELETE", path = "/notes/<noteId>", idempotent)]
    fn delete_note(&self, note_id: String) -> impl Future<Output = Result<()>> + Send;
}

impl<T: Transport + ?Sized> Notes for T {}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    async fn execute(&self, request: Request) -> Result<RawResponse> {
        let line = format!(
            "{} {}?{} {}",
            request.method(),
            request.path(),
            request.query_string().unwrap_or_default(),
            request.headers().len(),
        );
        self.0.lock().unwrap().push(line);
        let body = if request.path().ends_with("/notes") && request.method().as_str() == "GET" {
            serde_json::json!([{ "id": "n1" }])
        } else {
            serde_json::json!({ "id": "n1" })
        };
        Ok(RawResponse::json(&body))
    }
}

#[tokio::test]
async fn every_role_reaches_the_request() {
    let recorder = Recorder::default();
    let note = recorder
        .add_note(
            "shop",
            &OrderId(7),
            true,
            &["a", "b"],
            "key-1",
            &NewNote { text: "hi" },
        )
        .await
        .unwrap();
    assert_eq!(note, Note { id: "n1".into() });
    let listed = recorder
        .list_notes(7, "c1".into(), Some(20), None)
        .await
        .unwrap();
    assert_eq!(listed.body, [Note { id: "n1".into() }]);
    recorder.delete_note("n1".into()).await.unwrap();
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "POST /shops/shop/orders/ord_7/notes?notify=true&tag=a&tag=b 1",
            "GET /orders/7/notes?cursor=c1&pageSize=20 0",
            "DELETE /notes/n1? 0",
        ]
    );
}
