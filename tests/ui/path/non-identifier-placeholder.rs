use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<1x>")]
    async fn get(&self, id: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
