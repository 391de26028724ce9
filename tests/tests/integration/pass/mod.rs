//! What `#[api_endpoint]` must accept, compiled as a user's crate would: every parameter
//! role and type, every signature form, and an expansion that names everything by absolute
//! path. Each module denies every warning and checks the requests its endpoints build.
//!
//! They live here rather than among the compile-fail cases of `tests/ui` because a passing
//! case makes trybuild build (not just check) every dependency once more; here they cost
//! one module of a binary that is built anyway.

mod absolute_paths;
mod hygiene;
mod params;
mod signatures;
