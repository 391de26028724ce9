//! A view of the annotated method: its parameters with their roles, and what it returns.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, LitStr, Meta, Pat, PathArguments, ReceiverKind,
    ReturnType, TraitItemFn, Type, TypeParamBound,
};

use crate::attr::Args;
use crate::case::{camel_case, near_miss, snake_case};
use crate::symbol::{BODY, HEADER, LINT_ATTRS, QUERY, RESERVED_HEADERS, ROLES};
use crate::template::Template;

/// What a parameter is for.
pub enum Role {
    /// Fills the placeholder with this name.
    Path(String),
    /// A query pair with this key.
    Query(String),
    /// The JSON body.
    Body,
    /// A header with this lowercase name.
    Header(String),
}

/// One typed parameter of the method.
pub struct Param<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub role: Role,
}

/// How the value a successful call returns is made from the response.
pub enum Decode<'a> {
    /// `()`: the body is ignored.
    Unit,
    /// `Response<T>`: status and headers beside the body decoded as the inner kind.
    WithMeta(Box<Decode<'a>>),
    /// Anything else: the body is JSON of this type.
    Json(&'a Type),
}

/// The method, understood.
pub struct Endpoint<'a> {
    pub params: Vec<Param<'a>>,
    /// The future's output type, as the user wrote it (`Result<User>`).
    pub output: &'a Type,
    /// `E` of `Result<T, E>`, when written.
    pub error: Option<&'a Type>,
    pub decode: Decode<'a>,
}

impl<'a> Endpoint<'a> {
    /// Reads the method, recording every mistake in `errors`. Returns `None` when the method
    /// cannot be expanded at all.
    pub fn from_item(
        item: &'a TraitItemFn,
        args: &Args,
        errors: &mut Vec<syn::Error>,
    ) -> Option<Self> {
        let sig = &item.sig;
        let has_receiver = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
        if item.default.is_some() && !has_receiver {
            // A function with a body and no `self` is a free function (or an associated one),
            // not an endpoint declaration: one error, not one per missing piece.
            let (fn_token, ident) = (&sig.fn_token, &sig.ident);
            errors.push(syn::Error::new_spanned(
                quote::quote!(#fn_token #ident),
                crate::symbol::WRONG_ITEM.replace("{item}", "a function with a body"),
            ));
            return None;
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
        check_receiver(item, errors);
        let output = future_output(item, errors)?;
        let result = result_types(output, errors);
        let params = params(item, args, errors);
        let (ok, error) = result?;
        Some(Self {
            params,
            output,
            error,
            decode: decode_for(ok),
        })
    }
}

fn check_receiver(item: &TraitItemFn, errors: &mut Vec<syn::Error>) {
    let sig = &item.sig;
    match sig.inputs.first() {
        Some(FnArg::Receiver(r)) => match &r.kind {
            ReceiverKind::Reference(_, _, None) => {}
            ReceiverKind::Reference(_, _, Some(_)) => errors.push(syn::Error::new_spanned(
                r,
                "take `&self`, not `&mut self`: a client is shared between tasks, and calls never need exclusive access",
            )),
            ReceiverKind::Value => errors.push(syn::Error::new_spanned(
                r,
                "take `&self`, not `self`: an endpoint borrows the client instead of consuming it",
            )),
            _ => errors.push(syn::Error::new_spanned(
                r,
                "take `&self`: endpoint methods borrow the client",
            )),
        },
        _ => errors.push(syn::Error::new_spanned(
            &sig.ident,
            format!(
                "`{}` has no receiver: add `&self` as the first parameter",
                sig.ident
            ),
        )),
    }
}

/// Returns the type the method's future resolves to: the return type of an `async fn`, or the
/// `Output` of `impl Future<Output = ...>`.
fn future_output<'a>(item: &'a TraitItemFn, errors: &mut Vec<syn::Error>) -> Option<&'a Type> {
    let sig = &item.sig;
    let ReturnType::Type(_, ty) = &sig.output else {
        let message = if sig.asyncness.is_some() {
            "add a return type: endpoint methods return `alloy_api::Result<T>`, or `alloy_api::Result<()>` to ignore the response body"
        } else {
            "endpoint methods are `async fn ... -> alloy_api::Result<T>`: add `async` and a return type"
        };
        errors.push(syn::Error::new_spanned(&sig.ident, message));
        return None;
    };
    if sig.asyncness.is_some() {
        return Some(ty);
    }
    if let Type::ImplTrait(imp) = &**ty {
        for bound in &imp.bounds {
            let TypeParamBound::Trait(t) = bound else {
                continue;
            };
            let Some(last) = t.path.segments.last() else {
                continue;
            };
            if last.ident != "Future" {
                continue;
            }
            if let PathArguments::AngleBracketed(args) = &last.arguments {
                for arg in &args.args {
                    if let GenericArgument::AssocType(assoc) = arg
                        && assoc.ident == "Output"
                    {
                        return Some(&assoc.ty);
                    }
                }
            }
        }
    }
    errors.push(syn::Error::new(
        sig.fn_token.span,
        "endpoint methods are asynchronous: write `async fn`, or return `impl Future<Output = alloy_api::Result<T>> + Send`",
    ));
    None
}

/// Returns `T` of `Result<T>`, and `T` and `E` of `Result<T, E>`.
fn result_types<'a>(
    output: &'a Type,
    errors: &mut Vec<syn::Error>,
) -> Option<(&'a Type, Option<&'a Type>)> {
    if let Type::Path(p) = output
        && p.qself.is_none()
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let PathArguments::AngleBracketed(args) = &last.arguments
        && (1..=2).contains(&args.args.len())
        && let Some(GenericArgument::Type(ok)) = args.args.first()
    {
        let error = match args.args.get(1) {
            Some(GenericArgument::Type(e)) => Some(e),
            _ => None,
        };
        return Some((ok, error));
    }
    errors.push(syn::Error::new_spanned(
        output,
        "endpoint methods return `alloy_api::Result<T>` (or `Result<T, E>` with `E: From<alloy_api::Error>`), where `T` is the decoded body, `()` or `alloy_api::Response<T>`",
    ));
    None
}

fn decode_for(ty: &Type) -> Decode<'_> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Decode::Unit,
        Type::Paren(p) => decode_for(&p.elem),
        Type::Path(p)
            if p.qself.is_none()
                && p.path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Response") =>
        {
            let last = p.path.segments.last().expect("checked above");
            match &last.arguments {
                PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
                    match args.args.first() {
                        Some(GenericArgument::Type(inner)) => {
                            Decode::WithMeta(Box::new(decode_for(inner)))
                        }
                        _ => Decode::Json(ty),
                    }
                }
                _ => Decode::Json(ty),
            }
        }
        _ => Decode::Json(ty),
    }
}

/// A role attribute found on a parameter.
struct RoleAttr {
    role: Role,
    name: &'static str,
    /// The attribute's tokens, for errors that point at it.
    tokens: TokenStream,
}

fn params<'a>(item: &'a TraitItemFn, args: &Args, errors: &mut Vec<syn::Error>) -> Vec<Param<'a>> {
    let template = args.path.as_ref().map(|(t, _)| t);
    let method = args.method.map(|(_, name)| name);
    let mut out: Vec<Param<'a>> = Vec::new();
    // Parameters with no role, reported once the placeholders left over are known.
    let mut roleless: Vec<&'a Ident> = Vec::new();
    // Placeholders whose parameter was reported already (it was given another role too).
    let mut reported: Vec<&str> = Vec::new();
    let mut body_seen = false;
    for input in &item.sig.inputs {
        let FnArg::Typed(pt) = input else {
            continue;
        };
        let (role_attr, attr_failed) = role_attr(&pt.attrs, errors);
        let Pat::Ident(pi) = &*pt.pat else {
            errors.push(syn::Error::new_spanned(
                &pt.pat,
                "endpoint parameters need a plain name (`user_id: &str`): the name says which placeholder or query key it fills",
            ));
            continue;
        };
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
        let ident = &pi.ident;
        let name = ident.unraw().to_string();
        let placeholder = template.and_then(|t| {
            t.placeholders()
                .find(|p| *p == name || snake_case(p) == name)
        });
        let role = match (role_attr, placeholder) {
            (Some(attr), Some(placeholder)) => {
                reported.push(placeholder);
                errors.push(syn::Error::new_spanned(
                    &attr.tokens,
                    format!(
                        "`{name}` fills the path placeholder `<{placeholder}>` by its name, and is also marked `#[{}]`: rename the parameter or remove the attribute",
                        attr.name
                    ),
                ));
                continue;
            }
            (Some(attr), None) => attr,
            (None, Some(placeholder)) => RoleAttr {
                role: Role::Path(placeholder.to_owned()),
                name: "path",
                tokens: ident.to_token_stream(),
            },
            (None, None) => {
                // A misspelt or invalid role attribute was reported already, and without a
                // valid path there is no telling which placeholders a parameter could fill.
                if !attr_failed && template.is_some() {
                    roleless.push(ident);
                }
                continue;
            }
        };
        match &role.role {
            Role::Body => {
                if body_seen {
                    errors.push(syn::Error::new_spanned(
                        &role.tokens,
                        "an endpoint has at most one `#[body]`: gather the fields into one serializable type",
                    ));
                    continue;
                }
                body_seen = true;
                if let Some(m @ ("GET" | "HEAD")) = method {
                    errors.push(syn::Error::new_spanned(
                        &role.tokens,
                        format!(
                            "a {m} request has no body: send these values as `#[query]` parameters, or use POST"
                        ),
                    ));
                    continue;
                }
            }
            // `user_id` and `userId` both name `<userId>`.
            Role::Path(p) => {
                if let Some(other) = out
                    .iter()
                    .find(|o| matches!(&o.role, Role::Path(q) if q == p))
                {
                    errors.push(syn::Error::new_spanned(
                        ident,
                        format!(
                            "the placeholder `<{p}>` is already filled by `{}`: each placeholder takes one parameter, so rename or remove this one",
                            other.ident
                        ),
                    ));
                    continue;
                }
            }
            Role::Query(key) => {
                let key = query_key(ident, key);
                if out
                    .iter()
                    .any(|o| matches!(&o.role, Role::Query(k) if query_key(o.ident, k) == key))
                {
                    errors.push(syn::Error::new_spanned(
                        &role.tokens,
                        format!("the query key `{key}` is already sent by another parameter: give one of them another key with `#[query(\"key\")]`, or pass a slice to send the key several times"),
                    ));
                    continue;
                }
            }
            Role::Header(h) => {
                if out
                    .iter()
                    .any(|o| matches!(&o.role, Role::Header(k) if k == h))
                {
                    errors.push(syn::Error::new_spanned(
                        &role.tokens,
                        format!("the header `{h}` is already set by another parameter"),
                    ));
                    continue;
                }
            }
        }
        out.push(Param {
            ident,
            ty: &pt.ty,
            role: role.role,
        });
    }
    let Some((template, lit)) = &args.path else {
        return out;
    };
    let mut unfilled: Vec<&str> = template
        .placeholders()
        .filter(|p| !reported.contains(p))
        .filter(|p| {
            !out.iter()
                .any(|o| matches!(&o.role, Role::Path(q) if q == p))
        })
        .collect();
    // A parameter with no role while a placeholder has no parameter is most likely one
    // mistake, a misnamed path parameter: say so once, at the parameter.
    for ident in roleless {
        let name = ident.unraw().to_string();
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
        let names: Vec<String> = item
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
    out
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

/// Reads the role attribute of a parameter, reporting unknown and repeated ones. The flag says
/// whether a role attribute was there but could not be read (and was reported).
fn role_attr(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> (Option<RoleAttr>, bool) {
    let mut found: Option<RoleAttr> = None;
    let mut failed = false;
    for attr in attrs {
        let Some(name) = attr.path().get_ident().map(ToString::to_string) else {
            failed = true;
            errors.push(syn::Error::new_spanned(
                attr,
                format!(
                    "unknown parameter attribute; expected one of: {}",
                    role_list()
                ),
            ));
            continue;
        };
        let role = match name.as_str() {
            QUERY => query_role(attr, errors),
            BODY => match &attr.meta {
                Meta::Path(_) => Some((Role::Body, BODY)),
                _ => {
                    errors.push(syn::Error::new_spanned(
                        attr,
                        "write `#[body]`, without arguments",
                    ));
                    None
                }
            },
            HEADER => header_role(attr, errors),
            other if LINT_ATTRS.contains(&other) => continue,
            "path" => {
                failed = true;
                errors.push(syn::Error::new_spanned(
                    attr,
                    "path parameters take no attribute: name the parameter after its placeholder (`user_id` or `userId` for `<userId>`)",
                ));
                continue;
            }
            other => {
                failed = true;
                let hint = near_miss(other, ROLES.iter().copied())
                    .map(|r| format!("; did you mean `#[{r}]`?"))
                    .unwrap_or_default();
                errors.push(syn::Error::new_spanned(
                    attr,
                    format!(
                        "unknown parameter attribute `#[{other}]`; expected one of: {}{hint}",
                        role_list()
                    ),
                ));
                continue;
            }
        };
        let Some((role, role_name)) = role else {
            failed = true;
            continue;
        };
        if let Some(first) = &found {
            errors.push(syn::Error::new_spanned(
                attr,
                format!(
                    "a parameter has one role, and this one is already `#[{}]`: remove one of the attributes",
                    first.name
                ),
            ));
            continue;
        }
        found = Some(RoleAttr {
            role,
            name: role_name,
            tokens: attr.to_token_stream(),
        });
    }
    (found, failed)
}

fn role_list() -> String {
    "`#[query]`, `#[query(\"key\")]`, `#[body]`, `#[header(\"Name\")]`".to_owned()
}

fn query_role(attr: &Attribute, errors: &mut Vec<syn::Error>) -> Option<(Role, &'static str)> {
    match &attr.meta {
        Meta::Path(_) => {
            // The key is the camelCase of the parameter's name; filled in by the caller below.
            Some((Role::Query(String::new()), QUERY))
        }
        Meta::List(_) => match attr.parse_args::<LitStr>() {
            Ok(key) if !key.value().is_empty() => Some((Role::Query(key.value()), QUERY)),
            Ok(key) => {
                errors.push(syn::Error::new_spanned(
                    key,
                    "the query key cannot be empty",
                ));
                None
            }
            Err(_) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "write `#[query]`, or `#[query(\"key\")]` to choose the key",
                ));
                None
            }
        },
        Meta::NameValue(_) => {
            errors.push(syn::Error::new_spanned(
                attr,
                "write `#[query(\"key\")]` to choose the key",
            ));
            None
        }
    }
}

fn header_role(attr: &Attribute, errors: &mut Vec<syn::Error>) -> Option<(Role, &'static str)> {
    let Meta::List(_) = &attr.meta else {
        errors.push(syn::Error::new_spanned(
            attr,
            "name the header: `#[header(\"X-Request-Id\")]`",
        ));
        return None;
    };
    let lit = match attr.parse_args::<LitStr>() {
        Ok(lit) => lit,
        Err(_) => {
            errors.push(syn::Error::new_spanned(
                attr,
                "name the header with a string: `#[header(\"X-Request-Id\")]`",
            ));
            return None;
        }
    };
    let name = lit.value();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        errors.push(syn::Error::new_spanned(
            &lit,
            format!(
                "`{}` is not a valid header name: use letters, digits and `-`, as in `X-Request-Id`",
                name.escape_default()
            ),
        ));
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_HEADERS.contains(&lower.as_str()) {
        errors.push(syn::Error::new_spanned(
            &lit,
            format!("`{name}` is set by the client itself and cannot be a parameter"),
        ));
        return None;
    }
    Some((Role::Header(lower), HEADER))
}

impl Param<'_> {
    /// Returns the query key, defaulting to the camelCase of the parameter's name.
    pub fn query_key(&self, key: &str) -> String {
        query_key(self.ident, key)
    }
}

/// Returns the query key `key`, or the camelCase of `ident` when the key was not given.
fn query_key(ident: &Ident, key: &str) -> String {
    if key.is_empty() {
        camel_case(&ident.unraw().to_string())
    } else {
        key.to_owned()
    }
}

/// Returns whether `ty` is `impl AsRef<str>` (possibly with more bounds).
pub fn is_impl_as_ref_str(ty: &Type) -> bool {
    let Type::ImplTrait(imp) = ty else {
        return false;
    };
    imp.bounds.iter().any(|b| match b {
        TypeParamBound::Trait(t) => t.path.segments.last().is_some_and(|s| {
            s.ident == "AsRef"
                && matches!(&s.arguments, PathArguments::AngleBracketed(a)
                    if a.args.len() == 1
                    && matches!(a.args.first(), Some(GenericArgument::Type(Type::Path(p))) if p.path.is_ident("str")))
        }),
        _ => false,
    })
}
