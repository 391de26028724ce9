use alloy_api::{Result, Transport, api_endpoint};

pub struct User {
    pub name: String,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn find(&self, user_id: &str) -> Result<Option<User>>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
