use alloy_api::api_endpoint;

#[api_endpoint(method = "GET", path = "/users")]
pub struct Users {
    pub limit: u32,
}

fn main() {}
