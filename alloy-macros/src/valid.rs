//! The rules between the pieces of an endpoint: the signature's shape, and that every
//! parameter has exactly one role that fits the others. Every broken rule is recorded, so one
//! compile shows them all; each error points at the token to change and says how.

use syn::{FnArg, Ident, Pat, ReceiverKind};

use crate::ast::{Endpoint, Output, Param, Role};
use crate::attr::Args;
use crate::case::{camel_case, near_miss, snake_case};
use crate::symbol::{QUERY, WRONG_ITEM};
use crate::template::Template;

/// Checks `endpoint` against the attribute's `args`, recording every broken rule.
pub fn check(endpoint: &Endpoint<'_>, args: &Args, errors: &mut Vec<syn::Error>) {
    if let Some(attr) = endpoint.repeated {
        errors.push(syn::Error::new_spanned(
            attr,
            "`#[api_endpoint]` appears twice on this method: remove one of them",
        ));
    }
    let item = endpoint.item;
    let sig = &item.sig;
    if item.default.is_some() && endpoint.receiver.is_none() {
        // A function with a body and no `self` is a free function (or an associated one),
        // not an endpoint declaration: one error, not one per missing piece.
        let (fn_token, ident) = (&sig.fn_token, &sig.ident);
        errors.push(syn::Error::new_spanned(
            quote::quote!(#fn_token #ident),
            WRONG_ITEM.replace("{item}", "a function with a body"),
        ));
        return;
    }
    if let Some(body) = &item.default {
        errors.push(syn::Error::new_spanned(
            body,
            "`#[api_endpoint]` writes the method's body: remove it and end the declaration with `;`",
        ));
    }
    if let Some(c) = &sig.constness {
        errors.push(syn::Error::new_spanned(
            c,
            "an endpoint method cannot be `const`",
        ));
    }
    if !matches!(sig.safety, syn::Safety::Default) {
        errors.push(syn::Error::new_spanned(
            &sig.safety,
            "an endpoint method cannot be `unsafe` or `safe`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "an endpoint method cannot have an ABI",
        ));
    }
    if let Some(v) = &sig.variadic {
        errors.push(syn::Error::new(
            v.dots.spans[0],
            "an endpoint method cannot be variadic",
        ));
    }
    // Without a receiver this is no method (at module level, `fn f();` reads the same): say
    // that once, rather than also what its return type lacks.
    if check_receiver(endpoint, errors) {
        check_output(endpoint, errors);
    }
    check_params(endpoint, args, errors);
}

/// Checks the receiver; returns whether there is one.
fn check_receiver(endpoint: &Endpoint<'_>, errors: &mut Vec<syn::Error>) -> bool {
    let Some(r) = endpoint.receiver else {
        let ident = &endpoint.item.sig.ident;
        errors.push(syn::Error::new_spanned(
            ident,
            format!("`{ident}` has no receiver: add `&self` as the first parameter"),
        ));
        return false;
    };
    let message = match &r.kind {
        ReceiverKind::Reference(_, _, None) => return true,
        ReceiverKind::Reference(_, _, Some(_)) => {
            "take `&self`, not `&mut self`: a client is shared between tasks, and calls never need exclusive access"
        }
        ReceiverKind::Value => {
            "take `&self`, not `self`: an endpoint borrows the client instead of consuming it"
        }
        _ => "take `&self`: endpoint methods borrow the client",
    };
    errors.push(syn::Error::new_spanned(r, message));
    true
}

/// The method is asynchronous and its future resolves to a `Result`: each missing half is
/// its own error, at its own token.
fn check_output(endpoint: &Endpoint<'_>, errors: &mut Vec<syn::Error>) {
    let sig = &endpoint.item.sig;
    let ty = match endpoint.output {
        Output::Missing => {
            let message = if sig.asyncness.is_some() {
                "add a return type: endpoint methods return `alloy_api::Result<T>`, or `alloy_api::Result<()>` to ignore the response body"
            } else {
                "endpoint methods are `async fn ... -> alloy_api::Result<T>`: add `async` and a return type"
            };
            errors.push(syn::Error::new_spanned(&sig.ident, message));
            return;
        }
        Output::NotFuture(ty) => {
            errors.push(syn::Error::new(
                sig.fn_token.span,
                "endpoint methods are asynchronous: write `async fn`, or return `impl Future<Output = alloy_api::Result<T>> + Send`",
            ));
            ty
        }
        Output::Async(ty) | Output::Future(ty) => ty,
    };
    if endpoint.result.is_none() {
        errors.push(syn::Error::new_spanned(
            ty,
            "endpoint methods return `alloy_api::Result<T>` (or `Result<T, E>` with `E: From<alloy_api::Error>`), where `T` is the decoded body, `()` or `alloy_api::Response<T>`",
        ));
    }
}

fn check_params(endpoint: &Endpoint<'_>, args: &Args, errors: &mut Vec<syn::Error>) {
    let template = args.path.as_ref().map(|(t, _)| t);
    let method = args.method.map(|(_, name)| name);
    // Parameters that passed every check so far, with their role.
    let mut bound: Vec<(&Param<'_>, Role)> = Vec::new();
    // Parameters with no role, reported once the placeholders left over are known.
    let mut roleless: Vec<&Ident> = Vec::new();
    // Placeholders whose parameter was reported already (it was given another role too).
    let mut reported: Vec<&str> = Vec::new();
    let mut body_seen = false;
    for param in &endpoint.params {
        for extra in param.roles.iter().skip(1) {
            errors.push(syn::Error::new_spanned(
                extra.attr,
                format!(
                    "a parameter has one role, and this one is already `#[{}]`: remove one of the attributes",
                    param.roles[0].name
                ),
            ));
        }
        let Some(ident) = param.ident else {
            errors.push(syn::Error::new_spanned(
                &param.input.pat,
                "endpoint parameters need a plain name (`user_id: &str`): the name says which placeholder or query key it fills",
            ));
            continue;
        };
        if let Pat::Ident(pi) = &*param.input.pat {
            if let Some(by_ref) = &pi.by_ref {
                errors.push(syn::Error::new_spanned(
                    by_ref,
                    "write the parameter without `ref`",
                ));
            }
            if let Some(m) = &pi.mutability {
                errors.push(syn::Error::new_spanned(
                    m,
                    "write the parameter without `mut`: the macro writes the method's body",
                ));
            }
        }
        let name = &param.name;
        if let (Some(attr), Some(placeholder)) = (param.roles.first(), param.placeholder.as_deref())
            && attr.name != QUERY
        {
            reported.push(placeholder);
            errors.push(syn::Error::new_spanned(
                attr.attr,
                format!(
                    "`{name}` fills the path placeholder `<{placeholder}>` by its name, and is also marked `#[{}]`: rename the parameter or remove the attribute (only `#[query]` may be added, to send the value in the query too)",
                    attr.name
                ),
            ));
            continue;
        }
        let roles = param.bound_roles();
        if roles.is_empty() {
            // A misspelt or invalid role attribute was reported already, and without a
            // valid path there is no telling which placeholders a parameter could fill.
            if !param.unreadable_role && template.is_some() {
                roleless.push(ident);
            }
            continue;
        }
        // The attribute that gave the role, or the name for a path parameter.
        let at = |errors: &mut Vec<syn::Error>, message: String| match param.roles.first() {
            Some(attr) => errors.push(syn::Error::new_spanned(attr.attr, message)),
            None => errors.push(syn::Error::new_spanned(ident, message)),
        };
        for role in roles {
            match &role {
                Role::Body => {
                    if body_seen {
                        at(
                            errors,
                            "an endpoint has at most one `#[body]`: gather the fields into one serializable type".to_owned(),
                        );
                        continue;
                    }
                    body_seen = true;
                    if let Some(m @ ("GET" | "HEAD")) = method {
                        at(
                            errors,
                            format!(
                                "a {m} request has no body: send these values as `#[query]` parameters, or use POST"
                            ),
                        );
                        continue;
                    }
                }
                // `user_id` and `userId` both name `<userId>`.
                Role::Path(p) => {
                    if let Some((other, _)) = bound
                        .iter()
                        .find(|(_, r)| matches!(r, Role::Path(q) if q == p))
                    {
                        at(
                            errors,
                            format!(
                                "the placeholder `<{p}>` is already filled by `{}`: each placeholder takes one parameter, so rename or remove this one",
                                other.name
                            ),
                        );
                        continue;
                    }
                }
                Role::Query(key) if key.is_empty() => {
                    at(
                        errors,
                        format!(
                            "`{name}` gives no query key (its camelCase is empty): name the key with `#[query(\"key\")]`"
                        ),
                    );
                    continue;
                }
                Role::Query(key) => {
                    if bound
                        .iter()
                        .any(|(_, r)| matches!(r, Role::Query(k) if k == key))
                    {
                        at(
                            errors,
                            format!(
                                "the query key `{key}` is already sent by another parameter: give one of them another key with `#[query(\"key\")]`, or pass a slice to send the key several times"
                            ),
                        );
                        continue;
                    }
                }
                // The type chooses its keys: a clash can only be seen at run time.
                Role::QueryFlatten => {}
                Role::Header(h) => {
                    if bound
                        .iter()
                        .any(|(_, r)| matches!(r, Role::Header(k) if k == h))
                    {
                        at(
                            errors,
                            format!("the header `{h}` is already set by another parameter"),
                        );
                        continue;
                    }
                }
            }
            bound.push((param, role));
        }
    }
    let Some((template, lit)) = &args.path else {
        return;
    };
    let mut unfilled: Vec<&str> = template
        .placeholders()
        .filter(|p| !reported.contains(p))
        .filter(|p| {
            !bound
                .iter()
                .any(|(_, r)| matches!(r, Role::Path(q) if q == p))
        })
        .collect();
    // A parameter with no role while a placeholder has no parameter is most likely one
    // mistake, a misnamed path parameter: say so once, at the parameter.
    for ident in roleless {
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        let snake: Vec<String> = unfilled.iter().map(|p| snake_case(p)).collect();
        let guess = near_miss(&name, snake.iter().map(String::as_str))
            .and_then(|g| snake.iter().position(|s| s == g))
            .or_else(|| (!unfilled.is_empty()).then_some(0));
        match guess {
            Some(i) => {
                let placeholder = unfilled.remove(i);
                errors.push(syn::Error::new_spanned(
                    ident,
                    format!(
                        "`{name}` is not a placeholder of the path, and the placeholder `<{placeholder}>` has no parameter: rename `{name}` to `{}` to fill `<{placeholder}>`; or, if `{name}` is not part of the path, give it a role with {}",
                        snake_case(placeholder),
                        roles_for(method),
                    ),
                ));
            }
            None => errors.push(no_role_error(ident, &name, template, method)),
        }
    }
    for placeholder in unfilled {
        let names: Vec<String> = endpoint
            .item
            .sig
            .inputs
            .iter()
            .filter_map(|i| match i {
                FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(pi) => Some(format!("`{}`", pi.ident)),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            })
            .collect();
        let have = if names.is_empty() {
            "the method has no parameters besides `&self`".to_owned()
        } else {
            format!("the parameters are {}", names.join(", "))
        };
        errors.push(syn::Error::new_spanned(
            lit,
            format!(
                "the placeholder `<{placeholder}>` has no parameter ({have}): add a parameter named after it, as in `{}: &str`",
                snake_case(placeholder)
            ),
        ));
    }
}

/// The roles a parameter that is not in the path can take, for the method at hand.
fn roles_for(method: Option<&str>) -> &'static str {
    if matches!(method, Some("GET" | "HEAD")) {
        "`#[query]` or `#[header(\"Name\")]`"
    } else {
        "`#[query]`, `#[body]` or `#[header(\"Name\")]`"
    }
}

fn no_role_error(
    ident: &Ident,
    name: &str,
    template: &Template,
    method: Option<&str>,
) -> syn::Error {
    let shown: Vec<String> = template
        .placeholders()
        .map(|p| format!("`<{p}>`"))
        .collect();
    let path_part = if shown.is_empty() {
        "the path has no placeholders".to_owned()
    } else {
        format!("it is not a placeholder of the path ({})", shown.join(", "))
    };
    let body = if matches!(method, Some("GET" | "HEAD")) {
        ""
    } else {
        ", `#[body]` to send it as the JSON body,"
    };
    syn::Error::new_spanned(
        ident,
        format!(
            "`{name}` has no role: {path_part}. Mark it `#[query]` to send it as `?{}=...`{body} or `#[header(\"Name\")]` to send it as a header",
            camel_case(name),
        ),
    )
}
