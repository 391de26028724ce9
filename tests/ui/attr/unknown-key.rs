use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(metod = "GET", path = "/users")]
    async fn list(&self) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
