use alloy_api::{Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users")]
    fn list(&self) -> Vec<String>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
