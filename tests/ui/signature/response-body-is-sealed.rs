// `ResponseBody` is sealed: it is implemented for every `DeserializeOwned` type and for no
// other, so that its methods may change without a breaking release.
use alloy_api::{Error, RawResponse, ResponseBody};

pub struct Raw(pub Vec<u8>);

impl ResponseBody for Raw {
    fn from_response(response: RawResponse) -> Result<Self, Error> {
        Ok(Raw(response.body.to_vec()))
    }

    fn list_from_response(_: RawResponse) -> Result<Vec<Self>, Error> {
        Ok(Vec::new())
    }

    fn option_from_response(_: RawResponse) -> Result<Option<Self>, Error> {
        Ok(None)
    }
}

fn main() {}
