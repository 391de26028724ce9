//! The compile-time contract of `#[api_endpoint]`: every misuse is one clear error at the
//! offending token. (What must compile is in `tests/tests/integration/pass`.)
//!
//! Regenerate the snapshots with `TRYBUILD=overwrite cargo test -p ui-tests`, then read
//! every `.stderr` that changed.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("attr/*.rs");
    t.compile_fail("path/*.rs");
    t.compile_fail("params/*.rs");
    t.compile_fail("signature/*.rs");
}
