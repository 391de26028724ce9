use alloy_api::api_endpoint;

#[api_endpoint(method = "GET", path = "/users")]
fn list();

fn main() {}
