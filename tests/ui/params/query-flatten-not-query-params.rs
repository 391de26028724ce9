use alloy_api::{Result, Transport, api_endpoint};

pub struct Page {
    pub number: u32,
}

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self, #[query(flatten)] page: &Page) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
