use alloy_api::{Result, api_endpoint};

pub struct Client;

impl Client {
    #[api_endpoint(method = "GET", path = "/users")]
    pub async fn list(&self) -> Result<()> {
        Ok(())
    }
}

fn main() {}
