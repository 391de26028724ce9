use alloy_api::{Result, Transport, api_endpoint};

pub trait Api: Transport {
    #[api_endpoint(method = "GET", path = "/blobs/<blobId>")]
    async fn get(&self, blob_id: Vec<u8>) -> Result<()>;
}

impl<T: Transport + ?Sized> Api for T {}

fn main() {}
