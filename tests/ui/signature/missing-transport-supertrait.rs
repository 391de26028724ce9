use alloy_api::{Result, api_endpoint};

pub trait Api {
    #[api_endpoint(method = "GET", path = "/users")]
    async fn list(&self) -> Result<()>;
}

fn main() {}
