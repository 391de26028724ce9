use alloy_api::{Transport, api_endpoint};

#[derive(Debug)]
pub enum MyError {
    NotFound,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get(&self, user_id: &str) -> Result<(), MyError>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
