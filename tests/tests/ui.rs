//! The compile-time contract of `#[api_endpoint]`: every misuse is one clear error at the
//! offending token, and every supported form compiles in a user crate.
//!
//! Regenerate the snapshots with `TRYBUILD=overwrite cargo test -p tests --test ui`, then
//! read every `.stderr` that changed.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/attr/*.rs");
    t.compile_fail("ui/path/*.rs");
    t.compile_fail("ui/params/*.rs");
    t.compile_fail("ui/signature/*.rs");
    t.pass("ui/pass/*.rs");
}
