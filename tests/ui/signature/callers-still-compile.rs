// A mistake in one endpoint is reported once: the method keeps its signature, so the blanket
// impl and the code calling it add no errors of their own.
use alloy_api::{Client, Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/users/<userId>")]
    async fn get_user(self, user_id: &str) -> Result<()>;

    #[api_endpoint(method = "GET", path = "/users")]
    async fn list_users(&self, #[query] limit: u32) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

pub async fn run(client: &Client) -> Result<()> {
    client.get_user("usr_1").await?;
    client.list_users(10).await
}

fn main() {}
