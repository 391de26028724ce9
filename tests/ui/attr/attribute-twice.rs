use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
