use alloy_api::{Response, Result, Transport, api_endpoint};

pub struct User {
    pub name: String,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self) -> Result<Response<Vec<User>>>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
