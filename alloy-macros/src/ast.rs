//! A borrowed view of the annotated method: syntax only. Every piece keeps the tokens it
//! came from, so that `valid` can point at them; no rule between pieces is checked here.

use syn::ext::IdentExt;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, LitStr, Meta, Pat, PatType, PathArguments, Receiver,
    ReturnType, TraitItemFn, Type, TypeParamBound,
};

use crate::attr::Args;
use crate::case::{camel_case, near_miss, snake_case};
use crate::symbol::{ATTRIBUTE, BODY, FLATTEN, HEADER, LINT_ATTRS, QUERY, RESERVED_HEADERS, ROLES};

/// What a parameter is for.
#[derive(Clone)]
pub enum Role {
    /// Fills the placeholder with this name.
    Path(String),
    /// A query pair with this key, resolved when the attribute is read.
    Query(String),
    /// A set of query pairs whose keys the value's type chooses (`#[query(flatten)]`).
    QueryFlatten,
    /// The JSON body.
    Body,
    /// A header with this lowercase name.
    Header(String),
}

/// A role attribute read from a parameter, with the attribute for errors.
pub struct RoleAttr<'a> {
    pub role: Role,
    /// The attribute's name as written (`query`).
    pub name: &'static str,
    pub attr: &'a Attribute,
}

/// One typed parameter of the method.
pub struct Param<'a> {
    pub input: &'a PatType,
    /// The parameter's name, when its pattern is a plain name.
    pub ident: Option<&'a Ident>,
    /// The name without `r#`.
    pub name: String,
    pub ty: &'a Type,
    /// Every role attribute that could be read, in order.
    pub roles: Vec<RoleAttr<'a>>,
    /// Whether a role attribute was there but could not be read (and was reported).
    pub unreadable_role: bool,
    /// The placeholder of the path that the name matches (`<workflowId>` for `workflow_id`).
    pub placeholder: Option<String>,
}

impl Param<'_> {
    /// Returns the parameter's roles, once `valid` has checked them: none, one, or two for a
    /// parameter that fills a placeholder by its name and is also marked `#[query]` (the
    /// value is then sent in both places, as some APIs ask).
    pub fn bound_roles(&self) -> Vec<Role> {
        match (self.roles.first(), &self.placeholder) {
            (Some(attr), Some(placeholder)) if matches!(attr.role, Role::Query(_)) => {
                vec![Role::Path(placeholder.clone()), attr.role.clone()]
            }
            (Some(attr), _) => vec![attr.role.clone()],
            (None, Some(placeholder)) => vec![Role::Path(placeholder.clone())],
            (None, None) => Vec::new(),
        }
    }
}

/// How the value a successful call returns is made from the response.
pub enum Decode<'a> {
    /// `()`: the body is ignored.
    Unit,
    /// `Response<T>`: status and headers beside the body decoded as the inner kind.
    WithMeta(Box<Decode<'a>>),
    /// `Vec<T>`: the body is a JSON array of `T`.
    List(&'a Type),
    /// `Option<T>`: the body is `T` or `null`.
    Optional(&'a Type),
    /// Anything else: the body is JSON of this type.
    Json(&'a Type),
}

/// What the method returns, as written.
pub enum Output<'a> {
    /// No return type.
    Missing,
    /// `async fn ... -> T`: the future's output is `T`.
    Async(&'a Type),
    /// `fn ... -> impl Future<Output = T>`: the future's output is `T`.
    Future(&'a Type),
    /// `fn ... -> T` where `T` is no future.
    NotFuture(&'a Type),
}

/// The method, read.
pub struct Endpoint<'a> {
    pub item: &'a TraitItemFn,
    /// A second `#[api_endpoint]` on the same method.
    pub repeated: Option<&'a Attribute>,
    pub receiver: Option<&'a Receiver>,
    pub params: Vec<Param<'a>>,
    pub output: Output<'a>,
    /// `T` and `E` of `Result<T>` / `Result<T, E>`, when the future's output is a `Result`.
    pub result: Option<(&'a Type, Option<&'a Type>)>,
}

impl<'a> Endpoint<'a> {
    /// Reads the method. Mistakes in the syntax of one attribute are recorded in `errors`;
    /// everything else is left to `valid`.
    pub fn from_syn(item: &'a TraitItemFn, args: &Args, errors: &mut Vec<syn::Error>) -> Self {
        let sig = &item.sig;
        let receiver = match sig.inputs.first() {
            Some(FnArg::Receiver(r)) => Some(r),
            _ => None,
        };
        let output = match &sig.output {
            ReturnType::Default => Output::Missing,
            ReturnType::Type(_, ty) if sig.asyncness.is_some() => Output::Async(ty),
            ReturnType::Type(_, ty) => {
                future_output(ty).map_or(Output::NotFuture(ty), Output::Future)
            }
        };
        let result = match output {
            Output::Async(ty) | Output::Future(ty) | Output::NotFuture(ty) => result_types(ty),
            Output::Missing => None,
        };
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(pt) => Some(Param::from_syn(pt, args, errors)),
                FnArg::Receiver(_) => None,
            })
            .collect();
        Self {
            item,
            repeated: item.attrs.iter().find(|a| is_api_endpoint(a)),
            receiver,
            params,
            output,
            result,
        }
    }

    /// Returns how the body of a successful response becomes `T`.
    pub fn decode(&self) -> Option<Decode<'a>> {
        self.result.map(|(ok, _)| decode_for(ok))
    }

    /// Returns the type the method's future resolves to.
    pub fn future_output(&self) -> Option<&'a Type> {
        match self.output {
            Output::Async(ty) | Output::Future(ty) => Some(ty),
            Output::NotFuture(_) | Output::Missing => None,
        }
    }
}

/// Returns whether `attr` is `#[api_endpoint]` (under any path).
pub fn is_api_endpoint(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == ATTRIBUTE)
}

impl<'a> Param<'a> {
    fn from_syn(input: &'a PatType, args: &Args, errors: &mut Vec<syn::Error>) -> Self {
        let ident = match &*input.pat {
            Pat::Ident(pi) => Some(&pi.ident),
            _ => None,
        };
        let name = ident.map(|i| i.unraw().to_string()).unwrap_or_default();
        let (roles, unreadable_role) = role_attrs(&input.attrs, &name, errors);
        let placeholder = args.path.as_ref().and_then(|(t, _)| {
            t.placeholders()
                .find(|p| !name.is_empty() && (*p == name || snake_case(p) == name))
                .map(str::to_owned)
        });
        Self {
            input,
            ident,
            name,
            ty: &input.ty,
            roles,
            unreadable_role,
            placeholder,
        }
    }
}

/// Returns `T` of `impl Future<Output = T>`.
fn future_output(ty: &Type) -> Option<&Type> {
    let Type::ImplTrait(imp) = ty else {
        return None;
    };
    imp.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let last = t.path.segments.last()?;
        if last.ident != "Future" {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// Returns `T` of `Result<T>`, and `T` and `E` of `Result<T, E>`.
fn result_types(output: &Type) -> Option<(&Type, Option<&Type>)> {
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
    None
}

fn decode_for(ty: &Type) -> Decode<'_> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Decode::Unit,
        Type::Paren(p) => decode_for(&p.elem),
        _ => match generic_of(ty) {
            Some(("Response", inner)) => Decode::WithMeta(Box::new(decode_for(inner))),
            // The element is named on its own, so that an element type that cannot be
            // decoded is reported as such, at that type.
            Some(("Vec", inner)) => Decode::List(inner),
            Some(("Option", inner)) => Decode::Optional(inner),
            _ => Decode::Json(ty),
        },
    }
}

/// Returns `("Vec", T)` for `Vec<T>` (any path ending in a segment with one type argument).
fn generic_of(ty: &Type) -> Option<(&'static str, &Type)> {
    let Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last().filter(|_| p.qself.is_none())?;
    let name = ["Response", "Vec", "Option"]
        .into_iter()
        .find(|n| last.ident == n)?;
    match &last.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match args.args.first() {
            Some(GenericArgument::Type(inner)) => Some((name, inner)),
            _ => None,
        },
        _ => None,
    }
}

/// Reads the role attributes of a parameter named `name`, reporting those that cannot be
/// read. The flag says whether one was there but could not be read.
fn role_attrs<'a>(
    attrs: &'a [Attribute],
    name: &str,
    errors: &mut Vec<syn::Error>,
) -> (Vec<RoleAttr<'a>>, bool) {
    let mut found = Vec::new();
    let mut failed = false;
    for attr in attrs {
        let Some(attr_name) = attr.path().get_ident().map(ToString::to_string) else {
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
        let role = match attr_name.as_str() {
            QUERY => query_role(attr, name, errors),
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
                errors.push(syn::Error::new_spanned(
                    attr,
                    "path parameters take no attribute: name the parameter after its placeholder (`user_id` or `userId` for `<userId>`)",
                ));
                None
            }
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
                None
            }
        };
        match role {
            Some((role, name)) => found.push(RoleAttr { role, name, attr }),
            None => failed = true,
        }
    }
    (found, failed)
}

pub fn role_list() -> String {
    "`#[query]`, `#[query(\"key\")]`, `#[query(flatten)]`, `#[body]`, `#[header(\"Name\")]`"
        .to_owned()
}

/// Reads `#[query]` (the key is the camelCase of `name`), `#[query("key")]` or
/// `#[query(flatten)]`.
fn query_role(
    attr: &Attribute,
    name: &str,
    errors: &mut Vec<syn::Error>,
) -> Option<(Role, &'static str)> {
    match &attr.meta {
        Meta::Path(_) => Some((Role::Query(camel_case(name)), QUERY)),
        Meta::List(list) if list.tokens.to_string() == FLATTEN => Some((Role::QueryFlatten, QUERY)),
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
                    "write `#[query]`, `#[query(\"key\")]` to choose the key, or `#[query(flatten)]` for a type that sends several pairs",
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
