//! Checks the client and the sandbox against the two OpenAPI documents through Stoplight Prism;
//! run by `scripts/prism-check`. The checks live in `tests::prism`, whose unit tests run with
//! the crate's.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tests::prism::main().await
}
