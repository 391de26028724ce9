use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get(&self, user_id: &str, #[allow(non_snake_case)] userId: &str) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
