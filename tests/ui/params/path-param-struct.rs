use alloy_api::{Result, Transport, api_endpoint};

pub struct UserId {
    pub raw: String,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get(&self, user_id: UserId) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
