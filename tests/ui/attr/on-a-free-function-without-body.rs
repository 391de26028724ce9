use alloy_api::{Result, api_endpoint};

#[api_endpoint(method = "GET", path = "/users")]
pub async fn list() -> Result<()>;

fn main() {}
