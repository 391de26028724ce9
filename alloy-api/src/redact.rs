//! Redaction, in one place: what the client keeps out of `Debug`, `Display`, logs and errors.
//!
//! The API key is the secret the client holds; user tokens are secrets the API returns. The
//! key lives in [`ApiKey`] and in a sensitive header value; the key is cut out of response
//! bodies that echo it ([`Redactor`]); base URLs are shown without user info, query or
//! fragment ([`RedactedUrl`]); JSON decode errors are shown without the input they quote
//! ([`write_json_error`]).

use std::fmt;

use bytes::Bytes;
use memchr::memmem;

use reqwest::Url;

/// What stands in for a secret wherever one would have been shown.
pub(crate) const REDACTED: &str = "<redacted>";

/// An API key: kept out of `Debug` output.
#[derive(Clone, Default)]
pub(crate) struct ApiKey(pub(crate) String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "<none>"
        } else {
            REDACTED
        })
    }
}

/// Cuts a secret out of response bodies, in case a server echoes the API key in an error
/// body: the body's `message` is shown by [`Error`](crate::Error)'s `Display`, and error
/// messages end up in logs. Built once per client; every response body is searched with it.
pub(crate) struct Redactor {
    // `None` for secrets shorter than 8 bytes, which are left alone (a placeholder key in a
    // test would otherwise garble unrelated text).
    finder: Option<memmem::Finder<'static>>,
}

impl Redactor {
    /// A redactor of `secret`.
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self {
            finder: (secret.len() >= 8).then(|| memmem::Finder::new(secret).into_owned()),
        }
    }

    /// Replaces every occurrence of the secret in `body` with `<redacted>`. The body is
    /// returned untouched, without a copy, when it does not contain the secret.
    ///
    /// Every body is searched, successes too (a decoded body can be logged as well as an
    /// error's), so the search is memchr's vectorized substring search, prepared once: a
    /// byte-by-byte comparison at every offset cost more than the rest of the runtime's
    /// work on a response.
    pub(crate) fn redact(&self, body: Bytes) -> Bytes {
        let Some(finder) = &self.finder else {
            return body;
        };
        let Some(first) = finder.find(&body) else {
            return body;
        };
        let secret_len = finder.needle().len();
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        let mut at = Some(first);
        while let Some(i) = at {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(REDACTED.as_bytes());
            rest = &rest[i + secret_len..];
            at = finder.find(rest);
        }
        out.extend_from_slice(rest);
        Bytes::from(out)
    }
}

/// A URL as given to the builder, shown without what could be a secret: user info, query and
/// fragment. Unparseable text is not shown at all.
pub(crate) struct RedactedUrl<'a>(pub(crate) &'a str);

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parsed as the client parses it (reqwest's `Url`), so what is shown is what would be
        // used: an internationalized host in its punycode form, no default port.
        let url = Url::parse(self.0.trim()).ok().filter(Url::has_host);
        let Some(url) = url else {
            // Show a typo (`production.runalloy.com`), not what might hold credentials.
            return if self.0.len() <= 200 && !self.0.contains(['@', '?', '#']) {
                write!(f, "`{}`", self.0.escape_debug())
            } else {
                f.write_str("<unparseable URL>")
            };
        };
        write!(
            f,
            "{}://{}",
            url.scheme(),
            url.host_str().unwrap_or_default()
        )?;
        if let Some(port) = url.port() {
            write!(f, ":{port}")?;
        }
        f.write_str(url.path())?;
        if url.query().is_some() {
            write!(f, "?{REDACTED}")?;
        }
        if url.fragment().is_some() {
            write!(f, "#{REDACTED}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Writes what the JSON decoder said without the values it quotes from the body.
///
/// serde's messages quote the offending input (`invalid type: string "eyJhbGci...", expected
/// u64`, `unknown variant `...``), and the input of a token response is a token. The kind of
/// mistake, the expected type, field names and the position are kept; quoted input is not.
pub(crate) fn write_json_error(
    f: &mut fmt::Formatter<'_>,
    error: &serde_json::Error,
) -> fmt::Result {
    let full = error.to_string();
    // serde_json appends ` at line L column C` when it knows the position.
    let (message, position) = match full.rfind(" at line ") {
        Some(at) if error.line() > 0 => full.split_at(at),
        _ => (full.as_str(), ""),
    };
    // Field names come from the Rust type, not from the input.
    let keep = message.starts_with("missing field ") || message.starts_with("duplicate field ");
    match message.find(['"', '`']) {
        Some(open) if !keep => {
            // What follows the quoted input comes from the type: `, expected ...`.
            let tail = [", expected ", ", there are no "]
                .iter()
                .filter_map(|p| message.rfind(p))
                .filter(|&at| at > open)
                .max()
                .map_or("", |at| &message[at..]);
            write!(
                f,
                "{} {REDACTED}{tail}{position}",
                message[..open].trim_end()
            )
        }
        _ => write!(f, "{message}{position}"),
    }
}

/// A JSON error in `Debug` form, with its message redacted as by [`write_json_error`].
pub(crate) struct RedactedJsonError<'a>(pub(crate) &'a serde_json::Error);

impl fmt::Debug for RedactedJsonError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Error(\"")?;
        write_json_error(f, self.0)?;
        f.write_str("\")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials_query_or_fragment() {
        for (raw, shown) in [
            (
                "https://u:pw@api.example.com:8443/v1?key=s#f",
                "https://api.example.com:8443/v1?<redacted>#<redacted>",
            ),
            ("http://127.0.0.1:80/", "http://127.0.0.1/"),
            ("production.runalloy.com", "`production.runalloy.com`"),
            ("not a url?key=s", "<unparseable URL>"),
            ("nope@secret", "<unparseable URL>"),
            // A port that is not a number: not a URL, and it holds an `@`.
            ("https://user:p/w@api.example.com", "<unparseable URL>"),
            ("https://user:pw#x@api.example.com", "<unparseable URL>"),
            (
                "https://api.example.com/p#f?x",
                "https://api.example.com/p#<redacted>",
            ),
            // An internationalized host, as it is sent: in punycode.
            ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ] {
            assert_eq!(RedactedUrl(raw).to_string(), shown);
        }
    }

    #[test]
    fn bodies_echoing_the_secret_are_redacted() {
        let body = Bytes::from_static(br#"{"message":"bad key sk_secret_123 (sk_secret_123)"}"#);
        assert_eq!(
            &Redactor::new(b"sk_secret_123").redact(body)[..],
            br#"{"message":"bad key <redacted> (<redacted>)"}"#
        );
        // At the very start and end, and back to back.
        let body = Bytes::from_static(b"sk_secret_123sk_secret_123");
        assert_eq!(
            &Redactor::new(b"sk_secret_123").redact(body)[..],
            b"<redacted><redacted>"
        );
    }

    #[test]
    fn short_secrets_and_clean_bodies_are_left_alone() {
        // A short key (a placeholder in a test) leaves bodies alone.
        let body = Bytes::from_static(b"bad key k");
        assert_eq!(&Redactor::new(b"k").redact(body)[..], b"bad key k");
        // A body without the secret is returned as it is, not copied.
        let body = Bytes::from_static(b"{\"message\":\"nope\"}");
        let out = Redactor::new(b"sk_secret_123").redact(body.clone());
        assert_eq!(out.as_ptr(), body.as_ptr());
    }

    #[test]
    fn api_keys_never_show_in_debug() {
        assert_eq!(
            format!("{:?}", ApiKey("sk_secret_123".into())),
            "<redacted>"
        );
        assert_eq!(format!("{:?}", ApiKey::default()), "<none>");
    }
}
