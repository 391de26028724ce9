//! Writing the method: a default body that describes the request and hands it to the
//! runtime. Everything that is the same for all endpoints lives in the runtime, not here.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ReturnType, TraitItemFn};

use crate::ast::{Decode, Endpoint, Role, is_impl_as_ref_str};
use crate::attr::Args;
use crate::symbol::{BODY, HEADER, QUERY};
use crate::template::Piece;

/// The macro's entry point: parses, checks, and expands, or falls back to the declaration
/// plus every error found.
pub fn api_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: TraitItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "#[api_endpoint] goes on a method declaration inside a trait: `async fn name(&self, ...) -> alloy_api::Result<T>;`",
            );
            let mut out = error.to_compile_error();
            out.extend(input);
            return out;
        }
    };
    let mut errors = Vec::new();
    let args = Args::parse(args, &mut errors);
    let endpoint = Endpoint::from_item(&item, &args, &mut errors);
    match endpoint {
        Some(endpoint) if errors.is_empty() => expand(&item, &args, &endpoint),
        _ => fallback(&item, errors),
    }
}

/// Strips the role attributes the compiler does not know from the parameters.
fn strip_role_attrs(item: &mut TraitItemFn) {
    for input in &mut item.sig.inputs {
        if let FnArg::Typed(pt) = input {
            pt.attrs.retain(|a| {
                !(a.path().is_ident(QUERY) || a.path().is_ident(BODY) || a.path().is_ident(HEADER))
            });
        }
    }
}

/// On error: the method as declared, with a body so the trait's users still compile, and the
/// errors. One mistake gives one error, not a cascade.
fn fallback(item: &TraitItemFn, errors: Vec<syn::Error>) -> TokenStream {
    let mut item = item.clone();
    strip_role_attrs(&mut item);
    item.attrs.push(syn::parse_quote!(#[allow(unused_variables, clippy::unused_async)]));
    let is_future = item.sig.asyncness.is_none()
        && matches!(&item.sig.output, ReturnType::Type(_, ty) if matches!(**ty, syn::Type::ImplTrait(_)));
    item.default = Some(if is_future {
        syn::parse_quote!({ async { ::core::unimplemented!() } })
    } else {
        syn::parse_quote!({ ::core::unimplemented!() })
    });
    item.semi_token = None;
    let errors = errors.into_iter().map(|e| e.to_compile_error());
    quote! {
        #(#errors)*
        #item
    }
}

fn expand(item: &TraitItemFn, args: &Args, endpoint: &Endpoint<'_>) -> TokenStream {
    let krate = args
        .krate
        .as_ref()
        .map_or_else(|| quote!(::alloy_api), |path| quote!(#path));
    let rt = quote!(#krate::__private);
    let (template, _) = args.path.as_ref().expect("checked: the path parsed");
    let (variant, method_name) = args.method.expect("checked: the method parsed");

    let operation = item.sig.ident.to_string();
    let method = Ident::new(variant, Span::call_site());
    let openapi = template.openapi();
    let idempotent = args
        .idempotent
        .unwrap_or(!matches!(method_name, "POST" | "PATCH"));
    let segments = template.pieces.iter().map(|piece| match piece {
        Piece::Literal(lit) => quote!(#rt::Segment::Literal(#lit)),
        Piece::Param(_) => quote!(#rt::Segment::Param),
    });

    // Locals of the generated body use mixed-site hygiene, so they can never clash with the
    // user's parameter names.
    let request = Ident::new("request", Span::mixed_site());
    let endpoint_static = Ident::new("ENDPOINT", Span::mixed_site());

    // Path parameters go in template order; the runtime writes literals in between.
    let path_calls = template.placeholders().filter_map(|placeholder| {
        let param = endpoint
            .params
            .iter()
            .find(|p| matches!(&p.role, Role::Path(name) if name == placeholder))?;
        let ident = param.ident;
        let name = ident.to_string();
        let value = if is_impl_as_ref_str(param.ty) {
            quote!(::core::convert::AsRef::<str>::as_ref(&#ident))
        } else {
            quote!(&#ident)
        };
        Some(quote_spanned! {param.ty.span()=>
            #request.path_param(#name, #value);
        })
    });
    let other_calls = endpoint.params.iter().filter_map(|param| {
        let ident = param.ident;
        let name = ident.to_string();
        let span = param.ty.span();
        match &param.role {
            Role::Path(_) => None,
            Role::Query(key) => {
                let key = param.query_key(key);
                Some(quote_spanned! {span=> #request.query(#key, &#ident); })
            }
            Role::Header(header) => {
                Some(quote_spanned! {span=> #request.header(#header, #name, &#ident); })
            }
            Role::Body => Some(quote_spanned! {span=> #request.json_body(#name, &#ident); }),
        }
    });
    let calls: Vec<TokenStream> = path_calls.chain(other_calls).collect();
    let mutability = if calls.is_empty() { None } else { Some(quote!(mut)) };
    let decoder = decoder(&rt, &endpoint.decode);

    let mut item = item.clone();
    strip_role_attrs(&mut item);
    let output = endpoint.output;
    let send_span = item.sig.ident.span();
    item.sig.asyncness = None;
    item.sig.output = syn::parse_quote! {
        -> impl ::core::future::Future<Output = #output> + ::core::marker::Send
    };
    item.attrs.push(syn::parse_quote!(#[allow(
        clippy::needless_borrow,
        clippy::needless_borrows_for_generic_args,
        clippy::used_underscore_binding
    )]));
    let send = quote_spanned! {send_span=>
        #rt::send::<Self, #decoder, _>(self, #request)
    };
    item.default = Some(syn::parse_quote!({
        static #endpoint_static: #rt::Endpoint = #rt::Endpoint {
            operation: #operation,
            method: #rt::Method::#method,
            template: #openapi,
            idempotent: #idempotent,
            segments: &[#(#segments),*],
        };
        let #mutability #request = #rt::Request::new(&#endpoint_static);
        #(#calls)*
        #send
    }));
    item.semi_token = None;
    quote!(#item)
}

fn decoder(rt: &TokenStream, decode: &Decode<'_>) -> TokenStream {
    match decode {
        Decode::Unit => quote!(#rt::Unit),
        Decode::Json(ty) => quote!(#rt::Json<#ty>),
        Decode::WithMeta(inner) => {
            let inner = decoder(rt, inner);
            quote!(#rt::WithMeta<#inner>)
        }
    }
}
