//! The `#[api_endpoint]` attribute of `alloy-api`: one annotated trait method per HTTP
//! endpoint. Use it through `alloy_api::api_endpoint`; this crate holds no runtime code.
//!
//! The macro is staged like serde and thiserror: `attr` reads the attribute's arguments,
//! `ast` reads the method and gives every parameter its role, `template` parses the path,
//! and `expand` writes the method body. Every mistake is a `syn::Error` pointing at the
//! offending token; all of them are reported together, and the method still expands so that
//! one mistake gives one error.

mod ast;
mod attr;
mod case;
mod expand;
mod symbol;
mod template;

use proc_macro::TokenStream;

/// Turns an HTTP endpoint declared as a trait method into its implementation.
///
/// See the `alloy_api` crate documentation for the full description of parameter roles.
#[proc_macro_attribute]
pub fn api_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::api_endpoint(args.into(), input.into()).into()
}
