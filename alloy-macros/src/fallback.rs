//! What the macro emits when the input is wrong: the item still, so that its users compile
//! and completion keeps working, plus one `compile_error!` per mistake. Nothing it emits may
//! add an error of its own: one mistake gives one error.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, FnArg, ReceiverKind, ReturnType, Signature, TraitItemFn, Visibility};

use crate::ast::is_api_endpoint;
use crate::expand::strip_param_attrs;
use crate::symbol::WRONG_ITEM;

/// The method as declared, with a body so the trait's users still compile, and the errors.
/// A receiver that was refused becomes `&self`, so that a by-value `self` does not add "size
/// cannot be known" errors; a repeated `#[api_endpoint]`, reported already, is dropped.
pub fn method(item: &TraitItemFn, errors: syn::Error) -> TokenStream {
    let mut item = item.clone();
    strip_param_attrs(&mut item);
    item.attrs.retain(|a| !is_api_endpoint(a));
    if let Some(FnArg::Receiver(r)) = item.sig.inputs.first_mut()
        && !matches!(r.kind, ReceiverKind::Reference(_, _, None))
    {
        let span = r.self_token.span;
        *r = syn::parse_quote_spanned!(span=> &self);
    }
    item.attrs
        .push(syn::parse_quote!(#[allow(unused_variables, clippy::unused_async)]));
    let is_future = item.sig.asyncness.is_none()
        && matches!(&item.sig.output, ReturnType::Type(_, ty) if matches!(**ty, syn::Type::ImplTrait(_)));
    item.default = Some(if is_future {
        syn::parse_quote!({ async { ::core::unimplemented!() } })
    } else {
        syn::parse_quote!({ ::core::unimplemented!() })
    });
    item.semi_token = None;
    let errors = errors.to_compile_error();
    quote! {
        #errors
        #item
    }
}

/// The attribute on something that is not a trait method declaration: one error pointing at
/// what it is (`struct Users`, `fn list`), and the item as it was.
pub fn wrong_item(input: TokenStream) -> TokenStream {
    let (what, tokens) = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Struct(s)) => ("a struct", two(&s.struct_token, &s.ident)),
        Ok(syn::Item::Enum(e)) => ("an enum", two(&e.enum_token, &e.ident)),
        Ok(syn::Item::Trait(t)) => (
            "a trait, only on its methods",
            two(&t.trait_token, &t.ident),
        ),
        Ok(syn::Item::Impl(i)) => ("an impl block", i.impl_token.to_token_stream()),
        Ok(syn::Item::Fn(f)) => {
            let is_method = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
            let what = if is_method {
                "a method with a body"
            } else {
                "a free function"
            };
            (what, two(&f.sig.fn_token, &f.sig.ident))
        }
        Ok(syn::Item::Verbatim(tokens)) => match bodiless_fn.parse2(tokens) {
            // `pub fn f();`: not an item the compiler accepts either. It gets a body, so that
            // the compiler does not add "free function without a body" to our error.
            Ok((attrs, vis, sig)) => {
                let error = syn::Error::new_spanned(
                    two(&sig.fn_token, &sig.ident),
                    WRONG_ITEM.replace("{item}", "a free function"),
                );
                let mut out = error.to_compile_error();
                out.extend(quote! {
                    #(#attrs)*
                    #[allow(unused_variables, clippy::unused_async)]
                    #vis #sig { ::core::unimplemented!() }
                });
                return out;
            }
            Err(_) => ("this item", TokenStream::new()),
        },
        _ => ("this item", TokenStream::new()),
    };
    let message = WRONG_ITEM.replace("{item}", what);
    let error = if tokens.is_empty() {
        syn::Error::new(Span::call_site(), message)
    } else {
        syn::Error::new_spanned(tokens, message)
    };
    let mut out = error.to_compile_error();
    out.extend(input);
    out
}

/// Parses `#[attrs] vis fn name(...) -> T;`, a function declared without a body.
fn bodiless_fn(input: ParseStream) -> syn::Result<(Vec<Attribute>, Visibility, Signature)> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    let sig: Signature = input.parse()?;
    input.parse::<syn::Token![;]>()?;
    Ok((attrs, vis, sig))
}

fn two(a: &impl ToTokens, b: &impl ToTokens) -> TokenStream {
    quote!(#a #b)
}
