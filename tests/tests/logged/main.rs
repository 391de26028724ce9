//! Tests that read what the client logs: every test of this binary logs, at TRACE, to the one
//! global capture of `tests::trace::capture`, so they share a process of their own.

mod retries;
mod security;
