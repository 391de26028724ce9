use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get(&self, #[header("X-User")] user_id: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
