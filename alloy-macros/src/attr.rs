//! The arguments of `#[api_endpoint(method = "...", path = "...")]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitStr, Meta, Token};

use crate::case::near_miss;
use crate::symbol::{CRATE, IDEMPOTENT, KEYS, METHOD, METHODS, PATH};
use crate::template::Template;

/// The attribute's arguments, each with the token it came from.
pub struct Args {
    /// The runtime's variant name (`Get`), and the method as written (`GET`).
    pub method: Option<(&'static str, &'static str)>,
    /// The parsed template and its literal, for errors that concern the path.
    pub path: Option<(Template, LitStr)>,
    /// Whether the endpoint was declared idempotent explicitly.
    pub idempotent: Option<bool>,
    /// Where the runtime crate is (`::alloy_api` unless `crate = "..."`).
    pub krate: Option<syn::Path>,
}

impl Args {
    /// Parses the arguments, collecting every mistake into `errors`.
    pub fn parse(tokens: TokenStream, errors: &mut Vec<syn::Error>) -> Self {
        let mut args = Self {
            method: None,
            path: None,
            idempotent: None,
            krate: None,
        };
        let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
            Ok(metas) => metas,
            Err(e) => {
                errors.push(syn::Error::new(
                    e.span(),
                    format!(
                        "{e}; write `#[api_endpoint(method = \"GET\", path = \"/users/<userId>\")]`"
                    ),
                ));
                return args;
            }
        };
        let mut seen: Vec<String> = Vec::new();
        // Keys an unknown key was probably meant to be: not reported missing as well.
        let mut attempted: Vec<&'static str> = Vec::new();
        for meta in metas {
            let Some(key) = meta.path().get_ident().map(ToString::to_string) else {
                errors.push(syn::Error::new_spanned(
                    meta.path(),
                    format!("unknown key; expected one of: {}", list(KEYS)),
                ));
                continue;
            };
            if seen.contains(&key) {
                errors.push(syn::Error::new_spanned(
                    meta.path(),
                    format!("`{key}` is given twice: keep one"),
                ));
                continue;
            }
            seen.push(key.clone());
            match key.as_str() {
                METHOD => {
                    if let Some(lit) = string_value(&meta, METHOD, "\"GET\"", errors) {
                        args.method = parse_method(&lit, errors);
                    }
                }
                PATH => {
                    if let Some(lit) = string_value(&meta, PATH, "\"/users/<userId>\"", errors) {
                        match Template::parse(&lit.value()) {
                            Ok(t) => args.path = Some((t, lit)),
                            Err(msg) => errors.push(syn::Error::new_spanned(&lit, msg)),
                        }
                    }
                }
                IDEMPOTENT => match &meta {
                    Meta::Path(_) => args.idempotent = Some(true),
                    Meta::NameValue(nv) => match &nv.value {
                        Expr::Lit(syn::ExprLit {
                            lit: Lit::Bool(b), ..
                        }) => args.idempotent = Some(b.value),
                        other => errors.push(syn::Error::new_spanned(
                            other,
                            "`idempotent` takes `true` or `false`, or no value: `idempotent`",
                        )),
                    },
                    Meta::List(list) => errors.push(syn::Error::new_spanned(
                        list,
                        "write `idempotent` or `idempotent = true`",
                    )),
                },
                CRATE => {
                    if let Some(lit) = string_value(&meta, CRATE, "\"alloy_api\"", errors) {
                        match lit.parse::<syn::Path>() {
                            Ok(path) => args.krate = Some(path),
                            Err(_) => errors.push(syn::Error::new_spanned(
                                &lit,
                                "`crate` takes the path of the alloy-api crate, as in `crate = \"alloy_api\"`",
                            )),
                        }
                    }
                }
                other => {
                    let guess = near_miss(other, KEYS.iter().copied());
                    match guess {
                        Some(k) => attempted.push(k),
                        // No telling which key it was meant to be: it may be any.
                        None => attempted.extend(KEYS),
                    }
                    let hint = guess
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    errors.push(syn::Error::new_spanned(
                        meta.path(),
                        format!(
                            "unknown key `{other}`; expected one of: {}{hint}",
                            list(KEYS)
                        ),
                    ));
                }
            }
        }
        let missing = |key: &str| !seen.iter().any(|k| k == key) && !attempted.contains(&key);
        let message = match (missing(METHOD), missing(PATH)) {
            (true, true) => Some(
                "give the endpoint's method and path: `#[api_endpoint(method = \"GET\", path = \"/users/<userId>\")]`",
            ),
            (true, false) => Some(
                "missing `method`: add `method = \"GET\"` (or POST, PUT, PATCH, DELETE, HEAD, OPTIONS)",
            ),
            (false, true) => Some(
                "missing `path`: add `path = \"/users/<userId>\"`, with a `<name>` for every path parameter",
            ),
            (false, false) => None,
        };
        if let Some(message) = message {
            errors.push(syn::Error::new(Span::call_site(), message));
        }
        args
    }
}

/// Returns the string literal of `key = "..."`, or records why there is none.
fn string_value(
    meta: &Meta,
    key: &str,
    example: &str,
    errors: &mut Vec<syn::Error>,
) -> Option<LitStr> {
    let message = format!("`{key}` takes a string literal: `{key} = {example}`");
    match meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => Some(LitStr::new(&lit.value(), lit.span())),
            other => {
                errors.push(syn::Error::new_spanned(other, message));
                None
            }
        },
        other => {
            errors.push(syn::Error::new_spanned(other, message));
            None
        }
    }
}

fn parse_method(
    lit: &LitStr,
    errors: &mut Vec<syn::Error>,
) -> Option<(&'static str, &'static str)> {
    let value = lit.value();
    if let Some(&(name, variant)) = METHODS.iter().find(|(name, _)| *name == value) {
        return Some((variant, name));
    }
    let names: Vec<&str> = METHODS.iter().map(|(n, _)| *n).collect();
    let message =
        if let Some((name, _)) = METHODS.iter().find(|(n, _)| n.eq_ignore_ascii_case(&value)) {
            format!("HTTP methods are written in capitals: write `\"{name}\"`")
        } else {
            let hint = near_miss(&value, names.iter().copied())
                .map(|m| format!("; did you mean `{m}`?"))
                .unwrap_or_default();
            format!(
                "unknown HTTP method `{value}`; expected one of: {}{hint}",
                list(&names)
            )
        };
    errors.push(syn::Error::new_spanned(lit, message));
    None
}

/// Formats `["a", "b"]` as "`a`, `b`".
pub fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
