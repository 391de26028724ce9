//! The path template: `/workflows/<workflowId>/upgrade`.

use std::fmt::Write;

/// One `/`-separated piece of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text, valid as-is in a URL path.
    Literal(String),
    /// A `<name>` placeholder.
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

impl Template {
    /// Parses a template, or says what is wrong with it in words meant for the user.
    pub fn parse(path: &str) -> Result<Self, String> {
        if path.is_empty() {
            return Err(
                "the path is empty: write it from the root, as in `/users/<userId>`".into(),
            );
        }
        if !path.starts_with('/') {
            return Err(format!("the path must start with `/`: write `/{path}`"));
        }
        if let Some(at) = path.find('?') {
            return Err(format!(
                "the path cannot contain a query (`{}`): declare query parameters with `#[query]` on a parameter",
                &path[at..]
            ));
        }
        if let Some(at) = path.find('#') {
            return Err(format!(
                "the path cannot contain a fragment (`{}`): requests carry none, remove it",
                &path[at..]
            ));
        }
        if path.contains('{') || path.contains('}') {
            return Err(format!(
                "placeholders are written `<name>`, not `{{name}}`: write `{}`",
                path.replace('{', "<").replace('}', ">")
            ));
        }
        let mut pieces = Vec::new();
        let rest = &path[1..];
        if rest.is_empty() {
            return Ok(Self { pieces });
        }
        let segments: Vec<&str> = rest.split('/').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.into_iter().enumerate() {
            pieces.push(parse_segment(segment, i == last)?);
        }
        let mut seen = Vec::new();
        for piece in &pieces {
            if let Piece::Param(name) = piece {
                if seen.contains(&name) {
                    return Err(format!(
                        "the placeholder `<{name}>` appears twice; each placeholder is filled by one parameter, so give them different names"
                    ));
                }
                seen.push(name);
            }
        }
        Ok(Self { pieces })
    }

    /// Returns the placeholders' names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param(name) => Some(name.as_str()),
            Piece::Literal(_) => None,
        })
    }

    /// Returns the literal text that follows the placeholder `name` up to the next
    /// placeholder or the end (`/upgrade` for `workflowId` in
    /// `/workflows/<workflowId>/upgrade`, `/` between two): what the runtime writes after the
    /// placeholder's value, so that it never scans the template.
    pub fn after(&self, name: &str) -> String {
        let mut out = String::new();
        let pieces = self
            .pieces
            .iter()
            .skip_while(|p| !matches!(p, Piece::Param(n) if n == name))
            .skip(1);
        for piece in pieces {
            match piece {
                Piece::Literal(lit) => {
                    out.push('/');
                    out.push_str(lit);
                }
                Piece::Param(_) => {
                    out.push('/');
                    break;
                }
            }
        }
        out
    }

    /// Returns the template in OpenAPI form (`/workflows/{workflowId}/upgrade`).
    pub fn openapi(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(lit) => write!(out, "/{lit}"),
                Piece::Param(name) => write!(out, "/{{{name}}}"),
            }
            .expect("writing to a String cannot fail");
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

fn parse_segment(segment: &str, is_last: bool) -> Result<Piece, String> {
    if segment.is_empty() {
        // A trailing slash is a route of its own (`/users/`); an empty segment in the middle
        // (`/users//token`) is always a typo.
        return if is_last {
            Ok(Piece::Literal(String::new()))
        } else {
            Err("the path has an empty segment (`//`)".into())
        };
    }
    if let Some(open) = segment.find('<') {
        let Some(close) = segment.find('>') else {
            let fix = if open == 0 {
                format!("`{segment}>`")
            } else {
                "`<name>`".to_owned()
            };
            return Err(format!(
                "unclosed `<` in the path segment `{segment}`: write {fix}"
            ));
        };
        if close < open {
            return Err(format!("unmatched `>` in the path segment `{segment}`"));
        }
        if open != 0 || close != segment.len() - 1 {
            return Err(format!(
                "a placeholder must be a whole path segment, as in `/items/<id>`, not part of one (`{segment}`)"
            ));
        }
        let name = &segment[1..segment.len() - 1];
        if name.is_empty() {
            return Err("empty placeholder `<>`: name it, as in `<userId>`".into());
        }
        if !is_identifier(name) {
            return Err(format!(
                "`<{name}>` is not a valid placeholder: a placeholder is an identifier, as in `<userId>`"
            ));
        }
        return Ok(Piece::Param(name.to_owned()));
    }
    if segment.contains('>') {
        return Err(format!("unmatched `>` in the path segment `{segment}`"));
    }
    // URL parsers treat `%2e` as `.`, so `%2e%2e` is removed like `..`.
    let dots = segment.to_ascii_lowercase().replace("%2e", ".");
    if dots == "." || dots == ".." {
        return Err(format!(
            "the path segment `{segment}` would be removed by URL normalization; write the route without it"
        ));
    }
    if let Some(c) = segment.chars().find(|&c| c == '{' || c == '}') {
        return Err(format!(
            "`{c}` is not allowed in a path: placeholders are written `<name>`, not `{{name}}`"
        ));
    }
    let bytes = segment.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@".contains(&b)
            || (b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        let in_escape = i >= 1 && bytes[i - 1] == b'%' || i >= 2 && bytes[i - 2] == b'%';
        if !ok && !in_escape {
            let c = segment[i..].chars().next().unwrap_or('?');
            return Err(format!(
                "`{}` is not allowed in a URL path; percent-encode it",
                c.escape_default()
            ));
        }
    }
    Ok(Piece::Literal(segment.to_owned()))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_placeholders_and_literals() {
        let t = Template::parse("/workflows/<workflowId>/upgrade").unwrap();
        assert_eq!(
            t.pieces,
            vec![
                Piece::Literal("workflows".into()),
                Piece::Param("workflowId".into()),
                Piece::Literal("upgrade".into()),
            ]
        );
        assert_eq!(t.openapi(), "/workflows/{workflowId}/upgrade");
        assert_eq!(t.after("workflowId"), "/upgrade");
        let t = Template::parse("/a/<x>/<y>/b/c/<z>/").unwrap();
        assert_eq!(
            (t.after("x"), t.after("y"), t.after("z")),
            ("/".to_owned(), "/b/c/".to_owned(), "/".to_owned())
        );
        let t = Template::parse("/users/<id>").unwrap();
        assert_eq!(t.after("id"), "");
        assert_eq!(Template::parse("/").unwrap().openapi(), "/");
        assert_eq!(Template::parse("/a%20b/").unwrap().openapi(), "/a%20b/");
    }

    #[test]
    fn errors_show_the_fix() {
        let braces = Template::parse("/users/{userId}/logs").unwrap_err();
        assert!(braces.contains("`/users/<userId>/logs`"), "{braces}");
        let unclosed = Template::parse("/users/<userId").unwrap_err();
        assert!(unclosed.contains("`<userId>`"), "{unclosed}");
        let query = Template::parse("/users?limit=1").unwrap_err();
        assert!(
            query.contains("`?limit=1`") && query.contains("#[query]"),
            "{query}"
        );
    }

    #[test]
    fn rejects_bad_templates() {
        for bad in [
            "",
            "users",
            "/a?b=1",
            "/a#x",
            "/a//b",
            "/<>",
            "/<1x>",
            "/<id",
            "/id>",
            "/x<id>",
            "/<id>/<id>",
            "/{id}",
            "/a b",
            "/./a",
            "/../a",
            "/a%zz",
            // Percent-encoded dot segments are normalized away just like `.` and `..`.
            "/%2e",
            "/a/%2E%2e/b",
            "/.%2e",
            "/%2e.",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }
}
