//! Tests that read what the client logs. Most log, at TRACE, to the one global capture of
//! `tests::trace::capture`; `spans` sets a scoped subscriber of its own for each test (which
//! takes precedence on that thread) to read the span of each call field by field.

mod retries;
mod security;
mod spans;
