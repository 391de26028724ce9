//! The `#[api_endpoint]` attribute of `alloy-api`: one annotated trait method per HTTP
//! endpoint. Use it through `alloy_api::api_endpoint`; this crate holds no runtime code.
//!
//! The macro is staged like serde and thiserror: `attr` reads the attribute's arguments and
//! `template` its path, `ast` reads the method into a borrowed view (syntax only), `valid`
//! checks every rule between the pieces and collects all broken ones, `expand` writes the
//! method's body, and `fallback` emits the method plus the errors when there are any, so that
//! one mistake gives one error.

mod ast;
mod attr;
mod case;
mod expand;
mod fallback;
mod symbol;
mod template;
mod valid;

use proc_macro::TokenStream;

/// Turns an HTTP endpoint declared as a trait method into its implementation.
///
/// See the `alloy_api` crate documentation for the full description of parameter roles.
#[proc_macro_attribute]
pub fn api_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::api_endpoint(args.into(), input.into()).into()
}
