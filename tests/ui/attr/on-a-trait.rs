use alloy_api::{Result, Transport, api_endpoint};

#[api_endpoint(method = "GET", path = "/users")]
pub trait Api: Transport {
    async fn list(&self) -> Result<()>;
}

fn main() {}
