use alloy_api::{Result, Transport, api_endpoint};

pub struct User {
    pub name: String,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get(&self, user_id: &str) -> Result<User>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
