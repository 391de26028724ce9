use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "POST", path = "/events", idempotent = "yes")]
    async fn send_event(&self, #[body] event: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
