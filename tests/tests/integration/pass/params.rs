//! Every parameter role with the types it accepts, checked on the wire.
#![deny(warnings)]

use std::borrow::Cow;
use std::sync::Mutex;

use alloy_api::{
    PathSegment, QueryParams, QueryWriter, RawResponse, Request, Result, Transport, api_endpoint,
};

/// A user identifier type, usable as a path parameter.
pub struct OrderId(pub u128);

impl PathSegment for OrderId {
    fn to_segment(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{:032x}", self.0))
    }
}

#[derive(serde::Serialize)]
pub struct Note<'a> {
    pub text: &'a str,
}

/// A set of query pairs that names its own keys and refuses a page size of 0.
pub struct Paging {
    pub page: u32,
    pub size: Option<u32>,
}

impl QueryParams for Paging {
    fn write_query(&self, query: &mut QueryWriter<'_>) {
        if self.size == Some(0) {
            return query.invalid("the page size must be at least 1");
        }
        query.pair("page", &self.page);
        query.pair("pageSize", &self.size);
    }
}

pub trait Shop: Transport {
    /// Path parameters of every accepted kind, in template order.
    #[api_endpoint(
        method = "GET",
        path = "/shops/<shopId>/orders/<orderId>/lines/<line>/<tag>"
    )]
    async fn line(
        &self,
        shop_id: impl AsRef<str> + Send,
        order_id: &OrderId,
        line: u32,
        tag: String,
    ) -> Result<()>;

    /// A parameter may also be named exactly like its placeholder; lint attributes on
    /// parameters are kept.
    #[api_endpoint(method = "DELETE", path = "/users/<userId>")]
    async fn delete_user(&self, #[allow(non_snake_case)] userId: &str) -> Result<()>;

    /// A parameter that fills a placeholder and is also `#[query]` is sent in both places.
    #[api_endpoint(method = "GET", path = "/users/<userId>/token")]
    async fn token(&self, #[query] user_id: &str) -> Result<()>;

    /// Queries: camelCase keys by default, explicit keys, `Option`, slices and raw idents.
    #[api_endpoint(method = "GET", path = "/orders")]
    async fn search(
        &self,
        #[query] page_size: Option<u32>,
        #[query] cursor: Option<&str>,
        #[query("tag")] tags: &[&str],
        #[query] statuses: Vec<String>,
        #[query] r#type: &str,
        #[query] archived: bool,
    ) -> Result<()>;

    /// Flattened sets of pairs, by reference or as an `Option`, beside a plain query pair.
    #[api_endpoint(method = "GET", path = "/orders/<orderId>/lines")]
    async fn lines(
        &self,
        order_id: &OrderId,
        #[query(flatten)] paging: &Paging,
        #[query] status: &str,
        #[query(flatten)] more: Option<Paging>,
    ) -> Result<()>;

    /// Headers (an `Option` sends nothing when `None`) and a borrowed body with a lifetime.
    #[api_endpoint(method = "POST", path = "/orders/<orderId>/notes")]
    async fn add_note<'a>(
        &'a self,
        order_id: &'a OrderId,
        #[header("Idempotency-Key")] key: &'a str,
        #[header("X-Trace")] trace: Option<u64>,
        #[body] note: &'a Note<'a>,
    ) -> Result<()>;
}

impl<T: Transport + ?Sized> Shop for T {}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    async fn execute(&self, request: Request) -> Result<RawResponse> {
        let mut headers: Vec<String> = request
            .headers()
            .iter()
            .map(|(k, v)| format!("{k}={}", v.to_str().unwrap()))
            .collect();
        headers.sort();
        let body = request
            .body()
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
            .unwrap_or_default();
        let line = format!(
            "{} {}?{} [{}] {body}",
            request.method(),
            request.path(),
            request.query_string().unwrap_or_default(),
            headers.join(",")
        );
        self.0.lock().unwrap().push(line);
        Ok(RawResponse::json(&serde_json::json!({})))
    }
}

#[test]
fn compiles_and_sends_the_expected_requests() {
    let recorder = Recorder::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let order = OrderId(0xab);
        recorder
            .line(String::from("s/1"), &order, 3, "a b".to_owned())
            .await
            .unwrap();
        recorder.delete_user("usr_1").await.unwrap();
        recorder
            .search(
                Some(50),
                None,
                &["x", "y"],
                vec!["open".into()],
                "retail",
                false,
            )
            .await
            .unwrap();
        recorder.token("usr/1").await.unwrap();
        let paging = Paging {
            page: 2,
            size: Some(5),
        };
        recorder.lines(&order, &paging, "open", None).await.unwrap();
        let refused = Paging {
            page: 1,
            size: Some(0),
        };
        let error = recorder
            .lines(&order, &paging, "open", Some(refused))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                alloy_api::Error::InvalidArgument { name: "more", .. }
            ),
            "{error}"
        );
        recorder
            .add_note(&order, "k1", None, &Note { text: "hi" })
            .await
            .unwrap();
    });
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "GET /shops/s%2F1/orders/000000000000000000000000000000ab/lines/3/a%20b? [] ",
            "DELETE /users/usr_1? [] ",
            "GET /orders?pageSize=50&tag=x&tag=y&statuses=open&type=retail&archived=false [] ",
            "GET /users/usr%2F1/token?userId=usr%2F1 [] ",
            "GET /orders/000000000000000000000000000000ab/lines?page=2&pageSize=5&status=open [] ",
            "POST /orders/000000000000000000000000000000ab/notes? [idempotency-key=k1] {\"text\":\"hi\"}",
        ]
    );
}
