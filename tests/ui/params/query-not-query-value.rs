use std::collections::HashMap;

use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self, #[query] filter: HashMap<String, String>) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
