//! Writing the method: a default body that describes the request and hands it to the
//! runtime. Everything that is the same for all endpoints lives in the runtime, not here; the
//! body calls only the functions of `alloy_api::__private`.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{
    FnArg, GenericArgument, Ident, PathArguments, ReturnType, TraitItemFn, Type, TypeParamBound,
};

use crate::ast::{Decode, Endpoint, Role, is_impl_as_ref_str};
use crate::attr::Args;
use crate::symbol::LINT_ATTRS;
use crate::{fallback, valid};

/// Parses, checks and expands the method, or falls back to the declaration plus every error
/// found.
pub fn api_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    let Ok(item) = syn::parse2::<TraitItemFn>(input.clone()) else {
        return fallback::wrong_item(input);
    };
    let mut errors = Vec::new();
    let args = Args::parse(args, &mut errors);
    let endpoint = Endpoint::from_syn(&item, &args, &mut errors);
    valid::check(&endpoint, &args, &mut errors);
    match errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        Some(errors) => fallback::method(&item, errors),
        None => expand(&item, &args, &endpoint),
    }
}

/// Keeps, on every parameter, only the attributes the compiler knows (lint levels, docs):
/// the role attributes are the macro's, and unknown ones were reported already.
pub fn strip_param_attrs(item: &mut TraitItemFn) {
    for input in &mut item.sig.inputs {
        if let FnArg::Typed(pt) = input {
            pt.attrs.retain(is_lint_attr);
        }
    }
}

/// The spans of the first and the last token of `tokens`. Tokens spanned from the first to
/// the last make the compiler point at the whole of what they came from (a type, say), even
/// on stable where spans cannot be joined.
fn span_range(tokens: &impl ToTokens) -> (Span, Span) {
    let mut iter = tokens.to_token_stream().into_iter();
    let first = iter.next().map_or_else(Span::call_site, |t| t.span());
    let last = iter.last().map_or(first, |t| t.span());
    (first, last)
}

/// Gives every token of `tokens` the span `span` (for the runtime's path, which comes from
/// `quote!` or from the `crate` key).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(g) = &token {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                token = TokenTree::Group(group);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// The future type `ty` (`impl Future<Output = T> + Send`) with every token at `span` but
/// those of the output type `T`, which keep theirs.
fn respan_future(ty: &Type, span: Span) -> TokenStream {
    let Type::ImplTrait(imp) = ty else {
        return respan(ty.to_token_stream(), span);
    };
    let mut out = respan(imp.impl_token.to_token_stream(), span);
    for bound in imp.bounds.pairs() {
        match bound.value() {
            TypeParamBound::Trait(t) if t.paren_token.is_none() => {
                out.extend(respan(t.lifetimes.to_token_stream(), span));
                out.extend(respan(t.maybe.to_token_stream(), span));
                out.extend(respan(t.path.leading_colon.to_token_stream(), span));
                for segment in t.path.segments.pairs() {
                    out.extend(respan(segment.value().ident.to_token_stream(), span));
                    match &segment.value().arguments {
                        PathArguments::AngleBracketed(args) => {
                            out.extend(respan(args.colon2_token.to_token_stream(), span));
                            out.extend(respan(args.lt_token.to_token_stream(), span));
                            for arg in args.args.pairs() {
                                match arg.value() {
                                    GenericArgument::AssocType(assoc)
                                        if assoc.ident == "Output" =>
                                    {
                                        out.extend(respan(assoc.ident.to_token_stream(), span));
                                        out.extend(respan(assoc.generics.to_token_stream(), span));
                                        out.extend(respan(assoc.eq_token.to_token_stream(), span));
                                        assoc.ty.to_tokens(&mut out);
                                    }
                                    other => out.extend(respan(other.to_token_stream(), span)),
                                }
                                out.extend(respan(arg.punct().to_token_stream(), span));
                            }
                            out.extend(respan(args.gt_token.to_token_stream(), span));
                        }
                        other => out.extend(respan(other.to_token_stream(), span)),
                    }
                    out.extend(respan(segment.punct().to_token_stream(), span));
                }
            }
            other => out.extend(respan(other.to_token_stream(), span)),
        }
        out.extend(respan(bound.punct().to_token_stream(), span));
    }
    out
}

/// `&name`, spanned over `ty`: a type error about the argument (a path parameter whose type
/// is no `PathSegment`, say) then points at the parameter's type.
fn borrow_over(ident: &Ident, ty: &Type) -> TokenStream {
    let (first, last) = span_range(ty);
    let ident = {
        let mut ident = ident.clone();
        ident.set_span(ident.span().located_at(last));
        ident
    };
    if is_impl_as_ref_str(ty) {
        let as_ref = Ident::new("as_ref", last);
        quote_spanned!(first=> &::core::convert::AsRef::<str>::#as_ref(&#ident))
    } else {
        quote_spanned!(first=> &#ident)
    }
}

fn expand(item: &TraitItemFn, args: &Args, endpoint: &Endpoint<'_>) -> TokenStream {
    // The runtime is `::alloy_api::__private`. Under `crate = "..."`, it is imported once, at
    // the string's span: a wrong path is one error there, and the names the body takes from
    // the failed import report nothing more.
    let (rt, import) = match &args.krate {
        None => (quote!(::alloy_api::__private), None),
        Some(path) => {
            let (span, _) = span_range(path);
            let name = Ident::new("__alloy_api_private", Span::call_site());
            let private = Ident::new("__private", span);
            (
                quote!(#name),
                Some(quote_spanned!(span=> use #path::#private as #name;)),
            )
        }
    };
    let (template, _) = args.path.as_ref().expect("checked: the path parsed");
    let (variant, method_name) = args.method.expect("checked: the method parsed");

    let operation = item.sig.ident.to_string();
    let method = Ident::new(variant, Span::call_site());
    // The runtime writes every request's target after a `.`, as a relative reference.
    let dotted = format!(".{}", template.openapi());
    let idempotent = args
        .idempotent
        .unwrap_or(!matches!(method_name, "POST" | "PATCH"));

    // The names the body introduces are out of the parameters' reach. Locals (the request,
    // a decoder's argument) have mixed-site hygiene, which gives a macro's locals names of
    // their own. Items do not: a `static` is visible to the whole block it is declared in
    // (a parameter of its name would resolve to it), so the endpoint's static is declared in
    // an inner block that no argument expression is in. The runtime's import under `crate`
    // names a module, which no parameter (a value) can shadow or be shadowed by.
    let request = Ident::new("request", Span::mixed_site());
    let endpoint_static = Ident::new("ENDPOINT", Span::mixed_site());

    // Every argument is spanned over the parameter's type, so that a type the role does not
    // accept gets one error there, worded by the public trait's `on_unimplemented`.
    // Path parameters go in template order; the runtime writes literals in between.
    let params: Vec<_> = endpoint
        .params
        .iter()
        .filter_map(|p| Some((p, p.bound_roles(), p.ident?)))
        .flat_map(|(p, roles, ident)| roles.into_iter().map(move |role| (p, role, ident)))
        .collect();
    let path_calls = template.placeholders().filter_map(|placeholder| {
        let (param, _, ident) = params
            .iter()
            .find(|(_, role, _)| matches!(role, Role::Path(name) if name == placeholder))?;
        let name = &param.name;
        let value = borrow_over(ident, param.ty);
        let (first, _) = span_range(param.ty);
        let rt = respan(rt.clone(), first);
        let after = template.after(placeholder);
        Some(quote_spanned! {first=> #rt::path_param(&mut #request, #name, #value, #after); })
    });
    let other_calls = params.iter().filter_map(|(param, role, ident)| {
        let name = &param.name;
        let value = borrow_over(ident, param.ty);
        let (first, _) = span_range(param.ty);
        let rt = respan(rt.clone(), first);
        match role {
            Role::Path(_) => None,
            Role::Query(key) => {
                Some(quote_spanned! {first=> #rt::query(&mut #request, #key, #value); })
            }
            Role::QueryFlatten => {
                Some(quote_spanned! {first=> #rt::query_params(&mut #request, #name, #value); })
            }
            Role::Header(header) => {
                Some(quote_spanned! {first=> #rt::header(&mut #request, #header, #name, #value); })
            }
            Role::Body => {
                Some(quote_spanned! {first=> #rt::json_body(&mut #request, #name, #value); })
            }
        }
    });
    let calls: Vec<TokenStream> = path_calls.chain(other_calls).collect();
    let mutability = if calls.is_empty() {
        None
    } else {
        Some(quote!(mut))
    };

    // The decoder and the error conversion are function values spanned over the types they
    // concern: a body type that cannot be deserialized, or an error type without
    // `From<alloy_api::Error>`, gets one error at that type.
    let output = endpoint
        .future_output()
        .expect("checked: the method is async");
    let decode = decoder(&rt, &endpoint.decode().expect("checked: a Result"), output);
    let convert = {
        let (_, error) = endpoint.result.expect("checked: a Result");
        let (first, last) = span_range(&error.unwrap_or(output));
        let rt = respan(rt.clone(), first);
        let convert = Ident::new("convert", last);
        quote_spanned!(first=> #rt::#convert)
    };

    // The method is written out token by token rather than cloned, edited and printed: a
    // body handed to `parse_quote!` would be parsed by syn only to be printed again, which
    // was most of the macro's own time.
    let sig = &item.sig;
    // The return type and the call to `send` are both at the method's name: without
    // `Transport` as a supertrait, the call and the returned future both need
    // `Self: Transport`, and the same error at the same place is shown once. The spans keep
    // the macro's context, so the compiler does not suggest a `where` clause inside them.
    let sig_span = Span::call_site().located_at(sig.ident.span());
    let future = match &sig.output {
        // `fn ... -> impl Future<Output = ...> + Send` stays as written, so that the names it
        // uses (an imported `Future`) stay used.
        ReturnType::Type(_, ty) if sig.asyncness.is_none() => respan_future(ty, sig_span),
        _ => quote_spanned! {sig_span=>
            impl ::core::future::Future<Output = #output> + ::core::marker::Send
        },
    };
    let arrow = quote_spanned!(sig_span=> ->);
    let send_rt = respan(rt.clone(), sig_span);
    let send = quote_spanned! {sig_span=>
        #send_rt::send(self, #request, #decode, #convert)
    };
    let attrs = &item.attrs;
    let defaultness = &item.modifiers.defaultness;
    let (constness, safety, abi, fn_token, ident) = (
        &sig.constness,
        &sig.safety,
        &sig.abi,
        &sig.fn_token,
        &sig.ident,
    );
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let mut inputs = TokenStream::new();
    for pair in sig.inputs.pairs() {
        kept_param_attrs(pair.value()).to_tokens(&mut inputs);
        pair.punct().to_tokens(&mut inputs);
    }
    if let Some(variadic) = &sig.variadic {
        if !sig.inputs.empty_or_trailing() {
            <syn::Token![,]>::default().to_tokens(&mut inputs);
        }
        variadic.to_tokens(&mut inputs);
    }
    let mut params = TokenStream::new();
    sig.paren_token
        .surround(&mut params, |tokens| tokens.extend(inputs));
    quote! {
        #(#attrs)*
        #[allow(
            clippy::needless_borrow,
            clippy::needless_borrows_for_generic_args,
            clippy::used_underscore_binding
        )]
        #defaultness #constness #safety #abi #fn_token #ident #generics #params #arrow #future #where_clause {
            #import
            let #mutability #request = {
                static #endpoint_static: #rt::Endpoint = #rt::endpoint(
                    #operation,
                    #rt::Method::#method,
                    #dotted,
                    #idempotent,
                );
                #rt::request(&#endpoint_static)
            };
            #(#calls)*
            #send
        }
    }
}

/// One parameter as written, with only the attributes the compiler knows (see
/// [`strip_param_attrs`]).
fn kept_param_attrs(input: &FnArg) -> TokenStream {
    match input {
        FnArg::Typed(pt) => {
            let attrs = pt.attrs.iter().filter(|a| is_lint_attr(a));
            let (pat, colon, ty) = (&pt.pat, &pt.colon_token, &pt.ty);
            quote!(#(#attrs)* #pat #colon #ty)
        }
        FnArg::Receiver(r) => r.to_token_stream(),
    }
}

/// Whether `attr` is one of [`LINT_ATTRS`]: an attribute the compiler itself reads on a
/// parameter, kept on it.
fn is_lint_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .get_ident()
        .is_some_and(|i| LINT_ATTRS.iter().any(|l| i == l))
}

/// The function that decodes a 2xx response. `<T as ResponseBody>::from_response` is
/// spanned over `T`, so that a type that cannot be deserialized gets one error there.
fn decoder(rt: &TokenStream, decode: &Decode<'_>, output: &Type) -> TokenStream {
    match decode {
        Decode::Unit => {
            let (first, _) = span_range(output);
            let rt = respan(rt.clone(), first);
            quote_spanned!(first=> #rt::unit)
        }
        Decode::Json(ty) => decode_as(rt, ty, "from_response"),
        Decode::List(ty) => decode_as(rt, ty, "list_from_response"),
        Decode::Optional(ty) => decode_as(rt, ty, "option_from_response"),
        Decode::WithMeta(inner) => {
            let inner = decoder(rt, inner, output);
            let response = Ident::new("response", Span::mixed_site());
            quote!(|#response| #rt::with_meta(#response, #inner))
        }
    }
}

/// `<T as ResponseBody>::function`, spanned over `T`.
fn decode_as(rt: &TokenStream, ty: &Type, function: &str) -> TokenStream {
    let (first, last) = span_range(ty);
    let rt = respan(rt.clone(), first);
    let function = Ident::new(function, last);
    let close = respan(quote!(>), last);
    quote_spanned!(first=> <#ty as #rt::ResponseBody #close::#function)
}
