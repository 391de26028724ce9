use alloy_api::{Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "DELETE", path = "/users/<userId>")]
    async fn delete(&self, user_id: &str);
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
