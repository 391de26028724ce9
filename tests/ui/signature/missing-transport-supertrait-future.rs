use std::future::Future;

use alloy_api::{Result, api_endpoint};

pub trait Api {
    #[api_endpoint(method = "GET", path = "/users")]
    fn list(&self) -> impl Future<Output = Result<()>> + Send;
}

fn main() {}
