//! A view of the annotated method: its parameters with their roles, and what it returns.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
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
        if let Some(body) = &item.default {
            errors.push(syn::Error::new_spanned(
                body,
                "#[api_endpoint] writes the method's body: remove it and end the declaration with `;`",
            ));
        }
        if let Some(c) = &sig.constness {
            errors.push(syn::Error::new_spanned(c, "an endpoint method cannot be `const`"));
        }
        if !matches!(sig.safety, syn::Safety::Default) {
            errors.push(syn::Error::new_spanned(
                &sig.safety,
                "an endpoint method cannot be `unsafe` or `safe`",
            ));
        }
        if let Some(abi) = &sig.abi {
            errors.push(syn::Error::new_spanned(abi, "an endpoint method cannot have an ABI"));
        }
        if let Some(v) = &sig.variadic {
            errors.push(syn::Error::new_spanned(&v.dots, "an endpoint method cannot be variadic"));
        }
        check_receiver(item, errors);
        let output = future_output(item, errors)?;
        let decode = result_ok_type(output, errors).map(decode_for);
        let params = params(item, args, errors);
        Some(Self {
            params,
            output,
            decode: decode?,
        })
    }
}

fn check_receiver(item: &TraitItemFn, errors: &mut Vec<syn::Error>) {
    let sig = &item.sig;
    match sig.inputs.first() {
        Some(FnArg::Receiver(r)) => match &r.kind {
            ReceiverKind::Reference(_, _, None) => {}
            ReceiverKind::Reference(_, _, Some(m)) => errors.push(syn::Error::new_spanned(
                m,
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
            "add a return type: endpoint methods return `alloy_api::Result<T>`"
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
    errors.push(syn::Error::new_spanned(
        &sig.fn_token,
        "endpoint methods are asynchronous: write `async fn`, or return `impl Future<Output = alloy_api::Result<T>> + Send`",
    ));
    None
}

/// Returns `T` of `Result<T>` or `Result<T, E>`.
fn result_ok_type<'a>(output: &'a Type, errors: &mut Vec<syn::Error>) -> Option<&'a Type> {
    if let Type::Path(p) = output
        && p.qself.is_none()
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let PathArguments::AngleBracketed(args) = &last.arguments
        && (1..=2).contains(&args.args.len())
        && let Some(GenericArgument::Type(ok)) = args.args.first()
    {
        return Some(ok);
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
                && p.path.segments.last().is_some_and(|s| s.ident == "Response") =>
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
    attr_span: Span,
}

fn params<'a>(item: &'a TraitItemFn, args: &Args, errors: &mut Vec<syn::Error>) -> Vec<Param<'a>> {
    let template = args.path.as_ref().map(|(t, _)| t);
    let method = args.method.map(|(_, name)| name);
    let mut out: Vec<Param<'a>> = Vec::new();
    let mut body_seen = false;
    for input in item.sig.inputs.iter() {
        let FnArg::Typed(pt) = input else {
            continue;
        };
        let role_attr = role_attr(&pt.attrs, errors);
        let Pat::Ident(pi) = &*pt.pat else {
            errors.push(syn::Error::new_spanned(
                &pt.pat,
                "endpoint parameters need a plain name (`user_id: &str`): the name says which placeholder or query key it fills",
            ));
            continue;
        };
        if let Some(by_ref) = &pi.by_ref {
            errors.push(syn::Error::new_spanned(by_ref, "write the parameter without `ref`"));
        }
        let ident = &pi.ident;
        let name = ident.unraw().to_string();
        let placeholder = template.and_then(|t| t.placeholders().find(|p| *p == name || snake_case(p) == name));
        let role = match (role_attr, placeholder) {
            (Some(attr), Some(placeholder)) => {
                errors.push(syn::Error::new(
                    attr.attr_span,
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
                attr_span: ident.span(),
            },
            (None, None) => {
                errors.push(no_role_error(ident, &name, template));
                continue;
            }
        };
        match &role.role {
            Role::Body => {
                if body_seen {
                    errors.push(syn::Error::new(
                        role.attr_span,
                        "an endpoint has at most one `#[body]`: gather the fields into one serializable type",
                    ));
                    continue;
                }
                body_seen = true;
                if let Some(m @ ("GET" | "HEAD")) = method {
                    errors.push(syn::Error::new(
                        role.attr_span,
                        format!(
                            "a {m} request has no body: send these values as `#[query]` parameters, or use POST"
                        ),
                    ));
                    continue;
                }
            }
            Role::Path(p) => {
                if let Some(other) = out.iter().find(|o| matches!(&o.role, Role::Path(q) if q == p)) {
                    errors.push(syn::Error::new_spanned(
                        ident,
                        format!(
                            "the placeholder `<{p}>` is already filled by `{}`; each placeholder takes one parameter",
                            other.ident
                        ),
                    ));
                    continue;
                }
            }
            Role::Query(key) => {
                if out.iter().any(|o| matches!(&o.role, Role::Query(k) if k == key)) {
                    errors.push(syn::Error::new(
                        role.attr_span,
                        format!("the query key `{key}` is already used by another parameter; pass a slice to send it several times"),
                    ));
                    continue;
                }
            }
            Role::Header(h) => {
                if out.iter().any(|o| matches!(&o.role, Role::Header(k) if k == h)) {
                    errors.push(syn::Error::new(
                        role.attr_span,
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
    if let Some((template, lit)) = &args.path {
        for placeholder in template.placeholders() {
            if !out.iter().any(|p| matches!(&p.role, Role::Path(q) if q == placeholder)) {
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
                    "the method has no parameters".to_owned()
                } else {
                    format!("the parameters are {}", names.join(", "))
                };
                // A parameter that already has another role with this name was reported above.
                if names.iter().any(|n| *n == format!("`{}`", snake_case(placeholder)) || *n == format!("`{placeholder}`")) {
                    continue;
                }
                errors.push(syn::Error::new_spanned(
                    lit,
                    format!(
                        "the placeholder `<{placeholder}>` has no parameter ({have}): add `{}: &str`",
                        snake_case(placeholder)
                    ),
                ));
            }
        }
    }
    out
}

fn no_role_error(ident: &Ident, name: &str, template: Option<&Template>) -> syn::Error {
    let placeholders: Vec<&str> = template.map(|t| t.placeholders().collect()).unwrap_or_default();
    let shown: Vec<String> = placeholders.iter().map(|p| format!("`<{p}>`")).collect();
    let path_part = if shown.is_empty() {
        "the path has no placeholders".to_owned()
    } else {
        format!("it matches none of the path's placeholders ({})", shown.join(", "))
    };
    let hint = near_miss(name, placeholders.iter().copied())
        .map(|p| format!("; did you mean `{}` for `<{p}>`?", snake_case(p)))
        .unwrap_or_default();
    syn::Error::new_spanned(
        ident,
        format!(
            "`{name}` has no role: {path_part}. Mark it `#[query]`, `#[body]` or `#[header(\"Name\")]`{hint}"
        ),
    )
}

/// Reads the role attribute of a parameter, reporting unknown and repeated ones.
fn role_attr(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> Option<RoleAttr> {
    let mut found: Option<RoleAttr> = None;
    for attr in attrs {
        let Some(name) = attr.path().get_ident().map(ToString::to_string) else {
            errors.push(syn::Error::new_spanned(
                attr,
                format!("unknown parameter attribute; expected one of: {}", role_list()),
            ));
            continue;
        };
        let role = match name.as_str() {
            QUERY => query_role(attr, errors),
            BODY => match &attr.meta {
                Meta::Path(_) => Some((Role::Body, BODY)),
                _ => {
                    errors.push(syn::Error::new_spanned(attr, "write `#[body]`, without arguments"));
                    None
                }
            },
            HEADER => header_role(attr, errors),
            other if LINT_ATTRS.contains(&other) => continue,
            other => {
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
            attr_span: attr.span(),
        });
    }
    found
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
                errors.push(syn::Error::new_spanned(key, "the query key cannot be empty"));
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
        if key.is_empty() {
            camel_case(&self.ident.unraw().to_string())
        } else {
            key.to_owned()
        }
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
