use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "POST", path = "/users")]
    async fn create(&self, #[body] name: &str, #[body] email: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
