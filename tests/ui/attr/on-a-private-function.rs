use alloy_api::{Result, api_endpoint};

#[api_endpoint(method = "GET", path = "/users")]
async fn list() -> Result<()> {
    Ok(())
}

pub async fn run() -> Result<()> {
    list().await
}

fn main() {}
