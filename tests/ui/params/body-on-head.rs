use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "HEAD", path = "/users")]
    async fn exists(&self, #[body] filter: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
