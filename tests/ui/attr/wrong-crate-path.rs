use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "POST", path = "/users/<userId>", crate = "alloy")]
    async fn update(&self, user_id: &str, #[body] change: &str) -> Result<String>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
