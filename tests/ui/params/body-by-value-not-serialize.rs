use alloy_api::{Result, Transport, api_endpoint};

pub struct NewUser {
    pub name: String,
}

pub trait Api: Transport {
    #[api_endpoint(method = "POST", path = "/users")]
    async fn create(&self, #[body] user: NewUser) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
