use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self, #[query] __: u32) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
